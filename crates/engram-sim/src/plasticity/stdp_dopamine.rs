//! Reward-modulated STDP (`stdp_dopamine`): pair STDP writes into a per-synapse
//! eligibility trace, and a neuromodulator (dopamine) turns it into weight change.
//! Izhikevich 2007, "Solving the distal reward problem through linkage of STDP and
//! dopamine signaling"; NEST's `stdp_dopamine_synapse` (Potjans, Morrison & Diesmann 2010).
//!
//! Each synapse has an eligibility trace `c`; the projection has one neuromodulator
//! concentration `n` (NEST's name; Izhikevich's `d`):
//!
//! ```text
//! dc/dt = −c / tau_c  + STDP                   presynaptic spike:  c ← c − A_minus (w_max − w_min) x_post
//!                                              postsynaptic spike: c ← c + A_plus  (w_max − w_min) x_pre
//! dn/dt = −n / tau_n  + Σ_k a_k / tau_n δ(t − t_k)     (a modulator event of amount a_k)
//! dw/dt = c (n − b)                            w clipped to [w_min, w_max]
//! ```
//!
//! with the pair traces `x_pre` (`tau_plus`) and `x_post` (`tau_minus`) of [`stdp_pair`]
//! (all-to-all). A modulator spike adds `1/tau_n` to `n` (so it adds 1 to `∫ n dt`, as
//! NEST's `volume_transmitter`); `b` is the baseline, and a negative `b` stands for a tonic
//! level (Izhikevich's 0.01 µM). `n` has the unit of a rate.
//!
//! # Event-driven integration
//! Between events `c` and `n` decay exponentially, so over a stretch of length `Δ` from
//! `(c₀, n₀)` (1/τ_s = 1/τ_c + 1/τ_n; NEST's `update_weight_`):
//!
//! ```text
//! Δw = c₀ [ n₀ τ_s (1 − e^{−Δ/τ_s}) − b τ_c (1 − e^{−Δ/τ_c}) ]
//! c ← c₀ e^{−Δ/τ_c},   n ← n₀ e^{−Δ/τ_n}
//! ```
//!
//! A synapse is brought up to date only when its pre- or postsynaptic neuron spikes:
//! from its last update it integrates stretch by stretch across the modulator events
//! since then, clips `w` once at the end (as NEST), and then applies the STDP jump to
//! `c`. Every worker keeps the list of modulator events since the last sweep; when the
//! list passes [`MAX_EVENTS`], each worker brings all synapses of its targets up to date
//! and empties it (NEST's `volume_transmitter` does the same every `deliver_interval`).
//! The sweep happens at the same steps on any number of threads.
//!
//! # Modulator sources
//! * `modulator = "population"`: every spike of that population is an event of amount 1.
//! * `modulator_times = ["1 s", ...]` with `modulator_amounts = [...]` (default: all 1):
//!   a time series given in the model file.
//! * [`crate::Network::add_modulator_event`]: events added between runs from Rust (a
//!   reward that depends on the spikes so far, as in Izhikevich's experiment).
//!
//! All sources add up. The synapse state is `c` (f32) and the step of the last update
//! (u64) beside the weight: 12 bytes per synapse, paid only by projections of this rule.
//!
//! | parameter | default | unit | meaning |
//! |---|---|---|---|
//! | `tau_plus` | 20 ms | time | decay of the presynaptic trace |
//! | `tau_minus` | 20 ms | time | decay of the postsynaptic trace |
//! | `A_plus` | 0.01 | 1 | eligibility per pre→post pair, fraction of `w_max − w_min` |
//! | `A_minus` | 0.015 | 1 | eligibility per post→pre pair, fraction of `w_max − w_min` |
//! | `tau_c` | 1 s | time | decay of the eligibility trace |
//! | `tau_n` | 200 ms | time | decay of the neuromodulator |
//! | `b` | 0 Hz | frequency | baseline of the neuromodulator (negative: tonic level) |
//! | `modulator` | none | population | population whose spikes release the neuromodulator |
//! | `modulator_times` | none | times | times of neuromodulator events |
//! | `modulator_amounts` | 1 each | 1 | amounts of those events |
//! | `w_max` | required | weight | upper bound |
//! | `w_min` | 0 | weight | lower bound |
//!
//! References: E. M. Izhikevich (2007) Cereb Cortex 17:2443; W. Potjans, A. Morrison,
//! M. Diesmann (2010) Front Comput Neurosci 4:141; NEST's `stdp_dopamine_synapse`.
//!
//! [`stdp_pair`]: super::stdp_pair

