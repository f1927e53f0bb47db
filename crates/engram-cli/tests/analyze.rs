//! `engram analyze`: bad input gets one message naming the file and the problem (exit
//! 2); empty trains give nulls with notes; a real run is analysed end to end.

mod common;

use common::engram;
use std::path::Path;
use std::process::Output;

use engram_io::{write_spikes_npz, PopulationSpikes};
use serde_json::Value;

fn first_error_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string()
}

/// Writes `s.npz` with one population `exc` of the given spikes into `dir`.
fn npz(dir: &Path, name: &str, times: &[f64], ids: &[u32]) {
    let size = ids.iter().max().map_or(1, |&m| m as usize + 1);
    let pop = PopulationSpikes { name: "exc", size, recorded: size, times, ids };
    write_spikes_npz(&dir.join(name), &[pop]).unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn missing_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = engram(&["analyze", "nope.npz"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(first_error_line(&out), "error: nope.npz: no such file or directory");
}

#[test]
fn corrupt_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.npz"), b"not a zip archive").unwrap();
    let out = engram(&["analyze", "bad.npz"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let line = first_error_line(&out);
    assert!(line.starts_with("error: bad.npz: not a readable NPZ (zip) archive: "), "{line}");
}

#[test]
fn negative_time() {
    let dir = tempfile::tempdir().unwrap();
    npz(dir.path(), "s.npz", &[-0.1, 0.2], &[0, 0]);
    let out = engram(&["analyze", "s.npz"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: s.npz: population 'exc': spike 0 of neuron 0 has a negative time (-0.1 s)"
    );
}

#[test]
fn unsorted_times() {
    let dir = tempfile::tempdir().unwrap();
    npz(dir.path(), "s.npz", &[0.5, 0.1], &[0, 0]);
    let out = engram(&["analyze", "s.npz"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: s.npz: population 'exc': spike times of neuron 0 are not sorted: 0.1 s follows 0.5 s (spike 1)"
    );
}

#[test]
fn id_out_of_range_of_the_run_directory_summary() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    npz(&run, "spikes.npz", &[0.1, 0.2], &[0, 5]);
    std::fs::write(run.join("summary.json"), r#"{"duration_s": 1.0, "populations": {"exc": {"n": 2}}}"#).unwrap();
    let out = engram(&["analyze", "run"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: run/spikes.npz: population 'exc': neuron id 5 out of range for 2 neurons (spike 1)"
    );
}

#[test]
fn spike_after_the_given_duration() {
    let dir = tempfile::tempdir().unwrap();
    npz(dir.path(), "s.npz", &[0.1, 2.0], &[0, 0]);
    let out = engram(&["analyze", "s.npz", "--duration", "1 s"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: s.npz: population 'exc': spike at 2 s of neuron 0 lies outside the window [0, 1] s"
    );
    let out = engram(&["analyze", "s.npz", "--duration", "1 mV"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(first_error_line(&out), "error: --duration: expected a positive time such as \"10 s\", found \"1 mV\"");
}

#[test]
fn too_few_spikes_give_nulls_with_notes() {
    // Two neurons with one spike each: a rate, but no ISI statistic and no correlation
    // over 1 s; nothing crashes.
    let dir = tempfile::tempdir().unwrap();
    npz(dir.path(), "s.npz", &[0.1, 0.3], &[0, 1]);
    let out = engram(&["analyze", "s.npz", "--duration", "1 s", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let a = read_json(&dir.path().join("analysis.json"));
    let exc = &a["populations"]["exc"];
    assert_eq!(exc["n"], 2);
    assert_eq!(exc["rate_hz"], 1.0);
    for key in ["cv", "cv2", "lv", "lvr"] {
        assert!(exc[key].is_null(), "{key}");
    }
    let notes: Vec<&str> = exc["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.contains(&"cv: no neuron has 3 or more spikes"), "{notes:?}");
    assert_eq!(a["duration_from"], "--duration");
}

#[test]
fn cuba_run_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cuba.toml");
    let run = engram(&["run", model.to_str().unwrap(), "--duration", "200 ms", "--out", "run", "--quiet"], dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let out = engram(&["analyze", "run", "--report", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let a = read_json(&dir.path().join("run/analysis.json"));
    let summary = read_json(&dir.path().join("run/summary.json"));
    assert_eq!(a["duration_s"], summary["duration_s"]);
    for pop in ["exc", "inh"] {
        let p = &a["populations"][pop];
        // Same spike count and rate as the run reported.
        assert_eq!(p["spikes"], summary["populations"][pop]["spikes"]);
        let rate = p["rate_hz"].as_f64().unwrap();
        let run_rate = summary["populations"][pop]["rate_hz"].as_f64().unwrap();
        assert!((rate - run_rate).abs() <= 1e-12 * run_rate, "{pop}: {rate} vs {run_rate}");
        // Irregular asynchronous firing (Brette et al. 2007): CV and LV of order 1,
        // weak pairwise correlation, χ well below 1.
        for key in ["cv", "cv2", "lv", "lvr", "fano", "synchrony_chi", "dominant_frequency_hz", "van_rossum"] {
            assert!(p[key].as_f64().is_some_and(f64::is_finite), "{pop}.{key} = {}", p[key]);
        }
        let corr = p["correlation"].as_f64().unwrap();
        assert!(corr.abs() < 0.5, "{pop}: correlation {corr}");
        assert!(p["correlation_neurons"].as_u64().unwrap() <= 1000);
        let chi = p["synchrony_chi"].as_f64().unwrap();
        assert!(chi > 0.0 && chi < 1.0, "{pop}: chi {chi}");
    }
    for file in ["raster.png", "rates.png", "isi.png", "cv.png", "correlation_exc.png", "ntf_exc.png"] {
        let len = std::fs::metadata(dir.path().join("run/report").join(file)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 0, "report/{file} is missing or empty");
    }
}

#[test]
fn run_directory_without_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let out = engram(&["analyze", "run"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(first_error_line(&out), "error: cannot open run/spikes.npz: No such file or directory (os error 2)");
    npz(&run, "spikes.npz", &[0.1], &[0]);
    std::fs::write(run.join("summary.json"), "{").unwrap();
    let out = engram(&["analyze", "run"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        first_error_line(&out).starts_with("error: run/summary.json: not valid JSON: "),
        "{}",
        first_error_line(&out)
    );
}

#[test]
fn silent_population_gives_nulls_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let pop = PopulationSpikes { name: "exc", size: 10, recorded: 10, times: &[], ids: &[] };
    write_spikes_npz(&run.join("spikes.npz"), &[pop]).unwrap();
    std::fs::write(run.join("summary.json"), r#"{"duration_s": 0.5, "populations": {"exc": {"n": 10}}}"#).unwrap();
    let out = engram(&["analyze", "run", "--report", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let exc = &read_json(&run.join("analysis.json"))["populations"]["exc"];
    assert_eq!(exc["rate_hz"], 0.0);
    for key in ["cv", "fano", "correlation", "synchrony_chi", "dominant_frequency_hz", "van_rossum"] {
        assert!(exc[key].is_null(), "{key} = {}", exc[key]);
    }
    assert!(exc["notes"].as_array().unwrap().len() >= 6);
}
