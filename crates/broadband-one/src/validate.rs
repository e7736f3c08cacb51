//! Checks on identifiers before anything is sent. Each failure names the field and the fix.

use std::sync::LazyLock;

use regex::Regex;

use crate::error::{HubError, Result};

fn re(pattern: &str) -> Regex {
    // The patterns below are literals checked by the tests; a bad one is a programming error.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// BT's postcode pattern (address spec), the space optional.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s?[0-9][A-Za-z]{2}$"));
static OPENREACH_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"^A[0-9]{11}$"));
static ROBT_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Z][0-9]{11}$"));
static DISTRICT: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Z]{2}$"));
static DIRECTORY_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^0[0-9]{9,10}$"));
static SERVICE_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^BBONE[0-9]+$"));
static EXTERNAL_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9._:@-]{1,64}$"));
static OFFERING_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"^E[0-9]{7}$"));
static BT_ORDER_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^[0-9A-Za-z-]{1,32}$"));

fn check(field: &str, value: &str, pattern: &Regex, expected: &str) -> Result<()> {
    if pattern.is_match(value) {
        Ok(())
    } else {
        Err(HubError::invalid(field, format!("`{value}` is not {expected}")))
    }
}

pub fn postcode(field: &str, value: &str) -> Result<()> {
    check(field, value.trim(), &POSTCODE, "a UK postcode (e.g. SW12 8NX)")
}

pub fn openreach_key(field: &str, value: &str) -> Result<()> {
    check(field, value, &OPENREACH_KEY, "an Openreach address key (A followed by 11 digits, e.g. A15104646284)")
}

pub fn robt_key(field: &str, value: &str) -> Result<()> {
    check(field, value, &ROBT_KEY, "a RoBT address key (a capital letter and 11 digits, e.g. R09598326361)")
}

pub fn district_code(field: &str, value: &str) -> Result<()> {
    check(field, value, &DISTRICT, "an Openreach district code (two capital letters, e.g. LS)")
}

pub fn directory_number(field: &str, value: &str) -> Result<()> {
    check(field, value, &DIRECTORY_NUMBER, "a UK directory number (10 or 11 digits starting 0, no spaces)")
}

pub fn service_id(field: &str, value: &str) -> Result<()> {
    check(field, value, &SERVICE_ID, "a Broadband One service id (BBONE followed by digits)")
}

pub fn external_id(field: &str, value: &str) -> Result<()> {
    check(field, value, &EXTERNAL_ID, "a usable externalId (1 to 64 letters, digits or . _ : @ -)")
}

pub fn offering_code(field: &str, value: &str) -> Result<()> {
    check(field, value, &OFFERING_CODE, "a BT product offering code (E followed by 7 digits, e.g. E0000160)")
}

pub fn bt_order_id(field: &str, value: &str) -> Result<()> {
    check(field, value, &BT_ORDER_ID, "a BT order id (from the first KSU, e.g. 00125420)")
}

/// BT's `APIGW-Tracking-Header` pattern (`^[\w.~:@-]{1,255}$`), returned as the header value.
pub fn tracking_id(field: &str, value: &str) -> Result<reqwest::header::HeaderValue> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.~:@-".contains(c);
    let header = (!value.is_empty() && value.len() <= 255 && value.chars().all(allowed))
        .then(|| reqwest::header::HeaderValue::from_str(value).ok())
        .flatten();
    header.ok_or_else(|| HubError::invalid(field, format!("`{value}` is not a usable tracking id (1 to 255 letters, digits or _ . ~ : @ -)")))
}

pub fn not_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(HubError::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_values_pass() {
        postcode("postcode", "SW12 8NX").expect("postcode");
        postcode("postcode", "sw128nx").expect("postcode without space");
        openreach_key("key", "A15104646284").expect("openreach");
        robt_key("key", "R09598326361").expect("robt");
        robt_key("key", "S14084134555").expect("created robt");
        district_code("d", "LS").expect("district");
        directory_number("dn", "02079460034").expect("dn");
        service_id("s", "BBONE90099580").expect("service");
        external_id("e", "MY-REF-0001").expect("external");
        offering_code("o", "E0000160").expect("code");
        tracking_id("t", "E02901").expect("sandbox scenario id");
        tracking_id("t", "96bb97fa-b941-46bb-8c4e-86c616c28a13").expect("uuid");
    }

    #[test]
    fn bad_values_name_the_field_and_the_shape() {
        let e = postcode("premises.postcode", "SW12").expect_err("short postcode");
        assert_eq!(e.to_string(), "invalid `premises.postcode`: `SW12` is not a UK postcode (e.g. SW12 8NX); nothing was sent");
        assert!(openreach_key("k", "R09598326361").is_err());
        assert!(district_code("d", "ls").is_err());
        assert!(directory_number("dn", "020 7946 0034").is_err());
        assert!(service_id("s", "BB1-123").is_err());
        assert!(external_id("e", "").is_err());
        assert!(external_id("e", "has space").is_err());
        assert!(offering_code("o", "FTTP 160_30M").is_err());
        let e = tracking_id("tracking_id", "two words").expect_err("space");
        assert!(e.to_string().contains("`tracking_id`"), "{e}");
        assert!(tracking_id("t", "").is_err());
        assert!(tracking_id("t", &"x".repeat(256)).is_err());
    }
}
