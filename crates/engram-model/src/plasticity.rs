//! Reading a projection's `plasticity` and `short_term` tables.
//!
//! ```toml
//! [projections.input]
//! # ... source, target, rule, weight ...
//! plasticity = { rule = "stdp_pair", tau_plus = "20 ms", A_plus = 0.01, w_max = "10 nS" }
//! short_term = { rule = "stp_tsodyks_markram", U = 0.5 }   # optional, beside `plasticity`
//! ```
//!
//! Their weights are recorded by `[[record.weights]]` (`synapse_record.rs`).

use crate::dist::Dist;
use crate::error::closest;
use crate::model::{Model, Plasticity};
use crate::parse::read_params;
use crate::projection::population_ref;
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
