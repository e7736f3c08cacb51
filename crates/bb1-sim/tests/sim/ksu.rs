//! KSU delivery against a tiny listener that serves BT's customer side: a client-credentials
//! token endpoint and the event listener, checking the bearer token it issued.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use bb1_sim::{Clock, Faults, KsuOutcome, KsuRetry, Scenario, Simulator};
use serde_json::{Value, json};

use crate::common::*;

#[derive(Default)]
struct Listener {
    tokens_issued: usize,
    events: Vec<Value>,
    rejected_auth: usize,
    failures_left: usize,
}

type Shared = Arc<Mutex<Listener>>;

const TOKEN: &str = "listener-token-1";

async fn token(State(s): State<Shared>, headers: HeaderMap, body: String) -> impl IntoResponse {
    // "ksu-id:ksu-secret" in Basic.
    let ok = headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some("Basic a3N1LWlkOmtzdS1zZWNyZXQ=");
    if !ok || !body.contains("grant_type=client_credentials") {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"code": "41"}))).into_response();
    }
    s.lock().expect("lock").tokens_issued += 1;
    axum::Json(json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3599}))
        .into_response()
}

async fn listen(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: axum::Json<Value>,
) -> impl IntoResponse {
    let mut s = s.lock().expect("lock");
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        s.rejected_auth += 1;
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"code": "InvalidToken"})),
        )
            .into_response();
    }
    if s.failures_left > 0 {
        s.failures_left -= 1;
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"code": "05"})),
        )
            .into_response();
    }
    let id = body["eventId"].clone();
    s.events.push(body.0);
    axum::Json(json!({"eventId": id, "status": "accepted"})).into_response()
}

async fn start_listener(failures: usize) -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Listener {
        failures_left: failures,
        ..Listener::default()
    }));
    let app = Router::new()
        .route("/oauth/accesstoken", post(token))
        .route("/listener/productOrderEvent", post(listen))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, shared)
}

fn fast_retry() -> KsuRetry {
    KsuRetry {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    }
}

