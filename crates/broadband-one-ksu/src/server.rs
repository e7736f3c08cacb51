//! The HTTP side: the token endpoint, the KSU endpoints, and the listener's lifecycle.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::KsuError;
use crate::auth::{Credentials, TokenProblem, Tokens, basic_credentials};
use crate::ingest;
use crate::store::KsuStore;

/// Default largest KSU body: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// Default token lifetime: one hour.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);
/// Largest token request body.
const MAX_TOKEN_BODY: usize = 16 * 1024;

/// Entry point: `KsuListener::builder()…start().await`.
#[derive(Debug)]
pub struct KsuListener;

impl KsuListener {
    pub fn builder() -> KsuListenerBuilder {
        KsuListenerBuilder::default()
    }
}

/// Configuration of a listener. `Debug` never shows the client secret.
#[derive(Clone)]
pub struct KsuListenerBuilder {
    bind: SocketAddr,
    db: Option<PathBuf>,
    store: Option<KsuStore>,
    client_id: Option<String>,
    client_secret: Option<String>,
    max_body: usize,
    token_ttl: Duration,
    shutdown_grace: Duration,
    #[cfg(feature = "tls")]
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for KsuListenerBuilder {
    fn default() -> Self {
        KsuListenerBuilder {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            db: None,
            store: None,
            client_id: None,
            client_secret: None,
            max_body: DEFAULT_MAX_BODY,
            token_ttl: DEFAULT_TOKEN_TTL,
            shutdown_grace: Duration::from_secs(5),
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

impl std::fmt::Debug for KsuListenerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("KsuListenerBuilder");
        d.field("bind", &self.bind)
            .field("db", &self.db)
            .field("store", &self.store)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("max_body", &self.max_body)
            .field("token_ttl", &self.token_ttl)
            .field("shutdown_grace", &self.shutdown_grace);
        #[cfg(feature = "tls")]
        d.field("tls", &self.tls.as_ref().map(|_| "<configured>"));
        d.finish()
    }
}

impl KsuListenerBuilder {
    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: impl Into<SocketAddr>) -> Self {
        self.bind = addr.into();
        self
    }

    /// SQLite database file to store events in (created if missing).
    pub fn db(mut self, path: impl Into<PathBuf>) -> Self {
        self.db = Some(path.into());
        self
    }

    /// Use an already open store instead of [`KsuListenerBuilder::db`].
    pub fn store(mut self, store: KsuStore) -> Self {
        self.store = Some(store);
        self
    }

    /// The client id and secret BT uses at the token endpoint. Required.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self.client_secret = Some(secret.into());
        self
    }

    /// Largest KSU body accepted (default 1 MiB); larger ones get 413.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Lifetime of issued tokens (default one hour).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// How long [`ListenerHandle::shutdown`] lets requests in flight finish (default 5 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Serve HTTPS with this certificate chain and private key (PEM; PKCS#8, PKCS#1 or SEC1 key).
    #[cfg(feature = "tls")]
    pub fn tls(
        mut self,
        cert_pem: impl AsRef<[u8]>,
        key_pem: impl AsRef<[u8]>,
    ) -> Result<Self, KsuError> {
        self.tls = Some(crate::tls::server_config(
            cert_pem.as_ref(),
            key_pem.as_ref(),
        )?);
        Ok(self)
    }

    /// Opens the store, binds the address and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<ListenerHandle, KsuError> {
        let (id, secret) = match (&self.client_id, &self.client_secret) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => (id, secret),
            _ => {
                return Err(KsuError::Config(
                    "client_credentials(id, secret) must be set and non-empty".into(),
                ));
            }
        };
        if self.token_ttl.is_zero() {
            return Err(KsuError::Config("token_ttl must be positive".into()));
        }
        let store = match (self.store, &self.db) {
            (Some(store), _) => store,
            (None, Some(path)) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || KsuStore::open(path))
                    .await
                    .map_err(|e| KsuError::Task(e.to_string()))??
            }
            (None, None) => return Err(KsuError::Config("set db(path) or store(store)".into())),
        };
        let app = App {
            store: store.clone(),
            credentials: Arc::new(Credentials::new(id, secret)),
            tokens: Arc::new(Tokens::new(self.token_ttl)),
            max_body: self.max_body,
        };
        let router = router(app);
        let tcp = tokio::net::TcpListener::bind(self.bind).await?;
        let local_addr = tcp.local_addr()?;
        let (stop, mut stopped) = watch::channel(false);
        let signal = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        #[cfg(feature = "tls")]
        let (scheme, task): (&str, JoinHandle<std::io::Result<()>>) = match self.tls {
            Some(config) => {
                let listener = crate::tls::TlsListener::new(tcp, config)?;
                (
                    "https",
                    tokio::spawn(
                        axum::serve(listener, router)
                            .with_graceful_shutdown(signal)
                            .into_future(),
                    ),
                )
            }
            None => ("http", spawn_plain(tcp, router, signal)),
        };
        #[cfg(not(feature = "tls"))]
        let (scheme, task) = ("http", spawn_plain(tcp, router, signal));
        tracing::info!(%local_addr, scheme, db = %store.path().display(), "KSU listener started");
        Ok(ListenerHandle {
            local_addr,
            scheme,
            store,
            stop,
            task: Some(task),
            grace: self.shutdown_grace,
        })
    }
}

