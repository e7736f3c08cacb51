//! Header parameters that the runtime, not the caller, owns.
//!
//! * `Content-Type` as a required parameter becomes a required builder argument whose value
//!   also overwrites the one reqwest's `.json()` sets; the body already says what it is.
//! * `Authorization` as a parameter becomes a per-call argument; auth is the runtime's job.
//! * A required `APIGW-Tracking-Header` makes `send()` fail before the hook that would fill it
//!   in runs, so it becomes optional: the caller may still pass one (BT's sandbox picks its
//!   scenarios by it), and the runtime adds a fresh UUID otherwise.

use serde_json::Value;

use super::spec::resolve;

pub fn drop_content_type_header(spec: &mut Value) -> usize {
    drop_header_parameter(spec, "Content-Type")
}

pub fn drop_authorization_header(spec: &mut Value) -> usize {
    drop_header_parameter(spec, "Authorization")
}

pub fn tracking_header_optional(spec: &mut Value) -> usize {
    let mut changed = 0;
    let is_tracking = |p: &Value| is_header_named(p, "APIGW-Tracking-Header");
    if let Some(params) = spec.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
        for p in params.values_mut().filter(|p| is_tracking(p)) {
            changed += usize::from(make_optional(p));
        }
    }
    for list in parameter_lists_mut(spec) {
        for p in list.iter_mut().filter(|p| is_tracking(p)) {
            changed += usize::from(make_optional(p));
        }
    }
    changed
}

fn make_optional(param: &mut Value) -> bool {
    if param.get("required") == Some(&Value::Bool(true)) {
        param["required"] = Value::Bool(false);
        true
    } else {
        false
    }
}

fn is_header_named(param: &Value, name: &str) -> bool {
    param.get("in").and_then(Value::as_str) == Some("header")
        && param.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// Removes every header parameter called `name` (inline or by `$ref`) from every operation and
/// path item.
fn drop_header_parameter(spec: &mut Value, name: &str) -> usize {
    let snapshot = spec.clone();
    let mut changed = 0;
    for list in parameter_lists_mut(spec) {
        let before = list.len();
        list.retain(|p| !is_header_named(resolve(&snapshot, p), name));
        changed += before - list.len();
    }
    changed
}

/// The `parameters` arrays of every path item and every operation.
fn parameter_lists_mut(spec: &mut Value) -> Vec<&mut Vec<Value>> {
    let mut out = Vec::new();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else { return out };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                if let Some(list) = value.as_array_mut() {
                    out.push(list);
                }
            } else if let Some(list) = value.get_mut("parameters").and_then(Value::as_array_mut) {
                out.push(list);
            }
        }
    }
    out
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {"/a": {"post": {"parameters": [
                {"$ref": "#/components/parameters/JSONContentType"},
                {"$ref": "#/components/parameters/Tracking"},
                {"name": "authorization", "in": "header", "schema": {"type": "string"}},
                {"name": "Content-Type", "in": "query", "schema": {"type": "string"}}
            ]}}},
            "components": {"parameters": {
                "JSONContentType": {"name": "Content-Type", "in": "header", "required": true},
                "Tracking": {"name": "APIGW-Tracking-Header", "in": "header", "required": true}
            }}
        })
    }

    #[test]
    fn content_type_header_is_dropped_but_a_query_parameter_of_that_name_stays() {
        let mut s = spec();
        assert_eq!(drop_content_type_header(&mut s), 1);
        let names: Vec<_> = s["paths"]["/a"]["post"]["parameters"].as_array().expect("list").iter()
            .map(|p| p.get("$ref").or(p.get("name")).cloned().unwrap_or_default()).collect();
        assert_eq!(names, vec![json!("#/components/parameters/Tracking"), json!("authorization"), json!("Content-Type")]);
    }

    #[test]
    fn authorization_header_is_dropped_case_insensitively() {
        let mut s = spec();
        assert_eq!(drop_authorization_header(&mut s), 1);
        assert_eq!(s["paths"]["/a"]["post"]["parameters"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn tracking_header_becomes_optional() {
        let mut s = spec();
        assert_eq!(tracking_header_optional(&mut s), 1);
        assert_eq!(s["components"]["parameters"]["Tracking"]["required"], json!(false));
        assert_eq!(s["components"]["parameters"]["JSONContentType"]["required"], json!(true));
        assert_eq!(tracking_header_optional(&mut s), 0);
    }
}
