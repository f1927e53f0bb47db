//! Spike encodings of feature vectors.
//!
//! | encoding | input | spikes |
//! |---|---|---|
//! | `rate` | features in [0, 1] | each step, channel `i` fires with probability `x_i` (snnTorch `spikegen.rate`) |
//! | `latency` | features in [0, 1] | channel `i` fires once at step `round((1 - x_i)(T - 1))` if `x_i > threshold` (snnTorch `spikegen.latency(linear=True)`) |
//! | `levels` | a time series of length L | step `t` of `T = L · repeat`: the one channel whose value bin holds `x[t / repeat]` fires (population coding of the value) |
//! | `raster` | a `T × channels` raster | as is |

use rand::Rng;

use crate::data::Dataset;

/// How features become input spikes.
#[derive(Clone, Debug, PartialEq)]
pub enum Encoding {
    /// Bernoulli spikes with probability equal to the feature.
    Rate {
        /// Time steps.
        steps: usize,
    },
    /// One spike per feature, earlier for larger values.
    Latency {
        /// Time steps.
        steps: usize,
        /// Features at or below this do not fire.
        threshold: f32,
    },
    /// Value bins of a time series, one channel per bin.
    Levels {
        /// Bins (channels).
        channels: usize,
        /// Steps per sample of the series.
        repeat: usize,
        /// Lower edge of the first bin.
        low: f32,
        /// Upper edge of the last bin.
        high: f32,
    },
    /// Already spikes, `steps × channels` per sample.
    Raster {
        /// Time steps.
        steps: usize,
        /// Channels.
        channels: usize,
    },
}

impl Encoding {
    /// Time steps of an encoded sample of `n_features` features.
    pub fn steps(&self, n_features: usize) -> usize {
        match *self {
            Encoding::Rate { steps } | Encoding::Latency { steps, .. } | Encoding::Raster { steps, .. } => steps,
            Encoding::Levels { repeat, .. } => n_features * repeat,
        }
    }

    /// Input channels for `n_features` features.
    pub fn channels(&self, n_features: usize) -> usize {
        match *self {
            Encoding::Rate { .. } | Encoding::Latency { .. } => n_features,
            Encoding::Levels { channels, .. } | Encoding::Raster { channels, .. } => channels,
        }
    }

    /// Whether encoding draws random numbers (and so differs between epochs).
    pub fn is_random(&self) -> bool {
        matches!(self, Encoding::Rate { .. })
    }

    /// Checks that the data set fits this encoding; the message says what does not.
    pub fn check(&self, data: &Dataset) -> Result<(), String> {
        let n = data.n_features();
        match *self {
            Encoding::Raster { steps, channels } if n != steps * channels => Err(format!(
                "the data set's samples have {n} values, but a raster of {steps} steps × {channels} channels needs {}",
                steps * channels
            )),
            Encoding::Rate { .. } | Encoding::Latency { .. } => {
                match data.features.iter().flatten().find(|x| !(0.0..=1.0).contains(*x)) {
                    Some(x) => Err(format!("rate and latency encodings need features in [0, 1], found {x}")),
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// The input spikes of one sample, `steps × channels`, row per step.
    pub fn encode(&self, x: &[f32], rng: &mut impl Rng) -> Vec<f32> {
        let steps = self.steps(x.len());
        let channels = self.channels(x.len());
        let mut out = vec![0.0; steps * channels];
        match *self {
            Encoding::Rate { steps } => {
                // P(u < p) = p for u uniform on 32-bit integers, two draws per 64 bits.
                let thresholds: Vec<u64> = x.iter().map(|&p| (p as f64 * 4294967296.0) as u64).collect();
                let mut draws = std::iter::from_fn(|| {
                    let r = rng.next_u64();
                    Some([r & 0xffff_ffff, r >> 32])
                })
                .flatten();
                for row in out.chunks_exact_mut(channels).take(steps) {
                    for (o, &th) in row.iter_mut().zip(&thresholds) {
                        if draws.next().expect("endless") < th {
                            *o = 1.0;
                        }
                    }
                }
            }
            Encoding::Latency { steps, threshold } => {
                for (i, &v) in x.iter().enumerate() {
                    if v > threshold {
                        let t = ((1.0 - v) * (steps - 1) as f32).round() as usize;
                        out[t * channels + i] = 1.0;
                    }
                }
            }
            Encoding::Levels { channels, repeat, low, high } => {
                let width = (high - low) / channels as f32;
                for (k, &v) in x.iter().enumerate() {
                    let bin = (((v - low) / width).floor().max(0.0) as usize).min(channels - 1);
                    for r in 0..repeat {
                        out[(k * repeat + r) * channels + bin] = 1.0;
                    }
                }
            }
            Encoding::Raster { .. } => out.copy_from_slice(x),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn spikes_at(out: &[f32], channels: usize) -> Vec<(usize, usize)> {
        out.iter().enumerate().filter(|(_, &x)| x > 0.0).map(|(i, _)| (i / channels, i % channels)).collect()
    }

    /// snnTorch's linear latency code: value 1 fires at step 0, value 0.5 half-way,
    /// values at or below the threshold never.
    #[test]
    fn latency_puts_larger_values_earlier() {
        let enc = Encoding::Latency { steps: 11, threshold: 0.01 };
        let out = enc.encode(&[1.0, 0.5, 0.0, 0.2], &mut rand_pcg::Pcg64::seed_from_u64(0));
        assert_eq!(spikes_at(&out, 4), vec![(0, 0), (5, 1), (8, 3)]);
    }

    /// Each step fires the bin holding the value, `repeat` times; values outside the
    /// range go to the end bins.
    #[test]
    fn levels_fire_the_bin_of_the_value() {
        let enc = Encoding::Levels { channels: 4, repeat: 2, low: -2.0, high: 2.0 };
        let out = enc.encode(&[-1.5, 0.1, 5.0], &mut rand_pcg::Pcg64::seed_from_u64(0));
        assert_eq!(spikes_at(&out, 4), vec![(0, 0), (1, 0), (2, 2), (3, 2), (4, 3), (5, 3)]);
    }

    /// The fraction of steps with a spike is the value (binomial: within 4 standard
    /// deviations over 20,000 draws).
    #[test]
    fn rate_fires_with_the_value_as_probability() {
        let enc = Encoding::Rate { steps: 20_000 };
        let probs = [0.0f32, 0.1, 0.5, 0.93, 1.0];
        let out = enc.encode(&probs, &mut rand_pcg::Pcg64::seed_from_u64(3));
        for (i, &p) in probs.iter().enumerate() {
            let frac = out.iter().skip(i).step_by(probs.len()).sum::<f32>() as f64 / 20_000.0;
            let sd = (p as f64 * (1.0 - p as f64) / 20_000.0).sqrt();
            assert!((frac - p as f64).abs() <= 4.0 * sd + 1e-12, "p = {p}: {frac}");
        }
    }
}
