//! Parameters per neuron (`tau_m = { file = "..." }` or a distribution): each neuron
//! follows its own closed form (time constants, thresholds, resets, refractory periods,
//! currents, conductances), equal values give the uniform population's spikes bit for
//! bit, draws do not depend on the threads, and bad values are located.

mod common;

use std::path::Path;

use common::{run, spike_steps};
use engram_model::{load_model, Model};
use engram_sim::Models;

/// The SI unit of a parameter's values in the `.npy` files these tests write.
fn si_unit(key: &str) -> &'static str {
    match key {
        "c_m" => "1 F",
        "g_l" => "1 S",
        "i_e" => "1 A",
        k if k.starts_with("v_") || k.starts_with("e_") => "1 V",
        _ => "1 s",
    }
}

fn write_npy(dir: &Path, name: &str, values: &[f64]) {
    use ndarray_npy::WriteNpyExt;
    let file = std::fs::File::create(dir.join(name)).unwrap();
    ndarray::Array1::from(values.to_vec()).write_npy(file).unwrap();
}

fn load(dir: &Path, text: &str, overrides: &[&str]) -> Result<Model, String> {
    let path = dir.join("m.toml");
    std::fs::write(&path, text).unwrap();
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    load_model(&path, &o, &Models).map_err(|e| e.to_string())
}

const DRIVEN: &str = r#"
[simulation]
dt = "0.1 ms"
duration = "300 ms"

[populations.p]
n = 4
model = "lif"
tau_m = { file = "tau_m.npy", unit = "1 ms" }
c_m = "250 pF"
v_rest = "-70 mV"
v_reset = "-70 mV"
v_th = "-55 mV"
t_ref = "2 ms"
i_e = "500 pA"

[record]
spikes = { p = "all" }
"#;

/// Under a constant current each neuron fires with the LIF period of its own τ_m:
/// T = t_ref + τ ln((V∞ − V_reset)/(V∞ − V_th)), V∞ = V_rest + (τ/C) I_e.
#[test]
fn each_neuron_fires_with_the_period_of_its_own_tau_m() {
    let dir = tempfile::tempdir().unwrap();
    let taus_ms = [10.0, 17.0, 25.0, 40.0];
    write_npy(dir.path(), "tau_m.npy", &taus_ms);
    let m = load(dir.path(), DRIVEN, &[]).unwrap();
    for threads in [1, 2] {
        let net = run(&m, threads);
        for (id, tau_ms) in taus_ms.iter().enumerate() {
            let tau = tau_ms * 1e-3;
            let v_inf = -70e-3 + tau / 250e-12 * 500e-12;
            let period = 2e-3 + tau * ((v_inf + 70e-3) / (v_inf + 55e-3)).ln();
            let steps = spike_steps(&net, &m, 0, id as u32);
            assert!(steps.len() >= 4, "neuron {id}: {} spikes", steps.len());
            for w in steps.windows(2) {
                let isi = (w[1] - w[0]) as f64 * 1e-4;
                // Spikes are on the step grid: within one step of the closed form.
                assert!((isi - period).abs() <= 1e-4 + 1e-9, "neuron {id}: ISI {isi}, closed form {period}");
            }
        }
    }
}

fn cuba(dir: &Path, overrides: &[&str]) -> Model {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cuba.toml")).unwrap();
    let mut o = vec!["populations.exc.n=800", "populations.inh.n=200", "simulation.duration=\"300 ms\""];
    for proj in ["exc_exc", "exc_inh", "inh_exc", "inh_inh"] {
        o.push(Box::leak(format!("projections.{proj}.p=0.08").into_boxed_str()));
    }
    o.extend_from_slice(overrides);
    load(dir, &text, &o).unwrap()
}

fn spikes(m: &Model, threads: usize) -> Vec<(Vec<f64>, Vec<u32>)> {
    run(m, threads).recordings().spikes.iter().map(|s| (s.times.clone(), s.ids.clone())).collect()
}

