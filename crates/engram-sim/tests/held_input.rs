//! `Network::set_held_input`: a per-neuron input added at every step until it is set
//! again, as the reservoir's liquid-state machine drives a network.

mod common;

use std::sync::atomic::AtomicBool;

use common::model;
use engram_sim::Network;

/// Two `lif` neurons with delta synapses (an input value is a jump of V) and V recorded
/// at every step.
const TWO_LIF: &str = r#"
[simulation]
dt = "0.1 ms"
duration = "1 ms"

[populations.p]
n = 2
model = "lif"
synapse = "delta"
tau_m = "10 ms"
v_rest = "-70 mV"
v_reset = "-70 mV"
v_th = "-55 mV"

[[record.state]]
population = "p"
vars = ["v"]
ids = [0, 1]
"#;

#[test]
fn a_held_input_drives_each_neuron_to_its_own_fixed_point_and_stops_when_removed() {
    let m = model(TWO_LIF);
    let mut net = Network::build(&m, 1).expect("the network builds");
    let stop = AtomicBool::new(false);
    // Receptors exc, inh; a jump of x per step with decay factor e = exp(-dt/tau_m)
    // has the fixed point v_rest + x / (1 - e) (the jump follows the decay, as in NEST).
    let (x0, x1) = (0.05e-3, -0.02e-3);
    net.set_held_input(0, &[x0 as f32, x1 as f32, 0.0, 0.0]);
    net.run(3000, &mut |_, _| {}, &stop).unwrap();
    let e = (-0.1f64 / 10.0).exp();
    let v = &net.recordings().state[0].values[0];
    let last = &v[v.len() - 2..];
    // f32 inputs and state: 1e-7 of the 5 mV displacement.
    assert!((last[0] - (-70e-3 + x0 as f32 as f64 / (1.0 - e))).abs() < 1e-6, "{last:?}");
    assert!((last[1] - (-70e-3 + x1 as f32 as f64 / (1.0 - e))).abs() < 1e-6, "{last:?}");
    assert!(net.recordings().spikes.iter().all(|s| s.times.is_empty()));
    net.set_held_input(0, &[]);
    net.run(3000, &mut |_, _| {}, &stop).unwrap();
    let v = &net.recordings().state[0].values[0];
    let last = &v[v.len() - 2..];
    // 30 membrane time constants later the exact decay leaves e^-30 of the 5 mV, but
    // an f32 V stops moving once a step's change, (V - v_rest)(1 - e), is below half an
    // ulp of 70 mV (3.7e-9 V): within 3.7e-9 / (1 - e) = 0.37 µV of rest.
    assert!(last.iter().all(|u| (u + 70e-3).abs() < 1e-6), "{last:?}");
    assert!(last[0] < -70e-3 + 0.01 * x0 / (1.0 - e), "the held input is gone: {last:?}");
}

#[test]
fn a_held_input_gives_the_same_run_on_one_and_two_workers() {
    let text = TWO_LIF.replace("n = 2", "n = 5").replace("ids = [0, 1]", "ids = [0, 1, 2, 3, 4]");
    let m = model(&text);
    let values: Vec<f32> = (0..10).map(|i| if i < 5 { 0.2e-3 * (i + 1) as f32 } else { 0.0 }).collect();
    let run = |threads| {
        let mut net = Network::build(&m, threads).expect("the network builds");
        net.set_held_input(0, &values);
        net.run(2000, &mut |_, _| {}, &AtomicBool::new(false)).unwrap();
        (net.recordings().spikes[0].times.clone(), net.recordings().spikes[0].ids.clone())
    };
    let one = run(1);
    assert!(!one.0.is_empty(), "the larger inputs reach threshold");
    assert_eq!(one, run(2));
}
