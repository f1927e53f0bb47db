//! NPZ files written by engram-io read back with the documented keys, dtypes, shapes
//! and values.

use std::fs::File;
use std::path::Path;

use engram_io::{write_rates_npz, write_spikes_npz, write_state_npz, IoError, PopulationSpikes, StateTrace};
use ndarray::{array, Array1, Array2, Ix1, Ix2, OwnedRepr};
use ndarray_npy::NpzReader;

fn reader(path: &Path) -> NpzReader<File> {
    NpzReader::new(File::open(path).unwrap()).unwrap()
}

fn sorted_names(npz: &mut NpzReader<File>) -> Vec<String> {
    let mut names = npz.names().unwrap();
    names.sort();
    names
}

#[test]
fn spikes_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spikes.npz");
    let pops = [
        PopulationSpikes { name: "exc", size: 4, recorded: 4, times: &[0.001, 0.0015, 0.002, 0.5], ids: &[3, 0, 3, 1] },
        PopulationSpikes { name: "inh", size: 1, recorded: 1, times: &[], ids: &[] },
    ];
    write_spikes_npz(&path, &pops).unwrap();

    let mut npz = reader(&path);
    assert_eq!(sorted_names(&mut npz), ["exc_ids", "exc_times", "inh_ids", "inh_times"]);
    let times: Array1<f64> = npz.by_name("exc_times").unwrap();
    assert_eq!(times, array![0.001, 0.0015, 0.002, 0.5]);
    let ids: Array1<u32> = npz.by_name("exc_ids").unwrap();
    assert_eq!(ids, array![3u32, 0, 3, 1]);
    let empty: Array1<f64> = npz.by_name("inh_times").unwrap();
    assert_eq!(empty.len(), 0);
    let empty_ids: Array1<u32> = npz.by_name("inh_ids").unwrap();
    assert_eq!(empty_ids.len(), 0);
    // The dtypes are exactly float64 / uint32: reading with another element type fails.
    assert!(npz.by_name::<OwnedRepr<f32>, Ix1>("exc_times").is_err());
    assert!(npz.by_name::<OwnedRepr<i64>, Ix1>("exc_ids").is_err());
    assert!(npz.by_name::<OwnedRepr<f64>, Ix1>("exc_ids").is_err());
}

#[test]
fn state_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.npz");
    let traces = [
        StateTrace {
            population: "exc".into(),
            var: "v".into(),
            unit: "V".into(),
            ids: vec![2, 7],
            times: vec![0.0, 0.0001, 0.0002],
            values: vec![-0.070, -0.065, -0.069, -0.064, -0.068, -0.063],
        },
        StateTrace {
            population: "exc".into(),
            var: "g_e".into(),
            unit: "S".into(),
            ids: vec![2],
            times: vec![0.0],
            values: vec![1e-9],
        },
    ];
    write_state_npz(&path, &traces).unwrap();

    let mut npz = reader(&path);
    assert_eq!(
        sorted_names(&mut npz),
        ["exc_g_e", "exc_g_e_ids", "exc_g_e_times", "exc_v", "exc_v_ids", "exc_v_times"]
    );
    let v: Array2<f64> = npz.by_name("exc_v").unwrap();
    assert_eq!(v.shape(), [3, 2]);
    // Row = time, column = neuron: neuron 7 at t = 0.1 ms is the 4th value.
    assert_eq!(v[[1, 1]], -0.064);
    assert_eq!(v, array![[-0.070, -0.065], [-0.069, -0.064], [-0.068, -0.063]]);
    let t: Array1<f64> = npz.by_name("exc_v_times").unwrap();
    assert_eq!(t, array![0.0, 0.0001, 0.0002]);
    let ids: Array1<u32> = npz.by_name("exc_v_ids").unwrap();
    assert_eq!(ids, array![2u32, 7]);
    let g: Array2<f64> = npz.by_name("exc_g_e").unwrap();
    assert_eq!(g, array![[1e-9]]);
    assert!(npz.by_name::<OwnedRepr<f64>, Ix2>("exc_v_ids").is_err());
}

#[test]
fn rates_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rates.npz");
    // 0.1 s bins over 0.3 s. exc (2 neurons): 2, 0, 1 spikes -> 10, 0, 5 Hz.
    let pops = [
        PopulationSpikes { name: "exc", size: 2, recorded: 2, times: &[0.01, 0.05, 0.25], ids: &[0, 1, 0] },
        PopulationSpikes { name: "inh", size: 1, recorded: 1, times: &[0.15], ids: &[0] },
    ];
    write_rates_npz(&path, 0.1, &pops, 0.3).unwrap();

    let mut npz = reader(&path);
    assert_eq!(sorted_names(&mut npz), ["exc_rate", "inh_rate", "t"]);
    let t: Array1<f64> = npz.by_name("t").unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!(t[0], 0.0);
    assert!((t[2] - 0.2).abs() < 1e-12);
    let exc: Array1<f64> = npz.by_name("exc_rate").unwrap();
    let inh: Array1<f64> = npz.by_name("inh_rate").unwrap();
    for (got, want) in exc.iter().zip([10.0, 0.0, 5.0]) {
        assert!((got - want).abs() < 1e-9, "{exc}");
    }
    for (got, want) in inh.iter().zip([0.0, 10.0, 0.0]) {
        assert!((got - want).abs() < 1e-9, "{inh}");
    }
}

#[test]
fn inconsistent_input_is_refused_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.npz");
    let pops = [PopulationSpikes { name: "exc", size: 2, recorded: 2, times: &[0.1], ids: &[2] }];
    let err = write_spikes_npz(&path, &pops).unwrap_err();
    assert!(matches!(err, IoError::InvalidData { .. }));
    let msg = err.to_string();
    assert!(msg.contains("bad.npz") && msg.contains("neuron 2"), "{msg}");
    assert!(!path.exists(), "nothing is written for invalid input");

    let trace = StateTrace {
        population: "exc".into(),
        var: "v".into(),
        unit: "V".into(),
        ids: vec![0, 1],
        times: vec![0.0],
        values: vec![0.0],
    };
    let err = write_state_npz(&path, &[trace]).unwrap_err();
    assert!(err.to_string().contains("expected 1 times x 2 ids = 2"), "{err}");

    // "a_b" + "c" and "a" + "b_c" would share the key "a_b_c".
    let trace = |population: &str, var: &str| StateTrace {
        population: population.into(),
        var: var.into(),
        unit: "V".into(),
        ids: vec![],
        times: vec![],
        values: vec![],
    };
    let err = write_state_npz(&path, &[trace("a_b", "c"), trace("a", "b_c")]).unwrap_err();
    assert!(err.to_string().contains("'a_b_c'"), "{err}");
}

#[test]
fn unwritable_path_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such dir").join("spikes.npz");
    let err = write_spikes_npz(&path, &[]).unwrap_err();
    assert!(matches!(err, IoError::Fs { action: "create", .. }));
    assert!(err.to_string().contains("no such dir"), "{err}");
}
