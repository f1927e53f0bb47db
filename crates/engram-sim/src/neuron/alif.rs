//! Adaptive leaky integrate-and-fire neuron with current-based exponential synapses
//! (`alif`): the ALIF neuron of Bellec et al. 2018 ("Long short-term memory and
//! learning-to-learn in networks of spiking neurons", eqs. 1–2), with NEST's
//! `iaf_psc_exp` subthreshold dynamics.
//!
//! ```text
//! tau_m dV/dt = -(V - v_rest) + R (I_exc + I_inh + i_e + I_ext),    R = tau_m / c_m
//! dI/dt = -I / tau_syn,  a spike of weight w adds w to I
//! a[k] = ρ a[k-1] + (1 - ρ) s[k-1],   ρ = exp(-dt / tau_adapt)      adaptation
//! θ[k] = v_th + adapt_strength · (v_th - v_rest) · a[k]               threshold
//! V >= θ: spike, and V <- v_reset (reset = "to_v_reset") or V <- V - (θ - v_rest) (reset = "subtract")
//! ```
//!
//! Per step, in this order: the adaptation decays and takes the previous step's spike,
//! V is integrated exactly with the old currents (Rotter & Diesmann 1999), the
//! currents decay and take the arriving input, V is compared with θ. With `v_rest = 0`
//! and `v_th - v_rest` as the unit of voltage this is, operation for operation, the
//! cell `engram train` trains (`crates/engram-learn/src/cell.rs`), so a trained ALIF
//! layer (and an LIF layer reset by subtraction, `adapt_strength = 0`) runs here as it
//! was trained. There is no refractory period (the trained cell has none).
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `tau_m` | 20 ms | membrane time constant |
//! | `c_m` | 250 pF | membrane capacitance |
//! | `v_rest` | -70 mV | resting potential |
//! | `v_reset` | -70 mV | reset potential (reset = "to_v_reset") |
//! | `v_th` | -55 mV | threshold without adaptation |
//! | `tau_syn_exc`, `tau_syn_inh` | 5 ms | synaptic time constants |
//! | `tau_adapt` | 200 ms | adaptation time constant |
//! | `adapt_strength` | 1.8 | threshold increase per unit of adaptation, in units of `v_th - v_rest` (Bellec's β) |
//! | `i_e` | 0 pA | constant injected current |
//! | `reset` | `"subtract"` | `"subtract"` or `"to_v_reset"` |
//!
//! `tau_m`, `tau_syn_exc`, `tau_syn_inh` (as a layer trained with `per_neuron_tau`
//! needs), `v_th`, `v_rest`, `v_reset` and `i_e` may take a value per neuron (a `.npy`
//! file or a distribution, docs/model-file.md); with `tau_m` per neuron the weights
//! onto the population are voltages (see `lif`).

use engram_model::{Default as D, Dim, KindSpec, ParamKind as P, ParamSpec, Params, StateSpec};

use super::per_neuron::{v_inf, values, PerNeuronLif};
use super::{q, BuildCtx, Neuron, NeuronModel};

