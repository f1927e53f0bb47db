//! The parser: printing a parsed string and parsing it again gives the same tree, spans
//! cover the source text of their node, and operator precedence is Python's (issue 27).

use engram_equations::ast::{BinOp, Expr, ExprKind, UnOp};
use engram_equations::{parse_equations, parse_expression, parse_statements};

/// The tree without spans, to compare trees parsed from different texts.
fn shape(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Num(v) => format!("{v:?}"),
        ExprKind::Quantity(v, u, _) => format!("{v:?}[{u}]"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Unary(UnOp::Neg, a) => format!("neg({})", shape(a)),
        ExprKind::Unary(UnOp::Not, a) => format!("not({})", shape(a)),
        ExprKind::Binary(op, a, b) => format!("{}({}, {})", op.symbol(), shape(a), shape(b)),
        ExprKind::Call(f, _, args) => format!("{f}[{}]", args.iter().map(shape).collect::<Vec<_>>().join(", ")),
    }
}

fn round_trip(text: &str) -> String {
    let e = parse_expression(text).unwrap();
    let printed = e.to_string();
    let again = parse_expression(&printed).unwrap();
    assert_eq!(shape(&e), shape(&again), "{text} printed as {printed}");
    printed
}

#[test]
fn expressions_print_with_the_fewest_parentheses_and_read_back() {
    assert_eq!(round_trip("(v_rest - v + R*(I_e + ge)) / tau_m"), "(v_rest - v + R * (I_e + ge)) / tau_m");
    assert_eq!(round_trip("a - (b - c)"), "a - (b - c)");
    assert_eq!(round_trip("(a - b) - c"), "a - b - c");
    assert_eq!(round_trip("a / (b * c)"), "a / (b * c)");
    assert_eq!(round_trip("-x**2"), "-x ** 2");
    assert_eq!(round_trip("(-x)**2"), "(-x) ** 2");
    assert_eq!(round_trip("2**3**2"), "2 ** 3 ** 2");
    assert_eq!(round_trip("(2**3)**2"), "(2 ** 3) ** 2");
    assert_eq!(round_trip("x ** -0.5"), "x ** -0.5");
    assert_eq!(round_trip("not (v > v_th) and w < 1 or z"), "not v > v_th and w < 1 or z");
    assert_eq!(round_trip("not (a or b)"), "not (a or b)");
    assert_eq!(round_trip("(a > b) == (c > d)"), "(a > b) == (c > d)");
    assert_eq!(
        round_trip("where(v > 0*mV, clip(x, -1, 1), exp(-t/tau))"),
        "where(v > 0 * mV, clip(x, -1, 1), exp(-t / tau))"
    );
    assert_eq!(round_trip("5 mV + 1e-3*volt + rand()"), "5 mV + 0.001 * volt + rand()");
}

#[test]
fn precedence_is_python_s() {
    let s = |t: &str| shape(&parse_expression(t).unwrap());
    assert_eq!(s("a + b * c ** d"), "+(a, *(b, **(c, d)))");
    assert_eq!(s("-a ** b"), "neg(**(a, b))");
    assert_eq!(s("a < b + c and not d > e"), "and(<(a, +(b, c)), not(>(d, e)))");
    assert_eq!(s("a / b / c"), "/(/(a, b), c)");
    assert_eq!(s("2 ** -x"), "**(2.0, neg(x))");
    assert_eq!(s("20ms"), "20.0[ms]");
}

#[test]
fn every_node_s_span_covers_its_text() {
    let text = "dv/dt = (v_rest - v + R*I)/tau_m : volt (unless refractory)\n# comment\nI : amp (constant)";
    let eqs = parse_equations(text).unwrap();
    assert_eq!(eqs.len(), 2);
    assert_eq!(&text[eqs[0].name_span.clone()], "dv/dt");
    let rhs = eqs[0].expr.as_ref().unwrap();
    assert_eq!(&text[rhs.span.clone()], "(v_rest - v + R*I)/tau_m");
    let ExprKind::Binary(BinOp::Div, num, den) = &rhs.kind else { panic!("a quotient") };
    assert_eq!(&text[num.span.clone()], "(v_rest - v + R*I)");
    assert_eq!(&text[den.span.clone()], "tau_m");
    assert_eq!(&text[eqs[0].unit.span.clone()], "volt");
    assert_eq!(eqs[0].flags.iter().map(|f| &text[f.1.clone()]).collect::<Vec<_>>(), ["unless refractory"]);
    assert_eq!(&text[eqs[1].flags[0].1.clone()], "constant");
}

#[test]
fn equations_and_statements_round_trip() {
    let text = "dv/dt = (v_rest - v + R*(I_e + ge))/tau_m : volt (unless refractory)
dge/dt = -ge/tau_e : amp
g_tot = ge + gi : siemens/meter**2
I_e : amp (constant)
x : 1";
    let eqs = parse_equations(text).unwrap();
    let printed: Vec<String> = eqs.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        printed,
        [
            "dv/dt = (v_rest - v + R * (I_e + ge)) / tau_m : volt (unless refractory)",
            "dge/dt = -ge / tau_e : amp",
            "g_tot = ge + gi : siemens / meter ** 2",
            "I_e : amp (constant)",
            "x : 1",
        ]
    );
    let again = parse_equations(&printed.join("\n")).unwrap();
    assert_eq!(again.iter().map(|e| e.to_string()).collect::<Vec<_>>(), printed);

    let st = parse_statements("v = v_reset; w += b\nx -= 1; y *= 2; z /= 3").unwrap();
    let printed: Vec<String> = st.iter().map(|s| s.to_string()).collect();
    assert_eq!(printed, ["v = v_reset", "w += b", "x -= 1", "y *= 2", "z /= 3"]);
}

#[test]
fn an_expression_may_span_lines_inside_parentheses() {
    let eqs = parse_equations("dv/dt = (v_rest - v\n         + R*I)/tau : volt").unwrap();
    assert_eq!(eqs.len(), 1);
    assert_eq!(eqs[0].to_string(), "dv/dt = (v_rest - v + R * I) / tau : volt");
}
