//! Surrogate-gradient training of spiking neural networks.
//!
//! Layers ([`Layer`]) of LIF, adaptive LIF (ALIF) or leaky-integrator readout neurons
//! ([`cell`]), fed through dense or delay-learning ([`dcls`]) projections, with
//! hand-written backpropagation through time and surrogate derivatives
//! ([`surrogate`]). Every product goes through the `gemm` crate ([`matmul`]). The
//! code is generic over the float type: training runs in `f32`, and the tests run
//! the same code in `f64` to check each backward pass against finite differences.
//!
//! The neuron equations are those of engram's `lif` model, step for step, so a
//! trained LIF network can be exported as an ordinary model file.

pub mod cell;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod dcls;
pub mod dense;
pub mod export;
pub mod layer;
pub mod loss;
pub mod matmul;
pub mod network;
pub mod optim;
pub mod param;
pub mod real;
pub mod surrogate;
pub mod train;

pub use cell::{Adaptation, CellSpec, Reset};
pub use layer::{Layer, LayerSpec, Projection};
pub use loss::Loss;
pub use network::{BatchResult, Network, RateRegularisation};
pub use param::{Grads, Param};
pub use real::Real;
pub use surrogate::{Surrogate, SurrogateKind};

/// Sizes of one layer's pass: time steps, batch, inputs and outputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dims {
    /// Time steps.
    pub steps: usize,
    /// Samples in the batch.
    pub batch: usize,
    /// Inputs per sample per step.
    pub n_in: usize,
    /// Outputs per sample per step.
    pub n_out: usize,
}
