//! Benchmark 1, CPU per address search: the generated client under the facade runtime vs a
//! hand-written reqwest call that sends the same request and parses the same JSON into the same
//! types, both on one `reqwest::Client` (one connection pool, one set of timeouts).
//!
//! Two context rows sit beside it: the generated client with no runtime at all (a static token),
//! and the journey function `Hub::search_addresses`, which also turns BT's records into the
//! facade's `AddressRecord`s.

use std::time::Duration;

use broadband_one::{AddressQuery, Hub};

use crate::cpu::thread_cpu;
use crate::report::Figure;
use crate::{config_for, server};

const CALLS: usize = 20_000;
/// The calls are reported in this many blocks, to show the spread within one run.
const BLOCKS: usize = 10;
const WARM_UP: usize = 500;

#[derive(Clone, Copy)]
enum Variant {
    HandWritten,
    GeneratedWithRuntime,
    JourneyFunction,
    GeneratedAlone,
}

const VARIANTS: [Variant; 4] = [Variant::HandWritten, Variant::GeneratedWithRuntime, Variant::JourneyFunction, Variant::GeneratedAlone];

struct Clients {
    hub: Hub,
    http: reqwest::Client,
    url: String,
    alone: bt_address::Client,
    query: AddressQuery,
}

impl Clients {
    async fn search(&self, variant: Variant) {
        match variant {
            Variant::HandWritten => handwritten_search(&self.http, &self.url).await,
            Variant::GeneratedWithRuntime => generated_search(self.hub.address()).await,
            Variant::JourneyFunction => {
                let records = self.hub.search_addresses(&self.query).await.expect("search");
                std::hint::black_box(records);
            }
            Variant::GeneratedAlone => generated_search(&self.alone).await,
        }
    }
}

impl Clients {
    fn new(base: &str) -> Clients {
        let config = config_for(base);
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .expect("client");
        Clients {
            alone: bt_address::Client::new_with_client(&format!("{base}/common"), http.clone(), bt_core::Ctx::new().with_bearer_token("tok-0")),
            hub: Hub::with_http_client(config, http.clone()).expect("hub"),
            http,
            url: format!("{base}/common/geographicAddressManagement/v1/geographicAddress"),
            query: AddressQuery::postcode("SW12 8NX").street_nr("81"),
        }
    }
}

/// Runs one variant `calls` times, untimed, for a profiler (`valgrind --tool=callgrind`, `perf`):
/// `bb1-bench profile-client hand|runtime|journey|alone [CALLS]`.
pub fn profile(variant: &str, calls: usize) -> Result<(), String> {
    let variant = match variant {
        "hand" => Variant::HandWritten,
        "runtime" => Variant::GeneratedWithRuntime,
        "journey" => Variant::JourneyFunction,
        "alone" => Variant::GeneratedAlone,
        other => return Err(format!("unknown variant `{other}`; use hand, runtime, journey or alone")),
    };
    let server = server::start();
    crate::cpu::pin_current_thread(server::CLIENT_CPU);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let clients = Clients::new(&server.base);
        for _ in 0..calls {
            clients.search(variant).await;
        }
    });
    Ok(())
}

pub fn run() -> Vec<Figure> {
    let server = server::start();
    // On a thread of its own, so pinning it leaves the later benchmarks free to use every core.
    let cpu = std::thread::scope(|scope| scope.spawn(|| measure(&server.base)).join().expect("client benchmark thread"));
    report(&cpu)
}

/// CPU per call for each variant, per block of calls.
fn measure(base: &str) -> [[Duration; 4]; BLOCKS] {
    crate::cpu::pin_current_thread(server::CLIENT_CPU);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    runtime.block_on(async {
        let clients = Clients::new(base);
        // Warm every path: connection, token, allocator.
        for variant in VARIANTS {
            for _ in 0..WARM_UP {
                clients.search(variant).await;
            }
        }
        // Interleaved call by call (the order rotating), so whatever the machine does, it does
        // to every variant alike. Each call is timed on its own; the cost of reading the clock is
        // measured the same way and taken off.
        let mut cpu = [[Duration::ZERO; 4]; BLOCKS];
        let mut clock = Duration::ZERO;
        for call in 0..CALLS {
            let block = &mut cpu[call * BLOCKS / CALLS];
            for k in 0..VARIANTS.len() {
                let i = (call + k) % VARIANTS.len();
                let started = thread_cpu();
                clients.search(VARIANTS[i]).await;
                block[i] += thread_cpu() - started;
            }
            let started = thread_cpu();
            clock += thread_cpu() - started;
        }
        let clock_per_block = clock / BLOCKS as u32;
        cpu.map(|block| block.map(|d| d.saturating_sub(clock_per_block)))
    })
}

fn report(cpu: &[[Duration; 4]; BLOCKS]) -> Vec<Figure> {
    let total = |i: usize| cpu.iter().map(|block| block[i]).sum::<Duration>();
    let per_call = |i: usize| total(i).as_secs_f64() * 1e6 / CALLS as f64;
    let ratio = |i: usize| total(i).as_secs_f64() / total(0).as_secs_f64().max(1e-9);
    // The spread of the ratio over the blocks shows how far one run can be trusted.
    let spread = |i: usize| {
        let ratios: Vec<f64> = cpu.iter().map(|b| b[i].as_secs_f64() / b[0].as_secs_f64().max(1e-9)).collect();
        let (lo, hi) = ratios.iter().fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
        format!("{lo:.2}–{hi:.2} over {BLOCKS} blocks")
    };
    let runtime_ratio = ratio(1);
    vec![
        Figure::ratio(
            "client overhead",
            format!(
                "{CALLS} address searches each: the generated client under the facade runtime {:.1} µs CPU/call, hand-written reqwest {:.1} µs CPU/call ({})",
                per_call(1),
                per_call(0),
                spread(1)
            ),
            runtime_ratio,
            "≤ 1.10",
            runtime_ratio <= 1.10,
        ),
        Figure::ratio(
            "journey function",
            format!("Hub::search_addresses, which also builds the facade's AddressRecords: {:.1} µs CPU/call ({})", per_call(2), spread(2)),
            ratio(2),
            "(context)",
            true,
        ),
        Figure::ratio(
            "generated client alone",
            format!("the generated client with bt-core's hooks only (static token, no facade runtime): {:.1} µs CPU/call ({})", per_call(3), spread(3)),
            ratio(3),
            "(context)",
            true,
        ),
    ]
}

async fn generated_search(client: &bt_address::Client) {
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

/// What a careful programmer writes by hand: the same query, headers and typed parse.
async fn handwritten_search(http: &reqwest::Client, url: &str) {
    let response = http
        .get(url)
        .query(&[("isFuzzyMatch", "true"), ("isSiteClassificationRequired", "true"), ("isTechonologyMarkersRequired", "true"), ("postcode", "SW12 8NX"), ("streetNr", "81")])
        .header("accept", "application/json")
        .header("authorization", "Bearer tok-0")
        .header("APIGW-Tracking-Header", uuid::Uuid::new_v4().to_string())
        .send()
        .await
        .expect("send");
    let records: Vec<bt_address::types::GeographicAddress> = response.json().await.expect("parse");
    std::hint::black_box(records);
}
