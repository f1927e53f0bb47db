//! `fixed_outdegree`: each source makes exactly `k` synapses onto targets drawn
//! uniformly at random (NEST `fixed_outdegree`), with or without multapses and autapses.

use super::{sample_distinct, sample_one, Pairs, RuleCtx};

/// `k` targets per source.
pub fn generate(ctx: &RuleCtx, k: usize, autapses: bool, multapses: bool) -> Pairs {
    ctx.blocks(ctx.n_src, |sources, rng, out| {
        for s in sources {
            let skip = (ctx.same && !autapses).then_some(s);
            if multapses {
                for _ in 0..k {
                    out.push(s, sample_one(rng, ctx.n_tgt, skip));
                }
            } else {
                for t in sample_distinct(rng, ctx.n_tgt, k, skip) {
                    out.push(s, t);
                }
            }
        }
    })
}
