//! `bb1-sim`: run the offline BT Hub simulator on a fixed address.

use std::net::SocketAddr;
use std::process::ExitCode;

use bb1_sim::{Clock, Faults, Scenario, Simulator};
use clap::{Parser, ValueEnum};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ClockArg {
    /// Simulated time is real time (a provide takes days).
    Real,
    /// One simulated day per real second (a provide completes in seconds).
    Fast,
}

/// Offline simulator of BT Wholesale's Broadband One Hub APIs.
#[derive(Debug, Parser)]
#[command(name = "bb1-sim", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Seed of the world, ids and fault decisions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, value_enum, default_value = "fast")]
    clock: ClockArg,
    /// Client id the token endpoint accepts.
    #[arg(long, default_value = bb1_sim::DEFAULT_CLIENT_ID)]
    client_id: String,
    /// Client secret the token endpoint accepts.
    #[arg(long, default_value = bb1_sim::DEFAULT_CLIENT_SECRET, hide_default_value = true)]
    client_secret: String,
    /// Token lifetime in seconds.
    #[arg(long, default_value_t = bb1_sim::DEFAULT_TOKEN_TTL_SECS)]
    token_ttl: u32,
    /// KSU listener base URL (serving /oauth/accesstoken and /listener/productOrderEvent).
    #[arg(long)]
    callback_url: Option<String>,
    /// Client id for the listener's token endpoint.
    #[arg(long, requires = "callback_url")]
    callback_client_id: Option<String>,
    /// Client secret for the listener's token endpoint.
    #[arg(long, requires = "callback_url", hide_default_value = true)]
    callback_client_secret: Option<String>,
    /// Added latency per request, milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fraction of requests answered 429 (code 53).
    #[arg(long, default_value_t = 0.0)]
    fail_429: f64,
    /// Fraction answered 503 (code 05).
    #[arg(long, default_value_t = 0.0)]
    fail_503: f64,
    /// Fraction answered 504 (code 69).
    #[arg(long, default_value_t = 0.0)]
    fail_504: f64,
    /// Fraction of connections dropped without an answer.
    #[arg(long, default_value_t = 0.0)]
    drop: f64,
    /// Fraction of KSUs delivered twice.
    #[arg(long, default_value_t = 0.0)]
    ksu_duplicate: f64,
    /// Fraction of KSUs delivered after the next one.
    #[arg(long, default_value_t = 0.0)]
    ksu_reorder: f64,
    /// Wait before each KSU delivery, milliseconds.
    #[arg(long, default_value_t = 0)]
    ksu_delay_ms: u64,
    /// Print one example premises per scenario at start.
    #[arg(long)]
    list_premises: bool,
}

fn fraction(name: &str, v: f64) -> Result<f64, String> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("--{name} must be between 0 and 1"))
    }
}

async fn run(args: Args) -> Result<(), String> {
    let faults = Faults {
        latency_ms: args.latency_ms,
        fail_429: fraction("fail-429", args.fail_429)?,
        fail_503: fraction("fail-503", args.fail_503)?,
        fail_504: fraction("fail-504", args.fail_504)?,
        drop: fraction("drop", args.drop)?,
        ksu_delay_ms: args.ksu_delay_ms,
        ksu_duplicate: fraction("ksu-duplicate", args.ksu_duplicate)?,
        ksu_reorder: fraction("ksu-reorder", args.ksu_reorder)?,
    };
    let mut builder = Simulator::builder()
        .seed(args.seed)
        .clock(match args.clock {
            ClockArg::Real => Clock::Real,
            ClockArg::Fast => Clock::Fast,
        })
        .bind(args.bind)
        .client_credentials(args.client_id, args.client_secret)
        .token_ttl_secs(args.token_ttl)
        .faults(faults);
    if let Some(url) = args.callback_url {
        let (Some(id), Some(secret)) = (args.callback_client_id, args.callback_client_secret)
        else {
            return Err(
                "--callback-url needs --callback-client-id and --callback-client-secret".into(),
            );
        };
        builder = builder.callback(url, id, secret);
    }
    let sim = builder
        .start()
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let base = sim.base_url().to_string();
    println!("bb1-sim listening on {base}");
    println!(
        "  token:      POST {base}/oauth/accesstoken (client id {})",
        sim.client_id()
    );
    println!("  /common:    {base}/common");
    println!("  /hubco/tmf: {base}/hubco/tmf");
    println!(
        "  seed {}, {} premises",
        sim.world().seed(),
        sim.world().premises().len()
    );
    if args.list_premises {
        use Scenario::*;
        for s in [
            FttpNewOnt,
            FttpExistingOntFreePort,
            FttpNoFreePort,
            SogeaOnly,
            AdslOnly,
            Nothing,
            WorkingLine,
            StoppedLine,
            PendingCease,
            GoldKey,
            SilverKey,
            BronzeKey,
            NoRobtPair,
            RobtOnly,
        ] {
            if let Some(p) = sim.world().find(s) {
                println!("  {s:?}: {}", p.summary());
            }
        }
    }
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    sim.shutdown().await;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bb1-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
