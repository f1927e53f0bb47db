//! `one_to_one`: source i connects to target i (NEST `one_to_one`; Brian2 `connect(j='i')`).

use super::{Pairs, RuleCtx};

/// Pairs (i, i).
pub fn generate(ctx: &RuleCtx) -> Pairs {
    let mut out = Pairs::default();
    for i in 0..ctx.n_src.min(ctx.n_tgt) {
        out.push(i, i);
    }
    out
}
