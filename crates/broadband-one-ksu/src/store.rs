//! The durable event store: one SQLite database in WAL mode, one writer thread with group commit,
//! a small pool of reader connections, and a broadcast of newly stored events.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::Stream;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, oneshot};

use crate::KsuError;
use crate::ingest::{self, Incoming};

/// Schema version written to `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;
/// Most events one transaction takes; more queued events go in the next one.
const MAX_BATCH: usize = 1024;
/// Events kept for slow subscribers before they fall back to reading the database.
const BROADCAST_CAPACITY: usize = 4096;
/// Page size when a lagging subscriber catches up from the database.
const CATCH_UP_PAGE: usize = 512;
/// How often `wait_for_state` also looks at the database (for events another process wrote).
const WAIT_POLL: Duration = Duration::from_millis(500);
/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 4;
/// The background checkpointer runs after this many stored events (and once a second when idle).
const CHECKPOINT_EVERY: usize = 1000;
/// Once the WAL holds this many pages (128 MiB), the writer finishes the background
/// checkpointer's work between two batches so that the WAL can start over: a checkpoint running
/// beside a busy writer never catches up by itself. That costs the writer one checkpoint's fsyncs
/// (tens of ms), so it is rare: only under sustained load does the WAL get this large; after a
/// burst, the background pass catches up and the WAL restarts by itself.
const WAL_FINALIZE_PAGES: i64 = 32_768;
/// Safety net: SQLite's own checkpoint in the writer, only if the WAL reaches this many pages.
const WRITER_AUTOCHECKPOINT_PAGES: u32 = 100_000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ksu_events (
    seq             INTEGER PRIMARY KEY,
    event_id        TEXT    NOT NULL UNIQUE,
    id_from_content INTEGER NOT NULL,
    event_type      TEXT,
    event_time_us   INTEGER,
    sort_time_us    INTEGER NOT NULL,
    received_at_us  INTEGER NOT NULL,
    bt_order_id     TEXT,
    external_id     TEXT,
    state           TEXT,
    sub_status      TEXT,
    service_id      TEXT,
    items           TEXT    NOT NULL,
    parsed          INTEGER NOT NULL,
    raw             TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ksu_events_by_bt_order ON ksu_events (bt_order_id, sort_time_us, seq);
CREATE INDEX IF NOT EXISTS ksu_events_by_external_id ON ksu_events (external_id, sort_time_us, seq);
";

const INSERT: &str = "
INSERT INTO ksu_events (event_id, id_from_content, event_type, event_time_us, sort_time_us,
    received_at_us, bt_order_id, external_id, state, sub_status, service_id, items, parsed, raw)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT (event_id) DO NOTHING";

const COLUMNS: &str = "seq, event_id, id_from_content, event_type, event_time_us, received_at_us, \
    bt_order_id, external_id, state, sub_status, service_id, items, parsed, raw";

/// Which order: BT's order id, or your own `externalId`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrderRef {
    /// BT's order id (`event.productOrder.id`, e.g. `00125420`).
    BtId(String),
    /// Your reference (`event.productOrder.externalId`).
    ExternalId(String),
}

impl OrderRef {
    /// By BT's order id.
    pub fn bt_id(id: impl Into<String>) -> Self {
        OrderRef::BtId(id.into())
    }

    /// By your `externalId`.
    pub fn external_id(id: impl Into<String>) -> Self {
        OrderRef::ExternalId(id.into())
    }
}

impl std::fmt::Display for OrderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrderRef::BtId(id) => write!(f, "BT order {id}"),
            OrderRef::ExternalId(id) => write!(f, "externalId {id}"),
        }
    }
}

/// The state of one order item as one event reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemState {
    /// Your item id (`100`, `100.1`, ...).
    pub id: String,
    /// BT's item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<String>,
}

