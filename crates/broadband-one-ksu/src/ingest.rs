//! Turning a KSU body into the row the store keeps.
//!
//! The generated `ProductOrderEvent` is tried first; a body it cannot read (or whose `eventType` is
//! not one this crate knows) is still kept, with the same fields picked leniently out of the raw
//! JSON and `parsed = false`.

use bt_order_notifications::types::{ProductOrderEvent, ProductOrderItem};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::store::ItemState;

/// Event types this crate knows (TMF622 v4/v5 product-order events; BT has only shown
/// `ProductOrderCreateEvent`). Any other type is stored with `parsed = false`.
pub const KNOWN_EVENT_TYPES: &[&str] = &[
    "ProductOrderCreateEvent",
    "ProductOrderStateChangeEvent",
    "ProductOrderAttributeValueChangeEvent",
    "ProductOrderInformationRequiredEvent",
    "ProductOrderMilestoneEvent",
    "ProductOrderJeopardyAlertEvent",
    "ProductOrderErrorMessageEvent",
    "ProductOrderDeleteEvent",
    "CancelProductOrderCreateEvent",
    "CancelProductOrderStateChangeEvent",
    "CancelProductOrderInformationRequiredEvent",
];

/// Prefix of an event id made from the body when the event carries no `eventId`.
pub const CONTENT_ID_PREFIX: &str = "sha256:";

/// One decoded delivery, ready for the writer.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub event_id: String,
    pub id_from_content: bool,
    pub event_type: Option<String>,
    pub event_time: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub bt_order_id: Option<String>,
    pub external_id: Option<String>,
    pub state: Option<String>,
    pub sub_status: Option<String>,
    pub service_id: Option<String>,
    pub items: Vec<ItemState>,
    /// `items` as JSON, made here so the single writer thread does not have to.
    pub items_json: String,
    pub parsed: bool,
    pub raw: String,
}

/// Decodes a body; `Err` only when it is not JSON at all.
pub(crate) fn decode(
    body: &[u8],
    received_at: DateTime<Utc>,
) -> Result<Incoming, serde_json::Error> {
    let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let mut incoming = match serde_json::from_slice::<ProductOrderEvent>(body) {
        Ok(event) if is_object => from_typed(event, body, received_at),
        _ => {
            let value: Value = serde_json::from_slice(body)?;
            from_value(&value, body, received_at)
        }
    };
    incoming.items_json = serde_json::to_string(&incoming.items)?;
    Ok(incoming)
}

fn raw_text(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn from_typed(event: ProductOrderEvent, body: &[u8], received_at: DateTime<Utc>) -> Incoming {
    let event_type = non_empty(event.event_type.as_deref());
    let parsed = event_type
        .as_deref()
        .is_some_and(|t| KNOWN_EVENT_TYPES.contains(&t));
    let (event_id, id_from_content) = match non_empty(event.event_id.as_deref()) {
        Some(id) => (id, false),
        None => (content_id(body), true),
    };
    let mut incoming = Incoming {
        event_id,
        id_from_content,
        event_type,
        event_time: event.event_time,
        received_at,
        bt_order_id: None,
        external_id: None,
        state: None,
        sub_status: None,
        service_id: None,
        items: Vec::new(),
        items_json: String::new(),
        parsed,
        raw: raw_text(body),
    };
    if let Some(payload) = event.event {
        if let Some(order) = payload.product_order {
            incoming.bt_order_id = non_empty(order.id.as_deref());
            incoming.external_id = non_empty(order.external_id.as_deref());
            flatten_typed(&order.product_order_item, &mut incoming.items);
            let first = order.product_order_item.first();
            incoming.state = non_empty(order.state.as_deref())
                .or_else(|| first.and_then(|i| non_empty(i.state.as_deref())));
            incoming.sub_status = first.and_then(|i| non_empty(i.sub_status.as_deref()));
            incoming.service_id = service_id_typed(&order.product_order_item);
        } else if let Some(cancel) = payload.cancel_product_order {
            // A cancellation request's own state is not the order's state: keep only the order id.
            incoming.bt_order_id = cancel.product_order.and_then(|o| non_empty(Some(&o.id)));
        }
    }
    incoming
}

fn flatten_typed(items: &[ProductOrderItem], out: &mut Vec<ItemState>) {
    for item in items {
        out.push(ItemState {
            id: item.id.clone(),
            internal_id: item.internal_id.clone(),
            action: item.action.clone(),
            state: item.state.clone(),
            sub_status: item.sub_status.clone(),
        });
        flatten_typed(&item.product_order_item, out);
    }
}

fn service_id_typed(items: &[ProductOrderItem]) -> Option<String> {
    items.iter().find_map(|item| {
        item.product
            .as_ref()
            .and_then(|p| p.customer_facing_service_id.as_ref())
            .and_then(|s| non_empty(s.value.as_deref()))
            .or_else(|| service_id_typed(&item.product_order_item))
    })
}

/// A string, or a number rendered as one (ids sometimes arrive unquoted).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => non_empty(Some(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn from_value(value: &Value, body: &[u8], received_at: DateTime<Utc>) -> Incoming {
    let (event_id, id_from_content) = match text(value.get("eventId")) {
        Some(id) => (id, false),
        None => (content_id_of_value(value), true),
    };
    let event_time = value
        .get("eventTime")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&Utc));
    let mut incoming = Incoming {
        event_id,
        id_from_content,
        event_type: text(value.get("eventType")),
        event_time,
        received_at,
        bt_order_id: None,
        external_id: None,
        state: None,
        sub_status: None,
        service_id: None,
        items: Vec::new(),
        items_json: String::new(),
        parsed: false,
        raw: raw_text(body),
    };
    let payload = value.get("event");
    if let Some(order) = payload
        .and_then(|p| p.get("productOrder"))
        .filter(|o| o.is_object())
    {
        incoming.bt_order_id = text(order.get("id"));
        incoming.external_id = text(order.get("externalId"));
        let items = item_array(order);
        flatten_value(items, &mut incoming.items);
        let first = items.first();
        incoming.state =
            text(order.get("state")).or_else(|| first.and_then(|i| text(i.get("state"))));
        incoming.sub_status = first.and_then(|i| text(i.get("subStatus")));
        incoming.service_id = service_id_value(items);
    } else if let Some(cancel) = payload.and_then(|p| p.get("cancelProductOrder")) {
        incoming.bt_order_id = text(cancel.get("productOrder").and_then(|o| o.get("id")));
    }
    incoming
}

