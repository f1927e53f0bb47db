//! Homeostatic adaptive threshold toward a target rate (intrinsic plasticity), for
//! neuron models that take the `theta_*` parameters (`lif_cond`).
//!
//! Each neuron's threshold is `v_th + θ`. Every `theta_interval` the neuron's rate
//! estimate `r` (an exponential moving average, time constant `theta_tau`, of its spike
//! counts per interval) moves `θ`:
//!
//! ```text
//! every interval T:  r ← r e^{−T/τ} + (count / T) (1 − e^{−T/τ})
//!                    θ ← max(θ + theta_eta (r − theta_target_rate) / theta_target_rate,  v_reset − v_th + 1 mV)
//! ```
//!
//! A neuron firing above the target raises its threshold and one below lowers it, so
//! every neuron's rate converges to the target whatever its input: the intrinsic
//! homeostasis of Diehl & Cook (2015)'s adaptive θ, in a target-rate form (intrinsic
//! plasticity; Zhang & Linden 2003). The floor keeps the
//! threshold above the reset potential. `r` starts at the target, so the first
//! interval does not read its warm-up as silence.
//!
//! The update runs once per interval over the neurons and once per spike; between, the
//! membrane loop only adds `θ` to the threshold. Without `theta_target_rate` (default
//! 0: off) the model runs its plain loop and this code never runs.
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `theta_target_rate` | 0 Hz | frequency | target rate; 0 turns the adaptive threshold off |
//! | `theta_eta` | 1 mV | voltage | threshold change per interval at a relative rate error of 1 |
//! | `theta_tau` | 1 s | time | averaging time of the rate estimate |
//! | `theta_interval` | 1 s | time | time between threshold updates |
//!
//! References: P. U. Diehl, M. Cook (2015) "Unsupervised learning of digit recognition
//! using spike-timing-dependent plasticity", Front Comput Neurosci 9:99; W. Zhang,
//! D. J. Linden (2003) "The other side of the engram: experience-driven changes in
//! neuronal intrinsic excitability", Nat Rev Neurosci 4:885.

use engram_model::{Dim, ParamSpec, Params};

use super::per_neuron::values;
use super::q;

/// The parameters, for the specs of the models that take them.
pub const TARGET_RATE: ParamSpec =
    q("theta_target_rate", Dim::FREQUENCY, 0.0, "adaptive threshold: target rate (0: off)");
/// See the module doc.
pub const ETA: ParamSpec = q("theta_eta", Dim::VOLTAGE, 1e-3, "adaptive threshold: change per interval");
/// See the module doc.
pub const TAU: ParamSpec = q("theta_tau", Dim::TIME, 1.0, "adaptive threshold: rate averaging time");
/// See the module doc.
pub const INTERVAL: ParamSpec = q("theta_interval", Dim::TIME, 1.0, "adaptive threshold: time between updates");

/// Checks the parameters: on failure names the key and says why.
pub fn check(p: &Params) -> Result<(), (&'static str, String)> {
    if p.f("theta_target_rate") < 0.0 {
        return Err(("theta_target_rate", "expected a rate ≥ 0 (0: off)".into()));
    }
    for k in ["theta_tau", "theta_interval"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    if p.f("theta_eta") < 0.0 {
        return Err(("theta_eta", "expected a voltage ≥ 0".into()));
    }
    Ok(())
}

/// The adaptive thresholds of a shard.
#[derive(Clone, Debug)]
pub struct AdaptiveThreshold {
    /// θ per neuron (V), added to `v_th`.
    pub theta: Vec<f32>,
    counts: Vec<u32>,
    rate: Vec<f64>,
    target: f64,
    eta: f64,
    /// Steps per interval.
    interval: u64,
    /// e^{−T/τ}.
    keep: f64,
    /// The lowest θ per neuron: the threshold stays 1 mV above `v_reset`.
    floor: Vec<f64>,
}

impl AdaptiveThreshold {
    /// The thresholds of `n` neurons with parameters `p`, time step `dt`; `None` when
    /// `theta_target_rate` is 0.
    pub fn new(p: &Params, n: usize, dt: f64) -> Option<AdaptiveThreshold> {
        let target = p.f("theta_target_rate");
        if target == 0.0 {
            return None;
        }
        let interval = ((p.f("theta_interval") / dt).round() as u64).max(1);
        Some(AdaptiveThreshold {
            theta: vec![0.0; n],
            counts: vec![0; n],
            rate: vec![target; n],
            target,
            eta: p.f("theta_eta"),
            interval,
            keep: (-(interval as f64 * dt) / p.f("theta_tau")).exp(),
            floor: {
                let (v_reset, v_th) = (values(p, "v_reset", n), values(p, "v_th", n));
                v_reset.iter().zip(&v_th).map(|(r, t)| r - t + 1e-3).collect()
            },
        })
    }

    /// Counts the spikes `spiked` (local indices) of step `step`, and updates every θ
    /// at the end of an interval.
    pub fn after_step(&mut self, step: u64, spiked: &[u32], dt: f64) {
        for &i in spiked {
            self.counts[i as usize] += 1;
        }
        if (step + 1).is_multiple_of(self.interval) {
            let per_second = 1.0 / (self.interval as f64 * dt);
            let neurons = self.theta.iter_mut().zip(&mut self.counts).zip(&mut self.rate).zip(&self.floor);
            for (((theta, count), rate), floor) in neurons {
                *rate = *rate * self.keep + std::mem::take(count) as f64 * per_second * (1.0 - self.keep);
                let next = *theta as f64 + self.eta * (*rate - self.target) / self.target;
                *theta = next.max(*floor) as f32;
            }
        }
    }
}
