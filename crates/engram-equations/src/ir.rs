//! The expression graph: a model's expressions in SI with names resolved, constants
//! folded in f64 and common subexpressions shared (hash-consing), so that an RK4 stage
//! or a threshold that repeats a term costs it once.

use std::collections::HashMap;

use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::check::{is_noise, Sym};
use crate::model::{Model, Role};

/// A node's index in its [`Graph`].
pub type Id = u32;

/// One-argument operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op1 {
    /// `-x`
    Neg,
    /// `exp(x)`
    Exp,
    /// `log(x)`
    Log,
    /// `sqrt(x)`
    Sqrt,
    /// `abs(x)`
    Abs,
    /// `sin(x)`
    Sin,
    /// `cos(x)`
    Cos,
    /// `tanh(x)`
    Tanh,
    /// `(exp(x) - 1) / x`, 1 at 0 (Brian2's `exprel`; the factor of exponential Euler).
    Exprel,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `int(x)`: truncation toward zero.
    Trunc,
    /// `not x` on 0/1.
    Not,
}

/// Two-argument operations. Comparisons and logic give 1 or 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op2 {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a ** b`
    Pow,
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
    /// `a and b`
    And,
    /// `a or b`
    Or,
    /// `min(a, b)` (from `clip`)
    Min,
    /// `max(a, b)` (from `clip`)
    Max,
}

/// A node of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A constant (the bits of an f64).
    Const(u64),
    /// The value of declared variable `i` (state or parameter) at the start of the step.
    Var(u16),
    /// A per-neuron array the compiler adds (the entries of exact propagators).
    Aux(u16),
    /// The time at the start of the step.
    Time,
    /// 1 where the neuron is not refractory during this step's integration, else 0.
    NotRefractory,
    /// 1 where the neuron may fire at the end of this step (its refractory period is over).
    CanFire,
    /// White noise source `i` (its standard normal draw for this step and neuron).
    Noise(u16),
    /// A uniform draw in [0, 1) (`rand()`); the number tells call sites apart.
    Rand(u32),
    /// A standard normal draw (`randn()`); the number tells call sites apart.
    Randn(u32),
    /// A one-argument operation.
    Un(Op1, Id),
    /// A two-argument operation.
    Bin(Op2, Id, Id),
    /// `where(c, a, b)`.
    Select(Id, Id, Id),
}

/// Expression nodes, each after its operands.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// The nodes.
    pub nodes: Vec<Node>,
    index: HashMap<Node, Id>,
    draws: u32,
}

fn exprel(x: f64) -> f64 {
    if x.abs() < 1e-8 {
        1.0 + x / 2.0
    } else {
        x.exp_m1() / x
    }
}

/// `op` on numbers, as the interpreter computes it (in f64 here).
pub fn apply1(op: Op1, x: f64) -> f64 {
    match op {
        Op1::Neg => -x,
        Op1::Exp => x.exp(),
        Op1::Log => x.ln(),
        Op1::Sqrt => x.sqrt(),
        Op1::Abs => x.abs(),
        Op1::Sin => x.sin(),
        Op1::Cos => x.cos(),
        Op1::Tanh => x.tanh(),
        Op1::Exprel => exprel(x),
        Op1::Floor => x.floor(),
        Op1::Ceil => x.ceil(),
        Op1::Trunc => x.trunc(),
        Op1::Not => (x == 0.0) as u8 as f64,
    }
}

/// `op` on numbers (in f64).
pub fn apply2(op: Op2, a: f64, b: f64) -> f64 {
    let truth = |c: bool| c as u8 as f64;
    match op {
        Op2::Add => a + b,
        Op2::Sub => a - b,
        Op2::Mul => a * b,
        Op2::Div => a / b,
        Op2::Pow => a.powf(b),
        Op2::Lt => truth(a < b),
        Op2::Le => truth(a <= b),
        Op2::Gt => truth(a > b),
        Op2::Ge => truth(a >= b),
        Op2::Eq => truth(a == b),
        Op2::Ne => truth(a != b),
        Op2::And => truth(a != 0.0 && b != 0.0),
        Op2::Or => truth(a != 0.0 || b != 0.0),
        Op2::Min => a.min(b),
        Op2::Max => a.max(b),
    }
}

impl Graph {
    fn add(&mut self, n: Node) -> Id {
        if let Some(&id) = self.index.get(&n) {
            return id;
        }
        let id = self.nodes.len() as Id;
        self.nodes.push(n);
        self.index.insert(n, id);
        id
    }

