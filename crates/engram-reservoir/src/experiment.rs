//! A reservoir experiment: a task's data, an echo-state network, a readout, the scores.
//!
//! The reservoir runs once through the series, as reservoirpy's `esn.fit(x_train,
//! y_train, warmup)` followed by `esn.run(x_test)`: the training phase ("fit", timed as
//! `fit_s`) drives the reservoir over the training inputs and solves the readout from
//! the states after the washout; the test phase ("run", `run_s`) continues from the
//! last training state. In generation mode the test phase feeds each prediction back
//! as the next input (closed loop).

use std::collections::BTreeMap;
use std::time::Instant;

use faer::MatRef;

use crate::esn::{Esn, EsnParams};
use crate::intrinsic::{train_intrinsic, IpParams};
use crate::metrics::{nrmse, nrmse_range, r_squared, squared_correlation, valid_prediction_steps};
use crate::online::{OnlineKind, OnlineReadout};
use crate::ridge::{cross_validate, Moments, Ridge};
use crate::tasks::{lorenz, mackey_glass, narma, uniform_input, MackeyGlass};

/// Threshold of the valid prediction time (Pathak et al. 2018).
pub const VALID_TIME_THRESHOLD: f64 = 0.4;

/// What the readout predicts from the input.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    /// The Mackey-Glass series `horizon` steps ahead.
    MackeyGlass {
        /// Series parameters.
        params: MackeyGlass,
        /// Steps ahead.
        horizon: usize,
        /// Rescale the series to [−1, 1] first.
        normalise: bool,
    },
    /// NARMA of `order` from its input.
    Narma {
        /// The order (10 for NARMA-10).
        order: usize,
    },
    /// Recall of the input 1..=`max_delay` steps back (Jaeger 2002).
    MemoryCapacity {
        /// Largest delay.
        max_delay: usize,
    },
    /// The Lorenz-63 state `horizon` samples ahead, each coordinate z-scored.
    Lorenz {
        /// Sampling interval.
        h: f64,
        /// Steps ahead.
        horizon: usize,
    },
    /// A periodic pattern generated with no input, from the readout's feedback alone
    /// (Sussillo & Abbott 2009, Fig. 2; [`crate::tasks::sines`]).
    Sines {
        /// Steps per period.
        period: usize,
    },
}

impl Task {
    /// The task's name as in configuration files.
    pub fn name(&self) -> &'static str {
        match self {
            Task::MackeyGlass { .. } => "mackey_glass",
            Task::Narma { .. } => "narma",
            Task::MemoryCapacity { .. } => "memory_capacity",
            Task::Lorenz { .. } => "lorenz",
            Task::Sines { .. } => "sines",
        }
    }

    /// Whether the reservoir has no input: its one input channel stays 0, in training
    /// and in generation, and only the fed-back output drives it.
    pub fn autonomous(&self) -> bool {
        matches!(self, Task::Sines { .. })
    }
}

/// How predictions are made in the test phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Each prediction from the true input.
    OneStep,
    /// Each prediction from the previous prediction (autonomous generation).
    Generation,
}

/// How the readout is trained.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadoutSpec {
    /// Ridge regression with a fixed `λ`.
    Ridge(f64),
    /// Ridge regression with `λ` chosen among `candidates` by `folds`-fold CV.
    RidgeCv {
        /// The candidates for `λ`.
        candidates: Vec<f64>,
        /// Number of folds.
        folds: usize,
    },
    /// An online readout (RLS, or FORCE in closed loop).
    Online(OnlineKind),
}

/// Everything an experiment needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// The task.
    pub task: Task,
    /// One-step or generation.
    pub mode: Mode,
    /// The reservoir.
    pub esn: EsnParams,
    /// The readout.
    pub readout: ReadoutSpec,
    /// Training steps (including the washout).
    pub train: usize,
    /// Test steps.
    pub test: usize,
    /// Initial training steps whose states are discarded.
    pub washout: usize,
    /// Seed of the task's data.
    pub seed: u64,
    /// Intrinsic plasticity on the training input before the readout is fitted.
    pub intrinsic: Option<IpParams>,
}

