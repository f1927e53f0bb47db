//! Adaptive exponential integrate-and-fire neuron with exponential synaptic conductances
//! (`adex`): Brette & Gerstner (2005), as NEST's `aeif_cond_exp`.
//!
//! ```text
//! c_m dV/dt = -g_l (V - e_l) + g_l delta_t exp((V - v_t) / delta_t) - w
//!             + g_exc (e_exc - V) + g_inh (e_inh - V) + i_e + I_ext
//! tau_w dw/dt = a (V - e_l) - w
//! dg_exc/dt = -g_exc / tau_syn_exc,   dg_inh/dt = -g_inh / tau_syn_inh
//! if V ≥ v_peak:  V <- v_reset,  w <- w + b,  V held at v_reset for t_ref
//! ```
//! A spike of weight w (a conductance) at receptor `exc` (`inh`) adds it to g_exc (g_inh)
//! after the step, as in NEST. With `delta_t` = 0 the exponential term vanishes and the
//! neuron fires when V reaches `v_t` (NEST's convention). During the refractory period V
//! is clamped to `v_reset` while w and the conductances evolve (with V = v_reset).
//!
//! Integration. The conductances decay exactly; (V, w) are advanced with the classical
//! fourth-order Runge–Kutta method, with g_exc and g_inh evaluated exactly at each
//! stage's time. Each step of `dt` is covered by substeps whose length adapts to the
//! dynamics, a Runge–Kutta step being at most:
//! - the rest of the step (so far from threshold there is one substep per step);
//! - the time for V to move by delta_t / 2 at its current rate (so the upstroke of a spike,
//!   where the exponential term grows e-fold every delta_t, takes about twenty substeps);
//! - 1 / |∂(dV/dt)/∂V| (so stiff phases, e.g. large synaptic conductances, stay stable).
//!
//! As in NEST, V is bounded by `v_peak` inside the equations (`min(V, v_peak)`), so the
//! exponential can neither overflow nor make a substep diverge; `check` rejects
//! parameters for which exp((v_peak - v_t) / delta_t) itself would overflow. A spike is
//! detected at the end of the substep in which V reaches `v_peak`; with `t_ref` = 0 the
//! integration continues from the reset within the same step. A neuron reports at most
//! one spike per step. The state is f64: near threshold the exponential amplifies
//! errors in V, and the adaptive substeps are short there.
//!
//! Initial state: V = `e_l`, w = 0, g = 0 (NEST's).
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `c_m` | 281 pF | membrane capacitance |
//! | `g_l` | 30 nS | leak conductance |
//! | `e_l` | -70.6 mV | leak reversal (resting) potential |
//! | `v_t` | -50.4 mV | exponential threshold V_T (NEST `V_th`) |
//! | `delta_t` | 2 mV | slope factor Δ_T |
//! | `tau_w` | 144 ms | adaptation time constant |
//! | `a` | 4 nS | subthreshold adaptation |
//! | `b` | 80.5 pA | spike-triggered adaptation |
//! | `v_reset` | -60 mV | reset potential |
//! | `v_peak` | 0 mV | spike cutoff |
//! | `t_ref` | 0 ms | refractory period |
//! | `e_exc` | 0 mV | excitatory reversal potential |
//! | `e_inh` | -85 mV | inhibitory reversal potential |
//! | `tau_syn_exc` | 0.2 ms | excitatory conductance time constant |
//! | `tau_syn_inh` | 2 ms | inhibitory conductance time constant |
//! | `i_e` | 0 pA | constant injected current |
//!
//! Defaults are NEST's `aeif_cond_exp` defaults (NEST's `V_reset` is -60 mV; Brette &
//! Gerstner reset to E_L = -70.6 mV).
//!
//! References: R. Brette & W. Gerstner (2005), "Adaptive exponential integrate-and-fire
//! model as an effective description of neuronal activity", J Neurophysiol 94:3637-3642;
//! NEST `aeif_cond_exp`.

use engram_model::{Dim, KindSpec, Params, StateSpec};

use super::{conductance_weights, q, si_weights, BuildCtx, Neuron, NeuronModel};

