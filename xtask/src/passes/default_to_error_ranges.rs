//! progenitor counts a `default` response as both a success and an error, so an operation with
//! `201` plus `default` has two success kinds and makes it panic. When an explicit 2xx exists,
//! `default` can only mean an error: split it into `4XX` and `5XX`.

use serde_json::Value;

use super::spec::{has_explicit_success, operations_mut};

pub fn default_to_error_ranges(spec: &mut Value) -> usize {
    let mut changed = 0;
    for (_, _, op) in operations_mut(spec) {
        if !has_explicit_success(op) {
            continue;
        }
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        let Some(default) = responses.remove("default") else { continue };
        for range in ["4XX", "5XX"] {
            responses.entry(range).or_insert_with(|| default.clone());
        }
        changed += 1;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_beside_a_success_becomes_4xx_and_5xx() {
        let mut spec = json!({"paths": {"/a": {"post": {"responses": {
            "204": {"description": "ok"},
            "default": {"$ref": "#/components/responses/Error"}}}}}});
        assert_eq!(default_to_error_ranges(&mut spec), 1);
        assert_eq!(spec, json!({"paths": {"/a": {"post": {"responses": {
            "204": {"description": "ok"},
            "4XX": {"$ref": "#/components/responses/Error"},
            "5XX": {"$ref": "#/components/responses/Error"}}}}}}));
    }

    #[test]
    fn a_lone_default_is_left_alone() {
        let mut spec = json!({"paths": {"/a": {"get": {"responses": {"default": {"description": "any"}}}}}});
        let before = spec.clone();
        assert_eq!(default_to_error_ranges(&mut spec), 0);
        assert_eq!(spec, before);
    }
}
