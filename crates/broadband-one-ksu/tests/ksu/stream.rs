//! `subscribe()` and `wait_for_state()`.

use std::time::Duration;

use broadband_one_ksu::{KsuError, KsuStore, OrderRef};
use futures_util::StreamExt;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_see_new_events_once_in_storage_order() {
    let f = start().await;
    let store = f.handle.store();
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    send(
        &client,
        event_json(
            "before",
            "ProductOrderCreateEvent",
            "2026-07-01T10:00:00Z",
            "B1",
            Some("X1"),
            "acknowledged",
            None,
        ),
    )
    .await;

    let mut stream = store.subscribe();
    send(
        &client,
        event_json(
            "s-1",
            "ProductOrderStateChangeEvent",
            "2026-07-01T11:00:00Z",
            "B1",
            None,
            "inProgress",
            None,
        ),
    )
    .await;
    send(
        &client,
        event_json(
            "s-1",
            "ProductOrderStateChangeEvent",
            "2026-07-01T11:00:00Z",
            "B1",
            None,
            "inProgress",
            None,
        ),
    )
    .await;
    let (status, _) = post_raw(
        &f.base,
        "/listener/productOrderEvent",
        Some(&token(&f.base).await),
        r#"{"eventId":"s-2","eventType":"Mystery"}"#,
    )
    .await;
    assert_eq!(status, 200);

    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .unwrap()
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(5), stream.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (first.event_id.as_str(), second.event_id.as_str()),
        ("s-1", "s-2")
    );
    assert_eq!(first.bt_order_id.as_deref(), Some("B1"));
    assert!(first.parsed && !second.parsed);
    assert!(first.seq < second.seq);
    // Neither the earlier event nor the duplicate comes through.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), stream.next())
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_subscriber_catches_up_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = KsuStore::open(dir.path().join("ksu.sqlite")).unwrap();
    let mut stream = store.subscribe();
    // More events than the in-memory channel holds, stored before the subscriber reads any.
    const N: usize = 5000;
    let writes = (0..N).map(|n| {
        let store = store.clone();
        async move {
            let body =
                format!(r#"{{"eventId":"lag-{n}","eventType":"ProductOrderStateChangeEvent"}}"#);
            store.ingest(body.as_bytes()).await.unwrap()
        }
    });
    futures_util::future::join_all(writes).await;
    let mut last = 0;
    for _ in 0..N {
        let event = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("no stall")
            .expect("event");
        assert!(event.seq > last, "storage order");
        last = event.seq;
    }
    assert_eq!(last, N as i64, "no event skipped");
    assert!(
        tokio::time::timeout(Duration::from_millis(200), stream.next())
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_state_resolves_on_completion() {
    let f = start().await;
    let store = f.handle.store();
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    // The facade knows only its externalId when it starts waiting.
    let waiter = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .wait_for_terminal(
                    &OrderRef::ExternalId("WAIT-1".into()),
                    Duration::from_secs(20),
                )
                .await
        })
    };
    let in_progress = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .wait_for_state(
                    &OrderRef::ExternalId("WAIT-1".into()),
                    |s| s.state.as_deref() == Some("inProgress"),
                    Duration::from_secs(20),
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiter.is_finished());
    send(
        &client,
        event_json(
            "w-1",
            "ProductOrderCreateEvent",
            "2026-08-01T10:00:00Z",
            "00231907",
            Some("WAIT-1"),
            "acknowledged",
            None,
        ),
    )
    .await;
    send(
        &client,
        event_json(
            "w-2",
            "ProductOrderStateChangeEvent",
            "2026-08-02T10:00:00Z",
            "00231907",
            None,
            "inProgress",
            None,
        ),
    )
    .await;
    let progressed = tokio::time::timeout(Duration::from_secs(10), in_progress)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(progressed.bt_order_id.as_deref(), Some("00231907"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiter.is_finished(), "inProgress is not terminal");
    // The completion carries only BT's id.
    send(
        &client,
        event_json(
            "w-3",
            "ProductOrderStateChangeEvent",
            "2026-08-03T10:00:00Z",
            "00231907",
            None,
            "completed",
            Some("BBONE42"),
        ),
    )
    .await;
    let done = tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(done.state.as_deref(), Some("completed"));
    assert_eq!(done.service_id.as_deref(), Some("BBONE42"));
    assert_eq!(done.events, 3);

    // Already terminal: resolves at once. Rejected counts too.
    let again = store
        .wait_for_terminal(
            &OrderRef::BtId("00231907".into()),
            Duration::from_millis(50),
        )
        .await
        .unwrap();
    assert_eq!(again.state.as_deref(), Some("completed"));
    send(
        &client,
        event_json(
            "w-9",
            "ProductOrderCreateEvent",
            "2026-08-01T10:00:00Z",
            "00231999",
            Some("WAIT-2"),
            "rejected",
            None,
        ),
    )
    .await;
    let rejected = store
        .wait_for_terminal(
            &OrderRef::ExternalId("WAIT-2".into()),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(rejected.state.as_deref(), Some("rejected"));

    // Nothing arrives: a timeout that says what it last saw.
    match store
        .wait_for_terminal(
            &OrderRef::ExternalId("NEVER".into()),
            Duration::from_millis(200),
        )
        .await
    {
        Err(KsuError::Timeout { last: None }) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    send(
        &client,
        event_json(
            "w-10",
            "ProductOrderCreateEvent",
            "2026-08-01T10:00:00Z",
            "00231888",
            Some("SLOW"),
            "acknowledged",
            None,
        ),
    )
    .await;
    match store
        .wait_for_terminal(
            &OrderRef::ExternalId("SLOW".into()),
            Duration::from_millis(200),
        )
        .await
    {
        Err(KsuError::Timeout { last: Some(s) }) => {
            assert_eq!(s.state.as_deref(), Some("acknowledged"))
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}
