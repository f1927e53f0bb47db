//! Reading the monitors of synapses: `[[record.weights]]` (weights of a plastic
//! projection over the run) and `[[record.connectivity]]` (a projection's synapse table).
//!
//! ```toml
//! [[record.weights]]
//! projection = "input"
//! times = ["10 s", "50 s"]        # snapshots of every weight (the end of the run is added)
//! snapshot_every = "100 ms"       # and a snapshot every 100 ms from t = 0
//! synapses = [[0, 0], [999, 0]]   # (source, target) pairs whose weights are traced
//! # sample = 50                   # or: 50 existing synapses drawn from the run's seed
//! every = "100 ms"                # sampling interval of the traces
//!
//! [[record.connectivity]]
//! projection = "exc_exc"          # connectivity_exc_exc.npz: sources, targets, weights, delays
//! ```
//!
//! Whether a listed pair exists is known only once the connectivity is drawn; each pair
//! keeps its [`Place`] so that `engram check` and the build report a missing one at the
//! pair, with file, line and column.

use std::ops::Range;

use toml_edit::{Item, Value};

use crate::error::{closest, Place};
use crate::model::{Model, WeightRecord};
use crate::reader::{Entry, Result, TableReader};
use crate::units::Dim;

/// The tables of an array of tables (`[[record.X]]`, or `X = [{...}, ...]`) at `key`.
fn tables(e: &Entry<'_>, key: &str) -> Result<Vec<(Item, Option<Range<usize>>)>> {
    match e.item {
        Item::ArrayOfTables(a) => Ok(a.iter().map(|t| (Item::Table(t.clone()), t.span())).collect()),
        _ => e.array(key, &format!("an array of tables ([[{key}]])")),
    }
}

/// The index of the projection named by `t`'s key `projection`.
fn projection_ref(t: &mut TableReader<'_>, model: &Model) -> Result<usize> {
    let pk = t.key_path("projection");
    let pe = t.require("projection", "a projection name")?;
    let name = pe.as_str(&pk, "a projection name")?;
    model.projections.iter().position(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = model.projections.iter().map(|p| p.name.as_str()).collect();
        let err = pe.error(&pk, format!("unknown projection \"{name}\", expected one of {}", names.join(", ")));
        match closest(name, names.iter().copied()) {
            Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
            None => err,
        }
    })
}

/// Reads `[[record.weights]]`.
pub(crate) fn read_weight_records(e: &Entry<'_>, model: &Model) -> Result<Vec<WeightRecord>> {
    let mut out = Vec::new();
    for (j, (item, span)) in tables(e, "record.weights")?.iter().enumerate() {
        let key = format!("record.weights[{j}]");
        let el = Entry { item, span: span.clone(), src: e.src };
        let mut t = el.table(&key, "a table { projection, times, snapshot_every, synapses, sample, every }")?;
        let projection = projection_ref(&mut t, model)?;
        let pe = t.get("projection").expect("read by projection_ref");
        let pk = t.key_path("projection");
        let proj = &model.projections[projection];
        let name = &proj.name;
        if proj.plasticity.is_none() {
            return Err(pe.error(&pk, format!("projection \"{name}\" has no plasticity: its weights never change")));
        }
        if proj.structural.is_some() {
            return Err(pe.error(
                &pk,
                format!(
                    "projection \"{name}\" is structural: its synapses change, so its weights cannot be recorded \
                     as fixed columns (summary.json's `structural` shows its synapse count)"
                ),
            ));
        }
        if out.iter().any(|r: &WeightRecord| r.projection == projection) {
            return Err(pe.error(&pk, format!("projection \"{name}\" is recorded twice; record it once")));
        }
        let mut times = Vec::new();
        if let Some(te) = t.get("times") {
            let tk = t.key_path("times");
            for (i, (item, span)) in te.array(&tk, "an array of times")?.iter().enumerate() {
                let x = Entry { item, span: span.clone(), src: e.src };
                let k = format!("{tk}[{i}]");
                let time = x.quantity(&k, Dim::TIME)?;
                // Times after the end are allowed (never reached), so `--duration` can
                // shorten a run without editing its monitors.
                if time < 0.0 {
                    return Err(x.error(&k, "expected a time ≥ 0"));
                }
                times.push(time);
            }
            if times.windows(2).any(|w| w[1] <= w[0]) {
                return Err(te.error(&tk, "times must be strictly increasing"));
            }
        }
        let snapshot_every = interval(&mut t, "snapshot_every", model.dt)?;
        let (synapses, synapse_places) = match t.get("synapses") {
            Some(se) => read_pairs(&se, &t.key_path("synapses"), model, projection)?,
            None => (Vec::new(), Vec::new()),
        };
        let sample = match t.get("sample") {
            Some(se) => {
                let k = t.key_path("sample");
                if !synapses.is_empty() {
                    return Err(se.error(
                        &k,
                        "give `synapses` (pairs you know) or `sample` (synapses drawn from the connectivity), not both",
                    ));
                }
                match se.count(&k, "a number of synapses")? {
                    0 => return Err(se.error(&k, "expected a number of synapses ≥ 1")),
                    n => n as usize,
                }
            }
            None => 0,
        };
        let every = interval(&mut t, "every", model.dt)?.unwrap_or(1e-3_f64.max(model.dt));
        t.finish()?;
        out.push(WeightRecord { projection, times, snapshot_every, synapses, synapse_places, sample, every });
    }
    Ok(out)
}

