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

/// One-to-one synapses: source 1 reaches target 1 only, whatever the seed.
const ONE_TO_ONE: &str = r#"[simulation]
duration = "20 ms"

[populations.input]
n = 2
model = "poisson_generator"
rate = "40 Hz"

[populations.neuron]
n = 2
model = "lif"

[projections.input]
source = "input"
target = "neuron"
rule = "one_to_one"
weight = "1 mV"
plasticity = { rule = "stdp_pair", w_max = "2 mV" }

[[record.weights]]
projection = "input"
synapses = [[0, 0], [1, 0]]
"#;

/// Issue 25 item 5: a listed synapse the connectivity lacks is an error at the pair,
/// from `engram check` (which draws that projection) and from `engram run`, exit 2,
/// and the run writes nothing.
#[test]
fn a_traced_synapse_that_does_not_exist_is_located_by_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), ONE_TO_ONE).unwrap();
    let expected = "error: m.toml:22:21: record.weights[0].synapses[1]: projection \"input\" has no synapse from source 1 to target 0 in the connectivity of seed 1";
    for args in [&["check", "m.toml"][..], &["run", "m.toml", "-q", "-o", "run"]] {
        let out = engram(args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().next().unwrap(), expected, "{args:?}");
        assert!(
            stderr.contains("help: source 1 connects to 1 target: 1; `sample = N` traces N synapses that exist"),
            "{stderr}"
        );
    }
    assert!(!dir.path().join("run").exists());
    let fixed = ONE_TO_ONE.replace("[1, 0]]", "[1, 1]]");
    std::fs::write(dir.path().join("m.toml"), fixed).unwrap();
    assert_eq!(engram(&["check", "m.toml"], dir.path()).status.code(), Some(0));
}

#[test]
fn sample_beside_listed_synapses_is_bad_input() {
    assert_eq!(
        check_with("every = \"5 ms\"", "sample = 10"),
        (
            2,
            "error: m.toml:26:10: record.weights[0].sample: give `synapses` (pairs you know) or `sample` (synapses drawn from the connectivity), not both"
                .into()
        )
    );
}

#[test]
fn a_sample_of_no_synapse_is_bad_input() {
    assert_eq!(
        check_with("synapses = [[0, 0], [3, 1]]", "sample = 0"),
        (2, "error: m.toml:25:10: record.weights[0].sample: expected a number of synapses ≥ 1".into())
    );
}

#[test]
fn a_snapshot_interval_must_be_positive() {
    assert_eq!(
        check_with("times = [\"10 ms\"]", "snapshot_every = \"0 ms\""),
        (2, "error: m.toml:24:18: record.weights[0].snapshot_every: expected a positive interval".into())
    );
}

/// Sampled synapses and periodic snapshots through the command line: 20 of the 100
/// synapses, each an existing (source, target), and a snapshot every 10 ms.
#[test]
fn a_sampled_monitor_writes_existing_synapses() {
    let dir = tempfile::tempdir().unwrap();
    let text = BASE
        .replace("synapses = [[0, 0], [3, 1]]", "sample = 20")
        .replace("times = [\"10 ms\"]", "snapshot_every = \"10 ms\"");
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    let out = engram(&["run", "m.toml", "--out", "run", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut npz =
        ndarray_npy::NpzReader::new(std::fs::File::open(dir.path().join("run/weights.npz")).unwrap()).unwrap();
    let pairs: ndarray::Array2<u32> = npz.by_name("input_trace_synapses.npy").unwrap();
    let sources: ndarray::Array1<u32> = npz.by_name("input_sources.npy").unwrap();
    let targets: ndarray::Array1<u32> = npz.by_name("input_targets.npy").unwrap();
    let times: ndarray::Array1<f64> = npz.by_name("input_snapshot_times.npy").unwrap();
    assert_eq!(pairs.shape(), &[20, 2]);
    let all: Vec<(u32, u32)> = sources.iter().copied().zip(targets.iter().copied()).collect();
    let drawn: Vec<(u32, u32)> = pairs.rows().into_iter().map(|r| (r[0], r[1])).collect();
    assert!(drawn.iter().all(|p| all.contains(p)), "{drawn:?}");
    assert!(drawn.windows(2).all(|w| w[0] < w[1]), "distinct, by source then target: {drawn:?}");
    let expected = [0.0, 10e-3, 20e-3, 30e-3, 40e-3, 50e-3];
    assert_eq!(times.len(), expected.len(), "{times}");
    assert!(times.iter().zip(expected).all(|(t, e)| (t - e).abs() < 1e-12), "{times}");
}
