//! `engram analyze`: spike-train statistics of a run directory or an NPZ spike file,
//! written to `analysis.json` (and with `--report`, PNG figures).
//!
//! Every statistic comes from `engram-analysis`; this module only reads the input,
//! checks it, picks the settings below, and writes the results. A statistic that the
//! data cannot support (too few spikes, too short a recording) is `null` in the JSON with
//! a note saying why, never an error.

use std::path::{Path, PathBuf};

use engram_analysis::{
    correlation_matrix, fano_factors, golomb_chi, time_histogram, van_rossum, variability, welch, BinnedSpikeTrains,
    SpikeTrains, WelchParams, LVR_R_DEFAULT,
};
use engram_io::{PopulationSpikes, SpikeArrays};
use rayon::prelude::*;
use serde_json::{json, Map, Value};

use crate::{AnalyzeArgs, Failure};

/// Default bin width for correlations and synchrony (`--correlation-bin`): 5 ms, about
/// one synaptic time constant, the usual scale of "synchronous" in cortical recordings.
const CORRELATION_BIN_S: f64 = 0.005;
/// At most this many neurons (the first that spiked) enter the correlation matrix: the
/// matrix grows as the square of the count, and 1,000 neurons give ~500,000 pairs, far
/// more than the mean needs.
const CORRELATION_MAX_NEURONS: usize = 1000;
/// Default counting window of the Fano factor (`--fano-window`).
const FANO_WINDOW_S: f64 = 0.1;
/// Sampling period of the population rate whose spectrum is taken (1 kHz, Nyquist
/// 500 Hz, above any network oscillation).
const SPECTRUM_BIN_S: f64 = 0.001;
/// van Rossum time constant and number of neuron pairs averaged.
const VAN_ROSSUM_TAU_S: f64 = 0.01;
const VAN_ROSSUM_PAIRS: usize = 100;
/// Histogram bins of the report's figures.
const REPORT_BINS: usize = 50;
/// Dynamic connectivity in the report: the most active neurons, components, rounds of
/// multiplicative updates. 100 neurons and 3 components keep the figure readable and
/// the fit cheap: the whole `--report` of a 1 s CUBA run (examples/cuba.toml) takes
/// 0.30 s of CPU time against 0.07 s without it (`perf stat`).
const NTF_NEURONS: usize = 100;
const NTF_RANK: usize = 3;
const NTF_ITERATIONS: usize = 300;
/// Windows are a tenth of the recording but at least this long, so each holds enough
/// 5 ms bins for a correlation; they overlap by half.
const NTF_MIN_WINDOW_S: f64 = 0.1;

/// What was read: where from, the populations with their sizes, the duration.
struct Input {
    spikes_path: PathBuf,
    out_dir: PathBuf,
    duration: f64,
    duration_source: &'static str,
    pops: Vec<(SpikeArrays, usize)>,
}

fn bad(path: &Path, problem: impl std::fmt::Display) -> Failure {
    Failure::Input(miette::miette!("{}: {problem}", path.display()))
}

/// Parses the time `text` given to `flag` ("10 s", "200 ms") to seconds: positive, or
/// non-negative with `zero_ok`; `example` goes into the message when it is not.
fn parse_time(flag: &str, text: &str, example: &str, zero_ok: bool) -> Result<f64, Failure> {
    let q = engram_model::parse_quantity(text).map_err(|e| Failure::Input(miette::miette!("{flag}: {e}")))?;
    let in_range = if zero_ok { q.value >= 0.0 } else { q.value > 0.0 };
    if q.dim != engram_model::Dim::TIME || !(in_range && q.value.is_finite()) {
        let what = if zero_ok { "a time ≥ 0" } else { "a positive time" };
        return Err(Failure::Input(miette::miette!("{flag}: expected {what} such as \"{example}\", found \"{text}\"")));
    }
    Ok(q.value)
}

fn parse_duration(text: &str) -> Result<f64, Failure> {
    parse_time("--duration", text, "10 s", false)
}

/// The analysed window and the bin widths: the flags, or their defaults.
struct Settings {
    t_start: f64,
    t_stop: f64,
    fano_window: f64,
    correlation_bin: f64,
}

/// Relative slack when comparing `--t-stop` with the recorded duration: the duration is
/// a number of steps times `dt`, so "1 s" may be a few ulps above a 1 s run's 0.99…9 s.
const DURATION_SLACK: f64 = 1e-9;

