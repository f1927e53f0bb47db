//! One step of each integration method, written as graph nodes: the new value of every
//! state variable, the spike condition and the reset, all from the values at the start of
//! the step.

use std::collections::HashMap;

use crate::analysis::{analyse, choose, derivatives, frozen, Analysis, Derivatives, Method};
use crate::ast::AssignOp;
use crate::error::Result;
use crate::expm::expm;
use crate::ir::{Graph, Id, Lowerer, Node, Op1, Op2};
use crate::model::{Model, Role};

/// The step of a model as a graph.
#[derive(Clone, Debug)]
pub struct StepGraph {
    /// The nodes.
    pub graph: Graph,
    /// The new value of each variable the step changes: (index into [`Model::vars`], node).
    pub outputs: Vec<(usize, Id)>,
    /// 1 where the neuron spikes this step (after integration).
    pub spike: Option<Id>,
    /// Per-neuron arrays the step reads as [`Node::Aux`] (exact propagators that differ
    /// between neurons).
    pub aux: Vec<Vec<f64>>,
    /// The method.
    pub method: Method,
    /// The analysis that chose or checked it.
    pub analysis: Analysis,
}

/// The values of the parameters, per declared variable index: `Some(v)` for one value
/// shared by all neurons, else read per neuron through `per_neuron(var, neuron)`.
pub struct ParamValues<'a> {
    /// The shared value of each parameter that has one.
    pub uniform: Vec<(usize, f64)>,
    /// Number of neurons.
    pub n: usize,
    /// The value of parameter `var` at neuron `i`.
    pub per_neuron: &'a dyn Fn(usize, usize) -> f64,
}

