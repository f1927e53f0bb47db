//! `engram reservoir`: run a reservoir-computing experiment (or a sweep of them) from a
//! TOML configuration and write a run directory with `metrics.json`, the test series and
//! a plot.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use engram_reservoir::experiment::{run as run_experiment, Mode, Outcome};
use engram_reservoir::lsm::{run_lsm, RATE_WINDOW};
use engram_reservoir::sweep::{headline_metric, run_sweep};
use engram_reservoir::{load_config, Config, Experiment, OnlineKind, ReadoutSpec, Sweep};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use crate::{Failure, ReservoirArgs};

/// Runs the configured experiment and writes its run directory.
pub fn reservoir(args: &ReservoirArgs) -> Result<(), Failure> {
    let mut overrides = args.set.clone();
    if let Some(s) = args.seed {
        overrides.push(format!("seed={s}"));
    }
    let config = load_config(&args.config, &overrides)?;
    let threads = crate::workers(crate::threads(args.threads)?, args.quiet);
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("runs").join(&config.name));
    let run_dir = engram_io::RunDir::create(&out).map_err(io)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start {threads} threads: {e}")))?;
    let show = !args.quiet && std::io::stderr().is_terminal();
    let summary = pool.install(|| match &config.sweep {
        Some(sweep) => write_sweep(run_dir.path(), &config, sweep, show),
        None if config.liquid.is_some() => write_liquid(run_dir.path(), &config, threads),
        None => write_single(run_dir.path(), &config),
    })?;
    let mut summary = summary;
    summary["threads"] = json!(threads);
    summary["config"] = json!(args.config.display().to_string());
    engram_io::write_json(&run_dir.path().join("metrics.json"), &summary).map_err(io)?;
    let final_dir = run_dir.commit().map_err(io)?;
    if !args.quiet {
        print_report(&summary, &final_dir);
    }
    Ok(())
}

fn io(e: engram_io::IoError) -> Failure {
    Failure::Runtime(e.to_string())
}

fn describe(config: &Config) -> Value {
    let e: &Experiment = &config.experiment;
    json!({
        "name": config.name,
        "task": e.task.name(),
        "mode": if e.mode == Mode::Generation { "generation" } else { "one_step" },
        "seed": e.seed,
        "train": e.train,
        "test": e.test,
        "washout": e.washout,
        "reservoir": {
            "units": e.esn.units,
            "spectral_radius": e.esn.spectral_radius,
            "leak_rate": e.esn.leak_rate,
            "input_scaling": e.esn.input_scaling,
            "input_connectivity": e.esn.input_connectivity,
            "connectivity": e.esn.connectivity,
            "connectivity_rule": e.esn.connectivity_rule.name(),
            "bias_scaling": e.esn.bias_scaling,
            "feedback_scaling": e.esn.feedback_scaling,
            "feedback_connectivity": e.esn.feedback_connectivity,
        },
        "readout": readout_json(&e.readout),
        "intrinsic_plasticity": e.intrinsic.map(|ip| json!({"eta": ip.eta, "mean": ip.mean, "std": ip.std, "epochs": ip.epochs})),
    })
}

fn readout_json(r: &ReadoutSpec) -> Value {
    match r {
        ReadoutSpec::Ridge(l) => json!({"kind": "ridge", "ridge": l}),
        ReadoutSpec::RidgeCv { candidates, folds } => {
            json!({"kind": "ridge", "ridge": "cv", "candidates": candidates, "folds": folds})
        }
        ReadoutSpec::Online(OnlineKind::Rls { forgetting, delta }) => {
            json!({"kind": "rls", "forgetting": forgetting, "delta": delta})
        }
        ReadoutSpec::Online(OnlineKind::Force { alpha }) => json!({"kind": "force", "alpha": alpha}),
    }
}

fn write_single(dir: &Path, config: &Config) -> Result<Value, Failure> {
    let outcome: Outcome = run_experiment(&config.experiment);
    let mut summary = describe(config);
    summary["unscaled_spectral_radius"] = json!(outcome.raw_radius);
    write_outcome(dir, config, &outcome, summary)
}

