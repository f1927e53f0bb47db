//! Every kind of bad input gets one clear message naming file, line, column and key,
//! and exit status 2; runtime failures exit 1 and leave existing results alone.

mod common;

use common::engram;

const BASE: &str = r#"[simulation]
dt = "0.1 ms"
duration = "20 ms"

[populations.exc]
n = 40
model = "lif"
tau_m = "20 ms"

[populations.inh]
n = 10
model = "lif"

[projections.ee]
source = "exc"
target = "exc"
rule = "fixed_probability"
p = 0.1
weight = "1 mV"
delay = "1 ms"
"#;

/// `BASE` with `from` replaced by `to`, checked: exit status and first line of stderr.
fn check_with(from: &str, to: &str) -> (i32, String) {
    common::check_with(BASE, from, to)
}

#[test]
fn the_base_model_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), BASE).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = engram(&["run", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: nope.toml: cannot read the model file: No such file or directory (os error 2)"
    );
}

#[test]
fn toml_syntax_error() {
    let (code, msg) = check_with("n = 40", "n = ");
    assert_eq!(code, 2);
    assert!(msg.starts_with("error: m.toml:6:5: invalid TOML: "), "{msg}");
}

#[test]
fn unknown_key_suggests_the_closest() {
    assert_eq!(
        check_with("tau_m = \"20 ms\"", "tau_mm = \"20 ms\""),
        (2, "error: m.toml:8:1: populations.exc.tau_mm: unknown key `tau_mm` (did you mean `tau_m`?)".into())
    );
}

#[test]
fn misspelled_model_name() {
    assert_eq!(
        check_with("model = \"lif\"", "model = \"lfi\"").1,
        "error: m.toml:7:9: populations.exc.model: unknown neuron model \"lfi\", expected one of lif, lif_cond, hh, izhikevich, adex, poisson_generator, spike_generator"
            .replace("lif, lif_cond, hh, izhikevich, adex, poisson_generator, spike_generator", &model_names())
    );
}

fn model_names() -> String {
    use engram_model::Registry;
    engram_sim::Models.names().join(", ")
}

#[test]
fn misspelled_rule_name() {
    assert_eq!(
        check_with("rule = \"fixed_probability\"", "rule = \"fixed_probabilty\""),
        (
            2,
            "error: m.toml:17:8: projections.ee.rule: unknown connectivity rule \"fixed_probabilty\", expected one of all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, fixed_total_number, from_file".into()
        )
    );
}

#[test]
fn wrong_unit() {
    assert_eq!(
        check_with("tau_m = \"20 ms\"", "tau_m = \"20 mV\""),
        (
            2,
            "error: m.toml:8:9: populations.exc.tau_m: expected a time such as \"20 ms\", found \"20 mV\" (a voltage)"
                .into()
        )
    );
}

#[test]
fn bare_number_without_unit() {
    assert_eq!(
        check_with("tau_m = \"20 ms\"", "tau_m = 20"),
        (2, "error: m.toml:8:9: populations.exc.tau_m: expected a time such as \"20 ms\", found the bare number 20 without a unit".into())
    );
}

#[test]
fn negative_size() {
    assert_eq!(
        check_with("n = 40", "n = -5"),
        (2, "error: m.toml:6:5: populations.exc.n: expected the number of neurons (an integer ≥ 0), found -5".into())
    );
}

#[test]
fn probability_outside_unit_interval() {
    assert_eq!(
        check_with("p = 0.1", "p = 1.5"),
        (2, "error: m.toml:18:5: projections.ee.p: expected a probability between 0 and 1, found 1.5".into())
    );
}

#[test]
fn delay_shorter_than_dt() {
    assert_eq!(
        check_with("delay = \"1 ms\"", "delay = \"0.05 ms\""),
        (
            2,
            "error: m.toml:20:9: projections.ee.delay: delay 0.05 ms is shorter than the time step dt = 0.1 ms: a spike needs at least one step to arrive".into()
        )
    );
}

#[test]
fn projection_naming_an_unknown_population() {
    assert_eq!(
        check_with("target = \"exc\"", "target = \"exx\""),
        (2, "error: m.toml:16:10: projections.ee.target: unknown population \"exx\", expected one of exc, inh".into())
    );
}