use std::sync::atomic::{AtomicU64, Ordering};

use engram_model::{Default as D, Dim, ParamKind as P, ParamSpec, Params, PlasticitySpec, WeightParamSpec};

use super::stp_tsodyks_markram::{Release, StpTsodyksMarkram};
use super::trace::{Decay, TimeConstant, Trace};
use super::{Delivery, Plastic, SynapseArray};
use crate::connect::Delays;

/// Modulator events a worker keeps before it brings every synapse up to date.
pub const MAX_EVENTS: usize = 256;

/// The rule's entry for the parser.
pub static SPEC: PlasticitySpec = PlasticitySpec {
    name: "stdp_dopamine",
    doc: "reward-modulated STDP: eligibility traces gated by a neuromodulator (Izhikevich 2007; NEST stdp_dopamine_synapse)",
    params: &[
        ParamSpec { name: "tau_plus", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "potentiation window" },
        ParamSpec { name: "tau_minus", kind: P::Quantity(Dim::TIME, D::Value(20e-3)), doc: "depression window" },
        ParamSpec { name: "A_plus", kind: P::Number(D::Value(0.01)), doc: "eligibility per pre→post pair" },
        ParamSpec { name: "A_minus", kind: P::Number(D::Value(0.015)), doc: "eligibility per post→pre pair" },
        ParamSpec { name: "tau_c", kind: P::Quantity(Dim::TIME, D::Value(1.0)), doc: "eligibility trace decay" },
        ParamSpec { name: "tau_n", kind: P::Quantity(Dim::TIME, D::Value(0.2)), doc: "neuromodulator decay" },
        ParamSpec { name: "b", kind: P::Quantity(Dim::FREQUENCY, D::Value(0.0)), doc: "neuromodulator baseline" },
        ParamSpec { name: "modulator", kind: P::Population, doc: "population releasing the neuromodulator" },
        ParamSpec { name: "modulator_times", kind: P::QuantityList(Dim::TIME), doc: "times of neuromodulator events" },
        ParamSpec { name: "modulator_amounts", kind: P::QuantityList(Dim::ONE), doc: "amounts of those events" },
    ],
    weight_params: &[
        WeightParamSpec { name: "w_max", required: true, doc: "upper weight bound" },
        WeightParamSpec { name: "w_min", required: false, doc: "lower weight bound" },
    ],
    check,
};

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    for k in ["tau_plus", "tau_minus", "tau_c", "tau_n"] {
        if p.f(k) <= 0.0 {
            return Err((k, "expected a positive time".into()));
        }
    }
    for k in ["A_plus", "A_minus"] {
        if p.f(k) < 0.0 {
            return Err((k, "expected an amplitude ≥ 0 (the sign is fixed by the rule)".into()));
        }
    }
    if p.f("w_max") <= p.f("w_min") {
        return Err(("w_max", "expected w_max > w_min".into()));
    }
    let (times, amounts) = (p.list("modulator_times"), p.list("modulator_amounts"));
    if times.iter().any(|&t| t < 0.0) {
        return Err(("modulator_times", "expected times ≥ 0".into()));
    }
    if times.windows(2).any(|w| w[1] < w[0]) {
        return Err(("modulator_times", "expected times in increasing order".into()));
    }
    if !amounts.is_empty() && amounts.len() != times.len() {
        return Err((
            "modulator_amounts",
            format!("expected one amount per time: {} times, {} amounts", times.len(), amounts.len()),
        ));
    }
    Ok(())
}