/// Scores, timings and the test series of one experiment.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Named scores: `nrmse`, `nrmse_range`, `r2`, `valid_steps`, `memory_capacity`, ….
    pub metrics: BTreeMap<&'static str, f64>,
    /// Seconds to drive the reservoir over the training inputs and fit the readout.
    pub fit_s: f64,
    /// Seconds to drive it over the test inputs and predict.
    pub run_s: f64,
    /// The whole input series (training then test), `input_dim` values per step.
    pub input: Vec<f64>,
    /// Values per step of `input`.
    pub input_dim: usize,
    /// The whole target series (training then test), `dim` values per step.
    pub target: Vec<f64>,
    /// The test targets, `dim` values per step.
    pub truth: Vec<f64>,
    /// The test predictions, `dim` values per step.
    pub prediction: Vec<f64>,
    /// Values per step of `truth` and `prediction`.
    pub dim: usize,
    /// Memory capacity per delay (memory-capacity task only).
    pub per_delay: Vec<f64>,
    /// The regularisation used, and the cross-validation scores when it was chosen.
    pub ridge: Option<f64>,
    /// `(λ, validation MSE)` per candidate.
    pub cv_scores: Vec<(f64, f64)>,
    /// Spectral radius of `W` before scaling (Arnoldi).
    pub raw_radius: f64,
}

/// Input and target series of a task: `(input, input dim, target, target dim)`.
type Data = (Vec<f64>, usize, Vec<f64>, usize);

/// The input and target series, `steps` of each.
pub fn task_data(task: &Task, steps: usize, seed: u64) -> Data {
    match task {
        Task::MackeyGlass { params, horizon, normalise } => {
            let mut x = mackey_glass(params, steps + horizon, seed, None);
            if *normalise {
                let (lo, hi) = x.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
                x.iter_mut().for_each(|v| *v = 2.0 * (*v - lo) / (hi - lo) - 1.0);
            }
            (x[..steps].to_vec(), 1, x[*horizon..].to_vec(), 1)
        }
        Task::Narma { order } => {
            let (u, y) = narma(steps, *order, seed);
            (u, 1, y, 1)
        }
        Task::MemoryCapacity { max_delay } => {
            let u = uniform_input(steps, seed);
            let k = *max_delay;
            let mut y = vec![0.0; steps * k];
            for t in 0..steps {
                for d in 1..=k.min(t) {
                    y[t * k + d - 1] = u[t - d];
                }
            }
            (u, 1, y, k)
        }
        Task::Lorenz { h, horizon } => {
            let mut s = lorenz(steps + horizon, *h);
            for d in 0..3 {
                let col: Vec<f64> = s.iter().skip(d).step_by(3).copied().collect();
                let (mean, std) = crate::metrics::mean_std(&col);
                s.iter_mut().skip(d).step_by(3).for_each(|v| *v = (*v - mean) / std);
            }
            (s[..3 * steps].to_vec(), 3, s[3 * horizon..].to_vec(), 3)
        }
        Task::Sines { period } => (vec![0.0; steps], 1, crate::tasks::sines(steps, *period), 1),
    }
}

/// Runs an experiment.
pub fn run(exp: &Experiment) -> Outcome {
    // Building the reservoir (drawing W and setting its spectral radius) counts as
    // fitting, as in reservoirpy, whose `fit` initialises the reservoir.
    let fit_start = Instant::now();
    let (din, dout) = task_dims(&exp.task);
    let esn = Esn::new(&exp.esn, din, dout);
    run_on(exp, esn, fit_start)
}

/// Input and output dimensions of a task.
pub fn task_dims(task: &Task) -> (usize, usize) {
    match task {
        Task::MemoryCapacity { max_delay } => (1, *max_delay),
        Task::Lorenz { .. } => (3, 3),
        Task::Sines { .. } => (1, 1),
        _ => (1, 1),
    }
}

