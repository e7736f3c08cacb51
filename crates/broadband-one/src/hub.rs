//! The authenticated Hub client: one generated client per API, sharing a token and a runtime.

use std::future::Future;
use std::sync::Arc;

use bt_core::{BtError, Ctx};
use progenitor_client::{Error as ApiError, ResponseValue};

use crate::call::{self, CallRecord};
use crate::config::{Api, HubConfig};
use crate::error::{HubError, Result};
use crate::middleware::HubMiddleware;
use crate::token::TokenSource;
use crate::validate;

struct Inner {
    config: HubConfig,
    tokens: Arc<TokenSource>,
    middleware: Arc<HubMiddleware>,
    address: bt_address::Client,
    availability: bt_product_availability::Client,
    lines: bt_line_availability::Client,
    appointments: bt_appointment::Client,
    orders: bt_product_order::Client,
    inventory: bt_product_inventory::Client,
}

/// A client for BT's Hub. Cheap to clone; clones share the token and connections.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
    /// A caller-chosen `APIGW-Tracking-Header` for every call made through this value.
    fixed_tracking_id: Option<Arc<str>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Hub {
    /// Builds the clients. Nothing is sent until the first call (the token is fetched lazily).
    pub fn new(config: HubConfig) -> Result<Hub> {
        let http = http_client_builder(&config)?
            .build()
            .map_err(|e| HubError::invalid("tls", format!("cannot build the HTTP client: {e}")))?;
        Hub::with_http_client(config, http)
    }

    /// Builds a Hub whose API calls go through `http`: its connection pool, proxy, TLS settings
    /// and timeouts, so an application can share one pool between the Hub and its own calls.
    /// `config`'s timeouts and identity then apply to the token endpoint only.
    pub fn with_http_client(config: HubConfig, http: reqwest::Client) -> Result<Hub> {
        let tokens = Arc::new(TokenSource::new(&config.token_url(), &config.client_id, &config.client_secret, http_client_builder(&config)?)?);
        let middleware = Arc::new(HubMiddleware::new(tokens.clone(), config.retry.clone()));
        let ctx = Ctx::new().with_middleware(middleware.clone());
        let inner = Inner {
            address: bt_address::Client::new_with_client(&config.base_url(Api::Address), http.clone(), ctx.clone()),
            availability: bt_product_availability::Client::new_with_client(&config.base_url(Api::ProductAvailability), http.clone(), ctx.clone()),
            lines: bt_line_availability::Client::new_with_client(&config.base_url(Api::LineAvailability), http.clone(), ctx.clone()),
            appointments: bt_appointment::Client::new_with_client(&config.base_url(Api::Appointment), http.clone(), ctx.clone()),
            orders: bt_product_order::Client::new_with_client(&config.base_url(Api::ProductOrder), http.clone(), ctx.clone()),
            inventory: bt_product_inventory::Client::new_with_client(&config.base_url(Api::ProductInventory), http, ctx),
            config,
            tokens,
            middleware,
        };
        Ok(Hub { inner: Arc::new(inner), fixed_tracking_id: None })
    }

    /// Builds a Hub from `BB1_*` environment variables (see [`HubConfig::from_env`]).
    pub fn from_env() -> Result<Hub> {
        Hub::new(HubConfig::from_env()?)
    }

    /// The same Hub, sending `tracking_id` as `APIGW-Tracking-Header` on every call (BT's
    /// sandbox picks its error scenarios by this value).
    pub fn with_tracking_id(&self, tracking_id: impl Into<String>) -> Hub {
        Hub { inner: self.inner.clone(), fixed_tracking_id: Some(Arc::from(tracking_id.into())) }
    }

    pub fn config(&self) -> &HubConfig {
        &self.inner.config
    }

    /// How many token requests this Hub has made.
    pub fn token_requests(&self) -> u64 {
        self.inner.tokens.fetch_count()
    }

    /// How many HTTP requests this Hub has sent to BT's APIs (retries included, token requests not).
    pub fn requests_sent(&self) -> u64 {
        self.inner.middleware.requests_sent()
    }

    // The generated clients, wired to this Hub's runtime: its token, retries on the operations
    // that are safe to repeat, and a tracing span per call. They reach the operations and fields
    // the journey functions do not cover. Each call gets a fresh `APIGW-Tracking-Header` unless
    // the builder sets one (`with_tracking_id` applies to the journey functions only), and errors
    // come back as the generated crate's `Error<BtError>`, not as `HubError`.

    /// Address Management ([`bt_address::Client`]), wired to this Hub's runtime.
    pub fn address(&self) -> &bt_address::Client {
        &self.inner.address
    }
    /// Product Availability ([`bt_product_availability::Client`]), wired to this Hub's runtime.
    pub fn availability(&self) -> &bt_product_availability::Client {
        &self.inner.availability
    }
    /// Line Availability ([`bt_line_availability::Client`]), wired to this Hub's runtime.
    pub fn lines(&self) -> &bt_line_availability::Client {
        &self.inner.lines
    }
    /// Appointment Management ([`bt_appointment::Client`]), wired to this Hub's runtime.
    pub fn appointments(&self) -> &bt_appointment::Client {
        &self.inner.appointments
    }
    /// Product Order ([`bt_product_order::Client`]), wired to this Hub's runtime. Orders sent
    /// this way are never retried, but they also skip the `externalId` lookup that
    /// [`Hub::submit_order`] does when a submission's outcome is unknown.
    pub fn orders(&self) -> &bt_product_order::Client {
        &self.inner.orders
    }
    /// Product Inventory ([`bt_product_inventory::Client`]), wired to this Hub's runtime.
    pub fn inventory(&self) -> &bt_product_inventory::Client {
        &self.inner.inventory
    }

    /// Sends one generated-client call and maps its error.
    pub(crate) async fn call<T>(&self, send: impl Future<Output = ApiResult<T>>) -> Result<ResponseValue<T>> {
        let (result, record) = self.call_recorded(send).await?;
        result.map_err(|e| record.error(e))
    }

    /// Sends one generated-client call and returns its raw result with what the runtime recorded
    /// (for callers that must look at the error before it becomes a [`HubError`]).
    pub(crate) async fn call_recorded<T>(&self, send: impl Future<Output = ApiResult<T>>) -> Result<(ApiResult<T>, CallRecord)> {
        let fixed = match &self.fixed_tracking_id {
            Some(id) => Some(validate::tracking_id("tracking_id", id)?),
            None => None,
        };
        Ok(call::recorded(fixed, send).await)
    }

    /// `APIGW-Client-Id` for order calls.
    pub(crate) fn api_client_id(&self) -> &str {
        self.inner.config.api_client_id.as_deref().unwrap_or(&self.inner.config.client_id)
    }
}