/// The per-neuron propagators are the uniform ones when the values are equal: a CUBA
/// network with τ_m and τ_syn given per neuron (all equal) fires exactly as with scalars.
#[test]
fn equal_values_per_neuron_give_the_uniform_spikes_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    write_npy(dir.path(), "tau_m.npy", &[20e-3; 800]);
    write_npy(dir.path(), "tau_syn.npy", &[5e-3; 800]);
    let uniform = cuba(dir.path(), &[]);
    let per_neuron = cuba(
        dir.path(),
        &[
            "populations.exc.tau_m={ file = \"tau_m.npy\", unit = \"1 s\" }",
            "populations.exc.tau_syn_exc={ file = \"tau_syn.npy\", unit = \"1 s\" }",
        ],
    );
    let a = spikes(&uniform, 2);
    assert!(a[0].0.len() > 100, "the network is active: {} spikes", a[0].0.len());
    assert_eq!(a, spikes(&per_neuron, 2));
    // The same for the other parameters of `lif` (the inhibitory population).
    let p = &uniform.populations[1].params;
    let mut o = Vec::new();
    for key in ["v_th", "v_rest", "v_reset", "t_ref", "i_e"] {
        write_npy(dir.path(), &format!("{key}.npy"), &[p.f(key); 200]);
        o.push(Box::leak(
            format!("populations.inh.{key}={{ file = \"{key}.npy\", unit = \"{}\" }}", si_unit(key)).into_boxed_str(),
        ) as &str);
    }
    assert_eq!(a, spikes(&cuba(dir.path(), &o), 2));
}

/// τ_m drawn per neuron: the same spikes on 1 and 2 threads (one stream per population
/// and parameter, drawn in neuron order), and not those of the uniform network.
#[test]
fn drawn_values_do_not_depend_on_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let drawn = cuba(dir.path(), &["populations.exc.tau_m={ dist = \"uniform\", low = \"10 ms\", high = \"30 ms\" }"]);
    let one = spikes(&drawn, 1);
    assert_eq!(one, spikes(&drawn, 2));
    assert_ne!(one, spikes(&cuba(dir.path(), &[]), 1));
}

#[test]
fn bad_values_per_neuron_are_located() {
    let dir = tempfile::tempdir().unwrap();
    write_npy(dir.path(), "three.npy", &[0.01, 0.02, 0.03]);
    write_npy(dir.path(), "tau_m.npy", &[10.0, 20.0, 30.0, 40.0]);
    write_npy(dir.path(), "zero.npy", &[0.01, 0.02, 0.03, 0.0]);
    // Values given by `--set` are located at the override (issue 25, item 10): the
    // error starts with it, and the rest is compared.
    let err = |o: &str| {
        let e = load(dir.path(), DRIVEN, &[o]).unwrap_err();
        e.strip_prefix(&format!("--set {o}: ")).map_or(e.clone(), str::to_string)
    };
    let m = dir.path().join("m.toml").display().to_string();
    assert_eq!(
        err("populations.p.tau_m={ file = \"three.npy\", unit = \"1 s\" }"),
        String::from("populations.p.tau_m.file: three.npy: expected 4 values (one per neuron), found 3")
    );
    assert_eq!(
        err("populations.p.tau_m={ file = \"zero.npy\", unit = \"1 s\" }"),
        String::from("populations.p.tau_m: expected a positive value in every neuron, found 0 in neuron 3 (SI units)")
    );
    assert_eq!(
        err("populations.p.tau_m={ file = \"missing.npy\", unit = \"1 s\" }"),
        String::from("populations.p.tau_m.file: cannot read missing.npy: No such file or directory (os error 2)")
    );
    assert_eq!(
        err("populations.p.c_m={ dist = \"uniform\", low = \"200 pF\", high = \"300 pF\" }"),
        String::from("populations.p.c_m: \"lif\" takes one value of c_m for the whole population, expected a quantity (a value per neuron may be given for tau_m, tau_syn_exc, tau_syn_inh, v_th, v_rest, v_reset, t_ref, i_e)"
        )
    );
    assert_eq!(
        err("populations.p.tau_m={ dist = \"normal\", mean = \"20 ms\", std = \"5 ms\" }"),
        String::from("populations.p.tau_m: expected a positive value in every neuron, but draws of this distribution reach 0 (SI units): bound it with `low`, or use uniform or lognormal"
        )
    );
    // Models without values per neuron say so, and current weights need one R for the population.
    let izh = "[simulation]\ndt = \"0.1 ms\"\nduration = \"1 ms\"\n[populations.c]\nn = 4\nmodel = \"izhikevich\"\ni_e = { file = \"tau_m.npy\", unit = \"1 pA\" }\n";
    assert_eq!(
        load(dir.path(), izh, &[]).unwrap_err(),
        format!(
            "{m}:7:7: populations.c.i_e: \"izhikevich\" takes one value of i_e for the whole population, expected a quantity (no parameter of \"izhikevich\" takes a value per neuron)"
        )
    );
    let current = format!(
        "{DRIVEN}\n[projections.pp]\nsource = \"p\"\ntarget = \"p\"\nrule = \"all_to_all\"\nweight = \"10 pA\"\n"
    );
    let e = load(dir.path(), &current, &[]).unwrap_err();
    assert!(e.starts_with(&format!("{m}:24:10: projections.pp.weight: expected a voltage")), "{e}");
    assert!(e.ends_with("while R here differs from neuron to neuron"), "{e}");
}

