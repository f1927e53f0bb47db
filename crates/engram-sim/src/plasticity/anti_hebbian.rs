//! Anti-Hebbian lateral plasticity for decorrelation (`anti_hebbian`), Földiák 1990.
//!
//! Földiák's lateral rule `Δw_ij = η (y_i y_j − ρ²)` strengthens the inhibition
//! between two output units in proportion to how often they are active together
//! beyond chance at the target rate `ρ`; co-active outputs come to inhibit each other
//! until they decorrelate (the lateral part of Hebbian decorrelation networks and of
//! orthogonal-projection style continual learning). On spike trains, each neuron carries
//! a trace (time constant `tau`, jump 1 at a spike, about rate × τ), and each factor of
//! `y_i y_j` is the other neuron's spike train at one of the two spikes of a pair, as in
//! Vogels et al.'s symmetric iSTDP:
//!
//! ```text
//! presynaptic spike at t:   w ← w + η (w_max − w_min) (y_post(t) − ρ τ)   then y_pre  ← y_pre + 1
//! postsynaptic spike at t:  w ← w + η (w_max − w_min) (y_pre(t)  − ρ τ)   then y_post ← y_post + 1
//! ```
//!
//! clipped to `[w_min, w_max]` (the weight is the magnitude of the inhibition: a
//! conductance onto receptor `inh`). Averaged over time, for outputs at rates `ν_i`,
//! `ν_j` whose spike trains have cross-covariance `C_ij(s)`:
//!
//! ```text
//! dw/dt = η (w_max − w_min) τ [2 ν_i ν_j − ρ (ν_i + ν_j)] + η (w_max − w_min) ∫ C_ij(s) e^{−|s|/τ} ds
//! ```
//!
//! which has the sign of Földiák's `y_i y_j − ρ²` (equal to it, times 2τν, to first
//! order around `ν_i = ν_j = ρ`): inhibition grows between pairs that fire together
//! more than independent neurons at rate `ρ` would, and decays otherwise.
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau` | 20 ms | time | decay of both traces (the coincidence window) |
//! | `eta` | 0.01 | 1 | learning rate, as a fraction of `w_max − w_min` |
//! | `rho` | 1 Hz | frequency | target rate: co-activity below independent firing at `rho` weakens the weight |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! References: P. Földiák (1990) "Forming sparse representations by local anti-Hebbian
//! learning", Biol Cybern 64:165; T. P. Vogels et al. (2011) Science 334:1569 (the
//! spike-pair form).

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{Decay, TimeConstant, Trace};
use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "anti_hebbian",
    doc: "anti-Hebbian lateral inhibition growing with co-activity, for decorrelation (Földiák 1990)",
    params: &[
        ParamSpec { name: "tau", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "coincidence window" },
        ParamSpec { name: "eta", kind: P::Number(D::Value(0.01)), doc: "learning rate (fraction of range)" },
        ParamSpec { name: "rho", kind: P::Quantity(Dim::FREQUENCY, D::Value(1.0)), doc: "target rate" },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    if p.f("tau") <= 0.0 {
        return Err(("tau", "expected a positive time".into()));
    }
    if p.f("eta") <= 0.0 {
        return Err(("eta", "expected a positive learning rate".into()));
    }
    if p.f("rho") < 0.0 {
        return Err(("rho", "expected a rate ≥ 0".into()));
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    Ok(())
}

/// The anti-Hebbian lateral rule in engine units.
#[derive(Clone, Debug)]
pub struct AntiHebbian {
    tau: TimeConstant,
    /// η (w_max − w_min).
    step: f64,
    /// ρ τ: the trace of a neuron firing regularly at the target rate, on average.
    chance: f64,
    w_min: f64,
    w_max: f64,
}

impl AntiHebbian {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> AntiHebbian {
        let (w_min, w_max) = (p.f("w_min") * scale, p.f("w_max") * scale);
        AntiHebbian {
            tau: TimeConstant::new(p.f("tau"), dt),
            step: p.f("eta") * (w_max - w_min),
            chance: p.f("rho") * p.f("tau"),
            w_min,
            w_max,
        }
    }
}

impl TraceRule for AntiHebbian {
    type Pre = Trace;
    type Post = Trace;
    type Now = Decay;

    fn now(&self, steps: u64) -> Decay {
        self.tau.decay(steps)
    }

    fn rebase_steps(&self) -> u64 {
        self.tau.rebase_steps()
    }

    fn rebase(&self, pre: &mut [Trace], post: &mut [Trace], now: &Decay) {
        pre.iter_mut().chain(post.iter_mut()).for_each(|x| x.rebase(now));
    }

    #[inline(always)]
    fn on_pre(&self, w: f32, _pre: &Trace, post: &Trace, now: &Decay) -> f32 {
        (w as f64 + self.step * (post.at(now) - self.chance)).clamp(self.w_min, self.w_max) as f32
    }

    fn pre_spiked(&self, pre: &mut Trace, now: &Decay) {
        pre.add(now, 1.0);
    }

    #[inline(always)]
    fn on_post(&self, w: f32, pre: &Trace, _post: &Trace, now: &Decay) -> f32 {
        (w as f64 + self.step * (pre.at(now) - self.chance)).clamp(self.w_min, self.w_max) as f32
    }

    fn post_spiked(&self, post: &mut Trace, now: &Decay) {
        post.add(now, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    /// Two spikes Δ apart change the weight by η (e^{−|Δ|/τ} − 2ρτ) whatever their
    /// order: the rule is symmetric in the two neurons.
    #[test]
    fn a_pair_changes_the_weight_symmetrically() {
        let mut p = Params::default();
        for (k, v) in [("tau", 20e-3), ("eta", 0.01), ("rho", 5.0), ("w_max", 1.0), ("w_min", 0.0)] {
            p.insert(k, ParamValue::Scalar(v));
        }
        let rule = AntiHebbian::new(&p, 1.0, 1e-4);
        let change = |first_pre: bool| {
            let (mut pre, mut post) = (Trace::default(), Trace::default());
            let mut w = 0.5f32;
            for (t, is_pre) in [(100u64, first_pre), (250, !first_pre)] {
                let now = rule.now(t);
                if is_pre {
                    w = rule.on_pre(w, &pre, &post, &now);
                    rule.pre_spiked(&mut pre, &now);
                } else {
                    w = rule.on_post(w, &pre, &post, &now);
                    rule.post_spiked(&mut post, &now);
                }
            }
            w as f64 - 0.5
        };
        let expected = 0.01 * ((-150.0 * 1e-4 / 20e-3f64).exp() - 2.0 * 5.0 * 20e-3);
        assert!((change(true) - expected).abs() < 1e-7, "{} vs {expected}", change(true));
        assert!((change(false) - expected).abs() < 1e-7, "{} vs {expected}", change(false));
    }
}