/// One stored KSU.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    /// Storage sequence number (increases in the order events were stored).
    pub seq: i64,
    /// The event's `eventId`, or `sha256:<hex>` of its content when it had none.
    pub event_id: String,
    /// True when `event_id` was made from the content.
    pub id_from_content: bool,
    pub event_type: Option<String>,
    /// The event's own `eventTime` (absent or unreadable: `None`, and the timeline uses `received_at`).
    pub event_time: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub bt_order_id: Option<String>,
    pub external_id: Option<String>,
    /// Order state: `productOrder.state`, else the first item's state.
    pub state: Option<String>,
    /// The first item's `subStatus`.
    pub sub_status: Option<String>,
    /// `customerFacingServiceId.value` (`BBONE…`) from any item, if present.
    pub service_id: Option<String>,
    /// Every item (children flattened after their parent).
    pub items: Vec<ItemState>,
    /// False when the generated type could not read the body or the event type is unknown.
    pub parsed: bool,
    /// The body exactly as received.
    #[serde(serialize_with = "raw_as_json")]
    pub raw: String,
}

fn raw_as_json<S: serde::Serializer>(raw: &str, s: S) -> Result<S::Ok, S::Error> {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(v) => v.serialize(s),
        Err(_) => s.serialize_str(raw),
    }
}

impl StoredEvent {
    /// The raw body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.raw).unwrap_or(serde_json::Value::Null)
    }

    /// The raw body read with the generated type (`None` if it does not fit).
    pub fn event(&self) -> Option<bt_order_notifications::types::ProductOrderEvent> {
        serde_json::from_str(&self.raw).ok()
    }

    /// When the event happened for ordering: `event_time`, else `received_at`.
    pub fn sort_time(&self) -> DateTime<Utc> {
        self.event_time.unwrap_or(self.received_at)
    }

    fn from_incoming(seq: i64, i: Incoming) -> Self {
        StoredEvent {
            seq,
            event_id: i.event_id,
            id_from_content: i.id_from_content,
            event_type: i.event_type,
            event_time: i.event_time,
            received_at: i.received_at,
            bt_order_id: i.bt_order_id,
            external_id: i.external_id,
            state: i.state,
            sub_status: i.sub_status,
            service_id: i.service_id,
            items: i.items,
            parsed: i.parsed,
            raw: i.raw,
        }
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let items: String = row.get(11)?;
        Ok(StoredEvent {
            seq: row.get(0)?,
            event_id: row.get(1)?,
            id_from_content: row.get(2)?,
            event_type: row.get(3)?,
            event_time: row
                .get::<_, Option<i64>>(4)?
                .and_then(DateTime::from_timestamp_micros),
            received_at: DateTime::from_timestamp_micros(row.get(5)?).unwrap_or_default(),
            bt_order_id: row.get(6)?,
            external_id: row.get(7)?,
            state: row.get(8)?,
            sub_status: row.get(9)?,
            service_id: row.get(10)?,
            items: serde_json::from_str(&items).unwrap_or_default(),
            parsed: row.get(12)?,
            raw: row.get(13)?,
        })
    }
}

/// States after which an order changes no more (TMF622 final states, any casing; `canceled` too).
pub const TERMINAL_STATES: &[&str] = &[
    "completed",
    "rejected",
    "cancelled",
    "canceled",
    "failed",
    "partial",
];

/// An order's current state, folded from its events in event-time order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatus {
    pub bt_order_id: Option<String>,
    pub external_id: Option<String>,
    /// State of the latest event (by event time) that carried one.
    pub state: Option<String>,
    /// Sub-status from that same event.
    pub sub_status: Option<String>,
    /// The latest service id seen (`BBONE…`).
    pub service_id: Option<String>,
    pub last_event_time: Option<DateTime<Utc>>,
    /// Number of stored events for the order.
    pub events: usize,
    /// Latest state of each item (by event time), in order of first appearance.
    pub items: Vec<ItemState>,
}

