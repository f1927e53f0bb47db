//! Neuron models. One file per model; each exports a `MODEL` entry, listed once in
//! [`MODELS`]. The engine only ever talks to a model through [`Neuron`].

use engram_model::{Default, Dim, KindSpec, ParamKind, ParamSpec, Params, Registry};

pub mod adaptive_threshold;
pub mod adex;
pub mod alif;
pub mod hh;
pub mod izhikevich;
pub mod lif;
pub mod lif_cond;
pub(crate) mod per_neuron;
pub mod poisson_generator;
pub mod spike_generator;
#[cfg(test)]
pub(crate) mod test_util;

/// What a model needs to know about the piece of a population it simulates.
#[derive(Clone, Copy, Debug)]
pub struct BuildCtx {
    /// Time step (s).
    pub dt: f64,
    /// The run's seed, for models that draw random numbers.
    pub seed: u64,
    /// Index of the population in the model.
    pub population: usize,
    /// Index within the population of this shard's first neuron.
    pub first: usize,
}

/// A shard of a population: the state of some of its neurons as arrays, and the
/// update that advances all of them by one step.
pub trait Neuron: Send {
    /// Number of neurons in this shard.
    fn len(&self) -> usize;

    /// Whether the shard is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Advances every neuron by one step.
    ///
    /// `input` holds one block of `len()` values per receptor (in the order of the
    /// spec's `receptors`): the summed weights of the spikes that arrive at this step,
    /// already scaled by [`NeuronModel::weight_scale`]. `i_ext` is a current (A)
    /// injected into every neuron during this step. Local indices of the neurons that
    /// fire are appended to `spiked`, in increasing order.
    fn step(&mut self, step: u64, input: &mut [f32], i_ext: f64, spiked: &mut Vec<u32>);

    /// Whether `step` sets every input value back to 0 after reading it. The engine
    /// clears the input itself otherwise; a model that clears it in its own loop saves
    /// a pass over the buffer each step.
    fn clears_input(&self) -> bool {
        false
    }

    /// State variable `var` (index into the spec's `state`) of neuron `i`, in SI units.
    fn get(&self, var: usize, i: usize) -> f64;

    /// Sets state variable `var` of neuron `i` (SI units).
    fn set(&mut self, var: usize, i: usize, value: f64);
}

/// A neuron model: its spec, how to build a shard, and how weights map to its inputs.
pub struct NeuronModel {
    /// Parameters, state and receptors, for the parser.
    pub spec: &'static KindSpec,
    /// Builds a shard of `n` neurons with parameters `params`.
    pub build: fn(params: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron>,
    /// Factor from an SI weight of dimension `dim` to the unit of the model's inputs.
    pub weight_scale: fn(params: &Params, dim: Dim) -> f64,
}

/// Every neuron model engram knows. A new model is a new file and one line here.
pub static MODELS: &[&NeuronModel] = &[
    &adex::MODEL,
    &alif::MODEL,
    &hh::MODEL,
    &izhikevich::MODEL,
    &lif::MODEL,
    &lif_cond::MODEL,
    &poisson_generator::MODEL,
    &spike_generator::MODEL,
];

/// The model called `name`.
pub fn model(name: &str) -> Option<&'static NeuronModel> {
    MODELS.iter().copied().find(|m| m.spec.name == name)
}

/// The registry the model parser checks files against.
pub struct Models;

impl Registry for Models {
    fn kind(&self, name: &str) -> Option<&'static KindSpec> {
        model(name).map(|m| m.spec)
    }
    fn names(&self) -> Vec<&'static str> {
        MODELS.iter().map(|m| m.spec.name).collect()
    }
    fn plasticity(&self, name: &str) -> Option<&'static engram_model::PlasticitySpec> {
        crate::plasticity::spec(name)
    }
    fn plasticity_names(&self) -> Vec<&'static str> {
        crate::plasticity::RULES.iter().map(|s| s.name).collect()
    }
    fn short_term_names(&self) -> Vec<&'static str> {
        crate::plasticity::SHORT_TERM_RULES.iter().map(|s| s.name).collect()
    }
}

/// Weight dimensions of models whose inputs are voltage jumps only.
pub fn voltage_weights(_: &Params) -> &'static [Dim] {
    &[Dim::VOLTAGE]
}

