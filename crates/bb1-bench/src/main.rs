//! `bb1-bench`: the toolkit's benchmarks, each a count or a ratio against a baseline measured in
//! the same run (these machines are noisy). Run through `cargo xtask bench`, which builds in
//! release and adds the regeneration figure; or directly:
//! `cargo run --release -p bb1-bench -- [--json PATH] [only…]`.

mod client_overhead;
mod cold_token;
mod cpu;
mod journey;
mod report;
mod server;
mod sim_throughput;

use broadband_one::{Account, Catalogue, HubConfig};

fn account() -> Account {
    Account { cug_id: "CUG5023769999".into(), reseller_id: "ZYX".into(), billing_account: "0455123456".into() }
}

pub fn config_for(base: &str) -> HubConfig {
    HubConfig::new(bt_core_env(base), "bench-client", "bench-secret", account())
}

pub fn sim_config(sim: &bb1_sim::Simulator) -> HubConfig {
    let mut config = HubConfig::new(bt_core_env(sim.base_url()), sim.client_id(), sim.client_secret(), account());
    config.catalogue = bb1_sim::catalogue::ACCESS_OFFERINGS.iter().fold(Catalogue::default(), |c, o| c.with_access(o.name, o.code));
    config
}

fn bt_core_env(base: &str) -> broadband_one::Environment {
    broadband_one::Environment::Custom(base.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json_path = args.iter().position(|a| a == "--json").and_then(|i| args.get(i + 1)).cloned();
    let only: Vec<&str> = args.iter().filter(|a| !a.starts_with("--") && Some(*a) != json_path.as_ref()).map(String::as_str).collect();
    let wanted = |name: &str| only.is_empty() || only.contains(&name);
    if args.first().map(String::as_str) == Some("profile-client") {
        let variant = args.get(1).map(String::as_str).unwrap_or("runtime");
        let calls = match args.get(2).map(|n| n.parse::<usize>()) {
            None => 3000,
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                eprintln!("error: CALLS must be a whole number");
                std::process::exit(2);
            }
        };
        if let Err(e) = client_overhead::profile(variant, calls) {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
        return;
    }
    let mut figures = Vec::new();
    if wanted("client") {
        figures.extend(client_overhead::run());
    }
    if wanted("token") {
        figures.extend(cold_token::run());
    }
    if wanted("journey") {
        figures.extend(journey::run());
    }
    if wanted("sim") {
        figures.extend(sim_throughput::run());
    }
    println!("{}", report::table(&figures));
    if let Some(path) = json_path {
        match serde_json::to_string_pretty(&figures) {
            Ok(text) => {
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("error: cannot write {path}: {e}");
                    std::process::exit(1);
                }
            }
            Err(e) => {
                eprintln!("error: cannot render the figures: {e}");
                std::process::exit(1);
            }
        }
    }
}
