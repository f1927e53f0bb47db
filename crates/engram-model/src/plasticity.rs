//! Reading a projection's `plasticity` table and the `[[record.weights]]` monitors.
//!
//! ```toml
//! [projections.input]
//! # ... source, target, rule, weight ...
//! plasticity = { rule = "stdp_pair", tau_plus = "20 ms", A_plus = 0.01, w_max = "10 nS" }
//! short_term = { rule = "stp_tsodyks_markram", U = 0.5 }   # optional, beside `plasticity`
//!
//! [[record.weights]]
//! projection = "input"
//! times = ["10 s", "50 s"]        # snapshots of every weight (the end of the run is added)
//! synapses = [[0, 0], [999, 0]]   # (source, target) pairs whose weights are traced
//! every = "100 ms"                # sampling interval of the traces
//! ```

use toml_edit::{Item, Value};

use crate::dist::Dist;
use crate::error::closest;
use crate::model::{Model, Plasticity, WeightRecord};
use crate::parse::{population_ref, read_params};
use crate::reader::{Entry, Result};
use crate::spec::{ParamKind, ParamValue, Registry};
use crate::units::Dim;

/// Reads `plasticity = { rule = "...", ... }` of a projection of `model` whose weights
/// are `weight` of dimension `weight_dim`.
pub(crate) fn read_plasticity(
    e: &Entry<'_>,
    key: &str,
    weight: &Dist,
    weight_dim: Dim,
    registry: &dyn Registry,
    model: &Model,
) -> Result<Plasticity> {
    let mut t = e.table(key, "a table such as { rule = \"stdp_pair\", ... }")?;
    let names = registry.plasticity_names();
    let rk = t.key_path("rule");
    let re = t.require("rule", &format!("the plasticity rule, one of {}", names.join(", ")))?;
    let name = re.as_str(&rk, "the name of a plasticity rule")?;
    let spec = registry.plasticity(name).ok_or_else(|| {
        let err = re.error(&rk, format!("unknown plasticity rule \"{name}\", expected one of {}", names.join(", ")));
        match closest(name, names.iter().copied()) {
            Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
            None => err,
        }
    })?;
    let mut params = read_params(&mut t, spec.params, 0, None)?;
    for p in spec.params.iter().filter(|p| matches!(p.kind, ParamKind::Population)) {
        if t.get(p.name).is_some() {
            params.insert(p.name, ParamValue::Population(population_ref(&mut t, p.name, model)?));
        }
    }
    for wp in spec.weight_params {
        let k = t.key_path(wp.name);
        let value = match t.get(wp.name) {
            Some(we) => we.quantity(&k, weight_dim)?,
            None if wp.required => {
                return Err(t.missing(
                    &[wp.name],
                    format!(
                        "missing key `{}` ({}, {} like the projection's weights)",
                        wp.name,
                        wp.doc,
                        weight_dim.describe()
                    ),
                ))
            }
            None => 0.0,
        };
        params.insert(wp.name, ParamValue::Scalar(value));
    }
    if let Err((k, msg)) = (spec.check)(&params) {
        let path = t.key_path(k);
        return Err(match t.get(k) {
            Some(e) => e.error(&path, msg),
            None => t.error(format!("{k} (default): {msg}")),
        });
    }
    // Rules with weight bounds: the initial weights must lie inside them.
    if let (Some(lo), Some(hi)) = (params.get("w_min"), params.get("w_max")) {
        let (a, b) = weight.bounds();
        let inside = |x: f64| x >= lo - 1e-12 * hi.abs() && x <= hi + 1e-12 * hi.abs();
        let checkable = matches!(weight, Dist::Const(_) | Dist::Uniform { .. });
        if checkable && !(inside(a) && inside(b)) {
            return Err(t.error(format!(
                "the projection's initial weights ({}) must lie within [w_min, w_max] = [{}, {}] (SI units)",
                match weight {
                    Dist::Const(v) => short(*v),
                    _ => format!("{} to {}", short(a), short(b)),
                },
                short(lo),
                short(hi)
            )));
        }
    }
    t.finish()?;
    Ok(Plasticity { spec, params })
}