/// Reward-modulated STDP in engine units: times in steps, `n` per step, weights scaled.
#[derive(Clone, Debug)]
pub struct StdpDopamine {
    tau_plus: TimeConstant,
    tau_minus: TimeConstant,
    /// `A_plus (w_max − w_min)` and `A_minus (w_max − w_min)`, engine weight units.
    step_plus: f64,
    step_minus: f64,
    /// τ_c, τ_n and τ_s in steps.
    tau_c: f64,
    tau_n: f64,
    tau_s: f64,
    /// Baseline, per step.
    b: f64,
    w_min: f64,
    w_max: f64,
    /// The population whose spikes are modulator events.
    pub modulator: Option<usize>,
    /// Scheduled modulator events: (step, jump of `n` per step), by step.
    schedule: Vec<(u64, f64)>,
}

impl StdpDopamine {
    /// The rule for parameters `p` (SI), weights scaled by `scale`, time step `dt`.
    pub fn new(p: &Params, scale: f64, dt: f64) -> StdpDopamine {
        let (w_min, w_max) = (p.f("w_min") * scale, p.f("w_max") * scale);
        let (tau_c, tau_n) = (p.f("tau_c") / dt, p.f("tau_n") / dt);
        let amounts = p.list("modulator_amounts");
        let mut rule = StdpDopamine {
            tau_plus: TimeConstant::new(p.f("tau_plus"), dt),
            tau_minus: TimeConstant::new(p.f("tau_minus"), dt),
            step_plus: p.f("A_plus") * (w_max - w_min),
            step_minus: p.f("A_minus") * (w_max - w_min),
            tau_c,
            tau_n,
            tau_s: tau_c * tau_n / (tau_c + tau_n),
            b: p.f("b") * dt,
            w_min,
            w_max,
            modulator: p.population("modulator"),
            schedule: Vec::new(),
        };
        for (i, &t) in p.list("modulator_times").iter().enumerate() {
            rule.schedule((t / dt).round() as u64, amounts.get(i).copied().unwrap_or(1.0));
        }
        rule
    }

    /// Adds a modulator event of `amount` at `step` (kept in step order; events at
    /// the same step stay in the order they were added).
    pub fn schedule(&mut self, step: u64, amount: f64) {
        let at = self.schedule.partition_point(|&(s, _)| s <= step);
        self.schedule.insert(at, (step, amount / self.tau_n));
    }

    /// `(Δw, c, n)` after a stretch of `steps` without events from `(c, n)`: the
    /// closed form of the module doc.
    #[inline(always)]
    pub fn stretch(&self, c: f64, n: f64, steps: f64) -> (f64, f64, f64) {
        let dw = c
            * (-n * self.tau_s * (-steps / self.tau_s).exp_m1() + self.b * self.tau_c * (-steps / self.tau_c).exp_m1());
        (dw, c * (-steps / self.tau_c).exp(), n * (-steps / self.tau_n).exp())
    }

    /// `(w, c)` of a synapse last updated at `last`, brought to step `t` across the
    /// modulator events of `history`; `w` is clipped once at the end.
    fn advance(&self, history: &History, w: f64, c: f64, last: u64, t: u64) -> (f64, f64) {
        if t <= last || c == 0.0 {
            // Without eligibility nothing changes, and c stays 0.
            return (w, c);
        }
        let first = history.events.partition_point(|&(s, _)| s <= last);
        let (t_n, n_then) = if first == 0 { history.base } else { history.events[first - 1] };
        let mut n = n_then * (-((last - t_n) as f64) / self.tau_n).exp();
        let (mut w, mut c, mut from) = (w, c, last);
        for &(s, n_after) in history.events[first..].iter().take_while(|&&(s, _)| s <= t) {
            let (dw, c1, _) = self.stretch(c, n, (s - from) as f64);
            w += dw;
            c = c1;
            n = n_after;
            from = s;
        }
        let (dw, c1, _) = self.stretch(c, n, (t - from) as f64);
        ((w + dw).clamp(self.w_min, self.w_max), c1)
    }
}

