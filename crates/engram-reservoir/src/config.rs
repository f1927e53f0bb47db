//! Reading a reservoir configuration file (TOML) into an [`Experiment`] and an
//! optional [`Sweep`], with engram-model's located reader: every error names the file,
//! line, column and dotted key and says what was expected.
//!
//! The format is documented in `docs/reservoir.md`.

// A configuration error carries the source text it quotes (as engram-model's); it is
// made once per failed read, never on a hot path, so its size in `Result` does not matter.
#![allow(clippy::result_large_err)]

use std::path::Path;

use engram_model::reader::{Entry, TableReader};
use engram_model::{read_toml, ModelError};

use crate::esn::EsnParams;
use crate::experiment::{Experiment, Mode, ReadoutSpec, Task};
use crate::intrinsic::IpParams;
use crate::online::OnlineKind;
use crate::sweep::{Sweep, SweepParam};
use crate::tasks::MackeyGlass;

type Result<T> = std::result::Result<T, ModelError>;

/// The task names a configuration may give.
pub const TASKS: [&str; 4] = ["mackey_glass", "narma", "memory_capacity", "lorenz"];
/// The readout kinds.
pub const READOUTS: [&str; 3] = ["ridge", "rls", "force"];

/// A read configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The run's name (`name`, or the file's stem).
    pub name: String,
    /// The experiment.
    pub experiment: Experiment,
    /// A hyper-parameter sweep, when the file has a `[sweep]` table.
    pub sweep: Option<Sweep>,
}

/// Reads the configuration at `path` after applying `--set` overrides.
pub fn load_config(path: &Path, overrides: &[String]) -> Result<Config> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ModelError::whole_file(&name, format!("cannot read the configuration file: {e}")))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "reservoir".into());
    parse_config(&name, &stem, &text, overrides)
}

/// Reads a configuration from its text; `file` names it in errors.
pub fn parse_config(file: &str, stem: &str, text: &str, overrides: &[String]) -> Result<Config> {
    read_toml(file, text, overrides, |mut root| {
        let name = match root.get("name") {
            Some(e) => e.as_str("name", "the run's name as a string")?.to_string(),
            None => stem.to_string(),
        };
        let seed = match root.get("seed") {
            Some(e) => e.count("seed", "a seed")?,
            None => 1,
        };
        let task_entry = root.require("task", "a [task] table with the task's kind")?;
        let mut task_table = task_entry.table("task", "a table")?;
        let (task, mode, train, test, washout) = read_task(&mut task_table)?;
        task_table.finish()?;
        let (esn, intrinsic) = match root.get("reservoir") {
            Some(e) => {
                let mut t = e.table("reservoir", "a table")?;
                let p = read_reservoir(&mut t, seed)?;
                let ip = match t.get("intrinsic_plasticity") {
                    Some(e) => {
                        let mut ipt = e.table("reservoir.intrinsic_plasticity", "a table")?;
                        let d = IpParams::default();
                        let ip = IpParams {
                            eta: number_in(&mut ipt, "eta", d.eta, 0.0, f64::INFINITY, true)?,
                            mean: number_in(&mut ipt, "mean", d.mean, -1.0, 1.0, false)?,
                            std: number_in(&mut ipt, "std", d.std, 0.0, 1.0, true)?,
                            epochs: positive_count(&mut ipt, "epochs", d.epochs, "the number of passes")?,
                        };
                        ipt.finish()?;
                        Some(ip)
                    }
                    None => None,
                };
                t.finish()?;
                (p, ip)
            }
            None => (EsnParams { seed, ..EsnParams::default() }, None),
        };
        let readout = match root.get("readout") {
            Some(e) => {
                let mut t = e.table("readout", "a table")?;
                let r = read_readout(&mut t)?;
                t.finish()?;
                r
            }
            None => ReadoutSpec::Ridge(1e-6),
        };
        let sweep = match root.get("sweep") {
            Some(e) => {
                let mut t = e.table("sweep", "a table of parameter lists")?;
                let s = read_sweep(&mut t)?;
                t.finish()?;
                Some(s)
            }
            None => None,
        };
        let src = root.source();
        root.finish()?;
        if matches!(task, Task::MemoryCapacity { .. } | Task::Narma { .. }) && mode == Mode::Generation {
            return Err(src.error(
                None,
                "task.mode",
                "generation needs a task whose input is its own output (mackey_glass or lorenz)",
            ));
        }
        let experiment = Experiment { task, mode, esn, readout, train, test, washout, seed, intrinsic };
        Ok(Config { name, experiment, sweep })
    })
}

