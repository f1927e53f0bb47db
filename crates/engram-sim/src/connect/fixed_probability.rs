//! `fixed_probability`: each pair independently with probability `p` (NEST
//! `pairwise_bernoulli`; Brian2 `connect(p=...)`).
//!
//! For each target the sources are found by geometric skipping: the gap to the next
//! connected source is `floor(ln U / ln(1 - p))`, so the cost is per synapse, not per
//! pair (Batagelj & Brandes 2005, "Efficient generation of large random networks").

use rand::Rng;

use super::{Pairs, RuleCtx};

/// Bernoulli pairs, target by target.
pub fn generate(ctx: &RuleCtx, p: f64, autapses: bool) -> Pairs {
    if p <= 0.0 {
        return Pairs::default();
    }
    let log_q = (1.0 - p).ln();
    ctx.blocks(ctx.n_tgt, |targets, rng, out| {
        for t in targets {
            let mut s: i64 = -1;
            loop {
                let gap = if p >= 1.0 {
                    0
                } else {
                    // 1 - U lies in (0, 1], so the logarithm is finite.
                    ((1.0 - rng.random::<f64>()).ln() / log_q).floor() as i64
                };
                s += 1 + gap;
                if s >= ctx.n_src as i64 {
                    break;
                }
                if autapses || !ctx.same || s as usize != t {
                    out.push(s as usize, t);
                }
            }
        }
    })
}
