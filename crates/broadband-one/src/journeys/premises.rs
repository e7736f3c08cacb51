//! Find premises: address search, pairing the Openreach and RoBT records, the key-quality rule,
//! and creating the keys BT needs when they are missing.

use bt_address::types::{CreateGeographicAddressRequest, CreateGeographicAddressTarget, GeographicAddress};
use serde_json::json;

use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::validate;

/// What to search for. BT accepts: postcode (optionally with a street number or building name),
/// city + street + number or building, or a UPRN.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressQuery {
    pub postcode: Option<String>,
    pub street_nr: Option<String>,
    pub building_name: Option<String>,
    pub street_name: Option<String>,
    pub city: Option<String>,
    pub uprn: Option<String>,
}

impl AddressQuery {
    pub fn postcode(postcode: impl Into<String>) -> Self {
        AddressQuery { postcode: Some(postcode.into()), ..Default::default() }
    }
    pub fn street_nr(mut self, nr: impl Into<String>) -> Self {
        self.street_nr = Some(nr.into());
        self
    }
    pub fn building_name(mut self, name: impl Into<String>) -> Self {
        self.building_name = Some(name.into());
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(p) = &self.postcode {
            validate::postcode("postcode", p)?;
        }
        let by_street = self.city.is_some() && self.street_name.is_some() && (self.street_nr.is_some() || self.building_name.is_some());
        if self.postcode.is_none() && self.uprn.is_none() && !by_street {
            return Err(HubError::invalid(
                "address",
                "give a postcode, a UPRN, or a city with a street name and a number or building name",
            ));
        }
        Ok(())
    }
}

/// The quality of an Openreach address key. Gold is required for a new FTTP line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Qualifier {
    Gold,
    Silver,
    Bronze,
    NonGold,
    Other(String),
}

impl Qualifier {
    fn parse(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "gold" => Qualifier::Gold,
            "silver" => Qualifier::Silver,
            "bronze" => Qualifier::Bronze,
            "non-gold" | "nongold" => Qualifier::NonGold,
            _ => Qualifier::Other(s.to_string()),
        }
    }
}

/// Which address database a record came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum AddressSource {
    Openreach,
    Robt,
    Other(String),
}

/// One address record, as BT returned it, in the terms the journeys use.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AddressRecord {
    /// The NAD key (`A…` for Openreach, `R…`/`S…`/`X…` for RoBT).
    pub key: String,
    pub source: AddressSource,
    pub qualifier: Option<Qualifier>,
    pub district_code: Option<String>,
    pub uprn: Option<String>,
    /// The key of the paired record in the other database, when BT paired them.
    pub matched_key: Option<String>,
    pub street_nr: Option<String>,
    pub street_name: Option<String>,
    pub building_name: Option<String>,
    pub locality: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub postcode: Option<String>,
    /// Technology markers (`FTTPBrownfield` → `Y`/`N`, …).
    pub technologies: Vec<(String, String)>,
}

impl AddressRecord {
    fn from_bt(a: GeographicAddress) -> Option<Self> {
        let key = a.id.filter(|k| !k.is_empty())?;
        let source = match a.address_source.as_ref().map(|s| s.0.as_str()) {
            Some(s) if s.eq_ignore_ascii_case("openreach") => AddressSource::Openreach,
            Some(s) if s.eq_ignore_ascii_case("robt") => AddressSource::Robt,
            Some(s) => AddressSource::Other(s.to_string()),
            None if key.starts_with('A') => AddressSource::Openreach,
            None => AddressSource::Robt,
        };
        let technologies = a
            .site_reference
            .and_then(|s| s.list_of_technology)
            .map(|l| l.technology.into_iter().filter_map(|t| Some((t.technology_name?, t.technology_value?))).collect())
            .unwrap_or_default();
        Some(AddressRecord {
            key,
            source,
            qualifier: a.qualifier.map(|q| Qualifier::parse(&q.0)),
            district_code: a.district_code.filter(|d| !d.is_empty()),
            uprn: a.uprn.filter(|u| !u.is_empty()),
            matched_key: a.matched_id.filter(|m| !m.is_empty() && a.address_match != Some(false)),
            street_nr: a.street_nr,
            street_name: a.street_name,
            building_name: a.geographic_sub_address.into_iter().find_map(|s| s.building_name),
            locality: a.locality,
            city: a.city,
            county: a.county,
            postcode: a.postcode,
            technologies,
        })
    }

