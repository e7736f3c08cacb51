use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The error body of every BT API, parsed leniently.
///
/// BT's gateway answers `{code, message}`, its back ends `{code, reason, message?}`, and Apigee
/// itself `{"fault": {"faultstring", "detail": {"errorcode"}}}`. All fields are optional so that
/// any of them parses; `code` is accepted as a string or a number. A body that was not JSON at all
/// (an HTML page from a proxy, an empty 502) is turned into a `BtError` whose `non_json_body` holds
/// the start of the text, by [`crate::normalise_error_body`], so that its HTTP status still reaches
/// the caller as `Error::ErrorResponse`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BtError {
    /// BT's code: a gateway number such as `"42"` or a back-end name such as `"TimeSlotNotAvailable"`.
    #[serde(default, deserialize_with = "string_or_number", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// An Apigee gateway fault, when the gateway answered instead of BT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<ApigeeFault>,
    /// The first bytes of a body that was not JSON; set by the runtime, never sent by BT.
    #[serde(default, rename = "nonJsonBody", skip_serializing_if = "Option::is_none")]
    pub non_json_body: Option<String>,
}

/// Apigee's own error envelope: `{"fault": {"faultstring": "...", "detail": {"errorcode": "..."}}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApigeeFault {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faultstring: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ApigeeFaultDetail>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApigeeFaultDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errorcode: Option<String>,
}

impl BtError {
    /// BT's code, or Apigee's error code when the gateway answered.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref().or_else(|| {
            self.fault
                .as_ref()
                .and_then(|f| f.detail.as_ref())
                .and_then(|d| d.errorcode.as_deref())
        })
    }

    /// The most specific human-readable text in the body.
    pub fn text(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or(self.reason.as_deref())
            .or_else(|| self.fault.as_ref().and_then(|f| f.faultstring.as_deref()))
            .or(self.non_json_body.as_deref())
    }

    /// Whether the body says the bearer token has expired (gateway code 42): get a new token and
    /// retry once.
    pub fn is_expired_token(&self) -> bool {
        self.code() == Some("42")
    }
}

impl fmt::Display for BtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code(), self.reason.as_deref(), self.text()) {
            (Some(code), Some(reason), Some(text)) if reason != text => {
                write!(f, "BT error {code} ({reason}): {text}")
            }
            (Some(code), _, Some(text)) => write!(f, "BT error {code}: {text}"),
            (Some(code), _, None) => write!(f, "BT error {code}"),
            (None, _, Some(text)) => write!(f, "BT error: {text}"),
            (None, _, None) => write!(f, "BT error with an empty body"),
        }
    }
}

impl std::error::Error for BtError {}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Code {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(Option::<Code>::deserialize(d)?.map(|c| match c {
        Code::Text(s) => s,
        Code::Number(n) => n.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> BtError {
        serde_json::from_str(json).expect("valid BtError")
    }

    #[test]
    fn parses_gateway_backend_and_apigee_shapes() {
        let gateway = parse(r#"{"code":"28","reason":"Invalid query-string parameter value","message":"Address key not supplied"}"#);
        assert_eq!(gateway.code(), Some("28"));
        assert_eq!(gateway.text(), Some("Address key not supplied"));

        let backend = parse(r#"{"code":"TimeSlotNotAvailable","reason":"Slot taken"}"#);
        assert_eq!(backend.code(), Some("TimeSlotNotAvailable"));
        assert_eq!(backend.text(), Some("Slot taken"));

        let apigee = parse(r#"{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}"#);
        assert_eq!(apigee.code(), Some("oauth.v2.InvalidApiKey"));
        assert_eq!(apigee.text(), Some("Invalid ApiKey"));
    }

    #[test]
    fn numeric_code_is_accepted_and_expiry_detected() {
        let e = parse(r#"{"code":42,"message":"Expired credentials"}"#);
        assert_eq!(e.code.as_deref(), Some("42"));
        assert!(e.is_expired_token());
        assert_eq!(e.to_string(), "BT error 42: Expired credentials");
    }

    #[test]
    fn display_names_code_reason_and_message() {
        let e = parse(r#"{"code":"24","reason":"Invalid body field","message":"Invalid country"}"#);
        assert_eq!(e.to_string(), "BT error 24 (Invalid body field): Invalid country");
    }
}
