//! Every journey end to end against the offline Hub simulator, through to BT's completion.

use std::time::Duration;

use bb1_sim::{Clock, Scenario, Simulator};
use broadband_one::*;

fn config(sim: &Simulator) -> HubConfig {
    let account = Account { cug_id: "CUG5023769999".into(), reseller_id: "ZYX".into(), billing_account: "0455123456".into() };
    let mut config = HubConfig::new(Environment::Custom(sim.base_url().into()), sim.client_id(), sim.client_secret(), account);
    config.catalogue = bb1_sim::catalogue::ACCESS_OFFERINGS.iter().fold(Catalogue::default(), |c, o| c.with_access(o.name, o.code));
    config
}

async fn sim(clock: Clock) -> (Simulator, Hub) {
    let sim = Simulator::builder().seed(11).clock(clock).start().await.expect("simulator");
    let hub = Hub::new(config(&sim)).expect("hub");
    (sim, hub)
}

fn query_for(sim: &Simulator, scenario: Scenario) -> AddressQuery {
    let p = sim
        .world()
        .with_scenario(scenario)
        .find(|p| !p.has(Scenario::BtSandbox) && p.address.street_nr.is_some())
        .unwrap_or_else(|| panic!("the world has a {scenario:?} premises"));
    let mut q = AddressQuery::postcode(p.address.postcode.clone());
    q.street_nr = p.address.street_nr.clone();
    q.building_name = p.address.building_name.clone();
    q
}

fn contact() -> Contact {
    Contact { given_name: "Sam".into(), family_name: "Jones".into(), email: "sam@example.com".into(), phone: "02079460088".into() }
}

fn plan(external_id: &str, premises: Premises, offer: Offer, journey: JourneyType, install: Install, line: Option<ExistingLine>) -> ProvidePlan {
    ProvidePlan {
        external_id: external_id.into(),
        premises,
        offer,
        journey,
        install,
        line,
        contact: contact(),
        end_user: EndUser::Residential,
        contract_term_months: 12,
        with_ip_address: true,
        requested_completion_date: Some("2027-03-01T00:00:00Z".into()),
    }
}

async fn install_for(hub: &Hub, sim: &Simulator, premises: &Premises, offer: &Offer) -> Install {
    if offer.managed_install_required {
        let from = sim.now().date_naive() + chrono::Days::new(1);
        Install::Managed(hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), from)).await.expect("slot"))
    } else {
        Install::SelfInstall
    }
}

async fn completed(hub: &Hub, handle: &OrderHandle) -> OrderStatus {
    let status = handle.wait(hub, None, Duration::from_secs(30)).await.expect("settles");
    assert_eq!(status.state.as_deref(), Some("completed"), "{status:?}");
    status
}

#[tokio::test]
async fn new_fttp_line_with_an_engineer_completes_with_a_service_id() {
    let (sim, hub) = sim(Clock::Fast).await;
    let premises = hub.find_premises(&query_for(&sim, Scenario::FttpNewOnt), KeyRule::NewFttp).await.expect("premises");
    let availability = hub.check_availability(&premises, false).await.expect("availability");
    let offer = availability.fastest(&Technology::Fttp).expect("fttp").clone();
    assert!(offer.managed_install_required && offer.ont_type.as_deref() == Some("New ONT"), "{offer:?}");
    let install = install_for(&hub, &sim, &premises, &offer).await;
    assert!(matches!(install, Install::Managed(_)));
    let handle = hub.provide(&plan("SIM-FTTP-1", premises, offer, JourneyType::NewLineProvide, install, None)).await.expect("ordered");
    let status = completed(&hub, &handle).await;
    assert!(status.service_id.as_deref().is_some_and(|s| s.starts_with("BBONE")), "{status:?}");
    let service = hub.service(status.service_id.as_deref().expect("service id")).await.expect("inventory");
    assert!(!service.children.is_empty());
}

#[tokio::test]
async fn fttp_on_an_existing_ont_is_a_self_install() {
    let (sim, hub) = sim(Clock::Fast).await;
    let premises = hub.find_premises(&query_for(&sim, Scenario::FttpExistingOntFreePort), KeyRule::NewFttp).await.expect("premises");
    let offer = hub.check_availability(&premises, false).await.expect("availability").fastest(&Technology::Fttp).expect("fttp").clone();
    assert!(!offer.managed_install_required, "{offer:?}");
    let handle = hub.provide(&plan("SIM-ONT-1", premises, offer, JourneyType::NewLineProvide, Install::SelfInstall, None)).await.expect("ordered");
    completed(&hub, &handle).await;
}

async fn copper_journey(scenario: Scenario, journey: JourneyType, stopped: bool, id: &str) {
    let (sim, hub) = sim(Clock::Fast).await;
    let premises = hub.find_premises(&query_for(&sim, scenario), KeyRule::Copper).await.expect("premises");
    let availability = hub.check_availability(&premises, true).await.expect("availability");
    let lines = availability.lines.clone().expect("the line check ran");
    let line = if stopped { lines.stopped.first() } else { lines.working.first() }.unwrap_or_else(|| panic!("{scenario:?} has a line: {lines:?}")).clone();
    let offer = availability.fastest(&Technology::Sogea).or(availability.fastest(&Technology::Soadsl)).expect("a copper offer").clone();
    let existing = ExistingLine { access_line_id: line.access_line_id, directory_number: line.directory_number, working: !stopped, product_type: line.product_type };
    let handle = hub.provide(&plan(id, premises, offer.clone(), journey, Install::SelfInstall, Some(existing))).await.expect("ordered");
    completed(&hub, &handle).await;
}

