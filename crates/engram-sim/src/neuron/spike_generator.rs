//! Spike generator (`spike_generator`): neurons fire at given times, as Brian2's
//! `SpikeGeneratorGroup(N, indices, times)` and NEST's `spike_generator`.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `times` | `[]` | spike times |
//! | `ids` | all 0 | the neuron that fires at each time (same length as `times`) |
//!
//! Times are rounded to the nearest step; two spikes of one neuron in the same step
//! count once.

use engram_model::{Dim, KindSpec, ParamKind as P, ParamSpec, Params};

use super::{no_weights, si_weights, BuildCtx, Neuron, NeuronModel};

static SPEC: KindSpec = KindSpec {
    name: "spike_generator",
    doc: "neurons that fire at given times",
    params: &[
        ParamSpec { name: "times", kind: P::QuantityList(Dim::TIME), doc: "spike times" },
        ParamSpec { name: "ids", kind: P::IndexList, doc: "neuron of each spike time" },
    ],
    state: &[],
    receptors: &[],
    weight_dims: no_weights,
    accepts_input: false,
    check,
    per_neuron: &[],
    weight_refusal: engram_model::no_refusal,
};

/// The registry entry.
pub static MODEL: NeuronModel = NeuronModel { spec: &SPEC, build, weight_scale: si_weights };

fn check(p: &Params) -> Result<(), (&'static str, String)> {
    let (t, ids) = (p.list("times"), p.indices("ids"));
    if !ids.is_empty() && ids.len() != t.len() {
        return Err(("ids", format!("expected one id per spike time: {} times but {} ids", t.len(), ids.len())));
    }
    if t.iter().any(|&x| x < 0.0) {
        return Err(("times", "expected spike times ≥ 0".into()));
    }
    Ok(())
}

struct SpikeGenerator {
    n: usize,
    /// (step, local index), sorted.
    events: Vec<(u64, u32)>,
    cursor: usize,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let ids = p.indices("ids");
    let mut events: Vec<(u64, u32)> = p
        .list("times")
        .iter()
        .enumerate()
        .map(|(k, &t)| ((t / ctx.dt).round() as u64, ids.get(k).copied().unwrap_or(0) as usize))
        .filter(|&(_, id)| id >= ctx.first && id < ctx.first + n)
        .map(|(s, id)| (s, (id - ctx.first) as u32))
        .collect();
    events.sort_unstable();
    events.dedup();
    Box::new(SpikeGenerator { n, events, cursor: 0 })
}

impl Neuron for SpikeGenerator {
    fn len(&self) -> usize {
        self.n
    }

    fn step(&mut self, step: u64, _input: &mut [f32], _i_ext: f64, spiked: &mut Vec<u32>) {
        while let Some(&(s, id)) = self.events.get(self.cursor) {
            if s > step {
                break;
            }
            if s == step {
                spiked.push(id);
            }
            self.cursor += 1;
        }
    }

    fn get(&self, _var: usize, _i: usize) -> f64 {
        f64::NAN
    }

    fn set(&mut self, _var: usize, _i: usize, _value: f64) {}
}
