//! Reading a `[projections.NAME]` table: the rule and its parameters, weights and
//! receptors, delays, synapse files, plasticity.

use std::path::Path;

use crate::dist::Dist;
use crate::error::closest;
use crate::model::*;
use crate::parse::RULES;
use crate::reader::{Result, TableReader};
use crate::spec::{KindSpec, Params, Registry};
use crate::units::Dim;

pub(crate) fn read_receptor(t: &mut TableReader<'_>, kind: &KindSpec, weight_mean: f64, dim: Dim) -> Result<usize> {
    let key = t.key_path("receptor");
    match t.get("receptor") {
        Some(e) => {
            let r = e.as_str(&key, &format!("one of {}", kind.receptors.join(", ")))?;
            kind.receptors.iter().position(|x| *x == r).ok_or_else(|| {
                let err = e.error(
                    &key,
                    format!(
                        "unknown receptor \"{r}\" of \"{}\", expected one of {}",
                        kind.name,
                        kind.receptors.join(", ")
                    ),
                );
                match closest(r, kind.receptors.iter().copied()) {
                    Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
                    None => err,
                }
            })
        }
        None if kind.receptors.len() == 1 => Ok(0),
        None if dim == Dim::CONDUCTANCE => Err(t.missing(
            &["receptor"],
            format!("missing key `receptor`: conductance weights need one of {}", kind.receptors.join(", ")),
        )),
        // Current-based synapses: the sign of the weight says which port, as in NEST.
        None => {
            let want = if weight_mean < 0.0 { "inh" } else { "exc" };
            Ok(kind.receptors.iter().position(|x| *x == want).unwrap_or(0))
        }
    }
}

pub(crate) fn population_ref(t: &mut TableReader<'_>, key: &'static str, model: &Model) -> Result<usize> {
    let k = t.key_path(key);
    let e = t.require(key, "a population name")?;
    let name = e.as_str(&k, "a population name")?;
    model.population_index(name).ok_or_else(|| {
        let names: Vec<&str> = model.populations.iter().map(|p| p.name.as_str()).collect();
        let err = e.error(&k, format!("unknown population \"{name}\", expected one of {}", names.join(", ")));
        match closest(name, names.iter().copied()) {
            Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
            None => err,
        }
    })
}

