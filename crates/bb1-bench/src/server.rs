//! A fixed-answer BT stand-in on its own OS thread, so its CPU is not the client's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::routing::{get, post};

/// The server's core; the client benchmark runs its client on [`CLIENT_CPU`].
pub const SERVER_CPU: usize = 1;
pub const CLIENT_CPU: usize = 0;

pub struct FixedServer {
    pub base: String,
    pub token_requests: Arc<AtomicU64>,
}

/// BT's fuzzy-match answer for 81 Nightingale Lane, as the benchmark's response body.
pub fn address_body() -> String {
    serde_json::json!([
        { "id": "A15104646284", "matchedId": "R09598326361", "addressMatch": true, "addressSource": "Openreach", "qualifier": "Gold",
          "districtCode": "LS", "exchangeGroupCode": "CLPM", "uprn": "10091846447", "parentUPRN": "121053761", "streetNr": "81",
          "streetName": "Nightingale Lane", "postcode": "SW12 8NX", "city": "London", "@type": "BtGeographicAddress",
          "geographicSubAddress": [{ "@type": "BtGeographicSubAddress" }],
          "siteReference": { "siteClassificationCode": "OR04",
            "listOfTechnology": { "technology": [{ "technologyName": "FTTPBrownfield", "technologyValue": "Y" }, { "technologyName": "Copper", "technologyValue": "Y" }] },
            "listOfTechnologyRestriction": { "technologyRestriction": [{ "technologyRestrictionName": "FTTPBrownfield", "technologyRestrictionValue": "U" }] } } },
        { "id": "R09598326361", "addressSource": "ROBT", "qualifier": "Gold", "districtCode": "LS", "streetNr": "81", "streetName": "Nightingale Lane",
          "postcode": "SW12 8NX", "city": "London", "bestAddressLine1": "81 Nightingale Lane", "bestAddressLine2": "London", "@type": "BtGeographicAddress" }
    ])
    .to_string()
}

pub fn start() -> FixedServer {
    let token_requests = Arc::new(AtomicU64::new(0));
    let counter = token_requests.clone();
    let body = Arc::new(address_body());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        crate::cpu::pin_current_thread(SERVER_CPU);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .on_thread_start(|| crate::cpu::pin_current_thread(SERVER_CPU))
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let app = Router::new()
                .route(
                    "/common/geographicAddressManagement/v1/geographicAddress",
                    get(move || {
                        let body = body.clone();
                        async move { ([("content-type", "application/json")], body.as_str().to_owned()) }
                    }),
                )
                .route(
                    "/oauth/accesstoken",
                    post(move || {
                        let n = counter.fetch_add(1, Ordering::SeqCst);
                        async move {
                            // A little work, so concurrent callers really overlap a token fetch.
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                            ([("content-type", "application/json")], format!(r#"{{"access_token":"tok-{n}","expires_in":3599}}"#))
                        }
                    }),
                )
                .route("/hubco/tmf/productInventory/v4/product", get(|| async { ([("content-type", "application/json")], "[]") }));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let _ = tx.send(format!("http://{}", listener.local_addr().expect("addr")));
            let _ = axum::serve(listener, app).await;
        });
    });
    let base = rx.recv().expect("server started");
    FixedServer { base, token_requests }
}