fn positive_count(t: &mut TableReader<'_>, key: &'static str, default: usize, what: &str) -> Result<usize> {
    let path = t.key_path(key);
    match t.get(key) {
        Some(e) => {
            let v = e.count(&path, what)?;
            if v == 0 {
                return Err(e.error(&path, format!("expected {what}, at least 1, found 0")));
            }
            Ok(v as usize)
        }
        None => Ok(default),
    }
}

/// A number in `[lo, hi]` (`hi` may be infinite), with `default` when absent.
fn number_in(t: &mut TableReader<'_>, key: &'static str, default: f64, lo: f64, hi: f64, open_lo: bool) -> Result<f64> {
    let path = t.key_path(key);
    match t.get(key) {
        Some(e) => {
            let v = e.number(&path)?;
            let ok = v.is_finite() && (if open_lo { v > lo } else { v >= lo }) && v <= hi;
            if !ok {
                let low = if open_lo { format!("> {lo}") } else { format!("≥ {lo}") };
                let range =
                    if hi.is_finite() { format!("a number {low} and ≤ {hi}") } else { format!("a number {low}") };
                return Err(e.error(&path, format!("expected {range}, found {v}")));
            }
            Ok(v)
        }
        None => Ok(default),
    }
}

fn choice<'a>(e: &Entry<'a>, key: &str, known: &[&str], what: &str) -> Result<&'a str> {
    let s = e.as_str(key, &format!("{what} as a string"))?;
    if known.contains(&s) {
        return Ok(s);
    }
    let err = e.error(key, format!("unknown {what} \"{s}\", expected one of {}", known.join(", ")));
    Err(match engram_model::error::closest(s, known.iter().copied()) {
        Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
        None => err,
    })
}

fn read_task(t: &mut TableReader<'_>) -> Result<(Task, Mode, usize, usize, usize)> {
    let kind_entry = t.require("kind", "the task's name")?;
    let kind = choice(&kind_entry, "task.kind", &TASKS, "task")?;
    let mode = match t.get("mode") {
        Some(e) => match choice(&e, "task.mode", &["one_step", "generation"], "mode")? {
            "generation" => Mode::Generation,
            _ => Mode::OneStep,
        },
        None => Mode::OneStep,
    };
    let (train_default, test_default) = match kind {
        "mackey_glass" => (1599, 400),
        "narma" => (4000, 1000),
        "memory_capacity" => (5000, 2000),
        _ => (5000, 1000),
    };
    let train = positive_count(t, "train", train_default, "the number of training steps")?;
    let test = positive_count(t, "test", test_default, "the number of test steps")?;
    let washout = match t.get("washout") {
        Some(e) => e.count("task.washout", "the number of washout steps")? as usize,
        None => 100,
    };
    if washout >= train {
        let e = t.get("washout").unwrap_or_else(|| t.get("train").expect("train or washout was given"));
        return Err(e.error(
            "task.washout",
            format!("expected fewer washout steps than training steps ({train}), found {washout}"),
        ));
    }
    let task = match kind {
        "mackey_glass" => {
            let tau = number_in(t, "tau", 17.0, 0.0, f64::INFINITY, false)?;
            let horizon = positive_count(t, "horizon", 1, "the number of steps ahead")?;
            let normalise = match t.get("normalise") {
                Some(e) => e.boolean("task.normalise")?,
                None => false,
            };
            Task::MackeyGlass { params: MackeyGlass { tau, ..MackeyGlass::default() }, horizon, normalise }
        }
        "narma" => Task::Narma { order: positive_count(t, "order", 10, "the NARMA order")? },
        "memory_capacity" => {
            let max_delay = positive_count(t, "max_delay", 200, "the largest delay")?;
            if washout.max(max_delay) >= train {
                return Err(t.error(format!(
                    "expected more training steps ({train}) than the largest delay ({max_delay}), which is also the washout"
                )));
            }
            Task::MemoryCapacity { max_delay }
        }
        _ => Task::Lorenz {
            h: number_in(t, "h", 0.03, 0.0, f64::INFINITY, true)?,
            horizon: positive_count(t, "horizon", 1, "the number of steps ahead")?,
        },
    };
    if mode == Mode::Generation {
        if let Task::MackeyGlass { horizon, .. } | Task::Lorenz { horizon, .. } = task {
            if horizon != 1 {
                return Err(t.error("generation predicts one step ahead at a time: remove `horizon` or set it to 1"));
            }
        }
    }
    Ok((task, mode, train, test, washout))
}

