//! The simulated world: premises with their Openreach and RoBT address records, what can be
//! supplied there and the copper lines and ONTs already in place.
//!
//! It is built once from the seed (same seed, same world) and never changes afterwards; what
//! callers create at run time (addresses, orders, services) lives in the server's state.

mod documented;
mod generated;

use std::collections::HashMap;

use crate::catalogue::{Offering, Technology};

/// What a premises is useful for in a test or demo. A premises carries several tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// FTTP available, a new ONT needed (managed install).
    FttpNewOnt,
    /// FTTP available on an existing ONT that has a free data port (self install).
    FttpExistingOntFreePort,
    /// An ONT exists but has no free port (a new ONT and an engineer are needed).
    FttpNoFreePort,
    /// SOGEA but no FTTP.
    SogeaOnly,
    /// Only SOADSL (long copper line).
    AdslOnly,
    /// Nothing can be supplied.
    Nothing,
    /// A working copper line with a product on it.
    WorkingLine,
    /// A stopped copper line (stopped line start).
    StoppedLine,
    /// A working line whose service is being ceased (`PendingCeaseOrderIndicator: Y`).
    PendingCease,
    /// Gold Openreach key, listed with its district.
    GoldKey,
    /// Openreach record qualified Silver: listed without a key; `POST target: Openreach` gets it.
    SilverKey,
    /// Not in Openreach's NAD at all; `POST target: Openreach` returns a Bronze key.
    BronzeKey,
    /// Openreach record with no paired RoBT record (POST a RoBT address first).
    NoRobtPair,
    /// RoBT record only (no Openreach record).
    RobtOnly,
    /// A premises or value from BT's sandbox documentation or BT's published examples.
    BtSandbox,
}

/// Openreach address qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    Gold,
    Silver,
    Bronze,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Gold => "Gold",
            Qualifier::Silver => "Silver",
            Qualifier::Bronze => "Bronze",
        }
    }
}

/// The premises' Openreach NAD record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenreachRecord {
    /// `A` + 11 digits.
    pub key: String,
    pub qualifier: Qualifier,
    /// Two letters, e.g. `LS`.
    pub district_code: String,
    pub exchange_group_code: String,
}

/// The premises' RoBT record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RobtRecord {
    /// `R` + 11 digits (BT's sandbox also uses `R0123457890` and `X05000253608`).
    pub key: String,
    /// `Gold` or `Non-Gold`.
    pub qualifier: &'static str,
}

/// Postal address parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub building_name: Option<String>,
    pub sub_building: Option<String>,
    pub street_nr: Option<String>,
    pub street_name: String,
    pub locality: Option<String>,
    pub city: String,
    pub county: Option<String>,
    pub postcode: String,
    pub postal_organisation: Option<String>,
}

/// Coordinates as BT renders them (strings): WGS84 latitude/longitude and BNG easting/northing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub lat: String,
    pub lon: String,
    pub easting: String,
    pub northing: String,
}

/// ONT situation for FTTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OntState {
    New,
    ExistingFreePort,
    ExistingNoFreePort,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fttp {
    pub ont: OntState,
    /// FTTP offerings available here, fastest first.
    pub offerings: Vec<&'static Offering>,
    /// Openreach reference of the existing ONT, if any.
    pub ont_reference: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStatus {
    Working,
    Stopped,
}

/// A copper line at the premises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopperLine {
    pub access_line_id: String,
    pub directory_number: String,
    /// Product on the line, e.g. `SOGEA`, `SOADSL`, `PSTN`.
    pub product_type: String,
    pub status: LineStatus,
    pub pending_cease: bool,
    pub stopped_date: Option<String>,
}

/// A technology marker: name (`Copper`, `PointToPointFibre`, `FTTPBrownfield`, `FTTPGreenfield`),
/// association (`Y`/`N`) and restriction (`R`/`U`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub name: &'static str,
    pub value: &'static str,
    pub restriction: &'static str,
}

