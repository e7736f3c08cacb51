//! Benchmark 3, a Provide journey with 50 ms added to every simulator response: wall time, calls per
//! journey, and the ratio to (calls on the critical path × 50 ms). Independent calls (product and
//! line availability) run concurrently, so they count once on the critical path.

use std::time::{Duration, Instant};

use bb1_sim::{Clock, Faults, Scenario, Simulator};
use broadband_one::{AddressQuery, Contact, EndUser, ExistingLine, Hub, Install, JourneyType, KeyRule, ProvidePlan, SlotSearch, Technology};

use crate::report::Figure;
use crate::sim_config;

const LATENCY: Duration = Duration::from_millis(50);

pub fn run() -> Vec<Figure> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let sim = Simulator::builder()
            .seed(7)
            .clock(Clock::Fast)
            .faults(Faults { latency_ms: LATENCY.as_millis() as u64, ..Faults::default() })
            .start()
            .await
            .expect("simulator");
        let mut figures = Vec::new();
        for (name, copper) in [("provide FTTP, engineer", false), ("provide SOGEA migration", true)] {
            let hub = Hub::new(sim_config(&sim)).expect("hub");
            let started = Instant::now();
            let concurrent = journey(&hub, &sim, copper).await;
            let wall = started.elapsed();
            let calls = hub.requests_sent() + hub.token_requests();
            let critical = calls - concurrent;
            let ratio = wall.as_secs_f64() / (critical as f64 * LATENCY.as_secs_f64());
            figures.push(Figure::ratio(
                "provide journey",
                format!("{name}: {:.0} ms wall, {calls} calls ({critical} on the critical path) at 50 ms each", wall.as_secs_f64() * 1e3),
                ratio,
                "≤ 1.2",
                ratio <= 1.2,
            ));
        }
        sim.shutdown().await;
        figures
    })
}

/// Runs one journey; returns how many of its calls ran beside another (off the critical path).
async fn journey(hub: &Hub, sim: &Simulator, copper: bool) -> u64 {
    let scenario = if copper { Scenario::WorkingLine } else { Scenario::FttpNewOnt };
    let site = sim
        .world()
        .premises()
        .iter()
        .find(|p| p.has(scenario) && p.paired && p.qualifier() == Some(bb1_sim::world::Qualifier::Gold) && p.address.street_nr.is_some() && (!copper || p.offers(bb1_sim::catalogue::Technology::Sogea)))
        .expect("a premises for the journey");
    let mut query = AddressQuery::postcode(site.address.postcode.clone());
    query.street_nr = site.address.street_nr.clone();
    let premises = hub.find_premises(&query, if copper { KeyRule::Copper } else { KeyRule::NewFttp }).await.expect("premises");
    let availability = hub.check_availability(&premises, copper).await.expect("availability");
    let technology = if copper { Technology::Sogea } else { Technology::Fttp };
    let offer = availability.fastest(&technology).expect("an offer").clone();
    let install = if offer.managed_install_required {
        let from = sim.now().date_naive() + chrono::Days::new(1);
        Install::Managed(hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), from)).await.expect("slot"))
    } else {
        Install::SelfInstall
    };
    let line = availability.lines.as_ref().and_then(|l| l.working.first()).map(|l| ExistingLine {
        access_line_id: l.access_line_id.clone(),
        directory_number: l.directory_number.clone(),
        working: true,
        product_type: l.product_type.clone(),
    });
    let plan = ProvidePlan {
        external_id: format!("BENCH-{}", uuid::Uuid::new_v4().simple()),
        premises,
        offer,
        journey: if copper { JourneyType::Migration } else { JourneyType::NewLineProvide },
        install,
        line: if copper { line } else { None },
        contact: Contact { given_name: "Sam".into(), family_name: "Jones".into(), email: "sam@example.com".into(), phone: "02079460088".into() },
        end_user: EndUser::Residential,
        contract_term_months: 12,
        with_ip_address: false,
        requested_completion_date: Some("2027-03-01T00:00:00Z".into()),
    };
    hub.provide(&plan).await.expect("ordered");
    u64::from(copper)
}
