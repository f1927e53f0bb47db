//! Leaky integrate-and-fire neuron with exponential synaptic conductances (`lif_cond`).
//!
//! ```text
//! c_m dV/dt = g_l (v_rest - V) + g_exc (e_exc - V) + g_inh (e_inh - V) + i_e + I_ext
//! dg_exc/dt = -g_exc / tau_syn_exc
//! dg_inh/dt = -g_inh / tau_syn_inh
//! ```
//! A spike of weight w (a conductance, `"6 nS"`) arriving at receptor `exc` (`inh`) adds
//! w to g_exc (g_inh). When V reaches `v_th` the neuron spikes, V is set to `v_reset` and
//! held there for `t_ref`; the conductances keep decaying and integrating input meanwhile.
//! This is the neuron of benchmark 1 (COBA) of Brette et al. (2007) and NEST's
//! `iaf_cond_exp`.
//!
//! Integration: V is advanced with the conductances held at their values at the start of
//! the step, which makes its equation linear with constant coefficients, solved exactly:
//! ```text
//! g_tot = g_l + g_exc + g_inh
//! V_inf = (g_l v_rest + g_exc e_exc + g_inh e_inh + i_e + I_ext) / g_tot
//! V    <- V_inf + (V - V_inf) exp(-g_tot dt / c_m)
//! ```
//! This is Brian2's `exponential_euler` (exact for V given constant g; its error comes
//! only from the decay of g within the step, O(dt²/tau_syn) per step). The conductances
//! decay exactly, `g <- g exp(-dt / tau_syn)`, then the weights arriving this step are
//! added, then the threshold is checked (NEST's order: input arriving at step k acts on V
//! from step k + 1). V and g are stored and updated in f32; the factor
//! `1 - exp(-g_tot dt / c_m)` comes from `fastmath::one_minus_exp_neg`, which keeps its
//! relative accuracy (3e-7) at small steps, where `1 - exp(..)` would cancel, and lets
//! the loop vectorise.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `c_m` | 200 pF | membrane capacitance |
//! | `g_l` | 10 nS | leak conductance (tau_m = c_m / g_l = 20 ms) |
//! | `v_rest` | -60 mV | leak reversal (resting) potential |
//! | `v_reset` | -60 mV | reset potential |
//! | `v_th` | -50 mV | threshold |
//! | `t_ref` | 5 ms | refractory period |
//! | `e_exc` | 0 mV | excitatory reversal potential |
//! | `e_inh` | -80 mV | inhibitory reversal potential |
//! | `tau_syn_exc` | 5 ms | excitatory conductance time constant |
//! | `tau_syn_inh` | 10 ms | inhibitory conductance time constant |
//! | `i_e` | 0 pA | constant injected current |
//! | `theta_target_rate`, `theta_eta`, `theta_tau`, `theta_interval` | off | adaptive threshold ([`super::adaptive_threshold`]) |
//!
//! Defaults are those of the COBA benchmark (Brette's Brian scripts for Brette et al.
//! 2007, a membrane of 20000 µm² with 1 µF/cm² and 5e-5 S/cm²); its synaptic weights
//! are 6 nS (exc) and 67 nS (inh).
//!
//! Every parameter but the adaptive threshold's may take a value per neuron (a `.npy`
//! file or a distribution, docs/model-file.md); the loop then reads each neuron's values
//! from arrays, and a uniform population keeps its scalar loop.
//!
//! References: R. Brette et al. (2007), "Simulation of networks of spiking neurons: a
//! review of tools and strategies", J Comput Neurosci 23:349-398; NEST `iaf_cond_exp`.

use engram_model::{no_refusal, Dim, KindSpec, Params, StateSpec};

use super::adaptive_threshold::{self, AdaptiveThreshold};
use super::per_neuron::{any_varies, values};
use super::{conductance_weights, q, si_weights, BuildCtx, Neuron, NeuronModel};
use crate::fastmath::one_minus_exp_neg;

