use bb1_sim::Scenario;
use serde_json::{Value, json};

use crate::common::*;

fn chars(item: &Value) -> Vec<(String, String)> {
    item["product"]["productCharacteristic"]
        .as_array()
        .expect("characteristics")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                c["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn char_of(item: &Value, name: &str) -> Option<String> {
    chars(item)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

fn offerings(r: &Resp) -> Vec<String> {
    r.body["productOfferingQualificationItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            i["product"]["productOffering"]["id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn address_based_poq_covers_every_fttp_branch() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    // BT's example premises: FTTP 500_75M and 160_30M on a new ONT, and SOGEA 80_20M.
    let r = http.post(POQ, &poq_address("A15113070302", "LS")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["state"], "done");
    assert_eq!(
        offerings(&r),
        vec!["FTTP 500_75M", "FTTP 160_30M", "SOGEA 80_20M"]
    );
    let first = &r.body["productOfferingQualificationItem"][0];
    assert_eq!(first["qualificationItemResult"], "qualified");
    assert_eq!(
        chars(first),
        [
            ("AccessTechnology", "FTTP"),
            ("productAdvertisedDownloadSpeed", "500"),
            ("productAdvertisedUploadSpeed", "75"),
            ("productMinimumGuaranteedSpeed", "400"),
            ("AVAILABILITY_FLAG", "Y"),
            ("ONTType", "New ONT"),
            ("ONTPortAvailable", "N"),
            ("ManagedInstallRequired", "Y"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(first["product"]["place"][0]["id"], "A15113070302");
    assert_eq!(first["product"]["place"][0]["districtId"], "LS");
    assert_eq!(
        char_of(&r.body["productOfferingQualificationItem"][2], "ONTType"),
        None
    );

    for (scenario, ont, port, managed) in [
        (Scenario::FttpExistingOntFreePort, "Existing ONT", "Y", "N"),
        (Scenario::FttpNoFreePort, "Existing ONT", "N", "Y"),
        (Scenario::FttpNewOnt, "New ONT", "N", "Y"),
    ] {
        let p = sim.world().find(scenario).expect("premises");
        let r = http
            .post(
                POQ,
                &poq_address(
                    p.openreach_key().expect("key"),
                    p.district_code().expect("district"),
                ),
            )
            .await;
        let item = &r.body["productOfferingQualificationItem"][0];
        assert_eq!(
            char_of(item, "AccessTechnology").as_deref(),
            Some("FTTP"),
            "{scenario:?}"
        );
        assert_eq!(
            char_of(item, "ONTType").as_deref(),
            Some(ont),
            "{scenario:?}"
        );
        assert_eq!(
            char_of(item, "ONTPortAvailable").as_deref(),
            Some(port),
            "{scenario:?}"
        );
        assert_eq!(
            char_of(item, "ManagedInstallRequired").as_deref(),
            Some(managed),
            "{scenario:?}"
        );
    }
}

#[tokio::test]
async fn address_based_poq_other_branches() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let ask = |s: Scenario| {
        let p = sim.world().find(s).expect("premises");
        poq_address(
            p.openreach_key().expect("key"),
            p.district_code().expect("district"),
        )
    };
    let sogea = http.post(POQ, &ask(Scenario::SogeaOnly)).await;
    assert!(
        offerings(&sogea).iter().all(|o| o.starts_with("SOGEA")),
        "{}",
        sogea.text
    );
    let adsl = http.post(POQ, &ask(Scenario::AdslOnly)).await;
    assert!(
        !offerings(&adsl).is_empty() && offerings(&adsl).iter().all(|o| o.starts_with("SOADSL")),
        "{}",
        adsl.text
    );
    let nothing = http.post(POQ, &ask(Scenario::Nothing)).await;
    assert_eq!(nothing.status, 200);
    assert!(offerings(&nothing).is_empty(), "{}", nothing.text);

    // Unavailable offerings and reasons on request.
    let mut body = ask(Scenario::SogeaOnly);
    body["provideOnlyAvailable"] = json!(false);
    body["provideUnavailabilityReason"] = json!(true);
    let all = http.post(POQ, &body).await;
    let fttp = all.body["productOfferingQualificationItem"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["product"]["productOffering"]["id"] == "FTTP 160_30M")
        .expect("FTTP listed")
        .clone();
    assert_eq!(fttp["qualificationItemResult"], "unqualified");
    assert_eq!(char_of(&fttp, "AVAILABILITY_FLAG").as_deref(), Some("N"));
    assert_eq!(
        fttp["eligibilityUnavailabilityReason"][0]["cause"],
        "FTTP is not available at this premises"
    );

    // UPRN form.
    let p = sim.world().find(Scenario::FttpNewOnt).expect("premises");
    let mut by_uprn = poq_address("x", "LS");
    by_uprn["productOfferingQualificationItem"][0]["product"]["place"] =
        json!([{"id": p.uprn, "role": "install address", "@referredType": "UPRN"}]);
    let r = http.post(POQ, &by_uprn).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        char_of(
            &r.body["productOfferingQualificationItem"][0],
            "AccessTechnology"
        )
        .as_deref(),
        Some("FTTP")
    );
}

#[tokio::test]
async fn line_based_poq_reports_the_migration() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let mut body = poq_address("x", "LS");
    body["productOfferingQualificationItem"][0]["product"] = json!({
        "@type": "Product",
        "productOffering": {"id": "BroadbandOne", "@referredType": "btProductOfferingFamily"},
        "productCharacteristic": [{"name": "DirectoryNumber", "value": "02079460034"}]
    });
    let r = http.post(POQ, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sogea = r.body["productOfferingQualificationItem"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["product"]["productOffering"]["id"] == "SOGEA 80_20M")
        .expect("SOGEA offered")
        .clone();
    assert_eq!(
        char_of(&sogea, "MigrationScenario").as_deref(),
        Some("BTW ADSL to BTW SoGEA")
    );
    assert_eq!(
        char_of(&sogea, "DirectoryNumber").as_deref(),
        Some("02079460034")
    );

    body["productOfferingQualificationItem"][0]["product"]["productCharacteristic"] =
        json!([{"name": "AccessLineId", "value": "ALID0001234567"}]);
    let r = http.post(POQ, &body).await;
    let first = &r.body["productOfferingQualificationItem"][0];
    assert_eq!(
        char_of(first, "AccessLineId").as_deref(),
        Some("ALID0001234567")
    );
    assert_eq!(
        char_of(first, "MigrationScenario").as_deref(),
        Some("BTW SoGEA to BTW FTTP")
    );

    body["productOfferingQualificationItem"][0]["product"]["productCharacteristic"] =
        json!([{"name": "DirectoryNumber", "value": "09999999999"}]);
    http.post(POQ, &body).await.expect(404, "60");
}

#[tokio::test]
async fn poq_errors_name_the_field() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let r = http
        .post(POQ, &json!({"@type": "btProductOfferingQualification"}))
        .await;
    r.expect(400, "23");
    assert!(r.text.contains("productOfferingQualificationItem"));
    let r = http
        .post(POQ, &json!({"productOfferingQualificationItem": []}))
        .await;
    r.expect(400, "23");
    http.post(POQ, &poq_address("A99999999999", "LS"))
        .await
        .expect(404, "60");
    let r = http.post(POQ, &poq_address("B123", "LS")).await;
    r.expect(400, "24");
    assert!(r.text.contains("place[0].id"));
    let r = http.post(POQ, &poq_address("A15113070302", "EA")).await;
    r.expect(400, "24");
    assert!(r.text.contains("districtId"));
    let mut neither = poq_address("x", "LS");
    neither["productOfferingQualificationItem"][0]["product"]["place"] = json!([]);
    http.post(POQ, &neither).await.expect(400, "23");
    let mut bad_type = poq_address("A15113070302", "LS");
    bad_type["provideOnlyAvailable"] = json!("yes");
    let r = http.post(POQ, &bad_type).await;
    r.expect(400, "24");
    assert!(r.text.contains("provideOnlyAvailable"));
}

#[tokio::test]
async fn line_availability_per_premises() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let r = http
        .get(&format!("{LINE}?districtCode=LS&NAD=A99923776374"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let working = &r.body["ListOfWorkingLine"]["WorkingLine"][0];
    assert_eq!(working["AccessLineId"], "ALID0001234567");
    assert_eq!(working["ProductType"], "SOGEA");
    assert_eq!(working["PendingCeaseOrderIndicator"], "N");
    assert_eq!(r.body["ListOfStoppedLine"]["StoppedLine"], json!([]));
    assert_eq!(r.body["SparePairCount"], 2);

    let get = |s: Scenario| {
        let p = sim.world().find(s).expect("premises");
        format!(
            "{LINE}?districtCode={}&NAD={}",
            p.district_code().expect("district"),
            p.openreach_key().expect("key")
        )
    };
    let stopped = http.get(&get(Scenario::StoppedLine)).await;
    assert_eq!(
        stopped.body["ListOfStoppedLine"]["StoppedLine"][0]["LineStatus"],
        "Stopped"
    );
    assert!(stopped.body["ListOfStoppedLine"]["StoppedLine"][0]["StoppedDate"].is_string());
    let cease = http.get(&get(Scenario::PendingCease)).await;
    assert_eq!(
        cease.body["ListOfWorkingLine"]["WorkingLine"][0]["PendingCeaseOrderIndicator"],
        "Y"
    );
    let ont = http.get(&get(Scenario::FttpExistingOntFreePort)).await;
    let ports = &ont.body["ListOfONT"]["ONT"][0]["ListOfPort"]["Port"];
    assert_eq!(ports[1]["PortStatus"], "Spare", "{}", ont.text);
    let full = http.get(&get(Scenario::FttpNoFreePort)).await;
    assert_eq!(
        full.body["ListOfONT"]["ONT"][0]["ListOfPort"]["Port"][1]["PortStatus"],
        "Active"
    );

    http.get(&format!("{LINE}?NAD=A99923776374"))
        .await
        .expect(400, "27");
    http.get(&format!("{LINE}?districtCode=LS"))
        .await
        .expect(400, "27");
    http.get(&format!("{LINE}?districtCode=lsx&NAD=A99923776374"))
        .await
        .expect(400, "28");
    http.get(&format!("{LINE}?districtCode=LS&NAD=R09598326361"))
        .await
        .expect(400, "28");
    http.get(&format!("{LINE}?districtCode=LS&NAD=A11111111111"))
        .await
        .expect(404, "60");
    let mismatch = http
        .get(&format!("{LINE}?districtCode=EA&NAD=A99923776374"))
        .await;
    mismatch.expect(400, "28");
    assert!(mismatch.text.contains("districtCode"));
}
