//! Reading a training configuration (TOML) into an [`Experiment`].
//!
//! Read with engram-model's located reader, so every error reads
//! `file:line:col: dotted.key: what was expected`, and unknown keys are reported with
//! the closest known one. Data files are loaded here too, so a missing or corrupt file
//! is reported at the key that names it. The format is documented in `docs/train.md`.

// A configuration error carries the source text it quotes; it is made once per failed
// read, never on a hot path, so its size in `Result` does not matter (as in engram-model).
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use engram_model::reader::{Entry, TableReader};
use engram_model::{read_toml, Dim, ModelError};
use rand::SeedableRng;

use crate::cell::{Adaptation, CellSpec, Reset};
use crate::data::delay_task::DelayTask;
use crate::data::{digits, mnist1d, Dataset, Encoding};
use crate::layer::{Layer, LayerSpec, Projection};
use crate::loss::Loss;
use crate::network::{Network, RateRegularisation};
use crate::optim::AdamConfig;
use crate::surrogate::Surrogate;
use crate::train::{SigmaSchedule, TrainConfig};

type Result<T> = std::result::Result<T, ModelError>;

/// Everything a training run needs.
pub struct Experiment {
    /// Name of the run (the `name` key, or the file's stem).
    pub name: String,
    /// The untrained network.
    pub network: Network<f32>,
    /// Training samples.
    pub train: Dataset,
    /// Test samples.
    pub test: Dataset,
    /// How samples become spikes.
    pub encoding: Encoding,
    /// Optimiser and loop settings.
    pub training: TrainConfig,
    /// For a data set split here (digits): the test samples' indices in the file.
    pub test_indices: Option<Vec<usize>>,
}

/// Reads the configuration at `path` after applying `--set` overrides.
pub fn load(path: &Path, overrides: &[String]) -> Result<Experiment> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ModelError::whole_file(&name, format!("cannot read the configuration: {e}")))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "train".into());
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(&name, &stem, &text, overrides, &base)
}

/// Reads a configuration from its text; relative data paths are taken from `base`.
pub fn parse(file: &str, stem: &str, text: &str, overrides: &[String], base: &Path) -> Result<Experiment> {
    read_toml(file, text, overrides, |mut root| {
        let name = match root.get("name") {
            Some(e) => e.as_str("name", "the run's name as a string")?.to_string(),
            None => stem.to_string(),
        };

        let what = format!("a [training] table{}", root.other_kind().unwrap_or_default());
        let mut training_t = root.require("training", &what)?.table("training", "a table")?;
        let training = read_training(&mut training_t)?;
        training_t.finish()?;

        let mut data_t = root.require("data", "a [data] table naming the data set")?.table("data", "a table")?;
        let (train, test, test_indices) = read_data(&mut data_t, base, training.seed)?;
        data_t.finish()?;

        let enc_entry = root.require("encoding", "an [encoding] table")?;
        let mut enc_t = enc_entry.table("encoding", "a table")?;
        let encoding = read_encoding(&mut enc_t)?;
        enc_t.finish()?;
        for set in [&train, &test] {
            encoding.check(set).map_err(|m| enc_entry.error("encoding", m))?;
        }

        let mut net_t = root.require("network", "a [network] table")?.table("network", "a table")?;
        let n_features = train.n_features();
        let network = read_network(
            &mut net_t,
            encoding.channels(n_features),
            encoding.steps(n_features),
            train.classes,
            training.seed,
        )?;
        net_t.finish()?;
        root.finish()?;
        let mut training = training;
        if network.layers.iter().all(|l| l.delay_in.is_none()) {
            training.sigma = None;
        }
        Ok(Experiment { name, network, train, test, encoding, training, test_indices })
    })
}

fn positive(e: &Entry<'_>, key: &str, v: f64) -> Result<f64> {
    if v > 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err(e.error(key, format!("expected a positive number, found {v}")))
    }
}

fn opt_number(t: &mut TableReader<'_>, key: &'static str, default: f64) -> Result<f64> {
    let path = t.key_path(key);
    t.get(key).map_or(Ok(default), |e| e.number(&path))
}

fn opt_count(t: &mut TableReader<'_>, key: &'static str, default: u64, what: &str) -> Result<u64> {
    let path = t.key_path(key);
    t.get(key).map_or(Ok(default), |e| e.count(&path, what))
}

