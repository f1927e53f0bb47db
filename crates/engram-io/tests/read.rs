//! Reading spikes back: what engram writes reads back unchanged; arrays from other
//! tools in the same layout are accepted when their values fit; broken archives are
//! reported with the file and the problem.

use std::fs::File;

use engram_io::{read_spikes_npz, write_spikes_npz, IoError, PopulationSpikes, SpikeArrays};
use ndarray::arr1;
use ndarray_npy::NpzWriter;

#[test]
fn reads_back_what_engram_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spikes.npz");
    let exc = PopulationSpikes { name: "exc", size: 4, recorded: 4, times: &[0.1, 0.25, 0.3], ids: &[3, 0, 3] };
    let inh = PopulationSpikes { name: "inh", size: 2, recorded: 2, times: &[], ids: &[] };
    write_spikes_npz(&path, &[inh, exc]).unwrap();
    let read = read_spikes_npz(&path).unwrap();
    // Sorted by name, whatever the order written.
    assert_eq!(
        read,
        vec![
            SpikeArrays { name: "exc".into(), times: vec![0.1, 0.25, 0.3], ids: vec![3, 0, 3] },
            SpikeArrays { name: "inh".into(), times: vec![], ids: vec![] },
        ]
    );
}

fn write_with(path: &std::path::Path, f: impl FnOnce(&mut NpzWriter<File>)) {
    let mut npz = NpzWriter::new(File::create(path).unwrap());
    f(&mut npz);
    npz.finish().unwrap();
}

#[test]
fn accepts_int64_ids_and_float32_times() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.npz");
    write_with(&path, |npz| {
        npz.add_array("pop_times", &arr1(&[0.5f32, 0.75])).unwrap();
        npz.add_array("pop_ids", &arr1(&[7i64, 2])).unwrap();
    });
    let read = read_spikes_npz(&path).unwrap();
    assert_eq!(read[0].times, vec![0.5, 0.75]);
    assert_eq!(read[0].ids, vec![7, 2]);
}

#[test]
fn refuses_negative_ids_unpaired_arrays_and_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("neg.npz");
    write_with(&path, |npz| {
        npz.add_array("pop_times", &arr1(&[0.5f64])).unwrap();
        npz.add_array("pop_ids", &arr1(&[-1i64])).unwrap();
    });
    let msg = read_spikes_npz(&path).unwrap_err().to_string();
    assert!(msg.ends_with("array 'pop_ids' holds neuron id -1, expected 0 to 4294967295"), "{msg}");

    let path = dir.path().join("unpaired.npz");
    write_with(&path, |npz| npz.add_array("pop_times", &arr1(&[0.5f64])).unwrap());
    let msg = read_spikes_npz(&path).unwrap_err().to_string();
    assert_eq!(msg, format!("{}: array 'pop_times' has no matching 'pop_ids'", path.display()));

    let path = dir.path().join("lengths.npz");
    write_with(&path, |npz| {
        npz.add_array("pop_times", &arr1(&[0.5f64, 0.6])).unwrap();
        npz.add_array("pop_ids", &arr1(&[1u32])).unwrap();
    });
    let msg = read_spikes_npz(&path).unwrap_err().to_string();
    assert_eq!(msg, format!("{}: population 'pop' has 2 spike times but 1 ids", path.display()));

    let path = dir.path().join("text.npz");
    std::fs::write(&path, "hello").unwrap();
    assert!(matches!(read_spikes_npz(&path), Err(IoError::Corrupt { .. })));
    assert!(matches!(read_spikes_npz(&dir.path().join("missing.npz")), Err(IoError::Fs { .. })));
}
