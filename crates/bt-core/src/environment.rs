//! BT's hosts and the path prefix each API family lives under.
//!
//! BT's published specs list bare hosts, but every BT example puts `/common` in front of the
//! Address and Appointment paths and `/hubco/tmf` in front of availability and ordering; the
//! generated crates' `servers` carry those prefixes, and this module lets a caller build the same
//! base URL for any host (the sandbox, production, or a local simulator).

/// BT production.
pub const PRODUCTION_HOST: &str = "https://api.wholesale.bt.com";
/// BT sandbox.
pub const SANDBOX_HOST: &str = "https://api-sandbox.wholesale.bt.com";

/// Where the Hub runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    Production,
    Sandbox,
    /// Any other host, e.g. the offline simulator on `http://127.0.0.1:PORT`.
    Custom(String),
}

impl Environment {
    /// The scheme and host, without a trailing slash.
    pub fn host(&self) -> &str {
        match self {
            Environment::Production => PRODUCTION_HOST,
            Environment::Sandbox => SANDBOX_HOST,
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }

    /// The base URL a generated client of `family` should be given.
    pub fn base_url(&self, family: ApiFamily) -> String {
        format!("{}{}", self.host(), family.prefix())
    }
}

/// The API families, by the path prefix BT serves them under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiFamily {
    /// `/oauth/accesstoken`, at the host root.
    OAuth,
    /// `/common`: Address Management, Appointment Management.
    Common,
    /// `/hubco/tmf`: product availability, ordering, inventory.
    HubcoTmf,
    /// Line availability. BT documents no prefix; `/common` is this toolkit's design default and
    /// should be overridden once BT confirms the real one.
    LineAvailability,
}

impl ApiFamily {
    pub fn prefix(self) -> &'static str {
        match self {
            ApiFamily::OAuth => "",
            ApiFamily::Common | ApiFamily::LineAvailability => "/common",
            ApiFamily::HubcoTmf => "/hubco/tmf",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_carry_the_family_prefix() {
        assert_eq!(
            Environment::Production.base_url(ApiFamily::Common),
            "https://api.wholesale.bt.com/common"
        );
        assert_eq!(
            Environment::Sandbox.base_url(ApiFamily::HubcoTmf),
            "https://api-sandbox.wholesale.bt.com/hubco/tmf"
        );
        assert_eq!(
            Environment::Custom("http://127.0.0.1:8080/".into()).base_url(ApiFamily::OAuth),
            "http://127.0.0.1:8080"
        );
    }
}
