//! Per-synapse arrays that several workers write, each only at the synapses of the
//! targets it owns.

use std::sync::atomic::{AtomicU32, Ordering};

/// An `f32` per synapse, in CSR order, written by the worker that owns the synapse's
/// target. Relaxed atomic loads and stores compile to plain moves on x86-64 and
/// AArch64, so this costs what a `Vec<f32>` costs while letting every worker hold a
/// shared reference: the ownership of targets, not a lock, keeps writes apart, and the
/// epoch barrier orders them before any other worker reads.
#[derive(Debug, Default)]
pub struct SynapseArray {
    bits: Vec<AtomicU32>,
}

impl SynapseArray {
    /// An array holding `values`.
    pub fn new(values: &[f32]) -> SynapseArray {
        SynapseArray { bits: values.iter().map(|v| AtomicU32::new(v.to_bits())).collect() }
    }

    /// Value of synapse `k`.
    #[inline(always)]
    pub fn get(&self, k: usize) -> f32 {
        f32::from_bits(self.bits[k].load(Ordering::Relaxed))
    }

    /// Sets synapse `k`.
    #[inline(always)]
    pub fn set(&self, k: usize, value: f32) {
        self.bits[k].store(value.to_bits(), Ordering::Relaxed);
    }

    /// Asks for synapse `k`'s cache line ahead of its use (no effect when out of range).
    #[inline(always)]
    pub fn prefetch(&self, k: usize) {
        if let Some(x) = self.bits.get(k) {
            crate::network::prefetch(x);
        }
    }

    /// Number of synapses.
    pub fn len(&self) -> usize {
        self.bits.len()
    }

    /// Whether there are no synapses.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// Copies the values into `out`.
    pub fn copy_to(&self, out: &mut [f32]) {
        for (o, b) in out.iter_mut().zip(&self.bits) {
            *o = f32::from_bits(b.load(Ordering::Relaxed));
        }
    }
}
