//! `from_file`: the synapses listed in a NumPy file (a dense weight matrix or sparse
//! `sources`/`targets`/`weights`/`delays` arrays; see `engram_model::synapse_file`),
//! as Brian2's `S.connect(i=..., j=...)` with `S.w = ...` or NEST's `Connect` with
//! `conn_spec="one_to_one"` over explicit arrays.

use engram_model::synapse_file::SynapseFile;

use super::{to_steps, Csr, Delays, Pairs};

/// The file's pairs, already in CSR order (by source, then target).
pub fn generate(syn: &SynapseFile) -> Pairs {
    Pairs { src: syn.sources.clone(), tgt: syn.targets.clone() }
}

/// Sets the weights (times `scale`, into the target model's input unit) and delays of
/// `csr`, built from [`generate`]'s pairs, from the file; synapses without a delay in
/// the file get `default_delay` (s).
pub fn set_weights_delays(csr: &mut Csr, syn: &SynapseFile, scale: f64, default_delay: f64, dt: f64) {
    csr.weights = syn.weights.iter().map(|&w| (w * scale) as f32).collect();
    csr.delays = match &syn.delays {
        Some(d) => Delays::PerSynapse(d.iter().map(|&x| to_steps(x, dt)).collect()),
        None => Delays::Const(to_steps(default_delay, dt)),
    };
}