/// A population of four `lif` neurons driven by a constant current, no synapses, with
/// `extra` lines appended to its table; `v_th`, `t_ref` and `i_e` are set by `extra`
/// unless it gives them.
fn driven(extra: &str) -> String {
    let mut text = String::from(
        "[simulation]\ndt = \"0.1 ms\"\nduration = \"1 s\"\n\n[populations.p]\nn = 4\nmodel = \"lif\"\n\
         tau_m = \"20 ms\"\nc_m = \"250 pF\"\nv_rest = \"-70 mV\"\nv_reset = \"-65 mV\"\n",
    );
    for (key, value) in [("v_th", "\"-55 mV\""), ("t_ref", "\"2 ms\""), ("i_e", "\"400 pA\"")] {
        if !extra.contains(&format!("{key} =")) {
            text += &format!("{key} = {value}\n");
        }
    }
    text + extra + "\n[record]\nspikes = { p = \"all\" }\n"
}

/// Time (s) for a LIF neuron to go from `v0` to `v_th`, relaxing to `v_inf` with `tau`.
fn time_to_threshold(tau: f64, v_inf: f64, v0: f64, v_th: f64) -> f64 {
    tau * ((v_inf - v0) / (v_inf - v_th)).ln()
}

/// The step of a spike whose closed-form time is `t`: a neuron crossing threshold in
/// (k·dt, (k+1)·dt] spikes at step k, so k = ⌈t/dt⌉ − 1. `k` is within 1 % of a step of
/// that (the membrane is f32).
fn assert_step_of(k: u64, t: f64, what: &str) {
    let x = t / 1e-4;
    assert!(k as f64 >= x - 1.0 - 0.01 && k as f64 <= x + 0.01, "{what}: spike at step {k}, closed form {t} s");
}

/// `v_th` from a file: each neuron's first spike, from `v_rest`, comes at the LIF time to
/// threshold of its own `v_th`, T = τ ln((V∞ − v_rest)/(V∞ − v_th)), V∞ = v_rest + R i_e;
/// and every later interval is t_ref plus the time from v_reset to its threshold.
#[test]
fn each_neuron_reaches_its_own_v_th_at_the_closed_form_time() {
    let dir = tempfile::tempdir().unwrap();
    let v_th = [-60e-3, -57e-3, -55e-3, -52e-3];
    write_npy(dir.path(), "v_th.npy", &v_th);
    let m = load(dir.path(), &driven("v_th = { file = \"v_th.npy\", unit = \"1 V\" }"), &[]).unwrap();
    let v_inf = -70e-3 + 20e-3 / 250e-12 * 400e-12;
    for threads in [1, 2] {
        let net = run(&m, threads);
        for (id, &th) in v_th.iter().enumerate() {
            let steps = spike_steps(&net, &m, 0, id as u32);
            assert!(steps.len() > 10, "neuron {id}: {} spikes", steps.len());
            assert_step_of(steps[0], time_to_threshold(20e-3, v_inf, -70e-3, th), &format!("neuron {id}"));
            let period = 2e-3 + time_to_threshold(20e-3, v_inf, -65e-3, th);
            for w in steps.windows(2) {
                let isi = (w[1] - w[0]) as f64 * 1e-4;
                assert!((isi - period).abs() <= 1e-4 + 1e-9, "neuron {id}: ISI {isi}, closed form {period}");
            }
        }
    }
}

