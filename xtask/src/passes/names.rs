//! Names that typify cannot turn into distinct Rust identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Value, json};

/// An enum with a value that has no letter or digit (`''`, `'-'`) makes typify panic ("Failed
/// to make unique variant names"); such a field becomes a plain string.
pub fn drop_unnameable_enums(spec: &mut Value) -> usize {
    let mut changed = 0;
    visit_objects_mut(spec, &mut |obj| {
        let unnameable = obj.get("enum").and_then(Value::as_array).is_some_and(|values| {
            values.iter().any(|v| v.as_str().is_some_and(|s| !s.chars().any(char::is_alphanumeric)))
        });
        if unnameable {
            obj.remove("enum");
            changed += 1;
        }
    });
    changed
}

/// Schemas whose names differ only in case (`LineString` and `lineString`) become the same Rust
/// type. The lower-case one is renamed `<Name>Array` (arrays) or `<Name>Value`, and every `$ref`
/// to it follows.
pub fn rename_case_colliding_schemas(spec: &mut Value) -> usize {
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else { return 0 };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    for name in &names {
        let rust = name.to_upper_camel_case();
        let collides = names.iter().any(|other| other != name && other.to_upper_camel_case() == rust);
        let is_lower = name.chars().next().is_some_and(char::is_lowercase);
        if collides && is_lower {
            let suffix = if schemas[name].get("type").and_then(Value::as_str) == Some("array") { "Array" } else { "Value" };
            let mut new = format!("{name}{suffix}");
            while names.contains(&new) {
                new.push('_');
            }
            renames.push((name.clone(), new));
        }
    }
    for (old, new) in &renames {
        if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
            && let Some(schema) = schemas.remove(old) {
                schemas.insert(new.clone(), schema);
            }
        let from = format!("#/components/schemas/{old}");
        let to = format!("#/components/schemas/{new}");
        visit_objects_mut(spec, &mut |obj| {
            if obj.get("$ref").and_then(Value::as_str) == Some(from.as_str()) {
                obj.insert("$ref".into(), Value::String(to.clone()));
            }
        });
    }
    renames.len()
}

/// `type` and `@type` in one object both become the field `type_` (E0124). The `@` one is
/// dropped from the schema and the object opened with `additionalProperties: {}`, so typify adds
/// a flattened map that still carries `@type` on the wire in both directions.
pub fn fix_colliding_property_names(spec: &mut Value) -> usize {
    let mut changed = 0;
    visit_objects_mut(spec, &mut |obj| {
        let Some(props) = obj.get("properties").and_then(Value::as_object) else { return };
        if !props.values().all(Value::is_object) {
            return;
        }
        let keys: Vec<String> = props.keys().cloned().collect();
        let field = |k: &str| k.trim_start_matches(['@', '$']).to_snake_case();
        let doomed: Vec<String> = keys
            .iter()
            .filter(|k| k.starts_with(['@', '$']))
            .filter(|k| keys.iter().any(|other| other != *k && field(other) == field(k)))
            .cloned()
            .collect();
        if doomed.is_empty() {
            return;
        }
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            for k in &doomed {
                props.remove(k);
            }
        }
        if let Some(required) = obj.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| !r.as_str().is_some_and(|r| doomed.iter().any(|d| d == r)));
        }
        obj.entry("additionalProperties").or_insert_with(|| json!({}));
        changed += doomed.len();
    });
    changed
}

fn visit_objects_mut(node: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match node {
        Value::Object(map) => {
            f(map);
            for v in map.values_mut() {
                visit_objects_mut(v, f);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|v| visit_objects_mut(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_only_enum_values_drop_the_enum() {
        let mut s = json!({"components": {"schemas": {
            "A": {"type": "string", "enum": ["", "-"]},
            "B": {"type": "string", "enum": ["Gold", "Non-Gold"]}}}});
        assert_eq!(drop_unnameable_enums(&mut s), 1);
        assert_eq!(s["components"]["schemas"]["A"], json!({"type": "string"}));
        assert_eq!(s["components"]["schemas"]["B"]["enum"], json!(["Gold", "Non-Gold"]));
    }

    #[test]
    fn case_colliding_schema_is_renamed_and_refs_follow() {
        let mut s = json!({"components": {"schemas": {
            "LineString": {"type": "object"},
            "lineString": {"type": "array", "items": {"$ref": "#/components/schemas/LineString"}},
            "Shape": {"properties": {"l": {"$ref": "#/components/schemas/lineString"}}}}}});
        assert_eq!(rename_case_colliding_schemas(&mut s), 1);
        let schemas = &s["components"]["schemas"];
        assert!(schemas.get("lineString").is_none());
        assert_eq!(schemas["lineStringArray"]["type"], json!("array"));
        assert_eq!(schemas["Shape"]["properties"]["l"]["$ref"], json!("#/components/schemas/lineStringArray"));
    }

    #[test]
    fn at_type_beside_type_is_dropped_and_the_object_opened() {
        let mut s = json!({"components": {"schemas": {"Sub": {"type": "object", "required": ["@type"], "properties": {
            "type": {"type": "string"}, "@type": {"type": "string"}, "@baseType": {"type": "string"}}}}}});
        assert_eq!(fix_colliding_property_names(&mut s), 1);
        assert_eq!(s["components"]["schemas"]["Sub"], json!({"type": "object", "required": [],
            "properties": {"type": {"type": "string"}, "@baseType": {"type": "string"}},
            "additionalProperties": {}}));
    }
}