    /// The constant `v`.
    pub fn constant(&mut self, v: f64) -> Id {
        // -0.0 and 0.0 are one constant.
        self.add(Node::Const(if v == 0.0 { 0f64.to_bits() } else { v.to_bits() }))
    }

    /// The value of constant node `id`, if it is one.
    pub fn as_const(&self, id: Id) -> Option<f64> {
        match self.nodes[id as usize] {
            Node::Const(b) => Some(f64::from_bits(b)),
            _ => None,
        }
    }

    /// A leaf node (a variable, an array, the time).
    pub fn leaf(&mut self, n: Node) -> Id {
        self.add(n)
    }

    /// A fresh random draw (never shared with another call site).
    pub fn draw(&mut self, normal: bool) -> Id {
        self.draws += 1;
        self.add(if normal { Node::Randn(self.draws) } else { Node::Rand(self.draws) })
    }

    /// `op(a)`, folded when `a` is constant.
    pub fn un(&mut self, op: Op1, a: Id) -> Id {
        if let Some(x) = self.as_const(a) {
            return self.constant(apply1(op, x));
        }
        if let (Op1::Neg, Node::Un(Op1::Neg, inner)) = (op, self.nodes[a as usize]) {
            return inner;
        }
        self.add(Node::Un(op, a))
    }

    /// `a op b`, folded when both are constant and simplified around 0 and 1.
    pub fn bin(&mut self, op: Op2, a: Id, b: Id) -> Id {
        let (ca, cb) = (self.as_const(a), self.as_const(b));
        if let (Some(x), Some(y)) = (ca, cb) {
            return self.constant(apply2(op, x, y));
        }
        // Float literal patterns compare with `==`, so `Some(0.0)` also matches -0.0.
        match (op, ca, cb) {
            (Op2::Add, Some(0.0), _) => return b,
            (Op2::Add | Op2::Sub, _, Some(0.0)) => return a,
            (Op2::Sub, Some(0.0), _) => return self.un(Op1::Neg, b),
            (Op2::Mul, Some(0.0), _) | (Op2::Mul, _, Some(0.0)) | (Op2::Div, Some(0.0), _) => {
                return self.constant(0.0)
            }
            (Op2::Mul, Some(1.0), _) => return b,
            (Op2::Mul | Op2::Div | Op2::Pow, _, Some(1.0)) => return a,
            (Op2::Mul, Some(-1.0), _) => return self.un(Op1::Neg, b),
            (Op2::Mul | Op2::Div, _, Some(-1.0)) => return self.un(Op1::Neg, a),
            (Op2::Pow, _, Some(2.0)) => return self.bin(Op2::Mul, a, a),
            // A quotient by a constant is a product by its reciprocal (rounded once, in
            // f64): a division is a long-latency instruction on the critical path of every
            // RK stage (`/tau`), a product is not.
            (Op2::Div, _, Some(c)) => {
                let r = self.constant(1.0 / c);
                return self.bin(Op2::Mul, a, r);
            }
            _ => {}
        }
        self.add(Node::Bin(op, a, b))
    }

    /// `where(c, a, b)`.
    pub fn select(&mut self, c: Id, a: Id, b: Id) -> Id {
        if a == b {
            return a;
        }
        match self.as_const(c) {
            Some(x) if x != 0.0 => a,
            Some(_) => b,
            None => self.add(Node::Select(c, a, b)),
        }
    }

    /// Whether `id` depends on a node for which `leaf` holds.
    pub fn depends(&self, id: Id, leaf: &dyn Fn(&Node) -> bool) -> bool {
        let mut memo = vec![None; self.nodes.len()];
        self.depends_memo(id, leaf, &mut memo)
    }

    fn depends_memo(&self, id: Id, leaf: &dyn Fn(&Node) -> bool, memo: &mut [Option<bool>]) -> bool {
        if let Some(r) = memo[id as usize] {
            return r;
        }
        let n = &self.nodes[id as usize];
        let r = leaf(n)
            || match *n {
                Node::Un(_, a) => self.depends_memo(a, leaf, memo),
                Node::Bin(_, a, b) => self.depends_memo(a, leaf, memo) || self.depends_memo(b, leaf, memo),
                Node::Select(c, a, b) => {
                    self.depends_memo(c, leaf, memo)
                        || self.depends_memo(a, leaf, memo)
                        || self.depends_memo(b, leaf, memo)
                }
                _ => false,
            };
        memo[id as usize] = Some(r);
        r
    }

