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
use engram_model::{read_toml, Dim, ModelError};

use crate::esn::EsnParams;
use crate::experiment::{Experiment, Mode, ReadoutSpec, Task};
use crate::intrinsic::IpParams;
use crate::liquid::{Homeostasis, LiquidParams};
use crate::online::OnlineKind;
use crate::sparse::DegreeRule;
use crate::sweep::{Sweep, SweepParam};
use crate::tasks::MackeyGlass;

type Result<T> = std::result::Result<T, ModelError>;

/// The task names a configuration may give.
pub const TASKS: [&str; 5] = ["mackey_glass", "narma", "memory_capacity", "lorenz", "sines"];
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
    /// A spiking liquid in place of the echo-state network, when the file has a
    /// `[liquid]` table.
    pub liquid: Option<LiquidParams>,
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
        let what = format!("a [task] table with the task's kind{}", root.other_kind().unwrap_or_default());
        let task_entry = root.require("task", &what)?;
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
        let liquid = match root.get("liquid") {
            Some(e) => {
                let mut t = e.table("liquid", "a table")?;
                let l = read_liquid(&mut t, file, seed)?;
                t.finish()?;
                Some(l)
            }
            None => None,
        };
        let src = root.source();
        root.finish()?;
        if liquid.is_some() {
            if intrinsic.is_some() || esn != (EsnParams { seed, ..EsnParams::default() }) {
                return Err(src.error(
                    None,
                    "reservoir",
                    "a [liquid] replaces the [reservoir] table: give one of them",
                ));
            }
            if sweep.is_some() {
                return Err(src.error(None, "sweep", "sweeps vary echo-state parameters; a [liquid] has none"));
            }
            if matches!(readout, ReadoutSpec::Online(OnlineKind::Force { .. })) {
                return Err(src.error(
                    None,
                    "readout.kind",
                    "FORCE trains while the readout's output drives the reservoir, and a liquid takes only the \
                     task's input: read a liquid out by \"ridge\" or \"rls\"",
                ));
            }
            if mode == Mode::Generation {
                return Err(src.error(
                    None,
                    "task.mode",
                    "a liquid predicts one step ahead only (mode = \"one_step\")",
                ));
            }
        }
        if matches!(task, Task::MemoryCapacity { .. } | Task::Narma { .. }) && mode == Mode::Generation {
            return Err(src.error(
                None,
                "task.mode",
                "generation needs a task whose input is its own output (mackey_glass or lorenz)",
            ));
        }
        if task.autonomous() && liquid.is_none() && esn.feedback_scaling <= 0.0 {
            return Err(src.error(
                None,
                "reservoir.feedback_scaling",
                "the sines task has no input: the readout's output must be fed back (feedback_scaling > 0)",
            ));
        }
        let experiment = Experiment { task, mode, esn, readout, train, test, washout, seed, intrinsic };
        Ok(Config { name, experiment, sweep, liquid })
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
        // An autonomous pattern can only be generated.
        None if kind == "sines" => Mode::Generation,
        None => Mode::OneStep,
    };
    if kind == "sines" && mode == Mode::OneStep {
        let e = t.get("mode").expect("one_step was given");
        return Err(e.error("task.mode", "the sines task has no input to predict from: expected \"generation\""));
    }
    let (train_default, test_default) = match kind {
        "mackey_glass" => (1599, 400),
        "narma" => (4000, 1000),
        "memory_capacity" => (5000, 2000),
        "sines" => (12000, 6000),
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
        "sines" => Task::Sines { period: positive_count(t, "period", 1200, "the number of steps per period")? },
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
        connectivity_rule: match t.get("connectivity_rule") {
            Some(e) => {
                let path = t.key_path("connectivity_rule");
                let name = choice(&e, &path, &DegreeRule::NAMES, "connectivity rule")?;
                DegreeRule::from_name(name).expect("a known name")
            }
            None => d.connectivity_rule,
        },
        bias_scaling: number_in(t, "bias_scaling", d.bias_scaling, 0.0, f64::INFINITY, false)?,
        feedback_scaling: number_in(t, "feedback_scaling", d.feedback_scaling, 0.0, f64::INFINITY, false)?,
        feedback_connectivity: number_in(t, "feedback_connectivity", d.feedback_connectivity, 0.0, 1.0, true)?,
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

/// Reads the `[liquid]` table: the model file (relative to the configuration file
/// `file`), its overrides, the time per task step, the adaptation, the input and the
/// readout filters.
fn read_liquid(t: &mut TableReader<'_>, file: &str, seed: u64) -> Result<LiquidParams> {
    let model_entry = t.require("model", "the liquid's model file")?;
    let rel = model_entry.as_str("liquid.model", "the path of an engram model file as a string")?;
    let path = Path::new(file).parent().unwrap_or(Path::new("")).join(rel);
    let overrides = match t.get("set") {
        Some(e) => {
            let mut v = Vec::new();
            for (item, span) in e.array("liquid.set", "an array of \"KEY=VALUE\" model overrides")? {
                let s = Entry { item: &item, span, src: t.src }.as_str("liquid.set", "a \"KEY=VALUE\" string")?;
                v.push(s.to_string());
            }
            v
        }
        None => Vec::new(),
    };
    let model = engram_model::load_model(&path, &overrides, &engram_sim::Models)?;
    let sample = match t.get("sample") {
        Some(e) => positive(&e, "liquid.sample", Dim::TIME)?,
        None => 10e-3,
    };
    let adapt = match t.get("adapt") {
        Some(e) => {
            let v = e.quantity("liquid.adapt", Dim::TIME)?;
            if v < 0.0 {
                return Err(e.error("liquid.adapt", format!("expected a duration ≥ 0, found {v} s")));
            }
            v
        }
        None => 0.0,
    };
    let population_list = |t: &mut TableReader<'_>, key: &'static str, default_all: bool| -> Result<Vec<usize>> {
        let path = t.key_path(key);
        let names: Vec<usize> = match t.get(key) {
            Some(e) => {
                let mut v = Vec::new();
                for (item, span) in e.array(&path, "an array of population names")? {
                    let entry = Entry { item: &item, span, src: t.src };
                    let name = entry.as_str(&path, "a population name")?;
                    let known: Vec<&str> = model.populations.iter().map(|p| p.name.as_str()).collect();
                    let Some(i) = model.population_index(name) else {
                        let err = entry.error(
                            &path,
                            format!(
                                "no population \"{name}\" in {}, expected one of {}",
                                path_name(&model),
                                known.join(", ")
                            ),
                        );
                        return Err(match engram_model::error::closest(name, known.iter().copied()) {
                            Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
                            None => err,
                        });
                    };
                    v.push(i);
                }
                v
            }
            None if default_all => {
                (0..model.populations.len()).filter(|&p| model.populations[p].kind.accepts_input).collect()
            }
            None => Vec::new(),
        };
        if names.is_empty() {
            return Err(t.error(format!("expected at least one population in {path}")));
        }
        Ok(names)
    };
    let readout_populations = population_list(t, "readout", true)?;
    let taus = match t.get("taus") {
        Some(e) => {
            let mut v = Vec::new();
            for (item, span) in e.array("liquid.taus", "an array of time constants")? {
                v.push(positive(&Entry { item: &item, span, src: t.src }, "liquid.taus", Dim::TIME)?);
            }
            if v.is_empty() {
                return Err(e.error("liquid.taus", "expected at least one time constant"));
            }
            v
        }
        None => vec![30e-3],
    };
    let input_entry =
        t.require("input", "a [liquid.input] table: which populations the input drives, and how strongly")?;
    let mut it = input_entry.table("liquid.input", "a table")?;
    let input_populations = population_list(&mut it, "populations", true)?;
    for &p in &input_populations {
        if !model.populations[p].kind.accepts_input {
            return Err(it.error(format!(
                "population \"{}\" ({}) receives no input",
                model.populations[p].name, model.populations[p].kind.name
            )));
        }
    }
    let weight_entry = it.require("weight", "the input weight, such as \"1 nS\" or \"100 pA\"")?;
    let dims =
        (model.populations[input_populations[0]].kind.weight_dims)(&model.populations[input_populations[0]].params);
    let (input_weight, input_weight_dim) = weight_entry.quantity_of("liquid.input.weight", dims)?;
    for &p in &input_populations[1..] {
        let pop = &model.populations[p];
        if !(pop.kind.weight_dims)(&pop.params).contains(&input_weight_dim) {
            return Err(weight_entry.error(
                "liquid.input.weight",
                format!("population \"{}\" does not take weights of this dimension", pop.name),
            ));
        }
    }
    let input_rate = match it.get("rate") {
        Some(e) => positive(&e, "liquid.input.rate", Dim::FREQUENCY)?,
        None => 1000.0,
    };
    let input_connectivity = number_in(&mut it, "connectivity", 1.0, 0.0, 1.0, true)?;
    it.finish()?;
    let homeostasis = match t.get("homeostasis") {
        Some(e) => {
            let mut ht = e.table("liquid.homeostasis", "a table with `rates` and `eta`")?;
            let eta_entry = ht.require("eta", "the homeostatic learning rate, in the input weight's unit")?;
            let eta = eta_entry.quantity("liquid.homeostasis.eta", input_weight_dim)?;
            if eta <= 0.0 {
                return Err(eta_entry.error("liquid.homeostasis.eta", format!("expected a positive rate, found {eta}")));
            }
            let rates_entry =
                ht.require("rates", "a table of target rates by population, such as { exc = \"20 Hz\" }")?;
            let rt = rates_entry.table("liquid.homeostasis.rates", "a table of target rates by population")?;
            let mut targets = vec![None; model.populations.len()];
            let istdp = crate::liquid::istdp_targets(&model);
            for (name, entry, _) in rt.entries() {
                let key = format!("liquid.homeostasis.rates.{name}");
                let Some(p) = model.population_index(&name) else {
                    let known: Vec<&str> = model.populations.iter().map(|p| p.name.as_str()).collect();
                    return Err(
                        entry.error(&key, format!("no population \"{name}\", expected one of {}", known.join(", ")))
                    );
                };
                let rate = positive(&entry, &key, Dim::FREQUENCY)?;
                if istdp[p].is_some() {
                    return Err(entry.error(
                        &key,
                        format!("population \"{name}\" already has a target rate from its istdp_vogels synapses; give one rule"),
                    ));
                }
                targets[p] = Some(rate);
            }
            // Every key of `rates` was read above (an unknown one is already an error),
            // so the table needs no check for unknown keys.
            drop(rt);
            ht.finish()?;
            Some(Homeostasis { targets, eta })
        }
        None => None,
    };
    Ok(LiquidParams {
        model,
        sample,
        adapt,
        input_populations,
        input_weight,
        input_weight_dim,
        input_rate,
        input_connectivity,
        readout_populations,
        taus,
        homeostasis,
        seed,
    })
}

fn path_name(model: &engram_model::Model) -> String {
    format!("model \"{}\"", model.name)
}

/// A positive quantity of dimension `dim`.
fn positive(e: &Entry<'_>, key: &str, dim: Dim) -> Result<f64> {
    let v = e.quantity(key, dim)?;
    if v <= 0.0 {
        return Err(e.error(key, format!("expected a positive {}, found {v}", dim.describe())));
    }
    Ok(v)
}
