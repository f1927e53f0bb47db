//! Issue 25: mistakes a Brian2/NEST user makes in a first session, each refused or
//! reported with its exact message and exit status instead of running silently.

mod common;

use common::engram;

const COBA: &str = r#"[simulation]
dt = "0.1 ms"
duration = "20 ms"

[populations.exc]
n = 40
model = "lif_cond"
poisson_input = { rate = "2 kHz", weight = "2 nS", receptor = "exc" }

[projections.ee]
source = "exc"
target = "exc"
rule = "fixed_probability"
p = 0.1
weight = "0.5 nS"
receptor = "exc"
"#;

/// Writes `text` as m.toml in a fresh directory and runs engram with `args` there:
/// exit status, stdout and stderr.
fn engram_on(text: &str, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    let out = engram(args, dir.path());
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// Item 1: a duration shorter than one step is refused, located, in `check` and `run`.
#[test]
fn duration_shorter_than_a_step_is_refused() {
    let short = COBA.replace("duration = \"20 ms\"", "duration = \"0.04 ms\"");
    for cmd in ["check", "run"] {
        let (code, _, err) = engram_on(&short, &[cmd, "m.toml", "-q"][..if cmd == "run" { 3 } else { 2 }]);
        assert_eq!(
            (code, first_line(&err)),
            (
                2,
                "error: m.toml:3:12: simulation.duration: expected at least one time step (dt = 0.1 ms), found 0.04 ms"
                    .into()
            )
        );
    }
}

/// Item 1: a duration between steps is rounded to the nearest step, `check` and `run`
/// say so with the same note, and the run simulates exactly that many steps.
#[test]
fn duration_between_steps_is_rounded_and_said() {
    let text = COBA.replace("duration = \"20 ms\"", "duration = \"0.25 ms\"");
    let note = "note: m.toml:3:12: simulation.duration: 0.25 ms is not a whole number of time steps of 0.1 ms; \
                simulating 3 steps (0.3 ms)";
    let (code, out, err) = engram_on(&text, &["check", "m.toml"]);
    assert_eq!((code, first_line(&err)), (0, note.to_string()));
    assert!(out.contains("time         0.0003 s at dt = 0.1 ms (3 steps)"), "{out}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), &text).unwrap();
    let run = engram(&["run", "m.toml", "--out", "r"], dir.path());
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(first_line(&String::from_utf8_lossy(&run.stderr)), note);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/summary.json")).unwrap()).unwrap();
    assert!((summary["duration_s"].as_f64().unwrap() - 3e-4).abs() < 1e-12, "{summary}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(!stdout.contains("NaN"), "{stdout}");
}

/// Item 2: a per-neuron file of numbers without a unit is refused, not read as SI.
#[test]
fn per_neuron_file_without_unit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("tau_m.npy")).unwrap();
    ndarray_npy::WriteNpyExt::write_npy(&ndarray::Array1::from(vec![20.0f64; 40]), file).unwrap();
    let text = COBA
        .replace("model = \"lif_cond\"", "model = \"lif\"\ntau_m = { file = \"tau_m.npy\" }")
        .replace("poisson_input = { rate = \"2 kHz\", weight = \"2 nS\", receptor = \"exc\" }\n", "");
    let text = text.replace("weight = \"0.5 nS\"\nreceptor = \"exc\"\n", "weight = \"0.5 mV\"\n");
    std::fs::write(dir.path().join("m.toml"), text).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    assert_eq!(
        (out.status.code(), first_line(&String::from_utf8_lossy(&out.stderr))),
        (
            Some(2),
            "error: m.toml:8:9: populations.exc.tau_m: missing key `unit`: the numbers in tau_m.npy need a unit, \
             a time such as \"1 ms\""
                .into()
        )
    );
}

/// Item 3: a misspelled required key is reported as unknown, with the suggestion,
/// before the required key is reported missing.
#[test]
fn misspelled_required_key_is_reported_as_unknown() {
    let (code, err) = common::check_with(COBA, "weight = \"0.5 nS\"\nreceptor", "weight = \"0.5 nS\"\nreciptor");
    assert_eq!(
        (code, err),
        (2, "error: m.toml:16:1: projections.ee.reciptor: unknown key `reciptor` (did you mean `receptor`?)".into())
    );
    // The same for a key a neuron model requires (`rate` of a Poisson generator).
    let (code, err) = common::check_with(COBA, "model = \"lif_cond\"", "model = \"poisson_generator\"\nrat = \"5 Hz\"");
    assert_eq!(
        (code, err),
        (2, "error: m.toml:8:1: populations.exc.rat: unknown key `rat` (did you mean `rate`?)".into())
    );
}

/// Item 9: a unit with a case slip names the unit that was meant.
#[test]
fn unit_case_slip_suggests_the_unit() {
    let text = COBA.replace("model = \"lif_cond\"", "model = \"lif_cond\"\nv_th = \"-50 mv\"");
    let (code, _, err) = engram_on(&text, &["check", "m.toml"]);
    assert_eq!(
        (code, first_line(&err)),
        (
            2,
            "error: m.toml:8:8: populations.exc.v_th: expected a voltage such as \"-65 mV\", found unknown unit `mv` in \
             \"-50 mv\" (did you mean `mV`?)"
                .into()
        )
    );
    let text = COBA.replace("weight = \"0.5 nS\"", "weight = \"0.5 NS\"");
    let (code, _, err) = engram_on(&text, &["check", "m.toml"]);
    assert_eq!(
        (code, first_line(&err)),
        (
            2,
            "error: m.toml:15:10: projections.ee.weight: expected a conductance such as \"0.6 nS\", found unknown unit `NS` \
             in \"0.5 NS\" (did you mean `nS`?)"
                .into()
        )
    );
}

/// Item 10: an error in a value given by `--set` names the override, not a line of the file.
#[test]
fn error_in_an_override_names_the_override() {
    let (code, _, err) = engram_on(COBA, &["check", "m.toml", "--set", "populations.exc.v_th=20 ms"]);
    assert_eq!(
        (code, err.trim_end().to_string()),
        (
            2,
            "error: --set populations.exc.v_th=20 ms: populations.exc.v_th: expected a voltage such as \"-65 mV\", \
             found \"20 ms\" (a time)"
                .into()
        )
    );
    // Errors elsewhere in the file keep their place in it.
    let (code, _, err) = engram_on(COBA, &["check", "m.toml", "--set", "projections.ee.p=1.5"]);
    assert_eq!(code, 2);
    assert!(first_line(&err).starts_with("error: --set projections.ee.p=1.5: projections.ee.p: "), "{err}");
}

/// Item 10: a value given by `--duration` is named by that flag, not by the `--set` it becomes.
#[test]
fn a_duration_flag_is_named_as_given() {
    let (code, _, err) = engram_on(COBA, &["check", "m.toml", "--duration", "0.25 ms"]);
    assert_eq!(
        (code, first_line(&err)),
        (
            0,
            "note: --duration \"0.25 ms\": simulation.duration: 0.25 ms is not a whole number of time steps of 0.1 ms; \
             simulating 3 steps (0.3 ms)"
                .into()
        )
    );
    let (code, _, err) = engram_on(COBA, &["check", "m.toml", "--duration", "2 mV"]);
    assert_eq!(
        (code, first_line(&err)),
        (
            2,
            "error: --duration \"2 mV\": simulation.duration: expected a time such as \"20 ms\", found \"2 mV\" (a voltage)"
                .into()
        )
    );
}

/// Item 11: `engram --help` says what engram is and lists each command with one line.
#[test]
fn help_says_what_engram_is() {
    let out = engram(&["--help"], std::path::Path::new("."));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.starts_with("engram simulates spiking neural networks described in TOML model files"), "{help}");
    for cmd in ["run", "check", "analyze", "reservoir", "train"] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(&format!("{cmd} "))), "{cmd} in {help}");
    }
    assert!(!help.contains("argument parsing"), "{help}");
}

