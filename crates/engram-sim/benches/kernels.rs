//! Micro-benchmarks of the two kernels every run spends its time in: the neuron update
//! and spike delivery. `cargo bench -p engram-sim`.

use std::sync::atomic::AtomicBool;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use engram_model::parse_model;
use engram_sim::neuron::{self, BuildCtx};
use engram_sim::poisson_input::PoissonIn;
use engram_sim::rng::{stream, Purpose};
use engram_sim::{Models, Network};

/// One step of 100,000 `lif` neurons with exponential synapses (CUBA's parameters).
fn neuron_update(c: &mut Criterion) {
    let n = 100_000;
    let model = parse_model(
        "bench.toml",
        "bench",
        &format!(
            "[simulation]\nduration = \"1 ms\"\n[populations.p]\nn = {n}\nmodel = \"lif\"\ntau_m = \"20 ms\"\n\
             v_rest = \"-49 mV\"\nv_reset = \"-60 mV\"\nv_th = \"-50 mV\"\nt_ref = \"5 ms\"\n"
        ),
        &[],
        &Models,
    )
    .expect("valid");
    let lif = neuron::model("lif").expect("registered");
    let mut shard =
        (lif.build)(&model.populations[0].params, n, &BuildCtx { dt: 1e-4, seed: 1, population: 0, first: 0 });
    let mut input = vec![0.0f32; 2 * n];
    let mut spiked = Vec::new();
    let mut group = c.benchmark_group("neuron_update");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("lif_exp", n), |b| {
        let mut step = 0;
        b.iter(|| {
            spiked.clear();
            shard.step(step, &mut input, 0.0, &mut spiked);
            step += 1;
        })
    });
    group.finish();
}

/// 100 steps of 100,000 Poisson sources at 50 Hz, each with 80 targets among 100,000
/// silent `lif` neurons: 4 million synaptic events, delivery dominated.
fn spike_delivery(c: &mut Criterion) {
    let text = r#"
        [simulation]
        duration = "10 ms"
        [populations.src]
        n = 100000
        model = "poisson_generator"
        rate = "50 Hz"
        [populations.dst]
        n = 100000
        model = "lif"
        v_th = "1 V"
        [projections.p]
        source = "src"
        target = "dst"
        rule = "fixed_outdegree"
        outdegree = 80
        weight = "1 pA"
        [record.spikes]
    "#;
    let model = parse_model("bench.toml", "bench", text, &[], &Models).expect("valid");
    let mut group = c.benchmark_group("spike_delivery");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000 * 80 * 50 / 100));
    for threads in [1, 2] {
        let mut net = Network::build(&model, threads).expect("builds");
        group.bench_function(BenchmarkId::new("poisson_to_lif_100_steps", threads), |b| {
            b.iter(|| net.run(100, &mut |_, _| {}, &AtomicBool::new(false)).expect("runs"))
        });
    }
    group.finish();
}

/// Poisson input onto 10,000 neurons for one step, sparse (λ = 0.1 events per step),
/// dense (λ = 2, the Potjans–Diesmann background) and very dense (λ = 20).
fn poisson_input(c: &mut Criterion) {
    let n = 10_000;
    let mut group = c.benchmark_group("poisson_input");
    group.throughput(Throughput::Elements(n));
    for lambda in [0.1, 2.0, 20.0] {
        let rngs = (0..n).map(|i| stream(1, Purpose::PoissonInput, 0, i)).collect();
        let mut input = PoissonIn::new(0, 1.0, lambda, rngs);
        let mut port = vec![0.0f32; n as usize];
        group.bench_function(BenchmarkId::new("per_step", lambda), |b| {
            let mut step = 0;
            b.iter(|| {
                input.add(step, &mut port);
                step += 1;
            })
        });
    }
    group.finish();
}

criterion_group!(benches, neuron_update, spike_delivery, poisson_input);
criterion_main!(benches);
