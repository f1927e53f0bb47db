//! `engram train`: bad configurations and data get one located message and exit 2; the
//! digits example reaches the accuracy; results depend on the seed only.

mod common;

use common::engram;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn first_error_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The digits example copied into `dir`, reading the shipped CSV by absolute path.
fn digits_config(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("examples/train/digits.toml")).unwrap();
    let csv = repo().join("data/digits.csv.gz").canonicalize().unwrap();
    let path = dir.join("digits.toml");
    std::fs::write(&path, text.replace("../../data/digits.csv.gz", &csv.display().to_string())).unwrap();
    path
}

fn bad(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["train", "digits.toml", "-q"];
    args.extend_from_slice(extra);
    let out = engram(&args, dir);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    first_error_line(&out)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn missing_and_malformed_configurations() {
    let dir = tempfile::tempdir().unwrap();
    let out = engram(&["train", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: nope.toml: cannot read the configuration: No such file or directory (os error 2)"
    );
    std::fs::write(dir.path().join("bad.toml"), "name = \"x\"\n[data\n").unwrap();
    let out = engram(&["train", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(first_error_line(&out), "error: bad.toml:2:6: invalid TOML: invalid table header expected `.`, `]`");
}

#[test]
fn bad_keys_and_values_are_located() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let d = dir.path();
    assert_eq!(
        bad(d, &["--set", "training.epoks=3"]),
        "error: --set training.epoks=3: training.epoks: unknown key `epoks` (did you mean `epochs`?)"
    );
    assert_eq!(
        bad(d, &["--set", "network.layers.hidden.tau_m=20"]),
        "error: --set network.layers.hidden.tau_m=20: network.layers.hidden.tau_m: expected a time such as \"20 ms\", found the bare number 20 without a unit"
    );
    assert_eq!(
        bad(d, &["--set", "network.surrogate=fast_sigmoud"]),
        "error: --set network.surrogate=fast_sigmoud: network.surrogate: expected one of \"fast_sigmoid\", \"arctan\", \"triangle\", found \"fast_sigmoud\""
    );
    assert_eq!(
        bad(d, &["--set", "network.layers.hidden.connectivity=1.5"]),
        "error: --set network.layers.hidden.connectivity=1.5: network.layers.hidden.connectivity: expected a fraction of connections in (0, 1], found 1.5"
    );
    assert_eq!(
        bad(d, &["--set", "network.layers.hidden.recurrent_connectivity=0.5"]),
        "error: --set network.layers.hidden.recurrent_connectivity=0.5: network.layers.hidden.recurrent_connectivity: needs `recurrent = true`"
    );
}

#[test]
fn missing_and_corrupt_data_files() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let d = dir.path();
    assert_eq!(
        bad(d, &["--set", "data.path=missing.csv.gz"]),
        "error: --set data.path=missing.csv.gz: data.path: cannot read `missing.csv.gz`: No such file or directory (os error 2)"
    );
    std::fs::write(d.join("short.csv"), "0,1,2\n").unwrap();
    assert_eq!(
        bad(d, &["--set", "data.path=short.csv"]),
        "error: --set data.path=short.csv: data.path: `short.csv` line 1: expected 65 values (64 pixels and the label), found 3"
    );
    std::fs::write(d.join("gz.csv.gz"), [0x1f, 0x8b, 0, 1, 2]).unwrap();
    let line = bad(d, &["--set", "data.path=gz.csv.gz"]);
    assert!(
        line.starts_with("error: --set data.path=gz.csv.gz: data.path: `gz.csv.gz` is not a valid gzip file: "),
        "{line}"
    );
}

#[test]
fn shapes_that_do_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let d = dir.path();
    assert_eq!(
        bad(d, &["--set", "network.layers.out.size=12"]),
        "error: --set network.layers.out.size=12: network.layers.out.size: the last layer needs one neuron per class: expected 10, found 12"
    );
    assert_eq!(
        bad(d, &["--set", "network.loss=max_membrane"]),
        "error: --set network.loss=max_membrane: network.loss: the loss \"max_membrane\" needs a readout layer last, found `out` of kind \"lif\""
    );
    assert_eq!(
        bad(d, &["--set", "encoding.kind=raster", "--set", "encoding.channels=3"]),
        "error: digits.toml:11:1: encoding: the data set's samples have 64 values, but a raster of 25 steps × 3 channels needs 75"
    );
}

/// The headline: at least 98 % on the digits test split with one hidden LIF
/// layer (snnTorch 1.0: 98.3 %). Also checks the run directory's contents.
#[test]
fn digits_reaches_98_percent() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let out = engram(&["train", "digits.toml", "-q", "-j", "2", "--out", "run"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m = read_json(&dir.path().join("run/metrics.json"));
    let acc = m["test_accuracy"].as_f64().unwrap();
    assert!(acc >= 0.98, "test accuracy {acc}");
    assert_eq!(m["epochs"], 30);
    assert!(m["samples_per_s"].as_f64().unwrap() > 0.0 && m["wall_s"].as_f64().unwrap() > 0.0);
    assert!(m["train_accuracy"].as_f64().unwrap() >= 0.98);
    for f in ["curves.png", "model.safetensors", "split.json", "export/model.toml", "export/hidden_w_in.npy"] {
        assert!(dir.path().join("run").join(f).metadata().unwrap().len() > 0, "{f}");
    }
    // The issue: the exported model classifies as the training graph does, within 1 %.
    let export = m["export"]["test_accuracy"].as_f64().unwrap();
    assert!((export - acc).abs() <= 0.01, "simulated export {export}, training graph {acc}");
}

/// The class of each sample from `engram run`'s output of an exported model: the
/// output population's spike counts in each sample's window (`layout.json`).
fn decisions_from_spikes(run: &Path, layout: &Value) -> Vec<usize> {
    use ndarray::Array1;
    let mut npz = ndarray_npy::NpzReader::new(std::fs::File::open(run.join("spikes.npz")).unwrap()).unwrap();
    let out = layout["output"].as_str().unwrap();
    let times: Array1<f64> = npz.by_name(&format!("{out}_times")).unwrap();
    let ids: Array1<u32> = npz.by_name(&format!("{out}_ids")).unwrap();
    let (samples, steps, period) = (
        layout["samples"].as_u64().unwrap() as usize,
        layout["steps"].as_u64().unwrap() as usize,
        layout["period"].as_u64().unwrap() as usize,
    );
    let dt = layout["dt"].as_f64().unwrap();
    let mut counts = vec![[0u32; 10]; samples];
    for (&t, &id) in times.iter().zip(&ids) {
        let step = (t / dt).round() as usize;
        if step % period < steps {
            counts[step / period][id as usize] += 1;
        }
    }
    // The first class with the most spikes, as the training graph decides.
    counts.iter().map(|c| (0..10).fold(0, |best, k| if c[k] > c[best] { k } else { best })).collect()
}

/// The trained digits network, exported as a model file and run by `engram run`,
/// decides as the training graph does on at least 99 % of the test samples, and its
/// accuracy is within 1 % of the training graph's (decisions computed here from
/// spikes.npz, independently of `engram train`'s own check).
#[test]
fn the_exported_digits_network_runs_in_the_simulator_as_trained() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let args = ["train", "digits.toml", "-q", "-j", "2", "--set", "training.epochs=6", "--out", "run"];
    let out = engram(&args, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m = read_json(&dir.path().join("run/metrics.json"));
    let trained = m["test_accuracy"].as_f64().unwrap();
    assert!(trained >= 0.9, "test accuracy after 6 epochs {trained}");
    let out = engram(&["run", "run/export/model.toml", "-q", "-o", "sim"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let layout = read_json(&dir.path().join("run/export/layout.json"));
    let decided = decisions_from_spikes(&dir.path().join("sim"), &layout);
    let graph: Vec<usize> =
        layout["training_graph_predictions"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    let labels: Vec<usize> =
        layout["labels"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    assert_eq!(decided.len(), graph.len());
    let n = labels.len() as f64;
    let same = decided.iter().zip(&graph).filter(|(a, b)| a == b).count() as f64 / n;
    assert!(same >= 0.99, "simulator and training graph agree on {same}");
    let simulated = decided.iter().zip(&labels).filter(|(a, b)| a == b).count() as f64 / n;
    assert!((simulated - trained).abs() <= 0.01, "simulated {simulated}, training graph {trained}");
    assert_eq!(m["export"]["agreement"].as_f64().unwrap(), same);
}

/// A sparse-masked hidden layer (a quarter of the input connections) trains, its
/// absent connections stay absent through training and export (the simulated network
/// has the mask's synapses, a binomial count, not the dense 64 × 128), and the export
/// decides as the training graph does.
#[test]
fn a_sparse_masked_layer_trains_and_exports_only_its_connections() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let args = ["train", "digits.toml", "-q", "-j", "2", "--out", "run", "--set", "training.epochs=6"];
    let sparse = ["--set", "network.layers.hidden.connectivity=0.25"];
    let out = engram(&[&args[..], &sparse[..]].concat(), dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m = read_json(&dir.path().join("run/metrics.json"));
    let trained = m["test_accuracy"].as_f64().unwrap();
    assert!(trained >= 0.85, "test accuracy after 6 epochs {trained}");
    assert!(m["export"]["agreement"].as_f64().unwrap() >= 0.99, "{}", m["export"]);
    let w: ndarray::Array2<f32> = ndarray_npy::read_npy(dir.path().join("run/export/hidden_w_in.npy")).unwrap();
    let existing = w.iter().filter(|&&x| x != 0.0).count() as f64;
    let (n, p) = (64.0 * 128.0, 0.25);
    assert!((existing - n * p).abs() < 4.0 * (n * p * (1.0 - p)).sqrt(), "{existing} input connections of {n}");
    let out = engram(&["run", "run/export/model.toml", "-q", "-o", "sim"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = read_json(&dir.path().join("sim/summary.json"));
    assert_eq!(summary["n_synapses"].as_f64().unwrap(), existing + 128.0 * 10.0);
}

/// A recurrent ALIF layer reset by subtraction with a max-membrane readout and one
/// trained time constant per neuron (the mnist1d example at reduced size) exports too:
/// `alif` neurons with their time constants in `.npy` files, and a recorded readout
/// membrane.
#[test]
fn recurrent_alif_exports_with_matching_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let config = repo().join("examples/train/mnist1d.toml");
    let args = [
        "train",
        config.to_str().unwrap(),
        "-q",
        "-j",
        "2",
        "--out",
        "run",
        "--set",
        "training.epochs=6",
        "--set",
        "data.train_samples=1000",
        "--set",
        "data.test_samples=300",
    ];
    let o = engram(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let m = read_json(&dir.path().join("run/metrics.json"));
    let trained = m["test_accuracy"].as_f64().unwrap();
    assert!(trained >= 0.25, "test accuracy {trained}");
    let model = std::fs::read_to_string(dir.path().join("run/export/model.toml")).unwrap();
    assert!(model.contains("model = \"alif\"") && model.contains("file = \"hidden_w_rec.npy\""), "{model}");
    // The example trains one time constant per neuron: they go to files.
    assert!(model.contains("tau_m = { file = \"hidden_tau_m.npy\", unit = \"1 s\" }"), "{model}");
    let agreement = m["export"]["agreement"].as_f64().unwrap();
    assert!(agreement >= 0.99, "simulator and training graph agree on {agreement}");
    let simulated = m["export"]["test_accuracy"].as_f64().unwrap();
    assert!((simulated - trained).abs() <= 0.01, "simulated {simulated}, training graph {trained}");
}

/// Same seed, same numbers, whatever the number of threads; another seed differs.
#[test]
fn training_is_deterministic_given_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    digits_config(dir.path());
    let run = |j: &str, seed: &str, out: &str| {
        let args = ["train", "digits.toml", "-q", "-j", j, "--seed", seed, "--set", "training.epochs=2", "--out", out];
        assert_eq!(engram(&args, dir.path()).status.code(), Some(0));
        read_json(&dir.path().join(out).join("metrics.json"))["history"].clone()
    };
    let one = run("1", "7", "a");
    assert_eq!(one, run("2", "7", "b"));
    assert_ne!(one, run("2", "8", "c"));
}

/// The delay task: with learnable delays the network classifies which input fired
/// first, and so does the exported model, whose synapses carry each learnt kernel as
/// taps with integer delays; the same network without delay learning stays near chance.
#[test]
fn learnable_delays_solve_the_order_task_and_no_delays_stay_near_chance() {
    let dir = tempfile::tempdir().unwrap();
    let config = repo().join("examples/train/delays.toml");
    let config = config.to_str().unwrap();
    let run = |extra: &[&str], out: &str| {
        let mut args = vec!["train", config, "-q", "-j", "2", "--out", out];
        args.extend_from_slice(extra);
        let o = engram(&args, dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        read_json(&dir.path().join(out).join("metrics.json"))
    };
    let with = run(&[], "with");
    let final_acc = with["test_accuracy"].as_f64().unwrap();
    assert!(final_acc >= 0.95, "test accuracy with learnable delays {final_acc}");
    let without = run(&["--set", "network.layers.hidden.max_delay=\"1 ms\""], "without");
    let chance = without["test_accuracy"].as_f64().unwrap();
    assert!(chance <= 0.62, "without delays {chance}");
    // The learnt delays run in the simulator from an .npz file of integer delays.
    let model = std::fs::read_to_string(dir.path().join("with/export/model.toml")).unwrap();
    assert!(model.contains("file = \"hidden_w_in.npz\""), "{model}");
    let simulated = with["export"]["test_accuracy"].as_f64().unwrap();
    assert!(simulated >= 0.95 && (simulated - final_acc).abs() <= 0.01, "simulated {simulated}, graph {final_acc}");
    assert!(with["export"]["agreement"].as_f64().unwrap() >= 0.99);
}

/// Every shipped training configuration reads, builds and evaluates (no epochs).
#[test]
fn every_training_example_reads() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["digits", "mnist1d", "delays"] {
        let config = repo().join(format!("examples/train/{name}.toml"));
        let args = ["train", config.to_str().unwrap(), "-q", "--set", "training.epochs=0", "--out", name];
        let o = engram(&args, dir.path());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(read_json(&dir.path().join(name).join("metrics.json"))["epochs"], 0);
    }
}

/// The recurrent ALIF network learns mnist1d well above chance (10 %) in a few
/// epochs on a quarter of the training set (the full run is in bench/RESULTS.md).
#[test]
fn recurrent_alif_learns_mnist1d_at_reduced_size() {
    let dir = tempfile::tempdir().unwrap();
    let config = repo().join("examples/train/mnist1d.toml");
    let args = [
        "train",
        config.to_str().unwrap(),
        "-q",
        "-j",
        "2",
        "--set",
        "training.epochs=6",
        "--set",
        "data.train_samples=1000",
        "--set",
        "data.test_samples=500",
        "--set",
        "network.layers.hidden.size=128",
        "--out",
        "m",
    ];
    let o = engram(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let acc = read_json(&dir.path().join("m/metrics.json"))["test_accuracy"].as_f64().unwrap();
    assert!(acc >= 0.3, "test accuracy {acc}");
}
