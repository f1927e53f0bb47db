//! Synaptic plasticity: rules chosen per projection in the model file, one file each,
//! listed once in [`RULES`].
//!
//! # Storage
//! A plastic projection keeps its CSR table (rows by source, sorted by target); its
//! weights move into a [`SynapseArray`] that the workers update in place. A transposed
//! index ([`Columns`]: for every target, the CSR positions of its synapses) lets a
//! postsynaptic spike reach its synapses without a scan. Rules keep their state in
//! per-neuron traces ([`trace::Trace`]) updated only at spikes, from the step of their
//! last update, so a plastic network stays event-driven.
//!
//! # When updates happen
//! At the start of each epoch a worker handles the spikes of the previous epoch for the
//! targets it owns, merged in time order: a presynaptic spike at step `t` first adds
//! its weight to the target's ring buffer, then updates the weight (`on_pre`); a
//! postsynaptic spike of an owned neuron updates the weights of its column (`on_post`).
//! Both sides use the neurons' spike steps, so every pair is seen in its true order
//! (the epoch is never longer than the shortest delay, and spikes of the previous
//! epoch are all known). Every worker keeps its own copy of the presynaptic traces and
//! writes only weights of targets it owns: no locks, and the same results on any
//! number of threads. Static projections never enter this module.

use engram_model::{PlasticitySpec, Projection};

use crate::connect::{Csr, Delays};

pub mod anti_hebbian;
pub mod bcm;
pub mod distal_reward;
pub mod istdp_vogels;
pub mod monitor;
pub mod oja;
pub mod stdp_dopamine;
pub mod stdp_pair;
pub mod stdp_triplet;
pub mod stp_tsodyks_markram;
pub mod synaptic_scaling;
pub mod trace;
pub mod weights;

pub use weights::SynapseArray;

/// Every plasticity rule engram knows. A new rule is a new file, a line here and a
/// variant of [`Rule`].
pub static RULES: &[&PlasticitySpec] = &[
    &stdp_pair::SPEC,
    &stdp_triplet::SPEC,
    &istdp_vogels::SPEC,
    &stp_tsodyks_markram::SPEC,
    &stdp_dopamine::SPEC,
    &oja::SPEC,
    &bcm::SPEC,
    &anti_hebbian::SPEC,
    &synaptic_scaling::SPEC,
];

/// The rules that only scale what a spike transmits: a projection's `short_term`
/// table may name them beside a long-term rule.
pub static SHORT_TERM_RULES: &[&PlasticitySpec] = &[&stp_tsodyks_markram::SPEC];

/// The spec of the rule called `name`.
pub fn spec(name: &str) -> Option<&'static PlasticitySpec> {
    RULES.iter().copied().find(|s| s.name == name)
}

/// A rule whose state is a trace per pre- and per postsynaptic neuron, plus the weight.
///
/// Traces live in the frame of a reference step (see [`trace`]): `now(steps)` gives
/// the decays of every time constant of the rule `steps` after the reference, once per
/// spike, and the per-synapse methods only multiply.
pub trait TraceRule: Send + Sync {
    /// Traces of a presynaptic neuron.
    type Pre: Copy + Default + Send;
    /// Traces of a postsynaptic neuron.
    type Post: Copy + Default + Send;
    /// The decays of the rule's time constants at one step.
    type Now: Copy;
    /// Whether postsynaptic spikes change anything (else they are skipped, and the
    /// projection needs no transposed index).
    const USES_POST: bool = true;
    /// The decays `steps` after the reference step.
    fn now(&self, steps: u64) -> Self::Now;
    /// Steps after which the reference must move forward.
    fn rebase_steps(&self) -> u64;
    /// Moves the reference `now` later: rescales the traces into the new frame.
    fn rebase(&self, pre: &mut [Self::Pre], post: &mut [Self::Post], now: &Self::Now);
    /// The fraction of the weights a presynaptic spike at step `t` transmits, once per
    /// spike, before `on_pre` (short-term plasticity); 1 for rules that only learn.
    fn release(&self, _pre: &mut Self::Pre, _t: u64) -> f32 {
        1.0
    }
    /// The weight after a presynaptic spike (traces as before the spike).
    fn on_pre(&self, w: f32, pre: &Self::Pre, post: &Self::Post, now: &Self::Now) -> f32;
    /// Updates the presynaptic traces for a spike, after all its synapses.
    fn pre_spiked(&self, pre: &mut Self::Pre, now: &Self::Now);
    /// The weight after a postsynaptic spike (traces as before the spike).
    fn on_post(&self, w: f32, pre: &Self::Pre, post: &Self::Post, now: &Self::Now) -> f32;
    /// Updates the postsynaptic traces for a spike, after all its synapses.
    fn post_spiked(&self, post: &mut Self::Post, now: &Self::Now);
}