    /// Writes `id` as `a * x + b` with `a` and `b` free of the leaf `x`, if it is affine
    /// in `x` (Brian2 does this with sympy's `collect`; here it is structural: sums,
    /// products and quotients by terms free of `x`).
    pub fn split_affine(&mut self, id: Id, x: Node) -> Option<(Id, Id)> {
        let mut memo = HashMap::new();
        self.split_memo(id, x, &mut memo)
    }

    fn split_memo(&mut self, id: Id, x: Node, memo: &mut HashMap<Id, Option<(Id, Id)>>) -> Option<(Id, Id)> {
        if let Some(r) = memo.get(&id) {
            return *r;
        }
        let zero = self.constant(0.0);
        let r = if !self.depends(id, &|n| *n == x) {
            Some((zero, id))
        } else {
            match self.nodes[id as usize] {
                n if n == x => Some((self.constant(1.0), zero)),
                Node::Un(Op1::Neg, a) => {
                    self.split_memo(a, x, memo).map(|(p, q)| (self.un(Op1::Neg, p), self.un(Op1::Neg, q)))
                }
                Node::Bin(op @ (Op2::Add | Op2::Sub), a, b) => {
                    let (pa, qa) = self.split_memo(a, x, memo)?;
                    let (pb, qb) = self.split_memo(b, x, memo)?;
                    Some((self.bin(op, pa, pb), self.bin(op, qa, qb)))
                }
                Node::Bin(Op2::Mul, a, b) => {
                    let (free, other) = if !self.depends(a, &|n| *n == x) {
                        (a, b)
                    } else if !self.depends(b, &|n| *n == x) {
                        (b, a)
                    } else {
                        return None;
                    };
                    let (p, q) = self.split_memo(other, x, memo)?;
                    Some((self.bin(Op2::Mul, free, p), self.bin(Op2::Mul, free, q)))
                }
                Node::Bin(Op2::Div, a, b) if !self.depends(b, &|n| *n == x) => {
                    let (p, q) = self.split_memo(a, x, memo)?;
                    Some((self.bin(Op2::Div, p, b), self.bin(Op2::Div, q, b)))
                }
                _ => None,
            }
        };
        memo.insert(id, r);
        r
    }

    /// `id` with the leaves in `map` replaced (the RK stages evaluate the derivative at
    /// shifted states this way).
    pub fn substitute(&mut self, id: Id, map: &HashMap<Node, Id>) -> Id {
        let mut memo = HashMap::new();
        self.subst_memo(id, map, &mut memo)
    }

    fn subst_memo(&mut self, id: Id, map: &HashMap<Node, Id>, memo: &mut HashMap<Id, Id>) -> Id {
        if let Some(&r) = memo.get(&id) {
            return r;
        }
        let n = self.nodes[id as usize];
        let r = if let Some(&to) = map.get(&n) {
            to
        } else {
            match n {
                Node::Un(op, a) => {
                    let a = self.subst_memo(a, map, memo);
                    self.un(op, a)
                }
                Node::Bin(op, a, b) => {
                    let (a, b) = (self.subst_memo(a, map, memo), self.subst_memo(b, map, memo));
                    self.bin(op, a, b)
                }
                Node::Select(c, a, b) => {
                    let (c, a, b) =
                        (self.subst_memo(c, map, memo), self.subst_memo(a, map, memo), self.subst_memo(b, map, memo));
                    self.select(c, a, b)
                }
                _ => id,
            }
        };
        memo.insert(id, r);
        r
    }

    /// The value of `id` in f64, with `leaf` giving the leaves (`None` for a leaf that
    /// has no value here, such as a random draw).
    pub fn eval(&self, id: Id, leaf: &dyn Fn(&Node) -> Option<f64>) -> Option<f64> {
        Some(match self.nodes[id as usize] {
            Node::Const(b) => f64::from_bits(b),
            Node::Un(op, a) => apply1(op, self.eval(a, leaf)?),
            Node::Bin(op, a, b) => apply2(op, self.eval(a, leaf)?, self.eval(b, leaf)?),
            Node::Select(c, a, b) => {
                if self.eval(c, leaf)? != 0.0 {
                    self.eval(a, leaf)?
                } else {
                    self.eval(b, leaf)?
                }
            }
            ref n => leaf(n)?,
        })
    }
}

/// Lowers a checked model's expressions into a [`Graph`]: names become the nodes in
/// `env` (one per declared variable: its current value), subexpressions are inlined,
/// units and constants become SI numbers.
pub struct Lowerer<'m> {
    /// The model.
    pub model: &'m Model,
    /// The current node of each declared variable (`None` for subexpressions).
    pub env: Vec<Option<Id>>,
    /// The node of `t`.
    pub time: Id,
    /// The time step (s).
    pub dt: f64,
}

