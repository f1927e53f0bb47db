//! Many short steps on a fixed set of threads that meet at a barrier after each step.
//!
//! A step of a 2,000-unit reservoir at 10 % connectivity takes about 45 µs on two
//! threads. Handing every step to rayon cost about 4 µs more: its idle worker falls
//! asleep between steps and is woken through the kernel (perf of the speed benchmark:
//! a tenth of the CPU time in `sched_yield` and futex wake-ups). Threads that live for
//! the whole run and spin at a barrier between steps see each other within
//! nanoseconds, which made the run phase of the speed benchmark (10,000 steps) 7 %
//! faster (0.61 → 0.57 s). They spin only briefly before parking, and run a late
//! thread's part of the step themselves ([`engram_sim::spin::wait_until`], as the
//! simulation's workers do), so a machine busy with other work does not make them
//! wait for a thread that has lost its core.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::thread::Thread;

use engram_sim::spin::wait_until;

/// The threads a run should use: rayon's (`--threads`), but no more than the machine
/// has cores ([`engram_sim::spin::usable_threads`]): three threads on the project's
/// two-core machine ran the speed benchmark's test phase 2.5× slower than two, and its
/// Gram product 20 % slower.
pub(crate) fn usable_threads() -> usize {
    engram_sim::spin::usable_threads(rayon::current_num_threads())
}

/// The meeting point of [`lockstep`]'s threads: which part of each step has been
/// claimed, how many parts are finished, and who to wake.
struct Steps {
    parts: usize,
    /// Per part: one more than the last step it was claimed for.
    claimed: Vec<AtomicUsize>,
    /// Parts finished over the whole run: step `t` is complete at `(t + 1) · parts`.
    finished: AtomicUsize,
    /// The participating threads, each registered before its first wait.
    threads: Vec<OnceLock<Thread>>,
    poisoned: AtomicBool,
}

impl Steps {
    /// Runs part `part` of step `t` unless another thread has claimed it, and wakes
    /// everybody if that completed the step.
    fn run_part(&self, part: usize, t: usize, work: &impl Fn(usize, usize)) {
        if self.claimed[part].fetch_max(t + 1, Ordering::AcqRel) > t {
            return;
        }
        work(part, t);
        if self.finished.fetch_add(1, Ordering::AcqRel) + 1 == (t + 1) * self.parts {
            self.wake_all();
        }
    }

    fn wake_all(&self) {
        self.threads.iter().filter_map(OnceLock::get).for_each(Thread::unpark);
    }

    /// Waits until step `t` is complete. Returns false if a thread panicked.
    fn wait(&self, t: usize) -> bool {
        let complete = (t + 1) * self.parts;
        wait_until(|| self.finished.load(Ordering::Acquire) >= complete || self.poisoned.load(Ordering::Acquire), &[]);
        !self.poisoned.load(Ordering::Acquire)
    }
}

/// Marks the run poisoned if its thread unwinds, and wakes the others so they stop
/// waiting.
struct PoisonOnPanic<'a>(&'a Steps);

impl Drop for PoisonOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.poisoned.store(true, Ordering::Release);
            self.0.wake_all();
        }
    }
}

/// Calls `work(part, t)` for every `part < threads` and every `t < steps`, on
/// `threads` threads (the caller's among them): all calls of step `t` return before
/// any call of step `t + 1` starts, and everything a call of step `t` wrote is visible
/// to every call of step `t + 1`. Each thread runs its own part of a step and then any
/// part no other thread has begun: a thread that has lost its core to another program
/// does not hold the others up, they run its part. A panic in one call ends the run and
/// is raised again on the caller's thread.
pub(crate) fn lockstep(threads: usize, steps: usize, work: impl Fn(usize, usize) + Sync) {
    let threads = threads.max(1);
    if threads == 1 {
        (0..steps).for_each(|t| work(0, t));
        return;
    }
    let shared = Steps {
        parts: threads,
        claimed: (0..threads).map(|_| AtomicUsize::new(0)).collect(),
        finished: AtomicUsize::new(0),
        threads: (0..threads).map(|_| OnceLock::new()).collect(),
        poisoned: AtomicBool::new(false),
    };
    let run = |me: usize| {
        let _guard = PoisonOnPanic(&shared);
        let _ = shared.threads[me].set(std::thread::current());
        let mut t = 0;
        while t < steps {
            (me..threads).chain(0..me).for_each(|part| shared.run_part(part, t, &work));
            if !shared.wait(t) {
                return;
            }
            // A thread that was away resumes at the step the others have reached.
            t = (t + 1).max(shared.finished.load(Ordering::Acquire) / threads);
        }
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|thread| {
                let run = &run;
                scope.spawn(move || run(thread))
            })
            .collect();
        run(0);
        for helper in helpers {
            // Raise the helper's own panic, not the scope's generic one.
            if let Err(payload) = helper.join() {
                std::panic::resume_unwind(payload);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn every_call_of_a_step_sees_every_write_of_the_step_before() {
        // Each thread adds to its own slot what all slots held after the step before:
        // the result is 3^steps in every slot only if no call ran early.
        let slots: Vec<AtomicU64> = (0..3).map(|_| AtomicU64::new(1)).collect();
        let before: Vec<AtomicU64> = (0..3).map(|_| AtomicU64::new(1)).collect();
        let steps = 200;
        lockstep(3, 2 * steps, |thread, t| {
            if t % 2 == 0 {
                let sum: u64 = before.iter().map(|s| s.load(Ordering::Relaxed)).sum();
                slots[thread].store(sum % 1_000_000_007, Ordering::Relaxed);
            } else {
                before[thread].store(slots[thread].load(Ordering::Relaxed), Ordering::Relaxed);
            }
        });
        let mut expect = 1u64;
        for _ in 0..steps {
            expect = 3 * expect % 1_000_000_007;
        }
        assert!(slots.iter().all(|s| s.load(Ordering::Relaxed) == expect));
    }

    #[test]
    #[should_panic(expected = "step 7")]
    fn a_panicking_thread_ends_the_run_and_its_panic_reaches_the_caller() {
        lockstep(2, 100, |thread, t| {
            if thread == 1 && t == 7 {
                panic!("step 7");
            }
        });
    }
}