pub(crate) type ApiResult<T> = std::result::Result<ResponseValue<T>, ApiError<BtError>>;

impl CallRecord {
    /// Turns a generated client's error into a [`HubError`].
    pub(crate) fn error(&self, error: ApiError<BtError>) -> HubError {
        from_api_error(error, self.tracking_id(), self.status())
    }
}

fn http_client_builder(config: &HubConfig) -> Result<reqwest::ClientBuilder> {
    let builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(60));
    with_identity(builder, config)
}

fn with_identity(builder: reqwest::ClientBuilder, config: &HubConfig) -> Result<reqwest::ClientBuilder> {
    let Some(pem) = &config.identity_pem else { return Ok(builder) };
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    {
        let identity = reqwest::Identity::from_pem(pem.expose().as_bytes())
            .map_err(|e| HubError::invalid("identity_pem", format!("not a PEM certificate chain and PKCS#8 key: {e}")))?;
        Ok(builder.identity(identity))
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    {
        let _ = (pem, builder);
        Err(HubError::invalid("identity_pem", "mutual TLS needs a TLS backend: build broadband-one with the `rustls` or `native-tls` feature"))
    }
}

pub(crate) fn from_api_error(error: ApiError<BtError>, tracking_id: &str, status: Option<u16>) -> HubError {
    let tracking = Some(tracking_id.to_string());
    match error {
        ApiError::InvalidRequest(message) => HubError::invalid("request", message),
        ApiError::Custom(message) => HubError::Authentication { message },
        ApiError::CommunicationError(e) | ApiError::ResponseBodyError(e) | ApiError::InvalidUpgrade(e) => {
            let retryable = e.is_connect() || e.is_timeout();
            HubError::Transport { message: e.to_string(), retryable, tracking_id: tracking }
        }
        ApiError::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let body = rv.into_inner();
            if status == 401 {
                return HubError::Authentication {
                    message: format!("BT refused the token (HTTP 401, {body}); check the client id and secret"),
                };
            }
            HubError::Rejected {
                status,
                code: body.code().map(str::to_string),
                reason: body.reason.clone(),
                message: body.text().map(str::to_string),
                tracking_id: tracking_id.to_string(),
            }
        }
        ApiError::InvalidResponsePayload(bytes, e) => HubError::UnexpectedResponse {
            status,
            message: format!("{e} in a {}-byte body", bytes.len()),
            tracking_id: tracking,
        },
        ApiError::UnexpectedResponse(response) => HubError::Rejected {
            status: response.status().as_u16(),
            code: None,
            reason: None,
            message: Some("an HTTP status this API does not document".into()),
            tracking_id: tracking_id.to_string(),
        },
    }
}
