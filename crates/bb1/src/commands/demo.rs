//! `bb1 demo`: the whole product on one machine with no credentials. It starts the simulator and
//! a KSU listener in-process, runs a Provide journey step by step, follows the order through the
//! KSUs the simulator pushes, and prints the timeline and the new service id.

use std::time::Duration;

use bb1_sim::{Clock, Scenario, Simulator};
use broadband_one::{
    Account, AddressQuery, Catalogue, Contact, EndUser, Hub, HubConfig, Install, JourneyType, KeyRule, ModifyPlan, OrderHandle, ProvidePlan, SlotSearch,
    Technology,
};
use broadband_one_ksu::{KsuListener, KsuStore, OrderRef};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::{DemoArgs, DemoJourney};
use crate::commands::ksu::render_timeline;
use crate::exit::{CliError, CliResult, Exit};

/// How long to wait for the simulator (fast clock: a simulated day per second) to finish an order.
const ORDER_TIMEOUT: Duration = Duration::from_secs(45);

#[derive(Serialize)]
struct Summary {
    external_id: String,
    bt_order_id: Option<String>,
    state: Option<String>,
    service_id: Option<String>,
    events: Vec<broadband_one_ksu::StoredEvent>,
    modify: Option<Box<Summary>>,
}

/// Prints a step's outcome (to stdout), with a spinner on stderr while it runs.
struct Steps {
    quiet: bool,
}

impl Steps {
    async fn run<T, F: std::future::Future<Output = Result<T, E>>, E: Into<CliError>>(&self, label: &str, work: F) -> CliResult<T> {
        let spinner = if self.quiet { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
        spinner.set_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        spinner.set_message(label.to_string());
        spinner.enable_steady_tick(Duration::from_millis(80));
        let result = work.await.map_err(Into::into);
        spinner.finish_and_clear();
        result
    }

    fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", line.as_ref());
        }
    }
}

pub async fn run(args: &DemoArgs, json: bool) -> CliResult {
    let steps = Steps { quiet: json };
    let dir = tempfile::tempdir().map_err(|e| CliError::new(Exit::Failure, format!("cannot make a temporary directory: {e}")))?;
    let ksu_secret = uuid::Uuid::new_v4().simple().to_string();
    let listener = KsuListener::builder()
        .bind(([127, 0, 0, 1], 0))
        .db(dir.path().join("ksu.sqlite"))
        .client_credentials("bt-ksu-client", &ksu_secret)
        .start()
        .await?;
    let sim = Simulator::builder()
        .seed(args.seed)
        .clock(Clock::Fast)
        .callback(listener.base_url(), "bt-ksu-client", &ksu_secret)
        .start()
        .await
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot start the simulator: {e}")))?;
    steps.say(format!("Simulator (seed {}) at {}; KSU listener at {}", args.seed, sim.base_url(), listener.base_url()));

    let hub = Hub::new(demo_config(&sim))?;
    let store = listener.store();
    let outcome = journey(&steps, &hub, &sim, &store, args.journey).await;
    sim.shutdown().await;
    listener.shutdown().await?;
    let summary = outcome?;
    if json {
        let text = serde_json::to_string_pretty(&summary).map_err(|e| CliError::new(Exit::Failure, e.to_string()))?;
        println!("{text}");
    }
    Ok(())
}

/// The Hub configuration for the simulator: its credentials, a demo account, and its catalogue
/// of E-codes (the simulator's own; BT has not published its table in full).
fn demo_config(sim: &Simulator) -> HubConfig {
    let account = Account { cug_id: "CUG5023769999".into(), reseller_id: "ZYX".into(), billing_account: "0455123456".into() };
    let mut config = HubConfig::new(bt_core::Environment::Custom(sim.base_url().to_string()), sim.client_id(), sim.client_secret(), account);
    config.catalogue = bb1_sim::catalogue::ACCESS_OFFERINGS.iter().fold(Catalogue::default(), |c, o| c.with_access(o.name, o.code));
    config
}