static SPEC: KindSpec = KindSpec {
    name: "lif_cond",
    doc: "leaky integrate-and-fire, exponential conductance synapses (NEST iaf_cond_exp; Brette et al. 2007 COBA)",
    params: &[
        q("c_m", Dim::CAPACITANCE, 200e-12, "membrane capacitance"),
        q("g_l", Dim::CONDUCTANCE, 10e-9, "leak conductance"),
        q("v_rest", Dim::VOLTAGE, -60e-3, "leak reversal (resting) potential"),
        q("v_reset", Dim::VOLTAGE, -60e-3, "reset potential"),
        q("v_th", Dim::VOLTAGE, -50e-3, "spike threshold"),
        q("t_ref", Dim::TIME, 5e-3, "refractory period"),
        q("e_exc", Dim::VOLTAGE, 0.0, "excitatory reversal potential"),
        q("e_inh", Dim::VOLTAGE, -80e-3, "inhibitory reversal potential"),
        q("tau_syn_exc", Dim::TIME, 5e-3, "excitatory conductance time constant"),
        q("tau_syn_inh", Dim::TIME, 10e-3, "inhibitory conductance time constant"),
        q("i_e", Dim::CURRENT, 0.0, "constant injected current"),
        adaptive_threshold::TARGET_RATE,
        adaptive_threshold::ETA,
        adaptive_threshold::TAU,
        adaptive_threshold::INTERVAL,
    ],
    state: &[
        StateSpec { name: "v", dim: Dim::VOLTAGE, doc: "membrane potential" },
        StateSpec { name: "g_exc", dim: Dim::CONDUCTANCE, doc: "excitatory synaptic conductance" },
        StateSpec { name: "g_inh", dim: Dim::CONDUCTANCE, doc: "inhibitory synaptic conductance" },
    ],
    receptors: &["exc", "inh"],
    weight_dims: conductance_weights,
    accepts_input: true,
    check,
    per_neuron: &PER_NEURON,
    weight_refusal: no_refusal,
};

/// The parameters that may take a value per neuron.
const PER_NEURON: [&str; 11] =
    ["c_m", "g_l", "v_rest", "v_reset", "v_th", "t_ref", "e_exc", "e_inh", "tau_syn_exc", "tau_syn_inh", "i_e"];

/// The registry entry. Weights are conductances, kept in siemens.
pub static MODEL: NeuronModel = NeuronModel { spec: &SPEC, build, weight_scale: si_weights };

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    super::require_positive(p, &["c_m", "g_l", "tau_syn_exc", "tau_syn_inh"])?;
    super::require_above(p, "t_ref", 0.0, false, "expected a refractory period ≥ 0")?;
    super::require_below(p, "v_reset", "v_th", "expected v_reset below v_th")?;
    adaptive_threshold::check(p)
}

struct LifCond {
    v: Vec<f32>,
    /// Conductances (S) of the receptors `exc`, `inh`.
    g: [Vec<f32>; 2],
    refractory: Vec<u32>,
    /// 1 where the neuron fired in the current step (see `super::membrane`).
    fired: Vec<u8>,
    /// `exp(-dt / tau_syn)` per receptor.
    g_decay: [f32; 2],
    /// `dt / c_m` (V/C).
    dt_over_c: f64,
    g_l: f64,
    v_rest: f64,
    e_rev: [f64; 2],
    i_e: f64,
    v_th: f32,
    v_reset: f32,
    ref_steps: u32,
    /// The adaptive thresholds, when `theta_target_rate` is set.
    adaptive: Option<AdaptiveThreshold>,
    /// Every parameter per neuron, when one differs between neurons.
    per_neuron: Option<PerNeuron>,
    dt: f64,
}

/// The parameters of each neuron, in the form the loop uses (see [`Cell`]).
struct PerNeuron {
    /// `g_l v_rest + i_e` (A).
    drive: Vec<f64>,
    g_l: Vec<f32>,
    dt_over_c: Vec<f32>,
    e_rev: [Vec<f32>; 2],
    g_decay: [Vec<f32>; 2],
    v_th: Vec<f32>,
    v_reset: Vec<f32>,
    ref_steps: Vec<u32>,
}

