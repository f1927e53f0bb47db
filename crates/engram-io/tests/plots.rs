//! Plots are written as real PNG files.

use std::path::Path;

use engram_io::{plot_raster, plot_state, IoError, PopulationSpikes, StateTrace};

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

fn assert_png(path: &Path, min_bytes: usize) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes[..8], PNG_SIGNATURE, "{} is not a PNG", path.display());
    assert!(bytes.len() > min_bytes, "{} has only {} bytes", path.display(), bytes.len());
}

/// Deterministic spikes: neuron `i` fires every `period` seconds, shifted by its index.
fn regular_spikes(size: u32, period: f64, duration: f64) -> (Vec<f64>, Vec<u32>) {
    let mut spikes = Vec::new();
    for i in 0..size {
        let mut t = period * i as f64 / size as f64;
        while t < duration {
            spikes.push((t, i));
            t += period;
        }
    }
    spikes.sort_by(|a, b| a.0.total_cmp(&b.0));
    spikes.into_iter().unzip()
}

#[test]
fn raster_of_small_network_is_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raster.png");
    let (te, ie) = regular_spikes(80, 0.05, 0.5);
    let (ti, ii) = regular_spikes(20, 0.02, 0.5);
    let pops = [
        PopulationSpikes { name: "exc", size: 80, recorded: 80, times: &te, ids: &ie },
        PopulationSpikes { name: "inh", size: 20, recorded: 20, times: &ti, ids: &ii },
    ];
    plot_raster(&path, &pops, 0.5, 0.01).unwrap();
    assert_png(&path, 10_000);
}

#[test]
fn raster_with_an_empty_population_is_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raster.png");
    let pops = [
        PopulationSpikes { name: "silent", size: 50, recorded: 50, times: &[], ids: &[] },
        PopulationSpikes { name: "none", size: 0, recorded: 0, times: &[], ids: &[] },
    ];
    plot_raster(&path, &pops, 1.0, 0.005).unwrap();
    assert_png(&path, 10_000);
}

#[test]
fn raster_is_subsampled_above_sixty_thousand_spikes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raster.png");
    // 2000 neurons x 40 spikes = 80,000 spikes.
    let (t, i) = regular_spikes(2000, 0.025, 1.0);
    assert!(t.len() > 60_000);
    let pops = [PopulationSpikes { name: "exc", size: 2000, recorded: 2000, times: &t, ids: &i }];
    plot_raster(&path, &pops, 1.0, 0.01).unwrap();
    assert_png(&path, 10_000);
}

#[test]
fn raster_rejects_a_non_positive_bin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raster.png");
    let err = plot_raster(&path, &[], 1.0, 0.0).unwrap_err();
    assert!(matches!(err, IoError::InvalidData { .. }));
    assert!(!path.exists());
}

#[test]
fn state_plot_is_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.png");
    let times: Vec<f64> = (0..200).map(|k| k as f64 * 1e-4).collect();
    let ids = vec![0u32, 5];
    let values: Vec<f64> = times.iter().flat_map(|&t| [-0.070 + 0.1 * t, -0.065 - 0.05 * t]).collect();
    let traces = [
        StateTrace {
            population: "exc".into(),
            var: "v".into(),
            unit: "V".into(),
            ids: ids.clone(),
            times: times.clone(),
            values,
        },
        StateTrace {
            population: "exc".into(),
            var: "I_syn".into(),
            unit: "A".into(),
            ids,
            times: times.clone(),
            values: times.iter().flat_map(|&t| [t * 1e-9, -t * 1e-9]).collect(),
        },
    ];
    plot_state(&path, &traces).unwrap();
    assert_png(&path, 10_000);

    let empty = dir.path().join("empty.png");
    plot_state(&empty, &[]).unwrap();
    assert_png(&empty, 1_000);
}
