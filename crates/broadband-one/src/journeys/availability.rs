//! Check availability: what can be ordered at a premises or on a line, and which copper lines
//! exist there.

use bt_line_availability::types::{AccessLine, LineAvailability};
use bt_product_availability::types::{ProductOfferingQualificationRequest, QualificationItem};
use serde_json::{Value, json};

use crate::error::{HubError, Result};
use crate::hub::Hub;
use crate::journeys::premises::Premises;
use crate::validate;

/// An access technology.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Technology {
    Fttp,
    Sogea,
    Soadsl,
    Other(String),
}

impl Technology {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "FTTP" => Technology::Fttp,
            "SOGEA" => Technology::Sogea,
            "SOADSL" | "ADSL" => Technology::Soadsl,
            _ => Technology::Other(s.trim().to_string()),
        }
    }

    /// The literal BT's order attribute `ATT_RT_AccessTechnology` takes.
    pub fn literal(&self) -> &str {
        match self {
            Technology::Fttp => "FTTP",
            Technology::Sogea => "SOGEA",
            Technology::Soadsl => "SOADSL",
            Technology::Other(s) => s,
        }
    }

    pub fn is_copper(&self) -> bool {
        matches!(self, Technology::Sogea | Technology::Soadsl)
    }
}

/// One product offering BT says can be ordered.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Offer {
    /// BT's offering name, e.g. `FTTP 500_75M` (the order needs its E-code; see the catalogue).
    pub name: String,
    pub technology: Technology,
    pub download_mbps: Option<f64>,
    pub upload_mbps: Option<f64>,
    /// Minimum guaranteed speed in Mbps, as BT writes it (`ATT_RT_ProductMinimumGuaranteedSpeed`).
    pub minimum_guaranteed_speed: Option<String>,
    /// Whether an Openreach engineer must visit (an appointment is then needed).
    pub managed_install_required: bool,
    /// FTTP: `New ONT` or `Existing ONT` (`ATT_RT_ONTType`).
    pub ont_type: Option<String>,
    /// FTTP: whether an existing ONT has a free data port.
    pub ont_port_available: Option<bool>,
    /// Line-based checks: e.g. `BTW ADSL to BTW SoGEA`.
    pub migration_scenario: Option<String>,
}

impl Offer {
    fn from_item(item: QualificationItem) -> Option<Self> {
        let product = item.product?;
        let name = product.product_offering.and_then(|o| o.id.or(o.name))?;
        let chars: Vec<(String, String)> = product
            .product_characteristic
            .into_iter()
            .filter_map(|c| Some((c.name?, value_text(c.value?)?)))
            .collect();
        let get = |key: &str| chars.iter().find(|(n, _)| n.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone());
        if get("AVAILABILITY_FLAG").is_some_and(|f| f.eq_ignore_ascii_case("N")) {
            return None;
        }
        let technology = get("AccessTechnology")
            .map(|t| Technology::parse(&t))
            .or_else(|| name.split_whitespace().next().map(Technology::parse))?;
        let yes = |key: &str| get(key).map(|v| v.eq_ignore_ascii_case("Y"));
        let ont_type = get("ONTType");
        // When BT does not say, an FTTP line on a new ONT needs an engineer; others self-install.
        let managed_install_required = yes("ManagedInstallRequired")
            .unwrap_or(technology == Technology::Fttp && ont_type.as_deref() != Some("Existing ONT"));
        Some(Offer {
            download_mbps: get("productAdvertisedDownloadSpeed").and_then(|v| v.parse().ok()),
            upload_mbps: get("productAdvertisedUploadSpeed").and_then(|v| v.parse().ok()),
            minimum_guaranteed_speed: get("productMinimumGuaranteedSpeed"),
            ont_port_available: yes("ONTPortAvailable"),
            migration_scenario: get("MigrationScenario"),
            managed_install_required,
            ont_type,
            technology,
            name,
        })
    }
}

fn value_text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if b { "Y".into() } else { "N".into() }),
        _ => None,
    }
}

/// A copper line at the premises.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CopperLine {
    pub access_line_id: Option<String>,
    pub directory_number: Option<String>,
    /// The product on the line now (`existingLineProductType` in SOGEA/SOADSL orders).
    pub product_type: Option<String>,
    /// A working service on the line is being ceased (a takeover may then be possible).
    pub pending_cease: bool,
    pub stopped_date: Option<String>,
}

impl CopperLine {
    fn from_bt(l: AccessLine) -> Self {
        CopperLine {
            access_line_id: l.access_line_id,
            directory_number: l.directory_number,
            product_type: l.product_type,
            pending_cease: l.pending_cease_order_indicator.is_some_and(|p| p.eq_ignore_ascii_case("Y")),
            stopped_date: l.stopped_date,
        }
    }
}

/// The copper lines at a premises.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LineReport {
    pub working: Vec<CopperLine>,
    pub stopped: Vec<CopperLine>,
    /// Spare copper pairs at the distribution point, for a new line.
    pub spare_pairs: Option<u32>,
}

