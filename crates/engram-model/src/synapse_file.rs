//! Explicit synapses read from NumPy files, for the `from_file` connectivity rule:
//! the form in which a Brian2 or NEST user holds a trained or measured connectome.
//!
//! * `.npy`: a dense `n_source × n_target` matrix of weights (Brian2's `W[i, j]`); every
//!   entry that is not 0 is a synapse from source `i` to target `j`.
//! * `.npz` (`numpy.savez`, uncompressed): 1-D arrays `sources`, `targets`, `weights` of
//!   one length, and optionally `delays` (NEST's `GetConnections` columns, Brian2's
//!   `S.i`, `S.j`, `S.w`, `S.delay`).
//!
//! Weights are any float type; indices any integer type; delays float or integer.
//! Values are plain numbers, multiplied by the projection's `weight` and `delay`
//! quantities when the model is read.

use std::fs::File;
use std::path::Path;

use ndarray::{Array2, Ix1, OwnedRepr};
use ndarray_npy::{NpzReader, ReadNpyExt, ReadableElement};

/// The synapses of a `from_file` projection, sorted by source, then target (the order
/// the simulator stores them in), with weights and delays in SI units.
#[derive(Clone, Debug, PartialEq)]
pub struct SynapseFile {
    /// The file as written in the model (relative to the model file).
    pub file: String,
    /// Source index of each synapse.
    pub sources: Vec<u32>,
    /// Target index of each synapse.
    pub targets: Vec<u32>,
    /// Weight of each synapse (SI units of the projection's weight dimension).
    pub weights: Vec<f64>,
    /// Delay of each synapse (s); `None`: every synapse has the projection's `delay`.
    pub delays: Option<Vec<f64>>,
}

/// Reads `path` (shown as `file` in messages) for a projection from `n_src` to `n_tgt`
/// neurons; file weights are multiplied by `weight_unit` and file delays by `delay_unit`.
/// The error names the file and the array and says what was wrong.
pub fn read(
    path: &Path,
    file: &str,
    n_src: usize,
    n_tgt: usize,
    weight_unit: f64,
    delay_unit: f64,
) -> Result<SynapseFile, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut syn = match ext {
        "npy" => read_dense(path, file, n_src, n_tgt)?,
        "npz" => read_sparse(path, file, n_src, n_tgt)?,
        _ => return Err(format!("{file}: expected a .npy weight matrix or a .npz archive of synapses")),
    };
    syn.weights.iter_mut().for_each(|w| *w *= weight_unit);
    if let Some(d) = &mut syn.delays {
        d.iter_mut().for_each(|x| *x *= delay_unit);
    }
    Ok(syn)
}

fn open(path: &Path, file: &str) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read {file}: {e}"))
}

fn read_dense(path: &Path, file: &str, n_src: usize, n_tgt: usize) -> Result<SynapseFile, String> {
    let matrix: Array2<f64> = match Array2::<f64>::read_npy(open(path, file)?) {
        Ok(m) => m,
        Err(_) => Array2::<f32>::read_npy(open(path, file)?)
            .map_err(|e| format!("{file}: expected a 2-D float array (weights, source × target): {e}"))?
            .mapv(f64::from),
    };
    if matrix.dim() != (n_src, n_tgt) {
        return Err(format!(
            "{file}: expected a {n_src} × {n_tgt} weight matrix (source × target), found {} × {}",
            matrix.nrows(),
            matrix.ncols()
        ));
    }
    let mut syn = SynapseFile {
        file: file.to_string(),
        sources: Vec::new(),
        targets: Vec::new(),
        weights: Vec::new(),
        delays: None,
    };
    for ((i, j), &w) in matrix.indexed_iter() {
        if !w.is_finite() {
            return Err(format!("{file}: weight [{i}, {j}] is {w}, expected a finite number"));
        }
        if w != 0.0 {
            syn.sources.push(i as u32);
            syn.targets.push(j as u32);
            syn.weights.push(w);
        }
    }
    Ok(syn)
}

