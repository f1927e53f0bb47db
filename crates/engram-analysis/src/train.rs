//! Spike trains of one population, split per neuron and checked once.

use crate::error::AnalysisError;

/// The spike trains of a population over an observation window `[t_start, t_stop]`.
///
/// Every statistic in this crate takes this type, so the checks a statistic relies on —
/// finite, non-negative, per-neuron ascending times inside the window — are done once
/// when it is built rather than in every function. Times are in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct SpikeTrains {
    trains: Vec<Vec<f64>>,
    t_start: f64,
    t_stop: f64,
}

impl SpikeTrains {
    /// Builds from one train per neuron. Each train must be ascending (equal times are
    /// allowed: two spikes in one time step), finite, non-negative and inside
    /// `[t_start, t_stop]`, and the window must be non-empty.
    pub fn new(trains: Vec<Vec<f64>>, t_start: f64, t_stop: f64) -> Result<Self, AnalysisError> {
        if !(t_start.is_finite() && t_stop.is_finite() && t_stop > t_start) {
            return Err(AnalysisError::param(
                "window",
                format!("expected finite t_start < t_stop, found [{t_start}, {t_stop}] s"),
            ));
        }
        for (neuron, train) in trains.iter().enumerate() {
            check_train(neuron, train, t_start, t_stop)?;
        }
        Ok(SpikeTrains { trains, t_start, t_stop })
    }

    /// Builds from a flat spike list as engram records it: `times[k]` (seconds) is a
    /// spike of neuron `ids[k]`, ids in `0..n_neurons`. Only each neuron's own times need
    /// be ascending, so lists concatenated from several sources are accepted.
    pub fn from_flat(
        times: &[f64],
        ids: &[u32],
        n_neurons: usize,
        t_start: f64,
        t_stop: f64,
    ) -> Result<Self, AnalysisError> {
        if times.len() != ids.len() {
            return Err(AnalysisError::LengthMismatch { times: times.len(), ids: ids.len() });
        }
        // Count first so every train is allocated once at its final size.
        let mut counts = vec![0usize; n_neurons];
        for (index, &id) in ids.iter().enumerate() {
            match counts.get_mut(id as usize) {
                Some(c) => *c += 1,
                None => return Err(AnalysisError::IdOutOfRange { id, n_neurons, index }),
            }
        }
        let mut trains: Vec<Vec<f64>> = counts.iter().map(|&c| Vec::with_capacity(c)).collect();
        for (&t, &id) in times.iter().zip(ids) {
            trains[id as usize].push(t);
        }
        SpikeTrains::new(trains, t_start, t_stop)
    }

    /// Number of neurons (trains), silent ones included.
    pub fn len(&self) -> usize {
        self.trains.len()
    }

    /// True when there are no neurons at all.
    pub fn is_empty(&self) -> bool {
        self.trains.is_empty()
    }

    /// Spike times of neuron `i` in seconds.
    pub fn train(&self, i: usize) -> &[f64] {
        &self.trains[i]
    }

    /// All trains, one per neuron.
    pub fn trains(&self) -> &[Vec<f64>] {
        &self.trains
    }

    /// Start of the observation window in seconds.
    pub fn t_start(&self) -> f64 {
        self.t_start
    }

    /// End of the observation window in seconds.
    pub fn t_stop(&self) -> f64 {
        self.t_stop
    }

    /// `t_stop - t_start` in seconds.
    pub fn duration(&self) -> f64 {
        self.t_stop - self.t_start
    }

    /// Total number of spikes.
    pub fn n_spikes(&self) -> usize {
        self.trains.iter().map(Vec::len).sum()
    }

    /// The same neurons over the narrower window `[t_start, t_stop]`: each train keeps
    /// the spikes with `t_start <= t <= t_stop`, as Neo's `SpikeTrain.time_slice` (which
    /// Elephant uses), so every statistic of the result is that statistic on the window.
    /// This is how an onset transient is left out.
    ///
    /// Fails unless `t_start < t_stop` and both lie within this window.
    pub fn window(&self, t_start: f64, t_stop: f64) -> Result<SpikeTrains, AnalysisError> {
        if !(t_start.is_finite() && t_stop.is_finite() && t_start < t_stop) {
            return Err(AnalysisError::param(
                "window",
                format!("expected t_start < t_stop, found [{t_start}, {t_stop}] s"),
            ));
        }
        if t_start < self.t_start || t_stop > self.t_stop {
            return Err(AnalysisError::param(
                "window",
                format!("[{t_start}, {t_stop}] s is not inside the recording [{}, {}] s", self.t_start, self.t_stop),
            ));
        }
        // Trains are sorted, so each slice is two binary searches.
        let trains = self
            .trains
            .iter()
            .map(|t| {
                let lo = t.partition_point(|&x| x < t_start);
                let hi = t.partition_point(|&x| x <= t_stop);
                t[lo..hi].to_vec()
            })
            .collect();
        Ok(SpikeTrains { trains, t_start, t_stop })
    }

