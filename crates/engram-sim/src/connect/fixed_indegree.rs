//! `fixed_indegree`: each target receives exactly `k` synapses from sources drawn
//! uniformly at random (NEST `fixed_indegree`), with or without repeated pairs
//! (multapses) and autapses.

use super::{sample_distinct, sample_one, Pairs, RuleCtx};

/// `k` sources per target.
pub fn generate(ctx: &RuleCtx, k: usize, autapses: bool, multapses: bool) -> Pairs {
    ctx.blocks(ctx.n_tgt, |targets, rng, out| {
        for t in targets {
            let skip = (ctx.same && !autapses).then_some(t);
            if multapses {
                for _ in 0..k {
                    out.push(sample_one(rng, ctx.n_src, skip), t);
                }
            } else {
                for s in sample_distinct(rng, ctx.n_src, k, skip) {
                    out.push(s, t);
                }
            }
        }
    })
}
