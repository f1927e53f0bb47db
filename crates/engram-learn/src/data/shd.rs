//! The Spiking Heidelberg Digits (Cramer, Stradmann, Schemmel & Zenke 2020, "The
//! Heidelberg spiking data sets for the systematic evaluation of spiking neural
//! networks") in their HDF5 format: `spikes/times` (per sample, spike times in s,
//! variable length), `spikes/units` (per sample, the channel 0–699 of each spike) and
//! `labels` (0–19). Each sample becomes a raster of `steps` bins over `[0, max_time)`;
//! spikes at or after `max_time` are dropped, as in Cramer et al.'s binning.

use std::path::Path;

use hdf5::types::VarLenArray;

use super::Dataset;

/// Input channels of SHD (cochlea model outputs).
pub const CHANNELS: usize = 700;

/// Reads an SHD file into `steps × 700` rasters; the message says what is missing or
/// malformed.
pub fn load(path: &Path, steps: usize, max_time: f64) -> Result<Dataset, String> {
    let shown = path.display();
    let file = hdf5::File::open(path).map_err(|e| format!("cannot open `{shown}` as HDF5: {e}"))?;
    let read_vlen = |name: &str| -> Result<Vec<VarLenArray<f64>>, String> {
        let ds = file.dataset(name).map_err(|_| format!("`{shown}` has no dataset `{name}`"))?;
        let data: Vec<VarLenArray<f64>> = match ds.read_raw::<VarLenArray<f32>>() {
            Ok(v) => {
                v.iter().map(|a| VarLenArray::from_slice(&a.iter().map(|&x| x as f64).collect::<Vec<_>>())).collect()
            }
            Err(_) => ds.read_raw::<VarLenArray<f64>>().map_err(|e| format!("`{shown}`: `{name}`: {e}"))?,
        };
        Ok(data)
    };
    let times = read_vlen("spikes/times")?;
    let units: Vec<VarLenArray<u16>> = file
        .dataset("spikes/units")
        .map_err(|_| format!("`{shown}` has no dataset `spikes/units`"))?
        .read_raw::<VarLenArray<u16>>()
        .map_err(|e| format!("`{shown}`: `spikes/units`: {e}"))?;
    let labels: Vec<u16> = file
        .dataset("labels")
        .map_err(|_| format!("`{shown}` has no dataset `labels`"))?
        .read_raw::<u16>()
        .map_err(|e| format!("`{shown}`: `labels`: {e}"))?;
    if times.len() != units.len() || times.len() != labels.len() {
        return Err(format!(
            "`{shown}`: expected one entry per sample in spikes/times, spikes/units and labels, found {}, {} and {}",
            times.len(),
            units.len(),
            labels.len()
        ));
    }
    let classes = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut data = Dataset { classes, ..Dataset::default() };
    for (k, ((t, u), &label)) in times.iter().zip(&units).zip(&labels).enumerate() {
        if t.len() != u.len() {
            return Err(format!("`{shown}`: sample {k} has {} spike times but {} units", t.len(), u.len()));
        }
        let mut raster = vec![0.0f32; steps * CHANNELS];
        for (&time, &unit) in t.iter().zip(u.iter()) {
            if unit as usize >= CHANNELS {
                return Err(format!("`{shown}`: sample {k} has unit {unit}, expected 0–{}", CHANNELS - 1));
            }
            if time >= 0.0 && time < max_time {
                let bin = ((time / max_time) * steps as f64) as usize;
                raster[bin.min(steps - 1) * CHANNELS + unit as usize] = 1.0;
            }
        }
        data.features.push(raster);
        data.labels.push(label as usize);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written here in SHD's layout reads back into the expected rasters.
    #[test]
    fn reads_a_file_in_the_shd_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mini_shd.h5");
        {
            let f = hdf5::File::create(&path).unwrap();
            let times = [VarLenArray::from_slice(&[0.0f32, 0.25, 0.99, 1.5]), VarLenArray::from_slice(&[0.5f32])];
            let units = [VarLenArray::from_slice(&[3u16, 699, 0, 5]), VarLenArray::from_slice(&[42u16])];
            let g = f.create_group("spikes").unwrap();
            g.new_dataset_builder().with_data(&times).create("times").unwrap();
            g.new_dataset_builder().with_data(&units).create("units").unwrap();
            f.new_dataset_builder().with_data(&[7u16, 19]).create("labels").unwrap();
        }
        let d = load(&path, 4, 1.0).unwrap();
        assert_eq!((d.len(), d.classes, d.n_features()), (2, 20, 4 * CHANNELS));
        assert_eq!(d.labels, vec![7, 19]);
        let on: Vec<(usize, usize)> = d.features[0]
            .iter()
            .enumerate()
            .filter(|(_, &x)| x > 0.0)
            .map(|(i, _)| (i / CHANNELS, i % CHANNELS))
            .collect();
        // 0 s → bin 0, 0.25 s → bin 1, 0.99 s → bin 3; 1.5 s is past max_time.
        assert_eq!(on, vec![(0, 3), (1, 699), (3, 0)]);
        assert_eq!(d.features[1][2 * CHANNELS + 42], 1.0);
    }

    #[test]
    fn a_file_without_labels_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nolabels.h5");
        {
            let f = hdf5::File::create(&path).unwrap();
            let g = f.create_group("spikes").unwrap();
            g.new_dataset_builder().with_data(&[VarLenArray::from_slice(&[0.1f32])]).create("times").unwrap();
            g.new_dataset_builder().with_data(&[VarLenArray::from_slice(&[1u16])]).create("units").unwrap();
        }
        assert_eq!(load(&path, 4, 1.0).unwrap_err(), format!("`{}` has no dataset `labels`", path.display()));
    }
}
