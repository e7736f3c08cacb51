//! A scripted BT stand-in for the facade's tests: per route, replies are served in order and the
//! last one repeats; every request is recorded; the token endpoint counts what it issues.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use broadband_one::{Account, Hub, HubConfig, RetryPolicy};
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub delay: Duration,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply { status, body: body.to_string(), content_type: "application/json", delay: Duration::ZERO, headers: vec![] }
    }
    pub fn empty(status: u16) -> Self {
        Reply { status, body: String::new(), content_type: "application/json", delay: Duration::ZERO, headers: vec![] }
    }
    pub fn text(status: u16, body: &str) -> Self {
        Reply { status, body: body.to_string(), content_type: "text/html", delay: Duration::ZERO, headers: vec![] }
    }
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<(String, String), VecDeque<Reply>>>,
    requests: Mutex<Vec<Recorded>>,
    tokens_issued: AtomicUsize,
    token_down: AtomicBool,
    token_lifetime: Mutex<Option<u64>>,
}

pub const TOKEN_PATH: &str = "/oauth/accesstoken";

pub struct Bt {
    pub base: String,
    state: Arc<State>,
}

impl Bt {
    pub async fn start() -> Bt {
        let state = Arc::new(State::default());
        let app = axum::Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Bt { base, state }
    }

    /// Replies for `method path`, served in order; the last repeats.
    pub fn on(&self, method: &str, path: &str, replies: Vec<Reply>) {
        self.state.routes.lock().expect("lock").insert((method.to_string(), path.to_string()), replies.into());
    }

    pub fn token_down(&self, down: bool) {
        self.state.token_down.store(down, Ordering::SeqCst);
    }

    pub fn token_lifetime(&self, seconds: u64) {
        *self.state.token_lifetime.lock().expect("lock") = Some(seconds);
    }

    pub fn tokens_issued(&self) -> usize {
        self.state.tokens_issued.load(Ordering::SeqCst)
    }

    /// Requests to `path` (token requests excluded unless asked for).
    pub fn requests(&self, path: &str) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").iter().filter(|r| r.path == path).cloned().collect()
    }

    pub fn all_requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").iter().filter(|r| r.path != TOKEN_PATH).cloned().collect()
    }

    pub fn config(&self) -> HubConfig {
        let account = Account { cug_id: "CUG5023769999".into(), reseller_id: "ZYX".into(), billing_account: "0455123456".into() };
        let mut config = HubConfig::new(bt_core::Environment::Custom(self.base.clone()), "test-client", "test-secret-value", account);
        config.retry = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            max_elapsed: Duration::from_secs(5),
        };
        config.request_timeout = Duration::from_millis(1500);
        config.catalogue = config
            .catalogue
            .clone()
            .with_access("FTTP 500_75M", "E0000500")
            .with_access("SOGEA 80_20M", "E0000080")
            .with_access("FTTP 900_110M", "E0000900");
        config
    }

    pub fn hub(&self) -> Hub {
        Hub::new(self.config()).expect("hub")
    }
}

async fn handle(axum::extract::State(state): axum::extract::State<Arc<State>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_string();
    state.requests.lock().expect("lock").push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        query: uri.query().unwrap_or("").to_string(),
        headers: headers.clone(),
        body: body.to_vec(),
    });
    if path == TOKEN_PATH {
        if state.token_down.load(Ordering::SeqCst) {
            return (StatusCode::SERVICE_UNAVAILABLE, "<html>down</html>").into_response();
        }
        let n = state.tokens_issued.fetch_add(1, Ordering::SeqCst) + 1;
        let lifetime = state.token_lifetime.lock().expect("lock").unwrap_or(3599);
        let body = serde_json::json!({ "access_token": format!("tok-{n}"), "token_type": "BearerToken", "expires_in": lifetime.to_string() });
        return ([("content-type", "application/json")], body.to_string()).into_response();
    }
    let reply = {
        let mut routes = state.routes.lock().expect("lock");
        match routes.get_mut(&(method.to_string(), path.clone())) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
    };
    let reply = reply.unwrap_or_else(|| Reply::json(404, serde_json::json!({ "code": "60", "message": format!("no route {method} {path}") })));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (StatusCode::from_u16(reply.status).expect("status"), reply.body).into_response();
    if let Ok(v) = reply.content_type.parse() {
        response.headers_mut().insert("content-type", v);
    }
    for (name, value) in reply.headers {
        if let Ok(v) = value.parse() {
            response.headers_mut().insert(name, v);
        }
    }
    response
}

pub const ADDRESS: &str = "/common/geographicAddressManagement/v1/geographicAddress";
pub const POQ: &str = "/hubco/tmf/productOfferingQualification/v4/productOfferingQualification";
pub const LINES: &str = "/common/v1/line-availability/line";
pub const SLOTS: &str = "/common/appointmentManagement/v4/searchTimeSlot";
pub const RESERVE: &str = "/common/appointmentManagement/v4/appointment";
pub const ORDERS: &str = "/hubco/tmf/productOrderingManagement/v4/productOrder";
pub const CANCEL: &str = "/hubco/tmf/productOrderingManagement/v4/cancelProductOrder";
pub const INVENTORY: &str = "/hubco/tmf/productInventory/v4/product";

/// BT's fuzzy-match answer for 81 Nightingale Lane: a Gold Openreach record paired with RoBT.
pub fn gold_paired() -> Value {
    serde_json::json!([
        { "id": "A15104646284", "matchedId": "R09598326361", "addressMatch": true, "addressSource": "Openreach", "qualifier": "Gold",
          "districtCode": "LS", "uprn": "10091846447", "streetNr": "81", "streetName": "Nightingale Lane", "postcode": "SW12 8NX", "city": "London" },
        { "id": "R09598326361", "addressSource": "ROBT", "qualifier": "Gold", "districtCode": "LS", "streetNr": "81",
          "streetName": "Nightingale Lane", "postcode": "SW12 8NX", "city": "London" }
    ])
}

pub fn offer(name: &str, tech: &str, managed: bool) -> Value {
    let mut chars = vec![
        serde_json::json!({ "name": "AccessTechnology", "value": tech }),
        serde_json::json!({ "name": "productAdvertisedDownloadSpeed", "value": name.split(' ').nth(1).and_then(|s| s.split('_').next()).unwrap_or("0") }),
        serde_json::json!({ "name": "productMinimumGuaranteedSpeed", "value": "130" }),
        serde_json::json!({ "name": "AVAILABILITY_FLAG", "value": "Y" }),
        serde_json::json!({ "name": "ManagedInstallRequired", "value": if managed { "Y" } else { "N" } }),
    ];
    if tech == "FTTP" {
        chars.push(serde_json::json!({ "name": "ONTType", "value": if managed { "New ONT" } else { "Existing ONT" } }));
    }
    serde_json::json!({ "id": "1", "state": "done", "product": { "productOffering": { "id": name, "name": name }, "productCharacteristic": chars } })
}

pub fn poq(offers: Vec<Value>) -> Value {
    serde_json::json!({ "id": "q1", "state": "done", "productOfferingQualificationItem": offers })
}
