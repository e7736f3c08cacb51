//! The facade's `OrderEvents` view of the store: what `OrderHandle::wait` follows.

use broadband_one::OrderEvents;
use serde_json::json;

use crate::common;

fn event(id: &str, time: &str, state: &str, service: Option<&str>) -> Vec<u8> {
    let mut product = json!({ "productOffering": { "id": "E0000160" } });
    if let Some(s) = service {
        product["customerFacingServiceId"] = json!({ "value": s });
    }
    json!({
        "eventId": id, "eventTime": time, "eventType": "ProductOrderStateChangeEvent",
        "event": { "productOrder": { "id": "00125420", "externalId": "FACADE-1",
            "productOrderItem": [{ "id": "100", "state": state, "subStatus": state, "product": product }] } }
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn the_store_answers_the_facade_with_the_latest_state_by_event_time() {
    let fx = common::start().await;
    let store = fx.handle.store();
    assert_eq!(store.status("FACADE-1").await.expect("read"), None, "nothing stored yet");
    // Delivered out of order: the completion first, then an older progress update.
    store.ingest(&event("e2", "2026-12-05T10:00:00Z", "completed", Some("BBONE90099580"))).await.expect("stored");
    store.ingest(&event("e1", "2026-12-04T10:00:00Z", "inProgress", None)).await.expect("stored");
    let status = store.status("FACADE-1").await.expect("read").expect("known order");
    assert_eq!(status.state.as_deref(), Some("completed"));
    assert_eq!(status.bt_order_id.as_deref(), Some("00125420"));
    assert_eq!(status.service_id.as_deref(), Some("BBONE90099580"));
    assert!(status.is_settled());
}
