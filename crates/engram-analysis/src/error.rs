//! The error type of this crate.

/// Why a set of spike trains or a parameter was refused.
///
/// Messages name the neuron and the offending value and say what was expected, so a
/// caller that reads a file only has to prefix the file name to get a complete report.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// `times` and `ids` of a flat spike list differ in length.
    #[error("{times} spike times but {ids} neuron ids")]
    LengthMismatch {
        /// Number of spike times.
        times: usize,
        /// Number of neuron ids.
        ids: usize,
    },
    /// A spike's neuron id is not below the number of neurons.
    #[error("neuron id {id} out of range for {n_neurons} neurons (spike {index})")]
    IdOutOfRange {
        /// The offending id.
        id: u32,
        /// Number of neurons in the population.
        n_neurons: usize,
        /// Position of the spike in the flat list.
        index: usize,
    },
    /// A spike time is NaN or infinite.
    #[error("spike {index} of neuron {neuron} has a non-finite time ({time})")]
    NotFinite {
        /// Neuron index.
        neuron: usize,
        /// Position of the spike within the neuron's train.
        index: usize,
        /// The value found.
        time: f64,
    },
    /// A spike time is negative; recordings start at 0 s.
    #[error("spike {index} of neuron {neuron} has a negative time ({time} s)")]
    Negative {
        /// Neuron index.
        neuron: usize,
        /// Position of the spike within the neuron's train.
        index: usize,
        /// The value found, in seconds.
        time: f64,
    },
    /// A neuron's spike times decrease somewhere.
    #[error("spike times of neuron {neuron} are not sorted: {time} s follows {previous} s (spike {index})")]
    NotSorted {
        /// Neuron index.
        neuron: usize,
        /// Position of the later, smaller time within the neuron's train.
        index: usize,
        /// The earlier, larger time in seconds.
        previous: f64,
        /// The later, smaller time in seconds.
        time: f64,
    },
    /// A spike lies outside the analysis window `[t_start, t_stop]`.
    #[error("spike at {time} s of neuron {neuron} lies outside the window [{t_start}, {t_stop}] s")]
    OutsideWindow {
        /// Neuron index.
        neuron: usize,
        /// The spike time in seconds.
        time: f64,
        /// Window start in seconds.
        t_start: f64,
        /// Window end in seconds.
        t_stop: f64,
    },
    /// A parameter has a value the statistic cannot use.
    #[error("{name}: {message}")]
    BadParameter {
        /// The parameter's name, e.g. `bin_size`.
        name: &'static str,
        /// What was expected and what was found.
        message: String,
    },
}

impl AnalysisError {
    /// Shorthand for [`AnalysisError::BadParameter`].
    pub(crate) fn param(name: &'static str, message: impl Into<String>) -> Self {
        AnalysisError::BadParameter { name, message: message.into() }
    }
}

/// Checks that `value` is finite and strictly positive; most widths, time constants and
/// costs must be.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, AnalysisError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(AnalysisError::param(name, format!("expected a finite positive number, found {value}")))
    }
}
