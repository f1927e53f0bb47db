//! The liquid-state machine: an engram spiking network as the reservoir (Maass,
//! Natschläger & Markram 2002, "Real-time computing without stable states", *Neural
//! Computation* 14:2531).
//!
//! Any model file is a liquid. The input series drives chosen populations: each neuron
//! `i` of an input population gets a fixed input weight `w_i = weight · s_i`, with `s_i`
//! uniform in [−1, 1] for a fraction `connectivity` of the neurons (0 for the others),
//! and during task step `t` it receives, at every simulation step, the mean drive of an
//! input spike train of rate `rate · u(t)` through a synapse of weight `w_i`: `w_i ·
//! rate · u(t) · dt` added to its synaptic input ([`engram_sim::Network::set_held_input`]).
//! For conductance-based models a positive `w_i` enters the excitatory receptor and a
//! negative one the inhibitory receptor with its magnitude (push–pull input); for
//! current- or voltage-weighted models the signed weight enters the first receptor.
//! Each task step lasts `sample` of liquid time.
//!
//! The state read out after step `t` is, for every neuron of the readout populations and
//! every time constant `τ_k` in `taus`, its exponentially filtered spike train
//! `x_{i,k}(t) = Σ_{spikes s ≤ t} exp(−(t − s) / τ_k)` (Maass et al. 2002 read out
//! spike trains filtered by a 30 ms exponential; several `τ_k` give a readout the
//! liquid's recent history at several time scales). These are the columns the same
//! ridge readout as the echo-state network's is fitted on.

use engram_model::{Dim, Model, SpikeRecord};
use engram_sim::{neuron, Network};
use rand::Rng;

use crate::rng::{stream, Part};

/// What turns an engram model into a liquid.
#[derive(Clone, Debug)]
pub struct LiquidParams {
    /// The spiking network.
    pub model: Model,
    /// Liquid time per task step (s).
    pub sample: f64,
    /// Liquid time driven by the task's input before training starts (s), for plasticity
    /// (an adaptive E/I rule) to settle.
    pub adapt: f64,
    /// Populations the input drives.
    pub input_populations: Vec<usize>,
    /// Scale of the input weights (SI: a conductance, current or voltage).
    pub input_weight: f64,
    /// Dimension of `input_weight`.
    pub input_weight_dim: Dim,
    /// Rate of the input spike train at input 1 (Hz).
    pub input_rate: f64,
    /// Fraction of each input population's neurons the input reaches.
    pub input_connectivity: f64,
    /// Populations whose spike trains are read out (every neuron).
    pub readout_populations: Vec<usize>,
    /// Time constants of the exponential filters of the readout (s).
    pub taus: Vec<f64>,
    /// Homeostatic intrinsic plasticity driving each neuron to a target rate, if any.
    pub homeostasis: Option<Homeostasis>,
    /// Seed of the input weights.
    pub seed: u64,
}

/// Homeostatic intrinsic plasticity of every neuron of some populations: a tonic drive
/// `b_i` (in the input weight's unit) that integrates the neuron's rate error,
///
/// ```text
/// b_i ← b_i − η (r_i − ρ) / ρ          after each task step,
/// ```
///
/// where `r_i` is the neuron's spike count in the step divided by its duration and `ρ`
/// its population's target rate. This is the intrinsic plasticity of SORN (Lazar, Pipa &
/// Triesch 2009, *Front. Comput. Neurosci.* 3:23, eq. 3: `T_i ← T_i + η_IP (x_i −
/// H_IP)`, a threshold that rises while a unit fires above its target rate), with the
/// threshold shift realised as a drive, and the homeostatic regulation of intrinsic
/// excitability of Desai, Rutherford & Turrigiano (1999, *Nat. Neurosci.* 2:515). As an
/// integral controller it has no steady-state error: each neuron's mean rate goes to
/// `ρ` whatever the weights, as long as the needed drive is finite. A positive `b_i`
/// enters like the input, through the excitatory receptor; a negative one, for
/// conductance-based models, through the inhibitory receptor (an inhibitory tonic
/// conductance), so each neuron's balance of excitation and inhibition adapts.
#[derive(Clone, Debug)]
pub struct Homeostasis {
    /// Per population of the model: its target rate (Hz), or None.
    pub targets: Vec<Option<f64>>,
    /// `η`: the change of `b_i` for a rate error of 100 % in one step (input weight unit, SI).
    pub eta: f64,
}

