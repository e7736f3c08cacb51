//! Modify: change a completed service (an upgrade, a technology change) by a new order against
//! its parent asset, after checking the target is available.

use bt_product_inventory::types::InventoryProduct;
use serde_json::{Value, json};

use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::journeys::appointments::Reservation;
use crate::journeys::availability::{Offer, Technology};
use crate::journeys::premises::Premises;
use crate::journeys::provide::account_party;
use crate::order::OrderHandle;
use crate::validate;

/// One asset of a service, from product inventory.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Asset {
    pub id: String,
    pub offering_code: Option<String>,
    pub offering_name: Option<String>,
    pub status: Option<String>,
    /// The access technology, when the asset says (`AccessTechnology` / `ATT_RT_AccessTechnology`).
    pub technology: Option<Technology>,
}

/// A Broadband One service: its parent (access) asset and the children under it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Service {
    pub service_id: String,
    pub parent: Asset,
    pub children: Vec<Asset>,
}

impl Asset {
    fn from_bt(p: &InventoryProduct) -> Option<Self> {
        let technology = p
            .product_characteristic
            .iter()
            .find(|c| c.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("AccessTechnology") || n == "ATT_RT_AccessTechnology"))
            .and_then(|c| c.value.as_ref()?.as_str().map(Technology::parse));
        Some(Asset {
            id: p.id.clone()?,
            offering_code: p.product_offering.as_ref().and_then(|o| o.id.clone()),
            offering_name: p.product_offering.as_ref().and_then(|o| o.name.clone()).or_else(|| p.name.clone()),
            status: p.status.clone(),
            technology,
        })
    }
}

/// A modify order to plan: move `service_id` to `target` (an offer from availability at the
/// premises).
#[derive(Clone, Debug, PartialEq)]
pub struct ModifyPlan {
    pub external_id: String,
    pub service_id: String,
    pub premises: Premises,
    /// The offering name to move to, e.g. `FTTP 900_110M`.
    pub target: String,
    /// Needed when the change needs an engineer (a technology change, a new ONT).
    pub appointment: Option<Reservation>,
}

/// What [`Hub::plan_modify`] found: the service, the target offer, and whether an engineer
/// (and so an appointment) is needed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ModifyCheck {
    pub service: Service,
    pub target: Offer,
    pub needs_appointment: bool,
}

impl Hub {
    /// The assets of a service by its `BBONE…` id (BT returns the last completed state).
    pub async fn service(&self, service_id: &str) -> Result<Service> {
        validate::service_id("service_id", service_id)?;
        let send = self.inventory().list_product().service_id(service_id).send();
        let products = self
            .call(send)
            .await
            .map_err(|e| match e {
                HubError::Rejected { status: 404, .. } => HubError::NotAvailable { reason: format!("BT has no service {service_id}") },
                other => other,
            })?
            .into_inner();
        let is_child = |p: &InventoryProduct| p.product_relationship.iter().any(|r| r.relationship_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("parent")));
        let parent = products
            .iter()
            .find(|p| !is_child(p) && p.status.as_deref() != Some("terminated"))
            .and_then(Asset::from_bt)
            .ok_or_else(|| HubError::NotAvailable { reason: format!("service {service_id} has no active parent asset") })?;
        let children = products.iter().filter(|p| is_child(p)).filter_map(Asset::from_bt).collect();
        Ok(Service { service_id: service_id.to_string(), parent, children })
    }

    /// Looks the service up, checks the target is available at the premises, and says whether
    /// an engineer is needed (a technology change, or an FTTP install needing a visit).
    pub async fn plan_modify(&self, service_id: &str, premises: &Premises, target: &str) -> Result<ModifyCheck> {
        let (service, offers) = tokio::join!(self.service(service_id), self.product_availability(premises));
        let (service, offers) = (service?, offers?);
        let target = offers
            .into_iter()
            .find(|o| o.name.eq_ignore_ascii_case(target))
            .ok_or_else(|| HubError::NotAvailable { reason: format!("{target} is not available at {}", premises.openreach.one_line()) })?;
        let technology_changes = service.parent.technology.as_ref().is_some_and(|t| *t != target.technology);
        let needs_appointment = technology_changes && target.managed_install_required;
        Ok(ModifyCheck { service, target, needs_appointment })
    }

    /// Places the modify order: one `modify` item on the parent asset with the new offering,
    /// plus a managed-install child and the appointment when an engineer is needed.
    pub async fn modify(&self, plan: &ModifyPlan) -> Result<OrderHandle> {
        validate::external_id("external_id", &plan.external_id)?;
        let check = self.plan_modify(&plan.service_id, &plan.premises, &plan.target).await?;
        let order = self.modify_order(plan, &check)?;
        self.submit_order(&plan.external_id, order).await
    }

    /// The modify order body (fact sheet §7.11 design default).
    pub fn modify_order(&self, plan: &ModifyPlan, check: &ModifyCheck) -> Result<Value> {
        if check.needs_appointment && plan.appointment.is_none() {
            return Err(HubError::invalid("appointment", format!("moving to {} changes the access technology and needs an engineer: reserve a slot first", check.target.name)));
        }
        let config = self.config();
        let code = config.catalogue.access_code(&check.target.name)?.to_string();
        let mut characteristics = vec![json!({ "name": "ATT_RT_AccessTechnology", "value": check.target.technology.literal() })];
        if let Some(speed) = &check.target.minimum_guaranteed_speed {
            characteristics.push(json!({ "name": "ATT_RT_ProductMinimumGuaranteedSpeed", "value": speed }));
        }
        let mut item = json!({
            "id": "100",
            "action": "modify",
            "@type": "BTProductOrderItem",
            "billingAccount": { "id": config.account.billing_account },
            "product": { "@type": "BTProductRefOrValue", "id": check.service.parent.id, "productOffering": { "id": code }, "productCharacteristic": characteristics },
        });
        let mut order = json!({
            "@type": "BTProductOrder",
            "externalId": plan.external_id,
            "relatedParty": [account_party(&config.account)],
        });
        if let (true, Some(reservation)) = (check.needs_appointment, &plan.appointment) {
            item["appointment"] = json!({ "id": reservation.id, "@type": "AppointmentRef" });
            item["productOrderItem"] = json!([{ "id": "100.1", "action": "add", "@type": "BTProductOrderItem",
                "product": { "@type": "BTProductRefOrValue", "productOffering": { "id": config.catalogue.managed_install } } }]);
            order["requestedCompletionDate"] = json!(reservation.slot.start);
        }
        order["productOrderItem"] = json!([item]);
        Ok(order)
    }
}
