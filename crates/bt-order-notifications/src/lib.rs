//! Typed client for BT Wholesale Broadband One Order Notifications (KSU listener), generated from `specs/order-notifications.yaml`.
//!
//! Build a [`Client`] with a base URL (see [`SERVERS`]) and a [`bt_core::Ctx`].

#[allow(clippy::all, rustdoc::all, dead_code, unused_imports, unused_mut)]
#[rustfmt::skip]
mod generated;
pub use generated::*;

/// Typed `httpmock` helpers: `server.<operation>(|when, then| ...)`.
#[cfg(feature = "httpmock")]
#[allow(clippy::all, rustdoc::all, dead_code, unused_imports, unused_mut)]
#[rustfmt::skip]
#[path = "generated_httpmock.rs"]
pub mod mock;

bt_core::impl_hooks!(Client);
