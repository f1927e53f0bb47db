//! Instantaneous firing rate by kernel convolution, as Elephant's `instantaneous_rate`.
//!
//! Following elephant 1.2 (`statistics.instantaneous_rate` with `trim=False`,
//! `center_kernel=True`, `border_correction=False`), step by step:
//! 1. Each train is histogrammed (NumPy's `histogram`) into
//!    `n = floor((t_stop - t_start) / Δ)` bins of the sampling period `Δ` over
//!    `[t_start, t_start + nΔ]`, the last bin closed on the right; spikes beyond are dropped.
//! 2. The kernel `K` is sampled at `L = 2⌈c σ / Δ⌉ + 1` points spread evenly (NumPy's
//!    `linspace`) over `[m - cσ, m + cσ]`, where `c` is the cutoff (5 by default, at least
//!    3), `σ` the kernel width and `m` the kernel's median, so the kernel's centre of mass
//!    sits on the output sample and the estimate is not shifted in time. Note the points
//!    are `Δ` apart only when `cσ/Δ` is an integer: Elephant spreads them over exactly
//!    `±cσ`, and so do we.
//! 3. The rate is the `same`-size discrete convolution of counts and kernel values:
//!    `r[i] = Σ_j h[j] K(t_{i - j + L/2})`, in Hz because `K` is a density in 1/s. It is
//!    **not** multiplied by `Δ`: a single spike contributes `Σ_k K(t_k) ≈ 1/Δ`, i.e. the
//!    rate integrates to one spike. Bins near the window's edges lose the kernel mass that
//!    falls outside (no border correction), so the rate dips there.
//!
//! Kernels (Elephant's `kernels.py`):
//! * Gaussian: `K(t) = exp(-t²/2σ²) / (σ√(2π))`, median 0;
//! * exponential: `K(t) = exp(-t/τ)/τ` for `t ≥ 0`, 0 before, with `σ = τ`; median
//!   `τ ln 2`, so a centred exponential kernel also takes spikes up to `τ ln 2` after `t`.
//!
//! Elephant convolves with an FFT and clips the round-off negatives to 0; this module sums
//! the kernel directly over the non-empty bins (`O(spikes × L)`, exact, never negative).

use rayon::prelude::*;

use crate::error::{positive, AnalysisError};
use crate::train::SpikeTrains;

/// A smoothing kernel with its width in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kernel {
    /// Gaussian of standard deviation `sigma` seconds.
    Gaussian {
        /// Standard deviation in seconds.
        sigma: f64,
    },
    /// Causal exponential of time constant `tau` seconds.
    Exponential {
        /// Time constant in seconds.
        tau: f64,
    },
}

impl Kernel {
    /// Width `σ` in seconds (`τ` for the exponential).
    pub fn sigma(&self) -> f64 {
        match *self {
            Kernel::Gaussian { sigma } => sigma,
            Kernel::Exponential { tau } => tau,
        }
    }

    /// Smallest cutoff (in widths) Elephant allows; smaller ones are raised to it.
    fn min_cutoff(&self) -> f64 {
        3.0
    }

    /// Median in seconds; the kernel is centred on it.
    fn median(&self) -> f64 {
        match *self {
            Kernel::Gaussian { .. } => 0.0,
            // icdf(1/2) = -τ ln(1 - 1/2).
            Kernel::Exponential { tau } => -tau * 0.5f64.ln(),
        }
    }

