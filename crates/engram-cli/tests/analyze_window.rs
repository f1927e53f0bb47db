//! Issue 25, item 7: statistics over a window that leaves out the onset transient —
//! `engram analyze --t-start/--t-stop` with its bin widths, and `[record] rates_from`
//! for `summary.json` and the run's report. Expected values are closed forms of
//! hand-built spike trains.

mod common;

use common::engram;
use std::path::Path;
use std::process::Output;

use engram_io::{write_spikes_npz, PopulationSpikes};
use serde_json::Value;

fn first_error_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(got: &Value, want: f64, what: &str) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{what} = {got}"));
    // Spike times are sums of decimal fractions, exact only to a few ulps.
    assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{what}: {got}, expected {want}");
}

/// Two neurons over 1 s. Both burst every 2 ms for the first 100 ms (the transient);
/// from 0.4 s neuron 0 fires at 0.412 s, then alternately 10 ms and 30 ms later, 29
/// spikes up to 0.972 s (28 intervals, half of each length), and neuron 1 fires 4 ms
/// after each of them.
fn transient_then_alternating(dir: &Path) {
    let mut spikes: Vec<(f64, u32)> = Vec::new();
    for k in 1..=50 {
        spikes.extend([(0.002 * k as f64, 0), (0.002 * k as f64, 1)]);
    }
    let mut t = 0.412;
    for k in 0..29 {
        spikes.extend([(t, 0), (t + 0.004, 1)]);
        t += if k % 2 == 0 { 0.010 } else { 0.030 };
    }
    spikes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (times, ids): (Vec<f64>, Vec<u32>) = spikes.into_iter().unzip();
    let pop = PopulationSpikes { name: "exc", size: 2, recorded: 2, times: &times, ids: &ids };
    write_spikes_npz(&dir.join("s.npz"), &[pop]).unwrap();
}

