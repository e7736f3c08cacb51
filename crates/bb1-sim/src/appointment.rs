//! Appointment Management: engineer slot search and reservation.
//!
//! Slots start on the working day after the requested start (never in the simulated past):
//! weekdays that are not England & Wales bank holidays, AM 08:00–13:00 and PM 13:00–18:00 UK
//! time, for 16 working days, rendered with the UK offset of the day. A reserved slot is taken
//! for that premises: later searches omit it and reserving it again fails.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bt_appointment::types::{
    Appointment, AppointmentRelatedEntity, AppointmentStatus, AvailableTimeSlot,
    CreateAppointmentRequest, SearchTimeSlotRequest, SearchTimeSlotResponse, SearchTimeSlotStatus,
    TimePeriod,
};
use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::{is_working_day, render_uk, uk_date, uk_wall_time};
use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request;
use crate::sandbox::{self, Operation};
use crate::state::AppState;

/// Working days a search covers (BT's example returns 16).
const SEARCH_DAYS: usize = 16;

/// A reservation.
#[derive(Clone, Debug)]
pub(crate) struct Reservation {
    /// Premises index (or line id) the engineer visits.
    pub location: String,
    pub start: DateTime<Utc>,
}

#[derive(Default)]
pub(crate) struct AppointmentBook {
    reservations: HashMap<String, Reservation>,
    taken: HashSet<(String, i64)>,
}

impl AppointmentBook {
    pub(crate) fn get(&self, id: &str) -> Option<&Reservation> {
        self.reservations.get(id)
    }

    /// Frees the slot of a reservation whose order was cancelled.
    pub(crate) fn release(&mut self, id: &str) {
        if let Some(r) = self.reservations.remove(id) {
            self.taken.remove(&(r.location, r.start.timestamp()));
        }
    }
}

fn backend(code: &str, reason: &str) -> BtFailure {
    BtFailure::backend(StatusCode::BAD_REQUEST, code, reason)
}

/// Where the engineer goes: a premises (by Openreach or RoBT key, or by its line) or a line BT
/// knows only by number. Also checks the entity's product rules.
fn location(st: &AppState, entity: &AppointmentRelatedEntity) -> BtResult<String> {
    let chars = &entity.product.characteristic;
    let value_of = |name: &str| {
        chars
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
            .and_then(|c| c.value.clone())
    };
    let technology = value_of("AccessTechnology").ok_or_else(|| {
        backend(
            "MissingData",
            "The AccessTechnology characteristic is required.",
        )
    })?;
    let sogea = technology.to_ascii_uppercase().starts_with("SOGEA");
    match entity.new_exchange_line {
        Some(true) if !sogea => {
            return Err(backend(
                "NewExchangeLineNotSupported",
                "newExchangeLine applies to SOGEA lines only.",
            ));
        }
        None if sogea => {
            return Err(backend(
                "MissingData",
                "newExchangeLine is mandatory for SOGEA.",
            ));
        }
        _ => {}
    }
    if entity.sim_provide == Some(true) && sogea {
        return Err(backend(
            "SimNotSupported",
            "simProvide is not supported for SOGEA.",
        ));
    }
    let places: Vec<&str> = entity
        .product
        .place
        .iter()
        .filter_map(|p| p.id.as_deref())
        .collect();
    let dn = value_of("DirectoryNumber");
    let alid = value_of("AccessLineId");
    let line_ids = usize::from(dn.is_some()) + usize::from(alid.is_some());
    if line_ids + usize::from(!places.is_empty()) > 1 || places.len() > 1 {
        return Err(backend(
            "TooManyLocationIdentifiers",
            "Give either an address key or a line identifier, not both.",
        ));
    }
    if let Some(place) = places.first() {
        let premises = st
            .world
            .by_openreach_key(place)
            .or_else(|| st.world.by_robt_key(place));
        return match premises {
            Some(p) => Ok(format!("premises:{}", p.index)),
            None if st
                .addresses
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .knows(place) =>
            {
                Ok(format!("key:{place}"))
            }
            None => Err(backend(
                "InvalidData",
                "The place id is not a known address key.",
            )),
        };
    }
    if let Some(alid) = alid {
        return match st.world.by_line(&alid) {
            Some((p, _)) => Ok(format!("premises:{}", p.index)),
            None => Err(backend(
                "AccessLineIdNotRecognised",
                "The access line id is not recognised.",
            )),
        };
    }
    if let Some(dn) = dn {
        return match st.world.by_line(&dn) {
            Some((p, _)) => Ok(format!("premises:{}", p.index)),
            None => Err(backend(
                "InvalidData",
                "The directory number is not recognised.",
            )),
        };
    }
    Err(backend(
        "MissingLocationIdentifier",
        "Give either an address key or a line identifier.",
    ))
}

fn parse_time(s: &str, field: &str) -> BtResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| BtFailure::invalid_field(field))
}

/// The AM and PM slots of one day, as UTC instants.
fn day_slots(d: NaiveDate) -> Vec<(&'static str, DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    for (label, from, to) in [("AM", 8, 13), ("PM", 13, 18)] {
        if let (Some(s), Some(e)) = (uk_wall_time(d, from), uk_wall_time(d, to)) {
            out.push((label, s, e));
        }
    }
    out
}

