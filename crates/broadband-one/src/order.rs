//! Submitting orders safely, and following them.
//!
//! A duplicate Broadband One order is a second line in a customer's home, and Openreach does not
//! reject duplicates, so an order is never sent twice blindly. When an answer is lost, the order
//! is looked up by the caller's `externalId` first; only if the lookup cannot say, the caller is
//! told the order may exist.

use std::time::Duration;

use bt_core::BoxFuture;
use bt_product_order::types::{ProductOrder, ProductOrderCreate};
use serde_json::Value;

use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::validate;

/// A submitted order. BT answers a create with `202` and no body, so BT's order id is known
/// only once the order is found by lookup or the first KSU arrives.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OrderHandle {
    pub external_id: String,
    pub bt_order_id: Option<String>,
    /// The HTTP status of the create (202 from BT production), or `None` when the order was
    /// found by lookup after an ambiguous failure.
    pub accepted_with: Option<u16>,
}

/// Where an order stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OrderStatus {
    pub bt_order_id: Option<String>,
    pub external_id: Option<String>,
    /// BT's state: `acknowledged`, `inProgress`, `completed`, `rejected`, `cancelled`, …
    pub state: Option<String>,
    /// The access item's sub-status (free text such as `In Progress`).
    pub sub_status: Option<String>,
    /// The `BBONE…` service id, once BT has allocated it.
    pub service_id: Option<String>,
    /// Asset ids per item id (`100` → the parent asset), once completed.
    pub assets: Vec<(String, String)>,
    /// Error messages BT attached (rejections).
    pub errors: Vec<String>,
}

impl OrderStatus {
    /// Whether the order will not change any more.
    pub fn is_settled(&self) -> bool {
        self.state.as_deref().is_some_and(is_terminal)
    }

