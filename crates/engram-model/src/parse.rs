//! Reading a model file: TOML text in, a validated [`Model`] out.

use std::path::Path;

use toml_edit::{DocumentMut, ImDocument, Item, Value};

use crate::dist::Dist;
use crate::error::{closest, ModelError, Source};
use crate::model::*;
use crate::projection::{fmt_ms, read_projection, read_receptor, read_weight};
use crate::reader::{Entry, Result, TableReader};
use crate::record_table::read_record;
use crate::spec::{Default, ParamKind, ParamSpec, ParamValue, Params, Registry};
use crate::units::Dim;

/// The connectivity rules a projection may name.
pub const RULES: [&str; 7] = [
    "all_to_all",
    "one_to_one",
    "fixed_probability",
    "fixed_indegree",
    "fixed_outdegree",
    "fixed_total_number",
    "from_file",
];

/// Reads and validates the model file at `path`, after applying `overrides`
/// (`"populations.exc.tau_m=10 ms"`, see [`apply_overrides`]).
pub fn load_model(path: &Path, overrides: &[String], registry: &dyn Registry) -> Result<Model> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ModelError::whole_file(&name, format!("cannot read the model file: {e}")))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    parse_model(&name, &stem, &text, overrides, registry)
}

/// Reads and validates a model from its text. `file` names it in errors; `stem` is
/// the model's name when the text has no `name` key.
pub fn parse_model(file: &str, stem: &str, text: &str, overrides: &[String], registry: &dyn Registry) -> Result<Model> {
    read_toml(file, text, overrides, |mut root| {
        let model = read_model(&mut root, stem, registry)?;
        root.finish()?;
        Ok(model)
    })
}

/// Applies `overrides` to the TOML `text`, parses it and hands `read` a located reader
/// of its root table: the entry point of every engram configuration file (models,
/// training and reservoir configurations). `file` names the text in errors; `read`
/// calls [`TableReader::finish`] when it has taken every key it knows.
pub fn read_toml<T>(
    file: &str,
    text: &str,
    overrides: &[String],
    read: impl FnOnce(TableReader<'_>) -> Result<T>,
) -> Result<T> {
    let text = apply_overrides(file, text, overrides)?;
    let src = Source::new(file, text);
    let doc = ImDocument::parse(src.text.as_str()).map_err(|e| {
        let msg = e.message().trim().replace('\n', " ");
        src.error(e.span(), "", format!("invalid TOML: {msg}"))
    })?;
    let src = src.clone().with_overrides(override_spans(doc.as_table(), overrides));
    read(TableReader::root(doc.as_table(), &src))
}

/// Where each `--set KEY=VALUE` of `overrides` is in the overridden document: from its
/// key to the end of its value (see [`Source::with_overrides`]).
fn override_spans(root: &toml_edit::Table, overrides: &[String]) -> Vec<(std::ops::Range<usize>, String)> {
    let span_of = |key: &str| -> Option<std::ops::Range<usize>> {
        let parts: Vec<&str> = key.trim().split('.').collect();
        let (last, path) = parts.split_last()?;
        let mut table: &dyn toml_edit::TableLike = root;
        for p in path {
            table = table.get(p)?.as_table_like()?;
        }
        let value = match table.get(last)? {
            Item::Value(v) => v.span()?,
            Item::Table(t) => t.span()?,
            _ => return None,
        };
        let key_start = table.key(last).and_then(|k| k.span()).map_or(value.start, |s| s.start);
        Some(key_start.min(value.start)..value.end)
    };
    overrides.iter().filter_map(|o| Some((span_of(o.split_once('=')?.0)?, o.clone()))).collect()
}

/// Applies `--set KEY=VALUE` overrides to the document text. `KEY` is a dotted path;
/// `VALUE` is read as a TOML value, and as a string when it is not one (so
/// `tau_m=10 ms` needs no TOML quotes; the shell still needs the argument quoted).
pub fn apply_overrides(file: &str, text: &str, overrides: &[String]) -> Result<String> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let src = Source::new(file, text);
        src.error(e.span(), "", format!("invalid TOML: {}", e.message().trim().replace('\n', " ")))
    })?;
    for o in overrides {
        let bad = |msg: String| ModelError::whole_file(&format!("--set {o}"), msg);
        let (key, raw) = o.split_once('=').ok_or_else(|| bad("expected KEY=VALUE".into()))?;
        let parts: Vec<&str> = key.trim().split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad(format!("`{key}` is not a dotted key path")));
        }
        let value: Value = raw.trim().parse().unwrap_or_else(|_| Value::from(raw.trim()));
        let (last, path) = parts.split_last().expect("split gives at least one part");
        let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
        for (i, p) in path.iter().enumerate() {
            let item = table.entry(p).or_insert(Item::Table(toml_edit::Table::new()));
            table =
                item.as_table_like_mut().ok_or_else(|| bad(format!("`{}` is not a table", parts[..=i].join("."))))?;
        }
        let slot = table.entry(last).or_insert(Item::None);
        *slot = Item::Value(value.decorated(" ", ""));
    }
    Ok(doc.to_string())
}

