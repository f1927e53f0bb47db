//! The validated model: what a network is, in SI units, with nothing left to check.

use crate::dist::Dist;
use crate::spec::{KindSpec, Params, PlasticitySpec};
use crate::units::Dim;

/// A whole network description, validated.
#[derive(Clone, Debug)]
pub struct Model {
    /// Name of the model (the `name` key, else the file's stem); names the run directory.
    pub name: String,
    /// Time step (s).
    pub dt: f64,
    /// Simulated time (s): a whole number of steps (the model file's duration rounded
    /// to the nearest step; [`Model::notes`] says when rounding changed it).
    pub duration: f64,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Length of a trial in steps: at every multiple of it the neurons return to their
    /// initial state and the input in flight is dropped (`None`: one trial).
    pub trial_steps: Option<u64>,
    /// Populations, in file order.
    pub populations: Vec<Population>,
    /// Projections, in file order.
    pub projections: Vec<Projection>,
    /// What to record.
    pub record: Record,
    /// Things the reader changed or wants the user to know, each one located line
    /// (`file:line:col: key: what`), for the CLI to print as notes: e.g. a duration
    /// rounded to whole steps.
    pub notes: Vec<String>,
}

impl Model {
    /// The number of time steps of the run (`duration / dt`, a whole number by construction).
    pub fn steps(&self) -> u64 {
        (self.duration / self.dt).round() as u64
    }
}

/// A group of neurons of one model with the same parameters.
#[derive(Clone, Debug)]
pub struct Population {
    /// Its name (the key under `[populations]`).
    pub name: String,
    /// Number of neurons.
    pub size: usize,
    /// The neuron model.
    pub kind: &'static KindSpec,
    /// Parameters with defaults filled in, SI units.
    pub params: Params,
    /// Initial values of state variables that are not left at their defaults.
    pub init: Vec<(String, Dist)>,
    /// Independent Poisson spike trains added to each neuron (Brian2's `PoissonInput`).
    pub poisson_inputs: Vec<PoissonInput>,
    /// A piecewise-constant current injected into every neuron (NEST's `step_current_generator`).
    pub step_current: Option<StepCurrent>,
}

/// `count` independent Poisson trains of rate `rate` onto each neuron of a population,
/// each event adding `weight` to the receptor `receptor`.
#[derive(Clone, Debug)]
pub struct PoissonInput {
    /// Rate of the summed input per neuron (Hz).
    pub rate: f64,
    /// Weight of one event, SI.
    pub weight: f64,
    /// Dimension of the weight (voltage, current or conductance).
    pub weight_dim: Dim,
    /// Index of the receptor in the target model's receptor list.
    pub receptor: usize,
}

/// A current that changes at given times and holds between them.
#[derive(Clone, Debug)]
pub struct StepCurrent {
    /// Times (s) at which the amplitude changes, increasing.
    pub times: Vec<f64>,
    /// Amplitudes (A) from each time on.
    pub amplitudes: Vec<f64>,
}

/// A connectivity rule (NEST's names and meanings).
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// Every source to every target.
    AllToAll {
        /// Whether a neuron may connect to itself (same population only).
        autapses: bool,
    },
    /// Source i to target i; both populations have the same size.
    OneToOne,
    /// Each pair independently with probability `p`.
    FixedProbability {
        /// Connection probability.
        p: f64,
        /// Whether a neuron may connect to itself.
        autapses: bool,
    },
    /// Each target gets exactly `k` sources drawn at random.
    FixedIndegree {
        /// In-degree.
        k: u64,
        /// Whether a neuron may connect to itself.
        autapses: bool,
        /// Whether the same pair may be drawn more than once.
        multapses: bool,
    },
    /// Each source gets exactly `k` targets drawn at random.
    FixedOutdegree {
        /// Out-degree.
        k: u64,
        /// Whether a neuron may connect to itself.
        autapses: bool,
        /// Whether the same pair may be drawn more than once.
        multapses: bool,
    },
    /// Exactly `n` synapses between pairs drawn at random.
    FixedTotalNumber {
        /// Number of synapses.
        n: u64,
        /// Whether a neuron may connect to itself.
        autapses: bool,
        /// Whether the same pair may be drawn more than once.
        multapses: bool,
    },
    /// Explicit synapses (and possibly delays) read from a NumPy file.
    FromFile(std::sync::Arc<crate::synapse_file::SynapseFile>),
}

