//! Reading a projection's `structural` table: periodic pruning and regrowth of synapses.
//!
//! ```toml
//! [projections.input]
//! # ... source, target, rule, weight, plasticity ...
//! structural = { interval = "1 s", prune_below = "0.01 nS", prune_fraction = 0.05,
//!                regrow = "hebbian", in_degree = [20, 80], new_weight = "0.02 nS" }
//! ```
//!
//! The algorithm and its references are in `docs/plasticity.md`; the engine side is
//! `engram_sim::structural`.

use crate::dist::Dist;
use crate::error::closest;
use crate::model::Rule;
use crate::reader::{Entry, Result};
use crate::units::Dim;

/// How pruned synapses are replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regrow {
    /// Not at all: the projection only loses synapses.
    None,
    /// New pairs drawn uniformly among the unconnected ones (Mocanu et al. 2018 SET;
    /// Bellec et al. 2018 DEEP R).
    Random,
    /// The unconnected candidate pairs that fired together most in the last interval
    /// ("fire together, wire together").
    Hebbian,
}

/// Structural plasticity of one projection, SI units.
#[derive(Clone, Debug)]
pub struct Structural {
    /// Time between two rewirings (s).
    pub interval: f64,
    /// Synapses whose weight magnitude is below this are prunable (weight dimension of
    /// the projection); `None`: every synapse is.
    pub prune_below: Option<f64>,
    /// At most this fraction of the projection's synapses is pruned at a rewiring;
    /// `None`: every prunable synapse is.
    pub prune_fraction: Option<f64>,
    /// How pruned synapses are replaced.
    pub regrow: Regrow,
    /// Bounds on the number of synapses onto each target, inclusive.
    pub in_degree: (u32, u32),
    /// Weight of a new synapse (SI, the projection's weight dimension).
    pub new_weight: Dist,
    /// A presynaptic spike at most this long before a postsynaptic one (s) makes the
    /// pair co-active, for `Regrow::Hebbian`.
    pub coactivity_window: f64,
    /// Candidate pairs scored per synapse to grow, for `Regrow::Hebbian`.
    pub candidates: u32,
}

const REGROW: &[&str] = &["random", "hebbian", "none"];

/// Reads `structural = { ... }` of a projection from `n_src` sources to `n_tgt`
/// targets whose weights are `weight` of dimension `weight_dim`.
pub(crate) fn read_structural(
    e: &Entry<'_>,
    key: &str,
    rule: &Rule,
    n_src: usize,
    weight: &Dist,
    weight_dim: Dim,
    dt: f64,
) -> Result<Structural> {
    let mut t = e.table(key, "a table such as { interval = \"1 s\", prune_fraction = 0.1, regrow = \"random\" }")?;
    let interval = match t.get("interval") {
        Some(ie) => {
            let k = t.key_path("interval");
            let v = ie.quantity(&k, Dim::TIME)?;
            if v < dt {
                return Err(ie.error(&k, "expected an interval of at least one time step"));
            }
            v
        }
        None => 1.0,
    };
    let prune_below = match t.get("prune_below") {
        Some(pe) => {
            let k = t.key_path("prune_below");
            let v = pe.quantity(&k, weight_dim)?;
            if v < 0.0 {
                return Err(pe.error(&k, "expected a weight magnitude ≥ 0 (weights are compared by |w|)"));
            }
            Some(v)
        }
        None => None,
    };
    let prune_fraction = match t.get("prune_fraction") {
        Some(fe) => {
            let k = t.key_path("prune_fraction");
            let v = fe.number(&k)?;
            if !(v > 0.0 && v <= 1.0) {
                return Err(fe.error(&k, format!("expected a fraction in (0, 1], found {v}")));
            }
            Some(v)
        }
        None => None,
    };
    if prune_below.is_none() && prune_fraction.is_none() {
        return Err(t.missing(
            &["prune_below", "prune_fraction"],
            "missing key `prune_below` or `prune_fraction` (which synapses to prune)",
        ));
    }
    let regrow = match t.get("regrow") {
        Some(re) => {
            let k = t.key_path("regrow");
            match re.as_str(&k, "one of random, hebbian, none")? {
                "random" => Regrow::Random,
                "hebbian" => Regrow::Hebbian,
                "none" => Regrow::None,
                other => {
                    let err =
                        re.error(&k, format!("unknown regrowth \"{other}\", expected one of {}", REGROW.join(", ")));
                    return Err(match closest(other, REGROW.iter().copied()) {
                        Some(c) => err.with_help(format!("did you mean \"{c}\"?")),
                        None => err,
                    });
                }
            }
        }
        None => Regrow::Random,
    };
    let in_degree = match t.get("in_degree") {
        Some(de) => {
            let k = t.key_path("in_degree");
            let items = de.array(&k, "an array [min, max] of synapse counts")?;
            if items.len() != 2 {
                return Err(de.error(&k, format!("expected [min, max], found {} values", items.len())));
            }
            let count = |i: usize| -> Result<u32> {
                let x = Entry { item: &items[i].0, span: items[i].1.clone(), src: e.src };
                Ok(x.count(&format!("{k}[{i}]"), "a number of synapses")? as u32)
            };
            let (lo, hi) = (count(0)?, count(1)?);
            if lo > hi {
                return Err(de.error(&k, format!("expected min ≤ max, found [{lo}, {hi}]")));
            }
            if lo as usize > n_src {
                return Err(de.error(
                    &k,
                    format!("min = {lo} is more synapses than the source population has neurons ({n_src})"),
                ));
            }
            if let Rule::FixedIndegree { k: indegree, .. } = *rule {
                if !(lo as u64..=hi as u64).contains(&indegree) {
                    return Err(de.error(&k, format!("the rule's indegree = {indegree} lies outside [{lo}, {hi}]")));
                }
            }
            (lo, hi)
        }
        None => (0, u32::MAX),
    };
    let new_weight = match t.get("new_weight") {
        Some(we) => {
            let k = t.key_path("new_weight");
            let (d, _) = we.dist(&k, &[weight_dim])?;
            if weight_dim == Dim::CONDUCTANCE && d.bounds().0 < 0.0 {
                return Err(we.error(&k, "conductance weights must be ≥ 0"));
            }
            d
        }
        None => weight.clone(),
    };
    let coactivity_window = match t.get("coactivity_window") {
        Some(ce) => {
            let k = t.key_path("coactivity_window");
            let v = ce.quantity(&k, Dim::TIME)?;
            if v < 0.0 {
                return Err(ce.error(&k, "expected a time ≥ 0"));
            }
            v
        }
        None => 10e-3,
    };
    let candidates = match t.get("candidates") {
        Some(ce) => {
            let k = t.key_path("candidates");
            let v = ce.count(&k, "candidate pairs per new synapse")?;
            if v == 0 {
                return Err(ce.error(&k, "expected at least 1 candidate pair per new synapse"));
            }
            v.min(u32::MAX as u64) as u32
        }
        None => 10,
    };
    t.finish()?;
    Ok(Structural {
        interval,
        prune_below,
        prune_fraction,
        regrow,
        in_degree,
        new_weight,
        coactivity_window,
        candidates,
    })
}