fn read_model(root: &mut TableReader<'_>, stem: &str, registry: &dyn Registry) -> Result<Model> {
    let name = match root.get("name") {
        Some(e) => e.as_str("name", "the model's name as a string")?.to_string(),
        None => stem.to_string(),
    };
    let what = format!("a [simulation] table with dt and duration{}", root.other_kind().unwrap_or_default());
    let sim_entry = root.require("simulation", &what)?;
    let mut sim = sim_entry.table("simulation", "a table")?;
    let dt = match sim.get("dt") {
        Some(e) => e.quantity("simulation.dt", Dim::TIME)?,
        None => 1e-4,
    };
    if dt <= 0.0 {
        return Err(sim.get("dt").expect("dt was read").error("simulation.dt", "expected a positive time step"));
    }
    let dur = sim.require("duration", "a time such as \"1 s\"")?;
    let (duration, duration_note) = whole_steps(&dur, dur.quantity("simulation.duration", Dim::TIME)?, dt)?;
    let seed = match sim.get("seed") {
        Some(e) => e.count("simulation.seed", "a seed")?,
        None => 1,
    };
    let trial_steps = match sim.get("trial") {
        Some(e) => {
            let trial = e.quantity("simulation.trial", Dim::TIME)?;
            let steps = (trial / dt).round();
            if steps < 1.0 || ((trial / dt) - steps).abs() > 1e-6 * steps.max(1.0) {
                return Err(e.error("simulation.trial", "expected a positive whole number of time steps"));
            }
            Some(steps as u64)
        }
        None => None,
    };
    sim.finish()?;

    let pops_entry = root.require("populations", "a [populations.NAME] table per population")?;
    let pops = pops_entry.table("populations", "a table of populations")?;
    let mut populations = Vec::new();
    for (pname, entry, _) in pops.entries() {
        let path = format!("populations.{pname}");
        let mut t = entry.table(&path, "a table describing the population")?;
        populations.push(read_population(&mut t, &pname, registry)?);
        t.finish()?;
    }
    if populations.is_empty() {
        return Err(pops.error("expected at least one population"));
    }

    let mut model = Model {
        name,
        dt,
        duration,
        seed,
        trial_steps,
        populations,
        projections: Vec::new(),
        record: Record {
            spikes: Vec::new(),
            state: Vec::new(),
            rate_bin: 1e-3,
            rates_from: 0.0,
            weights: Vec::new(),
            connectivity: Vec::new(),
        },
        notes: duration_note.into_iter().collect(),
    };
    for i in 0..model.populations.len() {
        resolve_inputs(&mut model, i, &pops)?;
    }

    if let Some(e) = root.get("projections") {
        let projs = e.table("projections", "a table of projections")?;
        for (name, entry, _) in projs.entries() {
            let path = format!("projections.{name}");
            let mut t = entry.table(&path, "a table describing the projection")?;
            let p = read_projection(&mut t, &name, &model, registry)?;
            t.finish()?;
            model.projections.push(p);
        }
    }
    model.record = read_record(root.get("record"), &model)?;
    Ok(model)
}

