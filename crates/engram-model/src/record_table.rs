//! Reading the `[record]` table: spikes, state, rates, weights and connectivity.

use toml_edit::Item;

use crate::error::closest;
use crate::model::*;
use crate::parse::read_ids;
use crate::projection::population_ref;
use crate::reader::{Entry, Result};
use crate::units::Dim;

pub(crate) fn read_record(entry: Option<Entry<'_>>, model: &Model) -> Result<Record> {
    let all = |model: &Model| -> Vec<SpikeRecord> {
        (0..model.populations.len()).map(|population| SpikeRecord { population, ids: None }).collect()
    };
    let Some(entry) = entry else {
        return Ok(Record {
            spikes: all(model),
            state: Vec::new(),
            rate_bin: 1e-3,
            rates_from: 0.0,
            weights: Vec::new(),
            connectivity: Vec::new(),
        });
    };
    let mut t = entry.table("record", "a [record] table")?;
    let spikes = match t.get("spikes") {
        None => all(model),
        Some(e) => {
            let st = e.table("record.spikes", "a table mapping population names to \"all\" or a list of indices")?;
            let mut out = Vec::new();
            for (name, pe, span) in st.entries() {
                let key = format!("record.spikes.{name}");
                let population = model
                    .population_index(&name)
                    .ok_or_else(|| e.src.error(span.clone(), &key, format!("unknown population \"{name}\"")))?;
                let ids = if pe.item.as_str() == Some("all") {
                    None
                } else {
                    Some(
                        read_ids(&pe, &key, model.populations[population].size as u64)?
                            .into_iter()
                            .map(|i| i as u32)
                            .collect(),
                    )
                };
                out.push(SpikeRecord { population, ids });
            }
            out
        }
    };
    let rate_bin = match t.get("rate_bin") {
        Some(e) => e.quantity("record.rate_bin", Dim::TIME)?.max(model.dt),
        None => 1e-3,
    };
    let rates_from = match t.get("rates_from") {
        Some(e) => {
            let from = e.quantity("record.rates_from", Dim::TIME)?;
            if !(0.0..model.duration).contains(&from) {
                let msg = format!("expected a time ≥ 0 and before the end of the run ({} s)", model.duration);
                return Err(e.error("record.rates_from", msg));
            }
            from
        }
        None => 0.0,
    };
    let mut state = Vec::new();
    if let Some(e) = t.get("state") {
        let items: Vec<(Item, Option<std::ops::Range<usize>>)> = match e.item {
            Item::ArrayOfTables(a) => a.iter().map(|t| (Item::Table(t.clone()), t.span())).collect(),
            _ => e.array("record.state", "an array of tables ([[record.state]])")?,
        };
        for (j, (item, span)) in items.iter().enumerate() {
            let key = format!("record.state[{j}]");
            let el = Entry { item, span: span.clone(), src: e.src };
            let mut st = el.table(&key, "a table { population, vars, ids, every }")?;
            let population = population_ref(&mut st, "population", model)?;
            let pop = &model.populations[population];
            let vk = st.key_path("vars");
            let ve = st.require("vars", "an array of state variable names")?;
            let mut vars = Vec::new();
            for (i, (item, span)) in ve.array(&vk, "an array of state variable names")?.iter().enumerate() {
                let el = Entry { item, span: span.clone(), src: e.src };
                let k = format!("{vk}[{i}]");
                let v = el.as_str(&k, "a state variable name")?;
                if !pop.kind.state.iter().any(|s| s.name == v) {
                    let known: Vec<&str> = pop.kind.state.iter().map(|s| s.name).collect();
                    let err = el.error(
                        &k,
                        format!("`{v}` is not a state variable of \"{}\" (it has {})", pop.kind.name, known.join(", ")),
                    );
                    return Err(match closest(v, known.iter().copied()) {
                        Some(c) => err.with_help(format!("did you mean `{c}`?")),
                        None => err,
                    });
                }
                vars.push(v.to_string());
            }
            let ik = st.key_path("ids");
            let ids = match st.get("ids") {
                Some(ie) => read_ids(&ie, &ik, pop.size as u64)?.into_iter().map(|i| i as u32).collect(),
                None => vec![0],
            };
            let every = match st.get("every") {
                Some(ee) => ((ee.quantity(&st.key_path("every"), Dim::TIME)? / model.dt).round() as u32).max(1),
                None => 1,
            };
            st.finish()?;
            for v in &vars {
                let twice = vars.iter().filter(|x| *x == v).count() > 1
                    || state.iter().any(|r: &StateRecord| r.population == population && r.vars.contains(v));
                if twice {
                    return Err(el.error(
                        &key,
                        format!(
                            "`{v}` of population \"{}\" is recorded twice; record it once, with all its ids",
                            pop.name
                        ),
                    ));
                }
            }
            state.push(StateRecord { population, vars, ids, every });
        }
    }
    let weights = match t.get("weights") {
        Some(e) => crate::synapse_record::read_weight_records(&e, model)?,
        None => Vec::new(),
    };
    let connectivity = match t.get("connectivity") {
        Some(e) => crate::synapse_record::read_connectivity_records(&e, model)?,
        None => Vec::new(),
    };
    t.finish()?;
    Ok(Record { spikes, state, rate_bin, rates_from, weights, connectivity })
}
