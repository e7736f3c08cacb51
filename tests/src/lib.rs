//! Helpers shared by the workspace-level tests: reading the project's specs and their examples.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads `specs/<file>` as JSON. Panics with the file name when it is missing or broken: these
/// are test fixtures the project owns.
pub fn load_spec(file: &str) -> Value {
    let path = workspace_root().join("specs").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

/// The spec files in `specs/`, sorted.
pub fn spec_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(workspace_root().join("specs"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| name.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Where an example sits: a 2xx response (`"201"`) or the request body (`"request"`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExampleSite {
    pub spec: String,
    pub operation_id: String,
    pub part: String,
}

/// One example value with where it came from.
#[derive(Clone, Debug)]
pub struct Example {
    pub site: ExampleSite,
    pub name: String,
    pub value: Value,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(pointer) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) else { break };
        match spec.pointer(pointer) {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// The JSON examples of a media-type object: `example`, and every entry of `examples`.
fn media_examples(spec: &Value, media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(v) = media.get("example") {
        out.push(("example".to_string(), v.clone()));
    }
    if let Some(map) = media.get("examples").and_then(Value::as_object) {
        for (name, ex) in map {
            if let Some(v) = resolve(spec, ex).get("value") {
                out.push((name.clone(), v.clone()));
            }
        }
    }
    out
}

/// Every example of every 2xx JSON response and every JSON request body in `specs/<file>`.
pub fn examples(file: &str) -> Vec<Example> {
    let spec = load_spec(file);
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return out };
    for item in paths.values() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation_id = op.get("operationId").and_then(Value::as_str).unwrap_or("?").to_string();
            let mut parts: Vec<(String, &Value)> = Vec::new();
            if let Some(body) = op.get("requestBody") {
                parts.push(("request".to_string(), resolve(&spec, body)));
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (code, response) in responses.iter().filter(|(c, _)| c.starts_with('2')) {
                    parts.push((code.clone(), resolve(&spec, response)));
                }
            }
            for (part, holder) in parts {
                let Some(media) = holder.pointer("/content/application~1json") else { continue };
                for (name, value) in media_examples(&spec, media) {
                    let site = ExampleSite { spec: file.to_string(), operation_id: operation_id.clone(), part: part.clone() };
                    out.push(Example { site, name, value });
                }
            }
        }
    }
    out
}

/// The 2xx responses with a JSON body that carry no example at all.
pub fn responses_without_examples(file: &str) -> Vec<String> {
    let spec = load_spec(file);
    let mut missing = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return missing };
    for item in paths.values() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
            for (code, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let Some(media) = resolve(&spec, response).pointer("/content/application~1json") else { continue };
                if code.starts_with('2') && media_examples(&spec, media).is_empty() {
                    missing.push(format!("{file} {id} {code}"));
                }
            }
        }
    }
    missing
}

/// Paths (`a.b[2].c`) of the fields of `original` that `round_tripped` lost or changed. Absent,
/// `null` and `[]` count as the same; date-times count as equal when they name the same instant.
pub fn lost_fields(original: &Value, round_tripped: &Value) -> Vec<String> {
    let mut lost = Vec::new();
    compare(original, round_tripped, "$", &mut lost);
    lost
}

fn compare(a: &Value, b: &Value, path: &str, lost: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, av) in a {
                match b.get(k) {
                    Some(bv) => compare(av, bv, &format!("{path}.{k}"), lost),
                    // typify omits `None` and empty lists when serialising; both mean "nothing".
                    None if av.is_null() || av.as_array().is_some_and(Vec::is_empty) => {}
                    None => lost.push(format!("{path}.{k}")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (av, bv)) in a.iter().zip(b).enumerate() {
                compare(av, bv, &format!("{path}[{i}]"), lost);
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        (Value::String(x), Value::String(y)) if same_instant(x, y) => {}
        _ if a == b => {}
        _ => lost.push(format!("{path} ({a} became {b})")),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