/// `duration` as a whole number of steps of `dt`: refused when shorter than one step
/// (a run of no step has no rates), rounded to the nearest step otherwise, with a note
/// saying so when that changes it (Brian2 runs `ceil(duration / dt)` steps silently;
/// NEST refuses a time that is not a multiple of its resolution).
fn whole_steps(e: &Entry<'_>, duration: f64, dt: f64) -> Result<(f64, Option<String>)> {
    let key = "simulation.duration";
    let exact = duration / dt;
    // A relative tolerance, since "1 s" / "0.1 ms" is 9999.999999999998 in floating point.
    if exact < 1.0 - 1e-9 {
        return Err(
            e.error(key, format!("expected at least one time step (dt = {}), found {}", fmt_ms(dt), fmt_ms(duration)))
        );
    }
    let steps = exact.round();
    if (exact - steps).abs() <= 1e-9 * steps {
        return Ok((steps * dt, None));
    }
    let rounded = steps * dt;
    let note = e.error(
        key,
        format!(
            "{} is not a whole number of time steps of {}; simulating {steps} steps ({})",
            fmt_ms(duration),
            fmt_ms(dt),
            fmt_ms(rounded)
        ),
    );
    Ok((rounded, Some(note.to_string())))
}

fn read_population(t: &mut TableReader<'_>, name: &str, registry: &dyn Registry) -> Result<Population> {
    let n_key = t.key_path("n");
    let n_entry = t.require("n", "the number of neurons")?;
    let size = n_entry.count(&n_key, "the number of neurons")?;
    if size == 0 {
        return Err(n_entry.error(&n_key, "expected the number of neurons, at least 1, found 0"));
    }
    let model_key = t.key_path("model");
    let model_entry = t.require("model", "the neuron model's name")?;
    let model_name = model_entry.as_str(&model_key, "the neuron model's name as a string")?;
    let names = registry.names();
    let kind = registry.kind(model_name).ok_or_else(|| {
        let e = model_entry
            .error(&model_key, format!("unknown neuron model \"{model_name}\", expected one of {}", names.join(", ")));
        match closest(model_name, names.iter().copied()) {
            Some(c) => e.with_help(format!("did you mean \"{c}\"?")),
            None => e,
        }
    })?;
    let params = read_params(t, kind.params, size, Some((kind.name, kind.per_neuron)))?;
    if let Err((key, msg)) = (kind.check)(&params) {
        let path = t.key_path(key);
        return Err(match t.get(key) {
            Some(e) => e.error(&path, msg),
            None => t.error(format!("{key} (default): {msg}")),
        });
    }
    let mut init = Vec::new();
    if let Some(e) = t.get("init") {
        let mut it = e.table(&t.key_path("init"), "a table of initial values")?;
        for (var, ve, span) in it.entries() {
            let key = it.key_path(&var);
            let Some(spec) = kind.state.iter().find(|s| s.name == var) else {
                let known: Vec<&str> = kind.state.iter().map(|s| s.name).collect();
                let mut err = t.src.error(
                    span,
                    &key,
                    if known.is_empty() {
                        format!("\"{}\" has no state variables to initialise", kind.name)
                    } else {
                        format!("`{var}` is not a state variable of \"{}\" (it has {})", kind.name, known.join(", "))
                    },
                );
                if let Some(c) = closest(&var, known.iter().copied()) {
                    err = err.with_help(format!("did you mean `{c}`?"));
                }
                return Err(err);
            };
            let (d, _) = ve.dist(&key, &[spec.dim])?;
            init.push((spec.name.to_string(), d));
        }
        // Every key was checked against the state variables above.
        for s in kind.state {
            it.allow(s.name);
        }
        it.finish()?;
    }
    // poisson_input and step_current are read once every population is known
    // (they only need this population's model), see `resolve_inputs`.
    t.allow("poisson_input");
    t.allow("step_current");
    Ok(Population {
        name: name.to_string(),
        size: size as usize,
        kind,
        params,
        init,
        poisson_inputs: Vec::new(),
        step_current: None,
    })
}

