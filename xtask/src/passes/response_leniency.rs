//! What BT sends back must parse even when it breaks BT's own schema.
//!
//! typify turns a constrained string into a validating newtype, so one over-long field fails the
//! whole call: BT's own example of an address search returns a 33-character `buildingName` where
//! its schema says `maxLength: 30`. And a closed enum fails on the first new value BT adds (the
//! address `qualifier` enum has no `Bronze`, yet BT's tutorial issues Bronze keys). So every schema
//! a success response reaches loses its length, pattern and item-count constraints and its
//! enums. Schemas used only by requests keep theirs, so bad input is still caught before sending.

use serde_json::Value;

use super::spec::{for_each_response_schema_mut, is_success_status};

const CONSTRAINTS: [&str; 5] = ["maxLength", "minLength", "pattern", "maxItems", "minItems"];

pub fn relax_response_constraints(spec: &mut Value) -> usize {
    let mut changed = 0;
    for_each_response_schema_mut(spec, is_success_status, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            for key in CONSTRAINTS {
                changed += usize::from(obj.remove(key).is_some());
            }
        }
    });
    changed
}

pub fn open_response_enums(spec: &mut Value) -> usize {
    let mut changed = 0;
    for_each_response_schema_mut(spec, is_success_status, &mut |schema| {
        if let Some(obj) = schema.as_object_mut() {
            let is_string = obj.get("type").and_then(Value::as_str) == Some("string");
            if is_string && obj.remove("enum").is_some() {
                changed += 1;
            }
        }
    });
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {"/a": {
                "get": {"responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "array", "maxItems": 5,
                    "items": {"$ref": "#/components/schemas/Address"}}}}}}},
                "post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Create"}}}},
                         "responses": {"201": {"$ref": "#/components/responses/Created"}}}
            }},
            "components": {
                "responses": {"Created": {"content": {"application/json": {"schema": {"type": "object",
                    "properties": {"id": {"type": "string", "pattern": "^S"}}}}}}},
                "schemas": {
                    "Address": {"type": "object", "properties": {
                        "buildingName": {"type": "string", "maxLength": 30},
                        "qualifier": {"type": "string", "enum": ["Gold", "Non-Gold"]},
                        "sub": {"$ref": "#/components/schemas/Sub"}}},
                    "Sub": {"type": "object", "properties": {"flat": {"type": "string", "minLength": 1}}},
                    "Create": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 50},
                        "kind": {"type": "string", "enum": ["ROBT"]}}}
                }
            }
        })
    }

    #[test]
    fn constraints_go_from_response_schemas_only() {
        let mut s = spec();
        assert_eq!(relax_response_constraints(&mut s), 4);
        let c = &s["components"]["schemas"];
        assert_eq!(c["Address"]["properties"]["buildingName"], json!({"type": "string"}));
        assert_eq!(c["Sub"]["properties"]["flat"], json!({"type": "string"}));
        assert_eq!(c["Create"]["properties"]["city"]["maxLength"], json!(50));
        assert!(s["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"].get("maxItems").is_none());
        assert_eq!(s["components"]["responses"]["Created"]["content"]["application/json"]["schema"]["properties"]["id"], json!({"type": "string"}));
        assert_eq!(relax_response_constraints(&mut s), 0);
    }

    #[test]
    fn response_enums_open_up_request_enums_stay() {
        let mut s = spec();
        assert_eq!(open_response_enums(&mut s), 1);
        let c = &s["components"]["schemas"];
        assert_eq!(c["Address"]["properties"]["qualifier"], json!({"type": "string"}));
        assert_eq!(c["Create"]["properties"]["kind"]["enum"], json!(["ROBT"]));
    }
}
