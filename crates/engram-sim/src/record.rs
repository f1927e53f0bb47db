//! What a run recorded: spikes, population spike counts per step, state traces,
//! weights, and the synapse tables of projections.

/// Spikes of one population, in the order they happened.
#[derive(Clone, Debug, Default)]
pub struct PopulationSpikes {
    /// Spike times (s): step × dt, the step at whose end the threshold was crossed
    /// (Brian2's convention).
    pub times: Vec<f64>,
    /// Neuron index within the population of each spike.
    pub ids: Vec<u32>,
}

/// Recorded traces of some state variables of some neurons of one population.
#[derive(Clone, Debug)]
pub struct StateTraces {
    /// Population index.
    pub population: usize,
    /// Variable names.
    pub vars: Vec<String>,
    /// Recorded neurons.
    pub ids: Vec<u32>,
    /// Sample times (s); a sample at time t is the state before the update of that step.
    pub times: Vec<f64>,
    /// Per variable, row-major `[times.len() × ids.len()]`, SI units.
    pub values: Vec<Vec<f64>>,
}

/// Everything a run recorded.
#[derive(Clone, Debug, Default)]
pub struct Recordings {
    /// Per population: recorded spikes (empty when the population is not recorded).
    pub spikes: Vec<PopulationSpikes>,
    /// Per population: whether its spikes were recorded, and which neurons (None: all).
    pub recorded: Vec<Option<Option<Vec<u32>>>>,
    /// Per population: number of spikes of all its neurons in each step.
    pub counts_per_step: Vec<Vec<u32>>,
    /// State monitors, in the order of the model's `[[record.state]]`.
    pub state: Vec<StateTraces>,
    /// Weight monitors, in the order of the model's `[[record.weights]]`.
    pub weights: Vec<WeightTraces>,
}

impl Recordings {
    /// Total spikes of population `p` (all neurons, recorded or not).
    pub fn total_spikes(&self, p: usize) -> u64 {
        self.counts_per_step[p].iter().map(|&c| c as u64).sum()
    }

    /// Spikes of population `p` (all neurons) from step `from` on, i.e. at times
    /// `≥ from × dt`: the count behind a rate that leaves out an onset transient.
    pub fn spikes_from(&self, p: usize, from: usize) -> u64 {
        self.counts_per_step[p].iter().skip(from).map(|&c| c as u64).sum()
    }
}

/// Recorded weights of one plastic projection.
#[derive(Clone, Debug, Default)]
pub struct WeightTraces {
    /// Projection index.
    pub projection: usize,
    /// Times (s) of the snapshots.
    pub snapshot_times: Vec<f64>,
    /// Per snapshot, every weight in CSR order (by source, then target), SI units.
    pub snapshots: Vec<Vec<f32>>,
    /// Traced synapses as (source, target).
    pub synapses: Vec<(u32, u32)>,
    /// Sample times (s) of the traces.
    pub trace_times: Vec<f64>,
    /// Row-major `[trace_times.len() × synapses.len()]`, SI units.
    pub trace_values: Vec<f64>,
}

/// The synapses of one projection as a table, in storage order (by source, then
/// target): Brian2's `S.i`, `S.j`, `S.w`, `S.delay`, NEST's `GetConnections`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Connectivity {
    /// Projection index.
    pub projection: usize,
    /// Source of each synapse (index within the source population).
    pub sources: Vec<u32>,
    /// Target of each synapse (index within the target population).
    pub targets: Vec<u32>,
    /// Weight of each synapse, SI (V, A or S, as the projection's `weight`); for a
    /// plastic projection the weight now (at the end of a run).
    pub weights: Vec<f64>,
    /// Delay of each synapse (s), a whole number of steps.
    pub delays: Vec<f64>,
    /// For a projection with `plasticity` whose synapses do not change (not structural), the
    /// weights when the network was built, SI.
    pub initial_weights: Option<Vec<f64>>,
}