fn spawn_plain(
    tcp: tokio::net::TcpListener,
    router: Router,
    signal: impl std::future::Future<Output = ()> + Send + 'static,
) -> JoinHandle<std::io::Result<()>> {
    use axum::serve::ListenerExt;
    let listener = tcp.tap_io(|io| {
        let _ = io.set_nodelay(true);
    });
    tokio::spawn(
        axum::serve(listener, router)
            .with_graceful_shutdown(signal)
            .into_future(),
    )
}

/// A running listener. Dropping it stops the listener (in the background); call
/// [`ListenerHandle::shutdown`] to wait for it.
#[derive(Debug)]
pub struct ListenerHandle {
    local_addr: SocketAddr,
    scheme: &'static str,
    store: KsuStore,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    grace: Duration,
}

impl ListenerHandle {
    /// The bound address (with the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://IP:PORT` (or `https://`), with a loopback IP when bound to an unspecified address.
    pub fn base_url(&self) -> String {
        let mut addr = self.local_addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            });
        }
        format!("{}://{}", self.scheme, addr)
    }

    /// The event store the listener writes to.
    pub fn store(&self) -> KsuStore {
        self.store.clone()
    }

    /// Stops accepting, lets requests in flight finish (up to the shutdown grace), then returns.
    pub async fn shutdown(mut self) -> Result<(), KsuError> {
        let _ = self.stop.send(true);
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(self.grace, &mut task).await {
            Ok(Ok(result)) => result.map_err(KsuError::Io),
            Ok(Err(e)) => Err(KsuError::Task(e.to_string())),
            Err(_) => {
                tracing::warn!(
                    "KSU listener: requests still open after the shutdown grace; closing them"
                );
                task.abort();
                Ok(())
            }
        }
    }

    /// Resolves when the server stops by itself (it only does so on an I/O failure).
    pub async fn stopped(&mut self) -> Result<(), KsuError> {
        match self.task.as_mut() {
            Some(task) => {
                let result = task.await;
                self.task = None;
                match result {
                    Ok(r) => r.map_err(KsuError::Io),
                    Err(e) => Err(KsuError::Task(e.to_string())),
                }
            }
            None => Ok(()),
        }
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[derive(Clone)]
struct App {
    store: KsuStore,
    credentials: Arc<Credentials>,
    tokens: Arc<Tokens>,
    max_body: usize,
}

fn router(app: App) -> Router {
    Router::new()
        .route(
            "/oauth/accesstoken",
            post(token).fallback(method_not_allowed),
        )
        .route(
            "/listener/productOrderEvent",
            post(event).fallback(method_not_allowed),
        )
        .route(
            "/listener/productOrderCreateEvent",
            post(event).fallback(method_not_allowed),
        )
        .route(
            "/listener/productOrderStateChangeEvent",
            post(event).fallback(method_not_allowed),
        )
        .route("/health", get(health))
        .fallback(not_found)
        .with_state(app)
}

#[derive(Serialize)]
struct Failure<'a> {
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    message: &'a str,
    /// RFC 6749 §5.2 error code, for standard OAuth clients (token endpoint only).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn failure(status: StatusCode, code: &str, reason: Option<&str>, message: &str) -> Response {
    json_response(
        status,
        &Failure {
            code,
            reason,
            message,
            error: None,
        },
    )
}

async fn health() -> Response {
    json_response(StatusCode::OK, &serde_json::json!({"status": "ok"}))
}

async fn not_found() -> Response {
    failure(StatusCode::NOT_FOUND, "60", None, "Resource not found")
}

async fn method_not_allowed() -> Response {
    failure(
        StatusCode::METHOD_NOT_ALLOWED,
        "61",
        None,
        "Method not allowed",
    )
}

enum ReadError {
    TooLarge,
    Failed,
}

async fn read_body(headers: &HeaderMap, body: Body, max: usize) -> Result<Bytes, ReadError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(ReadError::TooLarge);
    }
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(ReadError::TooLarge),
        Err(_) => Err(ReadError::Failed),
    }
}

