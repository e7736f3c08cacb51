//! An offline, stateful simulator of BT Wholesale's Broadband One Hub.
//!
//! It serves every operation of the project's specs at BT's paths and prefixes on one base URL
//! (so a generated client given `{base}/common` or `{base}/hubco/tmf` works unchanged), with BT's
//! OAuth and error model, a seeded world of premises covering every availability branch, BT's
//! sandbox scenarios, stateful orders on a simulated clock, KSU delivery to a callback, and fault
//! injection.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use bb1_sim::{Clock, Scenario, Simulator};
//! let sim = Simulator::builder().seed(7).clock(Clock::Stepped).start().await?;
//! let premises = sim.world().find(Scenario::FttpNewOnt).expect("always present");
//! println!("{} {}", sim.base_url(), premises.summary());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod address;
mod appointment;
mod auth;
mod availability;
pub mod calendar;
pub mod catalogue;
mod clock;
mod errors;
mod faults;
mod inventory;
mod ksu;
mod line;
mod orders;
mod request;
mod rng;
mod sandbox;
mod server;
mod sim;
mod state;
pub mod world;

pub use clock::{Clock, FAST_SPEED};
pub use faults::Faults;
pub use ksu::{Callback, KsuAttempt, KsuOutcome, KsuRecord, KsuRetry};
pub use orders::OrderKind;
pub use sim::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TOKEN_TTL_SECS, Simulator, SimulatorBuilder,
    default_stepped_start,
};
pub use world::{Premises, Scenario, World};
