//! The declarative description of an engram network.
//!
//! A model file (TOML) is read into a [`Model`]: every quantity carries a unit and is
//! converted to SI, every key is checked against the neuron model's [`KindSpec`], and
//! every error is a [`ModelError`] that names the file, line, column and dotted key and
//! says what was expected. No simulation code lives here: the simulator passes the
//! [`Registry`] of its neuron models in.

// A model error carries the source text it quotes; it is made once per failed parse,
// never on a hot path, so its size in `Result` does not matter.
#![allow(clippy::result_large_err)]

pub mod dist;
pub mod error;
pub mod model;
pub mod param_file;
pub mod parse;
pub mod plasticity;
mod projection;
pub mod reader;
mod record_table;
pub mod spec;
pub mod structural;
pub mod synapse_file;
pub mod synapse_record;
pub mod units;

pub use dist::Dist;
pub use error::{ModelError, Place, Source};
pub use model::{
    Model, Plasticity, PoissonInput, Population, Projection, Record, Rule, SpikeRecord, StateRecord, StepCurrent,
    WeightRecord,
};
pub use parse::{apply_overrides, load_model, parse_model, read_toml, RULES};
pub use spec::{
    no_check, no_refusal, Default, KindSpec, ParamKind, ParamSpec, ParamValue, Params, PlasticitySpec, Registry,
    StateSpec, WeightParamSpec,
};
pub use structural::{Regrow, Structural};
pub use units::{parse_quantity, Dim, Quantity};
