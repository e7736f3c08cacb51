//! BT's own published specs, unmodified, through the generator: what each normalisation pass
//! changes (snapshotted), byte-identical output on a second run, and crates that build.

mod common;

use std::path::Path;
use std::process::Command;

use common::{generate_standalone, published_spec, workspace_root};

const ADDRESS: &str = "bt-address-management.yaml";
const APPOINTMENT: &str = "bt-appointment-management.yaml";

#[test]
fn pass_log_for_bt_address_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    insta::assert_snapshot!(generate_standalone(&published_spec(ADDRESS), dir.path()));
}

#[test]
fn pass_log_for_bt_appointment_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    insta::assert_snapshot!(generate_standalone(&published_spec(APPOINTMENT), dir.path()));
}

#[test]
fn generation_is_deterministic() {
    let (a, b) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    for dir in [a.path(), b.path()] {
        generate_standalone(&published_spec(APPOINTMENT), dir);
    }
    for file in ["Cargo.toml", "src/lib.rs", "src/generated.rs", "src/generated_httpmock.rs"] {
        let first = std::fs::read(a.path().join(file)).expect("first run wrote the file");
        let second = std::fs::read(b.path().join(file)).expect("second run wrote the file");
        assert!(first == second, "{file} differs between two runs");
    }
}

/// Builds both crates in one target directory shared by every test run
/// (`target/standalone-crates`), pinned to this workspace's Cargo.lock. (The httpmock helpers
/// come from the same generator and are compiled with the workspace's own crates.)
#[test]
fn crates_from_bt_published_specs_build() {
    let target_dir = workspace_root().join("target/standalone-crates");
    for spec in [ADDRESS, APPOINTMENT] {
        let dir = tempfile::tempdir().expect("temp dir");
        generate_standalone(&published_spec(spec), dir.path());
        build(dir.path(), &target_dir);
    }
}

fn build(crate_dir: &Path, target_dir: &Path) {
    std::fs::copy(workspace_root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args(["build", "--offline"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("run cargo build");
    assert!(
        out.status.success(),
        "cargo build failed in {}:\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
