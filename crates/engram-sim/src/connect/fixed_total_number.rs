//! `fixed_total_number`: exactly `n` synapses between pairs drawn uniformly at random
//! (NEST `fixed_total_number`), with or without multapses and autapses.
//!
//! As NEST splits the total over its processes, the total is first split over blocks
//! of [`BLOCK`] targets by a multinomial draw (sequential conditional binomials from
//! one stream, so the split does not depend on the number of threads): block `b`
//! receives `n_b ~ Binomial(n_left, size_b / targets_left)` synapses. Each block then
//! splits its share over its targets in the same way (the in-degrees) and each target
//! draws its sources as `fixed_indegree` does, from the block's own stream, blocks in
//! parallel. The pairs come out in target order, so [`super::Csr::from_pairs`] need
//! not sort its rows.

use rand_distr::{Binomial, Distribution, Hypergeometric};
use rayon::prelude::*;

use super::{sample_distinct, sample_one, Pairs, RuleCtx, BLOCK};

/// `n` uniformly random pairs.
pub fn generate(ctx: &RuleCtx, n: usize, autapses: bool, multapses: bool) -> Pairs {
    let n_blocks = ctx.n_tgt.div_ceil(BLOCK);
    // Stream 0 splits the total; block b draws from stream b + 1.
    let mut split_rng = ctx.stream(0);
    let mut left = n as u64;
    let mut targets_left = ctx.n_tgt;
    // Distinct pairs with targets in `first..first + size`.
    let pairs_in = |first: usize, size: usize| -> u64 {
        let autapses_in = if ctx.same && !autapses { size.min(ctx.n_src.saturating_sub(first)) } else { 0 };
        (size * ctx.n_src - autapses_in) as u64
    };
    let mut pairs_left = pairs_in(0, ctx.n_tgt);
    let counts: Vec<usize> = (0..n_blocks)
        .map(|b| {
            let size = BLOCK.min(ctx.n_tgt - b * BLOCK);
            let k = if size == targets_left {
                left
            } else if multapses {
                let p = size as f64 / targets_left as f64;
                Binomial::new(left, p).expect("0 ≤ p < 1").sample(&mut split_rng)
            } else {
                let in_block = pairs_in(b * BLOCK, size);
                let k = Hypergeometric::new(pairs_left, in_block, left).expect("n ≤ pairs left").sample(&mut split_rng);
                pairs_left -= in_block;
                k
            };
            targets_left -= size;
            left -= k;
            k as usize
        })
        .collect();
    let blocks: Vec<Pairs> = counts
        .into_par_iter()
        .enumerate()
        .map(|(b, count)| {
            // Within the block the same split goes on per target (its in-degree), and
            // each target then draws its sources as `fixed_indegree` does: the pairs
            // come out in target order with no sort.
            let mut rng = ctx.stream(b + 1);
            let first = b * BLOCK;
            let size = BLOCK.min(ctx.n_tgt - first);
            let mut out = Pairs::default();
            out.src.reserve(count);
            out.tgt.reserve(count);
            let mut left = count as u64;
            let mut pairs_left = pairs_in(first, size);
            for t in first..first + size {
                let skip = (ctx.same && !autapses && t < ctx.n_src).then_some(t);
                let k = if t + 1 == first + size {
                    left
                } else if multapses {
                    let p = 1.0 / (first + size - t) as f64;
                    Binomial::new(left, p).expect("0 < p < 1").sample(&mut rng)
                } else {
                    let in_target = (ctx.n_src - usize::from(skip.is_some())) as u64;
                    let k = Hypergeometric::new(pairs_left, in_target, left).expect("n ≤ pairs left").sample(&mut rng);
                    pairs_left -= in_target;
                    k
                };
                left -= k;
                if multapses {
                    for _ in 0..k {
                        out.push(sample_one(&mut rng, ctx.n_src, skip), t);
                    }
                } else {
                    for s in sample_distinct(&mut rng, ctx.n_src, k as usize, skip) {
                        out.push(s, t);
                    }
                }
            }
            out
        })
        .collect();
    Pairs::concat(blocks)
}
