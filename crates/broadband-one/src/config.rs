//! How a [`crate::Hub`] is set up: where BT is, who you are, how patient to be.

use std::collections::HashMap;
use std::time::Duration;

use bt_core::{ApiFamily, Environment};

use crate::catalogue::Catalogue;
use crate::error::{HubError, Result};
use crate::secret::Secret;

/// One of BT's APIs, for per-API base URL overrides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Api {
    OAuth,
    Address,
    ProductAvailability,
    LineAvailability,
    Appointment,
    ProductOrder,
    ProductInventory,
}

impl Api {
    pub fn family(self) -> ApiFamily {
        match self {
            Api::OAuth => ApiFamily::OAuth,
            Api::Address | Api::Appointment => ApiFamily::Common,
            Api::LineAvailability => ApiFamily::LineAvailability,
            Api::ProductAvailability | Api::ProductOrder | Api::ProductInventory => ApiFamily::HubcoTmf,
        }
    }
}

/// Your BT Wholesale account: these go into payloads, not into OAuth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Closed user group id, e.g. `CUG5023769999` (POQ and order `relatedParty` role `BtCug`).
    pub cug_id: String,
    /// Ofcom reseller id (`ATT_RT_ResellerID`).
    pub reseller_id: String,
    /// BT billing account number (order item `billingAccount.id`).
    pub billing_account: String,
}

/// Retry policy for operations that are safe to repeat (searches, availability, lookups).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, including the first.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry starts after this much time has passed since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

/// Everything a [`crate::Hub`] needs. Build it in code or with [`HubConfig::from_env`].
#[derive(Clone, Debug)]
pub struct HubConfig {
    pub environment: Environment,
    /// Full base URLs for single APIs, e.g. the line availability prefix once BT confirms it.
    pub base_url_overrides: HashMap<Api, String>,
    /// The token URL; default `{host}/oauth/accesstoken`.
    pub token_url: Option<String>,
    pub client_id: String,
    pub client_secret: Secret,
    pub account: Account,
    /// `productFamily` header value; `BB1hub` is the spelling seen working on production.
    pub product_family: String,
    /// `APIGW-Client-Id` on order calls; defaults to the client id (the app's consumer key).
    pub api_client_id: Option<String>,
    /// PEM certificate chain followed by a PKCS#8 key, for mutual TLS.
    pub identity_pem: Option<Secret>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Offering names → BT E-codes.
    pub catalogue: Catalogue,
    /// `ATT_X_JOURNEYTYPE` literals for the journeys BT has not published (see `JourneyType`).
    pub journey_literals: crate::journeys::provide::JourneyLiterals,
}

/// The environment variables [`HubConfig::from_env`] reads.
pub mod env_vars {
    pub const CLIENT_ID: &str = "BB1_CLIENT_ID";
    pub const CLIENT_SECRET: &str = "BB1_CLIENT_SECRET";
    pub const CUG_ID: &str = "BB1_CUG_ID";
    pub const RESELLER_ID: &str = "BB1_RESELLER_ID";
    pub const BILLING_ACCOUNT: &str = "BB1_BILLING_ACCOUNT";
    pub const ENV: &str = "BB1_ENV";
    pub const BASE_URL: &str = "BB1_BASE_URL";
    pub const PRODUCT_FAMILY: &str = "BB1_PRODUCT_FAMILY";
    pub const IDENTITY_PEM: &str = "BB1_IDENTITY_PEM";
}

impl HubConfig {
    /// A configuration with default timeouts and retries.
    pub fn new(environment: Environment, client_id: impl Into<String>, client_secret: impl Into<Secret>, account: Account) -> Self {
        HubConfig {
            environment,
            base_url_overrides: HashMap::new(),
            token_url: None,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            account,
            product_family: "BB1hub".to_string(),
            api_client_id: None,
            identity_pem: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            catalogue: Catalogue::default(),
            journey_literals: Default::default(),
        }
    }