fn item_array(v: &Value) -> &[Value] {
    v.get("productOrderItem")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn flatten_value(items: &[Value], out: &mut Vec<ItemState>) {
    for item in items.iter().filter(|i| i.is_object()) {
        out.push(ItemState {
            id: text(item.get("id")).unwrap_or_default(),
            internal_id: text(item.get("internalId")),
            action: text(item.get("action")),
            state: text(item.get("state")),
            sub_status: text(item.get("subStatus")),
        });
        flatten_value(item_array(item), out);
    }
}

fn service_id_value(items: &[Value]) -> Option<String> {
    items.iter().find_map(|item| {
        text(
            item.get("product")
                .and_then(|p| p.get("customerFacingServiceId"))
                .and_then(|s| s.get("value")),
        )
        .or_else(|| service_id_value(item_array(item)))
    })
}

/// Id for an event without `eventId`: a hash of its JSON with object keys sorted, so a redelivery
/// that differs only in key order or whitespace is still recognised as the same event.
fn content_id(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => content_id_of_value(&v),
        Err(_) => hex_id(&Sha256::digest(body)),
    }
}

fn content_id_of_value(value: &Value) -> String {
    let mut hasher = Sha256::new();
    canonical(value, &mut hasher);
    hex_id(&hasher.finalize())
}

fn hex_id(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut id = String::from(CONTENT_ID_PREFIX);
    for b in &digest[..16] {
        let _ = write!(id, "{b:02x}");
    }
    id
}

fn canonical(value: &Value, hasher: &mut Sha256) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hasher.update(b"{");
            for k in keys {
                // Keys and scalars go through serde_json so escaping is unambiguous.
                hasher.update(Value::String(k.clone()).to_string().as_bytes());
                hasher.update(b":");
                canonical(&map[k], hasher);
                hasher.update(b",");
            }
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for item in items {
                canonical(item, hasher);
                hasher.update(b",");
            }
            hasher.update(b"]");
        }
        scalar => hasher.update(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_id_ignores_key_order_and_whitespace() {
        let a = decode(br#"{"a":1,"b":{"c":[1,2]}}"#, Utc::now()).unwrap();
        let b = decode(b"{ \"b\": {\"c\": [1, 2]},\n \"a\": 1 }", Utc::now()).unwrap();
        let c = decode(br#"{"a":2,"b":{"c":[1,2]}}"#, Utc::now()).unwrap();
        assert!(a.id_from_content && a.event_id.starts_with(CONTENT_ID_PREFIX));
        assert_eq!(a.event_id, b.event_id);
        assert_ne!(a.event_id, c.event_id);
    }

    #[test]
    fn lenient_path_extracts_what_it_can() {
        // eventTime is not a date-time, so the generated type refuses it.
        let body = br#"{"eventId":"e1","eventType":"ProductOrderStateChangeEvent","eventTime":"soon",
            "event":{"productOrder":{"id":"001","externalId":"X","productOrderItem":[{"id":"100","state":"inProgress",
            "product":{"customerFacingServiceId":{"value":"BBONE1"}}}]}}}"#;
        let i = decode(body, Utc::now()).unwrap();
        assert!(!i.parsed);
        assert_eq!(i.event_id, "e1");
        assert_eq!(i.event_time, None);
        assert_eq!(i.bt_order_id.as_deref(), Some("001"));
        assert_eq!(i.state.as_deref(), Some("inProgress"));
        assert_eq!(i.service_id.as_deref(), Some("BBONE1"));
    }

    #[test]
    fn typed_path_reads_nested_service_id_and_items() {
        let body = br#"{"eventId":"e2","eventType":"ProductOrderCreateEvent","eventTime":"2024-03-25T12:49:05.037Z",
            "event":{"productOrder":{"id":"001","externalId":"X","productOrderItem":[{"id":"100","state":"acknowledged","subStatus":"ack",
            "productOrderItem":[{"id":"100.1","state":"acknowledged","product":{"customerFacingServiceId":{"value":"BBONE2"}}}]}]}}}"#;
        let i = decode(body, Utc::now()).unwrap();
        assert!(i.parsed);
        assert_eq!(i.items.len(), 2);
        assert_eq!(i.items[1].id, "100.1");
        assert_eq!(i.state.as_deref(), Some("acknowledged"));
        assert_eq!(i.sub_status.as_deref(), Some("ack"));
        assert_eq!(i.service_id.as_deref(), Some("BBONE2"));
    }

    #[test]
    fn not_json_is_an_error() {
        assert!(decode(b"<xml/>", Utc::now()).is_err());
        assert!(decode(b"", Utc::now()).is_err());
    }
}
