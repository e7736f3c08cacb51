//! Upgrade an existing service: inventory → availability → (appointment) → modify order.
//!
//! ```sh
//! BB1_BASE_URL=… (as in the provide example) \
//! cargo run -p broadband-one --example modify -- BBONE90099580 "SW12 8NX" 81 "FTTP 900_110M"
//! ```

use std::time::Duration;

use broadband_one::{AddressQuery, Hub, KeyRule, ModifyPlan, SlotSearch};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let service_id = args.next().ok_or("usage: modify SERVICE_ID POSTCODE NUMBER OFFER")?;
    let postcode = args.next().unwrap_or_else(|| "SW12 8NX".into());
    let number = args.next().unwrap_or_else(|| "81".into());
    let target = args.next().unwrap_or_else(|| "FTTP 900_110M".into());

    let hub = Hub::from_env()?;
    let premises = hub.find_premises(&AddressQuery::postcode(postcode).street_nr(number), KeyRule::NewFttp).await?;
    let check = hub.plan_modify(&service_id, &premises, &target).await?;
    println!("{} is on {:?}; moving to {}", service_id, check.service.parent.offering_name, check.target.name);
    let appointment = if check.needs_appointment {
        let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
        Some(hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), tomorrow)).await?)
    } else {
        None
    };
    let plan = ModifyPlan { external_id: format!("EXAMPLE-{}", uuid::Uuid::new_v4().simple()), service_id, premises, target, appointment };
    let handle = hub.modify(&plan).await?;
    let status = handle.wait(&hub, None, Duration::from_secs(120)).await?;
    println!("{:?}", status.state);
    Ok(())
}
