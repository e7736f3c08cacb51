//! Seeded premises: twelve scenario templates laid out round-robin over fifteen streets, so that
//! every scenario appears five times whatever the seed, while the seed picks keys, numbers,
//! postcodes, speeds and line details.

use std::collections::HashSet;

use super::documented::{ALL_FTTP, SOGEA, offerings};
use super::{
    CopperLine, Fttp, LineStatus, Location, OntState, OpenreachRecord, PostalAddress, Premises,
    Qualifier, RobtRecord, Scenario, markers_for,
};
use crate::rng::SimRng;

struct Street {
    name: &'static str,
    locality: Option<&'static str>,
    city: &'static str,
    county: &'static str,
    outward: &'static str,
    district: &'static str,
    exchange: &'static str,
    /// Ofcom drama-range prefix, so generated numbers are never real lines.
    dn_prefix: &'static str,
    lat: f64,
    lon: f64,
    easting: u32,
    northing: u32,
}

// A table-row constructor: one positional row per street reads best in the table below.
#[allow(clippy::too_many_arguments)]
const fn street(
    name: &'static str,
    locality: Option<&'static str>,
    city: &'static str,
    county: &'static str,
    outward: &'static str,
    district: &'static str,
    exchange: &'static str,
    dn_prefix: &'static str,
    at: (f64, f64, u32, u32),
) -> Street {
    Street {
        name,
        locality,
        city,
        county,
        outward,
        district,
        exchange,
        dn_prefix,
        lat: at.0,
        lon: at.1,
        easting: at.2,
        northing: at.3,
    }
}

const STREETS: &[Street] = &[
    street(
        "Acacia Avenue",
        Some("Headingley"),
        "Leeds",
        "West Yorkshire",
        "LS6",
        "NE",
        "LDHD",
        "0113496",
        (53.8195, -1.5760, 427500, 436200),
    ),
    street(
        "Beech Road",
        Some("Chorlton"),
        "Manchester",
        "Greater Manchester",
        "M21",
        "MR",
        "MRCH",
        "0161496",
        (53.4430, -2.2770, 381500, 394300),
    ),
    street(
        "Cotham Grove",
        None,
        "Bristol",
        "Avon",
        "BS6",
        "WW",
        "BRRL",
        "0117496",
        (51.4680, -2.5990, 358300, 174300),
    ),
    street(
        "Dalkeith Road",
        Some("Newington"),
        "Edinburgh",
        "Midlothian",
        "EH16",
        "SE",
        "EDNW",
        "0131496",
        (55.9360, -3.1700, 326900, 672200),
    ),
    street(
        "Elmwood Lane",
        None,
        "London",
        "Greater London",
        "SE24",
        "LS",
        "BRXN",
        "0207946",
        (51.4560, -0.0980, 532300, 174800),
    ),
    street(
        "Foxhall Road",
        None,
        "Nottingham",
        "Nottinghamshire",
        "NG7",
        "EM",
        "NTCH",
        "0115496",
        (52.9630, -1.1710, 455800, 341300),
    ),
    street(
        "Grange Road",
        Some("Jesmond"),
        "Newcastle upon Tyne",
        "Tyne and Wear",
        "NE2",
        "NE",
        "NCJE",
        "0191498",
        (54.9890, -1.6030, 425100, 566000),
    ),
    street(
        "Harcourt Street",
        None,
        "Birmingham",
        "West Midlands",
        "B13",
        "WM",
        "BMMO",
        "0121496",
        (52.4450, -1.8880, 407600, 283700),
    ),
    street(
        "Ivy Crescent",
        None,
        "Cardiff",
        "South Glamorgan",
        "CF14",
        "WW",
        "CFWH",
        "0292018",
        (51.5070, -3.1900, 317300, 179500),
    ),
    street(
        "Juniper Close",
        Some("Headington"),
        "Oxford",
        "Oxfordshire",
        "OX3",
        "TV",
        "OXHE",
        "0186596",
        (51.7580, -1.2120, 454200, 207500),
    ),
    street(
        "Kingsley Road",
        None,
        "Sheffield",
        "South Yorkshire",
        "S11",
        "NE",
        "SFBH",
        "0114496",
        (53.3650, -1.5050, 432800, 385600),
    ),
    street(
        "Linden Avenue",
        None,
        "Reading",
        "Berkshire",
        "RG1",
        "TV",
        "RDNG",
        "0118496",
        (51.4500, -0.9640, 471800, 173400),
    ),
    street(
        "Maple Terrace",
        Some("Clifton"),
        "York",
        "North Yorkshire",
        "YO30",
        "NE",
        "YKCL",
        "0190496",
        (53.9720, -1.0950, 459300, 453300),
    ),
    street(
        "Northfield Drive",
        None,
        "Norwich",
        "Norfolk",
        "NR4",
        "EA",
        "NRWH",
        "0160349",
        (52.6170, 1.2510, 620600, 307500),
    ),
    street(
        "Orchard Way",
        Some("Hove"),
        "Brighton",
        "East Sussex",
        "BN3",
        "LS",
        "BHHV",
        "0127396",
        (50.8320, -0.1720, 528900, 104800),
    ),
];