fn read_settings(args: &AnalyzeArgs, input: &Input) -> Result<Settings, Failure> {
    let input_err = |m: String| Failure::Input(miette::miette!("{m}"));
    // Nine decimals: a duration from the last spike may be a sum of steps, and
    // 0.9760000000000004 s says no more than 0.976 s.
    let duration = format!("{:.9}", input.duration).trim_end_matches('0').trim_end_matches('.').to_string();
    let end = format!("the end of the recording ({duration} s, from {})", input.duration_source);
    let t_start = match &args.t_start {
        Some(text) => parse_time("--t-start", text, "500 ms", true)?,
        None => 0.0,
    };
    let t_stop = match &args.t_stop {
        Some(text) => {
            let t = parse_time("--t-stop", text, "2 s", false)?;
            if t > input.duration * (1.0 + DURATION_SLACK) {
                return Err(input_err(format!("--t-stop: \"{text}\" is past {end}")));
            }
            t.min(input.duration)
        }
        None => input.duration,
    };
    if t_start >= t_stop {
        let start = args.t_start.as_deref().unwrap_or("0 s");
        return Err(input_err(match &args.t_stop {
            Some(stop) => format!("--t-start: \"{start}\" is not before --t-stop \"{stop}\""),
            None => format!("--t-start: \"{start}\" is not before {end}"),
        }));
    }
    let width = |flag: &str, text: &Option<String>, example: &str, default: f64| match text {
        Some(t) => parse_time(flag, t, example, false),
        None => Ok(default),
    };
    Ok(Settings {
        t_start,
        t_stop,
        fano_window: width("--fano-window", &args.fano_window, "100 ms", FANO_WINDOW_S)?,
        correlation_bin: width("--correlation-bin", &args.correlation_bin, "5 ms", CORRELATION_BIN_S)?,
    })
}