static SPEC: KindSpec = KindSpec {
    name: "alif",
    doc: "adaptive LIF with exponential current synapses (Bellec et al. 2018)",
    params: &[
        q("tau_m", Dim::TIME, 20e-3, "membrane time constant"),
        q("c_m", Dim::CAPACITANCE, 250e-12, "membrane capacitance"),
        q("v_rest", Dim::VOLTAGE, -70e-3, "resting potential"),
        q("v_reset", Dim::VOLTAGE, -70e-3, "reset potential (reset = \"to_v_reset\")"),
        q("v_th", Dim::VOLTAGE, -55e-3, "threshold without adaptation"),
        q("tau_syn_exc", Dim::TIME, 5e-3, "excitatory synaptic time constant"),
        q("tau_syn_inh", Dim::TIME, 5e-3, "inhibitory synaptic time constant"),
        q("tau_adapt", Dim::TIME, 200e-3, "adaptation time constant"),
        ParamSpec {
            name: "adapt_strength",
            kind: P::Number(D::Value(1.8)),
            doc: "threshold increase per unit of adaptation, in units of v_th - v_rest",
        },
        q("i_e", Dim::CURRENT, 0.0, "constant injected current"),
        ParamSpec { name: "reset", kind: P::Choice(&["subtract", "to_v_reset"]), doc: "how V is reset after a spike" },
    ],
    state: &[
        StateSpec { name: "v", dim: Dim::VOLTAGE, doc: "membrane potential" },
        StateSpec { name: "i_exc", dim: Dim::CURRENT, doc: "excitatory synaptic current" },
        StateSpec { name: "i_inh", dim: Dim::CURRENT, doc: "inhibitory synaptic current" },
        StateSpec { name: "a", dim: Dim::ONE, doc: "adaptation (a spike adds 1 - ρ)" },
    ],
    receptors: &["exc", "inh"],
    weight_dims: |p| if p.varies("tau_m") { &[Dim::VOLTAGE] } else { &[Dim::VOLTAGE, Dim::CURRENT] },
    accepts_input: true,
    check,
    per_neuron: &["tau_m", "tau_syn_exc", "tau_syn_inh", "v_th", "v_rest", "v_reset", "i_e"],
    weight_refusal: super::current_weight_refusal,
};

/// The registry entry; synaptic currents are kept as `R I` (volts), as in `lif`.
pub static MODEL: NeuronModel = NeuronModel { spec: &SPEC, build, weight_scale: super::lif::weight_scale };

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    super::require_positive(p, &["tau_m", "c_m", "tau_syn_exc", "tau_syn_inh", "tau_adapt"])?;
    if p.f("adapt_strength") < 0.0 {
        return Err(("adapt_strength", "expected a value ≥ 0".into()));
    }
    super::require_below(p, "v_rest", "v_th", "expected v_th above v_rest").map_err(|(k, m)| {
        // Blamed on v_th, as before values per neuron, unless only v_rest varies.
        (if p.varies("v_rest") && !p.varies("v_th") { k } else { "v_th" }, m)
    })?;
    super::require_below(p, "v_reset", "v_th", "expected v_reset below v_th")
}

struct Alif {
    v: Vec<f32>,
    /// `R I` of each receptor (V).
    i_syn: [Vec<f32>; 2],
    adapt: Vec<f32>,
    /// 1 where the neuron fired in the previous step, feeding the adaptation.
    fired: Vec<u8>,
    /// `v_from_i` (the I → V propagator) and `i_from_i` (the decay of I) per receptor.
    prop: [(f32, f32); 2],
    /// The propagators per neuron, when a time constant differs between neurons.
    per_neuron: Option<PerNeuronLif>,
    /// `1 - exp(-dt / tau_m)`.
    v_leak: f32,
    /// `exp(-dt / tau_m)`.
    v_decay: f32,
    rho: f32,
    v_rest: f64,
    resistance: f64,
    i_e: f64,
    v_th: f32,
    /// `adapt_strength · (v_th - v_rest)`.
    theta_per_adapt: f32,
    /// `theta_per_adapt` per neuron, when a parameter differs between neurons.
    per_adapt: Vec<f32>,
    v_reset: f32,
    /// Whether V is reset to `v_reset` (else by subtraction).
    to_v_reset: bool,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let h = ctx.dt;
    let tau_m = p.f("tau_m");
    let receptor = |tau_m: f64, ts: f64| {
        let (beta, alpha) = ((-h / tau_m).exp(), (-h / ts).exp());
        // Exact V response at the end of a step to a unit R·I at its start, decaying
        // with tau_syn (Rotter & Diesmann 1999); tau_syn = tau_m is the limit h/τ·e^(-h/τ).
        let v_from_i =
            if (ts - tau_m).abs() < 1e-12 * tau_m { h / tau_m * beta } else { ts / (ts - tau_m) * (alpha - beta) };
        (v_from_i as f32, alpha as f32)
    };
    let prop = ["tau_syn_exc", "tau_syn_inh"].map(|key| receptor(tau_m, p.f(key)));
    let per_neuron = PerNeuronLif::new(p, n, h, receptor);
    let per_adapt = match &per_neuron {
        Some(_) => {
            let (v_th, v_rest) = (values(p, "v_th", n), values(p, "v_rest", n));
            v_th.iter().zip(&v_rest).map(|(t, r)| (p.f("adapt_strength") * (t - r)) as f32).collect()
        }
        None => Vec::new(),
    };
    let v_rest = p.f("v_rest");
    Box::new(Alif {
        v: values(p, "v_rest", n).into_iter().map(|v| v as f32).collect(),
        i_syn: [vec![0.0; n], vec![0.0; n]],
        adapt: vec![0.0; n],
        fired: vec![0; n],
        prop,
        per_neuron,
        v_leak: -(-h / tau_m).exp_m1() as f32,
        v_decay: (-h / tau_m).exp() as f32,
        rho: (-h / p.f("tau_adapt")).exp() as f32,
        v_rest,
        resistance: tau_m / p.f("c_m"),
        i_e: p.f("i_e"),
        v_th: p.f("v_th") as f32,
        theta_per_adapt: (p.f("adapt_strength") * (p.f("v_th") - v_rest)) as f32,
        per_adapt,
        v_reset: p.f("v_reset") as f32,
        to_v_reset: p.choice("reset") == "to_v_reset",
    })
}

