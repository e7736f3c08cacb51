//! Integration tests of the simulator over HTTP: one test binary, one module per area.

mod common;

mod address;
mod appointment;
mod availability;
mod clients;
mod determinism;
mod gateway;
mod ksu;
mod oauth;
mod orders;