/// `v_th` drawn per neuron: each neuron's first spike comes at the time to threshold of
/// the value drawn for it (the population's stream for `v_th`, in neuron order).
#[test]
fn a_drawn_v_th_sets_each_neurons_first_spike() {
    let dir = tempfile::tempdir().unwrap();
    let m = load(
        dir.path(),
        &driven("v_th = { dist = \"normal\", mean = \"-55 mV\", std = \"1 mV\" }"),
        &["simulation.duration=\"50 ms\""],
    )
    .unwrap();
    assert!(m.populations[0].params.varies("v_th"));
    let dist = engram_model::Dist::Normal { mean: -55e-3, std: 1e-3 };
    let k = m.populations[0].kind.params.iter().position(|s| s.name == "v_th").unwrap();
    let mut rng = engram_sim::rng::stream(m.seed, engram_sim::rng::Purpose::Param, 0, k as u64);
    let drawn: Vec<f64> = (0..4).map(|_| engram_sim::connect::draw(&dist, &mut rng)).collect();
    assert!(drawn.windows(2).any(|w| w[0] != w[1]), "{drawn:?}");
    let net = run(&m, 2);
    let v_inf = -70e-3 + 20e-3 / 250e-12 * 400e-12;
    for (id, &th) in drawn.iter().enumerate() {
        let steps = spike_steps(&net, &m, 0, id as u32);
        assert_step_of(steps[0], time_to_threshold(20e-3, v_inf, -70e-3, th), &format!("neuron {id}, v_th {th}"));
    }
}

/// `t_ref` per neuron: each neuron's interspike interval is its own refractory period plus
/// the closed-form time from v_reset to threshold.
#[test]
fn each_neuron_fires_with_its_own_refractory_period() {
    let dir = tempfile::tempdir().unwrap();
    let t_ref = [0.0, 1e-3, 5e-3, 12.5e-3];
    write_npy(dir.path(), "t_ref.npy", &t_ref);
    let m = load(dir.path(), &driven("t_ref = { file = \"t_ref.npy\", unit = \"1 s\" }"), &[]).unwrap();
    let net = run(&m, 2);
    let v_inf = -70e-3 + 20e-3 / 250e-12 * 400e-12;
    for (id, &tr) in t_ref.iter().enumerate() {
        let period = tr + time_to_threshold(20e-3, v_inf, -65e-3, -55e-3);
        let steps = spike_steps(&net, &m, 0, id as u32);
        assert!(steps.len() > 10, "neuron {id}: {} spikes", steps.len());
        for w in steps.windows(2) {
            let isi = (w[1] - w[0]) as f64 * 1e-4;
            assert!((isi - period).abs() <= 1e-4 + 1e-9, "neuron {id}: ISI {isi}, closed form {period}");
        }
    }
}

/// `i_e` per neuron (a file in pA): each neuron's rate over 1 s is the LIF rate of its
/// own current, 1 / (t_ref + τ ln((V∞ − v_reset)/(V∞ − v_th))), and one below rheobase
/// (R i_e < v_th − v_rest) stays silent.
#[test]
fn each_neuron_fires_at_the_rate_of_its_own_current() {
    let dir = tempfile::tempdir().unwrap();
    let i_e_pa = [150.0, 320.0, 500.0, 900.0];
    write_npy(dir.path(), "i_e.npy", &i_e_pa);
    let m = load(dir.path(), &driven("i_e = { file = \"i_e.npy\", unit = \"1 pA\" }"), &[]).unwrap();
    let net = run(&m, 2);
    for (id, &i) in i_e_pa.iter().enumerate() {
        let v_inf = -70e-3 + 20e-3 / 250e-12 * i * 1e-12;
        let count = spike_steps(&net, &m, 0, id as u32).len() as f64;
        if v_inf <= -55e-3 {
            assert_eq!(count, 0.0, "neuron {id} is below rheobase");
            continue;
        }
        // The first spike comes at T0 (from v_rest), later ones every P (from v_reset),
        // each within a step dt of the closed form: 1 + (1 s − T0)/P spikes, give or take
        // the steps.
        let (t0, period, dt) = (
            time_to_threshold(20e-3, v_inf, -70e-3, -55e-3),
            2e-3 + time_to_threshold(20e-3, v_inf, -65e-3, -55e-3),
            1e-4,
        );
        let (fewest, most) =
            (1.0 + ((1.0 - t0 - dt) / (period + dt)).floor(), 1.0 + ((1.0 - t0 + dt) / (period - dt)).floor());
        assert!(
            count >= fewest && count <= most,
            "neuron {id}: {count} spikes in 1 s, closed form rate {} Hz",
            1.0 / period
        );
        assert!(
            (count - 1.0 / period).abs() / count < 0.03,
            "neuron {id}: rate {count} Hz, closed form {} Hz",
            1.0 / period
        );
    }
}