impl LiquidParams {
    /// Simulation steps per task step (at least one).
    pub fn steps_per_sample(&self) -> u64 {
        ((self.sample / self.model.dt).round() as u64).max(1)
    }

    /// Task steps of the adaptation phase.
    pub fn adapt_samples(&self) -> usize {
        (self.adapt / (self.steps_per_sample() as f64 * self.model.dt)).round() as usize
    }

    /// Number of state features: readout neurons × filter time constants.
    pub fn features(&self) -> usize {
        let n: usize = self.readout_populations.iter().map(|&p| self.model.populations[p].size).sum();
        n * self.taus.len()
    }
}

/// How an input channel reaches one population: per receptor and neuron, the model-unit
/// input added at each simulation step per unit of input.
#[derive(Clone, Debug)]
struct InputGains {
    population: usize,
    /// Per channel: `receptors × size` gains.
    per_channel: Vec<Vec<f32>>,
}

/// A built liquid with its readout filters.
pub struct Liquid {
    /// The running network.
    pub network: Network,
    params: LiquidParams,
    inputs: Vec<InputGains>,
    /// `features` filtered spike counts: for each readout population, for each of its
    /// neurons, one value per time constant.
    traces: Vec<f64>,
    /// Spikes of each readout population already folded into `traces`.
    seen: Vec<usize>,
    /// `exp(−sample / τ_k)`.
    decay: Vec<f64>,
    /// Per population: the homeostatic drive `b_i` of each neuron (empty without a target).
    bias: Vec<Vec<f64>>,
    /// Per population: spikes already counted by homeostasis.
    bias_seen: Vec<usize>,
    /// Per population: model-unit input per step of a drive of 1 (weight unit, SI),
    /// and the receptors that positive and negative drives enter.
    drive: Vec<Drive>,
}

/// How a drive reaches a population: `per_unit` model-unit input per simulation step
/// for a drive of 1 (SI weight unit), into receptor `positive` when positive and
/// `negative` (with its magnitude when `magnitude`) when negative.
#[derive(Clone, Copy, Debug)]
struct Drive {
    per_unit: f64,
    negative: usize,
    magnitude: bool,
}

impl Liquid {
    /// Builds the network of `params` with `threads` workers for `channels` input
    /// channels. Spikes of the readout populations and of `also_record` are recorded.
    pub fn new(
        params: &LiquidParams,
        channels: usize,
        threads: usize,
        also_record: &[usize],
    ) -> Result<Liquid, engram_sim::SimError> {
        let mut model = params.model.clone();
        for &p in params.readout_populations.iter().chain(also_record) {
            if !model.record.spikes.iter().any(|r| r.population == p && r.ids.is_none()) {
                model.record.spikes.retain(|r| r.population != p);
                model.record.spikes.push(SpikeRecord { population: p, ids: None });
            }
        }
        let network = Network::build(&model, threads)?;
        let inputs = params
            .input_populations
            .iter()
            .map(|&p| InputGains { population: p, per_channel: gains(params, p, channels) })
            .collect();
        let sample = params.steps_per_sample() as f64 * model.dt;
        let bias = (0..model.populations.len())
            .map(|p| match &params.homeostasis {
                Some(h) if h.targets[p].is_some() => vec![0.0; model.populations[p].size],
                _ => Vec::new(),
            })
            .collect();
        Ok(Liquid {
            bias,
            bias_seen: vec![0; model.populations.len()],
            drive: (0..model.populations.len()).map(|p| drive(params, p)).collect(),
            network,
            inputs,
            traces: vec![0.0; params.features()],
            seen: vec![0; params.readout_populations.len()],
            decay: params.taus.iter().map(|tau| (-sample / tau).exp()).collect(),
            params: params.clone(),
        })
    }

