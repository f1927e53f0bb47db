//! Whole networks: the CUBA benchmark's regime, and determinism across threads and seeds.

mod common;

use std::path::Path;

use common::run;
use engram_model::{load_model, Model};
use engram_sim::spin::{workers_for, Workers};
use engram_sim::{Models, Network};

fn cuba(overrides: &[&str]) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cuba.toml");
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    load_model(&path, &o, &Models).unwrap_or_else(|e| panic!("{e}"))
}

/// Brette et al. (2007) report the CUBA network in an asynchronous irregular state;
/// Brian2's CUBA.py gives about 5.7 Hz. Checked for several seeds.
#[test]
fn cuba_is_asynchronous_irregular_at_brian2_rates() {
    for seed in [1, 2, 3] {
        let m = cuba(&[&format!("simulation.seed={seed}")]);
        let net = run(&m, 2);
        let rec = net.recordings();
        for (p, pop) in m.populations.iter().enumerate() {
            let s = &rec.spikes[p];
            let rate = s.times.len() as f64 / pop.size as f64 / m.duration;
            let cv = engram_analysis::cv_isi(&s.times, &s.ids, pop.size);
            assert!((4.0..8.0).contains(&rate), "seed {seed} {}: rate {rate} Hz", pop.name);
            assert!(cv > 0.5, "seed {seed} {}: CV {cv}", pop.name);
        }
    }
}

fn spikes(m: &Model, threads: usize) -> Vec<(Vec<f64>, Vec<u32>)> {
    let net = run(m, threads);
    net.recordings().spikes.iter().map(|s| (s.times.clone(), s.ids.clone())).collect()
}

#[test]
fn same_seed_gives_identical_spikes_on_one_and_two_threads() {
    let m = cuba(&["simulation.duration=\"300 ms\""]);
    let one = spikes(&m, 1);
    assert!(one[0].0.len() > 1000);
    assert_eq!(one, spikes(&m, 2));
    assert_eq!(one, spikes(&m, 3));
    assert_eq!(one, spikes(&m, 1), "two runs with one seed differ");
}

/// Without a number of workers, the work of an epoch chooses it: CUBA's 4,000 neurons
/// run on one; a network of 2,000 neurons without synapses, whose epochs last 100
/// steps, on every worker allowed.
#[test]
fn the_work_of_an_epoch_chooses_the_number_of_workers() {
    let small = Network::build(&cuba(&[]), Workers::Auto(4)).unwrap();
    assert_eq!(small.workers(), 1);
    assert_eq!(Network::build(&cuba(&[]), 3).unwrap().workers(), 3, "a number is honoured");
    let m = common::model(
        r#"
        [simulation]
        duration = "10 ms"
        [populations.e]
        n = 2000
        model = "lif"
        "#,
    );
    assert_eq!(Network::build(&m, Workers::Auto(4)).unwrap().workers(), 4);
    assert_eq!(workers_for(2000.0, 0.0, 100.0, m.dt, 4), 4);
}

#[test]
fn different_seeds_give_different_spikes() {
    let a = spikes(&cuba(&["simulation.duration=\"100 ms\"", "simulation.seed=1"]), 2);
    let b = spikes(&cuba(&["simulation.duration=\"100 ms\"", "simulation.seed=2"]), 2);
    assert_ne!(a, b);
}

/// Heterogeneous delays and Poisson input are deterministic across threads too.
#[test]
fn delays_and_poisson_input_are_thread_independent() {
    let m = common::model(
        r#"
        [simulation]
        duration = "200 ms"
        seed = 11
        [populations.e]
        n = 500
        model = "lif"
        synapse = "alpha"
        poisson_input = { rate = "8 kHz", weight = "40 pA", receptor = "exc" }
        [populations.drive]
        n = 100
        model = "poisson_generator"
        rate = "20 Hz"
        [projections.ee]
        source = "e"
        target = "e"
        rule = "fixed_indegree"
        indegree = 20
        weight = { dist = "normal", mean = "30 pA", std = "10 pA" }
        delay = { dist = "uniform", low = "1 ms", high = "20 ms" }
        [projections.de]
        source = "drive"
        target = "e"
        rule = "fixed_outdegree"
        outdegree = 10
        weight = { dist = "lognormal", median = "50 pA", sigma = 0.5 }
        "#,
    );
    let one = spikes(&m, 1);
    assert!(one[0].0.len() > 100, "the network is active: {}", one[0].0.len());
    assert_eq!(one, spikes(&m, 2));
}
