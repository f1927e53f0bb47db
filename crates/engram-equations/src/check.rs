//! Names and dimensions: every identifier is resolved and every expression checked for
//! consistent units, with errors at the offending character that name both dimensions.

use std::ops::Range;

use engram_model::units::unit_symbol;

use crate::ast::{AssignOp, BinOp, Expr, ExprKind, Statement, UnOp};
use crate::dims::Dims;
use crate::error::{did_you_mean, EqError, Result};

/// The type of an expression: a number of some dimension, or a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A quantity.
    Num(Dims),
    /// A truth value (comparisons, `and`, `or`, `not`).
    Bool,
}

/// What a name stands for inside an expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sym {
    /// A declared variable (index into [`crate::Model::vars`]).
    Var(usize),
    /// A constant given by the caller (the model file's `params`), index into its list.
    Const(usize),
    /// A unit: its scale to SI.
    Unit(f64),
    /// The time `t`.
    Time,
    /// The time step `dt`.
    Dt,
    /// White noise (`xi`, `xi_1`, ...): its index among the noise sources.
    Noise(usize),
}

/// The functions of the language: name, number of arguments.
pub const FUNCTIONS: [(&str, usize); 15] = [
    ("exp", 1),
    ("log", 1),
    ("sqrt", 1),
    ("abs", 1),
    ("sin", 1),
    ("cos", 1),
    ("tanh", 1),
    ("exprel", 1),
    ("floor", 1),
    ("ceil", 1),
    ("int", 1),
    ("clip", 3),
    ("where", 3),
    ("rand", 0),
    ("randn", 0),
];

/// Names that cannot be declared: builtins and functions.
pub const RESERVED: [&str; 7] = ["t", "dt", "xi", "and", "or", "not", "not_refractory"];

/// The environment expressions are checked in.
pub trait Scope {
    /// What `name` means, or `None` if it is unknown.
    fn resolve(&self, name: &str) -> Option<(Sym, Dims)>;
    /// Every name a user could have meant, for "did you mean".
    fn known(&self) -> Vec<&str>;
    /// Whether white noise may appear here (only in differential equations).
    fn noise_allowed(&self) -> bool;
}

/// Whether `name` is a white-noise source: `xi` or `xi_<suffix>` (Brian2's convention).
pub fn is_noise(name: &str) -> bool {
    name == "xi" || name.starts_with("xi_")
}

/// The dimension of white noise, s^-1/2.
pub fn noise_dims() -> Dims {
    Dims([0, 0, -1, 0])
}

/// Evaluates a unit expression (`volt`, `mV/ms`, `siemens/meter**2`, `1`) to its scale and
/// dimension.
pub fn unit_expr(e: &Expr) -> Result<(f64, Dims)> {
    let bad = |e: &Expr| EqError::new(e.span.clone(), format!("expected a unit such as `volt` or `1`, found `{e}`"));
    match &e.kind {
        ExprKind::Num(v) if *v == 1.0 => Ok((1.0, Dims::ONE)),
        ExprKind::Name(n) => unit_symbol(n).map(|(s, d)| (s, Dims::of(d))).ok_or_else(|| {
            let known = ["volt", "amp", "second", "siemens", "farad", "ohm", "hertz", "metre", "mV", "ms", "nS", "pF"];
            EqError::new(e.span.clone(), format!("unknown unit `{n}`{}", did_you_mean(n, known)))
        }),
        ExprKind::Binary(op @ (BinOp::Mul | BinOp::Div), a, b) => {
            let (sa, da) = unit_expr(a)?;
            let (sb, db) = unit_expr(b)?;
            Ok(if *op == BinOp::Mul { (sa * sb, da.times(db)) } else { (sa / sb, da.per(db)) })
        }
        ExprKind::Binary(BinOp::Pow, a, b) => {
            let (s, d) = unit_expr(a)?;
            let p = const_number(b).ok_or_else(|| bad(b))?;
            let d = d.powf(p).ok_or_else(|| bad(e))?;
            Ok((s.powf(p), d))
        }
        _ => Err(bad(e)),
    }
}