fn read_sparse(path: &Path, file: &str, n_src: usize, n_tgt: usize) -> Result<SynapseFile, String> {
    let mut npz = NpzReader::new(open(path, file)?).map_err(|e| format!("{file}: not a NumPy .npz archive: {e}"))?;
    let names = npz.names().map_err(|e| format!("{file}: cannot list the archive: {e}"))?;
    for key in ["sources", "targets", "weights"] {
        if !names.iter().any(|n| n == key) {
            return Err(format!("{file}: missing array `{key}` (the archive has: {})", names.join(", ")));
        }
    }
    let sources = indices(&mut npz, file, "sources", n_src, "source")?;
    let targets = indices(&mut npz, file, "targets", n_tgt, "target")?;
    let weights = floats(&mut npz, file, "weights")?;
    let delays = if names.iter().any(|n| n == "delays") { Some(floats(&mut npz, file, "delays")?) } else { None };
    let n = sources.len();
    for (key, len) in [("targets", targets.len()), ("weights", weights.len())]
        .into_iter()
        .chain(delays.as_ref().map(|d| ("delays", d.len())))
    {
        if len != n {
            return Err(format!("{file}: `{key}` has {len} entries but `sources` has {n}: expected one per synapse"));
        }
    }
    if let Some(k) = weights.iter().position(|w| !w.is_finite()) {
        return Err(format!("{file}: weights[{k}] is {}, expected a finite number", weights[k]));
    }
    if let Some(d) = &delays {
        if let Some(k) = d.iter().position(|x| !x.is_finite() || *x < 0.0) {
            return Err(format!("{file}: delays[{k}] is {}, expected a delay ≥ 0", d[k]));
        }
    }
    // The simulator stores synapses by source, then target; sorting here (stably, so
    // multapses keep their order) lets it take the arrays as they are.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&k| (sources[k], targets[k]));
    Ok(SynapseFile {
        file: file.to_string(),
        sources: order.iter().map(|&k| sources[k]).collect(),
        targets: order.iter().map(|&k| targets[k]).collect(),
        weights: order.iter().map(|&k| weights[k]).collect(),
        delays: delays.map(|d| order.iter().map(|&k| d[k]).collect()),
    })
}

/// Array `key` as a `Vec<T>`, if it is 1-D of exactly that element type.
fn array<T: ReadableElement + Clone>(npz: &mut NpzReader<File>, key: &str) -> Result<Vec<T>, String> {
    npz.by_name::<OwnedRepr<T>, Ix1>(key).map(|a| a.to_vec()).map_err(|e| e.to_string())
}

fn floats(npz: &mut NpzReader<File>, file: &str, key: &str) -> Result<Vec<f64>, String> {
    array::<f64>(npz, key)
        .or_else(|_| array::<f32>(npz, key).map(|v| v.into_iter().map(f64::from).collect()))
        .or_else(|_| integers(npz, key).map(|v| v.into_iter().map(|x| x as f64).collect()))
        .map_err(|e| format!("{file}: `{key}` must be a 1-D array of numbers: {e}"))
}

fn integers(npz: &mut NpzReader<File>, key: &str) -> Result<Vec<i64>, String> {
    array::<i64>(npz, key)
        .or_else(|_| array::<i32>(npz, key).map(|v| v.into_iter().map(i64::from).collect()))
        .or_else(|_| array::<u32>(npz, key).map(|v| v.into_iter().map(i64::from).collect()))
        .or_else(|_| array::<u64>(npz, key).map(|v| v.into_iter().map(|x| x as i64).collect()))
}

fn indices(npz: &mut NpzReader<File>, file: &str, key: &str, n: usize, what: &str) -> Result<Vec<u32>, String> {
    let v = integers(npz, key).map_err(|e| format!("{file}: `{key}` must be a 1-D array of integers: {e}"))?;
    v.iter()
        .enumerate()
        .map(|(k, &x)| {
            if x < 0 || x as usize >= n {
                Err(format!("{file}: {key}[{k}] = {x} is out of range: the {what} population has {n} neurons"))
            } else {
                Ok(x as u32)
            }
        })
        .collect()
}
