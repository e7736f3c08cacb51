//! `bb1 address search`, `bb1 availability`, `bb1 line-check`.

use broadband_one::{AddressRecord, Hub, KeyRule, Premises};
use serde::Serialize;

use crate::cli::{AddressArgs, PremisesArgs};
use crate::commands::address_query;
use crate::exit::CliResult;
use crate::output::{emit, opt, table};

pub async fn search(hub: &Hub, args: &AddressArgs, json: bool) -> CliResult {
    let records = hub.search_addresses(&address_query(args)?).await?;
    emit(json, &records, |records| {
        let mut t = table(&["key", "source", "qualifier", "district", "paired with", "address"]);
        for r in records.iter() {
            t.add_row(vec![
                r.key.clone(),
                format!("{:?}", r.source),
                r.qualifier.as_ref().map(|q| format!("{q:?}")).unwrap_or_else(|| "-".into()),
                opt(&r.district_code),
                opt(&r.matched_key),
                r.one_line(),
            ]);
        }
        if records.is_empty() { "No matching address.".into() } else { t.to_string() }
    })
}

pub async fn premises(hub: &Hub, args: &PremisesArgs) -> CliResult<Premises> {
    let rule = if args.copper { KeyRule::Copper } else { KeyRule::NewFttp };
    Ok(hub.find_premises(&address_query(&args.address)?, rule).await?)
}

#[derive(Serialize)]
struct AvailabilityView<'a> {
    premises: &'a AddressRecord,
    robt_key: &'a str,
    offers: &'a [broadband_one::Offer],
}

pub async fn availability(hub: &Hub, args: &PremisesArgs, json: bool) -> CliResult {
    let premises = premises(hub, args).await?;
    let offers = hub.product_availability(&premises).await?;
    let view = AvailabilityView { premises: &premises.openreach, robt_key: &premises.robt_key, offers: &offers };
    emit(json, &view, |v| {
        let mut t = table(&["offer", "technology", "down/up Mbps", "min guaranteed", "engineer", "ONT"]);
        for o in v.offers {
            t.add_row(vec![
                o.name.clone(),
                o.technology.literal().to_string(),
                format!("{}/{}", o.download_mbps.unwrap_or_default(), o.upload_mbps.unwrap_or_default()),
                opt(&o.minimum_guaranteed_speed),
                if o.managed_install_required { "needed" } else { "self install" }.to_string(),
                opt(&o.ont_type),
            ]);
        }
        format!("{} (Openreach {}, RoBT {})\n{t}", v.premises.one_line(), v.premises.key, v.robt_key)
    })
}

pub async fn line_check(hub: &Hub, args: &PremisesArgs, json: bool) -> CliResult {
    let premises = premises(hub, args).await?;
    let report = hub.line_availability(&premises).await?;
    emit(json, &report, |r| {
        let mut t = table(&["line", "access line id", "number", "product", "pending cease"]);
        for (kind, lines) in [("working", &r.working), ("stopped", &r.stopped)] {
            for l in lines {
                t.add_row(vec![kind.to_string(), opt(&l.access_line_id), opt(&l.directory_number), opt(&l.product_type), l.pending_cease.to_string()]);
            }
        }
        let spare = r.spare_pairs.map(|n| n.to_string()).unwrap_or_else(|| "unknown".into());
        format!("{t}\nSpare copper pairs at the DP: {spare}")
    })
}
