//! The syntax tree of equations, conditions and statements. Every node keeps its byte
//! span in the source string, so that errors found later (units, names, methods) point at
//! the character; `Display` prints the source back with the fewest parentheses that keep
//! its meaning.

use std::fmt;
use std::ops::Range;

/// An expression and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its byte range in the source string.
    pub span: Range<usize>,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `**`
    Pow,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "**",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    /// Binding strength, Python's order: `or` < `and` < `not` < comparisons < `+ -` <
    /// `* /` < unary minus < `**`.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div => 6,
            BinOp::Pow => 8,
        }
    }

    /// Whether this is a comparison.
    pub fn is_comparison(self) -> bool {
        self.precedence() == 4
    }
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A plain number.
    Num(f64),
    /// A number followed by a unit, engram's model-file style (`5 mV`, `20ms`): the number,
    /// and the unit name with its span.
    Quantity(f64, String, Range<usize>),
    /// A variable, parameter, constant or unit name.
    Name(String),
    /// A unary operation.
    Unary(UnOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A function call: name, the name's span, arguments.
    Call(String, Range<usize>, Vec<Expr>),
}

impl Expr {
    /// Every name the expression reads, with its span, in source order.
    pub fn names(&self, out: &mut Vec<(String, Range<usize>)>) {
        match &self.kind {
            ExprKind::Name(n) => out.push((n.clone(), self.span.clone())),
            ExprKind::Unary(_, a) => a.names(out),
            ExprKind::Binary(_, a, b) => {
                a.names(out);
                b.names(out);
            }
            ExprKind::Call(_, _, args) => args.iter().for_each(|a| a.names(out)),
            ExprKind::Num(_) | ExprKind::Quantity(..) => {}
        }
    }

    fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary(op, ..) => op.precedence(),
            ExprKind::Unary(UnOp::Not, _) => 3,
            ExprKind::Unary(UnOp::Neg, _) => 7,
            ExprKind::Num(v) if *v < 0.0 => 7,
            _ => 9,
        }
    }
}

fn write_num(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    // Whole numbers without a fraction (`2`); others as `{:?}`, the shortest string that
    // reads back to the same f64, with an exponent when very small or large (`1e-20`).
    if v == v.trunc() && v.abs() < 1e15 {
        write!(f, "{v}")
    } else {
        write!(f, "{v:?}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wrap = |f: &mut fmt::Formatter<'_>, e: &Expr, paren: bool| {
            if paren {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        };
        match &self.kind {
            ExprKind::Num(v) => write_num(f, *v),
            ExprKind::Quantity(v, u, _) => {
                write_num(f, *v)?;
                write!(f, " {u}")
            }
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Unary(UnOp::Neg, a) => {
                write!(f, "-")?;
                wrap(f, a, a.precedence() < 8)
            }
            ExprKind::Unary(UnOp::Not, a) => {
                write!(f, "not ")?;
                wrap(f, a, a.precedence() < 3)
            }
            ExprKind::Binary(op, a, b) => {
                let p = op.precedence();
                // `**` is right-associative: `a ** b ** c` is `a ** (b ** c)`; the others
                // are left-associative; comparisons do not chain.
                let (left_paren, right_paren) = match op {
                    BinOp::Pow => (a.precedence() <= p, b.precedence() < 7),
                    _ if op.is_comparison() => (a.precedence() <= p, b.precedence() <= p),
                    _ => (a.precedence() < p, b.precedence() <= p),
                };
                wrap(f, a, left_paren)?;
                write!(f, " {} ", op.symbol())?;
                wrap(f, b, right_paren)
            }
            ExprKind::Call(name, _, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}

/// What an equation line declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EqKind {
    /// `dx/dt = f : unit`, a state variable.
    Differential,
    /// `x = f : unit`, a named expression.
    Subexpression,
    /// `x : unit`, a per-neuron parameter (or, with no `(constant)` flag, a variable that
    /// only statements change).
    Parameter,
}

/// One line of an equations string.
#[derive(Clone, Debug, PartialEq)]
pub struct Equation {
    /// What it declares.
    pub kind: EqKind,
    /// The declared name (`v` for `dv/dt`).
    pub name: String,
    /// Where the name (or `dv/dt`) is.
    pub name_span: Range<usize>,
    /// The right-hand side, for differential equations and subexpressions.
    pub expr: Option<Expr>,
    /// The unit, an expression of unit names (`volt`, `mV/ms`, `siemens/meter**2`, `1`).
    pub unit: Expr,
    /// Flags with their spans (`unless refractory`, `constant`).
    pub flags: Vec<(String, Range<usize>)>,
}

impl Equation {
    /// Whether the line carries `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|(f, _)| f == flag)
    }
}

impl fmt::Display for Equation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.expr) {
            (EqKind::Differential, Some(e)) => write!(f, "d{}/dt = {e} : {}", self.name, self.unit)?,
            (EqKind::Subexpression, Some(e)) => write!(f, "{} = {e} : {}", self.name, self.unit)?,
            _ => write!(f, "{} : {}", self.name, self.unit)?,
        }
        if !self.flags.is_empty() {
            let flags: Vec<&str> = self.flags.iter().map(|(n, _)| n.as_str()).collect();
            write!(f, " ({})", flags.join(", "))?;
        }
        Ok(())
    }
}

/// Assignment operators of statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=`
    Div,
}

impl AssignOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
        }
    }
}

/// One statement of a reset or of a synaptic event: `target op expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The variable assigned to.
    pub target: String,
    /// Where it is.
    pub target_span: Range<usize>,
    /// How.
    pub op: AssignOp,
    /// The value.
    pub expr: Expr,
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.target, self.op.symbol(), self.expr)
    }
}
