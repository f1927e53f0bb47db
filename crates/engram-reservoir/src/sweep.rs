//! Hyper-parameter sweeps: one experiment per point of a one- or two-dimensional grid,
//! run in parallel over the points (rayon), scored by the task's headline metric.

use rayon::prelude::*;

use crate::experiment::{run, Experiment, ReadoutSpec, Task};
use crate::lockstep::usable_threads;

/// A parameter that can be swept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepParam {
    /// `reservoir.spectral_radius`.
    SpectralRadius,
    /// `reservoir.leak_rate`.
    LeakRate,
    /// `reservoir.input_scaling`.
    InputScaling,
    /// `readout.ridge` (a fixed ridge readout).
    Ridge,
}

impl SweepParam {
    /// The names used in `[sweep]` tables.
    pub const NAMES: [&'static str; 4] = ["spectral_radius", "leak_rate", "input_scaling", "ridge"];

    /// The parameter of a name.
    pub fn from_name(name: &str) -> Option<SweepParam> {
        match name {
            "spectral_radius" => Some(SweepParam::SpectralRadius),
            "leak_rate" => Some(SweepParam::LeakRate),
            "input_scaling" => Some(SweepParam::InputScaling),
            "ridge" => Some(SweepParam::Ridge),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    fn apply(self, exp: &mut Experiment, value: f64) {
        match self {
            SweepParam::SpectralRadius => exp.esn.spectral_radius = value,
            SweepParam::LeakRate => exp.esn.leak_rate = value,
            SweepParam::InputScaling => exp.esn.input_scaling = value,
            SweepParam::Ridge => exp.readout = ReadoutSpec::Ridge(value),
        }
    }
}

/// The grid: one or two parameters with their values.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The axes, first varying slowest.
    pub axes: Vec<(SweepParam, Vec<f64>)>,
}

/// One point of a sweep and its outcome.
#[derive(Clone, Debug)]
pub struct SweepPoint {
    /// The value of each axis.
    pub values: Vec<f64>,
    /// The headline metric (see [`headline_metric`]).
    pub score: f64,
    /// Fit and run seconds.
    pub fit_s: f64,
    /// Run seconds.
    pub run_s: f64,
}

/// The metric a sweep reports for a task: memory capacity (higher is better) or NRMSE.
pub fn headline_metric(task: &Task) -> &'static str {
    match task {
        Task::MemoryCapacity { .. } => "memory_capacity",
        _ => "nrmse",
    }
}

/// Runs every point of the grid around `base`, in parallel; `done` is called after
/// each point (for a progress bar).
pub fn run_sweep(base: &Experiment, sweep: &Sweep, done: &(dyn Fn() + Sync)) -> Vec<SweepPoint> {
    let mut points: Vec<Vec<f64>> = vec![Vec::new()];
    for (_, values) in &sweep.axes {
        points = points.into_iter().flat_map(|p| values.iter().map(move |v| [p.clone(), vec![*v]].concat())).collect();
    }
    let metric = headline_metric(&base.task);
    // The points share the threads: each runs in a pool of its share of them. A
    // point's own run keeps its threads busy in lock step (`lockstep.rs`), so points
    // running side by side, each with all the threads, would make them wait for each
    // other at every step.
    let per_point = (usable_threads() / points.len().max(1)).max(1);
    points
        .into_par_iter()
        .map(|values| {
            let mut exp = base.clone();
            for ((param, _), v) in sweep.axes.iter().zip(&values) {
                param.apply(&mut exp, *v);
            }
            let pool = rayon::ThreadPoolBuilder::new().num_threads(per_point).build().expect("a thread pool starts");
            let o = pool.install(|| run(&exp));
            done();
            SweepPoint { score: o.metrics[metric], fit_s: o.fit_s, run_s: o.run_s, values }
        })
        .collect()
}
