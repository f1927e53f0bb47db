//! Izhikevich's simple model of spiking neurons (`izhikevich`).
//!
//! In the paper's units (v in mV, t in ms):
//! ```text
//! dv/dt = 0.04 v² + 5 v + 140 - u + I
//! du/dt = a (b v - u)
//! if v ≥ 30 mV (`v_peak`): v <- c, u <- u + d
//! ```
//! The seven cell classes of the paper's Fig. 2 are the `preset`s; `a`, `b`, `c` and `d`
//! override single values of the preset:
//!
//! | preset | a | b | c (mV) | d | class |
//! |---|---|---|---|---|---|
//! | `RS` | 0.02 | 0.2 | -65 | 8 | regular spiking (default) |
//! | `IB` | 0.02 | 0.2 | -55 | 4 | intrinsically bursting |
//! | `CH` | 0.02 | 0.2 | -50 | 2 | chattering |
//! | `FS` | 0.1 | 0.2 | -65 | 2 | fast spiking |
//! | `LTS` | 0.02 | 0.25 | -65 | 2 | low-threshold spiking |
//! | `RZ` | 0.1 | 0.26 | -65 | 2 | resonator |
//! | `TC` | 0.02 | 0.25 | -65 | 0.05 | thalamo-cortical |
//!
//! Units. The paper's I has the unit of dv/dt (mV/ms). engram takes currents in amperes
//! and divides them by `c_m`: with the default 1 pF, 1 pA is 1 mV/ms, so the paper's
//! `I = 10` is 10 pA. `u` has the unit of v in the paper's usage ("mV"); it is stored and
//! reported as a voltage (`u` = -13 mV is the paper's u = -13). Synapses are delta
//! synapses, as in the paper's network: a spike of weight w (a voltage, `"0.5 mV"`) at
//! either receptor, `exc` or `inh`, adds w to v (inhibitory weights are negative).
//!
//! Integration. The paper's code does forward Euler, v in two 0.5 ms half steps and u in
//! one 1 ms step; at 0.1 ms forward Euler still loses about 4 % of the firing rate of an
//! FS cell at I = 10 (the error of the Euler step plus the loss of up to one step per
//! spike from detecting the threshold only at step ends). engram instead advances (v, u)
//! with the classical fourth-order Runge–Kutta method in substeps of at most 0.1 ms
//! (`dt` split evenly), and when a substep ends with v ≥ `v_peak` it locates the
//! crossing within the substep by bisection on the step length, applies the reset there
//! and integrates the rest of the substep from the reset state. With this the spike
//! counts in 1 s under the paper's I = 10 equal those of a 0.5 µs reference integration
//! for all seven presets, at dt = 0.01, 0.1 and 1 ms. Weights arriving in a step are
//! added to v at its start (a weight that lifts v to `v_peak` fires the neuron at once).
//! A neuron reports at most one spike per step, even if (at large dt and strong drive) it
//! crossed `v_peak` more than once. v and u are stored as f32 and computed in f64.
//!
//! Initial state: v = -65 mV, u = b·v, as in the paper's network code (for every
//! preset: starting IB or CH at v = c would put CH exactly on the unstable equilibrium
//! v = -50 mV, u = -10).
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `preset` | `"RS"` | cell class (table above) |
//! | `a` | preset | recovery rate (1/ms) |
//! | `b` | preset | sensitivity of u to v |
//! | `c` | preset | reset potential |
//! | `d` | preset | increment of u at a spike (mV) |
//! | `v_peak` | 30 mV | spike cutoff |
//! | `c_m` | 1 pF | capacitance converting currents to mV/ms |
//! | `i_e` | 0 pA | constant injected current |
//!
//! Reference: E. M. Izhikevich (2003), "Simple model of spiking neurons", IEEE
//! Transactions on Neural Networks 14(6):1569-1572.

use engram_model::{Default as D, Dim, KindSpec, ParamKind as P, ParamSpec, Params, StateSpec};

use super::{voltage_weights, BuildCtx, Neuron, NeuronModel};

static PRESETS: [&str; 7] = ["RS", "IB", "CH", "FS", "LTS", "RZ", "TC"];

/// (a, b, c (mV), d) of each preset, in the order of `PRESETS` (the paper's Fig. 2).
const PRESET_VALUES: [(f64, f64, f64, f64); 7] = [
    (0.02, 0.2, -65.0, 8.0),
    (0.02, 0.2, -55.0, 4.0),
    (0.02, 0.2, -50.0, 2.0),
    (0.1, 0.2, -65.0, 2.0),
    (0.02, 0.25, -65.0, 2.0),
    (0.1, 0.26, -65.0, 2.0),
    (0.02, 0.25, -65.0, 0.05),
];

/// Longest integration substep (ms).
const MAX_SUBSTEP: f64 = 0.1;