/// Weight dimensions of conductance-based models.
pub fn conductance_weights(_: &Params) -> &'static [Dim] {
    &[Dim::CONDUCTANCE]
}

/// Weight dimensions of generators, which receive no synapses.
pub fn no_weights(_: &Params) -> &'static [Dim] {
    &[]
}

/// A weight scale of one: the model takes SI weights as they are.
pub fn si_weights(_: &Params, _: Dim) -> f64 {
    1.0
}

/// Appends the indices `i` with `fired[i] != 0`, in increasing order. Models that mark
/// spikes in a byte mask (so their update loop has no branch) finish with this; it
/// skips 64 silent neurons at a time (one vectorised OR over the block; at a few Hz
/// nearly every block is silent), then eight at a time within a block that fired.
/// In a two-thread CUBA run (100,000 neurons, perf) the scan fell from 5.5 % of the
/// samples (eight at a time alone) to 1.3 %.
pub fn collect_fired(fired: &[u8], spiked: &mut Vec<u32>) {
    let mut blocks = fired.chunks_exact(64);
    for (b, block) in blocks.by_ref().enumerate() {
        if block.iter().fold(0u8, |acc, &f| acc | f) != 0 {
            collect_in(block, b * 64, spiked);
        }
    }
    let rest = blocks.remainder();
    collect_in(rest, fired.len() - rest.len(), spiked);
}

/// [`collect_fired`] within one block starting at neuron `base`.
fn collect_in(fired: &[u8], base: usize, spiked: &mut Vec<u32>) {
    let mut chunks = fired.chunks_exact(8);
    for (c, chunk) in chunks.by_ref().enumerate() {
        if u64::from_ne_bytes(chunk.try_into().expect("chunks of 8")) != 0 {
            for (k, &f) in chunk.iter().enumerate() {
                if f != 0 {
                    spiked.push((base + c * 8 + k) as u32);
                }
            }
        }
    }
    let tail = fired.len() - chunks.remainder().len();
    for (k, &f) in chunks.remainder().iter().enumerate() {
        if f != 0 {
            spiked.push((base + tail + k) as u32);
        }
    }
}

/// Integrates unless refractory, then thresholds and resets, without branches, so the
/// update loops vectorise; spikes are marked in `fired` and collected afterwards.
/// Measured with cachegrind on CUBA at 100,000 neurons (`lif`, AVX2): 4 instructions
/// per neuron and step, against 14 for a branching loop that pushed spikes as it went.
#[inline(always)]
pub(crate) fn membrane(
    v: &mut f32,
    refractory: &mut u32,
    fired: &mut u8,
    integrated: f32,
    v_th: f32,
    v_reset: f32,
    ref_steps: u32,
) {
    let r = *refractory;
    let v1 = if r == 0 { integrated } else { *v };
    let fire = v1 >= v_th;
    *v = if fire { v_reset } else { v1 };
    *refractory = if fire { ref_steps } else { r.saturating_sub(1) };
    *fired = fire as u8;
}

/// A quantity parameter with a default, for the models' parameter tables.
pub(crate) const fn q(name: &'static str, dim: Dim, default: f64, doc: &'static str) -> ParamSpec {
    ParamSpec { name, kind: ParamKind::Quantity(dim, Default::Value(default)), doc }
}