static SPEC: KindSpec = KindSpec {
    name: "adex",
    doc: "adaptive exponential integrate-and-fire, conductance synapses (Brette & Gerstner 2005; NEST aeif_cond_exp)",
    params: &[
        q("c_m", Dim::CAPACITANCE, 281e-12, "membrane capacitance"),
        q("g_l", Dim::CONDUCTANCE, 30e-9, "leak conductance"),
        q("e_l", Dim::VOLTAGE, -70.6e-3, "leak reversal (resting) potential"),
        q("v_t", Dim::VOLTAGE, -50.4e-3, "exponential threshold V_T"),
        q("delta_t", Dim::VOLTAGE, 2e-3, "slope factor Δ_T"),
        q("tau_w", Dim::TIME, 144e-3, "adaptation time constant"),
        q("a", Dim::CONDUCTANCE, 4e-9, "subthreshold adaptation"),
        q("b", Dim::CURRENT, 80.5e-12, "spike-triggered adaptation"),
        q("v_reset", Dim::VOLTAGE, -60e-3, "reset potential"),
        q("v_peak", Dim::VOLTAGE, 0.0, "spike cutoff"),
        q("t_ref", Dim::TIME, 0.0, "refractory period"),
        q("e_exc", Dim::VOLTAGE, 0.0, "excitatory reversal potential"),
        q("e_inh", Dim::VOLTAGE, -85e-3, "inhibitory reversal potential"),
        q("tau_syn_exc", Dim::TIME, 0.2e-3, "excitatory conductance time constant"),
        q("tau_syn_inh", Dim::TIME, 2e-3, "inhibitory conductance time constant"),
        q("i_e", Dim::CURRENT, 0.0, "constant injected current"),
    ],
    state: &[
        StateSpec { name: "v", dim: Dim::VOLTAGE, doc: "membrane potential" },
        StateSpec { name: "w", dim: Dim::CURRENT, doc: "adaptation current" },
        StateSpec { name: "g_exc", dim: Dim::CONDUCTANCE, doc: "excitatory synaptic conductance" },
        StateSpec { name: "g_inh", dim: Dim::CONDUCTANCE, doc: "inhibitory synaptic conductance" },
    ],
    receptors: &["exc", "inh"],
    weight_dims: conductance_weights,
    accepts_input: true,
    check,
    per_neuron: &[],
    weight_refusal: engram_model::no_refusal,
};

/// The registry entry. Weights are conductances, kept in siemens.
pub static MODEL: NeuronModel = NeuronModel { spec: &SPEC, build, weight_scale: si_weights };

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    super::require_positive(p, &["c_m", "tau_w", "tau_syn_exc", "tau_syn_inh"])?;
    if p.f("g_l") < 0.0 {
        return Err(("g_l", "expected a conductance ≥ 0".into()));
    }
    if p.f("t_ref") < 0.0 {
        return Err(("t_ref", "expected a refractory period ≥ 0".into()));
    }
    let delta_t = p.f("delta_t");
    if delta_t < 0.0 {
        return Err(("delta_t", "expected a slope factor ≥ 0".into()));
    }
    if p.f("v_peak") < p.f("v_t") {
        return Err(("v_peak", "expected v_peak ≥ v_t".into()));
    }
    if p.f("v_reset") >= p.f("v_peak") {
        return Err(("v_reset", "expected v_reset below v_peak".into()));
    }
    // As NEST: keep a margin of 1e20 below f64::MAX for the spike-time exponential.
    if delta_t > 0.0 && (p.f("v_peak") - p.f("v_t")) / delta_t >= (f64::MAX / 1e20).ln() {
        return Err((
            "delta_t",
            "exp((v_peak - v_t) / delta_t) would overflow at spike time: increase delta_t or lower v_peak".into(),
        ));
    }
    Ok(())
}

/// Shortest substep (s), so that a step always ends.
const MIN_SUBSTEP: f64 = 1e-9;

