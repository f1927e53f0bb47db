//! Leaky integrate-and-fire neuron with current-based synapses (`lif`).
//!
//! ```text
//! tau_m dV/dt = -(V - v_rest) + R (I_exc + I_inh + i_e + I_ext),    R = tau_m / c_m
//! ```
//! with one of three synaptic current kernels per receptor (`synapse`):
//! - `"exp"`:   dI/dt = -I / tau_syn, a spike of weight w adds w to I (NEST `iaf_psc_exp`);
//! - `"alpha"`: I(t) = w (t / tau_syn) e^{1 - t / tau_syn}, peak w at t = tau_syn
//!   (NEST `iaf_psc_alpha`);
//! - `"delta"`: a spike of weight w makes V jump by w (NEST `iaf_psc_delta`; spikes
//!   arriving during the refractory period are dropped, as there).
//!
//! When V reaches `v_th` the neuron spikes, V is set to `v_reset` and held there for
//! `t_ref`. The subthreshold system is linear, so it is integrated exactly with
//! propagators `exp(A h)` computed once (Rotter & Diesmann 1999); the order of the
//! operations within a step is NEST's.
//!
//! Weights are currents (`"100 pA"`) or, as in Brian2's `CUBA.py`, voltages (`"1.62 mV"`):
//! a voltage weight w is the jump of `R I`, i.e. a current jump of `w / R`. For
//! `"delta"`, weights are voltage jumps.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `tau_m` | 10 ms | membrane time constant |
//! | `c_m` | 250 pF | membrane capacitance |
//! | `v_rest` | -70 mV | resting potential |
//! | `v_reset` | -70 mV | reset potential |
//! | `v_th` | -55 mV | threshold |
//! | `t_ref` | 2 ms | refractory period |
//! | `tau_syn_exc`, `tau_syn_inh` | 2 ms | synaptic time constants |
//! | `i_e` | 0 pA | constant injected current |
//! | `synapse` | `"exp"` | `"exp"`, `"alpha"` or `"delta"` |
//!
//! Defaults are NEST's `iaf_psc_exp` defaults.
//!
//! `tau_m`, `tau_syn_exc`, `tau_syn_inh`, `v_th`, `v_rest`, `v_reset`, `t_ref` and
//! `i_e` may take a value per neuron (a `.npy` file or a distribution,
//! docs/model-file.md). Time constants per neuron need the `"exp"` or `"delta"` kernel,
//! and make the weights onto the population voltages: a current weight is converted
//! to the `R I` kept here by one factor per projection, and `R = tau_m / c_m` would
//! then differ per neuron.

use engram_model::{Dim, KindSpec, ParamKind as P, ParamSpec, Params, StateSpec};

use super::per_neuron::{v_inf, values, PerNeuronLif, LIF_PER_NEURON, TIME_CONSTANTS};
use super::{q, BuildCtx, Neuron, NeuronModel};
use crate::propagator::expm;

static SPEC: KindSpec = KindSpec {
    name: "lif",
    doc: "leaky integrate-and-fire, current synapses (NEST iaf_psc_exp/alpha/delta)",
    params: &[
        q("tau_m", Dim::TIME, 10e-3, "membrane time constant"),
        q("c_m", Dim::CAPACITANCE, 250e-12, "membrane capacitance"),
        q("v_rest", Dim::VOLTAGE, -70e-3, "resting potential"),
        q("v_reset", Dim::VOLTAGE, -70e-3, "reset potential"),
        q("v_th", Dim::VOLTAGE, -55e-3, "spike threshold"),
        q("t_ref", Dim::TIME, 2e-3, "refractory period"),
        q("tau_syn_exc", Dim::TIME, 2e-3, "excitatory synaptic time constant"),
        q("tau_syn_inh", Dim::TIME, 2e-3, "inhibitory synaptic time constant"),
        q("i_e", Dim::CURRENT, 0.0, "constant injected current"),
        ParamSpec { name: "synapse", kind: P::Choice(&["exp", "alpha", "delta"]), doc: "synaptic current kernel" },
    ],
    state: &[
        StateSpec { name: "v", dim: Dim::VOLTAGE, doc: "membrane potential" },
        StateSpec { name: "i_exc", dim: Dim::CURRENT, doc: "excitatory synaptic current" },
        StateSpec { name: "i_inh", dim: Dim::CURRENT, doc: "inhibitory synaptic current" },
    ],
    receptors: &["exc", "inh"],
    weight_dims,
    accepts_input: true,
    check,
    per_neuron: &LIF_PER_NEURON,
    weight_refusal,
};