/// What neuron `i` needs for one step: constants for a uniform population (so the loop
/// is the scalar one), array entries when a parameter differs between neurons.
#[derive(Clone, Copy)]
struct Cell {
    /// The potential V relaxes to, `v_rest + R (i_e + I_ext)`.
    v_inf: f32,
    /// `exp(-dt / tau_m)`.
    decay: f32,
    /// `1 - exp(-dt / tau_m)`.
    leak: f32,
    /// `v_from_i` of the exc and inh receptors.
    v_from_i: [f32; 2],
    /// `i_from_i` of the exc and inh receptors.
    i_from_i: [f32; 2],
    v_th: f32,
    /// `adapt_strength · (v_th - v_rest)`.
    per_adapt: f32,
    v_rest: f32,
    /// Used with reset = "to_v_reset".
    v_reset: f32,
}

impl Alif {
    /// One step of every neuron; `cell(i)` is neuron i's values. V relaxes as
    /// `V·β + V∞·(1 − β)` (NEST's `V·P22 + ...`), the training graph's `β V` when V∞ = 0,
    /// so an exported network's membrane is the trained one's bit for bit rather than
    /// within rounding.
    #[inline(always)]
    fn integrate(&mut self, input: &mut [f32], cell: impl Fn(usize) -> Cell) {
        let n = self.v.len();
        let (in_exc, in_inh) = input.split_at_mut(n);
        let (rho, to_v_reset) = (self.rho, self.to_v_reset);
        let [ie, ii] = &mut self.i_syn;
        for i in 0..n {
            let c = cell(i);
            let a = rho * self.adapt[i] + (1.0 - rho) * f32::from(self.fired[i]);
            self.adapt[i] = a;
            let theta = c.v_th + c.per_adapt * a;
            let v = self.v[i] * c.decay + c.v_inf * c.leak + c.v_from_i[0] * ie[i] + c.v_from_i[1] * ii[i];
            ie[i] = ie[i] * c.i_from_i[0] + std::mem::take(&mut in_exc[i]);
            ii[i] = ii[i] * c.i_from_i[1] + std::mem::take(&mut in_inh[i]);
            let fire = v >= theta;
            self.v[i] = match (fire, to_v_reset) {
                (false, _) => v,
                (true, true) => c.v_reset,
                (true, false) => v - (theta - c.v_rest),
            };
            self.fired[i] = fire as u8;
        }
    }
}

