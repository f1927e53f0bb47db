//! Izhikevich (2007), Fig. 1: the distal reward problem. Runs the network of
//! `examples/stdp_dopamine_izhikevich2007.toml` and rewards one synapse s = (i → j):
//! every time j fires within 10 ms after i, a dopamine pulse arrives 1–3 s later
//! ([`PairingReward`]). Prints the weight of s, the mean and the 99th percentile of the
//! other excitatory weights as the run goes on.
//!
//! ```text
//! cargo run --release -p engram-sim --example stdp_dopamine_izhikevich2007 [-- SECONDS [THREADS]]
//! ```
//!
//! SECONDS (default: the file's 3600 s) shortens the run; THREADS defaults to 1.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use engram_model::load_model;
use engram_sim::plasticity::distal_reward::PairingReward;
use engram_sim::{Models, Network};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/stdp_dopamine_izhikevich2007.toml");
    let mut overrides = Vec::new();
    if let Some(seconds) = args.first() {
        overrides.push(format!("simulation.duration=\"{seconds} s\""));
    }
    let threads = args.get(1).map_or(1, |t| t.parse().expect("THREADS is a number"));
    let model = load_model(&path, &overrides, &Models).unwrap_or_else(|e| panic!("{e:?}"));
    let mut net = Network::build(&model, threads).unwrap_or_else(|e| panic!("{e}"));
    // s: the first synapse of neuron 0 (projection 0, exc → exc).
    let (i, j) = (0u32, net.synapses(0).targets[0]);
    let exc = model.population_index("exc").expect("the model has an exc population");
    let w_max = 4e-3;
    let scale = net.synapses(0).weights[0] as f64 / 1e-3;
    let mut reward = PairingReward::new(0, (exc, i), (exc, j), 10.0, model.seed);
    println!("rewarded synapse s = {i} → {j}; {} synapses", net.n_synapses());
    println!(
        "{:>8} {:>10} {:>10} {:>12} {:>9} {:>10}",
        "t (s)", "w_s (mV)", "mean (mV)", "99th % (mV)", "rewards", "rate (Hz)"
    );
    let stop = AtomicBool::new(false);
    let piece = 300.0f64.min(model.duration);
    let mut t = 0.0;
    while t < model.duration - 1e-9 {
        let d = piece.min(model.duration - t);
        reward.run(&mut net, d, &mut |_, _| {}, &stop).unwrap_or_else(|e| panic!("{e}"));
        t += d;
        let w: Vec<f64> = net.synapses(0).weights.iter().map(|&x| x as f64 / scale * 1e3).collect();
        let mut others: Vec<f64> = w[1..].to_vec();
        others.sort_by(f64::total_cmp);
        let mean = others.iter().sum::<f64>() / others.len() as f64;
        let p99 = others[others.len() * 99 / 100];
        let rate = net.recordings().spikes[exc].times.len() as f64 / model.populations[exc].size as f64 / t;
        println!("{t:>8.0} {:>10.3} {mean:>10.3} {p99:>12.3} {:>9} {rate:>10.2}", w[0], reward.rewards.len());
    }
    println!("w_max = {} mV", w_max * 1e3);
}
