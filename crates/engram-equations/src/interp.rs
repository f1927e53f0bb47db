//! A chunked array interpreter: the step graph becomes a list of instructions, and each
//! instruction sweeps a block of [`BLOCK`] neurons held in registers of `BLOCK` f32 (the
//! registers of a block stay in L1), so the dispatch costs one `match` per instruction
//! and block, not per neuron, and each instruction's loop is a plain slice loop the
//! compiler vectorises. Registers are reused as soon as their value is dead, so a model
//! needs about as many as its widest expression.

use crate::analysis::{Linearity, Method};
use crate::error::{EqError, Result};
use crate::ir::{Graph, Id, Node, Op1, Op2};
use crate::methods::{build, ParamValues, StepGraph};
use crate::model::{Model, Role};

/// Neurons per block. 256 f32 are 1 KiB per register: a model with 30 live registers
/// keeps its block in a 32 KiB L1 cache.
pub const BLOCK: usize = 256;

/// The value of a declared parameter: one for all neurons, or one per neuron.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// The same value everywhere (SI).
    Uniform(f64),
    /// One value per neuron (SI).
    PerNeuron(Vec<f64>),
}

#[derive(Clone, Copy, Debug)]
enum Ins {
    /// Copies the block of variable array `src` into `dst`.
    Load {
        dst: u16,
        var: u16,
    },
    /// Copies the block of propagator array `src` into `dst`.
    LoadAux {
        dst: u16,
        aux: u16,
    },
    /// The time at the start of the step.
    Time {
        dst: u16,
    },
    /// 1 where the neuron is not refractory (during integration) / may fire (after it).
    Refractory {
        dst: u16,
        can_fire: bool,
    },
    /// Uniform (`normal` false) or standard normal draws; `site` tells call sites apart.
    Draw {
        dst: u16,
        site: u32,
        normal: bool,
    },
    Un {
        op: Op1,
        dst: u16,
        a: u16,
    },
    Bin {
        op: Op2,
        dst: u16,
        a: u16,
        b: u16,
    },
    Select {
        dst: u16,
        c: u16,
        a: u16,
        b: u16,
    },
}

/// A model compiled for a population: its state arrays and the program that steps them.
pub struct Compiled {
    /// The method that integrates it.
    pub method: Method,
    /// How the derivatives depend on the state.
    pub linearity: Linearity,
    /// The names of the declared variables, with their arrays (empty for subexpressions
    /// and for parameters folded as constants).
    names: Vec<String>,
    /// Which of them are `(constant)` parameters.
    constant: Vec<bool>,
    vars: Vec<Vec<f32>>,
    aux: Vec<Vec<f32>>,
    program: Vec<Ins>,
    /// Constant registers, filled once: (register, value).
    constants: Vec<(u16, f32)>,
    /// Registers written back at the end of a block: (register, variable).
    stores: Vec<(u16, u16)>,
    spike: Option<u16>,
    regs: Vec<f32>,
    /// Steps left in the refractory period, per neuron.
    refractory: Vec<u32>,
    ref_steps: u32,
    dt: f64,
    seed: u64,
    /// Global index of this population's first neuron, so random draws do not depend on
    /// how a population is split into shards.
    first: u64,
    /// The step as machine code, when the JIT compiled it.
    #[cfg(feature = "jit")]
    jit: Option<crate::jit::JitStep>,
    /// The JIT's spike flags, and the array addresses it is handed (scratch, reused).
    #[cfg(feature = "jit")]
    fired: Vec<u8>,
    #[cfg(feature = "jit")]
    addresses: Vec<usize>,
}

/// How a compiled model runs its step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// The block interpreter (always available).
    #[default]
    Interpreter,
    /// Machine code from Cranelift (with the crate's `jit` feature).
    Jit,
}

/// Compile-time choices for [`Compiled::new`].
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// Interpreter or JIT.
    pub backend: Backend,
    /// Time step (s).
    pub dt: f64,
    /// The requested method, or `None` for Brian2's default choice.
    pub method: Option<&'a str>,
    /// Refractory period (s).
    pub refractory: f64,
    /// Seed of the random draws.
    pub seed: u64,
    /// Global index of the first neuron.
    pub first: u64,
}

