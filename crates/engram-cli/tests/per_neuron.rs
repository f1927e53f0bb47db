//! Values per neuron that cannot be taken are refused with exit status 2 and a message
//! that says what may vary or why: a parameter of one value per population, a current
//! weight onto a `tau_m` that varies, values that break a model's condition in some
//! neuron.

mod common;

use std::path::Path;

use common::engram;

const BASE: &str = r#"[simulation]
dt = "0.1 ms"
duration = "20 ms"

[populations.exc]
n = 4
model = "lif"
v_reset = "-65 mV"
i_e = "400 pA"

[projections.ee]
source = "exc"
target = "exc"
rule = "all_to_all"
weight = "1 mV"
"#;

fn write_npy(dir: &Path, name: &str, values: &[f64]) {
    use ndarray_npy::WriteNpyExt;
    let file = std::fs::File::create(dir.join(name)).unwrap();
    ndarray::Array1::from(values.to_vec()).write_npy(file).unwrap();
}

/// Runs `engram check` on `BASE` with `from` replaced by `to`, next to a `v.npy` of
/// `values`: exit status and first line of stderr.
fn check(from: &str, to: &str, values: &[f64]) -> (i32, String) {
    assert!(BASE.contains(from), "the base model contains {from:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), BASE.replacen(from, to, 1)).unwrap();
    write_npy(dir.path(), "v.npy", values);
    let out = engram(&["check", "m.toml"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr.lines().next().unwrap_or("").to_string())
}

#[test]
fn values_per_neuron_of_the_varying_parameters_are_accepted() {
    let v = "model = \"lif\"\nv_th = { dist = \"normal\", mean = \"-55 mV\", std = \"1 mV\" }\n\
             t_ref = { file = \"v.npy\", unit = \"1 ms\" }\nv_rest = { dist = \"uniform\", low = \"-72 mV\", high = \"-68 mV\" }";
    assert_eq!(check("model = \"lif\"", v, &[1.0, 2.0, 0.0, 5.0]), (0, String::new()));
}

#[test]
fn a_parameter_of_one_value_per_population_lists_those_that_vary() {
    assert_eq!(
        check("model = \"lif\"", "model = \"lif\"\nc_m = { file = \"v.npy\", unit = \"1 F\" }", &[2e-10; 4]),
        (
            2,
            "error: m.toml:8:7: populations.exc.c_m: \"lif\" takes one value of c_m for the whole population, \
             expected a quantity (a value per neuron may be given for tau_m, tau_syn_exc, tau_syn_inh, v_th, v_rest, \
             v_reset, t_ref, i_e)"
                .into()
        )
    );
    assert_eq!(
        check("model = \"lif\"", "model = \"adex\"\nv_t = { file = \"v.npy\", unit = \"1 V\" }", &[-0.05; 4]),
        (
            2,
            "error: m.toml:8:7: populations.exc.v_t: \"adex\" takes one value of v_t for the whole population, \
             expected a quantity (no parameter of \"adex\" takes a value per neuron)"
                .into()
        )
    );
}

#[test]
fn a_current_weight_onto_a_tau_m_per_neuron_says_why_it_is_refused() {
    let to = "model = \"lif\"\ntau_m = { file = \"v.npy\", unit = \"1 s\" }";
    let (code, msg) = check("model = \"lif\"", to, &[0.01, 0.02, 0.03, 0.04]);
    assert_eq!((code, msg.as_str()), (0, ""), "voltage weights are accepted");
    let dir = tempfile::tempdir().unwrap();
    let text = BASE.replacen("model = \"lif\"", to, 1).replacen("weight = \"1 mV\"", "weight = \"10 pA\"", 1);
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    write_npy(dir.path(), "v.npy", &[0.01, 0.02, 0.03, 0.04]);
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().next().unwrap(),
        "error: m.toml:16:10: projections.ee.weight: expected a voltage such as \"-65 mV\", found \"10 pA\" (a \
         current): with a value of tau_m per neuron the weights are voltages, the jump of R·I: the synaptic current \
         is kept as R·I (R = tau_m / c_m) and one factor converts all of a projection's current weights into it, \
         while R here differs from neuron to neuron"
    );
}

#[test]
fn a_delta_synapse_says_why_its_weights_are_voltages() {
    let (code, msg) = check("weight = \"1 mV\"", "weight = \"10 pA\"", &[]);
    assert_eq!(code, 0, "{msg}");
    let dir = tempfile::tempdir().unwrap();
    let text = BASE.replacen("model = \"lif\"", "model = \"lif\"\nsynapse = \"delta\"", 1).replacen(
        "weight = \"1 mV\"",
        "weight = \"10 pA\"",
        1,
    );
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().next().unwrap(),
        "error: m.toml:16:10: projections.ee.weight: expected a voltage such as \"-65 mV\", found \"10 pA\" (a \
         current): with synapse = \"delta\" a spike makes V jump by its weight, a voltage"
    );
}

#[test]
fn values_that_break_a_condition_in_some_neuron_are_refused() {
    // From a file: the first neuron that breaks it is named.
    assert_eq!(
        check(
            "model = \"lif\"",
            "model = \"lif\"\nv_th = { file = \"v.npy\", unit = \"1 V\" }",
            &[-0.055, -0.06, -0.07, -0.05]
        ),
        (
            2,
            "error: m.toml:8:8: populations.exc.v_th: expected v_reset below v_th in every neuron, found v_reset = \
             -0.065 and v_th = -0.07 in neuron 2 (SI units)"
                .into()
        )
    );
    assert_eq!(
        check(
            "model = \"lif\"",
            "model = \"lif\"\nt_ref = { file = \"v.npy\", unit = \"1 s\" }",
            &[0.002, -0.001, 0.0, 0.0]
        ),
        (
            2,
            "error: m.toml:8:9: populations.exc.t_ref: expected a refractory period ≥ 0 in every neuron, found \
             -0.001 in neuron 1 (SI units)"
                .into()
        )
    );
    // From a distribution: over the range its draws reach (a normal's eight standard
    // deviations): -55 ± 8 mV reaches v_reset = -65 mV, -55 ± 1 mV does not.
    let wide = "model = \"lif\"\nv_th = { dist = \"normal\", mean = \"-55 mV\", std = \"2 mV\" }";
    assert_eq!(
        check("model = \"lif\"", wide, &[]),
        (
            2,
            "error: m.toml:8:8: populations.exc.v_th: expected v_reset below v_th in every neuron, but draws reach \
             v_reset = -0.065 and v_th = -0.071 (SI units): bound the distribution with `low` and `high`"
                .into()
        )
    );
    let bounded = "model = \"lif\"\nv_th = { dist = \"normal\", mean = \"-55 mV\", std = \"2 mV\", low = \"-60 mV\" }";
    assert_eq!(check("model = \"lif\"", bounded, &[]), (0, String::new()));
    let cond = "model = \"lif_cond\"\ng_l = { dist = \"uniform\", low = \"0 nS\", high = \"10 nS\" }";
    assert_eq!(
        check("model = \"lif\"", cond, &[]).1,
        "error: m.toml:8:7: populations.exc.g_l: expected a positive value in every neuron, but draws of this \
         distribution reach 0 (SI units): bound it with `low`, or use uniform or lognormal"
    );
}
