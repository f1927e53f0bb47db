//! Spike-train statistics for engram runs and for spikes recorded elsewhere.
//!
//! Spikes arrive as engram records them — parallel arrays of `times` (seconds) and
//! `ids` — and are split once into [`SpikeTrains`], one ascending train per neuron over an
//! observation window, which every statistic takes. Definitions follow Elephant 1.2
//! (NeuralEnsemble) unless a module says otherwise, so numbers can be compared; each
//! module documents its convention and its reference. Work over neurons or pairs runs in
//! parallel with rayon.
//!
//! * [`rate`]: per-neuron and population rates, rate histograms; [`instantaneous`]:
//!   kernel-smoothed rates (Gaussian, exponential).
//! * [`variability`]: ISIs, CV, CV2, LV, LvR, Fano factor; [`isi`]: the population CV
//!   that `engram run` reports.
//! * [`binning`]: sparse spike counts in time bins.
//! * [`correlation`]: Pearson correlation and covariance matrices, cross-correlograms;
//!   [`sttc`]: spike-time tiling coefficient; [`synchrony`]: Golomb's χ.
//! * [`distance`]: van Rossum and Victor–Purpura distances.
//! * [`spectrum`]: Welch power spectrum and dominant frequency.
//! * [`connectivity`]: functional links from correlations; [`transfer_entropy`]:
//!   directed links; [`ntf`]: sliding-window connectivity tensors and their
//!   non-negative CP decomposition.

pub mod binning;
pub mod connectivity;
pub mod correlation;
pub mod distance;
pub mod error;
pub mod instantaneous;
pub mod isi;
pub mod ntf;
pub mod rate;
pub mod spectrum;
pub mod sttc;
pub mod synchrony;
pub mod train;
pub mod transfer_entropy;
pub mod variability;

pub use binning::BinnedSpikeTrains;
pub use correlation::{correlation_matrix, covariance_matrix, cross_correlogram, Matrix};
pub use distance::{van_rossum, van_rossum_matrix, victor_purpura, victor_purpura_matrix};
pub use error::AnalysisError;
pub use instantaneous::{instantaneous_rate, InstantaneousRate, Kernel};
pub use isi::cv_isi;
pub use ntf::{connectivity_tensor, ntf_cp, CpModel, Tensor3};
pub use rate::{firing_rates, mean_rate, rate_histogram, time_histogram};
pub use spectrum::{welch, Spectrum, WelchParams};
pub use sttc::{sttc, sttc_matrix};
pub use synchrony::golomb_chi;
pub use train::SpikeTrains;
pub use transfer_entropy::{transfer_entropy, transfer_entropy_matrix};
pub use variability::{cv, cv2, fano_factors, isi as intervals, lv, lvr, LVR_R_DEFAULT};