/// Runs an experiment on a given reservoir (built for the task's dimensions), timing
/// the fit from `fit_start`.
pub fn run_on(exp: &Experiment, mut esn: Esn, fit_start: Instant) -> Outcome {
    let steps = exp.train + exp.test;
    let (input, din, target, dout) = task_data(&exp.task, steps, exp.seed);
    if let Some(ip) = &exp.intrinsic {
        train_intrinsic(&mut esn, &input[..exp.train * din], din, ip);
    }
    // Memory capacity needs every delayed target defined in the fitted states.
    let washout = match exp.task {
        Task::MemoryCapacity { max_delay } => exp.washout.max(max_delay),
        _ => exp.washout,
    };
    let n = esn.units();
    // With feedback, the output fed back at step t is the target of step t − 1
    // (teacher forcing), zero before the first step.
    let fed_back: Vec<f64> = if esn.w_fb.is_some() {
        std::iter::repeat_n(0.0, dout).chain(target[..(steps - 1) * dout].iter().copied()).collect()
    } else {
        Vec::new()
    };
    let series = Series { input: &input, din, fed_back: &fed_back, target: &target, dout };

    let mut ridge_used = None;
    let mut cv_scores = Vec::new();
    let readout: Readout = match &exp.readout {
        ReadoutSpec::Online(kind) => {
            let mut online = OnlineReadout::new(*kind, n, dout);
            let own_input = !exp.task.autonomous();
            online.train(&mut esn, &input[..exp.train * din], din, &target[..exp.train * dout], washout, own_input);
            Readout::Online(online)
        }
        ReadoutSpec::Ridge(ridge) => {
            // The moments take the states block by block: no buffer of all training
            // states (160 MB for 10,000 steps of 2,000 units, whose page faults cost a
            // tenth of the run), and the Gram product reads each block from cache.
            let moments = training_moments(&mut esn, &series, exp.train, washout, block_steps(n));
            ridge_used = Some(*ridge);
            Readout::Ridge(Ridge::from_moments(&moments, *ridge))
        }
        spec => {
            let states = esn.run(&input[..exp.train * din], din, series.fed_back(0, exp.train));
            let kept = exp.train - washout;
            let s = MatRef::from_column_major_slice(&states[washout * n..], n, kept);
            let y = MatRef::from_row_major_slice(&target[washout * dout..exp.train * dout], kept, dout);
            let ReadoutSpec::RidgeCv { candidates, folds } = spec else { unreachable!("handled above") };
            let cv = cross_validate(s, y, candidates, *folds);
            cv_scores = cv.scores;
            ridge_used = Some(cv.readout.ridge);
            Readout::Ridge(cv.readout)
        }
    };
    let fit_s = fit_start.elapsed().as_secs_f64();

    let run_start = Instant::now();
    let truth = target[exp.train * dout..].to_vec();
    let prediction = match exp.mode {
        Mode::OneStep => {
            let mut prediction = Vec::with_capacity(exp.test * dout);
            run_blocks(&mut esn, &series, exp.train..steps, block_steps(n), |_, states| {
                prediction.extend(readout.predict_all(states, n, dout));
            });
            prediction
        }
        Mode::Generation => esn.generate(exp.test, din, dout, !exp.task.autonomous(), |x, y| readout.predict_one(x, y)),
    };
    let run_s = run_start.elapsed().as_secs_f64();

    let (metrics, per_delay) = score(&exp.task, exp.mode, &truth, &prediction, dout);
    Outcome {
        metrics,
        fit_s,
        run_s,
        input,
        input_dim: din,
        target,
        truth,
        prediction,
        dim: dout,
        per_delay,
        ridge: ridge_used,
        cv_scores,
        raw_radius: esn.raw_radius,
    }
}