fn read_input(args: &AnalyzeArgs) -> Result<Input, Failure> {
    let input = &args.input;
    if !input.exists() {
        return Err(bad(input, "no such file or directory"));
    }
    let flag_duration = args.duration.as_deref().map(parse_duration).transpose()?;
    let io_err = |e: engram_io::IoError| Failure::Input(miette::miette!("{e}"));
    if input.is_dir() {
        let spikes_path = input.join("spikes.npz");
        let summary_path = input.join("summary.json");
        let arrays = engram_io::read_spikes_npz(&spikes_path).map_err(io_err)?;
        let text =
            std::fs::read_to_string(&summary_path).map_err(|e| bad(&summary_path, format!("cannot read: {e}")))?;
        let summary: Value =
            serde_json::from_str(&text).map_err(|e| bad(&summary_path, format!("not valid JSON: {e}")))?;
        let duration = match flag_duration {
            Some(d) => d,
            None => summary["duration_s"]
                .as_f64()
                .filter(|d| *d > 0.0)
                .ok_or_else(|| bad(&summary_path, "no positive 'duration_s'"))?,
        };
        let mut pops = Vec::new();
        for a in arrays {
            let n = summary["populations"][&a.name]["n"].as_u64().ok_or_else(|| {
                bad(&summary_path, format!("no size 'populations.{}.n' for population '{}'", a.name, a.name))
            })?;
            pops.push((a, n as usize));
        }
        let out_dir = args.out.clone().unwrap_or_else(|| input.clone());
        let source = if flag_duration.is_some() { "--duration" } else { "summary.json" };
        Ok(Input { spikes_path, out_dir, duration, duration_source: source, pops })
    } else {
        let arrays = engram_io::read_spikes_npz(input).map_err(io_err)?;
        let last = arrays.iter().flat_map(|a| a.times.iter().copied()).fold(f64::NEG_INFINITY, f64::max);
        let (duration, source) = match flag_duration {
            Some(d) => (d, "--duration"),
            None if last > 0.0 && last.is_finite() => (last, "last spike"),
            None => return Err(bad(input, "no spike after 0 s to infer the duration from; pass --duration")),
        };
        let pops = arrays
            .into_iter()
            .map(|a| {
                let n = a.ids.iter().max().map_or(0, |&m| m as usize + 1);
                (a, n)
            })
            .collect();
        let out_dir = args
            .out
            .clone()
            .unwrap_or_else(|| input.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")));
        Ok(Input { spikes_path: input.clone(), out_dir, duration, duration_source: source, pops })
    }
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Per-neuron values kept for the report's figures.
struct ForReport {
    rates: Vec<f64>,
    cvs: Vec<f64>,
    isis_ms: Vec<f64>,
    correlation: Option<engram_analysis::Matrix>,
}

/// Sets `key` to `value`, or to null with `note` when it is not finite.
fn put(obj: &mut Map<String, Value>, notes: &mut Vec<String>, key: &str, value: f64, note: &str) {
    if !value.is_finite() {
        notes.push(format!("{key}: {note}"));
    }
    obj.insert(key.to_string(), number(value));
}

/// All statistics of one population, over the window of `st`.
fn analyze_population(st: &SpikeTrains, settings: &Settings) -> (Value, ForReport) {
    let mut obj = Map::new();
    let mut notes = Vec::new();
    let n = st.len();
    obj.insert("n".into(), json!(n));
    obj.insert("spikes".into(), json!(st.n_spikes()));
    let rates = engram_analysis::firing_rates(st);
    put(&mut obj, &mut notes, "rate_hz", engram_analysis::mean_rate(st.n_spikes(), n, st.duration()), "no neurons");
    obj.insert("active_neurons".into(), json!(st.trains().iter().filter(|t| !t.is_empty()).count()));

    // Interval statistics per neuron, averaged over neurons with at least 2 ISIs.
    let per: Vec<[f64; 4]> = st
        .trains()
        .par_iter()
        .map(|t| {
            let i = variability::isi(t);
            [variability::cv(&i), variability::cv2(&i), variability::lv(&i), variability::lvr(&i, LVR_R_DEFAULT)]
        })
        .collect();
    let few = "no neuron has 3 or more spikes";
    for (k, key) in ["cv", "cv2", "lv", "lvr"].iter().enumerate() {
        let values: Vec<f64> = per.iter().map(|p| p[k]).collect();
        let (mean, used) = variability::finite_mean(&values);
        put(&mut obj, &mut notes, key, mean, few);
        if k == 0 {
            obj.insert("isi_neurons".into(), json!(used));
        }
    }

    match fano_factors(st, settings.fano_window) {
        Ok(f) => put(&mut obj, &mut notes, "fano", variability::finite_mean(&f).0, "no neuron spiked"),
        Err(e) => put(&mut obj, &mut notes, "fano", f64::NAN, &e.to_string()),
    }

    let active: Vec<usize> = (0..n).filter(|&i| !st.train(i).is_empty()).collect();
    let corr_ids: Vec<usize> = active.iter().copied().take(CORRELATION_MAX_NEURONS).collect();
    let mut correlation = None;
    match BinnedSpikeTrains::new(&st.select(&corr_ids), settings.correlation_bin) {
        Ok(binned) if corr_ids.len() >= 2 => {
            let m = correlation_matrix(&binned);
            put(&mut obj, &mut notes, "correlation", m.mean_off_diagonal().0, "no pair with spikes in whole bins");
            correlation = Some(m);
        }
        Ok(_) => put(&mut obj, &mut notes, "correlation", f64::NAN, "fewer than 2 neurons spiked"),
        Err(e) => put(&mut obj, &mut notes, "correlation", f64::NAN, &e.to_string()),
    }
    obj.insert("correlation_neurons".into(), json!(corr_ids.len()));

    match BinnedSpikeTrains::new(st, settings.correlation_bin) {
        Ok(binned) => put(&mut obj, &mut notes, "synchrony_chi", golomb_chi(&binned), "no neuron's count varies"),
        Err(e) => put(&mut obj, &mut notes, "synchrony_chi", f64::NAN, &e.to_string()),
    }

    let dominant = BinnedSpikeTrains::new(st, SPECTRUM_BIN_S)
        .map_err(|e| e.to_string())
        .and_then(|b| {
            welch(&time_histogram(&b), 1.0 / SPECTRUM_BIN_S, WelchParams::default()).map_err(|e| e.to_string())
        })
        .map(|s| s.dominant_frequency());
    match dominant {
        Ok(f) => put(&mut obj, &mut notes, "dominant_frequency_hz", f, "the population rate is constant"),
        Err(e) => put(&mut obj, &mut notes, "dominant_frequency_hz", f64::NAN, &e),
    }

    let pairs: Vec<(usize, usize)> = active.chunks_exact(2).take(VAN_ROSSUM_PAIRS).map(|p| (p[0], p[1])).collect();
    let d: Vec<f64> = pairs.par_iter().map(|&(i, j)| van_rossum(st.train(i), st.train(j), VAN_ROSSUM_TAU_S)).collect();
    put(&mut obj, &mut notes, "van_rossum", variability::finite_mean(&d).0, "fewer than 2 neurons spiked");
    obj.insert("van_rossum_pairs".into(), json!(pairs.len()));
    obj.insert("notes".into(), json!(notes));

    let isis_ms = st.trains().iter().flat_map(|t| variability::isi(t)).map(|i| i * 1e3).collect();
    let cvs = per.iter().map(|p| p[0]).collect();
    (Value::Object(obj), ForReport { rates, cvs, isis_ms, correlation })
}

fn settings_json(settings: &Settings) -> Value {
    json!({
        "correlation_bin_s": settings.correlation_bin,
        "correlation_max_neurons": CORRELATION_MAX_NEURONS,
        "fano_window_s": settings.fano_window,
        "lvr_R_s": LVR_R_DEFAULT,
        "spectrum_bin_s": SPECTRUM_BIN_S,
        "welch": {"n_segments": 8, "overlap": 0.5, "window": "hann"},
        "van_rossum_tau_s": VAN_ROSSUM_TAU_S,
        "van_rossum_pairs": VAN_ROSSUM_PAIRS,
    })
}

/// Reads the input, computes every population's statistics and writes the results.
pub fn analyze(args: &AnalyzeArgs) -> Result<(), Failure> {
    let input = read_input(args)?;
    let settings = read_settings(args, &input)?;
    let whole_run = settings.t_start == 0.0 && settings.t_stop == input.duration;
    let mut trains = Vec::new();
    for (a, size) in &input.pops {
        // Checked over the whole recording, so a bad spike outside the window is still
        // reported; then cut to the window.
        let st = SpikeTrains::from_flat(&a.times, &a.ids, *size, 0.0, input.duration)
            .map_err(|e| bad(&input.spikes_path, format!("population '{}': {e}", a.name)))?;
        let st = if whole_run {
            st
        } else {
            st.window(settings.t_start, settings.t_stop).map_err(|e| Failure::Runtime(e.to_string()))?
        };
        trains.push(st);
    }
    let mut pops = Map::new();
    let mut for_report = Vec::new();
    for ((a, _), st) in input.pops.iter().zip(&trains) {
        let (value, rep) = analyze_population(st, &settings);
        pops.insert(a.name.clone(), value);
        for_report.push(rep);
    }
    let result = json!({
        "engram_version": env!("CARGO_PKG_VERSION"),
        "input": input.spikes_path.display().to_string(),
        "duration_s": input.duration,
        "duration_from": input.duration_source,
        "t_start_s": settings.t_start,
        "t_stop_s": settings.t_stop,
        "settings": settings_json(&settings),
        "populations": pops,
    });
    std::fs::create_dir_all(&input.out_dir)
        .map_err(|e| Failure::Runtime(format!("cannot create directory {}: {e}", input.out_dir.display())))?;
    let json_path = input.out_dir.join("analysis.json");
    engram_io::write_json(&json_path, &result).map_err(|e| Failure::Runtime(e.to_string()))?;
    if args.report {
        write_report(&input, &settings, &trains, &for_report).map_err(|e| Failure::Runtime(e.to_string()))?;
    }
    if !args.quiet {
        print_summary(&result, &input.out_dir, args.report);
    }
    Ok(())
}

/// Draws the non-negative tensor factorisation of the sliding-window correlations of the
/// most active neurons of one population, when the recording holds at least 3 windows.
fn plot_dynamic_connectivity(dir: &Path, name: &str, st: &SpikeTrains, bin: f64) -> Result<(), engram_io::IoError> {
    let window = (st.duration() / 10.0).max(NTF_MIN_WINDOW_S);
    let step = window / 2.0;
    if st.duration() < window + 2.0 * step {
        return Ok(());
    }
    let mut by_activity: Vec<usize> = (0..st.len()).filter(|&i| st.train(i).len() >= 2).collect();
    by_activity.sort_by_key(|&i| std::cmp::Reverse(st.train(i).len()));
    by_activity.truncate(NTF_NEURONS);
    if by_activity.len() < 2 {
        return Ok(());
    }
    by_activity.sort_unstable();
    let path = dir.join(format!("ntf_{name}.png"));
    let fail =
        |e: engram_analysis::AnalysisError| engram_io::IoError::Plot { path: path.clone(), message: e.to_string() };
    let tensor = engram_analysis::connectivity_tensor(&st.select(&by_activity), bin, window, step).map_err(fail)?;
    if tensor.data.iter().all(|&v| v == 0.0) {
        return Ok(());
    }
    let model = engram_analysis::ntf_cp(&tensor, NTF_RANK, NTF_ITERATIONS, 1).map_err(fail)?;
    let factors: Vec<(Vec<f64>, Vec<f64>)> =
        (0..model.rank()).map(|r| (model.factor(0, r), model.factor(2, r))).collect();
    let components: Vec<engram_io::Component> = factors
        .iter()
        .zip(&model.weights)
        .map(|((spatial, temporal), &weight)| engram_io::Component { weight, spatial, temporal })
        .collect();
    let times: Vec<f64> = (0..tensor.dims[2]).map(|w| st.t_start() + w as f64 * step + window / 2.0).collect();
    let title = format!(
        "{name}: non-negative CP of sliding-window correlations ({} neurons, {:.0} ms windows, fit error {:.2})",
        by_activity.len(),
        window * 1e3,
        model.relative_error
    );
    engram_io::plot_components(&path, &title, &components, &times)
}

fn write_report(
    input: &Input,
    settings: &Settings,
    trains: &[SpikeTrains],
    reps: &[ForReport],
) -> Result<(), engram_io::IoError> {
    let dir = input.out_dir.join("report");
    std::fs::create_dir_all(&dir).map_err(|e| engram_io::IoError::Fs {
        action: "create directory",
        path: dir.clone(),
        error: e,
    })?;
    let spikes: Vec<PopulationSpikes> = input
        .pops
        .iter()
        .map(|(a, n)| PopulationSpikes { name: &a.name, size: *n, recorded: *n, times: &a.times, ids: &a.ids })
        .collect();
    engram_io::plot_raster(&dir.join("raster.png"), &spikes, input.duration, 0.005)?;
    let names: Vec<&str> = input.pops.iter().map(|(a, _)| a.name.as_str()).collect();
    let series = |f: fn(&ForReport) -> &[f64]| -> Vec<engram_io::Series> {
        names.iter().zip(reps).map(|(&label, r)| engram_io::Series { label, values: f(r) }).collect()
    };
    engram_io::plot_histograms(
        &dir.join("rates.png"),
        "firing rate per neuron",
        "rate (Hz)",
        &series(|r| &r.rates),
        REPORT_BINS,
    )?;
    engram_io::plot_histograms(
        &dir.join("isi.png"),
        "inter-spike intervals",
        "ISI (ms)",
        &series(|r| &r.isis_ms),
        REPORT_BINS,
    )?;
    engram_io::plot_histograms(&dir.join("cv.png"), "CV of ISIs per neuron", "CV", &series(|r| &r.cvs), REPORT_BINS)?;
    for (name, r) in names.iter().zip(reps) {
        if let Some(m) = &r.correlation {
            let title =
                format!("{name}: spike-count correlation, {} ms bins, {} neurons", settings.correlation_bin * 1e3, m.n);
            engram_io::plot_matrix(&dir.join(format!("correlation_{name}.png")), &title, m.n, &m.values)?;
        }
    }
    for (name, st) in names.iter().zip(trains) {
        plot_dynamic_connectivity(&dir, name, st, settings.correlation_bin)?;
    }
    Ok(())
}

fn print_summary(result: &Value, out: &Path, report: bool) {
    let f = |v: &Value| v.as_f64().map_or("n/a".to_string(), |x| format!("{x:.3}"));
    let time = |k: &str| result[k].as_f64().unwrap_or(f64::NAN);
    println!("  window {}–{} s", time("t_start_s"), time("t_stop_s"));
    if let Some(pops) = result["populations"].as_object() {
        for (name, p) in pops {
            println!(
                "  {name:<12} {:>8} Hz  CV {}  LV {}  Fano {}  corr {}  χ {}  f {} Hz",
                f(&p["rate_hz"]),
                f(&p["cv"]),
                f(&p["lv"]),
                f(&p["fano"]),
                f(&p["correlation"]),
                f(&p["synchrony_chi"]),
                f(&p["dominant_frequency_hz"]),
            );
        }
    }
    println!("analysis in {}{}", out.join("analysis.json").display(), if report { " and report/" } else { "" });
}