    /// Drives the liquid with `inputs` (`dim` channels per task step, row-major) and
    /// returns the readout state after each step, `features` values per step (an
    /// `features × T` column-major matrix).
    pub fn run(&mut self, inputs: &[f64], dim: usize) -> Result<Vec<f64>, engram_sim::SimError> {
        let steps = inputs.len() / dim.max(1);
        let features = self.traces.len();
        let mut states = Vec::with_capacity(steps * features);
        let per_sample = self.params.steps_per_sample();
        let stop = std::sync::atomic::AtomicBool::new(false);
        let mut values = Vec::new();
        let n_pops = self.params.model.populations.len();
        for u in inputs.chunks(dim.max(1)).take(steps) {
            for p in 0..n_pops {
                let gains = self.inputs.iter().find(|g| g.population == p);
                if gains.is_none() && self.bias[p].is_empty() {
                    continue;
                }
                let pop = &self.params.model.populations[p];
                values.clear();
                values.resize(pop.kind.receptors.len() * pop.size, 0.0f32);
                for (channel, gains) in gains.iter().flat_map(|g| g.per_channel.iter().enumerate()) {
                    let uc = u[channel] as f32;
                    values.iter_mut().zip(gains).for_each(|(v, k)| *v += k * uc);
                }
                let d = self.drive[p];
                for (i, &b) in self.bias[p].iter().enumerate() {
                    let x = b * d.per_unit;
                    match (x < 0.0, d.magnitude) {
                        (true, true) => values[d.negative * pop.size + i] += -x as f32,
                        (true, false) => values[d.negative * pop.size + i] += x as f32,
                        (false, _) => values[i] += x as f32,
                    }
                }
                self.network.set_held_input(p, &values);
            }
            self.network.run(per_sample, &mut |_, _| {}, &stop)?;
            self.fold_spikes();
            self.adapt_bias();
            states.extend_from_slice(&self.traces);
        }
        Ok(states)
    }

    /// Decays the traces over one task step and adds the step's spikes, each weighted by
    /// `exp(−(t − s) / τ)` at the step's end `t`: the exact filter of the spike train.
    fn fold_spikes(&mut self) {
        let dt = self.params.model.dt;
        let now = self.network.current_step() as f64 * dt;
        let taus = &self.params.taus;
        let n_taus = taus.len();
        for d in self.traces.chunks_mut(n_taus) {
            d.iter_mut().zip(&self.decay).for_each(|(x, k)| *x *= k);
        }
        let mut offset = 0;
        let rec = self.network.recordings();
        for (r, &p) in self.params.readout_populations.iter().enumerate() {
            let spikes = &rec.spikes[p];
            for k in self.seen[r]..spikes.times.len() {
                let age = now - spikes.times[k];
                let base = offset + spikes.ids[k] as usize * n_taus;
                for (j, tau) in taus.iter().enumerate() {
                    self.traces[base + j] += (-age / tau).exp();
                }
            }
            self.seen[r] = spikes.times.len();
            offset += self.params.model.populations[p].size * n_taus;
        }
    }
}

impl Liquid {
    /// Moves each homeostatic drive by its neuron's rate error in the last task step.
    fn adapt_bias(&mut self) {
        let Some(h) = &self.params.homeostasis else { return };
        let sample = self.params.steps_per_sample() as f64 * self.params.model.dt;
        let rec = self.network.recordings();
        for (p, bias) in self.bias.iter_mut().enumerate() {
            let Some(target) = h.targets[p] else { continue };
            let spikes = &rec.spikes[p];
            let mut counts = vec![0u32; bias.len()];
            for &id in &spikes.ids[self.bias_seen[p]..] {
                counts[id as usize] += 1;
            }
            self.bias_seen[p] = spikes.ids.len();
            for (b, &c) in bias.iter_mut().zip(&counts) {
                *b -= h.eta * (c as f64 / sample - target) / target;
            }
        }
    }

