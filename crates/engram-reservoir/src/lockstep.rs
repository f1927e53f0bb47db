//! Many short steps on a fixed set of threads that meet at a barrier after each step.
//!
//! A step of a 2,000-unit reservoir at 10 % connectivity takes about 45 µs on two
//! threads. Handing every step to rayon cost about 4 µs more: its idle worker falls
//! asleep between steps and is woken through the kernel (perf of the speed benchmark:
//! a tenth of the CPU time in `sched_yield` and futex wake-ups). Threads that live for
//! the whole run and spin at a barrier between steps see each other within
//! nanoseconds, which made the run phase of the speed benchmark (10,000 steps) 7 %
//! faster (0.61 → 0.57 s).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use engram_sim::spin::wait_until;

/// The threads a run should use: rayon's (`--threads`), but no more than the machine
/// has cores ([`engram_sim::spin::usable_threads`]): three threads on the project's
/// two-core machine ran the speed benchmark's test phase 2.5× slower than two, and its
/// Gram product 20 % slower.
pub(crate) fn usable_threads() -> usize {
    engram_sim::spin::usable_threads(rayon::current_num_threads())
}

/// A reusable barrier for `threads` threads that spins instead of sleeping, and that
/// releases everybody once a participant has panicked.
struct SpinBarrier {
    threads: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
    poisoned: AtomicBool,
}

impl SpinBarrier {
    fn new(threads: usize) -> SpinBarrier {
        SpinBarrier {
            threads,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            poisoned: AtomicBool::new(false),
        }
    }

    /// Waits until every thread has arrived. Returns false if a thread panicked.
    fn wait(&self) -> bool {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.threads {
            // The others cannot arrive again before they see the new generation, so
            // the count is reset before anybody can add to it.
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return !self.poisoned.load(Ordering::Acquire);
        }
        wait_until(
            || self.generation.load(Ordering::Acquire) != generation || self.poisoned.load(Ordering::Acquire),
            &[],
        );
        !self.poisoned.load(Ordering::Acquire)
    }
}

/// Marks the barrier poisoned if its thread unwinds, so the others stop waiting.
struct PoisonOnPanic<'a>(&'a SpinBarrier);

impl Drop for PoisonOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.poisoned.store(true, Ordering::Release);
        }
    }
}

/// Calls `work(thread, t)` for every `thread < threads` and every `t < steps`, on
/// `threads` threads (the caller's among them): all calls of step `t` return before
/// any call of step `t + 1` starts, and everything a call of step `t` wrote is visible
/// to every call of step `t + 1`. A panic in one call ends the run and is raised again
/// on the caller's thread.
pub(crate) fn lockstep(threads: usize, steps: usize, work: impl Fn(usize, usize) + Sync) {
    let threads = threads.max(1);
    if threads == 1 {
        (0..steps).for_each(|t| work(0, t));
        return;
    }
    let barrier = SpinBarrier::new(threads);
    let run = |thread: usize| {
        let _guard = PoisonOnPanic(&barrier);
        for t in 0..steps {
            work(thread, t);
            if !barrier.wait() {
                return;
            }
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
