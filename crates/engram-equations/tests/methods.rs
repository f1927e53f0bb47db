//! Which systems are linear, conditionally linear or nonlinear; the method Brian2 would
//! choose; and the located refusal of a method that cannot integrate the equations
//! (issue 27).

mod common;

use common::{compile, model};
use engram_equations::{EqError, Field, Linearity, Method, ParamValue};

fn chosen(eqs: &str) -> (Method, Linearity) {
    let m = model(eqs, None, None).unwrap();
    let c = compile(&m, 4, 1e-4, None, &[]).unwrap();
    (c.method, c.linearity)
}

fn refused(eqs: &str, method: &str) -> EqError {
    let m = model(eqs, None, None).unwrap();
    compile(&m, 4, 1e-4, Some(method), &[]).err().expect("the method must be refused")
}

const CUBA: &str = "dv/dt = (v_rest - v + R*(I + ge))/tau_m : volt (unless refractory)
dge/dt = -ge/(5 ms) : amp";
const COBA: &str = "dv/dt = (10 nS*(v_rest - v) + ge*(0 mV - v))/(200 pF) : volt
dge/dt = -ge/(5 ms) : siemens";
const QIF: &str = "dv/dt = (v - v_rest)*(v - v_th)/(tau_m*mV) : volt";

#[test]
fn linear_systems_are_integrated_exactly_by_default() {
    assert_eq!(chosen(CUBA), (Method::Exact, Linearity::Linear));
    // Coupled with per-neuron constants is still linear.
    let eqs = "dv/dt = (v_rest - v + R*I_e)/tau_m : volt\nI_e : amp (constant)";
    assert_eq!(chosen(eqs), (Method::Exact, Linearity::Linear));
}

#[test]
fn conditionally_linear_and_nonlinear_systems_get_euler_by_default_as_in_brian2() {
    assert_eq!(chosen(COBA), (Method::Euler, Linearity::ConditionallyLinear));
    assert_eq!(chosen(QIF), (Method::Euler, Linearity::Nonlinear));
    // A coefficient that changes in time is not linear with constant coefficients.
    let eqs = "dv/dt = (v_rest - v)*(1 + sin(t/tau_m))/tau_m : volt";
    assert_eq!(chosen(eqs), (Method::Euler, Linearity::ConditionallyLinear));
    // A parameter without `(constant)` may change (the reset changes this one).
    let m = model("dv/dt = (w - v)/tau_m : volt\nw : volt", Some("v > v_th"), Some("w += 1 mV")).unwrap();
    assert_eq!(compile(&m, 4, 1e-4, None, &[]).unwrap().method, Method::Euler);
    let e = refused("dv/dt = (w - v)/tau_m : volt\nw : volt", "exact");
    assert!(e.message.ends_with("but dv/dt is not: its constant term may change during the run (it reads `t`, a random draw or a parameter without `(constant)`) (use `exponential_euler`, `rk4`, `rk2` or `euler`)"), "{}", e.message);
    // Additive noise: Euler–Maruyama.
    assert_eq!(chosen("dv/dt = (v_rest - v)/tau_m + mV*xi/sqrt(tau_m) : volt").0, Method::Euler);
}

#[test]
fn exact_on_nonlinear_equations_is_refused_at_the_method() {
    let e = refused(QIF, "exact");
    assert_eq!(e.field, Field::Method);
    assert_eq!(e.span, 0..5);
    assert_eq!(
        e.message,
        "method `exact` needs equations linear in the state variables with constant coefficients, but dv/dt is not: \
         it is not linear in the state variables (use `exponential_euler`, `rk4`, `rk2` or `euler`)"
    );
    let e = refused(COBA, "linear");
    assert_eq!(
        e.message,
        "method `exact` needs equations linear in the state variables with constant coefficients, but dv/dt is not: \
         it is not linear in the state variables (use `exponential_euler`, `rk4`, `rk2` or `euler`)"
    );
    let e = refused("dv/dt = (v_rest - v)*(1 + sin(t/tau_m))/tau_m : volt", "exact");
    assert!(
        e.message.ends_with(
            "dv/dt is not: a coefficient may change during the run (it reads `t`, a random draw or a parameter \
             without `(constant)`) (use `exponential_euler`, `rk4`, `rk2` or `euler`)"
        ),
        "{}",
        e.message
    );
}

