//! Provide a new FTTP line: premises → availability → appointment → order → wait.
//!
//! Against the simulator: start `bb1 sim` (or `cargo run -p bb1-sim`), then
//!
//! ```sh
//! BB1_BASE_URL=http://127.0.0.1:8080 BB1_CLIENT_ID=sim-client BB1_CLIENT_SECRET=sim-secret \
//! BB1_CUG_ID=CUG5023769999 BB1_RESELLER_ID=ZYX BB1_BILLING_ACCOUNT=0455123456 \
//! cargo run -p broadband-one --example provide -- "SW12 8NX" 81 "FTTP 160_30M"
//! ```

use std::time::Duration;

use broadband_one::{AddressQuery, Contact, EndUser, Hub, Install, JourneyType, KeyRule, ProvidePlan, SlotSearch};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let postcode = args.next().unwrap_or_else(|| "SW12 8NX".into());
    let number = args.next().unwrap_or_else(|| "81".into());
    let wanted = args.next().unwrap_or_else(|| "FTTP 160_30M".into());

    let hub = Hub::from_env()?;
    let premises = hub.find_premises(&AddressQuery::postcode(postcode).street_nr(number), KeyRule::NewFttp).await?;
    println!("premises: {} (Openreach {}, RoBT {})", premises.openreach.one_line(), premises.openreach_key(), premises.robt_key);

    let availability = hub.check_availability(&premises, false).await?;
    let offer = availability.offer(&wanted).ok_or(format!("{wanted} is not available here"))?.clone();
    let install = if offer.managed_install_required {
        let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
        let reservation = hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), tomorrow)).await?;
        println!("engineer visit: {} {} (reservation {})", reservation.slot.label, reservation.slot.start, reservation.id);
        Install::Managed(reservation)
    } else {
        Install::SelfInstall
    };

    let plan = ProvidePlan {
        external_id: format!("EXAMPLE-{}", uuid::Uuid::new_v4().simple()),
        premises,
        offer,
        journey: JourneyType::NewLineProvide,
        install,
        line: None,
        contact: Contact { given_name: "Sam".into(), family_name: "Jones".into(), email: "sam@example.com".into(), phone: "02079460088".into() },
        end_user: EndUser::Residential,
        contract_term_months: 12,
        with_ip_address: false,
        requested_completion_date: None,
    };
    let handle = hub.provide(&plan).await?;
    println!("submitted {}; waiting for BT to complete it", handle.external_id);
    let status = handle.wait(&hub, None, Duration::from_secs(120)).await?;
    println!("{:?}: service {:?}", status.state, status.service_id);
    Ok(())
}