/// The slots offered from `from`: working days from the next calendar day on.
pub(crate) fn slots_from(from: DateTime<Utc>) -> Vec<(&'static str, DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut day = uk_date(from);
    let mut days = 0;
    while days < SEARCH_DAYS {
        let Some(next) = day.succ_opt() else { break };
        day = next;
        if is_working_day(day) {
            out.extend(day_slots(day));
            days += 1;
        }
    }
    out
}

/// `POST /common/appointmentManagement/v4/searchTimeSlot`.
pub(crate) async fn search(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run_search(&st, &headers, &body) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run_search(st: &AppState, headers: &HeaderMap, body: &Bytes) -> BtResult<Response> {
    let tracking = request::tracking_header(headers)?;
    request::product_family(headers)?;
    if let Some(f) = sandbox::trigger(Operation::Appointment, tracking.as_deref()) {
        return Err(f);
    }
    let (req, raw): (SearchTimeSlotRequest, serde_json::Value) = request::json_body(headers, body)?;
    let entity = req
        .related_entity
        .first()
        .ok_or_else(|| BtFailure::missing_field("relatedEntity"))?;
    let requested = match req.requested_time_slot.as_slice() {
        [] => return Err(BtFailure::missing_field("requestedTimeSlot")),
        [one] => parse_time(
            &one.valid_for.start_date_time,
            "requestedTimeSlot[0].validFor.startDateTime",
        )?,
        _ => {
            return Err(BtFailure::invalid_field("requestedTimeSlot")
                .with_message("Exactly one requestedTimeSlot is accepted"));
        }
    };
    let where_ = location(st, entity)?;
    let now = st.clock.now();
    let taken = {
        let ledger = lock(&st.ledger);
        ledger.appointments.taken.clone()
    };
    let available: Vec<AvailableTimeSlot> = slots_from(requested.max(now))
        .into_iter()
        .filter(|(_, s, _)| !taken.contains(&(where_.clone(), s.timestamp())))
        .map(|(label, s, e)| AvailableTimeSlot {
            slot: label.into(),
            valid_for: TimePeriod {
                start_date_time: render_uk(s),
                end_date_time: render_uk(e),
            },
        })
        .collect();
    let answer = SearchTimeSlotResponse {
        id: lock(&st.ids).uuid_v4(),
        status: SearchTimeSlotStatus("done".into()),
        search_date: render_uk(now),
        related_entity: req.related_entity.clone(),
        requested_time_slot: req.requested_time_slot.clone(),
        available_time_slot: available,
    };
    // Echo what the caller sent verbatim (unknown members included), as BT does.
    let mut value = serde_json::to_value(&answer).unwrap_or_default();
    for field in ["relatedEntity", "requestedTimeSlot"] {
        if let (Some(v), Some(obj)) = (raw.get(field), value.as_object_mut()) {
            obj.insert(field.into(), v.clone());
        }
    }
    Ok((StatusCode::CREATED, axum::Json(value)).into_response())
}

/// `POST /common/appointmentManagement/v4/appointment`.
pub(crate) async fn reserve(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run_reserve(&st, &headers, &body) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run_reserve(st: &AppState, headers: &HeaderMap, body: &Bytes) -> BtResult<Response> {
    let tracking = request::tracking_header(headers)?;
    request::product_family(headers)?;
    if let Some(f) = sandbox::trigger(Operation::Appointment, tracking.as_deref()) {
        return Err(f);
    }
    let (req, raw): (CreateAppointmentRequest, serde_json::Value) =
        request::json_body(headers, body)?;
    let entity = req
        .related_entity
        .first()
        .ok_or_else(|| BtFailure::missing_field("relatedEntity"))?;
    let start = parse_time(&req.valid_for.start_date_time, "validFor.startDateTime")?;
    let end = parse_time(&req.valid_for.end_date_time, "validFor.endDateTime")?;
    let where_ = location(st, entity)?;
    let day = uk_date(start);
    if !day_slots(day)
        .iter()
        .any(|(_, s, e)| *s == start && *e == end)
    {
        return Err(backend(
            "TimeSlotNotSupported",
            "This product does not offer appointments in that slot.",
        ));
    }
    let not_available = || {
        backend(
            "TimeSlotNotAvailable",
            "The selected appointment slot is no longer available.",
        )
    };
    let now = st.clock.now();
    if !is_working_day(day) || day <= uk_date(now) {
        return Err(not_available());
    }
    let id = {
        let mut ledger = lock(&st.ledger);
        let book = &mut ledger.appointments;
        if !book.taken.insert((where_.clone(), start.timestamp())) {
            return Err(not_available());
        }
        let mut ids = lock(&st.ids);
        let id = loop {
            // BT's shape: seven hex digits and `FR` (005B8E0FR, F323910FR).
            let candidate = format!("{:07X}FR", ids.below(0x1000_0000));
            if !book.reservations.contains_key(&candidate) {
                break candidate;
            }
        };
        book.reservations.insert(
            id.clone(),
            Reservation {
                location: where_,
                start,
            },
        );
        id
    };
    let answer = Appointment {
        id,
        status: AppointmentStatus("initialized".into()),
        creation_date: Some(render_uk(now)),
        related_entity: req.related_entity.clone(),
        valid_for: req.valid_for.clone(),
    };
    let mut value = serde_json::to_value(&answer).unwrap_or_default();
    for field in ["relatedEntity", "validFor"] {
        if let (Some(v), Some(obj)) = (raw.get(field), value.as_object_mut()) {
            obj.insert(field.into(), v.clone());
        }
    }
    Ok((StatusCode::CREATED, axum::Json(value)).into_response())
}
