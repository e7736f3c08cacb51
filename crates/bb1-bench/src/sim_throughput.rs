//! Benchmark 5, the simulator: address searches per second over keep-alive connections, against the fixed-answer
//! server measured by the same load generator in the same run as the baseline.

use std::sync::Arc;
use std::time::Instant;

use bb1_sim::{Clock, Scenario, Simulator};

use crate::report::Figure;
use crate::server;

const SEARCHES: usize = 20_000;
const CLIENTS: usize = 8;

pub fn run() -> Vec<Figure> {
    // The server side gets its own 2-thread runtime (the budget); the load generator
    // runs on another, so both compete for the same 2 cores as they would on a real box.
    let server_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("server runtime");
    let sim = server_rt.block_on(Simulator::builder().seed(7).clock(Clock::Fast).start()).expect("simulator");
    let fixed = server::start();
    let load_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("load runtime");
    // A premises whose search answers one Openreach and one RoBT record, like the fixed server.
    let site = sim
        .world()
        .with_scenario(Scenario::FttpNewOnt)
        .find(|p| !p.has(Scenario::BtSandbox) && p.paired && p.address.street_nr.is_some())
        .expect("a generated premises");
    let search = [("postcode", site.address.postcode.clone()), ("streetNr", site.address.street_nr.clone().unwrap_or_default())];
    let sim_rate = load_rt.block_on(load(sim.base_url(), sim.client_id(), sim.client_secret(), &search));
    let baseline = load_rt.block_on(load(&fixed.base, "bench-client", "bench-secret", &search));
    server_rt.block_on(sim.shutdown());
    vec![
        Figure::rate("simulator", format!("{SEARCHES} address searches, {CLIENTS} keep-alive clients"), sim_rate, "≥ 5,000/s", sim_rate >= 5000.0),
        Figure::ratio(
            "simulator vs fixed server",
            format!("the same load against a fixed-answer server: {baseline:.0}/s"),
            sim_rate / baseline.max(1.0),
            "(context)",
            true,
        ),
    ]
}

async fn load(base: &str, id: &str, secret: &str, search: &[(&str, String)]) -> f64 {
    let search: Arc<Vec<(String, String)>> = Arc::new(search.iter().map(|(k, v)| (k.to_string(), v.clone())).collect());
    let http = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).build().expect("client");
    let token: serde_json::Value = http
        .post(format!("{base}/oauth/accesstoken"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token body");
    let bearer = Arc::new(format!("Bearer {}", token["access_token"].as_str().unwrap_or_default()));
    let url = Arc::new(format!("{base}/common/geographicAddressManagement/v1/geographicAddress"));
    let one = |http: reqwest::Client, url: Arc<String>, bearer: Arc<String>, search: Arc<Vec<(String, String)>>| async move {
        let r = http.get(url.as_str()).query(search.as_slice()).header("authorization", bearer.as_str()).send().await;
        matches!(r.map(|r| r.status().is_success()), Ok(true))
    };
    for _ in 0..200 {
        one(http.clone(), url.clone(), bearer.clone(), search.clone()).await;
    }
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (http, url, bearer, search) = (http.clone(), url.clone(), bearer.clone(), search.clone());
            tokio::spawn(async move {
                let mut ok = 0usize;
                for _ in 0..SEARCHES / CLIENTS {
                    ok += usize::from(one(http.clone(), url.clone(), bearer.clone(), search.clone()).await);
                }
                ok
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap_or(0);
    }
    ok as f64 / started.elapsed().as_secs_f64()
}
