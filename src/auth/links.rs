//! Links without passwords: signed, expiring tokens for a technician's job page and a customer's status page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A technician works the job: acknowledge, depart, arrive, mismatch, resolve.
    Job,
    /// A customer follows the rescue and may share their location.
    Status,
}

/// The signed content. Short field names keep SMS links short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Ticket id.
    pub t: String,
    /// The person: a technician id, or `customer`.
    pub p: String,
    pub s: Scope,
    /// Expiry, Unix seconds.
    pub e: i64,
    /// Random id, so one link can be revoked without the others.
    pub n: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("链接无效 / This link is not valid")]
    Malformed,
    #[error("链接已被篡改 / This link has been altered")]
    BadSignature,
    #[error("链接已过期 / This link has expired")]
    Expired,
    #[error("此链接不能用于该页面 / This link is for another page")]
    WrongScope,
}

#[derive(Clone)]
pub struct LinkSigner {
    key: Vec<u8>,
}

type HmacSha256 = Hmac<Sha256>;

impl LinkSigner {
    pub fn new(secret: &[u8]) -> LinkSigner {
        LinkSigner {
            key: secret.to_vec(),
        }
    }

    fn mac(&self, payload: &str) -> HmacSha256 {
        // HMAC takes keys of any length; this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(payload.as_bytes());
        mac
    }

    /// `payload.signature`, both base64url: the HMAC covers ticket, person, scope, expiry and nonce.
    pub fn sign(&self, claims: &Claims) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let sig = URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    /// Checks signature (constant time), scope and expiry; revocation is the caller's (it needs the database).
    pub fn verify(&self, token: &str, scope: Scope, now_unix: i64) -> Result<Claims, LinkError> {
        let (payload, sig) = token.split_once('.').ok_or(LinkError::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| LinkError::Malformed)?;
        self.mac(payload)
            .verify_slice(&sig)
            .map_err(|_| LinkError::BadSignature)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| LinkError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&bytes).map_err(|_| LinkError::Malformed)?;
        if claims.s != scope {
            return Err(LinkError::WrongScope);
        }
        if claims.e <= now_unix {
            return Err(LinkError::Expired);
        }
        Ok(claims)
    }
}

pub fn new_claims(
    ticket_id: &str,
    person: &str,
    scope: Scope,
    valid_hours: u32,
    now_unix: i64,
) -> Claims {
    Claims {
        t: ticket_id.to_owned(),
        p: person.to_owned(),
        s: scope,
        e: now_unix + i64::from(valid_hours) * 3600,
        n: super::secret::random_token()[..16].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000;

    #[test]
    fn round_trip() {
        let s = LinkSigner::new(b"secret");
        let c = new_claims("ticket-1", "tech-7", Scope::Job, 48, NOW);
        let token = s.sign(&c);
        assert_eq!(s.verify(&token, Scope::Job, NOW + 10), Ok(c));
        assert!(token.len() < 200, "fits in an SMS link: {}", token.len());
    }

    #[test]
    fn expiry_scope_and_tampering() {
        let s = LinkSigner::new(b"secret");
        let token = s.sign(&new_claims("ticket-1", "tech-7", Scope::Job, 1, NOW));
        assert_eq!(
            s.verify(&token, Scope::Job, NOW + 3600),
            Err(LinkError::Expired)
        );
        assert_eq!(
            s.verify(&token, Scope::Status, NOW),
            Err(LinkError::WrongScope)
        );
        // Another ticket in the payload with the old signature.
        let forged_claims = new_claims("ticket-2", "tech-7", Scope::Job, 1, NOW);
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged_claims).unwrap());
        let sig = token.split_once('.').unwrap().1;
        assert_eq!(
            s.verify(&format!("{forged_payload}.{sig}"), Scope::Job, NOW),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            LinkSigner::new(b"other").verify(&token, Scope::Job, NOW),
            Err(LinkError::BadSignature)
        );
        for junk in ["", ".", "abc", "a.b", "%%%.%%%"] {
            assert!(s.verify(junk, Scope::Job, NOW).is_err(), "{junk}");
        }
    }
}