impl Compiled {
    /// Compiles `model` for `n` neurons. `params` gives the declared parameters' values
    /// by name (missing ones are 0, as in Brian2).
    pub fn new(model: &Model, n: usize, params: &[(&str, ParamValue)], opt: &Options<'_>) -> Result<Compiled> {
        for (name, _) in params {
            if !matches!(model.var(name), Some(i) if model.vars[i].role == Role::Parameter) {
                return Err(EqError::new(0..0, format!("`{name}` is not a parameter of the equations")));
            }
        }
        for (name, v) in params {
            if let ParamValue::PerNeuron(values) = v {
                if values.len() != n {
                    let m = format!("`{name}` has {} values for {n} neurons", values.len());
                    return Err(EqError::new(0..0, m));
                }
            }
        }
        let value = |i: usize| params.iter().find(|(p, _)| *p == model.vars[i].name).map(|(_, v)| v);
        let uniform: Vec<(usize, f64)> = model
            .parameters()
            .into_iter()
            .filter_map(|i| match value(i) {
                None => Some((i, 0.0)),
                Some(ParamValue::Uniform(v)) => Some((i, *v)),
                Some(ParamValue::PerNeuron(_)) => None,
            })
            .collect();
        let per_neuron = |i: usize, k: usize| match value(i) {
            Some(ParamValue::PerNeuron(v)) => v[k],
            Some(ParamValue::Uniform(v)) => *v,
            None => 0.0,
        };
        let pv = ParamValues { uniform, n, per_neuron: &per_neuron };
        let step = build(model, opt.dt, opt.method, &pv)?;
        let vars = (0..model.vars.len())
            .map(|i| match model.vars[i].role {
                Role::Subexpression => Vec::new(),
                Role::State => vec![0.0; n],
                Role::Parameter => (0..n).map(|k| per_neuron(i, k) as f32).collect(),
            })
            .collect();
        let mut c = Compiled {
            method: step.method,
            linearity: step.analysis.linearity,
            names: model.vars.iter().map(|v| v.name.clone()).collect(),
            constant: model.vars.iter().map(|v| v.constant).collect(),
            vars,
            aux: step.aux.iter().map(|a| a.iter().map(|&x| x as f32).collect()).collect(),
            program: Vec::new(),
            constants: Vec::new(),
            stores: Vec::new(),
            spike: None,
            regs: Vec::new(),
            refractory: vec![0; n],
            ref_steps: (opt.refractory / opt.dt).round() as u32,
            dt: opt.dt,
            seed: opt.seed,
            first: opt.first,
            #[cfg(feature = "jit")]
            jit: None,
            #[cfg(feature = "jit")]
            fired: Vec::new(),
            #[cfg(feature = "jit")]
            addresses: Vec::new(),
        };
        match opt.backend {
            Backend::Interpreter => c.emit(&step),
            #[cfg(feature = "jit")]
            Backend::Jit => {
                c.jit = Some(crate::jit::JitStep::compile(&step)?);
                c.fired = vec![0; n];
            }
            #[cfg(not(feature = "jit"))]
            Backend::Jit => {
                return Err(EqError::new(0..0, "engram-equations was built without its `jit` feature"));
            }
        }
        Ok(c)
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.refractory.len()
    }

    /// Whether there are no neurons.
    pub fn is_empty(&self) -> bool {
        self.refractory.is_empty()
    }

    /// Number of interpreter instructions per block (0 when the JIT runs the step).
    pub fn instructions(&self) -> usize {
        self.program.len()
    }

    /// The array of variable `name`.
    pub fn var(&self, name: &str) -> Option<&[f32]> {
        self.names.iter().position(|n| n == name).map(|i| self.vars[i].as_slice())
    }

    /// The array of variable `name`, to set initial values or to add synaptic input.
    /// `None` for a `(constant)` parameter: its values may be compiled into the code.
    pub fn var_mut(&mut self, name: &str) -> Option<&mut [f32]> {
        let i = self.names.iter().position(|n| n == name)?;
        (!self.constant[i]).then(|| self.vars[i].as_mut_slice())
    }

