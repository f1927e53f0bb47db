//! A task run on a liquid-state machine ([`crate::liquid`]), end to end: adaptation,
//! training, test, scores, and the firing rates the adaptive rule reached.
//!
//! The liquid is first driven for `adapt` seconds by the task's own input (a prefix of
//! the series that is neither fitted nor scored), so that a homeostatic rule in the
//! model — Vogels et al. (2011) inhibitory STDP, `istdp_vogels`, which raises the
//! inhibition a neuron receives while it fires above its target `rho_0` and lowers it
//! below — brings every neuron to its target rate from whatever the weights were. The
//! rule stays on afterwards (as in Vogels et al.), so the readout sees the balanced
//! liquid; by then it only follows fluctuations. Then the training steps are run and the
//! readout (ridge, or RLS over the stored states) fitted on the filtered spike trains
//! after the washout ("fit", `fit_s`,
//! includes building the network and the adaptation), and the test steps are run and
//! predicted (`run_s`). Rates are measured per neuron over the training and test steps.

use std::time::Instant;

use engram_sim::SimError;
use faer::MatRef;

use crate::experiment::{score, task_data, task_dims, Experiment, Outcome, Readout, ReadoutSpec};
use crate::liquid::{target_rates, Liquid, LiquidParams};
use crate::online::{OnlineKind, OnlineReadout};
use crate::ridge::{cross_validate, Ridge};

/// Width of the windows of the population-rate curve (s).
pub const RATE_WINDOW: f64 = 1.0;

/// How close to its target a neuron's rate counts as reached (relative).
pub const RATE_TOLERANCE: f64 = 0.1;

/// Firing rates of one population driven to a target rate.
#[derive(Clone, Debug)]
pub struct PopulationRates {
    /// The population's name.
    pub name: String,
    /// The target rate (Hz).
    pub target: f64,
    /// Mean rate of the population in each [`RATE_WINDOW`] from the start (Hz).
    pub curve: Vec<f64>,
    /// Each neuron's rate over the training and test steps (Hz).
    pub neuron_rates: Vec<f64>,
}

impl PopulationRates {
    /// Mean of the neurons' rates over the training and test steps.
    pub fn mean(&self) -> f64 {
        self.neuron_rates.iter().sum::<f64>() / self.neuron_rates.len().max(1) as f64
    }

    /// Fraction of neurons whose rate is within [`RATE_TOLERANCE`] of the target.
    pub fn fraction_within_tolerance(&self) -> f64 {
        let ok = self.neuron_rates.iter().filter(|r| (*r / self.target - 1.0).abs() <= RATE_TOLERANCE).count();
        ok as f64 / self.neuron_rates.len().max(1) as f64
    }

    /// Largest relative deviation of a neuron's rate from the target.
    pub fn max_relative_error(&self) -> f64 {
        self.neuron_rates.iter().map(|r| (r / self.target - 1.0).abs()).fold(0.0, f64::max)
    }
}

/// The outcome of a liquid-state-machine experiment.
#[derive(Clone, Debug)]
pub struct LsmOutcome {
    /// Scores, timings and series, as for an echo-state network.
    pub outcome: Outcome,
    /// Rates of the populations that have a target rate.
    pub rates: Vec<PopulationRates>,
    /// Number of readout features (neurons × filter time constants).
    pub features: usize,
    /// Simulated seconds (adaptation, training and test).
    pub simulated_s: f64,
}