/// Per-synapse state beside the weights, in CSR order: the eligibility `c` and the
/// step of the last update. Written, like the weights, only by the owner of the target.
#[derive(Debug)]
pub struct Eligibility {
    c: SynapseArray,
    last: Vec<AtomicU64>,
}

impl Eligibility {
    /// Zero eligibility for `n` synapses, last updated at step 0.
    pub fn new(n: usize) -> Eligibility {
        Eligibility { c: SynapseArray::new(&vec![0.0; n]), last: (0..n).map(|_| AtomicU64::new(0)).collect() }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.c.len() * 12
    }

    /// The eligibility of synapse `k` (engine weight units).
    pub fn c(&self, k: usize) -> f32 {
        self.c.get(k)
    }
}

/// The modulator events a worker has seen since its last sweep.
#[derive(Clone, Debug, Default)]
struct History {
    /// A step at or before every synapse's last update, and `n` (per step) then.
    base: (u64, f64),
    /// Events after `base`: (step, `n` just after the event), by step.
    events: Vec<(u64, f64)>,
}

impl History {
    /// `n` at step `t`, at or after the last event.
    fn n_at(&self, t: u64, tau_n: f64) -> f64 {
        let (s, n) = self.events.last().copied().unwrap_or(self.base);
        n * (-((t - s) as f64) / tau_n).exp()
    }
}

/// One worker's state for a projection of this rule.
#[derive(Clone, Debug, Default)]
pub struct WorkerState {
    pre: Vec<Trace>,
    post: Vec<Trace>,
    /// The reference step of the traces' frame.
    t_ref: u64,
    history: History,
    /// Next entry of the rule's schedule not yet seen.
    next_scheduled: usize,
    /// Short-term plasticity per source, when the projection has it.
    release: Vec<Release>,
}

impl WorkerState {
    /// Fresh state for `n_src` sources and `n_owned` targets; `short_term` says
    /// whether to keep short-term plasticity per source.
    pub fn new(n_src: usize, n_owned: usize, short_term: bool) -> WorkerState {
        WorkerState {
            pre: vec![Trace::default(); n_src],
            post: vec![Trace::default(); n_owned],
            release: if short_term { vec![Release::default(); n_src] } else { Vec::new() },
            ..WorkerState::default()
        }
    }
}

/// The decays of `tau_plus` and `tau_minus` at one step.
struct Now {
    plus: Decay,
    minus: Decay,
}

