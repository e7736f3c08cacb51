//! Provide: a validated plan for a new Broadband One service, turned into BT's order body and
//! submitted once.

use serde_json::{Value, json};

use crate::config::Account;
use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::journeys::appointments::Reservation;
use crate::journeys::availability::{Offer, Technology};
use crate::journeys::premises::{Premises, Qualifier};
use crate::order::OrderHandle;
use crate::validate;

/// The provide journey, which becomes `ATT_X_JOURNEYTYPE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JourneyType {
    /// A new line: from scratch, or FTTP on an existing ONT.
    NewLineProvide,
    /// Start service on a stopped copper line.
    StoppedLineStart,
    /// Take over a working copper line.
    WorkingLineTakeover,
    /// Move the end user's service from another provider (possibly changing technology).
    Migration,
}

impl JourneyType {
    /// Whether the journey acts on an existing copper line (and so needs a line check).
    pub fn uses_existing_line(&self) -> bool {
        !matches!(self, JourneyType::NewLineProvide)
    }

    /// Whether BT's rules call for a line availability check before ordering `technology` on
    /// this journey: every copper product (to find working and stopped lines and spare pairs), and
    /// every journey on an existing line (a stopped line, a takeover, a migration, including
    /// copper to FTTP, which needs the copper line's id). A new FTTP line needs none.
    pub fn needs_line_check(&self, technology: &Technology) -> bool {
        technology.is_copper() || self.uses_existing_line()
    }
}

/// The literals sent for each journey. BT's material shows only `NewLineProvide` and
/// `Migration`; the other two are design defaults (not confirmed by BT): set them from BT's
/// product-codes table once you have it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyLiterals {
    pub new_line_provide: String,
    pub stopped_line_start: String,
    pub working_line_takeover: String,
    pub migration: String,
}

impl Default for JourneyLiterals {
    fn default() -> Self {
        JourneyLiterals {
            new_line_provide: "NewLineProvide".into(),
            stopped_line_start: "StoppedLineStart".into(),
            working_line_takeover: "WorkingLineTakeover".into(),
            migration: "Migration".into(),
        }
    }
}

impl JourneyLiterals {
    pub fn literal(&self, journey: &JourneyType) -> &str {
        match journey {
            JourneyType::NewLineProvide => &self.new_line_provide,
            JourneyType::StoppedLineStart => &self.stopped_line_start,
            JourneyType::WorkingLineTakeover => &self.working_line_takeover,
            JourneyType::Migration => &self.migration,
        }
    }
}

/// Who Openreach and BT contact about the installation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub phone: String,
}

impl Contact {
    fn validate(&self, field: &str) -> Result<()> {
        validate::not_empty(&format!("{field}.given_name"), &self.given_name)?;
        validate::not_empty(&format!("{field}.family_name"), &self.family_name)?;
        if !self.email.contains('@') {
            return Err(HubError::invalid(format!("{field}.email"), format!("`{}` is not an email address", self.email)));
        }
        validate::directory_number(&format!("{field}.phone"), &self.phone)
    }

    pub(crate) fn party(&self, role: &str) -> Value {
        json!({
            "id": "-1",
            "role": role,
            "givenName": self.given_name,
            "familyName": self.family_name,
            "contactMedium": [
                { "mediumType": "email", "characteristic": { "contactType": "Primary Work", "emailAddress": self.email } },
                { "mediumType": "telephone", "characteristic": { "contactType": "Primary Work", "phoneNumber": self.phone } }
            ],
            "@type": "BTRelatedParty",
            "@referredType": "Individual",
        })
    }
}

/// Who the service is for (`ATT_RT_EndUserType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndUser {
    Residential,
    Business,
}

/// How the service is installed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Install {
    /// The end user plugs in (`ATT_RT_InstallType=S`); no appointment.
    SelfInstall,
    /// An Openreach engineer visits (`ATT_RT_InstallType=M`) at the reserved slot.
    Managed(Reservation),
}

/// The existing copper line a journey acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingLine {
    pub access_line_id: Option<String>,
    pub directory_number: Option<String>,
    /// `Working` or `Stopped` (`ATT_RT_AccessLineType`).
    pub working: bool,
    /// The product on the line now (`existingLineProductType`; SOGEA and SOADSL orders only).
    pub product_type: Option<String>,
}

/// Everything a provide order needs, checked by [`ProvidePlan::validate`] before anything is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvidePlan {
    /// Your reference: unique per order, and your only handle until BT's first KSU.
    pub external_id: String,
    pub premises: Premises,
    pub offer: Offer,
    pub journey: JourneyType,
    pub install: Install,
    pub line: Option<ExistingLine>,
    pub contact: Contact,
    pub end_user: EndUser,
    /// Contract length in months (`ATT_RT_ContractTerm`); integrators report 12 for FTTP, 1 for SOGEA.
    pub contract_term_months: u32,
    /// Ask for a static IP child product as well.
    pub with_ip_address: bool,
    /// The requested completion date for a self-install (RFC 3339); a managed install uses the
    /// slot's start.
    pub requested_completion_date: Option<String>,
}

