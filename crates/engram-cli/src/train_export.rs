//! `engram train`'s export: writes the trained network as an engram model file into
//! `RUN_DIR/export/`, simulates it with the event-driven simulator on the test
//! samples, and compares the simulator's decisions with the training graph's.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use engram_learn::export::{self, Layout};
use engram_learn::Network as Trained;
use engram_sim::{Models, Network};
use serde_json::{json, Value};

/// What the simulated export did on the test set.
pub struct Agreement {
    /// Test accuracy of the simulated model.
    pub accuracy: f64,
    /// Fraction of samples on which the simulator and the training graph decide alike.
    pub agreement: f64,
}

/// Exports `net` into `dir` (created), runs it on `inputs` and scores it against
/// `labels` and the training graph's `predicted` classes (DCLS kernels of width
/// `sigma`, 0 for rounded delays). Writes `dir/layout.json`.
#[allow(clippy::too_many_arguments)]
pub fn export_and_check(
    net: &Trained<f32>,
    name: &str,
    inputs: &[Vec<f32>],
    labels: &[usize],
    predicted: &[usize],
    dir: &Path,
    threads: usize,
    sigma: f64,
) -> Result<Agreement, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let layout = export::write(net, name, inputs, dir, sigma)?;
    let model = engram_model::load_model(&dir.join("model.toml"), &[], &Models)
        .map_err(|e| format!("the exported model does not load: {e}"))?;
    let mut sim = Network::build(&model, threads).map_err(|e| e.to_string())?;
    let steps = model.steps();
    sim.run(steps, &mut |_, _| {}, &AtomicBool::new(false)).map_err(|e| e.to_string())?;
    let output = model.population_index(&layout.output).expect("the export names its output population");
    let classes = model.populations[output].size;
    let scores = scores(&sim, &layout, output, classes);
    let decided: Vec<usize> = scores.chunks(classes).map(argmax).collect();
    let n = labels.len().max(1) as f64;
    let accuracy = decided.iter().zip(labels).filter(|(d, l)| d == l).count() as f64 / n;
    let agreement = decided.iter().zip(predicted).filter(|(d, p)| d == p).count() as f64 / n;
    let doc: Value = json!({
        "samples": layout.samples,
        "steps": layout.steps,
        "period": layout.period,
        "dt": layout.dt,
        "output": layout.output,
        "decision": if layout.by_spikes { "spike_count" } else if layout.by_max { "max_v" } else { "mean_v" },
        "labels": labels,
        "training_graph_predictions": predicted,
        "simulator_predictions": decided,
        "simulator_test_accuracy": accuracy,
        "agreement": agreement,
    });
    engram_io::write_json(&dir.join("layout.json"), &doc).map_err(|e| e.to_string())?;
    Ok(Agreement { accuracy, agreement })
}

/// Per sample and class, the score the training loss takes its decision from: spike
/// counts in the sample's window, or the largest / summed membrane over it.
fn scores(sim: &Network, layout: &Layout, output: usize, classes: usize) -> Vec<f64> {
    let rec = sim.recordings();
    let mut scores = vec![0.0; layout.samples * classes];
    let window = |step: usize| -> Option<usize> {
        let (b, offset) = (step / layout.period, step % layout.period);
        (b < layout.samples && offset < layout.steps).then_some(b)
    };
    if layout.by_spikes {
        let spikes = &rec.spikes[output];
        for (&t, &id) in spikes.times.iter().zip(&spikes.ids) {
            if let Some(b) = window((t / layout.dt).round() as usize) {
                scores[b * classes + id as usize] += 1.0;
            }
        }
        return scores;
    }
    let traces = rec.state.iter().find(|s| s.population == output).expect("the export records the readout");
    if layout.by_max {
        scores.iter_mut().for_each(|s| *s = f64::NEG_INFINITY);
    }
    // A sample at time t is the state before step t's update, i.e. after step t - 1.
    for (k, &t) in traces.times.iter().enumerate() {
        let step = (t / layout.dt).round() as usize;
        let Some(b) = step.checked_sub(1).and_then(window) else { continue };
        let row = &traces.values[0][k * classes..(k + 1) * classes];
        for (c, &v) in row.iter().enumerate() {
            let s = &mut scores[b * classes + c];
            *s = if layout.by_max { s.max(v) } else { *s + v };
        }
    }
    scores
}

/// The first index of the largest value (the training graph's tie rule).
fn argmax(row: &[f64]) -> usize {
    row.iter().enumerate().fold(0, |best, (i, &v)| if v > row[best] { i } else { best })
}
