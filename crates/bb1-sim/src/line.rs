//! Line availability: the working and stopped copper lines at a Gold NAD address, spare pairs at
//! the distribution point and any ONT, in BT's PascalCase shape.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bt_line_availability::types::{
    AccessLine, LineAvailability, Ont, OntList, OntLocation, OntPort, OntPortList, StoppedLineList,
    WorkingLineList,
};

use crate::availability::is_nad_key;
use crate::errors::{BtFailure, BtResult};
use crate::request::{self, Query};
use crate::state::AppState;
use crate::world::{CopperLine, LineStatus, OntState, Premises};

/// `GET /common/v1/line-availability/line?districtCode=..&NAD=..`.
pub(crate) async fn availability(
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
    let district = q
        .get("districtCode")
        .ok_or_else(|| BtFailure::missing_query("districtCode"))?;
    let nad = q
        .get("NAD")
        .ok_or_else(|| BtFailure::missing_query("NAD"))?;
    if !(district.len() == 2 && district.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(BtFailure::invalid_query("districtCode"));
    }
    if !is_nad_key(nad) {
        return Err(BtFailure::invalid_query("NAD"));
    }
    let premises = st
        .world
        .by_openreach_key(nad)
        .ok_or_else(|| BtFailure::not_found("No line data found for the supplied NAD"))?;
    if premises.district_code() != Some(district) {
        return Err(BtFailure::invalid_query("districtCode")
            .with_message("districtCode does not match the NAD"));
    }
    // The generated type leaves empty lists out; BT's examples show them as `[]`.
    let mut body = serde_json::to_value(lines_at(premises)).unwrap_or_default();
    for (list, inner) in [
        ("ListOfWorkingLine", "WorkingLine"),
        ("ListOfStoppedLine", "StoppedLine"),
    ] {
        if let Some(obj) = body.get_mut(list).and_then(|v| v.as_object_mut()) {
            obj.entry(inner)
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        }
    }
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

fn access_line(l: &CopperLine) -> AccessLine {
    let working = l.status == LineStatus::Working;
    AccessLine {
        access_line_id: Some(l.access_line_id.clone()),
        directory_number: Some(l.directory_number.clone()),
        product_type: Some(l.product_type.clone()),
        pending_cease_order_indicator: working
            .then(|| if l.pending_cease { "Y" } else { "N" }.to_string()),
        line_status: Some(if working { "Working" } else { "Stopped" }.into()),
        stopped_date: l.stopped_date.clone(),
    }
}

pub(crate) fn lines_at(p: &Premises) -> LineAvailability {
    let of = |status| {
        p.lines
            .iter()
            .filter(|l| l.status == status)
            .map(access_line)
            .collect::<Vec<_>>()
    };
    let ont = p
        .fttp
        .as_ref()
        .filter(|f| f.ont != OntState::New)
        .map(|f| OntList {
            ont: vec![Ont {
                ont_reference: f.ont_reference.clone(),
                list_of_port: Some(OntPortList {
                    port: vec![
                        port("1", "Active"),
                        port(
                            "2",
                            if f.ont == OntState::ExistingFreePort {
                                "Spare"
                            } else {
                                "Active"
                            },
                        ),
                    ],
                }),
                location: Some(OntLocation {
                    floor: Some("Ground".into()),
                    room: Some("Hallway".into()),
                    position: Some("Left of front door".into()),
                }),
            }],
        });
    LineAvailability {
        list_of_working_line: Some(WorkingLineList {
            working_line: of(LineStatus::Working),
        }),
        list_of_stopped_line: Some(StoppedLineList {
            stopped_line: of(LineStatus::Stopped),
        }),
        spare_pair_count: Some(serde_json::Value::from(p.spare_pairs)),
        list_of_ont: ont,
    }
}

fn port(id: &str, status: &str) -> OntPort {
    OntPort {
        port_id: Some(id.into()),
        port_type: Some("DATA".into()),
        port_status: Some(status.into()),
    }
}
