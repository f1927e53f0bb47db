//! Export of a trained network as an engram model file that `engram run` simulates.
//!
//! Each layer becomes a population whose neuron model performs the training cell's
//! operations step for step (`crates/engram-learn/src/cell.rs`), in units where the
//! rest is 0 mV and the threshold 1 mV (the training graph's 0 and 1):
//!
//! | layer | model |
//! |---|---|
//! | `lif`, reset to zero | `lif` with `t_ref = 0`, `v_reset = v_rest` |
//! | `lif` reset by subtraction, `alif` | `alif` (`adapt_strength = 0` for `lif`) |
//! | `readout` | `lif` whose threshold (10⁹ mV) is never reached; its `v` is recorded |
//!
//! The input is a `spike_generator` population; the weights are `from_file`
//! projections with `weight = "1 mV"` (a file weight of 1 is one threshold), the
//! learnt DCLS delays rounded to whole steps as in the final evaluation (or, when the
//! final network keeps kernels of width σ > 0, one synapse per tap `k` with weight
//! `w·G_k` and delay `k` steps), and one step of delay elsewhere (the training graph's
//! `u[t] = x[t-1] · W`).
//!
//! Samples are laid out one after the other, `period = steps + 1` steps apart, each one
//! trial of the simulation (`simulation.trial`): the network starts every sample from
//! rest, as the training graph does. (A silent gap between samples is not enough: a
//! trained recurrent network can keep its activity up without input.)

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;

use ndarray::{Array1, Array2};
use ndarray_npy::{NpzWriter, WriteNpyExt};

use crate::cell::Reset;
use crate::layer::{Layer, Projection};
use crate::network::Network;

/// Where the samples lie in the exported model's time, and what decides the class.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Number of samples laid out.
    pub samples: usize,
    /// Input steps of one sample.
    pub steps: usize,
    /// Steps from one sample's start to the next one's (the input and one more step).
    pub period: usize,
    /// Time step (s).
    pub dt: f64,
    /// The population whose activity decides the class (the last layer).
    pub output: String,
    /// `true`: the class is the output neuron with most spikes in the sample's
    /// window; `false`: the one with the largest (`max_membrane`) or summed (otherwise)
    /// recorded `v` over the window.
    pub by_spikes: bool,
    /// With a readout: `max_membrane` decides by the largest `v`.
    pub by_max: bool,
}

/// Writes `model.toml` and the weight files of `net` into `dir` (which must exist),
/// with `inputs` (one `steps × channels` spike raster per sample, as the training
/// graph sees them) as the spike generator's spikes. A layer with one time constant
/// per neuron gets them as `.npy` files (`LAYER_tau_m.npy`, `LAYER_tau_syn.npy`, in
/// seconds).
pub fn write(net: &Network<f32>, name: &str, inputs: &[Vec<f32>], dir: &Path, sigma: f64) -> Result<Layout, String> {
    let dt = net.dt;
    let ms = |s: f64| format!("\"{} ms\"", s * 1e3);
    let steps = net.steps;
    // Each sample is one trial of the simulation: the network starts it from rest, as
    // the training graph does, so activity a recurrent network keeps up on its own
    // cannot carry over. The trial's last step has no input; the readout's state after
    // the sample's last input step is sampled at its start.
    let period = steps + 1;
    let samples = inputs.len();
    let io = |e: std::io::Error| format!("cannot write the export: {e}");
    let npy = |e: ndarray_npy::WriteNpyError| format!("cannot write the export: {e}");

    let mut toml = String::new();
    let last = net.layers.last().expect("a network has layers");
    let by_spikes = last.spec.cell.spiking;
    let _ = writeln!(
        toml,
        "# {name}, trained by `engram train` and exported: {samples} test samples, one every {period} steps \
         ({steps} of input, each sample one trial). See docs/train.md, \"Export\"."
    );
    let _ = writeln!(toml, "name = \"{name}_export\"\n");
    let _ = writeln!(
        toml,
        "[simulation]\ndt = {}\nduration = {}\ntrial = {}\nseed = 1\n",
        ms(dt),
        ms(dt * (samples * period) as f64),
        ms(dt * period as f64)
    );

    let (mut times, mut ids) = (String::new(), String::new());
    let n_in = net.n_in();
    for (b, x) in inputs.iter().enumerate() {
        for (t, row) in x.chunks_exact(n_in).enumerate() {
            for (c, &v) in row.iter().enumerate() {
                if v > 0.5 {
                    let _ = write!(times, "{},", ms(dt * (b * period + t) as f64));
                    let _ = write!(ids, "{c},");
                }
            }
        }
    }
    let _ = writeln!(
        toml,
        "[populations.input]\nn = {n_in}\nmodel = \"spike_generator\"\ntimes = [{times}]\nids = [{ids}]\n"
    );

    let mut source = "input".to_string();
    for layer in &net.layers {
        let name = &layer.spec.name;
        population(&mut toml, layer, dt, dir)?;
        let w_in = Array2::from_shape_vec((layer.spec.n_in, layer.spec.n_out), layer.w_in.value.clone())
            .expect("w_in is n_in × n_out");
        let file = match (&layer.spec.projection, &layer.delay_in) {
            (Projection::Delays { taps }, Some(d)) => {
                let file = format!("{name}_w_in.npz");
                let (mut src, mut tgt, mut w, mut del) = (vec![], vec![], vec![], vec![]);
                // The kernels the final evaluation used: with σ = 0 one tap at the rounded
                // delay; with σ > 0 a synapse per tap carrying w·G_k (taps below 10⁻⁶
                // of the synapse's kernel are left out).
                let g = crate::dcls::kernels(&d.value, *taps, sigma);
                let n_syn = d.value.len();
                for ((i, j), &wij) in w_in.indexed_iter() {
                    let s = i * layer.spec.n_out + j;
                    for k in 0..*taps {
                        let gk = g[k * n_syn + s];
                        if gk > 1e-6 {
                            src.push(i as i64);
                            tgt.push(j as i64);
                            w.push(wij * gk);
                            del.push(k as i64 + 1);
                        }
                    }
                }
                let mut npz = NpzWriter::new(File::create(dir.join(&file)).map_err(io)?);
                let arrays =
                    [("sources", Array1::from(src)), ("targets", Array1::from(tgt)), ("delays", Array1::from(del))];
                for (key, a) in arrays {
                    npz.add_array(key, &a).map_err(|e| format!("cannot write {file}: {e}"))?;
                }
                npz.add_array("weights", &Array1::from(w)).map_err(|e| format!("cannot write {file}: {e}"))?;
                npz.finish().map_err(|e| format!("cannot write {file}: {e}"))?;
                file
            }
            _ => {
                let file = format!("{name}_w_in.npy");
                w_in.write_npy(File::create(dir.join(&file)).map_err(io)?).map_err(npy)?;
                file
            }
        };
        projection(&mut toml, &format!("{source}_{name}"), &source, name, &file, dt);
        if let Some(w_rec) = &layer.w_rec {
            let file = format!("{name}_w_rec.npy");
            let n = layer.spec.n_out;
            Array2::from_shape_vec((n, n), w_rec.value.clone())
                .expect("w_rec is n × n")
                .write_npy(File::create(dir.join(&file)).map_err(io)?)
                .map_err(npy)?;
            projection(&mut toml, &format!("{name}_{name}"), name, name, &file, dt);
        }
        source = name.clone();
    }

    let spiking: Vec<String> =
        net.layers.iter().filter(|l| l.spec.cell.spiking).map(|l| format!("{} = \"all\"", l.spec.name)).collect();
    let _ = writeln!(toml, "[record]\nspikes = {{ {} }}\n", spiking.join(", "));
    if !by_spikes {
        let ids: Vec<String> = (0..last.spec.n_out).map(|i| i.to_string()).collect();
        let _ = writeln!(
            toml,
            "[[record.state]]\npopulation = \"{}\"\nvars = [\"v\"]\nids = [{}]",
            last.spec.name,
            ids.join(", ")
        );
    }
    std::fs::write(dir.join("model.toml"), toml).map_err(io)?;
    Ok(Layout {
        samples,
        steps,
        period,
        dt,
        output: last.spec.name.clone(),
        by_spikes,
        by_max: net.loss == crate::loss::Loss::MaxMembrane,
    })
}

