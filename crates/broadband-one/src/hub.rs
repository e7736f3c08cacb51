//! The authenticated Hub client: one generated client per API, sharing a token and a runtime.

use std::sync::Arc;

use bt_core::{BtError, Ctx};
use progenitor_client::Error as ApiError;

use crate::config::{Api, HubConfig};
use crate::error::{HubError, Result};
use crate::middleware::HubMiddleware;
use crate::token::TokenSource;

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
        let builder = || -> Result<reqwest::ClientBuilder> {
            let b = reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .timeout(config.request_timeout)
                .pool_idle_timeout(std::time::Duration::from_secs(60));
            with_identity(b, &config)
        };
        let tokens = Arc::new(TokenSource::new(&config.token_url(), &config.client_id, &config.client_secret, builder()?)?);
        let middleware = Arc::new(HubMiddleware::new(tokens.clone(), config.retry.clone()));
        let http = builder()?
            .build()
            .map_err(|e| HubError::invalid("tls", format!("cannot build the HTTP client: {e}")))?;
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

    pub(crate) fn address(&self) -> &bt_address::Client {
        &self.inner.address
    }
    pub(crate) fn availability(&self) -> &bt_product_availability::Client {
        &self.inner.availability
    }
    pub(crate) fn lines(&self) -> &bt_line_availability::Client {
        &self.inner.lines
    }
    pub(crate) fn appointments(&self) -> &bt_appointment::Client {
        &self.inner.appointments
    }
    pub(crate) fn orders(&self) -> &bt_product_order::Client {
        &self.inner.orders
    }
    pub(crate) fn inventory(&self) -> &bt_product_inventory::Client {
        &self.inner.inventory
    }

    /// The tracking id for the next call: the caller's, or a fresh UUID.
    pub(crate) fn tracking_id(&self) -> String {
        match &self.fixed_tracking_id {
            Some(id) => id.to_string(),
            None => uuid::Uuid::new_v4().to_string(),
        }
    }

    /// `APIGW-Client-Id` for order calls.
    pub(crate) fn api_client_id(&self) -> &str {
        self.inner.config.api_client_id.as_deref().unwrap_or(&self.inner.config.client_id)
    }

    /// Turns a generated client's error into a [`HubError`].
    pub(crate) fn error(&self, error: ApiError<BtError>, tracking_id: &str) -> HubError {
        let status = self.inner.middleware.take_status(tracking_id);
        from_api_error(error, tracking_id, status)
    }

    /// Forgets the status recorded for a call that succeeded.
    pub(crate) fn done(&self, tracking_id: &str) {
        self.inner.middleware.take_status(tracking_id);
    }
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
