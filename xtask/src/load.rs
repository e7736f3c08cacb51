//! Reading a spec file into JSON, with errors a person can act on.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// Reads a YAML or JSON OpenAPI 3.0 document. `.json` files are read as JSON (some TM Forum files
/// indent with tabs, which YAML rejects); anything else as YAML.
pub fn load_spec(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let value: Value = if is_json {
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            anyhow::anyhow!(
                "{} is not valid JSON: {} (at `{}`). Fix the file and run the command again.",
                path.display(),
                e.inner(),
                e.path()
            )
        })?
    } else {
        let de = serde_norway::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            anyhow::anyhow!(
                "{} is not valid YAML: {} (in the node at `{}`). Fix the file and run the command again.",
                path.display(),
                e.inner(),
                e.path()
            )
        })?
    };
    check_version(path, &value)?;
    Ok(value)
}

/// progenitor reads OpenAPI 3.0 only; say what to do with anything else.
fn check_version(path: &Path, spec: &Value) -> Result<()> {
    if let Some(v) = spec.get("swagger") {
        bail!(
            "{} is a Swagger {} document; this generator reads OpenAPI 3.0. Convert it first \
             (for example `npx swagger2openapi -o spec.yaml {}`), commit the converted file, and \
             generate from that.",
            path.display(),
            v.as_str().unwrap_or("2.0"),
            path.display()
        );
    }
    let Some(version) = spec.get("openapi").and_then(Value::as_str) else {
        bail!(
            "{} has no `openapi` version field, so it is not an OpenAPI document; add \
             `openapi: 3.0.3` at the top if it is one.",
            path.display()
        );
    };
    if version.starts_with("3.1") {
        bail!(
            "{} is OpenAPI {version}; progenitor reads OpenAPI 3.0 only. Convert it to 3.0 (for \
             example, `type: [string, \"null\"]` becomes `type: string` with `nullable: true`) and \
             set `openapi: 3.0.3`.",
            path.display()
        );
    }
    if !version.starts_with("3.0") {
        bail!(
            "{} declares `openapi: {version}`; this generator reads OpenAPI 3.0.x only.",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(name: &str, text: &str) -> Result<Value> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(name);
        std::fs::write(&path, text)?;
        load_spec(&path)
    }

    #[test]
    fn swagger_two_is_refused_with_a_conversion_hint() {
        let err = load_text("old.json", r#"{"swagger": "2.0", "paths": {}}"#).expect_err("refused").to_string();
        assert!(err.contains("Swagger 2.0") && err.contains("swagger2openapi"), "{err}");
    }

    #[test]
    fn openapi_three_one_is_refused() {
        let err = load_text("new.yaml", "openapi: 3.1.0\npaths: {}\n").expect_err("refused").to_string();
        assert!(err.contains("OpenAPI 3.1.0") && err.contains("3.0"), "{err}");
    }

    #[test]
    fn broken_yaml_names_the_failing_node() {
        let err = load_text("bad.yaml", "openapi: 3.0.3\npaths:\n  /a:\n    get: [unclosed\n").expect_err("refused").to_string();
        assert!(err.contains("not valid YAML") && err.contains("paths./a.get"), "{err}");
    }

    #[test]
    fn json_with_tabs_is_read() {
        let spec = load_text("tabs.json", "{\n\t\"openapi\": \"3.0.3\",\n\t\"paths\": {}\n}").expect("read");
        assert_eq!(spec["openapi"], "3.0.3");
    }
}
