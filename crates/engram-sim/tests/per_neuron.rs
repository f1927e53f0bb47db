//! Time constants per neuron (`tau_m = { file = "..." }` or a distribution): each
//! neuron follows its own closed form, equal values give the uniform population's
//! spikes bit for bit, draws do not depend on the threads, and bad values are located.

mod common;

use std::path::Path;

use common::{run, spike_steps};
use engram_model::{load_model, Model};
use engram_sim::Models;

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
    let err = |o: &[&str]| load(dir.path(), DRIVEN, o).unwrap_err();
    let m = dir.path().join("m.toml").display().to_string();
    assert_eq!(
        err(&["populations.p.tau_m={ file = \"three.npy\", unit = \"1 s\" }"]),
        format!("{m}:9:18: populations.p.tau_m.file: three.npy: expected 4 values (one per neuron), found 3")
    );
    assert_eq!(
        err(&["populations.p.tau_m={ file = \"zero.npy\", unit = \"1 s\" }"]),
        format!("{m}:9:18: populations.p.tau_m.file: zero.npy: value [3] is 0, expected a positive time")
    );
    assert_eq!(
        err(&["populations.p.tau_m={ file = \"missing.npy\", unit = \"1 s\" }"]),
        format!("{m}:9:18: populations.p.tau_m.file: cannot read missing.npy: No such file or directory (os error 2)")
    );
    assert_eq!(
        err(&["populations.p.v_th={ dist = \"uniform\", low = \"-56 mV\", high = \"-54 mV\" }"]),
        format!(
            "{m}:13:8: populations.p.v_th: \"lif\" takes one value for all its neurons here, expected a quantity (values per neuron: tau_m, tau_syn_exc, tau_syn_inh)"
        )
    );
    assert_eq!(
        err(&["populations.p.tau_m={ dist = \"normal\", mean = \"20 ms\", std = \"5 ms\" }"]),
        format!(
            "{m}:9:9: populations.p.tau_m: expected a distribution of positive times: uniform with `low` > 0, lognormal, or normal with `low` > 0"
        )
    );
    // Other models take one value, and current weights need one R for the population.
    let cond = "[simulation]\ndt = \"0.1 ms\"\nduration = \"1 ms\"\n[populations.c]\nn = 4\nmodel = \"lif_cond\"\ng_l = { file = \"tau_m.npy\", unit = \"1 s\" }\n";
    assert_eq!(
        load(dir.path(), cond, &[]).unwrap_err(),
        format!("{m}:7:7: populations.c.g_l: \"lif_cond\" takes one value for all its neurons, expected a quantity")
    );
    let current = format!(
        "{DRIVEN}\n[projections.pp]\nsource = \"p\"\ntarget = \"p\"\nrule = \"all_to_all\"\nweight = \"10 pA\"\n"
    );
    let e = load(dir.path(), &current, &[]).unwrap_err();
    assert!(e.starts_with(&format!("{m}:24:10: projections.pp.weight: expected a voltage")), "{e}");
}
