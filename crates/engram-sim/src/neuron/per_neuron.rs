//! Parameters of integrate-and-fire neurons that differ from neuron to neuron
//! (`v_th = { file = "v_th.npy" }` or a distribution in the model file).
//!
//! A population with one value of every parameter keeps scalars and its loop is
//! unchanged; one with a value per neuron of any of them carries an array of each
//! (the uniform ones repeated), computed here with the same formulas as the scalars,
//! so equal values per neuron give the same numbers bit for bit (tested in
//! `tests/per_neuron.rs`). One array path rather than one per combination of varying
//! parameters keeps the number of loop copies at two per kernel.

use engram_model::Params;

/// The keys that may vary per neuron in `lif`; `alif` has no `t_ref`.
pub(crate) const LIF_PER_NEURON: [&str; 8] =
    ["tau_m", "tau_syn_exc", "tau_syn_inh", "v_th", "v_rest", "v_reset", "t_ref", "i_e"];

/// The time constants among them, which set the propagators.
pub(crate) const TIME_CONSTANTS: [&str; 3] = ["tau_m", "tau_syn_exc", "tau_syn_inh"];

/// The values of `key` for `n` neurons: its values per neuron, or its one value repeated.
pub(crate) fn values(p: &Params, key: &str, n: usize) -> Vec<f64> {
    p.per_neuron(key).map_or_else(|| vec![p.f(key); n], <[f64]>::to_vec)
}

/// Whether any of `keys` has a value per neuron.
pub(crate) fn any_varies(p: &Params, keys: &[&str]) -> bool {
    keys.iter().any(|k| p.varies(k))
}

/// Per-neuron parameters and propagators of an exponential-synapse LIF over one step.
pub(crate) struct PerNeuronLif {
    /// `1 - exp(-dt / tau_m)`.
    pub leak: Vec<f32>,
    /// `exp(-dt / tau_m)`.
    pub decay: Vec<f32>,
    /// `tau_m / c_m`, for the drive `R (i_e + I_ext)` and for reading currents.
    pub resistance: Vec<f64>,
    /// Per receptor: the response of V over a step to a unit `R I` at its start.
    pub v_from_i: [Vec<f32>; 2],
    /// Per receptor: the decay of `R I` over a step.
    pub i_from_i: [Vec<f32>; 2],
    /// Resting potential (V).
    pub v_rest: Vec<f64>,
    /// Constant injected current (A).
    pub i_e: Vec<f64>,
    /// Threshold (V).
    pub v_th: Vec<f32>,
    /// Reset potential (V).
    pub v_reset: Vec<f32>,
    /// Refractory period in steps (empty for a model without one).
    pub ref_steps: Vec<u32>,
    /// V∞ = `v_rest + R i_e` without injected current, as f32: what the loop reads
    /// (4 bytes per neuron rather than three f64 and the arithmetic).
    v_inf_alone: Vec<f32>,
    /// V∞ under the current injected in this step, when there is one.
    v_inf_now: Vec<f32>,
}

impl PerNeuronLif {
    /// The values of `n` neurons from `params` (already cut to them), or `None` when
    /// no parameter of [`LIF_PER_NEURON`] varies. `receptor(tau_m, tau_syn)` gives a
    /// receptor's `(v_from_i, i_from_i)`: the model's own formula.
    pub fn new(p: &Params, n: usize, dt: f64, receptor: impl Fn(f64, f64) -> (f32, f32)) -> Option<PerNeuronLif> {
        if !any_varies(p, &LIF_PER_NEURON) {
            return None;
        }
        let (tau_m, tau_exc, tau_inh) =
            (values(p, "tau_m", n), values(p, "tau_syn_exc", n), values(p, "tau_syn_inh", n));
        let c_m = p.f("c_m");
        let per_receptor = |tau_syn: &[f64]| -> (Vec<f32>, Vec<f32>) {
            tau_m.iter().zip(tau_syn).map(|(&tm, &ts)| receptor(tm, ts)).unzip()
        };
        let ((ve, ie), (vi, ii)) = (per_receptor(&tau_exc), per_receptor(&tau_inh));
        let single = |key: &str| values(p, key, n).into_iter().map(|v| v as f32).collect();
        let ref_steps = match p.get("t_ref") {
            Some(_) => values(p, "t_ref", n).into_iter().map(|t| (t / dt).round() as u32).collect(),
            None => Vec::new(),
        };
        let (v_rest, i_e) = (values(p, "v_rest", n), values(p, "i_e", n));
        let resistance: Vec<f64> = tau_m.iter().map(|&tm| tm / c_m).collect();
        let v_inf_alone = (0..n).map(|i| v_inf(v_rest[i], resistance[i], i_e[i], 0.0)).collect();
        Some(PerNeuronLif {
            leak: tau_m.iter().map(|&tm| -(-dt / tm).exp_m1() as f32).collect(),
            decay: tau_m.iter().map(|&tm| (-dt / tm).exp() as f32).collect(),
            resistance,
            v_from_i: [ve, vi],
            i_from_i: [ie, ii],
            v_rest,
            i_e,
            v_th: single("v_th"),
            v_reset: single("v_reset"),
            ref_steps,
            v_inf_alone,
            v_inf_now: vec![0.0; n],
        })
    }

    /// The potential each neuron relaxes to under the injected current `i_ext` (A); call
    /// [`PerNeuronLif::prepare`] with it first.
    pub fn v_inf(&self, i_ext: f64) -> &[f32] {
        if i_ext == 0.0 {
            &self.v_inf_alone
        } else {
            &self.v_inf_now
        }
    }

    /// Computes V∞ under the current `i_ext` of this step, unless it is 0 (V∞ is then
    /// the one computed once).
    pub fn prepare(&mut self, i_ext: f64) {
        if i_ext != 0.0 {
            for (i, v) in self.v_inf_now.iter_mut().enumerate() {
                *v = v_inf(self.v_rest[i], self.resistance[i], self.i_e[i], i_ext);
            }
        }
    }
}

/// `v_rest + R (i_e + i_ext)`, evaluated as the scalar path does, so that equal values
/// per neuron give the scalar V∞ bit for bit.
#[inline(always)]
pub(crate) fn v_inf(v_rest: f64, resistance: f64, i_e: f64, i_ext: f64) -> f32 {
    (v_rest + resistance * (i_e + i_ext)) as f32
}