/// Builds the step of `model` with time step `dt` and method `requested` (Brian2's
/// default choice when `None`).
pub fn build(model: &Model, dt: f64, requested: Option<&str>, params: &ParamValues<'_>) -> Result<StepGraph> {
    let mut g = Graph::default();
    // Only parameters that stay constant are folded; the reset may change the others.
    let uniform: Vec<(usize, f64)> = params.uniform.iter().copied().filter(|&(i, _)| frozen(model, i)).collect();
    let low = Lowerer::new(model, &mut g, dt, &uniform);
    let d = derivatives(model, &mut g, &low)?;
    let analysis = analyse(model, &mut g, &d);
    let method = choose(model, &analysis, requested)?;
    let h = g.constant(dt);
    let x: Vec<Id> = d.states.iter().map(|&i| low.env[i].expect("a state variable has a node")).collect();
    let mut aux = Vec::new();
    let mut new = match method {
        Method::Euler => euler(&mut g, &d, &x, h, dt),
        Method::Rk2 => {
            let k1 = scaled(&mut g, &d.f, h);
            let mid = shifted(&mut g, &x, &k1, 0.5);
            let f_mid = stage(&mut g, &d, &mid, low.time, dt / 2.0);
            let k2 = scaled(&mut g, &f_mid, h);
            shifted(&mut g, &x, &k2, 1.0)
        }
        Method::Rk4 => {
            let k1 = scaled(&mut g, &d.f, h);
            let s2 = shifted(&mut g, &x, &k1, 0.5);
            let f2 = stage(&mut g, &d, &s2, low.time, dt / 2.0);
            let k2 = scaled(&mut g, &f2, h);
            let s3 = shifted(&mut g, &x, &k2, 0.5);
            let f3 = stage(&mut g, &d, &s3, low.time, dt / 2.0);
            let k3 = scaled(&mut g, &f3, h);
            let s4 = shifted(&mut g, &x, &k3, 1.0);
            let f4 = stage(&mut g, &d, &s4, low.time, dt);
            let k4 = scaled(&mut g, &f4, h);
            let (two, sixth) = (g.constant(2.0), g.constant(1.0 / 6.0));
            (0..x.len())
                .map(|i| {
                    let k23 = g.bin(Op2::Add, k2[i], k3[i]);
                    let k23 = g.bin(Op2::Mul, two, k23);
                    let s = g.bin(Op2::Add, k1[i], k23);
                    let s = g.bin(Op2::Add, s, k4[i]);
                    let s = g.bin(Op2::Mul, sixth, s);
                    g.bin(Op2::Add, x[i], s)
                })
                .collect()
        }
        Method::ExponentialEuler => (0..x.len())
            .map(|r| {
                let (a, b) = g.split_affine(d.f[r], Node::Var(d.states[r] as u16)).expect("checked by choose");
                // x + (a x + b) h exprel(a h): Brian2's -b/a + (x + b/a) e^{a h}, written so
                // that it neither divides by a = 0 nor loses digits when a h is small.
                let ax = g.bin(Op2::Mul, a, x[r]);
                let slope = g.bin(Op2::Add, ax, b);
                let ah = g.bin(Op2::Mul, a, h);
                let factor = g.un(Op1::Exprel, ah);
                let hf = g.bin(Op2::Mul, h, factor);
                let inc = g.bin(Op2::Mul, slope, hf);
                g.bin(Op2::Add, x[r], inc)
            })
            .collect(),
        Method::Exact => exact(&mut g, &d, &x, dt, params, &mut aux),
    };
    let not_ref = g.leaf(Node::NotRefractory);
    for (r, &i) in d.states.iter().enumerate() {
        if model.vars[i].unless_refractory {
            new[r] = g.select(not_ref, new[r], x[r]);
        }
    }
    let mut env = low.env.clone();
    for (r, &i) in d.states.iter().enumerate() {
        env[i] = Some(new[r]);
    }
    let after = Lowerer { model, env, time: low.time, dt };
    let spike = model.threshold.as_ref().map(|t| {
        let cond = after.lower(&mut g, t);
        let can = g.leaf(Node::CanFire);
        g.bin(Op2::And, cond, can)
    });
    let mut after = after;
    if let Some(s) = spike {
        for st in &model.reset {
            let i = model.var(&st.target).expect("checked target");
            let old = after.env[i].expect("a target is a variable");
            let v = after.lower(&mut g, &st.expr);
            let v = match st.op {
                AssignOp::Set => v,
                AssignOp::Add => g.bin(Op2::Add, old, v),
                AssignOp::Sub => g.bin(Op2::Sub, old, v),
                AssignOp::Mul => g.bin(Op2::Mul, old, v),
                AssignOp::Div => g.bin(Op2::Div, old, v),
            };
            after.env[i] = Some(g.select(s, v, old));
        }
    }
    let outputs = (0..model.vars.len())
        .filter(|&i| model.vars[i].role != Role::Subexpression)
        .filter_map(|i| {
            let node = after.env[i]?;
            (node != low.env[i]?).then_some((i, node))
        })
        .collect();
    Ok(StepGraph { graph: g, outputs, spike, aux, method, analysis })
}

fn scaled(g: &mut Graph, f: &[Id], h: Id) -> Vec<Id> {
    f.iter().map(|&fi| g.bin(Op2::Mul, h, fi)).collect()
}

fn shifted(g: &mut Graph, x: &[Id], k: &[Id], by: f64) -> Vec<Id> {
    let c = g.constant(by);
    x.iter()
        .zip(k)
        .map(|(&xi, &ki)| {
            let s = g.bin(Op2::Mul, c, ki);
            g.bin(Op2::Add, xi, s)
        })
        .collect()
}

/// The derivatives at state `at` and time `t + shift`.
fn stage(g: &mut Graph, d: &Derivatives, at: &[Id], time: Id, shift: f64) -> Vec<Id> {
    let mut map = HashMap::new();
    for (r, &i) in d.states.iter().enumerate() {
        map.insert(Node::Var(i as u16), at[r]);
    }
    let s = g.constant(shift);
    let t = g.bin(Op2::Add, time, s);
    map.insert(Node::Time, t);
    d.f.iter().map(|&f| g.substitute(f, &map)).collect()
}

