//! What kind of system the equations are, and which integration method can step it.
//!
//! Brian2 (`brian2/stateupdaters/`) tries the methods of `NeuronGroup(method=...)`, by
//! default `('exact', 'euler', 'heun')`, and takes the first that can integrate the
//! equations: `exact` when they are linear with constant coefficients, else `euler` for
//! deterministic equations and additive noise, else `heun` for multiplicative noise.
//! engram follows that order; it has no `heun` yet, so multiplicative noise is refused.
//! `exponential_euler` is never chosen by default (as in Brian2) but can integrate any
//! conditionally linear system (each dx/dt = A x + B with A, B free of x).

use std::ops::Range;

use crate::error::{did_you_mean, EqError, Field, Result};
use crate::ir::{Graph, Id, Lowerer, Node};
use crate::model::{Model, Role};

/// How the derivatives depend on the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linearity {
    /// dx/dt = A x + b with A and b constant during the run: `exact` applies.
    Linear,
    /// Each dx/dt = A x + B with A and B free of x (they may depend on the other
    /// variables): `exponential_euler` applies.
    ConditionallyLinear,
    /// Neither.
    Nonlinear,
}

/// An integration method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The matrix exponential of the linear system (Rotter & Diesmann 1999).
    Exact,
    /// Exponential Euler (Brian2's `exponential_euler`, MacGregor 1987 / Hines).
    ExponentialEuler,
    /// Forward Euler, Euler–Maruyama with noise.
    Euler,
    /// The midpoint method (Brian2's `rk2`).
    Rk2,
    /// The classical fourth-order Runge–Kutta method.
    Rk4,
}

/// Method names as the `method` key takes them (`linear` is Brian2's old name of `exact`).
pub const METHODS: [&str; 6] = ["exact", "linear", "exponential_euler", "euler", "rk2", "rk4"];

impl Method {
    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::ExponentialEuler => "exponential_euler",
            Method::Euler => "euler",
            Method::Rk2 => "rk2",
            Method::Rk4 => "rk4",
        }
    }

    /// The method called `name`; the error (in [`Field::Method`]) suggests the closest.
    pub fn parse(name: &str) -> Result<Method> {
        Ok(match name.trim() {
            "exact" | "linear" => Method::Exact,
            "exponential_euler" => Method::ExponentialEuler,
            "euler" => Method::Euler,
            "rk2" => Method::Rk2,
            "rk4" => Method::Rk4,
            "heun" | "milstein" => {
                return Err(EqError::new(
                    0..name.len(),
                    format!("engram has no method `{name}` yet; known methods: {}", METHODS.join(", ")),
                )
                .in_field(Field::Method))
            }
            other => {
                let hint = did_you_mean(other, METHODS);
                let m = format!("unknown method `{other}`{hint}; known methods: {}", METHODS.join(", "));
                return Err(EqError::new(0..name.len(), m).in_field(Field::Method));
            }
        })
    }
}

/// The derivatives of the state variables, lowered, with their noise terms apart.
#[derive(Clone, Debug)]
pub struct Derivatives {
    /// Index (into [`Model::vars`]) of each state variable.
    pub states: Vec<usize>,
    /// The deterministic part of each derivative.
    pub f: Vec<Id>,
    /// The coefficient of each noise source in each derivative: `dx/dt = f + Σ g_k xi_k`.
    pub g: Vec<Vec<Id>>,
}

/// The facts about a model that decide its integration.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// How the whole system depends on its state.
    pub linearity: Linearity,
    /// Whether it has noise.
    pub stochastic: bool,
    /// The first state variable that keeps the system from being linear, and why.
    pub not_linear: Option<(usize, &'static str)>,
    /// The first state variable whose derivative is not linear in itself.
    pub not_conditionally_linear: Option<usize>,
    /// The first state variable with multiplicative noise.
    pub multiplicative: Option<usize>,
}

/// Splits the lowered derivatives into deterministic part and noise coefficients.
pub fn derivatives(model: &Model, g: &mut Graph, low: &Lowerer<'_>) -> Result<Derivatives> {
    let states = model.states();
    let mut f = Vec::new();
    let mut gs = Vec::new();
    for &i in &states {
        let v = &model.vars[i];
        let e = v.expr.as_ref().expect("a state variable has a derivative");
        let mut rest = low.lower(g, e);
        let mut coef = Vec::new();
        for (k, name) in model.noise.iter().enumerate() {
            let Some((a, b)) = g.split_affine(rest, Node::Noise(k as u16)) else {
                return Err(EqError::new(
                    e.span.clone(),
                    format!("d{}/dt: the white noise `{name}` must enter linearly (as `... + sigma*{name}`)", v.name),
                ));
            };
            coef.push(a);
            rest = b;
        }
        f.push(rest);
        gs.push(coef);
    }
    Ok(Derivatives { states, f, g: gs })
}

