//! Building a network from a model, and the step loop that runs it.
//!
//! # Layout
//! Each population is split into `W` contiguous shards, one per worker (`W` = the
//! number of threads). A worker owns its shards' neuron state and their ring buffers
//! of future input, so during a run it writes only to memory it owns.
//!
//! # The step loop
//! Time advances in epochs of `min_delay` steps. In an epoch each worker first
//! delivers the spikes of the previous epoch to the targets it owns (walking, for
//! every spike, the part of the source's CSR row whose targets fall in its shard),
//! then advances its neurons step by step. No spike emitted inside an epoch can
//! arrive inside it, so workers need no synchronisation until the epoch ends. Then
//! the spike lists of all workers are merged in (step, neuron) order.
//!
//! Every target receives its inputs in the same order whatever the number of workers
//! (spikes in (step, source) order, synapses in row order), so floating-point sums,
//! and with them the spikes, are bit-identical on 1 or 16 threads.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use engram_model::{Model, Rule};

use crate::connect::{self, Csr, Delays};
use crate::error::SimError;
use crate::neuron::{self, BuildCtx, Neuron, NeuronModel};
use crate::plasticity::{monitor::WeightMonitor, Delivery, Plastic, WorkerTraces};
use crate::poisson_input::PoissonIn;
use crate::record::{Connectivity, PopulationSpikes, Recordings, StateTraces};
use crate::rng::{stream, Purpose, Stream};
use crate::spin::{wait_until, workers_for, Workers};
use crate::structural::{coactivity::SpikeHistory, Rewiring, SynapseCountLog};

/// Sizes of a network before it is built.
#[derive(Clone, Copy, Debug)]
pub struct Estimate {
    /// Number of neurons.
    pub neurons: u64,
    /// Expected number of synapses.
    pub synapses: u64,
    /// Expected memory use in bytes, including the transient cost of building.
    pub bytes: u64,
}

/// Estimates the size of `model`'s network without building it.
pub fn estimate(model: &Model) -> Estimate {
    let mut synapses = 0.0;
    let mut bytes = 0.0;
    for (i, p) in model.projections.iter().enumerate() {
        let n = connect::expected_synapses(&p.rule, model.populations[p.source].size, model.populations[p.target].size);
        if model.record.connectivity.contains(&i) {
            // The table written at the end (u32 sources and targets, f64 weights and
            // delays), and the initial weights a plastic projection keeps for it.
            bytes += n * (24.0 + if p.plasticity.is_some() { 4.0 } else { 0.0 });
        }
        synapses += n;
        let delay_bytes = if matches!(p.delay, engram_model::Dist::Const(_)) { 0.0 } else { 2.0 };
        // targets + weights + delays, plus the source/target pairs held while building.
        bytes += n * (8.0 + delay_bytes + 8.0) + model.populations[p.source].size as f64 * 8.0;
        if p.plasticity.is_some() {
            // Live weights and the transposed index (plasticity::Plastic).
            bytes += n * 12.0;
        }
        if p.plasticity.as_ref().is_some_and(|pl| pl.spec.name == "stdp_dopamine") {
            // Eligibility and last-update step per synapse (plasticity::stdp_dopamine).
            bytes += n * 12.0;
        }
    }
    let neurons = model.n_neurons() as f64;
    let max_delay = model
        .projections
        .iter()
        .map(|p| model.delay_steps(p.delay.practical_max().min(u16::MAX as f64 * model.dt)) as f64)
        .fold(1.0, f64::max);
    bytes += neurons * (64.0 + 8.0 * max_delay);
    Estimate { neurons: neurons as u64, synapses: synapses as u64, bytes: bytes as u64 }
}

/// Memory the system says is available (bytes), if it says.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

struct PopInfo {
    name: String,
    size: usize,
    model: &'static NeuronModel,
    n_receptors: usize,
    /// Shard boundaries: worker `w` owns neurons `bounds[w]..bounds[w + 1]`.
    bounds: Vec<usize>,
    /// Steps at which the injected current changes, and its new amplitudes (A).
    current_steps: Vec<u64>,
    current_amps: Vec<f64>,
}

impl PopInfo {
    fn current_at(&self, step: u64) -> f64 {
        match self.current_steps.partition_point(|&s| s <= step) {
            0 => 0.0,
            k => self.current_amps[k - 1],
        }
    }
}

struct Proj {
    source: usize,
    target: usize,
    receptor: usize,
    csr: Csr,
    /// The target model's `weight_scale`: stored weights are SI weights times this.
    scale: f64,
    /// The weights at build of a plastic projection whose connectivity is recorded.
    initial: Option<Vec<f32>>,
    /// Where each row crosses into the next worker's targets: for source `s` and
    /// worker boundary `j` (1..W), the offset within the row, at `s * (W - 1) + j - 1`.
    /// Found once here instead of by binary search for every spike and worker.
    splits: Vec<u32>,
    /// Rule, live weights and transposed index of a plastic projection.
    plastic: Option<Plastic>,
    /// Pruning and regrowth of a structural projection.
    structural: Option<Rewiring>,
}

/// Ends the helper threads of [`Network::run_epochs_threaded`] when dropped.
struct Release<'a, 'scope> {
    quit: &'a AtomicBool,
    generation: &'a AtomicU64,
    helpers: &'a [std::thread::ScopedJoinHandle<'scope, ()>],
}

impl Drop for Release<'_, '_> {
    fn drop(&mut self) {
        self.quit.store(true, Ordering::Release);
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.helpers.iter().for_each(|h| h.thread().unpark());
    }
}

/// Offsets at which each row of `csr` passes the shard boundaries `bounds[1..W]`.
fn row_splits(csr: &Csr, bounds: &[usize]) -> Vec<u32> {
    let inner = &bounds[1..bounds.len() - 1];
    let mut splits = Vec::with_capacity((csr.row_ptr.len() - 1) * inner.len());
    for w in csr.row_ptr.windows(2) {
        let row = &csr.targets[w[0]..w[1]];
        splits.extend(inner.iter().map(|&b| row.partition_point(|&t| (t as usize) < b) as u32));
    }
    splits
}

