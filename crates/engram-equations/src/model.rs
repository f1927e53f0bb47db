//! A checked model: the declarations of an equations string with their dimensions, the
//! threshold and the reset, every name resolved and every unit consistent.

use std::ops::Range;

use engram_model::units::unit_symbol;
use engram_model::Quantity;

use crate::ast::{EqKind, Expr, ExprKind, Statement};
use crate::check::{self, is_noise, noise_dims, Scope, Sym, Ty, FUNCTIONS, RESERVED};
use crate::dims::Dims;
use crate::error::{did_you_mean, EqError, Field, Result};
use crate::parser::{parse_equations, parse_expression, parse_statements};

/// The strings a model is written in, as a model file's keys hold them.
#[derive(Clone, Copy, Debug, Default)]
pub struct ModelText<'a> {
    /// The equations (`dv/dt = ... : volt`, one per line).
    pub equations: &'a str,
    /// The spike condition (`v > v_th`), if the model spikes.
    pub threshold: Option<&'a str>,
    /// Statements run on a spike (`v = v_reset`).
    pub reset: Option<&'a str>,
}

/// What a declared name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A state variable with a differential equation.
    State,
    /// A named expression.
    Subexpression,
    /// A per-neuron value with no equation: constant if flagged `(constant)`, else
    /// changed only by statements.
    Parameter,
}

/// One declared name.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    /// The name.
    pub name: String,
    /// What it is.
    pub role: Role,
    /// Its dimension.
    pub dims: Dims,
    /// The right-hand side (derivative or subexpression).
    pub expr: Option<Expr>,
    /// `(unless refractory)`: held during the refractory period.
    pub unless_refractory: bool,
    /// `(constant)`: no statement may change it.
    pub constant: bool,
    /// Where it is declared in the equations string.
    pub span: Range<usize>,
}

/// A checked model.
#[derive(Clone, Debug)]
pub struct Model {
    /// Every declared name, in the order of the equations.
    pub vars: Vec<Var>,
    /// The constants the equations use, as the caller gave them (name, SI value, dimension).
    pub consts: Vec<(String, f64, Dims)>,
    /// The spike condition.
    pub threshold: Option<Expr>,
    /// The reset statements, run in order.
    pub reset: Vec<Statement>,
    /// Noise sources (`xi`, `xi_1`, ...), in order of first use.
    pub noise: Vec<String>,
}

const FLAGS: [&str; 2] = ["unless refractory", "constant"];

struct ModelScope<'m> {
    vars: &'m [Var],
    consts: &'m [(String, Quantity)],
    noise: bool,
    noise_names: std::cell::RefCell<Vec<String>>,
}

impl Scope for ModelScope<'_> {
    fn resolve(&self, name: &str) -> Option<(Sym, Dims)> {
        if let Some(i) = self.vars.iter().position(|v| v.name == name) {
            return Some((Sym::Var(i), self.vars[i].dims));
        }
        match name {
            "t" => return Some((Sym::Time, Dims::time())),
            "dt" => return Some((Sym::Dt, Dims::time())),
            n if is_noise(n) => {
                let mut names = self.noise_names.borrow_mut();
                let i = names.iter().position(|x| x == n).unwrap_or_else(|| {
                    names.push(n.to_string());
                    names.len() - 1
                });
                return Some((Sym::Noise(i), noise_dims()));
            }
            _ => {}
        }
        if let Some(i) = self.consts.iter().position(|(n, _)| n == name) {
            return Some((Sym::Const(i), Dims::of(self.consts[i].1.dim)));
        }
        unit_symbol(name).map(|(s, d)| (Sym::Unit(s), Dims::of(d)))
    }

    fn known(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.vars.iter().map(|v| v.name.as_str()).collect();
        k.extend(self.consts.iter().map(|(n, _)| n.as_str()));
        k.extend(["t", "dt"]);
        k
    }

    fn noise_allowed(&self) -> bool {
        self.noise
    }
}