impl<'m> Lowerer<'m> {
    /// A lowerer whose variables are their values at the start of the step; parameters in
    /// `uniform` (index of the variable, value) are folded as constants.
    pub fn new(model: &'m Model, g: &mut Graph, dt: f64, uniform: &[(usize, f64)]) -> Lowerer<'m> {
        let env = (0..model.vars.len())
            .map(|i| match model.vars[i].role {
                Role::Subexpression => None,
                _ => Some(match uniform.iter().find(|(j, _)| *j == i) {
                    Some(&(_, v)) => g.constant(v),
                    None => g.leaf(Node::Var(i as u16)),
                }),
            })
            .collect();
        Lowerer { model, env, time: g.leaf(Node::Time), dt }
    }

    fn resolve(&self, name: &str) -> Sym {
        if let Some(i) = self.model.var(name) {
            return Sym::Var(i);
        }
        match name {
            "t" => return Sym::Time,
            "dt" => return Sym::Dt,
            n if is_noise(n) => {
                return Sym::Noise(self.model.noise.iter().position(|x| x == n).expect("noise found by the checker"))
            }
            _ => {}
        }
        if let Some(i) = self.model.consts.iter().position(|(n, ..)| n == name) {
            return Sym::Const(i);
        }
        let (scale, _) = engram_model::units::unit_symbol(name).expect("a name the checker resolved");
        Sym::Unit(scale)
    }

    /// The node of expression `e`.
    pub fn lower(&self, g: &mut Graph, e: &Expr) -> Id {
        match &e.kind {
            ExprKind::Num(v) => g.constant(*v),
            ExprKind::Quantity(v, u, _) => {
                let (scale, _) = engram_model::units::unit_symbol(u).expect("a unit the checker resolved");
                g.constant(v * scale)
            }
            ExprKind::Name(n) => match self.resolve(n) {
                Sym::Var(i) => match self.env[i] {
                    Some(id) => id,
                    None => {
                        let sub = self.model.vars[i].expr.as_ref().expect("a subexpression has an expression");
                        self.lower(g, sub)
                    }
                },
                Sym::Const(i) => g.constant(self.model.consts[i].1),
                Sym::Unit(s) => g.constant(s),
                Sym::Time => self.time,
                Sym::Dt => g.constant(self.dt),
                Sym::Noise(i) => g.leaf(Node::Noise(i as u16)),
            },
            ExprKind::Unary(op, a) => {
                let a = self.lower(g, a);
                g.un(if *op == UnOp::Neg { Op1::Neg } else { Op1::Not }, a)
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.lower(g, a), self.lower(g, b));
                let op = match op {
                    BinOp::Add => Op2::Add,
                    BinOp::Sub => Op2::Sub,
                    BinOp::Mul => Op2::Mul,
                    BinOp::Div => Op2::Div,
                    BinOp::Pow => Op2::Pow,
                    BinOp::Lt => Op2::Lt,
                    BinOp::Le => Op2::Le,
                    BinOp::Gt => Op2::Gt,
                    BinOp::Ge => Op2::Ge,
                    BinOp::Eq => Op2::Eq,
                    BinOp::Ne => Op2::Ne,
                    BinOp::And => Op2::And,
                    BinOp::Or => Op2::Or,
                };
                g.bin(op, a, b)
            }
            ExprKind::Call(name, _, args) => {
                let a: Vec<Id> = args.iter().map(|x| self.lower(g, x)).collect();
                let op = match name.as_str() {
                    "exp" => Op1::Exp,
                    "log" => Op1::Log,
                    "sqrt" => Op1::Sqrt,
                    "abs" => Op1::Abs,
                    "sin" => Op1::Sin,
                    "cos" => Op1::Cos,
                    "tanh" => Op1::Tanh,
                    "exprel" => Op1::Exprel,
                    "floor" => Op1::Floor,
                    "ceil" => Op1::Ceil,
                    "int" => Op1::Trunc,
                    "clip" => {
                        let lo = g.bin(Op2::Max, a[0], a[1]);
                        return g.bin(Op2::Min, lo, a[2]);
                    }
                    "where" => return g.select(a[0], a[1], a[2]),
                    "rand" => return g.draw(false),
                    _ => return g.draw(true), // randn, the last function the checker allows
                };
                g.un(op, a[0])
            }
        }
    }
}
