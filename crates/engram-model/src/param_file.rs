//! Per-neuron parameter values read from NumPy files: `tau_m = { file = "tau_m.npy" }`,
//! the form in which a Brian2 user holds `G.tau[:]` or a trained network its time
//! constants.

use std::fs::File;
use std::path::Path;

use ndarray::Array1;
use ndarray_npy::ReadNpyExt;

/// Reads `path` (shown as `file` in messages): a 1-D float array of exactly `n` finite
/// values. The error names the file and says what was wrong.
pub fn read(path: &Path, file: &str, n: usize) -> Result<Vec<f64>, String> {
    let open = || File::open(path).map_err(|e| format!("cannot read {file}: {e}"));
    let values: Array1<f64> = match Array1::<f64>::read_npy(open()?) {
        Ok(v) => v,
        Err(_) => Array1::<f32>::read_npy(open()?)
            .map_err(|e| format!("{file}: expected a 1-D float array with one value per neuron: {e}"))?
            .mapv(f64::from),
    };
    if values.len() != n {
        return Err(format!("{file}: expected {n} values (one per neuron), found {}", values.len()));
    }
    if let Some(k) = values.iter().position(|v| !v.is_finite()) {
        return Err(format!("{file}: value [{k}] is {}, expected a finite number", values[k]));
    }
    Ok(values.to_vec())
}
