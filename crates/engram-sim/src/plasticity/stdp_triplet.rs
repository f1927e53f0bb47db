//! Triplet spike-timing-dependent plasticity (`stdp_triplet`), Pfister & Gerstner 2006.
//!
//! Each presynaptic neuron carries two traces, `r1` (time constant `tau_plus`) and `r2`
//! (`tau_x`); each postsynaptic neuron two, `o1` (`tau_minus`) and `o2` (`tau_y`). With
//! amplitudes as fractions of the weight range `w_max − w_min`:
//!
//! ```text
//! presynaptic spike at t:   w ← w − o1(t) [A2_minus + A3_minus r2(t − ε)]   then r1 ← r1 + 1, r2 ← r2 + 1
//! postsynaptic spike at t:  w ← w + r1(t) [A2_plus  + A3_plus  o2(t − ε)]   then o1 ← o1 + 1, o2 ← o2 + 1
//! ```
//!
//! `t − ε` means the value just before the spike's own jump. `w` is clipped to
//! `[w_min, w_max]`. For a single pair the rule is pair STDP with amplitudes `A2_plus`,
//! `A2_minus`; the triplet terms make potentiation grow with the postsynaptic rate, which
//! gives the frequency dependence of Sjöström et al. (2001): at Δt = −10 ms pairs
//! depress at low pairing frequencies and potentiate above about 40 Hz.
//!
//! `pairing = "all_to_all"` adds 1 to every trace at a spike; `"nearest"` sets it to 1
//! (the paper's nearest-spike model). `parameters` picks one of the paper's fitted sets
//! (Table 4 of Pfister & Gerstner 2006; τ₊ = 16.8 ms and τ₋ = 33.7 ms in all of them);
//! any amplitude or time constant given explicitly overrides it:
//!
//! | `parameters` | `tau_x` | `tau_y` | `A2_plus` | `A3_plus` | `A2_minus` | `A3_minus` |
//! |---|---|---|---|---|---|---|
//! | `visual_cortex_all_to_all` (default) | 101 ms | 125 ms | 5e-10 | 6.2e-3 | 7e-3 | 2.3e-4 |
//! | `visual_cortex_nearest` | 714 ms | 40 ms | 8.8e-11 | 5.3e-2 | 6.6e-3 | 3.1e-3 |
//! | `hippocampal_all_to_all` | 946 ms | 27 ms | 6.1e-3 | 6.7e-3 | 1.6e-3 | 1.4e-3 |
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau_plus` | 16.8 ms | time | decay of `r1` |
//! | `tau_minus` | 33.7 ms | time | decay of `o1` |
//! | `tau_x`, `tau_y` | from `parameters` | time | decay of `r2`, `o2` |
//! | `A2_plus`, `A3_plus`, `A2_minus`, `A3_minus` | from `parameters` | 1 | amplitudes, fractions of `w_max − w_min` |
//! | `pairing` | `all_to_all` | | `all_to_all` or `nearest` |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! Spike times are somatic and same-step pre/post spikes count as Δt = 0, as for
//! [`super::stdp_pair`].
//!
//! Reference: J.-P. Pfister, W. Gerstner (2006) "Triplets of spikes in a model of spike
//! timing-dependent plasticity", J Neurosci 26:9673; P. J. Sjöström, G. G. Turrigiano,
//! S. B. Nelson (2001) Neuron 32:1149.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{Decay, TimeConstant, Trace};
use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "stdp_triplet",
    doc: "triplet STDP with the fitted parameter sets of Pfister & Gerstner (2006)",
    params: &[
        ParamSpec { name: "tau_plus", kind: P::Quantity(Dim::TIME, D::Value(16.8e-3)), doc: "decay of r1" },
        ParamSpec { name: "tau_minus", kind: P::Quantity(Dim::TIME, D::Value(33.7e-3)), doc: "decay of o1" },
        ParamSpec { name: "tau_x", kind: P::Quantity(Dim::TIME, D::Derived), doc: "decay of r2" },
        ParamSpec { name: "tau_y", kind: P::Quantity(Dim::TIME, D::Derived), doc: "decay of o2" },
        ParamSpec { name: "A2_plus", kind: P::Number(D::Derived), doc: "pair potentiation" },
        ParamSpec { name: "A3_plus", kind: P::Number(D::Derived), doc: "triplet potentiation" },
        ParamSpec { name: "A2_minus", kind: P::Number(D::Derived), doc: "pair depression" },
        ParamSpec { name: "A3_minus", kind: P::Number(D::Derived), doc: "triplet depression" },
        ParamSpec { name: "pairing", kind: P::Choice(&["all_to_all", "nearest"]), doc: "which spikes pair" },
        ParamSpec {
            name: "parameters",
            kind: P::Choice(&["visual_cortex_all_to_all", "visual_cortex_nearest", "hippocampal_all_to_all"]),
            doc: "fitted parameter set of the paper",
        },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

/// `(tau_x, tau_y, A2_plus, A3_plus, A2_minus, A3_minus)` of a named set (Table 4).
fn preset(name: &str) -> [f64; 6] {
    match name {
        "visual_cortex_nearest" => [714e-3, 40e-3, 8.8e-11, 5.3e-2, 6.6e-3, 3.1e-3],
        "hippocampal_all_to_all" => [946e-3, 27e-3, 6.1e-3, 6.7e-3, 1.6e-3, 1.4e-3],
        _ => [101e-3, 125e-3, 5e-10, 6.2e-3, 7e-3, 2.3e-4],
    }
}

const KEYS: [&str; 6] = ["tau_x", "tau_y", "A2_plus", "A3_plus", "A2_minus", "A3_minus"];

/// The value of `KEYS[i]`: given explicitly, or from the named set.
fn value(p: &Params, i: usize) -> f64 {
    p.get(KEYS[i]).unwrap_or(preset(p.choice("parameters"))[i])
}

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    for (i, k) in ["tau_plus", "tau_minus"].into_iter().chain(KEYS[..2].iter().copied()).enumerate() {
        let v = if i < 2 { p.f(k) } else { value(p, i - 2) };
        if v <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    for (i, k) in KEYS.iter().enumerate().skip(2) {
        if value(p, i) < 0.0 {
            return Err((k, "expected an amplitude ≥ 0 (the sign is fixed by the rule)".into()));
        }
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    Ok(())
}

/// Triplet STDP in engine units.
#[derive(Clone, Debug)]
pub struct StdpTriplet {
    tau: [TimeConstant; 4],
    /// A2₊, A3₊, A2₋, A3₋ times the weight range.
    a2_plus: f64,
    a3_plus: f64,
    a2_minus: f64,
    a3_minus: f64,
    w_min: f64,
    w_max: f64,
    nearest: bool,
}

/// `r1, r2` of a presynaptic or `o1, o2` of a postsynaptic neuron.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pair {
    fast: Trace,
    slow: Trace,
}

/// Decays of τ₊, τₓ, τ₋, τᵧ at one step.
#[derive(Clone, Copy, Debug)]
pub struct Now([Decay; 4]);

impl StdpTriplet {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> StdpTriplet {
        let (w_min, w_max) = (p.f("w_min") * scale, p.f("w_max") * scale);
        let range = w_max - w_min;
        let tc = |tau: f64| TimeConstant::new(tau, dt);
        StdpTriplet {
            tau: [tc(p.f("tau_plus")), tc(value(p, 0)), tc(p.f("tau_minus")), tc(value(p, 1))],
            a2_plus: value(p, 2) * range,
            a3_plus: value(p, 3) * range,
            a2_minus: value(p, 4) * range,
            a3_minus: value(p, 5) * range,
            w_min,
            w_max,
            nearest: p.choice("pairing") == "nearest",
        }
    }

    fn bump(&self, t: &mut Pair, fast: &Decay, slow: &Decay) {
        if self.nearest {
            t.fast.reset(fast, 1.0);
            t.slow.reset(slow, 1.0);
        } else {
            t.fast.add(fast, 1.0);
            t.slow.add(slow, 1.0);
        }
    }
}

impl TraceRule for StdpTriplet {
    type Pre = Pair;
    type Post = Pair;
    type Now = Now;

    fn now(&self, steps: u64) -> Now {
        Now(self.tau.map(|t| t.decay(steps)))
    }

    fn rebase_steps(&self) -> u64 {
        self.tau.iter().map(TimeConstant::rebase_steps).min().expect("four time constants")
    }

    fn rebase(&self, pre: &mut [Pair], post: &mut [Pair], now: &Now) {
        for x in pre {
            x.fast.rebase(&now.0[0]);
            x.slow.rebase(&now.0[1]);
        }
        for x in post {
            x.fast.rebase(&now.0[2]);
            x.slow.rebase(&now.0[3]);
        }
    }

    #[inline(always)]
    fn on_pre(&self, w: f32, pre: &Pair, post: &Pair, now: &Now) -> f32 {
        let depression = post.fast.at(&now.0[2]) * (self.a2_minus + self.a3_minus * pre.slow.at(&now.0[1]));
        (w as f64 - depression).clamp(self.w_min, self.w_max) as f32
    }

    fn pre_spiked(&self, pre: &mut Pair, now: &Now) {
        self.bump(pre, &now.0[0], &now.0[1]);
    }

    #[inline(always)]
    fn on_post(&self, w: f32, pre: &Pair, post: &Pair, now: &Now) -> f32 {
        let potentiation = pre.fast.at(&now.0[0]) * (self.a2_plus + self.a3_plus * post.slow.at(&now.0[3]));
        (w as f64 + potentiation).clamp(self.w_min, self.w_max) as f32
    }

    fn post_spiked(&self, post: &mut Pair, now: &Now) {
        self.bump(post, &now.0[2], &now.0[3]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    fn rule(set: &str, pairing: &str) -> StdpTriplet {
        let mut p = Params::default();
        for (k, v) in [("tau_plus", 16.8e-3), ("tau_minus", 33.7e-3), ("w_max", 100.0), ("w_min", -100.0)] {
            p.insert(k, ParamValue::Scalar(v));
        }
        p.insert("parameters", ParamValue::Choice(set.into()));
        p.insert("pairing", ParamValue::Choice(pairing.into()));
        // The set's amplitudes, scaled down so that 60 pairings stay far from the
        // bounds; the rule is linear in them, and `pairing_protocol` scales back.
        for (i, k) in KEYS.iter().enumerate().skip(2) {
            p.insert(k, ParamValue::Scalar(preset(set)[i] / SHRINK));
        }
        StdpTriplet::new(&p, 1.0, 1e-4)
    }

    const SHRINK: f64 = 10.0;

    /// Weight change (in units of the range) after `n` pairings at `freq` Hz with
    /// post − pre = `delta_steps`, the protocol of Sjöström et al. (2001).
    fn pairing_protocol(r: &StdpTriplet, delta_steps: i64, freq: f64, n: usize) -> f64 {
        let period = (1e4 / freq).round() as i64;
        let mut events = Vec::new();
        for k in 0..n as i64 {
            let t_pre = 10_000 + k * period;
            events.push((t_pre as u64, true));
            events.push(((t_pre + delta_steps) as u64, false));
        }
        events.sort_by_key(|&(t, is_pre)| (t, !is_pre));
        let (mut pre, mut post, mut w) = (Pair::default(), Pair::default(), 0f32);
        let mut t_ref = 0;
        for (t, is_pre) in events {
            // Move the traces' reference over long gaps, as the engine does.
            if t - t_ref > r.rebase_steps() {
                r.rebase(std::slice::from_mut(&mut pre), std::slice::from_mut(&mut post), &r.now(t - t_ref));
                t_ref = t;
            }
            let now = r.now(t - t_ref);
            if is_pre {
                w = r.on_pre(w, &pre, &post, &now);
                r.pre_spiked(&mut pre, &now);
            } else {
                w = r.on_post(w, &pre, &post, &now);
                r.post_spiked(&mut post, &now);
            }
        }
        w as f64 / 200.0 * SHRINK
    }

    /// One pair gives the pair window with the A2 amplitudes (the triplet terms need a
    /// second spike of the same neuron).
    #[test]
    fn one_pair_gives_the_pair_window() {
        let r = rule("hippocampal_all_to_all", "all_to_all");
        for (delta, expected) in
            [(100i64, 6.1e-3 * (-0.01f64 / 16.8e-3).exp()), (-100, -1.6e-3 * (-0.01f64 / 33.7e-3).exp())]
        {
            let got = pairing_protocol(&r, delta, 0.1, 1);
            assert!((got - expected).abs() < 1e-6, "Δt = {delta} steps: {got} vs {expected}");
        }
    }

    /// Pfister & Gerstner (2006) Fig. 4 (data of Sjöström et al. 2001): 60 pairings at
    /// Δt = ±10 ms. Pre-before-post potentiates more at higher frequency and hardly at
    /// 0.1 Hz; post-before-pre depresses at 0.1–20 Hz and potentiates at 40–50 Hz.
    /// Checked for both visual-cortex sets.
    #[test]
    fn frequency_dependence_has_the_papers_sign_pattern() {
        for (set, pairing) in [("visual_cortex_all_to_all", "all_to_all"), ("visual_cortex_nearest", "nearest")] {
            let r = rule(set, pairing);
            let freqs = [0.1, 10.0, 20.0, 40.0, 50.0];
            let plus: Vec<f64> = freqs.iter().map(|&f| pairing_protocol(&r, 100, f, 60)).collect();
            let minus: Vec<f64> = freqs.iter().map(|&f| pairing_protocol(&r, -100, f, 60)).collect();
            assert!(plus[0].abs() < 1e-6, "{set}: no change at 0.1 Hz, got {}", plus[0]);
            assert!(
                plus.windows(2).all(|w| w[1] > w[0]) && plus[1] > 0.05,
                "{set}: LTP growing with frequency {plus:?}"
            );
            assert!(minus[..3].iter().all(|&x| x < -0.1), "{set}: LTD at 0.1–20 Hz {minus:?}");
            assert!(minus[3..].iter().all(|&x| x > 0.1), "{set}: LTP at 40–50 Hz {minus:?}");
        }
    }
}