fn choice<'a>(t: &mut TableReader<'a>, key: &'static str, options: &[&str], default: &str) -> Result<String> {
    let path = t.key_path(key);
    let Some(e) = t.get(key) else { return Ok(default.to_string()) };
    let expected = format!("one of {}", options.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join(", "));
    let s = e.as_str(&path, &expected)?;
    if options.contains(&s) {
        Ok(s.to_string())
    } else {
        let hint = engram_model::error::closest(s, options.iter().copied());
        let msg = format!("expected {expected}, found \"{s}\"");
        Err(match hint {
            Some(h) => e.error(&path, msg).with_help(format!("did you mean \"{h}\"?")),
            None => e.error(&path, msg),
        })
    }
}

fn read_training(t: &mut TableReader<'_>) -> Result<TrainConfig> {
    let epochs =
        t.require("epochs", "the number of passes over the training set")?.count("training.epochs", "epochs")?;
    let batch = opt_count(t, "batch_size", 64, "samples per batch")?;
    if batch == 0 {
        return Err(t.get("batch_size").expect("read").error("training.batch_size", "expected at least 1 sample"));
    }
    let shard = opt_count(t, "shard_size", 32, "samples per parallel shard")?.max(1);
    let lr = match t.get("lr") {
        Some(e) => positive(&e, "training.lr", e.number("training.lr")?)?,
        None => 1e-3,
    };
    let schedule = choice(t, "schedule", &["cosine", "constant"], "constant")?;
    let lr_min = opt_number(t, "lr_min", 0.0)?;
    let optimizer = choice(t, "optimizer", &["adam", "adamw"], "adam")?;
    let weight_decay = opt_number(t, "weight_decay", if optimizer == "adamw" { 1e-2 } else { 0.0 })?;
    if optimizer == "adam" && weight_decay != 0.0 {
        return Err(t
            .get("weight_decay")
            .expect("read")
            .error("training.weight_decay", "weight decay needs optimizer = \"adamw\"".to_string()));
    }
    let clip_norm = opt_number(t, "clip_norm", 0.0)?;
    let seed = opt_count(t, "seed", 1, "a seed")?;
    let sigma = SigmaSchedule {
        start: opt_number(t, "sigma_start", 5.0)?,
        end: opt_number(t, "sigma_end", 0.5)?,
        hard_epochs: opt_count(t, "hard_epochs", (epochs / 10).max(1), "epochs with integer delays")? as usize,
    };
    Ok(TrainConfig {
        epochs: epochs as usize,
        batch_size: batch as usize,
        shard_size: shard as usize,
        adam: AdamConfig { lr, weight_decay, clip_norm, ..AdamConfig::default() },
        lr_min: if schedule == "cosine" { lr_min } else { lr },
        sigma: Some(sigma),
        seed,
    })
}

fn read_data(t: &mut TableReader<'_>, base: &Path, seed: u64) -> Result<(Dataset, Dataset, Option<Vec<usize>>)> {
    let set = choice(t, "set", &["digits", "mnist1d", "delay_task", "shd"], "digits")?;
    let train_cap = opt_count(t, "train_samples", u64::MAX, "a number of training samples")? as usize;
    let test_cap = opt_count(t, "test_samples", u64::MAX, "a number of test samples")? as usize;
    let mut test_indices = None;
    let (train, test) = match set.as_str() {
        "digits" => {
            let e = t.require("path", "the path of digits.csv.gz")?;
            let path = resolve(base, e.as_str("data.path", "a path as a string")?);
            let all = digits::load(&path).map_err(|m| e.error("data.path", m))?;
            let fraction = opt_number(t, "test_fraction", 0.2)?;
            if !(0.0..1.0).contains(&fraction) {
                return Err(t
                    .get("test_fraction")
                    .expect("read")
                    .error("data.test_fraction", "expected a fraction in [0, 1)"));
            }
            let (train, test, indices) = all.split(fraction, seed);
            test_indices = Some(indices);
            (train, test)
        }
        "mnist1d" => mnist1d::generate(),
        "delay_task" => {
            let task = DelayTask {
                steps: opt_count(t, "steps", 60, "time steps")? as usize,
                min_gap: opt_count(t, "min_gap", 5, "steps")? as usize,
                max_gap: opt_count(t, "max_gap", 20, "steps")? as usize,
            };
            let n_train = opt_count(t, "train_size", 2000, "samples")? as usize;
            let n_test = opt_count(t, "test_size", 500, "samples")? as usize;
            let err = |m: String| t.error(m);
            let train = task.generate(n_train, seed).map_err(err)?;
            let test = task.generate(n_test, seed ^ 0x5eed).map_err(err)?;
            (train, test)
        }
        _ => read_shd(t, base)?,
    };
    if let Some(i) = test_indices.as_mut() {
        i.truncate(test_cap);
    }
    Ok((train.truncate(train_cap), test.truncate(test_cap), test_indices))
}

