//! Bad input gets one clear paragraph and a non-zero exit, never a panic trace.

mod common;

use common::{published_spec, text, xtask};

fn refuse(spec: &std::path::Path) -> String {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = xtask(&["generate", "--spec", &spec.display().to_string(), "--out", &out_dir.path().display().to_string()]);
    let shown = text(&out);
    assert!(!out.status.success(), "expected a refusal, got success:\n{shown}");
    assert!(!shown.contains("panicked at") && !shown.contains("RUST_BACKTRACE"), "a panic trace leaked:\n{shown}");
    assert!(shown.starts_with("error: "), "{shown}");
    shown
}

fn write_spec(name: &str, body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, body).expect("write spec");
    (dir, path)
}

#[test]
fn swagger_two_is_refused_with_a_conversion_hint() {
    let shown = refuse(&published_spec("tmf622-product-ordering-v4.swagger.json"));
    assert!(shown.contains("Swagger 2.0") && shown.contains("swagger2openapi"), "{shown}");
}

#[test]
fn openapi_three_one_is_refused() {
    let (_dir, spec) = write_spec("new.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let shown = refuse(&spec);
    assert!(shown.contains("OpenAPI 3.1.0") && shown.contains("3.0"), "{shown}");
}

#[test]
fn unparsable_yaml_names_the_failing_node() {
    let (_dir, spec) = write_spec("bad.yaml", "openapi: 3.0.3\npaths:\n  /orders:\n    get: [unclosed\n");
    let shown = refuse(&spec);
    assert!(shown.contains("not valid YAML") && shown.contains("paths./orders.get"), "{shown}");
}

#[test]
fn a_progenitor_panic_names_the_spec_and_operation() {
    let (_dir, spec) = write_spec(
        "dangling.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    );
    let shown = refuse(&spec);
    assert!(shown.contains("dangling.yaml") && shown.contains("`getA`") && shown.contains("GET /a"), "{shown}");
}

#[test]
fn a_missing_spec_file_is_named() {
    let shown = refuse(std::path::Path::new("/nonexistent/spec.yaml"));
    assert!(shown.contains("/nonexistent/spec.yaml"), "{shown}");
}
