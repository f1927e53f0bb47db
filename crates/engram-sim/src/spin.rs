//! Waiting for another thread, for threads that meet thousands of times per second:
//! the simulation's workers after each epoch, and a reservoir's threads after each
//! step; and how many such threads a machine can run.

use std::time::{Duration, Instant};

/// How long a waiting thread spins before it parks. A spin answers within
/// nanoseconds, where waking a parked thread through the kernel takes several
/// microseconds; but a thread that spins while the one it waits for has lost its core
/// to another program keeps that core from everybody, and is charged for it by the
/// scheduler. The waits of an undisturbed run are short: the serial merge between
/// two epochs of CUBA at 100,000 neurons takes about 1.4 µs, and the workers' halves
/// of an epoch (about 25 µs each on an idle machine) end within a few µs of each other. Measured on
/// the project's two cores while other agents kept them busy (load average 10–12),
/// CUBA at 100,000 neurons on two threads (`bench/scaled.sh cuba 100000 2`), median
/// `run_s` of five runs taken in turn: spinning 2 µs 2.2 s, 5 µs 2.2 s, 10 µs 2.0 s,
/// 20 µs 2.6 s, and beside a busy loop 2.0, 1.8, 1.1 and 2.1 s (one thread: 2.1 s, and
/// 4.5 s beside the loop); an earlier series of four: 0 µs 2.3 s, 50 µs 3.1 s, 200 µs
/// 3.6 s, and spinning 50 µs then yielding instead of parking (before) 6.1 s. The
/// spread within a setting is wide (1.1–2.7 s at 10 µs), but long spins lose.
pub const SPIN: Duration = Duration::from_micros(10);

/// How often a parked thread looks whether one of the threads it waits for has ended
/// (a panic ends a thread without waking anybody).
const RECHECK: Duration = Duration::from_millis(5);

/// Waits until `ready()` holds: spinning for up to [`SPIN`], then parking the thread
/// ([`std::thread::park`], a futex on Linux) until another thread calls `unpark` on
/// it. Whoever makes `ready()` true must then unpark the waiting thread (cheap when it
/// is not parked: an atomic swap). Returns false if one of `threads` ended first (it
/// panicked), true otherwise.
pub fn wait_until(ready: impl Fn() -> bool, threads: &[std::thread::ScopedJoinHandle<'_, ()>]) -> bool {
    let ended = || threads.iter().any(|h| h.is_finished());
    let started = Instant::now();
    let mut spins = 0u32;
    while !ready() {
        spins += 1;
        if spins.is_multiple_of(64) {
            if ended() {
                return false;
            }
            if started.elapsed() >= SPIN {
                return park_until(ready, ended);
            }
        }
        std::hint::spin_loop();
    }
    true
}

/// The parking half of [`wait_until`]. `park` may return without an `unpark` (and an
/// `unpark` meant for an earlier wait may still be pending), so the condition is
/// checked again after every return.
fn park_until(ready: impl Fn() -> bool, ended: impl Fn() -> bool) -> bool {
    loop {
        if ready() {
            return true;
        }
        if ended() {
            return false;
        }
        std::thread::park_timeout(RECHECK);
    }
}

/// `requested` threads, but no more than the machine has cores (and at least one).
/// Threads that wait for each other this way need a core each: a thread without one
/// holds the others at every meeting until the scheduler runs it. On the project's
/// two-core machine, `engram run examples/cuba.toml` took 0.03 s on two workers and
/// 0.9 s on three; the spiking network's results do not depend on the worker count,
/// so nothing but time is lost by using fewer.
pub fn usable_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    requested.clamp(1, cores)
}

/// How many workers a network runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workers {
    /// This many (at least one).
    Exactly(usize),
    /// As many as the work of an epoch pays for ([`workers_for`]), at most this many
    /// (at least one).
    Auto(usize),
}

impl Workers {
    /// The most workers this allows.
    pub fn most(self) -> usize {
        match self {
            Workers::Exactly(n) | Workers::Auto(n) => n.max(1),
        }
    }
}