    /// Schedules registers and turns the graph into instructions.
    fn emit(&mut self, s: &StepGraph) {
        let g: &Graph = &s.graph;
        let count = g.nodes.len();
        // Which nodes the step needs, and the last instruction that reads each.
        let mut needed = vec![false; count];
        let roots: Vec<Id> = s.outputs.iter().map(|o| o.1).chain(s.spike).collect();
        for &r in &roots {
            needed[r as usize] = true;
        }
        for id in (0..count).rev() {
            if needed[id] {
                for o in operands(&g.nodes[id]) {
                    needed[o as usize] = true;
                }
            }
        }
        let mut last_use = vec![0usize; count];
        for id in 0..count {
            for o in operands(&g.nodes[id]) {
                last_use[o as usize] = id;
            }
        }
        for &r in &roots {
            last_use[r as usize] = usize::MAX;
        }
        let mut reg = vec![u16::MAX; count];
        let mut free: Vec<u16> = Vec::new();
        let mut next = 0u16;
        let mut alloc = |free: &mut Vec<u16>| {
            free.pop().unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        };
        for id in 0..count {
            if !needed[id] {
                continue;
            }
            let node = g.nodes[id];
            // A constant is written once, before the first block, so its register must
            // be one no instruction ever writes: a fresh one, never freed.
            let dst = if matches!(node, Node::Const(_)) {
                let mut none = Vec::new();
                alloc(&mut none)
            } else {
                alloc(&mut free)
            };
            reg[id] = dst;
            let r = |o: Id| reg[o as usize];
            let ins = match node {
                Node::Const(b) => {
                    self.constants.push((dst, f64::from_bits(b) as f32));
                    last_use[id] = usize::MAX; // constants are filled once and never freed
                    None
                }
                Node::Var(v) => Some(Ins::Load { dst, var: v }),
                Node::Aux(a) => Some(Ins::LoadAux { dst, aux: a }),
                Node::Time => Some(Ins::Time { dst }),
                Node::NotRefractory => Some(Ins::Refractory { dst, can_fire: false }),
                Node::CanFire => Some(Ins::Refractory { dst, can_fire: true }),
                Node::Noise(k) => Some(Ins::Draw { dst, site: u32::MAX - k as u32, normal: true }),
                Node::Rand(k) => Some(Ins::Draw { dst, site: k, normal: false }),
                Node::Randn(k) => Some(Ins::Draw { dst, site: k, normal: true }),
                Node::Un(op, a) => Some(Ins::Un { op, dst, a: r(a) }),
                Node::Bin(op, a, b) => Some(Ins::Bin { op, dst, a: r(a), b: r(b) }),
                Node::Select(c, a, b) => Some(Ins::Select { dst, c: r(c), a: r(a), b: r(b) }),
            };
            self.program.extend(ins);
            // Operands whose last reader is this node free their registers (after `dst`
            // was taken, so no instruction writes a register it reads).
            let mut ops = operands(&node);
            ops.dedup();
            for o in ops {
                if last_use[o as usize] == id && !free.contains(&reg[o as usize]) {
                    free.push(reg[o as usize]);
                }
            }
            if last_use[id] == 0 && !matches!(node, Node::Const(_)) && !roots.contains(&(id as Id)) {
                free.push(dst);
            }
        }
        self.stores = s.outputs.iter().map(|&(v, id)| (reg[id as usize], v as u16)).collect();
        self.spike = s.spike.map(|id| reg[id as usize]);
        self.regs = vec![0.0; next as usize * BLOCK];
        for &(r, v) in &self.constants {
            self.regs[r as usize * BLOCK..(r as usize + 1) * BLOCK].fill(v);
        }
    }

