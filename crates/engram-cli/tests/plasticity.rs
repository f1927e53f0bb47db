//! Plasticity in the model file: located errors for bad `plasticity` tables and weight
//! monitors (exit status 2), and the weight files of a plastic run.

mod common;

use common::engram;

const BASE: &str = r#"[simulation]
dt = "0.1 ms"
duration = "50 ms"

[populations.input]
n = 50
model = "poisson_generator"
rate = "40 Hz"

[populations.neuron]
n = 2
model = "lif_cond"

[projections.input]
source = "input"
target = "neuron"
rule = "all_to_all"
weight = "1 nS"
receptor = "exc"
plasticity = { rule = "stdp_pair", tau_plus = "20 ms", w_max = "2 nS" }

[[record.weights]]
projection = "input"
times = ["10 ms"]
synapses = [[0, 0], [3, 1]]
every = "5 ms"
"#;

/// `BASE` with `from` replaced by `to`, checked: exit status and first line of stderr.
fn check_with(from: &str, to: &str) -> (i32, String) {
    common::check_with(BASE, from, to)
}

#[test]
fn misspelled_plasticity_rule() {
    assert_eq!(
        check_with("rule = \"stdp_pair\"", "rule = \"stdp_pairs\""),
        (
            2,
            "error: m.toml:20:23: projections.input.plasticity.rule: unknown plasticity rule \"stdp_pairs\", expected one of stdp_pair, stdp_triplet, istdp_vogels, stp_tsodyks_markram, stdp_dopamine, oja, bcm, anti_hebbian, synaptic_scaling"
                .into()
        )
    );
}

#[test]
fn weight_bound_in_the_wrong_unit() {
    assert_eq!(
        check_with("w_max = \"2 nS\"", "w_max = \"2 mV\""),
        (
            2,
            "error: m.toml:20:64: projections.input.plasticity.w_max: expected a conductance such as \"0.6 nS\", found \"2 mV\" (a voltage)"
                .into()
        )
    );
}

#[test]
fn missing_weight_bound() {
    let (code, msg) = check_with(", w_max = \"2 nS\"", "");
    assert_eq!(code, 2);
    assert_eq!(
        msg,
        "error: m.toml:20:14: projections.input.plasticity: missing key `w_max` (upper weight bound, a conductance like the projection's weights)"
    );
}

#[test]
fn time_constant_in_the_wrong_unit() {
    assert_eq!(
        check_with("tau_plus = \"20 ms\"", "tau_plus = \"20 mV\""),
        (
            2,
            "error: m.toml:20:47: projections.input.plasticity.tau_plus: expected a time such as \"20 ms\", found \"20 mV\" (a voltage)"
                .into()
        )
    );
}

#[test]
fn initial_weight_above_the_bound() {
    let (code, msg) = check_with("weight = \"1 nS\"", "weight = \"3 nS\"");
    assert_eq!(code, 2);
    assert!(
        msg.starts_with("error: m.toml:20:14: projections.input.plasticity: the projection's initial weights (3e-9) must lie within [w_min, w_max] = [0, 2e-9] (SI units)"),
        "{msg}"
    );
}

#[test]
fn unknown_key_in_plasticity() {
    assert_eq!(
        check_with("tau_plus = ", "tau_plu = "),
        (2, "error: m.toml:20:36: projections.input.plasticity.tau_plu: unknown key `tau_plu` (did you mean `tau_plus`?)".into())
    );
}

#[test]
fn weights_of_a_static_projection_cannot_be_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = BASE.lines().filter(|l| !l.starts_with("plasticity")).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().next().unwrap(),
        "error: m.toml:22:14: record.weights[0].projection: projection \"input\" has no plasticity: its weights never change"
    );
}

#[test]
fn traced_synapse_out_of_range() {
    assert_eq!(
        check_with("[3, 1]", "[3, 2]"),
        (
            2,
            "error: m.toml:25:21: record.weights[0].synapses[1]: target index 2 is out of range: the population has 2 neurons"
                .into()
        )
    );
}

#[test]
fn a_plastic_run_writes_its_weights() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), BASE).unwrap();
    let out = engram(&["run", "m.toml", "--out", "run", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let run = dir.path().join("run");
    let file = std::fs::File::open(run.join("weights.npz")).unwrap();
    let mut npz = ndarray_npy::NpzReader::new(file).unwrap();
    let snaps: ndarray::Array2<f32> = npz.by_name("input_snapshots.npy").unwrap();
    let times: ndarray::Array1<f64> = npz.by_name("input_snapshot_times.npy").unwrap();
    let trace: ndarray::Array2<f64> = npz.by_name("input_trace.npy").unwrap();
    // The snapshot asked for and the one at the end; 100 synapses each.
    assert_eq!(snaps.shape(), &[2, 100]);
    assert!((times[0] - 10e-3).abs() < 1e-12 && (times[1] - 50e-3).abs() < 1e-12, "{times}");
    // Every 5 ms from 0 to the end at 50 ms, 2 synapses.
    assert_eq!(trace.shape(), &[11, 2]);
    let trace_times: ndarray::Array1<f64> = npz.by_name("input_trace_times.npy").unwrap();
    assert!(trace_times.iter().enumerate().all(|(i, &t)| (t - i as f64 * 5e-3).abs() < 1e-12), "{trace_times}");
    assert!(snaps.iter().all(|&w| (0.0..=2e-9).contains(&w)), "weights stay within bounds");
    assert!(snaps.row(1).iter().any(|&w| (w - 1e-9).abs() > 1e-13), "some weight changed");
    assert!(std::fs::metadata(run.join("weights_input.png")).unwrap().len() > 0);
}
