//! Our Address and Appointment specs stay wire-compatible with BT's published ones, checked
//! field by field by the shared `spec-compat` tool (any ERROR line fails).

use std::process::Command;

fn compat(ours: &str, theirs: &str) {
    let root = bb1_tests::workspace_root();
    let tool = root.join("../shared/tools/spec-compat");
    let out = Command::new("python3")
        .arg(&tool)
        .arg(root.join("specs").join(ours))
        .arg(root.join("../shared/reference/specs").join(theirs))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} with python3: {e}", tool.display()));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !report.contains("ERROR"),
        "{ours} is not wire-compatible with {theirs}:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn address_spec_is_wire_compatible_with_bt() {
    compat("address-management.yaml", "bt-address-management.yaml");
}

#[test]
fn appointment_spec_is_wire_compatible_with_bt() {
    compat("appointment-management.yaml", "bt-appointment-management.yaml");
}
