//! Homeostatic plasticity in whole networks (issue 5): synaptic scaling drives every
//! neuron's rate to its target from above and from below.

mod common;

use common::{model, run};

/// Turrigiano et al. (1998); van Rossum, Bi & Turrigiano (2000): 20 conductance-based
/// LIF neurons each receive 100 of 200 Poisson trains at 10 Hz through synapses that
/// scale multiplicatively toward a target rate of 5 Hz. Starting with strong weights
/// (about 40 Hz) and with weak ones (silent), the mean rate over the last 20 s of 60 s
/// is within 10 % of the target, and so is every neuron's rate within 25 %.
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
        let s = &net.recordings().spikes[1];
        let rate = |a: f64, b: f64| s.times.iter().filter(|&&t| (a..b).contains(&t)).count() as f64 / 20.0 / (b - a);
        let first = rate(0.0, 1.0);
        if w0 == "0.8 nS" {
            assert!(first > 20.0, "starts above the target: {first} Hz");
        } else {
            assert!(first < 1.0, "starts below the target: {first} Hz");
        }
        let last = rate(duration - 20.0, duration);
        assert!((last - 5.0).abs() < 0.5, "from {first} Hz to {last} Hz, target 5 Hz");
        for i in 0..20 {
            let n = s.times.iter().zip(&s.ids).filter(|(&t, &id)| id == i && t >= duration - 20.0).count();
            let r = n as f64 / 20.0;
            assert!((r - 5.0).abs() < 1.25, "neuron {i}: {r} Hz over the last 20 s");
        }
        println!("SCALING {w0} {first} {last}");
    }
}