struct Shard {
    neuron: Box<dyn Neuron>,
    n: usize,
    n_receptors: usize,
    /// `slots × receptors × n` summed weights arriving at future steps.
    ring: Vec<f32>,
    poisson: Vec<PoissonIn>,
    /// (step, local index) of this epoch's spikes.
    spikes: Vec<(u64, u32)>,
    scratch: Vec<u32>,
    /// `receptors × n` values added to the input of every step (empty: none), set by
    /// [`Network::set_held_input`].
    held: Vec<f32>,
    /// How this shard's neurons were made, to make them again at the start of a trial:
    /// the model's `build`, the parameters cut to the shard, its context, and the drawn
    /// initial values (state variable index, one value per neuron of the shard).
    make: (&'static NeuronModel, engram_model::Params, BuildCtx),
    init: Vec<(usize, Vec<f64>)>,
}

impl Shard {
    /// Returns the neurons to their state at the start of the run and drops the input
    /// in flight.
    fn start_trial(&mut self) {
        let (model, params, ctx) = &self.make;
        self.neuron = (model.build)(params, self.n, ctx);
        for (var, values) in &self.init {
            for (i, &v) in values.iter().enumerate() {
                self.neuron.set(*var, i, v);
            }
        }
        self.ring.fill(0.0);
        self.spikes.clear();
    }
}

/// Where one state monitor's neurons live in a worker.
struct OwnedIds {
    population: usize,
    /// (position in the monitor's id list, local index in the shard).
    ids: Vec<(usize, usize)>,
    n_vars: usize,
    var_indices: Vec<usize>,
    every: u64,
}

struct Worker {
    shards: Vec<Shard>,
    /// Per projection: this worker's traces when the projection is plastic.
    traces: Vec<Option<WorkerTraces>>,
    monitors: Vec<OwnedIds>,
    /// Per monitor: samples in order (sample, var, owned id).
    samples: Vec<Vec<f64>>,
}

/// A built network, ready to run.
pub struct Network {
    dt: f64,
    step: u64,
    epoch: u64,
    /// Steps per trial ([`Model::trial_steps`]).
    trial: Option<u64>,
    slots: usize,
    pops: Vec<PopInfo>,
    projections: Vec<Proj>,
    workers: Vec<Worker>,
    pool: Arc<rayon::ThreadPool>,
    /// Spikes of the last epoch, (step, index) per population, not yet delivered.
    pending: Vec<Vec<(u64, u32)>>,
    recordings: Recordings,
    /// Per population: None if not recorded, Some(None) all, Some(Some(mask)) some.
    spike_mask: Vec<Option<Option<Vec<bool>>>>,
    n_synapses: u64,
    synapse_bytes: u64,
    build_s: f64,
    weight_monitors: Vec<WeightMonitor>,
    /// Spikes of the populations Hebbian regrowth looks at.
    history: SpikeHistory,
}

impl Network {
    /// Builds the network of `model` with `workers` workers: a number, or
    /// [`Workers::Auto`] to let the work of an epoch choose ([`workers_for`]).
    pub fn build(model: &Model, workers: impl Into<Workers>) -> Result<Network, SimError> {
        let start = Instant::now();
        let est = estimate(model);
        if let Some(avail) = available_memory() {
            if est.bytes > avail {
                return Err(SimError::OutOfMemory {
                    needed_gib: est.bytes as f64 / (1u64 << 30) as f64,
                    available_gib: avail as f64 / (1u64 << 30) as f64,
                    synapses: est.synapses,
                });
            }
        }
        let requested = workers.into();
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(requested.most())
                .build()
                .expect("a thread pool of a positive size can be built"),
        );
        let dt = model.dt;

        let mut pops: Vec<PopInfo> = model
            .populations
            .iter()
            .map(|p| {
                let model = neuron::model(p.kind.name).expect("the parser only accepts registered models");
                let (current_steps, current_amps) = match &p.step_current {
                    Some(sc) => (sc.times.iter().map(|t| (t / dt).round() as u64).collect(), sc.amplitudes.clone()),
                    None => (Vec::new(), Vec::new()),
                };
                PopInfo {
                    name: p.name.clone(),
                    size: p.size,
                    model,
                    n_receptors: p.kind.receptors.len(),
                    bounds: Vec::new(), // once the number of workers is known

                    current_steps,
                    current_amps,
                }
            })
            .collect();