/// The scenario each template stands for (its first tag) and the seeded extras it may gain.
const TEMPLATES: &[Scenario] = &[
    Scenario::FttpNewOnt,
    Scenario::FttpExistingOntFreePort,
    Scenario::FttpNoFreePort,
    Scenario::SogeaOnly,
    Scenario::AdslOnly,
    Scenario::Nothing,
    Scenario::WorkingLine,
    Scenario::StoppedLine,
    Scenario::PendingCease,
    Scenario::SilverKey,
    Scenario::BronzeKey,
    Scenario::NoRobtPair,
];

const PER_STREET: usize = 4;
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
const CLASSIFICATIONS: &[(&str, &str)] = &[
    ("RD02", "Detached"),
    ("RD03", "Semi-Detached"),
    ("RD04", "Terraced"),
    ("RD06", "Self Contained Flat"),
    ("CR02", "Retail Service Agent"),
];
const FTTP_SETS: &[&[&str]] = &[
    ALL_FTTP,
    &["FTTP 500_75M", "FTTP 160_30M", "FTTP 80_20M"],
    &["FTTP 160_30M", "FTTP 80_20M"],
];

/// Unique identifiers of one kind across the whole world.
struct Unique {
    used: HashSet<String>,
}

impl Unique {
    fn next(&mut self, rng: &mut SimRng, make: impl Fn(&mut SimRng) -> String) -> String {
        loop {
            let candidate = make(rng);
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

pub(super) fn premises(seed: u64, documented: &[Premises]) -> Vec<Premises> {
    let mut rng = SimRng::stream(seed, "world");
    let mut ids = Unique {
        used: HashSet::new(),
    };
    for p in documented {
        ids.used.extend(p.openreach_key().map(str::to_string));
        ids.used.extend(p.robt_key().map(str::to_string));
        ids.used.extend(p.uprn.clone());
        for l in &p.lines {
            ids.used.insert(l.access_line_id.clone());
            ids.used.insert(l.directory_number.clone());
        }
    }

    let mut out = Vec::new();
    for (s, st) in STREETS.iter().enumerate() {
        let inward = format!(
            "{}{}{}",
            rng.below(10),
            char::from(*rng.pick(INWARD_LETTERS)),
            char::from(*rng.pick(INWARD_LETTERS))
        );
        let postcode = format!("{} {inward}", st.outward);
        let first_number = 1 + rng.below(40) as usize;
        for k in 0..PER_STREET {
            let template = TEMPLATES[(s * PER_STREET + k) % TEMPLATES.len()];
            let address = PostalAddress {
                street_nr: Some((first_number + 2 * k).to_string()),
                street_name: st.name.to_string(),
                locality: st.locality.map(str::to_string),
                city: st.city.to_string(),
                county: Some(st.county.to_string()),
                postcode: postcode.clone(),
                ..PostalAddress::default()
            };
            out.push(build(&mut rng, &mut ids, st, k, template, address));
        }
    }
    out
}

fn build(
    rng: &mut SimRng,
    ids: &mut Unique,
    st: &Street,
    k: usize,
    template: Scenario,
    address: PostalAddress,
) -> Premises {
    use Scenario::*;
    let qualifier = match template {
        SilverKey => Qualifier::Silver,
        BronzeKey => Qualifier::Bronze,
        _ => Qualifier::Gold,
    };
    let openreach = OpenreachRecord {
        key: ids.next(rng, |r| format!("A{}", r.digits(11))),
        qualifier,
        district_code: st.district.to_string(),
        exchange_group_code: st.exchange.to_string(),
    };
    let robt = (template != NoRobtPair).then(|| RobtRecord {
        key: ids.next(rng, |r| format!("R{}", r.digits(11))),
        qualifier: if qualifier == Qualifier::Gold {
            "Gold"
        } else {
            "Non-Gold"
        },
    });
    let uprn = ids.next(rng, |r| format!("1000{}", r.digits(8)));
    let mut scenarios = vec![template];
    scenarios.push(match qualifier {
        Qualifier::Gold => GoldKey,
        Qualifier::Silver => SilverKey,
        Qualifier::Bronze => BronzeKey,
    });
    let (class_code, class_text) = *rng.pick(CLASSIFICATIONS);
    let fttp_set = *rng.pick(FTTP_SETS);
    let ont_ref = |rng: &mut SimRng| Some(format!("ONT{}", rng.digits(12)));

    let mut fttp = None;
    let mut copper = offerings(SOGEA);
    let mut lines = Vec::new();
    let mut spare_pairs = 1 + rng.below(4) as u32;
    let mut line =
        |rng: &mut SimRng, product: &str, status: LineStatus, pending_cease: bool| CopperLine {
            access_line_id: ids.next(rng, |r| format!("ALID{}", r.digits(10))),
            directory_number: ids.next(rng, |r| format!("{}{}", st.dn_prefix, r.digits(4))),
            product_type: product.to_string(),
            status,
            pending_cease,
            stopped_date: (status == LineStatus::Stopped)
                .then(|| format!("2025-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))),
        };
    match template {
        FttpNewOnt | NoRobtPair => {
            fttp = Some(Fttp {
                ont: OntState::New,
                offerings: offerings(fttp_set),
                ont_reference: None,
            });
            if template == NoRobtPair {
                scenarios.push(FttpNewOnt);
            }
        }
        FttpExistingOntFreePort => {
            fttp = Some(Fttp {
                ont: OntState::ExistingFreePort,
                offerings: offerings(fttp_set),
                ont_reference: ont_ref(rng),
            });
        }
        FttpNoFreePort => {
            fttp = Some(Fttp {
                ont: OntState::ExistingNoFreePort,
                offerings: offerings(fttp_set),
                ont_reference: ont_ref(rng),
            });
        }
        SogeaOnly if rng.chance(0.4) => {
            copper = offerings(&["SOGEA 40_10M"]);
        }
        AdslOnly => {
            copper = offerings(if rng.chance(0.5) {
                &["SOADSL 24_1M", "SOADSL 0.5_0.5M"]
            } else {
                &["SOADSL 0.5_0.5M"]
            });
            spare_pairs = 1;
        }
        Nothing => {
            copper = Vec::new();
            spare_pairs = 0;
        }
        WorkingLine => {
            let product = *rng.pick(&["SOGEA", "SOADSL", "PSTN"]);
            lines.push(line(rng, product, LineStatus::Working, false));
            if k.is_multiple_of(2) {
                fttp = Some(Fttp {
                    ont: OntState::New,
                    offerings: offerings(fttp_set),
                    ont_reference: None,
                });
                scenarios.push(FttpNewOnt);
            }
        }
        StoppedLine => {
            let product = *rng.pick(&["SOADSL", "PSTN"]);
            lines.push(line(rng, product, LineStatus::Stopped, false));
        }
        PendingCease => {
            lines.push(line(rng, "SOGEA", LineStatus::Working, true));
            scenarios.push(WorkingLine);
        }
        SilverKey => copper.extend(offerings(&["SOADSL 24_1M"])),
        BronzeKey => copper = offerings(&["SOGEA 40_10M", "SOADSL 24_1M"]),
        _ => {}
    }
    if fttp.is_none()
        && !copper.is_empty()
        && !matches!(template, AdslOnly | SilverKey | BronzeKey)
        && !scenarios.contains(&SogeaOnly)
    {
        scenarios.push(SogeaOnly);
    }
    if (template == NoRobtPair || robt.is_none()) && !scenarios.contains(&NoRobtPair) {
        scenarios.push(NoRobtPair);
    }
    let has_copper = !copper.is_empty() || !lines.is_empty();
    let markers = markers_for(has_copper, fttp.is_some(), template == Nothing);
    let paired = robt.is_some() && qualifier == Qualifier::Gold;
    let dlat = (k as f64) * 0.00031 + rng.below(100) as f64 * 0.000001;
    let dlon = (k as f64) * 0.00042;
    Premises {
        index: 0,
        scenarios,
        address,
        uprn: Some(uprn),
        parent_uprn: None,
        openreach: Some(openreach),
        robt,
        paired,
        location: Location {
            lat: format!("{:.7}", st.lat + dlat),
            lon: format!("{:.7}", st.lon + dlon),
            easting: (st.easting + 29 * k as u32).to_string(),
            northing: (st.northing + 34 * k as u32).to_string(),
        },
        site_classification: (class_code.to_string(), class_text.to_string()),
        fttp,
        copper_offerings: copper,
        lines,
        spare_pairs,
        markers,
    }
}
