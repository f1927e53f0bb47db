//! Errors inside an equation string are located in the model file: the string's span in
//! the TOML document plus the offset inside the string, through TOML's escapes (issue 27).

mod common;

use engram_equations::{raw_offset, Model, ModelText};
use engram_model::Source;
use toml_edit::ImDocument;

fn located(toml: &str, key: &str) -> String {
    let doc = ImDocument::parse(toml).unwrap();
    let item = &doc["populations"]["exc"][key];
    let value = item.as_value().unwrap();
    let text = value.as_str().unwrap();
    let (eqs, threshold) = if key == "equations" { (text, None) } else { ("dv/dt = -v/tau_m : volt", Some(text)) };
    let err = Model::new(ModelText { equations: eqs, threshold, reset: None }, &common::consts(&common::LIF))
        .expect_err("a bad model");
    let src = Source::new("m.toml", toml);
    err.to_model_error(&src, value.span(), &format!("populations.exc.{key}")).to_string()
}

#[test]
fn an_error_in_a_multi_line_string_points_at_its_file_line_and_column() {
    let toml = "[populations.exc]\nn = 10\nequations = \"\"\"\ndv/dt = (v_rest - v)/tau_m : volt\ndw/dt = -w/tau_n : amp\n\"\"\"\n";
    assert_eq!(
        located(toml, "equations"),
        "m.toml:5:12: populations.exc.equations: unknown name `tau_n` (did you mean `tau_m`?)"
    );
}

#[test]
fn escapes_and_literal_strings_keep_the_column_right() {
    // `\t` is two characters in the file for one in the string.
    let toml = "[populations.exc]\nthreshold = \"v >\\t5 nS\"\n";
    assert_eq!(
        located(toml, "threshold"),
        "m.toml:2:19: populations.exc.threshold: cannot compare a voltage with a conductance"
    );
    let toml = "[populations.exc]\nthreshold = 'v > 5 nS'\n";
    assert_eq!(
        located(toml, "threshold"),
        "m.toml:2:18: populations.exc.threshold: cannot compare a voltage with a conductance"
    );
}

#[test]
fn raw_offsets_follow_toml_escapes() {
    assert_eq!(raw_offset("\"abc\"", 2), 3);
    assert_eq!(raw_offset("\"a\\nb\"", 2), 4);
    assert_eq!(raw_offset("\"\\u00e9x\"", 2), 7, "é is two bytes for six");
    assert_eq!(raw_offset("\"\"\"\nab\"\"\"", 1), 5, "the newline after the delimiter is dropped");
    assert_eq!(raw_offset("\"\"\"a \\\n   b\"\"\"", 2), 10, "a line-ending backslash swallows the whitespace");
    assert_eq!(raw_offset("'''\na\\nb'''", 3), 7, "literal strings have no escapes");
}