        let mut projections: Vec<Proj> = pool.install(|| {
            model
                .projections
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let (src, tgt) = (&model.populations[p.source], &model.populations[p.target]);
                    let mut csr = connect::pairs_table(model, i);
                    let scale = (pops[p.target].model.weight_scale)(&tgt.params, p.weight_dim);
                    match &p.rule {
                        Rule::FromFile(syn) => {
                            connect::from_file::set_weights_delays(&mut csr, syn, scale, p.delay.mean(), dt)
                        }
                        _ => csr.draw_weights_delays(p, model, i, scale),
                    }
                    let plastic = Plastic::build(p, &csr, tgt.size, scale, dt);
                    let structural = Rewiring::build(i, p, &csr, src.size, tgt.size, scale, dt, model.seed);
                    let keep_initial =
                        p.plasticity.is_some() && structural.is_none() && model.record.connectivity.contains(&i);
                    let initial = keep_initial.then(|| csr.weights.clone());
                    let splits = Vec::new(); // once the number of workers is known
                    Proj {
                        source: p.source,
                        target: p.target,
                        receptor: p.receptor,
                        csr,
                        scale,
                        initial,
                        splits,
                        plastic,
                        structural,
                    }
                })
                .collect()
        });
        let (min_delay, max_delay) = projections
            .iter()
            .filter(|p| !p.csr.is_empty())
            .map(|p| p.csr.delay_range())
            .fold((u16::MAX, 1u16), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
        // Without synapses any epoch length is correct; 100 steps keeps overhead low.
        let epoch = if min_delay == u16::MAX { 100 } else { min_delay as u64 };
        let slots = max_delay as usize + 1;
        let threads = match requested {
            Workers::Exactly(n) => n.max(1),
            Workers::Auto(most) => {
                let synapses: usize = projections.iter().map(|p| p.csr.len()).sum();
                workers_for(model.n_neurons() as f64, synapses as f64, epoch as f64, dt, most)
            }
        };
        for (pop, p) in pops.iter_mut().zip(&model.populations) {
            pop.bounds = (0..=threads).map(|w| p.size * w / threads).collect();
        }
        for proj in &mut projections {
            proj.splits = row_splits(&proj.csr, &pops[proj.target].bounds);
        }

        // Parameters drawn per neuron: one stream per (population, parameter), drawn in
        // neuron order, so the values do not depend on the number of threads.
        let params: Vec<engram_model::Params> = model
            .populations
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let mut params = p.params.clone();
                params.draw_per_neuron(|name, dist| {
                    let k = p.kind.params.iter().position(|s| s.name == name).expect("a parameter of the model");
                    let mut rng = stream(model.seed, Purpose::Param, pi as u64, k as u64);
                    (0..p.size).map(|_| connect::draw(dist, &mut rng)).collect()
                });
                params
            })
            .collect();
        let mut workers: Vec<Worker> = (0..threads)
            .map(|w| Worker {
                shards: model
                    .populations
                    .iter()
                    .enumerate()
                    .map(|(pi, p)| {
                        let info = &pops[pi];
                        let (lo, hi) = (info.bounds[w], info.bounds[w + 1]);
                        let params = params[pi].for_neurons(lo..hi);
                        let n = hi - lo;
                        let ctx = BuildCtx { dt, seed: model.seed, population: pi, first: lo };
                        let poisson = p
                            .poisson_inputs
                            .iter()
                            .enumerate()
                            .map(|(k, pin)| {
                                let rngs: Vec<Stream> = (lo..hi)
                                    .map(|i| stream(model.seed, Purpose::PoissonInput, (pi * 64 + k) as u64, i as u64))
                                    .collect();
                                let scale = (info.model.weight_scale)(&p.params, pin.weight_dim);
                                PoissonIn::new(pin.receptor, (pin.weight * scale) as f32, pin.rate * dt, rngs)
                            })
                            .collect();
                        Shard {
                            neuron: (info.model.build)(&params, n, &ctx),
                            make: (info.model, params.clone(), ctx),
                            init: Vec::new(),
                            n,
                            n_receptors: info.n_receptors,
                            ring: vec![0.0; slots * info.n_receptors * n],
                            poisson,
                            spikes: Vec::new(),
                            scratch: Vec::new(),
                            held: Vec::new(),
                        }
                    })
                    .collect(),
                traces: projections
                    .iter()
                    .map(|p| {
                        let b = &pops[p.target].bounds;
                        p.plastic.as_ref().map(|pl| pl.worker_traces(pops[p.source].size, b[w + 1] - b[w]))
                    })
                    .collect(),
                monitors: Vec::new(),
                samples: Vec::new(),
            })
            .collect();

        // Initial values: one stream per (population, variable), drawn in neuron order.
        for (pi, p) in model.populations.iter().enumerate() {
            for (name, dist) in &p.init {
                let var = p.kind.state.iter().position(|s| s.name == name).expect("checked by the parser");
                let mut rng = stream(model.seed, Purpose::Init, pi as u64, var as u64);
                for i in 0..p.size {
                    let w = owner(&pops[pi].bounds, i);
                    let value = connect::draw(dist, &mut rng);
                    let shard = &mut workers[w].shards[pi];
                    let local = i - pops[pi].bounds[w];
                    shard.neuron.set(var, local, value);
                    if model.trial_steps.is_some() {
                        if shard.init.last().is_none_or(|(v, _)| *v != var) {
                            shard.init.push((var, Vec::with_capacity(shard.n)));
                        }
                        shard.init.last_mut().expect("pushed above").1.push(value);
                    }
                }
            }
        }

        let mut recordings = Recordings {
            spikes: vec![PopulationSpikes::default(); pops.len()],
            recorded: vec![None; pops.len()],
            counts_per_step: vec![Vec::new(); pops.len()],
            state: Vec::new(),
            weights: Vec::new(),
        };
        let mut weight_monitors = Vec::new();
        for r in &model.record.weights {
            let (monitor, traces) =
                WeightMonitor::new(r, model, &projections[r.projection].csr).map_err(SimError::Model)?;
            weight_monitors.push(monitor);
            recordings.weights.push(traces);
        }
        let mut spike_mask = vec![None; pops.len()];
        for r in &model.record.spikes {
            recordings.recorded[r.population] = Some(r.ids.clone());
            spike_mask[r.population] = Some(r.ids.as_ref().map(|ids| {
                let mut m = vec![false; pops[r.population].size];
                for &i in ids {
                    m[i as usize] = true;
                }
                m
            }));
        }
        for r in &model.record.state {
            let kind = model.populations[r.population].kind;
            let var_indices: Vec<usize> = r
                .vars
                .iter()
                .map(|v| kind.state.iter().position(|s| s.name == v).expect("checked by the parser"))
                .collect();
            for (w, worker) in workers.iter_mut().enumerate() {
                let b = &pops[r.population].bounds;
                let ids = r
                    .ids
                    .iter()
                    .enumerate()
                    .filter(|(_, &id)| owner(b, id as usize) == w)
                    .map(|(k, &id)| (k, id as usize - b[w]))
                    .collect();
                worker.monitors.push(OwnedIds {
                    population: r.population,
                    ids,
                    n_vars: r.vars.len(),
                    var_indices: var_indices.clone(),
                    every: r.every as u64,
                });
                worker.samples.push(Vec::new());
            }
            recordings.state.push(StateTraces {
                population: r.population,
                vars: r.vars.clone(),
                ids: r.ids.clone(),
                times: Vec::new(),
                values: vec![Vec::new(); r.vars.len()],
            });
        }

        let n_synapses = projections.iter().map(|p| p.csr.len() as u64).sum();
        let synapse_bytes =
            projections.iter().map(|p| (p.csr.bytes() + p.plastic.as_ref().map_or(0, Plastic::bytes)) as u64).sum();
        let history = SpikeHistory::new(
            pops.len(),
            projections
                .iter()
                .filter(|p| p.structural.as_ref().is_some_and(Rewiring::needs_spikes))
                .flat_map(|p| [p.source, p.target]),
        );
        Ok(Network {
            history,
            dt,
            step: 0,
            epoch,
            trial: model.trial_steps,
            slots,
            pending: vec![Vec::new(); pops.len()],
            pops,
            projections,
            workers,
            pool,
            recordings,
            spike_mask,
            n_synapses,
            synapse_bytes,
            build_s: start.elapsed().as_secs_f64(),
            weight_monitors,
        })
    }

    /// Number of synapses.
    pub fn n_synapses(&self) -> u64 {
        self.n_synapses
    }

    /// Bytes held by the synapse tables.
    pub fn synapse_bytes(&self) -> u64 {
        self.synapse_bytes
    }

    /// Seconds spent building.
    pub fn build_seconds(&self) -> f64 {
        self.build_s
    }

    /// The time step (s).
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// The current step.
    pub fn current_step(&self) -> u64 {
        self.step
    }

    /// The number of workers, each running its part of every population on a thread
    /// of its own.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Steps per epoch (the minimum delay in steps).
    pub fn epoch_steps(&self) -> u64 {
        self.epoch
    }

    /// What has been recorded so far.
    pub fn recordings(&self) -> &Recordings {
        &self.recordings
    }

    /// The synapse table of projection `i` (in model order).
    pub fn synapses(&self, i: usize) -> &Csr {
        &self.projections[i].csr
    }

    /// The synapses of projection `i` (in model order) with their weights in SI units and
    /// delays in seconds: after a run, the weights at its end.
    pub fn connectivity(&self, i: usize) -> Connectivity {
        let p = &self.projections[i];
        let unscale = |w: &[f32]| w.iter().map(|&x| x as f64 / p.scale).collect::<Vec<f64>>();
        let delays = match &p.csr.delays {
            Delays::Const(d) => vec![*d as f64 * self.dt; p.csr.len()],
            Delays::PerSynapse(v) => v.iter().map(|&d| d as f64 * self.dt).collect(),
        };
        Connectivity {
            projection: i,
            sources: p.csr.sources(),
            targets: p.csr.targets.clone(),
            weights: unscale(&p.csr.weights),
            delays,
            initial_weights: p.initial.as_deref().map(unscale),
        }
    }

    /// Schedules a neuromodulator event of `amount` at time `time` (s) for projection
    /// `i`, whose rule must be `stdp_dopamine`: a reward computed from the spikes so
    /// far (Izhikevich 2007). Events at or after the current time are honoured.
    ///
    /// # Panics
    /// If the projection's rule is not `stdp_dopamine` or `time` lies before the
    /// current time; both are mistakes of the calling program.
    pub fn add_modulator_event(&mut self, i: usize, time: f64, amount: f64) {
        let step = (time / self.dt).round() as u64;
        assert!(step >= self.step, "a modulator event at {time} s lies before the current step {}", self.step);
        match self.projections[i].plastic.as_mut().map(|p| &mut p.rule) {
            Some(crate::plasticity::Rule::StdpDopamine(rule)) => rule.schedule(step, amount),
            _ => panic!("projection {i} has no stdp_dopamine rule to receive neuromodulator events"),
        }
    }

    /// The synapse counts of the structural projections over the run, in model order.
    pub fn synapse_counts(&self) -> Vec<&SynapseCountLog> {
        self.projections.iter().filter_map(|p| p.structural.as_ref().map(|s| &s.log)).collect()
    }

    /// Sets an input that population `pop` receives at every step from now on, until
    /// set again: `values` holds one block of the population's size per receptor (in
    /// the order of the model's receptors), in the model's input unit (weights already
    /// multiplied by the model's `weight_scale`), as if that sum of weights arrived at
    /// each step. An empty `values` removes it. This is how a reservoir drives a spiking
    /// liquid with an analogue signal, a different amount for each neuron.
    pub fn set_held_input(&mut self, pop: usize, values: &[f32]) {
        let info = &self.pops[pop];
        assert!(values.is_empty() || values.len() == info.n_receptors * info.size, "one value per receptor and neuron");
        for (w, worker) in self.workers.iter_mut().enumerate() {
            let (lo, hi) = (info.bounds[w], info.bounds[w + 1]);
            let shard = &mut worker.shards[pop];
            shard.held.clear();
            if values.is_empty() {
                continue;
            }
            for r in 0..info.n_receptors {
                shard.held.extend_from_slice(&values[r * info.size + lo..r * info.size + hi]);
            }
        }
    }

    /// Runs `steps` steps. `progress(done, total)` is called after every epoch; the
    /// run stops with [`SimError::Interrupted`] soon after `stop` is set.
    pub fn run(
        &mut self,
        steps: u64,
        progress: &mut (dyn FnMut(u64, u64) + Send),
        stop: &AtomicBool,
    ) -> Result<(), SimError> {
        // The whole loop runs inside the pool: handing every epoch over to the pool
        // from outside costs a thread wake-up each time (measured: 40 % of a CUBA run).
        let pool = Arc::clone(&self.pool);
        sample_weights(&mut self.weight_monitors, &mut self.recordings, &self.projections, self.step, self.dt);
        let (start, end) = (self.step, self.step + steps);
        // Structural projections rewire between runs of epochs; without them this is
        // one run of all the steps.
        let result = loop {
            let rewiring = self.projections.iter().filter_map(|p| p.structural.as_ref().map(Rewiring::next_step)).min();
            let until = rewiring.map_or(end, |r| r.min(end));
            let offset = self.step - start;
            let result = pool
                .install(|| self.run_epochs(until - self.step, &mut |done, _| progress(offset + done, steps), stop));
            if result.is_err() {
                break result;
            }
            if rewiring == Some(self.step) {
                self.rewire();
            }
            if self.step >= end {
                break Ok(());
            }
        };
        self.collect_state();
        self.finish_plasticity();
        result
    }

    /// Prunes and regrows the structural projections due at this step. The spikes of
    /// the last epoch are delivered first (what the next epoch would do before anything
    /// else), so the weights include them and no spike crosses into the new table.
    fn rewire(&mut self) {
        for (w, worker) in self.workers.iter_mut().enumerate() {
            worker.deliver(w, self.step, &self.pops, &self.projections, &self.pending, self.slots);
        }
        self.pending.iter_mut().for_each(Vec::clear);
        let delays = (self.epoch.min(u16::MAX as u64) as u16, (self.slots - 1) as u16);
        for proj in &mut self.projections {
            let Some(rewiring) = proj.structural.as_mut().filter(|r| r.next_step() == self.step) else { continue };
            let live = proj.plastic.as_ref().map(|pl| {
                let mut w = vec![0f32; pl.weights.len()];
                pl.weights.copy_to(&mut w);
                w
            });
            let weights = live.as_deref().unwrap_or(&proj.csr.weights);
            proj.csr = rewiring.rewire(&proj.csr, weights, proj.target, &self.history, self.step, delays);
            proj.splits = row_splits(&proj.csr, &self.pops[proj.target].bounds);
            if let Some(pl) = &mut proj.plastic {
                pl.rebuild(&proj.csr, self.pops[proj.target].size);
            }
        }
        let oldest = self.projections.iter().filter_map(|p| p.structural.as_ref().map(Rewiring::window_start)).min();
        self.history.forget_before(oldest.unwrap_or(self.step));
        self.n_synapses = self.projections.iter().map(|p| p.csr.len() as u64).sum();
        self.synapse_bytes = self
            .projections
            .iter()
            .map(|p| (p.csr.bytes() + p.plastic.as_ref().map_or(0, Plastic::bytes)) as u64)
            .sum();
    }

    /// Takes the end-of-run weight snapshots and copies the live weights of plastic
    /// projections back into their CSR tables (what [`Network::synapses`] shows).
    fn finish_plasticity(&mut self) {
        for (m, rec) in self.weight_monitors.iter_mut().zip(&mut self.recordings.weights) {
            let plastic = self.projections[m.projection].plastic.as_ref().expect("monitors are on plastic projections");
            m.finish(self.step, self.dt, plastic, rec);
        }
        for proj in &mut self.projections {
            if let Some(pl) = &proj.plastic {
                pl.weights.copy_to(&mut proj.csr.weights);
            }
        }
    }

    fn run_epochs(
        &mut self,
        steps: u64,
        progress: &mut (dyn FnMut(u64, u64) + Send),
        stop: &AtomicBool,
    ) -> Result<(), SimError> {
        let end = self.step + steps;
        let mut next_check = self.step;
        while self.step < end {
            let t0 = self.step;
            let m = epoch_length(self.epoch, self.trial, t0, end);
            let fresh = trial_starts(self.trial, t0);
            let Network { pops, projections, workers, pending, slots, .. } = self;
            let (pops, projections, pending, slots) = (&*pops, &*projections, &*pending, *slots);
            let epoch = |(w, worker): (usize, &mut Worker)| {
                worker.begin(w, t0, fresh, pops, projections, pending, slots);
                worker.advance(t0, m, pops, slots);
            };
            if workers.len() == 1 {
                epoch((0, &mut workers[0]));
            } else {
                return self.run_epochs_threaded(end, steps, progress, stop);
            }
            self.step += m;
            self.collect_spikes(t0, m);
            sample_weights(&mut self.weight_monitors, &mut self.recordings, &self.projections, self.step, self.dt);
            if self.step >= next_check {
                self.check_finite()?;
                next_check = self.step + 100;
            }
            progress(self.step - (end - steps), steps);
            if stop.load(Ordering::Relaxed) {
                return Err(SimError::Interrupted { time_ms: crate::error::ms(self.step as f64 * self.dt) });
            }
        }
        Ok(())
    }

    /// The step loop with one thread per worker, kept for the whole run: the calling
    /// thread runs worker 0 and merges the spikes between epochs. rayon's fork-join per
    /// epoch parked and woke its threads every step of a CUBA run (perf: 11 % of the
    /// time in the scheduler), so the threads meet with [`wait_until`]: spinning
    /// briefly, then parking. Any thread may run another worker's epoch that nobody has
    /// claimed yet (worker 0's excepted, which holds the caller's): when a thread has
    /// lost its core to another program, the others run its worker instead of waiting
    /// for it, so a busy machine costs no more than running on fewer threads. Which
    /// thread runs a worker does not change what it computes.
    fn run_epochs_threaded(
        &mut self,
        end: u64,
        steps: u64,
        progress: &mut (dyn FnMut(u64, u64) + Send),
        stop: &AtomicBool,
    ) -> Result<(), SimError> {
        let start = end - steps;
        let Network {
            pops,
            projections,
            workers,
            pending,
            slots,
            recordings,
            spike_mask,
            dt,
            epoch,
            trial,
            step,
            weight_monitors,
            history,
            ..
        } = self;
        let (pops, projections, slots, dt, epoch_len, trial) = (&*pops, &*projections, *slots, *dt, *epoch, *trial);
        let n_pops = pops.len();
        let shared_pending = RwLock::new(std::mem::take(pending));
        // Epoch `g` (from 1) of this call: its first step and length, whether to check
        // the state, and per worker 1.. the last epoch it was claimed for.
        let generation = AtomicU64::new(0);
        let (epoch_t0, epoch_m) = (AtomicU64::new(0), AtomicU64::new(0));
        let (check_now, quit) = (AtomicBool::new(false), AtomicBool::new(false));
        let (first, rest) = workers.split_at_mut(1);
        let worker0 = &mut first[0];
        // Workers 1..: each with a failed NaN check of its last epoch.
        let others: Vec<Mutex<(&mut Worker, Option<SimError>)>> =
            rest.iter_mut().map(|w| Mutex::new((w, None))).collect();
        let n_others = others.len();
        let claimed: Vec<AtomicU64> = others.iter().map(|_| AtomicU64::new(0)).collect();
        // Workers 1.. that have finished the current epoch.
        let done = AtomicUsize::new(0);
        let caller = std::thread::current();
        // Claims worker `k + 1` for epoch `g` if nobody has, and runs its epoch; the
        // thread that finishes the epoch's last one wakes the caller.
        let run_other = |k: usize, g: u64| {
            if claimed[k].fetch_max(g, Ordering::AcqRel) >= g {
                return;
            }
            // Epoch `g` cannot end before this worker has run it, so these are its values.
            let (t0, m) = (epoch_t0.load(Ordering::Relaxed), epoch_m.load(Ordering::Relaxed));
            let mut guard = others[k].lock().expect("no panic holds it");
            let (worker, failed) = &mut *guard;
            let w = k + 1;
            worker.begin(
                w,
                t0,
                trial_starts(trial, t0),
                pops,
                projections,
                &shared_pending.read().expect("no panic holds it"),
                slots,
            );
            worker.advance(t0, m, pops, slots);
            *failed =
                if check_now.load(Ordering::Relaxed) { worker.check_finite(w, pops, t0 + m, dt).err() } else { None };
            drop(guard);
            if done.fetch_add(1, Ordering::AcqRel) + 1 == n_others {
                caller.unpark();
            }
        };
        let mut t = *step;
        let outcome = std::thread::scope(|scope| {
            let helpers: Vec<_> = (0..n_others)
                .map(|k| {
                    let (run_other, generation, quit) = (&run_other, &generation, &quit);
                    scope.spawn(move || {
                        let mut seen = 0;
                        loop {
                            wait_until(|| generation.load(Ordering::Acquire) != seen, &[]);
                            seen = generation.load(Ordering::Acquire);
                            if quit.load(Ordering::Acquire) {
                                break;
                            }
                            // Its own worker first, then any another thread has not begun.
                            (k..n_others).chain(0..k).for_each(|j| run_other(j, seen));
                        }
                    })
                })
                .collect();
            // Ends the helpers however this closure is left, a panic included (else the
            // scope would wait for them for ever).
            let _release = Release { quit: &quit, generation: &generation, helpers: &helpers };
            let mut next_check = t;
            // The epoch whose merged spikes are not yet recorded: recording them waits
            // until the helpers have started the next epoch, so that it runs beside their
            // work instead of in the serial section between epochs.
            let mut unrecorded: Option<(u64, u64)> = None;
            let record = |recordings: &mut Recordings, history: &mut SpikeHistory, pend: &[Vec<(u64, u32)>], epoch| {
                for (p, list) in pend.iter().enumerate() {
                    let (t0, m) = epoch;
                    record_epoch(recordings, spike_mask, dt, p, list, t0, m);
                    history.push(p, list);
                }
            };
            let outcome = loop {
                if t >= end {
                    break Ok(());
                }
                let m = epoch_length(epoch_len, trial, t, end);
                let check = t + m >= next_check;
                epoch_t0.store(t, Ordering::Relaxed);
                epoch_m.store(m, Ordering::Relaxed);
                check_now.store(check, Ordering::Relaxed);
                let g = generation.fetch_add(1, Ordering::AcqRel) + 1;
                helpers.iter().for_each(|h| h.thread().unpark());
                if let Some(epoch) = unrecorded.take() {
                    record(recordings, history, &shared_pending.read().expect("no panic holds it"), epoch);
                }
                let pending = shared_pending.read().expect("no panic holds it");
                worker0.begin(0, t, trial_starts(trial, t), pops, projections, &pending, slots);
                drop(pending);
                worker0.advance(t, m, pops, slots);
                (0..n_others).for_each(|k| run_other(k, g));
                if !wait_until(|| done.load(Ordering::Acquire) == n_others, &helpers) {
                    break Ok(()); // a helper panicked; the scope re-raises its panic
                }
                done.store(0, Ordering::Release);
                let mut failed = None;
                {
                    let mut boxes: Vec<_> = others.iter().map(|o| o.lock().expect("no panic holds it")).collect();
                    let mut pend = shared_pending.write().expect("no panic holds it");
                    for p in 0..n_pops {
                        let mut lists: Vec<&[(u64, u32)]> = vec![worker0.shards[p].spikes.as_slice()];
                        lists.extend(boxes.iter().map(|b| b.0.shards[p].spikes.as_slice()));
                        merge_epoch(&lists, &pops[p].bounds, t, m, &mut pend[p]);
                    }
                    for b in boxes.iter_mut() {
                        b.0.shards.iter_mut().for_each(|s| s.spikes.clear());
                        failed = failed.or(b.1.take());
                    }
                }
                worker0.shards.iter_mut().for_each(|s| s.spikes.clear());
                unrecorded = Some((t, m));
                t += m;
                sample_weights(weight_monitors, recordings, projections, t, dt);
                if check {
                    failed = worker0.check_finite(0, pops, t, dt).err().or(failed);
                    next_check = t + 100;
                }
                if let Some(e) = failed {
                    break Err(e);
                }
                progress(t - start, steps);
                if stop.load(Ordering::Relaxed) {
                    break Err(SimError::Interrupted { time_ms: crate::error::ms(t as f64 * dt) });
                }
            };
            if let Some(epoch) = unrecorded {
                record(recordings, history, &shared_pending.read().expect("no panic holds it"), epoch);
            }
            outcome
        });
        *pending = shared_pending.into_inner().expect("no panic holds it");
        *step = t;
        outcome
    }

    /// Merges the workers' spikes of the epoch into per-population lists in
    /// (step, index) order, and records them.
    fn collect_spikes(&mut self, t0: u64, m: u64) {
        for p in 0..self.pops.len() {
            let lists: Vec<&[(u64, u32)]> = self.workers.iter().map(|w| w.shards[p].spikes.as_slice()).collect();
            merge_epoch(&lists, &self.pops[p].bounds, t0, m, &mut self.pending[p]);
            record_epoch(&mut self.recordings, &self.spike_mask, self.dt, p, &self.pending[p], t0, m);
            self.history.push(p, &self.pending[p]);
        }
        for worker in &mut self.workers {
            for shard in &mut worker.shards {
                shard.spikes.clear();
            }
        }
    }

    /// Stops the run if the first state variable of any neuron is not finite.
    fn check_finite(&self) -> Result<(), SimError> {
        for (w, worker) in self.workers.iter().enumerate() {
            worker.check_finite(w, &self.pops, self.step, self.dt)?;
        }
        Ok(())
    }

    /// Moves the workers' state samples into the recordings, in id order.
    fn collect_state(&mut self) {
        for (r, traces) in self.recordings.state.iter_mut().enumerate() {
            let n_ids = traces.ids.len();
            let n_vars = traces.vars.len();
            let per_sample: Vec<usize> = self.workers.iter().map(|w| w.monitors[r].ids.len() * n_vars).collect();
            let n_samples =
                self.workers.iter().zip(&per_sample).find(|(_, &k)| k > 0).map_or(0, |(w, &k)| w.samples[r].len() / k);
            let every = self.workers[0].monitors[r].every;
            let first_new = traces.times.len();
            for s in 0..n_samples {
                let step = (first_new + s) as u64 * every;
                traces.times.push(step as f64 * self.dt);
            }
            for v in 0..n_vars {
                let old = traces.values[v].len();
                traces.values[v].resize(old + n_samples * n_ids, 0.0);
            }
            for (w, worker) in self.workers.iter_mut().enumerate() {
                let mon = &worker.monitors[r];
                let k = per_sample[w];
                for s in 0..n_samples {
                    for v in 0..n_vars {
                        for (o, &(pos, _)) in mon.ids.iter().enumerate() {
                            let value = worker.samples[r][s * k + v * mon.ids.len() + o];
                            traces.values[v][(first_new + s) * n_ids + pos] = value;
                        }
                    }
                }
                worker.samples[r].clear();
            }
        }
    }
}

