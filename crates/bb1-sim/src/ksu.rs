//! KSU delivery: every order event is POSTed to the registered listener
//! (`{callback}/listener/productOrderEvent`) with the generated order-notifications client, after
//! a client-credentials token from `{callback}/oauth/accesstoken` (the generated OAuth client,
//! HTTP Basic), as BT does for a customer. Deliveries run one at a time in event order; a failure
//! is retried with exponential backoff up to a bound, and every attempt is recorded.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use bt_oauth::types::{AccessTokenRequest, AccessTokenResponse, GrantType};
use bt_order_notifications::types::ProductOrderEvent;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use tokio::sync::{Notify, mpsc, watch};

use crate::clock::lock;
use crate::faults::Faults;
use crate::rng::SimRng;
use crate::state::AppState;

/// Where KSUs go and the credentials for the listener's token endpoint.
#[derive(Clone)]
pub struct Callback {
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
}

// Never print the secret.
impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Retry policy for failed deliveries.
#[derive(Clone, Debug)]
pub struct KsuRetry {
    /// Attempts per event, the first included.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled for each further one.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for KsuRetry {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Where an event stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KsuOutcome {
    /// Queued or being retried.
    Pending,
    Delivered,
    /// Every attempt failed.
    Failed,
    /// No callback is configured: the event is only recorded.
    NoCallback,
}

/// One delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KsuAttempt {
    pub event_id: String,
    /// 1 for the first try of an event.
    pub attempt: u32,
    /// HTTP status the listener answered, if it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub delivered: bool,
    /// A deliberate second delivery (fault injection).
    pub duplicate: bool,
}

/// One event and what became of it.
#[derive(Clone, Debug)]
pub struct KsuRecord {
    pub event: ProductOrderEvent,
    pub event_id: String,
    pub event_type: String,
    pub order_id: Option<String>,
    pub external_id: Option<String>,
    /// Order state carried by the event.
    pub state: Option<String>,
    pub attempts: u32,
    pub outcome: KsuOutcome,
}

pub(crate) struct KsuQueue {
    tx: Option<mpsc::UnboundedSender<usize>>,
    records: Mutex<Vec<KsuRecord>>,
    attempts: Mutex<Vec<KsuAttempt>>,
    pending: AtomicUsize,
    idle: Notify,
}

impl KsuQueue {
    pub(crate) fn new(with_callback: bool) -> (Self, Option<mpsc::UnboundedReceiver<usize>>) {
        let (tx, rx) = if with_callback {
            let (tx, rx) = mpsc::unbounded_channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        let q = Self {
            tx,
            records: Mutex::new(Vec::new()),
            attempts: Mutex::new(Vec::new()),
            pending: AtomicUsize::new(0),
            idle: Notify::new(),
        };
        (q, rx)
    }

    pub(crate) fn enqueue(&self, events: Vec<ProductOrderEvent>) {
        for event in events {
            let order = event.event.as_ref().and_then(|e| e.product_order.as_ref());
            let record = KsuRecord {
                event_id: event.event_id.clone().unwrap_or_default(),
                event_type: event.event_type.clone().unwrap_or_default(),
                order_id: order.and_then(|o| o.id.clone()),
                external_id: order.and_then(|o| o.external_id.clone()),
                state: order.and_then(|o| o.state.clone()),
                attempts: 0,
                outcome: if self.tx.is_some() {
                    KsuOutcome::Pending
                } else {
                    KsuOutcome::NoCallback
                },
                event,
            };
            let index = {
                let mut records = lock(&self.records);
                records.push(record);
                records.len() - 1
            };
            if let Some(tx) = &self.tx {
                self.pending.fetch_add(1, Ordering::SeqCst);
                if tx.send(index).is_err() {
                    self.finish(index, KsuOutcome::Failed);
                }
            }
        }
    }

    pub(crate) fn records(&self) -> Vec<KsuRecord> {
        lock(&self.records).clone()
    }

    pub(crate) fn attempts(&self) -> Vec<KsuAttempt> {
        lock(&self.attempts).clone()
    }

    fn finish(&self, index: usize, outcome: KsuOutcome) {
        if let Some(r) = lock(&self.records).get_mut(index) {
            r.outcome = outcome;
        }
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_waiters();
        }
    }

    /// Waits until every queued event is delivered or given up; false on timeout.
    pub(crate) async fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.idle.notified();
            if self.pending.load(Ordering::SeqCst) == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.pending.load(Ordering::SeqCst) == 0;
            }
        }
    }
}

/// Adds `Authorization: Basic …` to the token request (the generated OAuth client leaves client
/// authentication to the caller).
struct BasicAuth(HeaderValue);

impl bt_core::Middleware for BasicAuth {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation_id: &'static str,
    ) -> bt_core::BoxFuture<'a, Result<(), String>> {
        request.headers_mut().insert(AUTHORIZATION, self.0.clone());
        Box::pin(async { Ok(()) })
    }
}

struct Deliverer {
    st: Arc<AppState>,
    callback: Callback,
    retry: KsuRetry,
    faults: Faults,
    http: reqwest::Client,
    token: Option<(String, Instant)>,
    rng: SimRng,
}

/// How long a held-back event (reorder fault) waits for a successor before going out anyway.
const REORDER_WAIT: Duration = Duration::from_millis(300);

