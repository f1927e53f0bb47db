//! Reading spikes back from NPZ archives: engram's own `spikes.npz` or any archive in
//! the same layout written by other tools (NumPy `savez`, NWB/NEO exports as `(times,
//! ids)` arrays).
//!
//! Layout (see [`crate::npz`]): per population `pop`, `{pop}_times` (float64 seconds;
//! float32 accepted) and `{pop}_ids` (uint32; any integer type accepted when every value
//! fits in `0..2^32`), of equal length. Every `_times` needs its `_ids` and vice versa;
//! other arrays are ignored so an archive may carry more. Only the layout is checked
//! here; what the values must satisfy (order, sign, range) is the analysis' business.

use std::fs::File;
use std::path::Path;

use ndarray::Array1;
use ndarray_npy::{NpzReader, ReadNpzError, ReadableElement};

use crate::IoError;

/// Spikes of one population as read from disk.
#[derive(Clone, Debug, PartialEq)]
pub struct SpikeArrays {
    /// Population name (the key prefix).
    pub name: String,
    /// Spike times in seconds, in file order.
    pub times: Vec<f64>,
    /// Neuron index of each spike.
    pub ids: Vec<u32>,
}

fn corrupt(path: &Path, message: impl Into<String>) -> IoError {
    IoError::Corrupt { path: path.to_path_buf(), message: message.into() }
}

fn read_1d<T: ReadableElement>(npz: &mut NpzReader<File>, key: &str) -> Result<Vec<T>, ReadNpzError> {
    npz.by_name::<ndarray::OwnedRepr<T>, ndarray::Ix1>(key).map(Array1::into_raw_vec_and_offset).map(|(v, _)| v)
}

/// Reads one array of times, as float64 or float32.
fn read_times(path: &Path, npz: &mut NpzReader<File>, key: &str) -> Result<Vec<f64>, IoError> {
    if let Ok(t) = read_1d::<f64>(npz, key) {
        return Ok(t);
    }
    if let Ok(t) = read_1d::<f32>(npz, key) {
        return Ok(t.into_iter().map(f64::from).collect());
    }
    Err(corrupt(path, format!("array '{key}' is not a one-dimensional array of float64 spike times")))
}

/// Reads one array of ids as uint32, or as another integer type whose values fit.
fn read_ids(path: &Path, npz: &mut NpzReader<File>, key: &str) -> Result<Vec<u32>, IoError> {
    if let Ok(ids) = read_1d::<u32>(npz, key) {
        return Ok(ids);
    }
    let wide: Option<Vec<i128>> = read_1d::<i64>(npz, key)
        .map(|v| v.into_iter().map(i128::from).collect())
        .or_else(|_| read_1d::<u64>(npz, key).map(|v| v.into_iter().map(i128::from).collect()))
        .or_else(|_| read_1d::<i32>(npz, key).map(|v| v.into_iter().map(i128::from).collect()))
        .or_else(|_| read_1d::<u16>(npz, key).map(|v| v.into_iter().map(i128::from).collect()))
        .ok();
    let Some(wide) = wide else {
        return Err(corrupt(path, format!("array '{key}' is not a one-dimensional array of integer neuron ids")));
    };
    wide.into_iter()
        .map(|id| {
            u32::try_from(id).map_err(|_| {
                IoError::invalid(path, format!("array '{key}' holds neuron id {id}, expected 0 to {}", u32::MAX))
            })
        })
        .collect()
}

/// Reads every population's spikes from the NPZ archive at `path`, populations sorted by
/// name (see the [module docs](self) for the layout).
pub fn read_spikes_npz(path: &Path) -> Result<Vec<SpikeArrays>, IoError> {
    let file = File::open(path).map_err(|e| IoError::fs("open", path, e))?;
    let mut npz = NpzReader::new(file).map_err(|e| corrupt(path, format!("not a readable NPZ (zip) archive: {e}")))?;
    let names = npz.names().map_err(|e| corrupt(path, format!("cannot list the arrays: {e}")))?;
    let mut pops: Vec<String> = names.iter().filter_map(|n| n.strip_suffix("_times")).map(str::to_string).collect();
    pops.sort();
    for n in &names {
        if let Some(pop) = n.strip_suffix("_ids") {
            if !names.iter().any(|m| m == &format!("{pop}_times")) {
                return Err(corrupt(path, format!("array '{n}' has no matching '{pop}_times'")));
            }
        }
    }
    if pops.is_empty() {
        return Err(corrupt(path, "no spike arrays: expected keys '{pop}_times' and '{pop}_ids'"));
    }
    let mut out = Vec::with_capacity(pops.len());
    for name in pops {
        let (tk, ik) = (format!("{name}_times"), format!("{name}_ids"));
        if !names.contains(&ik) {
            return Err(corrupt(path, format!("array '{tk}' has no matching '{ik}'")));
        }
        let times = read_times(path, &mut npz, &tk)?;
        let ids = read_ids(path, &mut npz, &ik)?;
        if times.len() != ids.len() {
            return Err(corrupt(
                path,
                format!("population '{name}' has {} spike times but {} ids", times.len(), ids.len()),
            ));
        }
        out.push(SpikeArrays { name, times, ids });
    }
    Ok(out)
}
