//! Writing the results of an engram run to disk.
//!
//! * [`npz`]: spikes, recorded state traces and population rates as NumPy
//!   `.npz` archives, so results open directly with `numpy.load`.
//! * [`json`]: pretty-printed JSON files (summary, metadata).
//! * [`plot`]: PNG figures — a spike raster with population rates, and state traces.
//! * [`rundir`]: a run directory that appears at its final path only once complete.
//!
//! Every failure is an [`IoError`] naming the file and the operation that failed.

pub mod error;
pub mod json;
pub mod npz;
pub mod plot;
pub mod rundir;

pub use error::IoError;
pub use json::write_json;
pub use npz::{write_rates_npz, write_spikes_npz, write_state_npz, PopulationSpikes, StateTrace};
pub use plot::{plot_raster, plot_state};
pub use rundir::RunDir;
