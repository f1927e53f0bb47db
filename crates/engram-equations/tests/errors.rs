//! Every kind of error in equations, conditions and statements: its exact message, the
//! string it is in and the text its span covers (issue 27).

mod common;

use common::error;
use engram_equations::Field;

const LIF_EQ: &str = "dv/dt = (v_rest - v + R*I)/tau_m : volt";

#[test]
fn syntax_errors_point_at_the_token() {
    let e = error("dv/dt = (v_rest - v / tau_m : volt", None, None);
    assert_eq!(e, (Field::Equations, "expected `)`, found `:`".into(), ":".into()));
    let e = error("dv/dt = -v/tau_m volt", None, None);
    assert_eq!(e.1, "expected an operator, or `:` and the unit, found `volt`");
    assert_eq!(e.2, "volt");
    let e = error("dv/dt = -v/tau_m", None, None);
    assert_eq!(e.1, "expected an operator, or `:` and the unit, found the end");
    let e = error("dv/dt = -v/ : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("expected an expression, found `:`", ":"));
    let e = error("dv/dt = -v $ tau_m : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("unexpected character `$`", "$"));
    let e = error("dv/dt = -v/tau_m : volt (unless refractory", None, None);
    assert_eq!(e.1, "expected `,` or `)` after the flag, found the end");
    let e = error("v : volt\nv > v_th", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("expected `:` and the unit, found `>`", ">"));
    let e = error("v : volt", Some("v > v_th and"), None);
    assert_eq!(e.0, Field::Threshold);
    assert_eq!(e.1, "expected an expression, found the end");
    let e = error("v : volt", Some("v_th < v < 0 mV"), None);
    assert_eq!(e.1, "comparisons do not chain: write `a < b and b < c`");
    let e = error("v : volt", None, Some("v == v_reset"));
    assert_eq!(
        (e.0, e.1.as_str(), e.2.as_str()),
        (Field::Reset, "expected `=`, `+=`, `-=`, `*=` or `/=`, found `==`", "==")
    );
}

#[test]
fn every_term_of_a_sum_has_the_first_term_s_dimension() {
    let e = error("dv/dt = (v_rest - v + I)/tau_m : volt", None, None);
    assert_eq!(e, (Field::Equations, "cannot add a current to a voltage".into(), "I".into()));
    let e = error("dv/dt = (v_rest - R - v)/tau_m : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("cannot subtract a resistance from a voltage", "R"));
}

#[test]
fn the_right_hand_side_is_the_variable_per_second() {
    let e = error("dv/dt = v_rest - v : volt", None, None);
    assert_eq!(e.1, "dv/dt: the right-hand side must be a voltage per time (`v` is a voltage), found a voltage");
    assert_eq!(e.2, "v_rest - v");
    let e = error("dv/dt = R*I*tau_m : volt", None, None);
    assert_eq!(
        e.1,
        "dv/dt: the right-hand side must be a voltage per time (`v` is a voltage), found a voltage times a time"
    );
    let e = error("dv/dt = -v/tau_m : volt\nI_syn = v/R : volt", None, None);
    assert_eq!(e.1, "I_syn: the right-hand side must be a voltage (`I_syn` is a voltage), found a current");
    assert_eq!(e.2, "v/R");
}

#[test]
fn functions_check_their_arguments() {
    let e = error("dv/dt = exp(v)/tau_m*mV : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("the argument of `exp` must be a plain number, found a voltage", "v"));
    let e = error("dv/dt = log(v/mV, 2)/tau_m*mV : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("`log` takes 1 argument, found 2", "log(v/mV, 2)"));
    let e = error("dv/dt = expp(v/mV)/tau_m*mV : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("unknown function `expp` (did you mean `exp`?)", "expp"));
    let e = error("dv/dt = clip(v, v_reset, 1 nA)/tau_m : volt", None, None);
    assert_eq!(e.1, "the upper bound of `clip` must be a voltage like its value, found a current");
    assert_eq!(e.2, "1 nA");
    let e = error("dv/dt = where(v, v, v_rest)/tau_m : volt", None, None);
    assert_eq!(e.1, "the first argument of `where` must be a condition such as `v > v_th`, found a voltage");
    let e = error("dv/dt = (v_rest - v)/tau_m + randn()*mV/ms : volt", None, None);
    assert_eq!(e.1, "`randn()` cannot appear in a differential equation: write white noise as `xi`");
    assert_eq!(e.2, "randn()");
    let e = error("dv/dt = (v_rest - v)/tau_m : volt\nnoise = xi*mV : volt*second**-0.5", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("white noise `xi` may only appear in a differential equation", "xi"));
    let e = error("dv/dt = (v_rest - v)/tau_m * v**0.3 : volt", None, None);
    assert_eq!(e.1, "a voltage to the power 0.3 has no physical dimension");
}

#[test]
fn unknown_names_suggest_the_closest_known_one() {
    let e = error("dv/dt = (v_rest - v)/tau_n : volt", None, None);
    assert_eq!(e, (Field::Equations, "unknown name `tau_n` (did you mean `tau_m`?)".into(), "tau_n".into()));
    let e = error("dv/dt = (v_rest - v)/tau_m : volts", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("unknown unit `volts` (did you mean `volt`?)", "volts"));
    let e = error("dv/dt = (v_rest - v)/tau_m : mV", None, None);
    assert_eq!(e.1, "`mV` is not a base unit: write the SI unit of the same dimension (values are kept in SI)");
    assert_eq!(e.2, "mV");
    assert!(common::model("dg/dt = -g/tau_m : siemens/meter**2", None, None).is_ok());
    let e = error("dv/dt = (v_rest - v)/(20 mss) : volt", None, None);
    assert_eq!(e.1, "`mss` after the number 20 is not a unit (write `20*mss` for a product)");
    let e = error("dv/dt = (v_rest - v)/tau_m : volt", None, Some("vv = v_reset"));
    assert_eq!((e.0, e.1.as_str(), e.2.as_str()), (Field::Reset, "unknown variable `vv` (did you mean `v`?)", "vv"));
    let e = error("dv/dt = (v_rest - v)/tau_m : volt (constnt)", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("unknown flag `constnt` (did you mean `constant`?)", "constnt"));
}

#[test]
fn declarations_are_checked() {
    let e = error("dv/dt = (v_rest - v)/tau_m : volt\nv : volt", None, None);
    assert_eq!(e.1, "`v` is declared twice (first at byte 0)");
    assert_eq!(e.2, "v");
    let e = error("dms/dt = -ms/tau_m : 1", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("`ms` is a unit; choose another name", "dms/dt"));
    let e = error("dv/dt = (v_rest - v)/tau_m : volt\ntau_m : second", None, None);
    assert_eq!(e.1, "`tau_m` is declared here and also given as a constant in params; keep one");
    let e = error("dv/dt = (v_rest - v)/tau_m : volt (constant)", None, None);
    assert_eq!(e.1, "the flag `constant` belongs on a parameter (`x : unit (constant)`)");
    let e = error("dv/dt = (v_rest - v)/tau_m + w/tau_m : volt\nw = 2*u : volt\nu = w : volt", None, None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("subexpression `w` depends on itself", "w"));
}

#[test]
fn threshold_and_reset_are_checked_against_the_variables() {
    let e = error(LIF_EQ, Some("v - v_th"), None);
    assert_eq!(
        e,
        (
            Field::Threshold,
            "the threshold must be a condition such as `v > v_th`, found a voltage".into(),
            "v - v_th".into()
        )
    );
    let e = error(LIF_EQ, Some("v > 5 nS"), None);
    assert_eq!((e.1.as_str(), e.2.as_str()), ("cannot compare a voltage with a conductance", "5 nS"));
    let e = error(LIF_EQ, Some("v > v_th"), Some("v = v_reset; v += 5 nS"));
    assert_eq!(e.0, Field::Reset);
    assert_eq!(e.1, "the value of `v += ...` must be a voltage like `v`, found a conductance");
    assert_eq!(e.2, "5 nS");
    let e = error(LIF_EQ, None, Some("v *= 2 mV"));
    assert_eq!(e.1, "the factor of `v *= ...` must be a plain number, found a voltage");
    let e = error(LIF_EQ, None, Some("v_reset = v"));
    assert_eq!(e.1, "`v_reset` is a constant from params; statements can only change variables");
    let e = error("dv/dt = (v_rest - v + R*I_e)/tau_m : volt\nI_e : amp (constant)", None, Some("I_e = 0 nA"));
    assert_eq!(e.1, "`I_e` is a constant parameter (flag `constant`); statements cannot change it");
    let e = error("dv/dt = (v_rest - v)/tau_m : volt\nu = 2*v : volt", None, Some("u = v_reset"));
    assert_eq!(e.1, "`u` is a subexpression; statements can only change variables");
}
