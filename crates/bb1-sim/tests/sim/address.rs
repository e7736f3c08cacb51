use bb1_sim::Scenario;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;

fn ids(r: &Resp) -> Vec<&str> {
    r.body
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect()
}

#[tokio::test]
async fn fuzzy_search_pairs_openreach_and_robt_records() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let r = http
        .get(&format!(
            "{ADDRESS}?postcode=SW12%208NX&streetNr=81&isFuzzyMatch=true&isTechonologyMarkersRequired=true&isSiteClassificationRequired=true"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("x-total-count"), "3");
    assert_eq!(r.header("x-result-count"), "3");
    let records = r.body.as_array().expect("array");
    let or = &records[0];
    assert_eq!(or["id"], "A15104646284");
    assert_eq!(or["addressSource"], "Openreach");
    assert_eq!(or["qualifier"], "Gold");
    assert_eq!(or["districtCode"], "LS");
    assert_eq!(or["addressMatch"], true);
    assert_eq!(or["matchedId"], "R09598326361");
    assert_eq!(or["siteReference"]["siteClassificationCode"], "OR04");
    assert_eq!(
        or["siteReference"]["listOfTechnology"]["technology"][2]["technologyName"],
        "FTTPBrownfield"
    );
    assert_eq!(
        or["siteReference"]["listOfTechnology"]["technology"][2]["technologyValue"],
        "Y"
    );
    assert_eq!(records[1]["id"], "A00023776374");
    assert_eq!(records[1]["addressMatch"], false);
    let robt = &records[2];
    assert_eq!(robt["id"], "R09598326361");
    assert_eq!(robt["addressSource"], "ROBT");
    assert_eq!(robt["matchedId"], "A15104646284");
    assert_eq!(robt["bestAddressLine1"], "81 Nightingale Lane");

    // Without isFuzzyMatch there is no pairing information; spacing and case do not matter.
    let plain = http
        .get(&format!("{ADDRESS}?postcode=sw128nx&streetNr=81"))
        .await;
    assert_eq!(ids(&plain), ids(&r));
    assert!(plain.body[0].get("addressMatch").is_none());
    assert!(plain.body[0].get("siteReference").is_none());
}

#[tokio::test]
async fn bt_sandbox_search_combinations_answer_200() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    for q in [
        "postcode=AB15%207xy&addressSource=ROBT",
        "postcode=LS11%208LQ&addressSource=ROBT",
        "postcode=AB15%207YZ&addressSource=ROBT",
        "postcode=CM1%202EE&addressSource=ROBT",
        "postcode=AB15%207XY&isSpatialRefBng=false",
        "postcode=AB15%207XY&buildingName=Riverside%20Tower&isSpatialRefBng=true",
        "postcode=AB15%207XY&streetNr=10&isSpatialRefBng=false",
        "streetNr=10&streetName=Wellbrae%20Terrace&city=Aberdeen&isSpatialRefBng=true",
        "buildingName=Wellbrae%20Terrace&streetName=Wellbrae%20Terrace&city=Aberdeen&isSpatialRefBng=false",
        "uprn=Z00000005015&isSpatialRefBng=true",
        "addressSource=ROBT&id=X05000253608&isSpatialRefBng=false",
        "postcode=AB10%201AU&isSiteClassificationRequired=true&isTechonologyMarkersRequired=true&isSpatialRefBng=true",
        "postcode=AB10%201AU&isFuzzyMatch=true&isSpatialRefBng=false",
    ] {
        let r = http.get(&format!("{ADDRESS}?{q}")).await;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        assert!(!r.body.as_array().expect("array").is_empty(), "{q}");
    }
    let robt_only = http
        .get(&format!("{ADDRESS}?postcode=AB15%207XY&addressSource=ROBT"))
        .await;
    assert!(
        robt_only
            .body
            .as_array()
            .expect("array")
            .iter()
            .all(|a| a["addressSource"] == "ROBT")
    );
    let by_id = http
        .get(&format!("{ADDRESS}?addressSource=ROBT&id=X05000253608"))
        .await;
    assert_eq!(ids(&by_id), vec!["X05000253608"]);
    let bng = http
        .get(&format!("{ADDRESS}?uprn=Z00000005015&isSpatialRefBng=true"))
        .await;
    let loc = &bng.body[0]["geographicLocationRefOrValue"];
    assert_eq!(loc[0]["spatialRef"], "WGS84");
    assert_eq!(loc[1]["spatialRef"], "BNG");
    let wgs = http.get(&format!("{ADDRESS}?uprn=Z00000005015")).await;
    assert!(wgs.body[0]["geographicLocationRefOrValue"]["geometry"].is_array());
}