/// Synapses from one population to another.
#[derive(Clone, Debug)]
pub struct Projection {
    /// Its name (the key under `[projections]`).
    pub name: String,
    /// Index of the source population.
    pub source: usize,
    /// Index of the target population.
    pub target: usize,
    /// How pairs are chosen.
    pub rule: Rule,
    /// Weight distribution, SI.
    pub weight: Dist,
    /// Dimension of the weight (voltage, current or conductance).
    pub weight_dim: Dim,
    /// Delay distribution (s); every drawn delay is rounded to whole steps, at least one.
    pub delay: Dist,
    /// Index of the receptor in the target model's receptor list.
    pub receptor: usize,
    /// How the weights change during the run; `None` for static synapses.
    pub plasticity: Option<Plasticity>,
    /// Short-term plasticity of what a spike transmits, beside `plasticity` (the
    /// `short_term` table); `None` without one.
    pub short_term: Option<Plasticity>,
    /// Periodic pruning and regrowth of the synapses; `None` for a fixed wiring.
    pub structural: Option<crate::structural::Structural>,
}

/// A plasticity rule of one projection with its parameters.
#[derive(Clone, Debug)]
pub struct Plasticity {
    /// The rule.
    pub spec: &'static PlasticitySpec,
    /// Parameters with defaults filled in, SI units; weight parameters (`w_max`) in
    /// the dimension of the projection's weights.
    pub params: Params,
}

/// Weight recording of one plastic projection.
#[derive(Clone, Debug)]
pub struct WeightRecord {
    /// Projection index.
    pub projection: usize,
    /// Times (s) of snapshots of all weights; the end of the run is always added.
    pub times: Vec<f64>,
    /// Interval (s) of further snapshots of all weights, from t = 0 (`snapshot_every`).
    pub snapshot_every: Option<f64>,
    /// (source, target) pairs whose weights are traced.
    pub synapses: Vec<(u32, u32)>,
    /// Where each pair of `synapses` is written: whether the pair exists is known only
    /// once the connectivity is drawn, and the error points here.
    pub synapse_places: Vec<crate::error::Place>,
    /// Number of existing synapses, drawn from the run's seed when the network is built,
    /// whose weights are traced (`sample`); 0 for none.
    pub sample: usize,
    /// Sampling interval (s) of the traced weights.
    pub every: f64,
}

/// Spike recording of one population.
#[derive(Clone, Debug)]
pub struct SpikeRecord {
    /// Population index.
    pub population: usize,
    /// Neurons to record, or all when `None`.
    pub ids: Option<Vec<u32>>,
}

/// State recording of some neurons of one population.
#[derive(Clone, Debug)]
pub struct StateRecord {
    /// Population index.
    pub population: usize,
    /// State variable names.
    pub vars: Vec<String>,
    /// Neurons to record.
    pub ids: Vec<u32>,
    /// Record every this many steps.
    pub every: u32,
}

/// What to record during a run.
#[derive(Clone, Debug)]
pub struct Record {
    /// Spike monitors; by default every neuron of every population.
    pub spikes: Vec<SpikeRecord>,
    /// State monitors.
    pub state: Vec<StateRecord>,
    /// Bin width (s) of the population-rate histograms written and plotted.
    pub rate_bin: f64,
    /// Start (s) of the window over which `summary.json`'s `rate_hz` counts spikes, so
    /// that an onset transient can be left out; 0 by default, below the duration.
    pub rates_from: f64,
    /// Weight monitors of plastic projections.
    pub weights: Vec<WeightRecord>,
    /// Projections whose synapses (sources, targets, weights, delays) are written at the
    /// end of the run (`[[record.connectivity]]`), in file order.
    pub connectivity: Vec<usize>,
}

impl Model {
    /// Total number of neurons.
    pub fn n_neurons(&self) -> usize {
        self.populations.iter().map(|p| p.size).sum()
    }

    /// Index of the population called `name`.
    pub fn population_index(&self, name: &str) -> Option<usize> {
        self.populations.iter().position(|p| p.name == name)
    }

    /// The delay in whole steps of a delay in seconds (rounded to nearest, as NEST does).
    pub fn delay_steps(&self, delay: f64) -> u32 {
        ((delay / self.dt).round() as u32).max(1)
    }
}
