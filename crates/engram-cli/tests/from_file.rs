//! The `from_file` connectivity rule: synapses, weights and delays from a NumPy file
//! arrive as written; bad files are located errors naming the file and array (exit 2).

mod common;

use common::engram;
use std::fs::File;
use std::path::Path;

use ndarray::{array, Array1, Array2};
use ndarray_npy::{NpzReader, NpzWriter, WriteNpyExt};

/// Two spike generators firing at 1 ms onto three `lif` neurons with delta synapses,
/// whose membrane is then constant (τ_m = 10⁴ s): each V is the sum of the weights
/// that arrived.
fn model(projection: &str) -> String {
    format!(
        r#"[simulation]
dt = "0.5 ms"
duration = "10 ms"

[populations.input]
n = 2
model = "spike_generator"
times = ["1 ms", "1 ms"]
ids = [0, 1]

[populations.cells]
n = 3
model = "lif"
synapse = "delta"
tau_m = "10000 s"
v_rest = "0 mV"
v_reset = "0 mV"
v_th = "100 mV"

[projections.p]
source = "input"
target = "cells"
rule = "from_file"
{projection}
[record]
spikes = {{}}

[[record.state]]
population = "cells"
vars = ["v"]
ids = [0, 1, 2]
"#
    )
}

fn write_npz(path: &Path, arrays: &[(&str, Array1<f64>)], indices: &[(&str, Array1<i64>)]) {
    let mut npz = NpzWriter::new(File::create(path).unwrap());
    for (k, a) in indices {
        npz.add_array(*k, a).unwrap();
    }
    for (k, a) in arrays {
        npz.add_array(*k, a).unwrap();
    }
    npz.finish().unwrap();
}

