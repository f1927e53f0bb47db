//! Spike-train statistics for engram runs.
//!
//! Spikes are passed around as parallel arrays — `times` (seconds, ascending) and `ids`
//! (neuron index local to one population) — because that is how the simulator records
//! them and how they are stored on disk; no per-neuron reshuffling is needed by callers.
//!
//! * [`cv_isi`]: coefficient of variation of inter-spike intervals, averaged over neurons.
//! * [`mean_rate`]: average firing rate per neuron.
//! * [`rate_histogram`]: population rate per neuron over time.

pub mod isi;
pub mod rate;

pub use isi::cv_isi;
pub use rate::{mean_rate, rate_histogram};