impl OrderStatus {
    /// True when `state` is one of [`TERMINAL_STATES`].
    pub fn is_terminal(&self) -> bool {
        self.state.as_deref().is_some_and(|s| {
            TERMINAL_STATES
                .iter()
                .any(|t| t.eq_ignore_ascii_case(s.trim()))
        })
    }

    /// Folds a timeline (already in event-time order) into a status; `None` for no events.
    pub fn from_timeline(events: &[StoredEvent]) -> Option<OrderStatus> {
        if events.is_empty() {
            return None;
        }
        let mut status = OrderStatus {
            bt_order_id: None,
            external_id: None,
            state: None,
            sub_status: None,
            service_id: None,
            last_event_time: None,
            events: events.len(),
            items: Vec::new(),
        };
        for e in events {
            if e.bt_order_id.is_some() {
                status.bt_order_id.clone_from(&e.bt_order_id);
            }
            if e.external_id.is_some() {
                status.external_id.clone_from(&e.external_id);
            }
            if e.state.is_some() {
                status.state.clone_from(&e.state);
                status.sub_status.clone_from(&e.sub_status);
            }
            if e.service_id.is_some() {
                status.service_id.clone_from(&e.service_id);
            }
            if e.event_time.is_some() {
                status.last_event_time = status.last_event_time.max(e.event_time);
            }
            for item in &e.items {
                match status.items.iter_mut().find(|i| i.id == item.id) {
                    Some(known) => {
                        // Keep what this event leaves out (e.g. an internalId seen only once).
                        let internal_id = item.internal_id.clone().or(known.internal_id.take());
                        let action = item.action.clone().or(known.action.take());
                        *known = ItemState {
                            internal_id,
                            action,
                            ..item.clone()
                        };
                    }
                    None => status.items.push(item.clone()),
                }
            }
        }
        Some(status)
    }
}

/// Whether a delivery was new or a repeat of a stored `eventId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestStatus {
    Accepted,
    Duplicate,
}

impl IngestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestStatus::Accepted => "accepted",
            IngestStatus::Duplicate => "duplicate",
        }
    }
}

/// Result of storing one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    pub event_id: String,
    pub status: IngestStatus,
    /// Sequence number of the stored row (`None` for a duplicate).
    pub seq: Option<i64>,
}

struct Job {
    incoming: Incoming,
    reply: oneshot::Sender<Result<Option<i64>, String>>,
}

struct Inner {
    path: PathBuf,
    writer: Option<mpsc::Sender<Job>>,
    events: broadcast::Sender<Arc<StoredEvent>>,
    last_seq: Arc<AtomicI64>,
    readers: Mutex<Vec<Connection>>,
}

/// Handle to the event database; cheap to clone. The writer thread stops when the last clone is
/// dropped.
#[derive(Clone)]
pub struct KsuStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for KsuStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KsuStore")
            .field("path", &self.inner.path)
            .field("writable", &self.inner.writer.is_some())
            .finish()
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(())
}

