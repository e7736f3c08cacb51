//! How orders move: creation (acknowledged or rejected), the staged plan on the simulated clock,
//! completion effects on the inventory, amend and cancel. Every state change yields a KSU event.

use std::collections::VecDeque;

use bt_order_notifications::types::{ProductOrderEvent, ProductOrderEventPayload};
use bt_product_order::types::{
    CancelProductOrder, ProductOrder, ProductOrderCreate, ProductOrderErrorMessage,
    ProductOrderItem, ProductOrderItemRef, ProductOrderRef, ProductOrderUpdate,
};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::validate::{self, Checked};
use super::{ItemMeta, Order, OrderKind, Stage, walk};
use crate::catalogue::{access_by_code, child_by_code};
use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::inventory::Asset;
use crate::request::convert;
use crate::state::{AppState, Ledger};

pub(crate) const CREATE_EVENT: &str = "ProductOrderCreateEvent";
pub(crate) const STATE_CHANGE_EVENT: &str = "ProductOrderStateChangeEvent";

fn stage(
    after: TimeDelta,
    state: &'static str,
    sub_status: &'static str,
    title: &'static str,
) -> Stage {
    Stage {
        after,
        state,
        sub_status,
        title,
    }
}

/// The stages after `acknowledged`. Durations are simulated time; `Access in Progress` is the
/// point of no return.
fn plan(kind: OrderKind, managed_install: bool) -> VecDeque<Stage> {
    let in_progress = stage(
        TimeDelta::minutes(10),
        "inProgress",
        "In Progress",
        "In Progress",
    );
    let access = |after| {
        stage(
            after,
            "inProgress",
            "Access in Progress",
            "Access in Progress",
        )
    };
    let complete = stage(
        TimeDelta::days(1),
        "completed",
        "Completed",
        "Order Complete",
    );
    match (kind, managed_install) {
        (OrderKind::Provide, true) => VecDeque::from([
            in_progress,
            stage(
                TimeDelta::hours(1),
                "inProgress",
                "Appointment Booked",
                "Appointment Booked",
            ),
            access(TimeDelta::days(1)),
            complete,
        ]),
        (OrderKind::Provide | OrderKind::Modify, _) => {
            VecDeque::from([in_progress, access(TimeDelta::hours(4)), complete])
        }
        (OrderKind::Cease, _) => VecDeque::from([in_progress, complete]),
    }
}

fn event(
    st: &AppState,
    order: &Order,
    event_type: &str,
    title: &str,
    at: DateTime<Utc>,
) -> Option<ProductOrderEvent> {
    let view = order.view(&st.base_url);
    let product_order = convert(&view)?;
    Some(ProductOrderEvent {
        event_id: Some(lock(&st.ids).uuid_v4()),
        event_time: Some(at),
        event_type: Some(event_type.to_string()),
        title: Some(title.to_string()),
        event: Some(ProductOrderEventPayload {
            product_order: Some(product_order),
            cancel_product_order: None,
        }),
        ..ProductOrderEvent::default()
    })
}