impl From<usize> for Workers {
    fn from(n: usize) -> Workers {
        Workers::Exactly(n)
    }
}

/// Firing rate assumed for the synaptic events of a network before it has run: the
/// asynchronous irregular state of the cortical models (CUBA 5.6 Hz, the microcircuit's
/// populations 0.9–8 Hz, COBA 19 Hz) lies around it.
const ASSUMED_RATE_HZ: f64 = 10.0;

/// What delivering one synaptic event costs, in neuron updates. CUBA at 100,000
/// neurons on one thread (three runs in turn, machine busy with other work): 1.99–2.11 s
/// with its 8 million synapses (4,480 events per step), 1.56–1.85 s with none (all
/// neurons then fire at 19 Hz instead of 5.6): about 35 µs per step for the events
/// against 170 µs for the neurons, 4.6 updates per event.
const EVENT_COST: f64 = 4.0;

/// Units of work (neuron updates, and events at [`EVENT_COST`]) per epoch that each
/// worker must have for a second one to pay. On the idle machine (bench/RESULTS.md,
/// `run_all.sh` of 2026-12-05, one thread → two): CUBA at 4,000 neurons (5,300 units
/// per one-step epoch) 0.013 → 0.014 s; at 20,000 (26,000 units) 0.065 → 0.045 s, but
/// slower on two threads in the run an hour before; at 100,000 (132,000 units)
/// 0.43 → 0.31 s, and 1.4–1.7× in every sitting since. Two workers therefore need
/// twice this: CUBA from about 40,000 neurons; beside other programs, where
/// each meeting may cost a wake-up through the kernel, smaller networks lose more than
/// they could gain.
const WORK_PER_WORKER: f64 = 25_000.0;

/// The number of workers (1 ..= `most`) for a network of `neurons` neurons and
/// `synapses` synapses whose epochs last `epoch_steps` steps of `dt` seconds: each
/// worker gets at least [`WORK_PER_WORKER`] units of work per epoch, counting a
/// neuron's step as one and a synaptic event (at [`ASSUMED_RATE_HZ`]) as
/// [`EVENT_COST`]. Smaller networks run on one worker, which never waits.
pub fn workers_for(neurons: f64, synapses: f64, epoch_steps: f64, dt: f64, most: usize) -> usize {
    let work = epoch_steps * (neurons + EVENT_COST * synapses * ASSUMED_RATE_HZ * dt);
    ((work / WORK_PER_WORKER) as usize).clamp(1, most.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_parked_waiter_wakes_when_unparked_after_the_condition_holds() {
        let flag = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| wait_until(|| flag.load(Ordering::Acquire), &[]));
            // Long past the spin: the waiter is parked by now.
            std::thread::sleep(Duration::from_millis(20));
            flag.store(true, Ordering::Release);
            waiter.thread().unpark();
            assert!(waiter.join().unwrap());
        });
    }

    #[test]
    fn a_waiter_stops_waiting_when_a_thread_it_waits_for_ends() {
        std::thread::scope(|scope| {
            let ended = scope.spawn(|| ());
            assert!(!wait_until(|| false, &[ended]));
        });
    }

    #[test]
    fn small_networks_run_on_one_worker_and_large_ones_on_all_allowed() {
        // CUBA (dt 0.1 ms, one-step epochs, 80 synapses per neuron) at 4,000 and
        // 100,000 neurons, and the full-scale microcircuit (77,169 neurons, 0.3 billion
        // synapses, one-step epochs).
        assert_eq!(workers_for(4_000.0, 319_122.0, 1.0, 1e-4, 2), 1);
        assert_eq!(workers_for(100_000.0, 7_997_808.0, 1.0, 1e-4, 2), 2);
        assert_eq!(workers_for(77_169.0, 298_880_968.0, 1.0, 1e-4, 16), 16);
        // Longer epochs pay for the meetings: 4,000 neurons with 10-step epochs.
        assert_eq!(workers_for(4_000.0, 319_122.0, 10.0, 1e-4, 2), 2);
        assert_eq!(workers_for(0.0, 0.0, 1.0, 1e-4, 0), 1);
    }
}