#[tokio::test]
async fn search_errors_and_sandbox_triggers() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    http.get(ADDRESS).await.expect(400, "27");
    http.get(&format!("{ADDRESS}?streetNr=10"))
        .await
        .expect(400, "27");
    let city = http
        .get(&format!(
            "{ADDRESS}?city=Aberdeen&streetName=Wellbrae%20Terrace"
        ))
        .await;
    city.expect(400, "27");
    assert!(city.text.contains("streetNr or buildingName"));
    let bad = http
        .get(&format!("{ADDRESS}?postcode=NOT-A-POSTCODE"))
        .await;
    bad.expect(400, "28");
    assert!(bad.text.contains("postcode"));
    http.get(&format!(
        "{ADDRESS}?postcode=SW12%208NX&addressSource=Elsewhere"
    ))
    .await
    .expect(400, "28");
    http.get(&format!("{ADDRESS}?postcode=SW12%208NX&isFuzzyMatch=maybe"))
        .await
        .expect(400, "28");
    http.get(&format!("{ADDRESS}?uprn=1234567890123"))
        .await
        .expect(400, "28");
    let none = http.get(&format!("{ADDRESS}?postcode=ZZ9%209ZZ")).await;
    none.expect(404, "60");
    assert_eq!(none.body["message"], "No matching address found.");
    for (value, status, code) in [
        ("E02901", 400, "29"),
        ("E06001", 404, "60"),
        ("E00101", 500, "01"),
        ("E00501", 503, "05"),
    ] {
        let r = http
            .send(
                Method::GET,
                &format!("{ADDRESS}?postcode=SW12%208NX"),
                None,
                &[("APIGW-Tracking-Header", value)],
            )
            .await;
        r.expect(status, code);
    }
}

fn new_address(postcode: &str, nr: &str) -> Value {
    json!({"streetNr": nr, "streetName": "Nightingale Lane", "postcode": postcode, "city": "London",
           "country": "United Kingdom", "@type": "BtGeographicAddress",
           "geographicSubAddress": [{"buildingName": "The Nightingale", "subBuilding": "First Floor", "@type": "BtGeographicSubAddress"}]})
}

#[tokio::test]
async fn create_robt_address_then_find_it() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let r = http.post(ADDRESS, &new_address("SW12 8NX", "97a")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let key = r.body["id"].as_str().expect("id").to_string();
    assert!(
        key.starts_with('S') && key.len() == 12 && key[1..].bytes().all(|b| b.is_ascii_digit()),
        "{key}"
    );
    let found = http
        .get(&format!("{ADDRESS}?addressSource=ROBT&id={key}"))
        .await;
    assert_eq!(ids(&found), vec![key.as_str()]);

    let org = json!({"postcode": "NW11 1AG", "postalOrganisation": "PNC", "country": "united kingdom", "city": "Hatfield"});
    let r = http.post(ADDRESS, &org).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.body["id"].as_str().expect("id").starts_with('X'));
    let sandbox =
        json!({"postcode": "AB15 7XY", "streetNr": "23", "country": "uk", "city": "London"});
    assert_eq!(http.post(ADDRESS, &sandbox).await.status, 201);
}

#[tokio::test]
async fn create_errors_and_sandbox_triggers() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let mut bad_country = new_address("SW12 8NX", "1");
    bad_country["country"] = json!("Atlantis");
    let r = http.post(ADDRESS, &bad_country).await;
    r.expect(400, "24");
    assert_eq!(r.body["message"], "Invalid country");
    let no_city = json!({"postcode": "SW12 8NX", "country": "uk"});
    let r = http.post(ADDRESS, &no_city).await;
    r.expect(400, "23");
    assert!(r.text.contains("city"), "{}", r.text);
    let long_city = json!({"postcode": "SW12 8NX", "country": "uk", "city": "x".repeat(51)});
    let r = http.post(ADDRESS, &long_city).await;
    r.expect(400, "24");
    assert!(r.text.contains("city"), "{}", r.text);
    http.send(
        Method::POST,
        ADDRESS,
        Some(&new_address("SW12 8NX", "1")),
        &[("target", "Elsewhere")],
    )
    .await
    .expect(400, "26");
    for (value, status, code) in [
        ("E00301", 400, "29"),
        ("E00101", 500, "01"),
        ("E00201", 503, "05"),
    ] {
        let r = http
            .send(
                Method::POST,
                ADDRESS,
                Some(&new_address("SW12 8NX", "1")),
                &[("APIGW-Tracking-Header", value)],
            )
            .await;
        r.expect(status, code);
    }
}

#[tokio::test]
async fn silver_and_bronze_keys_come_from_post_target_openreach() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    for scenario in [Scenario::SilverKey, Scenario::BronzeKey] {
        let p = sim.world().find(scenario).expect("premises").clone();
        let nr = p.address.street_nr.clone().expect("number");
        let pc = p.address.postcode.replace(' ', "%20");
        let before = http
            .get(&format!(
                "{ADDRESS}?postcode={pc}&streetNr={nr}&addressSource=Openreach"
            ))
            .await;
        match scenario {
            // Silver: listed without a key. Bronze: not in Openreach's NAD at all.
            Scenario::SilverKey => {
                assert_eq!(before.status, 200, "{}", before.text);
                assert_eq!(before.body[0]["qualifier"], "Silver");
                assert!(before.body[0].get("id").is_none());
            }
            _ => {
                before.expect(404, "60");
            }
        };
        let body = json!({"streetNr": nr, "streetName": p.address.street_name, "postcode": p.address.postcode,
                          "city": p.address.city, "country": "United Kingdom"});
        let r = http
            .send(
                Method::POST,
                ADDRESS,
                Some(&body),
                &[("target", "Openreach")],
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["id"].as_str(), p.openreach_key());
        let after = http
            .get(&format!(
                "{ADDRESS}?postcode={pc}&streetNr={nr}&addressSource=Openreach"
            ))
            .await;
        assert_eq!(
            after.body[0]["id"].as_str(),
            p.openreach_key(),
            "{}",
            after.text
        );
    }
}
