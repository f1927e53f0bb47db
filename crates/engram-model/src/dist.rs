//! Distributions of weights, delays, rates and initial values.

use crate::reader::{Result, TableReader};
use crate::units::Dim;

/// How a per-synapse or per-neuron value is drawn. All values are in SI units.
///
/// In a model file a constant is written as a quantity (`"1.62 mV"`); the others as
/// inline tables:
///
/// | `dist` | keys | meaning |
/// |---|---|---|
/// | `"uniform"` | `low`, `high` | uniform on [low, high) |
/// | `"normal"` | `mean`, `std` | normal, clipped to the sign of the mean (values of the other sign become 0) |
/// | `"normal"` | `mean`, `std`, `low` and/or `high` | normal truncated to [low, high] by redrawing (NEST's `redraw`) |
/// | `"lognormal"` | `median`, `sigma` | `median · exp(sigma · N(0, 1))`, `sigma` a plain number |
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always the same value.
    Const(f64),
    /// Uniform on [low, high).
    Uniform {
        /// Lower bound (included).
        low: f64,
        /// Upper bound (excluded).
        high: f64,
    },
    /// Normal with the given mean and standard deviation, clipped to the sign of the mean.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Normal truncated to `[low, high]`: draws outside are redrawn (NEST's `nest.math.redraw`),
    /// so the density inside keeps its shape instead of piling up at a bound.
    TruncatedNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        std: f64,
        /// Smallest value (`-inf` when unbounded).
        low: f64,
        /// Largest value (`inf` when unbounded).
        high: f64,
    },
    /// Log-normal: `median · exp(sigma · z)` with `z` standard normal.
    LogNormal {
        /// Median (the exponential of the underlying normal's mean), with a unit.
        median: f64,
        /// Standard deviation of the underlying normal (dimensionless).
        sigma: f64,
    },
}

const DISTS: [&str; 4] = ["constant", "uniform", "normal", "lognormal"];

impl Dist {
    /// The mean of the distribution (before clipping).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Const(v) => v,
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } | Dist::TruncatedNormal { mean, .. } => mean,
            Dist::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
        }
    }

    /// The smallest value the distribution can give, and the largest.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Dist::Const(v) => (v, v),
            Dist::Uniform { low, high } => (low, high),
            Dist::Normal { mean, .. } if mean >= 0.0 => (0.0, f64::INFINITY),
            Dist::Normal { .. } => (f64::NEG_INFINITY, 0.0),
            Dist::TruncatedNormal { low, high, .. } => (low, high),
            Dist::LogNormal { median, .. } if median >= 0.0 => (0.0, f64::INFINITY),
            Dist::LogNormal { .. } => (f64::NEG_INFINITY, 0.0),
        }
    }

    /// The smallest value a draw reaches in practice: the lower bound, or eight standard
    /// deviations below the mean for unbounded tails (the mirror of [`Dist::practical_max`]).
    /// Used to check relations that must hold for every neuron, such as `v_reset < v_th`.
    pub fn practical_min(&self) -> f64 {
        match *self {
            Dist::Normal { mean, std } | Dist::TruncatedNormal { mean, std, .. } => {
                self.bounds().0.max(mean - 8.0 * std)
            }
            Dist::LogNormal { median, sigma } if median >= 0.0 => median * (-8.0 * sigma).exp(),
            Dist::LogNormal { median, sigma } => median * (8.0 * sigma).exp(),
            _ => self.bounds().0,
        }
    }

    /// The largest value a draw reaches in practice: the upper bound, or eight standard
    /// deviations above the mean (probability below 1e-15 per draw) for unbounded tails.
    /// Used to size buffers, such as the ring buffer for the longest delay.
    pub fn practical_max(&self) -> f64 {
        match *self {
            Dist::Normal { mean, std } | Dist::TruncatedNormal { mean, std, .. } => {
                self.bounds().1.min(mean + 8.0 * std)
            }
            Dist::LogNormal { median, sigma } if median >= 0.0 => median * (8.0 * sigma).exp(),
            _ => self.bounds().1,
        }
    }

    /// Reads a distribution table whose values have one of the dimensions `dims`.
    pub(crate) fn read(t: &mut TableReader<'_>, dims: &[Dim]) -> Result<(Dist, Dim)> {
        let key = t.key_path("dist");
        let entry = t.require("dist", "one of \"constant\", \"uniform\", \"normal\", \"lognormal\"")?;
        let name = entry.as_str(&key, "the name of a distribution")?;
        let q = |t: &mut TableReader<'_>, k: &'static str, dims: &[Dim]| -> Result<(f64, Dim)> {
            let what = format!("{} such as {}", dims[0].describe(), dims[0].example());
            t.require(k, &what)?.quantity_of(&t.key_path(k), dims)
        };
        let (dist, dim) = match name {
            "constant" => {
                let (v, d) = q(t, "value", dims)?;
                (Dist::Const(v), d)
            }
            "uniform" => {
                let (low, d) = q(t, "low", dims)?;
                let (high, _) = q(t, "high", &[d])?;
                if high < low {
                    return Err(t.error(format!(
                        "uniform distribution needs low ≤ high, found low {low} > high {high} (SI units)"
                    )));
                }
                (Dist::Uniform { low, high }, d)
            }
            "normal" => {
                let (mean, d) = q(t, "mean", dims)?;
                let (std, _) = q(t, "std", &[d])?;
                if std < 0.0 {
                    return Err(t.error("normal distribution needs std ≥ 0"));
                }
                let bound = |t: &mut TableReader<'_>, k: &'static str| -> Result<Option<f64>> {
                    match t.get(k) {
                        Some(e) => Ok(Some(e.quantity_of(&t.key_path(k), &[d])?.0)),
                        None => Ok(None),
                    }
                };
                let (low, high) = (bound(t, "low")?, bound(t, "high")?);
                if low.is_none() && high.is_none() {
                    (Dist::Normal { mean, std }, d)
                } else {
                    let (low, high) = (low.unwrap_or(f64::NEG_INFINITY), high.unwrap_or(f64::INFINITY));
                    // Redrawing needs the interval to hold a fair share of the mass; within
                    // two standard deviations of the mean it holds at least 2 %.
                    if !(low < high && low <= mean + 2.0 * std && high >= mean - 2.0 * std) {
                        return Err(t.error(format!(
                            "truncated normal needs low < high and the interval [low, high] within two standard \
                             deviations of the mean, found [{low}, {high}] for mean {mean} and std {std} (SI units)"
                        )));
                    }
                    (Dist::TruncatedNormal { mean, std, low, high }, d)
                }
            }
            "lognormal" => {
                let (median, d) = q(t, "median", dims)?;
                let sigma_key = t.key_path("sigma");
                let sigma = t.require("sigma", "a plain number")?.number(&sigma_key)?;
                if sigma < 0.0 {
                    return Err(t.error("lognormal distribution needs sigma ≥ 0"));
                }
                (Dist::LogNormal { median, sigma }, d)
            }
            other => {
                let mut e = entry
                    .error(&key, format!("unknown distribution \"{other}\", expected one of {}", DISTS.join(", ")));
                if let Some(c) = crate::error::closest(other, DISTS) {
                    e = e.with_help(format!("did you mean \"{c}\"?"));
                }
                return Err(e);
            }
        };
        Ok((dist, dim))
    }
}
