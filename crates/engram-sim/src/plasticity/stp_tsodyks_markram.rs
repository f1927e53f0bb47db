//! Short-term plasticity (`stp_tsodyks_markram`): depression and facilitation of
//! transmission, Tsodyks & Markram 1997, Markram, Wang & Tsodyks 1998.
//!
//! Each presynaptic neuron has a fraction of available resources `x` (recovering to 1
//! with `tau_rec`) and a utilisation `u` (relaxing to `U` with `tau_fac`). At the n-th
//! spike, `Δ` after the previous one (NEST's `tsodyks2_synapse`, its Eqs. 4–5):
//!
//! ```text
//! x_n = 1 + (x_{n−1} − u_{n−1} x_{n−1} − 1) e^{−Δ/tau_rec}
//! u_n = U + u_{n−1} (1 − U) e^{−Δ/tau_fac}                (u_n = U when tau_fac = 0)
//! transmitted weight = w · u_n · x_n
//! ```
//!
//! starting from `x = 1`, `u = U` at the first spike. The stored weight `w` does not
//! change: only what a spike transmits does. A regular train of period `T` with
//! `tau_fac = 0` depresses to the steady state
//! `x_∞ = (1 − e^{−T/τ_rec}) / (1 − (1 − U) e^{−T/τ_rec})` (Tsodyks & Markram 1997).
//! Since every synapse of one presynaptic neuron sees the same spikes, the state is kept
//! per presynaptic neuron, not per synapse.
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `U` | 0.5 | 1 | utilisation increment (release probability at rest) |
//! | `tau_rec` | 800 ms | time | recovery of resources (depression) |
//! | `tau_fac` | 0 ms | time | decay of utilisation (facilitation; 0: none) |
//!
//! References: M. V. Tsodyks, H. Markram (1997) PNAS 94:719; H. Markram, Y. Wang,
//! M. Tsodyks (1998) PNAS 95:5323; NEST's `tsodyks2_synapse`.

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec};

use super::TraceRule;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "stp_tsodyks_markram",
    doc: "short-term depression and facilitation (Tsodyks & Markram 1997; NEST tsodyks2_synapse)",
    params: &[
        ParamSpec { name: "U", kind: P::Number(D::Value(0.5)), doc: "utilisation increment" },
        ParamSpec { name: "tau_rec", kind: P::Quantity(Dim::TIME, D::Value(0.8)), doc: "recovery time" },
        ParamSpec { name: "tau_fac", kind: P::Quantity(Dim::TIME, D::Value(0.0)), doc: "facilitation time" },
    ],
    weight_params: &[],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    if !(p.f("U") > 0.0 && p.f("U") <= 1.0) {
        return Err(("U", format!("expected a utilisation in (0, 1], found {}", p.f("U"))));
    }
    if p.f("tau_rec") <= 0.0 {
        return Err(("tau_rec", "expected a positive time".into()));
    }
    if p.f("tau_fac") < 0.0 {
        return Err(("tau_fac", "expected a time ≥ 0 (0: no facilitation)".into()));
    }
    Ok(())
}

/// Tsodyks–Markram STP in engine units.
#[derive(Clone, Debug)]
pub struct StpTsodyksMarkram {
    u_rest: f64,
    /// `dt / tau_rec` and `dt / tau_fac` (infinite when tau_fac = 0).
    rec_rate: f64,
    fac_rate: f64,
}

/// Resources and utilisation of a presynaptic neuron after its last spike.
#[derive(Clone, Copy, Debug, Default)]
pub struct Release {
    x: f64,
    u: f64,
    /// Step of the last spike, `None` before the first.
    last: Option<u64>,
}

impl StpTsodyksMarkram {
    /// The rule for parameters `p` (SI) at time step `dt`.
    pub fn new(p: &Params, dt: f64) -> StpTsodyksMarkram {
        let tau_fac = p.f("tau_fac");
        StpTsodyksMarkram {
            u_rest: p.f("U"),
            rec_rate: dt / p.f("tau_rec"),
            fac_rate: if tau_fac > 0.0 { dt / tau_fac } else { f64::INFINITY },
        }
    }