/// V (mV) of the three cells at each recorded time (ms).
fn run_v(dir: &Path, projection: &str) -> Vec<(f64, [f64; 3])> {
    std::fs::write(dir.join("m.toml"), model(projection)).unwrap();
    let out = engram(&["run", "m.toml", "-q", "-o", "run"], dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut npz = NpzReader::new(File::open(dir.join("run/state.npz")).unwrap()).unwrap();
    let v: Array2<f64> = npz.by_name("cells_v").unwrap();
    let t: Array1<f64> = npz.by_name("cells_v_times").unwrap();
    t.iter().zip(v.rows()).map(|(&t, r)| (t * 1e3, [r[0] * 1e3, r[1] * 1e3, r[2] * 1e3])).collect()
}

fn v_at(trace: &[(f64, [f64; 3])], t_ms: f64) -> [f64; 3] {
    trace.iter().find(|(t, _)| (*t - t_ms).abs() < 1e-9).expect("a sample at that time").1
}

#[test]
fn a_dense_matrix_gives_one_synapse_per_nonzero_entry() {
    let dir = tempfile::tempdir().unwrap();
    // W[i, j]: source i → cell j; cell 2 gets nothing.
    let w: Array2<f32> = array![[0.5, -2.0, 0.0], [1.5, 0.0, 0.0]];
    w.write_npy(File::create(dir.path().join("w.npy")).unwrap()).unwrap();
    let trace = run_v(dir.path(), "file = \"w.npy\"\nweight = \"2 mV\"\nreceptor = \"exc\"\ndelay = \"2 ms\"\n");
    // Spikes at 1 ms arrive 2 ms later; V sampled before that step's update is still 0.
    assert_eq!(v_at(&trace, 3.0), [0.0, 0.0, 0.0]);
    let after = v_at(&trace, 5.0);
    for (got, want) in after.iter().zip([2.0 * (0.5 + 1.5), 2.0 * -2.0, 0.0]) {
        assert!((got - want).abs() < 1e-5, "V {after:?}, expected cell values 4, -4, 0 mV");
    }
}

#[test]
fn sparse_arrays_carry_per_synapse_delays() {
    let dir = tempfile::tempdir().unwrap();
    // Unsorted on purpose, with a multapse (1 → 0 twice).
    write_npz(
        &dir.path().join("s.npz"),
        &[("weights", array![3.0, 1.0, 0.25, 0.5]), ("delays", array![2.0, 4.0, 6.0, 2.0])],
        &[("sources", array![1, 0, 1, 1]), ("targets", array![0, 2, 0, 1])],
    );
    let trace = run_v(dir.path(), "file = \"s.npz\"\nweight = \"1 mV\"\ndelay = \"1 ms\"\n");
    // Delays in units of 1 ms: 1 → 0 (3 mV) at 3 ms, 1 → 1 (0.5 mV) at 3 ms, 0 → 2 (1 mV)
    // at 5 ms, 1 → 0 (0.25 mV) at 7 ms.
    let near = |a: [f64; 3], b: [f64; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
    for (t, want) in [(3.5, [3.0, 0.5, 0.0]), (5.5, [3.0, 0.5, 1.0]), (7.5, [3.25, 0.5, 1.0])] {
        let got = v_at(&trace, t);
        assert!(near(got, want), "at {t} ms: V {got:?}, expected {want:?}");
    }
}

/// `engram check` on a model whose projection reads `file`; the first line of stderr.
fn error_for(dir: &Path, projection: &str) -> (i32, String) {
    std::fs::write(dir.join("m.toml"), model(projection)).unwrap();
    let out = engram(&["check", "m.toml"], dir);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string())
}

#[test]
fn bad_files_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let at = "error: m.toml:24:8: projections.p.file: ";
    assert_eq!(
        error_for(d, "file = \"none.npy\"\nweight = \"1 mV\"\n"),
        (2, format!("{at}cannot read none.npy: No such file or directory (os error 2)"))
    );
    let w: Array2<f64> = Array2::zeros((3, 2));
    w.write_npy(File::create(d.join("t.npy")).unwrap()).unwrap();
    assert_eq!(
        error_for(d, "file = \"t.npy\"\nweight = \"1 mV\"\n"),
        (2, format!("{at}t.npy: expected a 2 × 3 weight matrix (source × target), found 3 × 2"))
    );
    std::fs::write(d.join("junk.npy"), "not numpy").unwrap();
    let (code, line) = error_for(d, "file = \"junk.npy\"\nweight = \"1 mV\"\n");
    assert_eq!(code, 2);
    assert!(line.starts_with(&format!("{at}junk.npy: expected a 2-D float array")), "{line}");
    write_npz(&d.join("nw.npz"), &[], &[("sources", array![0]), ("targets", array![0])]);
    assert_eq!(
        error_for(d, "file = \"nw.npz\"\nweight = \"1 mV\"\n"),
        (2, format!("{at}nw.npz: missing array `weights` (the archive has: sources, targets)"))
    );
    write_npz(&d.join("far.npz"), &[("weights", array![1.0])], &[("sources", array![0]), ("targets", array![3])]);
    assert_eq!(
        error_for(d, "file = \"far.npz\"\nweight = \"1 mV\"\n"),
        (2, format!("{at}far.npz: targets[0] = 3 is out of range: the target population has 3 neurons"))
    );
    write_npz(&d.join("len.npz"), &[("weights", array![1.0, 2.0])], &[("sources", array![0]), ("targets", array![1])]);
    assert_eq!(
        error_for(d, "file = \"len.npz\"\nweight = \"1 mV\"\n"),
        (2, format!("{at}len.npz: `weights` has 2 entries but `sources` has 1: expected one per synapse"))
    );
    write_npz(
        &d.join("short.npz"),
        &[("weights", array![1.0]), ("delays", array![0.1])],
        &[("sources", array![0]), ("targets", array![1])],
    );
    assert_eq!(
        error_for(d, "file = \"short.npz\"\nweight = \"1 mV\"\ndelay = \"1 ms\"\n"),
        (2, format!("{at}short.npz: delays[0] is 0.1 ms, expected a delay between dt = 0.5 ms and 65535 steps"))
    );
    let (code, line) =
        error_for(d, "file = \"short.npz\"\nweight = { dist = \"uniform\", low = \"0 mV\", high = \"1 mV\" }\n");
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "error: m.toml:20:1: projections.p: from_file needs a fixed `weight` and `delay`: the units of the file's numbers"
    );
}