/// Records a new order (already structurally valid) and runs BT's business checks on it.
pub(crate) fn create(
    st: &AppState,
    ledger: &mut Ledger,
    request: ProductOrderCreate,
    kind: OrderKind,
) -> Vec<ProductOrderEvent> {
    let now = st.clock.now();
    let id = ledger.next_order_id();
    let checked = validate::business(st, ledger, &request, kind);
    let mut all = Vec::new();
    walk(&request.product_order_item, &mut all);
    let mut items = std::collections::HashMap::new();
    for item in &all {
        let asset_id = asset_for(st, item);
        items.insert(
            item.id.clone(),
            ItemMeta {
                internal_id: ledger.next_internal_id(),
                asset_id,
            },
        );
    }
    let mut order = Order {
        id,
        external_id: request.external_id.clone(),
        kind,
        request,
        items,
        state: "acknowledged",
        sub_status: "acknowledged",
        order_date: now,
        completion_date: None,
        cancellation_date: None,
        cancellation_reason: None,
        errors: Vec::new(),
        plan: VecDeque::new(),
        next_due: None,
        service_id: None,
        service_visible: false,
        premises: None,
        appointment_id: None,
        past_point_of_no_return: false,
    };
    let title = match checked {
        Ok(Checked {
            premises,
            service_id,
            managed_install,
            appointment_id,
        }) => {
            order.premises = premises;
            order.appointment_id = appointment_id;
            order.service_visible = service_id.is_some();
            order.service_id = service_id.or_else(|| Some(ledger.new_service_id(st)));
            order.plan = plan(kind, managed_install);
            order.next_due = order.plan.front().map(|s| now + s.after);
            "Order Acknowledged"
        }
        Err(r) => {
            // BT reports a rejection on the create event itself (sibling-product pattern).
            order.state = "rejected";
            order.sub_status = "Rejected";
            order.errors = vec![ProductOrderErrorMessage {
                code: Some(r.code.into()),
                reason: Some(r.reason.into()),
                message: Some(r.message),
                status: Some("400".into()),
                timestamp: Some(now.to_rfc3339_opts(SecondsFormat::Millis, true)),
                product_order_item: vec![ProductOrderItemRef {
                    product_order_id: Some(order.id.clone()),
                    product_order_item_id: Some(r.item_id),
                }],
                reference_error: None,
            }];
            "Order Rejected"
        }
    };
    let events = event(st, &order, CREATE_EVENT, title, now)
        .into_iter()
        .collect();
    ledger.orders.orders.push(order);
    events
}

/// The asset an item acts on: a new one for a provided product (none for a managed install), the
/// caller's for modify and delete.
fn asset_for(st: &AppState, item: &ProductOrderItem) -> Option<String> {
    let given = item.product.as_ref().and_then(|p| p.id.clone());
    match item.action.as_deref() {
        Some("add") => {
            let code = item
                .product
                .as_ref()
                .and_then(|p| p.product_offering.as_ref())
                .and_then(|o| o.id.as_deref());
            let managed = code
                .and_then(child_by_code)
                .is_some_and(|c| c.managed_install);
            (!managed).then(|| lock(&st.ids).uuid_v4())
        }
        _ => given,
    }
}

/// Applies every stage due by `now`, in time order, and returns the events.
pub(crate) fn process_due(
    st: &AppState,
    ledger: &mut Ledger,
    now: DateTime<Utc>,
) -> Vec<ProductOrderEvent> {
    let mut events = Vec::new();
    loop {
        let next = ledger
            .orders
            .orders
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.next_due.filter(|t| *t <= now).map(|t| (t, i)))
            .min();
        let Some((at, i)) = next else { break };
        events.extend(apply_stage(st, ledger, i, at));
    }
    events
}

fn apply_stage(
    st: &AppState,
    ledger: &mut Ledger,
    i: usize,
    at: DateTime<Utc>,
) -> Option<ProductOrderEvent> {
    let Ledger {
        orders,
        inventory,
        appointments,
        ..
    } = ledger;
    let order = &mut orders.orders[i];
    let stage = order.plan.pop_front()?;
    order.state = stage.state;
    order.sub_status = stage.sub_status;
    order.next_due = order.plan.front().map(|s| at + s.after);
    match stage.state {
        "inProgress" => order.service_visible = true,
        "completed" => {
            order.completion_date = Some(at);
            complete(order, inventory, at);
        }
        "cancelled" => {
            order.cancellation_date = Some(at);
            if let Some(a) = &order.appointment_id {
                appointments.release(a);
            }
        }
        _ => {}
    }
    if stage.sub_status == "Access in Progress" {
        order.past_point_of_no_return = true;
    }
    event(st, order, STATE_CHANGE_EVENT, stage.title, at)
}