    /// The trains of the neurons in `neurons`, in that order, over the same window.
    ///
    /// # Panics
    /// If an index is not below [`len`](Self::len).
    pub fn select(&self, neurons: &[usize]) -> SpikeTrains {
        SpikeTrains {
            trains: neurons.iter().map(|&i| self.trains[i].clone()).collect(),
            t_start: self.t_start,
            t_stop: self.t_stop,
        }
    }
}

fn check_train(neuron: usize, train: &[f64], t_start: f64, t_stop: f64) -> Result<(), AnalysisError> {
    let mut previous = f64::NEG_INFINITY;
    for (index, &time) in train.iter().enumerate() {
        if !time.is_finite() {
            return Err(AnalysisError::NotFinite { neuron, index, time });
        }
        if time < 0.0 {
            return Err(AnalysisError::Negative { neuron, index, time });
        }
        if time < previous {
            return Err(AnalysisError::NotSorted { neuron, index, previous, time });
        }
        if time < t_start || time > t_stop {
            return Err(AnalysisError::OutsideWindow { neuron, time, t_start, t_stop });
        }
        previous = time;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_flat_list_per_neuron() {
        let st = SpikeTrains::from_flat(&[0.1, 0.2, 0.2, 0.5], &[1, 0, 1, 1], 3, 0.0, 1.0).unwrap();
        assert_eq!(st.len(), 3);
        assert_eq!(st.train(0), &[0.2]);
        assert_eq!(st.train(1), &[0.1, 0.2, 0.5]);
        assert!(st.train(2).is_empty());
        assert_eq!(st.n_spikes(), 4);
    }

    #[test]
    fn refuses_bad_input_with_the_neuron_named() {
        let e = SpikeTrains::from_flat(&[0.1], &[3], 2, 0.0, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "neuron id 3 out of range for 2 neurons (spike 0)");
        let e = SpikeTrains::from_flat(&[0.5, 0.1], &[0, 0], 1, 0.0, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "spike times of neuron 0 are not sorted: 0.1 s follows 0.5 s (spike 1)");
        let e = SpikeTrains::new(vec![vec![-0.1]], 0.0, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "spike 0 of neuron 0 has a negative time (-0.1 s)");
        let e = SpikeTrains::new(vec![vec![f64::NAN]], 0.0, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "spike 0 of neuron 0 has a non-finite time (NaN)");
        let e = SpikeTrains::new(vec![vec![1.5]], 0.0, 1.0).unwrap_err();
        assert_eq!(e.to_string(), "spike at 1.5 s of neuron 0 lies outside the window [0, 1] s");
        assert!(SpikeTrains::new(vec![], 1.0, 1.0).is_err());
        assert!(SpikeTrains::from_flat(&[0.1], &[], 1, 0.0, 1.0).is_err());
    }

    #[test]
    fn window_keeps_the_spikes_inside_it_edges_included() {
        let st = SpikeTrains::new(vec![vec![0.1, 0.5, 0.7, 1.0], vec![0.2]], 0.0, 1.0).unwrap();
        let w = st.window(0.5, 0.8).unwrap();
        assert_eq!(w.train(0), &[0.5, 0.7]);
        assert!(w.train(1).is_empty());
        assert_eq!((w.t_start(), w.t_stop(), w.len()), (0.5, 0.8, 2));
        assert_eq!(st.window(0.7, 1.0).unwrap().train(0), &[0.7, 1.0]);
        let e = st.window(0.8, 0.5).unwrap_err();
        assert_eq!(e.to_string(), "window: expected t_start < t_stop, found [0.8, 0.5] s");
        let e = st.window(0.5, 1.5).unwrap_err();
        assert_eq!(e.to_string(), "window: [0.5, 1.5] s is not inside the recording [0, 1] s");
    }

    #[test]
    fn other_neurons_may_interleave_out_of_order() {
        // Neuron 1's spikes come before neuron 0's in the list, each train is sorted.
        let st = SpikeTrains::from_flat(&[0.5, 0.6, 0.1, 0.2], &[0, 0, 1, 1], 2, 0.0, 1.0).unwrap();
        assert_eq!(st.train(1), &[0.1, 0.2]);
    }
}
