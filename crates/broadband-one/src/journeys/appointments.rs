//! Appointments: searched and reserved only when an Openreach engineer must visit.

use bt_appointment::types::{CreateAppointmentRequest, ProductFamily, SearchTimeSlotRequest};
use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Europe::London;
use serde_json::{Value, json};

use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::validate;

/// Where the engineer goes: an Openreach address key, or a line (never both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VisitLocation {
    Address { openreach_key: String },
    DirectoryNumber(String),
    AccessLineId(String),
}

/// A slot search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotSearch {
    pub location: VisitLocation,
    /// BT's appointment access technology: `FTTP`, `SOGEA New Line`, `SOGEA Existing Line`, …
    pub access_technology: String,
    /// The earliest day to search from (UK local).
    pub earliest: NaiveDate,
    /// `Standard`, `Premium` or `Advanced`; BT's default for FTTP, FTTC and SOGEA is `Standard`.
    pub site_visit_reason: String,
    /// Mandatory for SOGEA: whether a new exchange line is needed.
    pub new_exchange_line: Option<bool>,
}

impl SlotSearch {
    /// A search at an Openreach address for an FTTP install.
    pub fn fttp(openreach_key: impl Into<String>, earliest: NaiveDate) -> Self {
        SlotSearch {
            location: VisitLocation::Address { openreach_key: openreach_key.into() },
            access_technology: "FTTP".into(),
            earliest,
            site_visit_reason: "Standard".into(),
            new_exchange_line: None,
        }
    }

    fn related_entity(&self) -> Result<Value> {
        let mut product = json!({ "productSpecification": { "id": "BB1" } });
        let mut characteristics = vec![json!({ "name": "AccessTechnology", "value": self.access_technology })];
        match &self.location {
            VisitLocation::Address { openreach_key } => {
                validate::openreach_key("slot_search.location", openreach_key)?;
                product["place"] = json!([{ "id": openreach_key, "role": "InstallationAddress", "@referredType": "OpenreachAddress" }]);
            }
            VisitLocation::DirectoryNumber(dn) => {
                validate::directory_number("slot_search.location", dn)?;
                characteristics.push(json!({ "name": "DirectoryNumber", "value": dn }));
            }
            VisitLocation::AccessLineId(alid) => {
                validate::not_empty("slot_search.location", alid)?;
                characteristics.push(json!({ "name": "AccessLineId", "value": alid }));
            }
        }
        product["characteristic"] = Value::Array(characteristics);
        let mut entity = json!({
            "id": "1",
            "role": "OrderInformation",
            "appointmentType": "Standard",
            "siteVisitReason": self.site_visit_reason,
            "@type": "BTProductAppointmentSpecification",
            "@referredType": "BTProductAppointmentSpecification",
            "@baseType": "RelatedEntity",
            "product": product,
        });
        if let Some(new_line) = self.new_exchange_line {
            entity["newExchangeLine"] = json!(new_line);
        }
        Ok(entity)
    }
}

/// An appointment slot, its times exactly as BT sent them (to be sent back unchanged).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Slot {
    /// `AM` or `PM` for Broadband One.
    pub label: String,
    pub start: String,
    pub end: String,
}

/// A reserved slot: quote `id` in the order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reservation {
    pub id: String,
    pub slot: Slot,
}

/// `date` at `hour`:00 UK local time as RFC 3339 with the UK offset of that day: `Z` in
/// winter (GMT), `+01:00` in summer (BST), as BT expects.
pub fn uk_timestamp(date: NaiveDate, hour: u32) -> Result<String> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).ok_or_else(|| HubError::invalid("hour", format!("{hour} is not an hour of the day")))?;
    let local = London
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .ok_or_else(|| HubError::invalid("date", format!("{date} {hour}:00 does not exist in UK time")))?;
    let text = local.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(text.replace("+00:00", "Z"))
}

impl Hub {
    fn product_family(&self) -> Result<ProductFamily> {
        self.config().product_family.parse().map_err(|_| {
            HubError::invalid("product_family", format!("`{}` is not one of Ethernet, Broadband-One, BB1Hub, BB1hub", self.config().product_family))
        })
    }

    /// The free slots from `search.earliest` on.
    pub async fn search_slots(&self, search: &SlotSearch) -> Result<Vec<Slot>> {
        let body = json!({
            "relatedEntity": [search.related_entity()?],
            "requestedTimeSlot": [{ "validFor": { "startDateTime": uk_timestamp(search.earliest, 8)? } }],
        });
        let body: SearchTimeSlotRequest = serde_json::from_value(body).map_err(|e| HubError::invalid("slot_search", format!("cannot be sent to BT: {e}")))?;
        let send = self
            .appointments()
            .post_search_appointment()
            .product_family(self.product_family()?)
            .body(body)
            .send();
        let answer = self.call(send).await?;
        Ok(answer
            .into_inner()
            .available_time_slot
            .into_iter()
            .map(|s| Slot { label: s.slot, start: s.valid_for.start_date_time, end: s.valid_for.end_date_time })
            .collect())
    }

    /// Reserves `slot` (from [`Hub::search_slots`] with the same search).
    pub async fn reserve_slot(&self, search: &SlotSearch, slot: &Slot) -> Result<Reservation> {
        let body = json!({
            "relatedEntity": [search.related_entity()?],
            "validFor": { "startDateTime": slot.start, "endDateTime": slot.end },
        });
        let body: CreateAppointmentRequest = serde_json::from_value(body).map_err(|e| HubError::invalid("slot", format!("cannot be sent to BT: {e}")))?;
        let send = self
            .appointments()
            .create_appointment()
            .product_family(self.product_family()?)
            .body(body)
            .send();
        let answer = self.call(send).await?;
        let appointment = answer.into_inner();
        Ok(Reservation {
            id: appointment.id,
            slot: Slot { label: slot.label.clone(), start: appointment.valid_for.start_date_time, end: appointment.valid_for.end_date_time },
        })
    }

    /// Searches from `search.earliest` and reserves the first free slot.
    pub async fn reserve_first_slot(&self, search: &SlotSearch) -> Result<Reservation> {
        let slots = self.search_slots(search).await?;
        let first = slots.first().ok_or_else(|| HubError::NotAvailable { reason: format!("no appointment slots from {}", search.earliest) })?;
        self.reserve_slot(search, first).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn uk_offsets_follow_gmt_and_bst() {
        assert_eq!(uk_timestamp(day(2026, 1, 15), 8).expect("winter"), "2026-01-15T08:00:00Z");
        assert_eq!(uk_timestamp(day(2026, 6, 1), 8).expect("summer"), "2026-06-01T08:00:00+01:00");
        // The clocks go forward on 29 March 2026 and back on 25 October 2026.
        assert_eq!(uk_timestamp(day(2026, 3, 28), 13).expect("last GMT day"), "2026-03-28T13:00:00Z");
        assert_eq!(uk_timestamp(day(2026, 3, 30), 13).expect("first BST weekday"), "2026-03-30T13:00:00+01:00");
        assert_eq!(uk_timestamp(day(2026, 10, 26), 8).expect("back to GMT"), "2026-10-26T08:00:00Z");
    }
}