pub(crate) async fn run_worker(
    st: Arc<AppState>,
    mut rx: mpsc::UnboundedReceiver<usize>,
    callback: Callback,
    retry: KsuRetry,
    faults: Faults,
    seed: u64,
    mut shutdown: watch::Receiver<bool>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let mut d = Deliverer {
        st,
        callback,
        retry,
        faults,
        http,
        token: None,
        rng: SimRng::stream(seed, "ksu-faults"),
    };
    let mut held: Option<usize> = None;
    loop {
        let wait = async {
            match held {
                Some(_) => tokio::time::timeout(REORDER_WAIT, rx.recv()).await.ok(),
                None => Some(rx.recv().await),
            }
        };
        let next = tokio::select! {
            n = wait => n,
            _ = shutdown.changed() => break,
        };
        match next {
            // The held event's wait ran out: send it now.
            None => {
                if let Some(h) = held.take() {
                    d.deliver(h).await;
                }
            }
            Some(None) => break,
            Some(Some(index)) => {
                if held.is_none() && d.rng.chance(d.faults.ksu_reorder) {
                    held = Some(index);
                    continue;
                }
                d.deliver(index).await;
                if let Some(h) = held.take() {
                    d.deliver(h).await;
                }
            }
        }
    }
}

impl Deliverer {
    async fn deliver(&mut self, index: usize) {
        let Some(event) = lock(&self.st.ksu.records)
            .get(index)
            .map(|r| r.event.clone())
        else {
            return;
        };
        let event_id = event.event_id.clone().unwrap_or_default();
        if self.faults.ksu_delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.faults.ksu_delay_ms)).await;
        }
        let mut outcome = KsuOutcome::Failed;
        for attempt in 1..=self.retry.max_attempts.max(1) {
            let result = self.try_once(&event).await;
            let delivered = result.is_ok();
            self.record(index, &event_id, attempt, result, false);
            if delivered {
                outcome = KsuOutcome::Delivered;
                if self.rng.chance(self.faults.ksu_duplicate) {
                    let again = self.try_once(&event).await;
                    self.record(index, &event_id, attempt + 1, again, true);
                }
                break;
            }
            if attempt < self.retry.max_attempts {
                let factor = 2u32.saturating_pow(attempt - 1);
                let wait = self
                    .retry
                    .base_delay
                    .saturating_mul(factor)
                    .min(self.retry.max_delay);
                tokio::time::sleep(wait).await;
            }
        }
        self.st.ksu.finish(index, outcome);
    }

    fn record(
        &self,
        index: usize,
        event_id: &str,
        attempt: u32,
        result: Result<u16, (Option<u16>, String)>,
        duplicate: bool,
    ) {
        let (status, error, delivered) = match result {
            Ok(s) => (Some(s), None, true),
            Err((s, e)) => (s, Some(e), false),
        };
        lock(&self.st.ksu.attempts).push(KsuAttempt {
            event_id: event_id.into(),
            attempt,
            status,
            error,
            delivered,
            duplicate,
        });
        if let Some(r) = lock(&self.st.ksu.records).get_mut(index) {
            r.attempts += 1;
        }
    }

    fn base(&self) -> &str {
        self.callback.url.trim_end_matches('/')
    }

    /// A cached token, or a new one from the listener's token endpoint.
    async fn token(&mut self) -> Result<String, String> {
        if let Some((t, until)) = &self.token
            && Instant::now() < *until
        {
            return Ok(t.clone());
        }
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.callback.client_id, self.callback.client_secret
        ));
        let mut header = HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| "client id or secret not usable in a header".to_string())?;
        header.set_sensitive(true);
        let ctx = bt_core::Ctx::new().with_middleware(Arc::new(BasicAuth(header)));
        let client = bt_oauth::Client::new_with_client(self.base(), self.http.clone(), ctx);
        let answer = client
            .create_access_token()
            .grant_type(GrantType::ClientCredentials)
            .body(AccessTokenRequest {
                grant_type: GrantType::ClientCredentials,
            })
            .send()
            .await
            .map_err(|e| {
                format!(
                    "token request failed: {}",
                    e.status()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "no answer".into())
                )
            })?
            .into_inner();
        let (token, expires) = match answer {
            AccessTokenResponse::SnakeCaseAccessToken(t) => (t.access_token, t.expires_in),
            AccessTokenResponse::CamelCaseAccessToken(t) => (t.access_token, t.expires_in),
        };
        let secs = expires
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(3599);
        // Refresh a little early so a token never expires in flight.
        let until = Instant::now() + Duration::from_secs(secs.saturating_sub(30).max(1));
        self.token = Some((token.clone(), until));
        Ok(token)
    }

    async fn try_once(&mut self, event: &ProductOrderEvent) -> Result<u16, (Option<u16>, String)> {
        use bt_order_notifications::Error;
        let token = self.token().await.map_err(|e| (None, e))?;
        let client = bt_order_notifications::Client::new_with_client(
            self.base(),
            self.http.clone(),
            bt_core::Ctx::new().with_bearer_token(token),
        );
        match client
            .notify_product_order_event()
            .body(event.clone())
            .send()
            .await
        {
            Ok(v) => Ok(v.status().as_u16()),
            // Any 2xx is an acceptance, whatever body the listener chose to send.
            Err(Error::UnexpectedResponse(r)) if r.status().is_success() => Ok(r.status().as_u16()),
            Err(Error::InvalidResponsePayload(..)) => Ok(200),
            Err(e) => {
                let status = e.status().map(|s| s.as_u16());
                if status == Some(401) {
                    self.token = None;
                }
                Err((
                    status,
                    status
                        .map(|s| format!("listener answered {s}"))
                        .unwrap_or_else(|| "listener unreachable".into()),
                ))
            }
        }
    }
}
