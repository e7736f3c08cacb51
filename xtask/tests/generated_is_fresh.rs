//! `cargo test --workspace` fails when a spec changed and the crates were not regenerated.

use std::process::Command;

#[test]
fn committed_generated_crates_match_the_specs() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--check"])
        .output()
        .expect("run xtask");
    assert!(
        out.status.success(),
        "generated code is stale; run `cargo xtask generate` and commit.\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
