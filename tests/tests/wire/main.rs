//! Wire tests: each generated client against an `httpmock` server.
//!
//! For every crate they check what goes over the wire (method, path under the spec's server prefix,
//! query, headers, JSON or form body), that a success body parses into the typed value, and that BT
//! error bodies, non-JSON gateway pages and undocumented statuses reach the caller with their HTTP
//! status. Each module also drives the crate's generated `mock::MockServerExt` helpers.

mod common;

mod address;
mod appointment;
mod line_availability;
mod oauth;
mod order_notifications;
mod product_availability;
mod product_inventory;
mod product_order;
