//! Quantities given as Python arguments (`bin="1 ms"`), read with the model file's
//! unit parser and described in the same words as its errors.

use engram_model::{parse_quantity, Dim};
use pyo3::prelude::*;

use crate::errors::bad_argument;

/// The dimensions an argument may be asked for by name.
fn dim_named(name: &str) -> Option<Dim> {
    Some(match name {
        "time" => Dim::TIME,
        "frequency" => Dim::FREQUENCY,
        "voltage" => Dim::VOLTAGE,
        "current" => Dim::CURRENT,
        "conductance" => Dim::CONDUCTANCE,
        "capacitance" => Dim::CAPACITANCE,
        _ => return None,
    })
}

/// `quantity(text, dim, name)`: the value in SI units of `text` (such as "1 ms"),
/// which must have the dimension `dim` ("time", "frequency", "voltage", "current",
/// "conductance" or "capacitance"); `name` names the argument in the ValueError
/// raised otherwise.
#[pyfunction]
pub fn quantity(text: &str, dim: &str, name: &str) -> PyResult<f64> {
    let want = dim_named(dim).ok_or_else(|| bad_argument("dim", format!("unknown dimension `{dim}`")))?;
    let expected = format!("expected {} such as {}", want.describe(), want.example());
    let q = parse_quantity(text)
        .map_err(|_| bad_argument(name, format!("{expected}, found \"{text}\" which is not a number with a unit")))?;
    if q.dim != want {
        return Err(bad_argument(name, format!("{expected}, found \"{text}\" ({})", q.dim.describe())));
    }
    if !q.value.is_finite() {
        return Err(bad_argument(name, format!("{expected}, found \"{text}\" which is not finite")));
    }
    Ok(q.value)
}