/// The scores of a test prediction: memory capacity (and its per-delay terms) for the
/// memory task, else NRMSE, NRMSE by range, R² and, in generation, the valid steps.
pub(crate) fn score(
    task: &Task,
    mode: Mode,
    truth: &[f64],
    prediction: &[f64],
    dout: usize,
) -> (BTreeMap<&'static str, f64>, Vec<f64>) {
    let mut metrics = BTreeMap::new();
    let mut per_delay = Vec::new();
    match *task {
        Task::MemoryCapacity { max_delay } => {
            for d in 0..max_delay {
                let col = |v: &[f64]| v.iter().skip(d).step_by(max_delay).copied().collect::<Vec<_>>();
                per_delay.push(squared_correlation(&col(truth), &col(prediction)));
            }
            metrics.insert("memory_capacity", per_delay.iter().sum());
        }
        _ => {
            metrics.insert("nrmse", nrmse(truth, prediction));
            metrics.insert("nrmse_range", nrmse_range(truth, prediction));
            metrics.insert("r2", r_squared(truth, prediction));
            if mode == Mode::Generation {
                let v = valid_prediction_steps(truth, prediction, dout, VALID_TIME_THRESHOLD);
                metrics.insert("valid_steps", v as f64);
            }
        }
    }
    (metrics, per_delay)
}

/// States held in memory at once by [`run_blocks`]: 16 MiB, which stay in the last
/// level cache until they are used.
const BLOCK_BYTES: usize = 16 << 20;

/// Steps per block of [`run_blocks`] for `n` units.
fn block_steps(n: usize) -> usize {
    (BLOCK_BYTES / (std::mem::size_of::<f64>() * n.max(1))).max(64)
}

/// A task's series: `din` inputs, `dout` targets and, with feedback, `dout` fed-back
/// outputs per step (empty without feedback).
struct Series<'a> {
    input: &'a [f64],
    din: usize,
    fed_back: &'a [f64],
    target: &'a [f64],
    dout: usize,
}

impl Series<'_> {
    /// Steps `lo..hi` of the fed-back series, or nothing without feedback.
    fn fed_back(&self, lo: usize, hi: usize) -> Option<(&[f64], usize)> {
        (!self.fed_back.is_empty()).then(|| (&self.fed_back[lo * self.dout..hi * self.dout], self.dout))
    }
}

/// Runs `esn` over `steps` of the series `block` steps at a time, handing each block of
/// states (`N` per step) to `consume` with the index of its first step.
fn run_blocks(
    esn: &mut Esn,
    series: &Series<'_>,
    steps: std::ops::Range<usize>,
    block: usize,
    mut consume: impl FnMut(usize, &[f64]),
) {
    let (n, din) = (esn.units(), series.din);
    let block = block.max(1);
    let mut buffer = vec![0.0; block.min(steps.len()) * n];
    let mut t0 = steps.start;
    while t0 < steps.end {
        let t1 = (t0 + block).min(steps.end);
        let states = &mut buffer[..(t1 - t0) * n];
        esn.run_into(&series.input[t0 * din..t1 * din], din, series.fed_back(t0, t1), states);
        consume(t0, states);
        t0 = t1;
    }
}

/// The moments of the states of the first `train` steps after the `washout` and their
/// targets, the states taken `block` steps at a time.
fn training_moments(esn: &mut Esn, series: &Series<'_>, train: usize, washout: usize, block: usize) -> Moments {
    let (n, dout) = (esn.units(), series.dout);
    let mut moments = Moments::zeros(n, dout);
    run_blocks(esn, series, 0..train, block, |t0, states| {
        let len = states.len() / n;
        let skip = washout.saturating_sub(t0).min(len);
        let kept = len - skip;
        let s = MatRef::from_column_major_slice(&states[skip * n..], n, kept);
        let y = MatRef::from_row_major_slice(&series.target[(t0 + skip) * dout..(t0 + len) * dout], kept, dout);
        moments.add(s, y);
    });
    moments
}

/// A trained readout of either kind.
#[derive(Clone, Debug)]
pub enum Readout {
    /// Fitted in closed form.
    Ridge(Ridge),
    /// Trained online (RLS or FORCE).
    Online(OnlineReadout),
}

impl Readout {
    /// The output for one state.
    pub fn predict_one(&self, state: &[f64], out: &mut [f64]) {
        match self {
            Readout::Ridge(r) => r.predict_one(state, out),
            Readout::Online(o) => o.predict_one(state, out),
        }
    }

    /// The number of outputs.
    pub fn outputs(&self) -> usize {
        match self {
            Readout::Ridge(r) => r.weights.ncols(),
            Readout::Online(o) => o.outputs(),
        }
    }

