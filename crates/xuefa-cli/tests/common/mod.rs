//! Running the built `xuefa` binary with a fixed environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Returns the repository root (two levels above this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// Returns a fixture bank file under `tests/fixtures/banks`.
pub fn bank(name: &str) -> String {
    root().join("tests/fixtures/banks").join(name).display().to_string()
}

/// Returns a file from the read-only fixtures shared with other projects (`../shared`).
pub fn shared(path: &str) -> PathBuf {
    root().join("../shared/fixtures").join(path)
}

/// Runs `xuefa` with these arguments in `dir`, with a cleared environment (English, no
/// colour) plus `env`.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = command_in(dir, args, env).output().expect("xuefa runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Returns the command `run_in` runs (stdin empty), to be spawned by a test that needs the
/// process itself: to type into it or to kill it.
pub fn command_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xuefa"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("LANG", "en_US.UTF-8")
        .env("TZ", "UTC")
        .stdin(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// Runs `xuefa` in the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args, &[])
}

/// Returns the JSON a command printed on stdout.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", run.stdout))
}
pub mod browser;
pub mod db;
pub mod pty;
/// The blueprint of a 50-question exam `main` (25 single, 10 multiple, 15 judge, 2 points
/// each) from the shipped banks.
pub const FIFTY_QUESTIONS: &str = r#"
id = "main"
title = "2026年度学法考试"
year = 2026
duration_minutes = 60
pass_mark = 60
attempts = 2

[[sections]]
kind = "single"
count = 25
points = 2

[[sections]]
kind = "multiple"
count = 10
points = 2

[[sections]]
kind = "judge"
count = 15
points = 2
"#;

pub mod server;
