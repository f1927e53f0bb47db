//! `[[record.connectivity]]` (issue 25, item 4): `connectivity_PROJ.npz` holds a
//! projection's synapses in the arrays `from_file` reads, so a drawn network read back
//! and given to `from_file` is the same network: the same table and the same spikes.

mod common;

use std::fs::File;
use std::path::Path;

use common::engram;
use ndarray::Array1;
use ndarray_npy::NpzReader;

/// A CUBA-like network: current weights (stored scaled by τ_m / C_m), drawn weights
/// and delays. `exc_exc` is `projection`.
fn model(exc_exc: &str) -> String {
    format!(
        r#"[simulation]
dt = "0.1 ms"
duration = "300 ms"
seed = 5

[populations.exc]
n = 200
model = "lif"
tau_m = "20 ms"
c_m = "250 pF"
v_th = "-55 mV"
init = {{ v = {{ dist = "uniform", low = "-70 mV", high = "-55 mV" }} }}
poisson_input = {{ rate = "8 kHz", weight = "90 pA" }}

[projections.exc_exc]
source = "exc"
target = "exc"
{exc_exc}

[[record.connectivity]]
projection = "exc_exc"
"#
    )
}

const DRAWN: &str = r#"rule = "fixed_probability"
p = 0.1
weight = { dist = "normal", mean = "40 pA", std = "15 pA" }
delay = { dist = "uniform", low = "1 ms", high = "4 ms" }"#;

/// Runs `text` as `dir/NAME.toml` into `dir/NAME`.
fn run(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
    let out = engram(&["run", &format!("{name}.toml"), "-q", "-o", name], dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

fn table(path: &Path) -> (Array1<u32>, Array1<u32>, Array1<f64>, Array1<f64>) {
    let mut npz = NpzReader::new(File::open(path).unwrap()).unwrap();
    let names = npz.names().unwrap();
    assert_eq!(names, ["sources", "targets", "weights", "delays"], "a static projection");
    (
        npz.by_name("sources.npy").unwrap(),
        npz.by_name("targets.npy").unwrap(),
        npz.by_name("weights.npy").unwrap(),
        npz.by_name("delays.npy").unwrap(),
    )
}

#[test]
fn connectivity_read_back_rebuilds_the_same_network() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "drawn", &model(DRAWN));
    let (sources, targets, weights, delays) = table(&dir.path().join("drawn/connectivity_exc_exc.npz"));
    // About p · n² = 4000 synapses, by source then target, in SI units.
    assert!((3000..5000).contains(&sources.len()), "{}", sources.len());
    assert!(sources.iter().zip(&targets).collect::<Vec<_>>().windows(2).all(|w| w[0] < w[1]));
    assert!(weights.iter().all(|&w| (0.0..120e-12).contains(&w)), "amperes");
    assert!(delays.iter().all(|&d| (1e-3 - 1e-12..=4e-3 + 1e-12).contains(&d)), "seconds");
    assert!(delays.iter().all(|&d| ((d / 1e-4) - (d / 1e-4).round()).abs() < 1e-9), "whole steps");

    // The file as the projection's synapses, its numbers in SI units.
    let from_file =
        "rule = \"from_file\"\nfile = \"drawn/connectivity_exc_exc.npz\"\nweight = \"1 A\"\ndelay = \"1 s\"";
    run(dir.path(), "read", &model(from_file));
    let again = table(&dir.path().join("read/connectivity_exc_exc.npz"));
    assert_eq!(again, (sources, targets, weights, delays), "the same table");
    let spikes = |run: &str| std::fs::read(dir.path().join(run).join("spikes.npz")).unwrap();
    assert!(spikes("drawn").len() > 10_000, "the network fires");
    assert_eq!(spikes("drawn"), spikes("read"), "the same spikes");
}

/// A plastic projection's file has its final weights and its initial ones.
#[test]
fn a_plastic_projection_writes_initial_and_final_weights() {
    let dir = tempfile::tempdir().unwrap();
    let plastic = format!("{DRAWN}\nplasticity = {{ rule = \"stdp_pair\", A_plus = 0.05, w_max = \"120 pA\" }}")
        .replace("normal\", mean = \"40 pA\", std = \"15 pA\"", "uniform\", low = \"0 pA\", high = \"80 pA\"");
    run(dir.path(), "plastic", &model(&plastic));
    let mut npz = NpzReader::new(File::open(dir.path().join("plastic/connectivity_exc_exc.npz")).unwrap()).unwrap();
    assert_eq!(npz.names().unwrap(), ["sources", "targets", "weights", "delays", "initial_weights"]);
    let initial: Array1<f64> = npz.by_name("initial_weights.npy").unwrap();
    let last: Array1<f64> = npz.by_name("weights.npy").unwrap();
    assert!(initial.iter().all(|&w| (0.0..=80e-12 * (1.0 + 1e-6)).contains(&w)));
    assert!(last.iter().all(|&w| (0.0..=120e-12 * (1.0 + 1e-6)).contains(&w)));
    assert!(initial.iter().zip(&last).any(|(a, b)| a != b), "STDP changed some weight");
}

#[test]
fn connectivity_of_an_unknown_projection_is_bad_input() {
    let (code, msg) = common::check_with(&model(DRAWN), "projection = \"exc_exc\"", "projection = \"exc_ex\"");
    assert_eq!(code, 2);
    assert_eq!(
        msg,
        "error: m.toml:24:14: record.connectivity[0].projection: unknown projection \"exc_ex\", expected one of exc_exc"
    );
}

#[test]
fn connectivity_recorded_twice_is_bad_input() {
    let twice = format!("{}\n[[record.connectivity]]\nprojection = \"exc_exc\"\n", model(DRAWN));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), twice).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().next().unwrap(),
        "error: m.toml:27:14: record.connectivity[1].projection: projection \"exc_exc\" is recorded twice"
    );
}