fn characteristics(item: &ProductOrderItem) -> Vec<(String, String)> {
    item.product
        .as_ref()
        .map(|p| {
            p.product_characteristic
                .iter()
                .filter_map(|c| Some((c.name.clone()?, c.value.clone()?)))
                .filter(|(n, _)| {
                    n.starts_with("ATT_RT_")
                        && n != "ATT_RT_InstallType"
                        && n != "ATT_RT_ResellerID"
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a completed order does to the inventory.
fn complete(order: &Order, inventory: &mut crate::inventory::Inventory, at: DateTime<Utc>) {
    let Some(top) = order.request.product_order_item.first() else {
        return;
    };
    let Some(service) = order.service_id.clone() else {
        return;
    };
    let asset_of =
        |item: &ProductOrderItem| order.items.get(&item.id).and_then(|m| m.asset_id.clone());
    let code_of = |item: &ProductOrderItem| {
        item.product
            .as_ref()
            .and_then(|p| p.product_offering.as_ref())
            .and_then(|o| o.id.clone())
            .unwrap_or_default()
    };
    let Some(parent) = asset_of(top) else { return };
    match order.kind {
        OrderKind::Provide => {
            let code = code_of(top);
            let name = access_by_code(&code)
                .map(|o| o.name)
                .unwrap_or("Broadband One");
            let places = top
                .product
                .as_ref()
                .map(|p| {
                    p.place
                        .iter()
                        .filter_map(|pl| Some((pl.id.clone()?, pl.role.clone()?)))
                        .collect()
                })
                .unwrap_or_default();
            inventory.add(Asset {
                id: parent.clone(),
                service_id: service.clone(),
                name: name.into(),
                offering_code: code,
                offering_name: name.into(),
                status: "active".into(),
                characteristics: characteristics(top),
                parent: None,
                places,
                start_date: at,
                termination_date: None,
                premises: order.premises,
            });
            add_children(order, top, &parent, &service, inventory, at);
        }
        OrderKind::Modify => {
            let code = code_of(top);
            if let Some(o) = access_by_code(&code) {
                inventory.regrade(&parent, o.code, o.name, &characteristics(top));
            }
            let mut children = Vec::new();
            walk(&top.product_order_item, &mut children);
            for child in children
                .into_iter()
                .filter(|c| c.action.as_deref() == Some("delete"))
            {
                if let Some(id) = asset_of(child) {
                    inventory.terminate(&id, at);
                }
            }
            add_children(order, top, &parent, &service, inventory, at);
        }
        OrderKind::Cease => inventory.cease(&parent, at),
    }
}

fn add_children(
    order: &Order,
    top: &ProductOrderItem,
    parent: &str,
    service: &str,
    inventory: &mut crate::inventory::Inventory,
    at: DateTime<Utc>,
) {
    let mut children = Vec::new();
    walk(&top.product_order_item, &mut children);
    for child in children
        .into_iter()
        .filter(|c| c.action.as_deref() == Some("add"))
    {
        let code = child
            .product
            .as_ref()
            .and_then(|p| p.product_offering.as_ref())
            .and_then(|o| o.id.clone());
        let (Some(code), Some(id)) = (
            code,
            order.items.get(&child.id).and_then(|m| m.asset_id.clone()),
        ) else {
            continue;
        };
        let name = child_by_code(&code)
            .map(|c| c.name)
            .unwrap_or("Associated product");
        inventory.add(Asset {
            id,
            service_id: service.into(),
            name: name.into(),
            offering_code: code,
            offering_name: name.into(),
            status: "active".into(),
            characteristics: characteristics(child),
            parent: Some(parent.into()),
            places: Vec::new(),
            start_date: at,
            termination_date: None,
            premises: order.premises,
        });
    }
}

/// A cancellation request: accepted until the point of no return.
pub(crate) fn cancel(
    st: &AppState,
    ledger: &mut Ledger,
    id: &str,
    reason: Option<String>,
    requested_date: Option<String>,
) -> BtResult<(CancelProductOrder, Vec<ProductOrderEvent>)> {
    let now = st.clock.now();
    let cancel_id = format!("CPO-{:07}", ledger.next_cancel_number());
    let order = ledger
        .orders
        .by_id_mut(id)
        .ok_or_else(|| BtFailure::not_found(format!("No order with id {id}")))?;
    if order.past_point_of_no_return || order.state == "completed" {
        return Err(conflict(
            "PointOfNoReturn",
            "Order cannot be cancelled",
            format!("Order {id} has passed the point of no return and cannot be cancelled"),
        ));
    }
    if !order.is_open() {
        return Err(conflict(
            "OrderNotOpen",
            "Order cannot be cancelled",
            format!("Order {id} is {}", order.state),
        ));
    }
    order.state = "pendingCancellation";
    order.sub_status = "Cancellation Requested";
    order.cancellation_reason = reason.clone();
    order.plan = VecDeque::from([stage(
        TimeDelta::minutes(5),
        "cancelled",
        "Cancelled",
        "Order Cancelled",
    )]);
    order.next_due = Some(now + TimeDelta::minutes(5));
    let events = event(st, order, STATE_CHANGE_EVENT, "Cancellation Requested", now)
        .into_iter()
        .collect();
    let answer = CancelProductOrder {
        id: Some(cancel_id.clone()),
        href: Some(format!(
            "{}/hubco/tmf/productOrderingManagement/v4/cancelProductOrder/{cancel_id}",
            st.base_url
        )),
        state: Some("acknowledged".into()),
        cancellation_reason: reason,
        requested_cancellation_date: requested_date,
        effective_cancellation_date: None,
        product_order: Some(ProductOrderRef {
            id: id.to_string(),
            href: Some(format!(
                "{}/hubco/tmf/productOrderingManagement/v4/productOrder/{id}",
                st.base_url
            )),
            referred_type: Some("BTProductOrder".into()),
        }),
        type_: Some("CancelProductOrder".into()),
    };
    Ok((answer, events))
}

pub(crate) fn conflict(code: &str, reason: &str, message: String) -> BtFailure {
    BtFailure::new(
        axum::http::StatusCode::CONFLICT,
        code,
        Some(reason),
        Some(message),
    )
}

/// An amendment of an open order: requested date, order parties, and per item the appointment
/// and contacts.
pub(crate) fn amend(
    st: &AppState,
    ledger: &mut Ledger,
    id: &str,
    update: ProductOrderUpdate,
) -> BtResult<ProductOrder> {
    let Ledger {
        orders,
        appointments,
        ..
    } = ledger;
    let order = orders
        .by_id_mut(id)
        .ok_or_else(|| BtFailure::not_found(format!("No order with id {id}")))?;
    if !order.is_open() {
        return Err(conflict(
            "OrderNotAmendable",
            "Order cannot be amended",
            format!("Order {id} is {}", order.state),
        ));
    }
    // Check everything before changing anything.
    for (i, change) in update.product_order_item.iter().enumerate() {
        if find_item(&mut order.request.product_order_item, &change.id).is_none() {
            return Err(
                BtFailure::invalid_field(&format!("productOrderItem[{i}].id"))
                    .with_message(format!("Order {id} has no item {}", change.id)),
            );
        }
        if let Some(a) = &change.appointment
            && appointments.get(&a.id).is_none()
        {
            return Err(
                BtFailure::invalid_field(&format!("productOrderItem[{i}].appointment.id"))
                    .with_message(format!(
                        "Appointment {} is not a reserved appointment",
                        a.id
                    )),
            );
        }
    }
    if let Some(d) = update.requested_completion_date {
        order.request.requested_completion_date = Some(d);
    }
    if !update.related_party.is_empty() {
        order.request.related_party = update.related_party.clone();
    }
    for change in &update.product_order_item {
        let Some(item) = find_item(&mut order.request.product_order_item, &change.id) else {
            continue;
        };
        if let Some(a) = &change.appointment {
            item.appointment = Some(a.clone());
            order.appointment_id = Some(a.id.clone());
        }
        let contacts = change
            .product
            .as_ref()
            .map(|p| p.related_party.clone())
            .unwrap_or_default();
        if !contacts.is_empty() {
            item.product
                .get_or_insert_with(Default::default)
                .related_party = contacts;
        }
    }
    Ok(order.view(&st.base_url))
}

fn find_item<'a>(items: &'a mut [ProductOrderItem], id: &str) -> Option<&'a mut ProductOrderItem> {
    for item in items {
        if item.id == id {
            return Some(item);
        }
        if let Some(found) = find_item(&mut item.product_order_item, id) {
            return Some(found);
        }
    }
    None
}
