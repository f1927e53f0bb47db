//! Failures while building or running a network.

/// Milliseconds for messages: `t` (s) rounded to a nanosecond, so 10.1 ms reads as such.
pub(crate) fn ms(t: f64) -> f64 {
    (t * 1e9).round() / 1e6
}

/// A runtime failure: the model was valid but the run cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The network would not fit in memory.
    #[error(
        "the network needs about {needed_gib:.1} GiB of memory ({synapses} synapses) but only {available_gib:.1} GiB is available"
    )]
    OutOfMemory {
        /// Estimated bytes needed, in GiB.
        needed_gib: f64,
        /// Bytes available, in GiB.
        available_gib: f64,
        /// Expected number of synapses.
        synapses: u64,
    },
    /// A state variable became NaN or infinite.
    #[error(
        "population \"{population}\": state variable `{var}` of neuron {neuron} is {value} at t = {time_ms} ms; the integration is unstable (try a smaller dt)"
    )]
    NonFinite {
        /// The population.
        population: String,
        /// The variable.
        var: String,
        /// Index of the neuron within its population.
        neuron: usize,
        /// The value (NaN or ±inf).
        value: f64,
        /// Simulated time at which the value was found (ms); it is checked every 100 steps.
        time_ms: f64,
    },
    /// The run was stopped from outside.
    #[error("the run was interrupted at t = {time_ms} ms")]
    Interrupted {
        /// Simulated time reached.
        time_ms: f64,
    },
    /// The model names something the built network lacks (a traced synapse that the
    /// drawn connectivity does not have): bad input, with its place in the model file.
    #[error("{0}")]
    Model(Box<engram_model::ModelError>),
}
