//! `POST geographicAddress`: a new RoBT key (`S…`, or `X…` for organisation/enterprise
//! records) or, with `target: Openreach`, the premises' Silver/Bronze Openreach key (a new Bronze
//! key for an address the world does not know).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bt_address::types::{CreateGeographicAddressRequest, CreateGeographicAddressResponse};

use super::{AddressBook, CreatedRecord, simplify};
use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request;
use crate::sandbox::{self, Operation};
use crate::state::AppState;
use crate::world::{PostalAddress, Premises, is_valid_postcode};

/// Countries BT's address back end accepts (its sandbox examples use `uk` and `united kingdom`).
const COUNTRIES: &[&str] = &[
    "united kingdom",
    "uk",
    "gb",
    "great britain",
    "england",
    "scotland",
    "wales",
    "northern ireland",
];

/// `POST /common/geographicAddressManagement/v1/geographicAddress`.
pub(crate) async fn create(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run_create(&st, &headers, &body) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run_create(st: &AppState, headers: &HeaderMap, body: &Bytes) -> BtResult<Response> {
    let tracking = request::tracking_header(headers)?;
    if let Some(f) = sandbox::trigger(Operation::AddressCreate, tracking.as_deref()) {
        return Err(f);
    }
    let target = request::optional_enum_header(
        headers,
        "target",
        &["ROBT", "Enterprise-ROBT", "BTConsumer-ROBT", "Openreach"],
    )?;
    let (req, _raw): (CreateGeographicAddressRequest, _) = request::json_body(headers, body)?;
    let invalid = |what: &str| {
        BtFailure::new(
            StatusCode::BAD_REQUEST,
            "24",
            Some("Invalid body field"),
            Some(format!("Invalid {what}")),
        )
    };
    if !is_valid_postcode(req.postcode.trim()) {
        return Err(invalid("postcode"));
    }
    if !COUNTRIES.contains(&req.country.trim().to_ascii_lowercase().as_str()) {
        return Err(invalid("country"));
    }
    if req.city.trim().is_empty() {
        return Err(invalid("city"));
    }
    let sub = req.geographic_sub_address.first();
    let address = PostalAddress {
        building_name: sub
            .and_then(|s| s.building_name.as_ref())
            .map(|b| b.to_string()),
        sub_building: sub
            .and_then(|s| s.sub_building.as_ref())
            .map(|b| b.to_string()),
        street_nr: req.street_nr.clone(),
        street_name: req
            .street_name
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        locality: req.locality.as_ref().map(|s| s.to_string()),
        city: req.city.to_string(),
        county: req.county.as_ref().map(|s| s.to_string()),
        postcode: req.postcode.trim().to_string(),
        postal_organisation: req.postal_organisation.as_ref().map(|s| s.to_string()),
    };

    let mut book = st.addresses.write().unwrap_or_else(|e| e.into_inner());
    let key = if target == Some("Openreach") {
        openreach_key_for(st, &mut book, address)
    } else {
        // BT's examples: S… for a plain RoBT address, X… for organisation / enterprise records.
        let letter = if matches!(target, Some("Enterprise-ROBT" | "BTConsumer-ROBT"))
            || address.postal_organisation.is_some()
        {
            'X'
        } else {
            'S'
        };
        let key = new_key(st, &book, letter);
        book.created.push(CreatedRecord {
            key: key.clone(),
            openreach: false,
            address,
        });
        key
    };
    Ok((
        StatusCode::CREATED,
        axum::Json(CreateGeographicAddressResponse { id: key }),
    )
        .into_response())
}

/// The Openreach key for a posted address: the world premises' own Silver/Bronze (or Gold) key
/// when the address is one of them, else a new Bronze key.
fn openreach_key_for(st: &AppState, book: &mut AddressBook, address: PostalAddress) -> String {
    let same = |p: &&Premises| {
        let a = &p.address;
        let nr = address.street_nr.as_deref().map(simplify);
        let building = address.building_name.as_deref().map(simplify);
        (nr.is_some() && nr == a.street_nr.as_deref().map(simplify))
            || (building.is_some() && building == a.building_name.as_deref().map(simplify))
    };
    if let Some(p) = st
        .world
        .by_postcode(&address.postcode)
        .filter(same)
        .find(|p| p.openreach.is_some())
        && let Some(key) = p.openreach_key()
    {
        book.revealed.insert(key.to_string());
        return key.to_string();
    }
    let key = new_key(st, book, 'A');
    book.created.push(CreatedRecord {
        key: key.clone(),
        openreach: true,
        address,
    });
    key
}

fn new_key(st: &AppState, book: &AddressBook, letter: char) -> String {
    let mut ids = lock(&st.ids);
    loop {
        let key = format!("{letter}{}", ids.digits(11));
        if !book.knows(&key)
            && st.world.by_openreach_key(&key).is_none()
            && st.world.by_robt_key(&key).is_none()
        {
            return key;
        }
    }
}
