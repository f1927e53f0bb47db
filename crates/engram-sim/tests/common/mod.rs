//! Helpers shared by the simulator's integration tests.

use std::sync::atomic::AtomicBool;

use engram_model::{parse_model, Model};
use engram_sim::{Models, Network};

/// Parses a model written in a test; panics with the model error if it is invalid.
#[allow(dead_code)] // not every test file writes its model
pub fn model(text: &str) -> Model {
    parse_model("test.toml", "test", text, &[], &Models).unwrap_or_else(|e| panic!("{e}"))
}

/// Builds and runs `model` for its whole duration on `threads` workers.
#[allow(dead_code)] // not every test file runs networks
pub fn run(model: &Model, threads: usize) -> Network {
    let mut net = Network::build(model, threads).expect("the network builds");
    let steps = model.steps();
    net.run(steps, &mut |_, _| {}, &AtomicBool::new(false)).expect("the run completes");
    net
}

/// Spike steps of neuron `id` of population `p`.
#[allow(dead_code)] // not every test file reads spikes
pub fn spike_steps(net: &Network, model: &Model, p: usize, id: u32) -> Vec<u64> {
    let s = &net.recordings().spikes[p];
    s.times.iter().zip(&s.ids).filter(|(_, &i)| i == id).map(|(&t, _)| (t / model.dt).round() as u64).collect()
}
