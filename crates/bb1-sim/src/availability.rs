//! Product availability (POQ): which BB1 access offerings can be supplied at a premises
//! (address-based: Openreach key + district, or UPRN) or on a copper line (line-based: directory
//! number or access line id). Answers 200 as BT production does.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bt_product_availability::types::{
    EligibilityUnavailabilityReason, ProductCharacteristic, ProductOfferingQualification,
    ProductOfferingQualificationRequest, QualificationItem, QualificationItemRequest,
    QualificationPlace, QualifiedProduct, QualifiedProductOffering,
};

use crate::catalogue::{ACCESS_OFFERINGS, Offering, Technology};
use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request;
use crate::state::AppState;
use crate::world::{CopperLine, LineStatus, OntState, Premises, Qualifier};

/// What an item asks about.
enum Target<'w> {
    Address {
        premises: Option<&'w Premises>,
        place: QualificationPlace,
    },
    Line {
        premises: &'w Premises,
        line: &'w CopperLine,
        id_name: &'static str,
        id_value: String,
    },
}

/// `POST /hubco/tmf/productOfferingQualification/v4/productOfferingQualification`.
pub(crate) async fn qualify(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&st, &headers, &body) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run(st: &AppState, headers: &HeaderMap, body: &Bytes) -> BtResult<Response> {
    request::tracking_header(headers)?;
    let (req, _): (ProductOfferingQualificationRequest, _) = request::json_body(headers, body)?;
    if req.product_offering_qualification_item.is_empty() {
        return Err(BtFailure::missing_field("productOfferingQualificationItem"));
    }
    let only_available = req.provide_only_available.unwrap_or(true);
    let with_reasons = req.provide_unavailability_reason.unwrap_or(false);
    let mut items = Vec::new();
    for (i, item) in req.product_offering_qualification_item.iter().enumerate() {
        let target = resolve(st, item, i)?;
        for offering in ACCESS_OFFERINGS {
            let verdict = verdict(&target, offering);
            if verdict.is_ok() || !only_available {
                let id = (items.len() + 1).to_string();
                items.push(result_item(id, &target, offering, verdict, with_reasons));
            }
        }
    }
    let answer = ProductOfferingQualification {
        id: Some(lock(&st.ids).uuid_v4()),
        type_: Some("btProductOfferingQualification".into()),
        state: Some("done".into()),
        product_offering_qualification_item: items,
        ..ProductOfferingQualification::default()
    };
    // Nothing available is an empty list, not a missing one (the generated type omits it).
    let mut body = serde_json::to_value(answer).unwrap_or_default();
    if let Some(obj) = body.as_object_mut() {
        obj.entry("productOfferingQualificationItem")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    }
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

fn resolve<'w>(
    st: &'w AppState,
    item: &QualificationItemRequest,
    i: usize,
) -> BtResult<Target<'w>> {
    let at = format!("productOfferingQualificationItem[{i}].product");
    let product = &item.product;
    let line_id = product
        .product_characteristic
        .iter()
        .find(|c| c.name == "DirectoryNumber" || c.name == "AccessLineId");
    match (product.place.first(), line_id) {
        (Some(_), Some(_)) => Err(BtFailure::invalid_field(&at).with_message(format!(
            "Invalid value for body parameter {at}: give a place or a line identifier, not both"
        ))),
        (None, None) => Err(BtFailure::missing_field(&format!("{at}.place"))),
        (None, Some(c)) => {
            let (premises, line) = st.world.by_line(&c.value).ok_or_else(|| {
                BtFailure::not_found(format!("No line found for {} {}", c.name, c.value))
            })?;
            let id_name = if c.name == "DirectoryNumber" {
                "DirectoryNumber"
            } else {
                "AccessLineId"
            };
            Ok(Target::Line {
                premises,
                line,
                id_name,
                id_value: c.value.clone(),
            })
        }
        (Some(place), None) => {
            let id = place
                .id
                .as_deref()
                .ok_or_else(|| BtFailure::missing_field(&format!("{at}.place[0].id")))?;
            let by_uprn = place
                .referred_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("UPRN"));
            let premises = if by_uprn {
                st.world.by_uprn(id)
            } else {
                if !is_nad_key(id) {
                    return Err(BtFailure::invalid_field(&format!("{at}.place[0].id")));
                }
                st.world.by_openreach_key(id)
            };
            let premises = match premises {
                Some(p) => Some(p),
                // A Bronze key created by POST: known, but nothing is known to be available there.
                None if st
                    .addresses
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .knows(id) =>
                {
                    None
                }
                None => {
                    return Err(BtFailure::not_found(format!(
                        "No matching address found for place {id}"
                    )));
                }
            };
            if let (Some(p), Some(d)) = (premises, place.district_id.as_deref())
                && !by_uprn
                && p.district_code() != Some(d)
            {
                return Err(BtFailure::invalid_field(&format!(
                    "{at}.place[0].districtId"
                )));
            }
            let mut place = place.clone();
            if !by_uprn && place.district_id.is_none() {
                place.district_id = premises.and_then(|p| p.district_code()).map(str::to_string);
            }
            Ok(Target::Address { premises, place })
        }
    }
}