/// Initial membrane potential (mV).
const V_INIT: f64 = -65.0;

static SPEC: KindSpec = KindSpec {
    name: "izhikevich",
    doc: "Izhikevich (2003) simple model, delta synapses",
    params: &[
        ParamSpec { name: "preset", kind: P::Choice(&PRESETS), doc: "cell class of Izhikevich (2003), Fig. 2" },
        ParamSpec { name: "a", kind: P::Number(D::Derived), doc: "recovery rate (1/ms); default from the preset" },
        ParamSpec { name: "b", kind: P::Number(D::Derived), doc: "sensitivity of u to v; default from the preset" },
        ParamSpec {
            name: "c",
            kind: P::Quantity(Dim::VOLTAGE, D::Derived),
            doc: "reset potential; default from the preset",
        },
        ParamSpec {
            name: "d",
            kind: P::Number(D::Derived),
            doc: "increment of u at a spike (mV); default from the preset",
        },
        ParamSpec { name: "v_peak", kind: P::Quantity(Dim::VOLTAGE, D::Value(30e-3)), doc: "spike cutoff" },
        ParamSpec {
            name: "c_m",
            kind: P::Quantity(Dim::CAPACITANCE, D::Value(1e-12)),
            doc: "capacitance converting currents to mV/ms (1 pA / 1 pF = 1 mV/ms)",
        },
        ParamSpec { name: "i_e", kind: P::Quantity(Dim::CURRENT, D::Value(0.0)), doc: "constant injected current" },
    ],
    state: &[
        StateSpec { name: "v", dim: Dim::VOLTAGE, doc: "membrane potential" },
        StateSpec { name: "u", dim: Dim::VOLTAGE, doc: "recovery variable (the paper's u, in mV)" },
    ],
    receptors: &["exc", "inh"],
    weight_dims: voltage_weights,
    accepts_input: true,
    check,
    per_neuron: &[],
    weight_refusal: engram_model::no_refusal,
};

/// The registry entry. Weights are voltages, kept in mV.
pub static MODEL: NeuronModel = NeuronModel { spec: &SPEC, build, weight_scale };

fn weight_scale(_: &Params, _: Dim) -> f64 {
    1e3
}

/// (a, b, c, d) in the paper's units: the preset's, overridden by any given value.
fn abcd(p: &Params) -> (f64, f64, f64, f64) {
    let k = PRESETS.iter().position(|&s| s == p.choice("preset")).unwrap_or(0);
    let (a, b, c, d) = PRESET_VALUES[k];
    (p.get("a").unwrap_or(a), p.get("b").unwrap_or(b), p.get("c").map_or(c, |c| c * 1e3), p.get("d").unwrap_or(d))
}

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    if p.f("c_m") <= 0.0 {
        return Err(("c_m", "expected a positive capacitance".into()));
    }
    let (a, b, c, d) = abcd(p);
    for (k, v) in [("a", a), ("b", b), ("c", c), ("d", d)] {
        if !v.is_finite() {
            return Err((k, "expected a finite value".into()));
        }
    }
    if c >= p.f("v_peak") * 1e3 {
        return Err(("c", "expected the reset potential c below v_peak".into()));
    }
    Ok(())
}

struct Izhikevich {
    /// Membrane potential (mV).
    v: Vec<f32>,
    /// Recovery variable (mV).
    u: Vec<f32>,
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    v_peak: f64,
    /// Substep (ms) and substeps per step.
    h: f64,
    substeps: u32,
    /// 1 / c_m, from A to mV/ms.
    per_c_m: f64,
    i_e: f64,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let (a, b, c, d) = abcd(p);
    let dt_ms = ctx.dt * 1e3;
    let substeps = ((dt_ms / MAX_SUBSTEP) * (1.0 - 1e-9)).ceil().max(1.0) as u32;
    Box::new(Izhikevich {
        v: vec![V_INIT as f32; n],
        u: vec![(b * V_INIT) as f32; n],
        a,
        b,
        c,
        d,
        v_peak: p.f("v_peak") * 1e3,
        h: dt_ms / substeps as f64,
        substeps,
        per_c_m: 1.0 / p.f("c_m"),
        i_e: p.f("i_e"),
    })
}

impl Izhikevich {
    fn derivative(&self, v: f64, u: f64, i: f64) -> (f64, f64) {
        ((0.04 * v + 5.0) * v + 140.0 - u + i, self.a * (self.b * v - u))
    }