    /// Advances every neuron by one step (`step` numbers it from 0, so `t = step * dt`);
    /// appends the indices of the neurons that spike, in increasing order.
    pub fn step(&mut self, step: u64, spiked: &mut Vec<u32>) {
        let n = self.len();
        let t = (step as f64 * self.dt) as f32;
        let key = mix(self.seed ^ mix(step.wrapping_add(0x5851_f42d_4c95_7f2d)));
        #[cfg(feature = "jit")]
        if let Some(jit) = &self.jit {
            self.addresses.clear();
            self.addresses.extend(self.vars.iter_mut().map(|v| v.as_mut_ptr() as usize));
            let vars = self.addresses.len();
            self.addresses.extend(self.aux.iter().map(|a| a.as_ptr() as usize));
            let (vars_at, aux_at) = self.addresses.split_at(vars);
            // SAFETY: `addresses` holds the base of every variable array (each of `n`
            // values, or empty for the subexpressions the step never reads) and then of
            // every propagator array, as pointers of the width of usize; `refractory` and
            // `fired` have `n` entries.
            unsafe {
                jit.run(
                    &*(vars_at as *const [usize] as *const [*mut f32]),
                    &*(aux_at as *const [usize] as *const [*const f32]),
                    &mut self.refractory,
                    &mut self.fired,
                    t,
                    key,
                    self.first,
                    self.ref_steps,
                );
            }
            // Eight flags at a time: at a few Hz nearly every word is 0.
            for (w, chunk) in self.fired.chunks(8).enumerate() {
                if chunk.iter().fold(0, |a, &f| a | f) != 0 {
                    spiked.extend(chunk.iter().enumerate().filter(|(_, &f)| f != 0).map(|(k, _)| (8 * w + k) as u32));
                }
            }
            return;
        }
        let regs = self.regs.as_mut_ptr();
        let mut start = 0;
        while start < n {
            let len = BLOCK.min(n - start);
            for &ins in &self.program {
                // SAFETY: register `r` is `regs[r * BLOCK..(r + 1) * BLOCK]`, inside
                // `self.regs` (sized for every register `emit` allocated); `emit` never
                // gives an instruction a destination register that it also reads, so the
                // mutable destination slice overlaps no source slice.
                let dst = |r: u16| unsafe { std::slice::from_raw_parts_mut(regs.add(r as usize * BLOCK), len) };
                let src = |r: u16| unsafe { std::slice::from_raw_parts(regs.add(r as usize * BLOCK), len) };
                match ins {
                    Ins::Load { dst: d, var } => dst(d).copy_from_slice(&self.vars[var as usize][start..start + len]),
                    Ins::LoadAux { dst: d, aux } => dst(d).copy_from_slice(&self.aux[aux as usize][start..start + len]),
                    Ins::Time { dst: d } => dst(d).fill(t),
                    Ins::Refractory { dst: d, can_fire } => {
                        let limit = if can_fire { 1 } else { 0 };
                        for (o, &c) in dst(d).iter_mut().zip(&self.refractory[start..start + len]) {
                            *o = (c <= limit) as u8 as f32;
                        }
                    }
                    Ins::Draw { dst: d, site, normal } => {
                        let first = self.first + start as u64;
                        for (k, o) in dst(d).iter_mut().enumerate() {
                            *o = draw(key, site as u64, first + k as u64, normal);
                        }
                    }
                    Ins::Un { op, dst: d, a } => unary(op, dst(d), src(a)),
                    Ins::Bin { op, dst: d, a, b } => binary(op, dst(d), src(a), src(b)),
                    Ins::Select { dst: d, c, a, b } => {
                        for (((o, &c), &a), &b) in dst(d).iter_mut().zip(src(c)).zip(src(a)).zip(src(b)) {
                            *o = if c != 0.0 { a } else { b };
                        }
                    }
                }
            }
            for &(r, v) in &self.stores {
                let block = &self.regs[r as usize * BLOCK..r as usize * BLOCK + len];
                self.vars[v as usize][start..start + len].copy_from_slice(block);
            }
            // The refractory countdown: a spike starts it, else it runs down by one.
            let counts = &mut self.refractory[start..start + len];
            match self.spike {
                Some(s) => {
                    let fired = &self.regs[s as usize * BLOCK..s as usize * BLOCK + len];
                    for (k, (c, &f)) in counts.iter_mut().zip(fired).enumerate() {
                        if f != 0.0 {
                            *c = self.ref_steps;
                            spiked.push((start + k) as u32);
                        } else {
                            *c = c.saturating_sub(1);
                        }
                    }
                }
                None => counts.iter_mut().for_each(|c| *c = c.saturating_sub(1)),
            }
            start += len;
        }
    }
}

