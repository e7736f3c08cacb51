//! OAuth 2 client credentials: fetched lazily, cached, refreshed before expiry, single-flight.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::time::Duration;

use base64::Engine;
use bt_oauth::types::{AccessTokenRequest, AccessTokenResponse, GrantType};
use rand::Rng;
use reqwest::header::HeaderValue;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::{HubError, Result};
use crate::secret::Secret;

/// Apigee's stock lifetime, assumed when BT's answer carries none.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3599);
/// Refresh this long before expiry (plus up to the same again as jitter, so many clients do not
/// all refresh at once), but never earlier than half-way through a short-lived token.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

struct Token {
    value: Secret,
    /// `Bearer <value>`, built once per token rather than once per request.
    header: HeaderValue,
    refresh_at: Instant,
}

/// The Hub's bearer token, shared by every request of one [`crate::Hub`].
pub struct TokenSource {
    client: bt_oauth::Client,
    /// Shared, so handing the current token to a request is a reference-count increment.
    /// A std mutex: it is held only to copy a pointer, never across an await.
    cached: StdMutex<Option<Arc<Token>>>,
    /// Held while fetching, so a cold burst of calls makes one token request.
    fetching: Mutex<()>,
    fetches: AtomicU64,
}

impl TokenSource {
    /// `token_url` is the full token URL (`…/oauth/accesstoken`).
    pub fn new(token_url: &str, client_id: &str, client_secret: &Secret, http: reqwest::ClientBuilder) -> Result<Self> {
        let base = token_url.strip_suffix("/oauth/accesstoken").ok_or_else(|| {
            HubError::invalid("token_url", format!("`{token_url}` does not end in /oauth/accesstoken"))
        })?;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{}", client_secret.expose()));
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| HubError::invalid("client_id", "contains characters that cannot go in an HTTP header"))?;
        value.set_sensitive(true);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, value);
        let http = http
            .default_headers(headers)
            .build()
            .map_err(|e| HubError::invalid("tls", format!("cannot build the HTTP client: {e}")))?;
        Ok(TokenSource {
            client: bt_oauth::Client::new_with_client(base, http, bt_core::Ctx::new()),
            cached: StdMutex::new(None),
            fetching: Mutex::new(()),
            fetches: AtomicU64::new(0),
        })
    }

    /// A valid token, fetching one if there is none or it is due for refresh.
    pub async fn token(&self) -> Result<Secret> {
        Ok(self.current().await?.value.clone())
    }

    /// The cached token as an `Authorization` value, if it is not yet due for refresh.
    pub fn cached_bearer(&self) -> Option<HeaderValue> {
        self.fresh().map(|t| t.header.clone())
    }

    /// A valid token as a ready `Authorization: Bearer …` value (marked sensitive).
    pub async fn bearer(&self) -> Result<HeaderValue> {
        if let Some(header) = self.cached_bearer() {
            return Ok(header);
        }
        // Boxed: the fetch holds a whole token request, and every call awaits this future.
        Ok(Box::pin(self.current()).await?.header.clone())
    }

    /// Drops the token behind `stale` (an `Authorization` value BT said has expired) so the next
    /// call fetches anew. A token someone already replaced is left alone.
    pub async fn invalidate(&self, stale: &HeaderValue) {
        let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        if cached.as_ref().is_some_and(|t| t.header == stale) {
            *cached = None;
        }
    }

    async fn current(&self) -> Result<Arc<Token>> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _guard = self.fetching.lock().await;
        // Someone else may have fetched while we waited for the lock.
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let token = Arc::new(self.fetch().await?);
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        Ok(token)
    }

    /// How many token requests this source has made.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn fresh(&self) -> Option<Arc<Token>> {
        let cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        cached.as_ref().filter(|t| Instant::now() < t.refresh_at).cloned()
    }

    async fn fetch(&self) -> Result<Token> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let body = AccessTokenRequest { grant_type: GrantType::ClientCredentials };
        let response = self
            .client
            .create_access_token()
            .grant_type(GrantType::ClientCredentials)
            .body(body)
            .send()
            .await
            .map_err(|e| HubError::Authentication { message: describe(e) })?
            .into_inner();
        let (value, lifetime) = match response {
            AccessTokenResponse::SnakeCaseAccessToken(t) => (t.access_token, t.expires_in),
            AccessTokenResponse::CamelCaseAccessToken(t) => (t.access_token, t.expires_in),
        };
        if value.is_empty() {
            return Err(HubError::Authentication { message: "the token endpoint answered with an empty token".into() });
        }
        let mut header = HeaderValue::from_str(&format!("Bearer {value}"))
            .map_err(|_| HubError::Authentication { message: "the token endpoint answered with a token that cannot go in an HTTP header".into() })?;
        header.set_sensitive(true);
        let lifetime = lifetime.as_ref().and_then(seconds).map(Duration::from_secs).unwrap_or(DEFAULT_LIFETIME);
        Ok(Token { value: Secret::new(value), header, refresh_at: Instant::now() + refresh_after(lifetime) })
    }
}

/// When to refresh a token that lives `lifetime`: `REFRESH_MARGIN` plus jitter early, at most
/// half-way through.
fn refresh_after(lifetime: Duration) -> Duration {
    let jitter = Duration::from_millis(rand::rng().random_range(0..=REFRESH_MARGIN.as_millis() as u64));
    lifetime.saturating_sub(REFRESH_MARGIN + jitter).max(lifetime / 2)
}

/// `expires_in` as BT (a number) or Apigee (a numeric string) writes it.
fn seconds(v: &serde_json::Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn describe(e: progenitor_client::Error<bt_core::BtError>) -> String {
    match e {
        progenitor_client::Error::ErrorResponse(rv) => {
            format!("the token endpoint answered HTTP {}: {}", rv.status().as_u16(), rv.into_inner())
        }
        progenitor_client::Error::CommunicationError(e) => format!("the token endpoint could not be reached: {e}"),
        other => format!("the token request failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_as_number_or_string() {
        assert_eq!(seconds(&serde_json::json!(3599)), Some(3599));
        assert_eq!(seconds(&serde_json::json!("3599")), Some(3599));
        assert_eq!(seconds(&serde_json::json!("soon")), None);
    }

    #[test]
    fn refresh_comes_before_expiry_but_not_before_half_time() {
        for _ in 0..100 {
            let hour = refresh_after(Duration::from_secs(3600));
            assert!(hour >= Duration::from_secs(3480) && hour <= Duration::from_secs(3540), "{hour:?}");
            assert_eq!(refresh_after(Duration::from_secs(60)), Duration::from_secs(30));
        }
    }
}