impl LineReport {
    fn from_bt(l: LineAvailability) -> Self {
        LineReport {
            working: l.list_of_working_line.map(|w| w.working_line).unwrap_or_default().into_iter().map(CopperLine::from_bt).collect(),
            stopped: l.list_of_stopped_line.map(|s| s.stopped_line).unwrap_or_default().into_iter().map(CopperLine::from_bt).collect(),
            spare_pairs: l.spare_pair_count.and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))).map(|n| n as u32),
        }
    }
}

/// What a line-based check is keyed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineRef {
    DirectoryNumber(String),
    AccessLineId(String),
}

/// Offers, and the line report when a line check was needed.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Availability {
    pub offers: Vec<Offer>,
    pub lines: Option<LineReport>,
}

impl Availability {
    /// The offer called `name` (e.g. `FTTP 500_75M`).
    pub fn offer(&self, name: &str) -> Option<&Offer> {
        self.offers.iter().find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The fastest offer of a technology.
    pub fn fastest(&self, technology: &Technology) -> Option<&Offer> {
        self.offers
            .iter()
            .filter(|o| &o.technology == technology)
            .max_by(|a, b| a.download_mbps.unwrap_or(0.0).total_cmp(&b.download_mbps.unwrap_or(0.0)))
    }
}

impl Hub {
    /// Address-based product availability for a premises (Gold key + district code).
    pub async fn product_availability(&self, premises: &Premises) -> Result<Vec<Offer>> {
        validate::openreach_key("premises.openreach_key", premises.openreach_key())?;
        let district = premises.district_code().ok_or_else(|| HubError::invalid("premises.district_code", "the Openreach record has no district code; BT returns it for Gold keys"))?;
        validate::district_code("premises.district_code", district)?;
        let place = json!([{ "id": premises.openreach_key(), "districtId": district, "role": "install address", "@referredType": "btNADLocationReference" }]);
        self.qualify(json!({ "place": place }), "74").await
    }

    /// Line-based product availability (directory number or access line id): for stopped-line
    /// starts, takeovers and migrations; also returns the migration scenario.
    pub async fn line_product_availability(&self, line: &LineRef) -> Result<Vec<Offer>> {
        let (name, value) = match line {
            LineRef::DirectoryNumber(dn) => {
                validate::directory_number("line.directory_number", dn)?;
                ("DirectoryNumber", dn)
            }
            LineRef::AccessLineId(alid) => {
                validate::not_empty("line.access_line_id", alid)?;
                ("AccessLineId", alid)
            }
        };
        self.qualify(json!({ "productCharacteristic": [{ "name": name, "value": value }] }), "75").await
    }

    async fn qualify(&self, location: Value, item_id: &str) -> Result<Vec<Offer>> {
        let mut product = json!({ "@type": "Product", "productOffering": { "id": "BroadbandOne", "@referredType": "btProductOfferingFamily" } });
        if let (Some(p), Some(l)) = (product.as_object_mut(), location.as_object()) {
            p.extend(l.clone());
        }
        let body = json!({
            "@type": "btProductOfferingQualification",
            "instantSyncQualification": true,
            "provideAlternative": true,
            "provideOnlyAvailable": true,
            "provideUnavailabilityReason": false,
            "productOfferingQualificationItem": [{ "id": item_id, "action": "add", "@type": "btProductOfferingQualificationItem", "product": product }],
            "relatedParty": [{ "id": self.config().account.cug_id, "role": "BtCug", "@type": "BTRelatedParty", "@referredType": "Customer" }],
        });
        let body: ProductOfferingQualificationRequest = serde_json::from_value(body)
            .map_err(|e| HubError::invalid("availability request", format!("cannot be sent to BT: {e}")))?;
        let send = self
            .availability()
            .create_product_offering_qualification()
            .body(body)
            .send();
        let answer = self.call(send).await?;
        Ok(answer.into_inner().product_offering_qualification_item.into_iter().filter_map(Offer::from_item).collect())
    }

    /// The working and stopped copper lines, and spare pairs, at a premises (Gold key + district).
    pub async fn line_availability(&self, premises: &Premises) -> Result<LineReport> {
        validate::openreach_key("premises.openreach_key", premises.openreach_key())?;
        let district = premises.district_code().ok_or_else(|| HubError::invalid("premises.district_code", "the Openreach record has no district code; BT returns it for Gold keys"))?;
        let send = self
            .lines()
            .get_line_availability()
            .district_code(district)
            .nad(premises.openreach_key())
            .send();
        let answer = self.call(send).await?;
        Ok(LineReport::from_bt(answer.into_inner()))
    }

    /// Product availability, plus the line check when the journey needs one (copper, a stopped
    /// or working line, a migration). Both run at once when both are needed.
    pub async fn check_availability(&self, premises: &Premises, needs_line_check: bool) -> Result<Availability> {
        if needs_line_check {
            let (offers, lines) = tokio::join!(self.product_availability(premises), self.line_availability(premises));
            Ok(Availability { offers: offers?, lines: Some(lines?) })
        } else {
            Ok(Availability { offers: self.product_availability(premises).await?, lines: None })
        }
    }
}