#[cfg(feature = "shd")]
fn read_shd(t: &mut TableReader<'_>, base: &Path) -> Result<(Dataset, Dataset)> {
    let steps = opt_count(t, "steps", 100, "time bins")? as usize;
    let max_time = match t.get("max_time") {
        Some(e) => positive(&e, "data.max_time", e.quantity("data.max_time", Dim::TIME)?)?,
        None => 1.0,
    };
    let mut sets = Vec::new();
    for key in ["train", "test"] {
        let e = t.require(key, "the path of an SHD HDF5 file")?;
        let dotted = format!("data.{key}");
        let path = resolve(base, e.as_str(&dotted, "a path as a string")?);
        sets.push(crate::data::shd::load(&path, steps, max_time).map_err(|m| e.error(&dotted, m))?);
    }
    let test = sets.pop().expect("two sets");
    Ok((sets.pop().expect("two sets"), test))
}

#[cfg(not(feature = "shd"))]
fn read_shd(t: &mut TableReader<'_>, _base: &Path) -> Result<(Dataset, Dataset)> {
    let e = t.get("set").expect("the set was read");
    Err(e.error("data.set", "reading SHD files needs engram built with the `shd` feature (HDF5)"))
}

fn resolve(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

fn read_encoding(t: &mut TableReader<'_>) -> Result<Encoding> {
    let kind = choice(t, "kind", &["rate", "latency", "levels", "raster"], "rate")?;
    let steps = |t: &mut TableReader<'_>| -> Result<usize> {
        let e = t.require("steps", "the number of time steps")?;
        let n = e.count("encoding.steps", "time steps")?;
        if n < 2 {
            return Err(e.error("encoding.steps", format!("expected at least 2 steps, found {n}")));
        }
        Ok(n as usize)
    };
    Ok(match kind.as_str() {
        "rate" => Encoding::Rate { steps: steps(t)? },
        "latency" => Encoding::Latency { steps: steps(t)?, threshold: opt_number(t, "threshold", 0.01)? as f32 },
        "levels" => Encoding::Levels {
            channels: opt_count(t, "channels", 16, "value bins")?.max(1) as usize,
            repeat: opt_count(t, "repeat", 1, "steps per value")?.max(1) as usize,
            low: opt_number(t, "low", -3.0)? as f32,
            high: opt_number(t, "high", 3.0)? as f32,
        },
        _ => Encoding::Raster { steps: steps(t)?, channels: opt_count(t, "channels", 2, "input channels")? as usize },
    })
}