/// The value of an expression made of number literals only (`2`, `-0.5`, `1/2`).
pub fn const_number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Num(v) => Some(*v),
        ExprKind::Unary(UnOp::Neg, a) => const_number(a).map(|v| -v),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (const_number(a)?, const_number(b)?);
            match op {
                BinOp::Add => Some(a + b),
                BinOp::Sub => Some(a - b),
                BinOp::Mul => Some(a * b),
                BinOp::Div => Some(a / b),
                BinOp::Pow => Some(a.powf(b)),
                _ => None,
            }
        }
        _ => None,
    }
}

impl Ty {
    /// The type in words, for messages.
    pub fn describe(self) -> String {
        match self {
            Ty::Num(d) => d.describe(),
            Ty::Bool => "a condition".into(),
        }
    }
}

fn num(e: &Expr, t: Ty, what: &str) -> Result<Dims> {
    match t {
        Ty::Num(d) => Ok(d),
        Ty::Bool => {
            Err(EqError::new(e.span.clone(), format!("{what} must be a number, found a condition (use `int(...)`)")))
        }
    }
}

fn boolean(e: &Expr, t: Ty, what: &str) -> Result<()> {
    match t {
        Ty::Bool => Ok(()),
        Ty::Num(d) => Err(EqError::new(
            e.span.clone(),
            format!("{what} must be a condition such as `v > v_th`, found {}", d.describe()),
        )),
    }
}

fn plain(e: &Expr, d: Dims, what: &str) -> Result<()> {
    if d.is_one() {
        Ok(())
    } else {
        Err(EqError::new(e.span.clone(), format!("{what} must be a plain number, found {}", d.describe())))
    }
}

/// The type of `e` in `scope`, or the first error in it.
pub fn type_of(e: &Expr, scope: &dyn Scope) -> Result<Ty> {
    Ok(match &e.kind {
        ExprKind::Num(_) => Ty::Num(Dims::ONE),
        ExprKind::Quantity(v, u, span) => match unit_symbol(u) {
            Some((_, d)) => Ty::Num(Dims::of(d)),
            None => {
                return Err(EqError::new(
                    span.clone(),
                    format!("`{u}` after the number {v} is not a unit (write `{v}*{u}` for a product)"),
                ))
            }
        },
        ExprKind::Name(n) => match scope.resolve(n) {
            Some((Sym::Noise(_), _)) if !scope.noise_allowed() => {
                return Err(EqError::new(
                    e.span.clone(),
                    format!("white noise `{n}` may only appear in a differential equation"),
                ))
            }
            Some((_, d)) => Ty::Num(d),
            None => {
                let known = scope.known();
                let hint = did_you_mean(n, known.iter().copied());
                return Err(EqError::new(e.span.clone(), format!("unknown name `{n}`{hint}")));
            }
        },
        ExprKind::Unary(UnOp::Neg, a) => Ty::Num(num(a, type_of(a, scope)?, "the operand of `-`")?),
        ExprKind::Unary(UnOp::Not, a) => {
            boolean(a, type_of(a, scope)?, "the operand of `not`")?;
            Ty::Bool
        }
        ExprKind::Binary(op, a, b) => {
            let (ta, tb) = (type_of(a, scope)?, type_of(b, scope)?);
            match op {
                BinOp::And | BinOp::Or => {
                    boolean(a, ta, &format!("the left side of `{}`", op.symbol()))?;
                    boolean(b, tb, &format!("the right side of `{}`", op.symbol()))?;
                    Ty::Bool
                }
                _ => {
                    let da = num(a, ta, &format!("the left side of `{}`", op.symbol()))?;
                    let db = num(b, tb, &format!("the right side of `{}`", op.symbol()))?;
                    binary_dims(e, *op, b, da, db)?
                }
            }
        }
        ExprKind::Call(name, name_span, args) => call(name, name_span, args, scope)?,
    })
}

