//! Helpers shared by the neuron models' unit tests.

use engram_model::{Default as D, KindSpec, ParamKind as P, ParamValue, Params};

use super::{BuildCtx, Neuron};

/// Every default of `spec` (numbers, quantities, choices), then `overrides` (SI units).
///
/// # Panics
/// If an override names no parameter of `spec`.
pub fn params(spec: &KindSpec, overrides: &[(&str, f64)]) -> Params {
    let mut p = Params::default();
    for s in spec.params {
        match s.kind {
            P::Quantity(_, D::Value(v)) | P::Number(D::Value(v)) => p.insert(s.name, ParamValue::Scalar(v)),
            P::Choice(names) => p.insert(s.name, ParamValue::Choice(names[0].to_string())),
            _ => {}
        }
    }
    for &(name, v) in overrides {
        assert!(spec.params.iter().any(|s| s.name == name), "`{name}` is no parameter of `{}`", spec.name);
        p.insert(name, ParamValue::Scalar(v));
    }
    p
}

/// A build context for a single shard with time step `dt`.
pub fn ctx(dt: f64) -> BuildCtx {
    BuildCtx { dt, seed: 1, population: 0, first: 0 }
}

/// Runs `neuron` for `steps` steps without synaptic input, injecting `i_ext(step)`; returns
/// the steps at which each neuron fired.
pub fn run(neuron: &mut dyn Neuron, receptors: usize, steps: u64, i_ext: impl Fn(u64) -> f64) -> Vec<Vec<u64>> {
    let mut input = vec![0.0f32; receptors * neuron.len()];
    let mut spikes = vec![Vec::new(); neuron.len()];
    let mut spiked = Vec::new();
    for step in 0..steps {
        spiked.clear();
        neuron.step(step, &mut input, i_ext(step), &mut spiked);
        assert!(spiked.windows(2).all(|w| w[0] < w[1]), "spikes must be pushed in increasing order");
        for &i in &spiked {
            spikes[i as usize].push(step);
        }
    }
    spikes
}

/// Intervals between successive entries of `times`.
pub fn intervals(times: &[f64]) -> Vec<f64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}
