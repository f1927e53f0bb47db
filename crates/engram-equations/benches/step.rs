//! Time per neuron and step of equation models compiled to the block interpreter, beside
//! the same LIF written by hand as engram's built-in `lif` loop is written.
//!
//! `cargo bench -p engram-equations --bench step --features jit` (without the feature,
//! the interpreter alone; results in docs/equations.md).

use std::hint::black_box;
use std::time::Instant;

use engram_equations::interp::{Backend, Options};
use engram_equations::{Compiled, Model, ModelText};
use engram_model::parse_quantity;

const N: usize = 100_000;
const STEPS: u64 = 200;

#[cfg(feature = "jit")]
const BACKENDS: [Backend; 2] = [Backend::Interpreter, Backend::Jit];
#[cfg(not(feature = "jit"))]
const BACKENDS: [Backend; 1] = [Backend::Interpreter];

fn consts(list: &[(&str, &str)]) -> Vec<(String, engram_model::Quantity)> {
    list.iter().map(|(n, q)| (n.to_string(), parse_quantity(q).unwrap())).collect()
}

/// The best of five runs of STEPS steps: the machine is shared, and the minimum is the
/// run least disturbed by the other processes.
fn time(label: &str, mut f: impl FnMut(u64)) {
    f(0);
    let mut best = f64::INFINITY;
    for rep in 0..5 {
        let t0 = Instant::now();
        for s in 1..=STEPS {
            f(rep * STEPS + s);
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    let ns = best * 1e9 / (STEPS as f64 * N as f64);
    println!("{label:<52} {ns:6.2} ns per neuron and step");
}

fn describe(backend: Backend, m: &Compiled) -> String {
    match backend {
        Backend::Interpreter => format!("interpreter ({} instructions)", m.instructions()),
        Backend::Jit => "JIT".into(),
    }
}

fn compiled(eqs: &str, c: &[(&str, &str)], method: Option<&str>, init: &[(&str, f32)], backend: Backend) -> Compiled {
    let text = ModelText { equations: eqs, threshold: Some("v > v_th"), reset: Some("v = v_reset") };
    let model = Model::new(text, &consts(c)).unwrap();
    let opt = Options { dt: 1e-4, method, refractory: 5e-3, seed: 1, first: 0, backend };
    let mut m = Compiled::new(&model, N, &[], &opt).unwrap();
    for (name, v) in init {
        let arr = m.var_mut(name).unwrap();
        for (i, x) in arr.iter_mut().enumerate() {
            *x = v + 0.01 * (i % 1000) as f32 / 1000.0;
        }
    }
    m
}

/// Time from the strings to a compiled model, best of 20.
fn compile_time(label: &str, eqs: &str, c: &[(&str, &str)], method: Option<&str>, backend: Backend) {
    let best = (0..20)
        .map(|_| {
            let t0 = Instant::now();
            black_box(compiled(eqs, c, method, &[], backend));
            t0.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    println!("{label:<44} {:6.1} µs to parse, check and compile for {N} neurons", best * 1e6);
}

fn main() {
    let lif = "dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)";
    let c = [
        ("v_rest", "-49 mV"),
        ("R", "100 Mohm"),
        ("I", "10 pA"),
        ("tau", "20 ms"),
        ("v_th", "-50 mV"),
        ("v_reset", "-60 mV"),
    ];
    for (backend, method) in BACKENDS.iter().flat_map(|&b| ["exact", "euler", "rk4"].map(|m| (b, m))) {
        let mut m = compiled(lif, &c, Some(method), &[("v", -0.06)], backend);
        let mut spiked = Vec::new();
        let label = format!("LIF, {method}, {}", describe(backend, &m));
        time(&label, |s| {
            spiked.clear();
            m.step(s, &mut spiked);
            black_box(&spiked);
        });
    }

    // The same LIF by hand, as `lif.rs` writes its loop: propagator, hold while
    // refractory, threshold, reset, countdown.
    let (dt, tau) = (1e-4f64, 20e-3f64);
    let e = (-dt / tau).exp() as f32;
    let v_inf = (-49e-3 + 100e6 * 10e-12) as f32;
    let (v_th, v_reset) = (-50e-3f32, -60e-3f32);
    let mut v: Vec<f32> = (0..N).map(|i| -0.06 + 0.01 * (i % 1000) as f32 / 1000.0).collect();
    let mut refr = vec![0u32; N];
    let mut spiked = Vec::new();
    time("LIF by hand", |_| {
        spiked.clear();
        for i in 0..N {
            let held = refr[i] > 0;
            let x = if held { v[i] } else { v_inf + (v[i] - v_inf) * e };
            let r = refr[i].saturating_sub(1);
            let fire = x > v_th && r == 0;
            v[i] = if fire { v_reset } else { x };
            refr[i] = if fire { 50 } else { r };
            if fire {
                spiked.push(i as u32);
            }
        }
        black_box(&spiked);
    });

    let coba = "dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/C : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens";
    let cc = [
        ("gl", "10 nS"),
        ("El", "-60 mV"),
        ("Ee", "0 mV"),
        ("Ei", "-80 mV"),
        ("C", "200 pF"),
        ("taue", "5 ms"),
        ("taui", "10 ms"),
        ("v_th", "-50 mV"),
        ("v_reset", "-60 mV"),
    ];
    for backend in BACKENDS {
        compile_time(&format!("LIF, exact, {backend:?}"), lif, &c, Some("exact"), backend);
        compile_time(&format!("COBA, rk4, {backend:?}"), coba, &cc, Some("rk4"), backend);
    }
    for (backend, method) in BACKENDS.iter().flat_map(|&b| ["exponential_euler", "euler", "rk4"].map(|m| (b, m))) {
        let mut m = compiled(coba, &cc, Some(method), &[("v", -0.06), ("ge", 1e-9)], backend);
        let mut spiked = Vec::new();
        let label = format!("COBA, {method}, {}", describe(backend, &m));
        time(&label, |s| {
            spiked.clear();
            m.step(s, &mut spiked);
            black_box(&spiked);
        });
    }
}