/// Runs `exp`'s task on the liquid `liquid` with `threads` workers. `exp.esn` is not
/// used; the readout is ridge regression or RLS (FORCE needs an input the readout can
/// drive, which a liquid does not have).
pub fn run_lsm(exp: &Experiment, liquid: &LiquidParams, threads: usize) -> Result<LsmOutcome, SimError> {
    let fit_start = Instant::now();
    let (din, dout) = task_dims(&exp.task);
    let adapt = liquid.adapt_samples();
    let steps = adapt + exp.train + exp.test;
    let (all_input, _, all_target, _) = task_data(&exp.task, steps, exp.seed);
    let (input, target) = (&all_input[adapt * din..], &all_target[adapt * dout..]);
    let targets = target_rates(liquid);
    let watched: Vec<usize> = (0..targets.len()).filter(|&p| targets[p].is_some()).collect();
    let mut machine = Liquid::new(liquid, din, threads, &watched)?;
    machine.run(&all_input[..adapt * din], din)?;
    let measure_from = machine.network.current_step();

    let washout = match exp.task {
        crate::experiment::Task::MemoryCapacity { max_delay } => exp.washout.max(max_delay),
        _ => exp.washout,
    };
    let n = liquid.features();
    let states = machine.run(&input[..exp.train * din], din)?;
    let kept = exp.train - washout;
    let s = MatRef::from_column_major_slice(&states[washout * n..], n, kept);
    let y = MatRef::from_row_major_slice(&target[washout * dout..exp.train * dout], kept, dout);
    let mut cv_scores = Vec::new();
    let readout = match &exp.readout {
        ReadoutSpec::Ridge(l) => Readout::Ridge(Ridge::fit(s, y, *l)),
        ReadoutSpec::RidgeCv { candidates, folds } => {
            let cv = cross_validate(s, y, candidates, *folds);
            cv_scores = cv.scores;
            Readout::Ridge(cv.readout)
        }
        // The liquid takes only the task's input, so RLS sees the same states whether
        // it learns during the run or after it: it is applied to the stored states.
        ReadoutSpec::Online(kind @ OnlineKind::Rls { .. }) => {
            let mut rls = OnlineReadout::new(*kind, n, dout);
            for i in 0..kept {
                let at = (washout + i) * n;
                rls.update(&states[at..at + n], &target[(washout + i) * dout..(washout + i + 1) * dout]);
            }
            Readout::Online(rls)
        }
        ReadoutSpec::Online(OnlineKind::Force { .. }) => {
            unreachable!("the configuration reader refuses FORCE for a liquid")
        }
    };
    let fit_s = fit_start.elapsed().as_secs_f64();

    let run_start = Instant::now();
    let test_states = machine.run(&input[exp.train * din..], din)?;
    let prediction = readout.predict_all(&test_states, n, dout);
    let run_s = run_start.elapsed().as_secs_f64();
    let truth = target[exp.train * dout..].to_vec();
    let (metrics, per_delay) = score(&exp.task, exp.mode, &truth, &prediction, dout);

    let dt = liquid.model.dt;
    let end = machine.network.current_step();
    let rec = machine.network.recordings();
    let window = ((RATE_WINDOW / dt).round() as usize).max(1);
    let measured_s = (end - measure_from) as f64 * dt;
    let t_from = measure_from as f64 * dt;
    let rates = watched
        .iter()
        .map(|&p| {
            let size = liquid.model.populations[p].size;
            let curve = rec.counts_per_step[p]
                .chunks(window)
                .filter(|c| c.len() == window)
                .map(|c| c.iter().map(|&k| k as f64).sum::<f64>() / (size as f64 * RATE_WINDOW))
                .collect();
            let mut counts = vec![0u64; size];
            let spikes = &rec.spikes[p];
            // A spike at the end of step k has time k·dt; those of the measured steps
            // have times above the first measured step's start.
            for (time, &id) in spikes.times.iter().zip(&spikes.ids) {
                if *time > t_from - 0.5 * dt {
                    counts[id as usize] += 1;
                }
            }
            PopulationRates {
                name: liquid.model.populations[p].name.clone(),
                target: targets[p].expect("watched populations have targets"),
                curve,
                neuron_rates: counts.iter().map(|&c| c as f64 / measured_s).collect(),
            }
        })
        .collect();
    let outcome = Outcome {
        metrics,
        fit_s,
        run_s,
        input: input.to_vec(),
        input_dim: din,
        target: target.to_vec(),
        truth,
        prediction,
        dim: dout,
        per_delay,
        ridge: match &readout {
            Readout::Ridge(ridge) => Some(ridge.ridge),
            Readout::Online(_) => None,
        },
        cv_scores,
        raw_radius: f64::NAN,
    };
    Ok(LsmOutcome { outcome, rates, features: n, simulated_s: end as f64 * dt })
}
