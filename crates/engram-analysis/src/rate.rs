//! Firing rates: per neuron, per population, and binned over time.

use crate::binning::BinnedSpikeTrains;
use crate::train::SpikeTrains;

/// Relative tolerance (in bins) used when deciding bin counts and bin membership.
/// Spike times and durations are sums of float time steps, so a value meant to be an
/// exact multiple of the bin width can land a hair below it; without the tolerance a
/// 1 s run with 0.1 s bins could get 11 bins, or a spike at 0.3 s fall into bin 2.
const BIN_EPS: f64 = 1e-9;

/// Mean firing rate per neuron in Hz: `n_spikes / (n_neurons * duration_s)`.
///
/// Returns `f64::NAN` when `duration_s` is not positive or `n_neurons` is 0, because a
/// rate over no time or no neurons is undefined rather than infinite.
pub fn mean_rate(n_spikes: usize, n_neurons: usize, duration_s: f64) -> f64 {
    if duration_s <= 0.0 || n_neurons == 0 || duration_s.is_nan() {
        return f64::NAN;
    }
    n_spikes as f64 / (n_neurons as f64 * duration_s)
}

/// Firing rate of every neuron in Hz: its spike count over the window's duration, as
/// Elephant's `mean_firing_rate` with the train's own `t_start`/`t_stop`.
pub fn firing_rates(trains: &SpikeTrains) -> Vec<f64> {
    let duration = trains.duration();
    trains.trains().iter().map(|t| t.len() as f64 / duration).collect()
}

/// Population rate per neuron in each bin, in Hz: summed counts over
/// `n_neurons * bin_size`, as Elephant's `time_histogram(..., output='rate')`. The bins
/// follow [`BinnedSpikeTrains`]' convention (whole bins only).
pub fn time_histogram(binned: &BinnedSpikeTrains) -> Vec<f64> {
    let scale = 1.0 / (binned.n_neurons() as f64 * binned.bin_size());
    binned.population_counts().into_iter().map(|c| c * scale).collect()
}

