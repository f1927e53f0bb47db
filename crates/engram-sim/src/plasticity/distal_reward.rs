//! The closed-loop reward of Izhikevich (2007), Fig. 1: every time a chosen synapse's
//! postsynaptic neuron fires shortly after its presynaptic neuron, a neuromodulator
//! pulse arrives a random 1–3 s later. The reward depends on the spikes of the run, so
//! it cannot be a time series fixed in the model file; [`PairingReward::run`] runs the
//! network in chunks no longer than the shortest reward delay, looks at the recorded
//! spikes of the two neurons and schedules the rewards with
//! [`Network::add_modulator_event`].
//!
//! Reference: E. M. Izhikevich (2007) "Solving the distal reward problem through
//! linkage of STDP and dopamine signaling", Cereb Cortex 17:2443.

use std::sync::atomic::AtomicBool;

use rand::{Rng, SeedableRng};

use crate::error::SimError;
use crate::network::Network;
use crate::rng::Stream;

/// Rewards the pairings `pre → post` of one `stdp_dopamine` projection.
#[derive(Debug)]
pub struct PairingReward {
    /// The projection whose rule receives the rewards.
    pub projection: usize,
    /// Population and index of the presynaptic neuron.
    pub pre: (usize, u32),
    /// Population and index of the postsynaptic neuron.
    pub post: (usize, u32),
    /// A post spike at most this long (s) after a pre spike (and later than it) is a pairing.
    pub window: f64,
    /// Shortest and longest delay (s) from the pairing to its reward, drawn uniformly.
    pub delay: (f64, f64),
    /// Amount of each reward (a modulator event; see `stdp_dopamine`).
    pub amount: f64,
    rng: Stream,
    /// Spikes of the two populations already looked at.
    seen: (usize, usize),
    last_pre: Option<f64>,
    /// Times (s) of the pairings found.
    pub pairings: Vec<f64>,
    /// Times (s) of the scheduled rewards.
    pub rewards: Vec<f64>,
}

impl PairingReward {
    /// The reward of Izhikevich's experiment (10 ms window, 1–3 s delay) for the
    /// synapse `pre → post` of `projection`, with random delays from `seed`.
    pub fn new(projection: usize, pre: (usize, u32), post: (usize, u32), amount: f64, seed: u64) -> PairingReward {
        PairingReward {
            projection,
            pre,
            post,
            window: 10e-3,
            delay: (1.0, 3.0),
            amount,
            rng: Stream::seed_from_u64(seed),
            seen: (0, 0),
            last_pre: None,
            pairings: Vec::new(),
            rewards: Vec::new(),
        }
    }

    /// Runs `net` for `duration` (s), in chunks of the shortest reward delay, and
    /// schedules a reward for every pairing. Both neurons' spikes must be recorded.
    pub fn run(
        &mut self,
        net: &mut Network,
        duration: f64,
        progress: &mut (dyn FnMut(u64, u64) + Send),
        stop: &AtomicBool,
    ) -> Result<(), SimError> {
        let dt = net.dt();
        let chunk = ((self.delay.0 / dt).floor() as u64).max(1);
        let total = (duration / dt).round() as u64;
        let mut done = 0;
        while done < total {
            let steps = chunk.min(total - done);
            let offset = done;
            net.run(steps, &mut |d, _| progress(offset + d, total), stop)?;
            done += steps;
            for t in self.new_pairings(net) {
                let reward = t + self.rng.random_range(self.delay.0..=self.delay.1);
                self.pairings.push(t);
                self.rewards.push(reward);
                net.add_modulator_event(self.projection, reward.max(net.current_step() as f64 * dt), self.amount);
            }
        }
        Ok(())
    }

    /// Times of the post spikes since the last call that pair with a pre spike.
    fn new_pairings(&mut self, net: &Network) -> Vec<f64> {
        let rec = net.recordings();
        let (pre, post) = (&rec.spikes[self.pre.0], &rec.spikes[self.post.0]);
        let pre_times: Vec<f64> =
            (self.seen.0..pre.ids.len()).filter(|&k| pre.ids[k] == self.pre.1).map(|k| pre.times[k]).collect();
        let post_times: Vec<f64> =
            (self.seen.1..post.ids.len()).filter(|&k| post.ids[k] == self.post.1).map(|k| post.times[k]).collect();
        self.seen = (pre.ids.len(), post.ids.len());
        // Merge in time order; a pre spike in the same step as a post spike does not
        // precede it.
        let mut out = Vec::new();
        let mut a = 0;
        for &t in &post_times {
            while a < pre_times.len() && pre_times[a] < t - 0.5 * net.dt() {
                self.last_pre = Some(pre_times[a]);
                a += 1;
            }
            if self.last_pre.is_some_and(|p| t - p <= self.window + 0.5 * net.dt()) {
                out.push(t);
            }
        }
        if let Some(&last) = pre_times.last() {
            self.last_pre = Some(last);
        }
        out
    }
}
