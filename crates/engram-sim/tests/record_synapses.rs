//! Reading synapses back (issue 25, items 4 and 5): a projection's connectivity equals
//! the table the network built, and a file's synapses come back as written; sampled
//! traced synapses exist, are reproducible for a seed on any number of threads, and
//! differ between seeds; periodic snapshots; a listed synapse that does not exist is
//! an error at its place in the model file.

mod common;

use std::fs::File;

use common::{model, run};
use engram_model::Model;
use engram_sim::connect::Delays;
use engram_sim::{Network, SimError};
use ndarray::Array1;
use ndarray_npy::NpzWriter;

/// Poisson inputs onto `lif` neurons with current synapses (stored weights are the SI
/// weights times τ_m / C_m, so reading back must undo that scale), per-synapse delays,
/// and a plastic projection. `extra` is added at the end.
fn network(seed: u64, extra: &str) -> Model {
    model(&format!(
        r#"
        [simulation]
        dt = "0.1 ms"
        duration = "200 ms"
        seed = {seed}
        [populations.input]
        n = 60
        model = "poisson_generator"
        rate = "50 Hz"
        [populations.cells]
        n = 40
        model = "lif"
        tau_m = "20 ms"
        c_m = "250 pF"
        i_e = "300 pA"
        [projections.input_cells]
        source = "input"
        target = "cells"
        rule = "fixed_probability"
        p = 0.3
        weight = {{ dist = "uniform", low = "0 pA", high = "200 pA" }}
        delay = {{ dist = "uniform", low = "0.5 ms", high = "3 ms" }}
        plasticity = {{ rule = "stdp_pair", A_plus = 0.05, w_max = "200 pA" }}
        [projections.cells_cells]
        source = "cells"
        target = "cells"
        rule = "fixed_indegree"
        indegree = 5
        weight = {{ dist = "normal", mean = "-30 pA", std = "10 pA" }}
        delay = "1.5 ms"
        receptor = "inh"
        [record]
        spikes = {{}}
        [[record.connectivity]]
        projection = "input_cells"
        [[record.connectivity]]
        projection = "cells_cells"
        {extra}
        "#
    ))
}

/// The connectivity of projection `i` against the network's own table: the same pairs
/// in the same order, the stored weights exactly (SI weight × τ_m / C_m, rounded to
/// f32, is the stored f32), delays as steps × dt.
fn assert_matches_the_table(net: &Network, i: usize) {
    let c = net.connectivity(i);
    let csr = net.synapses(i);
    let scale = 20e-3 / 250e-12;
    assert!(csr.len() > 100, "projection {i} has synapses");
    assert_eq!(c.targets, csr.targets);
    assert_eq!(c.sources.len(), csr.len());
    for s in 0..csr.row_ptr.len() - 1 {
        let row = csr.row_ptr[s]..csr.row_ptr[s + 1];
        assert!(c.sources[row].iter().all(|&x| x as usize == s), "row {s} holds source {s}'s synapses");
    }
    for (k, (&w, &stored)) in c.weights.iter().zip(&csr.weights).enumerate() {
        assert_eq!((w * scale) as f32, stored, "weight {k}");
    }
    let steps: Vec<u16> = match &csr.delays {
        Delays::Const(d) => vec![*d; csr.len()],
        Delays::PerSynapse(v) => v.clone(),
    };
    for (k, (&d, &n)) in c.delays.iter().zip(&steps).enumerate() {
        assert!((d - n as f64 * 1e-4).abs() < 1e-15, "delay {k}: {d} s, {n} steps");
    }
}