    /// The homeostatic drive of each neuron of population `p` (SI weight unit; empty
    /// when the population has no target rate).
    pub fn homeostatic_drive(&self, p: usize) -> &[f64] {
        &self.bias[p]
    }
}

/// How a drive of 1 (in the input weight's unit) reaches population `p`.
fn drive(params: &LiquidParams, p: usize) -> Drive {
    let pop = &params.model.populations[p];
    let model = neuron::model(pop.kind.name).expect("the parser only accepts registered models");
    let scale = (model.weight_scale)(&pop.params, params.input_weight_dim);
    let inh = pop.kind.receptors.iter().position(|r| *r == "inh");
    let magnitude = params.input_weight_dim == Dim::CONDUCTANCE && inh.is_some();
    Drive {
        per_unit: scale * params.input_rate * params.model.dt,
        negative: if magnitude { inh.expect("checked") } else { 0 },
        magnitude,
    }
}

/// The input gains of population `p`: per channel, `receptors × size` model-unit inputs
/// per simulation step and unit of input.
fn gains(params: &LiquidParams, p: usize, channels: usize) -> Vec<Vec<f32>> {
    let pop = &params.model.populations[p];
    let model = neuron::model(pop.kind.name).expect("the parser only accepts registered models");
    let scale = (model.weight_scale)(&pop.params, params.input_weight_dim);
    let receptors = pop.kind.receptors.len();
    let inh = pop.kind.receptors.iter().position(|r| *r == "inh");
    // Conductances are magnitudes: a negative weight inhibits through the inhibitory
    // receptor. Currents and voltages carry their sign.
    let push_pull = params.input_weight_dim == Dim::CONDUCTANCE && inh.is_some();
    let per_step = params.input_weight * scale * params.input_rate * params.model.dt;
    let n = pop.size;
    let reached = ((params.input_connectivity * n as f64).round() as usize).min(n);
    (0..channels)
        .map(|c| {
            let mut rng = stream(params.seed, Part::Input, 1000 + (p * 64 + c) as u64);
            let mut g = vec![0.0f32; receptors * n];
            for i in rand::seq::index::sample(&mut rng, n, reached) {
                let s: f64 = rng.random_range(-1.0..=1.0);
                match (push_pull, s < 0.0) {
                    (true, true) => {
                        g[inh.expect("push-pull needs an inhibitory receptor") * n + i] = (-s * per_step) as f32
                    }
                    _ => g[i] = (s * per_step) as f32,
                }
            }
            g
        })
        .collect()
}

/// The rate each population is driven to by an adaptive rule: the liquid's
/// [`Homeostasis`] target, or the `rho_0` of the model's `istdp_vogels` projections onto
/// it (Vogels et al. 2011), if any.
pub fn target_rates(params: &LiquidParams) -> Vec<Option<f64>> {
    let mut targets = istdp_targets(&params.model);
    if let Some(h) = &params.homeostasis {
        for (t, h) in targets.iter_mut().zip(&h.targets) {
            *t = h.or(*t);
        }
    }
    targets
}

/// The `rho_0` of the `istdp_vogels` projections onto each population, if any.
pub fn istdp_targets(model: &Model) -> Vec<Option<f64>> {
    let mut targets = vec![None; model.populations.len()];
    for proj in &model.projections {
        if let Some(pl) = &proj.plasticity {
            if pl.spec.name == "istdp_vogels" {
                targets[proj.target] = Some(pl.params.f("rho_0"));
            }
        }
    }
    targets
}