/// Merges one population's spikes of an epoch, one sorted list per worker with local
/// indices, into `out` in (step, global index) order.
fn merge_epoch(lists: &[&[(u64, u32)]], bounds: &[usize], t0: u64, m: u64, out: &mut Vec<(u64, u32)>) {
    out.clear();
    let mut cursors = vec![0usize; lists.len()];
    for step in t0..t0 + m {
        for (w, list) in lists.iter().enumerate() {
            while let Some(&(s, i)) = list.get(cursors[w]) {
                if s != step {
                    break;
                }
                out.push((s, i + bounds[w] as u32));
                cursors[w] += 1;
            }
        }
    }
}

/// Takes the weight samples due at step `t`.
fn sample_weights(monitors: &mut [WeightMonitor], rec: &mut Recordings, projections: &[Proj], t: u64, dt: f64) {
    for (m, out) in monitors.iter_mut().zip(&mut rec.weights) {
        let plastic = projections[m.projection].plastic.as_ref().expect("monitors are on plastic projections");
        m.sample(t, dt, plastic, out);
    }
}

/// Counts population `p`'s spikes of the epoch per step and records those monitored.
fn record_epoch(
    rec: &mut Recordings,
    spike_mask: &[Option<Option<Vec<bool>>>],
    dt: f64,
    p: usize,
    list: &[(u64, u32)],
    t0: u64,
    m: u64,
) {
    let counts = &mut rec.counts_per_step[p];
    let base = counts.len();
    counts.resize(base + m as usize, 0);
    for &(s, _) in list {
        counts[base + (s - t0) as usize] += 1;
    }
    if let Some(mask) = &spike_mask[p] {
        let spikes = &mut rec.spikes[p];
        for &(s, i) in list {
            if mask.as_ref().is_none_or(|m| m[i as usize]) {
                spikes.times.push(s as f64 * dt);
                spikes.ids.push(i);
            }
        }
    }
}

