//! Helpers shared by the wire tests.

use std::fmt::Debug;
use std::path::Path;

use bt_core::{BtError, TRACKING_HEADER};
use httpmock::{HttpMockRequest, Then, When};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// progenitor_client's error; every generated crate re-exports the same type.
pub type ClientError = bt_oauth::Error<BtError>;

/// The bearer token every test context carries.
pub const TOKEN: &str = "tok-6Jw2xQ9";

/// A tracking id the sandbox uses to pick an error scenario; tests pass it through the builders.
pub const SANDBOX_TRACKING_ID: &str = "E02901";

/// The gateway page the non-JSON tests answer with.
pub const HTML_503: &str = "<html>Service Unavailable</html>";

/// A context that sends `Authorization: Bearer TOKEN`.
pub fn ctx() -> bt_core::Ctx {
    bt_core::Ctx::new().with_bearer_token(TOKEN)
}

/// The path part of a spec server URL: `"/common"` for `https://api.wholesale.bt.com/common`, `""`
/// for a bare host.
pub fn server_prefix(server_url: &str) -> &str {
    let rest = server_url.split_once("://").map_or(server_url, |(_, rest)| rest);
    rest.find('/').map_or("", |i| rest[i..].trim_end_matches('/'))
}

/// `specs/<file>` as JSON (a test fixture the project owns).
pub fn spec(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("specs").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

fn pointer_escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn example_at(file: &str, pointer: &str) -> Value {
    spec(file).pointer(pointer).cloned().unwrap_or_else(|| panic!("{file} has no example at {pointer}"))
}

/// The named request-body example of `method path` in `specs/<file>`.
pub fn request_example(file: &str, path: &str, method: &str, name: &str) -> Value {
    let pointer =
        format!("/paths/{}/{method}/requestBody/content/application~1json/examples/{name}/value", pointer_escape(path));
    example_at(file, &pointer)
}

/// The named example of the `status` response of `method path` in `specs/<file>`.
pub fn response_example(file: &str, path: &str, method: &str, status: &str, name: &str) -> Value {
    let pointer = format!(
        "/paths/{}/{method}/responses/{status}/content/application~1json/examples/{name}/value",
        pointer_escape(path)
    );
    example_at(file, &pointer)
}

/// Parses a fixture into a generated type.
pub fn typed<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("fixture does not parse: {e}\n{value:#}"))
}

/// Asserts that `parsed` serialises back to exactly `expected`: nothing BT sent was lost or altered.
pub fn assert_round_trips<T: Serialize>(parsed: &T, expected: &Value) {
    let back = serde_json::to_value(parsed).expect("generated types serialise");
    assert_eq!(&back, expected, "the typed value does not carry what the server sent");
}

/// Whether the request carries exactly one `APIGW-Tracking-Header` and it is a UUID v4.
pub fn has_uuid_v4_tracking_header(req: &HttpMockRequest) -> bool {
    let headers = req.headers();
    let values: Vec<_> = headers.get_all(TRACKING_HEADER).iter().collect();
    values.len() == 1
        && values[0]
            .to_str()
            .ok()
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .is_some_and(|id| id.get_version_num() == 4)
}

/// Whether the request carries exactly one `APIGW-Tracking-Header` (whatever its value).
pub fn has_one_tracking_header(req: &HttpMockRequest) -> bool {
    req.headers().get_all(TRACKING_HEADER).iter().count() == 1
}

/// The query parameter names of the request, sorted.
pub fn query_names(req: &HttpMockRequest) -> Vec<String> {
    let mut names: Vec<String> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name).to_string())
        .collect();
    names.sort();
    names
}

/// A matcher that holds when the request's query parameters are exactly `expected` (any order).
pub fn only_query_params(
    expected: &'static [&'static str],
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    move |req| {
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        query_names(req) == want
    }
}

/// What every BT API call carries: the context's bearer token, `Accept: application/json`, and no
/// progenitor `api-version` header.
pub fn bt_call(when: When) -> When {
    when.header("authorization", format!("Bearer {TOKEN}"))
        .header("accept", "application/json")
        .header_missing("api-version")
}

/// [`bt_call`] plus a generated UUID v4 tracking header.
pub fn bt_call_with_generated_tracking(when: When) -> When {
    bt_call(when).is_true(has_uuid_v4_tracking_header)
}

