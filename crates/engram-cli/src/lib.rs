//! The `engram` command line: `engram run`, `engram check`, `engram analyze`,
//! `engram reservoir` and `engram train`.
//!
//! Flags live in [`Cli`]; each command is one module. Errors are reported here, once:
//! model errors with the quoted source (exit 2), runtime failures with the population
//! and time (exit 1).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod analyze;
mod check;
mod output;
mod reservoir;
mod run;
mod train;
mod train_export;

/// The text `engram --help` opens with: what engram is, then clap lists the commands.
const ABOUT: &str = "engram simulates spiking neural networks described in TOML model files \
(populations, projections, plasticity; every quantity with its unit), trains them with surrogate \
gradients, runs them as reservoirs and analyses their spikes.";

/// After the commands and options: where to start.
const AFTER_HELP: &str = "Start with:
  engram check examples/cuba.toml    validate a model, print its size and memory
  engram run examples/cuba.toml      simulate it; results in runs/cuba/
  engram analyze runs/cuba           spike-train statistics into analysis.json
`engram help COMMAND` shows a command's flags; docs/model-file.md describes model files.";

/// The `engram` command line.
#[derive(Parser, Debug)]
#[command(name = "engram", version, about = ABOUT, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a model file and write a run directory (spikes, rates, state, plots).
    Run(RunArgs),
    /// Validate a model file; print its populations, synapses, memory and steps.
    Check(ModelArgs),
    /// Spike-train statistics of a run directory or an NPZ spike file, into analysis.json.
    Analyze(AnalyzeArgs),
    /// Train and score a reservoir (echo-state or liquid-state machine) on a task (docs/reservoir.md).
    Reservoir(ReservoirArgs),
    /// Train a spiking network with surrogate gradients (docs/train.md).
    Train(TrainArgs),
}

/// Arguments of `engram reservoir` and `engram train`: a configuration file and the
/// flags `engram run` has.
#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// The configuration (TOML; see docs/reservoir.md or docs/train.md).
    pub config: PathBuf,
    /// Override a key of the configuration by its dotted path, e.g.
    /// `--set reservoir.spectral_radius=0.9`; the value is read as TOML, or as a string.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Seed of every random stream (overrides the configuration's seed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Run directory to write (default: runs/<name>).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Worker threads (default and most: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// No progress bar and no report on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `engram reservoir`.
pub type ReservoirArgs = ConfigArgs;
/// Arguments of `engram train`.
pub type TrainArgs = ConfigArgs;

/// Arguments of `engram analyze`.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// A run directory (spikes.npz and summary.json) or an NPZ file with `{pop}_times`
    /// and `{pop}_ids` arrays.
    pub input: PathBuf,
    /// Directory for analysis.json and the report (default: the run directory, or the
    /// NPZ file's directory).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Also draw PNG figures into OUT/report/.
    #[arg(long)]
    pub report: bool,
    /// Recorded time, e.g. "10 s" (default: summary.json's, or the last spike's time).
    #[arg(long)]
    pub duration: Option<String>,
    /// Start of the analysed window, e.g. "500 ms" to leave out the onset transient
    /// (default: 0).
    #[arg(long, value_name = "TIME")]
    pub t_start: Option<String>,
    /// End of the analysed window (default: the end of the recording).
    #[arg(long, value_name = "TIME")]
    pub t_stop: Option<String>,
    /// Counting window of the Fano factor (default: "100 ms").
    #[arg(long, value_name = "TIME")]
    pub fano_window: Option<String>,
    /// Bin width of the spike-count correlations and of the synchrony χ (default: "5 ms").
    #[arg(long, value_name = "TIME")]
    pub correlation_bin: Option<String>,
    /// No summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments naming a model and overrides of its keys.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// The model file (TOML).
    pub model: PathBuf,
    /// Override a key of the model file by its dotted path, e.g.
    /// `--set populations.exc.tau_m="10 ms"`; the value is read as TOML, or as a string.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Seed of every random stream (overrides `simulation.seed`); TOML integers end at 2^63 - 1.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Simulated time, e.g. "2 s" (overrides `simulation.duration`).
    #[arg(long)]
    pub duration: Option<String>,
}

