//! Premises and values from BT's documentation: the sandbox scenarios of BT's published Address
//! and Appointment specs, and the keys used in BT's and this project's spec examples. They keep
//! the same keys whatever the seed, so a call that works in BT's sandbox works here.

use super::{
    CopperLine, Fttp, LineStatus, Location, OntState, OpenreachRecord, PostalAddress, Premises,
    Qualifier, RobtRecord, Scenario, markers_for,
};
use crate::catalogue::{Offering, access_by_name};

pub(super) fn offerings(names: &[&str]) -> Vec<&'static Offering> {
    names.iter().filter_map(|n| access_by_name(n)).collect()
}

pub(super) const ALL_FTTP: &[&str] = &[
    "FTTP 900_110M",
    "FTTP 500_75M",
    "FTTP 330_50M",
    "FTTP 160_30M",
    "FTTP 80_20M",
];
pub(super) const SOGEA: &[&str] = &["SOGEA 80_20M", "SOGEA 40_10M"];

fn address(
    nr: Option<&str>,
    building: Option<&str>,
    street: &str,
    city: &str,
    postcode: &str,
) -> PostalAddress {
    PostalAddress {
        building_name: building.map(str::to_string),
        street_nr: nr.map(str::to_string),
        street_name: street.to_string(),
        city: city.to_string(),
        postcode: postcode.to_string(),
        ..PostalAddress::default()
    }
}

fn gold(key: &str, district: &str, exchange: &str) -> Option<OpenreachRecord> {
    Some(OpenreachRecord {
        key: key.to_string(),
        qualifier: Qualifier::Gold,
        district_code: district.to_string(),
        exchange_group_code: exchange.to_string(),
    })
}

fn robt(key: &str, qualifier: &'static str) -> Option<RobtRecord> {
    Some(RobtRecord {
        key: key.to_string(),
        qualifier,
    })
}

fn location(lat: &str, lon: &str, easting: &str, northing: &str) -> Location {
    Location {
        lat: lat.into(),
        lon: lon.into(),
        easting: easting.into(),
        northing: northing.into(),
    }
}

fn fttp(ont: OntState, names: &[&str], ont_reference: Option<&str>) -> Option<Fttp> {
    Some(Fttp {
        ont,
        offerings: offerings(names),
        ont_reference: ont_reference.map(str::to_string),
    })
}

fn line(
    alid: &str,
    dn: &str,
    product: &str,
    status: LineStatus,
    pending_cease: bool,
) -> CopperLine {
    CopperLine {
        access_line_id: alid.into(),
        directory_number: dn.into(),
        product_type: product.into(),
        status,
        pending_cease,
        stopped_date: (status == LineStatus::Stopped).then(|| "2026-03-14".to_string()),
    }
}

fn classification(code: &str, text: &str) -> (String, String) {
    (code.into(), text.into())
}

/// A premises with nothing available; the entries below fill in what they need.
fn blank(scenarios: &[Scenario], address: PostalAddress) -> Premises {
    Premises {
        index: 0,
        scenarios: scenarios.to_vec(),
        address,
        uprn: None,
        parent_uprn: None,
        openreach: None,
        robt: None,
        paired: false,
        location: Location::default(),
        site_classification: classification("RD04", "Terraced"),
        fttp: None,
        copper_offerings: Vec::new(),
        lines: Vec::new(),
        spare_pairs: 0,
        markers: markers_for(false, false, false),
    }
}

/// Finishes a premises: technology markers follow what it offers unless already set.
fn done(mut p: Premises) -> Premises {
    if p.markers == markers_for(false, false, false) {
        let copper = !p.copper_offerings.is_empty() || !p.lines.is_empty();
        p.markers = markers_for(copper, p.fttp.is_some(), false);
    }
    p
}