/// A projection's rule with its parameters in engine units.
#[derive(Clone, Debug)]
pub enum Rule {
    /// [`stdp_pair`].
    StdpPair(stdp_pair::StdpPair),
    /// [`stdp_triplet`].
    StdpTriplet(stdp_triplet::StdpTriplet),
    /// [`istdp_vogels`].
    IstdpVogels(istdp_vogels::IstdpVogels),
    /// [`stp_tsodyks_markram`].
    StpTsodyksMarkram(stp_tsodyks_markram::StpTsodyksMarkram),
    /// [`stdp_dopamine`].
    StdpDopamine(stdp_dopamine::StdpDopamine),
    /// [`oja`].
    Oja(oja::Oja),
    /// [`bcm`].
    Bcm(bcm::Bcm),
    /// [`anti_hebbian`].
    AntiHebbian(anti_hebbian::AntiHebbian),
    /// [`synaptic_scaling`].
    SynapticScaling(synaptic_scaling::SynapticScaling),
}

/// One worker's traces for one plastic projection.
#[derive(Clone, Debug)]
pub enum WorkerTraces {
    /// [`stdp_pair`].
    StdpPair(Traces<stdp_pair::StdpPair>),
    /// [`stdp_triplet`].
    StdpTriplet(Traces<stdp_triplet::StdpTriplet>),
    /// [`istdp_vogels`].
    IstdpVogels(Traces<istdp_vogels::IstdpVogels>),
    /// [`stp_tsodyks_markram`].
    StpTsodyksMarkram(Traces<stp_tsodyks_markram::StpTsodyksMarkram>),
    /// [`stdp_dopamine`].
    StdpDopamine(stdp_dopamine::WorkerState),
    /// [`oja`].
    Oja(Traces<oja::Oja>),
    /// [`bcm`].
    Bcm(Traces<bcm::Bcm>),
    /// [`anti_hebbian`].
    AntiHebbian(Traces<anti_hebbian::AntiHebbian>),
    /// [`synaptic_scaling`].
    SynapticScaling(synaptic_scaling::ScalingTraces),
}

/// Traces of every presynaptic neuron (each worker has its own copy, updated at every
/// presynaptic spike) and of the worker's own postsynaptic neurons.
#[derive(Clone, Debug)]
pub struct Traces<R: TraceRule> {
    pre: Vec<R::Pre>,
    post: Vec<R::Post>,
    /// The reference step of the traces' frame.
    t_ref: u64,
    /// Short-term plasticity per source, when the projection has a `short_term` rule.
    release: Vec<stp_tsodyks_markram::Release>,
}

impl<R: TraceRule> Traces<R> {
    fn new(n_src: usize, n_owned: usize, short_term: bool) -> Traces<R> {
        Traces {
            pre: vec![R::Pre::default(); n_src],
            post: vec![R::Post::default(); n_owned],
            t_ref: 0,
            release: if short_term { vec![Default::default(); n_src] } else { Vec::new() },
        }
    }
}

/// The transposed index of a CSR table: for target `j`, the synapses
/// `syn[ptr[j]..ptr[j + 1]]` (CSR positions) and their sources, by increasing source.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    ptr: Vec<usize>,
    syn: Vec<u32>,
    src: Vec<u32>,
}