    /// Density at `t` (in units of `unit` seconds), in 1/`unit` — as SciPy's
    /// `norm.pdf` and `expon.pdf` compute it.
    fn density(&self, t: f64, unit: f64) -> f64 {
        match *self {
            Kernel::Gaussian { sigma } => {
                let s = sigma / unit;
                let x = t / s;
                (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() / s
            }
            Kernel::Exponential { tau } => {
                let s = tau / unit;
                if t < 0.0 {
                    0.0
                } else {
                    (-t / s).exp() / s
                }
            }
        }
    }

    /// The kernel sampled as Elephant samples it for sampling period `dt` seconds, in Hz
    /// (step 2 of the [module docs](self)).
    pub fn sampled(&self, dt: f64, cutoff: f64) -> Vec<f64> {
        let cutoff = cutoff.max(self.min_cutoff());
        let sigma_dt = self.sigma() / dt;
        let half = (cutoff * sigma_dt).ceil() as usize;
        let len = 2 * half + 1;
        let median = self.median() / dt;
        let (start, stop) = (-cutoff * sigma_dt + median, cutoff * sigma_dt + median);
        let step = (stop - start) / (len - 1) as f64;
        (0..len)
            .map(|k| {
                let t = if k == len - 1 { stop } else { k as f64 * step + start };
                // Density per sampling period, then per second.
                self.density(t, dt) / dt
            })
            .collect()
    }
}

/// Rates sampled every `sampling_period` seconds from `t_start`.
#[derive(Clone, Debug, PartialEq)]
pub struct InstantaneousRate {
    /// Time of the first sample (left edge of the first bin) in seconds.
    pub t_start: f64,
    /// Sampling period in seconds.
    pub sampling_period: f64,
    /// One vector of rates in Hz per neuron.
    pub rates: Vec<Vec<f64>>,
}

impl InstantaneousRate {
    /// Population rate per neuron in Hz: the mean over neurons at each sample (Elephant's
    /// `pool_spike_trains=True`). Empty when there are no neurons.
    pub fn population(&self) -> Vec<f64> {
        let Some(first) = self.rates.first() else {
            return Vec::new();
        };
        let mut mean = vec![0.0; first.len()];
        for r in &self.rates {
            for (m, v) in mean.iter_mut().zip(r) {
                *m += v;
            }
        }
        let n = self.rates.len() as f64;
        mean.iter_mut().for_each(|m| *m /= n);
        mean
    }
}

/// Histogram bin of `t` as NumPy's `histogram` computes it for `n` equal bins over
/// `[first, last]`: a first guess from the scaled position, corrected against the edges
/// `first + k (last - first) / n` so rounding never puts a spike on the wrong side.
fn numpy_bin(t: f64, first: f64, last: f64, n: usize) -> Option<usize> {
    if !(t >= first && t <= last) {
        return None;
    }
    let step = (last - first) / n as f64;
    let edge = |k: usize| if k == n { last } else { k as f64 * step + first };
    let mut i = ((t - first) * (n as f64 / (last - first))) as usize;
    if i >= n {
        i = n - 1;
    }
    if t < edge(i) {
        i -= 1;
    } else if i != n - 1 && t >= edge(i + 1) {
        i += 1;
    }
    Some(i)
}

/// Instantaneous rate of every neuron (see the [module docs](self) for the exact
/// convention). `cutoff` is in kernel widths; Elephant's default is 5.
pub fn instantaneous_rate(
    trains: &SpikeTrains,
    sampling_period: f64,
    kernel: Kernel,
    cutoff: f64,
) -> Result<InstantaneousRate, AnalysisError> {
    positive("sampling_period", sampling_period)?;
    positive("kernel width", kernel.sigma())?;
    let n = (trains.duration() / sampling_period) as usize;
    if n == 0 {
        return Err(AnalysisError::param(
            "sampling_period",
            format!("{sampling_period} s is longer than the {} s recording", trains.duration()),
        ));
    }
    let first = trains.t_start();
    let last = first + n as f64 * sampling_period;
    let k = kernel.sampled(sampling_period, cutoff);
    let half = (k.len() - 1) / 2;
    let rates = trains
        .trains()
        .par_iter()
        .map(|train| {
            let mut rate = vec![0.0; n];
            let mut bins = train.iter().filter_map(|&t| numpy_bin(t, first, last, n)).peekable();
            while let Some(j) = bins.next() {
                // Spikes in the same bin are added as one count, as in the histogram.
                let mut count = 1.0;
                while bins.peek() == Some(&j) {
                    bins.next();
                    count += 1.0;
                }
                let lo = j.saturating_sub(half);
                let hi = (j + half + 1).min(n);
                for (i, r) in rate.iter_mut().enumerate().take(hi).skip(lo) {
                    *r += count * k[i + half - j];
                }
            }
            rate
        })
        .collect();
    Ok(InstantaneousRate { t_start: first, sampling_period, rates })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_kernel_integrates_to_one_spike() {
        // Σ K(t_k) Δ ≈ ∫K = 1 minus the mass beyond ±5σ (6e-7) and the Riemann error.
        let k = Kernel::Gaussian { sigma: 0.01 }.sampled(0.001, 5.0);
        assert_eq!(k.len(), 101);
        let mass: f64 = k.iter().sum::<f64>() * 0.001;
        assert!((mass - 1.0).abs() < 1e-5, "{mass}");
        assert!((k[50] - 1.0 / (0.01 * (2.0 * std::f64::consts::PI).sqrt())).abs() < 1e-9);
    }

    #[test]
    fn exponential_kernel_is_centred_on_its_median() {
        let k = Kernel::Exponential { tau: 0.01 }.sampled(0.001, 5.0);
        // Samples run over [τ ln2 - 5τ, τ ln2 + 5τ]: the first ~43 are before t = 0.
        let zeros = k.iter().take_while(|&&v| v == 0.0).count();
        assert_eq!(zeros, 44);
    }

    #[test]
    fn one_spike_gives_the_kernel_around_its_bin() {
        let st = SpikeTrains::new(vec![vec![0.5005]], 0.0, 1.0).unwrap();
        let kernel = Kernel::Gaussian { sigma: 0.01 };
        let r = instantaneous_rate(&st, 0.001, kernel, 5.0).unwrap();
        let k = kernel.sampled(0.001, 5.0);
        assert_eq!(r.rates[0].len(), 1000);
        assert_eq!(r.rates[0][500], k[50]);
        assert_eq!(r.rates[0][480], k[30]);
        assert_eq!(r.rates[0][440], 0.0);
    }

    #[test]
    fn population_rate_is_the_mean_over_neurons() {
        let st = SpikeTrains::new(vec![vec![0.5005], vec![]], 0.0, 1.0).unwrap();
        let r = instantaneous_rate(&st, 0.001, Kernel::Exponential { tau: 0.005 }, 5.0).unwrap();
        let pop = r.population();
        assert_eq!(pop.len(), 1000);
        assert_eq!(pop[500], r.rates[0][500] / 2.0);
    }

    #[test]
    fn numpy_histogram_edges() {
        assert_eq!(numpy_bin(1.0, 0.0, 1.0, 10), Some(9));
        // The edge 3 × 0.1 = 0.30000000000000004 lies above 0.3, so NumPy counts it in bin 2.
        assert_eq!(numpy_bin(0.3, 0.0, 1.0, 10), Some(2));
        assert_eq!(numpy_bin(1.0000001, 0.0, 1.0, 10), None);
    }
}
