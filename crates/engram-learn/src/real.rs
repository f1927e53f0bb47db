//! The float type of a network: `f32` for training, `f64` for gradient checks.

use std::fmt::Debug;
use std::iter::Sum;

use num_traits::{Float, FromPrimitive};

/// A floating-point type the layers compute in.
///
/// Training runs in `f32`; the same code runs in `f64` so that tests can compare every
/// backward pass with central finite differences to a relative error below 1e-3.
pub trait Real: Float + FromPrimitive + Sum + Default + Debug + Send + Sync + 'static {
    /// `x` converted from `f64` (rounded for `f32`).
    fn of(x: f64) -> Self {
        Self::from_f64(x).expect("every f64 converts to a float type")
    }

    /// The value as `f64`.
    fn as_f64(self) -> f64 {
        self.to_f64().expect("a float converts to f64")
    }
}

impl Real for f32 {}
impl Real for f64 {}
