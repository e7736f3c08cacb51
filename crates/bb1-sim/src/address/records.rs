//! How world premises and created addresses render as BT address records: Openreach records
//! (key, qualifier, district for Gold), RoBT records (PAF best-address lines, empty strings where
//! BT sends them), locations (WGS84, or WGS84 + BNG) and site references.

use bt_address::types::{
    AddressQualifier, AddressResourceType, AddressSource, GeographicAddress, GeographicLocation,
    GeographicLocationRefOrValue, GeographicPoint, GeographicSubAddress, SiteReference,
    SpatialLocation, SpatialLocationList, Technology, TechnologyList, TechnologyRestriction,
    TechnologyRestrictionList,
};

use super::{CreatedRecord, Search};
use crate::world::{Location, PostalAddress, Premises, Qualifier};

fn location(l: &Location, bng: bool, robt: bool) -> GeographicLocationRefOrValue {
    // RoBT keeps fewer decimals than Openreach (as in BT's example pair).
    let short = |s: &str| match s.split_once('.') {
        Some((i, f)) if robt && f.len() > 5 => format!(
            "{}.{}",
            if i.is_empty() || i == "-" {
                format!("{i}0")
            } else {
                i.to_string()
            },
            &f[..5]
        ),
        _ => s.to_string(),
    };
    let wgs = GeographicPoint {
        x: Some(short(&l.lat)),
        y: Some(short(&l.lon)),
    };
    if bng {
        GeographicLocationRefOrValue::SpatialLocationList(SpatialLocationList(vec![
            SpatialLocation {
                geometry: vec![wgs],
                spatial_ref: Some("WGS84".into()),
            },
            SpatialLocation {
                geometry: vec![GeographicPoint {
                    x: Some(l.easting.clone()),
                    y: Some(l.northing.clone()),
                }],
                spatial_ref: Some("BNG".into()),
            },
        ]))
    } else {
        GeographicLocationRefOrValue::GeographicLocation(GeographicLocation {
            geometry: vec![wgs],
        })
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
                .map(|m| Technology {
                    technology_name: Some(m.name.into()),
                    technology_value: Some(m.value.into()),
                })
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

pub(super) fn openreach_record(p: &Premises, key: Option<&str>, s: &Search) -> GeographicAddress {
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
        district_code: if gold {
            o.map(|o| o.district_code.clone())
        } else {
            None
        },
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
        matched_id: if s.fuzzy && p.paired && key.is_some() {
            p.robt_key().map(str::to_string)
        } else {
            None
        },
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

pub(super) fn robt_record(
    p: &Premises,
    openreach_key: Option<&str>,
    s: &Search,
) -> GeographicAddress {
    let Some(r) = &p.robt else {
        return GeographicAddress::default();
    };
    let paired = s.fuzzy && p.paired && openreach_key.is_some();
    GeographicAddress {
        uprn: Some(p.uprn.clone().unwrap_or_default()),
        parent_uprn: Some(p.parent_uprn.clone().unwrap_or_default()),
        exchange_group_code: p.openreach.as_ref().map(|o| o.exchange_group_code.clone()),
        district_code: p.district_code().map(str::to_string),
        geographic_location_ref_or_value: Some(location(&p.location, s.bng, true)),
        address_match: s.fuzzy.then_some(paired),
        matched_id: if paired {
            openreach_key.map(str::to_string)
        } else {
            None
        },
        ..robt_shape(&p.address, &r.key, r.qualifier, s)
    }
}

pub(super) fn created_record(c: &CreatedRecord, s: &Search) -> GeographicAddress {
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
