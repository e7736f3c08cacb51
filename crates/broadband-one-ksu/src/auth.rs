//! Client credentials and the bearer tokens issued against them.
//!
//! Only SHA-256 digests of the client id, the secret and the issued tokens are kept; comparisons of
//! credentials are constant-time over the digests (so not even the length leaks).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type Digest32 = [u8; 32];

fn digest(bytes: &[u8]) -> Digest32 {
    Sha256::digest(bytes).into()
}

/// The client id and secret BT was given at onboarding.
pub(crate) struct Credentials {
    id: Digest32,
    secret: Digest32,
}

impl Credentials {
    pub(crate) fn new(id: &str, secret: &str) -> Self {
        Credentials {
            id: digest(id.as_bytes()),
            secret: digest(secret.as_bytes()),
        }
    }

    /// Constant-time check of both values (both are always compared).
    pub(crate) fn verify(&self, id: &str, secret: &str) -> bool {
        let id_ok = digest(id.as_bytes()).ct_eq(&self.id);
        let secret_ok = digest(secret.as_bytes()).ct_eq(&self.secret);
        (id_ok & secret_ok).into()
    }

    /// Checks the values as sent and, per RFC 6749 §2.3.1, form-url-decoded.
    pub(crate) fn verify_encoded(&self, id: &str, secret: &str) -> bool {
        let raw = self.verify(id, secret);
        let decoded = match (form_decode(id), form_decode(secret)) {
            (Some(i), Some(s)) => self.verify(&i, &s),
            _ => false,
        };
        raw | decoded
    }
}

/// `application/x-www-form-urlencoded` decoding of one value (`+` is a space).
fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Client id and secret from `Authorization: Basic …`: `None` when there is no Basic header,
/// `Some(Err)` when it cannot be decoded.
pub(crate) fn basic_credentials(header: Option<&str>) -> Option<Result<(String, String), ()>> {
    let header = header?.trim();
    let (scheme, rest) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .map_err(|_| ());
    Some(decoded.and_then(|bytes| {
        let text = String::from_utf8(bytes).map_err(|_| ())?;
        let (id, secret) = text.split_once(':').ok_or(())?;
        Ok((id.to_string(), secret.to_string()))
    }))
}

/// Why a bearer token was refused; maps to BT's gateway codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// No `Authorization` header (code 40).
    Missing,
    /// Not a bearer token, or one this listener never issued (code 41).
    Invalid,
    /// A token this listener issued, past its expiry (code 42).
    Expired,
}

/// Expired tokens are remembered this long (to answer 42 rather than 41), at least.
const EXPIRED_MEMORY: Duration = Duration::from_secs(3600);
/// Most tokens remembered at once; beyond it the soonest-expiring are forgotten.
const MAX_TOKENS: usize = 100_000;

/// Tokens issued by the token endpoint, kept in memory with their expiry.
pub(crate) struct Tokens {
    ttl: Duration,
    issued: RwLock<HashMap<Digest32, Instant>>,
}

impl Tokens {
    pub(crate) fn new(ttl: Duration) -> Self {
        Tokens {
            ttl,
            issued: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A fresh opaque token (244 random bits from two v4 UUIDs).
    pub(crate) fn issue(&self) -> String {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let now = Instant::now();
        let mut issued = self.issued.write().unwrap_or_else(|p| p.into_inner());
        let memory = EXPIRED_MEMORY.max(self.ttl);
        issued.retain(|_, expiry| *expiry + memory > now);
        if issued.len() >= MAX_TOKENS {
            issued.retain(|_, expiry| *expiry > now);
        }
        if issued.len() >= MAX_TOKENS
            && let Some(oldest) = issued.iter().min_by_key(|(_, e)| **e).map(|(k, _)| *k)
        {
            issued.remove(&oldest);
        }
        issued.insert(digest(token.as_bytes()), now + self.ttl);
        token
    }

    /// Checks an `Authorization` header value.
    pub(crate) fn check(&self, header: Option<&str>) -> Result<(), TokenProblem> {
        let header = header.ok_or(TokenProblem::Missing)?.trim();
        let (scheme, token) = header.split_once(' ').ok_or(TokenProblem::Invalid)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(TokenProblem::Invalid);
        }
        let issued = self.issued.read().unwrap_or_else(|p| p.into_inner());
        match issued.get(&digest(token.as_bytes())) {
            Some(expiry) if *expiry > Instant::now() => Ok(()),
            Some(_) => Err(TokenProblem::Expired),
            None => Err(TokenProblem::Invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_need_both_values() {
        let c = Credentials::new("bt-client", "s3cret");
        assert!(c.verify("bt-client", "s3cret"));
        assert!(!c.verify("bt-client", "s3cre"));
        assert!(!c.verify("bt-clien", "s3cret"));
        assert!(!c.verify("", ""));
    }

    #[test]
    fn url_encoded_credentials_are_accepted() {
        let c = Credentials::new("id with space", "a:b%");
        assert!(c.verify_encoded("id+with+space", "a%3Ab%25"));
        assert!(c.verify_encoded("id with space", "a:b%"));
        assert!(!c.verify_encoded("id+with+space", "a%3Ab%2"));
    }

    #[test]
    fn basic_header_parsing() {
        assert_eq!(basic_credentials(None), None);
        assert_eq!(basic_credentials(Some("Bearer x")), None);
        assert_eq!(basic_credentials(Some("Basic !!!")), Some(Err(())));
        // "id:pa:ss" — the secret may contain colons.
        assert_eq!(
            basic_credentials(Some("basic aWQ6cGE6c3M=")),
            Some(Ok(("id".into(), "pa:ss".into())))
        );
    }

    #[test]
    fn tokens_expire() {
        let t = Tokens::new(Duration::from_millis(30));
        let token = t.issue();
        assert_eq!(token.len(), 64);
        assert_eq!(t.check(Some(&format!("Bearer {token}"))), Ok(()));
        assert_eq!(t.check(Some(&format!("bearer  {token} "))), Ok(()));
        assert_eq!(t.check(None), Err(TokenProblem::Missing));
        assert_eq!(t.check(Some("Bearer nope")), Err(TokenProblem::Invalid));
        assert_eq!(
            t.check(Some(&format!("Basic {token}"))),
            Err(TokenProblem::Invalid)
        );
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(
            t.check(Some(&format!("Bearer {token}"))),
            Err(TokenProblem::Expired)
        );
    }
}