#[test]
fn statistics_over_the_window_match_their_closed_forms() {
    let dir = tempfile::tempdir().unwrap();
    transient_then_alternating(dir.path());
    let args = ["analyze", "s.npz", "--duration", "1 s", "--t-start", "400 ms", "--fano-window", "300 ms", "-q"];
    let out = engram(&args, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let a = read_json(&dir.path().join("analysis.json"));
    assert_eq!((a["t_start_s"].as_f64(), a["t_stop_s"].as_f64()), (Some(0.4), Some(1.0)));
    assert_eq!(a["settings"]["fano_window_s"], 0.3);
    let exc = &a["populations"]["exc"];
    // 29 spikes per neuron in 0.6 s; the 100 burst spikes are outside.
    assert_eq!(exc["spikes"], 58);
    close(&exc["rate_hz"], 58.0 / (2.0 * 0.6), "rate_hz");
    // Intervals 10, 30, 10, …, 30 ms: mean 20, std 10 → CV 0.5; every pair has
    // |I₂ − I₁| / (I₁ + I₂) = 1/2 → CV2 = 2 · 1/2 = 1, LV = 3 · (1/2)² = 0.75.
    close(&exc["cv"], 0.5, "cv");
    close(&exc["cv2"], 1.0, "cv2");
    close(&exc["lv"], 0.75, "lv");
    // 300 ms windows from 0.4 s: 15 spikes in [0.4, 0.7) (0.412 … 0.692), 14 after, for
    // both neurons: var/mean = 0.25 / 14.5.
    close(&exc["fano"], 0.25 / 14.5, "fano");
    // 5 ms bins from 0.4 s: neuron 0 in bins 2, 4, 10, 12, …, neuron 1 in bins 3, 5, 11,
    // 13, …: disjoint binary trains with p = 29/120 ones each, Pearson r = −p/(1 − p).
    let p = 29.0 / 120.0;
    close(&exc["correlation"], -p / (1.0 - p), "correlation");

    // 10 ms bins put each spike and its 4 ms-later partner in the same bin: r = 1.
    let out = engram(
        &["analyze", "s.npz", "--duration", "1 s", "--t-start", "400 ms", "--correlation-bin", "10 ms", "-q"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let a = read_json(&dir.path().join("analysis.json"));
    assert_eq!(a["settings"]["correlation_bin_s"], 0.01);
    close(&a["populations"]["exc"]["correlation"], 1.0, "correlation, 10 ms bins");

    // [0.4, 0.8] s: 20 spikes per neuron (0.412 … 0.772 and 0.416 … 0.786).
    let out = engram(
        &["analyze", "s.npz", "--duration", "1 s", "--t-start", "400 ms", "--t-stop", "800 ms", "-q"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let exc = &read_json(&dir.path().join("analysis.json"))["populations"]["exc"];
    assert_eq!(exc["spikes"], 40);
    close(&exc["rate_hz"], 40.0 / (2.0 * 0.4), "rate_hz over [0.4, 0.8]");

    // Without a window the transient counts: 79 spikes per neuron in 1 s.
    let out = engram(&["analyze", "s.npz", "--duration", "1 s", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    close(&read_json(&dir.path().join("analysis.json"))["populations"]["exc"]["rate_hz"], 79.0, "whole-run rate");
}

#[test]
fn window_outside_the_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    transient_then_alternating(dir.path());
    let cases: [(&[&str], &str); 6] = [
        (
            &["--t-start", "1 s"],
            "error: --t-start: \"1 s\" is not before the end of the recording (1 s, from --duration)",
        ),
        (
            &["--t-start", "600 ms", "--t-stop", "500 ms"],
            "error: --t-start: \"600 ms\" is not before --t-stop \"500 ms\"",
        ),
        (
            &["--t-start", "500 ms", "--t-stop", "500 ms"],
            "error: --t-start: \"500 ms\" is not before --t-stop \"500 ms\"",
        ),
        (&["--t-stop", "2 s"], "error: --t-stop: \"2 s\" is past the end of the recording (1 s, from --duration)"),
        (&["--t-start=-1 s"], "error: --t-start: expected a time ≥ 0 such as \"500 ms\", found \"-1 s\""),
        (
            &["--fano-window", "0 ms"],
            "error: --fano-window: expected a positive time such as \"100 ms\", found \"0 ms\"",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["analyze", "s.npz", "--duration", "1 s"];
        args.extend_from_slice(flags);
        let out = engram(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert_eq!(first_error_line(&out), message);
    }
    // Without --duration the recording ends at the last spike.
    let out = engram(&["analyze", "s.npz", "--t-stop", "1 s"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: --t-stop: \"1 s\" is past the end of the recording (0.976 s, from last spike)"
    );
    let out = engram(&["analyze", "s.npz", "--correlation-bin", "5 mV"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        first_error_line(&out),
        "error: --correlation-bin: expected a positive time such as \"5 ms\", found \"5 mV\""
    );
}

const SMALL: &str = r#"name = "small"

[simulation]
dt = "0.1 ms"
duration = "300 ms"
seed = 3

[populations.exc]
n = 200
model = "lif"
v_rest = "-49 mV"
v_reset = "-60 mV"
v_th = "-50 mV"
init.v = { dist = "uniform", low = "-60 mV", high = "-50 mV" }

[projections.ee]
source = "exc"
target = "exc"
rule = "fixed_probability"
p = 0.05
weight = "0.5 mV"

[record]
rates_from = "100 ms"
"#;

#[test]
fn rates_from_sets_the_window_of_the_summary_rates_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), SMALL).unwrap();
    let out = engram(&["run", "m.toml", "--out", "run"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = read_json(&dir.path().join("run/summary.json"));
    assert_eq!(summary["rates_from_s"], 0.1);
    // The rate from the recorded spikes at t ≥ 100 ms, counted here.
    let spikes = engram_io::read_spikes_npz(&dir.path().join("run/spikes.npz")).unwrap();
    let late = spikes[0].times.iter().filter(|&&t| t >= 0.1 - 1e-12).count();
    assert!(late > 0 && late < spikes[0].times.len(), "the window leaves out some spikes, not all");
    let rate = late as f64 / (200.0 * 0.2);
    close(&summary["populations"]["exc"]["rate_hz"], rate, "summary rate_hz");
    // `spikes` still counts the whole run.
    assert_eq!(summary["populations"]["exc"]["spikes"], spikes[0].times.len());
    // The report says which window its rates cover and shows the windowed rate.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let header = stdout.lines().next().unwrap();
    assert!(header.ends_with("; rates over 0.1–0.3 s"), "{header}");
    assert!(stdout.contains(&format!("{rate:>8.2} Hz")), "{stdout}");
    // engram analyze over the same window gives the same rate.
    let out = engram(&["analyze", "run", "--t-start", "100 ms", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    close(&read_json(&dir.path().join("run/analysis.json"))["populations"]["exc"]["rate_hz"], rate, "analyze rate");
}

#[test]
fn rates_from_past_the_run_is_refused() {
    let (code, line) = common::check_with(SMALL, "rates_from = \"100 ms\"", "rates_from = \"300 ms\"");
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "error: m.toml:24:14: record.rates_from: expected a time ≥ 0 and before the end of the run (0.3 s)"
    );
    let (code, line) = common::check_with(SMALL, "rates_from = \"100 ms\"", "rates_from = \"-1 ms\"");
    assert_eq!(code, 2);
    assert_eq!(
        line,
        "error: m.toml:24:14: record.rates_from: expected a time ≥ 0 and before the end of the run (0.3 s)"
    );
}