impl Neuron for Alif {
    fn len(&self) -> usize {
        self.v.len()
    }

    fn step(&mut self, _step: u64, input: &mut [f32], i_ext: f64, spiked: &mut Vec<u32>) {
        match self.per_neuron.take() {
            Some(mut h) => {
                h.prepare(i_ext);
                let per_adapt = std::mem::take(&mut self.per_adapt);
                // Cut to the shard's length, so that the loop needs no bounds checks.
                let n = self.v.len();
                let (v_inf, decay, leak) = (&h.v_inf(i_ext)[..n], &h.decay[..n], &h.leak[..n]);
                let ([ve, vi], [de, di]) = (&h.v_from_i, &h.i_from_i);
                let ([ve, vi], [de, di]) = ([&ve[..n], &vi[..n]], [&de[..n], &di[..n]]);
                let (v_th, v_rest, v_reset, per_a) = (&h.v_th[..n], &h.v_rest[..n], &h.v_reset[..n], &per_adapt[..n]);
                self.integrate(input, |i| Cell {
                    v_inf: v_inf[i],
                    decay: decay[i],
                    leak: leak[i],
                    v_from_i: [ve[i], vi[i]],
                    i_from_i: [de[i], di[i]],
                    v_th: v_th[i],
                    per_adapt: per_a[i],
                    v_rest: v_rest[i] as f32,
                    v_reset: v_reset[i],
                });
                self.per_neuron = Some(h);
                self.per_adapt = per_adapt;
            }
            None => {
                let [(pe, de), (pi, di)] = self.prop;
                let cell = Cell {
                    v_inf: v_inf(self.v_rest, self.resistance, self.i_e, i_ext),
                    decay: self.v_decay,
                    leak: self.v_leak,
                    v_from_i: [pe, pi],
                    i_from_i: [de, di],
                    v_th: self.v_th,
                    per_adapt: self.theta_per_adapt,
                    v_rest: self.v_rest as f32,
                    v_reset: self.v_reset,
                };
                self.integrate(input, |_| cell);
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
            3 => self.adapt[i] as f64,
            r => self.i_syn[r - 1][i] as f64 / self.per_neuron.as_ref().map_or(self.resistance, |h| h.resistance[i]),
        }
    }

    fn set(&mut self, var: usize, i: usize, value: f64) {
        match var {
            0 => self.v[i] = value as f32,
            3 => self.adapt[i] = value as f32,
            r => {
                self.i_syn[r - 1][i] =
                    (value * self.per_neuron.as_ref().map_or(self.resistance, |h| h.resistance[i])) as f32
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use engram_model::ParamValue;

    use super::*;
    use crate::neuron::test_util::{ctx, params, run};

    const DT: f64 = 1e-4;

    /// Interspike intervals (steps) of one neuron driven by a constant current.
    fn isis(overrides: &[(&str, f64)], reset: &str, steps: u64) -> Vec<u64> {
        let mut p = params(&SPEC, overrides);
        p.insert("reset", ParamValue::Choice(reset.into()));
        let mut n = build(&p, 1, &ctx(DT));
        let spikes = run(n.as_mut(), 2, steps, |_| 500e-12).remove(0);
        spikes.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Without adaptation and with reset to `v_reset` the neuron fires regularly, at the
    /// analytic period of a LIF neuron without refractoriness:
    /// T = τ_m ln(R I / (R I - (v_th - v_reset))), here 20 ms · ln(40/25) = 9.40 ms.
    #[test]
    fn without_adaptation_the_period_is_the_lif_period() {
        let isi = isis(&[("adapt_strength", 0.0)], "to_v_reset", 2000);
        let analytic = 20e-3 * (40.0f64 / 25.0).ln() / DT;
        assert!(isi.len() >= 15);
        assert!(isi.iter().all(|&t| (t as f64 - analytic).abs() <= 1.0), "{isi:?} vs {analytic}");
    }
}
