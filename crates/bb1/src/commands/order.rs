//! `bb1 order provide|modify|amend|cancel|cease|status`.

use broadband_one::{
    Amendment, Contact, EndUser, ExistingLine, Hub, Install, JourneyType, KeyRule, ModifyPlan, OrderStatus, ProvidePlan, Reservation, Slot,
    SlotSearch, Technology,
};
use serde_json::json;

use crate::cli::{AmendArgs, CancelArgs, CeaseArgs, ContactArgs, ModifyArgs, ProvideArgs, StatusArgs};
use crate::commands::{address_query, confirm};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::{emit, opt, table};

fn contact(args: &ContactArgs) -> CliResult<Contact> {
    let (given, family) = args
        .contact
        .trim()
        .rsplit_once(' ')
        .ok_or_else(|| CliError::new(Exit::Input, "--contact needs a given and a family name, e.g. \"Sam Jones\""))?;
    Ok(Contact { given_name: given.trim().into(), family_name: family.trim().into(), email: args.email.clone(), phone: args.phone.clone() })
}

fn tomorrow() -> chrono::NaiveDate {
    chrono::Local::now().date_naive() + chrono::Days::new(1)
}

pub async fn provide(hub: &Hub, args: &ProvideArgs, yes: bool, json: bool) -> CliResult {
    let technology = args.offer.split_whitespace().next().map(Technology::parse).unwrap_or(Technology::Fttp);
    let rule = if technology.is_copper() { KeyRule::Copper } else { KeyRule::NewFttp };
    let premises = hub.find_premises(&address_query(&args.address)?, rule).await?;
    // The journey is not known until the line check says whether a working line exists; the
    // check is needed for copper whatever the journey, and not for a new FTTP line.
    let availability = hub.check_availability(&premises, JourneyType::NewLineProvide.needs_line_check(&technology)).await?;
    let offer = availability.offer(&args.offer).cloned().ok_or_else(|| {
        let names: Vec<_> = availability.offers.iter().map(|o| o.name.as_str()).collect();
        CliError::new(Exit::NotAvailable, format!("{} is not available at {}; available: {}", args.offer, premises.openreach.one_line(), names.join(", ")))
    })?;
    let line = availability.lines.as_ref().and_then(|l| l.working.first()).map(|l| ExistingLine {
        access_line_id: l.access_line_id.clone(),
        directory_number: l.directory_number.clone(),
        working: true,
        product_type: l.product_type.clone(),
    });
    let journey = if line.is_some() && technology.is_copper() { JourneyType::Migration } else { JourneyType::NewLineProvide };
    let install = if offer.managed_install_required {
        let search = SlotSearch::fttp(premises.openreach_key(), args.from.unwrap_or_else(tomorrow));
        Install::Managed(hub.reserve_first_slot(&search).await?)
    } else {
        Install::SelfInstall
    };
    let plan = ProvidePlan {
        external_id: args.external_id.clone(),
        contract_term_months: args.term.unwrap_or(if technology == Technology::Fttp { 12 } else { 1 }),
        end_user: if args.business { EndUser::Business } else { EndUser::Residential },
        contact: contact(&args.contact)?,
        with_ip_address: false,
        requested_completion_date: None,
        line: if journey == JourneyType::Migration { line } else { None },
        premises,
        offer,
        journey,
        install,
    };
    let body = plan.to_order(hub)?;
    confirm(yes, "Provide order", &body)?;
    let handle = hub.submit_order(&plan.external_id, body).await?;
    emit(json, &handle, |h| format!("Order {} submitted (HTTP {}). BT confirms it by KSU; follow it with `bb1 order status --external-id {}`.", h.external_id, h.accepted_with.map(|s| s.to_string()).unwrap_or_else(|| "unknown".into()), h.external_id))
}

