//! Order checks. Structure is checked when the order arrives (a 400 naming the field, as BT's
//! gateway does); business rules are checked as BT's back end does, after the `202`, and a
//! failure rejects the order by KSU with an `errorMessage` entry.

use bt_product_order::types::{ProductOrderCreate, ProductOrderItem};

use super::{OrderKind, walk};
use crate::catalogue::{Technology, access_by_code, child_by_code};
use crate::errors::{BtFailure, BtResult};
use crate::state::{AppState, Ledger};
use crate::world::{OntState, Premises};

/// Structural checks → the order's kind.
pub(crate) fn structure(req: &ProductOrderCreate) -> BtResult<OrderKind> {
    if req.external_id.trim().is_empty() {
        return Err(BtFailure::missing_field("externalId"));
    }
    let top = req
        .product_order_item
        .first()
        .ok_or_else(|| BtFailure::missing_field("productOrderItem"))?;
    check_items(&req.product_order_item, "productOrderItem")?;
    let at = "productOrderItem[0]";
    let kind = match top.action.as_deref() {
        Some("add") => OrderKind::Provide,
        Some("modify") => OrderKind::Modify,
        Some("delete") => OrderKind::Cease,
        _ => return Err(BtFailure::invalid_field(&format!("{at}.action"))),
    };
    let product = top
        .product
        .as_ref()
        .ok_or_else(|| BtFailure::missing_field(&format!("{at}.product")))?;
    match kind {
        OrderKind::Provide => {
            if product
                .product_offering
                .as_ref()
                .and_then(|o| o.id.as_deref())
                .is_none()
            {
                return Err(BtFailure::missing_field(&format!(
                    "{at}.product.productOffering.id"
                )));
            }
            for role in ["SiteAddress", "OpenreachAddress"] {
                let place = product
                    .place
                    .iter()
                    .position(|p| p.role.as_deref() == Some(role));
                let Some(i) = place else {
                    return Err(BtFailure::missing_field(&format!("{at}.product.place"))
                        .with_message(format!(
                            "Missing body parameter {at}.product.place (role {role})"
                        )));
                };
                if product.place[i].id.as_deref().is_none_or(str::is_empty) {
                    return Err(BtFailure::missing_field(&format!(
                        "{at}.product.place[{i}].id"
                    )));
                }
                if role == "OpenreachAddress"
                    && product.place[i]
                        .address
                        .as_ref()
                        .and_then(|a| a.district_code.as_deref())
                        .is_none()
                {
                    return Err(BtFailure::missing_field(&format!(
                        "{at}.product.place[{i}].address.districtCode"
                    )));
                }
            }
        }
        OrderKind::Modify | OrderKind::Cease => {
            if product.id.as_deref().is_none_or(str::is_empty) {
                return Err(BtFailure::missing_field(&format!("{at}.product.id")));
            }
        }
    }
    Ok(kind)
}

fn check_items(items: &[ProductOrderItem], at: &str) -> BtResult<()> {
    for (i, item) in items.iter().enumerate() {
        let here = format!("{at}[{i}]");
        if item.id.trim().is_empty() {
            return Err(BtFailure::missing_field(&format!("{here}.id")));
        }
        match item.action.as_deref() {
            None => return Err(BtFailure::missing_field(&format!("{here}.action"))),
            Some("add" | "modify" | "delete" | "noChange") => {}
            Some(_) => return Err(BtFailure::invalid_field(&format!("{here}.action"))),
        }
        check_items(
            &item.product_order_item,
            &format!("{here}.productOrderItem"),
        )?;
    }
    Ok(())
}

/// A business-rule failure: becomes an `errorMessage` entry and rejects the order.
#[derive(Clone, Debug)]
pub(crate) struct Rejection {
    pub code: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub item_id: String,
}

/// What the checks learnt about the order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Checked {
    pub premises: Option<usize>,
    pub service_id: Option<String>,
    pub managed_install: bool,
    pub appointment_id: Option<String>,
}

