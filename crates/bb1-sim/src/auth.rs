//! OAuth: the client-credentials token endpoint and the bearer check every other endpoint runs
//! first, with BT's codes 40 (missing), 41 (invalid) and 42 (expired).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request::Query;
use crate::rng::SimRng;
use crate::state::AppState;

pub(crate) struct AuthStore {
    client_id: String,
    client_secret: String,
    ttl_secs: u32,
    tokens: Mutex<HashMap<String, DateTime<Utc>>>,
    rng: Mutex<SimRng>,
    requests: AtomicU64,
    issued: AtomicU64,
}

impl AuthStore {
    pub(crate) fn new(seed: u64, client_id: String, client_secret: String, ttl_secs: u32) -> Self {
        Self {
            client_id,
            client_secret,
            ttl_secs,
            tokens: Mutex::new(HashMap::new()),
            rng: Mutex::new(SimRng::stream(seed, "tokens")),
            requests: AtomicU64::new(0),
            issued: AtomicU64::new(0),
        }
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Every request to the token endpoint, answered or refused.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    /// HTTP Basic `client_id:client_secret`.
    fn check_client(&self, headers: &HeaderMap) -> BtResult<()> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or_else(BtFailure::missing_credentials)?;
        let value = value
            .to_str()
            .map_err(|_| BtFailure::invalid_credentials())?;
        let encoded = strip_scheme(value, "Basic").ok_or_else(BtFailure::invalid_credentials)?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| BtFailure::invalid_credentials())?;
        let decoded = String::from_utf8(decoded).map_err(|_| BtFailure::invalid_credentials())?;
        match decoded.split_once(':') {
            Some((id, secret)) if id == self.client_id && secret == self.client_secret => Ok(()),
            _ => Err(BtFailure::invalid_credentials()),
        }
    }

    fn issue(&self, now: DateTime<Utc>) -> String {
        let token = lock(&self.rng).token(28);
        let expiry = now + TimeDelta::seconds(i64::from(self.ttl_secs));
        lock(&self.tokens).insert(token.clone(), expiry);
        self.issued.fetch_add(1, Ordering::Relaxed);
        token
    }

    /// `Authorization: Bearer <token>` for a known, unexpired token.
    pub(crate) fn check_bearer(&self, headers: &HeaderMap, now: DateTime<Utc>) -> BtResult<()> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or_else(BtFailure::missing_credentials)?;
        let value = value
            .to_str()
            .map_err(|_| BtFailure::invalid_credentials())?;
        let token = strip_scheme(value, "Bearer")
            .ok_or_else(BtFailure::invalid_credentials)?
            .trim();
        match lock(&self.tokens).get(token) {
            None => Err(BtFailure::invalid_credentials()),
            Some(expiry) if *expiry <= now => Err(BtFailure::expired_credentials()),
            Some(_) => Ok(()),
        }
    }
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// `POST /oauth/accesstoken`: Basic client authentication, `grant_type=client_credentials` in the
/// form body or the query string.
pub(crate) async fn token(
    State(st): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    st.auth.requests.fetch_add(1, Ordering::Relaxed);
    match issue_token(&st, &uri, &headers, &body) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn issue_token(st: &AppState, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> BtResult<Response> {
    st.auth.check_client(headers)?;
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let query = Query::parse(uri.query())?;
    let grant = form
        .iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.as_str())
        .or_else(|| query.get("grant_type"));
    match grant {
        None => {
            return Err(BtFailure::new(
                StatusCode::BAD_REQUEST,
                "23",
                Some("Missing body parameter"),
                Some("grant_type not supplied".into()),
            ));
        }
        Some("client_credentials") => {}
        Some(_) => {
            return Err(BtFailure::invalid_field("grant_type")
                .with_message("grant_type must be client_credentials"));
        }
    }
    let token = st.auth.issue(st.clock.credential_now());
    let answer = bt_oauth::types::SnakeCaseAccessToken {
        access_token: token,
        token_type: Some("Bearer".into()),
        expires_in: Some(serde_json::Value::from(st.auth.ttl_secs)),
        client_id: None,
        issued_at: None,
        status: None,
    };
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}

/// Middleware on every API route: the bearer token is checked before anything else.
pub(crate) async fn require_bearer(
    State(st): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    match st
        .auth
        .check_bearer(request.headers(), st.clock.credential_now())
    {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}
