//! `engram train`: read a training configuration, train, write the run directory
//! (metrics.json, the learning curve, a safetensors checkpoint).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use engram_learn::train::{train, EpochReport};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::{Failure, TrainArgs};

/// Trains the network a configuration describes and writes its run directory.
pub fn run(args: &TrainArgs) -> Result<(), Failure> {
    let mut overrides = args.set.clone();
    if let Some(s) = args.seed {
        overrides.push(format!("training.seed={s}"));
    }
    let experiment = engram_learn::config::load(&args.config, &overrides)?;
    let threads = crate::workers(crate::threads(args.threads)?, args.quiet);
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("runs").join(&experiment.name));
    let run_dir = engram_io::RunDir::create(&out).map_err(|e| Failure::Runtime(e.to_string()))?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // Ctrl-C ends training after the current batch; the run directory is still written.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start {threads} threads: {e}")))?;

    let mut net = experiment.network.clone();
    let cfg = experiment.training.clone();
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = show.then(|| {
        let b = ProgressBar::new(experiment.train.len() as u64);
        b.set_style(
            ProgressStyle::with_template("epoch {prefix} {wide_bar} {pos}/{len} samples, eta {eta}  {msg}")
                .expect("the template is valid"),
        );
        b
    });
    let epochs = cfg.epochs;
    let quiet = args.quiet;
    let mut on_epoch = |r: &EpochReport| {
        let line = r.line(epochs);
        match &bar {
            Some(b) => {
                b.println(&line);
                b.set_message(format!("last: loss {:.4}, test {:.2} %", r.loss, 100.0 * r.test_accuracy));
                b.set_position(0);
                b.set_prefix(format!("{}/{epochs}", (r.epoch + 1).min(epochs)));
            }
            None if !quiet => println!("{line}"),
            None => {}
        }
    };
    if let Some(b) = &bar {
        b.set_prefix(format!("1/{epochs}"));
    }
    let mut on_batch = |done: usize, _total: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let outcome = pool.install(|| {
        train(
            &mut net,
            &experiment.train,
            &experiment.test,
            &experiment.encoding,
            &cfg,
            &mut on_epoch,
            &mut on_batch,
            &stop,
        )
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }

    // The trained network as a model file, simulated on the test samples.
    let inputs = engram_learn::train::test_inputs(&experiment.test, &experiment.encoding, cfg.seed);
    let export = pool.install(|| {
        let predicted = engram_learn::train::predictions(&net, &inputs, cfg.shard_size, outcome.final_sigma);
        crate::train_export::export_and_check(
            &net,
            &experiment.name,
            &inputs,
            &experiment.test.labels,
            &predicted,
            &run_dir.path().join("export"),
            threads,
            outcome.final_sigma,
        )
    });
    let export_json = match &export {
        Ok(a) => json!({ "model": "export/model.toml", "test_accuracy": a.accuracy, "agreement": a.agreement }),
        Err(reason) => json!({ "skipped": reason }),
    };

    let io = |e: engram_io::IoError| Failure::Runtime(e.to_string());
    let history: Vec<&EpochReport> = outcome.history.iter().collect();
    let metrics = json!({
        "name": experiment.name,
        "train_accuracy": outcome.train_accuracy,
        "test_accuracy": outcome.test_accuracy,
        "epochs": outcome.epochs,
        "samples_per_s": outcome.samples_per_s,
        "wall_s": outcome.wall_s,
        "interrupted": outcome.interrupted,
        "threads": threads,
        "train_samples": experiment.train.len(),
        "test_samples": experiment.test.len(),
        "seed": cfg.seed,
        "history": history,
        "export": export_json,
        "final_sigma": outcome.final_sigma,
    });
    engram_io::write_json(&run_dir.path().join("metrics.json"), &metrics).map_err(io)?;
    if let Some(indices) = &experiment.test_indices {
        engram_io::write_json(&run_dir.path().join("split.json"), &json!({ "test_indices": indices })).map_err(io)?;
    }
    let column = |f: fn(&EpochReport) -> f64| -> Vec<f64> { outcome.history.iter().map(f).collect() };
    let (loss, train_acc, test_acc) = (column(|r| r.loss), column(|r| r.train_accuracy), column(|r| r.test_accuracy));
    let curves = engram_io::Curves { loss: &loss, train_accuracy: &train_acc, test_accuracy: &test_acc };
    engram_io::plot_training(&run_dir.path().join("curves.png"), &experiment.name, curves).map_err(io)?;
    let meta =
        HashMap::from([("name".to_string(), experiment.name.clone()), ("seed".to_string(), cfg.seed.to_string())]);
    engram_learn::checkpoint::save(&net, &run_dir.path().join("model.safetensors"), meta).map_err(Failure::Runtime)?;
    let final_dir = run_dir.commit().map_err(|e| Failure::Runtime(e.to_string()))?;
    if !args.quiet {
        println!(
            "{}: train accuracy {:.2} %, test accuracy {:.2} % after {} epochs; {:.0} samples/s, {:.1} s",
            experiment.name,
            100.0 * outcome.train_accuracy,
            100.0 * outcome.test_accuracy,
            outcome.epochs,
            outcome.samples_per_s,
            outcome.wall_s
        );
        match &export {
            Ok(a) => println!(
                "export/model.toml in the simulator: test accuracy {:.2} %, same decision as the training graph on {:.2} % of the test samples",
                100.0 * a.accuracy,
                100.0 * a.agreement
            ),
            Err(reason) => println!("no export: {reason}"),
        }
        println!("wrote {}", final_dir.display());
    }
    Ok(())
}