fn read_network(t: &mut TableReader<'_>, n_in: usize, steps: usize, classes: usize, seed: u64) -> Result<Network<f32>> {
    let dt = match t.get("dt") {
        Some(e) => positive(&e, "network.dt", e.quantity("network.dt", Dim::TIME)?)?,
        None => 1e-3,
    };
    let loss_name = choice(t, "loss", &["max_membrane", "mean_membrane", "spike_count", "rate"], "max_membrane")?;
    let loss = match loss_name.as_str() {
        "max_membrane" => Loss::MaxMembrane,
        "mean_membrane" => Loss::MeanMembrane,
        "spike_count" => Loss::SpikeCount,
        _ => Loss::Rate {
            correct: opt_number(t, "rate_correct", 0.8)?,
            incorrect: opt_number(t, "rate_incorrect", 0.2)?,
        },
    };
    let surrogate_name = choice(t, "surrogate", &Surrogate::NAMES, "fast_sigmoid")?;
    let slope = opt_number(t, "slope", Surrogate::default_slope(&surrogate_name))?;
    let surrogate = Surrogate::by_name(&surrogate_name, slope).expect("the name was checked");
    let reset = match choice(t, "reset", &["zero", "subtract"], "zero")?.as_str() {
        "zero" => Reset::Zero,
        _ => Reset::Subtract,
    };
    let detach_reset = match t.get("detach_reset") {
        Some(e) => e.boolean("network.detach_reset")?,
        None => false,
    };
    let strength = opt_number(t, "rate_reg", 0.0)?;
    let rate_reg =
        (strength > 0.0).then_some(RateRegularisation { strength, target: opt_number(t, "rate_target", 0.05)? });

    let layers_entry = t.require("layers", "a [network.layers.NAME] table per layer, input side first")?;
    let layers_t = layers_entry.table("network.layers", "a table of layers")?;
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let mut layers = Vec::new();
    let mut width = n_in;
    let entries = layers_t.entries();
    if entries.is_empty() {
        return Err(layers_t.error("expected at least one layer"));
    }
    let last_index = entries.len() - 1;
    for (i, (lname, entry, _)) in entries.into_iter().enumerate() {
        let path = format!("network.layers.{lname}");
        let mut l = entry.table(&path, "a table describing the layer")?;
        let kind = choice(&mut l, "kind", &["lif", "alif", "readout"], "lif")?;
        let size_e = l.require("size", "the number of neurons")?;
        let mut size = size_e.count(&format!("{path}.size"), "neurons")? as usize;
        if i == last_index && size != classes {
            return Err(size_e.error(
                &format!("{path}.size"),
                format!("the last layer needs one neuron per class: expected {classes}, found {size}"),
            ));
        }
        if size == 0 {
            return Err(size_e.error(&format!("{path}.size"), "expected at least 1 neuron"));
        }
        size = size.max(1);
        let time = |l: &mut TableReader<'_>, key: &'static str, default: f64| -> Result<f64> {
            match l.get(key) {
                Some(e) => {
                    let k = format!("{path}.{key}");
                    positive(&e, &k, e.quantity(&k, Dim::TIME)?)
                }
                None => Ok(default),
            }
        };
        let tau_m = time(&mut l, "tau_m", 20e-3)?;
        let tau_syn = time(&mut l, "tau_syn", 5e-3)?;
        if (tau_m - tau_syn).abs() < 1e-9 {
            let e = l.get("tau_syn").unwrap_or_else(|| l.get("tau_m").expect("one of them is set"));
            return Err(e.error(&format!("{path}.tau_syn"), "expected tau_syn different from tau_m"));
        }
        let adaptation = if kind == "alif" {
            let tau_a = time(&mut l, "tau_adapt", 200e-3)?;
            Some(Adaptation { rho: (-dt / tau_a).exp(), strength: opt_number(&mut l, "adapt_strength", 1.8)? })
        } else {
            None
        };
        let flag = |l: &mut TableReader<'_>, key: &'static str, default: bool| -> Result<bool> {
            l.get(key).map_or(Ok(default), |e| e.boolean(&format!("{path}.{key}")))
        };
        let recurrent = flag(&mut l, "recurrent", false)?;
        let train_tau = flag(&mut l, "train_tau", false)?;
        let per_neuron_tau = flag(&mut l, "per_neuron_tau", false)?;
        let projection = match l.get("max_delay") {
            Some(e) => {
                let k = format!("{path}.max_delay");
                let d = positive(&e, &k, e.quantity(&k, Dim::TIME)?)?;
                let taps = (d / dt).round() as usize;
                if taps < 1 || taps >= steps {
                    return Err(e.error(
                        &k,
                        format!("expected between 1 step and the sample's {steps} steps, found {taps} steps"),
                    ));
                }
                Projection::Delays { taps }
            }
            None => Projection::Dense,
        };
        let gain = opt_number(&mut l, "gain", 1.0)?;
        let fraction = |l: &mut TableReader<'_>, key: &'static str| -> Result<f64> {
            let Some(e) = l.get(key) else { return Ok(1.0) };
            let k = format!("{path}.{key}");
            let p = e.number(&k)?;
            if p > 0.0 && p <= 1.0 {
                Ok(p)
            } else {
                Err(e.error(&k, format!("expected a fraction of connections in (0, 1], found {p}")))
            }
        };
        let connectivity = fraction(&mut l, "connectivity")?;
        let recurrent_connectivity = match l.get("recurrent_connectivity") {
            Some(e) if !recurrent => {
                return Err(e.error(&format!("{path}.recurrent_connectivity"), "needs `recurrent = true`"));
            }
            _ => fraction(&mut l, "recurrent_connectivity")?,
        };
        l.finish()?;
        let spiking = kind != "readout";
        if i == last_index && spiking != loss.needs_spikes() {
            let want = if loss.needs_spikes() { "a spiking layer (lif or alif)" } else { "a readout layer" };
            let msg = format!("the loss \"{loss_name}\" needs {want} last, found `{lname}` of kind \"{kind}\"");
            return Err(match t.get("loss") {
                Some(e) => e.error("network.loss", msg),
                None => layers_t.error(msg),
            });
        }
        if i < last_index && !spiking {
            return Err(layers_t.error(format!("`{lname}`: a readout layer can only be the last layer")));
        }
        let spec = LayerSpec {
            name: lname.clone(),
            n_in: width,
            n_out: size,
            projection,
            recurrent,
            cell: CellSpec { spiking, reset, detach_reset, surrogate, adaptation, smooth: false },
            per_neuron_tau,
            train_tau,
            connectivity,
            recurrent_connectivity,
        };
        layers.push(Layer::new(spec, (-dt / tau_syn).exp(), (-dt / tau_m).exp(), gain, &mut rng));
        width = size;
    }
    Ok(Network { layers, loss, steps, dt, rate_reg })
}