    /// One line for people: "81 Nightingale Lane, London SW12 8NX".
    pub fn one_line(&self) -> String {
        let street = [self.building_name.as_deref(), self.street_nr.as_deref(), self.street_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let town = [self.city.as_deref(), self.postcode.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        [street, town].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
    }
}

/// What the premises will be ordered for: it decides which Openreach key qualities are enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRule {
    /// Any order that provisions new FTTP: only a Gold key will do.
    NewFttp,
    /// SOGEA and SOADSL: Gold, Silver or Bronze.
    Copper,
}

/// A premises ready for ordering: its Openreach record (with an acceptable key) and a RoBT key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Premises {
    pub openreach: AddressRecord,
    pub robt_key: String,
    /// Whether the RoBT key was created by this call (no paired record existed).
    pub robt_created: bool,
    /// Whether the Openreach key was created by this call (Silver or Bronze).
    pub openreach_created: bool,
}

impl Premises {
    pub fn openreach_key(&self) -> &str {
        &self.openreach.key
    }
    pub fn district_code(&self) -> Option<&str> {
        self.openreach.district_code.as_deref()
    }
}

impl Hub {
    /// Searches both address databases, with fuzzy pairing and technology markers.
    pub async fn search_addresses(&self, query: &AddressQuery) -> Result<Vec<AddressRecord>> {
        query.validate()?;
        let mut call = self
            .address()
            .get_geographic_address()
            .is_fuzzy_match(true)
            .is_techonology_markers_required(true)
            .is_site_classification_required(true);
        if let Some(v) = &query.postcode {
            call = call.postcode(v.trim().to_ascii_uppercase());
        }
        if let Some(v) = &query.street_nr {
            call = call.street_nr(v.as_str());
        }
        if let Some(v) = &query.building_name {
            call = call.building_name(v.as_str());
        }
        if let Some(v) = &query.street_name {
            call = call.street_name(v.as_str());
        }
        if let Some(v) = &query.city {
            call = call.city(v.as_str());
        }
        if let Some(v) = &query.uprn {
            call = call.uprn(v.as_str());
        }
        match self.call(call.send()).await {
            Ok(rv) => Ok(rv.into_inner().into_iter().filter_map(AddressRecord::from_bt).collect()),
            // BT answers "no match" with 404 code 60; for a search that is an empty result.
            Err(HubError::Rejected { status: 404, code, .. }) if code.as_deref() == Some("60") => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    /// Finds the premises for `query` and makes sure it has what an order needs: an Openreach
    /// key good enough for `rule` and a RoBT key (created when no RoBT record pairs).
    pub async fn find_premises(&self, query: &AddressQuery, rule: KeyRule) -> Result<Premises> {
        let records = self.search_addresses(query).await?;
        let openreach: Vec<&AddressRecord> = records.iter().filter(|r| r.source == AddressSource::Openreach).collect();
        let chosen = match openreach.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            // BT can hold several Openreach records for one address; the one paired with a RoBT
            // record is the one BT's own fuzzy match settled on.
            many if many.iter().filter(|r| r.matched_key.is_some()).count() == 1 => {
                many.iter().find(|r| r.matched_key.is_some()).map(|r| (*r).clone())
            }
            many => {
                let list = many.iter().map(|r| format!("{} ({})", r.one_line(), r.key)).collect::<Vec<_>>().join("; ");
                return Err(HubError::invalid(
                    "address",
                    format!("{} Openreach addresses match; add a street number or building name to pick one: {list}", many.len()),
                ));
            }
        };
        let (openreach, openreach_created) = match (chosen, rule) {
            (Some(r), KeyRule::NewFttp) if r.qualifier == Some(Qualifier::Gold) => (r, false),
            (Some(r), KeyRule::NewFttp) => {
                return Err(HubError::NotAvailable {
                    reason: format!(
                        "new FTTP needs a Gold Openreach address key, and {} ({}) is {:?}; order SOGEA or SOADSL, or ask Openreach to upgrade the address",
                        r.one_line(),
                        r.key,
                        r.qualifier.clone().unwrap_or(Qualifier::Other("unqualified".into()))
                    ),
                });
            }
            (Some(r), KeyRule::Copper) => (r, false),
            (None, KeyRule::NewFttp) => {
                return Err(HubError::NotAvailable {
                    reason: "no Openreach address matches, and new FTTP needs a Gold Openreach key".into(),
                });
            }
            (None, KeyRule::Copper) => {
                let template = records.first().cloned().ok_or_else(|| HubError::NotAvailable {
                    reason: "no address matches in either database; check the postcode and number".into(),
                })?;
                (self.create_openreach_key(&template).await?, true)
            }
        };
        let paired = openreach.matched_key.clone().filter(|k| records.iter().any(|r| &r.key == k && r.source == AddressSource::Robt) || k.starts_with(['R', 'S', 'X']));
        let (robt_key, robt_created) = match paired {
            Some(key) => (key, false),
            None => (self.create_robt_key(&openreach).await?, true),
        };
        Ok(Premises { openreach, robt_key, robt_created, openreach_created })
    }

    /// Creates a RoBT address (a temporary key) by copying an address record's fields.
    pub async fn create_robt_key(&self, from: &AddressRecord) -> Result<String> {
        self.create_address(from, CreateGeographicAddressTarget::Robt).await
    }

    /// Asks Openreach for a Silver or Bronze key for an address it lacks or has no key for.
    pub async fn create_openreach_key(&self, from: &AddressRecord) -> Result<AddressRecord> {
        let key = self.create_address(from, CreateGeographicAddressTarget::Openreach).await?;
        let mut record = from.clone();
        record.key = key;
        record.source = AddressSource::Openreach;
        record.qualifier = Some(Qualifier::Bronze);
        Ok(record)
    }

    async fn create_address(&self, from: &AddressRecord, target: CreateGeographicAddressTarget) -> Result<String> {
        let postcode = from.postcode.clone().ok_or_else(|| HubError::invalid("address.postcode", "the address record has no postcode to copy"))?;
        let city = from.city.clone().ok_or_else(|| HubError::invalid("address.city", "the address record has no city to copy"))?;
        let mut body = json!({
            "postcode": postcode,
            "city": city,
            "country": "United Kingdom",
            "@type": "BtGeographicAddress",
        });
        for (field, value) in [("streetNr", &from.street_nr), ("streetName", &from.street_name), ("locality", &from.locality), ("county", &from.county)] {
            if let Some(v) = value {
                body[field] = json!(v);
            }
        }
        if let Some(name) = &from.building_name {
            body["geographicSubAddress"] = json!([{ "buildingName": name, "@type": "BtGeographicSubAddress" }]);
        }
        let body: CreateGeographicAddressRequest = serde_json::from_value(body)
            .map_err(|e| HubError::invalid("address", format!("cannot be sent to BT: {e}")))?;
        let send = self
            .address()
            .create_geographic_address()
            .target(target)
            .body(body)
            .send();
        let (created, record) = self.call_recorded(send).await?;
        let key = created.map_err(|e| record.error(e))?.into_inner().id;
        if key.is_empty() {
            return Err(HubError::UnexpectedResponse {
                status: record.status(),
                message: "BT created the address but returned no key".into(),
                tracking_id: Some(record.tracking_id().to_string()),
            });
        }
        Ok(key)
    }
}
