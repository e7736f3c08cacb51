//! Bodies the listener refuses, keeps flagged, or recognises as repeats; aliases; concurrency.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_are_not_json_get_400_and_are_not_stored() {
    let f = start().await;
    let token = token(&f.base).await;
    for body in ["<xml/>", "", "{\"eventId\": ", "not json"] {
        let (status, reply) =
            post_raw(&f.base, "/listener/productOrderEvent", Some(&token), body).await;
        assert_eq!(status, 400, "{body:?}");
        assert_eq!(reply["code"], "InvalidBody");
    }
    assert_eq!(f.handle.store().count().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_declared_or_chunked() {
    let f = start_with(|b| b.max_body(2048)).await;
    let token = token(&f.base).await;
    let padding = "x".repeat(4000);
    let big = serde_json::json!({ "eventId": "big-1", "eventType": "ProductOrderCreateEvent", "padding": padding }).to_string();
    let (status, reply) = post_raw(
        &f.base,
        "/listener/productOrderEvent",
        Some(&token),
        big.clone(),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(reply["code"], "PayloadTooLarge");

    // Chunked, so no Content-Length to reject it by: the limit applies while reading.
    let mut tcp = tokio::net::TcpStream::connect(f.handle.local_addr())
        .await
        .unwrap();
    let head = format!(
        "POST /listener/productOrderEvent HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for chunk in big.as_bytes().chunks(1000) {
        tcp.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .unwrap();
        tcp.write_all(chunk).await.unwrap();
        tcp.write_all(b"\r\n").await.unwrap();
    }
    tcp.write_all(b"0\r\n\r\n").await.unwrap();
    let mut response = vec![0u8; 512];
    let n = tcp.read(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");

    // Just under the limit is fine.
    let small = serde_json::json!({ "eventId": "small-1", "eventType": "ProductOrderCreateEvent", "padding": "x".repeat(1900) }).to_string();
    assert!(small.len() <= 2048);
    let (status, _) = post_raw(&f.base, "/listener/productOrderEvent", Some(&token), small).await;
    assert_eq!(status, 200);
    assert_eq!(f.handle.store().count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_types_and_shapes_are_stored_flagged_and_acknowledged() {
    let f = start().await;
    let token = token(&f.base).await;
    let store = f.handle.store();

    // An event type nobody documented.
    let unknown = r#"{"eventId":"u-1","eventType":"ProductOrderTeleportEvent","eventTime":"2026-02-01T10:00:00Z",
        "event":{"productOrder":{"id":"B77","externalId":"X77","state":"held"}}}"#;
    let (status, reply) = post_raw(
        &f.base,
        "/listener/productOrderEvent",
        Some(&token),
        unknown,
    )
    .await;
    assert_eq!(
        (status, &reply["eventId"], &reply["status"]),
        (200, &"u-1".into(), &"accepted".into())
    );
    let stored = store.event("u-1").await.unwrap().expect("stored");
    assert!(!stored.parsed);
    assert_eq!(
        stored.event_type.as_deref(),
        Some("ProductOrderTeleportEvent")
    );
    assert_eq!(stored.bt_order_id.as_deref(), Some("B77"));
    assert_eq!(stored.raw, unknown);

    // A shape the generated type refuses (eventTime is not a date-time, an item without id).
    let odd = r#"{"eventId":"u-2","eventType":"ProductOrderStateChangeEvent","eventTime":"yesterday",
        "event":{"productOrder":{"id":"B77","productOrderItem":[{"state":"inProgress"}]}}}"#;
    let (status, reply) = post_raw(&f.base, "/listener/productOrderEvent", Some(&token), odd).await;
    assert_eq!((status, reply["status"].as_str()), (200, Some("accepted")));
    let stored = store.event("u-2").await.unwrap().expect("stored");
    assert!(!stored.parsed);
    assert_eq!(stored.event_time, None);
    assert_eq!(stored.state.as_deref(), Some("inProgress"));

    // Valid JSON that is not an envelope at all, without an eventId: a content id, stored once.
    let (status, first) = post_raw(
        &f.base,
        "/listener/productOrderEvent",
        Some(&token),
        "[1, 2, 3]",
    )
    .await;
    assert_eq!(status, 200);
    let id = first["eventId"].as_str().unwrap().to_string();
    assert!(id.starts_with(broadband_one_ksu::CONTENT_ID_PREFIX), "{id}");
    let (_, again) = post_raw(
        &f.base,
        "/listener/productOrderEvent",
        Some(&token),
        "[1,2,3]",
    )
    .await;
    assert_eq!(
        (again["eventId"].as_str(), again["status"].as_str()),
        (Some(id.as_str()), Some("duplicate"))
    );

    // A known event is flagged parsed.
    let known = event_json(
        "k-1",
        "ProductOrderCreateEvent",
        "2026-02-01T09:00:00Z",
        "B77",
        Some("X77"),
        "acknowledged",
        None,
    );
    assert_eq!(
        send(&ksu_client(&f.base, Some(&token)), known).await,
        "accepted"
    );
    assert!(store.event("k-1").await.unwrap().unwrap().parsed);
    assert_eq!(store.count().await.unwrap(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_deliveries_are_stored_once() {
    let f = start().await;
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    let ev = event_json(
        "dup-1",
        "ProductOrderCreateEvent",
        "2026-03-01T10:00:00Z",
        "B5",
        Some("X5"),
        "acknowledged",
        None,
    );
    assert_eq!(send(&client, ev.clone()).await, "accepted");
    assert_eq!(send(&client, ev.clone()).await, "duplicate");
    // Through an alias path too: the eventId decides.
    let ack = client
        .listen_to_product_order_create_event()
        .body(typed(ev))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (ack.event_id.as_str(), ack.status.as_str()),
        ("dup-1", "duplicate")
    );
    // Without an eventId, the same content is the same event.
    let mut anonymous = event_json(
        "x",
        "ProductOrderStateChangeEvent",
        "2026-03-01T11:00:00Z",
        "B5",
        None,
        "inProgress",
        None,
    );
    anonymous.as_object_mut().unwrap().remove("eventId");
    let a = client
        .notify_product_order_event()
        .body(typed(anonymous.clone()))
        .send()
        .await
        .unwrap()
        .into_inner();
    let b = client
        .notify_product_order_event()
        .body(typed(anonymous))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (a.status.as_str(), b.status.as_str()),
        ("accepted", "duplicate")
    );
    assert_eq!(a.event_id, b.event_id);
    let timeline = f
        .handle
        .store()
        .timeline(&broadband_one_ksu::OrderRef::BtId("B5".into()))
        .await
        .unwrap();
    assert_eq!(timeline.len(), 2);
    assert!(timeline[1].id_from_content);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alias_paths_dispatch_on_the_event_type() {
    let f = start().await;
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    // A state-change event posted to the create path is still a state change.
    let ev = event_json(
        "al-1",
        "ProductOrderStateChangeEvent",
        "2026-03-01T10:00:00Z",
        "B6",
        None,
        "inProgress",
        None,
    );
    let ack = client
        .listen_to_product_order_create_event()
        .body(typed(ev))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ack.status, "accepted");
    let ev = event_json(
        "al-2",
        "ProductOrderCreateEvent",
        "2026-03-01T09:00:00Z",
        "B6",
        Some("X6"),
        "acknowledged",
        None,
    );
    let ack = client
        .listen_to_product_order_state_change_event()
        .body(typed(ev))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ack.status, "accepted");
    let store = f.handle.store();
    assert_eq!(
        store
            .event("al-1")
            .await
            .unwrap()
            .unwrap()
            .event_type
            .as_deref(),
        Some("ProductOrderStateChangeEvent")
    );
    assert_eq!(
        store
            .event("al-2")
            .await
            .unwrap()
            .unwrap()
            .event_type
            .as_deref(),
        Some("ProductOrderCreateEvent")
    );
    let (status, reply) = post_raw(&f.base, "/listener/somethingElse", None, "{}").await;
    assert_eq!((status, reply["code"].as_str()), (404, Some("60")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_senders_lose_nothing() {
    const SENDERS: usize = 64;
    const EACH: usize = 25;
    let f = start().await;
    let client = Arc::new(ksu_client(&f.base, Some(&token(&f.base).await)));
    let tasks: Vec<_> = (0..SENDERS)
        .map(|s| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for n in 0..EACH {
                    let id = format!("c-{s}-{n}");
                    let time = format!("2026-04-01T10:{:02}:{:02}Z", s % 60, n % 60);
                    let ev = event_json(
                        &id,
                        "ProductOrderStateChangeEvent",
                        &time,
                        &format!("B{s}"),
                        None,
                        "inProgress",
                        None,
                    );
                    let ack = client
                        .notify_product_order_event()
                        .body(typed(ev))
                        .send()
                        .await
                        .expect("acknowledged");
                    assert_eq!(ack.into_inner().status, "accepted");
                    acked.push(id);
                }
                acked
            })
        })
        .collect();
    let mut acked = HashSet::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    assert_eq!(acked.len(), SENDERS * EACH);
    let store = f.handle.store();
    let stored: HashSet<String> = store
        .events_since(0, usize::MAX)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(stored, acked);
    for s in [0, 31, 63] {
        let t = store
            .timeline(&broadband_one_ksu::OrderRef::BtId(format!("B{s}")))
            .await
            .unwrap();
        assert_eq!(t.len(), EACH);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_serving_and_the_store_stays_readable() {
    let f = start().await;
    let client = ksu_client(&f.base, Some(&token(&f.base).await));
    send(
        &client,
        event_json(
            "sd-1",
            "ProductOrderCreateEvent",
            "2026-03-01T10:00:00Z",
            "B8",
            Some("X8"),
            "acknowledged",
            None,
        ),
    )
    .await;
    let store = f.handle.store();
    let Fixture { handle, base, _dir } = f;
    handle.shutdown().await.expect("clean shutdown");
    assert!(
        reqwest::Client::new()
            .get(format!("{base}/health"))
            .send()
            .await
            .is_err(),
        "still serving"
    );
    assert_eq!(
        store
            .order_status(&broadband_one_ksu::OrderRef::external_id("X8"))
            .await
            .unwrap()
            .unwrap()
            .events,
        1
    );
    drop(_dir);
}
