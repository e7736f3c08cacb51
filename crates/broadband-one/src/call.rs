//! What the runtime learns about one facade call: the tracking id that went out and the HTTP
//! status that came back.
//!
//! The facade needs both only when a call fails (a Rejected error names its tracking id; an
//! unreadable 2xx body still reports its status), yet progenitor's errors carry neither. The
//! record travels in a task-local slot around the one call rather than in a map shared by every
//! call: nothing to hash, lock or clean up on the hot path, and a call made on a generated client
//! outside any scope simply records nothing.

use std::cell::RefCell;
use std::future::Future;

use bt_core::TRACKING_HEADER_NAME;
use reqwest::header::HeaderValue;

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
}

#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    /// The caller's `APIGW-Tracking-Header` (see `Hub::with_tracking_id`), sent instead of a fresh one.
    fixed_tracking_id: Option<HeaderValue>,
    tracking_id: Option<HeaderValue>,
    status: Option<u16>,
}

impl CallRecord {
    /// The tracking id the request carried ("" if it never got as far as being stamped).
    pub(crate) fn tracking_id(&self) -> &str {
        self.tracking_id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The status of the last response, if one arrived.
    pub(crate) fn status(&self) -> Option<u16> {
        self.status
    }
}

/// Runs `call` with a fresh record, and returns its output with what the runtime recorded.
pub(crate) async fn recorded<F: Future>(fixed_tracking_id: Option<HeaderValue>, call: F) -> (F::Output, CallRecord) {
    let record = RefCell::new(CallRecord { fixed_tracking_id, ..CallRecord::default() });
    CALL.scope(record, async move {
        let output = call.await;
        (output, CALL.with(|slot| slot.take()))
    })
    .await
}

/// Runtime side, before sending: puts the caller's tracking id on the request if there is one,
/// and notes the id the request carries.
pub(crate) fn stamp_tracking_id(request: &mut reqwest::Request) {
    let _outside_a_scope = CALL.try_with(|slot| {
        let mut record = slot.borrow_mut();
        if let Some(fixed) = &record.fixed_tracking_id {
            request.headers_mut().insert(TRACKING_HEADER_NAME, fixed.clone());
        }
        record.tracking_id = request.headers().get(&TRACKING_HEADER_NAME).cloned();
    });
}

/// Runtime side, after the answer: notes its status.
pub(crate) fn record_status(status: u16) {
    let _outside_a_scope = CALL.try_with(|slot| slot.borrow_mut().status = Some(status));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        let url = "http://127.0.0.1/x".parse().expect("static url");
        let mut r = reqwest::Request::new(reqwest::Method::GET, url);
        r.headers_mut().insert(TRACKING_HEADER_NAME, HeaderValue::from_static("generated-id"));
        r
    }

    #[tokio::test]
    async fn records_the_id_sent_and_the_status() {
        let ((), record) = recorded(None, async {
            stamp_tracking_id(&mut request());
            record_status(503);
        })
        .await;
        assert_eq!(record.tracking_id(), "generated-id");
        assert_eq!(record.status(), Some(503));
    }

    #[tokio::test]
    async fn a_fixed_id_replaces_the_generated_one() {
        let (sent, record) = recorded(Some(HeaderValue::from_static("E02901")), async {
            let mut r = request();
            stamp_tracking_id(&mut r);
            r.headers()[TRACKING_HEADER_NAME].clone()
        })
        .await;
        assert_eq!(sent, "E02901");
        assert_eq!(record.tracking_id(), "E02901");
    }

    #[tokio::test]
    async fn concurrent_calls_keep_their_own_records() {
        let one = recorded(None, async {
            tokio::task::yield_now().await;
            record_status(200);
        });
        let two = recorded(None, async { record_status(404) });
        let (((), a), ((), b)) = tokio::join!(one, two);
        assert_eq!((a.status(), b.status()), (Some(200), Some(404)));
    }

    #[test]
    fn outside_a_scope_nothing_is_recorded_and_nothing_fails() {
        let mut r = request();
        stamp_tracking_id(&mut r);
        record_status(200);
        assert_eq!(r.headers()[TRACKING_HEADER_NAME], "generated-id");
    }
}
