//! Amend or cancel an open order; cease a completed service.

use bt_product_order::types::{CancelProductOrderCreate, ProductOrderUpdate};
use serde_json::json;

use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::journeys::appointments::Reservation;
use crate::journeys::provide::{Contact, account_party};
use crate::order::OrderHandle;
use crate::validate;

/// What to change on an open order. Only what is set is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Amendment {
    /// A newly reserved slot (reserve first, then amend; the order's date follows the slot).
    pub appointment: Option<Reservation>,
    pub site_contact: Option<Contact>,
    /// A new customer-required date (RFC 3339), for a self-install.
    pub requested_completion_date: Option<String>,
}

/// A cancellation BT accepted for processing; the outcome arrives by KSU.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CancellationRequest {
    pub bt_order_id: String,
    pub state: Option<String>,
    pub accepted_with: u16,
}

impl Hub {
    /// Amends an open order (BT's order id, from the first KSU or [`Hub::find_order`]).
    pub async fn amend(&self, bt_order_id: &str, amendment: &Amendment) -> Result<u16> {
        validate::bt_order_id("bt_order_id", bt_order_id)?;
        if amendment == &Amendment::default() {
            return Err(HubError::invalid("amendment", "nothing to change: set an appointment, a contact or a date"));
        }
        let mut item = json!({ "id": "100", "action": "add", "@type": "BTProductOrderItem" });
        let mut body = json!({ "@type": "BTProductOrder" });
        if let Some(r) = &amendment.appointment {
            validate::not_empty("amendment.appointment.id", &r.id)?;
            item["appointment"] = json!({ "id": r.id, "@type": "AppointmentRef" });
            body["requestedCompletionDate"] = json!(r.slot.start);
        }
        if let Some(c) = &amendment.site_contact {
            item["product"] = json!({ "@type": "BTProductRefOrValue", "relatedParty": [c.party("PrimarySiteContact")] });
        }
        if let Some(date) = &amendment.requested_completion_date {
            body["requestedCompletionDate"] = json!(date);
        }
        body["productOrderItem"] = json!([item]);
        let body: ProductOrderUpdate = serde_json::from_value(body).map_err(|e| HubError::invalid("amendment", format!("cannot be sent to BT: {e}")))?;
        let send = self
            .orders()
            .patch_product_order()
            .product_family(self.config().product_family.as_str())
            .apigw_client_id(self.api_client_id())
            .id(bt_order_id)
            .body(body)
            .send();
        let answer = self.call(send).await?;
        Ok(answer.status().as_u16())
    }

    /// Asks BT to cancel an open order. BT refuses once the order is past its point of no
    /// return; that refusal comes back as [`HubError::Rejected`].
    pub async fn cancel(&self, bt_order_id: &str, reason: &str) -> Result<CancellationRequest> {
        validate::bt_order_id("bt_order_id", bt_order_id)?;
        validate::not_empty("reason", reason)?;
        let body = json!({
            "@type": "CancelProductOrder",
            "productOrder": { "id": bt_order_id, "@referredType": "BTProductOrder" },
            "cancellationReason": reason,
        });
        let body: CancelProductOrderCreate = serde_json::from_value(body).map_err(|e| HubError::invalid("cancel", format!("cannot be sent to BT: {e}")))?;
        let send = self
            .orders()
            .create_cancel_product_order()
            .product_family(self.config().product_family.as_str())
            .apigw_client_id(self.api_client_id())
            .body(body)
            .send();
        let answer = self.call(send).await?;
        Ok(CancellationRequest { bt_order_id: bt_order_id.to_string(), state: None, accepted_with: answer.status().as_u16() })
    }

    /// Ceases a service: one `delete` item on its parent asset (children cease with it).
    pub async fn cease(&self, external_id: &str, service_id: &str, cease_date: Option<&str>) -> Result<OrderHandle> {
        validate::external_id("external_id", external_id)?;
        let service = self.service(service_id).await?;
        let config = self.config();
        let mut order = json!({
            "@type": "BTProductOrder",
            "externalId": external_id,
            "relatedParty": [account_party(&config.account)],
            "productOrderItem": [{
                "id": "100",
                "action": "delete",
                "@type": "BTProductOrderItem",
                "billingAccount": { "id": config.account.billing_account },
                "product": { "@type": "BTProductRefOrValue", "id": service.parent.id },
            }],
        });
        if let Some(date) = cease_date {
            order["requestedCompletionDate"] = json!(date);
        }
        self.submit_order(external_id, order).await
    }
}
