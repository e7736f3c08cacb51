//! KSU listener for BT Wholesale Broadband One: the endpoint BT posts order updates ("KSUs") to.
//!
//! * `POST /oauth/accesstoken` — RFC 6749 §4.4 client credentials (HTTP Basic or form fields),
//!   constant-time credential check, opaque bearer tokens that expire (default one hour).
//! * `POST /listener/productOrderEvent` (and the TMF aliases `/listener/productOrderCreateEvent`,
//!   `/listener/productOrderStateChangeEvent`; the body's `eventType` decides, not the path) —
//!   401 without a valid token (BT codes 40 missing / 41 invalid / 42 expired), 400 for a body that
//!   is not JSON, 413 above the size limit; otherwise the event is committed to SQLite **before**
//!   the `200 {"eventId", "status": "accepted" | "duplicate"}` goes out. Events the generated
//!   types cannot read, or of an unknown type, are stored too (`parsed = false`).
//! * [`KsuStore`] — timelines per order in event-time order, current status, a lossless stream
//!   of new events, and [`KsuStore::wait_for_state`] for the facade's order handle.
//!
//! ```no_run
//! # async fn demo() -> Result<(), broadband_one_ksu::KsuError> {
//! use broadband_one_ksu::{KsuListener, OrderRef};
//! let listener = KsuListener::builder()
//!     .bind(([0, 0, 0, 0], 8080))
//!     .db("ksu.sqlite")
//!     .client_credentials("bt-client-id", "bt-client-secret")
//!     .start()
//!     .await?;
//! let store = listener.store();
//! let done = store
//!     .wait_for_terminal(&OrderRef::ExternalId("MY-REF-1".into()), std::time::Duration::from_secs(3600))
//!     .await?;
//! println!("{:?} {:?}", done.state, done.service_id);
//! listener.shutdown().await
//! # }
//! ```

mod auth;
mod facade;
mod ingest;
mod server;
mod store;
#[cfg(feature = "tls")]
mod tls;

pub use ingest::{CONTENT_ID_PREFIX, KNOWN_EVENT_TYPES};
pub use server::{
    DEFAULT_MAX_BODY, DEFAULT_TOKEN_TTL, KsuListener, KsuListenerBuilder, ListenerHandle,
};
pub use store::{
    EventStream, IngestOutcome, IngestStatus, ItemState, KsuStore, OrderRef, OrderStatus,
    StoredEvent, TERMINAL_STATES,
};

/// Everything that can go wrong in this crate.
#[derive(Debug)]
#[non_exhaustive]
pub enum KsuError {
    /// Incomplete or contradictory configuration.
    Config(String),
    /// Binding, accepting or serving failed.
    Io(std::io::Error),
    /// The database failed.
    Db(rusqlite::Error),
    /// The writer could not store an event (the message of the database error).
    Write(String),
    /// The certificate or key could not be used.
    Tls(String),
    /// A body given to [`KsuStore::ingest`] is not JSON.
    NotJson(serde_json::Error),
    /// The store was opened read-only.
    ReadOnly,
    /// The store's writer thread has stopped.
    Closed,
    /// [`KsuStore::wait_for_state`] gave up; holds the last status seen, if any.
    Timeout { last: Option<Box<OrderStatus>> },
    /// A background task failed.
    Task(String),
}

impl std::fmt::Display for KsuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KsuError::Config(m) => write!(f, "KSU listener configuration: {m}"),
            KsuError::Io(e) => write!(f, "KSU listener I/O: {e}"),
            KsuError::Db(e) => write!(f, "KSU database: {e}"),
            KsuError::Write(m) => write!(f, "KSU event could not be stored: {m}"),
            KsuError::Tls(m) => write!(f, "KSU TLS: {m}"),
            KsuError::NotJson(e) => write!(f, "KSU body is not JSON: {e}"),
            KsuError::ReadOnly => f.write_str("the KSU store is read-only"),
            KsuError::Closed => f.write_str("the KSU store's writer has stopped"),
            KsuError::Timeout { last } => match last.as_deref().and_then(|s| s.state.as_deref()) {
                Some(state) => write!(f, "timed out waiting for the order (last state {state})"),
                None => f.write_str("timed out waiting for the order (no event seen)"),
            },
            KsuError::Task(m) => write!(f, "KSU background task: {m}"),
        }
    }
}

impl std::error::Error for KsuError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            KsuError::Io(e) => Some(e),
            KsuError::Db(e) => Some(e),
            KsuError::NotJson(e) => Some(e),
            _ => None,
        }
    }
}

// The facade keeps these in its own Send + Sync types and futures.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<KsuStore>();
    send_sync::<ListenerHandle>();
    send_sync::<KsuError>();
    const fn send<T: Send>() {}
    send::<EventStream>();
};

impl From<std::io::Error> for KsuError {
    fn from(e: std::io::Error) -> Self {
        KsuError::Io(e)
    }
}

impl From<rusqlite::Error> for KsuError {
    fn from(e: rusqlite::Error) -> Self {
        KsuError::Db(e)
    }
}