/// The length of the epoch starting at step `t`: `epoch` steps, cut short at the run's
/// `end` and at the start of the next trial.
fn epoch_length(epoch: u64, trial: Option<u64>, t: u64, end: u64) -> u64 {
    let m = epoch.min(end - t);
    trial.map_or(m, |k| m.min(k - t % k))
}

/// Whether a trial starts at step `t` (not the first: the network is built fresh).
fn trial_starts(trial: Option<u64>, t: u64) -> bool {
    trial.is_some_and(|k| t > 0 && t.is_multiple_of(k))
}

/// The worker that owns neuron `i` given shard boundaries.
fn owner(bounds: &[usize], i: usize) -> usize {
    bounds.partition_point(|&b| b <= i) - 1
}

impl Worker {
    /// The first owned neuron whose first state variable is not finite, as an error.
    fn check_finite(&self, w: usize, pops: &[PopInfo], step: u64, dt: f64) -> Result<(), SimError> {
        for (p, info) in pops.iter().enumerate() {
            let Some(var) = info.model.spec.state.first() else { continue };
            let shard = &self.shards[p];
            for i in 0..shard.n {
                let value = shard.neuron.get(0, i);
                if !value.is_finite() {
                    return Err(SimError::NonFinite {
                        population: info.name.clone(),
                        var: var.name.to_string(),
                        neuron: info.bounds[w] + i,
                        value,
                        time_ms: crate::error::ms(step as f64 * dt),
                    });
                }
            }
        }
        Ok(())
    }