/// The characteristics BT needs on the access item, by technology and journey.
pub fn required_characteristics(technology: &Technology, journey: &JourneyType) -> Vec<&'static str> {
    let mut names = vec![
        "ATT_RT_AccessTechnology",
        "ATT_RT_InstallType",
        "ATT_X_JOURNEYTYPE",
        "ATT_RT_EndUserType",
        "ATT_RT_TrafficWeighting",
        "ATT_RT_ContractTerm",
        "ATT_RT_ContractTermUnit",
        "ATT_RT_ResellerID",
        "ATT_RT_ProductMinimumGuaranteedSpeed",
    ];
    if *technology == Technology::Fttp {
        names.push("ATT_RT_ONTType");
    }
    if journey.uses_existing_line() {
        names.push("ATT_RT_AccessLineType");
        names.push("ATT_X_AccessLineID");
    }
    if journey.uses_existing_line() && technology.is_copper() {
        names.push("existingLineProductType");
    }
    names
}

impl ProvidePlan {
    /// Checks the plan against BT's rules; an error names the field and nothing is sent.
    pub fn validate(&self, account: &Account) -> Result<()> {
        validate::external_id("external_id", &self.external_id)?;
        validate::openreach_key("premises.openreach_key", self.premises.openreach_key())?;
        validate::robt_key("premises.robt_key", &self.premises.robt_key)?;
        let district = self.premises.district_code().ok_or_else(|| HubError::invalid("premises.district_code", "missing; BT returns it with a Gold key"))?;
        validate::district_code("premises.district_code", district)?;
        validate::not_empty("account.cug_id", &account.cug_id)?;
        validate::not_empty("account.reseller_id", &account.reseller_id)?;
        validate::not_empty("account.billing_account", &account.billing_account)?;
        self.contact.validate("contact")?;
        let new_fttp = self.offer.technology == Technology::Fttp && self.journey != JourneyType::StoppedLineStart;
        if new_fttp && self.premises.openreach.qualifier != Some(Qualifier::Gold) {
            return Err(HubError::invalid("premises.openreach_key", "new FTTP needs a Gold Openreach address key"));
        }
        if self.offer.managed_install_required && self.install == Install::SelfInstall {
            return Err(HubError::invalid("install", format!("{} needs an Openreach engineer: reserve an appointment and use Install::Managed", self.offer.name)));
        }
        if let Install::Managed(r) = &self.install {
            validate::not_empty("install.reservation.id", &r.id)?;
        }
        if self.journey.uses_existing_line() {
            let line = self.line.as_ref().ok_or_else(|| HubError::invalid("line", format!("a {:?} journey acts on an existing line: give its access line id from the line check", self.journey)))?;
            let alid = line.access_line_id.as_deref().unwrap_or("");
            validate::not_empty("line.access_line_id", alid)?;
            if let Some(dn) = &line.directory_number {
                validate::directory_number("line.directory_number", dn)?;
            }
        }
        if self.contract_term_months == 0 {
            return Err(HubError::invalid("contract_term_months", "must be at least 1"));
        }
        Ok(())
    }

    /// The `ATT_*` characteristics of the access item, in BT's order.
    pub fn characteristics(&self, account: &Account, literals: &JourneyLiterals) -> Vec<(String, String)> {
        let install = match self.install {
            Install::SelfInstall => "S",
            Install::Managed(_) => "M",
        };
        let mut c: Vec<(&str, String)> = vec![
            ("ATT_RT_InstallType", install.into()),
            ("ATT_RT_AccessTechnology", self.offer.technology.literal().into()),
            ("ATT_X_JOURNEYTYPE", literals.literal(&self.journey).into()),
        ];
        if self.offer.technology == Technology::Fttp {
            c.push(("ATT_RT_ONTType", self.offer.ont_type.clone().unwrap_or_else(|| "New ONT".into())));
        }
        if let Some(speed) = &self.offer.minimum_guaranteed_speed {
            c.push(("ATT_RT_ProductMinimumGuaranteedSpeed", speed.clone()));
        }
        c.push(("ATT_RT_EndUserType", format!("{:?}", self.end_user)));
        c.push(("ATT_RT_TrafficWeighting", "Standard".into()));
        c.push(("ATT_RT_ContractTerm", self.contract_term_months.to_string()));
        c.push(("ATT_RT_ContractTermUnit", "Month".into()));
        c.push(("ATT_RT_ResellerID", account.reseller_id.clone()));
        if let (true, Some(line)) = (self.journey.uses_existing_line(), &self.line) {
            c.push(("ATT_RT_AccessLineType", if line.working { "Working" } else { "Stopped" }.into()));
            if let Some(alid) = &line.access_line_id {
                c.push(("ATT_X_AccessLineID", alid.clone()));
            }
            if let Some(dn) = &line.directory_number {
                c.push(("ATT_RT_DirectoryNumber", dn.clone()));
            }
            if self.offer.technology.is_copper()
                && let Some(product) = &line.product_type {
                    c.push(("existingLineProductType", product.clone()));
                }
        }
        c.into_iter().map(|(n, v)| (n.to_string(), v)).collect()
    }