#[tokio::test]
async fn events_are_delivered_with_auth_and_retried() {
    let (url, listener) = start_listener(1).await;
    let sim = Simulator::builder()
        .seed(5)
        .clock(Clock::Stepped)
        .callback(&url, "ksu-id", "ksu-secret")
        .ksu_retry(fast_retry())
        .start()
        .await
        .expect("start");
    let http = Http::new(&sim).await;
    let p = sim
        .world()
        .find(Scenario::FttpExistingOntFreePort)
        .expect("premises")
        .clone();
    assert_eq!(
        http.post(ORDER, &provide("KSU-1", &p, "E0000160", None))
            .await
            .status,
        202
    );
    while sim.step().await.is_some() {}
    assert!(
        sim.ksu_idle(Duration::from_secs(10)).await,
        "deliveries finished"
    );

    let l = listener.lock().expect("lock");
    assert_eq!(l.tokens_issued, 1, "token cached between deliveries");
    assert_eq!(l.rejected_auth, 0);
    let types: Vec<&str> = l
        .events
        .iter()
        .map(|e| e["eventType"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(types[0], "ProductOrderCreateEvent");
    assert!(
        types[1..]
            .iter()
            .all(|t| *t == "ProductOrderStateChangeEvent")
    );
    assert_eq!(l.events.len(), 4);
    let first = &l.events[0]["event"]["productOrder"];
    assert_eq!(first["externalId"], "KSU-1");
    assert_eq!(first["state"], "acknowledged");
    assert_eq!(first["productOrderItem"][0]["subStatus"], "acknowledged");
    assert!(first["id"].as_str().is_some_and(|id| id.len() == 8));
    let last = &l.events[3]["event"]["productOrder"];
    assert_eq!(last["state"], "completed");
    assert!(
        last["productOrderItem"][0]["product"]["customerFacingServiceId"]["value"]
            .as_str()
            .is_some_and(|s| s.starts_with("BBONE"))
    );
    let mut ids: Vec<&str> = l
        .events
        .iter()
        .map(|e| e["eventId"].as_str().unwrap_or(""))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "unique event ids");
    drop(l);

    let attempts = sim.ksu_attempts();
    assert_eq!(attempts.len(), 5, "{attempts:?}");
    assert_eq!(
        (
            attempts[0].attempt,
            attempts[0].status,
            attempts[0].delivered
        ),
        (1, Some(503), false)
    );
    assert_eq!(
        (
            attempts[1].attempt,
            attempts[1].status,
            attempts[1].delivered
        ),
        (2, Some(200), true)
    );
    assert_eq!(attempts[0].event_id, attempts[1].event_id);
    let records = sim.ksu_events();
    assert_eq!(records[0].attempts, 2);
    assert!(records.iter().all(|r| r.outcome == KsuOutcome::Delivered));
}

#[tokio::test]
async fn undeliverable_events_give_up_after_bounded_attempts() {
    let (url, _listener) = start_listener(100).await;
    let sim = Simulator::builder()
        .seed(5)
        .clock(Clock::Stepped)
        .callback(&url, "ksu-id", "ksu-secret")
        .ksu_retry(fast_retry())
        .start()
        .await
        .expect("start");
    let http = Http::new(&sim).await;
    let p = sim
        .world()
        .find(Scenario::FttpExistingOntFreePort)
        .expect("premises")
        .clone();
    assert_eq!(
        http.post(ORDER, &provide("KSU-2", &p, "E0000160", None))
            .await
            .status,
        202
    );
    assert!(sim.ksu_idle(Duration::from_secs(10)).await);
    let records = sim.ksu_events();
    assert_eq!(records[0].outcome, KsuOutcome::Failed);
    assert_eq!(records[0].attempts, 4);
    assert_eq!(sim.ksu_attempts().len(), 4);

    // Wrong listener credentials: the token request fails and is recorded as such.
    let (url, _l) = start_listener(0).await;
    let sim = Simulator::builder()
        .clock(Clock::Stepped)
        .callback(&url, "ksu-id", "wrong")
        .ksu_retry(KsuRetry {
            max_attempts: 2,
            ..fast_retry()
        })
        .start()
        .await
        .expect("start");
    let http = Http::new(&sim).await;
    assert_eq!(
        http.post(ORDER, &provide("KSU-3", &p, "E0000160", None))
            .await
            .status,
        202
    );
    assert!(sim.ksu_idle(Duration::from_secs(10)).await);
    let a = sim.ksu_attempts();
    assert_eq!(a.len(), 2);
    assert!(
        a[0].error.as_deref().is_some_and(|e| e.contains("token")),
        "{a:?}"
    );
}

#[tokio::test]
async fn duplicate_and_reordered_delivery_faults() {
    let (url, listener) = start_listener(0).await;
    let sim = Simulator::builder()
        .seed(9)
        .clock(Clock::Stepped)
        .callback(&url, "ksu-id", "ksu-secret")
        .ksu_retry(fast_retry())
        .faults(Faults {
            ksu_duplicate: 1.0,
            ..Faults::default()
        })
        .start()
        .await
        .expect("start");
    let http = Http::new(&sim).await;
    let p = sim
        .world()
        .find(Scenario::FttpExistingOntFreePort)
        .expect("premises")
        .clone();
    assert_eq!(
        http.post(ORDER, &provide("KSU-4", &p, "E0000160", None))
            .await
            .status,
        202
    );
    assert!(sim.ksu_idle(Duration::from_secs(10)).await);
    {
        let l = listener.lock().expect("lock");
        assert_eq!(l.events.len(), 2);
        assert_eq!(l.events[0]["eventId"], l.events[1]["eventId"]);
    }
    assert!(sim.ksu_attempts()[1].duplicate);

    let (url, listener) = start_listener(0).await;
    let sim = Simulator::builder()
        .seed(9)
        .clock(Clock::Stepped)
        .callback(&url, "ksu-id", "ksu-secret")
        .ksu_retry(fast_retry())
        .faults(Faults {
            ksu_reorder: 1.0,
            ..Faults::default()
        })
        .start()
        .await
        .expect("start");
    let http = Http::new(&sim).await;
    assert_eq!(
        http.post(ORDER, &provide("KSU-5", &p, "E0000160", None))
            .await
            .status,
        202
    );
    sim.advance(Duration::from_secs(600)).await;
    assert!(sim.ksu_idle(Duration::from_secs(10)).await);
    let l = listener.lock().expect("lock");
    let types: Vec<&str> = l
        .events
        .iter()
        .map(|e| e["eventType"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        vec!["ProductOrderStateChangeEvent", "ProductOrderCreateEvent"],
        "held back and sent second"
    );
}

#[tokio::test]
async fn fast_clock_completes_a_provide_in_seconds() {
    let (url, listener) = start_listener(0).await;
    let sim = Simulator::builder()
        .seed(5)
        .clock(Clock::Fast)
        .callback(&url, "ksu-id", "ksu-secret")
        .ksu_retry(fast_retry())
        .start()
        .await
        .expect("start");
    let http = Http::new(&sim).await;
    let p = sim
        .world()
        .find(Scenario::FttpExistingOntFreePort)
        .expect("premises")
        .clone();
    assert_eq!(
        http.post(ORDER, &provide("FAST-1", &p, "E0000160", None))
            .await
            .status,
        202
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let state = order_by_external(&http, "FAST-1").await["state"].clone();
        if state == "completed" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not completed in time: {state}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(sim.ksu_idle(Duration::from_secs(5)).await);
    assert_eq!(listener.lock().expect("lock").events.len(), 4);
    sim.shutdown().await;
}