fn reject(
    code: &'static str,
    reason: &'static str,
    message: String,
    item: &ProductOrderItem,
) -> Rejection {
    Rejection {
        code,
        reason,
        message,
        item_id: item.id.clone(),
    }
}

fn offering_id(item: &ProductOrderItem) -> Option<&str> {
    item.product
        .as_ref()?
        .product_offering
        .as_ref()?
        .id
        .as_deref()
}

fn characteristic<'a>(item: &'a ProductOrderItem, name: &str) -> Option<&'a str> {
    item.product
        .as_ref()?
        .product_characteristic
        .iter()
        .find(|c| c.name.as_deref() == Some(name))?
        .value
        .as_deref()
}

/// Child items must name known associated offerings (adds) or child assets (deletes).
fn check_children(
    top: &ProductOrderItem,
    parent_asset: Option<&str>,
    ledger: &Ledger,
) -> Result<bool, Rejection> {
    let mut managed = false;
    let mut children = Vec::new();
    walk(&top.product_order_item, &mut children);
    for child in children {
        match child.action.as_deref() {
            Some("delete") => {
                let asset = child
                    .product
                    .as_ref()
                    .and_then(|p| p.id.as_deref())
                    .unwrap_or("");
                if !parent_asset.is_some_and(|p| ledger.inventory.is_child_of(asset, p)) {
                    return Err(reject(
                        "AssetNotFound",
                        "Asset not found",
                        format!(
                            "Asset '{asset}' on item {} is not part of this service",
                            child.id
                        ),
                        child,
                    ));
                }
            }
            Some("add") => {
                let code = offering_id(child).unwrap_or("");
                match child_by_code(code) {
                    Some(c) => managed |= c.managed_install,
                    None => {
                        return Err(reject(
                            "InvalidProductOffering",
                            "Product offering not recognised",
                            format!(
                                "productOffering.id '{code}' on item {} is not a Broadband One product code",
                                child.id
                            ),
                            child,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(managed)
}

pub(crate) fn business(
    st: &AppState,
    ledger: &Ledger,
    req: &ProductOrderCreate,
    kind: OrderKind,
) -> Result<Checked, Rejection> {
    let Some(top) = req.product_order_item.first() else {
        return Ok(Checked::default());
    };
    if req.product_order_item.len() > 1 {
        return Err(reject(
            "InvalidOrderStructure",
            "One access item per order",
            "A Broadband One order carries one access item; put associated products under it"
                .into(),
            &req.product_order_item[1],
        ));
    }
    match kind {
        OrderKind::Provide => provide(st, ledger, top),
        OrderKind::Modify => modify(st, ledger, top),
        OrderKind::Cease => {
            let asset = top
                .product
                .as_ref()
                .and_then(|p| p.id.as_deref())
                .unwrap_or("");
            let parent = ledger.inventory.active_parent(asset).ok_or_else(|| {
                reject(
                    "AssetNotFound",
                    "Asset not found",
                    format!("No active Broadband One service has parent asset '{asset}'"),
                    top,
                )
            })?;
            Ok(Checked {
                premises: parent.premises,
                service_id: Some(parent.service_id.clone()),
                ..Checked::default()
            })
        }
    }
}

fn provide(st: &AppState, ledger: &Ledger, top: &ProductOrderItem) -> Result<Checked, Rejection> {
    let code = offering_id(top).unwrap_or("");
    let offering = access_by_code(code).ok_or_else(|| {
        reject(
            "InvalidProductOffering",
            "Product offering not recognised",
            format!(
                "productOffering.id '{code}' on item {} is not a Broadband One product code",
                top.id
            ),
            top,
        )
    })?;
    let places = top
        .product
        .as_ref()
        .map(|p| p.place.as_slice())
        .unwrap_or_default();
    let place = |role: &str| places.iter().find(|p| p.role.as_deref() == Some(role));
    let or_place = place("OpenreachAddress");
    let or_key = or_place.and_then(|p| p.id.as_deref()).unwrap_or("");
    let district = or_place
        .and_then(|p| p.address.as_ref())
        .and_then(|a| a.district_code.as_deref())
        .unwrap_or("");
    let site_key = place("SiteAddress")
        .and_then(|p| p.id.as_deref())
        .unwrap_or("");
    let invalid_address =
        |message: String| reject("InvalidAddress", "Address not recognised", message, top);

    let premises: &Premises = st.world.by_openreach_key(or_key).ok_or_else(|| {
        invalid_address(format!(
            "OpenreachAddress '{or_key}' is not a known NAD key with network data"
        ))
    })?;
    if premises.district_code() != Some(district) {
        return Err(invalid_address(format!(
            "districtCode '{district}' does not match OpenreachAddress '{or_key}'"
        )));
    }
    let book = st.addresses.read().unwrap_or_else(|e| e.into_inner());
    if st.world.by_robt_key(site_key).is_none() && !book.created_robt(site_key) {
        return Err(invalid_address(format!(
            "SiteAddress '{site_key}' is not a known RoBT key"
        )));
    }
    drop(book);
    if !premises
        .available_offerings()
        .iter()
        .any(|o| o.code == offering.code)
    {
        return Err(reject(
            "ProductNotAvailable",
            "Product not available",
            format!(
                "{} ({}) is not available at {or_key}",
                offering.name, offering.code
            ),
            top,
        ));
    }
    let mut managed = check_children(top, None, ledger)?;
    managed |= characteristic(top, "ATT_RT_InstallType") == Some("M");
    let needs_engineer = offering.technology == Technology::Fttp
        && premises
            .fttp
            .as_ref()
            .is_some_and(|f| f.ont != OntState::ExistingFreePort);
    let appointment = top.appointment.as_ref().map(|a| a.id.clone());
    if let Some(id) = &appointment {
        if ledger.appointments.get(id).is_none() {
            return Err(reject(
                "InvalidAppointment",
                "Appointment not found",
                format!("Appointment '{id}' is not a reserved appointment"),
                top,
            ));
        }
        managed = true;
    } else if needs_engineer || managed {
        return Err(reject(
            "AppointmentRequired",
            "Managed install needs an appointment",
            format!(
                "{} at {or_key} needs an engineer visit: reserve an appointment and quote its id on item {}",
                offering.name, top.id
            ),
            top,
        ));
    }
    Ok(Checked {
        premises: Some(premises.index),
        service_id: None,
        managed_install: managed,
        appointment_id: appointment,
    })
}

fn modify(st: &AppState, ledger: &Ledger, top: &ProductOrderItem) -> Result<Checked, Rejection> {
    let asset = top
        .product
        .as_ref()
        .and_then(|p| p.id.as_deref())
        .unwrap_or("");
    let parent = ledger.inventory.active_parent(asset).ok_or_else(|| {
        reject(
            "AssetNotFound",
            "Asset not found",
            format!("No active Broadband One service has parent asset '{asset}'"),
            top,
        )
    })?;
    if let Some(code) = offering_id(top) {
        let offering = access_by_code(code).ok_or_else(|| {
            reject(
                "InvalidProductOffering",
                "Product offering not recognised",
                format!(
                    "productOffering.id '{code}' on item {} is not a Broadband One product code",
                    top.id
                ),
                top,
            )
        })?;
        let available = parent
            .premises
            .and_then(|i| st.world.premises().get(i))
            .is_some_and(|p| p.available_offerings().iter().any(|o| o.code == code));
        if !available {
            return Err(reject(
                "ProductNotAvailable",
                "Product not available",
                format!(
                    "{} ({code}) is not available at this service's premises",
                    offering.name
                ),
                top,
            ));
        }
    }
    let managed = check_children(top, Some(asset), ledger)?;
    Ok(Checked {
        premises: parent.premises,
        service_id: Some(parent.service_id.clone()),
        managed_install: managed,
        appointment_id: top.appointment.as_ref().map(|a| a.id.clone()),
    })
}