pub(crate) fn operands(n: &Node) -> Vec<Id> {
    match *n {
        Node::Un(_, a) => vec![a],
        Node::Bin(_, a, b) => vec![a, b],
        Node::Select(c, a, b) => vec![c, a, b],
        _ => Vec::new(),
    }
}

fn unary(op: Op1, d: &mut [f32], a: &[f32]) {
    let f: fn(f32) -> f32 = match op {
        Op1::Neg => |x| -x,
        Op1::Exp => f32::exp,
        Op1::Log => f32::ln,
        Op1::Sqrt => f32::sqrt,
        Op1::Abs => f32::abs,
        Op1::Sin => f32::sin,
        Op1::Cos => f32::cos,
        Op1::Tanh => f32::tanh,
        Op1::Exprel => exprel_f32,
        Op1::Floor => f32::floor,
        Op1::Ceil => f32::ceil,
        Op1::Trunc => f32::trunc,
        Op1::Not => |x| (x == 0.0) as u8 as f32,
    };
    for (o, &x) in d.iter_mut().zip(a) {
        *o = f(x);
    }
}

/// One loop per operation, so each is a straight slice loop the compiler vectorises.
fn binary(op: Op2, d: &mut [f32], a: &[f32], b: &[f32]) {
    macro_rules! each {
        ($f:expr) => {
            for ((o, &x), &y) in d.iter_mut().zip(a).zip(b) {
                *o = $f(x, y);
            }
        };
    }
    let truth = |c: bool| c as u8 as f32;
    match op {
        Op2::Add => each!(|x, y| x + y),
        Op2::Sub => each!(|x, y| x - y),
        Op2::Mul => each!(|x, y| x * y),
        Op2::Div => each!(|x, y| x / y),
        Op2::Pow => each!(f32::powf),
        Op2::Lt => each!(|x, y| truth(x < y)),
        Op2::Le => each!(|x, y| truth(x <= y)),
        Op2::Gt => each!(|x, y| truth(x > y)),
        Op2::Ge => each!(|x, y| truth(x >= y)),
        Op2::Eq => each!(|x, y| truth(x == y)),
        Op2::Ne => each!(|x, y| truth(x != y)),
        Op2::And => each!(|x: f32, y: f32| truth(x != 0.0 && y != 0.0)),
        Op2::Or => each!(|x: f32, y: f32| truth(x != 0.0 || y != 0.0)),
        Op2::Min => each!(f32::min),
        Op2::Max => each!(f32::max),
    }
}

/// `(exp(x) - 1) / x` in f32, by its series near 0 where the quotient would cancel.
pub(crate) fn exprel_f32(x: f32) -> f32 {
    if x.abs() < 1e-4 {
        1.0 + x / 2.0 + x * x / 6.0
    } else {
        x.exp_m1() / x
    }
}

/// The draw of call site `site` for the neuron of global index `index`, under the step's
/// `key`: uniform in [0, 1), or standard normal.
pub(crate) fn draw(key: u64, site: u64, index: u64, normal: bool) -> f32 {
    let h = mix(mix(key ^ site) ^ index);
    if normal {
        gaussian(h)
    } else {
        uniform(h)
    }
}

/// SplitMix64's finaliser: a counter-based stream, so a neuron's draws depend only on the
/// seed, the step, the call site and the neuron's global index.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Uniform in [0, 1) from the top 24 bits.
fn uniform(h: u64) -> f32 {
    (h >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
}

/// Standard normal by Box–Muller from the two halves of one hash.
fn gaussian(h: u64) -> f32 {
    let u1 = ((h >> 40) as f64 + 1.0) / (1u64 << 24) as f64; // (0, 1]
    let u2 = (h & 0xff_ffff) as f64 / (1u64 << 24) as f64;
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}