/// Issue 17 ("Also"): a file given to the wrong command names the command that runs it.
#[test]
fn a_file_of_another_kind_names_its_command() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let stderr = |args: &[&str]| {
        let out = engram(args, &root);
        (out.status.code().unwrap_or(-1), first_line(&String::from_utf8_lossy(&out.stderr)))
    };
    assert_eq!(
        stderr(&["run", "examples/reservoir/narma10.toml", "-q"]),
        (
            2,
            "error: examples/reservoir/narma10.toml:1:1: missing key `simulation` (a [simulation] table with dt and \
             duration; this file looks like a reservoir configuration (it has a [task] table): run it with \
             `engram reservoir examples/reservoir/narma10.toml`)"
                .into()
        )
    );
    assert_eq!(
        stderr(&["reservoir", "examples/cuba.toml", "-q"]),
        (
            2,
            "error: examples/cuba.toml:1:1: missing key `task` (a [task] table with the task's kind; this file looks \
             like a model file (it has a [simulation] table): run it with `engram run examples/cuba.toml`)"
                .into()
        )
    );
    assert_eq!(
        stderr(&["check", "examples/train/digits.toml"]).1,
        "error: examples/train/digits.toml:1:1: missing key `simulation` (a [simulation] table with dt and duration; \
         this file looks like a training configuration (it has a [training] table): run it with \
         `engram train examples/train/digits.toml`)"
    );
}
