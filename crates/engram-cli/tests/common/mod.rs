//! Helpers shared by the CLI's integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `engram` binary with `args` in `dir`.
pub fn engram(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engram")).args(args).current_dir(dir).output().expect("engram runs")
}

/// Writes `base` with the first `from` replaced by `to` as m.toml and runs `engram check`
/// on it: exit status and first line of stderr.
#[allow(dead_code)] // not every test file checks edited models
pub fn check_with(base: &str, from: &str, to: &str) -> (i32, String) {
    assert!(base.contains(from), "the base model contains {from:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.toml"), base.replacen(from, to, 1)).unwrap();
    let out = engram(&["check", "m.toml"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr.lines().next().unwrap_or("").to_string())
}
