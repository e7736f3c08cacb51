//! Integration tests of the KSU listener (one test binary; modules by topic).

mod auth;
mod common;
mod crash;
mod delivery;
mod facade;
mod ordering;
mod stream;