/// The registry entry.
pub static MODEL: NeuronModel = NeuronModel { spec: &SPEC, build, weight_scale };

fn weight_dims(p: &Params) -> &'static [Dim] {
    if p.choice("synapse") == "delta" || p.varies("tau_m") {
        &[Dim::VOLTAGE]
    } else {
        &[Dim::VOLTAGE, Dim::CURRENT]
    }
}

fn weight_refusal(p: &Params, dim: Dim) -> Option<&'static str> {
    if p.choice("synapse") == "delta" && dim == Dim::CURRENT {
        return Some("with synapse = \"delta\" a spike makes V jump by its weight, a voltage");
    }
    super::current_weight_refusal(p, dim)
}

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    super::require_positive(p, &["tau_m", "c_m", "tau_syn_exc", "tau_syn_inh"])?;
    if p.choice("synapse") == "alpha" {
        if let Some(k) = TIME_CONSTANTS.into_iter().find(|k| p.varies(k)) {
            return Err((k, "a time constant per neuron needs synapse = \"exp\" or \"delta\"".into()));
        }
    }
    super::require_above(p, "t_ref", 0.0, false, "expected a refractory period ≥ 0")?;
    super::require_below(p, "v_reset", "v_th", "expected v_reset below v_th")
}

/// Internally the synaptic currents are kept as `R I` (volts), as in Brian2's CUBA.
pub(crate) fn weight_scale(p: &Params, dim: Dim) -> f64 {
    if dim == Dim::CURRENT {
        p.f("tau_m") / p.f("c_m")
    } else {
        1.0
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kernel {
    Exp,
    Alpha,
    Delta,
}

/// Per-receptor propagator entries of `exp(A h)` for the state (V, I, X).
#[derive(Clone, Copy, Default)]
struct Prop {
    v_from_i: f32,
    v_from_x: f32,
    i_from_i: f32,
    i_from_x: f32,
    x_from_x: f32,
    /// Increment of X per unit weight (alpha: e / tau_syn, so that I peaks at w).
    x_per_weight: f32,
}

struct Lif {
    kernel: Kernel,
    v: Vec<f32>,
    /// `R I` of each receptor (V).
    i_syn: [Vec<f32>; 2],
    /// Auxiliary alpha-kernel state (V/s).
    x_syn: [Vec<f32>; 2],
    refractory: Vec<u32>,
    /// 1 where the neuron fired in the current step (scratch, see `membrane`).
    fired: Vec<u8>,
    prop: [Prop; 2],
    /// The propagators per neuron, when a time constant differs between neurons.
    per_neuron: Option<PerNeuronLif>,
    /// `1 - exp(-dt / tau_m)`, from `expm1`: stored as such it keeps full f32 precision
    /// at small dt, where `exp(-dt / tau_m)` in f32 would round its distance from 1.
    v_leak: f32,
    v_rest: f64,
    resistance: f64,
    i_e: f64,
    v_th: f32,
    v_reset: f32,
    ref_steps: u32,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let h = ctx.dt;
    let tau_m = p.f("tau_m");
    let kernel = match p.choice("synapse") {
        "alpha" => Kernel::Alpha,
        "delta" => Kernel::Delta,
        _ => Kernel::Exp,
    };
    // State (V, I, X): dV = (-V + I)/tau_m, dI = -I/ts + X, dX = -X/ts.
    let propagator = |tau_m: f64, ts: f64| expm([[-h / tau_m, h / tau_m, 0.0], [0.0, -h / ts, h], [0.0, 0.0, -h / ts]]);
    let per_neuron = PerNeuronLif::new(p, n, h, |tau_m, ts| {
        let e = propagator(tau_m, ts);
        (e[0][1] as f32, e[1][1] as f32)
    });
    let mut prop = [Prop::default(); 2];
    for (r, key) in ["tau_syn_exc", "tau_syn_inh"].iter().enumerate() {
        let ts = p.f(key);
        let e = propagator(tau_m, ts);
        prop[r] = Prop {
            v_from_i: e[0][1] as f32,
            v_from_x: e[0][2] as f32,
            i_from_i: e[1][1] as f32,
            i_from_x: e[1][2] as f32,
            x_from_x: e[2][2] as f32,
            x_per_weight: (std::f64::consts::E / ts) as f32,
        };
    }
    let v_rest = p.f("v_rest");
    Box::new(Lif {
        kernel,
        v: values(p, "v_rest", n).into_iter().map(|v| v as f32).collect(),
        i_syn: [vec![0.0; n], vec![0.0; n]],
        x_syn: if kernel == Kernel::Alpha { [vec![0.0; n], vec![0.0; n]] } else { [Vec::new(), Vec::new()] },
        refractory: vec![0; n],
        fired: vec![0; n],
        prop,
        per_neuron,
        v_leak: -(-h / tau_m).exp_m1() as f32,
        v_rest,
        resistance: tau_m / p.f("c_m"),
        i_e: p.f("i_e"),
        v_th: p.f("v_th") as f32,
        v_reset: p.f("v_reset") as f32,
        ref_steps: (p.f("t_ref") / h).round() as u32,
    })
}

/// What neuron `i` needs for one step: constants for a uniform population (so the loop
/// is the scalar one), array entries when a parameter differs between neurons.
#[derive(Clone, Copy)]
struct Cell {
    /// The potential V relaxes to, `v_rest + R (i_e + I_ext)`.
    v_inf: f32,
    /// `1 - exp(-dt / tau_m)`.
    leak: f32,
    /// `v_from_i` of the exc and inh receptors (`"exp"` kernel).
    v_from_i: [f32; 2],
    /// `i_from_i` of the exc and inh receptors (`"exp"` kernel).
    i_from_i: [f32; 2],
    v_th: f32,
    v_reset: f32,
    ref_steps: u32,
}

/// Neuron i's [`Cell`]. A trait rather than a closure so that `#[inline(always)]` holds:
/// called from three kernel loops, a closure that read the arrays was compiled out of line
/// (one call per neuron and step, and no vectorisation).
trait Cells {
    fn cell(&self, i: usize) -> Cell;
}

/// A uniform population: the same values for every neuron.
impl Cells for Cell {
    #[inline(always)]
    fn cell(&self, _: usize) -> Cell {
        *self
    }
}

/// A population whose parameters differ between neurons: the arrays, cut to the shard's
/// length so that the loop needs no bounds checks and vectorises.
struct Varied<'a> {
    v_inf: &'a [f32],
    leak: &'a [f32],
    v_from_i: [&'a [f32]; 2],
    i_from_i: [&'a [f32]; 2],
    v_th: &'a [f32],
    v_reset: &'a [f32],
    ref_steps: &'a [u32],
}

impl<'a> Varied<'a> {
    /// The arrays of `n` neurons under the injected current `i_ext` (after `h.prepare(i_ext)`).
    fn new(h: &'a PerNeuronLif, n: usize, i_ext: f64) -> Varied<'a> {
        Varied {
            v_inf: &h.v_inf(i_ext)[..n],
            leak: &h.leak[..n],
            v_from_i: [&h.v_from_i[0][..n], &h.v_from_i[1][..n]],
            i_from_i: [&h.i_from_i[0][..n], &h.i_from_i[1][..n]],
            v_th: &h.v_th[..n],
            v_reset: &h.v_reset[..n],
            ref_steps: &h.ref_steps[..n],
        }
    }
}

impl Cells for Varied<'_> {
    #[inline(always)]
    fn cell(&self, i: usize) -> Cell {
        Cell {
            v_inf: self.v_inf[i],
            leak: self.leak[i],
            v_from_i: [self.v_from_i[0][i], self.v_from_i[1][i]],
            i_from_i: [self.i_from_i[0][i], self.i_from_i[1][i]],
            v_th: self.v_th[i],
            v_reset: self.v_reset[i],
            ref_steps: self.ref_steps[i],
        }
    }
}

impl Lif {
    /// `R` of neuron `i`.
    fn resistance_of(&self, i: usize) -> f64 {
        self.per_neuron.as_ref().map_or(self.resistance, |h| h.resistance[i])
    }

    /// One step of every neuron, `cells.cell(i)` giving neuron i's values.
    #[inline(always)]
    fn integrate(&mut self, input: &mut [f32], cells: &impl Cells) {
        let n = self.v.len();
        let (in_exc, in_inh) = input.split_at_mut(n);
        let [pe, pi] = self.prop;
        let [ie, ii] = &mut self.i_syn;
        let (v, refractory, fired) = (&mut self.v[..n], &mut self.refractory[..n], &mut self.fired[..n]);
        let (ie, ii, in_exc, in_inh) = (&mut ie[..n], &mut ii[..n], &mut in_exc[..n], &mut in_inh[..n]);
        match self.kernel {
            Kernel::Exp => {
                for i in 0..n {
                    let c = cells.cell(i);
                    let integrated = v[i] + (c.v_inf - v[i]) * c.leak + c.v_from_i[0] * ie[i] + c.v_from_i[1] * ii[i];
                    ie[i] = ie[i] * c.i_from_i[0] + std::mem::take(&mut in_exc[i]);
                    ii[i] = ii[i] * c.i_from_i[1] + std::mem::take(&mut in_inh[i]);
                    super::membrane(
                        &mut v[i],
                        &mut refractory[i],
                        &mut fired[i],
                        integrated,
                        c.v_th,
                        c.v_reset,
                        c.ref_steps,
                    );
                }
            }
            Kernel::Alpha => {
                // The time constants are the population's (`check`), so are the propagators.
                let [xe, xi] = &mut self.x_syn;
                let (xe, xi) = (&mut xe[..n], &mut xi[..n]);
                for i in 0..n {
                    let c = cells.cell(i);
                    let integrated = v[i]
                        + (c.v_inf - v[i]) * c.leak
                        + pe.v_from_i * ie[i]
                        + pe.v_from_x * xe[i]
                        + pi.v_from_i * ii[i]
                        + pi.v_from_x * xi[i];
                    ie[i] = ie[i] * pe.i_from_i + xe[i] * pe.i_from_x;
                    ii[i] = ii[i] * pi.i_from_i + xi[i] * pi.i_from_x;
                    xe[i] = xe[i] * pe.x_from_x + std::mem::take(&mut in_exc[i]) * pe.x_per_weight;
                    xi[i] = xi[i] * pi.x_from_x + std::mem::take(&mut in_inh[i]) * pi.x_per_weight;
                    super::membrane(
                        &mut v[i],
                        &mut refractory[i],
                        &mut fired[i],
                        integrated,
                        c.v_th,
                        c.v_reset,
                        c.ref_steps,
                    );
                }
            }
            Kernel::Delta => {
                // Input arriving during the refractory period is dropped with the
                // integration (NEST's iaf_psc_delta).
                for i in 0..n {
                    let c = cells.cell(i);
                    let integrated = v[i]
                        + (c.v_inf - v[i]) * c.leak
                        + std::mem::take(&mut in_exc[i])
                        + std::mem::take(&mut in_inh[i]);
                    super::membrane(
                        &mut v[i],
                        &mut refractory[i],
                        &mut fired[i],
                        integrated,
                        c.v_th,
                        c.v_reset,
                        c.ref_steps,
                    );
                }
            }
        }
    }
}

impl Neuron for Lif {
    fn len(&self) -> usize {
        self.v.len()
    }

    fn step(&mut self, _step: u64, input: &mut [f32], i_ext: f64, spiked: &mut Vec<u32>) {
        match self.per_neuron.take() {
            Some(mut h) => {
                h.prepare(i_ext);
                self.integrate(input, &Varied::new(&h, self.v.len(), i_ext));
                self.per_neuron = Some(h);
            }
            None => {
                let [pe, pi] = self.prop;
                let cell = Cell {
                    v_inf: v_inf(self.v_rest, self.resistance, self.i_e, i_ext),
                    leak: self.v_leak,
                    v_from_i: [pe.v_from_i, pi.v_from_i],
                    i_from_i: [pe.i_from_i, pi.i_from_i],
                    v_th: self.v_th,
                    v_reset: self.v_reset,
                    ref_steps: self.ref_steps,
                };
                self.integrate(input, &cell);
            }
        }
        super::collect_fired(&self.fired, spiked);
    }

    fn clears_input(&self) -> bool {
        true
    }

    fn get(&self, var: usize, i: usize) -> f64 {
        match var {
            0 => self.v[i] as f64,
            r => self.i_syn[r - 1][i] as f64 / self.resistance_of(i),
        }
    }

    fn set(&mut self, var: usize, i: usize, value: f64) {
        match var {
            0 => self.v[i] = value as f32,
            r => self.i_syn[r - 1][i] = (value * self.resistance_of(i)) as f32,
        }
    }
}