    /// BT's order body (fact sheet §7.9): the access item with both places, characteristics,
    /// contacts and billing account, and child items for care, IP and managed install.
    pub fn to_order(&self, hub: &Hub) -> Result<Value> {
        let config = hub.config();
        self.validate(&config.account)?;
        let characteristics = self.characteristics(&config.account, &config.journey_literals);
        let missing: Vec<&str> = required_characteristics(&self.offer.technology, &self.journey)
            .into_iter()
            .filter(|name| !characteristics.iter().any(|(n, _)| n == name))
            .collect();
        if !missing.is_empty() {
            return Err(HubError::invalid("plan", format!("the order would lack {}: the availability answer did not supply them", missing.join(", "))));
        }
        let catalogue = &config.catalogue;
        let access_code = catalogue.access_code(&self.offer.name)?.to_string();
        validate::offering_code("offer", &access_code)?;
        let mut children = vec![child("100.1", catalogue.care_for(&self.offer.technology))];
        if self.with_ip_address {
            children.push(child("100.2", &catalogue.ip_address));
        }
        let mut item = json!({
            "id": "100",
            "action": "add",
            "@type": "BTProductOrderItem",
            "product": {
                "@type": "BTProductRefOrValue",
                "productOffering": { "id": access_code },
                "place": [
                    { "id": self.premises.robt_key, "role": "SiteAddress", "@type": "btRelatedPlaceRefOrValue" },
                    { "id": self.premises.openreach_key(), "role": "OpenreachAddress", "address": { "districtCode": self.premises.district_code() }, "@type": "btRelatedPlaceRefOrValue" }
                ],
                "productCharacteristic": characteristics.iter().map(|(n, v)| json!({ "name": n, "value": v })).collect::<Vec<_>>(),
                "relatedParty": [self.contact.party("PrimarySiteContact")],
            },
            "billingAccount": { "id": config.account.billing_account },
        });
        let requested = match &self.install {
            Install::Managed(reservation) => {
                item["appointment"] = json!({ "id": reservation.id, "@type": "AppointmentRef" });
                children.push(child(&format!("100.{}", children.len() + 1), &catalogue.managed_install));
                Some(reservation.slot.start.clone())
            }
            Install::SelfInstall => self.requested_completion_date.clone(),
        };
        item["productOrderItem"] = Value::Array(children);
        let mut order = json!({
            "@type": "BTProductOrder",
            "externalId": self.external_id,
            "relatedParty": [account_party(&config.account)],
            "productOrderItem": [item],
        });
        if let Some(date) = requested {
            order["requestedCompletionDate"] = json!(date);
        }
        Ok(order)
    }
}

pub(crate) fn account_party(account: &Account) -> Value {
    json!({ "id": account.cug_id, "role": "BtCug", "@type": "BTRelatedParty", "@referredType": "Customer" })
}

fn child(id: &str, offering: &str) -> Value {
    json!({ "id": id, "action": "add", "@type": "BTProductOrderItem", "product": { "@type": "BTProductRefOrValue", "productOffering": { "id": offering } } })
}

impl Hub {
    /// Validates the plan, builds the order and submits it once. See [`Hub::submit_order`] for
    /// what happens when the answer is lost.
    pub async fn provide(&self, plan: &ProvidePlan) -> Result<OrderHandle> {
        let order = plan.to_order(self)?;
        self.submit_order(&plan.external_id, order).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_checks_follow_bts_rules() {
        assert!(!JourneyType::NewLineProvide.needs_line_check(&Technology::Fttp));
        assert!(JourneyType::NewLineProvide.needs_line_check(&Technology::Sogea));
        assert!(JourneyType::Migration.needs_line_check(&Technology::Fttp), "copper to FTTP needs the copper line's id");
        assert!(JourneyType::StoppedLineStart.needs_line_check(&Technology::Soadsl));
        assert!(JourneyType::WorkingLineTakeover.needs_line_check(&Technology::Sogea));
    }

    #[test]
    fn required_characteristics_grow_with_the_journey() {
        let fttp_new = required_characteristics(&Technology::Fttp, &JourneyType::NewLineProvide);
        assert!(fttp_new.contains(&"ATT_RT_ONTType") && !fttp_new.contains(&"ATT_X_AccessLineID"));
        let sogea_migration = required_characteristics(&Technology::Sogea, &JourneyType::Migration);
        assert!(sogea_migration.contains(&"ATT_X_AccessLineID") && sogea_migration.contains(&"existingLineProductType"));
        assert!(!sogea_migration.contains(&"ATT_RT_ONTType"));
    }
}