/// `i_e` per neuron adds to an injected `step_current`: from its onset each neuron fires
/// with the LIF period of V∞ = v_rest + R (i_e + I_step), and before it only those whose
/// own i_e is above rheobase fire.
#[test]
fn a_step_current_adds_to_each_neurons_own_i_e() {
    let dir = tempfile::tempdir().unwrap();
    let i_e_pa = [0.0, 100.0, 250.0, 400.0];
    write_npy(dir.path(), "i_e.npy", &i_e_pa);
    let extra = "i_e = { file = \"i_e.npy\", unit = \"1 pA\" }\n\
                 step_current = { times = [\"0 ms\", \"300 ms\"], amplitudes = [\"0 pA\", \"300 pA\"] }";
    let m = load(dir.path(), &driven(extra), &[]).unwrap();
    let net = run(&m, 2);
    for (id, &i) in i_e_pa.iter().enumerate() {
        let steps = spike_steps(&net, &m, 0, id as u32);
        let (before, after): (Vec<u64>, Vec<u64>) = steps.iter().partition(|&&k| k < 3000);
        assert_eq!(before.is_empty(), -70e-3 + 20e-3 / 250e-12 * i * 1e-12 <= -55e-3, "neuron {id}: {before:?}");
        let v_inf = -70e-3 + 20e-3 / 250e-12 * (i + 300.0) * 1e-12;
        let period = 2e-3 + time_to_threshold(20e-3, v_inf, -65e-3, -55e-3);
        assert!(after.len() > 10, "neuron {id}: {} spikes", after.len());
        for w in after.windows(2) {
            let isi = (w[1] - w[0]) as f64 * 1e-4;
            assert!((isi - period).abs() <= 1e-4 + 1e-9, "neuron {id}: ISI {isi}, closed form {period}");
        }
    }
}

/// `alif` without adaptation, reset to v_reset, no refractory period: each neuron starts
/// at its own v_rest, and its period is the LIF time from v_reset to its own v_th, under
/// its own current and v_rest.
#[test]
fn alif_neurons_fire_with_the_period_of_their_own_threshold_and_current() {
    let dir = tempfile::tempdir().unwrap();
    let (v_th, i_e) = ([-58e-3, -54e-3, -50e-3, -56e-3], [300e-12, 400e-12, 500e-12, 700e-12]);
    let v_rest = [-70e-3, -72e-3, -68e-3, -70e-3];
    write_npy(dir.path(), "v_th.npy", &v_th);
    write_npy(dir.path(), "i_e.npy", &i_e);
    write_npy(dir.path(), "v_rest.npy", &v_rest);
    let text = "[simulation]\ndt = \"0.1 ms\"\nduration = \"500 ms\"\n\n[populations.a]\nn = 4\nmodel = \"alif\"\n\
                tau_m = \"20 ms\"\nc_m = \"250 pF\"\nv_rest = { file = \"v_rest.npy\", unit = \"1 V\" }\nv_reset = \"-65 mV\"\nadapt_strength = 0\n\
                reset = \"to_v_reset\"\nv_th = { file = \"v_th.npy\", unit = \"1 V\" }\ni_e = { file = \"i_e.npy\", unit = \"1 A\" }\n";
    let m = load(dir.path(), text, &[]).unwrap();
    let net = run(&m, 2);
    for id in 0..4 {
        let v_inf = v_rest[id] + 20e-3 / 250e-12 * i_e[id];
        let period = time_to_threshold(20e-3, v_inf, -65e-3, v_th[id]);
        let steps = spike_steps(&net, &m, 0, id as u32);
        assert!(steps.len() > 5, "neuron {id}: {} spikes", steps.len());
        // V starts at the neuron's own v_rest.
        assert_step_of(steps[0], time_to_threshold(20e-3, v_inf, v_rest[id], v_th[id]), &format!("neuron {id}"));
        for w in steps.windows(2) {
            let isi = (w[1] - w[0]) as f64 * 1e-4;
            assert!((isi - period).abs() <= 1e-4 + 1e-9, "neuron {id}: ISI {isi}, closed form {period}");
        }
    }
}