/// Reads the parameters `specs` from `t`, filling in defaults; `size` bounds index lists
/// and is the number of neurons. `per_neuron` names the model and the parameters that
/// may take a value per neuron (none when `None`).
pub(crate) fn read_params(
    t: &mut TableReader<'_>,
    specs: &[ParamSpec],
    size: u64,
    per_neuron: Option<(&str, &[&str])>,
) -> Result<Params> {
    let mut params = Params::default();
    for spec in specs {
        let key = t.key_path(spec.name);
        let entry = t.get(spec.name);
        let value = match (spec.kind, entry) {
            (ParamKind::Quantity(dim, _), Some(e)) if e.item.is_table_like() && per_neuron.is_some() => {
                let (model, allowed) = per_neuron.expect("checked by the guard");
                if !allowed.contains(&spec.name) {
                    let one = format!("\"{model}\" takes one value of {} for the whole population", spec.name);
                    let msg = if allowed.is_empty() {
                        format!("{one}, expected a quantity (no parameter of \"{model}\" takes a value per neuron)")
                    } else {
                        format!(
                            "{one}, expected a quantity (a value per neuron may be given for {})",
                            allowed.join(", ")
                        )
                    };
                    return Err(e.error(&key, msg));
                }
                per_neuron_value(&e, &key, dim, size as usize)?
            }
            (ParamKind::Quantity(dim, _), Some(e)) => ParamValue::Scalar(e.quantity(&key, dim)?),
            (ParamKind::Number(_), Some(e)) => ParamValue::Scalar(e.number(&key)?),
            (ParamKind::Quantity(_, Default::Value(v)) | ParamKind::Number(Default::Value(v)), None) => {
                ParamValue::Scalar(v)
            }
            (ParamKind::Quantity(_, Default::Required) | ParamKind::Number(Default::Required), None) => {
                return Err(t.missing(&[spec.name], format!("missing key `{}` ({})", spec.name, spec.doc)))
            }
            (ParamKind::Quantity(_, Default::Derived) | ParamKind::Number(Default::Derived), None) => continue,
            (ParamKind::Choice(choices), Some(e)) => {
                let c = e.as_str(&key, &format!("one of {}", choices.join(", ")))?;
                if !choices.contains(&c) {
                    let err = e.error(&key, format!("unknown value \"{c}\", expected one of {}", choices.join(", ")));
                    return Err(match closest(c, choices.iter().copied()) {
                        Some(s) => err.with_help(format!("did you mean \"{s}\"?")),
                        None => err,
                    });
                }
                ParamValue::Choice(c.to_string())
            }
            (ParamKind::Choice(choices), None) => ParamValue::Choice(choices[0].to_string()),
            (ParamKind::QuantityList(dim), Some(e)) => {
                let mut out = Vec::new();
                for (i, (item, span)) in e.array(&key, "an array of quantities")?.iter().enumerate() {
                    let el = Entry { item, span: span.clone(), src: e.src };
                    out.push(el.quantity(&format!("{key}[{i}]"), dim)?);
                }
                ParamValue::List(out)
            }
            (ParamKind::IndexList, Some(e)) => ParamValue::Indices(read_ids(&e, &key, size)?),
            (ParamKind::QuantityList(_) | ParamKind::IndexList, None) => continue,
            // Needs the model's populations: read by the caller (`read_plasticity`).
            (ParamKind::Population, _) => continue,
        };
        params.insert(spec.name, value);
    }
    Ok(params)
}

/// A parameter's value per neuron: `{ file = "x.npy", unit = "1 ms" }` (file values
/// times `unit`, required unless the parameter is a plain number) or a distribution
/// table drawn per neuron. Which values are valid (positive time constants, `v_reset`
/// below `v_th` in every neuron) the model's `check` says, as for scalars.
fn per_neuron_value(e: &Entry<'_>, key: &str, dim: Dim, n: usize) -> Result<ParamValue> {
    let mut t = e.table(key, "a quantity, a distribution table, or { file = \"values.npy\" }")?;
    if let Some(fe) = t.get("file") {
        let fk = t.key_path("file");
        let file = fe.as_str(&fk, "the path of a .npy file, relative to the model file")?;
        // A file holds bare numbers: without a unit, "20" meant as ms would be read as
        // 20 s and the run would go on silently with it. So a unit is required, as the
        // scalar form requires one; only plain numbers may do without.
        let unit = match t.get("unit") {
            Some(u) => u.quantity(&t.key_path("unit"), dim)?,
            None if dim == Dim::ONE => 1.0,
            None => {
                // `dim.example()` is a quoted quantity such as "20 ms"; the unit is its second word.
                let unit = dim.example().split_once(' ').map_or(String::new(), |(_, u)| format!(" such as \"1 {u}"));
                return Err(t.error(format!(
                    "missing key `unit`: the numbers in {file} need a unit, {}{unit}",
                    dim.describe()
                )));
            }
        };
        t.finish()?;
        let base = Path::new(&fe.src.name).parent().unwrap_or(Path::new(""));
        let mut values = crate::param_file::read(&base.join(file), file, n).map_err(|m| fe.error(&fk, m))?;
        values.iter_mut().for_each(|v| *v *= unit);
        return Ok(ParamValue::PerNeuron(values));
    }
    let (dist, _) = Dist::read(&mut t, &[dim])?;
    t.finish()?;
    Ok(match dist {
        Dist::Const(v) => ParamValue::Scalar(v),
        d => ParamValue::Drawn(d),
    })
}

