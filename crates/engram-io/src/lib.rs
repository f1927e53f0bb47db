//! Writing the results of an engram run to disk, and reading its spikes back.
//!
//! * [`npz`]: spikes, recorded state traces and population rates as NumPy
//!   `.npz` archives, weights of plastic projections and synapse tables, so results open directly
//!   with `numpy.load`.
//! * [`json`]: pretty-printed JSON files (summary, metadata).
//! * [`plot`]: PNG figures — a spike raster with population rates, and state traces.
//! * [`plot_analysis`]: histograms, a correlation heat map and tensor-factorisation
//!   components for `engram analyze --report`.
//! * [`plot_reservoir`]: prediction against truth, memory curves and sweep heat maps
//!   for `engram reservoir`.
//! * [`plot_training`]: the loss and accuracy curves of `engram train`.
//! * [`read`]: spikes read back from NPZ archives.
//! * [`rundir`]: a run directory that appears at its final path only once complete.
//!
//! Every failure is an [`IoError`] naming the file and the operation that failed.

pub mod error;
pub mod json;
pub mod npz;
pub mod plot;
pub mod plot_analysis;
pub mod plot_reservoir;
pub mod plot_training;
pub mod read;
pub mod rundir;

pub use error::IoError;
pub use json::write_json;
pub use npz::{
    write_connectivity_npz, write_rates_npz, write_spikes_npz, write_state_npz, write_weights_npz, ConnectivityTable,
    PopulationSpikes, StateTrace, WeightRecording,
};
pub use plot::{plot_raster, plot_state};
pub use plot_analysis::{plot_components, plot_fraction_histograms, plot_histograms, plot_matrix, Component, Series};
pub use plot_reservoir::{plot_curve, plot_heatmap, plot_prediction, plot_rates, RateCurve};
pub use plot_training::{plot_training, Curves};
pub use read::{read_spikes_npz, SpikeArrays};
pub use rundir::RunDir;
