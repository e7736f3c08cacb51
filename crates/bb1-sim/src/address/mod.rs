//! Address Management: search (`GET geographicAddress`) over the world's Openreach and RoBT
//! records plus the ones created at run time, and create (`POST`), which mints a RoBT key or,
//! with `target: Openreach`, hands out a Silver/Bronze Openreach key.

mod create;
mod records;

pub(crate) use create::create;
use records::{created_record, openreach_record, robt_record};

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::errors::{BtFailure, BtResult};
use crate::request::{self, Query};
use crate::sandbox::{self, Operation};
use crate::state::AppState;
use crate::world::{PostalAddress, Premises, Qualifier, is_valid_postcode, normalise_postcode};

/// Records created at run time, and the Silver/Bronze keys handed out by `POST`.
#[derive(Default)]
pub(crate) struct AddressBook {
    created: Vec<CreatedRecord>,
    revealed: HashSet<String>,
}

/// An address created by `POST`.
#[derive(Clone, Debug)]
pub(crate) struct CreatedRecord {
    pub key: String,
    pub openreach: bool,
    pub address: PostalAddress,
}

impl AddressBook {
    /// Whether `key` was created here (RoBT `S`/`X` keys, new Bronze keys) or revealed by a POST.
    pub(crate) fn knows(&self, key: &str) -> bool {
        self.revealed.contains(key) || self.created.iter().any(|c| c.key == key)
    }

    pub(crate) fn created_robt(&self, key: &str) -> bool {
        self.created.iter().any(|c| !c.openreach && c.key == key)
    }
}

/// Most records one answer carries; `X-Total-Count` still says how many matched.
const MAX_RESULTS: usize = 100;

struct Search<'q> {
    postcode: Option<&'q str>,
    street_nr: Option<&'q str>,
    building_name: Option<&'q str>,
    street_name: Option<&'q str>,
    city: Option<&'q str>,
    uprn: Option<&'q str>,
    id: Option<&'q str>,
    locality: Option<&'q str>,
    sub_building: Option<&'q str>,
    source: Option<&'static str>,
    bng: bool,
    classification: bool,
    markers: bool,
    fuzzy: bool,
}

impl<'q> Search<'q> {
    fn parse(q: &'q Query) -> BtResult<Self> {
        let source = match q.get("addressSource") {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("ROBT") => Some("ROBT"),
            Some(s) if s.eq_ignore_ascii_case("Openreach") => Some("Openreach"),
            Some(_) => return Err(BtFailure::invalid_query("addressSource")),
        };
        let postcode = q.get("postcode");
        if let Some(p) = postcode
            && !is_valid_postcode(p.trim())
        {
            return Err(BtFailure::invalid_query("postcode"));
        }
        // The world keeps no dependent streets or localities: these only get BT's length checks.
        q.get_limited("subStreet", 45)?;
        q.get_limited("subLocality", 30)?;
        let s = Search {
            postcode,
            street_nr: q.get("streetNr"),
            building_name: q.get_limited("buildingName", 30)?,
            street_name: q.get("streetName"),
            city: q.get("city"),
            uprn: q.get_limited("uprn", 12)?,
            id: q.get("id"),
            locality: q.get("locality"),
            sub_building: q.get_limited("subBuilding", 200)?,
            source,
            bng: q.flag("isSpatialRefBng")?,
            classification: q.flag("isSiteClassificationRequired")?,
            markers: q.flag("isTechonologyMarkersRequired")?,
            fuzzy: q.flag("isFuzzyMatch")?,
        };
        s.check_combination()?;
        Ok(s)
    }

    /// BT's accepted combinations: postcode(+...), uprn(+...), id, city+streetName+streetNr,
    /// city+streetName+buildingName.
    fn check_combination(&self) -> BtResult<()> {
        if self.postcode.is_some() || self.uprn.is_some() || self.id.is_some() {
            return Ok(());
        }
        let nr_or_building = self.street_nr.is_some() || self.building_name.is_some();
        match (
            self.city.is_some(),
            self.street_name.is_some(),
            nr_or_building,
        ) {
            (true, true, true) => Ok(()),
            (true, true, false) => Err(BtFailure::missing_query("streetNr or buildingName")),
            (false, true, _) => Err(BtFailure::missing_query("city")),
            (true, false, _) => Err(BtFailure::missing_query("streetName")),
            (false, false, _) => Err(BtFailure::missing_query("postcode")),
        }
    }

    fn text_matches(&self, wanted: Option<&str>, have: Option<&str>) -> bool {
        let Some(w) = wanted else { return true };
        let Some(h) = have else { return false };
        let (w, h) = (simplify(w), simplify(h));
        if self.fuzzy {
            h.contains(&w) || w.contains(&h)
        } else {
            w == h
        }
    }

