//! Fault injection, per run: added latency, a fraction of 429 / 503 / 504 answers and dropped
//! connections on the API, and delayed / duplicated / reordered KSUs. Decisions come from a
//! seeded stream in request order, so a sequential run sees the same faults every time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use crate::clock::lock;
use crate::errors::BtFailure;
use crate::rng::SimRng;
use crate::state::AppState;

/// Fault settings for one run. All fractions are in `0.0..=1.0`; the default is no fault.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Added to every answer, in milliseconds.
    pub latency_ms: u64,
    /// Fraction of requests answered 429 (code 53).
    pub fail_429: f64,
    /// Fraction answered 503 (code 05).
    pub fail_503: f64,
    /// Fraction answered 504 (code 69).
    pub fail_504: f64,
    /// Fraction whose connection is closed without an answer.
    pub drop: f64,
    /// Wait before each KSU delivery, in milliseconds.
    pub ksu_delay_ms: u64,
    /// Fraction of KSUs delivered twice.
    pub ksu_duplicate: f64,
    /// Fraction of KSUs held back and delivered after the next one.
    pub ksu_reorder: f64,
}

impl Faults {
    fn any_request_fault(&self) -> bool {
        self.latency_ms > 0
            || self.fail_429 > 0.0
            || self.fail_503 > 0.0
            || self.fail_504 > 0.0
            || self.drop > 0.0
    }
}

pub(crate) struct FaultState {
    pub faults: Faults,
    rng: Mutex<SimRng>,
}

impl FaultState {
    pub(crate) fn new(faults: Faults, seed: u64) -> Self {
        Self {
            faults,
            rng: Mutex::new(SimRng::stream(seed, "faults")),
        }
    }
}

/// Put in each request's extensions by the server: closes that request's connection.
#[derive(Clone)]
pub(crate) struct ConnectionDropper(pub Arc<Notify>);

enum Decision {
    Pass,
    Drop,
    Fail(BtFailure),
}

fn decide(fs: &FaultState) -> Decision {
    let f = &fs.faults;
    let x = lock(&fs.rng).unit();
    let mut edge = f.drop;
    if x < edge {
        return Decision::Drop;
    }
    for (p, failure) in [
        (
            f.fail_429,
            BtFailure::too_many_requests as fn() -> BtFailure,
        ),
        (f.fail_503, BtFailure::service_unavailable),
        (f.fail_504, BtFailure::gateway_timeout),
    ] {
        edge += p;
        if x < edge {
            return Decision::Fail(failure());
        }
    }
    Decision::Pass
}

/// Outermost middleware.
pub(crate) async fn inject(
    State(st): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if !st.faults.faults.any_request_fault() {
        return next.run(request).await;
    }
    if st.faults.faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(st.faults.faults.latency_ms)).await;
    }
    match decide(&st.faults) {
        Decision::Pass => next.run(request).await,
        Decision::Fail(f) => f.into_response(),
        Decision::Drop => match request.extensions().get::<ConnectionDropper>() {
            Some(d) => {
                d.0.notify_one();
                // The connection task drops this future together with the socket.
                std::future::pending::<Response>().await
            }
            None => BtFailure::service_unavailable().into_response(),
        },
    }
}