pub(crate) fn read_projection(
    t: &mut TableReader<'_>,
    name: &str,
    model: &Model,
    registry: &dyn Registry,
) -> Result<Projection> {
    let source = population_ref(t, "source", model)?;
    let target = population_ref(t, "target", model)?;
    let tgt = &model.populations[target];
    if tgt.kind.receptors.is_empty() {
        return Err(t.error(format!(
            "population \"{}\" is a generator (\"{}\") and cannot receive synapses",
            tgt.name, tgt.kind.name
        )));
    }
    let rule_key = t.key_path("rule");
    let rule_entry = t.require("rule", "a connectivity rule")?;
    let rule_name = rule_entry.as_str(&rule_key, "the name of a connectivity rule")?;
    let flag = |t: &mut TableReader<'_>, k: &'static str, default: bool| -> Result<bool> {
        let key = t.key_path(k);
        t.get(k).map_or(Ok(default), |e| e.boolean(&key))
    };
    let degree = |t: &mut TableReader<'_>, k: &'static str, what: &str| -> Result<u64> {
        let key = t.key_path(k);
        t.require(k, what)?.count(&key, what)
    };
    // `from_file` reads its synapses once the weight and delay units are known (below).
    let drawn = if rule_name == "from_file" {
        None
    } else {
        Some(match rule_name {
            "all_to_all" => Rule::AllToAll { autapses: flag(t, "autapses", true)? },
            "one_to_one" => {
                if model.populations[source].size != tgt.size {
                    return Err(rule_entry.error(
                        &rule_key,
                        format!(
                            "one_to_one needs populations of the same size, found {} and {}",
                            model.populations[source].size, tgt.size
                        ),
                    ));
                }
                Rule::OneToOne
            }
            "fixed_probability" => {
                let pk = t.key_path("p");
                let pe = t.require("p", "the connection probability")?;
                let p = pe.number(&pk)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(pe.error(&pk, format!("expected a probability between 0 and 1, found {p}")));
                }
                Rule::FixedProbability { p, autapses: flag(t, "autapses", true)? }
            }
            "fixed_indegree" => Rule::FixedIndegree {
                k: degree(t, "indegree", "the number of sources per target")?,
                autapses: flag(t, "autapses", true)?,
                multapses: flag(t, "multapses", true)?,
            },
            "fixed_outdegree" => Rule::FixedOutdegree {
                k: degree(t, "outdegree", "the number of targets per source")?,
                autapses: flag(t, "autapses", true)?,
                multapses: flag(t, "multapses", true)?,
            },
            "fixed_total_number" => Rule::FixedTotalNumber {
                n: degree(t, "n", "the number of synapses")?,
                autapses: flag(t, "autapses", true)?,
                multapses: flag(t, "multapses", true)?,
            },
            other => {
                let err = rule_entry.error(
                    &rule_key,
                    format!("unknown connectivity rule \"{other}\", expected one of {}", RULES.join(", ")),
                );
                return Err(match closest(other, RULES) {
                    Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
                    None => err,
                });
            }
        })
    };
    if let Some(rule) = &drawn {
        check_rule_feasible(t, rule, model.populations[source].size as u64, tgt.size as u64, source == target)?;
    }

    let wk = t.key_path("weight");
    let we = t.require("weight", "the synaptic weight")?;
    let (weight, weight_dim) = read_weight(tgt.kind, &tgt.params, |dims| we.dist(&wk, dims))?;
    if weight_dim == Dim::CONDUCTANCE && weight.bounds().0 < 0.0 {
        return Err(we.error(&wk, "conductance weights must be ≥ 0; use receptor = \"inh\" for inhibition"));
    }
    let dk = t.key_path("delay");
    let delay = match t.get("delay") {
        Some(e) => {
            let (d, _) = e.dist(&dk, &[Dim::TIME])?;
            // Normal and log-normal delays are clipped to one step when drawn; their
            // centre (or a truncated normal's lower bound) must still be a valid delay.
            let low = match d {
                Dist::Const(v) => v,
                Dist::Uniform { low, .. } => low,
                Dist::Normal { mean, .. } => mean,
                Dist::TruncatedNormal { mean, low, .. } => {
                    if low.is_finite() {
                        low
                    } else {
                        mean
                    }
                }
                Dist::LogNormal { median, .. } => median,
            };
            // Delays are whole steps; allow for rounding of values written as multiples of dt.
            if low < model.dt * (1.0 - 1e-9) {
                return Err(e.error(
                    &dk,
                    format!(
                        "delay {} is shorter than the time step dt = {}: a spike needs at least one step to arrive",
                        fmt_ms(low),
                        fmt_ms(model.dt)
                    ),
                ));
            }
            if d.bounds().1.is_finite() && d.bounds().1 / model.dt > u16::MAX as f64 {
                return Err(e.error(&dk, format!("delay is longer than {} steps", u16::MAX)));
            }
            d
        }
        None => Dist::Const(model.dt),
    };
    let rule = match drawn {
        Some(rule) => rule,
        None => Rule::FromFile(std::sync::Arc::new(read_synapse_file(
            t,
            model,
            (source, target),
            &weight,
            weight_dim,
            &delay,
        )?)),
    };
    let receptor = read_receptor(t, tgt.kind, weight.mean(), weight_dim)?;
    let plasticity = match t.get("plasticity") {
        Some(e) => Some(crate::plasticity::read_plasticity(
            &e,
            &t.key_path("plasticity"),
            &weight,
            weight_dim,
            registry,
            model,
        )?),
        None => None,
    };
    let short_term = match t.get("short_term") {
        Some(e) => {
            Some(crate::plasticity::read_short_term(&e, &t.key_path("short_term"), plasticity.as_ref(), registry)?)
        }
        None => None,
    };
    let structural = match t.get("structural") {
        // Rewiring rebuilds the synapse table; the per-synapse eligibility of
        // reward-modulated STDP is not carried across it.
        Some(e) if plasticity.as_ref().is_some_and(|p| p.spec.name == "stdp_dopamine") => {
            return Err(e.error(
                &t.key_path("structural"),
                "structural plasticity cannot be combined with the stdp_dopamine rule",
            ));
        }
        Some(e) => Some(crate::structural::read_structural(
            &e,
            &t.key_path("structural"),
            &rule,
            model.populations[source].size,
            &weight,
            weight_dim,
            model.dt,
        )?),
        None => None,
    };
    Ok(Projection {
        name: name.to_string(),
        source,
        target,
        rule,
        weight,
        weight_dim,
        delay,
        receptor,
        plasticity,
        short_term,
        structural,
    })
}

