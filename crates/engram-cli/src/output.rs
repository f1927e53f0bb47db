//! The run directory's contents and the report printed after a run.

use std::io::Write;
use std::path::Path;

use engram_io::{IoError, PopulationSpikes, RunDir, Series, StateTrace, WeightRecording};
use engram_model::Model;
use engram_sim::Network;
use serde_json::{json, Map, Value};

/// Peak resident memory of this process (bytes), from the kernel's `VmHWM`.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `1.5 GiB`, `12.0 MiB`, `512 B`.
pub fn human_bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn spikes_of<'a>(model: &'a Model, net: &'a Network) -> Vec<PopulationSpikes<'a>> {
    let rec = net.recordings();
    model
        .populations
        .iter()
        .enumerate()
        .filter(|(p, _)| rec.recorded[*p].is_some())
        .map(|(p, pop)| PopulationSpikes {
            name: &pop.name,
            size: pop.size,
            recorded: rec.recorded[p].as_ref().and_then(|ids| ids.as_ref().map(|v| v.len())).unwrap_or(pop.size),
            times: &rec.spikes[p].times,
            ids: &rec.spikes[p].ids,
        })
        .collect()
}

/// The content of `summary.json`.
pub fn summary(model: &Model, net: &Network, threads: usize, run_s: f64) -> Value {
    let rec = net.recordings();
    let duration = net.current_step() as f64 * model.dt;
    // `rate_hz` counts the spikes from `record.rates_from` on (step × dt ≥ rates_from).
    let from_step = (model.record.rates_from / model.dt).round() as usize;
    let window = duration - from_step as f64 * model.dt;
    let mut pops = Map::new();
    for (p, pop) in model.populations.iter().enumerate() {
        let spikes = rec.total_spikes(p);
        let in_window = rec.spikes_from(p, from_step) as usize;
        // Over the recorded neurons; `rate_hz` counts every neuron.
        let cv = match &rec.recorded[p] {
            Some(_) => engram_analysis::cv_isi(&rec.spikes[p].times, &rec.spikes[p].ids, pop.size),
            None => f64::NAN,
        };
        pops.insert(
            pop.name.clone(),
            json!({
                "n": pop.size,
                "model": pop.kind.name,
                "spikes": spikes,
                "rate_hz": number(engram_analysis::mean_rate(in_window, pop.size, window)),
                "cv_isi": number(cv),
            }),
        );
    }
    let n_syn = net.n_synapses();
    let mut summary = json!({
        "model": model.name,
        "engram_version": env!("CARGO_PKG_VERSION"),
        "duration_s": duration,
        "rates_from_s": model.record.rates_from,
        "dt_s": model.dt,
        "seed": model.seed,
        "threads": threads,
        "n_neurons": model.n_neurons(),
        "n_synapses": n_syn,
        "synapse_bytes": net.synapse_bytes(),
        "bytes_per_synapse": if n_syn > 0 { number(net.synapse_bytes() as f64 / n_syn as f64) } else { Value::Null },
        "build_s": net.build_seconds(),
        "run_s": run_s,
        "peak_rss_bytes": peak_rss_bytes(),
        "populations": pops,
    });
    let counts = net.synapse_counts();
    if !counts.is_empty() {
        let structural: Map<String, Value> = counts
            .iter()
            .map(|log| {
                let entry = json!({
                    "times_s": log.times,
                    "synapses": log.synapses,
                    "pruned": log.pruned,
                    "grown": log.grown,
                    "in_degree_min": log.in_degree_min,
                    "in_degree_max": log.in_degree_max,
                });
                (model.projections[log.projection].name.clone(), entry)
            })
            .collect();
        summary["structural"] = Value::Object(structural);
    }
    summary
}

/// Writes every file of the run into the (temporary) run directory.
pub fn write_run(dir: &RunDir, model: &Model, net: &Network, summary: &Value) -> Result<(), IoError> {
    let path = dir.path();
    let duration = net.current_step() as f64 * model.dt;
    let spikes = spikes_of(model, net);
    engram_io::write_spikes_npz(&path.join("spikes.npz"), &spikes)?;
    engram_io::write_rates_npz(&path.join("rates.npz"), model.record.rate_bin, &spikes, duration)?;
    engram_io::plot_raster(&path.join("raster.png"), &spikes, duration, model.record.rate_bin)?;
    let traces = state_traces(model, net);
    if !traces.is_empty() {
        engram_io::write_state_npz(&path.join("state.npz"), &traces)?;
        engram_io::plot_state(&path.join("state.png"), &traces)?;
    }
    write_weights(path, model, net)?;
    for &i in &model.record.connectivity {
        let c = net.connectivity(i);
        let table = engram_io::ConnectivityTable {
            sources: &c.sources,
            targets: &c.targets,
            weights: &c.weights,
            delays: &c.delays,
            initial_weights: c.initial_weights.as_deref(),
        };
        engram_io::write_connectivity_npz(
            &path.join(format!("connectivity_{}.npz", model.projections[i].name)),
            &table,
        )?;
    }
    engram_io::write_json(&path.join("summary.json"), summary)
}

