//! Poisson spike generator (`poisson_generator`): every neuron of the population fires
//! an independent Poisson train of rate `rate`.
//!
//! On the time grid a neuron fires in a step with probability `1 - exp(-rate dt)`, the
//! probability that a Poisson process has at least one event in the step (a neuron
//! cannot fire twice in one step; for `rate dt` ≪ 1 this is NEST's and Brian2's
//! `PoissonGroup` behaviour). Rather than one uniform draw per neuron and step, each
//! neuron draws the number of silent steps before its next spike from the geometric
//! distribution, so the cost is per spike, not per step.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `rate` | required | firing rate of each neuron |
//! | `start` | 0 ms | no spikes before this time |
//! | `stop` | never | no spikes from this time on |

use engram_model::{Default as D, Dim, KindSpec, ParamKind as P, ParamSpec, Params};
use rand_distr::{Distribution, Geometric};

use super::{no_weights, si_weights, BuildCtx, Neuron, NeuronModel};
use crate::rng::{stream, Purpose, Stream};

static SPEC: KindSpec = KindSpec {
    name: "poisson_generator",
    doc: "independent Poisson spike trains, one per neuron",
    params: &[
        ParamSpec { name: "rate", kind: P::Quantity(Dim::FREQUENCY, D::Required), doc: "firing rate of each neuron" },
        ParamSpec {
            name: "start",
            kind: P::Quantity(Dim::TIME, D::Value(0.0)),
            doc: "time of the first possible spike",
        },
        ParamSpec {
            name: "stop",
            kind: P::Quantity(Dim::TIME, D::Value(f64::INFINITY)),
            doc: "no spikes from this time on",
        },
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
    if p.f("rate") < 0.0 {
        return Err(("rate", "expected a rate ≥ 0".into()));
    }
    if p.f("stop") < p.f("start") {
        return Err(("stop", "expected stop at or after start".into()));
    }
    Ok(())
}

struct PoissonGenerator {
    /// Step of each neuron's next spike (`u64::MAX`: none).
    next: Vec<u64>,
    rngs: Vec<Stream>,
    skip: Option<Geometric>,
    stop_step: u64,
}

fn build(p: &Params, n: usize, ctx: &BuildCtx) -> Box<dyn Neuron> {
    let prob = 1.0 - (-p.f("rate") * ctx.dt).exp();
    let skip = (prob > 0.0).then(|| Geometric::new(prob).expect("probability is in (0, 1]"));
    let start_step = (p.f("start") / ctx.dt).round() as u64;
    let stop = p.f("stop");
    let stop_step = if stop.is_finite() { (stop / ctx.dt).round() as u64 } else { u64::MAX };
    let mut rngs: Vec<Stream> = (0..n)
        .map(|i| stream(ctx.seed, Purpose::PoissonGenerator, ctx.population as u64, (ctx.first + i) as u64))
        .collect();
    let next = rngs
        .iter_mut()
        .map(|r| match &skip {
            Some(g) => start_step.saturating_add(g.sample(r)),
            None => u64::MAX,
        })
        .collect();
    Box::new(PoissonGenerator { next, rngs, skip, stop_step })
}

impl Neuron for PoissonGenerator {
    fn len(&self) -> usize {
        self.next.len()
    }

    fn step(&mut self, step: u64, _input: &mut [f32], _i_ext: f64, spiked: &mut Vec<u32>) {
        if step >= self.stop_step {
            return;
        }
        let Some(g) = &self.skip else { return };
        for (i, next) in self.next.iter_mut().enumerate() {
            if *next == step {
                spiked.push(i as u32);
                *next = step.saturating_add(1 + g.sample(&mut self.rngs[i]));
            }
        }
    }

    fn get(&self, _var: usize, _i: usize) -> f64 {
        f64::NAN
    }

    fn set(&mut self, _var: usize, _i: usize, _value: f64) {}
}
