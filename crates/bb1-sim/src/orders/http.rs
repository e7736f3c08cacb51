//! The order endpoints under `/hubco/tmf/productOrderingManagement/v4`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bt_product_order::types::{
    CancelProductOrderCreate, ProductOrder, ProductOrderCreate, ProductOrderUpdate,
};

use super::{lifecycle, validate};
use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request::{self, Query};
use crate::state::AppState;

fn answer(r: BtResult<Response>) -> Response {
    r.unwrap_or_else(IntoResponse::into_response)
}

fn common_headers(headers: &HeaderMap) -> BtResult<()> {
    request::tracking_header(headers)?;
    request::product_family(headers)
}

/// `POST productOrder`: 202 with no body, as BT production answers; the BT id and the outcome
/// follow by KSU.
pub(crate) async fn create(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(run_create(&st, &headers, &body))
}

fn run_create(st: &AppState, headers: &HeaderMap, body: &Bytes) -> BtResult<Response> {
    common_headers(headers)?;
    let (req, _): (ProductOrderCreate, _) = request::json_body(headers, body)?;
    let kind = validate::structure(&req)?;
    let events = {
        let mut ledger = lock(&st.ledger);
        if ledger
            .orders
            .by_external_id(&req.external_id)
            .next()
            .is_some()
        {
            return Err(lifecycle::conflict(
                "DuplicateExternalId",
                "Duplicate externalId",
                format!(
                    "An order with externalId {} already exists",
                    req.external_id
                ),
            ));
        }
        lifecycle::create(st, &mut ledger, req, kind)
    };
    st.ksu.enqueue(events);
    st.wake.notify_one();
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `GET productOrder?externalId=`: matching orders, possibly none.
pub(crate) async fn list(
    State(st): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    answer((|| {
        common_headers(&headers)?;
        let q = Query::parse(uri.query())?;
        let ledger = lock(&st.ledger);
        let orders: Vec<ProductOrder> = match q.get("externalId") {
            Some(ext) => ledger
                .orders
                .by_external_id(ext)
                .map(|o| o.view(&st.base_url))
                .collect(),
            None => ledger
                .orders
                .orders
                .iter()
                .map(|o| o.view(&st.base_url))
                .collect(),
        };
        Ok((StatusCode::OK, axum::Json(orders)).into_response())
    })())
}

/// `GET productOrder/{id}`.
pub(crate) async fn retrieve(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer((|| {
        common_headers(&headers)?;
        let ledger = lock(&st.ledger);
        let order = ledger
            .orders
            .by_id(&id)
            .ok_or_else(|| BtFailure::not_found(format!("No order with id {id}")))?;
        Ok((StatusCode::OK, axum::Json(order.view(&st.base_url))).into_response())
    })())
}

/// `PATCH productOrder/{id}`: amend an open order → 200 with the order.
pub(crate) async fn amend(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer((|| {
        common_headers(&headers)?;
        let (update, _): (ProductOrderUpdate, _) = request::json_body(&headers, &body)?;
        let order = lifecycle::amend(&st, &mut lock(&st.ledger), &id, update)?;
        Ok((StatusCode::OK, axum::Json(order)).into_response())
    })())
}

/// `POST cancelProductOrder`: 201 until the point of no return, 409 after.
pub(crate) async fn cancel(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer((|| {
        common_headers(&headers)?;
        let (req, _): (CancelProductOrderCreate, _) = request::json_body(&headers, &body)?;
        if req.product_order.id.trim().is_empty() {
            return Err(BtFailure::missing_field("productOrder.id"));
        }
        let requested = req
            .requested_cancellation_date
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let (cancel, events) = lifecycle::cancel(
            &st,
            &mut lock(&st.ledger),
            &req.product_order.id,
            req.cancellation_reason.clone(),
            requested,
        )?;
        st.ksu.enqueue(events);
        st.wake.notify_one();
        Ok((StatusCode::CREATED, axum::Json(cancel)).into_response())
    })())
}
