//! The embeddable simulator: a builder, and a handle to the running instance.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bt_product_order::types::ProductOrder;
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::address::AddressBook;
use crate::auth::AuthStore;
use crate::clock::{Clock, SimClock, lock};
use crate::faults::{FaultState, Faults};
use crate::ksu::{self, Callback, KsuAttempt, KsuQueue, KsuRecord, KsuRetry};
use crate::orders::lifecycle;
use crate::rng::SimRng;
use crate::server;
use crate::state::{AppState, Ledger};
use crate::world::World;

/// Default client credentials the simulator accepts.
pub const DEFAULT_CLIENT_ID: &str = "sim-client";
pub const DEFAULT_CLIENT_SECRET: &str = "sim-secret";
/// Default token lifetime (Apigee's stock 3599 s).
pub const DEFAULT_TOKEN_TTL_SECS: u32 = 3599;

/// Where the stepped clock starts unless told otherwise: a fixed Monday in BST, so stepped runs
/// are byte-for-byte reproducible.
pub fn default_stepped_start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_300_800, 0).unwrap_or_default() // 2026-06-01T08:00:00Z
}

/// Configures a [`Simulator`].
#[derive(Clone)]
pub struct SimulatorBuilder {
    seed: u64,
    clock: Clock,
    start: Option<DateTime<Utc>>,
    bind: SocketAddr,
    client_id: String,
    client_secret: String,
    token_ttl_secs: u32,
    callback: Option<Callback>,
    faults: Faults,
    ksu_retry: KsuRetry,
}

// Never print the client secret (the callback's secret is redacted by `Callback` itself).
impl std::fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorBuilder")
            .field("seed", &self.seed)
            .field("clock", &self.clock)
            .field("start", &self.start)
            .field("bind", &self.bind)
            .field("client_id", &self.client_id)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("callback", &self.callback)
            .field("faults", &self.faults)
            .field("ksu_retry", &self.ksu_retry)
            .finish_non_exhaustive()
    }
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            seed: 1,
            clock: Clock::Fast,
            start: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            token_ttl_secs: DEFAULT_TOKEN_TTL_SECS,
            callback: None,
            faults: Faults::default(),
            ksu_retry: KsuRetry::default(),
        }
    }
}

impl SimulatorBuilder {
    /// The seed of the world and of every id, token and fault decision.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Simulated time at start (default: now, or [`default_stepped_start`] for a stepped clock).
    pub fn start_time(mut self, t: DateTime<Utc>) -> Self {
        self.start = Some(t);
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// The client id and secret the token endpoint accepts.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    pub fn token_ttl_secs(mut self, secs: u32) -> Self {
        self.token_ttl_secs = secs;
        self
    }