/// Reads `short_term = { rule = "...", ... }` of a projection whose long-term rule is
/// `long_term`: a short-term rule, which scales what a spike transmits while the
/// long-term rule changes the stored weight.
pub(crate) fn read_short_term(
    e: &Entry<'_>,
    key: &str,
    long_term: Option<&Plasticity>,
    registry: &dyn Registry,
) -> Result<Plasticity> {
    let mut t = e.table(key, "a table such as { rule = \"stp_tsodyks_markram\", U = 0.5 }")?;
    let names = registry.short_term_names();
    let rk = t.key_path("rule");
    let re = t.require("rule", &format!("the short-term plasticity rule, one of {}", names.join(", ")))?;
    let name = re.as_str(&rk, "the name of a short-term plasticity rule")?;
    let spec = match registry.plasticity(name) {
        Some(spec) if names.contains(&name) => spec,
        _ => {
            let err =
                re.error(&rk, format!("unknown short-term rule \"{name}\", expected one of {}", names.join(", ")));
            return Err(match closest(name, names.iter().copied()) {
                Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
                None => err,
            });
        }
    };
    if let Some(lt) = long_term.filter(|lt| names.contains(&lt.spec.name)) {
        return Err(e.error(
            key,
            format!(
                "`plasticity` is already the short-term rule \"{}\"; `short_term` goes beside a long-term rule",
                lt.spec.name
            ),
        ));
    }
    let params = read_params(&mut t, spec.params, 0, None)?;
    if let Err((k, msg)) = (spec.check)(&params) {
        let path = t.key_path(k);
        return Err(match t.get(k) {
            Some(e) => e.error(&path, msg),
            None => t.error(format!("{k} (default): {msg}")),
        });
    }
    t.finish()?;
    Ok(Plasticity { spec, params })
}

/// `3e-9` rather than `3.0000000000000004e-9`: six significant digits, trailing zeros dropped.
fn short(v: f64) -> String {
    let s = format!("{v:.5e}");
    let (mantissa, exp) = s.split_once('e').expect("{:e} has an exponent");
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    if exp == "0" {
        mantissa.to_string()
    } else {
        format!("{mantissa}e{exp}")
    }
}

/// Reads `[[record.weights]]`.
pub(crate) fn read_weight_records(e: &Entry<'_>, model: &Model) -> Result<Vec<WeightRecord>> {
    let items: Vec<(Item, Option<std::ops::Range<usize>>)> = match e.item {
        Item::ArrayOfTables(a) => a.iter().map(|t| (Item::Table(t.clone()), t.span())).collect(),
        _ => e.array("record.weights", "an array of tables ([[record.weights]])")?,
    };
    let mut out = Vec::new();
    for (j, (item, span)) in items.iter().enumerate() {
        let key = format!("record.weights[{j}]");
        let el = Entry { item, span: span.clone(), src: e.src };
        let mut t = el.table(&key, "a table { projection, times, synapses, every }")?;
        let pk = t.key_path("projection");
        let pe = t.require("projection", "a projection name")?;
        let name = pe.as_str(&pk, "a projection name")?;
        let Some(projection) = model.projections.iter().position(|p| p.name == name) else {
            let names: Vec<&str> = model.projections.iter().map(|p| p.name.as_str()).collect();
            let err = pe.error(&pk, format!("unknown projection \"{name}\", expected one of {}", names.join(", ")));
            return Err(match closest(name, names.iter().copied()) {
                Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
                None => err,
            });
        };
        let proj = &model.projections[projection];
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
        let mut synapses = Vec::new();
        if let Some(se) = t.get("synapses") {
            let sk = t.key_path("synapses");
            let (n_src, n_tgt) = (model.populations[proj.source].size, model.populations[proj.target].size);
            for (i, (item, span)) in se.array(&sk, "an array of [source, target] pairs")?.iter().enumerate() {
                let x = Entry { item, span: span.clone(), src: e.src };
                let k = format!("{sk}[{i}]");
                let pair = match item {
                    Item::Value(Value::Array(a)) if a.len() == 2 => (a.get(0), a.get(1)),
                    _ => return Err(x.error(&k, "expected a [source, target] pair of neuron indices")),
                };
                let idx = |v: Option<&Value>, n: usize, what: &str| -> Result<u32> {
                    match v.and_then(Value::as_integer) {
                        Some(i) if i >= 0 && (i as usize) < n => Ok(i as u32),
                        Some(i) => {
                            Err(x
                                .error(&k, format!("{what} index {i} is out of range: the population has {n} neurons")))
                        }
                        None => Err(x.error(&k, "expected a [source, target] pair of neuron indices")),
                    }
                };
                synapses.push((idx(pair.0, n_src, "source")?, idx(pair.1, n_tgt, "target")?));
            }
        }
        let every = match t.get("every") {
            Some(ee) => {
                let v = ee.quantity(&t.key_path("every"), Dim::TIME)?;
                if v <= 0.0 {
                    return Err(ee.error(&t.key_path("every"), "expected a positive interval"));
                }
                v.max(model.dt)
            }
            None => 1e-3_f64.max(model.dt),
        };
        t.finish()?;
        out.push(WeightRecord { projection, times, synapses, every });
    }
    Ok(out)
}