/// The metrics, series and prediction plot of one experiment's outcome.
fn write_outcome(dir: &Path, config: &Config, outcome: &Outcome, mut summary: Value) -> Result<Value, Failure> {
    for (k, v) in &outcome.metrics {
        summary[*k] = json!(v);
    }
    summary["fit_s"] = json!(outcome.fit_s);
    summary["run_s"] = json!(outcome.run_s);
    if let Some(r) = outcome.ridge {
        summary["ridge"] = json!(r);
    }
    if !outcome.cv_scores.is_empty() {
        summary["cv_mse"] =
            json!(outcome.cv_scores.iter().map(|(l, m)| json!({"ridge": l, "mse": m})).collect::<Vec<_>>());
    }
    if !outcome.per_delay.is_empty() {
        summary["memory_per_delay"] = json!(outcome.per_delay);
    }
    let mut series = json!({
        "input_dim": outcome.input_dim,
        "input": &outcome.input,
        "dim": outcome.dim,
        "truth": &outcome.truth,
        "prediction": &outcome.prediction,
    });
    // The memory task's targets (one column per delay) are the input shifted; writing
    // them would multiply the file by the number of delays.
    if outcome.per_delay.is_empty() {
        series["target"] = json!(&outcome.target);
    }
    engram_io::write_json(&dir.join("series.json"), &series).map_err(io)?;
    let title = format!("{}: {}", config.name, headline(&summary));
    match outcome.per_delay.is_empty() {
        true => engram_io::plot_prediction(
            &dir.join("prediction.png"),
            &title,
            &outcome.truth,
            &outcome.prediction,
            outcome.dim,
        ),
        false => engram_io::plot_curve(
            &dir.join("memory.png"),
            &title,
            "delay k (steps)",
            "r² of the recall of u(t−k)",
            &outcome.per_delay,
        ),
    }
    .map_err(io)?;
    Ok(summary)
}

/// Runs a liquid-state machine and writes its outcome, the rates its adaptive rule
/// reached (`rates` in metrics.json) and their curve (`rates.png`).
fn write_liquid(dir: &Path, config: &Config, threads: usize) -> Result<Value, Failure> {
    let liquid = config.liquid.as_ref().expect("called for a liquid");
    let lsm = run_lsm(&config.experiment, liquid, threads).map_err(|e| Failure::Runtime(e.to_string()))?;
    let e = &config.experiment;
    let mut summary = json!({
        "name": config.name,
        "task": e.task.name(),
        "mode": "one_step",
        "seed": e.seed,
        "train": e.train,
        "test": e.test,
        "washout": e.washout,
        "liquid": {
            "model": liquid.model.name,
            "neurons": liquid.model.n_neurons(),
            "dt_s": liquid.model.dt,
            "sample_s": liquid.steps_per_sample() as f64 * liquid.model.dt,
            "adapt_s": liquid.adapt_samples() as f64 * liquid.steps_per_sample() as f64 * liquid.model.dt,
            "input_populations": liquid.input_populations.iter().map(|&p| &liquid.model.populations[p].name).collect::<Vec<_>>(),
            "input_weight": liquid.input_weight,
            "input_rate_hz": liquid.input_rate,
            "input_connectivity": liquid.input_connectivity,
            "readout_populations": liquid.readout_populations.iter().map(|&p| &liquid.model.populations[p].name).collect::<Vec<_>>(),
            "taus_s": liquid.taus,
            "features": lsm.features,
            "simulated_s": lsm.simulated_s,
        },
        "readout": readout_json(&e.readout),
    });
    summary["rates"] = json!(lsm
        .rates
        .iter()
        .map(|r| json!({
            "population": r.name,
            "target_hz": r.target,
            "first_window_hz": r.curve.first(),
            "mean_hz": r.mean(),
            "fraction_within_10_percent": r.fraction_within_tolerance(),
            "max_relative_error": r.max_relative_error(),
            "window_s": RATE_WINDOW,
            "curve_hz": r.curve,
        }))
        .collect::<Vec<_>>());
    if !lsm.rates.is_empty() {
        let curves: Vec<engram_io::RateCurve<'_>> =
            lsm.rates.iter().map(|r| (r.name.as_str(), r.curve.as_slice(), r.target)).collect();
        let title = format!("{}: population rates under the adaptive rule", config.name);
        engram_io::plot_rates(&dir.join("rates.png"), &title, RATE_WINDOW, &curves).map_err(io)?;
    }
    write_outcome(dir, config, &lsm.outcome, summary)
}

