//! Where the CLI's Hub configuration comes from: flags, then `BB1_*` environment variables, then
//! an optional TOML config file. A missing value names the variable to set.

use std::path::Path;

use broadband_one::{HubConfig, env_vars};
use serde::Deserialize;

use crate::cli::Target;
use crate::exit::{CliError, CliResult, Exit};

/// The config file: the same settings as the environment variables, in lower case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub cug_id: Option<String>,
    pub reseller_id: Option<String>,
    pub billing_account: Option<String>,
    pub env: Option<String>,
    pub base_url: Option<String>,
    pub product_family: Option<String>,
}

impl ConfigFile {
    pub fn load(path: &Path) -> CliResult<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::new(Exit::Config, format!("cannot read config file {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| CliError::new(Exit::Config, format!("config file {} is not valid: {}", path.display(), e.message())))
    }

    fn get(&self, var: &str) -> Option<String> {
        match var {
            env_vars::CLIENT_ID => self.client_id.clone(),
            env_vars::CLIENT_SECRET => self.client_secret.clone(),
            env_vars::CUG_ID => self.cug_id.clone(),
            env_vars::RESELLER_ID => self.reseller_id.clone(),
            env_vars::BILLING_ACCOUNT => self.billing_account.clone(),
            env_vars::ENV => self.env.clone(),
            env_vars::BASE_URL => self.base_url.clone(),
            env_vars::PRODUCT_FAMILY => self.product_family.clone(),
            _ => None,
        }
    }
}

/// Builds the Hub configuration: flags win over the environment, which wins over the file.
pub fn hub_config(target: &Target, file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> CliResult<HubConfig> {
    let file = match file {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    let lookup = |var: &str| -> Option<String> {
        let from_flags = match var {
            env_vars::BASE_URL => target.base_url.clone(),
            env_vars::ENV if target.production => Some("production".into()),
            env_vars::ENV if target.sandbox => Some("sandbox".into()),
            _ => None,
        };
        // An explicit --sandbox/--production beats a base URL from the environment or file.
        if var == env_vars::BASE_URL && (target.sandbox || target.production) && target.base_url.is_none() {
            return None;
        }
        from_flags.or_else(|| env(var).filter(|v| !v.is_empty())).or_else(|| file.get(var))
    };
    HubConfig::from_lookup(lookup).map_err(|e| match e {
        broadband_one::HubError::InvalidInput { field, .. } if field.starts_with("BB1_") => CliError::new(
            Exit::Config,
            format!("missing setting: set the environment variable {field} (or `{}` in the --config file)", field.trim_start_matches("BB1_").to_ascii_lowercase()),
        ),
        other => other.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target { sandbox: false, production: false, base_url: None }
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    const FULL: &[(&str, &str)] = &[
        ("BB1_CLIENT_ID", "id"),
        ("BB1_CLIENT_SECRET", "secret"),
        ("BB1_CUG_ID", "CUG1"),
        ("BB1_RESELLER_ID", "ZYX"),
        ("BB1_BILLING_ACCOUNT", "0455000000"),
        ("BB1_BASE_URL", "http://127.0.0.1:1"),
    ];

    #[test]
    fn missing_credentials_name_the_variable() {
        let err = hub_config(&target(), None, env(&FULL[..1])).expect_err("missing");
        assert_eq!(err.exit, Exit::Config);
        assert!(err.message.contains("BB1_CLIENT_SECRET"), "{}", err.message);
    }

    #[test]
    fn flags_beat_the_environment() {
        let mut t = target();
        t.production = true;
        let config = hub_config(&t, None, env(FULL)).expect("config");
        assert_eq!(config.environment, bt_core::Environment::Production);
        t.production = false;
        t.base_url = Some("http://127.0.0.1:2".into());
        let config = hub_config(&t, None, env(FULL)).expect("config");
        assert_eq!(config.environment, bt_core::Environment::Custom("http://127.0.0.1:2".into()));
    }

    #[test]
    fn the_file_fills_what_the_environment_lacks() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bb1.toml");
        std::fs::write(&path, "client_secret = \"from-file\"\ncug_id = \"CUG9\"\n").expect("write");
        let config = hub_config(&target(), Some(&path), env(&[("BB1_CLIENT_ID", "id"), ("BB1_RESELLER_ID", "R"), ("BB1_BILLING_ACCOUNT", "1")])).expect("config");
        assert_eq!(config.account.cug_id, "CUG9");
        assert_eq!(config.client_secret.expose(), "from-file");
        std::fs::write(&path, "client_sekret = \"typo\"\n").expect("write");
        let err = hub_config(&target(), Some(&path), env(FULL)).expect_err("unknown key");
        assert!(err.message.contains("client_sekret"), "{}", err.message);
    }
}
