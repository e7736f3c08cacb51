//! Product orders: the order book, each order's state and plan on the simulated clock, and how an
//! order is shown (`ProductOrder`, in responses and in KSU events).
//!
//! States follow BT/TMF622: `acknowledged` → `inProgress` (sub-statuses `In Progress`,
//! `Appointment Booked`, `Access in Progress`) → `completed`, or `rejected`, or, after a cancel
//! request, `pendingCancellation` → `cancelled`. The point of no return is `Access in Progress`.

pub(crate) mod http;
pub(crate) mod lifecycle;
pub(crate) mod validate;

use std::collections::{HashMap, VecDeque};

use bt_product_order::types::{
    CustomerFacingServiceId, ProductOrder, ProductOrderCreate, ProductOrderErrorMessage,
    ProductOrderItem, ProductRefOrValue,
};
use chrono::{DateTime, TimeDelta, Utc};

/// What an order does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderKind {
    Provide,
    Modify,
    Cease,
}

/// One step of an order's plan: after `after` (simulated) the order moves to `state`/`sub_status`.
#[derive(Clone, Debug)]
pub(crate) struct Stage {
    pub after: TimeDelta,
    pub state: &'static str,
    pub sub_status: &'static str,
    pub title: &'static str,
}

/// BT's ids for an item and the asset it acts on.
#[derive(Clone, Debug, Default)]
pub(crate) struct ItemMeta {
    pub internal_id: String,
    pub asset_id: Option<String>,
}

pub(crate) struct Order {
    pub id: String,
    pub external_id: String,
    pub kind: OrderKind,
    pub request: ProductOrderCreate,
    pub items: HashMap<String, ItemMeta>,
    pub state: &'static str,
    pub sub_status: &'static str,
    pub order_date: DateTime<Utc>,
    pub completion_date: Option<DateTime<Utc>>,
    pub cancellation_date: Option<DateTime<Utc>>,
    pub cancellation_reason: Option<String>,
    pub errors: Vec<ProductOrderErrorMessage>,
    pub plan: VecDeque<Stage>,
    pub next_due: Option<DateTime<Utc>>,
    /// `BBONE…` of the service provided, modified or ceased.
    pub service_id: Option<String>,
    /// The service id is shown once the order is in progress (as in BT's KSU example).
    pub service_visible: bool,
    pub premises: Option<usize>,
    pub appointment_id: Option<String>,
    pub past_point_of_no_return: bool,
}

impl Order {
    /// Still open to amend and cancel.
    pub(crate) fn is_open(&self) -> bool {
        matches!(self.state, "acknowledged" | "inProgress")
    }

    /// The order as BT shows it, with its items' current state and ids.
    pub(crate) fn view(&self, base_url: &str) -> ProductOrder {
        ProductOrder {
            id: Some(self.id.clone()),
            href: Some(format!(
                "{base_url}/hubco/tmf/productOrderingManagement/v4/productOrder/{}",
                self.id
            )),
            external_id: Some(self.external_id.clone()),
            state: Some(self.state.to_string()),
            order_date: Some(self.order_date),
            requested_completion_date: self.request.requested_completion_date,
            completion_date: self.completion_date,
            cancellation_date: self
                .cancellation_date
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            cancellation_reason: self.cancellation_reason.clone(),
            type_: Some("BTProductOrder".into()),
            related_party: self.request.related_party.clone(),
            error_message: self.errors.clone(),
            product_order_item: self
                .request
                .product_order_item
                .iter()
                .map(|i| self.item_view(i, true))
                .collect(),
            ..ProductOrder::default()
        }
    }

    fn item_view(&self, item: &ProductOrderItem, top: bool) -> ProductOrderItem {
        let meta = self.items.get(&item.id).cloned().unwrap_or_default();
        let source = item.product.clone().unwrap_or_default();
        let status = match (self.state, self.kind, item.action.as_deref()) {
            ("completed", OrderKind::Cease, _) | ("completed", _, Some("delete")) => {
                Some("terminated".to_string())
            }
            ("completed", _, _) => Some("active".to_string()),
            _ => None,
        };
        let product = ProductRefOrValue {
            id: meta.asset_id.clone(),
            product_offering: source.product_offering.clone(),
            related_party: source.related_party.clone(),
            customer_facing_service_id: if top && self.service_visible {
                self.service_id
                    .clone()
                    .map(|v| CustomerFacingServiceId { value: Some(v) })
            } else {
                None
            },
            status,
            type_: Some("BTProductRefOrValue".into()),
            ..ProductRefOrValue::default()
        };
        ProductOrderItem {
            id: item.id.clone(),
            internal_id: Some(meta.internal_id),
            action: item.action.clone(),
            state: Some(self.state.to_string()),
            sub_status: Some(self.sub_status.to_string()),
            type_: Some("BTProductOrderItem".into()),
            appointment: item.appointment.clone(),
            billing_account: item.billing_account.clone(),
            product: Some(product),
            product_order_item: item
                .product_order_item
                .iter()
                .map(|c| self.item_view(c, false))
                .collect(),
            quantity: None,
        }
    }
}

/// Every order, in creation order.
#[derive(Default)]
pub(crate) struct OrderBook {
    pub orders: Vec<Order>,
}

impl OrderBook {
    pub(crate) fn by_id(&self, id: &str) -> Option<&Order> {
        self.orders.iter().find(|o| o.id == id)
    }

    pub(crate) fn by_id_mut(&mut self, id: &str) -> Option<&mut Order> {
        self.orders.iter_mut().find(|o| o.id == id)
    }

    pub(crate) fn by_external_id(&self, external_id: &str) -> impl Iterator<Item = &Order> {
        self.orders
            .iter()
            .filter(move |o| o.external_id == external_id)
    }

    /// When the next stage of any order is due.
    pub(crate) fn next_due(&self) -> Option<DateTime<Utc>> {
        self.orders.iter().filter_map(|o| o.next_due).min()
    }
}

/// Visits every item of a tree, parents first.
pub(crate) fn walk<'a>(items: &'a [ProductOrderItem], out: &mut Vec<&'a ProductOrderItem>) {
    for i in items {
        out.push(i);
        walk(&i.product_order_item, out);
    }
}