pub async fn modify(hub: &Hub, args: &ModifyArgs, yes: bool, json: bool) -> CliResult {
    let technology = args.offer.split_whitespace().next().map(Technology::parse).unwrap_or(Technology::Fttp);
    let rule = if technology.is_copper() { KeyRule::Copper } else { KeyRule::NewFttp };
    let premises = hub.find_premises(&address_query(&args.address)?, rule).await?;
    let check = hub.plan_modify(&args.service_id, &premises, &args.offer).await?;
    let appointment = if check.needs_appointment {
        Some(hub.reserve_first_slot(&SlotSearch::fttp(premises.openreach_key(), args.from.unwrap_or_else(tomorrow))).await?)
    } else {
        None
    };
    let plan = ModifyPlan { external_id: args.external_id.clone(), service_id: args.service_id.clone(), premises, target: args.offer.clone(), appointment };
    let body = hub.modify_order(&plan, &check)?;
    confirm(yes, "Modify order", &body)?;
    let handle = hub.submit_order(&plan.external_id, body).await?;
    emit(json, &handle, |h| format!("Modify order {} submitted; follow it with `bb1 order status --external-id {}`.", h.external_id, h.external_id))
}

pub async fn amend(hub: &Hub, args: &AmendArgs, yes: bool, json: bool) -> CliResult {
    let appointment = match (&args.appointment, &args.start, &args.end) {
        (Some(id), Some(start), Some(end)) => Some(Reservation { id: id.clone(), slot: Slot { label: String::new(), start: start.clone(), end: end.clone() } }),
        _ => None,
    };
    let amendment = Amendment { appointment, site_contact: None, requested_completion_date: args.date.clone() };
    confirm(yes, "Amendment", &json!({ "order": args.order_id, "appointment": args.appointment, "requestedCompletionDate": args.date }))?;
    let status = hub.amend(&args.order_id, &amendment).await?;
    emit(json, &json!({ "orderId": args.order_id, "status": status }), |_| format!("Amendment to order {} accepted (HTTP {status}); the outcome arrives by KSU.", args.order_id))
}

pub async fn cancel(hub: &Hub, args: &CancelArgs, yes: bool, json: bool) -> CliResult {
    confirm(yes, "Cancellation", &json!({ "order": args.order_id, "reason": args.reason }))?;
    let request = hub.cancel(&args.order_id, &args.reason).await?;
    emit(json, &request, |r| format!("Cancellation of order {} requested (HTTP {}); the outcome arrives by KSU.", r.bt_order_id, r.accepted_with))
}

pub async fn cease(hub: &Hub, args: &CeaseArgs, yes: bool, json: bool) -> CliResult {
    confirm(yes, "Cease", &json!({ "service": args.service_id, "externalId": args.external_id, "date": args.date }))?;
    let handle = hub.cease(&args.external_id, &args.service_id, args.date.as_deref()).await?;
    emit(json, &handle, |h| format!("Cease order {} submitted for {}.", h.external_id, args.service_id))
}

pub async fn status(hub: &Hub, args: &StatusArgs, json: bool) -> CliResult {
    let status: OrderStatus = match (&args.external_id, &args.order_id) {
        (Some(external_id), _) => hub
            .order_status(external_id)
            .await?
            .ok_or_else(|| CliError::new(Exit::NotAvailable, format!("BT has no order with externalId {external_id} (yet)")))?,
        (None, Some(id)) => hub.retrieve_order(id).await?,
        (None, None) => return Err(CliError::new(Exit::Input, "give --external-id or --order-id")),
    };
    emit(json, &status, |s| {
        let mut t = table(&["BT order", "externalId", "state", "sub-status", "service"]);
        t.add_row(vec![opt(&s.bt_order_id), opt(&s.external_id), opt(&s.state), opt(&s.sub_status), opt(&s.service_id)]);
        let errors = if s.errors.is_empty() { String::new() } else { format!("\nBT errors: {}", s.errors.join("; ")) };
        format!("{t}{errors}")
    })
}