fn binary_dims(e: &Expr, op: BinOp, b: &Expr, da: Dims, db: Dims) -> Result<Ty> {
    let differ = || {
        EqError::new(
            b.span.clone(),
            match op {
                BinOp::Add => format!("cannot add {} to {}", db.describe(), da.describe()),
                BinOp::Sub => format!("cannot subtract {} from {}", db.describe(), da.describe()),
                _ => format!("cannot compare {} with {}", da.describe(), db.describe()),
            },
        )
    };
    Ok(match op {
        BinOp::Add | BinOp::Sub if da != db => return Err(differ()),
        BinOp::Add | BinOp::Sub => Ty::Num(da),
        BinOp::Mul => Ty::Num(da.times(db)),
        BinOp::Div => Ty::Num(da.per(db)),
        BinOp::Pow => {
            plain(b, db, "an exponent")?;
            if da.is_one() {
                Ty::Num(Dims::ONE)
            } else {
                let p = const_number(b).ok_or_else(|| {
                    EqError::new(
                        b.span.clone(),
                        format!("a power of {} needs a constant number as exponent", da.describe()),
                    )
                })?;
                let d = da.powf(p).ok_or_else(|| {
                    EqError::new(
                        e.span.clone(),
                        format!("{} to the power {p} has no physical dimension", da.describe()),
                    )
                })?;
                Ty::Num(d)
            }
        }
        _ if da != db => return Err(differ()),
        _ => Ty::Bool,
    })
}

fn call(name: &str, name_span: &Range<usize>, args: &[Expr], scope: &dyn Scope) -> Result<Ty> {
    let call_span = name_span.start..args.last().map_or(name_span.end + 2, |a| a.span.end + 1);
    let Some(&(_, arity)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
        let known = FUNCTIONS.iter().map(|(f, _)| *f);
        return Err(EqError::new(name_span.clone(), format!("unknown function `{name}`{}", did_you_mean(name, known))));
    };
    if args.len() != arity {
        let s = if arity == 1 { "" } else { "s" };
        return Err(EqError::new(call_span, format!("`{name}` takes {arity} argument{s}, found {}", args.len())));
    }
    let types: Vec<Ty> = args.iter().map(|a| type_of(a, scope)).collect::<Result<_>>()?;
    let arg_num = |i: usize| num(&args[i], types[i], &format!("the argument of `{name}`"));
    Ok(match name {
        "exp" | "log" | "sin" | "cos" | "tanh" | "exprel" => {
            plain(&args[0], arg_num(0)?, &format!("the argument of `{name}`"))?;
            Ty::Num(Dims::ONE)
        }
        "sqrt" => Ty::Num(arg_num(0)?.powf(0.5).expect("a half of a half-integer exponent")),
        "abs" | "floor" | "ceil" => Ty::Num(arg_num(0)?),
        "int" => {
            if let Ty::Num(d) = types[0] {
                plain(&args[0], d, "the argument of `int`")?;
            }
            Ty::Num(Dims::ONE)
        }
        "clip" => {
            let d = arg_num(0)?;
            for (i, bound) in [(1, "lower"), (2, "upper")] {
                let di = num(&args[i], types[i], "a bound of `clip`")?;
                if di != d {
                    return Err(EqError::new(
                        args[i].span.clone(),
                        format!(
                            "the {bound} bound of `clip` must be {} like its value, found {}",
                            d.describe(),
                            di.describe()
                        ),
                    ));
                }
            }
            Ty::Num(d)
        }
        "where" => {
            boolean(&args[0], types[0], "the first argument of `where`")?;
            let (d1, d2) = (
                num(&args[1], types[1], "the second argument of `where`")?,
                num(&args[2], types[2], "the third argument of `where`")?,
            );
            if d1 != d2 {
                return Err(EqError::new(
                    args[2].span.clone(),
                    format!(
                        "both values of `where` must have one dimension, found {} and {}",
                        d1.describe(),
                        d2.describe()
                    ),
                ));
            }
            Ty::Num(d1)
        }
        _ => Ty::Num(Dims::ONE), // rand, randn
    })
}

/// Checks a statement's value against its target, whose dimension is `target`.
pub fn statement(s: &Statement, target: Dims, scope: &dyn Scope) -> Result<()> {
    let t = type_of(&s.expr, scope)?;
    let what = format!("`{} {} ...`", s.target, s.op.symbol());
    let d = num(&s.expr, t, &format!("the value of {what}"))?;
    match s.op {
        AssignOp::Mul | AssignOp::Div => plain(&s.expr, d, &format!("the factor of {what}")),
        _ if d != target => Err(EqError::new(
            s.expr.span.clone(),
            format!("the value of {what} must be {} like `{}`, found {}", target.describe(), s.target, d.describe()),
        )),
        _ => Ok(()),
    }
}