impl PerNeuron {
    /// The values of `n` neurons, or `None` when every parameter has one value.
    fn new(p: &Params, n: usize, dt: f64) -> Option<PerNeuron> {
        if !any_varies(p, &PER_NEURON) {
            return None;
        }
        let v = |key: &str| values(p, key, n);
        let single = |key: &str| v(key).into_iter().map(|x| x as f32).collect::<Vec<f32>>();
        let decay = |key: &str| v(key).into_iter().map(|tau| (-dt / tau).exp() as f32).collect::<Vec<f32>>();
        let (g_l, v_rest, i_e) = (v("g_l"), v("v_rest"), v("i_e"));
        Some(PerNeuron {
            drive: (0..n).map(|i| g_l[i] * v_rest[i] + i_e[i]).collect(),
            g_l: single("g_l"),
            dt_over_c: v("c_m").into_iter().map(|c| (dt / c) as f32).collect(),
            e_rev: [single("e_exc"), single("e_inh")],
            g_decay: [decay("tau_syn_exc"), decay("tau_syn_inh")],
            v_th: single("v_th"),
            v_reset: single("v_reset"),
            ref_steps: v("t_ref").into_iter().map(|t| (t / dt).round() as u32).collect(),
        })
    }
}

/// What neuron `i` needs for one step: constants for a uniform population (so the loop
/// is the scalar one), array entries when a parameter differs between neurons.
#[derive(Clone, Copy)]
struct Cell {
    /// `g_l v_rest + i_e + I_ext` (A).
    leak: f32,
    g_l: f32,
    dt_over_c: f32,
    e_rev: [f32; 2],
    g_decay: [f32; 2],
    v_th: f32,
    v_reset: f32,
    ref_steps: u32,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let h = ctx.dt;
    let v_rest = p.f("v_rest");
    Box::new(LifCond {
        v: values(p, "v_rest", n).into_iter().map(|v| v as f32).collect(),
        g: [vec![0.0; n], vec![0.0; n]],
        refractory: vec![0; n],
        fired: vec![0; n],
        g_decay: [(-h / p.f("tau_syn_exc")).exp() as f32, (-h / p.f("tau_syn_inh")).exp() as f32],
        dt_over_c: h / p.f("c_m"),
        g_l: p.f("g_l"),
        v_rest,
        e_rev: [p.f("e_exc"), p.f("e_inh")],
        i_e: p.f("i_e"),
        v_th: p.f("v_th") as f32,
        v_reset: p.f("v_reset") as f32,
        ref_steps: (p.f("t_ref") / h).round() as u32,
        adaptive: AdaptiveThreshold::new(p, n, h),
        per_neuron: PerNeuron::new(p, n, h),
        dt: h,
    })
}

impl LifCond {
    /// Advances every neuron by one step, marking spikes in `fired`; `cell(i)` gives
    /// neuron i's values, and with `ADAPTIVE` its threshold is `v_th + θ`.
    #[inline(always)]
    fn integrate<const ADAPTIVE: bool>(&mut self, input: &mut [f32], cell: impl Fn(usize) -> Cell) {
        let n = self.v.len();
        let (in_exc, in_inh) = input.split_at_mut(n);
        let (in_exc, in_inh) = (&mut in_exc[..n], &mut in_inh[..n]);
        let theta = self.adaptive.as_ref().map_or(&[][..], |a| &a.theta[..]);
        let [g_exc, g_inh] = &mut self.g;
        let (g_exc, g_inh) = (&mut g_exc[..n], &mut g_inh[..n]);
        let (v, refractory, fired) = (&mut self.v[..n], &mut self.refractory[..n], &mut self.fired[..n]);
        for i in 0..n {
            let c = cell(i);
            let (ge, gi) = (g_exc[i], g_inh[i]);
            let g_tot = c.g_l + ge + gi;
            let v_inf = (c.leak + ge * c.e_rev[0] + gi * c.e_rev[1]) / g_tot;
            // Exponential Euler: V relaxes towards v_inf with rate g_tot / c_m over the step.
            let integrated = v[i] + (v_inf - v[i]) * one_minus_exp_neg(g_tot * c.dt_over_c);
            g_exc[i] = ge * c.g_decay[0] + std::mem::take(&mut in_exc[i]);
            g_inh[i] = gi * c.g_decay[1] + std::mem::take(&mut in_inh[i]);
            let threshold = if ADAPTIVE { c.v_th + theta[i] } else { c.v_th };
            super::membrane(
                &mut v[i],
                &mut refractory[i],
                &mut fired[i],
                integrated,
                threshold,
                c.v_reset,
                c.ref_steps,
            );
        }
    }

