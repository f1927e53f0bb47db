//! Power spectrum of a sampled signal by Welch's method, and its dominant frequency.
//!
//! Matches Elephant 1.2's `spectral.welch_psd` with its defaults, which call SciPy's
//! `signal.welch`: the signal is cut into segments of `L` samples overlapping by
//! `⌊L · overlap⌋` (only whole segments; `L = ⌊n / (k - overlap (k - 1))⌋` for `k`
//! segments, 8 by default, unless a length is given); each segment has its mean removed
//! (`detrend='constant'`), is multiplied by a periodic Hann window
//! `w[m] = ½ - ½ cos(2πm / L)`, and transformed; the one-sided density is
//! `|FFT|² / (fs Σ w²)`, doubled except at 0 Hz and (for even `L`) at Nyquist, averaged
//! over segments. Units: signal² / Hz. Frequencies are `m fs / L`.

use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

use crate::error::{positive, AnalysisError};

/// How the signal is cut into segments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WelchParams {
    /// Number of segments when `len_segment` is `None` (Elephant's `n_segments`, 8).
    pub n_segments: usize,
    /// Segment length in samples; overrides `n_segments`.
    pub len_segment: Option<usize>,
    /// Fraction of a segment shared with the next, in `[0, 1)` (Elephant's 0.5).
    pub overlap: f64,
}

impl Default for WelchParams {
    fn default() -> Self {
        WelchParams { n_segments: 8, len_segment: None, overlap: 0.5 }
    }
}

/// One-sided power spectral density.
#[derive(Clone, Debug, PartialEq)]
pub struct Spectrum {
    /// Frequencies in Hz, ascending from 0.
    pub freqs: Vec<f64>,
    /// Density at each frequency, in (signal unit)² / Hz.
    pub psd: Vec<f64>,
}

impl Spectrum {
    /// Frequency of the largest density above 0 Hz (the constant component says nothing
    /// about oscillations); NaN when there is no such frequency or all densities are 0.
    pub fn dominant_frequency(&self) -> f64 {
        let best = self.freqs.iter().zip(&self.psd).skip(1).fold((f64::NAN, 0.0), |best, (&f, &p)| {
            // Strictly greater: ties go to the lower frequency, as NumPy's argmax.
            if p > best.1 {
                (f, p)
            } else {
                best
            }
        });
        best.0
    }
}

/// Welch power spectrum of `signal` sampled at `fs` Hz (see the [module docs](self)).
pub fn welch(signal: &[f64], fs: f64, params: WelchParams) -> Result<Spectrum, AnalysisError> {
    positive("fs", fs)?;
    if !(0.0..1.0).contains(&params.overlap) {
        return Err(AnalysisError::param("overlap", format!("expected a value in [0, 1), found {}", params.overlap)));
    }
    let n = signal.len();
    let len = match params.len_segment {
        Some(l) => l,
        None => {
            let k = params.n_segments as f64;
            if params.n_segments == 0 || n < params.n_segments {
                return Err(AnalysisError::param(
                    "n_segments",
                    format!("{} segments need at least as many samples, found {n}", params.n_segments),
                ));
            }
            (n as f64 / (k - params.overlap * (k - 1.0))) as usize
        }
    };
    if len < 2 || len > n {
        return Err(AnalysisError::param(
            "len_segment",
            format!("expected a segment of 2 to {n} samples, found {len}"),
        ));
    }
    let noverlap = (len as f64 * params.overlap) as usize;
    let step = len - noverlap;
    let n_seg = (n - noverlap) / step;
    let window: Vec<f64> =
        (0..len).map(|m| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * m as f64 / len as f64).cos()).collect();
    let scale = 1.0 / (fs * window.iter().map(|w| w * w).sum::<f64>());
    let n_freq = len / 2 + 1;
    let fft = FftPlanner::<f64>::new().plan_fft_forward(len);
    let mut psd = vec![0.0; n_freq];
    let mut buf = vec![Complex::new(0.0, 0.0); len];
    for s in 0..n_seg {
        let seg = &signal[s * step..s * step + len];
        let mean = seg.iter().sum::<f64>() / len as f64;
        for ((b, &x), &w) in buf.iter_mut().zip(seg).zip(&window) {
            *b = Complex::new((x - mean) * w, 0.0);
        }
        fft.process(&mut buf);
        for (p, c) in psd.iter_mut().zip(&buf) {
            *p += c.norm_sqr();
        }
    }
    let last_single = if len % 2 == 0 { n_freq - 1 } else { n_freq };
    for (m, p) in psd.iter_mut().enumerate() {
        let twice = if m > 0 && m < last_single { 2.0 } else { 1.0 };
        *p *= twice * scale / n_seg as f64;
    }
    let freqs = (0..n_freq).map(|m| m as f64 * fs / len as f64).collect();
    Ok(Spectrum { freqs, psd })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_peaks_at_its_frequency() {
        // 40 Hz sine sampled at 1 kHz for 4 s; 500-sample segments resolve 2 Hz.
        let fs = 1000.0;
        let x: Vec<f64> = (0..4000).map(|k| (2.0 * std::f64::consts::PI * 40.0 * k as f64 / fs).sin()).collect();
        let s = welch(&x, fs, WelchParams { len_segment: Some(500), ..Default::default() }).unwrap();
        assert_eq!(s.freqs.len(), 251);
        assert_eq!(s.dominant_frequency(), 40.0);
    }

    #[test]
    fn white_noise_power_is_its_variance() {
        // Parseval: the density integrates to the variance. For alternating ±1 the
        // power sits at Nyquist (not doubled): ∫ = psd[last] × fs / L = 1.
        let x: Vec<f64> = (0..1024).map(|k| if k % 2 == 0 { 1.0 } else { -1.0 }).collect();
        let s = welch(&x, 100.0, WelchParams { len_segment: Some(128), ..Default::default() }).unwrap();
        let total: f64 = s.psd.iter().sum::<f64>() * 100.0 / 128.0;
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }

    #[test]
    fn refuses_impossible_segments() {
        assert!(welch(&[1.0; 4], 1.0, WelchParams::default()).is_err());
        assert!(welch(&[1.0; 40], 1.0, WelchParams { overlap: 1.0, ..Default::default() }).is_err());
    }
}