struct AdEx {
    v: Vec<f64>,
    w: Vec<f64>,
    /// Conductances (S) of `exc`, `inh`.
    g: [Vec<f64>; 2],
    refractory: Vec<u32>,
    dt: f64,
    tau_syn: [f64; 2],
    /// `exp(-dt / tau_syn)` and `exp(-dt / (2 tau_syn))` per receptor.
    decay_full: [f64; 2],
    decay_half: [f64; 2],
    c_m: f64,
    g_l: f64,
    e_l: f64,
    v_t: f64,
    delta_t: f64,
    tau_w: f64,
    a: f64,
    b: f64,
    v_reset: f64,
    /// Cutoff inside the equations (`v_peak`) and spike threshold (`v_peak`, or `v_t`
    /// when `delta_t` = 0).
    v_peak: f64,
    v_spike: f64,
    /// Largest change of V per substep (V).
    dv_max: f64,
    ref_steps: u32,
    e_rev: [f64; 2],
    i_e: f64,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let dt = ctx.dt;
    let tau_syn = [p.f("tau_syn_exc"), p.f("tau_syn_inh")];
    let e_l = p.f("e_l");
    let delta_t = p.f("delta_t");
    Box::new(AdEx {
        v: vec![e_l; n],
        w: vec![0.0; n],
        g: [vec![0.0; n], vec![0.0; n]],
        refractory: vec![0; n],
        dt,
        tau_syn,
        decay_full: tau_syn.map(|t| (-dt / t).exp()),
        decay_half: tau_syn.map(|t| (-0.5 * dt / t).exp()),
        c_m: p.f("c_m"),
        g_l: p.f("g_l"),
        e_l,
        v_t: p.f("v_t"),
        delta_t,
        tau_w: p.f("tau_w"),
        a: p.f("a"),
        b: p.f("b"),
        v_reset: p.f("v_reset"),
        v_peak: p.f("v_peak"),
        v_spike: if delta_t > 0.0 { p.f("v_peak") } else { p.f("v_t") },
        dv_max: if delta_t > 0.0 { 0.5 * delta_t } else { 1e-3 },
        ref_steps: (p.f("t_ref") / dt).round() as u32,
        e_rev: [p.f("e_exc"), p.f("e_inh")],
        i_e: p.f("i_e"),
    })
}

impl AdEx {
    /// (dV/dt, dw/dt, ∂(dV/dt)/∂V) at V (bounded by `v_peak`), w, conductances `ge`,
    /// `gi` and injected current `i`.
    fn derivative(&self, v: f64, w: f64, ge: f64, gi: f64, i: f64) -> (f64, f64, f64) {
        let v = v.min(self.v_peak);
        let spike = if self.delta_t > 0.0 { self.g_l * ((v - self.v_t) / self.delta_t).exp() } else { 0.0 };
        let [e_exc, e_inh] = self.e_rev;
        let i_m = -self.g_l * (v - self.e_l) + spike * self.delta_t - w + ge * (e_exc - v) + gi * (e_inh - v) + i;
        let slope = (spike - self.g_l - ge - gi) / self.c_m;
        (i_m / self.c_m, (self.a * (v - self.e_l) - w) / self.tau_w, slope)
    }

    /// Advances neuron state (v, w, g) over one step of `dt` with injected current `i`;
    /// returns whether it fired. `refractory` is the count of refractory steps left.
    fn advance(&self, v: &mut f64, w: &mut f64, g: &mut [f64; 2], refractory: &mut u32, i: f64) -> bool {
        let mut fired = false;
        let mut left = self.dt;
        while left > 0.0 {
            if *refractory > 0 {
                // V clamped: w relaxes exactly towards a (v_reset - e_l); g decays.
                let w_inf = self.a * (self.v_reset - self.e_l);
                *w = w_inf + (*w - w_inf) * (-left / self.tau_w).exp();
                for (r, g) in g.iter_mut().enumerate() {
                    *g *= if left == self.dt { self.decay_full[r] } else { (-left / self.tau_syn[r]).exp() };
                }
                *v = self.v_reset;
                break;
            }
            let (k1v, k1w, slope) = self.derivative(*v, *w, g[0], g[1], i);
            let mut h = left;
            if k1v != 0.0 {
                h = h.min(self.dv_max / k1v.abs());
            }
            if slope != 0.0 {
                h = h.min(1.0 / slope.abs());
            }
            h = h.max(MIN_SUBSTEP.min(left));
            let (half, full) = if h == self.dt {
                (self.decay_half, self.decay_full)
            } else {
                let half = [(-0.5 * h / self.tau_syn[0]).exp(), (-0.5 * h / self.tau_syn[1]).exp()];
                (half, [half[0] * half[0], half[1] * half[1]])
            };
            let (ge2, gi2) = (g[0] * half[0], g[1] * half[1]);
            let (ge4, gi4) = (g[0] * full[0], g[1] * full[1]);
            let (k2v, k2w, _) = self.derivative(*v + 0.5 * h * k1v, *w + 0.5 * h * k1w, ge2, gi2, i);
            let (k3v, k3w, _) = self.derivative(*v + 0.5 * h * k2v, *w + 0.5 * h * k2w, ge2, gi2, i);
            let (k4v, k4w, _) = self.derivative(*v + h * k3v, *w + h * k3w, ge4, gi4, i);
            *v += h / 6.0 * (k1v + 2.0 * (k2v + k3v) + k4v);
            *w += h / 6.0 * (k1w + 2.0 * (k2w + k3w) + k4w);
            *g = [ge4, gi4];
            left = if h >= left { 0.0 } else { left - h };
            if *v >= self.v_spike {
                *v = self.v_reset;
                *w += self.b;
                fired = true;
                if self.ref_steps > 0 {
                    // Clamped for the rest of this step, then for `t_ref`.
                    *refractory = self.ref_steps + 1;
                }
            }
        }
        if *refractory > 0 {
            *refractory -= 1;
        }
        fired
    }
}

