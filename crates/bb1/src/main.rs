//! `bb1`: Broadband One from the command line.

mod cli;
mod commands;
mod config;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{AddressCommand, AppointmentCommand, Cli, Command, KsuCommand, OrderCommand};
use crate::exit::{CliError, CliResult, Exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(Exit::Failure as u8);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit as u8)
        }
    }
}

/// `-v` shows this toolkit's tracing (one span per BT call); `-vv` everything at debug.
fn init_tracing(verbose: u8) {
    let filter = match verbose {
        0 => return,
        1 => "broadband_one=info,bb1_sim=info,broadband_one_ksu=info,bb1=info",
        _ => "debug",
    };
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).try_init();
}

async fn run(cli: Cli) -> CliResult {
    let json = cli.json;
    let yes = cli.yes;
    match &cli.command {
        Command::Demo(args) => return commands::demo::run(args, json).await,
        Command::Sim(args) => return commands::sim::run(args).await,
        Command::Ksu { command: KsuCommand::Listen(args) } => return commands::ksu::listen(args).await,
        Command::Ksu { command: KsuCommand::Timeline(args) } => return commands::ksu::timeline(args, json).await,
        _ => {}
    }
    let config = config::hub_config(&cli.target, cli.config.as_deref(), |var| std::env::var(var).ok())?;
    let hub = commands::hub(config)?;
    match &cli.command {
        Command::Address { command: AddressCommand::Search(args) } => commands::address::search(&hub, args, json).await,
        Command::Availability(args) => commands::address::availability(&hub, args, json).await,
        Command::LineCheck(args) => commands::address::line_check(&hub, args, json).await,
        Command::Appointments { command: AppointmentCommand::Search(args) } => commands::appointments::search(&hub, args, json).await,
        Command::Appointments { command: AppointmentCommand::Book(args) } => commands::appointments::book(&hub, args, json).await,
        Command::Order { command } => match command {
            OrderCommand::Provide(args) => commands::order::provide(&hub, args, yes, json).await,
            OrderCommand::Modify(args) => commands::order::modify(&hub, args, yes, json).await,
            OrderCommand::Amend(args) => commands::order::amend(&hub, args, yes, json).await,
            OrderCommand::Cancel(args) => commands::order::cancel(&hub, args, yes, json).await,
            OrderCommand::Cease(args) => commands::order::cease(&hub, args, yes, json).await,
            OrderCommand::Status(args) => commands::order::status(&hub, args, json).await,
        },
        Command::Demo(_) | Command::Sim(_) | Command::Ksu { .. } => Err(CliError::new(Exit::Failure, "handled above")),
    }
}