impl KsuStore {
    /// Opens (creating if needed) the database at `path` and starts its writer thread.
    ///
    /// WAL mode with `synchronous=NORMAL`: a committed event survives the process being killed
    /// (not necessarily a power cut).
    pub fn open(path: impl AsRef<Path>) -> Result<KsuStore, KsuError> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path)?;
        configure(&conn)?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(KsuError::Config(format!(
                "the database could not be put in WAL mode (got {mode})"
            )));
        }
        // Checkpoints (the only fsyncs in WAL mode with synchronous=NORMAL) run on a separate
        // thread so that commits, and so acknowledgements, never wait for them.
        conn.execute_batch(&format!(
            "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={WRITER_AUTOCHECKPOINT_PAGES}; \
             PRAGMA cache_size=-32768;"
        ))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(KsuError::Config(format!(
                "the database has schema version {version}; this build knows {SCHEMA_VERSION}"
            )));
        }
        conn.execute_batch(&format!(
            "BEGIN; {SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;"
        ))?;
        let last: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM ksu_events", [], |r| {
                r.get(0)
            })?;
        let last_seq = Arc::new(AtomicI64::new(last));
        let (events, _) = broadcast::channel(BROADCAST_CAPACITY);
        let (tx, rx) = mpsc::channel();
        let checkpoint_conn = Connection::open(&path)?;
        configure(&checkpoint_conn)?;
        let (checkpoint_tx, checkpoint_rx) = mpsc::sync_channel(1);
        let checkpoint = Checkpoint {
            wake: checkpoint_tx,
            pending: Arc::new(AtomicUsize::new(0)),
            finalize: Arc::new(AtomicBool::new(false)),
        };
        {
            let (pending, finalize) = (checkpoint.pending.clone(), checkpoint.finalize.clone());
            std::thread::Builder::new()
                .name("ksu-store-checkpoint".into())
                .spawn(move || {
                    checkpoint_loop(checkpoint_conn, checkpoint_rx, pending, finalize)
                })?;
        }
        {
            let events = events.clone();
            let last_seq = last_seq.clone();
            std::thread::Builder::new()
                .name("ksu-store-writer".into())
                .spawn(move || writer_loop(conn, rx, events, last_seq, checkpoint))?;
        }
        Ok(KsuStore {
            inner: Arc::new(Inner {
                path,
                writer: Some(tx),
                events,
                last_seq,
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Opens an existing database for reading only (e.g. while a listener in another process
    /// writes to it). [`KsuStore::ingest`] fails with [`KsuError::ReadOnly`]; `subscribe` sees
    /// nothing, while `wait_for_state` still polls the database.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<KsuStore, KsuError> {
        let path = path.as_ref().to_path_buf();
        let conn = open_reader(&path)?;
        let has_table: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type='table' AND name='ksu_events')",
            [],
            |r| r.get(0),
        )?;
        if !has_table {
            return Err(KsuError::Config(format!(
                "{} holds no KSU events table",
                path.display()
            )));
        }
        let last: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM ksu_events", [], |r| {
                r.get(0)
            })?;
        let (events, _) = broadcast::channel(1);
        Ok(KsuStore {
            inner: Arc::new(Inner {
                path,
                writer: None,
                events,
                last_seq: Arc::new(AtomicI64::new(last)),
                readers: Mutex::new(vec![conn]),
            }),
        })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Decodes and stores one KSU body; returns once the event is committed.
    /// Fails with [`KsuError::NotJson`] for a body that is not JSON.
    pub async fn ingest(&self, body: &[u8]) -> Result<IngestOutcome, KsuError> {
        let incoming = ingest::decode(body, Utc::now()).map_err(KsuError::NotJson)?;
        self.store(incoming).await
    }

    pub(crate) async fn store(&self, incoming: Incoming) -> Result<IngestOutcome, KsuError> {
        let writer = self.inner.writer.as_ref().ok_or(KsuError::ReadOnly)?;
        let event_id = incoming.event_id.clone();
        let (reply, answer) = oneshot::channel();
        writer
            .send(Job { incoming, reply })
            .map_err(|_| KsuError::Closed)?;
        match answer.await {
            Ok(Ok(Some(seq))) => Ok(IngestOutcome {
                event_id,
                status: IngestStatus::Accepted,
                seq: Some(seq),
            }),
            Ok(Ok(None)) => Ok(IngestOutcome {
                event_id,
                status: IngestStatus::Duplicate,
                seq: None,
            }),
            Ok(Err(message)) => Err(KsuError::Write(message)),
            Err(_) => Err(KsuError::Closed),
        }
    }

    /// New events as they are stored, in storage order, from now on. A subscriber that falls
    /// behind catches up from the database, so it misses nothing that this process stores.
    /// Duplicates are not repeated; events written by another process are not seen.
    pub fn subscribe(&self) -> EventStream {
        let rx = self.inner.events.subscribe();
        let last = self.inner.last_seq.load(Ordering::Acquire);
        let state = SubState {
            rx,
            last,
            backlog: VecDeque::new(),
            catching_up: false,
            store: self.clone(),
        };
        EventStream {
            inner: Box::pin(futures_util::stream::unfold(state, next_event)),
        }
    }

    async fn read<T, F>(&self, f: F) -> Result<T, KsuError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = inner
                .readers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop();
            let conn = match pooled {
                Some(c) => c,
                None => open_reader(&inner.path)?,
            };
            let result = f(&conn);
            let mut idle = inner.readers.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
            result.map_err(KsuError::from)
        })
        .await
        .map_err(|e| KsuError::Task(e.to_string()))?
    }

    /// All events of an order in event-time order (ties: storage order). By BT id this includes
    /// events that carried only the `externalId` of that order; by `externalId` it includes later
    /// events that carried only the BT id, once one event has carried both.
    pub async fn timeline(&self, order: &OrderRef) -> Result<Vec<StoredEvent>, KsuError> {
        let order = order.clone();
        self.read(move |conn| {
            let (sql, key) = match &order {
                OrderRef::BtId(id) => (
                    format!(
                        "SELECT {COLUMNS} FROM ksu_events WHERE bt_order_id = ?1 OR (bt_order_id IS NULL AND external_id IN \
                         (SELECT external_id FROM ksu_events WHERE bt_order_id = ?1 AND external_id IS NOT NULL)) \
                         ORDER BY sort_time_us, seq"
                    ),
                    id,
                ),
                OrderRef::ExternalId(id) => (
                    format!(
                        "SELECT {COLUMNS} FROM ksu_events WHERE external_id = ?1 OR bt_order_id IN \
                         (SELECT bt_order_id FROM ksu_events WHERE external_id = ?1 AND bt_order_id IS NOT NULL) \
                         ORDER BY sort_time_us, seq"
                    ),
                    id,
                ),
            };
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([key], StoredEvent::from_row)?;
            rows.collect()
        })
        .await
    }

    /// The order's current state, or `None` when no event for it has been stored.
    pub async fn order_status(&self, order: &OrderRef) -> Result<Option<OrderStatus>, KsuError> {
        Ok(OrderStatus::from_timeline(&self.timeline(order).await?))
    }

    /// One event by its id.
    pub async fn event(&self, event_id: &str) -> Result<Option<StoredEvent>, KsuError> {
        let id = event_id.to_string();
        self.read(move |conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM ksu_events WHERE event_id = ?1"),
                [id],
                StoredEvent::from_row,
            )
            .optional()
        })
        .await
    }

    /// Up to `limit` events stored after sequence number `after`, in storage order (resume a
    /// consumer from the last `seq` it handled; `0` for the beginning).
    pub async fn events_since(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, KsuError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM ksu_events WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![after, limit], StoredEvent::from_row)?;
            rows.collect()
        })
        .await
    }

    /// Number of stored events.
    pub async fn count(&self) -> Result<u64, KsuError> {
        self.read(|conn| {
            conn.query_row("SELECT COUNT(*) FROM ksu_events", [], |r| {
                r.get::<_, i64>(0)
            })
        })
        .await
        .map(|n| n.max(0) as u64)
    }

    /// Waits until the order's status satisfies `until` and returns it; checks the current status
    /// first, then again on every stored event that concerns the order (and every 500 ms, for
    /// events stored by another process). On timeout: [`KsuError::Timeout`] with the last status.
    pub async fn wait_for_state<F>(
        &self,
        order: &OrderRef,
        mut until: F,
        timeout: Duration,
    ) -> Result<OrderStatus, KsuError>
    where
        F: FnMut(&OrderStatus) -> bool,
    {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.inner.events.subscribe();
        let mut open = true;
        let mut poll = tokio::time::interval_at(tokio::time::Instant::now() + WAIT_POLL, WAIT_POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = self.order_status(order).await?;
        loop {
            if let Some(status) = &last
                && until(status)
            {
                return Ok(status.clone());
            }
            let recheck = tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(KsuError::Timeout { last: last.map(Box::new) });
                }
                _ = poll.tick() => true,
                received = rx.recv(), if open => match received {
                    Ok(event) => concerns(order, last.as_ref(), &event),
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => {
                        open = false;
                        false
                    }
                },
            };
            if recheck {
                last = self.order_status(order).await?;
            }
        }
    }

    /// Waits until the order reaches a terminal state (completed, rejected, cancelled, failed or
    /// partial); see [`KsuStore::wait_for_state`].
    pub async fn wait_for_terminal(
        &self,
        order: &OrderRef,
        timeout: Duration,
    ) -> Result<OrderStatus, KsuError> {
        self.wait_for_state(order, OrderStatus::is_terminal, timeout)
            .await
    }
}

