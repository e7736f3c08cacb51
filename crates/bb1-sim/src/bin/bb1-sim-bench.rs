//! `bb1-sim-bench`: address searches per second against the simulator over keep-alive
//! connections, with N concurrent clients and a fixed number of searches.
//!
//! By default the simulator runs in-process on its own runtime with `--server-threads` workers
//! (2, the budget); `--url` measures an already running simulator instead.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bb1_sim::{Clock, Scenario, Simulator};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "bb1-sim-bench")]
struct Args {
    /// Concurrent clients, each on its own keep-alive connection.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Searches in total.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Worker threads of the in-process simulator.
    #[arg(long, default_value_t = 2)]
    server_threads: usize,
    /// Measure a running simulator at this base URL instead (default credentials).
    #[arg(long)]
    url: Option<String>,
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    // The simulator gets its own runtime so its thread budget is explicit.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (sim, base, postcodes) = match &args.url {
        Some(url) => (
            None,
            url.trim_end_matches('/').to_string(),
            vec!["SW12 8NX".to_string(), "AB15 7XY".to_string()],
        ),
        None => {
            let sim = server_rt
                .block_on(Simulator::builder().seed(1).clock(Clock::Fast).start())
                .map_err(|e| e.to_string())?;
            let postcodes = [
                Scenario::FttpNewOnt,
                Scenario::SogeaOnly,
                Scenario::WorkingLine,
                Scenario::BtSandbox,
            ]
            .iter()
            .flat_map(|s| {
                sim.world()
                    .with_scenario(*s)
                    .map(|p| p.address.postcode.clone())
                    .take(3)
                    .collect::<Vec<_>>()
            })
            .collect();
            let base = sim.base_url().to_string();
            (Some(sim), base, postcodes)
        }
    };
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let result = client_rt.block_on(load(
        &base,
        &postcodes,
        args.clients.max(1),
        args.requests.max(1),
    ));
    if let Some(sim) = sim {
        server_rt.block_on(sim.shutdown());
    }
    let (ok, failed, elapsed) = result?;
    let rate = ok as f64 / elapsed.as_secs_f64();
    println!(
        "address searches: {ok} ok, {failed} failed, {} clients, {:.2} s, {rate:.0} searches/s (server threads: {})",
        args.clients,
        elapsed.as_secs_f64(),
        if args.url.is_some() {
            "external".to_string()
        } else {
            args.server_threads.to_string()
        },
    );
    Ok(())
}

async fn load(
    base: &str,
    postcodes: &[String],
    clients: usize,
    requests: usize,
) -> Result<(usize, usize, Duration), String> {
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{base}/oauth/accesstoken"))
        .basic_auth(
            bb1_sim::DEFAULT_CLIENT_ID,
            Some(bb1_sim::DEFAULT_CLIENT_SECRET),
        )
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let token = token["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_string();
    let url = Arc::new(format!(
        "{base}/common/geographicAddressManagement/v1/geographicAddress"
    ));
    let postcodes = Arc::new(postcodes.to_vec());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (url, token, postcodes) = (url.clone(), token.clone(), postcodes.clone());
        let n = requests / clients + usize::from(c < requests % clients);
        tasks.push(tokio::spawn(async move {
            // One client per task: its pooled connection is reused (keep-alive).
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap_or_default();
            let (mut ok, mut failed) = (0usize, 0usize);
            for i in 0..n {
                let postcode = &postcodes[(c + i) % postcodes.len()];
                let r = http
                    .get(url.as_str())
                    .bearer_auth(&token)
                    .query(&[("postcode", postcode.as_str())])
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        ok += 1;
                    }
                    _ => failed += 1,
                }
            }
            (ok, failed)
        }));
    }
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        let (o, f) = t.await.map_err(|e| e.to_string())?;
        ok += o;
        failed += f;
    }
    Ok((ok, failed, started.elapsed()))
}