pub(crate) fn read_ids(e: &Entry<'_>, key: &str, size: u64) -> Result<Vec<u64>> {
    let mut out = Vec::new();
    for (i, (item, span)) in e.array(key, "an array of neuron indices")?.iter().enumerate() {
        let el = Entry { item, span: span.clone(), src: e.src };
        let k = format!("{key}[{i}]");
        let id = el.count(&k, "a neuron index")?;
        if id >= size {
            return Err(el.error(&k, format!("neuron index {id} is out of range: the population has {size} neurons")));
        }
        out.push(id);
    }
    Ok(out)
}

/// Reads `poisson_input` and `step_current` of population `i`.
fn resolve_inputs(model: &mut Model, i: usize, pops: &TableReader<'_>) -> Result<()> {
    let (_, entry, _) = pops.entries().into_iter().nth(i).expect("one entry per population");
    let path = format!("populations.{}", model.populations[i].name);
    let mut t = entry.table(&path, "a table")?;
    let kind = model.populations[i].kind;
    if let Some(e) = t.get("poisson_input") {
        let key = t.key_path("poisson_input");
        let items: Vec<(Item, Option<std::ops::Range<usize>>)> = match e.item {
            Item::ArrayOfTables(a) => a.iter().map(|t| (Item::Table(t.clone()), t.span())).collect(),
            Item::Value(Value::Array(_)) => e.array(&key, "an array of tables")?,
            _ => vec![(e.item.clone(), e.span.clone())],
        };
        for (j, (item, span)) in items.iter().enumerate() {
            let el = Entry { item, span: span.clone(), src: e.src };
            let k = if items.len() > 1 { format!("{key}[{j}]") } else { key.clone() };
            let mut pt = el.table(&k, "a table { rate = ..., weight = ..., receptor = ... }")?;
            if !kind.accepts_input {
                return Err(el.error(&k, format!("neuron model \"{}\" takes no input", kind.name)));
            }
            let rk = pt.key_path("rate");
            let rate = pt.require("rate", "a rate such as \"2.4 kHz\"")?.quantity(&rk, Dim::FREQUENCY)?;
            if rate < 0.0 {
                return Err(pt.error("expected a rate ≥ 0"));
            }
            let wk = pt.key_path("weight");
            let we = pt.require("weight", "the weight of one input spike")?;
            let (weight, weight_dim) =
                read_weight(kind, &model.populations[i].params, |dims| we.quantity_of(&wk, dims))?;
            let receptor = read_receptor(&mut pt, kind, weight, weight_dim)?;
            pt.finish()?;
            model.populations[i].poisson_inputs.push(PoissonInput { rate, weight, weight_dim, receptor });
        }
    }
    if let Some(e) = t.get("step_current") {
        let key = t.key_path("step_current");
        if !kind.accepts_input {
            return Err(e.error(&key, format!("neuron model \"{}\" takes no input current", kind.name)));
        }
        let mut st = e.table(&key, "a table { times = [...], amplitudes = [...] }")?;
        let list = |st: &mut TableReader<'_>, k: &'static str, dim: Dim| -> Result<Vec<f64>> {
            let key = st.key_path(k);
            let e = st.require(k, &format!("an array of {}s", dim.describe()))?;
            e.array(&key, "an array")?
                .iter()
                .enumerate()
                .map(|(i, (item, span))| {
                    Entry { item, span: span.clone(), src: e.src }.quantity(&format!("{key}[{i}]"), dim)
                })
                .collect()
        };
        let times = list(&mut st, "times", Dim::TIME)?;
        let amplitudes = list(&mut st, "amplitudes", Dim::CURRENT)?;
        if times.len() != amplitudes.len() {
            return Err(st.error(format!(
                "times and amplitudes must have the same length, found {} and {}",
                times.len(),
                amplitudes.len()
            )));
        }
        if times.windows(2).any(|w| w[1] <= w[0]) {
            return Err(st.error("times must be strictly increasing"));
        }
        st.finish()?;
        model.populations[i].step_current = Some(StepCurrent { times, amplitudes });
    }
    Ok(())
}
