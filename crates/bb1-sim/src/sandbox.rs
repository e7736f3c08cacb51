//! BT's sandbox error scenarios, selected by the `APIGW-Tracking-Header` value (BT's published
//! Address and Appointment specs). They work here on every run, sandbox or not, so a client's
//! error handling can be exercised exactly as in BT's sandbox.

use axum::http::StatusCode;

use crate::errors::BtFailure;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    AddressSearch,
    AddressCreate,
    Appointment,
}

pub fn trigger(op: Operation, tracking: Option<&str>) -> Option<BtFailure> {
    let value = tracking?;
    match (op, value) {
        (Operation::AddressSearch, "E02901") | (Operation::AddressCreate, "E00301") => {
            Some(BtFailure::bad_request())
        }
        (Operation::AddressSearch, "E06001") => {
            Some(BtFailure::not_found("No matching address found."))
        }
        (Operation::AddressSearch | Operation::AddressCreate, "E00101") => {
            Some(BtFailure::internal_error())
        }
        (Operation::AddressSearch, "E00501") | (Operation::AddressCreate, "E00201") => {
            Some(BtFailure::service_unavailable())
        }
        (Operation::Appointment, "E40001") => Some(BtFailure::backend(
            StatusCode::BAD_REQUEST,
            "TimeSlotNotSupported",
            "This product does not offer appointments in that slot.",
        )),
        (Operation::Appointment, "E40301") => Some(BtFailure::backend(
            StatusCode::FORBIDDEN,
            "ExchangeLineAssignedToAnotherCP",
            "The exchange line belongs to another communications provider.",
        )),
        _ => None,
    }
}