impl Columns {
    /// The transposed index of `csr` with `n_tgt` targets.
    pub fn of(csr: &Csr, n_tgt: usize) -> Columns {
        assert!(csr.len() <= u32::MAX as usize, "a plastic projection holds at most 2³² synapses");
        let mut ptr = vec![0usize; n_tgt + 1];
        for &t in &csr.targets {
            ptr[t as usize + 1] += 1;
        }
        for j in 0..n_tgt {
            ptr[j + 1] += ptr[j];
        }
        let mut fill = ptr.clone();
        let (mut syn, mut src) = (vec![0u32; csr.len()], vec![0u32; csr.len()]);
        for (s, w) in csr.row_ptr.windows(2).enumerate() {
            for k in w[0]..w[1] {
                let j = csr.targets[k] as usize;
                syn[fill[j]] = k as u32;
                src[fill[j]] = s as u32;
                fill[j] += 1;
            }
        }
        Columns { ptr, syn, src }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.ptr.len() * 8 + self.syn.len() * 8
    }
}

/// The plastic part of a projection: its rule, its live weights and the transposed index.
#[derive(Debug)]
pub struct Plastic {
    /// The rule.
    pub rule: Rule,
    /// Current weights in CSR order, engine units.
    pub weights: SynapseArray,
    /// Synapses by target.
    pub columns: Columns,
    /// Factor from SI weights to engine units.
    pub scale: f64,
    /// Short-term plasticity beside a long-term rule (the projection's `short_term`).
    pub short_term: Option<stp_tsodyks_markram::StpTsodyksMarkram>,
    /// Per-synapse eligibility of [`stdp_dopamine`]; `None` for the other rules.
    pub eligibility: Option<stdp_dopamine::Eligibility>,
}

impl Plastic {
    /// The plastic part of `proj` whose synapses are `csr` (weights drawn), onto
    /// `n_tgt` targets, weights scaled by `scale`; `None` for a static projection.
    pub fn build(proj: &Projection, csr: &Csr, n_tgt: usize, scale: f64, dt: f64) -> Option<Plastic> {
        // A `short_term` table alone is that rule on its own.
        let (p, short_term) = match (&proj.plasticity, &proj.short_term) {
            (Some(p), st) => (p, st.as_ref()),
            (None, Some(st)) => (st, None),
            (None, None) => return None,
        };
        let short_term = short_term.map(|st| stp_tsodyks_markram::StpTsodyksMarkram::new(&st.params, dt));
        let rule = match p.spec.name {
            "stdp_pair" => Rule::StdpPair(stdp_pair::StdpPair::new(&p.params, scale, dt)),
            "stdp_triplet" => Rule::StdpTriplet(stdp_triplet::StdpTriplet::new(&p.params, scale, dt)),
            "istdp_vogels" => Rule::IstdpVogels(istdp_vogels::IstdpVogels::new(&p.params, scale, dt)),
            "stp_tsodyks_markram" => {
                Rule::StpTsodyksMarkram(stp_tsodyks_markram::StpTsodyksMarkram::new(&p.params, dt))
            }
            "stdp_dopamine" => Rule::StdpDopamine(stdp_dopamine::StdpDopamine::new(&p.params, scale, dt)),
            "oja" => Rule::Oja(oja::Oja::new(&p.params, scale, dt)),
            "bcm" => Rule::Bcm(bcm::Bcm::new(&p.params, scale, dt)),
            "anti_hebbian" => Rule::AntiHebbian(anti_hebbian::AntiHebbian::new(&p.params, scale, dt)),
            "synaptic_scaling" => Rule::SynapticScaling(synaptic_scaling::SynapticScaling::new(&p.params, scale, dt)),
            other => unreachable!("the parser accepts only registered rules, not \"{other}\""),
        };
        let uses_post = !matches!(rule, Rule::StpTsodyksMarkram(_));
        let columns = if uses_post { Columns::of(csr, n_tgt) } else { Columns::default() };
        let eligibility = matches!(rule, Rule::StdpDopamine(_)).then(|| stdp_dopamine::Eligibility::new(csr.len()));
        Some(Plastic { rule, weights: SynapseArray::new(&csr.weights), columns, scale, short_term, eligibility })
    }

    /// The population whose spikes are neuromodulator events for this projection.
    pub fn modulator(&self) -> Option<usize> {
        match &self.rule {
            Rule::StdpDopamine(r) => r.modulator,
            _ => None,
        }
    }

