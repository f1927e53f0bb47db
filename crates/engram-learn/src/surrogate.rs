//! Surrogate derivatives of the spike nonlinearity.
//!
//! The forward pass emits a spike when the membrane crosses threshold, `s = H(v - θ)`;
//! the backward pass replaces the Dirac delta `H'` by a smooth pseudo-derivative
//! (Neftci, Mostafa & Zenke 2019). With `x = v - θ` and slope `k`:
//!
//! | name | derivative | from |
//! |---|---|---|
//! | `fast_sigmoid` | `1 / (1 + k|x|)²` | Zenke & Ganguli 2018 (SuperSpike); snnTorch's default, k = 25 |
//! | `arctan` | `(k/2) / (1 + (π k x / 2)²)` | Fang et al. 2021; snnTorch's `atan`, k = 2 |
//! | `triangle` | `k · max(0, 1 - k|x|)` | Bellec et al. 2018 (LSNN), k = 1 |
//!
//! [`Surrogate::smooth`] is the antiderivative of each: a network whose spikes are
//! `smooth(v - θ)` instead of `H(v - θ)` has exactly the surrogate gradient as its true
//! gradient, which is how the tests check every backward pass by finite differences.

use crate::real::Real;

/// The shape of the surrogate derivative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SurrogateKind {
    /// `1 / (1 + k|x|)²`.
    FastSigmoid,
    /// `(k/2) / (1 + (π k x / 2)²)`.
    Arctan,
    /// `k · max(0, 1 - k|x|)`.
    Triangle,
}

/// A surrogate derivative with its slope.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Surrogate {
    /// The shape.
    pub kind: SurrogateKind,
    /// The slope `k` (steepness; larger is closer to the true step).
    pub slope: f64,
}

impl Surrogate {
    /// The names accepted in configuration files.
    pub const NAMES: [&'static str; 3] = ["fast_sigmoid", "arctan", "triangle"];

    /// A surrogate by its configuration name with the given slope, or `None`.
    pub fn by_name(name: &str, slope: f64) -> Option<Surrogate> {
        let kind = match name {
            "fast_sigmoid" => SurrogateKind::FastSigmoid,
            "arctan" => SurrogateKind::Arctan,
            "triangle" => SurrogateKind::Triangle,
            _ => return None,
        };
        Some(Surrogate { kind, slope })
    }

    /// The default slope of a shape (snnTorch's for the first two, Bellec's for the triangle).
    pub fn default_slope(name: &str) -> f64 {
        match name {
            "fast_sigmoid" => 25.0,
            "arctan" => 2.0,
            _ => 1.0,
        }
    }

    /// The pseudo-derivative at `x = v - θ`.
    #[inline]
    pub fn derivative<F: Real>(&self, x: F) -> F {
        let k = F::of(self.slope);
        let one = F::one();
        match self.kind {
            SurrogateKind::FastSigmoid => {
                let d = one + k * x.abs();
                one / (d * d)
            }
            SurrogateKind::Arctan => {
                let half_k = k * F::of(0.5);
                let z = F::of(std::f64::consts::FRAC_PI_2) * k * x;
                half_k / (one + z * z)
            }
            SurrogateKind::Triangle => k * (one - k * x.abs()).max(F::zero()),
        }
    }

    /// [`Surrogate::derivative`] of every element of `x` into `out` (one loop per
    /// shape, so that it vectorises).
    pub fn derivative_row<F: Real>(&self, x: &[F], out: &mut [F]) {
        let k = F::of(self.slope);
        let one = F::one();
        match self.kind {
            SurrogateKind::FastSigmoid => {
                for (o, &v) in out.iter_mut().zip(x) {
                    let d = one + k * v.abs();
                    *o = one / (d * d);
                }
            }
            SurrogateKind::Arctan => {
                let half_k = k * F::of(0.5);
                let c = F::of(std::f64::consts::FRAC_PI_2) * k;
                for (o, &v) in out.iter_mut().zip(x) {
                    let z = c * v;
                    *o = half_k / (one + z * z);
                }
            }
            SurrogateKind::Triangle => {
                for (o, &v) in out.iter_mut().zip(x) {
                    *o = k * (one - k * v.abs()).max(F::zero());
                }
            }
        }
    }

    /// An antiderivative of [`Surrogate::derivative`], used in place of the step in
    /// gradient checks.
    pub fn smooth<F: Real>(&self, x: F) -> F {
        let k = F::of(self.slope);
        let one = F::one();
        let half = F::of(0.5);
        match self.kind {
            SurrogateKind::FastSigmoid => half + x / (one + k * x.abs()),
            SurrogateKind::Arctan => {
                half + (F::of(std::f64::consts::FRAC_PI_2) * k * x).atan() / F::of(std::f64::consts::PI)
            }
            SurrogateKind::Triangle => {
                let kx = k * x;
                if kx >= one {
                    one
                } else if kx <= -one {
                    F::zero()
                } else {
                    half + kx - kx.signum() * kx * kx * half
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each derivative is the derivative of its antiderivative (central differences).
    #[test]
    fn smooth_is_the_antiderivative_of_the_derivative() {
        for name in Surrogate::NAMES {
            let s = Surrogate::by_name(name, Surrogate::default_slope(name) * 0.7).unwrap();
            for i in -40..=40 {
                let x = i as f64 * 0.037 + 0.0011;
                let h = 1e-6;
                let fd = (s.smooth(x + h) - s.smooth(x - h)) / (2.0 * h);
                assert!((fd - s.derivative(x)).abs() < 1e-6, "{name} at {x}: {fd} vs {}", s.derivative(x));
            }
        }
    }

    /// The arctan and triangle antiderivatives rise from 0 to 1: unit area, like the step.
    #[test]
    fn arctan_and_triangle_have_unit_area() {
        for name in ["arctan", "triangle"] {
            let s = Surrogate::by_name(name, 2.0).unwrap();
            assert!((s.smooth(1e6_f64) - s.smooth(-1e6_f64) - 1.0).abs() < 1e-5, "{name}");
        }
    }
}