    /// The weights (`units × outputs`, row-major) and the intercept (`outputs`).
    pub fn weights_and_intercept(&self) -> (Vec<f64>, Vec<f64>) {
        match self {
            Readout::Ridge(r) => {
                let (n, k) = (r.weights.nrows(), r.weights.ncols());
                ((0..n * k).map(|i| r.weights[(i / k, i % k)]).collect(), r.intercept.clone())
            }
            Readout::Online(o) => o.weights_and_intercept(),
        }
    }

    /// Outputs for `states` (`n` values per step), `dout` per step.
    pub fn predict_all(&self, states: &[f64], n: usize, dout: usize) -> Vec<f64> {
        match self {
            Readout::Ridge(r) => {
                let t = states.len() / n;
                let p = r.predict(MatRef::from_column_major_slice(states, n, t));
                (0..t).flat_map(|i| (0..dout).map(move |j| (i, j))).map(|(i, j)| p[(i, j)]).collect()
            }
            Readout::Online(o) => {
                let mut out = vec![0.0; states.len() / n * dout];
                for (x, y) in states.chunks(n).zip(out.chunks_mut(dout)) {
                    o.predict_one(x, y);
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_in_blocks_gives_the_states_of_one_run() {
        // With feedback, so that both series are cut at the right steps; the blocks
        // (7 steps) do not divide the run (50 steps).
        let p = EsnParams { units: 300, feedback_scaling: 0.3, leak_rate: 0.5, ..EsnParams::default() };
        let (din, dout) = (2, 3);
        let input: Vec<f64> = (0..60 * din).map(|i| (i as f64 * 0.37).sin()).collect();
        let fed_back: Vec<f64> = (0..60 * dout).map(|i| (i as f64 * 0.11).cos()).collect();
        let mut whole = Esn::new(&p, din, dout);
        let series = Series { input: &input, din, fed_back: &fed_back, target: &[], dout };
        whole.run(&input[..5 * din], din, series.fed_back(0, 5));
        let expect = whole.run(&input[5 * din..55 * din], din, series.fed_back(5, 55));
        let mut blocks = Esn::new(&p, din, dout);
        blocks.run(&input[..5 * din], din, series.fed_back(0, 5));
        let mut got = Vec::new();
        let mut firsts = Vec::new();
        run_blocks(&mut blocks, &series, 5..55, 7, |t0, states| {
            firsts.push(t0);
            got.extend_from_slice(states);
        });
        assert_eq!(firsts, (5..55).step_by(7).collect::<Vec<_>>());
        assert_eq!(got, expect);
        assert_eq!(blocks.state, whole.state);
    }

    #[test]
    fn moments_taken_in_blocks_are_those_of_the_stored_states() {
        // A washout (23 steps) longer than a block (10 steps): the first blocks are
        // skipped whole, the third in part.
        let p = EsnParams { units: 40, leak_rate: 0.5, ..EsnParams::default() };
        let input: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin()).collect();
        let target: Vec<f64> = (0..100).map(|i| (i as f64 * 0.11).cos()).collect();
        let series = Series { input: &input, din: 1, fed_back: &[], target: &target, dout: 1 };
        let blocks = training_moments(&mut Esn::new(&p, 1, 1), &series, 80, 23, 10);
        let states = Esn::new(&p, 1, 1).run(&input[..80], 1, None);
        let whole = Moments::of(
            MatRef::from_column_major_slice(&states[23 * 40..], 40, 57),
            MatRef::from_row_major_slice(&target[23..80], 57, 1),
        );
        assert_eq!(blocks.count, 57);
        for i in 0..40 {
            assert!((blocks.sum_x[i] - whole.sum_x[i]).abs() < 1e-12);
            assert!((blocks.xy[(i, 0)] - whole.xy[(i, 0)]).abs() < 1e-12);
            for j in 0..=i {
                assert!((blocks.xx[(i, j)] - whole.xx[(i, j)]).abs() < 1e-12);
            }
        }
        assert!((blocks.sum_y[0] - whole.sum_y[0]).abs() < 1e-12);
    }
}