    fn address_matches(&self, a: &PostalAddress, uprn: Option<&str>) -> bool {
        if let Some(p) = self.postcode
            && normalise_postcode(p) != normalise_postcode(&a.postcode)
        {
            return false;
        }
        if let Some(u) = self.uprn
            && uprn != Some(u)
        {
            return false;
        }
        // A building name also matches the premises' sub-building (flats are often searched so).
        let building = self.text_matches(self.building_name, a.building_name.as_deref())
            || self.text_matches(self.building_name, a.sub_building.as_deref());
        building
            && self.text_matches(self.street_nr, a.street_nr.as_deref())
            && self.text_matches(self.street_name, Some(&a.street_name))
            && self.text_matches(self.city, Some(&a.city))
            && self.text_matches(self.locality, a.locality.as_deref())
            && self.text_matches(self.sub_building, a.sub_building.as_deref())
    }

    fn wants(&self, source: &str) -> bool {
        self.source.is_none_or(|s| s == source)
    }
}

/// Lower case, alphanumerics only: `Riverside  Tower` = `riverside tower`.
fn simplify(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `GET /common/geographicAddressManagement/v1/geographicAddress`.
pub(crate) async fn search(
    State(st): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match run_search(&st, &uri, &headers) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run_search(st: &AppState, uri: &Uri, headers: &HeaderMap) -> BtResult<Response> {
    let tracking = request::tracking_header(headers)?;
    if let Some(f) = sandbox::trigger(Operation::AddressSearch, tracking.as_deref()) {
        return Err(f);
    }
    let query = Query::parse(uri.query())?;
    let search = Search::parse(&query)?;
    let book = st.addresses.read().unwrap_or_else(|e| e.into_inner());

    // Candidate premises: narrowed by an index where the search allows it.
    let world = &st.world;
    let candidates: Vec<&Premises> = if let Some(pc) = search.postcode {
        world.by_postcode(pc).collect()
    } else if let Some(u) = search.uprn {
        world.by_uprn(u).into_iter().collect()
    } else if let Some(id) = search.id {
        world
            .by_openreach_key(id)
            .into_iter()
            .chain(world.by_robt_key(id))
            .collect()
    } else {
        world.premises().iter().collect()
    };

    let mut openreach = Vec::new();
    let mut robt = Vec::new();
    for p in candidates {
        if !search.address_matches(&p.address, p.uprn.as_deref()) {
            continue;
        }
        let or_key = visible_openreach_key(p, &book);
        let or_listed = p
            .openreach
            .as_ref()
            .is_some_and(|o| o.qualifier != Qualifier::Bronze || or_key.is_some());
        if let Some(id) = search.id {
            // An id lookup returns exactly that record.
            if or_key == Some(id) && search.wants("Openreach") {
                openreach.push(openreach_record(p, or_key, &search));
            }
            if p.robt_key() == Some(id) && search.wants("ROBT") {
                robt.push(robt_record(p, or_key, &search));
            }
            continue;
        }
        if or_listed && search.wants("Openreach") {
            openreach.push(openreach_record(p, or_key, &search));
        }
        if p.robt.is_some() && search.wants("ROBT") {
            robt.push(robt_record(p, or_key, &search));
        }
    }
    for c in &book.created {
        let id_ok = search.id.is_none_or(|id| id == c.key);
        if id_ok
            && search.address_matches(&c.address, None)
            && search.wants(if c.openreach { "Openreach" } else { "ROBT" })
        {
            let record = created_record(c, &search);
            if c.openreach {
                openreach.push(record)
            } else {
                robt.push(record)
            }
        }
    }

    let total = openreach.len() + robt.len();
    if total == 0 {
        return Err(BtFailure::not_found("No matching address found."));
    }
    let mut records = openreach;
    records.extend(robt);
    records.truncate(MAX_RESULTS);
    let body = serde_json::to_vec(&records).unwrap_or_default();
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert("X-Total-Count", HeaderValue::from(total));
    h.insert("X-Result-Count", HeaderValue::from(records.len()));
    Ok(response)
}

/// The Openreach key a search may show: Gold always; Silver and Bronze only once handed out by
/// `POST target: Openreach` (BT: a Silver record comes back without a key).
fn visible_openreach_key<'a>(p: &'a Premises, book: &AddressBook) -> Option<&'a str> {
    let o = p.openreach.as_ref()?;
    (o.qualifier == Qualifier::Gold || book.revealed.contains(&o.key)).then_some(o.key.as_str())
}
