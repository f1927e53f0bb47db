//! The JIT (feature `jit`): Cranelift emits a model's step as one loop over the neurons,
//! each neuron's values kept in machine registers from its loads to its stores, as a
//! hand-written model's loop keeps them. Transcendental functions and random draws are
//! calls into Rust (Cranelift has no `exp`).

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, AbiParam, BlockArg, InstBuilder, MemFlagsData, UserFuncName, Value};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage, Module};

use crate::error::{EqError, Result};
use crate::interp::{draw, exprel_f32};
use crate::ir::{Id, Node, Op1, Op2};
use crate::methods::StepGraph;

/// The step of every neuron in `start..end`: arrays of the variables and propagators,
/// refractory counters, the spike flags to write, the time, the random key, the global
/// index of neuron 0 and the refractory period in steps.
type StepFn = unsafe extern "C" fn(
    vars: *const *mut f32,
    aux: *const *const f32,
    refractory: *mut u32,
    fired: *mut u8,
    end: u64,
    t: f32,
    key: u64,
    first: u64,
    ref_steps: u32,
);

/// A model's step as machine code.
pub struct JitStep {
    /// Owns the code memory; dropped with the step.
    _module: JITModule,
    step: StepFn,
}

// SAFETY: the module's code memory is written once, in `compile`, and only executed
// afterwards; nothing in it refers to the thread that compiled it.
unsafe impl Send for JitStep {}

extern "C" fn eq_exp(x: f32) -> f32 {
    x.exp()
}
extern "C" fn eq_log(x: f32) -> f32 {
    x.ln()
}
extern "C" fn eq_sin(x: f32) -> f32 {
    x.sin()
}
extern "C" fn eq_cos(x: f32) -> f32 {
    x.cos()
}
extern "C" fn eq_tanh(x: f32) -> f32 {
    x.tanh()
}
extern "C" fn eq_exprel(x: f32) -> f32 {
    exprel_f32(x)
}
extern "C" fn eq_pow(x: f32, y: f32) -> f32 {
    x.powf(y)
}
extern "C" fn eq_draw(key: u64, site: u64, index: u64, normal: u32) -> f32 {
    draw(key, site, index, normal != 0)
}

const UNARY_CALLS: [(Op1, &str); 6] = [
    (Op1::Exp, "eq_exp"),
    (Op1::Log, "eq_log"),
    (Op1::Sin, "eq_sin"),
    (Op1::Cos, "eq_cos"),
    (Op1::Tanh, "eq_tanh"),
    (Op1::Exprel, "eq_exprel"),
];

fn jit_error(e: impl std::fmt::Display) -> EqError {
    EqError::new(0..0, format!("the JIT could not compile the model: {e}"))
}