/// Population rate per neuron over time, in Hz.
///
/// The interval `[0, duration_s)` is cut into `ceil(duration_s / bin_s - 1e-9)` bins of
/// width `bin_s`; the last bin is shorter when `duration_s` is not a multiple of `bin_s`.
/// Returns `(left_edges, rates)` where `left_edges[k] = k * bin_s` (seconds) and
/// `rates[k] = count_k / (n_neurons * width_k)` with `width_k` the bin's actual width,
/// so a partial last bin is not biased low.
///
/// A spike at time `t` goes to bin `floor(t / bin_s + 1e-9)`, so spikes sitting on a bin
/// edge up to rounding error count in the bin that starts there. Spikes outside
/// `[0, duration_s)` are not counted. With `n_neurons == 0` every rate is NaN. When
/// `duration_s` or `bin_s` is not positive (or not finite) there are no bins and both
/// vectors are empty.
pub fn rate_histogram(times: &[f64], n_neurons: usize, duration_s: f64, bin_s: f64) -> (Vec<f64>, Vec<f64>) {
    if !(duration_s > 0.0 && bin_s > 0.0 && duration_s.is_finite() && bin_s.is_finite()) {
        return (Vec::new(), Vec::new());
    }
    let n_bins = ((duration_s / bin_s - BIN_EPS).ceil() as usize).max(1);
    let mut counts = vec![0usize; n_bins];
    for &t in times {
        if !(0.0..duration_s).contains(&t) {
            continue;
        }
        // The tolerance can push a spike just below `duration_s` past the last bin.
        let k = ((t / bin_s + BIN_EPS).floor() as usize).min(n_bins - 1);
        counts[k] += 1;
    }
    let edges: Vec<f64> = (0..n_bins).map(|k| k as f64 * bin_s).collect();
    let rates = counts
        .iter()
        .zip(&edges)
        .map(|(&c, &left)| {
            if n_neurons == 0 {
                // A count over no neurons is no rate; 1 / 0 would claim an infinite one.
                return f64::NAN;
            }
            let width = bin_s.min(duration_s - left);
            c as f64 / (n_neurons as f64 * width)
        })
        .collect();
    (edges, rates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn per_neuron_rates_and_time_histogram() {
        let st = SpikeTrains::new(vec![vec![0.1, 0.2, 1.5], vec![], vec![1.9]], 0.0, 2.0).unwrap();
        assert_eq!(firing_rates(&st), vec![1.5, 0.0, 0.5]);
        let binned = BinnedSpikeTrains::new(&st, 1.0).unwrap();
        // Bin [0, 1): 2 spikes over 3 neurons x 1 s; bin [1, 2): 2 spikes.
        let h = time_histogram(&binned);
        assert_abs_diff_eq!(h[0], 2.0 / 3.0, epsilon = 1e-15);
        assert_abs_diff_eq!(h[1], 2.0 / 3.0, epsilon = 1e-15);
    }

    #[test]
    fn mean_rate_closed_form() {
        assert_eq!(mean_rate(500, 100, 2.0), 2.5);
        assert!(mean_rate(10, 10, 0.0).is_nan());
        assert!(mean_rate(10, 0, 1.0).is_nan());
    }

    #[test]
    fn histogram_counts_on_hand_made_example() {
        // 2 neurons, 1 s, 0.25 s bins: bins [0,.25) [.25,.5) [.5,.75) [.75,1).
        // Counts 3, 0, 1, 2 -> rates count / (2 * 0.25) = 2 * count.
        let times = [0.0, 0.1, 0.2, 0.5, 0.75, 0.99, 1.0, 1.5, -0.1];
        let (edges, rates) = rate_histogram(&times, 2, 1.0, 0.25);
        assert_eq!(edges, vec![0.0, 0.25, 0.5, 0.75]);
        assert_eq!(rates, vec![6.0, 0.0, 2.0, 4.0]);
    }

    #[test]
    fn partial_last_bin_divides_by_its_width() {
        // 1 s with 0.4 s bins: [0,.4) [.4,.8) [.8,1.0) — the last is 0.2 s wide.
        let times = [0.1, 0.5, 0.6, 0.9];
        let (edges, rates) = rate_histogram(&times, 1, 1.0, 0.4);
        assert_eq!(edges.len(), 3);
        assert_abs_diff_eq!(edges[2], 0.8, epsilon = 1e-12);
        assert_abs_diff_eq!(rates[0], 2.5, epsilon = 1e-12);
        assert_abs_diff_eq!(rates[1], 5.0, epsilon = 1e-12);
        assert_abs_diff_eq!(rates[2], 5.0, epsilon = 1e-9);
    }

    #[test]
    fn float_multiples_do_not_create_an_extra_bin_or_shift_edge_spikes() {
        // 0.1 * 3 = 0.30000000000000004 and 1.0 / 0.1 = 10 only up to rounding.
        let duration = (0..10).map(|_| 0.1).sum::<f64>(); // 0.9999999999999999
        let (edges, rates) = rate_histogram(&[0.3, 0.7], 1, duration, 0.1);
        assert_eq!(edges.len(), 10);
        assert_abs_diff_eq!(rates[3], 10.0, epsilon = 1e-6);
        assert_abs_diff_eq!(rates[7], 10.0, epsilon = 1e-6);
        assert_eq!(rates.iter().filter(|&&r| r != 0.0).count(), 2);
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(rate_histogram(&[0.1], 1, 0.0, 0.1), (vec![], vec![]));
        assert_eq!(rate_histogram(&[0.1], 1, 1.0, 0.0), (vec![], vec![]));
        let (_, rates) = rate_histogram(&[0.1], 0, 1.0, 0.5);
        assert!(rates.iter().all(|r| r.is_nan()));
    }
}
