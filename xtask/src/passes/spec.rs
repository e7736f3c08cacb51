//! Small helpers the passes share for walking an OpenAPI document held as JSON.

use serde_json::Value;

pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation object in the document, mutably, with its path and method.
pub fn operations_mut(spec: &mut Value) -> Vec<(String, &'static str, &mut Value)> {
    let mut out = Vec::new();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, op) in item.iter_mut() {
                    if let Some(m) = METHODS.iter().find(|m| **m == method.as_str()) {
                        out.push((path.clone(), *m, op));
                    }
                }
            }
        }
    }
    out
}

/// Every operation object, read-only.
pub fn operations(spec: &Value) -> Vec<(String, &'static str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if let Some(item) = item.as_object() {
                for (method, op) in item {
                    if let Some(m) = METHODS.iter().find(|m| **m == method.as_str()) {
                        out.push((path.clone(), *m, op));
                    }
                }
            }
        }
    }
    out
}

/// The JSON pointer of a local `$ref` (`#/components/schemas/X` → `/components/schemas/X`).
pub fn ref_pointer(node: &Value) -> Option<String> {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .map(|p| p.to_string())
}

/// Follows local `$ref`s until a concrete node is reached (at most 16 hops).
pub fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match ref_pointer(node).and_then(|p| spec.pointer(&p)) {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// Whether a response key is an error: `4xx`, `5xx`, `4XX`, `5XX`.
pub fn is_error_status(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5')
}

/// Whether a response key is a success: `2xx` or `2XX`.
pub fn is_success_status(code: &str) -> bool {
    code.starts_with('2')
}

/// Whether an operation lists an explicit success response.
pub fn has_explicit_success(op: &Value) -> bool {
    op.get("responses")
        .and_then(Value::as_object)
        .is_some_and(|r| r.keys().any(|k| is_success_status(k)))
}

/// Whether a media type carries JSON (`application/json`, `application/problem+json`, …).
pub fn is_json_media_type(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Visits `schema` and every schema nested inside it (not following `$ref`s), mutably.
pub fn for_each_subschema_mut(schema: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    f(schema);
    let Some(obj) = schema.as_object_mut() else { return };
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for p in props.values_mut() {
            for_each_subschema_mut(p, f);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(s) = obj.get_mut(key).filter(|s| s.is_object()) {
            for_each_subschema_mut(s, f);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for s in list {
                for_each_subschema_mut(s, f);
            }
        }
    }
}

/// Collects every `$ref` string inside `node` (any depth).
pub fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push(r.to_string());
            }
            for v in map.values() {
                collect_refs(v, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The names of the component schemas reachable from the bodies of the responses selected by
/// `select(status)`, following `$ref`s through `components/responses` and `components/schemas`.
pub fn schemas_reachable_from_responses(spec: &Value, select: fn(&str) -> bool) -> Vec<String> {
    let mut pending = Vec::new();
    for (_, _, op) in operations(spec) {
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (code, response) in responses {
                if select(code) {
                    collect_refs(resolve(spec, response), &mut pending);
                }
            }
        }
    }
    let mut seen: Vec<String> = Vec::new();
    while let Some(r) = pending.pop() {
        let Some(name) = r.strip_prefix("#/components/schemas/") else { continue };
        if seen.iter().any(|s| s == name) {
            continue;
        }
        seen.push(name.to_string());
        if let Some(schema) = spec.pointer(&format!("/components/schemas/{}", escape_pointer(name))) {
            collect_refs(schema, &mut pending);
        }
    }
    seen.sort();
    seen
}

/// Escapes one JSON-pointer segment.
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Applies `f` to every inline schema in the bodies of the responses selected by `select`
/// (the component schemas they reference are handled by the caller).
pub fn for_each_inline_response_schema_mut(
    spec: &mut Value,
    select: fn(&str) -> bool,
    f: &mut dyn FnMut(&mut Value),
) {
    for (_, _, op) in operations_mut(spec) {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (code, response) in responses.iter_mut() {
                if !select(code) {
                    continue;
                }
                if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
                    for media in content.values_mut() {
                        if let Some(schema) = media.get_mut("schema") {
                            for_each_subschema_mut(schema, f);
                        }
                    }
                }
            }
        }
    }
}

/// Names of `components/responses` entries that the responses selected by `select` point to.
pub fn referenced_component_responses(spec: &Value, select: fn(&str) -> bool) -> Vec<String> {
    let mut names = Vec::new();
    for (_, _, op) in operations(spec) {
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (code, response) in responses {
                let Some(name) = response
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/responses/"))
                else {
                    continue;
                };
                if select(code) && !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
    }
    names
}

/// Applies `f` to every schema (and subschema) of the response bodies selected by `select`,
/// inline or in `components/responses`, and of every component schema they reach.
pub fn for_each_response_schema_mut(spec: &mut Value, select: fn(&str) -> bool, f: &mut dyn FnMut(&mut Value)) {
    let schemas = schemas_reachable_from_responses(spec, select);
    let responses = referenced_component_responses(spec, select);
    for_each_inline_response_schema_mut(spec, select, f);
    for name in responses {
        let pointer = format!("/components/responses/{}/content", escape_pointer(&name));
        if let Some(content) = spec.pointer_mut(&pointer).and_then(Value::as_object_mut) {
            for media in content.values_mut() {
                if let Some(schema) = media.get_mut("schema") {
                    for_each_subschema_mut(schema, f);
                }
            }
        }
    }
    for name in schemas {
        let pointer = format!("/components/schemas/{}", escape_pointer(&name));
        if let Some(schema) = spec.pointer_mut(&pointer) {
            for_each_subschema_mut(schema, f);
        }
    }
}

