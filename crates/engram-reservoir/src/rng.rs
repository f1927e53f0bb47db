//! Random streams of a reservoir, derived from one seed.
//!
//! Every part of a reservoir (recurrent matrix, input matrix, bias, task data, ...) has
//! its own `Pcg64Mcg` stream seeded from a SplitMix64 hash of `(seed, part)` — the
//! scheme of `engram_sim::rng` with the reservoir's own purposes — so changing one part
//! (the input connectivity, say) never changes the numbers drawn for another.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The generator behind every stream.
pub type Stream = Pcg64Mcg;

/// What a stream is used for; part of its key.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Part {
    /// Positions and values of the recurrent matrix `W`.
    Recurrent = 11,
    /// Positions and signs of the input matrix `W_in`.
    Input = 12,
    /// Bias of the reservoir units.
    Bias = 13,
    /// Feedback matrix from the readout back into the reservoir.
    Feedback = 14,
    /// Start vector of the Arnoldi iteration.
    Arnoldi = 15,
    /// The input series of a task (NARMA input, memory-capacity input, Mackey-Glass history).
    TaskData = 16,
    /// Fold assignment and other choices of the readout.
    Readout = 17,
}

/// SplitMix64's finaliser (Steele et al. 2014), as in `engram_sim::rng`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream for `(seed, part, index)`.
pub fn stream(seed: u64, part: Part, index: u64) -> Stream {
    let mut h = mix(seed ^ 0x6a09_e667_f3bc_c908);
    h = mix(h ^ (part as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    h = mix(h ^ index.wrapping_mul(0x1656_67b1_9e37_79f9));
    Stream::seed_from_u64(h)
}