    pub fn from_product_order(order: &ProductOrder) -> Self {
        let first = order.product_order_item.first();
        let item_state = first.and_then(|i| i.state.clone());
        let mut assets = Vec::new();
        let mut service_id = None;
        let mut stack: Vec<&bt_product_order::types::ProductOrderItem> = order.product_order_item.iter().collect();
        while let Some(item) = stack.pop() {
            if let Some(product) = &item.product {
                if let Some(id) = &product.id {
                    assets.push((item.id.clone(), id.clone()));
                }
                if service_id.is_none() {
                    service_id = product.customer_facing_service_id.as_ref().and_then(|c| c.value.clone());
                }
            }
            stack.extend(item.product_order_item.iter());
        }
        assets.sort();
        OrderStatus {
            bt_order_id: order.id.clone(),
            external_id: order.external_id.clone(),
            state: order.state.clone().or(item_state),
            sub_status: first.and_then(|i| i.sub_status.clone()),
            service_id,
            assets,
            errors: order
                .error_message
                .iter()
                .map(|e| [e.code.as_deref(), e.reason.as_deref(), e.message.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(": "))
                .collect(),
        }
    }
}

/// States after which an order does not change.
pub fn is_terminal(state: &str) -> bool {
    matches!(state.to_ascii_lowercase().as_str(), "completed" | "rejected" | "cancelled" | "failed")
}

/// A source of order progress pushed by BT (KSUs), e.g. the KSU listener's store.
pub trait OrderEvents: Send + Sync {
    /// The latest known status of the order with this `externalId`, if any event names it.
    fn status<'a>(&'a self, external_id: &'a str) -> BoxFuture<'a, Result<Option<OrderStatus>>>;
}

impl OrderHandle {
    /// Waits until the order settles (completed, rejected, cancelled), polling `events` (KSUs)
    /// and, every few polls, the Hub's order lookup. Gives up after `timeout`.
    pub async fn wait(&self, hub: &Hub, events: Option<&dyn OrderEvents>, timeout: Duration) -> Result<OrderStatus> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last = None;
        let mut round = 0u32;
        loop {
            if let Some(events) = events
                && let Some(status) = events.status(&self.external_id).await? {
                    if status.is_settled() {
                        return Ok(status);
                    }
                    last = Some(status);
                }
            if (events.is_none() || round % 10 == 9)
                && let Some(status) = hub.order_status(&self.external_id).await? {
                    if status.is_settled() {
                        return Ok(status);
                    }
                    last = Some(status);
                }
            if tokio::time::Instant::now() >= deadline {
                let state = last.and_then(|s| s.state).unwrap_or_else(|| "unknown".into());
                return Err(HubError::Transport {
                    message: format!("order {} had not settled after {timeout:?} (last state: {state})", self.external_id),
                    retryable: true,
                    tracking_id: None,
                });
            }
            round += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Hub {
    /// Sends an order body (provide, modify or cease) once.
    ///
    /// * 201/202: submitted; BT validates later and reports by KSU.
    /// * 4xx: refused; nothing was created.
    /// * connection refused: nothing was sent; safe to try again.
    /// * timeout, dropped connection, 5xx: the order may have been received. It is looked up
    ///   by `external_id`; found → its handle; not found → [`HubError::AmbiguousSubmission`].
    pub async fn submit_order(&self, external_id: &str, order: Value) -> Result<OrderHandle> {
        validate::external_id("external_id", external_id)?;
        let body: ProductOrderCreate = serde_json::from_value(order).map_err(|e| HubError::invalid("order", format!("does not match BT's order schema: {e}")))?;
        let send = self
            .orders()
            .create_product_order()
            .product_family(self.config().product_family.as_str())
            .apigw_client_id(self.api_client_id())
            .body(body)
            .send();
        let (sent, record) = self.call_recorded(send).await?;
        match sent {
            Ok(rv) => {
                tracing::info!(external_id, status = rv.status().as_u16(), "order submitted");
                Ok(OrderHandle { external_id: external_id.to_string(), bt_order_id: None, accepted_with: Some(rv.status().as_u16()) })
            }
            Err(e) => {
                // A refused connection means nothing reached BT: safe to report and retry.
                let nothing_sent = matches!(&e, progenitor_client::Error::CommunicationError(re) if re.is_connect());
                match record.error(e) {
                    err if nothing_sent => Err(err),
                    HubError::Transport { message, .. } => self.resolve_ambiguous(external_id, message).await,
                    HubError::Rejected { status, message, .. } if status >= 500 => {
                        self.resolve_ambiguous(external_id, format!("HTTP {status}: {}", message.unwrap_or_default())).await
                    }
                    HubError::UnexpectedResponse { status, message, .. } => {
                        self.resolve_ambiguous(external_id, format!("unreadable answer (HTTP {status:?}): {message}")).await
                    }
                    other => Err(other),
                }
            }
        }
    }

    async fn resolve_ambiguous(&self, external_id: &str, cause: String) -> Result<OrderHandle> {
        tracing::warn!(external_id, cause = %cause, "order submission ambiguous; looking it up before anything else");
        match self.find_order(external_id).await {
            Ok(Some(order)) => Ok(OrderHandle { external_id: external_id.to_string(), bt_order_id: order.id, accepted_with: None }),
            Ok(None) => Err(HubError::AmbiguousSubmission { external_id: external_id.to_string(), message: format!("{cause}; no order with that externalId is visible yet") }),
            Err(lookup) => Err(HubError::AmbiguousSubmission { external_id: external_id.to_string(), message: format!("{cause}; the lookup failed too: {lookup}") }),
        }
    }

    /// BT's order with this `externalId`, if BT has one.
    pub async fn find_order(&self, external_id: &str) -> Result<Option<ProductOrder>> {
        validate::external_id("external_id", external_id)?;
        let send = self
            .orders()
            .list_product_order()
            .product_family(self.config().product_family.as_str())
            .external_id(external_id)
            .send();
        match self.call(send).await {
            Ok(rv) => Ok(rv.into_inner().into_iter().find(|o| o.external_id.as_deref() == Some(external_id))),
            Err(HubError::Rejected { status: 404, .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The order's status from BT's order lookup (`None` if BT has no such order yet).
    pub async fn order_status(&self, external_id: &str) -> Result<Option<OrderStatus>> {
        Ok(self.find_order(external_id).await?.as_ref().map(OrderStatus::from_product_order))
    }

    /// BT's order by BT's id.
    pub async fn retrieve_order(&self, bt_order_id: &str) -> Result<OrderStatus> {
        validate::bt_order_id("bt_order_id", bt_order_id)?;
        let send = self
            .orders()
            .retrieve_product_order()
            .product_family(self.config().product_family.as_str())
            .id(bt_order_id)
            .send();
        let order = self.call(send).await?;
        Ok(OrderStatus::from_product_order(&order.into_inner()))
    }
}