/// One premises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Premises {
    /// Position in [`World::premises`].
    pub index: usize,
    pub scenarios: Vec<Scenario>,
    pub address: PostalAddress,
    pub uprn: Option<String>,
    pub parent_uprn: Option<String>,
    pub openreach: Option<OpenreachRecord>,
    pub robt: Option<RobtRecord>,
    /// Whether BT pairs the two records (`addressMatch`).
    pub paired: bool,
    pub location: Location,
    /// Site classification code and text, e.g. `RD06` / `Self Contained Flat`.
    pub site_classification: (String, String),
    pub fttp: Option<Fttp>,
    /// SOGEA and SOADSL offerings available here.
    pub copper_offerings: Vec<&'static Offering>,
    pub lines: Vec<CopperLine>,
    pub spare_pairs: u32,
    pub markers: Vec<Marker>,
}

impl Premises {
    pub fn has(&self, scenario: Scenario) -> bool {
        self.scenarios.contains(&scenario)
    }

    /// The Openreach key (whatever its qualifier).
    pub fn openreach_key(&self) -> Option<&str> {
        self.openreach.as_ref().map(|o| o.key.as_str())
    }

    pub fn district_code(&self) -> Option<&str> {
        self.openreach.as_ref().map(|o| o.district_code.as_str())
    }

    pub fn robt_key(&self) -> Option<&str> {
        self.robt.as_ref().map(|r| r.key.as_str())
    }

    pub fn qualifier(&self) -> Option<Qualifier> {
        self.openreach.as_ref().map(|o| o.qualifier)
    }

    /// Everything that can be supplied here, FTTP first. FTTP needs a Gold key (BT's rule for
    /// new FTTP), so a Silver or Bronze premises never offers it.
    pub fn available_offerings(&self) -> Vec<&'static Offering> {
        let mut all: Vec<&'static Offering> = Vec::new();
        if self.qualifier() == Some(Qualifier::Gold)
            && let Some(f) = &self.fttp
        {
            all.extend(f.offerings.iter().copied());
        }
        all.extend(self.copper_offerings.iter().copied());
        all
    }

    pub fn offers(&self, technology: Technology) -> bool {
        self.available_offerings()
            .iter()
            .any(|o| o.technology == technology)
    }

    /// A one-line description, e.g. for the binary's listing.
    pub fn summary(&self) -> String {
        let a = &self.address;
        let first = match (&a.building_name, &a.street_nr) {
            (Some(b), Some(n)) => format!("{b}, {n} {}", a.street_name),
            (Some(b), None) => format!("{b}, {}", a.street_name),
            (None, Some(n)) => format!("{n} {}", a.street_name),
            (None, None) => a.street_name.clone(),
        };
        format!(
            "{first}, {} {} | openreach {} {} | robt {}",
            a.city,
            a.postcode,
            self.openreach_key().unwrap_or("-"),
            self.district_code().unwrap_or("-"),
            self.robt_key().unwrap_or("-"),
        )
    }
}

/// The whole seeded world.
#[derive(Debug, PartialEq, Eq)]
pub struct World {
    seed: u64,
    premises: Vec<Premises>,
    by_openreach: HashMap<String, usize>,
    by_robt: HashMap<String, usize>,
    by_uprn: HashMap<String, usize>,
    by_postcode: HashMap<String, Vec<usize>>,
    by_line: HashMap<String, (usize, usize)>,
}

impl World {
    /// Builds the world for `seed`: BT's documented premises plus seeded ones covering every
    /// [`Scenario`] several times.
    pub fn generate(seed: u64) -> World {
        let mut premises = documented::premises();
        premises.extend(generated::premises(seed, &premises));
        for (i, p) in premises.iter_mut().enumerate() {
            p.index = i;
        }
        let mut w = World {
            seed,
            premises,
            by_openreach: HashMap::new(),
            by_robt: HashMap::new(),
            by_uprn: HashMap::new(),
            by_postcode: HashMap::new(),
            by_line: HashMap::new(),
        };
        w.index();
        w
    }