/// `weights.npz` and one histogram `weights_{projection}.png` per weight monitor: the
/// distribution at the first and at the last snapshot.
fn write_weights(path: &Path, model: &Model, net: &Network) -> Result<(), IoError> {
    let recs = &net.recordings().weights;
    if recs.is_empty() {
        return Ok(());
    }
    let sources: Vec<Vec<u32>> = recs.iter().map(|r| net.synapses(r.projection).sources()).collect();
    let out: Vec<WeightRecording> = recs
        .iter()
        .zip(&sources)
        .map(|(r, sources)| WeightRecording {
            name: &model.projections[r.projection].name,
            sources,
            targets: &net.synapses(r.projection).targets,
            snapshot_times: &r.snapshot_times,
            snapshots: &r.snapshots,
            traced: &r.synapses,
            trace_times: &r.trace_times,
            trace_values: &r.trace_values,
        })
        .collect();
    engram_io::write_weights_npz(&path.join("weights.npz"), &out)?;
    for r in recs {
        let proj = &model.projections[r.projection];
        let largest = r.snapshots.iter().flatten().fold(0f32, |m, &w| m.max(w.abs())) as f64;
        let (factor, prefix) = display_prefix(largest);
        let as_f64 = |s: &Vec<f32>| s.iter().map(|&w| w as f64 / factor).collect::<Vec<f64>>();
        let mut shown = vec![(0, as_f64(&r.snapshots[0]))];
        if r.snapshots.len() > 1 {
            shown.push((r.snapshots.len() - 1, as_f64(&r.snapshots[r.snapshots.len() - 1])));
        }
        let labels: Vec<String> = shown.iter().map(|(i, _)| format!("t = {} s", r.snapshot_times[*i])).collect();
        let series: Vec<Series> = shown.iter().zip(&labels).map(|((_, v), l)| Series { label: l, values: v }).collect();
        let unit = format!("{prefix}{}", unit_symbol(proj.weight_dim));
        engram_io::plot_fraction_histograms(
            &path.join(format!("weights_{}.png", proj.name)),
            &format!("weights of {}", proj.name),
            &format!("weight ({unit})"),
            "fraction of synapses",
            &series,
            50,
        )?;
    }
    Ok(())
}

/// The SI prefix that shows values up to `largest` as numbers of order 1–1000.
fn display_prefix(largest: f64) -> (f64, &'static str) {
    [(1e-12, "p"), (1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1.0, "")]
        .into_iter()
        .rev()
        .find(|&(f, _)| largest >= f)
        .unwrap_or((1e-12, "p"))
}

fn state_traces(model: &Model, net: &Network) -> Vec<StateTrace> {
    let mut out = Vec::new();
    for st in &net.recordings().state {
        let pop = &model.populations[st.population];
        for (v, var) in st.vars.iter().enumerate() {
            let dim = pop.kind.state.iter().find(|s| s.name == var).map(|s| s.dim);
            out.push(StateTrace {
                population: pop.name.clone(),
                var: var.clone(),
                unit: dim.map_or_else(String::new, unit_symbol),
                ids: st.ids.clone(),
                times: st.times.clone(),
                values: st.values[v].clone(),
            });
        }
    }
    out
}

fn unit_symbol(d: engram_model::Dim) -> String {
    use engram_model::Dim;
    match d {
        d if d == Dim::VOLTAGE => "V".into(),
        d if d == Dim::CURRENT => "A".into(),
        d if d == Dim::CONDUCTANCE => "S".into(),
        d if d == Dim::TIME => "s".into(),
        d if d == Dim::ONE => "1".into(),
        d => d.to_string(),
    }
}

/// Prints what a person wants to see after a run.
pub fn print_report(summary: &Value, dir: &Path) {
    // A closed stdout (`engram run ... | head`) is not an error of the run.
    let mut out = std::io::stdout().lock();
    let f = |k: &str| summary[k].as_f64().unwrap_or(f64::NAN);
    // The rates leave out the first `rates_from` seconds; the header says so.
    let from = f("rates_from_s");
    let window = if from > 0.0 { format!("; rates over {from}–{} s", f("duration_s")) } else { String::new() };
    let _ = writeln!(
        out,
        "{}: {} neurons, {} synapses; built in {:.2} s, simulated {} s in {:.2} s on {} {}{window}",
        summary["model"].as_str().unwrap_or(""),
        summary["n_neurons"],
        summary["n_synapses"],
        f("build_s"),
        f("duration_s"),
        f("run_s"),
        summary["threads"],
        if summary["threads"] == 1 { "thread" } else { "threads" },
    );
    if let Some(pops) = summary["populations"].as_object() {
        for (name, p) in pops {
            let _ = writeln!(
                out,
                "  {:<12} {:>8} neurons  {:>9} spikes  {:>8.2} Hz  CV(ISI) {}",
                name,
                p["n"],
                p["spikes"],
                p["rate_hz"].as_f64().unwrap_or(f64::NAN),
                p["cv_isi"].as_f64().map_or("n/a".into(), |c| format!("{c:.2}")),
            );
        }
    }
    let _ = writeln!(out, "results in {}", dir.display());
}
