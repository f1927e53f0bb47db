//! Inhibitory spike-timing-dependent plasticity for E/I balance (`istdp_vogels`),
//! Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011.
//!
//! For a synapse from an inhibitory onto an excitatory neuron, with traces `x_pre` and
//! `x_post` (time constant `tau`) and `α = 2 ρ₀ τ`:
//!
//! ```text
//! presynaptic spike at t:   w ← w + η (w_max − w_min) (x_post(t) − α)   then x_pre ← x_pre + 1
//! postsynaptic spike at t:  w ← w + η (w_max − w_min) x_pre(t)          then x_post ← x_post + 1
//! ```
//!
//! clipped to `[w_min, w_max]`. Near-coincident spikes strengthen inhibition; every
//! presynaptic spike weakens it by `η α`. The weights stop changing on average when
//! the postsynaptic rate is `ρ₀` (for uncorrelated trains, E[Δw] ∝ ρ_pre (2 ρ_post τ − α)),
//! so the rule drives the target neurons' rate to `rho_0`. The weight is the magnitude
//! of the inhibition (a positive conductance onto receptor `inh`, or a current whose
//! sign the receptor gives).
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau` | 20 ms | time | decay of both traces |
//! | `eta` | 0.01 | 1 | learning rate, as a fraction of `w_max − w_min` |
//! | `rho_0` | 5 Hz | frequency | target rate of the postsynaptic neurons |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! Reference: T. P. Vogels, H. Sprekeler, F. Zenke, C. Clopath, W. Gerstner (2011)
//! "Inhibitory plasticity balances excitation and inhibition in sensory pathways and
//! memory networks", Science 334:1569; NEST's `vogels_sprekeler_synapse`.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{Decay, TimeConstant, Trace};
use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "istdp_vogels",
    doc: "inhibitory STDP driving the postsynaptic rate to rho_0 (Vogels et al. 2011)",
    params: &[
        ParamSpec { name: "tau", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "trace time constant" },
        ParamSpec { name: "eta", kind: P::Number(D::Value(0.01)), doc: "learning rate (fraction of range)" },
        ParamSpec { name: "rho_0", kind: P::Quantity(Dim::FREQUENCY, D::Value(5.0)), doc: "target rate" },
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
    if p.f("rho_0") < 0.0 {
        return Err(("rho_0", "expected a rate ≥ 0".into()));
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    Ok(())
}

/// Vogels' iSTDP in engine units.
#[derive(Clone, Debug)]
pub struct IstdpVogels {
    tau: TimeConstant,
    /// η (w_max − w_min).
    step: f64,
    alpha: f64,
    w_min: f64,
    w_max: f64,
}

impl IstdpVogels {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> IstdpVogels {
        let (w_min, w_max) = (p.f("w_min") * scale, p.f("w_max") * scale);
        IstdpVogels {
            tau: TimeConstant::new(p.f("tau"), dt),
            step: p.f("eta") * (w_max - w_min),
            alpha: 2.0 * p.f("rho_0") * p.f("tau"),
            w_min,
            w_max,
        }
    }
}

impl TraceRule for IstdpVogels {
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
        (w as f64 + self.step * (post.at(now) - self.alpha)).clamp(self.w_min, self.w_max) as f32
    }

    fn pre_spiked(&self, pre: &mut Trace, now: &Decay) {
        pre.add(now, 1.0);
    }

    #[inline(always)]
    fn on_post(&self, w: f32, pre: &Trace, _post: &Trace, now: &Decay) -> f32 {
        (w as f64 + self.step * pre.at(now)).clamp(self.w_min, self.w_max) as f32
    }

    fn post_spiked(&self, post: &mut Trace, now: &Decay) {
        post.add(now, 1.0);
    }
}
