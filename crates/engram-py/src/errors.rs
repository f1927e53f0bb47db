//! How failures on the Rust side reach Python.
//!
//! Model errors become `engram.ModelError`, a `ValueError` whose text is the CLI's
//! first line (`file:line:column: key: message`) and whose attributes hold the parts,
//! so a program can point at the place without parsing the text; so do the errors that
//! only the built network reveals (a traced synapse that does not exist). Runtime
//! failures of a valid model (out of memory, unstable integration) become `RuntimeError`.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    engram,
    ModelError,
    PyValueError,
    "A model that cannot be read or is not valid.\n\n\
     ``str(e)`` is ``file:line:column: key: message``, as the command line prints it.\n\
     Attributes: ``file`` (str), ``line`` and ``column`` (1-based int, or None when the\n\
     error has no place in the text), ``key`` (dotted path such as\n\
     ``populations.exc.tau_m``, or None), ``message`` (what is wrong and what was\n\
     expected) and ``help`` (a hint such as the closest known key, or None)."
);

/// The Python exception for a model error, with its parts as attributes.
pub fn model_error(py: Python<'_>, e: engram_model::ModelError) -> PyErr {
    let err = ModelError::new_err(e.to_string());
    let value = err.value(py);
    let place = |n: usize| if n > 0 { Some(n) } else { None };
    // Setting attributes on a fresh exception instance cannot fail short of memory
    // exhaustion; the error text is complete without them, so failures are ignored.
    let _ = value.setattr("file", &e.file);
    let _ = value.setattr("line", place(e.line));
    let _ = value.setattr("column", place(e.column));
    let _ = value.setattr("key", if e.key.is_empty() { None } else { Some(&e.key) });
    let _ = value.setattr("message", &e.message);
    let _ = value.setattr("help", &e.help);
    err
}

/// The Python exception for a failure of a run of a valid model, or for a model error
/// only the built network reveals (a traced synapse that does not exist).
pub fn runtime_error(py: Python<'_>, e: engram_sim::SimError) -> PyErr {
    match e {
        engram_sim::SimError::Model(m) => model_error(py, *m),
        e => PyRuntimeError::new_err(e.to_string()),
    }
}

/// A `ValueError` for a bad argument, named as the caller wrote it.
pub fn bad_argument(name: &str, message: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{name}: {message}"))
}
