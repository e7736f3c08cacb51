//! progenitor handles one media type per request body (`todo!()` otherwise) and types only
//! `application/json` responses; TM Forum bodies list four JSON-patch variants and error
//! responses use `application/problem+json`.

use serde_json::{Map, Value};

use super::spec::is_json_media_type;

/// Keeps one media type per request body: `application/json` if present, else merge-patch or the first
/// other JSON flavour (by name) renamed to `application/json`, else the first by name.
pub fn single_request_media_type(spec: &mut Value) -> usize {
    let mut changed = 0;
    let mut bodies: Vec<&mut Value> = Vec::new();
    let (paths, components) = split_paths_and_components(spec);
    if let Some(paths) = paths {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                if let Some(body) = op.get_mut("requestBody") {
                    bodies.push(body);
                }
            }
        }
    }
    if let Some(shared) = components.and_then(|c| c.get_mut("requestBodies")).and_then(Value::as_object_mut) {
        bodies.extend(shared.values_mut());
    }
    for body in bodies {
        if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) {
            changed += usize::from(keep_one_json(content));
        }
    }
    changed
}

/// Renames `*+json` response media types to `application/json` (dropping them when an
/// `application/json` entry already exists).
pub fn json_suffix_media_types(spec: &mut Value) -> usize {
    let mut changed = 0;
    let mut contents: Vec<&mut Map<String, Value>> = Vec::new();
    let (paths, components) = split_paths_and_components(spec);
    if let Some(paths) = paths {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    contents.extend(responses.values_mut().filter_map(|r| r.get_mut("content")).filter_map(Value::as_object_mut));
                }
            }
        }
    }
    if let Some(shared) = components.and_then(|c| c.get_mut("responses")).and_then(Value::as_object_mut) {
        contents.extend(shared.values_mut().filter_map(|r| r.get_mut("content")).filter_map(Value::as_object_mut));
    }
    for content in contents {
        let suffixed: Vec<String> = content
            .keys()
            .filter(|k| is_json_media_type(k) && k.as_str() != "application/json")
            .cloned()
            .collect();
        for key in suffixed {
            if let Some(media) = content.remove(&key) {
                content.entry("application/json").or_insert(media);
                changed += 1;
            }
        }
    }
    changed
}

fn keep_one_json(content: &mut Map<String, Value>) -> bool {
    let keep = if content.contains_key("application/json") {
        "application/json".to_string()
    } else if content.contains_key("application/merge-patch+json") {
        // The TM Forum's own choice for PATCH, and what BT's amend is assumed to take.
        "application/merge-patch+json".to_string()
    } else if let Some(json) = content.keys().filter(|k| is_json_media_type(k)).min() {
        json.clone()
    } else if let Some(first) = content.keys().min() {
        first.clone()
    } else {
        return false;
    };
    let target = if is_json_media_type(&keep) { "application/json".to_string() } else { keep.clone() };
    if content.len() == 1 && keep == target {
        return false;
    }
    let media = content.remove(&keep).unwrap_or(Value::Null);
    content.clear();
    content.insert(target, media);
    true
}

/// The document's `paths` and `components` objects, borrowed at the same time.
type PathsAndComponents<'a> = (Option<&'a mut Map<String, Value>>, Option<&'a mut Map<String, Value>>);

fn split_paths_and_components(spec: &mut Value) -> PathsAndComponents<'_> {
    let Some(root) = spec.as_object_mut() else { return (None, None) };
    let mut paths = None;
    let mut components = None;
    for (k, v) in root.iter_mut() {
        match k.as_str() {
            "paths" => paths = v.as_object_mut(),
            "components" => components = v.as_object_mut(),
            _ => {}
        }
    }
    (paths, components)
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn four_patch_flavours_become_one_json_body() {
        let mut s = json!({"paths": {"/o": {"patch": {"requestBody": {"content": {
            "application/merge-patch+json": {"schema": {"$ref": "#/m"}},
            "application/json-patch+json": {"schema": {"$ref": "#/p"}},
            "application/json-patch-query+json": {"schema": {"$ref": "#/q"}}}}}}}});
        assert_eq!(single_request_media_type(&mut s), 1);
        assert_eq!(s["paths"]["/o"]["patch"]["requestBody"]["content"], json!({"application/json": {"schema": {"$ref": "#/m"}}}));
        assert_eq!(single_request_media_type(&mut s), 0);
    }

    #[test]
    fn a_lone_form_body_is_left_alone() {
        let mut s = json!({"paths": {"/t": {"post": {"requestBody": {"content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}}}}});
        assert_eq!(single_request_media_type(&mut s), 0);
    }

    #[test]
    fn problem_json_becomes_application_json() {
        let mut s = json!({"paths": {"/t": {"get": {"responses": {"400": {"content": {
            "application/problem+json": {"schema": {"$ref": "#/e"}}}}}}}}});
        assert_eq!(json_suffix_media_types(&mut s), 1);
        assert_eq!(s["paths"]["/t"]["get"]["responses"]["400"]["content"], json!({"application/json": {"schema": {"$ref": "#/e"}}}));
    }
}