/// A positive time at `key` of `t`, no shorter than `dt`.
fn interval(t: &mut TableReader<'_>, key: &'static str, dt: f64) -> Result<Option<f64>> {
    let Some(e) = t.get(key) else { return Ok(None) };
    let k = t.key_path(key);
    let v = e.quantity(&k, Dim::TIME)?;
    if v <= 0.0 {
        return Err(e.error(&k, "expected a positive interval"));
    }
    Ok(Some(v.max(dt)))
}

/// (source, target) pairs, and where each is written.
type Pairs = (Vec<(u32, u32)>, Vec<Place>);

/// The `[source, target]` pairs of `synapses` of a weight monitor of `projection`, each
/// with its place.
fn read_pairs(se: &Entry<'_>, sk: &str, model: &Model, projection: usize) -> Result<Pairs> {
    let proj = &model.projections[projection];
    let (n_src, n_tgt) = (model.populations[proj.source].size, model.populations[proj.target].size);
    let (mut pairs, mut places) = (Vec::new(), Vec::new());
    for (i, (item, span)) in se.array(sk, "an array of [source, target] pairs")?.iter().enumerate() {
        let x = Entry { item, span: span.clone(), src: se.src };
        let k = format!("{sk}[{i}]");
        let pair = match item {
            Item::Value(Value::Array(a)) if a.len() == 2 => (a.get(0), a.get(1)),
            _ => return Err(x.error(&k, "expected a [source, target] pair of neuron indices")),
        };
        let idx = |v: Option<&Value>, n: usize, what: &str| -> Result<u32> {
            match v.and_then(Value::as_integer) {
                Some(i) if i >= 0 && (i as usize) < n => Ok(i as u32),
                Some(i) => {
                    Err(x.error(&k, format!("{what} index {i} is out of range: the population has {n} neurons")))
                }
                None => Err(x.error(&k, "expected a [source, target] pair of neuron indices")),
            }
        };
        pairs.push((idx(pair.0, n_src, "source")?, idx(pair.1, n_tgt, "target")?));
        places.push(Place::new(se.src, span.clone(), k));
    }
    Ok((pairs, places))
}

/// Reads `[[record.connectivity]]`: the projections whose synapse tables are written.
pub(crate) fn read_connectivity_records(e: &Entry<'_>, model: &Model) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for (j, (item, span)) in tables(e, "record.connectivity")?.iter().enumerate() {
        let key = format!("record.connectivity[{j}]");
        let el = Entry { item, span: span.clone(), src: e.src };
        let mut t = el.table(&key, "a table { projection }")?;
        let projection = projection_ref(&mut t, model)?;
        if out.contains(&projection) {
            let pe = t.get("projection").expect("read by projection_ref");
            let name = &model.projections[projection].name;
            return Err(pe.error(&t.key_path("projection"), format!("projection \"{name}\" is recorded twice")));
        }
        t.finish()?;
        out.push(projection);
    }
    Ok(out)
}
