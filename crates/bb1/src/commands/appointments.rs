//! `bb1 appointments search|book`.

use broadband_one::{Hub, SlotSearch};

use crate::cli::{BookArgs, SlotArgs};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::{emit, table};

fn search_of(args: &SlotArgs) -> SlotSearch {
    let earliest = args.from.unwrap_or_else(|| chrono::Local::now().date_naive() + chrono::Days::new(1));
    let mut search = SlotSearch::fttp(args.key.clone(), earliest);
    search.access_technology = args.technology.clone();
    search
}

pub async fn search(hub: &Hub, args: &SlotArgs, json: bool) -> CliResult {
    let slots = hub.search_slots(&search_of(args)).await?;
    emit(json, &slots, |slots| {
        let mut t = table(&["slot", "start", "end"]);
        for s in slots.iter() {
            t.add_row(vec![s.label.clone(), s.start.clone(), s.end.clone()]);
        }
        t.to_string()
    })
}

pub async fn book(hub: &Hub, args: &BookArgs, json: bool) -> CliResult {
    let search = search_of(&args.slot);
    let slots = hub.search_slots(&search).await?;
    let slot = match &args.start {
        Some(start) => slots.iter().find(|s| &s.start == start).ok_or_else(|| {
            CliError::new(Exit::NotAvailable, format!("no free slot starts at {start}; run `bb1 appointments search` for the free ones"))
        })?,
        None => slots.first().ok_or_else(|| CliError::new(Exit::NotAvailable, "no free slots"))?,
    };
    let reservation = hub.reserve_slot(&search, slot).await?;
    emit(json, &reservation, |r| format!("Reserved {} ({} {} to {}); quote it in the order.", r.id, r.slot.label, r.slot.start, r.slot.end))
}
