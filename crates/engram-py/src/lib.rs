//! Python bindings of engram: the extension module `engram._engram`.
//!
//! The module is deliberately thin. It parses models with `engram-model` (so a model
//! written from Python and one read from a TOML file go through the same checks),
//! runs them with `engram-sim` with the GIL released, and hands the recordings to
//! Python as NumPy arrays that own the engine's buffers. Everything a Python user
//! touches — the builder, the `Result` with its pandas and matplotlib helpers — lives
//! in the pure-Python package `engram` around this module (`python/engram/`).

// A model error carries the source text it quotes; it is made once per failed parse.
#![allow(clippy::result_large_err)]

use pyo3::prelude::*;

mod errors;
mod model;
mod recordings;
mod reservoir;
mod run;
mod summary;
mod train;
mod units;

/// The extension module `engram._engram`.
#[pymodule]
fn _engram(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ModelError", py.get_type::<errors::ModelError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<model::Model>()?;
    m.add_function(wrap_pyfunction!(units::quantity, m)?)?;
    m.add_function(wrap_pyfunction!(recordings::rate_histogram, m)?)?;
    m.add_function(wrap_pyfunction!(model::models, m)?)?;
    m.add_class::<reservoir::Esn>()?;
    m.add_function(wrap_pyfunction!(reservoir::run_reservoir_config, m)?)?;
    m.add_function(wrap_pyfunction!(train::train_config, m)?)?;
    Ok(())
}
