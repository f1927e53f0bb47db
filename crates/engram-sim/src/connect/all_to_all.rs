//! `all_to_all`: every source connects to every target (NEST `all_to_all`; Brian2
//! `connect()`), optionally without autapses when source and target are one population.

use super::{Pairs, RuleCtx};

/// All pairs, target by target.
pub fn generate(ctx: &RuleCtx, autapses: bool) -> Pairs {
    ctx.blocks(ctx.n_tgt, |targets, _, out| {
        for t in targets {
            for s in 0..ctx.n_src {
                if autapses || !ctx.same || s != t {
                    out.push(s, t);
                }
            }
        }
    })
}
