//! Homeostasis in whole networks (issue 5): synaptic scaling and the adaptive
//! threshold each drive every neuron's rate to its target from above and from below.

mod common;

use std::path::Path;

use common::{model, run};
use engram_model::load_model;
use engram_sim::Models;

/// Turrigiano et al. (1998); van Rossum, Bi & Turrigiano (2000): 20 conductance-based
/// LIF neurons each receive 100 of 200 Poisson trains at 10 Hz through synapses that
/// scale multiplicatively toward a target rate of 5 Hz. Starting with strong weights
/// (about 55 Hz in the first second) and with weak ones (silent), the mean rate over the
/// last 20 s of 60 s is within 10 % of the target and every neuron's within 25 %
/// (measured: 4.9 Hz from both sides).
#[test]
fn synaptic_scaling_reaches_the_target_rate_from_above_and_below() {
    let duration = 60.0;
    for w0 in ["0.8 nS", "0.15 nS"] {
        let m = model(&format!(
            r#"
            [simulation]
            duration = "{duration} s"
            seed = 6
            [populations.inputs]
            n = 200
            model = "poisson_generator"
            rate = "10 Hz"
            [populations.cells]
            n = 20
            model = "lif_cond"
            [projections.drive]
            source = "inputs"
            target = "cells"
            rule = "fixed_indegree"
            indegree = 100
            weight = "{w0}"
            receptor = "exc"
            plasticity = {{ rule = "synaptic_scaling", target_rate = "5 Hz", tau_rate = "1 s", interval = "1 s", eta = 0.05, w_max = "10 nS" }}
            [record]
            spikes = {{ cells = "all" }}
            "#,
        ));
        let net = run(&m, 1);
        assert_reaches_target(&net.recordings().spikes[1], 20, w0 == "0.8 nS", duration);
    }
}

/// The homeostatic adaptive threshold of `lif_cond` (Diehl & Cook 2015's θ, in the
/// target-rate form of Zhang & Linden 2003): 20 neurons under Poisson excitation,
/// strong (about 110 Hz in the first 0.5 s) or weak (silent), with a target of 5 Hz.
/// Over the last 20 s of 60 s the mean rate is within 10 % of the target and every
/// neuron's within 25 % (measured: 4.9 and 5.0 Hz).
#[test]
fn adaptive_threshold_reaches_the_target_rate_from_above_and_below() {
    let duration = 60.0;
    for drive in ["0.2 nS", "0.02 nS"] {
        let m = model(&format!(
            r#"
            [simulation]
            duration = "{duration} s"
            seed = 7
            [populations.cells]
            n = 20
            model = "lif_cond"
            poisson_input = {{ rate = "10 kHz", weight = "{drive}", receptor = "exc" }}
            theta_target_rate = "5 Hz"
            theta_eta = "0.5 mV"
            theta_interval = "0.5 s"
            theta_tau = "1 s"
            [record]
            spikes = {{ cells = "all" }}
            "#,
        ));
        let net = run(&m, 1);
        assert_reaches_target(&net.recordings().spikes[0], 20, drive == "0.2 nS", duration);
    }
}

/// Asserts that the `n` neurons of `s` start above (or below) 5 Hz and end, over the
/// last 20 s before `duration`, at 5 Hz within 10 % on average and 25 % each.
fn assert_reaches_target(s: &engram_sim::PopulationSpikes, n: u32, above: bool, duration: f64) {
    let rate = |a: f64, b: f64| s.times.iter().filter(|&&t| (a..b).contains(&t)).count() as f64 / n as f64 / (b - a);
    let first = rate(0.0, 0.5);
    if above {
        assert!(first > 20.0, "starts above the target: {first} Hz");
    } else {
        assert!(first < 1.0, "starts below the target: {first} Hz");
    }
    let last = rate(duration - 20.0, duration);
    assert!((last - 5.0).abs() < 0.5, "from {first} Hz to {last} Hz, target 5 Hz");
    for i in 0..n {
        let count = s.times.iter().zip(&s.ids).filter(|(&t, &id)| id == i && t >= duration - 20.0).count();
        let r = count as f64 / 20.0;
        assert!((r - 5.0).abs() < 1.25, "neuron {i}: {r} Hz over the last 20 s");
    }
}

/// Synaptic scaling (with its own delivery loop) and the anti-Hebbian rule on a
/// projection of a population onto itself give the same spikes and weights on one and
/// two threads (examples/homeostasis.toml, examples/foldiak1990_decorrelation.toml).
#[test]
fn homeostasis_and_lateral_plasticity_are_thread_independent() {
    for name in ["homeostasis.toml", "foldiak1990_decorrelation.toml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
        let m =
            load_model(&path, &["simulation.duration=\"3 s\"".to_string()], &Models).unwrap_or_else(|e| panic!("{e}"));
        let result = |threads| {
            let net = run(&m, threads);
            let spikes: Vec<_> = net.recordings().spikes.iter().map(|s| (s.times.clone(), s.ids.clone())).collect();
            let plastic = m.projections.iter().position(|p| p.plasticity.is_some()).expect("a plastic projection");
            (spikes, net.synapses(plastic).weights.clone())
        };
        let one = result(1);
        assert!(one.0.iter().map(|(t, _)| t.len()).sum::<usize>() > 100, "{name}: the network fires");
        assert!(one == result(2), "{name}: two threads differ from one");
    }
}