#[test]
fn bad_override_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), BASE).unwrap();
    let out = engram(&["check", "m.toml", "--set", "populations.exc.v_th=-50 V s"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let first = String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string();
    // The value is not in m.toml, so the error names the override that wrote it (issue 25, item 10).
    assert_eq!(
        first,
        "error: --set populations.exc.v_th=-50 V s: populations.exc.v_th: expected a voltage such as \"-65 mV\", \
         found unknown unit `V s` in \"-50 V s\""
    );
}

#[test]
fn runtime_failures_exit_1_and_leave_an_existing_run_directory_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), BASE).unwrap();
    let ok = engram(&["run", "m.toml", "--out", "out", "--quiet"], dir.path());
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let before = std::fs::read(dir.path().join("out/summary.json")).unwrap();

    // A network far larger than any machine's memory.
    let huge = BASE.replace("n = 40", "n = 10000000").replace("p = 0.1", "p = 1.0");
    std::fs::write(dir.path().join("huge.toml"), huge).unwrap();
    let out = engram(&["run", "huge.toml", "--out", "out", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.starts_with("error: the network needs about "), "{msg}");
    assert!(msg.contains("(100000000000000 synapses) but only "), "{msg}");

    // Infinite input makes the membrane potential NaN: +inf and -inf currents meet.
    let nan = format!(
        "{BASE}\n[populations.src]\nn = 1\nmodel = \"spike_generator\"\ntimes = [\"5 ms\"]\n\
         [projections.plus]\nsource = \"src\"\ntarget = \"inh\"\nrule = \"all_to_all\"\nweight = \"1e42 mV\"\n\
         [projections.minus]\nsource = \"src\"\ntarget = \"inh\"\nrule = \"all_to_all\"\nweight = \"-1e42 mV\"\n"
    );
    std::fs::write(dir.path().join("nan.toml"), nan).unwrap();
    let out = engram(&["run", "nan.toml", "--out", "out", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: population \"inh\": state variable `v` of neuron 0 is NaN at t = 10.1 ms; the integration is unstable (try a smaller dt)"
    );
    assert_eq!(std::fs::read(dir.path().join("out/summary.json")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary directories left behind: {leftovers:?}");
}

#[test]
fn spike_generator_id_out_of_range() {
    let (code, msg) = check_with(
        "[populations.inh]",
        "[populations.gen]\nn = 5\nmodel = \"spike_generator\"\ntimes = [\"1 ms\", \"2 ms\"]\nids = [0, 7]\n\n[populations.inh]",
    );
    assert_eq!(code, 2);
    assert_eq!(
        msg,
        "error: m.toml:14:11: populations.gen.ids[1]: neuron index 7 is out of range: the population has 5 neurons"
    );
}

#[test]
fn rule_with_nothing_to_draw_is_bad_input() {
    let (code, msg) = check_with(
        "[projections.ee]",
        "[populations.one]\nn = 1\nmodel = \"lif\"\n\n[projections.self]\nsource = \"one\"\ntarget = \"one\"\nrule = \"fixed_indegree\"\nindegree = 2\nautapses = false\nweight = \"1 mV\"\n\n[projections.ee]",
    );
    assert_eq!(code, 2);
    assert_eq!(
        msg,
        "error: m.toml:18:1: projections.self: indegree = 2 but there is no source to draw from without autapses"
    );
}

#[test]
fn a_variable_recorded_twice_is_bad_input() {
    let base = format!(
        "{BASE}\n[[record.state]]\npopulation = \"exc\"\nvars = [\"v\"]\nids = [0]\n\n[[record.state]]\npopulation = \"exc\"\nvars = [\"v\"]\nids = [1]\n"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), base).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let first = String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string();
    assert_eq!(
        first,
        "error: m.toml:27:1: record.state[1]: `v` of population \"exc\" is recorded twice; record it once, with all its ids"
    );
}

#[test]
fn unknown_key_in_a_distribution_table() {
    let (code, msg) = check_with(
        "weight = \"1 mV\"",
        "weight = { dist = \"normal\", mean = \"1 mV\", std = \"0.1 mV\", shape = \"0 mV\" }",
    );
    assert_eq!(code, 2);
    assert_eq!(msg, "error: m.toml:19:60: projections.ee.weight.shape: unknown key `shape`");
}

#[test]
fn truncated_normal_outside_its_mass() {
    let (code, msg) = check_with(
        "weight = \"1 mV\"",
        "weight = { dist = \"normal\", mean = \"1 mV\", std = \"0.1 mV\", low = \"2 mV\" }",
    );
    assert_eq!(code, 2);
    assert_eq!(
        msg,
        "error: m.toml:19:10: projections.ee.weight: truncated normal needs low < high and the interval [low, high] \
         within two standard deviations of the mean, found [0.002, inf] for mean 0.001 and std 0.0001 (SI units)"
    );
}
