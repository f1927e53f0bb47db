//! `engram run`: build, simulate, write the run directory.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use engram_sim::{Network, SimError};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{output, Failure, RunArgs};

/// Runs a model and writes its run directory.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let model = args.model.load(args.quiet)?;
    let workers = crate::run_workers(args.threads, args.quiet)?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("runs").join(&model.name));
    // Created first, so an unwritable place fails before a long run, and removed
    // again if anything below fails: an existing run directory is never touched.
    let run_dir = engram_io::RunDir::create(&out).map_err(|e| Failure::Runtime(e.to_string()))?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // Ctrl-C finishes the current epoch and abandons the run cleanly; a second
        // Ctrl-C is not caught again and the handler may already be set in tests.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }

    let mut net = Network::build(&model, workers).map_err(runtime)?;
    let steps = model.steps();
    let show = !args.quiet && std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    let mut progress = |done: u64, total: u64| {
        if !show {
            return;
        }
        if bar.is_none() && started.elapsed() > Duration::from_millis(700) {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% of simulated time, eta {eta}",
                )
                .expect("the template is valid"),
            );
            bar = Some(b);
        }
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let result = net.run(steps, &mut progress, &stop);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result.map_err(runtime)?;
    let run_s = started.elapsed().as_secs_f64();

    let summary = output::summary(&model, &net, net.workers(), run_s);
    output::write_run(&run_dir, &model, &net, &summary).map_err(|e| Failure::Runtime(e.to_string()))?;
    let final_dir = run_dir.commit().map_err(|e| Failure::Runtime(e.to_string()))?;
    if !args.quiet {
        output::print_report(&summary, &final_dir);
    }
    Ok(())
}

/// A failure of the build or the run: exit 1, except for a model error that only the
/// built network reveals (a traced synapse that does not exist), which is bad input.
fn runtime(e: SimError) -> Failure {
    match e {
        SimError::Model(m) => Failure::from(*m),
        e => Failure::Runtime(e.to_string()),
    }
}