fn too_large(max: usize) -> Response {
    failure(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLarge",
        Some("Payload too large"),
        &format!("Body exceeds the {max}-byte limit"),
    )
}

fn token_failure(status: StatusCode, code: &str, message: &str, error: &str) -> Response {
    let mut response = json_response(
        status,
        &Failure {
            code,
            reason: None,
            message,
            error: Some(error),
        },
    );
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"ksu\""),
        );
    }
    response
}

fn form_field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `POST /oauth/accesstoken`: RFC 6749 §4.4 client credentials.
async fn token(State(app): State<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (uri, headers) = (parts.uri, parts.headers);
    let bytes = match read_body(&headers, body, MAX_TOKEN_BODY).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return too_large(MAX_TOKEN_BODY),
        Err(ReadError::Failed) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "29",
                None,
                "Request body could not be read",
            );
        }
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let query: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();

    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let (id, secret) = match basic_credentials(authorization) {
        Some(Ok(pair)) => pair,
        Some(Err(())) => {
            tracing::warn!("token request with an unreadable Basic header");
            return token_failure(
                StatusCode::UNAUTHORIZED,
                "41",
                "Invalid credentials",
                "invalid_client",
            );
        }
        None => match (
            form_field(&form, "client_id"),
            form_field(&form, "client_secret"),
        ) {
            (Some(id), Some(secret)) => (id.to_string(), secret.to_string()),
            _ => {
                return token_failure(
                    StatusCode::UNAUTHORIZED,
                    "40",
                    "Missing credentials",
                    "invalid_client",
                );
            }
        },
    };
    if !app.credentials.verify_encoded(&id, &secret) {
        tracing::warn!("token request with wrong client credentials");
        return token_failure(
            StatusCode::UNAUTHORIZED,
            "41",
            "Invalid credentials",
            "invalid_client",
        );
    }
    match form_field(&form, "grant_type").or_else(|| form_field(&query, "grant_type")) {
        Some("client_credentials") => {}
        None => {
            return token_failure(
                StatusCode::BAD_REQUEST,
                "23",
                "grant_type not supplied",
                "invalid_request",
            );
        }
        Some(_) => {
            return token_failure(
                StatusCode::BAD_REQUEST,
                "24",
                "grant_type must be client_credentials",
                "unsupported_grant_type",
            );
        }
    }
    let token = app.tokens.issue();
    let ttl = app.tokens.ttl();
    let expires_in = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
    let reply = bt_oauth::types::SnakeCaseAccessToken {
        access_token: token,
        token_type: Some("Bearer".into()),
        expires_in: Some(expires_in.into()),
        client_id: None,
        issued_at: None,
        status: None,
    };
    tracing::info!(expires_in, "KSU token issued");
    let mut response = json_response(StatusCode::OK, &reply);
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /listener/productOrder*Event`: any KSU, whatever the path; stored before the reply.
async fn event(State(app): State<App>, request: Request) -> Response {
    // Taking the request whole avoids the copy of the header map that the extractor makes.
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Err(problem) = app.tokens.check(authorization) {
        let (code, message) = match problem {
            TokenProblem::Missing => ("40", "Missing credentials"),
            TokenProblem::Invalid => ("41", "Invalid credentials"),
            TokenProblem::Expired => ("42", "Expired credentials"),
        };
        tracing::warn!(code, "KSU refused: {message}");
        let mut response = failure(StatusCode::UNAUTHORIZED, code, None, message);
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"ksu\""),
        );
        return response;
    }
    let bytes = match read_body(&headers, body, app.max_body).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return too_large(app.max_body),
        Err(ReadError::Failed) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "InvalidBody",
                None,
                "Request body could not be read",
            );
        }
    };
    let incoming = match ingest::decode(&bytes, Utc::now()) {
        Ok(i) => i,
        Err(_) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "InvalidBody",
                Some("Malformed JSON"),
                "Request body could not be parsed as JSON",
            );
        }
    };
    if !incoming.parsed {
        tracing::warn!(
            event_id = %incoming.event_id,
            event_type = incoming.event_type.as_deref().unwrap_or("-"),
            "KSU of unknown type or shape stored unparsed"
        );
    }
    match app.store.store(incoming).await {
        Ok(outcome) => json_response(
            StatusCode::OK,
            &bt_order_notifications::types::EventAcknowledgement {
                event_id: outcome.event_id,
                status: outcome.status.as_str().to_string(),
            },
        ),
        Err(e) => {
            tracing::error!(error = %e, "KSU could not be stored");
            failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "05",
                None,
                "Service temporarily unavailable",
            )
        }
    }
}
