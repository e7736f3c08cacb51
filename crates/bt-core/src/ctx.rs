use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::sync::Arc;

/// A boxed, sendable future; the return type of [`Middleware`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The cross-cutting layer a generated client hands every request to.
///
/// The facade implements this for OAuth, retries and tracing; the generated crates only call it.
/// Both methods have pass-through defaults.
pub trait Middleware: Send + Sync + 'static {
    /// Runs before the request is sent, e.g. to attach a fresh bearer token. An `Err` aborts the
    /// call with `progenitor_client::Error::Custom` and nothing is sent.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        let _ = (request, operation_id);
        Box::pin(async { Ok(()) })
    }

    /// Sends the request. An implementation may send it more than once (retries), so it must know
    /// which operations are safe to repeat.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let _ = operation_id;
        Box::pin(client.execute(request))
    }
}

/// The context every generated `Client` carries (progenitor's "inner type").
///
/// `Ctx::default()` sends requests unauthenticated; [`Ctx::with_bearer_token`] attaches a fixed
/// token; [`Ctx::with_middleware`] hands every request to a [`Middleware`].
#[derive(Clone, Default)]
pub struct Ctx {
    bearer_token: Option<Arc<str>>,
    middleware: Option<Arc<dyn Middleware>>,
}

impl Ctx {
    /// A context that adds nothing but the tracking header.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `Authorization: Bearer <token>` on every request that has no `Authorization` yet.
    pub fn with_bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(Arc::from(token.into()));
        self
    }

    /// Hands every request to `middleware` (see [`Middleware`]).
    pub fn with_middleware(mut self, middleware: Arc<dyn Middleware>) -> Self {
        self.middleware = Some(middleware);
        self
    }

    pub(crate) fn bearer_token(&self) -> Option<&str> {
        self.bearer_token.as_deref()
    }

    pub(crate) fn middleware(&self) -> Option<&Arc<dyn Middleware>> {
        self.middleware.as_ref()
    }

    /// Sends `request` through the middleware, or directly when there is none.
    ///
    /// Not an `async fn`: that would keep its own copy of the request beside the future it
    /// awaits, and every generated call allocates or carries this future.
    pub fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a {
        match &self.middleware {
            Some(middleware) => Execution::Middleware(middleware.execute(client, request, operation_id)),
            None => Execution::Direct(client.execute(request)),
        }
    }
}

/// [`Ctx::execute`]'s future: the middleware's, or reqwest's own.
enum Execution<'a, F> {
    Middleware(BoxFuture<'a, reqwest::Result<reqwest::Response>>),
    Direct(F),
}

impl<F: Future<Output = reqwest::Result<reqwest::Response>> + Unpin> Future for Execution<'_, F> {
    type Output = reqwest::Result<reqwest::Response>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Execution::Middleware(future) => future.as_mut().poll(cx),
            Execution::Direct(future) => Pin::new(future).poll(cx),
        }
    }
}

// Never print the token: `Client` derives `Debug` and would otherwise leak it into logs.
impl fmt::Debug for Ctx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("bearer_token", &self.bearer_token.as_ref().map(|_| "<redacted>"))
            .field("middleware", &self.middleware.as_ref().map(|_| "<set>"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_token() {
        let ctx = Ctx::new().with_bearer_token("s3cr3t-token");
        let shown = format!("{ctx:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