    /// The fraction `u_n x_n` of the weight a spike at step `t` transmits, updating the
    /// presynaptic neuron's `(u, x)`.
    pub fn release_at(&self, pre: &mut Release, t: u64) -> f32 {
        let (x, u) = match pre.last {
            None => (1.0, self.u_rest),
            Some(last) => {
                let steps = (t - last) as f64;
                let x_decay = (-steps * self.rec_rate).exp();
                let u_decay = (-steps * self.fac_rate).exp();
                (1.0 + (pre.x - pre.u * pre.x - 1.0) * x_decay, self.u_rest + pre.u * (1.0 - self.u_rest) * u_decay)
            }
        };
        *pre = Release { x, u, last: Some(t) };
        (u * x) as f32
    }
}

impl TraceRule for StpTsodyksMarkram {
    type Pre = Release;
    type Post = ();
    type Now = ();
    const USES_POST: bool = false;

    fn now(&self, _steps: u64) {}

    fn rebase_steps(&self) -> u64 {
        u64::MAX
    }

    fn rebase(&self, _pre: &mut [Release], _post: &mut [()], _now: &()) {}

    fn release(&self, pre: &mut Release, t: u64) -> f32 {
        self.release_at(pre, t)
    }

    #[inline(always)]
    fn on_pre(&self, w: f32, _pre: &Release, _post: &(), _now: &()) -> f32 {
        w
    }

    fn pre_spiked(&self, _pre: &mut Release, _now: &()) {}

    fn on_post(&self, w: f32, _pre: &Release, _post: &(), _now: &()) -> f32 {
        w
    }

    fn post_spiked(&self, _post: &mut (), _now: &()) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    fn rule(u: f64, tau_rec: f64, tau_fac: f64) -> StpTsodyksMarkram {
        let mut p = Params::default();
        for (k, v) in [("U", u), ("tau_rec", tau_rec), ("tau_fac", tau_fac)] {
            p.insert(k, ParamValue::Scalar(v));
        }
        StpTsodyksMarkram::new(&p, 1e-4)
    }

    /// A 20 Hz train through a depressing synapse settles at Tsodyks & Markram's
    /// steady state x_∞ U.
    #[test]
    fn depression_reaches_the_steady_state_of_tsodyks_markram_1997() {
        let (u, tau_rec, period) = (0.5, 0.8, 0.05);
        let r = rule(u, tau_rec, 0.0);
        let mut pre = Release::default();
        let mut last = 0.0;
        for n in 0..200u64 {
            last = r.release(&mut pre, n * 500) as f64;
        }
        let e = (-period / tau_rec).exp();
        let x_inf = (1.0 - e) / (1.0 - (1.0 - u) * e);
        assert!((last - u * x_inf).abs() < 1e-6, "{last} vs {}", u * x_inf);
    }

    /// Paired pulses 20 ms apart through a facilitating synapse: the second transmits
    /// more, by u₂ x₂ / U with u₂ = U + U (1 − U) e^{−T/τ_F}, x₂ = 1 − U e^{−T/τ_rec}.
    #[test]
    fn paired_pulses_facilitate_by_the_closed_form_ratio() {
        let (u, tau_rec, tau_fac, gap) = (0.1, 0.1, 1.0, 0.02);
        let r = rule(u, tau_rec, tau_fac);
        let mut pre = Release::default();
        let first = r.release(&mut pre, 1000) as f64;
        let second = r.release(&mut pre, 1200) as f64;
        let u2 = u + u * (1.0 - u) * (-gap / tau_fac).exp();
        let x2 = 1.0 - u * (-gap / tau_rec).exp();
        assert!((first - u).abs() < 1e-7);
        assert!((second / first - u2 * x2 / u).abs() < 1e-5, "{} vs {}", second / first, u2 * x2 / u);
        assert!(second > first, "facilitation");
    }
}