    /// Fresh traces for a worker owning `n_owned` targets.
    pub fn worker_traces(&self, n_src: usize, n_owned: usize) -> WorkerTraces {
        let st = self.short_term.is_some();
        match self.rule {
            Rule::StdpPair(_) => WorkerTraces::StdpPair(Traces::new(n_src, n_owned, st)),
            Rule::StdpTriplet(_) => WorkerTraces::StdpTriplet(Traces::new(n_src, n_owned, st)),
            Rule::IstdpVogels(_) => WorkerTraces::IstdpVogels(Traces::new(n_src, n_owned, st)),
            Rule::StpTsodyksMarkram(_) => WorkerTraces::StpTsodyksMarkram(Traces::new(n_src, n_owned, st)),
            Rule::StdpDopamine(_) => WorkerTraces::StdpDopamine(stdp_dopamine::WorkerState::new(n_src, n_owned, st)),
            Rule::Oja(_) => WorkerTraces::Oja(Traces::new(n_src, n_owned, st)),
            Rule::Bcm(_) => WorkerTraces::Bcm(Traces::new(n_src, n_owned, st)),
            Rule::AntiHebbian(_) => WorkerTraces::AntiHebbian(Traces::new(n_src, n_owned, st)),
            Rule::SynapticScaling(ref r) => WorkerTraces::SynapticScaling(r.worker_traces(n_src, n_owned, st)),
        }
    }

