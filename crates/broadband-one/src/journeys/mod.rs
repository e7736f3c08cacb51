//! Journey steps. Each is an `async fn` on [`crate::Hub`] usable on its own; `provide` and
//! `modify` chain them.

pub mod appointments;
pub mod availability;
pub mod manage;
pub mod modify;
pub mod premises;
pub mod provide;
