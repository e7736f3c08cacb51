//! HTTP serving: the router with BT's paths and prefixes, 404/405 in BT's shape, and an accept
//! loop that can drop a connection on purpose (fault injection) and shuts down gracefully.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::errors::BtFailure;
use crate::faults::{self, ConnectionDropper};
use crate::state::AppState;
use crate::{address, appointment, auth, availability, inventory, line, orders};

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route(
            "/common/geographicAddressManagement/v1/geographicAddress",
            get(address::search).post(address::create),
        )
        .route(
            "/common/appointmentManagement/v4/searchTimeSlot",
            post(appointment::search),
        )
        .route(
            "/common/appointmentManagement/v4/appointment",
            post(appointment::reserve),
        )
        .route("/common/v1/line-availability/line", get(line::availability))
        .route(
            "/hubco/tmf/productOfferingQualification/v4/productOfferingQualification",
            post(availability::qualify),
        )
        .route(
            "/hubco/tmf/productOrderingManagement/v4/productOrder",
            post(orders::http::create).get(orders::http::list),
        )
        .route(
            "/hubco/tmf/productOrderingManagement/v4/productOrder/{id}",
            get(orders::http::retrieve).patch(orders::http::amend),
        )
        .route(
            "/hubco/tmf/productOrderingManagement/v4/cancelProductOrder",
            post(orders::http::cancel),
        )
        .route(
            "/hubco/tmf/productInventory/v4/product",
            get(inventory::list),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_bearer,
        ));
    Router::new()
        .route("/oauth/accesstoken", post(auth::token))
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .with_state(state)
}

async fn not_found() -> Response {
    BtFailure::not_found("Resource not found").into_response()
}

async fn method_not_allowed() -> Response {
    BtFailure::method_not_allowed().into_response()
}

/// Serves `app` on `listener` until `shutdown` turns true, then lets open requests finish.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: back off briefly, keep serving.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut shutdown = shutdown.clone();
        connections.spawn(async move {
            let dropper = Arc::new(Notify::new());
            let tag = ConnectionDropper(dropper.clone());
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(tag.clone());
                    app.clone().oneshot(request)
                });
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                // Dropping the connection future closes the socket mid-request.
                _ = dropper.notified() => {}
                _ = shutdown.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), connection.as_mut()).await;
                }
            }
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}
