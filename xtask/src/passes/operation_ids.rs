//! progenitor refuses an operation without an `operationId` ("path /a is missing operation ID")
//! and a document with a repeated one; both are common in hand-written specs.

use serde_json::Value;

use super::spec::operations_mut;

/// Gives an operation without an id one made of its method and path: `get /a/{id}/b` →
/// `get_a_id_b`.
pub fn synthesise_operation_ids(spec: &mut Value) -> usize {
    let mut changed = 0;
    for (path, method, op) in operations_mut(spec) {
        let Some(obj) = op.as_object_mut() else { continue };
        let missing = obj.get("operationId").and_then(Value::as_str).is_none_or(|id| id.trim().is_empty());
        if missing {
            let words: Vec<String> = path
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            let id = if words.is_empty() { method.to_string() } else { format!("{method}_{}", words.join("_")) };
            obj.insert("operationId".into(), Value::String(id));
            changed += 1;
        }
    }
    changed
}

/// Renames the second and later uses of an operation id: `same`, `same_2`, `same_3`.
pub fn dedupe_operation_ids(spec: &mut Value) -> usize {
    let mut seen: Vec<String> = Vec::new();
    let mut changed = 0;
    for (_, _, op) in operations_mut(spec) {
        let Some(id) = op.get("operationId").and_then(Value::as_str).map(str::to_string) else { continue };
        let mut unique = id.clone();
        let mut n = 2;
        while seen.contains(&unique) {
            unique = format!("{id}_{n}");
            n += 1;
        }
        if unique != id {
            op["operationId"] = Value::String(unique.clone());
            changed += 1;
        }
        seen.push(unique);
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_ids_are_made_from_method_and_path() {
        let mut s = json!({"paths": {"/productOrder/{id}": {"get": {}, "patch": {"operationId": "amend"}}}});
        assert_eq!(synthesise_operation_ids(&mut s), 1);
        assert_eq!(s["paths"]["/productOrder/{id}"]["get"]["operationId"], json!("get_productorder_id"));
        assert_eq!(s["paths"]["/productOrder/{id}"]["patch"]["operationId"], json!("amend"));
    }

    #[test]
    fn repeated_ids_get_a_suffix() {
        let mut s = json!({"paths": {"/a": {"get": {"operationId": "same"}}, "/b": {"get": {"operationId": "same"}}}});
        assert_eq!(dedupe_operation_ids(&mut s), 1);
        assert_eq!(s["paths"]["/b"]["get"]["operationId"], json!("same_2"));
    }
}
