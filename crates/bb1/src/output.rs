//! Tables for people, JSON for scripts.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use crate::exit::{CliError, CliResult, Exit};

pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_header(headers.to_vec());
    t
}

/// Prints `value` as pretty JSON when `json` is set, else the table `render` builds.
pub fn emit<T: Serialize>(json: bool, value: &T, render: impl FnOnce(&T) -> String) -> CliResult {
    if json {
        let text = serde_json::to_string_pretty(value).map_err(|e| CliError::new(Exit::Failure, format!("cannot render JSON: {e}")))?;
        println!("{text}");
    } else {
        println!("{}", render(value));
    }
    Ok(())
}

pub fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}