/// `A` followed by eleven digits.
pub(crate) fn is_nad_key(s: &str) -> bool {
    s.len() == 12 && s.starts_with('A') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn premises_of<'w>(t: &Target<'w>) -> Option<&'w Premises> {
    match t {
        Target::Address { premises, .. } => *premises,
        Target::Line { premises, .. } => Some(premises),
    }
}

/// Whether `offering` is available, or why not.
fn verdict(t: &Target, offering: &Offering) -> Result<(), String> {
    let Some(p) = premises_of(t) else {
        return Err("No network data held for this address".into());
    };
    if p.available_offerings()
        .iter()
        .any(|o| o.code == offering.code)
    {
        return Ok(());
    }
    let tech = offering.technology;
    Err(
        if tech == Technology::Fttp && p.fttp.is_some() && p.qualifier() != Some(Qualifier::Gold) {
            "A Gold address key is required for FTTP".into()
        } else if p.offers(tech) {
            format!("{} is not available at this premises", offering.name)
        } else {
            format!("{} is not available at this premises", tech.as_str())
        },
    )
}

fn characteristic(name: &str, value: &str) -> ProductCharacteristic {
    ProductCharacteristic {
        name: Some(name.into()),
        value: Some(serde_json::Value::from(value)),
    }
}

fn result_item(
    id: String,
    t: &Target,
    o: &Offering,
    verdict: Result<(), String>,
    with_reasons: bool,
) -> QualificationItem {
    let mut chars = vec![characteristic("AccessTechnology", o.technology.as_str())];
    let available = verdict.is_ok();
    if available {
        chars.push(characteristic("productAdvertisedDownloadSpeed", o.download));
        chars.push(characteristic("productAdvertisedUploadSpeed", o.upload));
        chars.push(characteristic(
            "productMinimumGuaranteedSpeed",
            o.minimum_guaranteed,
        ));
    }
    chars.push(characteristic(
        "AVAILABILITY_FLAG",
        if available { "Y" } else { "N" },
    ));
    if available
        && o.technology == Technology::Fttp
        && let Some(f) = premises_of(t).and_then(|p| p.fttp.as_ref())
    {
        let (ont, port, managed) = match f.ont {
            OntState::New => ("New ONT", "N", "Y"),
            OntState::ExistingFreePort => ("Existing ONT", "Y", "N"),
            OntState::ExistingNoFreePort => ("Existing ONT", "N", "Y"),
        };
        chars.push(characteristic("ONTType", ont));
        chars.push(characteristic("ONTPortAvailable", port));
        chars.push(characteristic("ManagedInstallRequired", managed));
    }
    let place = match t {
        Target::Address { place, .. } => vec![place.clone()],
        Target::Line {
            line,
            id_name,
            id_value,
            ..
        } => {
            if available {
                chars.push(characteristic(
                    "MigrationScenario",
                    &migration_scenario(line, o.technology),
                ));
                chars.push(characteristic(id_name, id_value));
            }
            Vec::new()
        }
    };
    QualificationItem {
        id: Some(id),
        type_: Some("btProductOfferingQualificationItem".into()),
        state: Some("done".into()),
        qualification_item_result: Some(
            if available {
                "qualified"
            } else {
                "unqualified"
            }
            .into(),
        ),
        product: Some(QualifiedProduct {
            product_offering: Some(QualifiedProductOffering {
                id: Some(o.name.into()),
                name: Some(o.name.into()),
            }),
            product_characteristic: chars,
            place: if available { place } else { Vec::new() },
            type_: None,
        }),
        eligibility_unavailability_reason: match verdict {
            Err(cause) if with_reasons => vec![EligibilityUnavailabilityReason {
                cause: Some(cause),
                code: None,
                label: None,
            }],
            _ => Vec::new(),
        },
    }
}

/// BT's wording, e.g. `BTW ADSL to BTW SoGEA`.
fn migration_scenario(line: &CopperLine, to: Technology) -> String {
    let target = match to {
        Technology::Fttp => "BTW FTTP",
        Technology::Sogea => "BTW SoGEA",
        Technology::Soadsl => "BTW ADSL",
    };
    if line.status == LineStatus::Stopped {
        return format!("Stopped line start to {target}");
    }
    let from = match line.product_type.as_str() {
        "SOGEA" => "BTW SoGEA",
        "SOADSL" => "BTW ADSL",
        other => other,
    };
    format!("{from} to {target}")
}
