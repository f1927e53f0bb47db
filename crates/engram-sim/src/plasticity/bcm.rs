//! The BCM rule with a sliding threshold, on spiking traces (`bcm`), Bienenstock,
//! Cooper & Munro 1982.
//!
//! BCM's rate rule `dw/dt = η x y (y − θ)` potentiates the inputs of a neuron that
//! responds above the threshold `θ` and depresses them below it; the threshold slides
//! with the square of the recent output, `θ = ⟨y²⟩ / y_0`, so a neuron that responds
//! strongly to everything raises its threshold and the weights of all but the strongest
//! pattern fall: the neuron becomes selective. With one pattern the output settles at
//! `y = θ = y_0`; with patterns shown a fraction `p` of the time each, the selective
//! fixed point answers the preferred pattern at `y_0 / p` and the others not at all.
//!
//! On spike trains the presynaptic factor `x` is a trace (time constant `tau_pre`, jump
//! 1, about rate × τ), the postsynaptic rate `y` a trace in Hz (`tau_post`, jump
//! `1/tau_post`), and the remaining factor `y` the postsynaptic spike train, so weights
//! change only at postsynaptic spikes (compare the spike-based BCM of Izhikevich &
//! Desai 2003):
//!
//! ```text
//! postsynaptic spike at t:  w ← w + η (w_max − w_min) x_pre(t) (y(t) − θ(t)) / y_0
//!                           then θ ← θ + y(t) / (y_0 tau_theta),  y ← y + 1/tau_post
//! presynaptic spike at t:   x_pre ← x_pre + 1
//! θ decays with tau_theta between postsynaptic spikes
//! ```
//!
//! clipped to `[w_min, w_max]`. `θ` is the spike-triggered average of `y` low-pass
//! filtered over `tau_theta`: `θ = (1/tau_theta) ∫ y(s) S(s) e^{−(t−s)/tau_theta} ds / y_0`,
//! whose mean is `⟨y S⟩ / y_0 = ⟨y²⟩ / y_0` (for Poisson firing at rate `ν`, `ν² / y_0`),
//! without the shot noise a spike adds to its own trace. `tau_theta` must be longer than
//! the time between patterns (so `θ` sees their average) and shorter than the time
//! the weights take to change (else the rule overshoots; BCM 1982, Cooper et al. 2004).
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau_pre` | 20 ms | time | decay of the presynaptic trace |
//! | `tau_post` | 100 ms | time | decay of the postsynaptic rate trace `y` |
//! | `tau_theta` | 5 s | time | averaging time of the sliding threshold |
//! | `y_0` | 10 Hz | frequency | target rate: `θ = ⟨y²⟩ / y_0` |
//! | `eta` | 0.001 | 1 | learning rate, as a fraction of `w_max − w_min` |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! References: E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982) J Neurosci 2:32;
//! E. M. Izhikevich, N. S. Desai (2003) Neural Comput 15:1511; L. N. Cooper, N. Intrator,
//! B. S. Blais, H. Z. Shouval (2004) "Theory of Cortical Plasticity", World Scientific.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{Decay, TimeConstant, Trace};
use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "bcm",
    doc: "BCM rule with sliding threshold θ = <y²>/y_0 on spike traces (Bienenstock, Cooper & Munro 1982)",
    params: &[
        ParamSpec { name: "tau_pre", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "presynaptic trace decay" },
        ParamSpec { name: "tau_post", kind: P::Quantity(Dim::TIME, D::Value(100e-3)), doc: "postsynaptic rate trace" },
        ParamSpec { name: "tau_theta", kind: P::Quantity(Dim::TIME, D::Value(5.0)), doc: "threshold averaging time" },
        ParamSpec { name: "y_0", kind: P::Quantity(Dim::FREQUENCY, D::Value(10.0)), doc: "target rate" },
        ParamSpec { name: "eta", kind: P::Number(D::Value(1e-3)), doc: "learning rate (fraction of range)" },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    for k in ["tau_pre", "tau_post", "tau_theta"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    if p.f("y_0") <= 0.0 {
        return Err(("y_0", "expected a positive rate".into()));
    }
    if p.f("eta") <= 0.0 {
        return Err(("eta", "expected a positive learning rate".into()));
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    Ok(())
}

/// BCM in engine units.
#[derive(Clone, Debug)]
pub struct Bcm {
    tau_pre: TimeConstant,
    tau_post: TimeConstant,
    tau_theta: TimeConstant,
    /// η (w_max − w_min) / y_0, per Hz of `y − θ`.
    step: f64,
    /// 1 / tau_post (Hz): the jump of the rate trace.
    rate_jump: f64,
    /// 1 / (y_0 tau_theta): multiplies `y` to give the jump of `θ`.
    theta_gain: f64,
    w_min: f64,
    w_max: f64,
}

impl Bcm {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> Bcm {
        let (w_min, w_max) = (p.f("w_min") * scale, p.f("w_max") * scale);
        Bcm {
            tau_pre: TimeConstant::new(p.f("tau_pre"), dt),
            tau_post: TimeConstant::new(p.f("tau_post"), dt),
            tau_theta: TimeConstant::new(p.f("tau_theta"), dt),
            step: p.f("eta") * (w_max - w_min) / p.f("y_0"),
            rate_jump: 1.0 / p.f("tau_post"),
            theta_gain: 1.0 / (p.f("y_0") * p.f("tau_theta")),
            w_min,
            w_max,
        }
    }

    /// The sliding threshold (Hz) of a neuron with traces `post` at the step of `now`.
    pub fn threshold(&self, post: &Post, now: &Now) -> f64 {
        post.theta.at(&now.theta)
    }
}

/// A postsynaptic neuron's rate trace and sliding threshold, both in Hz.
#[derive(Clone, Copy, Debug, Default)]
pub struct Post {
    rate: Trace,
    theta: Trace,
}

/// The decays of the rule's three time constants at one step.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pre: Decay,
    post: Decay,
    theta: Decay,
}

impl TraceRule for Bcm {
    type Pre = Trace;
    type Post = Post;
    type Now = Now;

    fn now(&self, steps: u64) -> Now {
        Now { pre: self.tau_pre.decay(steps), post: self.tau_post.decay(steps), theta: self.tau_theta.decay(steps) }
    }

    fn rebase_steps(&self) -> u64 {
        self.tau_pre.rebase_steps().min(self.tau_post.rebase_steps()).min(self.tau_theta.rebase_steps())
    }

    fn rebase(&self, pre: &mut [Trace], post: &mut [Post], now: &Now) {
        pre.iter_mut().for_each(|x| x.rebase(&now.pre));
        for p in post {
            p.rate.rebase(&now.post);
            p.theta.rebase(&now.theta);
        }
    }

    #[inline(always)]
    fn on_pre(&self, w: f32, _pre: &Trace, _post: &Post, _now: &Now) -> f32 {
        w
    }

    fn pre_spiked(&self, pre: &mut Trace, now: &Now) {
        pre.add(&now.pre, 1.0);
    }

    #[inline(always)]
    fn on_post(&self, w: f32, pre: &Trace, post: &Post, now: &Now) -> f32 {
        let above = post.rate.at(&now.post) - post.theta.at(&now.theta);
        (w as f64 + self.step * pre.at(&now.pre) * above).clamp(self.w_min, self.w_max) as f32
    }

    fn post_spiked(&self, post: &mut Post, now: &Now) {
        let y = post.rate.at(&now.post);
        post.theta.add(&now.theta, self.theta_gain * y);
        post.rate.add(&now.post, self.rate_jump);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;
    use rand::{Rng, SeedableRng};

    fn rule() -> Bcm {
        let mut p = Params::default();
        for (k, v) in [("tau_pre", 20e-3), ("tau_post", 100e-3), ("tau_theta", 5.0), ("y_0", 10.0), ("eta", 1e-3)] {
            p.insert(k, ParamValue::Scalar(v));
        }
        p.insert("w_max", ParamValue::Scalar(1.0));
        p.insert("w_min", ParamValue::Scalar(0.0));
        Bcm::new(&p, 1.0, 1e-4)
    }

    /// For Poisson firing at rate ν the threshold settles at ⟨y²⟩ / y_0 = ν² / y_0
    /// (without the spike's own shot noise); averaged over 200 s (40 τ_θ), within 3 %.
    #[test]
    fn the_threshold_tracks_the_squared_rate() {
        let r = rule();
        for nu in [5.0, 20.0] {
            let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
            let (mut post, mut t_ref, mut t) = (Post::default(), 0u64, 0u64);
            let (mut sum, mut n) = (0.0, 0);
            while t < 2_000_000 {
                // Exponential intervals, in steps of 0.1 ms.
                let gap: f64 = -(1.0 - rng.random::<f64>()).ln() / (nu * 1e-4);
                t += gap.ceil() as u64;
                if t - t_ref > r.rebase_steps() {
                    r.rebase(&mut [], std::slice::from_mut(&mut post), &r.now(t - t_ref));
                    t_ref = t;
                }
                let now = r.now(t - t_ref);
                if t > 250_000 {
                    sum += r.threshold(&post, &now);
                    n += 1;
                }
                r.post_spiked(&mut post, &now);
            }
            // Poisson spikes see time averages (PASTA): sampling at spikes gives θ's mean.
            let mean = sum / n as f64;
            let expected = nu * nu / 10.0;
            assert!((mean - expected).abs() < 0.03 * expected, "ν = {nu} Hz: θ = {mean} Hz, expected {expected}");
        }
    }
}