impl ModelArgs {
    /// All overrides, with `--seed` and `--duration` as `--set` of their keys so they
    /// are validated like the rest.
    pub fn overrides(&self) -> Vec<String> {
        let mut o = self.set.clone();
        if let Some(s) = self.seed {
            o.push(format!("simulation.seed={s}"));
        }
        if let Some(d) = &self.duration {
            o.push(format!("simulation.duration=\"{d}\""));
        }
        o
    }

    /// Reads and validates the model with the overrides, printing the reader's notes
    /// (a duration rounded to whole steps, say) on stderr unless `quiet`.
    /// Errors and notes about a value that `--seed` or `--duration` set name that flag,
    /// not the `--set` it became.
    pub(crate) fn load(&self, quiet: bool) -> Result<engram_model::Model, Failure> {
        let model =
            engram_model::load_model(&self.model, &self.overrides(), &engram_sim::Models).map_err(|mut e| {
                e.file = self.flag_of(&e.file);
                e
            })?;
        if !quiet {
            for note in &model.notes {
                eprintln!("note: {}", self.flag_of(note));
            }
        }
        Ok(model)
    }

    /// `text` with the `--set` that `--seed` or `--duration` became at its start
    /// written back as that flag.
    fn flag_of(&self, text: &str) -> String {
        let flags = [
            self.seed.map(|s| (format!("--set simulation.seed={s}"), format!("--seed {s}"))),
            self.duration
                .as_ref()
                .map(|d| (format!("--set simulation.duration=\"{d}\""), format!("--duration \"{d}\""))),
        ];
        for (set, flag) in flags.into_iter().flatten() {
            if let Some(rest) = text.strip_prefix(&set) {
                return format!("{flag}{rest}");
            }
        }
        text.to_string()
    }
}

/// Arguments of `engram run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The model and overrides.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Run directory to write (default: runs/<model name>).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Worker threads, at most all cores (default: as many as the network is large
    /// enough to keep busy, at most all cores; one for a few thousand neurons).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// No progress bar and no report on stdout.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How a command failed.
pub enum Failure {
    /// Bad input: a model error or a bad argument (exit 2).
    Input(miette::Report),
    /// The run could not be completed (exit 1).
    Runtime(String),
}

impl From<engram_model::ModelError> for Failure {
    fn from(e: engram_model::ModelError) -> Failure {
        Failure::Input(miette::Report::new(e))
    }
}

/// The `--threads` value: all cores by default; 0 is refused.
pub(crate) fn threads(requested: Option<usize>) -> Result<usize, Failure> {
    match requested {
        Some(0) => Err(Failure::Input(miette::miette!("--threads: expected at least 1 thread, found 0"))),
        Some(t) => Ok(t),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// The workers of `engram run` for `--threads`: by default as many as the network's
/// work per epoch pays for, at most all cores (`engram_sim::spin::workers_for`: a
/// network of a few thousand neurons runs on one); else the number asked for, no more
/// than the cores.
pub(crate) fn run_workers(requested: Option<usize>, quiet: bool) -> Result<engram_sim::spin::Workers, Failure> {
    use engram_sim::spin::Workers;
    match requested {
        None => Ok(Workers::Auto(engram_sim::spin::usable_threads(usize::MAX))),
        Some(_) => Ok(Workers::Exactly(workers(threads(requested)?, quiet))),
    }
}

/// The threads of a command for `--threads requested`: no more than the machine's
/// cores (see `engram_sim::spin::usable_threads`), saying so unless `quiet`.
pub(crate) fn workers(requested: usize, quiet: bool) -> usize {
    let workers = engram_sim::spin::usable_threads(requested);
    if workers < requested && !quiet {
        eprintln!("note: --threads {requested} is more than this machine's {workers} cores; running on {workers}");
    }
    workers
}

/// Runs the command and returns the process's exit status.
pub fn main(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Analyze(args) => analyze::analyze(&args),
        Command::Reservoir(args) => reservoir::reservoir(&args),
        Command::Train(args) => train::run(&args),
    };
    match result {
        Ok(()) => 0,
        Err(Failure::Input(report)) => {
            eprintln!("error: {report}");
            // The quoted source and the hint, when there are any.
            let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
            let mut out = String::new();
            if handler.render_report(&mut out, report.as_ref()).is_ok() {
                let detail: Vec<&str> = out.lines().skip(1).collect();
                if detail.iter().any(|l| !l.trim().is_empty()) {
                    eprintln!("{}", detail.join("\n"));
                }
            }
            2
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("error: {msg}");
            1
        }
    }
}