    fn index(&mut self) {
        for p in &self.premises {
            if let Some(k) = p.openreach_key() {
                self.by_openreach.insert(k.to_string(), p.index);
            }
            if let Some(k) = p.robt_key() {
                self.by_robt.insert(k.to_string(), p.index);
            }
            if let Some(u) = &p.uprn {
                self.by_uprn.entry(u.clone()).or_insert(p.index);
            }
            self.by_postcode
                .entry(normalise_postcode(&p.address.postcode))
                .or_default()
                .push(p.index);
            for (li, line) in p.lines.iter().enumerate() {
                self.by_line
                    .insert(line.access_line_id.clone(), (p.index, li));
                self.by_line
                    .insert(line.directory_number.clone(), (p.index, li));
            }
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn premises(&self) -> &[Premises] {
        &self.premises
    }

    /// Every premises tagged with `scenario`.
    pub fn with_scenario(&self, scenario: Scenario) -> impl Iterator<Item = &Premises> {
        self.premises.iter().filter(move |p| p.has(scenario))
    }

    /// The first seeded (non-sandbox) premises tagged with `scenario`, else a sandbox one.
    pub fn find(&self, scenario: Scenario) -> Option<&Premises> {
        self.with_scenario(scenario)
            .find(|p| !p.has(Scenario::BtSandbox))
            .or_else(|| self.with_scenario(scenario).next())
    }

    pub fn by_openreach_key(&self, key: &str) -> Option<&Premises> {
        self.by_openreach.get(key).map(|&i| &self.premises[i])
    }

    pub fn by_robt_key(&self, key: &str) -> Option<&Premises> {
        self.by_robt.get(key).map(|&i| &self.premises[i])
    }

    pub fn by_uprn(&self, uprn: &str) -> Option<&Premises> {
        self.by_uprn.get(uprn).map(|&i| &self.premises[i])
    }

    /// Premises whose postcode equals `postcode` ignoring case and spacing.
    pub fn by_postcode(&self, postcode: &str) -> impl Iterator<Item = &Premises> {
        self.by_postcode
            .get(&normalise_postcode(postcode))
            .into_iter()
            .flatten()
            .map(|&i| &self.premises[i])
    }

    /// The line with this directory number or access line id, and its premises.
    pub fn by_line(&self, dn_or_alid: &str) -> Option<(&Premises, &CopperLine)> {
        let &(p, l) = self.by_line.get(dn_or_alid)?;
        let premises = &self.premises[p];
        Some((premises, &premises.lines[l]))
    }
}

/// Upper case without whitespace: `sw12 8nx` and `SW128NX` both become `SW128NX`.
pub fn normalise_postcode(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// BT's postcode pattern `^[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s?[0-9][A-Za-z]{2}$`.
pub fn is_valid_postcode(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    if !(5..=8).contains(&n) {
        return false;
    }
    // Inward code: digit + two letters at the end.
    if !(b[n - 3].is_ascii_digit()
        && b[n - 2].is_ascii_alphabetic()
        && b[n - 1].is_ascii_alphabetic())
    {
        return false;
    }
    let mut outward = &b[..n - 3];
    if let Some((&last, rest)) = outward.split_last()
        && last.is_ascii_whitespace()
    {
        outward = rest;
    }
    let letters = outward
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = &outward[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d, x] => d.is_ascii_digit() && x.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// Technology markers derived from what the premises offers.
pub(crate) fn markers_for(copper: bool, fttp: bool, restricted_fttp: bool) -> Vec<Marker> {
    let yn = |b: bool| if b { "Y" } else { "N" };
    vec![
        Marker {
            name: "Copper",
            value: yn(copper),
            restriction: "U",
        },
        Marker {
            name: "PointToPointFibre",
            value: "N",
            restriction: "U",
        },
        Marker {
            name: "FTTPBrownfield",
            value: yn(fttp),
            restriction: if restricted_fttp { "R" } else { "U" },
        },
        Marker {
            name: "FTTPGreenfield",
            value: "N",
            restriction: "U",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_pattern_matches_bt() {
        for ok in [
            "SW12 8NX", "sw128nx", "AB15 7xy", "M1 1AE", "W1J 7QU", "EC1A 1BB", "LS11 8LQ",
        ] {
            assert!(is_valid_postcode(ok), "{ok}");
        }
        for bad in [
            "",
            "SW12",
            "12 8NX",
            "SW12  8NX",
            "ABC1 1AA",
            "SW12 8N1",
            "SW1@ 8NX",
        ] {
            assert!(!is_valid_postcode(bad), "{bad}");
        }
    }
}