/// A `check` step: every parameter in `keys` must be positive, in every neuron.
pub(crate) fn require_positive(p: &Params, keys: &[&'static str]) -> Result<(), (&'static str, String)> {
    keys.iter().try_for_each(|&k| require_above(p, k, 0.0, true, "expected a positive value"))
}

/// A `check` step: parameter `key` must be above `bound` (at least `bound` unless
/// `strict`) in every neuron; `expected` is the message for a single value. A value per
/// neuron is checked neuron by neuron, a distribution over the range its draws reach
/// ([`Params::range`]).
pub(crate) fn require_above(
    p: &Params,
    key: &'static str,
    bound: f64,
    strict: bool,
    expected: &str,
) -> Result<(), (&'static str, String)> {
    let ok = |x: f64| if strict { x > bound } else { x >= bound };
    if let Some(values) = p.per_neuron(key) {
        return match values.iter().position(|&x| !ok(x)) {
            Some(k) => {
                Err((key, format!("{expected} in every neuron, found {} in neuron {k} (SI units)", si(values[k]))))
            }
            None => Ok(()),
        };
    }
    let (lowest, _) = p.range(key).unwrap_or_else(|| panic!("`{key}` has a default"));
    match (ok(lowest), p.varies(key)) {
        (true, _) => Ok(()),
        (false, false) => Err((key, expected.into())),
        (false, true) => Err((
            key,
            format!(
                "{expected} in every neuron, but draws of this distribution reach {} (SI units): bound it with \
                 `low`, or use uniform or lognormal",
                si(lowest)
            ),
        )),
    }
}

/// A `check` step: parameter `lo` must be below `hi` in every neuron (`v_reset` below
/// `v_th`, say); `expected` is the message for single values. Values per neuron are
/// compared neuron by neuron; with a distribution, the ranges its draws reach
/// ([`Params::range`]) must not overlap. The error names the parameter that varies.
pub(crate) fn require_below(
    p: &Params,
    lo: &'static str,
    hi: &'static str,
    expected: &str,
) -> Result<(), (&'static str, String)> {
    let key = if p.varies(hi) && !p.varies(lo) { hi } else { lo };
    if !p.varies(lo) && !p.varies(hi) {
        return if p.f(lo) < p.f(hi) { Ok(()) } else { Err((key, expected.into())) };
    }
    let at = |k: &str, i: usize| p.per_neuron(k).map_or_else(|| p.f(k), |v| v[i]);
    let given = |k: &str| p.per_neuron(k).map(<[f64]>::len).or((!p.varies(k)).then_some(usize::MAX));
    if let (Some(a), Some(b)) = (given(lo), given(hi)) {
        let bad = (0..a.min(b)).find(|&i| at(lo, i) >= at(hi, i));
        return match bad {
            Some(i) => Err((
                key,
                format!(
                    "{expected} in every neuron, found {lo} = {} and {hi} = {} in neuron {i} (SI units)",
                    si(at(lo, i)),
                    si(at(hi, i))
                ),
            )),
            None => Ok(()),
        };
    }
    let (highest_lo, lowest_hi) = (p.range(lo).expect("a default").1, p.range(hi).expect("a default").0);
    if highest_lo < lowest_hi {
        return Ok(());
    }
    Err((
        key,
        format!(
            "{expected} in every neuron, but draws reach {lo} = {} and {hi} = {} (SI units): bound the \
             distribution with `low` and `high`",
            si(highest_lo),
            si(lowest_hi)
        ),
    ))
}

/// `x` to ten significant digits, so a value computed in a message (a normal's
/// `-55 mV - 8 · 2 mV`) reads as written: `-0.071`, not `-0.07100000000000001`.
fn si(x: f64) -> f64 {
    format!("{x:.9e}").parse().unwrap_or(x)
}

/// A `weight_refusal` for models whose synaptic currents are kept as `R I` (`lif`,
/// `alif`): why a current weight is refused when `tau_m` varies per neuron.
pub(crate) fn current_weight_refusal(p: &Params, dim: Dim) -> Option<&'static str> {
    (dim == Dim::CURRENT && p.varies("tau_m")).then_some(
        "with a value of tau_m per neuron the weights are voltages, the jump of R·I: the synaptic current is kept \
         as R·I (R = tau_m / c_m) and one factor converts all of a projection's current weights into it, while R \
         here differs from neuron to neuron",
    )
}

#[cfg(test)]
mod tests {
    use super::collect_fired;

    /// Every marked index, in order, for lengths around the block sizes and for sparse
    /// and dense masks.
    #[test]
    fn collect_fired_finds_every_marked_neuron_in_order() {
        let mut state = 12345u64;
        for len in [0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 1000] {
            for density in [0.0, 0.01, 0.3, 1.0] {
                let fired: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        ((state >> 11) as f64 / (1u64 << 53) as f64) < density
                    })
                    .map(u8::from)
                    .collect();
                let mut got = Vec::new();
                collect_fired(&fired, &mut got);
                let want: Vec<u32> = (0..len as u32).filter(|&i| fired[i as usize] != 0).collect();
                assert_eq!(got, want, "length {len}, density {density}");
            }
        }
    }
}
