//! Oja's rule on spiking traces (`oja`), Oja 1982.
//!
//! Oja's rate rule `dw/dt = η (x y − α y² w)` makes a linear neuron's weight vector
//! converge to the principal eigenvector of its input correlation matrix `⟨x xᵀ⟩`, with
//! norm `1/√α`: Hebbian growth, held in check by a decay proportional to the squared
//! output. Here `x` and `y` are low-pass filtered spike trains: each neuron carries a
//! trace (time constants `tau_pre`, `tau_post`) that jumps by 1 at a spike and decays
//! exponentially, so a trace is about rate × τ. One factor `y` of each term is the
//! postsynaptic spike train itself, so the weight changes only at postsynaptic spikes
//! and the rule stays event-driven. With the weight in units of `w_max`, `w̃ = w / w_max`:
//!
//! ```text
//! postsynaptic spike at t:  w̃ ← w̃ + η (x_pre(t) − α y_post(t) w̃)     then y_post ← y_post + 1
//! presynaptic spike at t:   x_pre ← x_pre + 1
//! ```
//!
//! clipped to `[w_min, w_max]`. Averaged over time the drift is
//! `dw̃_i/dt = η (⟨x_i S⟩ − α ⟨y S⟩ w̃_i)` (`S` the postsynaptic spike train, traces taken
//! just before each spike), so the weights come to rest at the fixed point
//! `w̃_i = ⟨x_i S⟩ / (α ⟨y S⟩)`: proportional to the spike-triggered input traces, which
//! for a neuron in its linear range is `⟨x xᵀ⟩ w̃` — Oja's eigenvector equation. For
//! uncorrelated Poisson trains at rates `ρ_i` (input) and `ν` (output) the fixed point
//! is `w̃_i = ρ_i tau_pre / (α ν tau_post)`.
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau_pre` | 20 ms | time | decay of the presynaptic trace `x` |
//! | `tau_post` | 20 ms | time | decay of the postsynaptic trace `y` |
//! | `eta` | 0.001 | 1 | learning rate, in units of `w_max` per postsynaptic spike |
//! | `alpha` | 1 | 1 | weight of the decay term (the fixed-point norm scales as 1/α) |
//! | `w_max` | required | weight | upper bound and unit of `w̃` |
//! | `w_min` | 0 | weight | lower bound |
//!
//! Reference: E. Oja (1982) "A simplified neuron model as a principal component
//! analyzer", J Math Biol 15:267. The spike-train form follows the trace formulation of
//! rate rules in W. Gerstner, W. M. Kistler, R. Naud, L. Paninski (2014) "Neuronal
//! Dynamics", ch. 19.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{Decay, TimeConstant, Trace};
use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "oja",
    doc: "Oja's rule on spike traces: weights converge to the principal eigenvector (Oja 1982)",
    params: &[
        ParamSpec { name: "tau_pre", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "presynaptic trace decay" },
        ParamSpec { name: "tau_post", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "postsynaptic trace decay" },
        ParamSpec { name: "eta", kind: P::Number(D::Value(1e-3)), doc: "learning rate (units of w_max per spike)" },
        ParamSpec { name: "alpha", kind: P::Number(D::Value(1.0)), doc: "weight of the decay term" },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound, unit of the rule's weight" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    for k in ["tau_pre", "tau_post"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    for k in ["eta", "alpha"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive number".into()));
        }
    }
    if p.f("w_max") <= p.f("w_min") || p.f("w_max") <= 0.0 {
        return Err(("w_max", "expected w_max > w_min and w_max > 0".into()));
    }
    Ok(())
}

/// Oja's rule in engine units.
#[derive(Clone, Debug)]
pub struct Oja {
    tau_pre: TimeConstant,
    tau_post: TimeConstant,
    /// η w_max, engine weight units.
    step: f64,
    /// α η: the decay per postsynaptic spike per unit of `y_post` (dimensionless).
    decay: f64,
    w_min: f64,
    w_max: f64,
}

impl Oja {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> Oja {
        let w_max = p.f("w_max") * scale;
        Oja {
            tau_pre: TimeConstant::new(p.f("tau_pre"), dt),
            tau_post: TimeConstant::new(p.f("tau_post"), dt),
            step: p.f("eta") * w_max,
            decay: p.f("eta") * p.f("alpha"),
            w_min: p.f("w_min") * scale,
            w_max,
        }
    }
}

/// The decays of `tau_pre` and `tau_post` at one step.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pre: Decay,
    post: Decay,
}

impl TraceRule for Oja {
    type Pre = Trace;
    type Post = Trace;
    type Now = Now;

    fn now(&self, steps: u64) -> Now {
        Now { pre: self.tau_pre.decay(steps), post: self.tau_post.decay(steps) }
    }

    fn rebase_steps(&self) -> u64 {
        self.tau_pre.rebase_steps().min(self.tau_post.rebase_steps())
    }

    fn rebase(&self, pre: &mut [Trace], post: &mut [Trace], now: &Now) {
        pre.iter_mut().for_each(|x| x.rebase(&now.pre));
        post.iter_mut().for_each(|y| y.rebase(&now.post));
    }

    #[inline(always)]
    fn on_pre(&self, w: f32, _pre: &Trace, _post: &Trace, _now: &Now) -> f32 {
        w
    }

    fn pre_spiked(&self, pre: &mut Trace, now: &Now) {
        pre.add(&now.pre, 1.0);
    }

    #[inline(always)]
    fn on_post(&self, w: f32, pre: &Trace, post: &Trace, now: &Now) -> f32 {
        let w = w as f64;
        (w + self.step * pre.at(&now.pre) - self.decay * post.at(&now.post) * w).clamp(self.w_min, self.w_max) as f32
    }

    fn post_spiked(&self, post: &mut Trace, now: &Now) {
        post.add(&now.post, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    fn rule(alpha: f64) -> Oja {
        let mut p = Params::default();
        for (k, v) in [("tau_pre", 20e-3), ("tau_post", 20e-3), ("eta", 0.01), ("alpha", alpha), ("w_max", 1.0)] {
            p.insert(k, ParamValue::Scalar(v));
        }
        p.insert("w_min", ParamValue::Scalar(0.0));
        Oja::new(&p, 1.0, 1e-4)
    }

    /// With constant traces `x` and `y` at every postsynaptic spike the weight relaxes
    /// geometrically to the fixed point `x / (α y)`.
    #[test]
    fn repeated_postsynaptic_spikes_relax_to_the_fixed_point() {
        let r = rule(2.0);
        let now = r.now(0);
        let (mut pre, mut post) = (Trace::default(), Trace::default());
        pre.add(&now.pre, 0.3);
        post.add(&now.post, 0.5);
        let mut w = 0.9f32;
        for _ in 0..5000 {
            w = r.on_post(w, &pre, &post, &now);
        }
        assert!((w as f64 - 0.3 / (2.0 * 0.5)).abs() < 1e-5, "{w}");
    }
}
