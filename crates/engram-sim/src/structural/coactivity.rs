//! How much two neurons fired together: the spikes of the last interval and the
//! excess coincidence count of a pair, for Hebbian regrowth.
//!
//! For a presynaptic train `a` (n_a spikes) and a postsynaptic train `b` (n_b spikes)
//! observed over `T` steps, the coincidences are the pairs in which the presynaptic
//! spike comes at most `W` steps before the postsynaptic one (or in the same step),
//! `C = #{(t_a, t_b) : 0 ≤ t_b − t_a ≤ W}`: the pairs in which `a` could have taken
//! part in firing `b` (Hebb 1949), those that STDP's potentiation window would
//! reward. Independent Poisson trains give on average `n_a n_b (W + 1) / T` of them, so
//! the score is the excess over chance
//!
//! ```text
//! score = C − n_a n_b (W + 1) / T
//! ```
//!
//! a spike-count covariance (the covariance rule of Sejnowski 1977): high rates alone
//! do not make a pair co-active, firing together does.

/// Spikes of the populations that Hebbian regrowth looks at, since the oldest window
/// any projection still needs.
#[derive(Clone, Debug, Default)]
pub struct SpikeHistory {
    /// Per population: whether its spikes are kept.
    wanted: Vec<bool>,
    /// Per population: (step, neuron) in time order.
    spikes: Vec<Vec<(u64, u32)>>,
}

impl SpikeHistory {
    /// A history of `n_pops` populations keeping those in `wanted`.
    pub fn new(n_pops: usize, wanted: impl IntoIterator<Item = usize>) -> SpikeHistory {
        let mut w = vec![false; n_pops];
        for p in wanted {
            w[p] = true;
        }
        SpikeHistory { wanted: w, spikes: vec![Vec::new(); n_pops] }
    }

    /// Appends population `p`'s spikes of one epoch (in time order) if it is kept.
    #[inline]
    pub fn push(&mut self, p: usize, epoch: &[(u64, u32)]) {
        if self.wanted[p] {
            self.spikes[p].extend_from_slice(epoch);
        }
    }

    /// Forgets the spikes before step `from`.
    pub fn forget_before(&mut self, from: u64) {
        for list in &mut self.spikes {
            let cut = list.partition_point(|&(s, _)| s < from);
            list.drain(..cut);
        }
    }

    /// The spike trains of population `p`'s `n` neurons from step `from` on.
    pub fn trains(&self, p: usize, n: usize, from: u64) -> Trains {
        let list = &self.spikes[p];
        let list = &list[list.partition_point(|&(s, _)| s < from)..];
        let mut ptr = vec![0usize; n + 1];
        for &(_, i) in list {
            ptr[i as usize + 1] += 1;
        }
        for i in 0..n {
            ptr[i + 1] += ptr[i];
        }
        let mut fill = ptr.clone();
        let mut steps = vec![0u64; list.len()];
        for &(s, i) in list {
            steps[fill[i as usize]] = s;
            fill[i as usize] += 1;
        }
        Trains { ptr, steps }
    }
}

/// Spike steps per neuron, each train in increasing order.
#[derive(Clone, Debug)]
pub struct Trains {
    ptr: Vec<usize>,
    steps: Vec<u64>,
}

impl Trains {
    /// The spike steps of neuron `i`.
    pub fn of(&self, i: usize) -> &[u64] {
        &self.steps[self.ptr[i]..self.ptr[i + 1]]
    }
}

/// Pairs of a spike of `pre` and a spike of `post` (sorted steps) with the `pre`
/// spike at most `window` steps before the `post` spike, or in the same step.
pub fn coincidences(pre: &[u64], post: &[u64], window: u64) -> u64 {
    // For each postsynaptic spike at t, the presynaptic spikes in [t − W, t] form a
    // range whose ends only move forward.
    let (mut lo, mut hi, mut count) = (0usize, 0usize, 0u64);
    for &t in post {
        while lo < pre.len() && pre[lo] + window < t {
            lo += 1;
        }
        hi = hi.max(lo);
        while hi < pre.len() && pre[hi] <= t {
            hi += 1;
        }
        count += (hi - lo) as u64;
    }
    count
}

/// The excess coincidence score of `pre` and `post` observed over `span` steps.
pub fn score(pre: &[u64], post: &[u64], window: u64, span: u64) -> f64 {
    let chance = pre.len() as f64 * post.len() as f64 * (window + 1) as f64 / span.max(1) as f64;
    coincidences(pre, post, window) as f64 - chance
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(pre: &[u64], post: &[u64], w: u64) -> u64 {
        pre.iter().map(|&x| post.iter().filter(|&&y| y >= x && y - x <= w).count() as u64).sum()
    }

    #[test]
    fn coincidences_count_every_pre_before_post_pair_within_the_window() {
        let a = [3u64, 10, 11, 40, 41, 90];
        let b = [0u64, 9, 12, 13, 39, 60, 95, 96];
        for w in [0, 1, 2, 5, 30, 100] {
            assert_eq!(coincidences(&a, &b, w), brute(&a, &b, w), "window {w}");
            assert_eq!(coincidences(&b, &a, w), brute(&b, &a, w), "window {w}, swapped");
        }
    }

    #[test]
    fn trains_split_a_history_by_neuron_from_a_step_on() {
        let mut h = SpikeHistory::new(2, [1]);
        h.push(0, &[(1, 0)]);
        h.push(1, &[(1, 2), (2, 0), (5, 2)]);
        h.push(1, &[(7, 1), (8, 2)]);
        let t = h.trains(1, 3, 2);
        assert_eq!(t.of(0), &[2]);
        assert_eq!(t.of(1), &[7]);
        assert_eq!(t.of(2), &[5, 8]);
        assert!(h.trains(0, 1, 0).of(0).is_empty(), "population 0 is not kept");
        h.forget_before(6);
        assert_eq!(h.trains(1, 3, 0).of(2), &[8]);
    }
}
