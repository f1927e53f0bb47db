//! `simulation.trial`: every trial starts from the initial state, and nothing in
//! flight crosses from one trial into the next.

mod common;

use common::{model, run, spike_steps};

const DRIVEN: &str = r#"
[simulation]
dt = "0.1 ms"
duration = "200 ms"
trial = "50 ms"

[populations.p]
n = 20
model = "lif"
i_e = "400 pA"
init.v = { dist = "uniform", low = "-70 mV", high = "-56 mV" }

[record]
spikes = { p = "all" }
"#;

/// Each neuron starts every trial from its own drawn initial value, so its spike
/// times within a trial repeat exactly from trial to trial, on any number of threads;
/// without trials they do not (the phase after 50 ms depends on the first trial).
#[test]
fn every_trial_repeats_the_first() {
    let m = model(DRIVEN);
    for threads in [1, 2] {
        let net = run(&m, threads);
        for id in 0..20 {
            let steps = spike_steps(&net, &m, 0, id);
            let trial = |k: u64| -> Vec<u64> { steps.iter().filter(|&&s| s / 500 == k).map(|s| s % 500).collect() };
            assert!(!trial(0).is_empty(), "neuron {id} fires");
            for k in 1..4 {
                assert_eq!(trial(k), trial(0), "neuron {id}, trial {k}, {threads} threads");
            }
        }
    }
    let one = model(&DRIVEN.replace("trial = \"50 ms\"\n", ""));
    let net = run(&one, 1);
    let differs = (0..20).any(|id| {
        let steps = spike_steps(&net, &one, 0, id);
        let first: Vec<u64> = steps.iter().filter(|&&s| s < 500).copied().collect();
        let second: Vec<u64> = steps.iter().filter(|&&s| (500..1000).contains(&s)).map(|s| s - 500).collect();
        first != second
    });
    assert!(differs, "without trials the second 50 ms would not repeat the first");
}

const DELAYED: &str = r#"
[simulation]
dt = "0.1 ms"
duration = "100 ms"
trial = "50 ms"

[populations.src]
n = 1
model = "spike_generator"
times = ["10 ms", "48 ms"]

[populations.dst]
n = 1
model = "lif"

[projections.drive]
source = "src"
target = "dst"
rule = "all_to_all"
weight = "300 mV"
delay = "5 ms"

[record]
spikes = { dst = "all" }
"#;

/// A spike sent at 48 ms with a 5 ms delay would arrive at 53 ms, in the next trial:
/// it is dropped, while the one sent at 10 ms arrives at 15 ms.
#[test]
fn spikes_in_flight_do_not_cross_into_the_next_trial() {
    let with = model(DELAYED);
    let without = model(&DELAYED.replace("trial = \"50 ms\"\n", ""));
    // Without trials the target answers both spikes, a few steps after each arrives.
    let both = spike_steps(&run(&without, 1), &without, 1, 0);
    assert_eq!(both.len(), 2, "{both:?}");
    assert!((150..160).contains(&both[0]) && (530..540).contains(&both[1]), "{both:?}");
    for threads in [1, 2] {
        assert_eq!(spike_steps(&run(&with, threads), &with, 1, 0), vec![both[0]]);
    }
}

#[test]
fn a_trial_must_be_whole_steps() {
    let err = engram_model::parse_model(
        "t.toml",
        "t",
        &DRIVEN.replace("trial = \"50 ms\"", "trial = \"0.05 ms\""),
        &[],
        &engram_sim::Models,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(err, "t.toml:5:9: simulation.trial: expected a positive whole number of time steps");
}