#[test]
fn connectivity_read_back_equals_the_built_table() {
    let m = network(3, "");
    let built = Network::build(&m, 2).unwrap();
    let before = built.connectivity(0);
    assert_matches_the_table(&built, 0);
    assert_matches_the_table(&built, 1);
    // Before a run the plastic projection's weights are its initial weights.
    assert_eq!(before.initial_weights.as_ref(), Some(&before.weights));
    assert!(before.weights.iter().all(|&w| (0.0..=200e-12 * (1.0 + 1e-6)).contains(&w)));
    assert!(before.delays.iter().any(|&d| d > 1e-3) && before.delays.iter().all(|&d| (0.5e-3..=3e-3).contains(&d)));
    assert_eq!(built.connectivity(1).initial_weights, None, "a static projection has no initial weights");

    let after = run(&m, 2);
    assert_matches_the_table(&after, 0);
    let c = after.connectivity(0);
    assert_eq!(c.initial_weights, before.initial_weights, "initial weights are those of the build");
    assert_eq!((&c.sources, &c.targets, &c.delays), (&before.sources, &before.targets, &before.delays));
    assert!(c.weights.iter().zip(&before.weights).any(|(a, b)| a != b), "STDP changed some weight");
    // The same table on one thread.
    assert_eq!(run(&m, 1).connectivity(0), c);
}

/// Sparse `sources`, `targets`, `weights`, `delays` written in any order come back
/// sorted by source, then target, each synapse with its weight and delay.
#[test]
fn a_files_synapses_come_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let synapses: [(i64, i64, f64, f64); 5] =
        [(2, 1, 0.25, 1.0), (0, 2, -1.5, 2.5), (2, 0, 3.0, 0.1), (0, 0, 0.5, 1.2), (1, 1, 2.0, 3.0)];
    let mut npz = NpzWriter::new(File::create(dir.path().join("syn.npz")).unwrap());
    npz.add_array("sources", &synapses.iter().map(|s| s.0).collect::<Array1<i64>>()).unwrap();
    npz.add_array("targets", &synapses.iter().map(|s| s.1).collect::<Array1<i64>>()).unwrap();
    npz.add_array("weights", &synapses.iter().map(|s| s.2).collect::<Array1<f64>>()).unwrap();
    npz.add_array("delays", &synapses.iter().map(|s| s.3).collect::<Array1<f64>>()).unwrap();
    npz.finish().unwrap();
    let text = r#"
        [simulation]
        dt = "0.1 ms"
        duration = "1 ms"
        [populations.a]
        n = 3
        model = "poisson_generator"
        rate = "1 Hz"
        [populations.b]
        n = 3
        model = "lif"
        [projections.a_b]
        source = "a"
        target = "b"
        rule = "from_file"
        file = "syn.npz"
        weight = "1 mV"
        delay = "1 ms"
        [[record.connectivity]]
        projection = "a_b"
        "#;
    let path = dir.path().join("m.toml");
    std::fs::write(&path, text).unwrap();
    let m = engram_model::load_model(&path, &[], &engram_sim::Models).unwrap();
    let c = run(&m, 1).connectivity(0);
    let mut sorted = synapses.to_vec();
    sorted.sort_by_key(|s| (s.0, s.1));
    assert_eq!(c.sources, sorted.iter().map(|s| s.0 as u32).collect::<Vec<_>>());
    assert_eq!(c.targets, sorted.iter().map(|s| s.1 as u32).collect::<Vec<_>>());
    for (k, s) in sorted.iter().enumerate() {
        // f32 storage: within half an ulp of the weight in volts.
        assert!((c.weights[k] - s.2 * 1e-3).abs() <= 6e-8 * (s.2 * 1e-3).abs(), "weight {k}: {}", c.weights[k]);
        assert!((c.delays[k] - s.3 * 1e-3).abs() < 1e-15, "delay {k}: {}", c.delays[k]);
    }
}

const SAMPLE: &str = r#"
        [[record.weights]]
        projection = "input_cells"
        sample = 50
        every = "10 ms"
        "#;

/// The traced synapses of a `sample` monitor, as (source, target).
fn sampled(seed: u64, threads: usize) -> (Vec<(u32, u32)>, Network) {
    let net = run(&network(seed, SAMPLE), threads);
    (net.recordings().weights[0].synapses.clone(), net)
}