fn headline(summary: &Value) -> String {
    match (summary["memory_capacity"].as_f64(), summary["nrmse"].as_f64()) {
        (Some(mc), _) => format!("memory capacity {mc:.2}"),
        (None, Some(e)) => format!("NRMSE {e:.4}"),
        _ => String::new(),
    }
}

fn write_sweep(dir: &Path, config: &Config, sweep: &Sweep, show: bool) -> Result<Value, Failure> {
    let total: usize = sweep.axes.iter().map(|(_, v)| v.len()).product();
    let bar = show.then(|| {
        let b = ProgressBar::new(total as u64);
        b.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} configurations")
                .expect("the template is valid"),
        );
        b
    });
    let points = run_sweep(&config.experiment, sweep, &|| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let metric = headline_metric(&config.experiment.task);
    let names: Vec<&str> = sweep.axes.iter().map(|(p, _)| p.name()).collect();
    let mut csv = format!("{},{metric},fit_s,run_s\n", names.join(","));
    for p in &points {
        let vals: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
        csv += &format!("{},{},{},{}\n", vals.join(","), p.score, p.fit_s, p.run_s);
    }
    std::fs::write(dir.join("sweep.csv"), csv)
        .map_err(|e| Failure::Runtime(format!("{}: cannot write: {e}", dir.join("sweep.csv").display())))?;
    let scores: Vec<f64> = points.iter().map(|p| p.score).collect();
    let (xs, ys, x_name, y_name) = match sweep.axes.as_slice() {
        [(p, v)] => (v.clone(), vec![0.0], p.name(), ""),
        [(py, vy), (px, vx)] => (vx.clone(), vy.clone(), px.name(), py.name()),
        _ => unreachable!("a sweep has one or two axes"),
    };
    let higher = metric == "memory_capacity";
    engram_io::plot_heatmap(
        &dir.join("sweep.png"),
        &format!("{}: {metric}", config.name),
        (x_name, &xs),
        (y_name, &ys),
        &scores,
        higher,
    )
    .map_err(io)?;
    let best = points
        .iter()
        .max_by(|a, b| if higher { a.score.total_cmp(&b.score) } else { b.score.total_cmp(&a.score) })
        .expect("a sweep has at least one point");
    let mut summary = describe(config);
    summary["sweep"] = json!({
        "parameters": names,
        "metric": metric,
        "points": points.iter().map(|p| json!({"values": p.values, "score": p.score, "fit_s": p.fit_s, "run_s": p.run_s})).collect::<Vec<_>>(),
        "best": {"values": best.values, "score": best.score},
    });
    summary[metric] = json!(best.score);
    summary["fit_s"] = json!(points.iter().map(|p| p.fit_s).sum::<f64>());
    summary["run_s"] = json!(points.iter().map(|p| p.run_s).sum::<f64>());
    Ok(summary)
}

fn print_report(summary: &Value, dir: &Path) {
    println!(
        "{} ({}): {}",
        summary["name"].as_str().unwrap_or(""),
        summary["task"].as_str().unwrap_or(""),
        headline(summary)
    );
    for key in ["nrmse", "nrmse_range", "r2", "valid_steps", "memory_capacity", "ridge", "fit_s", "run_s"] {
        if let Some(v) = summary[key].as_f64() {
            println!("  {key:<16} {v:.6}");
        }
    }
    for r in summary["rates"].as_array().into_iter().flatten() {
        println!(
            "  rate {:<11} {:.3} Hz (target {} Hz, {:.1} % of neurons within 10 %)",
            r["population"].as_str().unwrap_or(""),
            r["mean_hz"].as_f64().unwrap_or(f64::NAN),
            r["target_hz"],
            100.0 * r["fraction_within_10_percent"].as_f64().unwrap_or(f64::NAN)
        );
    }
    if let Some(best) = summary["sweep"]["best"].as_object() {
        println!("  best point       {} = {}", summary["sweep"]["parameters"], best["values"]);
    }
    println!("  written to       {}", dir.display());
}