fn concerns(order: &OrderRef, last: Option<&OrderStatus>, event: &StoredEvent) -> bool {
    let mut bt_ids: Vec<&str> = Vec::new();
    let mut external_ids: Vec<&str> = Vec::new();
    match order {
        OrderRef::BtId(id) => bt_ids.push(id),
        OrderRef::ExternalId(id) => external_ids.push(id),
    }
    if let Some(s) = last {
        bt_ids.extend(s.bt_order_id.as_deref());
        external_ids.extend(s.external_id.as_deref());
    }
    event
        .bt_order_id
        .as_deref()
        .is_some_and(|id| bt_ids.contains(&id))
        || event
            .external_id
            .as_deref()
            .is_some_and(|id| external_ids.contains(&id))
}

fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    configure(&conn)?;
    conn.execute_batch("PRAGMA query_only=ON;")?;
    Ok(conn)
}

fn writer_loop(
    mut conn: Connection,
    rx: mpsc::Receiver<Job>,
    events: broadcast::Sender<Arc<StoredEvent>>,
    last_seq: Arc<AtomicI64>,
    checkpoint: Checkpoint,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let results: Vec<Result<Option<i64>, String>> = match write_batch(&mut conn, &batch) {
            Ok(seqs) => seqs.into_iter().map(Ok).collect(),
            Err(e) => {
                // One bad row must not fail the others: retry each alone.
                tracing::warn!(error = %e, size = batch.len(), "KSU batch write failed; retrying events one by one");
                batch
                    .iter()
                    .map(|job| {
                        write_batch(&mut conn, std::slice::from_ref(job))
                            .map(|mut s| s.pop().flatten())
                            .map_err(|e| {
                                tracing::error!(error = %e, event_id = %job.incoming.event_id, "KSU event could not be stored");
                                e.to_string()
                            })
                    })
                    .collect()
            }
        };
        if let Some(max) = results
            .iter()
            .filter_map(|r| r.as_ref().ok().copied().flatten())
            .max()
        {
            last_seq.fetch_max(max, Ordering::AcqRel);
        }
        checkpoint.written(batch.len());
        let broadcast = events.receiver_count() > 0;
        for (job, result) in batch.into_iter().zip(results) {
            let Job { incoming, reply } = job;
            match &result {
                Ok(Some(seq)) => tracing::debug!(
                    event_id = %incoming.event_id,
                    event_type = incoming.event_type.as_deref().unwrap_or("-"),
                    seq,
                    "KSU stored"
                ),
                Ok(None) => tracing::debug!(event_id = %incoming.event_id, "KSU duplicate"),
                Err(_) => {}
            }
            let stored = match (&result, broadcast) {
                (Ok(Some(seq)), true) => Some(StoredEvent::from_incoming(*seq, incoming)),
                _ => None,
            };
            let _ = reply.send(result);
            if let Some(stored) = stored {
                let _ = events.send(Arc::new(stored));
            }
        }
        // After the replies: only requests arriving meanwhile wait for this.
        if checkpoint.finalize.swap(false, Ordering::AcqRel)
            && let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::warn!(error = %e, "KSU checkpoint failed");
        }
    }
}

