//! Broadband One journeys over BT Wholesale's APIs ("the Hub").
//!
//! [`Hub`] holds one generated client per BT API behind a shared runtime: an OAuth token fetched
//! lazily and refreshed before expiry, a fresh `APIGW-Tracking-Header` per call, retries for
//! calls that are safe to repeat, and a tracing span per operation. Journey steps are methods on
//! it: [`Hub::find_premises`], [`Hub::check_availability`], [`Hub::search_slots`] and
//! [`Hub::reserve_slot`], [`Hub::provide`], [`Hub::plan_modify`] and [`Hub::modify`],
//! [`Hub::amend`], [`Hub::cancel`], [`Hub::cease`], [`Hub::order_status`].
//!
//! Orders are never sent twice blindly: see [`Hub::submit_order`].

mod call;
mod catalogue;
mod config;
mod error;
mod hub;
pub mod journeys;
mod middleware;
mod order;
mod secret;
mod token;
mod validate;

pub use catalogue::Catalogue;
pub use bt_core::{BoxFuture, Environment};
pub use config::{Account, Api, HubConfig, RetryPolicy, env_vars};
pub use error::{HubError, Result};
pub use hub::Hub;
pub use journeys::appointments::{Reservation, Slot, SlotSearch, VisitLocation, uk_timestamp};
pub use journeys::availability::{Availability, CopperLine, LineRef, LineReport, Offer, Technology};
pub use journeys::manage::{Amendment, CancellationRequest};
pub use journeys::modify::{Asset, ModifyCheck, ModifyPlan, Service};
pub use journeys::premises::{AddressQuery, AddressRecord, AddressSource, KeyRule, Premises, Qualifier};
pub use journeys::provide::{Contact, EndUser, ExistingLine, Install, JourneyLiterals, JourneyType, ProvidePlan, required_characteristics};
pub use order::{OrderEvents, OrderHandle, OrderStatus, is_terminal};
pub use secret::Secret;
pub use token::TokenSource;

/// The generated API crates the Hub is built on, re-exported so that callers of [`Hub::address`]
/// and its siblings name the very versions of the types the Hub uses.
pub use {bt_address, bt_appointment, bt_line_availability, bt_product_availability, bt_product_inventory, bt_product_order};

/// The README's Rust examples, compiled by `cargo test` so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
