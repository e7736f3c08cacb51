//! One module per command group.

pub mod address;
pub mod appointments;
pub mod demo;
pub mod ksu;
pub mod order;
pub mod sim;

use std::io::{BufRead, IsTerminal, Write};

use broadband_one::{AddressQuery, Hub};

use crate::cli::AddressArgs;
use crate::exit::{CliError, CliResult, Exit};

pub fn address_query(args: &AddressArgs) -> CliResult<AddressQuery> {
    if args.postcode.is_none() && args.uprn.is_none() {
        return Err(CliError::new(Exit::Input, "give --postcode (with --number or --building) or --uprn"));
    }
    Ok(AddressQuery {
        postcode: args.postcode.clone(),
        street_nr: args.number.clone(),
        building_name: args.building.clone(),
        uprn: args.uprn.clone(),
        ..Default::default()
    })
}

/// Shows what will be sent and asks before sending, unless `--yes`. Without a terminal to ask
/// on, refuses rather than guessing.
pub fn confirm(yes: bool, what: &str, body: &serde_json::Value) -> CliResult {
    if yes {
        return Ok(());
    }
    eprintln!("{what}:");
    eprintln!("{}", serde_json::to_string_pretty(body).unwrap_or_default());
    if !std::io::stdin().is_terminal() {
        return Err(CliError::new(Exit::Declined, format!("not sending: {what} needs confirmation; run again with --yes")));
    }
    eprint!("Send this to BT? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| CliError::new(Exit::Failure, format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(CliError::new(Exit::Declined, "not sent"))
    }
}

pub fn hub(config: broadband_one::HubConfig) -> CliResult<Hub> {
    Ok(Hub::new(config)?)
}
