//! `fixed_total_number`: exactly `n` synapses between pairs drawn uniformly at random
//! (NEST `fixed_total_number`), with or without multapses and autapses.

use std::collections::HashSet;

use rand::Rng;

use super::{Pairs, RuleCtx};

/// `n` uniformly random pairs from one stream (the draw is sequential by nature).
pub fn generate(ctx: &RuleCtx, n: usize, autapses: bool, multapses: bool) -> Pairs {
    let mut rng = ctx.stream(0);
    let mut out = Pairs::default();
    let mut seen = HashSet::new();
    while out.src.len() < n {
        let s = rng.random_range(0..ctx.n_src);
        let t = rng.random_range(0..ctx.n_tgt);
        if !autapses && ctx.same && s == t {
            continue;
        }
        if !multapses && !seen.insert((s as u64) << 32 | t as u64) {
            continue;
        }
        out.push(s, t);
    }
    out
}
