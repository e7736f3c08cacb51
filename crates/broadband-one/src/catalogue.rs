//! BT's product offering codes (E-codes). Availability answers with names (`FTTP 160_30M`); an
//! order needs the code from BT's "Access technology product codes" table, which BT has not
//! published in full. The defaults hold only codes that public BT material shows; add the rest
//! from your BT table with [`Catalogue::with_access`].

use std::collections::BTreeMap;

use crate::error::{HubError, Result};
use crate::journeys::availability::Technology;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    access: BTreeMap<String, String>,
    /// Care for FTTP (and FTTC/SOADSL): integrators use `E0000028` (Standard Care).
    pub care_fttp: String,
    /// Care for SOGEA: `E0000154` (Basic Care) in BT's KSU example, per integrators.
    pub care_sogea: String,
    /// IP addressing child offering: `E0000703` in BT's KSU example.
    pub ip_address: String,
    /// Managed install child offering: `E0000153` in BT's KSU example.
    pub managed_install: String,
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue {
            access: BTreeMap::from([
                ("FTTP 160_30M".to_string(), "E0000160".to_string()),
                ("SOGEA 0.5_0.5M".to_string(), "E0000429".to_string()),
            ]),
            care_fttp: "E0000028".into(),
            care_sogea: "E0000154".into(),
            ip_address: "E0000703".into(),
            managed_install: "E0000153".into(),
        }
    }
}

impl Catalogue {
    /// Adds or replaces the E-code of an access offering name.
    pub fn with_access(mut self, name: impl Into<String>, code: impl Into<String>) -> Self {
        self.access.insert(normalise(&name.into()), code.into());
        self
    }

    /// The E-code of an access offering, e.g. `FTTP 160_30M` → `E0000160`.
    pub fn access_code(&self, name: &str) -> Result<&str> {
        self.access.get(&normalise(name)).map(String::as_str).ok_or_else(|| {
            HubError::invalid(
                "offer",
                format!("no E-code is known for `{name}`; add it from BT's access technology product codes table with Catalogue::with_access"),
            )
        })
    }

    pub fn care_for(&self, technology: &Technology) -> &str {
        match technology {
            Technology::Sogea => &self.care_sogea,
            _ => &self.care_fttp,
        }
    }

    pub fn access_offerings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.access.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_and_a_clear_error_for_unknown_ones() {
        let c = Catalogue::default();
        assert_eq!(c.access_code("FTTP 160_30M").expect("known"), "E0000160");
        assert_eq!(c.access_code("fttp  160_30m").expect("case and spaces"), "E0000160");
        let e = c.access_code("FTTP 900_110M").expect_err("unknown");
        assert!(e.to_string().contains("FTTP 900_110M") && e.to_string().contains("with_access"), "{e}");
        let c = c.with_access("FTTP 900_110M", "E0000999");
        assert_eq!(c.access_code("FTTP 900_110M").expect("added"), "E0000999");
    }
}
