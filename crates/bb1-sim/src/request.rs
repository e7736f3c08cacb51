//! Request checks shared by every endpoint, each failing with the BT error that names what was
//! wrong: the tracking header, the `productFamily` header, the content type and the JSON body.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::errors::{BtFailure, BtResult};

pub const TRACKING_HEADER: &str = "APIGW-Tracking-Header";

/// BT's pattern `^[\w.~:@-]{1,255}$` (ASCII word characters).
pub fn is_valid_tracking_id(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'~' | b':' | b'@' | b'-')
        })
}

/// The tracking header: optional to send (the generated clients always add one), validated when
/// present because BT's sandbox picks its scenarios by its value.
pub fn tracking_header(headers: &HeaderMap) -> BtResult<Option<String>> {
    match headers.get(TRACKING_HEADER) {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(s) if is_valid_tracking_id(s) => Ok(Some(s.to_string())),
            _ => Err(BtFailure::invalid_header(TRACKING_HEADER)),
        },
    }
}

/// `productFamily`, required on appointment and order operations. BT's enum plus the `BB1hub`
/// spelling seen on production; matched without regard to case because BT's own curl samples
/// send `ethernet`.
pub fn product_family(headers: &HeaderMap) -> BtResult<()> {
    const ACCEPTED: &[&str] = &["ethernet", "broadband-one", "bb1hub"];
    let value = headers
        .get("productFamily")
        .ok_or_else(|| BtFailure::missing_header("productFamily"))?;
    let value = value
        .to_str()
        .map_err(|_| BtFailure::invalid_header("productFamily"))?;
    if ACCEPTED.contains(&value.to_ascii_lowercase().as_str()) {
        Ok(())
    } else {
        Err(BtFailure::invalid_header("productFamily"))
    }
}

/// An optional header that must hold one of `allowed` (case-insensitive) when present.
pub fn optional_enum_header<'a>(
    headers: &HeaderMap,
    name: &str,
    allowed: &[&'a str],
) -> BtResult<Option<&'a str>> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| BtFailure::invalid_header(name))?;
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .map(|a| Some(*a))
        .ok_or_else(|| BtFailure::invalid_header(name))
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // TMF's merge-patch type is JSON too (amend may be sent that way).
    essence == "application/json" || essence == "application/merge-patch+json"
}

/// Parses a JSON body into `T` (a generated type), keeping the raw value for verbatim echoes.
///
/// Empty body → 21; not JSON content type → 415/68; not JSON or not an object → 24; a missing
/// required field → 23 naming it; a wrong type or a value breaking the spec's limits → 24 naming it.
pub fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> BtResult<(T, serde_json::Value)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BtFailure::missing_body());
    }
    if !is_json_content_type(headers) {
        return Err(BtFailure::unsupported_media_type());
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        BtFailure::invalid_field("body").with_message("Request body is not valid JSON")
    })?;
    if !value.is_object() {
        return Err(
            BtFailure::invalid_field("body").with_message("Request body must be a JSON object")
        );
    }
    let parsed = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let detail = e.inner().to_string();
        let prefix = if path == "." {
            String::new()
        } else {
            format!("{path}.")
        };
        match missing_field_name(&detail) {
            Some(field) => BtFailure::missing_field(&format!("{prefix}{field}")),
            None => {
                let field = if path == "." {
                    "body".to_string()
                } else {
                    path
                };
                let short = detail
                    .split(" at line")
                    .next()
                    .unwrap_or(&detail)
                    .to_string();
                BtFailure::invalid_field(&field).with_message(format!(
                    "Invalid value for body parameter {field} ({short})"
                ))
            }
        }
    })?;
    Ok((parsed, value))
}

/// serde's "missing field `name`" message → `name`.
fn missing_field_name(detail: &str) -> Option<&str> {
    let rest = detail.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The query string as ordered pairs (later duplicates win when looked up with [`Query::get`]).
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> BtResult<Query> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|_| BtFailure::invalid_query("query string"))?;
        Ok(Query { pairs })
    }

    /// A parameter's value; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A value that must not exceed `max` characters (BT's limits) → 28 otherwise.
    pub fn get_limited(&self, name: &str, max: usize) -> BtResult<Option<&str>> {
        match self.get(name) {
            Some(v) if v.chars().count() > max => Err(BtFailure::invalid_query(name)),
            other => Ok(other),
        }
    }

    /// A `true`/`false` flag → 28 for anything else.
    pub fn flag(&self, name: &str) -> BtResult<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(BtFailure::invalid_query(name)),
        }
    }
}

/// Converts between two generated types that share a JSON shape (the same schema generated into
/// two crates, e.g. `ProductOrder` for the order API and for KSU events).
pub fn convert<A: serde::Serialize, B: DeserializeOwned>(a: &A) -> Option<B> {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_pattern() {
        assert!(is_valid_tracking_id("96bb97fa-b941-46bb-8c4e-86c616c28a13"));
        assert!(is_valid_tracking_id("E02901"));
        assert!(!is_valid_tracking_id(""));
        assert!(!is_valid_tracking_id("has space"));
        assert!(!is_valid_tracking_id(&"a".repeat(256)));
    }
}
