//! The normalisation passes: small rewrites of an OpenAPI document (held as JSON) that let
//! progenitor generate a usable client from real BT and TM Forum specs. Each pass returns how
//! many places it changed; a pass that finds nothing to do changes nothing.

mod default_to_error_ranges;
mod header_parameters;
mod media_types;
mod names;
mod operation_ids;
mod response_leniency;
mod single_success_type;
pub mod spec;
mod unify_error_schemas;

use serde_json::Value;

pub use unify_error_schemas::BT_ERROR;

/// One named pass.
pub struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Value) -> usize,
}

/// The passes, in the order they run. Order matters: `default` must become `4XX`/`5XX` before
/// error bodies are unified, and media types must be settled before success types are compared.
pub const PASSES: &[Pass] = &[
    Pass { name: "synthesise-operation-ids", run: operation_ids::synthesise_operation_ids },
    Pass { name: "dedupe-operation-ids", run: operation_ids::dedupe_operation_ids },
    Pass { name: "default-to-error-ranges", run: default_to_error_ranges::default_to_error_ranges },
    Pass { name: "json-suffix-media-types", run: media_types::json_suffix_media_types },
    Pass { name: "unify-error-schemas", run: unify_error_schemas::unify_error_schemas },
    Pass { name: "drop-content-type-header", run: header_parameters::drop_content_type_header },
    Pass { name: "drop-authorization-header", run: header_parameters::drop_authorization_header },
    Pass { name: "tracking-header-optional", run: header_parameters::tracking_header_optional },
    Pass { name: "relax-response-constraints", run: response_leniency::relax_response_constraints },
    Pass { name: "open-response-enums", run: response_leniency::open_response_enums },
    Pass { name: "single-request-media-type", run: media_types::single_request_media_type },
    Pass { name: "single-success-type", run: single_success_type::single_success_type },
    Pass { name: "drop-unnameable-enums", run: names::drop_unnameable_enums },
    Pass { name: "rename-case-colliding-schemas", run: names::rename_case_colliding_schemas },
    Pass { name: "fix-colliding-property-names", run: names::fix_colliding_property_names },
];

/// What one pass did to one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassReport {
    pub name: &'static str,
    pub changes: usize,
}

/// Runs every pass in order.
pub fn normalise(spec: &mut Value) -> Vec<PassReport> {
    PASSES.iter().map(|p| PassReport { name: p.name, changes: (p.run)(spec) }).collect()
}

/// The pass log as printed by `cargo xtask generate -v` and snapshotted by the tests.
pub fn render_log(reports: &[PassReport]) -> String {
    reports
        .iter()
        .map(|r| format!("{:<30} {}\n", r.name, r.changes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_names_are_unique() {
        for (i, a) in PASSES.iter().enumerate() {
            assert!(PASSES[i + 1..].iter().all(|b| b.name != a.name), "{}", a.name);
        }
    }
}