    /// Deliver KSUs to `url` (a listener serving `/oauth/accesstoken` and
    /// `/listener/productOrderEvent`) with these client credentials.
    pub fn callback(
        mut self,
        url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.callback = Some(Callback {
            url: url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    pub fn ksu_retry(mut self, retry: KsuRetry) -> Self {
        self.ksu_retry = retry;
        self
    }

    /// Binds, starts serving and returns the running simulator.
    pub async fn start(self) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let world = Arc::new(World::generate(self.seed));
        let start = self.start.unwrap_or_else(|| match self.clock {
            Clock::Stepped => default_stepped_start(),
            _ => Utc::now().with_nanosecond(0).unwrap_or_else(Utc::now),
        });
        let (ksu_queue, ksu_rx) = KsuQueue::new(self.callback.is_some());
        let state = Arc::new(AppState {
            world: world.clone(),
            clock: SimClock::new(self.clock, start),
            auth: AuthStore::new(
                self.seed,
                self.client_id,
                self.client_secret,
                self.token_ttl_secs,
            ),
            addresses: RwLock::new(AddressBook::default()),
            ledger: Mutex::new(Ledger::new(self.seed)),
            ids: Mutex::new(SimRng::stream(self.seed, "ids")),
            faults: FaultState::new(self.faults.clone(), self.seed),
            ksu: ksu_queue,
            base_url: base_url.clone(),
            wake: Notify::new(),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let app = server::router(state.clone());
        tasks.push(tokio::spawn(server::serve(
            listener,
            app,
            shutdown_rx.clone(),
        )));
        if self.clock != Clock::Stepped {
            tasks.push(tokio::spawn(drive_orders(
                state.clone(),
                shutdown_rx.clone(),
            )));
        }
        if let (Some(callback), Some(rx)) = (self.callback, ksu_rx) {
            tasks.push(tokio::spawn(ksu::run_worker(
                state.clone(),
                rx,
                callback,
                self.ksu_retry,
                self.faults,
                self.seed,
                shutdown_rx,
            )));
        }
        Ok(Simulator {
            state,
            shutdown,
            tasks,
            base_url,
            addr,
        })
    }
}

/// Moves orders along under the real and fast clocks.
async fn drive_orders(st: Arc<AppState>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let (events, next) = {
            let mut ledger = lock(&st.ledger);
            let events = lifecycle::process_due(&st, &mut ledger, st.clock.now());
            (events, ledger.orders.next_due())
        };
        st.ksu.enqueue(events);
        let wait = next
            .and_then(|t| st.clock.real_wait_until(t))
            .unwrap_or(Duration::from_secs(3600));
        tokio::select! {
            _ = tokio::time::sleep(wait.max(Duration::from_millis(1))) => {}
            _ = st.wake.notified() => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// A running simulator. Dropping it stops serving; [`Simulator::shutdown`] also waits for open
/// requests to finish.
pub struct Simulator {
    state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    base_url: String,
    addr: SocketAddr,
}

impl Simulator {
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// `http://127.0.0.1:PORT`: give `{base}/common` or `{base}/hubco/tmf` to a generated client,
    /// and `{base}` for the token endpoint.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn client_id(&self) -> &str {
        self.state.auth.client_id()
    }

    pub fn client_secret(&self) -> &str {
        self.state.auth.client_secret()
    }

    pub fn world(&self) -> &World {
        &self.state.world
    }

    pub fn clock(&self) -> Clock {
        self.state.clock.mode()
    }

    /// The simulated now.
    pub fn now(&self) -> DateTime<Utc> {
        self.state.clock.now()
    }

    /// Stepped clock: moves simulated time forward by `by`, applying every order stage that falls
    /// due on the way (in time order, each at its own time). Other clocks: applies what is due.
    pub async fn advance(&self, by: Duration) {
        let target = self.now() + TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        let stepped = self.clock() == Clock::Stepped;
        loop {
            let next = lock(&self.state.ledger).orders.next_due();
            match next {
                Some(t) if t <= target && stepped => {
                    self.state.clock.set(t);
                    self.process();
                }
                _ => break,
            }
        }
        if stepped {
            self.state.clock.set(target);
        }
        self.process();
    }

    /// Stepped clock: jumps to the next due order stage and applies it. Returns its time, or
    /// `None` when no order has anything left to do.
    pub async fn step(&self) -> Option<DateTime<Utc>> {
        let next = lock(&self.state.ledger).orders.next_due()?;
        if self.clock() == Clock::Stepped {
            self.state.clock.set(next);
        }
        self.process();
        Some(next)
    }

    fn process(&self) {
        let events = lifecycle::process_due(&self.state, &mut lock(&self.state.ledger), self.now());
        self.state.ksu.enqueue(events);
    }

    /// Every order, as `GET productOrder/{id}` shows it.
    pub fn orders(&self) -> Vec<ProductOrder> {
        let ledger = lock(&self.state.ledger);
        ledger
            .orders
            .orders
            .iter()
            .map(|o| o.view(&self.base_url))
            .collect()
    }

    /// The order placed with `external_id`.
    pub fn order_by_external_id(&self, external_id: &str) -> Option<ProductOrder> {
        let ledger = lock(&self.state.ledger);
        ledger
            .orders
            .by_external_id(external_id)
            .next()
            .map(|o| o.view(&self.base_url))
    }

    /// Every KSU event raised, with its delivery outcome.
    pub fn ksu_events(&self) -> Vec<KsuRecord> {
        self.state.ksu.records()
    }

    /// Every delivery attempt, in order.
    pub fn ksu_attempts(&self) -> Vec<KsuAttempt> {
        self.state.ksu.attempts()
    }

    /// Waits until no KSU is queued or being retried; false if `timeout` ran out first.
    pub async fn ksu_idle(&self, timeout: Duration) -> bool {
        self.state.ksu.wait_idle(timeout).await
    }

    /// Requests to the token endpoint, refused ones included.
    pub fn token_requests(&self) -> u64 {
        self.state.auth.requests()
    }

    /// Tokens issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state.auth.issued()
    }

    /// Stops accepting, lets open requests finish (up to 5 s) and stops the background tasks.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_secrets() {
        let b = Simulator::builder()
            .client_credentials("id", "top-secret-1")
            .callback("http://x", "cb", "top-secret-2");
        let shown = format!("{b:?}");
        assert!(!shown.contains("top-secret"), "{shown}");
        assert!(shown.contains("cb"), "{shown}");
    }
}