/// Handles one epoch's spikes and modulator events for the targets `ctx.lo..ctx.hi`.
pub fn deliver(
    rule: &StdpDopamine,
    plastic: &Plastic,
    elig: &Eligibility,
    short_term: Option<&StpTsodyksMarkram>,
    state: &mut WorkerState,
    ctx: Delivery<'_>,
) {
    let Delivery {
        csr,
        splits,
        worker,
        cuts,
        lo,
        hi,
        pre,
        post,
        ring,
        n,
        n_receptors,
        receptor,
        slots,
        modulator,
        now,
    } = ctx;
    let weights = &plastic.weights;
    let cols = &plastic.columns;
    record_events(rule, state, modulator, now);
    let rebase_steps = rule.tau_plus.rebase_steps().min(rule.tau_minus.rebase_steps());
    // Brings synapse k up to step t and returns its weight.
    let update = |k: usize, t: u64, history: &History| -> (f64, f64) {
        let last = elig.last[k].load(Ordering::Relaxed);
        let (w, c) = rule.advance(history, weights.get(k) as f64, elig.c.get(k) as f64, last, t);
        elig.last[k].store(t, Ordering::Relaxed);
        (w, c)
    };
    let (mut i, mut j) = (0, 0);
    while i < pre.len() || j < post.len() {
        let take_pre = match (pre.get(i), post.get(j)) {
            (Some(a), Some(b)) => a.0 <= b.0,
            (Some(_), None) => true,
            _ => false,
        };
        let t = if take_pre { pre[i].0 } else { post[j].0 };
        // Every worker sees these steps, so every worker moves its frame alike.
        if t - state.t_ref > rebase_steps {
            let (plus, minus) = (rule.tau_plus.decay(t - state.t_ref), rule.tau_minus.decay(t - state.t_ref));
            state.pre.iter_mut().for_each(|x| x.rebase(&plus));
            state.post.iter_mut().for_each(|x| x.rebase(&minus));
            state.t_ref = t;
        }
        let d = Now { plus: rule.tau_plus.decay(t - state.t_ref), minus: rule.tau_minus.decay(t - state.t_ref) };
        if take_pre {
            let s = pre[i].1 as usize;
            i += 1;
            let (start, end) = (csr.row_ptr[s], csr.row_ptr[s + 1]);
            let cut = |k: usize| start + splits[s * cuts + k - 1] as usize;
            let a = if worker == 0 { start } else { cut(worker) };
            let b = if worker == cuts { end } else { cut(worker + 1) };
            let release = match short_term {
                Some(stp) => stp.release_at(&mut state.release[s], t),
                None => 1.0,
            };
            let slot_now = t as usize % slots;
            for k in a..b {
                let local = (csr.targets[k] - lo) as usize;
                let (w, c) = update(k, t, &state.history);
                weights.set(k, w as f32);
                elig.c.set(k, (c - rule.step_minus * state.post[local].at(&d.minus)) as f32);
                let slot = match &csr.delays {
                    Delays::Const(delay) => (slot_now + *delay as usize) % slots,
                    Delays::PerSynapse(delays) => (slot_now + delays[k] as usize) % slots,
                };
                // The potential uses the weight brought up to the spike (NEST's order).
                ring[(slot * n_receptors + receptor) * n + local] += w as f32 * release;
            }
            state.pre[s].add(&d.plus, 1.0);
        } else {
            let target = post[j].1;
            j += 1;
            if target < lo || target >= hi {
                continue;
            }
            let local = (target - lo) as usize;
            for col in cols.ptr[target as usize]..cols.ptr[target as usize + 1] {
                let k = cols.syn[col] as usize;
                let (w, c) = update(k, t, &state.history);
                weights.set(k, w as f32);
                let x_pre = state.pre[cols.src[col] as usize].at(&d.plus);
                elig.c.set(k, (c + rule.step_plus * x_pre) as f32);
            }
            state.post[local].add(&d.minus, 1.0);
        }
    }
    if state.history.events.len() > MAX_EVENTS {
        // Every event before `now` is known: bring every owned synapse to `now` so the
        // list can start again from there.
        for col in cols.ptr[lo as usize]..cols.ptr[hi as usize] {
            let k = cols.syn[col] as usize;
            let (w, c) = update(k, now, &state.history);
            weights.set(k, w as f32);
            elig.c.set(k, c as f32);
        }
        state.history.base = (now, state.history.n_at(now, rule.tau_n));
        state.history.events.clear();
    }
}

