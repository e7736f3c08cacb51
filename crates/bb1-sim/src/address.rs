//! Address Management: search (`GET geographicAddress`) over the world's Openreach and RoBT
//! records plus the ones created at run time, and create (`POST`), which mints a RoBT key or,
//! with `target: Openreach`, hands out a Silver/Bronze Openreach key.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bt_address::types::{
    AddressQualifier, AddressResourceType, AddressSource, CreateGeographicAddressRequest,
    CreateGeographicAddressResponse, GeographicAddress, GeographicLocation, GeographicLocationRefOrValue,
    GeographicPoint, GeographicSubAddress, SiteReference, SpatialLocation, SpatialLocationList, Technology,
    TechnologyList, TechnologyRestriction, TechnologyRestrictionList,
};

use crate::clock::lock;
use crate::errors::{BtFailure, BtResult};
use crate::request::{self, Query};
use crate::sandbox::{self, Operation};
use crate::state::AppState;
use crate::world::{Location, PostalAddress, Premises, Qualifier, is_valid_postcode, normalise_postcode};

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
            && !is_valid_postcode(p.trim()) {
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
        match (self.city.is_some(), self.street_name.is_some(), nr_or_building) {
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
        if self.fuzzy { h.contains(&w) || w.contains(&h) } else { w == h }
    }

    fn address_matches(&self, a: &PostalAddress, uprn: Option<&str>) -> bool {
        if let Some(p) = self.postcode
            && normalise_postcode(p) != normalise_postcode(&a.postcode) {
                return false;
            }
        if let Some(u) = self.uprn
            && uprn != Some(u) {
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
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// `GET /common/geographicAddressManagement/v1/geographicAddress`.
pub(crate) async fn search(State(st): State<Arc<AppState>>, uri: Uri, headers: HeaderMap) -> Response {
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
        world.by_openreach_key(id).into_iter().chain(world.by_robt_key(id)).collect()
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
        let or_listed = p.openreach.as_ref().is_some_and(|o| o.qualifier != Qualifier::Bronze || or_key.is_some());
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
        if id_ok && search.address_matches(&c.address, None) && search.wants(if c.openreach { "Openreach" } else { "ROBT" }) {
            let record = created_record(c, &search);
            if c.openreach { openreach.push(record) } else { robt.push(record) }
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
    h.insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
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

fn location(l: &Location, bng: bool, robt: bool) -> GeographicLocationRefOrValue {
    // RoBT keeps fewer decimals than Openreach (as in BT's example pair).
    let short = |s: &str| match s.split_once('.') {
        Some((i, f)) if robt && f.len() > 5 => format!("{}.{}", if i.is_empty() || i == "-" { format!("{i}0") } else { i.to_string() }, &f[..5]),
        _ => s.to_string(),
    };
    let wgs = GeographicPoint { x: Some(short(&l.lat)), y: Some(short(&l.lon)) };
    if bng {
        GeographicLocationRefOrValue::SpatialLocationList(SpatialLocationList(vec![
            SpatialLocation { geometry: vec![wgs], spatial_ref: Some("WGS84".into()) },
            SpatialLocation {
                geometry: vec![GeographicPoint { x: Some(l.easting.clone()), y: Some(l.northing.clone()) }],
                spatial_ref: Some("BNG".into()),
            },
        ]))
    } else {
        GeographicLocationRefOrValue::GeographicLocation(GeographicLocation { geometry: vec![wgs] })
    }
}

fn resource() -> Option<AddressResourceType> {
    Some(AddressResourceType("BtGeographicAddress".into()))
}

fn sub_resource() -> Option<AddressResourceType> {
    Some(AddressResourceType("BtGeographicSubAddress".into()))
}

fn site_reference(p: &Premises, s: &Search) -> Option<SiteReference> {
    if !s.classification && !s.markers {
        return None;
    }
    let (code, text) = &p.site_classification;
    Some(SiteReference {
        site_classification_code: s.classification.then(|| code.clone()),
        site_classification: s.classification.then(|| text.clone()),
        list_of_technology: s.markers.then(|| TechnologyList {
            technology: p
                .markers
                .iter()
                .map(|m| Technology { technology_name: Some(m.name.into()), technology_value: Some(m.value.into()) })
                .collect(),
        }),
        list_of_technology_restriction: s.markers.then(|| TechnologyRestrictionList {
            technology_restriction: p
                .markers
                .iter()
                .map(|m| TechnologyRestriction {
                    technology_restriction_name: Some(m.name.into()),
                    technology_restriction_value: Some(m.restriction.into()),
                })
                .collect(),
        }),
    })
}

fn openreach_record(p: &Premises, key: Option<&str>, s: &Search) -> GeographicAddress {
    let o = p.openreach.as_ref();
    let gold = o.is_some_and(|o| o.qualifier == Qualifier::Gold);
    let a = &p.address;
    GeographicAddress {
        id: key.map(str::to_string),
        uprn: p.uprn.clone(),
        parent_uprn: p.parent_uprn.clone(),
        address_source: Some(AddressSource("Openreach".into())),
        exchange_group_code: o.map(|o| o.exchange_group_code.clone()),
        // BT documents districtCode for Gold addresses only.
        district_code: if gold { o.map(|o| o.district_code.clone()) } else { None },
        qualifier: o.map(|o| AddressQualifier(o.qualifier.as_str().into())),
        street_nr: a.street_nr.clone(),
        street_name: Some(a.street_name.clone()),
        postcode: Some(a.postcode.clone()),
        locality: a.locality.clone(),
        city: Some(a.city.clone()),
        country: Some("United Kingdom".into()),
        postal_organisation: a.postal_organisation.clone(),
        type_: resource(),
        geographic_location_ref_or_value: Some(location(&p.location, s.bng, false)),
        geographic_sub_address: vec![GeographicSubAddress {
            building_name: a.building_name.clone(),
            sub_building: a.sub_building.clone(),
            sub_street: None,
            sub_locality: None,
            type_: sub_resource(),
        }],
        site_reference: site_reference(p, s),
        address_match: s.fuzzy.then_some(p.paired && key.is_some()),
        matched_id: if s.fuzzy && p.paired && key.is_some() { p.robt_key().map(str::to_string) } else { None },
        ..GeographicAddress::default()
    }
}

fn best_lines(a: &PostalAddress) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(b) = &a.building_name {
        lines.push(b.clone());
    }
    let first = match (&a.street_nr, &a.sub_building) {
        (Some(n), _) => format!("{n} {}", a.street_name),
        (None, Some(sub)) if a.building_name.is_none() => format!("{sub} {}", a.street_name),
        _ => a.street_name.clone(),
    };
    lines.push(first);
    lines.extend(a.locality.clone());
    lines.push(a.city.clone());
    lines.resize(4, String::new());
    lines
}

fn robt_shape(a: &PostalAddress, key: &str, qualifier: &str, s: &Search) -> GeographicAddress {
    let lines = best_lines(a);
    GeographicAddress {
        id: Some(key.to_string()),
        address_source: Some(AddressSource("ROBT".into())),
        qualifier: Some(AddressQualifier(qualifier.into())),
        street_nr: Some(a.street_nr.clone().unwrap_or_default()),
        street_name: Some(a.street_name.clone()),
        postcode: Some(a.postcode.clone()),
        locality: Some(a.locality.clone().unwrap_or_default()),
        city: Some(a.city.clone()),
        country: Some("United Kingdom".into()),
        postal_organisation: Some(a.postal_organisation.clone().unwrap_or_default()),
        po_box: Some(String::new()),
        county: Some(a.county.clone().unwrap_or_default()),
        best_address_line1: lines.first().cloned(),
        best_address_line2: lines.get(1).cloned(),
        best_address_line3: lines.get(2).cloned(),
        best_address_line4: lines.get(3).cloned(),
        type_: resource(),
        geographic_sub_address: vec![GeographicSubAddress {
            building_name: Some(a.building_name.clone().unwrap_or_default()),
            sub_building: Some(a.sub_building.clone().unwrap_or_default()),
            sub_street: Some(String::new()),
            sub_locality: Some(String::new()),
            type_: sub_resource(),
        }],
        site_reference: s.classification.then(|| SiteReference {
            site_classification_code: Some(String::new()),
            site_classification: Some(String::new()),
            ..SiteReference::default()
        }),
        address_match: s.fuzzy.then_some(false),
        ..GeographicAddress::default()
    }
}

fn robt_record(p: &Premises, openreach_key: Option<&str>, s: &Search) -> GeographicAddress {
    let Some(r) = &p.robt else { return GeographicAddress::default() };
    let paired = s.fuzzy && p.paired && openreach_key.is_some();
    GeographicAddress {
        uprn: Some(p.uprn.clone().unwrap_or_default()),
        parent_uprn: Some(p.parent_uprn.clone().unwrap_or_default()),
        exchange_group_code: p.openreach.as_ref().map(|o| o.exchange_group_code.clone()),
        district_code: p.district_code().map(str::to_string),
        geographic_location_ref_or_value: Some(location(&p.location, s.bng, true)),
        address_match: s.fuzzy.then_some(paired),
        matched_id: if paired { openreach_key.map(str::to_string) } else { None },
        ..robt_shape(&p.address, &r.key, r.qualifier, s)
    }
}

fn created_record(c: &CreatedRecord, s: &Search) -> GeographicAddress {
    if c.openreach {
        GeographicAddress {
            id: Some(c.key.clone()),
            address_source: Some(AddressSource("Openreach".into())),
            qualifier: Some(AddressQualifier(Qualifier::Bronze.as_str().into())),
            street_nr: c.address.street_nr.clone(),
            street_name: Some(c.address.street_name.clone()),
            postcode: Some(c.address.postcode.clone()),
            city: Some(c.address.city.clone()),
            country: Some("United Kingdom".into()),
            type_: resource(),
            address_match: s.fuzzy.then_some(false),
            ..GeographicAddress::default()
        }
    } else {
        robt_shape(&c.address, &c.key, "Non-Gold", s)
    }
}

/// Countries BT's address back end accepts (its sandbox examples use `uk` and `united kingdom`).
const COUNTRIES: &[&str] =
    &["united kingdom", "uk", "gb", "great britain", "england", "scotland", "wales", "northern ireland"];

/// `POST /common/geographicAddressManagement/v1/geographicAddress`.
pub(crate) async fn create(State(st): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
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
        BtFailure::new(StatusCode::BAD_REQUEST, "24", Some("Invalid body field"), Some(format!("Invalid {what}")))
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
        building_name: sub.and_then(|s| s.building_name.as_ref()).map(|b| b.to_string()),
        sub_building: sub.and_then(|s| s.sub_building.as_ref()).map(|b| b.to_string()),
        street_nr: req.street_nr.clone(),
        street_name: req.street_name.as_ref().map(|s| s.to_string()).unwrap_or_default(),
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
        let letter = if matches!(target, Some("Enterprise-ROBT" | "BTConsumer-ROBT")) || address.postal_organisation.is_some() {
            'X'
        } else {
            'S'
        };
        let key = new_key(st, &book, letter);
        book.created.push(CreatedRecord { key: key.clone(), openreach: false, address });
        key
    };
    Ok((StatusCode::CREATED, axum::Json(CreateGeographicAddressResponse { id: key })).into_response())
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
    if let Some(p) = st.world.by_postcode(&address.postcode).filter(same).find(|p| p.openreach.is_some())
        && let Some(key) = p.openreach_key() {
            book.revealed.insert(key.to_string());
            return key.to_string();
        }
    let key = new_key(st, book, 'A');
    book.created.push(CreatedRecord { key: key.clone(), openreach: true, address });
    key
}

fn new_key(st: &AppState, book: &AddressBook, letter: char) -> String {
    let mut ids = lock(&st.ids);
    loop {
        let key = format!("{letter}{}", ids.digits(11));
        if !book.knows(&key) && st.world.by_openreach_key(&key).is_none() && st.world.by_robt_key(&key).is_none() {
            return key;
        }
    }
}