/// Euler, and Euler–Maruyama for the noise: `x + f h + Σ g_k sqrt(h) N(0, 1)`.
fn euler(g: &mut Graph, d: &Derivatives, x: &[Id], h: Id, dt: f64) -> Vec<Id> {
    let sqrt_h = g.constant(dt.sqrt());
    (0..x.len())
        .map(|r| {
            let hf = g.bin(Op2::Mul, h, d.f[r]);
            let mut v = g.bin(Op2::Add, x[r], hf);
            for (k, &c) in d.g[r].iter().enumerate() {
                let n = g.leaf(Node::Noise(k as u16));
                let cn = g.bin(Op2::Mul, c, n);
                let s = g.bin(Op2::Mul, sqrt_h, cn);
                v = g.bin(Op2::Add, v, s);
            }
            v
        })
        .collect()
}

/// `x(t + h) = E x + e` from the exponential of the augmented matrix `[[A h, b h], [0, 0]]`
/// (its top right column is `∫ e^{A s} b ds`, the response to the constant term). When A
/// and b are the same for every neuron the entries are constants; otherwise they are
/// computed per neuron once, here, and read as arrays.
///
/// The step is written `x + ((E - I) x + e)`, with `E - I` taken in f64: in f32, `E x + e`
/// would put the fixed point `e / (1 - E)` off by the rounding of `E` over `1 - E`
/// (6e-6 relative for dt/tau = 0.005), while the increment form keeps it to f32 precision,
/// as the built-in `lif` keeps `1 - exp(-dt/tau)` from `expm1`.
fn exact(g: &mut Graph, d: &Derivatives, x: &[Id], dt: f64, p: &ParamValues<'_>, aux: &mut Vec<Vec<f64>>) -> Vec<Id> {
    let k = x.len();
    let m = k + 1;
    // Coefficient nodes: a[r][c] for the state, a[r][k] the constant term.
    let mut coef = vec![vec![0; m]; k];
    for (r, row) in coef.iter_mut().enumerate() {
        let mut rest = d.f[r];
        for (c, &j) in d.states.iter().enumerate() {
            let (a, b) = g.split_affine(rest, Node::Var(j as u16)).expect("checked linear");
            row[c] = a;
            rest = b;
        }
        row[k] = rest;
    }
    let varying = coef.iter().flatten().any(|&c| g.as_const(c).is_none());
    let neurons = if varying { p.n } else { 1 };
    // The top k rows of exp(M) for each neuron (one when nothing varies).
    let per_neuron: Vec<Vec<f64>> = (0..neurons)
        .map(|n| {
            let leaf = |node: &Node| match node {
                Node::Var(j) => Some((p.per_neuron)(*j as usize, n)),
                _ => None,
            };
            let mut mat = vec![0.0; m * m];
            for (r, row) in coef.iter().enumerate() {
                for (c, &a) in row.iter().enumerate() {
                    mat[r * m + c] = g.eval(a, &leaf).expect("coefficients read parameters only") * dt;
                }
            }
            let mut e = expm(&mat, m);
            e.truncate(k * m);
            for r in 0..k {
                e[r * m + r] -= 1.0;
            }
            e
        })
        .collect();
    let entries: Vec<Vec<f64>> = (0..k * m).map(|idx| per_neuron.iter().map(|e| e[idx]).collect()).collect();
    let mut node_of = |g: &mut Graph, values: Vec<f64>| -> Id {
        if values.iter().all(|&v| v == values[0]) {
            g.constant(values[0])
        } else {
            aux.push(values);
            g.leaf(Node::Aux(aux.len() as u16 - 1))
        }
    };
    let mut entries = entries.into_iter();
    (0..k)
        .map(|r| {
            let mut v = None;
            for c in 0..m {
                let e = node_of(g, entries.next().expect("k × m entries"));
                let term = match x.get(c) {
                    Some(&xc) => g.bin(Op2::Mul, e, xc),
                    None => e,
                };
                v = Some(match v {
                    None => term,
                    Some(acc) => g.bin(Op2::Add, acc, term),
                });
            }
            g.bin(Op2::Add, x[r], v.expect("m ≥ 1"))
        })
        .collect()
}
