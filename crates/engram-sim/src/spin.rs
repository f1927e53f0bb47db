//! Waiting for another thread without a system call, for threads that meet thousands
//! of times per second: the simulation's workers after each epoch, and a reservoir's
//! threads after each step; and how many such threads a machine can run.

use std::time::{Duration, Instant};

/// Waits until `ready()` holds: spinning for up to 50 µs (an epoch of a large network
/// or a step of a large reservoir takes about that long, and a spin answers within
/// nanoseconds, where waking a sleeping thread through the kernel takes several
/// microseconds), then yielding the core, so a loaded machine is not made slower by
/// spinning. Returns false if one of `threads` ended first (it panicked), true
/// otherwise.
pub fn wait_until(ready: impl Fn() -> bool, threads: &[std::thread::ScopedJoinHandle<'_, ()>]) -> bool {
    let started = Instant::now();
    let mut spins = 0u32;
    while !ready() {
        if threads.iter().any(|h| h.is_finished()) {
            return false;
        }
        spins += 1;
        if spins < 64 || started.elapsed() < Duration::from_micros(50) {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    true
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
