//! Models written as equations, Brian2's language with engram's units.
//!
//! ```text
//! dv/dt  = (v_rest - v + R*(I_e + ge)) / tau_m : volt (unless refractory)
//! dge/dt = -ge / tau_e : amp
//! I_e : amp (constant)
//! ```
//!
//! The layers, each its own module: [`parser`] turns strings into a syntax tree whose
//! nodes keep their byte spans; [`model`] resolves names and checks every dimension
//! ([`check`]), so errors point at the character ([`error`], which also maps a span inside
//! a TOML string to the file's line and column); [`ir`] lowers a model to an expression
//! graph in SI with constants folded; [`analysis`] finds whether the system is linear or
//! conditionally linear and chooses the integration method as Brian2 does; [`methods`]
//! writes one step of each method as graph nodes; [`interp`] runs the step over a
//! population's f32 arrays, one instruction at a time over blocks of neurons.
//! The language is documented in `docs/equations.md`.

pub mod analysis;
pub mod ast;
pub mod check;
pub mod dims;
pub mod error;
pub mod expm;
pub mod interp;
pub mod ir;
#[cfg(feature = "jit")]
pub mod jit;
pub mod lexer;
pub mod methods;
pub mod model;
pub mod parser;

pub use analysis::{Linearity, Method};
pub use dims::Dims;
pub use error::{raw_offset, EqError, Field};
pub use interp::{Compiled, ParamValue};
pub use model::{Model, ModelText, Role, Var};
pub use parser::{parse_equations, parse_expression, parse_statements};