    /// [`LifCond::integrate`] with the cells of a uniform population or of one whose
    /// parameters differ between neurons.
    #[inline(always)]
    fn integrate_cells<const ADAPTIVE: bool>(&mut self, input: &mut [f32], i_ext: f64) {
        match self.per_neuron.take() {
            Some(h) => {
                // Cut to the shard's length, so that the loop needs no bounds checks.
                let n = self.v.len();
                let (drive, g_l, dt_over_c) = (&h.drive[..n], &h.g_l[..n], &h.dt_over_c[..n]);
                let (e_exc, e_inh, decay_exc, decay_inh) =
                    (&h.e_rev[0][..n], &h.e_rev[1][..n], &h.g_decay[0][..n], &h.g_decay[1][..n]);
                let (v_th, v_reset, ref_steps) = (&h.v_th[..n], &h.v_reset[..n], &h.ref_steps[..n]);
                self.integrate::<ADAPTIVE>(input, |i| Cell {
                    leak: (drive[i] + i_ext) as f32,
                    g_l: g_l[i],
                    dt_over_c: dt_over_c[i],
                    e_rev: [e_exc[i], e_inh[i]],
                    g_decay: [decay_exc[i], decay_inh[i]],
                    v_th: v_th[i],
                    v_reset: v_reset[i],
                    ref_steps: ref_steps[i],
                });
                self.per_neuron = Some(h);
            }
            None => {
                let cell = Cell {
                    leak: (self.g_l * self.v_rest + self.i_e + i_ext) as f32,
                    g_l: self.g_l as f32,
                    dt_over_c: self.dt_over_c as f32,
                    e_rev: self.e_rev.map(|e| e as f32),
                    g_decay: self.g_decay,
                    v_th: self.v_th,
                    v_reset: self.v_reset,
                    ref_steps: self.ref_steps,
                };
                self.integrate::<ADAPTIVE>(input, |_| cell);
            }
        }
    }
}

impl Neuron for LifCond {
    fn len(&self) -> usize {
        self.v.len()
    }

    fn step(&mut self, step: u64, input: &mut [f32], i_ext: f64, spiked: &mut Vec<u32>) {
        // Two copies of the loop, so a model without adaptive thresholds reads no θ.
        if self.adaptive.is_some() {
            self.integrate_cells::<true>(input, i_ext);
        } else {
            self.integrate_cells::<false>(input, i_ext);
        }
        let first = spiked.len();
        super::collect_fired(&self.fired, spiked);
        if let Some(a) = &mut self.adaptive {
            a.after_step(step, &spiked[first..], self.dt);
        }
    }

    fn clears_input(&self) -> bool {
        true
    }

    fn get(&self, var: usize, i: usize) -> f64 {
        match var {
            0 => self.v[i] as f64,
            r => self.g[r - 1][i] as f64,
        }
    }

