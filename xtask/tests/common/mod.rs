//! Shared by the xtask integration tests: running the built xtask and finding files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).expect("xtask has a parent")
}

/// BT's published specs, read from the shared reference folder beside the project.
pub fn published_spec(name: &str) -> PathBuf {
    workspace_root().join("../shared/reference/specs").join(name)
}

pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("run xtask")
}

pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Generates a standalone crate from `spec` into `dir` with `-v`, returning the pass log lines.
pub fn generate_standalone(spec: &Path, dir: &Path) -> String {
    let out = xtask(&["generate", "-v", "--spec", &spec.display().to_string(), "--out", &dir.display().to_string()]);
    assert!(out.status.success(), "generation failed:\n{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("wrote crate"))
        .map(|l| format!("{l}\n"))
        .collect()
}