impl Model {
    /// Parses and checks `text`, with the constants `consts` (the model file's `params`,
    /// in SI) in scope. Errors say which string ([`Field`]) and where in it.
    pub fn new(text: ModelText<'_>, consts: &[(String, Quantity)]) -> Result<Model> {
        let eqs = parse_equations(text.equations)?;
        let mut vars: Vec<Var> = Vec::new();
        for eq in &eqs {
            let name = &eq.name;
            let clash = if let Some(v) = vars.iter().find(|v| &v.name == name) {
                Some(format!("`{name}` is declared twice (first at byte {})", v.span.start))
            } else if RESERVED.contains(&name.as_str()) || is_noise(name) {
                Some(format!("`{name}` is a built-in name; choose another name"))
            } else if FUNCTIONS.iter().any(|(f, _)| f == name) {
                Some(format!("`{name}` is a function; choose another name"))
            } else if unit_symbol(name).is_some() {
                Some(format!("`{name}` is a unit; choose another name"))
            } else if consts.iter().any(|(c, _)| c == name) {
                Some(format!("`{name}` is declared here and also given as a constant in params; keep one"))
            } else {
                None
            };
            if let Some(m) = clash {
                return Err(EqError::new(eq.name_span.clone(), m));
            }
            for (flag, span) in &eq.flags {
                let allowed = match eq.kind {
                    EqKind::Differential => "unless refractory",
                    EqKind::Parameter => "constant",
                    EqKind::Subexpression => "",
                };
                if flag != allowed {
                    let m = if !FLAGS.contains(&flag.as_str()) {
                        format!("unknown flag `{flag}`{}", did_you_mean(flag, FLAGS))
                    } else if flag == "constant" {
                        "the flag `constant` belongs on a parameter (`x : unit (constant)`)".to_string()
                    } else {
                        "the flag `unless refractory` belongs on a differential equation".to_string()
                    };
                    return Err(EqError::new(span.clone(), m));
                }
            }
            let (scale, dims) = check::unit_expr(&eq.unit)?;
            // Values are kept in SI, so `v : mV` would read as "v is in millivolts" and
            // mislead; Brian2 refuses it for that reason too.
            if (scale - 1.0).abs() > 1e-9 {
                return Err(EqError::new(
                    eq.unit.span.clone(),
                    format!(
                        "`{}` is not a base unit: write the SI unit of the same dimension (values are kept in SI)",
                        eq.unit
                    ),
                ));
            }
            let role = match eq.kind {
                EqKind::Differential => Role::State,
                EqKind::Subexpression => Role::Subexpression,
                EqKind::Parameter => Role::Parameter,
            };
            vars.push(Var {
                name: name.clone(),
                role,
                dims,
                expr: eq.expr.clone(),
                unless_refractory: eq.has_flag("unless refractory"),
                constant: eq.has_flag("constant"),
                span: eq.name_span.clone(),
            });
        }
        let scope = |noise| ModelScope { vars: &vars, consts, noise, noise_names: Default::default() };
        let eq_scope = scope(true);
        let plain_scope = scope(false);
        for (i, v) in vars.iter().enumerate() {
            let Some(e) = &v.expr else { continue };
            let t = check::type_of(e, if v.role == Role::State { &eq_scope } else { &plain_scope })?;
            let want = if v.role == Role::State { v.dims.per(Dims::time()) } else { v.dims };
            if t != Ty::Num(want) {
                let lhs = if v.role == Role::State { format!("d{}/dt", v.name) } else { v.name.clone() };
                return Err(EqError::new(
                    e.span.clone(),
                    format!(
                        "{lhs}: the right-hand side must be {} (`{}` is {}), found {}",
                        Ty::Num(want).describe(),
                        v.name,
                        v.dims.describe(),
                        t.describe()
                    ),
                ));
            }
            if v.role == Role::State {
                forbid_rand(e)?;
            }
            subexpression_cycle(&vars, i, &mut vec![i])?;
        }
        let threshold = match text.threshold {
            Some(s) => {
                let e = parse_expression(s).map_err(|e| e.in_field(Field::Threshold))?;
                let t = check::type_of(&e, &scope(false)).map_err(|e| e.in_field(Field::Threshold))?;
                if t != Ty::Bool {
                    let m = format!("the threshold must be a condition such as `v > v_th`, found {}", t.describe());
                    return Err(EqError::new(e.span.clone(), m).in_field(Field::Threshold));
                }
                Some(e)
            }
            None => None,
        };
        let reset = match text.reset {
            Some(s) => {
                let stmts = parse_statements(s).map_err(|e| e.in_field(Field::Reset))?;
                for st in &stmts {
                    check_target(&vars, consts, st).map_err(|e| e.in_field(Field::Reset))?;
                }
                stmts
            }
            None => Vec::new(),
        };
        let noise = eq_scope.noise_names.into_inner();
        let consts = consts.iter().map(|(n, q)| (n.clone(), q.value, Dims::of(q.dim))).collect();
        Ok(Model { vars, consts, threshold, reset, noise })
    }

