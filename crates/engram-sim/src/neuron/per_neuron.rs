//! Propagators of integrate-and-fire neurons whose time constants differ from neuron
//! to neuron (`tau_m = { file = "tau_m.npy" }` or a distribution in the model file).
//!
//! A population with one value of `tau_m`, `tau_syn_exc` and `tau_syn_inh` keeps
//! scalar propagators and its loop is unchanged; one with a value per neuron carries
//! an array of each propagator, computed here with the same formula as the scalar one,
//! so equal values per neuron give the same numbers bit for bit (tested in `lif.rs`).

use engram_model::Params;

/// The keys that may vary per neuron in `lif` and `alif`.
pub(crate) const TIME_CONSTANTS: [&str; 3] = ["tau_m", "tau_syn_exc", "tau_syn_inh"];

/// Per-neuron propagators of an exponential-synapse LIF over one step.
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
}

impl PerNeuronLif {
    /// The propagators of `n` neurons from `params` (already cut to them), or `None`
    /// when no time constant varies. `receptor(tau_m, tau_syn)` gives a receptor's
    /// `(v_from_i, i_from_i)`: the model's own formula.
    pub fn new(p: &Params, n: usize, dt: f64, receptor: impl Fn(f64, f64) -> (f32, f32)) -> Option<PerNeuronLif> {
        if !TIME_CONSTANTS.iter().any(|k| p.varies(k)) {
            return None;
        }
        let values = |key: &str| p.per_neuron(key).map_or_else(|| vec![p.f(key); n], <[f64]>::to_vec);
        let (tau_m, tau_exc, tau_inh) = (values("tau_m"), values("tau_syn_exc"), values("tau_syn_inh"));
        let c_m = p.f("c_m");
        let per_receptor = |tau_syn: &[f64]| -> (Vec<f32>, Vec<f32>) {
            tau_m.iter().zip(tau_syn).map(|(&tm, &ts)| receptor(tm, ts)).unzip()
        };
        let ((ve, ie), (vi, ii)) = (per_receptor(&tau_exc), per_receptor(&tau_inh));
        Some(PerNeuronLif {
            leak: tau_m.iter().map(|&tm| -(-dt / tm).exp_m1() as f32).collect(),
            decay: tau_m.iter().map(|&tm| (-dt / tm).exp() as f32).collect(),
            resistance: tau_m.iter().map(|&tm| tm / c_m).collect(),
            v_from_i: [ve, vi],
            i_from_i: [ie, ii],
        })
    }
}
