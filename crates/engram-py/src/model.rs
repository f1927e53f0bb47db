//! `engram._engram.Model`: a validated model and the text it was read from.
//!
//! The text is kept so that `run(duration=..., seed=...)` can apply those as
//! overrides and validate again, exactly as the command line's `--duration` and
//! `--seed` do; errors then point at the same places.

use std::path::PathBuf;

use engram_model::{Registry, StateSpec};
use engram_sim::spin::Workers;
use engram_sim::Models;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{bad_argument, model_error};

/// A validated model: populations, projections, recording, in SI units.
#[pyclass(module = "engram._engram", frozen)]
pub struct Model {
    file: String,
    stem: String,
    text: String,
    overrides: Vec<String>,
    model: engram_model::Model,
}

impl Model {
    fn parse(py: Python<'_>, file: String, stem: String, text: String, overrides: Vec<String>) -> PyResult<Model> {
        let model =
            engram_model::parse_model(&file, &stem, &text, &overrides, &Models).map_err(|e| model_error(py, e))?;
        // The reader's notes (a duration rounded to whole steps, say) as Python warnings,
        // as `engram check` and `engram run` print them.
        for note in &model.notes {
            let message = std::ffi::CString::new(note.replace('\0', " ")).expect("no NUL is left");
            let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
            PyErr::warn(py, category.as_any(), &message, 2)?;
        }
        Ok(Model { file, stem, text, overrides, model })
    }
}

/// A TOML basic string holding `s`, for building `--set` values.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

#[pymethods]
impl Model {
    /// Reads and validates the model file at `path` after applying `set`, a list of
    /// ``"KEY=VALUE"`` overrides as the command line's ``--set`` takes them.
    #[staticmethod]
    #[pyo3(signature = (path, set = None))]
    fn from_toml(py: Python<'_>, path: PathBuf, set: Option<Vec<String>>) -> PyResult<Model> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            model_error(py, engram_model::ModelError::whole_file(&file, format!("cannot read the model file: {e}")))
        })?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
        Model::parse(py, file, stem, text, set.unwrap_or_default())
    }

    /// Validates a model given as TOML text. `file` names it in error messages;
    /// `name` is the model's name when the text has no ``name`` key.
    #[staticmethod]
    #[pyo3(signature = (text, set = None, file = "<string>", name = "model"))]
    fn from_str(py: Python<'_>, text: String, set: Option<Vec<String>>, file: &str, name: &str) -> PyResult<Model> {
        Model::parse(py, file.to_string(), name.to_string(), text, set.unwrap_or_default())
    }

    /// The model's name.
    #[getter]
    fn name(&self) -> &str {
        &self.model.name
    }

    /// The file the model was read from (``"<string>"`` for text).
    #[getter]
    fn file(&self) -> &str {
        &self.file
    }

    /// Time step (s).
    #[getter]
    fn dt(&self) -> f64 {
        self.model.dt
    }

    /// Simulated time (s).
    #[getter]
    fn duration(&self) -> f64 {
        self.model.duration
    }

    /// Seed of every random stream.
    #[getter]
    fn seed(&self) -> u64 {
        self.model.seed
    }

    /// The TOML text the model was validated from, overrides applied.
    #[getter]
    fn toml(&self, py: Python<'_>) -> PyResult<String> {
        engram_model::apply_overrides(&self.file, &self.text, &self.overrides).map_err(|e| model_error(py, e))
    }

    /// The populations as ``(name, size, model)`` tuples, in file order.
    #[getter]
    fn populations(&self) -> Vec<(String, usize, &'static str)> {
        self.model.populations.iter().map(|p| (p.name.clone(), p.size, p.kind.name)).collect()
    }

    /// The projections as ``(name, source, target)`` tuples, in file order.
    #[getter]
    fn projections(&self) -> Vec<(String, String, String)> {
        let pop = |i: usize| self.model.populations[i].name.clone();
        self.model.projections.iter().map(|p| (p.name.clone(), pop(p.source), pop(p.target))).collect()
    }

    /// Sizes before building, as ``engram check`` prints them: a dict with ``neurons``,
    /// ``synapses`` (expected number) and ``bytes`` (expected memory, including the
    /// transient cost of building), and ``steps``.
    #[getter]
    fn estimate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let est = engram_sim::estimate(&self.model);
        let d = PyDict::new(py);
        d.set_item("neurons", est.neurons)?;
        d.set_item("synapses", est.synapses)?;
        d.set_item("bytes", est.bytes)?;
        d.set_item("steps", self.model.steps())?;
        Ok(d)
    }

    /// This model with more ``"KEY=VALUE"`` overrides applied, validated again.
    fn with_overrides(&self, py: Python<'_>, set: Vec<String>) -> PyResult<Model> {
        let mut overrides = self.overrides.clone();
        overrides.extend(set);
        Model::parse(py, self.file.clone(), self.stem.clone(), self.text.clone(), overrides)
    }

    /// Builds and runs the network; returns the recordings as a dict of NumPy arrays.
    /// `duration` (such as ``"2 s"``) and `seed` override the model's for this run;
    /// `threads` defaults to every core. The GIL is released while the network runs,
    /// and Ctrl-C (KeyboardInterrupt) stops it within a fraction of a second.
    #[pyo3(signature = (duration = None, seed = None, threads = None, progress = false))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        duration: Option<&str>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mut extra = Vec::new();
        if let Some(s) = seed {
            extra.push(format!("simulation.seed={s}"));
        }
        if let Some(d) = duration {
            extra.push(format!("simulation.duration={}", toml_string(d)));
        }
        let reparsed;
        let model = if extra.is_empty() {
            &self.model
        } else {
            reparsed = self.with_overrides(py, extra)?;
            &reparsed.model
        };
        let workers = match threads {
            Some(0) => return Err(bad_argument("threads", "expected at least 1 thread, found 0")),
            // No more workers than cores: see `engram_sim::spin::usable_threads`.
            Some(t) => Workers::Exactly(engram_sim::spin::usable_threads(t)),
            // As many as the network's work per epoch pays for, as `engram run` does.
            None => Workers::Auto(engram_sim::spin::usable_threads(usize::MAX)),
        };
        crate::run::run(py, model, workers, progress)
    }

    fn __repr__(&self) -> String {
        let pops: Vec<String> = self.model.populations.iter().map(|p| format!("{} ({})", p.name, p.size)).collect();
        format!("<engram.Model {:?}: {}>", self.model.name, pops.join(", "))
    }
}

fn names(state: &[StateSpec]) -> Vec<&'static str> {
    state.iter().map(|s| s.name).collect()
}

/// The neuron models engram knows: a dict from model name to a dict with ``doc``,
/// ``params`` (parameter names), ``state`` (state variable names) and ``receptors``.
#[pyfunction]
pub fn models(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    for name in Models.names() {
        let Some(spec) = Models.kind(name) else { continue };
        let d = PyDict::new(py);
        d.set_item("doc", spec.doc)?;
        d.set_item("params", spec.params.iter().map(|p| p.name).collect::<Vec<_>>())?;
        d.set_item("state", names(spec.state))?;
        d.set_item("receptors", spec.receptors.to_vec())?;
        out.set_item(name, d)?;
    }
    Ok(out)
}