#[test]
fn sampled_synapses_exist_and_are_reproducible_for_a_seed() {
    let (pairs, net) = sampled(3, 1);
    assert_eq!(pairs.len(), 50);
    let c = net.connectivity(0);
    let all: Vec<(u32, u32)> = c.sources.iter().copied().zip(c.targets.iter().copied()).collect();
    assert!(pairs.iter().all(|p| all.contains(p)), "every sampled synapse exists");
    assert!(pairs.windows(2).all(|w| w[0] < w[1]), "distinct, in storage order");
    // Traces: one column per sampled synapse, whose last sample (at the end of the
    // run) is that synapse's final weight.
    let w = &net.recordings().weights[0];
    assert!((w.trace_times.last().unwrap() - 0.2).abs() < 1e-12);
    let last = &w.trace_values[w.trace_values.len() - 50..];
    for (&v, p) in last.iter().zip(&pairs) {
        let k = all.iter().position(|x| x == p).unwrap();
        assert!((v - c.weights[k]).abs() <= 1e-12 * c.weights[k].abs(), "synapse {p:?}: {v} against {}", c.weights[k]);
    }
    assert_eq!(sampled(3, 3).0, pairs, "the same synapses on three threads");
    assert_ne!(sampled(4, 1).0, pairs, "another seed draws others");
}

#[test]
fn a_sample_larger_than_the_projection_traces_every_synapse() {
    let m = network(3, &SAMPLE.replace("sample = 50", "sample = 100000"));
    let net = Network::build(&m, 1).unwrap();
    let c = net.connectivity(0);
    let pairs: Vec<(u32, u32)> = c.sources.iter().copied().zip(c.targets.iter().copied()).collect();
    assert_eq!(net.recordings().weights[0].synapses, pairs);
}

#[test]
fn periodic_snapshots_start_at_zero_and_end_with_the_run() {
    let m = network(3, &SAMPLE.replace("sample = 50", "snapshot_every = \"30 ms\""));
    let net = run(&m, 1);
    let w = &net.recordings().weights[0];
    // min_delay is 0.5 ms, so 30 ms is an epoch boundary; the end (200 ms) is added.
    let expected = [0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0, 200.0];
    assert_eq!(w.snapshot_times.len(), expected.len(), "{:?}", w.snapshot_times);
    for (t, e) in w.snapshot_times.iter().zip(expected) {
        assert!((t * 1e3 - e).abs() < 1e-9, "{:?}", w.snapshot_times);
    }
    assert!(w.trace_values.is_empty(), "no synapse is traced without `synapses` or `sample`");
    assert_eq!(w.snapshots.last().unwrap().len(), net.synapses(0).len());
}

#[test]
fn a_listed_synapse_that_does_not_exist_is_located() {
    let m = network(3, "");
    let csr = Network::build(&m, 1).unwrap().synapses(0).clone();
    // The first target source 0 lacks does not exist; its first target does.
    let row = &csr.targets[csr.row_ptr[0]..csr.row_ptr[1]];
    let missing = (0..).find(|t| !row.contains(t)).unwrap();
    let extra = format!(
        "[[record.weights]]\n        projection = \"input_cells\"\n        synapses = [[0, {missing}], [0, {}]]\n",
        row[0]
    );
    let m = network(3, &extra);
    // Line 40 of the text, at the first pair.
    let expected = format!(
        "test.toml:40:21: record.weights[0].synapses[0]: projection \"input_cells\" has no synapse from source 0 to target {missing} in the connectivity of seed 3"
    );
    let err = engram_sim::plasticity::monitor::check_listed_synapses(&m).unwrap_err();
    assert_eq!(err.to_string(), expected);
    let shown: Vec<String> = row.iter().take(8).map(u32::to_string).collect();
    assert_eq!(
        err.help.as_deref().unwrap(),
        format!(
            "source 0 connects to {} targets: {}{}; `sample = N` traces N synapses that exist",
            row.len(),
            shown.join(", "),
            if row.len() > 8 { ", …" } else { "" }
        )
    );
    match Network::build(&m, 2) {
        Err(SimError::Model(e)) => assert_eq!(e.to_string(), expected),
        Err(e) => panic!("expected a model error, got {e}"),
        Ok(_) => panic!("expected a model error"),
    }
}
