//! Product inventory: the assets of each Broadband One service, created when a provide completes
//! and changed by modify and cease orders; `GET productInventory?serviceId=` returns them as a
//! flat parent + children list.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bt_product_inventory::types::{
    CustomerFacingServiceId, InventoryProduct, ProductCharacteristic, ProductOfferingRef,
    ProductRelationship, RelatedPlace,
};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request::{self, Query};
use crate::state::AppState;

/// One asset.
#[derive(Clone, Debug)]
pub(crate) struct Asset {
    pub id: String,
    pub service_id: String,
    pub name: String,
    pub offering_code: String,
    pub offering_name: String,
    pub status: String,
    pub characteristics: Vec<(String, String)>,
    pub parent: Option<String>,
    pub places: Vec<(String, String)>,
    pub start_date: DateTime<Utc>,
    pub termination_date: Option<DateTime<Utc>>,
    /// World premises the service is at.
    pub premises: Option<usize>,
}

#[derive(Default)]
pub(crate) struct Inventory {
    assets: Vec<Asset>,
    by_service: HashMap<String, Vec<usize>>,
}

impl Inventory {
    pub(crate) fn add(&mut self, asset: Asset) {
        self.by_service
            .entry(asset.service_id.clone())
            .or_default()
            .push(self.assets.len());
        self.assets.push(asset);
    }

    pub(crate) fn asset(&self, id: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.id == id)
    }

    fn asset_mut(&mut self, id: &str) -> Option<&mut Asset> {
        self.assets.iter_mut().find(|a| a.id == id)
    }

    /// The active parent (access) asset with this id.
    pub(crate) fn active_parent(&self, id: &str) -> Option<&Asset> {
        self.asset(id)
            .filter(|a| a.parent.is_none() && a.status == "active")
    }

    /// Whether `child` is an active child of `parent`.
    pub(crate) fn is_child_of(&self, child: &str, parent: &str) -> bool {
        self.asset(child)
            .is_some_and(|a| a.parent.as_deref() == Some(parent) && a.status == "active")
    }

    pub(crate) fn service(&self, service_id: &str) -> Vec<&Asset> {
        self.by_service
            .get(service_id)
            .into_iter()
            .flatten()
            .map(|&i| &self.assets[i])
            .collect()
    }

    /// Changes the parent's access offering and merges characteristics (a completed modify).
    pub(crate) fn regrade(
        &mut self,
        parent: &str,
        code: &str,
        name: &str,
        changed: &[(String, String)],
    ) {
        if let Some(a) = self.asset_mut(parent) {
            a.offering_code = code.to_string();
            a.offering_name = name.to_string();
            a.name = name.to_string();
            for (k, v) in changed {
                match a.characteristics.iter_mut().find(|(n, _)| n == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => a.characteristics.push((k.clone(), v.clone())),
                }
            }
        }
    }

    /// Terminates one asset (a removed child, or each asset of a ceased service).
    pub(crate) fn terminate(&mut self, id: &str, at: DateTime<Utc>) {
        if let Some(a) = self.asset_mut(id) {
            a.status = "terminated".into();
            a.termination_date = Some(at);
        }
    }

    /// Terminates the whole service of `parent` (children cease with it).
    pub(crate) fn cease(&mut self, parent: &str, at: DateTime<Utc>) {
        let Some(service) = self.asset(parent).map(|a| a.service_id.clone()) else {
            return;
        };
        let ids: Vec<String> = self
            .service(&service)
            .iter()
            .map(|a| a.id.clone())
            .collect();
        for id in ids {
            self.terminate(&id, at);
        }
    }

    fn render(&self, service_id: &str) -> Vec<InventoryProduct> {
        let assets = self.service(service_id);
        assets
            .iter()
            .map(|a| {
                let mut relationships: Vec<ProductRelationship> = assets
                    .iter()
                    .filter(|c| c.parent.as_deref() == Some(a.id.as_str()))
                    .map(|c| ProductRelationship {
                        relationship_type: Some("child".into()),
                        id: Some(c.id.clone()),
                    })
                    .collect();
                if let Some(p) = &a.parent {
                    relationships.push(ProductRelationship {
                        relationship_type: Some("parent".into()),
                        id: Some(p.clone()),
                    });
                }
                InventoryProduct {
                    id: Some(a.id.clone()),
                    name: Some(a.name.clone()),
                    status: Some(a.status.clone()),
                    is_bundle: Some(a.parent.is_none()),
                    product_offering: Some(ProductOfferingRef {
                        id: Some(a.offering_code.clone()),
                        name: Some(a.offering_name.clone()),
                    }),
                    product_characteristic: a
                        .characteristics
                        .iter()
                        .map(|(n, v)| ProductCharacteristic {
                            name: Some(n.clone()),
                            value: Some(v.clone().into()),
                        })
                        .collect(),
                    product_relationship: relationships,
                    customer_facing_service_id: Some(CustomerFacingServiceId {
                        value: Some(a.service_id.clone()),
                    }),
                    place: a
                        .places
                        .iter()
                        .map(|(id, role)| RelatedPlace {
                            id: Some(id.clone()),
                            role: Some(role.clone()),
                        })
                        .collect(),
                    start_date: Some(a.start_date.to_rfc3339_opts(SecondsFormat::Secs, true)),
                    termination_date: a
                        .termination_date
                        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
                    type_: Some("Product".into()),
                    ..InventoryProduct::default()
                }
            })
            .collect()
    }
}

/// `GET /hubco/tmf/productInventory/v4/product?serviceId=BBONE…`.
pub(crate) async fn list(
    State(st): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match run(&st, &uri, &headers) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run(st: &AppState, uri: &Uri, headers: &HeaderMap) -> BtResult<Response> {
    request::tracking_header(headers)?;
    let q = Query::parse(uri.query())?;
    let service = q
        .get("serviceId")
        .ok_or_else(|| BtFailure::missing_query("serviceId"))?;
    let valid = service.len() > 5
        && service.starts_with("BBONE")
        && service[5..].bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return Err(BtFailure::invalid_query("serviceId"));
    }
    let products = lock(&st.ledger).inventory.render(service);
    if products.is_empty() {
        return Err(BtFailure::not_found(format!(
            "No service found with serviceId {service}"
        )));
    }
    Ok((StatusCode::OK, axum::Json(products)).into_response())
}