impl JitStep {
    /// Emits and compiles the step of `s`.
    pub fn compile(s: &StepGraph) -> Result<JitStep> {
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").map_err(jit_error)?;
        flags.set("use_colocated_libcalls", "false").map_err(jit_error)?;
        flags.set("is_pic", "false").map_err(jit_error)?;
        let isa =
            cranelift_native::builder().map_err(jit_error)?.finish(settings::Flags::new(flags)).map_err(jit_error)?;
        let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
        let symbols: [(&str, *const u8); 8] = [
            ("eq_exp", eq_exp as *const u8),
            ("eq_log", eq_log as *const u8),
            ("eq_sin", eq_sin as *const u8),
            ("eq_cos", eq_cos as *const u8),
            ("eq_tanh", eq_tanh as *const u8),
            ("eq_exprel", eq_exprel as *const u8),
            ("eq_pow", eq_pow as *const u8),
            ("eq_draw", eq_draw as *const u8),
        ];
        builder.symbols(symbols);
        let mut module = JITModule::new(builder);
        let ptr = module.target_config().pointer_type();

        let mut f1 = module.make_signature();
        f1.params.push(AbiParam::new(types::F32));
        f1.returns.push(AbiParam::new(types::F32));
        let mut f2 = f1.clone();
        f2.params.push(AbiParam::new(types::F32));
        let mut fdraw = module.make_signature();
        for t in [types::I64, types::I64, types::I64, types::I32] {
            fdraw.params.push(AbiParam::new(t));
        }
        fdraw.returns.push(AbiParam::new(types::F32));
        let mut imported = HashMap::new();
        for (op, name) in UNARY_CALLS {
            imported.insert(name, (Some(op), module.declare_function(name, Linkage::Import, &f1).map_err(jit_error)?));
        }
        let pow = module.declare_function("eq_pow", Linkage::Import, &f2).map_err(jit_error)?;
        let draw_fn = module.declare_function("eq_draw", Linkage::Import, &fdraw).map_err(jit_error)?;

        let mut sig = module.make_signature();
        for t in [ptr, ptr, ptr, ptr, types::I64, types::F32, types::I64, types::I64, types::I32] {
            sig.params.push(AbiParam::new(t));
        }
        let id = module.declare_function("step", Linkage::Local, &sig).map_err(jit_error)?;
        let mut ctx = module.make_context();
        ctx.func.signature = sig;
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let mut fctx = FunctionBuilderContext::new();
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            let header = b.create_block();
            let body = b.create_block();
            let exit = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.append_block_param(header, types::I64);
            b.switch_to_block(entry);
            let p = b.block_params(entry).to_vec();
            let (vars, aux, refr, fired, end, t, key, first, ref_steps) =
                (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
            let g = &s.graph;
            let mut needed = vec![false; g.nodes.len()];
            for &(_, r) in &s.outputs {
                needed[r as usize] = true;
            }
            if let Some(r) = s.spike {
                needed[r as usize] = true;
            }
            for id in (0..g.nodes.len()).rev() {
                if needed[id] {
                    for o in crate::interp::operands(&g.nodes[id]) {
                        needed[o as usize] = true;
                    }
                }
            }
            // Hoisted out of the loop: array base pointers and constants.
            let flags = MemFlagsData::trusted();
            let mut base: HashMap<(bool, u16), Value> = HashMap::new();
            let mut val: Vec<Option<Value>> = vec![None; g.nodes.len()];
            // The i8 condition behind a node that is a truth value (a comparison, `and`,
            // ...), so a `where`, `and` or the spike test uses it without comparing the
            // 1.0/0.0 float again; the float itself is dropped by Cranelift when unused.
            let mut cond: Vec<Option<Value>> = vec![None; g.nodes.len()];
            let (one, zero) = (b.ins().f32const(1.0f32), b.ins().f32const(0.0f32));
            for (id, node) in g.nodes.iter().enumerate() {
                if !needed[id] {
                    continue;
                }
                match *node {
                    Node::Const(bits) => val[id] = Some(b.ins().f32const(f64::from_bits(bits) as f32)),
                    Node::Var(v) => {
                        base.insert((false, v), b.ins().load(ptr, flags, vars, 8 * v as i32));
                    }
                    Node::Aux(a) => {
                        base.insert((true, a), b.ins().load(ptr, flags, aux, 8 * a as i32));
                    }
                    _ => {}
                }
            }
            for &(v, _) in &s.outputs {
                base.entry((false, v as u16)).or_insert_with(|| b.ins().load(ptr, flags, vars, 8 * v as i32));
            }
            let start = b.ins().iconst(types::I64, 0);
            b.ins().jump(header, &[BlockArg::Value(start)]);

            b.switch_to_block(header);
            let i = b.block_params(header)[0];
            let more = b.ins().icmp(IntCC::UnsignedLessThan, i, end);
            b.ins().brif(more, body, &[], exit, &[]);

            b.switch_to_block(body);
            let off4 = b.ins().ishl_imm_u(i, 2);
            let addr = |b: &mut FunctionBuilder, base: Value, off: Value| b.ins().iadd(base, off);
            let count_addr = addr(&mut b, refr, off4);
            let count = b.ins().load(types::I32, flags, count_addr, 0);
            let truth = |b: &mut FunctionBuilder, c: Value| b.ins().select(c, one, zero);
            let nonzero = |b: &mut FunctionBuilder, cond: &[Option<Value>], val: &[Option<Value>], id: Id| {
                cond[id as usize].unwrap_or_else(|| {
                    b.ins().fcmp(FloatCC::NotEqual, val[id as usize].expect("operands come first"), zero)
                })
            };
            for (id, node) in g.nodes.iter().enumerate() {
                if !needed[id] || val[id].is_some() {
                    continue;
                }
                let v = |o: Id| val[o as usize].expect("operands come first");
                let out = match *node {
                    Node::Const(_) => unreachable!("constants are hoisted"),
                    Node::Var(k) | Node::Aux(k) => {
                        let a = addr(&mut b, base[&(matches!(node, Node::Aux(_)), k)], off4);
                        b.ins().load(types::F32, flags, a, 0)
                    }
                    Node::Time => t,
                    Node::NotRefractory | Node::CanFire => {
                        let limit = if matches!(node, Node::CanFire) { 1 } else { 0 };
                        let c = b.ins().icmp_imm_u(IntCC::UnsignedLessThanOrEqual, count, limit);
                        cond[id] = Some(c);
                        truth(&mut b, c)
                    }
                    Node::Noise(_) | Node::Rand(_) | Node::Randn(_) => {
                        let (site, normal) = match *node {
                            Node::Noise(k) => (u32::MAX as u64 - k as u64, 1),
                            Node::Rand(k) => (k as u64, 0),
                            Node::Randn(k) => (k as u64, 1),
                            _ => unreachable!(),
                        };
                        let site = b.ins().iconst(types::I64, site as i64);
                        let index = b.ins().iadd(first, i);
                        let normal = b.ins().iconst(types::I32, normal);
                        let callee = module.declare_func_in_func(draw_fn, b.func);
                        let call = b.ins().call(callee, &[key, site, index, normal]);
                        b.inst_results(call)[0]
                    }
                    Node::Un(op, a) => {
                        let x = v(a);
                        match op {
                            Op1::Neg => b.ins().fneg(x),
                            Op1::Abs => b.ins().fabs(x),
                            Op1::Sqrt => b.ins().sqrt(x),
                            Op1::Floor => b.ins().floor(x),
                            Op1::Ceil => b.ins().ceil(x),
                            Op1::Trunc => b.ins().trunc(x),
                            Op1::Not => {
                                let c = b.ins().fcmp(FloatCC::Equal, x, zero);
                                cond[id] = Some(c);
                                truth(&mut b, c)
                            }
                            _ => {
                                let name = UNARY_CALLS.iter().find(|(o, _)| *o == op).expect("a called function").1;
                                let callee = module.declare_func_in_func(imported[name].1, b.func);
                                let call = b.ins().call(callee, &[x]);
                                b.inst_results(call)[0]
                            }
                        }
                    }
                    Node::Bin(op, a, c) => {
                        let (x, y) = (v(a), v(c));
                        let mut cmp = |b: &mut FunctionBuilder, cc: FloatCC| {
                            let c = b.ins().fcmp(cc, x, y);
                            cond[id] = Some(c);
                            truth(b, c)
                        };
                        match op {
                            Op2::Add => b.ins().fadd(x, y),
                            Op2::Sub => b.ins().fsub(x, y),
                            Op2::Mul => b.ins().fmul(x, y),
                            Op2::Div => b.ins().fdiv(x, y),
                            Op2::Min => b.ins().fmin(x, y),
                            Op2::Max => b.ins().fmax(x, y),
                            Op2::Lt => cmp(&mut b, FloatCC::LessThan),
                            Op2::Le => cmp(&mut b, FloatCC::LessThanOrEqual),
                            Op2::Gt => cmp(&mut b, FloatCC::GreaterThan),
                            Op2::Ge => cmp(&mut b, FloatCC::GreaterThanOrEqual),
                            Op2::Eq => cmp(&mut b, FloatCC::Equal),
                            Op2::Ne => cmp(&mut b, FloatCC::NotEqual),
                            Op2::And | Op2::Or => {
                                let (p, q) = (nonzero(&mut b, &cond, &val, a), nonzero(&mut b, &cond, &val, c));
                                let r = if op == Op2::And { b.ins().band(p, q) } else { b.ins().bor(p, q) };
                                cond[id] = Some(r);
                                truth(&mut b, r)
                            }
                            Op2::Pow => {
                                let callee = module.declare_func_in_func(pow, b.func);
                                let call = b.ins().call(callee, &[x, y]);
                                b.inst_results(call)[0]
                            }
                        }
                    }
                    Node::Select(c, x, y) => {
                        let c = nonzero(&mut b, &cond, &val, c);
                        b.ins().select(c, v(x), v(y))
                    }
                };
                val[id] = Some(out);
            }
            for &(var, r) in &s.outputs {
                let a = addr(&mut b, base[&(false, var as u16)], off4);
                b.ins().store(flags, val[r as usize].expect("computed"), a, 0);
            }
            // The refractory countdown and the spike flag, as the interpreter does them.
            let zero_i = b.ins().iconst(types::I32, 0);
            let one_i = b.ins().iconst(types::I32, 1);
            let down = b.ins().isub(count, one_i);
            let positive = b.ins().icmp_imm_u(IntCC::UnsignedGreaterThan, count, 0);
            let down = b.ins().select(positive, down, zero_i);
            let fire = match s.spike {
                Some(r) => nonzero(&mut b, &cond, &val, r),
                None => b.ins().iconst(types::I8, 0),
            };
            let next = b.ins().select(fire, ref_steps, down);
            b.ins().store(flags, next, count_addr, 0);
            let fired_addr = b.ins().iadd(fired, i);
            b.ins().store(flags, fire, fired_addr, 0);
            let i_next = b.ins().iadd_imm_u(i, 1);
            b.ins().jump(header, &[BlockArg::Value(i_next)]);

            b.switch_to_block(exit);
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(module.target_config());
        }
        module.define_function(id, &mut ctx).map_err(jit_error)?;
        module.clear_context(&mut ctx);
        module.finalize_definitions().map_err(jit_error)?;
        let code = module.get_finalized_function(id);
        // SAFETY: `code` is the function just defined with the signature of `StepFn`.
        let step = unsafe { std::mem::transmute::<*const u8, StepFn>(code) };
        Ok(JitStep { _module: module, step })
    }

    /// Runs the step over `n` neurons.
    ///
    /// # Safety
    /// `vars` and `aux` hold a pointer to an array of at least `n` f32 for every variable
    /// and propagator the step reads or writes; `refractory` and `fired` have `n` entries.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn run(
        &self,
        vars: &[*mut f32],
        aux: &[*const f32],
        refractory: &mut [u32],
        fired: &mut [u8],
        t: f32,
        key: u64,
        first: u64,
        ref_steps: u32,
    ) {
        let n = refractory.len().min(fired.len()) as u64;
        (self.step)(
            vars.as_ptr(),
            aux.as_ptr(),
            refractory.as_mut_ptr(),
            fired.as_mut_ptr(),
            n,
            t,
            key,
            first,
            ref_steps,
        );
    }
}
