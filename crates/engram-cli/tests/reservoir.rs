//! `engram reservoir`: bad configurations get a located message and exit 2; every
//! example runs end to end and writes its metrics and plot.

mod common;

use common::engram;
use std::path::Path;

const BASE: &str = r#"seed = 3

[task]
kind = "narma"
train = 600
test = 200
washout = 50

[reservoir]
units = 50
spectral_radius = 0.9

[readout]
ridge = 1e-6
"#;

/// Writes `BASE` with `from` replaced by `to` as r.toml, runs `engram reservoir` on it,
/// and returns the exit status and the first line of stderr.
fn run_with(from: &str, to: &str) -> (i32, String) {
    assert!(BASE.contains(from), "the base configuration contains {from:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), BASE.replacen(from, to, 1)).unwrap();
    let out = engram(&["reservoir", "r.toml", "-q", "--out", "out"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr.lines().next().unwrap_or("").to_string())
}

#[test]
fn the_base_configuration_runs() {
    let (code, err) = run_with("seed = 3", "seed = 3");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn unknown_task() {
    assert_eq!(
        run_with("kind = \"narma\"", "kind = \"narmax\""),
        (
            2,
            "error: r.toml:4:8: task.kind: unknown task \"narmax\", expected one of mackey_glass, narma, memory_capacity, lorenz, sines"
                .to_string()
        )
    );
}

#[test]
fn spectral_radius_that_is_not_a_number() {
    assert_eq!(
        run_with("spectral_radius = 0.9", "spectral_radius = \"large\""),
        (2, "error: r.toml:11:19: reservoir.spectral_radius: expected a number, found a string".to_string())
    );
}

#[test]
fn negative_spectral_radius() {
    assert_eq!(
        run_with("spectral_radius = 0.9", "spectral_radius = -1"),
        (2, "error: r.toml:11:19: reservoir.spectral_radius: expected a number ≥ 0, found -1".to_string())
    );
}

#[test]
fn leak_rate_out_of_range() {
    assert_eq!(
        run_with("spectral_radius = 0.9", "spectral_radius = 0.9\nleak_rate = 1.5"),
        (2, "error: r.toml:12:13: reservoir.leak_rate: expected a number > 0 and ≤ 1, found 1.5".to_string())
    );
}

#[test]
fn unknown_key_suggests_the_closest() {
    assert_eq!(
        run_with("units = 50", "unit = 50"),
        (2, "error: r.toml:10:1: reservoir.unit: unknown key `unit` (did you mean `units`?)".to_string())
    );
}

#[test]
fn washout_longer_than_training() {
    assert_eq!(
        run_with("washout = 50", "washout = 600"),
        (
            2,
            "error: r.toml:7:11: task.washout: expected fewer washout steps than training steps (600), found 600"
                .to_string()
        )
    );
}

#[test]
fn unknown_readout() {
    assert_eq!(
        run_with("ridge = 1e-6", "kind = \"lasso\""),
        (
            2,
            "error: r.toml:14:8: readout.kind: unknown readout \"lasso\", expected one of ridge, rls, force"
                .to_string()
        )
    );
}

#[test]
fn malformed_toml() {
    assert_eq!(
        run_with("units = 50", "units = = 50"),
        (2, "error: r.toml:10:9: invalid TOML: invalid string expected `\"`, `'`".to_string())
    );
}

#[test]
fn generation_of_narma_is_refused() {
    assert_eq!(
        run_with("kind = \"narma\"", "kind = \"narma\"\nmode = \"generation\""),
        (
            2,
            "error: r.toml: task.mode: generation needs a task whose input is its own output (mackey_glass or lorenz)"
                .to_string()
        )
    );
}

#[test]
fn bad_set_value_names_the_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), BASE).unwrap();
    let out = engram(&["reservoir", "r.toml", "-q", "--set", "reservoir.spectral_radius=abc"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let first = String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string();
    assert_eq!(
        first,
        "error: --set reservoir.spectral_radius=abc: reservoir.spectral_radius: expected a number, found a string"
    );
}

/// Runs an example, shortened by `--set`, and returns its metrics.
fn run_example(name: &str, set: &[&str]) -> (serde_json::Value, std::path::PathBuf, tempfile::TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reservoir");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let config = root.join(format!("{name}.toml"));
    let mut args = vec!["reservoir", config.to_str().unwrap(), "-q", "-j", "2", "--out", out.to_str().unwrap()];
    for s in set {
        args.extend(["--set", s]);
    }
    let o = engram(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert!(metrics["fit_s"].as_f64().unwrap() > 0.0 && metrics["run_s"].as_f64().unwrap() > 0.0);
    (metrics, out, dir)
}

#[test]
fn mackey_glass_example_predicts_and_plots() {
    let (m, out, _dir) = run_example("mackey_glass", &[]);
    // reservoirpy 0.4.2 with these settings: NRMSE 0.008–0.010 over seeds 1–3
    // (bench/RESULTS.md).
    assert!(m["nrmse"].as_f64().unwrap() < 0.02, "{m}");
    assert!(out.join("prediction.png").exists() && out.join("series.json").exists());
    assert_eq!(m["readout"], serde_json::json!({"kind": "ridge", "ridge": 1e-5}));
    assert_eq!(m["reservoir"]["units"], 100);
}

#[test]
fn narma10_example_runs_at_reduced_size() {
    let (m, out, _dir) = run_example("narma10", &["reservoir.units=200", "task.train=2000", "task.test=500"]);
    // With 200 units and 2,000 training steps both engram and reservoirpy reach about
    // 0.2 (crates/engram-reservoir/tests/tasks.rs).
    assert!(m["nrmse"].as_f64().unwrap() < 0.3, "{m}");
    assert!(out.join("prediction.png").exists());
}

#[test]
fn memory_capacity_example_is_bounded_by_the_size() {
    let (m, out, _dir) = run_example("memory_capacity", &["task.train=2000", "task.test=1000", "task.max_delay=120"]);
    let mc = m["memory_capacity"].as_f64().unwrap();
    assert!(mc > 20.0 && mc < 100.0, "{m}");
    assert!(out.join("memory.png").exists());
}

#[test]
fn a_sweep_writes_a_table_and_a_heat_map() {
    let (m, out, _dir) = run_example(
        "narma10",
        &[
            "reservoir.units=50",
            "task.train=600",
            "task.test=200",
            "sweep.spectral_radius=[0.5, 0.9]",
            "sweep.leak_rate=[0.5, 1.0]",
        ],
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().next().unwrap(), "spectral_radius,leak_rate,nrmse,fit_s,run_s");
    assert_eq!(csv.lines().count(), 5);
    assert_eq!(m["sweep"]["points"].as_array().unwrap().len(), 4);
    assert!(out.join("sweep.png").exists());
}

#[test]
fn lorenz_example_generates_in_closed_loop() {
    let (m, out, _dir) = run_example("lorenz", &["task.train=2000", "task.test=200"]);
    // One Lyapunov time is about 37 steps at h = 0.03.
    assert!(m["valid_steps"].as_f64().unwrap() > 37.0, "{m}");
    assert_eq!(m["cv_mse"].as_array().unwrap().len(), 3);
    assert!(out.join("prediction.png").exists());
}

/// Sussillo & Abbott (2009), Fig. 2, at reduced size: FORCE learns the four-harmonic
/// pattern while the network runs on its own fed-back output, then the network, with
/// learning off and no input, generates it for ten periods within 10 % NRMSE (measured
/// 0.013; the full-size example: 0.008).
#[test]
fn force_learns_to_generate_a_periodic_pattern_in_closed_loop() {
    let reduced = ["reservoir.units=300", "task.period=300", "task.train=4000", "task.test=3000"];
    let (m, out, _dir) = run_example("force_sines", &reduced);
    assert!(m["nrmse"].as_f64().unwrap() < 0.1, "{m}");
    assert_eq!(m["valid_steps"].as_f64().unwrap(), 3000.0, "{m}");
    assert!(out.join("prediction.png").exists());
}

#[test]
fn the_sines_task_needs_feedback() {
    assert_eq!(
        run_with("kind = \"narma\"", "kind = \"sines\""),
        (
            2,
            "error: r.toml: reservoir.feedback_scaling: the sines task has no input: the readout's output must be fed back (feedback_scaling > 0)"
                .to_string()
        )
    );
}

/// The liquid of `lsm_adaptive_ei.toml` at a quarter of its size, with its homeostatic
/// targets, run for `train` + 500 NARMA-10 steps after 10 s of adaptation.
const LSM_REDUCED: [&str; 5] = [
    "liquid.set=[\"populations.exc.n=100\", \"populations.inh.n=25\"]",
    "liquid.adapt=\"10 s\"",
    "task.train=2000",
    "task.test=500",
    "liquid.taus=[\"10 ms\", \"40 ms\", \"160 ms\"]",
];

#[test]
fn lsm_adaptive_ei_example_reaches_its_target_rates_and_predicts_narma10() {
    let (m, out, _dir) = run_example("lsm_adaptive_ei", &LSM_REDUCED);
    // The liquid starts far above its targets (i_e alone drives it to 80-110 Hz);
    // homeostasis must bring every neuron within 10 % of its population's target.
    let rates = m["rates"].as_array().unwrap();
    assert_eq!(rates.len(), 2, "{m}");
    for r in rates {
        let target = r["target_hz"].as_f64().unwrap();
        assert!(r["first_window_hz"].as_f64().unwrap() > 2.0 * target, "a mistuned start: {r}");
        assert_eq!(r["fraction_within_10_percent"].as_f64().unwrap(), 1.0, "{r}");
    }
    // The mean predictor scores 1; a linear readout of u(t)..u(t−11) about 0.41.
    let nrmse = m["nrmse"].as_f64().unwrap();
    assert!(nrmse < 0.9, "{m}");
    assert!(out.join("rates.png").exists() && out.join("prediction.png").exists());
}

/// RLS without forgetting and with `P(0) = I/δ` ends at the ridge solution with
/// `λ = δ` (Haykin §9.3; here the intercept is penalised too), so on the same liquid it
/// predicts as the ridge readout does.
#[test]
fn rls_reads_a_liquid_out_as_ridge_does() {
    let ridge =
        run_example("lsm_adaptive_ei", &[&LSM_REDUCED[..], &["readout={ kind = \"ridge\", ridge = 1000.0 }"]].concat())
            .0;
    let rls =
        run_example("lsm_adaptive_ei", &[&LSM_REDUCED[..], &["readout={ kind = \"rls\", delta = 1000.0 }"]].concat()).0;
    let (a, b) = (ridge["nrmse"].as_f64().unwrap(), rls["nrmse"].as_f64().unwrap());
    assert!(a < 0.9 && (a - b).abs() < 0.02, "ridge {a}, rls {b}");
}

#[test]
fn force_on_a_liquid_is_refused() {
    let (code, err) = run_liquid_with("[liquid]\n", "[readout]\nkind = \"force\"\n\n[liquid]\n");
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: r.toml: readout.kind: FORCE trains while the readout's output drives the reservoir, and a liquid \
             takes only the task's input: read a liquid out by \"ridge\" or \"rls\""
        )
    );
}

/// The base liquid configuration, with the example's model file copied beside it.
fn run_liquid_with(from: &str, to: &str) -> (i32, String) {
    let base = r#"[task]
kind = "narma"
train = 300
test = 100
washout = 50

[liquid]
model = "liquid.toml"
adapt = "1 s"

[liquid.input]
populations = ["exc"]
weight = "2 nS"

[liquid.homeostasis]
rates = { exc = "20 Hz" }
eta = "0.02 nS"
"#;
    assert!(base.contains(from), "the base configuration contains {from:?}");
    let dir = tempfile::tempdir().unwrap();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reservoir/lsm_liquid.toml");
    std::fs::copy(model, dir.path().join("liquid.toml")).unwrap();
    std::fs::write(dir.path().join("r.toml"), base.replacen(from, to, 1)).unwrap();
    let out = engram(&["reservoir", "r.toml", "-q", "--out", "out"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr.lines().next().unwrap_or("").to_string())
}

#[test]
fn the_base_liquid_configuration_runs() {
    let (code, err) = run_liquid_with("adapt", "adapt");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn liquid_input_into_an_unknown_population() {
    assert_eq!(
        run_liquid_with("populations = [\"exc\"]", "populations = [\"ecx\"]"),
        (
            2,
            "error: r.toml:12:16: liquid.input.populations: no population \"ecx\" in model \"lsm_liquid\", expected one of exc, inh"
                .to_string()
        )
    );
}

#[test]
fn liquid_input_weight_of_the_wrong_dimension() {
    assert_eq!(
        run_liquid_with("weight = \"2 nS\"", "weight = \"2 ms\""),
        (
            2,
            "error: r.toml:13:10: liquid.input.weight: expected a conductance such as \"0.6 nS\", found \"2 ms\" (a time)"
                .to_string()
        )
    );
}

#[test]
fn homeostatic_target_without_a_unit() {
    assert_eq!(
        run_liquid_with("exc = \"20 Hz\"", "exc = 20"),
        (
            2,
            "error: r.toml:16:17: liquid.homeostasis.rates.exc: expected a frequency such as \"10 Hz\", found the bare number 20 without a unit"
                .to_string()
        )
    );
}

#[test]
fn a_liquid_and_a_reservoir_together_are_refused() {
    let (code, err) = run_liquid_with("[liquid]\n", "[reservoir]\nunits = 10\n\n[liquid]\n");
    assert_eq!(code, 2);
    assert!(err.contains("reservoir: a [liquid] replaces the [reservoir] table"), "{err}");
}

#[test]
fn a_bad_value_set_on_the_liquid_model_names_the_override() {
    let (code, err) = run_liquid_with("adapt = \"1 s\"", "adapt = \"1 s\"\nset = [\"populations.exc.tau_m=3\"]");
    assert_eq!(code, 2);
    // The bad value comes from the configuration's `set`, which the error names.
    assert_eq!(err, "error: --set populations.exc.tau_m=3: populations.exc.tau_m: unknown key `tau_m` (did you mean `tau_syn_inh`?)");
}
