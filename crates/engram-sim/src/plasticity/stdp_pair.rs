//! Pair-based spike-timing-dependent plasticity (`stdp_pair`).
//!
//! Each neuron carries an exponential trace of its spikes: the presynaptic trace
//! `x_pre` (time constant `tau_plus`) and the postsynaptic trace `x_post` (`tau_minus`).
//! With the weight normalised to its range, `w̃ = (w − w_min) / (w_max − w_min)`,
//!
//! ```text
//! presynaptic spike at t:   w ← w − A_minus (w_max − w_min) f₋(w̃) x_post(t)     then x_pre ← x_pre + 1
//! postsynaptic spike at t:  w ← w + A_plus  (w_max − w_min) f₊(w̃) x_pre(t)      then x_post ← x_post + 1
//! ```
//!
//! and `w` is clipped to `[w_min, w_max]` after every update. For one pair of spikes
//! with `Δt = t_post − t_pre` this is the classic window
//! `Δw = A_plus (w_max − w_min) e^{−Δt/τ₊}` for `Δt ≥ 0` and
//! `Δw = −A_minus (w_max − w_min) e^{Δt/τ₋}` for `Δt < 0` (additive case).
//!
//! * `pairing = "all_to_all"`: every earlier spike of the other neuron counts (traces
//!   add up; Song, Miller & Abbott 2000). `"nearest"`: only the latest one does (traces
//!   are reset to 1; the symmetric nearest-neighbour scheme of Morrison et al. 2008,
//!   NEST's `stdp_nn_symm_synapse`).
//! * `weight_dependence`: `"additive"` — f₊ = f₋ = 1, hard bounds by clipping (Song et
//!   al. 2000); `"multiplicative"` — f₊ = 1 − w̃, f₋ = w̃, soft bounds (Rubin et al.
//!   2001); `"van_rossum"` — f₊ = 1, f₋ = w̃ (van Rossum, Bi & Turrigiano 2000);
//!   `"power"` — f₊ = (1 − w̃)^μ, f₋ = w̃^μ (Gütig et al. 2003, `mu` between the additive
//!   μ = 0 and the multiplicative μ = 1).
//!
//! Spike times are the neurons' own (somatic) spike steps: `Δt` does not include the
//! transmission delay, which only delays the postsynaptic potential. (NEST counts the
//! delay as dendritic, `Δt = t_post + d − t_pre`; Brian2 as axonal, `Δt = t_post − t_pre − d`.)
//! A pre- and a postsynaptic spike in the same step count as `Δt = 0`: potentiation,
//! as in Brian2 where `on_pre` runs before `on_post`. The potential a presynaptic spike
//! evokes uses the weight before that spike's own update (Brian2's `STDP.py` order).
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau_plus` | 20 ms | time | decay of the presynaptic trace (potentiation window) |
//! | `tau_minus` | 20 ms | time | decay of the postsynaptic trace (depression window) |
//! | `A_plus` | 0.01 | 1 | potentiation per pair, as a fraction of `w_max − w_min` |
//! | `A_minus` | 0.0105 | 1 | depression per pair, as a fraction of `w_max − w_min` |
//! | `pairing` | `all_to_all` | | `all_to_all` or `nearest` |
//! | `weight_dependence` | `additive` | | `additive`, `multiplicative`, `van_rossum` or `power` |
//! | `mu` | 0.5 | 1 | exponent of the `power` dependence |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! References: S. Song, K. D. Miller, L. F. Abbott (2000) Nat Neurosci 3:919;
//! M. C. W. van Rossum, G. Q. Bi, G. G. Turrigiano (2000) J Neurosci 20:8812;
//! R. Gütig, R. Aharonov, S. Rotter, H. Sompolinsky (2003) J Neurosci 23:3697;
//! A. Morrison, M. Diesmann, W. Gerstner (2008) Biol Cybern 98:459.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{Decay, TimeConstant, Trace};
use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "stdp_pair",
    doc:
        "pair-based STDP, all-to-all or nearest-spike, additive to multiplicative (Song et al. 2000; Gütig et al. 2003)",
    params: &[
        ParamSpec { name: "tau_plus", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "potentiation window" },
        ParamSpec { name: "tau_minus", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "depression window" },
        ParamSpec { name: "A_plus", kind: P::Number(D::Value(0.01)), doc: "potentiation per pair (fraction of range)" },
        ParamSpec {
            name: "A_minus",
            kind: P::Number(D::Value(0.0105)),
            doc: "depression per pair (fraction of range)",
        },
        ParamSpec { name: "pairing", kind: P::Choice(&["all_to_all", "nearest"]), doc: "which spikes pair" },
        ParamSpec {
            name: "weight_dependence",
            kind: P::Choice(&["additive", "multiplicative", "van_rossum", "power"]),
            doc: "how updates scale with the weight",
        },
        ParamSpec { name: "mu", kind: P::Number(D::Value(0.5)), doc: "exponent of the power dependence" },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    for k in ["tau_plus", "tau_minus"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    for k in ["A_plus", "A_minus"] {
        if p.f(k) < 0.0 {
            return Err((k, "expected an amplitude ≥ 0 (the sign is fixed by the rule)".into()));
        }
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    if !(0.0..=1.0).contains(&p.f("mu")) {
        return Err(("mu", format!("expected an exponent between 0 and 1, found {}", p.f("mu"))));
    }
    Ok(())
}

/// How an update scales with the normalised weight.
#[derive(Clone, Copy, Debug)]
enum Dependence {
    Additive,
    Multiplicative,
    VanRossum,
    Power(f64),
}

/// Pair STDP with its parameters in the engine's units (weights scaled, times in steps).
#[derive(Clone, Debug)]
pub struct StdpPair {
    tau_plus: TimeConstant,
    tau_minus: TimeConstant,
    /// `A_plus (w_max − w_min)` and `A_minus (w_max − w_min)`, in engine weight units.
    step_plus: f64,
    step_minus: f64,
    w_min: f64,
    w_max: f64,
    nearest: bool,
    dependence: Dependence,
}

impl StdpPair {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> StdpPair {
        let (w_min, w_max) = (p.f("w_min") * scale, p.f("w_max") * scale);
        let dependence = match p.choice("weight_dependence") {
            "multiplicative" => Dependence::Multiplicative,
            "van_rossum" => Dependence::VanRossum,
            "power" => Dependence::Power(p.f("mu")),
            _ => Dependence::Additive,
        };
        StdpPair {
            tau_plus: TimeConstant::new(p.f("tau_plus"), dt),
            tau_minus: TimeConstant::new(p.f("tau_minus"), dt),
            step_plus: p.f("A_plus") * (w_max - w_min),
            step_minus: p.f("A_minus") * (w_max - w_min),
            w_min,
            w_max,
            nearest: p.choice("pairing") == "nearest",
            dependence,
        }
    }

    /// `(f₊, f₋)` at weight `w`.
    #[inline(always)]
    fn factors(&self, w: f64) -> (f64, f64) {
        let x = ((w - self.w_min) / (self.w_max - self.w_min)).clamp(0.0, 1.0);
        match self.dependence {
            Dependence::Additive => (1.0, 1.0),
            Dependence::Multiplicative => (1.0 - x, x),
            Dependence::VanRossum => (1.0, x),
            Dependence::Power(mu) => ((1.0 - x).powf(mu), x.powf(mu)),
        }
    }

    fn spiked(&self, trace: &mut Trace, d: &Decay) {
        if self.nearest {
            trace.reset(d, 1.0);
        } else {
            trace.add(d, 1.0);
        }
    }
}

/// The decays of `tau_plus` and `tau_minus` at one step.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    plus: Decay,
    minus: Decay,
}

impl TraceRule for StdpPair {
    type Pre = Trace;
    type Post = Trace;
    type Now = Now;

    fn now(&self, steps: u64) -> Now {
        Now { plus: self.tau_plus.decay(steps), minus: self.tau_minus.decay(steps) }
    }

    fn rebase_steps(&self) -> u64 {
        self.tau_plus.rebase_steps().min(self.tau_minus.rebase_steps())
    }

    fn rebase(&self, pre: &mut [Trace], post: &mut [Trace], now: &Now) {
        pre.iter_mut().for_each(|x| x.rebase(&now.plus));
        post.iter_mut().for_each(|x| x.rebase(&now.minus));
    }

    #[inline(always)]
    fn on_pre(&self, w: f32, _pre: &Trace, post: &Trace, now: &Now) -> f32 {
        let w = w as f64;
        let depression = self.step_minus * self.factors(w).1 * post.at(&now.minus);
        (w - depression).clamp(self.w_min, self.w_max) as f32
    }

    fn pre_spiked(&self, pre: &mut Trace, now: &Now) {
        self.spiked(pre, &now.plus);
    }

    #[inline(always)]
    fn on_post(&self, w: f32, pre: &Trace, _post: &Trace, now: &Now) -> f32 {
        let w = w as f64;
        let potentiation = self.step_plus * self.factors(w).0 * pre.at(&now.plus);
        (w + potentiation).clamp(self.w_min, self.w_max) as f32
    }

    fn post_spiked(&self, post: &mut Trace, now: &Now) {
        self.spiked(post, &now.minus);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    fn params(pairs: &[(&str, f64)], choices: &[(&str, &str)]) -> Params {
        let mut p = Params::default();
        for (k, v) in [("tau_plus", 20e-3), ("tau_minus", 20e-3), ("A_plus", 0.01), ("A_minus", 0.0105), ("mu", 0.5)]
            .into_iter()
            .chain([("w_max", 1.0), ("w_min", 0.0)])
            .chain(pairs.iter().copied())
        {
            p.insert(k, ParamValue::Scalar(v));
        }
        for (k, v) in choices {
            p.insert(k, ParamValue::Choice(v.to_string()));
        }
        p
    }

    /// One pre and one post spike Δt apart give the closed-form window.
    #[test]
    fn one_pair_gives_the_exponential_window() {
        let dt = 1e-4;
        let rule = StdpPair::new(&params(&[], &[]), 1.0, dt);
        for delta in [-400i64, -37, -1, 0, 1, 25, 300] {
            let (mut pre, mut post) = (Trace::default(), Trace::default());
            let (t_pre, t_post) = (1000u64, (1000 + delta) as u64);
            let mut w = 0.5f32;
            let mut events = [(t_pre, true), (t_post, false)];
            // Same step: the presynaptic spike is handled first.
            events.sort_by_key(|&(t, is_pre)| (t, !is_pre));
            for (t, is_pre) in events {
                let now = rule.now(t);
                if is_pre {
                    w = rule.on_pre(w, &pre, &post, &now);
                    rule.pre_spiked(&mut pre, &now);
                } else {
                    w = rule.on_post(w, &pre, &post, &now);
                    rule.post_spiked(&mut post, &now);
                }
            }
            let s = delta as f64 * dt;
            let expected = if delta >= 0 { 0.01 * (-s / 20e-3).exp() } else { -0.0105 * (s / 20e-3).exp() };
            assert!(((w - 0.5) as f64 - expected).abs() < 1e-7, "Δt = {s}: {} vs {expected}", w - 0.5);
        }
    }

    /// Soft bounds: depression vanishes at w_min and potentiation at w_max.
    #[test]
    fn multiplicative_updates_vanish_at_the_bounds() {
        let rule = StdpPair::new(&params(&[], &[("weight_dependence", "multiplicative")]), 1.0, 1e-4);
        let now = rule.now(0);
        let mut near = Trace::default();
        near.add(&now.plus, 1.0);
        assert_eq!(rule.on_pre(0.0, &near, &near, &now), 0.0);
        assert_eq!(rule.on_post(1.0, &near, &near, &now), 1.0);
        // Halfway, the update is half the additive one.
        let w = rule.on_post(0.5, &near, &near, &now);
        assert!((w as f64 - (0.5 + 0.5 * 0.01)).abs() < 1e-7);
    }

    /// Nearest pairing: a second presynaptic spike replaces the first instead of adding.
    #[test]
    fn nearest_pairing_counts_only_the_latest_spike() {
        let all = StdpPair::new(&params(&[], &[]), 1.0, 1e-4);
        let nn = StdpPair::new(&params(&[], &[("pairing", "nearest")]), 1.0, 1e-4);
        let (mut a, mut b) = (Trace::default(), Trace::default());
        for t in [0, 10] {
            all.pre_spiked(&mut a, &all.now(t));
            nn.pre_spiked(&mut b, &nn.now(t));
        }
        let post = Trace::default();
        let gain_all = all.on_post(0.5, &a, &post, &all.now(10)) - 0.5;
        let gain_nn = nn.on_post(0.5, &b, &post, &nn.now(10)) - 0.5;
        let first = (-10.0 * 1e-4 / 20e-3f64).exp();
        assert!((gain_all as f64 - 0.01 * (1.0 + first)).abs() < 1e-7);
        assert!((gain_nn as f64 - 0.01).abs() < 1e-7);
    }
}
