//! Spike traces updated lazily: a trace is stored with the step of its last update
//! and decayed to the time it is read, so between spikes it costs nothing.

/// `exp(-k dt / tau)` for whole numbers of steps `k`, from a table for the first
/// steps (where almost all intervals between spikes fall) and from `exp` beyond.
/// Table entries are computed with `exp` too, so both paths give the same values.
#[derive(Clone, Debug)]
pub struct Decay {
    table: Vec<f64>,
    steps_per_tau: f64,
}

/// Steps covered by the table: 16 time constants of 20 ms at dt = 0.1 ms.
const TABLE_LEN: usize = 4096;

impl Decay {
    /// Decay with time constant `tau` (s) at time step `dt` (s).
    pub fn new(tau: f64, dt: f64) -> Decay {
        let rate = dt / tau;
        Decay { table: (0..TABLE_LEN).map(|k| (-(k as f64) * rate).exp()).collect(), steps_per_tau: rate }
    }

    /// The factor by which a trace decays in `steps` steps.
    #[inline(always)]
    pub fn factor(&self, steps: u64) -> f64 {
        match self.table.get(steps as usize) {
            Some(&f) => f,
            None => (-(steps as f64) * self.steps_per_tau).exp(),
        }
    }
}

/// One exponentially decaying trace of a neuron: its value just after the step `last`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Trace {
    value: f64,
    last: u64,
}

impl Trace {
    /// The value at step `t` (≥ the last update), before any spike at `t` is added.
    #[inline(always)]
    pub fn at(&self, t: u64, decay: &Decay) -> f64 {
        self.value * decay.factor(t - self.last)
    }

    /// Adds `jump` at step `t` (all-to-all pairing: every earlier spike still counts).
    #[inline(always)]
    pub fn add(&mut self, t: u64, decay: &Decay, jump: f64) {
        self.value = self.at(t, decay) + jump;
        self.last = t;
    }

    /// Sets the trace to `value` at step `t` (nearest-spike pairing: only the latest
    /// spike counts).
    #[inline(always)]
    pub fn reset(&mut self, t: u64, value: f64) {
        self.value = value;
        self.last = t;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_exp_agree_with_the_closed_form() {
        let d = Decay::new(20e-3, 1e-4);
        for k in [0u64, 1, 200, 4095, 4096, 100_000] {
            let exact = (-(k as f64) * 1e-4 / 20e-3).exp();
            assert!((d.factor(k) - exact).abs() <= 1e-15 * exact.max(1e-300), "k = {k}");
        }
    }

    #[test]
    fn a_lazy_trace_equals_the_sum_of_decayed_jumps() {
        let d = Decay::new(10e-3, 1e-4);
        let mut tr = Trace::default();
        let spikes = [3u64, 50, 51, 400];
        for &s in &spikes {
            tr.add(s, &d, 1.0);
        }
        let t = 900;
        let exact: f64 = spikes.iter().map(|&s| (-((t - s) as f64) * 1e-4 / 10e-3).exp()).sum();
        assert!((tr.at(t, &d) - exact).abs() < 1e-12);
    }
}
