//! progenitor asserts that all success responses of an operation share one body type. BT's
//! order create answers `202` with no body on production while TMF622 (and some callers) see
//! `201` with the order, so a spec honest about both has two success kinds.
//!
//! When some 2xx has no body, every 2xx loses its body: each stays a success (the caller learns
//! the status), which matters more than the body here, because BT's order id arrives by KSU
//! anyway. When the bodies differ otherwise, the lowest status is kept and the others dropped.

use serde_json::{Value, json};

use super::spec::{is_success_status, operations_mut, resolve};

pub fn single_success_type(spec: &mut Value) -> usize {
    let snapshot = spec.clone();
    let mut changed = 0;
    for (_, _, op) in operations_mut(spec) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        let mut successes: Vec<(String, Option<Value>)> = responses
            .iter()
            .filter(|(code, _)| is_success_status(code))
            .map(|(code, r)| (code.clone(), body_kind(resolve(&snapshot, r))))
            .collect();
        successes.sort_by(|a, b| a.0.cmp(&b.0));
        let Some((first, first_kind)) = successes.first().cloned() else { continue };
        if successes.iter().all(|(_, kind)| *kind == first_kind) {
            continue;
        }
        if successes.iter().any(|(_, kind)| kind.is_none()) {
            for (code, kind) in &successes {
                if kind.is_some() {
                    let description = resolve(&snapshot, &responses[code])
                        .get("description")
                        .cloned()
                        .unwrap_or_else(|| json!("Success"));
                    responses.insert(code.clone(), json!({"description": description}));
                    changed += 1;
                }
            }
        } else {
            for (code, _) in successes.iter().filter(|(code, _)| *code != first) {
                responses.remove(code);
                changed += 1;
            }
        }
    }
    changed
}

/// A response's body as (media types → schema), or `None` when it has no body.
fn body_kind(response: &Value) -> Option<Value> {
    let content = response.get("content")?.as_object()?;
    if content.is_empty() {
        return None;
    }
    Some(Value::Object(
        content
            .iter()
            .map(|(media, m)| (media.clone(), m.get("schema").cloned().unwrap_or(Value::Null)))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bodyless_202_beside_a_201_strips_both_bodies_and_keeps_both_codes() {
        let mut s = json!({"paths": {"/o": {"post": {"responses": {
            "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/o"}}}},
            "202": {"description": "Accepted"},
            "400": {"description": "Bad", "content": {"application/json": {"schema": {"$ref": "#/e"}}}}}}}}});
        assert_eq!(single_success_type(&mut s), 1);
        assert_eq!(s["paths"]["/o"]["post"]["responses"], json!({
            "201": {"description": "Created"},
            "202": {"description": "Accepted"},
            "400": {"description": "Bad", "content": {"application/json": {"schema": {"$ref": "#/e"}}}}}));
        assert_eq!(single_success_type(&mut s), 0);
    }

    #[test]
    fn two_different_bodies_keep_the_lowest_status() {
        let mut s = json!({"paths": {"/o": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}},
            "206": {"content": {"application/json": {"schema": {"$ref": "#/b"}}}}}}}}});
        assert_eq!(single_success_type(&mut s), 1);
        assert_eq!(s["paths"]["/o"]["get"]["responses"], json!({
            "200": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}}}));
    }

    #[test]
    fn same_body_on_two_codes_is_fine() {
        let mut s = json!({"paths": {"/o": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}},
            "201": {"content": {"application/json": {"schema": {"$ref": "#/a"}}}}}}}}});
        assert_eq!(single_success_type(&mut s), 0);
    }
}
