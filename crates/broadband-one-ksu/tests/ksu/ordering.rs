//! Timelines in event-time order, current state, and externalId ↔ BT id correlation.

use broadband_one_ksu::{KsuStore, OrderRef};

use crate::common::*;

fn ids(events: &[broadband_one_ksu::StoredEvent]) -> Vec<&str> {
    events.iter().map(|e| e.event_id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_order_deliveries_give_an_event_time_timeline_and_the_latest_state() {
    let f = start().await;
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    // Delivered: completed, then created, then in progress, then a stale "acknowledged" repeat.
    let completed = event_json(
        "o-3",
        "ProductOrderStateChangeEvent",
        "2026-05-03T16:20:13.402Z",
        "00125420",
        None,
        "completed",
        Some("BBONE90099580"),
    );
    let created = event_json(
        "o-1",
        "ProductOrderCreateEvent",
        "2026-05-01T12:49:05.037Z",
        "00125420",
        Some("13008684"),
        "acknowledged",
        None,
    );
    let progress = event_json(
        "o-2",
        "ProductOrderStateChangeEvent",
        "2026-05-02T09:12:44.210+01:00",
        "00125420",
        None,
        "inProgress",
        None,
    );
    let stale = event_json(
        "o-0",
        "ProductOrderStateChangeEvent",
        "2026-04-30T00:00:00Z",
        "00125420",
        None,
        "acknowledged",
        None,
    );
    for ev in [completed, created, progress, stale] {
        assert_eq!(send(&client, ev).await, "accepted");
    }
    let store = f.handle.store();
    let by_bt = store
        .timeline(&OrderRef::BtId("00125420".into()))
        .await
        .unwrap();
    assert_eq!(ids(&by_bt), ["o-0", "o-1", "o-2", "o-3"]);
    assert!(by_bt.windows(2).all(|w| w[0].event_time <= w[1].event_time));
    // Storage order was different.
    assert!(by_bt[3].seq < by_bt[1].seq);

    let status = store
        .order_status(&OrderRef::BtId("00125420".into()))
        .await
        .unwrap()
        .expect("status");
    assert_eq!(
        status.state.as_deref(),
        Some("completed"),
        "an older eventTime must not overwrite a newer state"
    );
    assert_eq!(status.sub_status.as_deref(), Some("sub-completed"));
    assert_eq!(status.service_id.as_deref(), Some("BBONE90099580"));
    assert_eq!(status.external_id.as_deref(), Some("13008684"));
    assert_eq!(status.events, 4);
    assert_eq!(status.last_event_time, by_bt[3].event_time);
    assert!(status.is_terminal());
    // Items keep their latest state and what earlier events told about them.
    let access = status
        .items
        .iter()
        .find(|i| i.id == "100")
        .expect("item 100");
    assert_eq!(access.state.as_deref(), Some("completed"));
    assert_eq!(access.internal_id.as_deref(), Some("0004130371"));
    assert_eq!(status.items.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_id_and_bt_id_are_correlated_both_ways() {
    let f = start().await;
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    // The first event carries both ids; later ones only BT's.
    send(
        &client,
        event_json(
            "c-1",
            "ProductOrderCreateEvent",
            "2026-06-01T10:00:00Z",
            "00228874",
            Some("MY-REF-7"),
            "acknowledged",
            None,
        ),
    )
    .await;
    send(
        &client,
        event_json(
            "c-2",
            "ProductOrderStateChangeEvent",
            "2026-06-02T10:00:00Z",
            "00228874",
            None,
            "inProgress",
            Some("BBONE0005347"),
        ),
    )
    .await;
    // Another order must not leak in.
    send(
        &client,
        event_json(
            "c-9",
            "ProductOrderCreateEvent",
            "2026-06-01T11:00:00Z",
            "00999999",
            Some("OTHER"),
            "acknowledged",
            None,
        ),
    )
    .await;
    let store = f.handle.store();

    let by_ext = store
        .timeline(&OrderRef::ExternalId("MY-REF-7".into()))
        .await
        .unwrap();
    assert_eq!(ids(&by_ext), ["c-1", "c-2"]);
    let status = store
        .order_status(&OrderRef::ExternalId("MY-REF-7".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.bt_order_id.as_deref(), Some("00228874"));
    assert_eq!(status.state.as_deref(), Some("inProgress"));
    assert_eq!(status.service_id.as_deref(), Some("BBONE0005347"));
    assert!(!status.is_terminal());

    // An event that carried only the externalId still shows under BT's id.
    let mut ext_only = event_json(
        "c-3",
        "ProductOrderStateChangeEvent",
        "2026-06-03T10:00:00Z",
        "x",
        Some("MY-REF-7"),
        "inProgress",
        None,
    );
    ext_only["event"]["productOrder"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    send(&client, ext_only).await;
    let by_bt = store
        .timeline(&OrderRef::BtId("00228874".into()))
        .await
        .unwrap();
    assert_eq!(ids(&by_bt), ["c-1", "c-2", "c-3"]);
    assert_eq!(
        store
            .order_status(&OrderRef::BtId("nope".into()))
            .await
            .unwrap(),
        None
    );

    // The same database read by a separate, read-only store (what `bb1 ksu timeline` does).
    let path = store.path().to_path_buf();
    let reader = KsuStore::open_read_only(&path).unwrap();
    assert_eq!(
        ids(&reader
            .timeline(&OrderRef::ExternalId("MY-REF-7".into()))
            .await
            .unwrap()),
        ["c-1", "c-2", "c-3"]
    );
    assert!(matches!(
        reader.ingest(b"{}").await,
        Err(broadband_one_ksu::KsuError::ReadOnly)
    ));
    // StoredEvent serialises with the raw body embedded as JSON.
    let json = serde_json::to_value(&by_bt[0]).unwrap();
    assert_eq!(json["raw"]["eventId"], "c-1");
    assert_eq!(json["btOrderId"], "00228874");
}