    /// Adds the weights of the pending spikes into the ring buffers of owned targets,
    /// before the epoch starting at step `t0`.
    /// Starts the epoch at step `t0`: delivers the last epoch's spikes, or, at the start
    /// of a trial (`fresh`), returns the shards to their initial state instead.
    #[allow(clippy::too_many_arguments)]
    fn begin(
        &mut self,
        w: usize,
        t0: u64,
        fresh: bool,
        pops: &[PopInfo],
        projections: &[Proj],
        pending: &[Vec<(u64, u32)>],
        slots: usize,
    ) {
        if fresh {
            self.shards.iter_mut().for_each(Shard::start_trial);
        } else {
            self.deliver(w, t0, pops, projections, pending, slots);
        }
    }

    fn deliver(
        &mut self,
        w: usize,
        t0: u64,
        pops: &[PopInfo],
        projections: &[Proj],
        pending: &[Vec<(u64, u32)>],
        slots: usize,
    ) {
        for (pi, proj) in projections.iter().enumerate() {
            if let (Some(plastic), Some(traces)) = (&proj.plastic, &mut self.traces[pi]) {
                let bounds = &pops[proj.target].bounds;
                let shard = &mut self.shards[proj.target];
                plastic.deliver(
                    traces,
                    Delivery {
                        csr: &proj.csr,
                        splits: &proj.splits,
                        worker: w,
                        cuts: bounds.len() - 2,
                        lo: bounds[w] as u32,
                        hi: bounds[w + 1] as u32,
                        pre: &pending[proj.source],
                        post: &pending[proj.target],
                        ring: &mut shard.ring,
                        n: shard.n,
                        n_receptors: shard.n_receptors,
                        receptor: proj.receptor,
                        slots,
                        modulator: plastic.modulator().map_or(&[], |m| &pending[m]),
                        now: t0,
                    },
                );
                continue;
            }
            let spikes = &pending[proj.source];
            if spikes.is_empty() {
                continue;
            }
            let lo = pops[proj.target].bounds[w] as u32;
            let cuts = pops[proj.target].bounds.len() - 2;
            let shard = &mut self.shards[proj.target];
            let (n, r) = (shard.n, shard.n_receptors);
            let ring = &mut shard.ring;
            let csr = &proj.csr;
            for (k, &(t, s)) in spikes.iter().enumerate() {
                prefetch_rows(csr, &proj.splits, w, cuts, spikes, k);
                let (a, b) = owned_part(csr, &proj.splits, w, cuts, s as usize);
                let now = t as usize % slots;
                match &csr.delays {
                    Delays::Const(d) => {
                        let synapses = csr.targets[a..b].iter().zip(&csr.weights[a..b]);
                        let slot = (now + *d as usize) % slots;
                        let port = &mut ring[(slot * r + proj.receptor) * n..][..n];
                        for (&target, &weight) in synapses {
                            port[(target - lo) as usize] += weight;
                        }
                    }
                    Delays::PerSynapse(delays) => {
                        let (targets, weights, delays) = (&csr.targets[a..b], &csr.weights[a..b], &delays[a..b]);
                        // d < slots, so one subtraction replaces a division per synapse.
                        let index = |target: u32, d: u16| {
                            let mut slot = now + d as usize;
                            if slot >= slots {
                                slot -= slots;
                            }
                            (slot * r + proj.receptor) * n + (target - lo) as usize
                        };
                        // With delays that differ, consecutive synapses write to unrelated
                        // places in a ring that outgrows the caches (40 MB for the full
                        // Potjans-Diesmann circuit), so the writes a few synapses ahead are
                        // prefetched. This halves delivery time there (bench/history.md, "Delivery prefetches").
                        const AHEAD: usize = 16;
                        let m = targets.len();
                        for i in 0..m {
                            if i + AHEAD < m {
                                prefetch(&ring[index(targets[i + AHEAD], delays[i + AHEAD])]);
                            }
                            ring[index(targets[i], delays[i])] += weights[i];
                        }
                    }
                }
            }
        }
    }

