//! The store as the facade's source of order progress: `OrderHandle::wait(&hub, Some(&store), …)`
//! follows an order through the KSUs this listener has stored.

use broadband_one::{BoxFuture, HubError, OrderEvents};

use crate::store::{KsuStore, OrderRef, OrderStatus};

impl OrderEvents for KsuStore {
    fn status<'a>(&'a self, external_id: &'a str) -> BoxFuture<'a, broadband_one::Result<Option<broadband_one::OrderStatus>>> {
        Box::pin(async move {
            let status = self
                .order_status(&OrderRef::ExternalId(external_id.to_string()))
                .await
                .map_err(|e| HubError::Transport { message: format!("reading the KSU store: {e}"), retryable: true, tracking_id: None })?;
            Ok(status.map(to_facade))
        })
    }
}

fn to_facade(s: OrderStatus) -> broadband_one::OrderStatus {
    broadband_one::OrderStatus {
        bt_order_id: s.bt_order_id,
        external_id: s.external_id,
        state: s.state,
        sub_status: s.sub_status,
        service_id: s.service_id,
        // KSUs carry asset ids inside the raw events; the store's summary does not fold them.
        assets: Vec::new(),
        errors: Vec::new(),
    }
}