/// `lif_cond` with `g_l`, `c_m`, `v_rest`, `t_ref` and `i_e` per neuron: without synaptic
/// input each neuron is a LIF with τ = c_m / g_l and V∞ = v_rest + i_e / g_l, and fires
/// with period t_ref + τ ln((V∞ − v_reset)/(V∞ − v_th)) of its own values.
#[test]
fn lif_cond_neurons_fire_with_the_period_of_their_own_conductances() {
    let dir = tempfile::tempdir().unwrap();
    let g_l = [10e-9, 15e-9, 8e-9, 20e-9];
    let c_m = [200e-12, 150e-12, 250e-12, 300e-12];
    let v_rest = [-60e-3, -62e-3, -58e-3, -60e-3];
    let t_ref = [5e-3, 2e-3, 0.0, 8e-3];
    let i_e = [200e-12, 300e-12, 150e-12, 400e-12];
    for (name, v) in [("g_l", &g_l), ("c_m", &c_m), ("v_rest", &v_rest), ("t_ref", &t_ref), ("i_e", &i_e)] {
        write_npy(dir.path(), &format!("{name}.npy"), v);
    }
    let text = "[simulation]\ndt = \"0.1 ms\"\nduration = \"500 ms\"\n\n[populations.c]\nn = 4\nmodel = \"lif_cond\"\n\
                v_reset = \"-63 mV\"\nv_th = \"-50 mV\"\ng_l = { file = \"g_l.npy\", unit = \"1 S\" }\nc_m = { file = \"c_m.npy\", unit = \"1 F\" }\n\
                v_rest = { file = \"v_rest.npy\", unit = \"1 V\" }\nt_ref = { file = \"t_ref.npy\", unit = \"1 s\" }\ni_e = { file = \"i_e.npy\", unit = \"1 A\" }\n";
    let m = load(dir.path(), text, &[]).unwrap();
    let net = run(&m, 2);
    for id in 0..4 {
        let (tau, v_inf) = (c_m[id] / g_l[id], v_rest[id] + i_e[id] / g_l[id]);
        let period = t_ref[id] + time_to_threshold(tau, v_inf, -63e-3, -50e-3);
        let steps = spike_steps(&net, &m, 0, id as u32);
        assert!(steps.len() > 5, "neuron {id}: {} spikes", steps.len());
        assert_step_of(steps[0], time_to_threshold(tau, v_inf, v_rest[id], -50e-3), &format!("neuron {id}"));
        for w in steps.windows(2) {
            let isi = (w[1] - w[0]) as f64 * 1e-4;
            assert!((isi - period).abs() <= 1e-4 + 1e-9, "neuron {id}: ISI {isi}, closed form {period}");
        }
    }
}

/// A COBA network (`lif_cond`) with every parameter given per neuron, all equal to the
/// scalars, fires exactly as with scalars: the array path computes what the scalar one does.
#[test]
fn equal_conductance_parameters_per_neuron_give_the_uniform_spikes_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coba.toml")).unwrap();
    let mut o = vec!["populations.exc.n=800", "populations.inh.n=200", "simulation.duration=\"300 ms\""];
    for proj in ["exc_exc", "exc_inh", "inh_exc", "inh_inh"] {
        o.push(Box::leak(format!("projections.{proj}.p=0.08").into_boxed_str()));
    }
    let uniform = load(dir.path(), &text, &o).unwrap();
    let p = &uniform.populations[0].params;
    let mut per_neuron = o.clone();
    for key in
        ["c_m", "g_l", "v_rest", "v_reset", "v_th", "t_ref", "e_exc", "e_inh", "tau_syn_exc", "tau_syn_inh", "i_e"]
    {
        write_npy(dir.path(), &format!("{key}.npy"), &[p.f(key); 800]);
        per_neuron.push(Box::leak(
            format!("populations.exc.{key}={{ file = \"{key}.npy\", unit = \"{}\" }}", si_unit(key)).into_boxed_str(),
        ));
    }
    let per_neuron = load(dir.path(), &text, &per_neuron).unwrap();
    assert!(per_neuron.populations[0].params.varies("g_l"));
    let a = spikes(&uniform, 2);
    assert!(a[0].0.len() > 50, "the network is active: {} spikes", a[0].0.len());
    assert_eq!(a, spikes(&per_neuron, 2));
}
