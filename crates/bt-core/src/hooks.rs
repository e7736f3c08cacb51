//! What the generated clients run around every request (wired in by [`crate::impl_hooks!`]).

use reqwest::ResponseBuilderExt;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};

use crate::{BtError, Ctx};

/// BT's end-to-end tracking header. BT's sandbox picks its error scenarios by its value.
pub const TRACKING_HEADER: &str = "APIGW-Tracking-Header";

/// [`TRACKING_HEADER`] as a ready header name: looking it up by string parses it on every call.
pub const TRACKING_HEADER_NAME: HeaderName = HeaderName::from_static("apigw-tracking-header");

/// How much of a non-JSON error body is kept: enough to recognise an HTML error page.
const NON_JSON_BODY_LIMIT: usize = 512;

/// Stamps a request before it is sent: adds a fresh UUID `APIGW-Tracking-Header` unless the
/// caller set one, adds the context's bearer token unless the
/// request already carries `Authorization`, then runs the middleware's `prepare`.
pub async fn prepare_request(
    ctx: &Ctx,
    request: &mut reqwest::Request,
    operation_id: &'static str,
) -> Result<(), String> {
    let headers = request.headers_mut();
    if !headers.contains_key(&TRACKING_HEADER_NAME) {
        let mut id = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid::Uuid::new_v4().hyphenated().encode_lower(&mut id);
        // A hyphenated UUID is always a valid header value.
        if let Ok(value) = HeaderValue::from_bytes(&id) {
            headers.insert(TRACKING_HEADER_NAME, value);
        }
    }
    if let Some(token) = ctx.bearer_token()
        && !headers.contains_key(AUTHORIZATION) {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| "the bearer token contains characters not allowed in a header".to_string())?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
    match ctx.middleware() {
        Some(middleware) => middleware.prepare(request, operation_id).await,
        None => Ok(()),
    }
}

/// A 4xx or 5xx: the answers [`normalise_error_body`] may rewrite.
pub fn is_error_status(status: reqwest::StatusCode) -> bool {
    status.is_client_error() || status.is_server_error()
}

/// Makes sure an error response carries a JSON body that parses as [`BtError`].
///
/// progenitor reports an error body that is not JSON as `InvalidResponsePayload`, which has no
/// HTTP status; a gateway's HTML 503 would then reach the caller without its status. This rewrites
/// such a body as `{"nonJsonBody": "<first bytes>"}` so the caller gets `Error::ErrorResponse`
/// with the status and headers intact. Success responses and JSON error bodies pass untouched.
pub async fn normalise_error_body(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !is_error_status(status) {
        return Ok(response);
    }
    let version = response.version();
    let headers = response.headers().clone();
    let url = response.url().clone();
    let body = response.bytes().await?;
    let is_json_object = matches!(
        serde_json::from_slice::<serde_json::Value>(&body),
        Ok(serde_json::Value::Object(_))
    );
    let body = if is_json_object {
        body.to_vec()
    } else {
        let text = String::from_utf8_lossy(&body);
        let mut end = text.len().min(NON_JSON_BODY_LIMIT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let synthetic = BtError {
            non_json_body: Some(text[..end].trim().to_string()),
            ..BtError::default()
        };
        // Serialising a struct of strings cannot fail.
        serde_json::to_vec(&synthetic).unwrap_or_default()
    };
    let mut headers = headers;
    if !is_json_object {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.remove(reqwest::header::CONTENT_LENGTH);
    }
    let response = rebuild_response(status, version, headers, url, body);
    Ok(response)
}

/// Builds a `reqwest::Response` from parts, e.g. after its body was read to inspect it.
pub fn rebuild_response(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
    url: reqwest::Url,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    // reqwest keeps the response URL in a private extension; its builder extension sets it.
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        *rebuilt.extensions_mut() = carrier.into_parts().0.extensions;
    }
    reqwest::Response::from(rebuilt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        let url = "http://127.0.0.1/x".parse().expect("static url");
        reqwest::Request::new(reqwest::Method::GET, url)
    }

    #[tokio::test]
    async fn adds_a_uuid_tracking_header_and_no_token_without_one() {
        let mut r = request();
        prepare_request(&Ctx::new(), &mut r, "op").await.expect("prepared");
        let id = r.headers()[TRACKING_HEADER].to_str().expect("ascii");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        assert!(!r.headers().contains_key(AUTHORIZATION));
    }

    #[tokio::test]
    async fn keeps_a_caller_tracking_header_and_adds_a_sensitive_bearer() {
        let mut r = request();
        r.headers_mut().insert(TRACKING_HEADER, HeaderValue::from_static("E02901"));
        prepare_request(&Ctx::new().with_bearer_token("tok"), &mut r, "op").await.expect("prepared");
        assert_eq!(r.headers()[TRACKING_HEADER], "E02901");
        assert_eq!(r.headers()[AUTHORIZATION], "Bearer tok");
        assert!(r.headers()[AUTHORIZATION].is_sensitive());
    }

    fn response(status: u16, body: &str) -> reqwest::Response {
        let mut r = http::Response::new(body.to_string());
        *r.status_mut() = http::StatusCode::from_u16(status).expect("valid status");
        reqwest::Response::from(r)
    }

    #[tokio::test]
    async fn html_error_body_becomes_a_bt_error_with_status_kept() {
        let r = normalise_error_body(response(503, "<html>Service Unavailable</html>")).await.expect("body");
        assert_eq!(r.status(), 503);
        let e: BtError = r.json().await.expect("json");
        assert_eq!(e.non_json_body.as_deref(), Some("<html>Service Unavailable</html>"));
    }

    #[tokio::test]
    async fn json_errors_and_successes_pass_untouched() {
        let r = normalise_error_body(response(400, r#"{"code":"29"}"#)).await.expect("body");
        assert_eq!(r.text().await.expect("text"), r#"{"code":"29"}"#);
        let r = normalise_error_body(response(200, "not json")).await.expect("body");
        assert_eq!(r.text().await.expect("text"), "not json");
    }
}