    /// Advances every owned neuron by `m` steps from step `t0`.
    fn advance(&mut self, t0: u64, m: u64, pops: &[PopInfo], slots: usize) {
        for step in t0..t0 + m {
            for (mi, mon) in self.monitors.iter().enumerate() {
                if step % mon.every == 0 {
                    let neuron = &self.shards[mon.population].neuron;
                    for v in 0..mon.n_vars {
                        for &(_, local) in &mon.ids {
                            self.samples[mi].push(neuron.get(mon.var_indices[v], local));
                        }
                    }
                }
            }
            let slot = step as usize % slots;
            for (p, shard) in self.shards.iter_mut().enumerate() {
                if shard.n == 0 {
                    continue;
                }
                let block = shard.n_receptors * shard.n;
                let input = &mut shard.ring[slot * block..(slot + 1) * block];
                for pin in &mut shard.poisson {
                    pin.add(step, &mut input[pin.receptor * shard.n..(pin.receptor + 1) * shard.n]);
                }
                for (x, h) in input.iter_mut().zip(&shard.held) {
                    *x += h;
                }
                let i_ext = pops[p].current_at(step);
                shard.scratch.clear();
                shard.neuron.step(step, input, i_ext, &mut shard.scratch);
                if !shard.neuron.clears_input() {
                    input.fill(0.0);
                }
                shard.spikes.extend(shard.scratch.iter().map(|&i| (step, i)));
            }
        }
    }
}