#[test]
fn exponential_euler_needs_each_equation_linear_in_its_variable() {
    let e = refused(QIF, "exponential_euler");
    assert_eq!(
        (e.field, e.message.as_str()),
        (
            Field::Method,
            "method `exponential_euler` needs each dx/dt linear in x (conditionally linear), but dv/dt is not linear \
             in `v` (use `rk4`, `rk2` or `euler`)"
        )
    );
    let m = model(COBA, None, None).unwrap();
    assert_eq!(compile(&m, 4, 1e-4, Some("exponential_euler"), &[]).unwrap().method, Method::ExponentialEuler);
}

#[test]
fn noise_needs_euler_and_multiplicative_noise_is_refused() {
    let ou = "dv/dt = (v_rest - v)/tau_m + mV*xi/sqrt(tau_m) : volt";
    let e = refused(ou, "rk4");
    assert_eq!(
        e.message,
        "method `rk4` cannot integrate stochastic equations (with `xi`); use `euler` (Euler–Maruyama)"
    );
    let mult = "dv/dt = (v_rest - v)/tau_m + v*xi/sqrt(tau_m) : volt";
    let m = model(mult, None, None).unwrap();
    let e = compile(&m, 4, 1e-4, None, &[]).err().unwrap();
    assert_eq!(e.field, Field::Equations);
    assert_eq!(&mult[e.span.clone()], "(v_rest - v)/tau_m + v*xi/sqrt(tau_m)");
    assert_eq!(
        e.message,
        "dv/dt: the noise is multiplicative (its factor depends on the state), which needs Brian2's `heun` method; \
         engram has no `heun` yet"
    );
    let e = refused("dv/dt = (v_rest - v)/tau_m + mV*xi**2/sqrt(tau_m)*sqrt(second) : volt", "euler");
    assert_eq!(e.message, "dv/dt: the white noise `xi` must enter linearly (as `... + sigma*xi`)");
}

#[test]
fn unknown_methods_suggest_the_closest() {
    let e = refused(CUBA, "exponential_eulr");
    assert_eq!(
        (e.field, e.span.clone(), e.message.as_str()),
        (
            Field::Method,
            0..16,
            "unknown method `exponential_eulr` (did you mean `exponential_euler`?); known methods: exact, linear, \
             exponential_euler, euler, rk2, rk4"
        )
    );
}

#[test]
fn parameters_must_be_declared() {
    let m = model(CUBA, None, None).unwrap();
    let e = compile(&m, 4, 1e-4, None, &[("tau_x", ParamValue::Uniform(1.0))]).err().unwrap();
    assert_eq!(e.message, "`tau_x` is not a parameter of the equations");
    let m = model("dv/dt = (v_rest - v + R*I_e)/tau_m : volt\nI_e : amp (constant)", None, None).unwrap();
    let e = compile(&m, 4, 1e-4, None, &[("I_e", ParamValue::PerNeuron(vec![0.0; 3]))]).err().unwrap();
    assert_eq!(e.message, "`I_e` has 3 values for 4 neurons");
    // A constant may be compiled into the code, so it cannot be changed afterwards.
    let mut c = compile(&m, 4, 1e-4, None, &[("I_e", ParamValue::Uniform(1e-12))]).unwrap();
    assert_eq!(c.var("I_e"), Some(&[1e-12f32; 4][..]));
    assert!(c.var_mut("I_e").is_none());
    assert!(c.var_mut("v").is_some());
}

#[test]
fn the_summary_lists_names_units_roles_and_the_method() {
    let eqs = "dv/dt = (v_rest - v + R*(I_e + I_syn))/tau_m : volt (unless refractory)
dge/dt = -ge/(5 ms) : siemens
I_syn = ge*(0 mV - v) : amp
I_e : amp (constant)
w : volt*second**-0.5";
    let m = model(eqs, Some("v > v_th"), Some("v = v_reset; ge *= 0.5")).unwrap();
    let c = compile(&m, 2, 1e-4, None, &[]).unwrap();
    assert_eq!(
        m.summary(c.method, c.linearity),
        "method euler (conditionally linear)
  v      volt      state variable, held while refractory
  ge     siemens   state variable
  I_syn  amp       subexpression
  I_e    amp       parameter (constant)
  w      m^2*kg*s^-7/2*A^-1  parameter
threshold v > v_th
reset v = v_reset; ge *= 0.5
"
    );
}