/// The `[populations.NAME]` table of a layer.
/// The `[populations.NAME]` table of a layer; time constants per neuron go to `.npy`
/// files in `dir`.
fn population(toml: &mut String, layer: &Layer<f32>, dt: f64, dir: &Path) -> Result<(), String> {
    let ms = |s: f64| format!("\"{} ms\"", s * 1e3);
    let tau = |decay: f32| -dt / f64::from(decay).ln();
    let time_constant = |decays: &[f32], what: &str| -> Result<String, String> {
        if let [decay] = decays {
            return Ok(ms(tau(*decay)));
        }
        let file = format!("{}_{what}.npy", layer.spec.name);
        let values = Array1::from_iter(decays.iter().map(|&d| tau(d)));
        let out = File::create(dir.join(&file)).map_err(|e| format!("cannot write {file}: {e}"))?;
        values.write_npy(out).map_err(|e| format!("cannot write {file}: {e}"))?;
        Ok(format!("{{ file = \"{file}\", unit = \"1 s\" }}"))
    };
    let (tau_m, tau_syn) = (time_constant(&layer.beta.value, "tau_m")?, time_constant(&layer.alpha.value, "tau_syn")?);
    let cell = &layer.spec.cell;
    let _ = writeln!(toml, "[populations.{}]\nn = {}", layer.spec.name, layer.spec.n_out);
    let _ = writeln!(toml, "tau_m = {tau_m}\ntau_syn_exc = {tau_syn}\ntau_syn_inh = {tau_syn}");
    let _ = writeln!(toml, "v_rest = \"0 mV\"\nv_reset = \"0 mV\"");
    if !cell.spiking {
        let _ = writeln!(toml, "model = \"lif\"\nt_ref = \"0 ms\"\nv_th = \"1e9 mV\"   # a readout never fires\n");
    } else if cell.adaptation.is_none() && cell.reset == Reset::Zero {
        let _ = writeln!(toml, "model = \"lif\"\nt_ref = \"0 ms\"\nv_th = \"1 mV\"\n");
    } else {
        let (tau_adapt, strength) = cell.adaptation.map_or((ms(dt), 0.0), |a| (ms(-dt / a.rho.ln()), a.strength));
        let reset = if cell.reset == Reset::Zero { "to_v_reset" } else { "subtract" };
        let _ = writeln!(
            toml,
            "model = \"alif\"\nv_th = \"1 mV\"\ntau_adapt = {tau_adapt}\nadapt_strength = {strength}\nreset = \"{reset}\"\n"
        );
    }
    Ok(())
}

/// The `[projections.NAME]` table of weights read from `file`.
fn projection(toml: &mut String, name: &str, source: &str, target: &str, file: &str, dt: f64) {
    // Delays in the .npz files are in steps; `delay` is their unit and the delay of
    // the dense (.npy) projections: one step.
    let _ = writeln!(
        toml,
        "[projections.{name}]\nsource = \"{source}\"\ntarget = \"{target}\"\nrule = \"from_file\"\nfile = \"{file}\"\n\
         weight = \"1 mV\"\nreceptor = \"exc\"\ndelay = \"{} ms\"\n",
        dt * 1e3
    );
}