    /// Handles one epoch's spikes for the targets `ctx.lo..ctx.hi` a worker owns.
    pub fn deliver(&self, traces: &mut WorkerTraces, ctx: Delivery<'_>) {
        match (&self.rule, traces) {
            (Rule::StdpPair(r), WorkerTraces::StdpPair(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::StdpTriplet(r), WorkerTraces::StdpTriplet(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::IstdpVogels(r), WorkerTraces::IstdpVogels(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::StpTsodyksMarkram(r), WorkerTraces::StpTsodyksMarkram(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::StdpDopamine(r), WorkerTraces::StdpDopamine(t)) => {
                let elig = self.eligibility.as_ref().expect("stdp_dopamine projections have eligibility");
                stdp_dopamine::deliver(r, self, elig, self.short_term.as_ref(), t, ctx)
            }
            (Rule::Oja(r), WorkerTraces::Oja(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::Bcm(r), WorkerTraces::Bcm(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::AntiHebbian(r), WorkerTraces::AntiHebbian(t)) => deliver_trace_rule(r, self, t, ctx),
            (Rule::SynapticScaling(r), WorkerTraces::SynapticScaling(t)) => r.deliver(self, t, ctx),
            _ => unreachable!("a worker's traces are made for its projection's rule"),
        }
    }

    /// Bytes held besides the CSR table.
    pub fn bytes(&self) -> usize {
        self.weights.len() * 4 + self.columns.bytes() + self.eligibility.as_ref().map_or(0, |e| e.bytes())
    }
}

/// What a worker hands to a plastic projection at delivery.
pub struct Delivery<'a> {
    /// The synapse table.
    pub csr: &'a Csr,
    /// For each row, the offsets where it crosses into the next worker's targets.
    pub splits: &'a [u32],
    /// This worker's index and the number of shard boundaries inside the population.
    pub worker: usize,
    /// Number of inner shard boundaries (workers − 1).
    pub cuts: usize,
    /// The owned targets.
    pub lo: u32,
    /// End of the owned targets.
    pub hi: u32,
    /// Presynaptic spikes of the last epoch, (step, source), in order.
    pub pre: &'a [(u64, u32)],
    /// Spikes of the target population in the last epoch, (step, target), in order.
    pub post: &'a [(u64, u32)],
    /// The target shard's ring buffer, `slots × receptors × n`.
    pub ring: &'a mut [f32],
    /// Owned targets (`hi − lo`).
    pub n: usize,
    /// Receptors of the target model.
    pub n_receptors: usize,
    /// The projection's receptor.
    pub receptor: usize,
    /// Slots of the ring buffer.
    pub slots: usize,
    /// Spikes of the projection's neuromodulator population in the last epoch (empty
    /// without one).
    pub modulator: &'a [(u64, u32)],
    /// The first step of the epoch about to run: every event before it is known.
    pub now: u64,
}

/// How many synapses of a column ahead to prefetch.
const AHEAD: usize = 16;

fn deliver_trace_rule<R: TraceRule>(rule: &R, plastic: &Plastic, traces: &mut Traces<R>, ctx: Delivery<'_>) {
    let Delivery { csr, splits, worker, cuts, lo, hi, pre, post, ring, n, n_receptors, receptor, slots, .. } = ctx;
    let weights = &plastic.weights;
    let cols = &plastic.columns;
    let (mut i, mut j) = (0, 0);
    let rebase_steps = rule.rebase_steps();
    // Spikes of both sides in time order; a presynaptic spike goes first within a step.
    let post = if R::USES_POST { post } else { &[] };
    while i < pre.len() || j < post.len() {
        let take_pre = match (pre.get(i), post.get(j)) {
            (Some(a), Some(b)) => a.0 <= b.0,
            (Some(_), None) => true,
            _ => false,
        };
        let t = if take_pre { pre[i].0 } else { post[j].0 };
        // Every worker sees the same spike steps here (before filtering by owner), so
        // every worker moves its reference at the same steps.
        if t - traces.t_ref > rebase_steps {
            rule.rebase(&mut traces.pre, &mut traces.post, &rule.now(t - traces.t_ref));
            traces.t_ref = t;
        }
        let now = rule.now(t - traces.t_ref);
        if take_pre {
            let s = pre[i].1;
            i += 1;
            let (start, end) = (csr.row_ptr[s as usize], csr.row_ptr[s as usize + 1]);
            let cut = |k: usize| start + splits[s as usize * cuts + k - 1] as usize;
            let a = if worker == 0 { start } else { cut(worker) };
            let b = if worker == cuts { end } else { cut(worker + 1) };
            let slot_now = t as usize % slots;
            let short_term = match &plastic.short_term {
                Some(stp) => stp.release_at(&mut traces.release[s as usize], t),
                None => 1.0,
            };
            let release = rule.release(&mut traces.pre[s as usize], t) * short_term;
            let pre_trace = &traces.pre[s as usize];
            let post_traces = &traces.post;
            // The potential uses the weight before this spike's own update.
            let update = |k: usize| -> f32 {
                // Targets are scattered over the postsynaptic traces; ask for them ahead.
                if let Some(&ahead) = csr.targets[..b].get(k + AHEAD) {
                    crate::network::prefetch(&post_traces[(ahead - lo) as usize]);
                }
                let w = weights.get(k);
                let local = (csr.targets[k] - lo) as usize;
                weights.set(k, rule.on_pre(w, pre_trace, &post_traces[local], &now));
                w * release
            };
            match &csr.delays {
                Delays::Const(d) => {
                    let slot = (slot_now + *d as usize) % slots;
                    let port = &mut ring[(slot * n_receptors + receptor) * n..][..n];
                    for k in a..b {
                        port[(csr.targets[k] - lo) as usize] += update(k);
                    }
                }
                Delays::PerSynapse(delays) => {
                    for k in a..b {
                        let slot = (slot_now + delays[k] as usize) % slots;
                        ring[(slot * n_receptors + receptor) * n + (csr.targets[k] - lo) as usize] += update(k);
                    }
                }
            }
            rule.pre_spiked(&mut traces.pre[s as usize], &now);
        } else {
            let target = post[j].1;
            j += 1;
            if target < lo || target >= hi {
                continue;
            }
            let local = (target - lo) as usize;
            let post_trace = traces.post[local];
            let (c0, c1) = (cols.ptr[target as usize], cols.ptr[target as usize + 1]);
            for c in c0..(c0 + AHEAD).min(c1) {
                weights.prefetch(cols.syn[c] as usize);
            }
            for c in c0..c1 {
                // A column's synapses are scattered over the weight array (and their
                // sources over the traces): asking for them a few places ahead overlaps
                // the cache misses (perf, CUBA 20,000 with STDP: half of the time went
                // to the weight load before).
                if c + AHEAD < c1 {
                    weights.prefetch(cols.syn[c + AHEAD] as usize);
                    crate::network::prefetch(&traces.pre[cols.src[c + AHEAD] as usize]);
                }
                let k = cols.syn[c] as usize;
                let w = weights.get(k);
                weights.set(k, rule.on_post(w, &traces.pre[cols.src[c] as usize], &post_trace, &now));
            }
            rule.post_spiked(&mut traces.post[local], &now);
        }
    }
}