/// The writer's side of the checkpointer: counts events written and wakes it now and then.
struct Checkpoint {
    wake: mpsc::SyncSender<()>,
    pending: Arc<AtomicUsize>,
    /// Set by the checkpointer when the WAL is large: the writer should finish the job.
    finalize: Arc<AtomicBool>,
}

impl Checkpoint {
    fn written(&self, events: usize) {
        if self.pending.fetch_add(events, Ordering::AcqRel) + events >= CHECKPOINT_EVERY {
            let _ = self.wake.try_send(());
        }
    }
}

/// Copies the WAL into the database file in the background (PASSIVE: never blocks the writer):
/// after every `CHECKPOINT_EVERY` events, and within a second of any write.
fn checkpoint_loop(
    conn: Connection,
    wake: mpsc::Receiver<()>,
    pending: Arc<AtomicUsize>,
    finalize: Arc<AtomicBool>,
) {
    let mut unfinished = false;
    loop {
        match wake.recv_timeout(Duration::from_secs(1)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if pending.swap(0, Ordering::AcqRel) == 0 && !unfinished {
            continue;
        }
        match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        }) {
            // Frames appended while it ran are left for the next pass.
            Ok((log, done)) => {
                unfinished = done < log;
                if log >= WAL_FINALIZE_PAGES {
                    finalize.store(true, Ordering::Release);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "KSU checkpoint failed");
                unfinished = false;
            }
        }
    }
}

