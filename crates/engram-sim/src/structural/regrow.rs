//! Regrowth: which new synapses a rewiring creates.
//!
//! 1. Every target below the lower in-degree bound `min` gets new synapses up to it.
//! 2. The rest of the growth budget (the number pruned) is spread over the targets
//!    below `max`: each new pair is a target drawn uniformly among those with room and
//!    a source drawn uniformly among those not connected to it (random regrowth; the
//!    sparse evolutionary training of Mocanu et al. 2018 and DEEP R of Bellec et al.
//!    2018 draw new connections this way). Hebbian regrowth draws `candidates` such
//!    pairs per synapse to grow, scores each by how much its two neurons fired together
//!    in the last interval ([`super::coactivity`]) and grows the best-scoring ones.
//!
//! A pair that is connected, or was pruned in the same rewiring, is never drawn (no
//! multapses, and a pruned synapse is not immediately replaced by itself); neither is a
//! neuron onto itself when the projection has `autapses = false`. Pairs are drawn by
//! rejection with a bounded number of attempts, so in a nearly full projection fewer
//! synapses than asked may grow.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use rand::Rng;

use super::coactivity::{score, Trains};
use crate::connect::Csr;
use crate::rng::Stream;

/// Scores pairs by co-activity, for Hebbian regrowth.
pub struct Scorer<'a> {
    /// Spike trains of the sources over the last interval.
    pub pre: &'a Trains,
    /// Spike trains of the targets over the last interval.
    pub post: &'a Trains,
    /// Coincidence window in steps.
    pub window: u64,
    /// Length of the interval in steps.
    pub span: u64,
}

impl Scorer<'_> {
    fn score(&self, s: u32, j: u32) -> f64 {
        score(self.pre.of(s as usize), self.post.of(j as usize), self.window, self.span)
    }
}

/// What growth needs to know about a projection.
pub struct Grow<'a> {
    /// The table before this rewiring (pruned synapses still in it).
    pub csr: &'a Csr,
    /// Number of sources.
    pub n_src: usize,
    /// Whether source `i` onto target `i` is forbidden.
    pub no_autapses: bool,
    /// Lower in-degree bound.
    pub min: u32,
    /// Upper in-degree bound.
    pub max: u32,
    /// `Some` for Hebbian regrowth.
    pub scorer: Option<Scorer<'a>>,
    /// Candidate pairs per synapse to grow (Hebbian).
    pub candidates: u32,
}

/// Hashes a pair key with SplitMix64's finaliser (Steele et al. 2014). The keys are not
/// adversarial, and the standard SipHash took a sixth of a Hebbian rewiring (perf,
/// bench/RESULTS.md, structural plasticity).
#[derive(Clone, Copy, Debug, Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0 << 8 | b as u64;
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }

    fn write_u32(&mut self, x: u32) {
        self.0 = x as u64;
    }
}

/// A set of pair keys or of neuron indices.
type Set<T> = HashSet<T, BuildHasherDefault<PairHasher>>;

fn key(s: u32, j: u32) -> u64 {
    (s as u64) << 32 | j as u64
}

impl Grow<'_> {
    /// Whether `s → j` may grow, given the pairs `taken` this rewiring.
    fn free(&self, s: u32, j: u32, taken: &Set<u64>) -> bool {
        if self.no_autapses && s == j {
            return false;
        }
        let (a, b) = (self.csr.row_ptr[s as usize], self.csr.row_ptr[s as usize + 1]);
        self.csr.targets[a..b].binary_search(&j).is_err() && !taken.contains(&key(s, j))
    }

    /// Grows the synapses of one rewiring: targets below `min` first, then `budget`
    /// more (fewer if that filled them). `degree` is updated; returns the new pairs
    /// `(source, target)` in the order they were chosen.
    pub fn grow(&self, degree: &mut [u32], budget: usize, rng: &mut Stream) -> Vec<(u32, u32)> {
        let mut taken = Set::default();
        let mut grown = Vec::new();
        for j in 0..degree.len() as u32 {
            let need = self.min.saturating_sub(degree[j as usize]) as usize;
            if need == 0 {
                continue;
            }
            let per = if self.scorer.is_some() { self.candidates as usize } else { 1 };
            let mut sources = Vec::new();
            let mut seen = Set::default();
            let mut attempts = 0;
            while sources.len() < need * per && attempts < 20 * need * per + 100 {
                attempts += 1;
                let s = rng.random_range(0..self.n_src) as u32;
                if self.free(s, j, &taken) && seen.insert(s) {
                    sources.push(s);
                }
            }
            self.rank(&mut sources, |&s| (s, j));
            for s in sources.into_iter().take(need) {
                taken.insert(key(s, j));
                grown.push((s, j));
                degree[j as usize] += 1;
            }
        }
        let budget = budget.saturating_sub(grown.len());
        let per = if self.scorer.is_some() { self.candidates as usize } else { 1 };
        let mut pairs = Vec::new();
        let mut drawn = Set::default();
        // Targets with room, drawn from directly so that a nearly full projection does
        // not spend its attempts on full targets.
        let mut open: Vec<u32> = (0..degree.len() as u32).filter(|&j| degree[j as usize] < self.max).collect();
        let mut attempts = 0;
        // Random regrowth accepts each pair as drawn (a target leaves `open` when it
        // fills); Hebbian regrowth collects candidates and accepts after ranking.
        while pairs.len() < budget * per && !open.is_empty() && attempts < 20 * budget * per + 100 {
            attempts += 1;
            let slot = rng.random_range(0..open.len());
            let j = open[slot];
            let s = rng.random_range(0..self.n_src) as u32;
            if !self.free(s, j, &taken) || !drawn.insert(key(s, j)) {
                continue;
            }
            pairs.push((s, j));
            if self.scorer.is_none() {
                taken.insert(key(s, j));
                degree[j as usize] += 1;
                if degree[j as usize] == self.max {
                    open.swap_remove(slot);
                }
            }
        }
        if self.scorer.is_none() {
            grown.extend(pairs);
            return grown;
        }
        self.rank(&mut pairs, |&p| p);
        let mut accepted = 0;
        for (s, j) in pairs {
            if accepted == budget {
                break;
            }
            if degree[j as usize] < self.max {
                degree[j as usize] += 1;
                grown.push((s, j));
                accepted += 1;
            }
        }
        grown
    }

    /// Orders candidates by decreasing co-activity (stable: ties keep the draw order);
    /// leaves them in draw order for random regrowth.
    fn rank<T: Copy>(&self, items: &mut [T], pair: impl Fn(&T) -> (u32, u32)) {
        if let Some(scorer) = &self.scorer {
            let mut scored: Vec<(f64, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let (s, j) = pair(x);
                    (scorer.score(s, j), i)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let ranked: Vec<T> = scored.into_iter().map(|(_, i)| items[i]).collect();
            items.copy_from_slice(&ranked);
        }
    }
}