impl Neuron for AdEx {
    fn len(&self) -> usize {
        self.v.len()
    }

    fn step(&mut self, _step: u64, input: &mut [f32], i_ext: f64, spiked: &mut Vec<u32>) {
        let n = self.v.len();
        let (in_exc, in_inh) = input.split_at(n);
        let i = self.i_e + i_ext;
        for k in 0..n {
            let (mut v, mut w, mut refractory) = (self.v[k], self.w[k], self.refractory[k]);
            let mut g = [self.g[0][k], self.g[1][k]];
            let fired = self.advance(&mut v, &mut w, &mut g, &mut refractory, i);
            self.v[k] = v;
            self.w[k] = w;
            self.refractory[k] = refractory;
            self.g[0][k] = g[0] + in_exc[k] as f64;
            self.g[1][k] = g[1] + in_inh[k] as f64;
            if fired {
                spiked.push(k as u32);
            }
        }
    }

    fn get(&self, var: usize, i: usize) -> f64 {
        match var {
            0 => self.v[i],
            1 => self.w[i],
            r => self.g[r - 2][i],
        }
    }

    fn set(&mut self, var: usize, i: usize, value: f64) {
        match var {
            0 => self.v[i] = value,
            1 => self.w[i] = value,
            r => self.g[r - 2][i] = value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{ctx, intervals, params, run};
    use super::*;

    /// Spike times (s) in 1 s under constant current `i`, from the initial state.
    fn simulate(p: &Params, dt: f64, i: f64) -> Vec<f64> {
        let mut neuron = (MODEL.build)(p, 1, &ctx(dt));
        let spikes = run(neuron.as_mut(), 2, (1.0 / dt).round() as u64, |_| i);
        spikes[0].iter().map(|&k| (k + 1) as f64 * dt).collect()
    }

    /// Reference: forward Euler in f64 at a 1 µs step of the same equations (V bounded
    /// by v_peak inside them, as NEST), no synapses, t_ref = 0; spike times (s) in 1 s.
    fn reference(p: &Params, i: f64) -> Vec<f64> {
        let (c_m, g_l, e_l, v_t, delta_t) = (p.f("c_m"), p.f("g_l"), p.f("e_l"), p.f("v_t"), p.f("delta_t"));
        let (tau_w, a, b, v_reset, v_peak) = (p.f("tau_w"), p.f("a"), p.f("b"), p.f("v_reset"), p.f("v_peak"));
        let h = 1e-6;
        let (mut v, mut w) = (e_l, 0.0f64);
        let mut spikes = Vec::new();
        for k in 0..1_000_000u64 {
            let vc = v.min(v_peak);
            let dv = (-g_l * (vc - e_l) + g_l * delta_t * ((vc - v_t) / delta_t).exp() - w + i) / c_m;
            let dw = (a * (vc - e_l) - w) / tau_w;
            v += h * dv;
            w += h * dw;
            if v >= v_peak {
                v = v_reset;
                w += b;
                spikes.push((k + 1) as f64 * h);
            }
        }
        spikes
    }

    #[test]
    fn rests_without_input() {
        let p = params(&SPEC, &[]);
        let mut neuron = (MODEL.build)(&p, 1, &ctx(1e-4));
        let spikes = run(neuron.as_mut(), 2, 10_000, |_| 0.0);
        assert!(spikes[0].is_empty());
        // The exponential term shifts the fixed point above e_l by a few nV only.
        assert!((neuron.get(0, 0) - p.f("e_l")).abs() < 1e-5, "v = {}", neuron.get(0, 0));
        assert!(neuron.get(1, 0).abs() < 1e-14, "w = {}", neuron.get(1, 0));
    }

    #[test]
    fn isis_adapt_and_converge() {
        let dt = 1e-4;
        let spikes = simulate(&params(&SPEC, &[]), dt, 1e-9);
        let isi = intervals(&spikes);
        assert!(isi.len() > 10, "{} spikes", spikes.len());
        // Lengthening (to within the step) ...
        assert!(isi.windows(2).all(|w| w[1] >= w[0] - 1.5 * dt), "ISIs {isi:?}");
        assert!(isi[0] < 0.5 * isi[isi.len() - 1], "ISIs {isi:?}");
        // ... to a steady value: the last five agree to within the step.
        let tail = &isi[isi.len() - 5..];
        let (lo, hi) = tail.iter().fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
        assert!(hi - lo <= 1.5 * dt, "ISIs {isi:?}");
    }

    #[test]
    fn spike_counts_match_a_fine_euler_reference() {
        // Reference counts (1 µs Euler): 17 spikes at 0.8 nA, 32 at 1 nA, 67 at 1.5 nA.
        let p = params(&SPEC, &[]);
        for i in [0.8e-9, 1e-9, 1.5e-9] {
            let reference = reference(&p, i);
            for dt in [1e-5, 1e-4, 1e-3] {
                let spikes = simulate(&p, dt, i);
                assert!(
                    spikes.len().abs_diff(reference.len()) <= 1,
                    "I = {i} A, dt = {dt} s: {} spikes, reference {}",
                    spikes.len(),
                    reference.len()
                );
                assert!(
                    (spikes[0] - reference[0]).abs() <= dt + 1e-4,
                    "first spike {} s vs {} s",
                    spikes[0],
                    reference[0]
                );
            }
        }
    }

    #[test]
    fn refractory_period_clamps_v() {
        let dt = 1e-4;
        let p = params(&SPEC, &[("t_ref", 2e-3)]);
        let mut neuron = (MODEL.build)(&p, 1, &ctx(dt));
        let mut spiked = Vec::new();
        let mut first = None;
        for step in 0..2000u64 {
            spiked.clear();
            neuron.step(step, &mut [0.0, 0.0], 2e-9, &mut spiked);
            match first {
                None if !spiked.is_empty() => first = Some(step),
                Some(s) if step <= s + 20 => {
                    assert_eq!(neuron.get(0, 0), p.f("v_reset"), "step {step}")
                }
                Some(s) if step == s + 21 => assert!(neuron.get(0, 0) > p.f("v_reset")),
                _ => {}
            }
        }
        assert!(first.is_some());
    }

    #[test]
    fn huge_inputs_stay_finite() {
        let p = params(&SPEC, &[]);
        let mut neuron = (MODEL.build)(&p, 2, &ctx(1e-4));
        let mut spiked = Vec::new();
        // 1 µS of excitation onto neuron 0, 1 µS of inhibition onto neuron 1.
        neuron.step(0, &mut [1e-6, 0.0, 0.0, 1e-6], 0.0, &mut spiked);
        let mut fired = false;
        for step in 1..100 {
            spiked.clear();
            neuron.step(step, &mut [0.0; 4], 0.0, &mut spiked);
            fired |= spiked.contains(&0);
            for k in 0..2 {
                assert!(neuron.get(0, k).is_finite() && neuron.get(1, k).is_finite());
                assert!(neuron.get(0, k) <= p.f("v_peak") && neuron.get(0, k) >= p.f("e_inh") - 1e-6);
            }
        }
        assert!(fired);
        assert!(neuron.get(0, 1) < p.f("e_l"));
    }

    #[test]
    fn conductance_decays_exactly() {
        let dt = 1e-4;
        let p = params(&SPEC, &[]);
        let mut neuron = (MODEL.build)(&p, 1, &ctx(dt));
        let mut spiked = Vec::new();
        neuron.step(0, &mut [0.0, 2e-9], 0.0, &mut spiked);
        for k in 1..=30u32 {
            neuron.step(k as u64, &mut [0.0, 0.0], 0.0, &mut spiked);
            let expected = 2e-9f32 as f64 * (-(k as f64) * dt / p.f("tau_syn_inh")).exp();
            assert!((neuron.get(3, 0) - expected).abs() < 1e-12 * expected);
        }
    }

    #[test]
    fn check_rejects_bad_parameters() {
        assert!(check(&params(&SPEC, &[])).is_ok());
        assert_eq!(check(&params(&SPEC, &[("c_m", 0.0)])).unwrap_err().0, "c_m");
        assert_eq!(check(&params(&SPEC, &[("tau_w", -1.0)])).unwrap_err().0, "tau_w");
        assert_eq!(check(&params(&SPEC, &[("v_peak", -60e-3)])).unwrap_err().0, "v_peak");
        assert_eq!(check(&params(&SPEC, &[("v_reset", 10e-3)])).unwrap_err().0, "v_reset");
        assert_eq!(check(&params(&SPEC, &[("delta_t", 1e-6)])).unwrap_err().0, "delta_t");
        assert_eq!(check(&params(&SPEC, &[("delta_t", -1e-3)])).unwrap_err().0, "delta_t");
    }
}
