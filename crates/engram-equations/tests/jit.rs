//! The JIT computes what the interpreter computes, bit for bit: the same f32 operations in
//! the same order, the same library calls, the same random draws (issue 27).

#![cfg(feature = "jit")]

mod common;

use common::consts;
use engram_equations::interp::{Backend, Options};
use engram_equations::{Compiled, Model, ModelText, ParamValue};

/// The final values of the variables, and the spikes as (step, neuron).
type Outcome = (Vec<Vec<f32>>, Vec<(u64, u32)>);

fn run_both(
    eqs: &str,
    threshold: Option<&str>,
    reset: Option<&str>,
    c: &[(&str, &str)],
    method: &str,
    params: &[(&str, ParamValue)],
) {
    let m = Model::new(ModelText { equations: eqs, threshold, reset }, &consts(c)).unwrap();
    let n = 700; // not a multiple of the interpreter's block
    let results: Vec<Outcome> = [Backend::Interpreter, Backend::Jit]
        .into_iter()
        .map(|backend| {
            let opt = Options { dt: 1e-4, method: Some(method), refractory: 2e-3, seed: 5, first: 1000, backend };
            let mut model = Compiled::new(&m, n, params, &opt).unwrap();
            let names: Vec<String> =
                m.states().iter().chain(&m.parameters()).map(|&i| m.vars[i].name.clone()).collect();
            for (k, name) in names.iter().enumerate() {
                if m.states().contains(&m.var(name).unwrap()) {
                    for (i, x) in model.var_mut(name).unwrap().iter_mut().enumerate() {
                        *x = if k == 0 { -0.065 + 0.02 * i as f32 / n as f32 } else { 1e-9 * (i % 7) as f32 };
                    }
                }
            }
            let mut spikes = Vec::new();
            let mut spiked = Vec::new();
            for s in 0..400 {
                spiked.clear();
                model.step(s, &mut spiked);
                spikes.extend(spiked.iter().map(|&i| (s, i)));
            }
            (names.iter().map(|v| model.var(v).unwrap().to_vec()).collect(), spikes)
        })
        .collect();
    assert!(!results[0].1.is_empty() || threshold.is_none(), "the test model spikes");
    assert_eq!(results[0].1, results[1].1, "spikes of {eqs}");
    for (a, b) in results[0].0.iter().zip(&results[1].0) {
        assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()), "state of {eqs}");
    }
}

const LIF: [(&str, &str); 6] = common::LIF;

#[test]
fn lif_with_threshold_reset_and_refractory_period() {
    let eqs = "dv/dt = (v_rest - v + R*I)/tau_m + 0.3*mV/ms : volt (unless refractory)";
    run_both(eqs, Some("v > v_th"), Some("v = v_reset"), &LIF, "exact", &[]);
    run_both(eqs, Some("v > v_th"), Some("v = v_reset"), &LIF, "rk4", &[]);
}

#[test]
fn conductances_with_exponential_euler_and_functions() {
    let eqs = "dv/dt = (10 nS*(v_rest - v) + ge*(0 mV - v))/(200 pF) : volt
dge/dt = -ge/(5 ms) + 0.1*nS/ms*exp((v - v_th)/(2 mV)) + where(v > v_th, 1 nS/ms, 0 nS/ms) : siemens
w = clip(v, v_reset, v_th) : volt";
    run_both(eqs, Some("w >= v_th or v > 0 mV"), Some("v = v_reset; ge *= 0.5"), &LIF, "exponential_euler", &[]);
    run_both(eqs, Some("w >= v_th or v > 0 mV"), Some("v = v_reset; ge *= 0.5"), &LIF, "euler", &[]);
}

#[test]
fn noise_random_draws_and_per_neuron_propagators() {
    let eqs = "dv/dt = (v_rest - v + R*I)/tau_m + 2*mV*xi/sqrt(tau_m) : volt";
    run_both(eqs, Some("v > v_th"), Some("v = v_reset + rand()*mV"), &LIF, "euler", &[]);
    let eqs = "dv/dt = (v_rest - v + R*I_e)/tau_m : volt\nI_e : amp (constant)";
    let i_e = (0..700).map(|i| 5e-12 + i as f64 * 2e-14).collect();
    run_both(eqs, Some("v > v_th"), Some("v = v_reset"), &LIF, "exact", &[("I_e", ParamValue::PerNeuron(i_e))]);
}