/// Spikes are delivered in time order, so their rows are scattered over the synapse
/// tables and each row starts with cache misses. Asking for the rows of spikes a few
/// places ahead (and for their `row_ptr` and split entries further ahead) overlaps those
/// misses with the work on the current row. Worker `w` of `cuts + 1` asks for its own
/// part of each row: asking for the row's start, which only worker 0 reads, left the
/// other workers' first lines and split entries to miss (CUBA at 100,000 neurons: 2
/// threads spent 40 % more time in delivery than one).
#[inline(always)]
fn prefetch_rows(csr: &Csr, splits: &[u32], w: usize, cuts: usize, spikes: &[(u64, u32)], k: usize) {
    const ROW_AHEAD: usize = 4;
    const PTR_AHEAD: usize = 16;
    if let Some(&(_, s)) = spikes.get(k + PTR_AHEAD) {
        prefetch(&csr.row_ptr[s as usize]);
        if cuts > 0 {
            // Worker 0 reads split 0 (where its part ends), worker w splits w − 1 and w.
            prefetch(&splits[s as usize * cuts + w.max(1) - 1]);
        }
    }
    if let Some(&(_, s)) = spikes.get(k + ROW_AHEAD) {
        let (a, b) = owned_part(csr, splits, w, cuts, s as usize);
        // Every line of the part, not just the first: a part holds a few lines (40
        // synapses of 4 + 4 bytes in CUBA at two threads), too short a run for the
        // hardware prefetcher to pick up.
        for i in (a..b).step_by(64 / std::mem::size_of::<u32>()) {
            prefetch(&csr.targets[i]);
            prefetch(&csr.weights[i]);
        }
        if b > a {
            prefetch(&csr.targets[b - 1]);
            prefetch(&csr.weights[b - 1]);
        }
    }
}

/// The synapses of row `s` whose targets worker `w` of `cuts + 1` owns: rows are sorted
/// by target, so they are one contiguous run.
#[inline(always)]
fn owned_part(csr: &Csr, splits: &[u32], w: usize, cuts: usize, s: usize) -> (usize, usize) {
    let (start, end) = (csr.row_ptr[s], csr.row_ptr[s + 1]);
    let cut = |j: usize| start + splits[s * cuts + j - 1] as usize;
    (if w == 0 { start } else { cut(w) }, if w == cuts { end } else { cut(w + 1) })
}

/// A hint to bring the cache line holding `x` into the cache.
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching has no effect on program state; the pointer comes from a
    // reference and so is valid in any case.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((x as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