pub(super) fn premises() -> Vec<Premises> {
    use Scenario::*;
    let mut out = Vec::new();

    // 81 Nightingale Lane: BT's fuzzy-match example (A15104646284 <-> R09598326361, Gold, LS), the
    // ADSL-migration order example (DN 02079460034) and the line-based POQ example.
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt, WorkingLine],
        PostalAddress {
            postal_organisation: Some("ALPINE FINANCIAL SERVICES LTD".into()),
            ..address(Some("81"), None, "Nightingale Lane", "London", "SW12 8NX")
        },
    );
    p.uprn = Some("10091846447".into());
    p.parent_uprn = Some("121053761".into());
    p.openreach = gold("A15104646284", "LS", "CLPM");
    p.robt = robt("R09598326361", "Gold");
    p.paired = true;
    p.location = location("51.4502848", "-.1570936", "528154", "173977");
    p.site_classification = classification("OR04", "Additional Mail / Packet Addressee");
    p.fttp = fttp(OntState::New, ALL_FTTP, None);
    p.copper_offerings = offerings(SOGEA);
    p.lines = vec![line(
        "ALID0002079460",
        "02079460034",
        "SOADSL",
        LineStatus::Working,
        false,
    )];
    p.spare_pairs = 1;
    // BT's example record, verbatim: FTTP brownfield only.
    p.markers = markers_for(false, true, false);
    out.push(p);

    // The second Openreach record at 81 Nightingale Lane in BT's example: no RoBT partner.
    let mut p = blank(
        &[BtSandbox, GoldKey, SogeaOnly, NoRobtPair],
        address(Some("81"), None, "Nightingale Lane", "London", "SW12 8NX"),
    );
    p.uprn = Some("121053761".into());
    p.openreach = gold("A00023776374", "LS", "CLPM");
    p.location = location("51.4502848", "-.1570936", "528154", "173977");
    p.site_classification = classification("PP", "Property Shell");
    p.copper_offerings = offerings(SOGEA);
    p.spare_pairs = 3;
    out.push(done(p));

    // RoBT-only records of BT's example (81A and 83B Nightingale Lane).
    let mut p = blank(
        &[BtSandbox, RobtOnly],
        PostalAddress {
            sub_building: Some("81A".into()),
            locality: Some("Balham".into()),
            county: Some("London".into()),
            ..address(None, None, "Nightingale Lane", "London", "SW12 8NX")
        },
    );
    p.robt = robt("R09574594996", "Non-Gold");
    p.location = location("51.45028", "-0.15711", "528155", "173976");
    out.push(p);

    let mut p = blank(
        &[BtSandbox, RobtOnly],
        address(
            Some("83B"),
            Some("FLAT GROUND AND FIRST FLOORS REAR"),
            "Nightingale Lane",
            "London",
            "SW12 8NX",
        ),
    );
    p.uprn = Some("100022674390".into());
    p.parent_uprn = Some("100023306424".into());
    p.robt = robt("R09761459948", "Non-Gold");
    p.location = location("51.4503", "-0.15722", "528147", "173978");
    out.push(p);

    // BT's POQ tutorial key, here an existing ONT with a free port (spec example).
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpExistingOntFreePort],
        address(Some("85"), None, "Nightingale Lane", "London", "SW12 8NX"),
    );
    p.uprn = Some("10091846452".into());
    p.openreach = gold("A15104999999", "LS", "CLPM");
    p.robt = robt("R09598353913", "Gold");
    p.paired = true;
    p.location = location("51.4502512", "-.1569210", "528166", "173974");
    p.fttp = fttp(
        OntState::ExistingFreePort,
        &["FTTP 160_30M"],
        Some("ONT000123456789"),
    );
    p.copper_offerings = offerings(&["SOGEA 80_20M"]);
    p.spare_pairs = 1;
    out.push(done(p));

    // The POQ response example's premises: FTTP 500_75M and 160_30M on a new ONT, SOGEA 80_20M.
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt],
        PostalAddress {
            locality: Some("Balham".into()),
            ..address(Some("12"), None, "Bedford Hill", "London", "SW12 9RG")
        },
    );
    p.uprn = Some("10091851120".into());
    p.openreach = gold("A15113070302", "LS", "CLPM");
    p.robt = robt("R09779734453", "Gold");
    p.paired = true;
    p.location = location("51.4457121", "-.1487730", "528745", "173468");
    p.fttp = fttp(OntState::New, &["FTTP 500_75M", "FTTP 160_30M"], None);
    p.copper_offerings = offerings(&["SOGEA 80_20M"]);
    p.spare_pairs = 2;
    out.push(done(p));

    // The order and line-availability examples' premises (A99923776374 / R00000521994): a
    // working SOGEA line (ALID0001234567) and FTTP on a new ONT.
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt, WorkingLine],
        address(Some("3"), None, "Weir Road", "London", "SW12 0LT"),
    );
    p.uprn = Some("10091860031".into());
    p.openreach = gold("A99923776374", "LS", "CLPM");
    p.robt = robt("R00000521994", "Gold");
    p.paired = true;
    p.location = location("51.4441630", "-.1398214", "529373", "173308");
    p.fttp = fttp(OntState::New, ALL_FTTP, None);
    p.copper_offerings = offerings(SOGEA);
    p.lines = vec![line(
        "ALID0001234567",
        "01134960034",
        "SOGEA",
        LineStatus::Working,
        false,
    )];
    p.spare_pairs = 2;
    out.push(done(p));

    // The appointment examples' address keys.
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt],
        address(Some("95"), None, "Nightingale Lane", "London", "SW12 8NX"),
    );
    p.uprn = Some("10091846470".into());
    p.openreach = gold("A15104646632", "LS", "CLPM");
    p.robt = robt("R09761447276", "Gold");
    p.paired = true;
    p.location = location("51.4499330", "-.1552410", "528279", "173942");
    p.fttp = fttp(OntState::New, ALL_FTTP, None);
    p.copper_offerings = offerings(SOGEA);
    p.spare_pairs = 2;
    out.push(done(p));

    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt],
        address(
            Some("7"),
            None,
            "Clapham Common South Side",
            "London",
            "SW4 9DE",
        ),
    );
    p.uprn = Some("10091812207".into());
    p.openreach = gold("A90000423408", "LS", "CLPM");
    p.robt = robt("R09761412452", "Gold");
    p.paired = true;
    p.location = location("51.4584102", "-.1440523", "529011", "174906");
    p.fttp = fttp(
        OntState::New,
        &["FTTP 500_75M", "FTTP 330_50M", "FTTP 160_30M"],
        None,
    );
    p.copper_offerings = offerings(&["SOGEA 80_20M"]);
    p.spare_pairs = 1;
    out.push(done(p));

    // BT's address sandbox: AB15 7XY (Riverside Tower / streetNr 10 / Wellbrae Terrace,
    // Aberdeen), uprn Z00000005015.
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt],
        address(
            Some("10"),
            Some("Riverside Tower"),
            "Wellbrae Terrace",
            "Aberdeen",
            "AB15 7XY",
        ),
    );
    p.uprn = Some("Z00000005015".into());
    p.openreach = gold("A20150070010", "NS", "ABMS");
    p.robt = robt("R20150070011", "Gold");
    p.paired = true;
    p.location = location("57.1371264", "-2.1389120", "391645", "805222");
    p.site_classification = classification("RD06", "Self Contained Flat");
    p.fttp = fttp(
        OntState::New,
        &["FTTP 500_75M", "FTTP 160_30M", "FTTP 80_20M"],
        None,
    );
    p.copper_offerings = offerings(SOGEA);
    p.spare_pairs = 4;
    out.push(done(p));

    let mut p = blank(
        &[BtSandbox, GoldKey, SogeaOnly],
        PostalAddress {
            sub_building: Some("Flat 1".into()),
            ..address(
                None,
                Some("Wellbrae Terrace"),
                "Wellbrae Terrace",
                "Aberdeen",
                "AB15 7XY",
            )
        },
    );
    p.uprn = Some("151176044".into());
    p.openreach = gold("A20150070027", "NS", "ABMS");
    p.robt = robt("R20150070028", "Gold");
    p.paired = true;
    p.location = location("57.1373110", "-2.1392233", "391626", "805243");
    p.site_classification = classification("RD06", "Self Contained Flat");
    p.copper_offerings = offerings(SOGEA);
    p.spare_pairs = 2;
    out.push(done(p));

    // LS11 8LQ (RoBT sandbox postcode); its RoBT key is the appointment sandbox's place id.
    let mut p = blank(
        &[BtSandbox, GoldKey, AdslOnly, StoppedLine],
        PostalAddress {
            locality: Some("Beeston".into()),
            ..address(Some("22"), None, "Cross Flatts Grove", "Leeds", "LS11 8LQ")
        },
    );
    p.uprn = Some("72154433".into());
    p.openreach = gold("A30110080022", "NE", "LDBE");
    p.robt = robt("R0123457890", "Gold");
    p.paired = true;
    p.location = location("53.7766020", "-1.5552104", "428962", "430426");
    p.copper_offerings = offerings(&["SOADSL 24_1M", "SOADSL 0.5_0.5M"]);
    p.lines = vec![line(
        "ALID0011348840",
        "01134960457",
        "SOADSL",
        LineStatus::Stopped,
        false,
    )];
    out.push(done(p));

    // AB15 7YZ (RoBT sandbox postcode); RoBT key X05000253608 from BT's id lookup scenario.
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNoFreePort],
        address(Some("5"), None, "Hazlehead Avenue", "Aberdeen", "AB15 7YZ"),
    );
    p.uprn = Some("9051103315".into());
    p.openreach = gold("A20150070035", "NS", "ABMS");
    p.robt = robt("X05000253608", "Gold");
    p.paired = true;
    p.location = location("57.1388127", "-2.1658190", "390013", "805414");
    p.fttp = fttp(
        OntState::ExistingNoFreePort,
        &["FTTP 330_50M", "FTTP 160_30M", "FTTP 80_20M"],
        Some("ONT000200457811"),
    );
    p.copper_offerings = offerings(SOGEA);
    p.spare_pairs = 1;
    out.push(done(p));

    // CM1 2EE (RoBT sandbox postcode); its line has the appointment sandbox's DN 2277264355.
    let mut p = blank(
        &[BtSandbox, GoldKey, SogeaOnly, WorkingLine],
        address(Some("3"), None, "Duke Street", "Chelmsford", "CM1 2EE"),
    );
    p.uprn = Some("100091224401".into());
    p.openreach = gold("A40120020003", "EA", "CHLM");
    p.robt = robt("R40120020004", "Gold");
    p.paired = true;
    p.location = location("51.7361940", "0.4688210", "570795", "207042");
    p.site_classification = classification("CR02", "Retail Service Agent");
    p.copper_offerings = offerings(SOGEA);
    p.lines = vec![line(
        "ALID0022772643",
        "2277264355",
        "SOGEA",
        LineStatus::Working,
        false,
    )];
    p.spare_pairs = 2;
    out.push(done(p));

    // AB10 1AU (classification, technology-marker and fuzzy-match sandbox scenarios).
    let mut p = blank(
        &[BtSandbox, GoldKey, FttpNewOnt],
        PostalAddress {
            postal_organisation: Some("ODEON CINEMAS LTD".into()),
            ..address(
                Some("4"),
                Some("Odeon"),
                "Justice Mill Lane",
                "Aberdeen",
                "AB10 1AU",
            )
        },
    );
    p.uprn = Some("9051012004".into());
    p.openreach = gold("A20100010004", "NS", "ABCN");
    p.robt = robt("R20100010005", "Gold");
    p.paired = true;
    p.location = location("57.1419551", "-2.1084010", "393494", "805750");
    p.site_classification = classification("CR02", "Retail Service Agent");
    p.fttp = fttp(OntState::New, ALL_FTTP, None);
    p.copper_offerings = offerings(SOGEA);
    p.spare_pairs = 6;
    out.push(done(p));

    let mut p = blank(
        &[BtSandbox, GoldKey, SogeaOnly, WorkingLine, PendingCease],
        address(Some("6"), None, "Justice Mill Lane", "Aberdeen", "AB10 1AU"),
    );
    p.uprn = Some("9051012006".into());
    p.openreach = gold("A20100010006", "NS", "ABCN");
    p.robt = robt("R20100010007", "Gold");
    p.paired = true;
    p.location = location("57.1418902", "-2.1087530", "393472", "805743");
    p.site_classification = classification("CR07", "Restaurant / Cafeteria");
    p.copper_offerings = offerings(SOGEA);
    p.lines = vec![line(
        "ALID0012249606",
        "01224960006",
        "SOGEA",
        LineStatus::Working,
        true,
    )];
    out.push(done(p));

    out
}
