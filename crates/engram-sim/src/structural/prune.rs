//! Pruning: which synapses of a projection a rewiring removes.
//!
//! 1. Every target with more than `max` synapses loses its weakest ones down to `max`.
//! 2. The prunable synapses (weight magnitude below `prune_below`, or all) are taken
//!    weakest first, ties in storage order, and removed unless that would leave their
//!    target below `min`, until `prune_fraction` of the projection's synapses (rounded
//!    down) are gone.
//!
//! "Weakest" compares `|w|`, so the rule means the same for inhibitory current weights
//! (negative) as for excitatory ones.

use std::cmp::Ordering;

/// What pruning is asked to do, in engine weight units.
#[derive(Clone, Copy, Debug)]
pub struct PruneRule {
    /// Synapses with `|w|` below this are prunable; `None`: all are.
    pub below: Option<f32>,
    /// At most this fraction of the synapses goes in step 2; `None`: no limit.
    pub fraction: Option<f64>,
    /// Lower in-degree bound.
    pub min: u32,
    /// Upper in-degree bound.
    pub max: u32,
}

/// Marks the synapses to remove: `keep[k]` becomes false for each. `targets[k]` and
/// `weights[k]` describe synapse `k`; `degree[j]` is target `j`'s in-degree and is
/// updated. Returns the number removed.
pub fn prune(rule: &PruneRule, targets: &[u32], weights: &[f32], degree: &mut [u32], keep: &mut [bool]) -> usize {
    let weaker = |&a: &usize, &b: &usize| -> Ordering { weights[a].abs().total_cmp(&weights[b].abs()).then(a.cmp(&b)) };
    let mut removed = 0;

    // Step 1: targets above the upper bound (an initial wiring may put them there).
    let over: Vec<bool> = degree.iter().map(|&d| d > rule.max).collect();
    if over.iter().any(|&o| o) {
        let mut synapses: Vec<usize> = (0..targets.len()).filter(|&k| over[targets[k] as usize]).collect();
        synapses.sort_by(weaker);
        for k in synapses {
            let j = targets[k] as usize;
            if degree[j] > rule.max {
                keep[k] = false;
                degree[j] -= 1;
                removed += 1;
            }
        }
    }

    // Step 2: the weakest prunable synapses, within the budget and the lower bound.
    // Keys `|w|` bits (ordered like the non-negative floats) then position: sorting them
    // orders by weight with ties in storage order. Only the part the walk reaches is
    // sorted: selecting the weakest first makes a rewiring of a million synapses cost
    // a pass rather than a full sort.
    assert!(targets.len() <= u32::MAX as usize, "a structural projection holds at most 2³² synapses");
    let budget = rule.fraction.map_or(usize::MAX, |f| (f * targets.len() as f64).floor() as usize);
    let mut keys: Vec<u64> = (0..targets.len())
        .filter(|&k| keep[k] && rule.below.is_none_or(|b| weights[k].abs() < b))
        .map(|k| (weights[k].abs().to_bits() as u64) << 32 | k as u64)
        .collect();
    let (mut pruned, mut next, mut sorted_to) = (0, 0, 0);
    while pruned < budget && next < keys.len() {
        if next == sorted_to {
            let rest = &mut keys[next..];
            let want = (budget - pruned).max(1024).min(rest.len());
            if want < rest.len() {
                rest.select_nth_unstable(want);
            }
            rest[..want].sort_unstable();
            sorted_to = next + want;
        }
        let k = (keys[next] & 0xffff_ffff) as usize;
        next += 1;
        let j = targets[k] as usize;
        if degree[j] > rule.min {
            keep[k] = false;
            degree[j] -= 1;
            pruned += 1;
        }
    }
    removed + pruned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn degrees(targets: &[u32], n: usize) -> Vec<u32> {
        let mut d = vec![0; n];
        for &t in targets {
            d[t as usize] += 1;
        }
        d
    }

    #[test]
    fn the_weakest_fraction_goes_first_and_no_target_falls_below_min() {
        // Target 0 has the three weakest synapses, but min = 2 lets it lose only one.
        let targets = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
        let weights = [0.1, 0.2, 0.3, 0.9, 0.4, -0.35, 0.8, 0.7, 0.6, 0.5];
        let mut degree = degrees(&targets, 2);
        let mut keep = [true; 10];
        let rule = PruneRule { below: None, fraction: Some(0.4), min: 2, max: 10 };
        assert_eq!(prune(&rule, &targets, &weights, &mut degree, &mut keep), 4);
        let removed: Vec<usize> = (0..10).filter(|&k| !keep[k]).collect();
        // 0.1 (target 0), then 0.2 and 0.3 are refused (min), then |−0.35|, 0.4, 0.5.
        assert_eq!(removed, vec![0, 4, 5, 9]);
        assert_eq!(degree, vec![2, 4]);
    }

    #[test]
    fn a_threshold_alone_prunes_everything_below_it() {
        let targets = [0, 1, 1, 2];
        let weights = [0.05, 0.2, 0.01, 0.09];
        let mut degree = degrees(&targets, 3);
        let mut keep = [true; 4];
        let rule = PruneRule { below: Some(0.1), fraction: None, min: 0, max: 4 };
        assert_eq!(prune(&rule, &targets, &weights, &mut degree, &mut keep), 3);
        assert_eq!(keep, [false, true, false, false]);
    }

    #[test]
    fn targets_above_max_lose_their_weakest_synapses() {
        let targets = [0, 0, 0, 0, 1];
        let weights = [0.4, 0.1, 0.3, 0.2, 0.0];
        let mut degree = degrees(&targets, 2);
        let mut keep = [true; 5];
        let rule = PruneRule { below: Some(0.0), fraction: None, min: 0, max: 2 };
        assert_eq!(prune(&rule, &targets, &weights, &mut degree, &mut keep), 2);
        assert_eq!(keep, [true, false, true, false, true]);
    }
}