#[tokio::test]
async fn migration_on_a_working_line_checks_the_line_and_completes() {
    copper_journey(Scenario::WorkingLine, JourneyType::Migration, false, "SIM-MIG-1").await;
}

#[tokio::test]
async fn stopped_line_start_completes() {
    copper_journey(Scenario::StoppedLine, JourneyType::StoppedLineStart, true, "SIM-SLS-1").await;
}

#[tokio::test]
async fn working_line_takeover_of_a_line_being_ceased_completes() {
    copper_journey(Scenario::PendingCease, JourneyType::WorkingLineTakeover, false, "SIM-WLT-1").await;
}

#[tokio::test]
async fn no_robt_pair_gets_a_created_robt_key_and_silver_is_not_enough_for_fttp() {
    let (sim, hub) = sim(Clock::Fast).await;
    let premises = hub.find_premises(&query_for(&sim, Scenario::NoRobtPair), KeyRule::Copper).await.expect("premises");
    assert!(premises.robt_created, "{premises:?}");
    let err = hub.find_premises(&query_for(&sim, Scenario::SilverKey), KeyRule::NewFttp).await.expect_err("silver");
    assert!(matches!(err, HubError::NotAvailable { .. }), "{err:?}");
}

#[tokio::test]
async fn modify_then_cease_a_completed_service() {
    let (sim, hub) = sim(Clock::Fast).await;
    let premises = hub.find_premises(&query_for(&sim, Scenario::FttpExistingOntFreePort), KeyRule::NewFttp).await.expect("premises");
    let availability = hub.check_availability(&premises, false).await.expect("availability");
    let mut fttp: Vec<Offer> = availability.offers.iter().filter(|o| o.technology == Technology::Fttp).cloned().collect();
    fttp.sort_by(|a, b| a.download_mbps.unwrap_or(0.0).total_cmp(&b.download_mbps.unwrap_or(0.0)));
    let (slowest, fastest) = (fttp.first().expect("an fttp offer").clone(), fttp.last().expect("an fttp offer").clone());
    let install = install_for(&hub, &sim, &premises, &slowest).await;
    let handle = hub.provide(&plan("SIM-MOD-1", premises.clone(), slowest, JourneyType::NewLineProvide, install, None)).await.expect("ordered");
    let service_id = completed(&hub, &handle).await.service_id.expect("service id");
    let modify = ModifyPlan { external_id: "SIM-MOD-2".into(), service_id: service_id.clone(), premises, target: fastest.name.clone(), appointment: None };
    let handle = hub.modify(&modify).await.expect("modify ordered");
    completed(&hub, &handle).await;
    let service = hub.service(&service_id).await.expect("inventory");
    assert_eq!(service.parent.offering_name.as_deref(), Some(fastest.name.as_str()));
    let handle = hub.cease("SIM-CEASE-1", &service_id, None).await.expect("cease ordered");
    completed(&hub, &handle).await;
}

#[tokio::test]
async fn amend_and_cancel_an_open_order_until_the_point_of_no_return() {
    let (sim, hub) = sim(Clock::Stepped).await;
    let premises = hub.find_premises(&query_for(&sim, Scenario::FttpExistingOntFreePort), KeyRule::NewFttp).await.expect("premises");
    let offer = hub.check_availability(&premises, false).await.expect("availability").fastest(&Technology::Fttp).expect("fttp").clone();
    hub.provide(&plan("SIM-OPEN-1", premises.clone(), offer.clone(), JourneyType::NewLineProvide, Install::SelfInstall, None)).await.expect("ordered");
    let open = hub.find_order("SIM-OPEN-1").await.expect("lookup").expect("found");
    let bt_id = open.id.expect("BT id");
    let amendment = Amendment { requested_completion_date: Some("2027-04-01T00:00:00Z".into()), ..Default::default() };
    hub.amend(&bt_id, &amendment).await.expect("amended");
    hub.cancel(&bt_id, "Customer changed mind").await.expect("cancel accepted");

    hub.provide(&plan("SIM-OPEN-2", premises, offer, JourneyType::NewLineProvide, Install::SelfInstall, None)).await.expect("ordered");
    let bt_id = hub.find_order("SIM-OPEN-2").await.expect("lookup").and_then(|o| o.id).expect("BT id");
    for _ in 0..20 {
        sim.step().await;
    }
    let err = hub.cancel(&bt_id, "too late").await.expect_err("past the point of no return");
    assert!(matches!(&err, HubError::Rejected { status: 409, .. }), "{err:?}");
}

#[tokio::test]
async fn a_repeated_external_id_is_refused_not_ordered_twice() {
    let (sim, hub) = sim(Clock::Stepped).await;
    let premises = hub.find_premises(&query_for(&sim, Scenario::FttpExistingOntFreePort), KeyRule::NewFttp).await.expect("premises");
    let offer = hub.check_availability(&premises, false).await.expect("availability").fastest(&Technology::Fttp).expect("fttp").clone();
    let p = plan("SIM-DUP-1", premises, offer, JourneyType::NewLineProvide, Install::SelfInstall, None);
    hub.provide(&p).await.expect("first");
    let err = hub.provide(&p).await.expect_err("duplicate");
    assert!(matches!(&err, HubError::Rejected { status: 409, .. }), "{err:?}");
    assert_eq!(sim.orders().iter().filter(|o| o.external_id.as_deref() == Some("SIM-DUP-1")).count(), 1);
}
