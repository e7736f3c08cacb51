//! progenitor needs one body type across all error responses of an operation and panics
//! otherwise; BT's appointment spec mixes three. Every error response body becomes
//! `$ref: BtError`, a lenient superset of BT's error shapes, which the generator then replaces
//! with the hand-written `bt_core::BtError`.

use serde_json::{Map, Value, json};

use super::spec::{escape_pointer, is_error_status, is_json_media_type, operations_mut, referenced_component_responses};

pub const BT_ERROR: &str = "BtError";
const BT_ERROR_REF: &str = "#/components/schemas/BtError";

pub fn unify_error_schemas(spec: &mut Value) -> usize {
    let mut changed = 0;
    let shared = referenced_component_responses(spec, is_error_status);
    for (_, _, op) in operations_mut(spec) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        for (code, response) in responses.iter_mut() {
            if is_error_status(code) && response.get("$ref").is_none() {
                changed += usize::from(point_body_at_bt_error(response));
            }
        }
    }
    for name in shared {
        let pointer = format!("/components/responses/{}", escape_pointer(&name));
        if let Some(response) = spec.pointer_mut(&pointer) {
            changed += usize::from(point_body_at_bt_error(response));
        }
    }
    if changed > 0 {
        changed += usize::from(inject_bt_error_schema(spec));
    }
    changed
}

/// Makes `response` carry exactly one `application/json` body of type `BtError`, keeping the
/// examples of its JSON body. Returns whether anything changed.
fn point_body_at_bt_error(response: &mut Value) -> bool {
    let Some(obj) = response.as_object_mut() else { return false };
    let old = obj.get("content").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut media = Map::new();
    media.insert("schema".into(), json!({"$ref": BT_ERROR_REF}));
    if let Some((_, json_media)) = old.iter().find(|(k, _)| is_json_media_type(k)) {
        for key in ["example", "examples"] {
            if let Some(v) = json_media.get(key) {
                media.insert(key.into(), v.clone());
            }
        }
    }
    let new = json!({"application/json": Value::Object(media)});
    if Value::Object(old) == new {
        return false;
    }
    obj.insert("content".into(), new);
    true
}

fn inject_bt_error_schema(spec: &mut Value) -> bool {
    let schema = json!({
        "type": "object",
        "description": "BT error body (code, reason, message); replaced by bt_core::BtError.",
        "properties": {
            "code": {"type": "string"},
            "reason": {"type": "string"},
            "message": {"type": "string"}
        }
    });
    let Some(root) = spec.as_object_mut() else { return false };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else { return false };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    let Some(schemas) = schemas.as_object_mut() else { return false };
    if schemas.get(BT_ERROR) == Some(&schema) {
        return false;
    }
    schemas.insert(BT_ERROR.into(), schema);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_body_points_at_bt_error() {
        let mut spec = json!({
            "paths": {"/a": {"post": {"responses": {
                "201": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "bad", "content": {"application/json": {
                    "schema": {"anyOf": [{"$ref": "#/components/schemas/failureResponseOptional"},
                                         {"$ref": "#/components/schemas/failureBackendResponse"}]},
                    "example": {"code": "29"}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "502": {"description": "no body"}}}}},
            "components": {"responses": {"Unauthorized": {"description": "x", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/failureResponse"}},
                "text/html": {"schema": {"type": "string"}}}}}}
        });
        assert_eq!(unify_error_schemas(&mut spec), 4);
        let bt = json!({"$ref": BT_ERROR_REF});
        let responses = &spec["paths"]["/a"]["post"]["responses"];
        assert_eq!(responses["400"]["content"], json!({"application/json": {"schema": bt, "example": {"code": "29"}}}));
        assert_eq!(responses["502"]["content"], json!({"application/json": {"schema": bt}}));
        assert_eq!(responses["201"]["content"]["application/json"]["schema"], json!({"type": "object"}));
        assert_eq!(spec["components"]["responses"]["Unauthorized"]["content"], json!({"application/json": {"schema": bt}}));
        assert_eq!(spec["components"]["schemas"][BT_ERROR]["properties"]["code"], json!({"type": "string"}));
    }

    #[test]
    fn a_second_run_changes_nothing() {
        let mut spec = json!({"paths": {"/a": {"get": {"responses": {"500": {"description": "x"}}}}}});
        assert_eq!(unify_error_schemas(&mut spec), 2);
        assert_eq!(unify_error_schemas(&mut spec), 0);
    }
}
