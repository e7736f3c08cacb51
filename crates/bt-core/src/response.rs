//! Reads a success or error body into a `ResponseValue`.
//!
//! progenitor's `ResponseValue::from_response` copies the response's headers before reading the
//! body, though the response is dropped right after. xtask's `response-headers-moved` rewrite
//! calls [`response_value`] instead, which moves them; the result is otherwise the same.

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Reads `response`'s JSON body as `T`, keeping its status and headers.
pub async fn response_value<T: DeserializeOwned, E>(mut response: reqwest::Response) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner = serde_json::from_slice(&body).map_err(|e| Error::InvalidResponsePayload(body, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> reqwest::Response {
        let mut r = http::Response::new(body.to_string());
        *r.status_mut() = http::StatusCode::from_u16(status).expect("valid status");
        r.headers_mut().insert("apigw-tracking-header", http::HeaderValue::from_static("t-1"));
        reqwest::Response::from(r)
    }

    #[tokio::test]
    async fn keeps_status_headers_and_body() {
        let value: ResponseValue<Vec<u32>> = response_value::<_, ()>(response(201, "[1,2]")).await.expect("parsed");
        assert_eq!(value.status(), 201);
        assert_eq!(value.headers()["apigw-tracking-header"], "t-1");
        assert_eq!(value.into_inner(), vec![1, 2]);
    }

    #[tokio::test]
    async fn an_unreadable_body_is_an_invalid_payload_with_its_bytes() {
        let err = response_value::<Vec<u32>, ()>(response(200, "<html>")).await.expect_err("not json");
        assert!(matches!(err, Error::InvalidResponsePayload(bytes, _) if &bytes[..] == b"<html>"));
    }
}
