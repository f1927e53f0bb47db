//! Population synchrony χ of Golomb (2007), Scholarpedia 2(1):1347 (also Golomb &
//! Rinzel 1993).
//!
//! With `x_i(t)` the activity of neuron `i` and `X(t) = (1/N) Σ_i x_i(t)` the population
//! average, `χ² = Var_t[X] / ((1/N) Σ_i Var_t[x_i])`, variances over time with ddof = 0.
//! `χ` is 1 for fully synchronous neurons and falls as `1/√N` for independent ones.
//! Here `x_i` is the spike count of neuron `i` in the bins of a [`BinnedSpikeTrains`]
//! (a common choice for spiking networks, e.g. bins of a few ms); every neuron counts in
//! the denominator's average, silent ones with variance 0. NaN when no neuron varies.

use crate::binning::BinnedSpikeTrains;

/// Golomb's synchrony measure `χ` (not `χ²`) of the binned counts.
pub fn golomb_chi(binned: &BinnedSpikeTrains) -> f64 {
    let n_neurons = binned.n_neurons() as f64;
    let n_bins = binned.n_bins() as f64;
    let mut mean_var = 0.0;
    for i in 0..binned.n_neurons() {
        let (s, s2) = binned.row(i).iter().fold((0.0, 0.0), |(s, s2), &(_, c)| {
            let c = c as f64;
            (s + c, s2 + c * c)
        });
        let m = s / n_bins;
        mean_var += s2 / n_bins - m * m;
    }
    mean_var /= n_neurons;
    let pop: Vec<f64> = binned.population_counts().into_iter().map(|c| c / n_neurons).collect();
    let m = pop.iter().sum::<f64>() / n_bins;
    let var_pop = pop.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n_bins;
    if mean_var > 0.0 {
        (var_pop / mean_var).sqrt()
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::SpikeTrains;

    fn chi(trains: Vec<Vec<f64>>) -> f64 {
        golomb_chi(&BinnedSpikeTrains::new(&SpikeTrains::new(trains, 0.0, 1.0).unwrap(), 0.1).unwrap())
    }

    #[test]
    fn identical_neurons_are_fully_synchronous() {
        let t = vec![0.05, 0.35, 0.75];
        assert!((chi(vec![t.clone(), t.clone(), t]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn alternating_neurons_cancel() {
        // Two neurons in anti-phase: the population count is constant, χ = 0.
        let a = vec![0.05, 0.25, 0.45, 0.65, 0.85];
        let b = vec![0.15, 0.35, 0.55, 0.75, 0.95];
        assert_eq!(chi(vec![a, b]), 0.0);
        assert!(chi(vec![vec![], vec![]]).is_nan());
    }
}
