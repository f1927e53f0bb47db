//! Structural plasticity in the model file: located errors for bad `structural` tables
//! (exit status 2), and the synapse counts a run writes into summary.json.

mod common;

use common::engram;

const BASE: &str = r#"[simulation]
dt = "0.1 ms"
duration = "300 ms"

[populations.input]
n = 50
model = "poisson_generator"
rate = "40 Hz"

[populations.neuron]
n = 4
model = "lif_cond"

[projections.input]
source = "input"
target = "neuron"
rule = "fixed_indegree"
indegree = 20
multapses = false
weight = "1 nS"
receptor = "exc"
plasticity = { rule = "stdp_pair", w_max = "2 nS" }
structural = { interval = "100 ms", prune_fraction = 0.25, regrow = "random", in_degree = [10, 30] }
"#;

/// `BASE` with `from` replaced by `to`, checked: exit status and first line of stderr.
fn check_with(from: &str, to: &str) -> (i32, String) {
    common::check_with(BASE, from, to)
}

#[test]
fn misspelled_regrowth() {
    assert_eq!(
        check_with("regrow = \"random\"", "regrow = \"hebian\""),
        (
            2,
            "error: m.toml:23:69: projections.input.structural.regrow: unknown regrowth \"hebian\", expected one of random, hebbian, none"
                .into()
        )
    );
}

#[test]
fn nothing_to_prune() {
    assert_eq!(
        check_with("prune_fraction = 0.25, ", ""),
        (
            2,
            "error: m.toml:23:14: projections.input.structural: missing key `prune_below` or `prune_fraction` (which synapses to prune)"
                .into()
        )
    );
}

#[test]
fn indegree_outside_the_bounds() {
    assert_eq!(
        check_with("in_degree = [10, 30]", "in_degree = [25, 30]"),
        (
            2,
            "error: m.toml:23:91: projections.input.structural.in_degree: the rule's indegree = 20 lies outside [25, 30]"
                .into()
        )
    );
}

#[test]
fn prune_threshold_in_the_wrong_unit() {
    assert_eq!(
        check_with("prune_fraction = 0.25", "prune_below = \"0.1 mV\""),
        (
            2,
            "error: m.toml:23:51: projections.input.structural.prune_below: expected a conductance such as \"0.6 nS\", found \"0.1 mV\" (a voltage)"
                .into()
        )
    );
}

#[test]
fn structural_projections_cannot_be_weight_monitored() {
    assert_eq!(check_with("", ""), (0, String::new()), "the base model is valid");
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{BASE}\n[[record.weights]]\nprojection = \"input\"\n");
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr.lines().next().unwrap_or(""),
        "error: m.toml:26:14: record.weights[0].projection: projection \"input\" is structural: its synapses change, \
         so its weights cannot be recorded as fixed columns (summary.json's `structural` shows its synapse count)"
    );
}

/// Three rewirings of 80 synapses (a quarter each, replaced): summary.json lists the
/// start and each rewiring, with the count constant and in-degrees within [10, 30].
#[test]
fn summary_records_the_synapse_count_at_every_rewiring() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), BASE).unwrap();
    let out = engram(&["run", "m.toml", "-q", "-o", "run", "-j", "2"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run/summary.json")).unwrap()).unwrap();
    let s = &summary["structural"]["input"];
    let ints = |k: &str| -> Vec<u64> { s[k].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect() };
    let times: Vec<f64> = s["times_s"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(times.len(), 4);
    assert!(times.iter().zip([0.0, 0.1, 0.2, 0.3]).all(|(a, b)| (a - b).abs() < 1e-12), "{times:?}");
    assert_eq!(ints("synapses"), vec![80, 80, 80, 80]);
    assert_eq!(ints("pruned"), vec![0, 20, 20, 20]);
    assert_eq!(ints("grown"), vec![0, 20, 20, 20]);
    assert!(ints("in_degree_min").iter().all(|&d| d >= 10) && ints("in_degree_max").iter().all(|&d| d <= 30));
    assert_eq!(summary["n_synapses"], 80);
}
