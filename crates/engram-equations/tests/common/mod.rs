//! Helpers shared by the tests: constants in SI from unit strings, and models.

#![allow(dead_code)]

use engram_equations::interp::{Backend, Options};
use engram_equations::{Compiled, EqError, Field, Model, ModelText, ParamValue};
use engram_model::{parse_quantity, Quantity};

/// Constants `(name, "20 ms")` as the model file's `params` give them.
pub fn consts(list: &[(&str, &str)]) -> Vec<(String, Quantity)> {
    list.iter().map(|(n, q)| (n.to_string(), parse_quantity(q).unwrap())).collect()
}

/// The LIF constants of the tests.
pub const LIF: [(&str, &str); 6] = [
    ("v_rest", "-49 mV"),
    ("R", "100 Mohm"),
    ("I", "20 pA"),
    ("tau_m", "20 ms"),
    ("v_th", "-50 mV"),
    ("v_reset", "-60 mV"),
];

/// A model of `equations` with optional threshold and reset, with the LIF constants.
pub fn model(equations: &str, threshold: Option<&str>, reset: Option<&str>) -> Result<Model, EqError> {
    Model::new(ModelText { equations, threshold, reset }, &consts(&LIF))
}

/// The error of a model that must not check, with the text it points at.
pub fn error(equations: &str, threshold: Option<&str>, reset: Option<&str>) -> (Field, String, String) {
    let e = model(equations, threshold, reset).expect_err("the model must be refused");
    let text = match e.field {
        Field::Equations => equations,
        Field::Threshold => threshold.unwrap(),
        Field::Reset => reset.unwrap(),
        Field::Method => "",
    };
    (e.field, e.message.clone(), text[e.span.clone()].to_string())
}

/// Compiles `m` for `n` neurons.
pub fn compile(
    m: &Model,
    n: usize,
    dt: f64,
    method: Option<&str>,
    params: &[(&str, ParamValue)],
) -> Result<Compiled, EqError> {
    let opt = Options { dt, method, refractory: 0.0, seed: 7, first: 0, backend: Backend::Interpreter };
    Compiled::new(m, n, params, &opt)
}
