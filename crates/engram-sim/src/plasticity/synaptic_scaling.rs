//! Homeostatic synaptic scaling (`synaptic_scaling`), Turrigiano et al. 1998; van
//! Rossum, Bi & Turrigiano 2000.
//!
//! Every neuron keeps a slow estimate `r` of its own rate: a trace in Hz with time
//! constant `tau_rate`, jumping by `1/tau_rate` at each of its spikes. Every `interval`,
//! all the neuron's incoming weights of the projection are multiplied by one factor
//! that moves its rate toward `target_rate`:
//!
//! ```text
//! every interval:  w ← w · exp(η (target_rate − r) / target_rate)     for every synapse onto the neuron
//! ```
//!
//! clipped to `[w_min, w_max]`. This is van Rossum et al.'s `dw/dt = β w (r_target − r)`
//! integrated over one interval with `r` held fixed (`η = β · interval · target_rate`),
//! so the factor is always positive and, for small `η`, equal to `1 + η (target − r)/target`.
//! Scaling is multiplicative: it keeps the ratios between a neuron's weights (what
//! Hebbian rules have stored) while setting its overall drive (Turrigiano et al. 1998).
//! The rate trace starts at `target_rate`, so the first interval does not read the
//! trace's warm-up as silence.
//!
//! The rule runs on events like the others: a postsynaptic spike only bumps the
//! neuron's rate trace, and the scaling due at an interval boundary is applied (with
//! the rate trace at that boundary) just before the first spike after it that reaches
//! the projection, which is before any weight is used again. Networks without the rule
//! never run this code. Weight monitors may show weights of the last interval until
//! that spike.
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `target_rate` | 5 Hz | frequency | rate the scaling drives every target neuron to |
//! | `tau_rate` | 1 s | time | averaging time of the rate estimate |
//! | `interval` | 1 s | time | time between scalings |
//! | `eta` | 0.1 | 1 | log-change of the weights per interval at a relative rate error of 1 |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! References: G. G. Turrigiano, K. R. Leslie, N. S. Desai, L. C. Rutherford,
//! S. B. Nelson (1998) "Activity-dependent scaling of quantal amplitude in neocortical
//! neurons", Nature 391:892; M. C. W. van Rossum, G. Q. Bi, G. G. Turrigiano (2000)
//! J Neurosci 20:8812.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::trace::{TimeConstant, Trace};
use super::{Delivery, Plastic};
use crate::connect::Delays;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "synaptic_scaling",
    doc: "homeostatic multiplicative scaling of a neuron's weights toward a target rate (Turrigiano et al. 1998)",
    params: &[
        ParamSpec { name: "target_rate", kind: P::Quantity(Dim::FREQUENCY, D::Value(5.0)), doc: "target rate" },
        ParamSpec { name: "tau_rate", kind: P::Quantity(Dim::TIME, D::Value(1.0)), doc: "rate averaging time" },
        ParamSpec { name: "interval", kind: P::Quantity(Dim::TIME, D::Value(1.0)), doc: "time between scalings" },
        ParamSpec { name: "eta", kind: P::Number(D::Value(0.1)), doc: "log-change per interval per relative error" },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    if p.f("target_rate") <= 0.0 {
        return Err(("target_rate", "expected a positive rate".into()));
    }
    for k in ["tau_rate", "interval"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    if p.f("eta") <= 0.0 {
        return Err(("eta", "expected a positive learning rate".into()));
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    Ok(())
}

/// Synaptic scaling in engine units.
#[derive(Clone, Debug)]
pub struct SynapticScaling {
    tau_rate: TimeConstant,
    /// 1 / tau_rate (Hz).
    rate_jump: f64,
    target_rate: f64,
    eta: f64,
    /// Steps between scalings.
    interval: u64,
    w_min: f64,
    w_max: f64,
}

/// One worker's rate traces of its owned targets, and the next scaling step.
#[derive(Clone, Debug)]
pub struct ScalingTraces {
    rate: Vec<Trace>,
    t_ref: u64,
    next: u64,
    /// Per source, the state of the projection's `short_term` rule (empty without one).
    release: Vec<super::stp_tsodyks_markram::Release>,
}

impl SynapticScaling {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> SynapticScaling {
        SynapticScaling {
            tau_rate: TimeConstant::new(p.f("tau_rate"), dt),
            rate_jump: 1.0 / p.f("tau_rate"),
            target_rate: p.f("target_rate"),
            eta: p.f("eta"),
            interval: ((p.f("interval") / dt).round() as u64).max(1),
            w_min: p.f("w_min") * scale,
            w_max: p.f("w_max") * scale,
        }
    }

    /// Fresh traces for a worker owning `n_owned` targets, each at the target rate.
    pub fn worker_traces(&self, n_src: usize, n_owned: usize, short_term: bool) -> ScalingTraces {
        let mut start = Trace::default();
        start.add(&self.tau_rate.decay(0), self.target_rate);
        let release = if short_term { vec![Default::default(); n_src] } else { Vec::new() };
        ScalingTraces { rate: vec![start; n_owned], t_ref: 0, next: self.interval, release }
    }

    /// Moves the traces' reference to `t` if it is far behind.
    fn rebase_to(&self, traces: &mut ScalingTraces, t: u64) {
        if t - traces.t_ref > self.tau_rate.rebase_steps() {
            let d = self.tau_rate.decay(t - traces.t_ref);
            traces.rate.iter_mut().for_each(|r| r.rebase(&d));
            traces.t_ref = t;
        }
    }

    /// Scales the weights onto the owned targets `lo..` with their rates at step `t`.
    fn scale(&self, plastic: &Plastic, traces: &mut ScalingTraces, lo: u32, t: u64) {
        self.rebase_to(traces, t);
        let d = self.tau_rate.decay(t - traces.t_ref);
        let cols = &plastic.columns;
        for (local, rate) in traces.rate.iter().enumerate() {
            let factor = (self.eta * (self.target_rate - rate.at(&d)) / self.target_rate).exp();
            let j = lo as usize + local;
            for &k in &cols.syn[cols.ptr[j]..cols.ptr[j + 1]] {
                let k = k as usize;
                let w = plastic.weights.get(k) as f64;
                plastic.weights.set(k, (w * factor).clamp(self.w_min, self.w_max) as f32);
            }
        }
    }

    /// Handles one epoch's spikes for the targets `ctx.lo..ctx.hi` a worker owns:
    /// presynaptic spikes transmit the current weights, postsynaptic spikes bump the
    /// rate traces, and the scalings due before each spike are applied first.
    pub fn deliver(&self, plastic: &Plastic, traces: &mut ScalingTraces, ctx: Delivery<'_>) {
        let Delivery { csr, splits, worker, cuts, lo, hi, pre, post, ring, n, n_receptors, receptor, slots, .. } = ctx;
        let (mut i, mut j) = (0, 0);
        while i < pre.len() || j < post.len() {
            let take_pre = match (pre.get(i), post.get(j)) {
                (Some(a), Some(b)) => a.0 <= b.0,
                (Some(_), None) => true,
                _ => false,
            };
            let t = if take_pre { pre[i].0 } else { post[j].0 };
            // Every worker sees the same spike steps, so all scale at the same steps.
            while traces.next <= t {
                self.scale(plastic, traces, lo, traces.next);
                traces.next += self.interval;
            }
            if take_pre {
                let s = pre[i].1 as usize;
                i += 1;
                let (start, end) = (csr.row_ptr[s], csr.row_ptr[s + 1]);
                let cut = |k: usize| start + splits[s * cuts + k - 1] as usize;
                let a = if worker == 0 { start } else { cut(worker) };
                let b = if worker == cuts { end } else { cut(worker + 1) };
                let slot_now = t as usize % slots;
                let release = match &plastic.short_term {
                    Some(stp) => stp.release_at(&mut traces.release[s], t),
                    None => 1.0,
                };
                for k in a..b {
                    let d = match &csr.delays {
                        Delays::Const(d) => *d,
                        Delays::PerSynapse(delays) => delays[k],
                    };
                    let slot = (slot_now + d as usize) % slots;
                    ring[(slot * n_receptors + receptor) * n + (csr.targets[k] - lo) as usize] +=
                        plastic.weights.get(k) * release;
                }
            } else {
                let target = post[j].1;
                j += 1;
                if target < lo || target >= hi {
                    continue;
                }
                self.rebase_to(traces, t);
                let d = self.tau_rate.decay(t - traces.t_ref);
                traces.rate[(target - lo) as usize].add(&d, self.rate_jump);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    /// The rate trace starts at the target rate and, without spikes, decays with
    /// tau_rate across a move of the reference.
    #[test]
    fn the_rate_trace_starts_at_the_target_and_decays() {
        let mut p = Params::default();
        for (k, v) in [("target_rate", 5.0), ("tau_rate", 1.0), ("interval", 1.0), ("eta", 0.1), ("w_max", 1.0)] {
            p.insert(k, ParamValue::Scalar(v));
        }
        p.insert("w_min", ParamValue::Scalar(0.0));
        let rule = SynapticScaling::new(&p, 1.0, 1e-4);
        let mut tr = rule.worker_traces(1, 1, false);
        assert!((tr.rate[0].at(&rule.tau_rate.decay(0)) - 5.0).abs() < 1e-12);
        let t = 10_000;
        rule.rebase_to(&mut tr, t);
        let r = tr.rate[0].at(&rule.tau_rate.decay(t - tr.t_ref));
        assert!((r - 5.0 * (-1.0f64).exp()).abs() < 1e-9, "after one τ: {r}");
    }
}
