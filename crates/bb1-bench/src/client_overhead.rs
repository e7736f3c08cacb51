//! Benchmark 1, CPU per address search: the generated client under the facade runtime vs a hand-written
//! reqwest call that sends the same request and parses the same JSON into the same types.

use std::time::Duration;

use broadband_one::{AddressQuery, Hub};

use crate::cpu::thread_cpu;
use crate::report::Figure;
use crate::{config_for, server};

const CALLS: usize = 20_000;
const ROUNDS: usize = 4;

pub fn run() -> Vec<Figure> {
    let server = server::start();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let (generated, handwritten, bare) = runtime.block_on(async {
        let hub = Hub::new(config_for(&server.base)).expect("hub");
        let http = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
        let url = format!("{}/common/geographicAddressManagement/v1/geographicAddress", server.base);
        let query = AddressQuery::postcode("SW12 8NX").street_nr("81");
        // Warm both paths: connections, token, allocator.
        for _ in 0..500 {
            hub.search_addresses(&query).await.expect("search");
            handwritten_search(&http, &url).await;
        }
        let bare_client = bt_address::Client::new_with_client(&format!("{}/common", server.base), http.clone(), bt_core::Ctx::new().with_bearer_token("tok-0"));
        for _ in 0..500 {
            bare_search(&bare_client).await;
        }
        let (mut generated, mut handwritten, mut bare) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        // Alternate in rounds so drift on a noisy machine hits both sides alike.
        for _ in 0..ROUNDS {
            let t = thread_cpu();
            for _ in 0..CALLS / ROUNDS {
                hub.search_addresses(&query).await.expect("search");
            }
            generated += thread_cpu() - t;
            let t = thread_cpu();
            for _ in 0..CALLS / ROUNDS {
                handwritten_search(&http, &url).await;
            }
            handwritten += thread_cpu() - t;
            let t = thread_cpu();
            for _ in 0..CALLS / ROUNDS {
                bare_search(&bare_client).await;
            }
            bare += thread_cpu() - t;
        }
        (generated, handwritten, bare)
    });
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / CALLS as f64;
    let ratio = generated.as_secs_f64() / handwritten.as_secs_f64().max(1e-9);
    let bare_ratio = bare.as_secs_f64() / handwritten.as_secs_f64().max(1e-9);
    vec![Figure::ratio(
        "generated client alone",
        format!("the generated client with bt-core's hooks only (static token, no facade runtime): {:.1} µs CPU/call", per_call(bare)),
        bare_ratio,
        "(context)",
        true,
    ), Figure::ratio(
        "client overhead",
        format!("{CALLS} address searches: generated client + runtime {:.1} µs CPU/call, hand-written reqwest {:.1} µs CPU/call", per_call(generated), per_call(handwritten)),
        ratio,
        "≤ 1.10",
        ratio <= 1.10,
    )]
}

async fn bare_search(client: &bt_address::Client) {
    let records = client
        .get_geographic_address()
        .postcode("SW12 8NX")
        .street_nr("81")
        .is_fuzzy_match(true)
        .is_site_classification_required(true)
        .is_techonology_markers_required(true)
        .send()
        .await
        .expect("search");
    std::hint::black_box(records);
}

async fn handwritten_search(http: &reqwest::Client, url: &str) {
    let response = http
        .get(url)
        .query(&[("isFuzzyMatch", "true"), ("isSiteClassificationRequired", "true"), ("isTechonologyMarkersRequired", "true"), ("postcode", "SW12 8NX"), ("streetNr", "81")])
        .header("authorization", "Bearer tok-0")
        .header("APIGW-Tracking-Header", uuid::Uuid::new_v4().to_string())
        .send()
        .await
        .expect("send");
    let records: Vec<bt_address::types::GeographicAddress> = response.json().await.expect("parse");
    std::hint::black_box(records);
}
