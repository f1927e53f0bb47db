//! Random streams derived from (seed, purpose, population, index).
//!
//! No generator is shared and advanced in loop order: every stream is seeded from a
//! hash of what it is for, so results do not depend on the number of threads or on
//! the order in which work is scheduled.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The generator behind every stream: 16 bytes of state, fast, good statistics.
pub type Stream = Pcg64Mcg;

/// What a stream is used for; part of its key so different uses never share numbers.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    /// Drawing the pairs of a projection (and their weights and delays).
    Connect = 1,
    /// Weights and delays of a projection's synapses.
    WeightsDelays = 5,
    /// Initial values of state variables.
    Init = 2,
    /// Parameters drawn per neuron (one stream per population and parameter).
    Param = 6,
    /// Poisson generators (one stream per neuron).
    PoissonGenerator = 3,
    /// Poisson inputs onto neurons (one stream per neuron and input).
    PoissonInput = 4,
    /// Structural plasticity (one stream per projection and rewiring).
    Structural = 16,
    /// The synapses a weight monitor traces with `sample` (one stream per projection).
    WeightSample = 8,
}

/// SplitMix64's finaliser: a bijective mix of 64 bits (Steele et al. 2014).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream for `(seed, purpose, group, index)`; `group` is a population or
/// projection index, `index` a neuron, block or variable index.
pub fn stream(seed: u64, purpose: Purpose, group: u64, index: u64) -> Stream {
    let mut h = mix(seed ^ 0x6a09_e667_f3bc_c908);
    h = mix(h ^ (purpose as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    h = mix(h ^ group.wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
    h = mix(h ^ index.wrapping_mul(0x1656_67b1_9e37_79f9));
    Stream::seed_from_u64(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_every_part_of_the_key() {
        let draw = |s: &mut Stream| s.random::<u64>();
        let base = draw(&mut stream(1, Purpose::Connect, 0, 0));
        assert_eq!(base, draw(&mut stream(1, Purpose::Connect, 0, 0)));
        assert_ne!(base, draw(&mut stream(2, Purpose::Connect, 0, 0)));
        assert_ne!(base, draw(&mut stream(1, Purpose::Init, 0, 0)));
        assert_ne!(base, draw(&mut stream(1, Purpose::Connect, 1, 0)));
        assert_ne!(base, draw(&mut stream(1, Purpose::Connect, 0, 1)));
    }
}
