//! A team that depends on one API crate compiles that crate, the shared runtime and third-party
//! crates only: no other crate of this workspace, no TLS backend, nothing server-side.

use std::collections::BTreeSet;
use std::process::Command;

/// Crate names in `cargo tree -p <krate> -e normal`, with whether each lives in this workspace.
fn dependency_tree(krate: &str) -> Vec<(String, bool)> {
    let root = bb1_tests::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args(["tree", "--offline", "-p", krate, "-e", "normal", "--prefix", "none"])
        .current_dir(&root)
        .output()
        .expect("run cargo tree");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let root = root.display().to_string();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let name = line.split_whitespace().next()?.to_string();
            Some((name, line.contains(&format!("({root}/"))))
        })
        .collect()
}

const FORBIDDEN: &[&str] = &[
    "axum", "rusqlite", "clap", "httpmock", "tokio-rustls", "rustls", "hyper-rustls", "native-tls",
    "hyper-tls", "openssl", "aws-lc-rs", "ring",
];

#[test]
fn each_generated_crate_pins_alone() {
    for krate in [
        "bt-address", "bt-appointment", "bt-oauth", "bt-line-availability", "bt-product-availability",
        "bt-product-inventory", "bt-product-order", "bt-order-notifications",
    ] {
        let tree = dependency_tree(krate);
        assert!(tree.len() > 10, "{krate}: suspiciously small tree {tree:?}");
        let ours: BTreeSet<&str> = tree.iter().filter(|(_, local)| *local).map(|(n, _)| n.as_str()).collect();
        assert_eq!(ours, BTreeSet::from([krate, "bt-core"]), "{krate} pulls in other workspace crates");
        let bad: Vec<&str> = tree.iter().map(|(n, _)| n.as_str()).filter(|n| FORBIDDEN.contains(n)).collect();
        assert!(bad.is_empty(), "{krate} depends on {bad:?}");
    }
}

#[test]
fn the_tree_reader_sees_workspace_crates_and_features() {
    // The test crate itself depends on every API crate and, through httpmock, on server-side
    // crates: the reader must notice both, or the test above proves nothing.
    let tree = dependency_tree("bb1-tests");
    let ours: BTreeSet<&str> = tree.iter().filter(|(_, local)| *local).map(|(n, _)| n.as_str()).collect();
    assert!(ours.contains("bb1-tests"), "{ours:?}");
    let with_mocks = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["tree", "--offline", "-p", "bt-address", "-e", "normal", "--prefix", "none", "--features", "httpmock"])
        .current_dir(bb1_tests::workspace_root())
        .output()
        .expect("run cargo tree");
    assert!(String::from_utf8_lossy(&with_mocks.stdout).lines().any(|l| l.starts_with("httpmock ")));
}
