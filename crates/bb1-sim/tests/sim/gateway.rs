//! The gateway behaviour every endpoint shares: unknown paths, methods, media types, headers,
//! and fault injection.

use std::time::{Duration, Instant};

use bb1_sim::{Clock, Faults, Simulator};
use reqwest::Method;

use crate::common::*;

#[tokio::test]
async fn unknown_path_method_media_type_and_body_errors() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    http.get("/common/nothing/here").await.expect(404, "60");
    http.get("/hubco/tmf/productOrderingManagement/v4/cancelProductOrder")
        .await
        .expect(405, "61");
    http.send(Method::DELETE, ADDRESS, None, &[])
        .await
        .expect(405, "61");
    http.send(Method::GET, "/oauth/accesstoken", None, &[])
        .await
        .expect(405, "61");

    // Wrong content type on a JSON POST.
    let r = reqwest::Client::new()
        .post(format!("{}{POQ}", sim.base_url()))
        .bearer_auth(&http.token)
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 415);
    assert_eq!(
        r.json::<serde_json::Value>().await.expect("json")["code"],
        "68"
    );

    // Empty body → 21; not JSON → 24.
    let raw = |body: &'static str| {
        reqwest::Client::new()
            .post(format!("{}{POQ}", sim.base_url()))
            .bearer_auth(&http.token)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(
        raw("")
            .await
            .expect("sent")
            .json::<serde_json::Value>()
            .await
            .expect("json")["code"],
        "21"
    );
    let not_json = raw("{not json").await.expect("sent");
    assert_eq!(not_json.status(), 400);
    assert_eq!(
        not_json.json::<serde_json::Value>().await.expect("json")["code"],
        "24"
    );
}

#[tokio::test]
async fn tracking_and_product_family_headers_are_validated() {
    let sim = stepped(1).await;
    let http = Http::new(&sim).await;
    let path = format!("{ADDRESS}?postcode=SW12%208NX");
    http.send(
        Method::GET,
        &path,
        None,
        &[("APIGW-Tracking-Header", "has spaces!")],
    )
    .await
    .expect(400, "26");
    assert_eq!(
        http.send(
            Method::GET,
            &path,
            None,
            &[("APIGW-Tracking-Header", "abc-123.x")]
        )
        .await
        .status,
        200
    );

    let body = slot_search(
        slot_entity(Some("A15104646284"), &[("AccessTechnology", "FTTP")]),
        "2026-06-01T09:00:00Z",
    );
    let missing = http
        .send(Method::POST, SEARCH_SLOTS, Some(&body), &[])
        .await;
    missing.expect(400, "25");
    assert!(missing.text.contains("productFamily"));
    http.send(
        Method::POST,
        SEARCH_SLOTS,
        Some(&body),
        &[("productFamily", "Mobile")],
    )
    .await
    .expect(400, "26");
    assert_eq!(
        http.send(
            Method::POST,
            SEARCH_SLOTS,
            Some(&body),
            &[("productFamily", "BB1Hub")]
        )
        .await
        .status,
        201
    );
    http.send(Method::GET, &format!("{ORDER}?externalId=x"), None, &[])
        .await
        .expect(400, "25");
}

async fn with_faults(faults: Faults) -> (Simulator, Http) {
    let sim = Simulator::builder()
        .seed(3)
        .clock(Clock::Stepped)
        .faults(faults)
        .start()
        .await
        .expect("start");
    // Faults come before authentication, so no token is needed to see them.
    let http = Http::with_token(sim.base_url(), "");
    (sim, http)
}

#[tokio::test]
async fn injected_failures_use_bt_codes() {
    for (faults, status, code) in [
        (
            Faults {
                fail_429: 1.0,
                ..Faults::default()
            },
            429,
            "53",
        ),
        (
            Faults {
                fail_503: 1.0,
                ..Faults::default()
            },
            503,
            "05",
        ),
        (
            Faults {
                fail_504: 1.0,
                ..Faults::default()
            },
            504,
            "69",
        ),
    ] {
        let (_sim, http) = with_faults(faults).await;
        let r = http.send(Method::GET, ADDRESS, None, &[]).await;
        r.expect(status, code);
        if status == 429 {
            assert_eq!(r.header("retry-after"), "1");
        }
    }
}

#[tokio::test]
async fn dropped_connections_and_latency() {
    let (sim, _) = with_faults(Faults {
        drop: 1.0,
        ..Faults::default()
    })
    .await;
    let r = reqwest::Client::new()
        .get(format!("{}{ADDRESS}", sim.base_url()))
        .send()
        .await;
    assert!(r.is_err(), "connection should have been dropped: {r:?}");

    let (sim, _) = with_faults(Faults {
        latency_ms: 150,
        ..Faults::default()
    })
    .await;
    let started = Instant::now();
    let r = reqwest::Client::new()
        .get(format!("{}{ADDRESS}", sim.base_url()))
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 401);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn fault_decisions_follow_the_seed() {
    let pattern = |seed: u64| async move {
        let sim = Simulator::builder()
            .seed(seed)
            .clock(Clock::Stepped)
            .faults(Faults {
                fail_503: 0.5,
                ..Faults::default()
            })
            .start()
            .await
            .expect("start");
        let c = reqwest::Client::new();
        let mut statuses = Vec::new();
        for _ in 0..24 {
            statuses.push(
                c.get(format!("{}{ADDRESS}", sim.base_url()))
                    .send()
                    .await
                    .expect("sent")
                    .status()
                    .as_u16(),
            );
        }
        statuses
    };
    let a = pattern(11).await;
    assert_eq!(a, pattern(11).await);
    assert!(a.contains(&503) && a.contains(&401), "{a:?}");
}