/// The synapses of a `from_file` projection: `file` (relative to the model file) read
/// with `weight` and `delay` as the units of its numbers; errors point at `file`.
fn read_synapse_file(
    t: &mut TableReader<'_>,
    model: &Model,
    (source, target): (usize, usize),
    weight: &Dist,
    weight_dim: Dim,
    delay: &Dist,
) -> Result<crate::synapse_file::SynapseFile> {
    let fk = t.key_path("file");
    let fe = t.require("file", "a .npy weight matrix or a .npz archive of synapses")?;
    let file = fe.as_str(&fk, "the path of a .npy or .npz file")?;
    let (&Dist::Const(weight_unit), &Dist::Const(delay_unit)) = (weight, delay) else {
        return Err(t.error("from_file needs a fixed `weight` and `delay`: the units of the file's numbers"));
    };
    let base = Path::new(&fe.src.name).parent().unwrap_or(Path::new(""));
    let (n_src, n_tgt) = (model.populations[source].size, model.populations[target].size);
    let syn = crate::synapse_file::read(&base.join(file), file, n_src, n_tgt, weight_unit, delay_unit)
        .map_err(|m| fe.error(&fk, m))?;
    if weight_dim == Dim::CONDUCTANCE {
        if let Some(k) = syn.weights.iter().position(|&w| w < 0.0) {
            return Err(fe.error(&fk, format!("{file}: weight {k} is negative; conductance weights must be ≥ 0")));
        }
    }
    if let Some(d) = &syn.delays {
        if let Some(k) = d.iter().position(|&x| x < model.dt * (1.0 - 1e-9) || x / model.dt > u16::MAX as f64) {
            return Err(fe.error(
                &fk,
                format!(
                    "{file}: delays[{k}] is {}, expected a delay between dt = {} and {} steps",
                    fmt_ms(d[k]),
                    fmt_ms(model.dt),
                    u16::MAX
                ),
            ));
        }
    }
    Ok(syn)
}

/// Reads a weight onto a population of `kind` with parameters `params` by `read(dims)`,
/// `dims` being the dimensions the model accepts. A weight of a dimension the model
/// refuses only because of these parameters (a current onto a `lif` whose `tau_m`
/// varies per neuron) gets the model's reason appended to the error.
pub(crate) fn read_weight<T>(kind: &KindSpec, params: &Params, read: impl Fn(&[Dim]) -> Result<T>) -> Result<T> {
    let dims = (kind.weight_dims)(params);
    read(dims).map_err(|mut err| {
        let reason = [Dim::VOLTAGE, Dim::CURRENT, Dim::CONDUCTANCE]
            .into_iter()
            .filter(|d| !dims.contains(d))
            .find_map(|d| (kind.weight_refusal)(params, d).filter(|_| read(&[d]).is_ok()));
        if let Some(reason) = reason {
            err.message = format!("{}: {reason}", err.message);
        }
        err
    })
}

pub(crate) fn fmt_ms(seconds: f64) -> String {
    format!("{} ms", (seconds * 1e3 * 1e6).round() / 1e6)
}

fn check_rule_feasible(t: &TableReader<'_>, rule: &Rule, n_src: u64, n_tgt: u64, same: bool) -> Result<()> {
    let self_only = |autapses: bool, n: u64| if same && !autapses { n - 1 } else { n };
    if let Rule::FixedIndegree { k, autapses, multapses: true } = *rule {
        if k > 0 && self_only(autapses, n_src) == 0 {
            return Err(t.error(format!("indegree = {k} but there is no source to draw from without autapses")));
        }
    }
    if let Rule::FixedOutdegree { k, autapses, multapses: true } = *rule {
        if k > 0 && self_only(autapses, n_tgt) == 0 {
            return Err(t.error(format!("outdegree = {k} but there is no target to draw from without autapses")));
        }
    }
    if let Rule::FixedTotalNumber { n, autapses: false, multapses: true } = *rule {
        if n > 0 && same && n_src == 1 {
            return Err(t.error(format!("n = {n} but the only pair is an autapse, which is excluded")));
        }
    }
    let (k, pool, what) = match *rule {
        Rule::FixedIndegree { k, autapses, multapses: false } => (k, n_src - u64::from(same && !autapses), "indegree"),
        Rule::FixedOutdegree { k, autapses, multapses: false } => {
            (k, n_tgt - u64::from(same && !autapses), "outdegree")
        }
        Rule::FixedTotalNumber { n, autapses, multapses: false } => {
            (n, n_src * n_tgt - if same && !autapses { n_src } else { 0 }, "n")
        }
        _ => return Ok(()),
    };
    if k > pool {
        return Err(t.error(format!("{what} = {k} is more than the {pool} distinct pairs available without multapses")));
    }
    Ok(())
}