    /// Reads `BB1_CLIENT_ID`, `BB1_CLIENT_SECRET`, `BB1_CUG_ID`, `BB1_RESELLER_ID`,
    /// `BB1_BILLING_ACCOUNT`, and `BB1_ENV=sandbox|production` or `BB1_BASE_URL`; optionally
    /// `BB1_PRODUCT_FAMILY` and `BB1_IDENTITY_PEM` (a file path).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`HubConfig::from_env`], reading variables through `get` (testable).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        use env_vars::*;
        let required = |name: &str| -> Result<String> {
            get(name).filter(|v| !v.trim().is_empty()).ok_or_else(|| HubError::invalid(name, format!("environment variable {name} is not set; set it to your BT value")))
        };
        let environment = match (get(BASE_URL).filter(|v| !v.is_empty()), get(ENV).as_deref()) {
            (Some(url), _) => Environment::Custom(url),
            (None, Some("production")) => Environment::Production,
            (None, Some("sandbox")) | (None, None) => Environment::Sandbox,
            (None, Some(other)) => {
                return Err(HubError::invalid(ENV, format!("`{other}` is not an environment; use sandbox or production, or set {BASE_URL}")));
            }
        };
        // Credentials first: they are what a new user most often lacks.
        let client_id = required(CLIENT_ID)?;
        let client_secret = Secret::new(required(CLIENT_SECRET)?);
        let account = Account {
            cug_id: required(CUG_ID)?,
            reseller_id: required(RESELLER_ID)?,
            billing_account: required(BILLING_ACCOUNT)?,
        };
        let mut config = HubConfig::new(environment, client_id, client_secret, account);
        if let Some(family) = get(PRODUCT_FAMILY).filter(|v| !v.is_empty()) {
            config.product_family = family;
        }
        if let Some(path) = get(IDENTITY_PEM).filter(|v| !v.is_empty()) {
            let pem = std::fs::read_to_string(&path)
                .map_err(|e| HubError::invalid(IDENTITY_PEM, format!("cannot read {path}: {e}")))?;
            config.identity_pem = Some(Secret::new(pem));
        }
        Ok(config)
    }

    /// The base URL the generated client of `api` is given.
    pub fn base_url(&self, api: Api) -> String {
        self.base_url_overrides
            .get(&api)
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| self.environment.base_url(api.family()))
    }

    pub fn token_url(&self) -> String {
        self.token_url.clone().unwrap_or_else(|| format!("{}/oauth/accesstoken", self.base_url(Api::OAuth)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    const FULL: &[(&str, &str)] = &[
        ("BB1_CLIENT_ID", "id"),
        ("BB1_CLIENT_SECRET", "shh"),
        ("BB1_CUG_ID", "CUG5023769999"),
        ("BB1_RESELLER_ID", "ZYX"),
        ("BB1_BILLING_ACCOUNT", "0455123456"),
    ];

    #[test]
    fn reads_every_variable_and_defaults_to_the_sandbox() {
        let config = HubConfig::from_lookup(vars(FULL)).expect("config");
        assert_eq!(config.environment, Environment::Sandbox);
        assert_eq!(config.account.cug_id, "CUG5023769999");
        assert_eq!(config.base_url(Api::ProductOrder), "https://api-sandbox.wholesale.bt.com/hubco/tmf");
        assert_eq!(config.token_url(), "https://api-sandbox.wholesale.bt.com/oauth/accesstoken");
        assert!(!format!("{config:?}").contains("shh"));
    }

    #[test]
    fn a_missing_variable_is_named() {
        let err = HubConfig::from_lookup(vars(&FULL[..4])).expect_err("missing billing account");
        assert_eq!(err.to_string(), "invalid `BB1_BILLING_ACCOUNT`: environment variable BB1_BILLING_ACCOUNT is not set; set it to your BT value; nothing was sent");
    }

    #[test]
    fn base_url_wins_over_env_and_overrides_win_over_both() {
        let mut pairs = FULL.to_vec();
        pairs.push(("BB1_BASE_URL", "http://127.0.0.1:9000/"));
        pairs.push(("BB1_ENV", "production"));
        let mut config = HubConfig::from_lookup(vars(&pairs)).expect("config");
        assert_eq!(config.base_url(Api::Address), "http://127.0.0.1:9000/common");
        config.base_url_overrides.insert(Api::LineAvailability, "http://x/hubco".into());
        assert_eq!(config.base_url(Api::LineAvailability), "http://x/hubco");
    }

    #[test]
    fn an_unknown_environment_is_refused() {
        let mut pairs = FULL.to_vec();
        pairs.push(("BB1_ENV", "staging"));
        let err = HubConfig::from_lookup(vars(&pairs)).expect_err("refused");
        assert!(err.to_string().contains("BB1_ENV"), "{err}");
    }
}