/// Appends the modulator events before step `now` (the modulator population's spikes
/// of the last epoch and the scheduled ones) to the worker's history, in step order.
fn record_events(rule: &StdpDopamine, state: &mut WorkerState, spikes: &[(u64, u32)], now: u64) {
    let scheduled_end = state.next_scheduled + rule.schedule[state.next_scheduled..].partition_point(|&(s, _)| s < now);
    let scheduled = &rule.schedule[state.next_scheduled..scheduled_end];
    state.next_scheduled = scheduled_end;
    let jump = 1.0 / rule.tau_n;
    let (mut a, mut b) = (0, 0);
    while a < spikes.len() || b < scheduled.len() {
        let (step, amount) = match (spikes.get(a), scheduled.get(b)) {
            (Some(x), Some(y)) if x.0 <= y.0 => {
                a += 1;
                (x.0, jump)
            }
            (Some(x), None) => {
                a += 1;
                (x.0, jump)
            }
            _ => {
                b += 1;
                scheduled[b - 1]
            }
        };
        let n = state.history.n_at(step, rule.tau_n) + amount;
        match state.history.events.last_mut() {
            Some(last) if last.0 == step => last.1 = n,
            _ => state.history.events.push((step, n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engram_model::ParamValue;

    fn rule(b: f64) -> StdpDopamine {
        let mut p = Params::default();
        for (k, v) in [
            ("tau_plus", 20e-3),
            ("tau_minus", 20e-3),
            ("A_plus", 0.01),
            ("A_minus", 0.015),
            ("tau_c", 1.0),
            ("tau_n", 0.2),
            ("b", b),
            ("w_max", 1.0),
            ("w_min", 0.0),
        ] {
            p.insert(k, ParamValue::Scalar(v));
        }
        StdpDopamine::new(&p, 1.0, 1e-3)
    }

    /// Forward Euler of dc/dt = −c/τ_c, dn/dt = −n/τ_n, dw/dt = c (n − b) over `steps`
    /// engine steps, each cut into `sub` substeps.
    fn euler(r: &StdpDopamine, c: f64, n: f64, steps: f64, sub: u32) -> (f64, f64, f64) {
        let h = 1.0 / sub as f64;
        let (mut w, mut c, mut n) = (0.0, c, n);
        for _ in 0..(steps * sub as f64) as u64 {
            w += h * c * (n - r.b);
            c -= h * c / r.tau_c;
            n -= h * n / r.tau_n;
        }
        (w, c, n)
    }

    /// The closed form of one stretch equals a fine Euler integration of the ODEs
    /// (error of Euler ~ h: 1e-4 of the change at 10,000 substeps per ms).
    #[test]
    fn closed_form_stretch_matches_fine_euler_integration() {
        for (b, c, n, steps) in [(0.0, 0.3, 0.02, 500.0), (-0.2, -0.1, 0.005, 1500.0), (0.5, 0.05, 0.0, 300.0)] {
            let r = rule(b);
            let (dw, c1, n1) = r.stretch(c, n, steps);
            let (ew, ec, en) = euler(&r, c, n, steps, 10_000);
            assert!((dw - ew).abs() < 1e-4 * ew.abs().max(1e-9), "Δw {dw} vs Euler {ew}");
            assert!((c1 - ec).abs() < 1e-6 * c.abs(), "c {c1} vs {ec}");
            assert!((n1 - en).abs() <= 1e-6 * n.abs(), "n {n1} vs {en}");
        }
    }

    /// Across modulator events: a synapse brought up to date in one go equals the
    /// Euler integration in which n jumps by a/τ_n at each event.
    #[test]
    fn advance_across_events_matches_euler() {
        let r = rule(-0.1);
        let mut history = History::default();
        let mut state_n = 0.0;
        let mut last_step = 0;
        for (s, a) in [(100u64, 1.0), (400, 2.0), (401, 0.5)] {
            state_n = state_n * (-((s - last_step) as f64) / r.tau_n).exp() + a / r.tau_n;
            history.events.push((s, state_n));
            last_step = s;
        }
        let (w, c) = r.advance(&history, 0.5, 0.2, 50, 1200);
        // Euler: from step 50 with c = 0.2, n = 0; jumps at 100, 400, 401.
        let (mut ew, mut ec, mut en) = (0.5, 0.2, 0.0);
        let mut from = 50.0;
        for (s, a) in [(100.0, 1.0), (400.0, 2.0), (401.0, 0.5), (1200.0, 0.0)] {
            let (dw, c1, n1) = euler(&r, ec, en, s - from, 2_000);
            ew += dw;
            ec = c1;
            en = n1 + a / r.tau_n;
            from = s;
        }
        assert!((w - ew).abs() < 1e-4 * (ew - 0.5).abs(), "w {w} vs Euler {ew}");
        assert!((c - ec).abs() < 1e-6, "c {c} vs {ec}");
    }

    /// The modulator's integral: one event of amount 1 adds 1 to ∫ n dt (NEST's
    /// volume transmitter), so with c held large the weight gain is c τ_s / τ_n.
    #[test]
    fn one_event_integrates_to_its_amount() {
        let r = rule(0.0);
        let (dw, _, _) = r.stretch(1.0, 1.0 / r.tau_n, 1e9);
        assert!((dw - r.tau_s / r.tau_n).abs() < 1e-12);
    }
}
