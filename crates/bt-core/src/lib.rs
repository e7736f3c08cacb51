//! Shared runtime for the generated `bt-*` client crates.
//!
//! Every generated crate depends on this one and nothing else from the workspace, so a team can pin
//! a single API crate. It holds only what the generated code itself needs:
//!
//! * [`BtError`], the one lenient error body shared by every BT API (gateway codes, back-end codes and
//!   Apigee faults all parse into it);
//! * [`Ctx`] and [`impl_hooks!`], the progenitor hooks that stamp every request with an
//!   `APIGW-Tracking-Header`, attach a bearer token and hand the request to an optional
//!   [`Middleware`] (the facade's auth, retry and tracing layer);
//! * [`environment`], BT's hosts and the path prefix of each API family.
//!
//! Auth flows, retries and journeys live in the facade crate, not here.

mod ctx;
pub mod environment;
mod error;
mod hooks;
mod query;
mod response;

pub use ctx::{BoxFuture, Ctx, Middleware};
pub use environment::{ApiFamily, Environment};
pub use error::{ApigeeFault, BtError};
pub use hooks::{TRACKING_HEADER, TRACKING_HEADER_NAME, is_error_status, normalise_error_body, prepare_request, rebuild_response};
pub use query::{QueryWriter, write_query};
pub use response::response_value;

#[doc(hidden)]
pub mod __private {
    pub use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
    pub use reqwest;
}

/// Implements `progenitor_client::ClientHooks<bt_core::Ctx>` for a generated `Client`.
///
/// It must expand inside the generated crate (the orphan rule), so each crate's hand-written
/// `lib.rs` invokes it once: `bt_core::impl_hooks!(Client);`.
#[macro_export]
macro_rules! impl_hooks {
    ($client:ty) => {
        impl $crate::__private::ClientHooks<$crate::Ctx> for $client {
            async fn pre<E>(
                &self,
                request: &mut $crate::__private::reqwest::Request,
                info: &$crate::__private::OperationInfo,
            ) -> ::std::result::Result<(), $crate::__private::Error<E>> {
                let ctx = <$client as $crate::__private::ClientInfo<$crate::Ctx>>::inner(self);
                $crate::prepare_request(ctx, request, info.operation_id)
                    .await
                    .map_err($crate::__private::Error::Custom)
            }

            async fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::OperationInfo,
            ) -> $crate::__private::reqwest::Result<$crate::__private::reqwest::Response> {
                let ctx = <$client as $crate::__private::ClientInfo<$crate::Ctx>>::inner(self);
                let client = <$client as $crate::__private::ClientInfo<$crate::Ctx>>::client(self);
                let response = ctx.execute(client, request, info.operation_id).await?;
                if !$crate::is_error_status(response.status()) {
                    return Ok(response);
                }
                // Boxed: only error answers need it, and it would enlarge every call's future.
                ::std::boxed::Box::pin($crate::normalise_error_body(response)).await
            }
        }
    };
}