fn read_reservoir(t: &mut TableReader<'_>, seed: u64) -> Result<EsnParams> {
    let d = EsnParams::default();
    Ok(EsnParams {
        units: positive_count(t, "units", d.units, "the number of units")?,
        spectral_radius: number_in(t, "spectral_radius", d.spectral_radius, 0.0, f64::INFINITY, false)?,
        leak_rate: number_in(t, "leak_rate", d.leak_rate, 0.0, 1.0, true)?,
        input_scaling: number_in(t, "input_scaling", d.input_scaling, 0.0, f64::INFINITY, false)?,
        input_connectivity: number_in(t, "input_connectivity", d.input_connectivity, 0.0, 1.0, true)?,
        connectivity: number_in(t, "connectivity", d.connectivity, 0.0, 1.0, true)?,
        bias_scaling: number_in(t, "bias_scaling", d.bias_scaling, 0.0, f64::INFINITY, false)?,
        feedback_scaling: number_in(t, "feedback_scaling", d.feedback_scaling, 0.0, f64::INFINITY, false)?,
        seed,
    })
}

fn read_readout(t: &mut TableReader<'_>) -> Result<ReadoutSpec> {
    let kind = match t.get("kind") {
        Some(e) => choice(&e, "readout.kind", &READOUTS, "readout")?,
        None => "ridge",
    };
    match kind {
        "rls" => Ok(ReadoutSpec::Online(OnlineKind::Rls {
            forgetting: number_in(t, "forgetting", 1.0, 0.0, 1.0, true)?,
            delta: number_in(t, "delta", 1e-2, 0.0, f64::INFINITY, true)?,
        })),
        "force" => {
            Ok(ReadoutSpec::Online(OnlineKind::Force { alpha: number_in(t, "alpha", 1.0, 0.0, f64::INFINITY, true)? }))
        }
        _ => {
            let entry = t.get("ridge");
            let cv = matches!(entry.as_ref().map(|e| e.item.as_str()), Some(Some("cv")));
            if !cv {
                return Ok(ReadoutSpec::Ridge(number_in(t, "ridge", 1e-6, 0.0, f64::INFINITY, false)?));
            }
            let candidates = match t.get("candidates") {
                Some(e) => {
                    let items = e.array("readout.candidates", "an array of regularisations")?;
                    let mut v = Vec::new();
                    for (item, span) in items {
                        let x = Entry { item: &item, span, src: t.src }.number("readout.candidates")?;
                        v.push(x);
                    }
                    v
                }
                None => (-10..=0).map(|k| 10f64.powi(k)).collect(),
            };
            let folds = positive_count(t, "folds", 5, "the number of folds")?;
            Ok(ReadoutSpec::RidgeCv { candidates, folds })
        }
    }
}

fn read_sweep(t: &mut TableReader<'_>) -> Result<Sweep> {
    let mut axes = Vec::new();
    for (key, entry, _) in t.entries() {
        let param = SweepParam::from_name(&key).ok_or_else(|| {
            entry.error(
                &format!("sweep.{key}"),
                format!("unknown sweep parameter `{key}`, expected one of {}", SweepParam::NAMES.join(", ")),
            )
        })?;
        let path = format!("sweep.{key}");
        let items = entry.array(&path, "an array of values")?;
        let mut values = Vec::new();
        for (item, span) in items {
            values.push(Entry { item: &item, span, src: entry.src }.number(&path)?);
        }
        if values.is_empty() {
            return Err(entry.error(&path, "expected at least one value"));
        }
        axes.push((param, values));
    }
    for p in SweepParam::NAMES {
        t.allow(p);
    }
    if axes.is_empty() || axes.len() > 2 {
        return Err(t.error(format!("expected one or two parameters to sweep, found {}", axes.len())));
    }
    Ok(Sweep { axes })
}
