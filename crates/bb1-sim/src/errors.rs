//! BT's error model: `{"code", "reason", "message"}` with the gateway's numeric codes or a
//! back end's symbolic ones, and the HTTP status that goes with each.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One BT error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BtFailure {
    pub status: StatusCode,
    pub code: String,
    pub reason: Option<String>,
    pub message: Option<String>,
}

pub type BtResult<T> = Result<T, BtFailure>;

impl BtFailure {
    pub fn new(
        status: StatusCode,
        code: &str,
        reason: Option<&str>,
        message: Option<String>,
    ) -> Self {
        Self {
            status,
            code: code.to_string(),
            reason: reason.map(str::to_string),
            message,
        }
    }

    /// A back-end error (symbolic code, reason, optional message).
    pub fn backend(status: StatusCode, code: &str, reason: &str) -> Self {
        Self::new(status, code, Some(reason), None)
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    pub fn missing_body() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "21",
            Some("Missing body"),
            Some("Request body not supplied".into()),
        )
    }

    pub fn missing_field(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "23",
            Some("Missing body parameter"),
            Some(format!("Missing body parameter {field}")),
        )
    }

    pub fn invalid_field(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "24",
            Some("Invalid body parameter value"),
            Some(format!("Invalid value for body parameter {field}")),
        )
    }

    pub fn missing_header(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "25",
            Some("Missing header"),
            Some(format!("Missing header {name}")),
        )
    }

    pub fn invalid_header(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "26",
            Some("Invalid header value"),
            Some(format!("Invalid header value {name}")),
        )
    }

    pub fn missing_query(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "27",
            Some("Missing query-string parameter"),
            Some(format!("{name} not supplied")),
        )
    }

    pub fn invalid_query(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "28",
            Some("Invalid query-string parameter value"),
            Some(format!("{name} is not valid")),
        )
    }

    pub fn bad_request() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "29",
            None,
            Some("Bad Request".into()),
        )
    }

    pub fn missing_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "40",
            None,
            Some("Missing credentials".into()),
        )
    }

    pub fn invalid_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "41",
            None,
            Some("Invalid credentials".into()),
        )
    }

    pub fn expired_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "42",
            None,
            Some("Expired credentials".into()),
        )
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "60",
            Some("Resource not found"),
            Some(message.into()),
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "61",
            None,
            Some("Method not allowed".into()),
        )
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "68",
            None,
            Some("Unsupported media type".into()),
        )
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "53",
            None,
            Some("Too many requests".into()),
        )
    }

    pub fn internal_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "01",
            None,
            Some("Internal Error".into()),
        )
    }

    pub fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "05",
            None,
            Some("The service is temporarily unavailable".into()),
        )
    }

    pub fn gateway_timeout() -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "69",
            None,
            Some("Gateway timeout".into()),
        )
    }

    /// The body, in the shared lenient error type every generated client parses.
    pub fn body(&self) -> bt_core::BtError {
        bt_core::BtError {
            code: Some(self.code.clone()),
            reason: self.reason.clone(),
            message: self.message.clone(),
            ..bt_core::BtError::default()
        }
    }
}

impl IntoResponse for BtFailure {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(code) = HeaderValue::from_str(&self.code) {
            headers.insert("APIGW-Exception-Code", code);
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