    /// One classical Runge–Kutta step of length `h` (ms).
    fn rk4(&self, v: f64, u: f64, i: f64, h: f64) -> (f64, f64) {
        let (v1, u1) = self.derivative(v, u, i);
        let (v2, u2) = self.derivative(v + 0.5 * h * v1, u + 0.5 * h * u1, i);
        let (v3, u3) = self.derivative(v + 0.5 * h * v2, u + 0.5 * h * u2, i);
        let (v4, u4) = self.derivative(v + h * v3, u + h * u3, i);
        (v + h / 6.0 * (v1 + 2.0 * (v2 + v3) + v4), u + h / 6.0 * (u1 + 2.0 * (u2 + u3) + u4))
    }

    /// Advances (v, u) by one substep with current `i` (mV/ms), resetting at every
    /// crossing of `v_peak`; returns whether the neuron fired.
    fn substep(&self, v: &mut f64, u: &mut f64, i: f64) -> bool {
        let mut rest = self.h;
        let mut fired = false;
        // After a reset v needs a finite time to climb back to v_peak, so a substep holds
        // few spikes; the bound only guards against pathological parameters.
        for _ in 0..8 {
            let (v1, u1) = self.rk4(*v, *u, i, rest);
            if v1 < self.v_peak {
                (*v, *u) = (v1, u1);
                return fired;
            }
            // The shortest step that reaches v_peak, by bisection on its length.
            let (mut lo, mut hi) = (0.0, rest);
            for _ in 0..24 {
                let mid = 0.5 * (lo + hi);
                if self.rk4(*v, *u, i, mid).0 >= self.v_peak {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            let (_, u_peak) = self.rk4(*v, *u, i, hi);
            (*v, *u) = (self.c, u_peak + self.d);
            fired = true;
            rest -= hi;
        }
        fired
    }
}

impl Neuron for Izhikevich {
    fn len(&self) -> usize {
        self.v.len()
    }

    fn step(&mut self, _step: u64, input: &mut [f32], i_ext: f64, spiked: &mut Vec<u32>) {
        let n = self.v.len();
        let (in_exc, in_inh) = input.split_at(n);
        let current = (self.i_e + i_ext) * self.per_c_m; // A/F = V/s = mV/ms
        for i in 0..n {
            let mut v = self.v[i] as f64 + in_exc[i] as f64 + in_inh[i] as f64;
            let mut u = self.u[i] as f64;
            let mut fired = false;
            if v >= self.v_peak {
                (v, u) = (self.c, u + self.d);
                fired = true;
            }
            for _ in 0..self.substeps {
                fired |= self.substep(&mut v, &mut u, current);
            }
            self.v[i] = v as f32;
            self.u[i] = u as f32;
            if fired {
                spiked.push(i as u32);
            }
        }
    }

    fn get(&self, var: usize, i: usize) -> f64 {
        match var {
            0 => self.v[i] as f64 * 1e-3,
            _ => self.u[i] as f64 * 1e-3,
        }
    }

    fn set(&mut self, var: usize, i: usize, value: f64) {
        match var {
            0 => self.v[i] = (value * 1e3) as f32,
            _ => self.u[i] = (value * 1e3) as f32,
        }
    }
}

#[cfg(test)]
mod tests {
    use engram_model::ParamValue;

    use super::super::test_util::{ctx, intervals, params, run};
    use super::*;

    /// Onset and amplitude of the step current: I = 10 (10 pA with c_m = 1 pF) from
    /// t = 10 ms, as in the paper's Fig. 2 protocol; runs last 1 s.
    const T_ON: f64 = 10.0;
    const I_STEP: f64 = 10.0;
    const T_END: f64 = 1000.0;

    fn preset(name: &str, overrides: &[(&str, f64)]) -> Params {
        let mut p = params(&SPEC, overrides);
        p.insert("preset", ParamValue::Choice(name.into()));
        p
    }

    /// Spike times (ms) of the reference: the paper's own scheme (v in two Euler half
    /// steps, then u with the new v; reset when v ≥ 30 after a step) in f64 at a 0.5 µs
    /// step, from v = -65, u = b v.
    fn reference(name: &str) -> Vec<f64> {
        let (a, b, c, d) = abcd(&preset(name, &[]));
        let h = 0.0005;
        let (mut v, mut u) = (-65.0f64, -65.0 * b);
        let mut spikes = Vec::new();
        for k in 0..(T_END / h).round() as u64 {
            let t = k as f64 * h;
            let i = if t >= T_ON - 1e-9 { I_STEP } else { 0.0 };
            v += 0.5 * h * (0.04 * v * v + 5.0 * v + 140.0 - u + i);
            v += 0.5 * h * (0.04 * v * v + 5.0 * v + 140.0 - u + i);
            u += h * a * (b * v - u);
            if v >= 30.0 {
                spikes.push(t + h);
                v = c;
                u += d;
            }
        }
        spikes
    }

    /// Spike times (ms, end of the step in which the spike occurred) of the model at
    /// step `dt` (ms) under the same protocol.
    fn simulate(p: &Params, dt: f64) -> Vec<f64> {
        let mut neuron = (MODEL.build)(p, 1, &ctx(dt * 1e-3));
        let on = (T_ON / dt).round() as u64;
        let spikes =
            run(neuron.as_mut(), 2, (T_END / dt).round() as u64, |k| if k >= on { I_STEP * 1e-12 } else { 0.0 });
        spikes[0].iter().map(|&k| (k + 1) as f64 * dt).collect()
    }

    #[test]
    fn counts_and_latencies_match_a_fine_reference() {
        for name in ["RS", "FS", "IB"] {
            let reference = reference(name);
            assert!(!reference.is_empty());
            for dt in [0.1, 1.0] {
                let spikes = simulate(&preset(name, &[]), dt);
                assert_eq!(spikes.len(), reference.len(), "{name}, dt = {dt} ms: spike count in 1 s");
                let (latency, reference_latency) = (spikes[0] - T_ON, reference[0] - T_ON);
                assert!(
                    (latency - reference_latency).abs() <= 0.5,
                    "{name}, dt = {dt} ms: latency {latency} ms, reference {reference_latency} ms"
                );
            }
        }
    }

    #[test]
    fn firing_patterns_of_the_paper() {
        let rs = simulate(&preset("RS", &[]), 0.1);
        let fs = simulate(&preset("FS", &[]), 0.1);
        let ib = simulate(&preset("IB", &[]), 0.1);
        // FS fires much faster than RS.
        assert!(fs.len() > 2 * rs.len(), "FS {} spikes, RS {}", fs.len(), rs.len());
        // RS adapts: the first ISI is the shortest and the ISIs lengthen to a steady value.
        let isi = intervals(&rs);
        assert!(isi[0] < isi[1] && isi[1..].iter().all(|&x| x > 1.5 * isi[0]), "RS ISIs {isi:?}");
        // IB starts with a burst: its first ISIs are much shorter than the later ones.
        let isi = intervals(&ib);
        let last = *isi.last().unwrap();
        assert!(isi[0] < 0.2 * last && isi[1] < 0.2 * last, "IB ISIs {isi:?}");
        assert!(isi[3..].iter().all(|&x| x > 0.5 * last), "IB ISIs {isi:?}");
    }

    #[test]
    fn overrides_replace_preset_values() {
        // FS with RS's a and d is RS (b and c agree).
        let rs = simulate(&preset("RS", &[]), 0.1);
        assert_eq!(simulate(&preset("FS", &[("a", 0.02), ("d", 8.0)]), 0.1), rs);
        assert_eq!(abcd(&preset("TC", &[("c", -60e-3)])), (0.02, 0.25, -60.0, 0.05));
    }

    #[test]
    fn initial_state_and_units() {
        let p = preset("LTS", &[]);
        let mut neuron = (MODEL.build)(&p, 2, &ctx(1e-4));
        assert!((neuron.get(0, 0) - -65e-3).abs() < 1e-9);
        assert!((neuron.get(1, 0) - 0.25 * -65e-3).abs() < 1e-9);
        // A weight of 2 mV (scaled to the model's mV) lifts v by 2 mV at once; a
        // negative one at `inh` lowers it.
        let w = (2e-3 * (MODEL.weight_scale)(&p, Dim::VOLTAGE)) as f32;
        let before = neuron.get(0, 0);
        let mut spiked = Vec::new();
        let mut free = (MODEL.build)(&p, 1, &ctx(1e-4));
        free.step(0, &mut [0.0, 0.0], 0.0, &mut spiked);
        let drift = free.get(0, 0) - before;
        neuron.step(0, &mut [w, 0.0, 0.0, -w], 0.0, &mut spiked);
        // (To within the 0.1 ms of dynamics that follow: dv'/dv = 0.08 v + 5 ≈ -0.2/ms.)
        assert!((neuron.get(0, 0) - before - drift - 2e-3).abs() < 0.1e-3);
        assert!((neuron.get(0, 1) - before - drift + 2e-3).abs() < 0.1e-3);
        // A weight that lifts v past v_peak fires the neuron in that step.
        neuron.step(1, &mut [100.0, 0.0, 0.0, 0.0], 0.0, &mut spiked);
        assert_eq!(spiked, [0]);
        assert!(neuron.get(0, 0) < -60e-3);
    }

    #[test]
    fn check_rejects_bad_parameters() {
        assert!(check(&preset("CH", &[])).is_ok());
        assert_eq!(check(&preset("RS", &[("c_m", 0.0)])).unwrap_err().0, "c_m");
        assert_eq!(check(&preset("RS", &[("c", 40e-3)])).unwrap_err().0, "c");
        assert_eq!(check(&preset("RS", &[("a", f64::NAN)])).unwrap_err().0, "a");
    }
}