    fn set(&mut self, var: usize, i: usize, value: f64) {
        match var {
            0 => self.v[i] = value as f32,
            r => self.g[r - 1][i] = value as f32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{ctx, intervals, params, run};
    use super::*;

    #[test]
    fn isi_under_constant_current_matches_the_closed_form() {
        // No synapses: tau dV/dt = -(V - V_inf), V_inf = v_rest + I / g_l, so from V_reset
        // the neuron reaches v_th after tau ln((V_inf - V_reset) / (V_inf - v_th)).
        // i_e = 150 pA plus 100 pA injected: V_inf = -60 mV + 250 pA / 10 nS = -35 mV.
        let dt = 1e-6;
        let p = params(&SPEC, &[("i_e", 150e-12)]);
        let mut neuron = (MODEL.build)(&p, 1, &ctx(dt));
        let spikes = run(neuron.as_mut(), 2, 100_000, |_| 100e-12);
        let (c_m, g_l, v_rest, v_reset, v_th, t_ref) =
            (p.f("c_m"), p.f("g_l"), p.f("v_rest"), p.f("v_reset"), p.f("v_th"), p.f("t_ref"));
        let v_inf = v_rest + (150e-12 + 100e-12) / g_l;
        let isi = t_ref + c_m / g_l * ((v_inf - v_reset) / (v_inf - v_th)).ln();
        let times: Vec<f64> = spikes[0].iter().map(|&s| s as f64 * dt).collect();
        let isis = intervals(&times);
        assert!(isis.len() >= 3, "expected several spikes in 100 ms, got {}", times.len());
        for d in &isis {
            assert!((d - isi).abs() / isi < 1e-3, "ISI {d} s, closed form {isi} s");
        }
    }

    #[test]
    fn conductance_decays_exponentially_with_tau_syn_exc() {
        let dt = 1e-4;
        let p = params(&SPEC, &[]);
        let tau = p.f("tau_syn_exc");
        let mut neuron = (MODEL.build)(&p, 2, &ctx(dt));
        let w = 6e-9f32;
        let mut spiked = Vec::new();
        // Neuron 1 receives the weight on `exc`; nothing arrives at `inh`.
        neuron.step(0, &mut [0.0, w, 0.0, 0.0], 0.0, &mut spiked);
        assert_eq!(neuron.get(1, 1), w as f64);
        for k in 1..=100u32 {
            neuron.step(k as u64, &mut [0.0; 4], 0.0, &mut spiked);
            let expected = w as f64 * (-(k as f64) * dt / tau).exp();
            let g = neuron.get(1, 1);
            assert!((g - expected).abs() <= 1e-5 * expected, "step {k}: g = {g}, expected {expected}");
            assert_eq!(neuron.get(1, 0), 0.0);
            assert_eq!(neuron.get(2, 1), 0.0);
        }
        assert!(spiked.is_empty());
    }

    #[test]
    fn excitatory_conductance_depolarises_and_inhibitory_hyperpolarises() {
        let p = params(&SPEC, &[]);
        let mut neuron = (MODEL.build)(&p, 2, &ctx(1e-4));
        let mut spiked = Vec::new();
        // Neuron 0 gets 6 nS excitation, neuron 1 67 nS inhibition (the COBA weights).
        neuron.step(0, &mut [6e-9, 0.0, 0.0, 67e-9], 0.0, &mut spiked);
        for k in 1..50 {
            neuron.step(k, &mut [0.0; 4], 0.0, &mut spiked);
        }
        let v_rest = p.f("v_rest");
        assert!(neuron.get(0, 0) > v_rest + 1e-4, "v = {}", neuron.get(0, 0));
        assert!(neuron.get(0, 1) < v_rest - 1e-3, "v = {}", neuron.get(0, 1));
        assert!(spiked.is_empty());
    }

    #[test]
    fn check_rejects_bad_parameters() {
        assert!(check(&params(&SPEC, &[])).is_ok());
        assert_eq!(check(&params(&SPEC, &[("c_m", 0.0)])).unwrap_err().0, "c_m");
        assert_eq!(check(&params(&SPEC, &[("tau_syn_inh", -1e-3)])).unwrap_err().0, "tau_syn_inh");
        assert_eq!(check(&params(&SPEC, &[("v_reset", -40e-3)])).unwrap_err().0, "v_reset");
        assert_eq!(check(&params(&SPEC, &[("t_ref", -1e-3)])).unwrap_err().0, "t_ref");
    }
}