async fn journey(steps: &Steps, hub: &Hub, sim: &Simulator, store: &KsuStore, which: DemoJourney) -> CliResult<Summary> {
    let site = sim
        .world()
        .premises()
        .iter()
        .find(|p| p.has(Scenario::FttpNewOnt) && p.paired && p.address.street_nr.is_some() && p.qualifier() == Some(bb1_sim::world::Qualifier::Gold))
        .ok_or_else(|| CliError::new(Exit::Failure, "the simulator's world has no Gold FTTP premises"))?;
    let mut query = AddressQuery::postcode(site.address.postcode.clone());
    query.street_nr = site.address.street_nr.clone();

    let premises = steps.run("Searching BT's address databases", hub.find_premises(&query, KeyRule::NewFttp)).await?;
    steps.say(format!(
        "1. Premises   {} — Openreach {} ({:?}, district {}), RoBT {}{}",
        premises.openreach.one_line(),
        premises.openreach_key(),
        premises.openreach.qualifier.clone().unwrap_or(broadband_one::Qualifier::Other("?".into())),
        premises.district_code().unwrap_or("-"),
        premises.robt_key,
        if premises.robt_created { " (created)" } else { "" }
    ));

    let availability = steps.run("Checking product availability", hub.check_availability(&premises, false)).await?;
    let mut fttp: Vec<_> = availability.offers.iter().filter(|o| o.technology == Technology::Fttp).collect();
    fttp.sort_by(|a, b| a.download_mbps.unwrap_or(0.0).total_cmp(&b.download_mbps.unwrap_or(0.0)));
    let names: Vec<&str> = availability.offers.iter().map(|o| o.name.as_str()).collect();
    steps.say(format!("2. Available  {}", names.join(", ")));
    // Provide shows the fastest line; modify starts one lower so there is something to upgrade to.
    let offer = match which {
        DemoJourney::Provide => fttp.last(),
        DemoJourney::Modify => fttp.iter().rev().nth(1).or(fttp.last()),
    }
    .map(|o| (*o).clone())
    .ok_or_else(|| CliError::new(Exit::NotAvailable, "no FTTP offer at the demo premises"))?;

    let install = if offer.managed_install_required {
        let from = sim.now().date_naive() + chrono::Days::new(1);
        let reservation = steps.run("Booking an Openreach engineer", hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), from))).await?;
        steps.say(format!("3. Engineer   {} slot {} → {} (appointment {})", reservation.slot.label, reservation.slot.start, reservation.slot.end, reservation.id));
        Install::Managed(reservation)
    } else {
        steps.say("3. Engineer   not needed (self install)");
        Install::SelfInstall
    };

    let external_id = format!("DEMO-{}", uuid::Uuid::new_v4().simple());
    let plan = ProvidePlan {
        external_id: external_id.clone(),
        premises: premises.clone(),
        offer,
        journey: JourneyType::NewLineProvide,
        install,
        line: None,
        contact: Contact { given_name: "Sam".into(), family_name: "Jones".into(), email: "sam@example.com".into(), phone: "02079460088".into() },
        end_user: EndUser::Residential,
        contract_term_months: 12,
        with_ip_address: true,
        requested_completion_date: None,
    };
    let handle = steps.run("Placing the order", hub.provide(&plan)).await?;
    steps.say(format!("4. Ordered    {} as {} (HTTP {})", plan.offer.name, handle.external_id, handle.accepted_with.unwrap_or(0)));
    let provided = follow(steps, hub, store, &handle, "5").await?;
    let service_id = provided.service_id.clone().ok_or_else(|| CliError::new(Exit::Failure, format!("order {external_id} ended {:?} without a service id", provided.state)))?;

    if which == DemoJourney::Provide {
        return Ok(provided);
    }
    let target = fttp.last().map(|o| o.name.clone()).ok_or_else(|| CliError::new(Exit::NotAvailable, "no FTTP offer to upgrade to"))?;
    let check = steps.run("Checking the upgrade", hub.plan_modify(&service_id, &premises, &target)).await?;
    steps.say(format!("6. Upgrade    {service_id} from {} to {target}", check.service.parent.offering_name.clone().unwrap_or_else(|| "?".into())));
    let modify_id = format!("DEMO-{}", uuid::Uuid::new_v4().simple());
    let plan = ModifyPlan { external_id: modify_id.clone(), service_id, premises, target, appointment: None };
    let body = hub.modify_order(&plan, &check)?;
    let handle = steps.run("Placing the modify order", hub.submit_order(&modify_id, body)).await?;
    let modified = follow(steps, hub, store, &handle, "7").await?;
    Ok(Summary { modify: Some(Box::new(modified)), ..provided })
}

/// Waits, through the facade's order handle reading the listener's store, for the order's KSUs
/// to settle it; then prints the timeline.
async fn follow(steps: &Steps, hub: &Hub, store: &KsuStore, handle: &OrderHandle, step: &str) -> CliResult<Summary> {
    let external_id = handle.external_id.as_str();
    let order = OrderRef::ExternalId(external_id.to_string());
    let status = steps.run("Waiting for BT's KSUs", handle.wait(hub, Some(store), ORDER_TIMEOUT)).await?;
    let events = store.timeline(&order).await?;
    steps.say(format!("{step}. KSUs       {} events; order {} {}", events.len(), status.bt_order_id.clone().unwrap_or_default(), status.state.clone().unwrap_or_default()));
    steps.say(render_timeline(&events));
    if let Some(service) = &status.service_id {
        steps.say(format!("   Service    {service}"));
    }
    if status.state.as_deref() != Some("completed") {
        return Err(CliError::new(Exit::Rejected, format!("order {external_id} ended {:?}", status.state)));
    }
    Ok(Summary { external_id: external_id.to_string(), bt_order_id: status.bt_order_id, state: status.state, service_id: status.service_id, events, modify: None })
}
