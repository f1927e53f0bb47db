//! Reservoir computing on engram: echo-state networks, their readouts, the standard
//! benchmark tasks and their scores.
//!
//! * [`esn`]: the leaky tanh reservoir with a sparse recurrent matrix ([`sparse`]) whose
//!   spectral radius is set exactly by restarted Arnoldi iteration ([`spectral`]).
//! * [`intrinsic`]: intrinsic plasticity of gains and biases (Schrauwen et al. 2008).
//! * [`liquid`]: the liquid-state machine, an engram spiking network as the reservoir,
//!   read out by exponentially filtered spike trains; [`lsm`] runs a task on it and
//!   reports the firing rates an adaptive E/I rule reached.
//! * [`ridge`]: the closed-form ridge readout (faer's Cholesky), with the regularisation
//!   chosen by k-fold cross-validation.
//! * [`online`]: RLS and FORCE readouts for closed-loop generation.
//! * [`experiment`]: a task, a reservoir and a readout run end to end, with scores.
//! * [`tasks`]: Mackey-Glass, NARMA, Lorenz-63 and i.i.d. input, generated as reservoirpy does.
//! * [`metrics`]: NRMSE, R², squared correlation, valid prediction time.
//! * [`sweep`]: hyper-parameter grids run in parallel.
//! * [`config`]: the TOML configuration of `engram reservoir`, read with located errors.
//! * [`rng`]: the random streams, one per part of a reservoir, from one seed.

pub mod config;
pub mod esn;
pub mod experiment;
pub mod intrinsic;
pub mod liquid;
mod lockstep;
pub mod lsm;
pub mod metrics;
pub mod online;
pub mod ridge;
pub mod rng;
pub mod sparse;
pub mod spectral;
pub mod sweep;
pub mod tasks;

pub use config::{load_config, parse_config, Config};
pub use esn::{Esn, EsnParams};
pub use experiment::{Experiment, Mode, Outcome, Readout, ReadoutSpec, Task};
pub use intrinsic::{train_intrinsic, IpParams};
pub use liquid::{Liquid, LiquidParams};
pub use lsm::{run_lsm, LsmOutcome, PopulationRates};
pub use online::{OnlineKind, OnlineReadout};
pub use ridge::{cross_validate, CrossValidation, Moments, Ridge};
pub use sparse::{Csr, DegreeRule};
pub use spectral::{dense_spectral_radius, spectral_radius, SpectralRadius};
pub use sweep::{run_sweep, Sweep, SweepParam, SweepPoint};
