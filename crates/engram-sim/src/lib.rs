//! engram's simulator.
//!
//! A validated [`engram_model::Model`] is built into a [`Network`]: populations as
//! structure-of-arrays shards (one per worker), projections as CSR synapse tables
//! sorted by target, ring buffers of future input. [`Network::run`] advances it in
//! epochs of `min_delay` steps (the NEST scheme): within an epoch workers update their
//! neurons independently; at its end every worker delivers all spikes to the targets
//! it owns. Results do not depend on the number of workers.

pub mod connect;
pub mod error;
pub mod fastmath;
pub mod network;
pub mod neuron;
pub mod plasticity;
pub mod poisson_input;
pub mod propagator;
pub mod record;
pub mod rng;
pub mod spin;
pub mod structural;

pub use error::SimError;
pub use network::{estimate, Estimate, Network};
pub use neuron::Models;
pub use record::{Connectivity, PopulationSpikes, Recordings, StateTraces, WeightTraces};
