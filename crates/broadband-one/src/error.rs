//! The one error type of the facade. Each variant is something a caller can act on.

use std::fmt;

/// What went wrong, in terms a caller can act on. `Display` is one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubError {
    /// The caller's input is wrong; nothing was sent.
    InvalidInput { field: String, reason: String },
    /// BT (or this library's journey rules) says the thing asked for is not available at the
    /// premises, e.g. no Gold Openreach key for a new FTTP line.
    NotAvailable { reason: String },
    /// BT answered with an error.
    Rejected {
        status: u16,
        code: Option<String>,
        reason: Option<String>,
        message: Option<String>,
        tracking_id: String,
    },
    /// No usable token: bad client credentials, or the token endpoint is down.
    Authentication { message: String },
    /// The request did not complete. `retryable` says whether sending it again is safe and may
    /// help (it is never set for order submissions: see `AmbiguousSubmission`).
    Transport { message: String, retryable: bool, tracking_id: Option<String> },
    /// An order submission failed in a way that leaves open whether BT received it (a timeout
    /// after the request was sent, a dropped connection). The lookup by `external_id` found
    /// nothing yet, so the order may or may not exist: wait for a KSU or look it up again before
    /// sending anything else.
    AmbiguousSubmission { external_id: String, message: String },
    /// BT answered something this library could not read.
    UnexpectedResponse { status: Option<u16>, message: String, tracking_id: Option<String> },
}

impl HubError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        HubError::InvalidInput { field: field.into(), reason: reason.into() }
    }

    /// Whether trying the same call again later may succeed without changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            HubError::Transport { retryable, .. } => *retryable,
            HubError::Rejected { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// BT's error code, when BT answered with one.
    pub fn bt_code(&self) -> Option<&str> {
        match self {
            HubError::Rejected { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HubError::InvalidInput { field, reason } => write!(f, "invalid `{field}`: {reason}; nothing was sent"),
            HubError::NotAvailable { reason } => write!(f, "not available: {reason}"),
            HubError::Rejected { status, code, reason, message, tracking_id } => {
                let code = code.as_deref().unwrap_or("none");
                let text = message.as_deref().or(reason.as_deref()).unwrap_or("no message");
                write!(f, "BT rejected the request with HTTP {status}, code {code}: {text} (tracking id {tracking_id})")
            }
            HubError::Authentication { message } => write!(f, "could not authenticate with BT: {message}"),
            HubError::Transport { message, retryable, .. } => {
                let hint = if *retryable { "; it is safe to try again" } else { "" };
                write!(f, "the request did not complete: {message}{hint}")
            }
            HubError::AmbiguousSubmission { external_id, message } => write!(
                f,
                "the order with externalId {external_id} may or may not have reached BT ({message}); look it up or wait for a KSU before sending it again"
            ),
            HubError::UnexpectedResponse { status, message, .. } => match status {
                Some(s) => write!(f, "BT answered HTTP {s} with a body this library could not read: {message}"),
                None => write!(f, "BT answered with a body this library could not read: {message}"),
            },
        }
    }
}

impl std::error::Error for HubError {}

pub type Result<T, E = HubError> = std::result::Result<T, E>;