/// Classifies the system. Only `(constant)` parameters count as constant during a run
/// (see [`frozen`]).
pub fn analyse(model: &Model, g: &mut Graph, d: &Derivatives) -> Analysis {
    let is_state = |n: &Node| matches!(n, Node::Var(j) if model.vars[*j as usize].role == Role::State);
    let changing = |n: &Node| match n {
        Node::Var(j) => !frozen(model, *j as usize),
        Node::Time | Node::Rand(_) | Node::Randn(_) | Node::Noise(_) => true,
        _ => false,
    };
    let mut not_linear = None;
    let mut not_cond = None;
    let mut multiplicative = None;
    for (row, &i) in d.states.iter().enumerate() {
        // Linear: peel off each state variable in turn; what is left and every
        // coefficient must be constant during the run.
        let mut rest = d.f[row];
        let mut why = None;
        for &j in &d.states {
            match g.split_affine(rest, Node::Var(j as u16)) {
                Some((a, b)) => {
                    if g.depends(a, &is_state) {
                        why.get_or_insert("it is not linear in the state variables");
                    } else if g.depends(a, &changing) {
                        why.get_or_insert("a coefficient may change during the run (it reads `t`, a random draw or a parameter without `(constant)`)");
                    }
                    rest = b;
                }
                None => {
                    why.get_or_insert("it is not linear in the state variables");
                }
            }
        }
        if why.is_none() && g.depends(rest, &changing) {
            why = Some("its constant term may change during the run (it reads `t`, a random draw or a parameter without `(constant)`)");
        }
        if let Some(w) = why {
            not_linear.get_or_insert((i, w));
        }
        if g.split_affine(d.f[row], Node::Var(i as u16)).is_none() {
            not_cond.get_or_insert(i);
        }
        if d.g[row].iter().any(|&c| g.depends(c, &is_state)) {
            multiplicative.get_or_insert(i);
        }
    }
    let zero = g.constant(0.0);
    let stochastic = d.g.iter().flatten().any(|&c| c != zero);
    let linearity = match (not_linear, not_cond) {
        (None, _) => Linearity::Linear,
        (Some(_), None) => Linearity::ConditionallyLinear,
        _ => Linearity::Nonlinear,
    };
    Analysis { linearity, stochastic, not_linear, not_conditionally_linear: not_cond, multiplicative }
}

/// Whether variable `i` stays constant during a run: a `(constant)` parameter. Other
/// parameters may be changed by statements or by the caller between steps, so, as in
/// Brian2, they cannot enter an exact propagator computed once.
pub fn frozen(model: &Model, i: usize) -> bool {
    model.vars[i].role == Role::Parameter && model.vars[i].constant
}

/// The method: `requested` (with the span of the string it came from, for errors) if it
/// can integrate the equations, else an error; Brian2's default choice without one.
pub fn choose(model: &Model, a: &Analysis, requested: Option<&str>) -> Result<Method> {
    let name = |i: usize| format!("d{}/dt", model.vars[i].name);
    let rhs_span = |i: usize| -> Range<usize> { model.vars[i].expr.as_ref().map_or(0..0, |e| e.span.clone()) };
    let Some(req) = requested else {
        if let Some(i) = a.multiplicative {
            return Err(EqError::new(
                rhs_span(i),
                format!(
                    "{}: the noise is multiplicative (its factor depends on the state), which needs Brian2's \
                     `heun` method; engram has no `heun` yet",
                    name(i)
                ),
            ));
        }
        return Ok(if a.linearity == Linearity::Linear && !a.stochastic { Method::Exact } else { Method::Euler });
    };
    let method = Method::parse(req)?;
    let refuse = |m: String| Err(EqError::new(0..req.len(), m).in_field(Field::Method));
    if a.stochastic && method != Method::Euler {
        return refuse(format!(
            "method `{}` cannot integrate stochastic equations (with `xi`); use `euler` (Euler–Maruyama)",
            method.name()
        ));
    }
    if let (Some(i), Method::Euler) = (a.multiplicative, method) {
        return refuse(format!(
            "method `euler` cannot integrate {}: its noise is multiplicative (needs Brian2's `heun`, which engram \
             has not yet)",
            name(i)
        ));
    }
    match (method, a.not_linear, a.not_conditionally_linear) {
        (Method::Exact, Some((i, why)), _) => refuse(format!(
            "method `exact` needs equations linear in the state variables with constant coefficients, but {} is not: \
             {why} (use `exponential_euler`, `rk4`, `rk2` or `euler`)",
            name(i)
        )),
        (Method::ExponentialEuler, _, Some(i)) => refuse(format!(
            "method `exponential_euler` needs each dx/dt linear in x (conditionally linear), but {} is not linear \
             in `{}` (use `rk4`, `rk2` or `euler`)",
            name(i),
            model.vars[i].name
        )),
        _ => Ok(method),
    }
}