fn write_batch(conn: &mut Connection, jobs: &[Job]) -> rusqlite::Result<Vec<Option<i64>>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut out = Vec::with_capacity(jobs.len());
    {
        let mut stmt = tx.prepare_cached(INSERT)?;
        for job in jobs {
            let i = &job.incoming;
            let event_time = i.event_time.map(|t| t.timestamp_micros());
            let received = i.received_at.timestamp_micros();
            let changed = stmt.execute(params![
                i.event_id,
                i.id_from_content,
                i.event_type,
                event_time,
                event_time.unwrap_or(received),
                received,
                i.bt_order_id,
                i.external_id,
                i.state,
                i.sub_status,
                i.service_id,
                i.items_json,
                i.parsed,
                i.raw,
            ])?;
            out.push((changed == 1).then(|| tx.last_insert_rowid()));
        }
    }
    tx.commit()?;
    Ok(out)
}

/// Stream of newly stored events; see [`KsuStore::subscribe`]. Also usable without
/// `StreamExt` through [`EventStream::recv`].
pub struct EventStream {
    inner: Pin<Box<dyn Stream<Item = StoredEvent> + Send>>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream")
    }
}

impl EventStream {
    /// The next stored event (`None` only if the store's writer thread has died).
    pub async fn recv(&mut self) -> Option<StoredEvent> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl Stream for EventStream {
    type Item = StoredEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<StoredEvent>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct SubState {
    rx: broadcast::Receiver<Arc<StoredEvent>>,
    last: i64,
    backlog: VecDeque<StoredEvent>,
    catching_up: bool,
    store: KsuStore,
}

async fn next_event(mut st: SubState) -> Option<(StoredEvent, SubState)> {
    loop {
        if let Some(event) = st.backlog.pop_front() {
            st.last = event.seq;
            return Some((event, st));
        }
        if st.catching_up {
            match st.store.events_since(st.last, CATCH_UP_PAGE).await {
                Ok(page) => {
                    st.catching_up = page.len() == CATCH_UP_PAGE;
                    st.backlog.extend(page);
                }
                Err(e) => {
                    tracing::error!(error = %e, "KSU subscriber could not catch up from the database; stream ends");
                    return None;
                }
            }
            continue;
        }
        match st.rx.recv().await {
            Ok(event) if event.seq > st.last => {
                st.last = event.seq;
                return Some((Arc::unwrap_or_clone(event), st));
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => st.catching_up = true,
            Err(broadcast::error::RecvError::Closed) => return None,
        }
    }
}
