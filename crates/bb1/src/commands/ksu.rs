//! `bb1 ksu listen|timeline`.

use broadband_one_ksu::{KsuListener, KsuStore, OrderRef, StoredEvent};

use crate::cli::{ListenArgs, TimelineArgs};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::{emit, opt, table};

pub async fn listen(args: &ListenArgs) -> CliResult {
    let listener = KsuListener::builder()
        .bind(args.bind)
        .db(&args.db)
        .client_credentials(&args.client_id, &args.client_secret)
        .start()
        .await?;
    eprintln!(
        "KSU listener on {} (token endpoint {0}/oauth/accesstoken, events {0}/listener/productOrderEvent), storing in {}. Ctrl-C stops it.",
        listener.base_url(),
        args.db.display()
    );
    tokio::signal::ctrl_c().await.map_err(|e| CliError::new(Exit::Failure, format!("cannot wait for Ctrl-C: {e}")))?;
    listener.shutdown().await?;
    Ok(())
}

pub async fn timeline(args: &TimelineArgs, json: bool) -> CliResult {
    if !args.db.exists() {
        return Err(CliError::new(Exit::Input, format!("{} does not exist; pass the --db the listener writes to", args.db.display())));
    }
    let store = KsuStore::open_read_only(&args.db)?;
    let order = match (&args.order_id, &args.external_id) {
        (Some(id), _) => OrderRef::BtId(id.clone()),
        (None, Some(id)) => OrderRef::ExternalId(id.clone()),
        (None, None) => return Err(CliError::new(Exit::Input, "give --order-id or --external-id")),
    };
    let events = store.timeline(&order).await?;
    if events.is_empty() {
        return Err(CliError::new(Exit::NotAvailable, format!("no KSU for {order:?} in {}", args.db.display())));
    }
    emit(json, &events, |events| render_timeline(events))
}

pub fn render_timeline(events: &[StoredEvent]) -> String {
    let mut t = table(&["event time", "event", "state", "sub-status", "service"]);
    for e in events {
        t.add_row(vec![
            e.event_time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_else(|| "-".into()),
            opt(&e.event_type),
            opt(&e.state),
            opt(&e.sub_status),
            opt(&e.service_id),
        ]);
    }
    t.to_string()
}
