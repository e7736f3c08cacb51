//! `bb1 sim`: the offline Hub simulator as a server.

use bb1_sim::{Clock, Simulator};

use crate::cli::SimArgs;
use crate::exit::{CliError, CliResult, Exit};

pub async fn run(args: &SimArgs) -> CliResult {
    let clock = match args.clock.as_str() {
        "real" => Clock::Real,
        "fast" => Clock::Fast,
        other => return Err(CliError::new(Exit::Input, format!("--clock {other}: use real or fast"))),
    };
    let mut builder = Simulator::builder().bind(args.bind).seed(args.seed).clock(clock);
    match (&args.callback_url, &args.callback_client_id, &args.callback_client_secret) {
        (Some(url), Some(id), Some(secret)) => builder = builder.callback(url, id, secret),
        (None, None, None) => {}
        _ => return Err(CliError::new(Exit::Input, "--callback-url needs --callback-client-id and --callback-client-secret (or BB1_CALLBACK_CLIENT_SECRET)")),
    }
    let sim = builder.start().await.map_err(|e| CliError::new(Exit::Failure, format!("cannot start the simulator on {}: {e}", args.bind)))?;
    println!("Hub simulator at {} (client id {}, secret {}); Ctrl-C stops it.", sim.base_url(), sim.client_id(), sim.client_secret());
    tokio::signal::ctrl_c().await.map_err(|e| CliError::new(Exit::Failure, format!("cannot wait for Ctrl-C: {e}")))?;
    sim.shutdown().await;
    Ok(())
}