    /// Indices of the state variables, in declaration order.
    pub fn states(&self) -> Vec<usize> {
        self.roles(Role::State)
    }

    /// Indices of the parameters, in declaration order.
    pub fn parameters(&self) -> Vec<usize> {
        self.roles(Role::Parameter)
    }

    fn roles(&self, r: Role) -> Vec<usize> {
        (0..self.vars.len()).filter(|&i| self.vars[i].role == r).collect()
    }

    /// What `engram check` prints: one line per declared name with its unit and role, the
    /// method and why, the threshold and the reset.
    pub fn summary(&self, method: crate::Method, linearity: crate::Linearity) -> String {
        let width = self.vars.iter().map(|v| v.name.len()).max().unwrap_or(0);
        let kind = match linearity {
            crate::Linearity::Linear => "linear",
            crate::Linearity::ConditionallyLinear => "conditionally linear",
            crate::Linearity::Nonlinear => "nonlinear",
        };
        let mut out = format!("method {} ({kind})\n", method.name());
        for v in &self.vars {
            let role = match (v.role, v.unless_refractory, v.constant) {
                (Role::State, true, _) => "state variable, held while refractory",
                (Role::State, false, _) => "state variable",
                (Role::Subexpression, ..) => "subexpression",
                (Role::Parameter, _, true) => "parameter (constant)",
                (Role::Parameter, _, false) => "parameter",
            };
            out += &format!("  {:width$}  {:<8}  {role}\n", v.name, v.dims.unit_name());
        }
        if let Some(t) = &self.threshold {
            out += &format!("threshold {t}\n");
        }
        if !self.reset.is_empty() {
            let r: Vec<String> = self.reset.iter().map(|s| s.to_string()).collect();
            out += &format!("reset {}\n", r.join("; "));
        }
        out
    }

    /// The declared variable called `name`.
    pub fn var(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v.name == name)
    }
}

fn forbid_rand(e: &Expr) -> Result<()> {
    match &e.kind {
        ExprKind::Call(n, span, _) if n == "rand" || n == "randn" => Err(EqError::new(
            span.start..e.span.end,
            format!("`{n}()` cannot appear in a differential equation: write white noise as `xi`"),
        )),
        ExprKind::Call(_, _, args) => args.iter().try_for_each(forbid_rand),
        ExprKind::Unary(_, a) => forbid_rand(a),
        ExprKind::Binary(_, a, b) => forbid_rand(a).and_then(|_| forbid_rand(b)),
        _ => Ok(()),
    }
}

fn subexpression_cycle(vars: &[Var], at: usize, path: &mut Vec<usize>) -> Result<()> {
    let mut names = Vec::new();
    if let Some(e) = &vars[at].expr {
        e.names(&mut names);
    }
    for (n, span) in names {
        let Some(j) = vars.iter().position(|v| v.name == n && v.role == Role::Subexpression) else { continue };
        if path.contains(&j) {
            return Err(EqError::new(span, format!("subexpression `{n}` depends on itself")));
        }
        path.push(j);
        subexpression_cycle(vars, j, path)?;
        path.pop();
    }
    Ok(())
}

fn check_target(vars: &[Var], consts: &[(String, Quantity)], st: &Statement) -> Result<()> {
    let scope = ModelScope { vars, consts, noise: false, noise_names: Default::default() };
    let name = &st.target;
    let span = st.target_span.clone();
    let Some(v) = vars.iter().find(|v| &v.name == name) else {
        let m = if consts.iter().any(|(c, _)| c == name) {
            format!("`{name}` is a constant from params; statements can only change variables")
        } else {
            let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
            format!("unknown variable `{name}`{}", did_you_mean(name, names))
        };
        return Err(EqError::new(span, m));
    };
    match v.role {
        Role::Subexpression => {
            Err(EqError::new(span, format!("`{name}` is a subexpression; statements can only change variables")))
        }
        Role::Parameter if v.constant => Err(EqError::new(
            span,
            format!("`{name}` is a constant parameter (flag `constant`); statements cannot change it"),
        )),
        _ => check::statement(st, v.dims, &scope),
    }
}