/// [`bt_call`] plus the caller's tracking header, sent once.
pub fn bt_call_with_tracking(when: When, tracking: &str) -> When {
    bt_call(when).header(TRACKING_HEADER, tracking).is_true(has_one_tracking_header)
}

/// A JSON error body the way BT's gateway and back ends send it.
pub fn bt_error_body(code: &str, reason: Option<&str>, message: Option<&str>) -> Value {
    let mut body = serde_json::json!({ "code": code });
    if let Some(reason) = reason {
        body["reason"] = reason.into();
    }
    if let Some(message) = message {
        body["message"] = message.into();
    }
    body
}

/// Answers with `status` and a JSON BT error body (plus the gateway's exception-code header).
pub fn then_bt_error(then: Then, status: u16, body: &Value) -> Then {
    let code = body["code"].as_str().unwrap_or_default().to_string();
    then.status(status)
        .header("content-type", "application/json")
        .header("APIGW-Exception-Code", code)
        .json_body(body.clone())
}

/// Answers with `status` and an HTML page, as a proxy or gateway in front of BT does.
pub fn then_html(then: Then, status: u16, page: &str) -> Then {
    then.status(status).header("content-type", "text/html").body(page)
}

/// Asserts that `result` is `Error::ErrorResponse` with `status`, and returns the parsed body.
pub fn expect_error_response<T: Debug>(result: Result<T, ClientError>, status: u16) -> BtError {
    match result {
        Err(bt_oauth::Error::ErrorResponse(rv)) => {
            assert_eq!(rv.status().as_u16(), status, "status of the ErrorResponse");
            rv.into_inner()
        }
        other => panic!("expected Error::ErrorResponse with status {status}, got {other:?}"),
    }
}

/// Asserts that `result` is the BT error `code` with HTTP `status`, and returns it.
pub fn expect_bt_error<T: Debug>(result: Result<T, ClientError>, status: u16, code: &str) -> BtError {
    let error = expect_error_response(result, status);
    assert_eq!(error.code(), Some(code), "{error:?}");
    assert_eq!(error.non_json_body, None, "a JSON error body must not be reported as non-JSON");
    error
}

/// Asserts that a non-JSON error page on a documented status reaches the caller as
/// `Error::ErrorResponse` with `status` and the page in `non_json_body`.
pub fn expect_non_json_error<T: Debug>(result: Result<T, ClientError>, status: u16, page: &str) {
    let error = expect_error_response(result, status);
    assert_eq!(error.non_json_body.as_deref(), Some(page), "{error:?}");
    assert_eq!(error.code(), None);
    assert_eq!(error.text(), Some(page));
}

/// Asserts that a status the operation does not document reaches the caller with that status
/// (as `Error::UnexpectedResponse`), and that its body still reads as a [`BtError`].
pub async fn expect_undocumented_status<T: Debug>(result: Result<T, ClientError>, status: u16) -> BtError {
    let error = match result {
        Ok(value) => panic!("expected an error with status {status}, got Ok({value:?})"),
        Err(error) => error,
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error:?}");
    match error {
        bt_oauth::Error::UnexpectedResponse(response) => {
            response.json::<BtError>().await.expect("the runtime leaves an error body that parses as BtError")
        }
        other => panic!("expected Error::UnexpectedResponse for an undocumented status, got {other:?}"),
    }
}

/// Asserts that `result` failed before anything was sent (`Error::InvalidRequest`), mentioning `what`.
pub fn expect_invalid_request<T: Debug>(result: Result<T, ClientError>, what: &str) {
    match result {
        Err(bt_oauth::Error::InvalidRequest(message)) => {
            assert!(message.contains(what), "{message:?} should mention {what:?}");
        }
        other => panic!("expected Error::InvalidRequest about {what}, got {other:?}"),
    }
}

/// `value` with every empty array member removed: generated types leave empty lists out when they
/// serialise, so a round trip of `"errorMessage": []` gives no member at all.
pub fn without_empty_lists(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !matches!(v, Value::Array(a) if a.is_empty()))
                .map(|(k, v)| (k.clone(), without_empty_lists(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty_lists).collect()),
        other => other.clone(),
    }
}

/// The named example of the shared response `components/responses/<response>` in `specs/<file>`.
pub fn component_response_example(file: &str, response: &str, name: &str) -> Value {
    let pointer = format!("/components/responses/{response}/content/application~1json/examples/{name}/value");
    example_at(file, &pointer)
}
