//! Spike traces that cost nothing between spikes.
//!
//! A trace `x(t)` that jumps at spikes and decays as `e^{−t/τ}` in between is stored as
//! `a` with `x(t) = a · e^{−(t − t_ref)/τ}`, where `t_ref` is a reference step shared by
//! all neurons of a projection. Reading or bumping any neuron's trace at step `t` then
//! needs the one factor `e^{−(t − t_ref)/τ}`, computed once per spike rather than once
//! per synapse, and no per-neuron time of last update. Every so often (see [`Frame`])
//! the reference moves forward and all `a` are rescaled, so they stay far from overflow.
//! The rescaling happens at spike steps that every worker sees, so it does not make the
//! results depend on the number of threads.

/// The decay of one trace time constant at the current step, relative to the reference.
#[derive(Clone, Copy, Debug)]
pub struct Decay {
    /// `e^{−(t − t_ref)/τ}`: multiplies a stored value to give the trace at `t`.
    pub factor: f64,
    /// `e^{(t − t_ref)/τ}`: multiplies a jump at `t` to store it.
    pub inverse: f64,
}

/// A time constant in steps, with the decays it gives.
#[derive(Clone, Copy, Debug)]
pub struct TimeConstant {
    /// `dt / τ`.
    rate: f64,
}

impl TimeConstant {
    /// The time constant `tau` (s) at time step `dt` (s).
    pub fn new(tau: f64, dt: f64) -> TimeConstant {
        TimeConstant { rate: dt / tau }
    }

    /// The decay `steps` steps after the reference.
    #[inline(always)]
    pub fn decay(&self, steps: u64) -> Decay {
        let x = steps as f64 * self.rate;
        Decay { factor: (-x).exp(), inverse: x.exp() }
    }

    /// Steps after which the reference must move: the stored values then grow by at
    /// most e^{100} between rescalings, far inside the range of f64.
    pub fn rebase_steps(&self) -> u64 {
        ((100.0 / self.rate) as u64).max(1)
    }
}

/// One trace of a neuron, in the frame of the projection's reference step.
#[derive(Clone, Copy, Debug, Default)]
pub struct Trace(f64);

impl Trace {
    /// The value at the step of `d`, before any spike at that step is added.
    #[inline(always)]
    pub fn at(self, d: &Decay) -> f64 {
        self.0 * d.factor
    }

    /// Adds `jump` at the step of `d` (all-to-all pairing: every spike still counts).
    #[inline(always)]
    pub fn add(&mut self, d: &Decay, jump: f64) {
        self.0 += jump * d.inverse;
    }

    /// Sets the trace to `value` at the step of `d` (nearest-spike pairing).
    #[inline(always)]
    pub fn reset(&mut self, d: &Decay, value: f64) {
        self.0 = value * d.inverse;
    }

    /// Moves the reference later by the decay `d` of the shift.
    #[inline(always)]
    pub fn rebase(&mut self, d: &Decay) {
        self.0 *= d.factor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_equals_the_sum_of_decayed_jumps_across_rebasing() {
        let tc = TimeConstant::new(10e-3, 1e-4);
        let mut tr = Trace::default();
        let mut t_ref = 0u64;
        let spikes = [3u64, 50, 51, 400, 250_000];
        for &s in &spikes {
            // Move the reference past long gaps, as the engine does.
            if s - t_ref > tc.rebase_steps() {
                tr.rebase(&tc.decay(s - t_ref));
                t_ref = s;
            }
            tr.add(&tc.decay(s - t_ref), 1.0);
        }
        let t = 250_900;
        let exact: f64 = spikes.iter().map(|&s| (-((t - s) as f64) * 1e-4 / 10e-3).exp()).sum();
        let got = tr.at(&tc.decay(t - t_ref));
        assert!((got - exact).abs() < 1e-12 * exact, "{got} vs {exact}");
    }
}
