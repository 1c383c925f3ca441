//! Links without passwords: a technician's job page, a customer's status page, and a manager's or
//! director's one-tap decision on one plan version. The code in the URL is an HMAC over ticket,
//! person, scope, expiry, nonce (and the plan version of a decision link); the claims are kept
//! server-side so the link stays short enough for an SMS (16 characters) and can be revoked.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::i18n::{Locale, Msg};

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A technician works the job: acknowledge, depart, arrive, mismatch, resolve.
    Job,
    /// A customer follows the rescue and may share their location.
    Status,
    /// A service manager or director takes the step that waits on them (accept the plan, record
    /// the customer's consent, approve) for one plan version, from the SMS, without signing in.
    Decide,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Job => "job",
            Scope::Status => "status",
            Scope::Decide => "decide",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::Job, Scope::Status, Scope::Decide]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    /// The path a link of this scope opens under (`/j/…`, `/s/…`, `/a/…`).
    pub fn path(self) -> &'static str {
        match self {
            Scope::Job => "j",
            Scope::Status => "s",
            Scope::Decide => "a",
        }
    }
}

/// What the code signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub ticket_id: String,
    /// A technician id, `customer`, or the user id of a decision link's holder.
    pub person: String,
    pub scope: Scope,
    /// A decision link's plan version: a new version makes the link void.
    pub plan_version: Option<i32>,
    /// Expiry, Unix seconds.
    pub expires: i64,
    /// Random, so every link is distinct and can be revoked alone.
    pub nonce: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    Unknown,
    BadSignature,
    Expired,
    Revoked,
    WrongScope,
}

impl LinkError {
    /// What the holder of the link is told.
    pub fn msg(self) -> Msg {
        Msg::new(match self {
            LinkError::Unknown => "link-error-unknown",
            LinkError::BadSignature => "link-error-bad-signature",
            LinkError::Expired => "link-error-expired",
            LinkError::Revoked => "link-error-revoked",
            LinkError::WrongScope => "link-error-wrong-scope",
        })
    }
}

impl std::fmt::Display for LinkError {
    /// The Chinese message, for logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(Locale::ZhCn))
    }
}

impl std::error::Error for LinkError {}

/// 96 bits of HMAC: unguessable, and short in a URL.
const CODE_BYTES: usize = 12;
/// The length of a code in the URL: 12 bytes in unpadded base64url.
const CODE_CHARS: usize = 16;

#[derive(Clone)]
pub struct LinkSigner {
    key: Vec<u8>,
}

impl LinkSigner {
    pub fn new(secret: &[u8]) -> LinkSigner {
        LinkSigner {
            key: secret.to_vec(),
        }
    }

    fn mac(&self, c: &Claims) -> Vec<u8> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        // Unit separators keep field boundaries unambiguous.
        for part in [
            c.ticket_id.as_str(),
            c.person.as_str(),
            c.scope.as_str(),
            &c.expires.to_string(),
            c.nonce.as_str(),
        ] {
            mac.update(part.as_bytes());
            mac.update(&[0x1f]);
        }
        // Only decision links sign a version, so the codes of job and status links stay valid.
        if let Some(v) = c.plan_version {
            mac.update(format!("v{v}").as_bytes());
            mac.update(&[0x1f]);
        }
        mac.finalize().into_bytes()[..CODE_BYTES].to_vec()
    }

    /// The code to put in the URL.
    pub fn code(&self, claims: &Claims) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(claims))
    }

    /// Checks that the stored claims still match the code (constant time), the scope and the expiry.
    pub fn verify(
        &self,
        code: &str,
        claims: &Claims,
        scope: Scope,
        now_unix: i64,
        revoked: bool,
    ) -> Result<(), LinkError> {
        let sent = URL_SAFE_NO_PAD
            .decode(code)
            .map_err(|_| LinkError::Unknown)?;
        let expected = self.mac(claims);
        if sent.len() != expected.len()
            || sent
                .iter()
                .zip(&expected)
                .fold(0u8, |a, (x, y)| a | (x ^ y))
                != 0
        {
            return Err(LinkError::BadSignature);
        }
        if claims.scope != scope {
            return Err(LinkError::WrongScope);
        }
        if revoked {
            return Err(LinkError::Revoked);
        }
        if claims.expires <= now_unix {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

/// What a hidden link code reads as: the reader sees that a link was sent, never one that works.
pub const HIDDEN_CODE: &str = "••••••";

/// Replaces the code of every job (`/j/…`), status (`/s/…`) and decision (`/a/…`) link in a text
/// with [`HIDDEN_CODE`]: whoever reads the outbox must not be able to act as the recipient.
/// A code is the 16 URL-safe characters of [`LinkSigner::code`]; anything else is left alone, so
/// staff pages such as `/s/` in an address are not touched.
pub fn hide_codes(text: &str) -> std::borrow::Cow<'_, str> {
    hide_codes_under(text, &[b"/j/", b"/s/", b"/a/"])
}

/// Like [`hide_codes`], for decision links only: a manager reading the demo's outbox viewer may
/// follow a job or status link, but never act as the director.
pub fn hide_decision_codes(text: &str) -> std::borrow::Cow<'_, str> {
    hide_codes_under(text, &[b"/a/"])
}

fn hide_codes_under<'t>(text: &'t str, prefixes: &[&[u8; 3]]) -> std::borrow::Cow<'t, str> {
    fn is_code_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
    }
    let bytes = text.as_bytes();
    let code_len = CODE_CHARS;
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let prefix = &bytes[i..i + 3];
        let start = i + 3;
        let end = start + code_len;
        let is_link = prefixes.iter().any(|p| prefix == *p)
            && end <= bytes.len()
            && bytes[start..end].iter().all(|b| is_code_char(*b))
            && !bytes.get(end).is_some_and(|b| is_code_char(*b));
        if is_link {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..start]);
            o.push_str(HIDDEN_CODE);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(text),
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
        ticket_id: ticket_id.to_owned(),
        person: person.to_owned(),
        scope,
        plan_version: None,
        expires: now_unix + i64::from(valid_hours) * 3600,
        nonce: super::secret::random_token()[..16].to_owned(),
    }
}

/// The claims of a decision link: this user, this ticket, this plan version, for a few minutes.
pub fn new_decide_claims(
    ticket_id: &str,
    user_id: &str,
    plan_version: i32,
    valid_minutes: u32,
    now_unix: i64,
) -> Claims {
    Claims {
        plan_version: Some(plan_version),
        expires: now_unix + i64::from(valid_minutes) * 60,
        ..new_claims(ticket_id, user_id, Scope::Decide, 0, now_unix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000;

    #[test]
    fn hides_job_and_status_codes_only() {
        let s = LinkSigner::new(b"secret");
        let job = s.code(&new_claims("t", "tech", Scope::Job, 1, NOW));
        let status = s.code(&new_claims("t", "customer", Scope::Status, 1, NOW));
        let text = format!(
            "任务 https://rd.example/j/{job} 进度：https://rd.example/s/{status}。{{\"link\":\"http://x/j/{job}\"}}"
        );
        let hidden = hide_codes(&text);
        assert!(
            !hidden.contains(&job) && !hidden.contains(&status),
            "{hidden}"
        );
        assert_eq!(
            hidden,
            format!(
                "任务 https://rd.example/j/{HIDDEN_CODE} 进度：https://rd.example/s/{HIDDEN_CODE}。{{\"link\":\"http://x/j/{HIDDEN_CODE}\"}}"
            )
        );
        // Not link codes: too short, too long, another path.
        for keep in [
            "/j/abc",
            "/s/0123456789abcdefXYZ",
            "/tickets/0123456789abcdef",
            "杭州/s/路",
        ] {
            assert_eq!(hide_codes(keep), keep);
        }
    }

    #[test]
    fn a_decision_link_signs_its_plan_version() {
        let s = LinkSigner::new(b"secret");
        let c = new_decide_claims("ticket-1", "user-3", 2, 120, NOW);
        let code = s.code(&c);
        assert_eq!(code.len(), CODE_CHARS);
        assert_eq!(s.verify(&code, &c, Scope::Decide, NOW + 60, false), Ok(()));
        assert_eq!(
            s.verify(&code, &c, Scope::Decide, NOW + 120 * 60, false),
            Err(LinkError::Expired)
        );
        let other = Claims {
            plan_version: Some(3),
            ..c.clone()
        };
        assert_eq!(
            s.verify(&code, &other, Scope::Decide, NOW, false),
            Err(LinkError::BadSignature)
        );
        let text = format!("审批：https://rd.example/a/{code}");
        assert_eq!(
            hide_codes(&text),
            format!("审批：https://rd.example/a/{HIDDEN_CODE}")
        );
        let job = s.code(&new_claims("t", "tech", Scope::Job, 1, NOW));
        let both = format!("/j/{job} /a/{code}");
        assert_eq!(
            hide_decision_codes(&both),
            format!("/j/{job} /a/{HIDDEN_CODE}"),
            "job links stay"
        );
        for scope in [Scope::Job, Scope::Status, Scope::Decide] {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
    }

    #[test]
    fn round_trip_and_short() {
        let s = LinkSigner::new(b"secret");
        let c = new_claims("ticket-1", "tech-7", Scope::Job, 48, NOW);
        let code = s.code(&c);
        assert_eq!(code.len(), CODE_CHARS);
        assert_eq!(s.verify(&code, &c, Scope::Job, NOW + 10, false), Ok(()));
    }

    #[test]
    fn expiry_scope_revocation_and_tampering() {
        let s = LinkSigner::new(b"secret");
        let c = new_claims("ticket-1", "tech-7", Scope::Job, 1, NOW);
        let code = s.code(&c);
        assert_eq!(
            s.verify(&code, &c, Scope::Job, NOW + 3600, false),
            Err(LinkError::Expired)
        );
        assert_eq!(
            s.verify(&code, &c, Scope::Status, NOW, false),
            Err(LinkError::WrongScope)
        );
        assert_eq!(
            s.verify(&code, &c, Scope::Job, NOW, true),
            Err(LinkError::Revoked)
        );
        for edited in [
            Claims {
                ticket_id: "ticket-2".into(),
                ..c.clone()
            },
            Claims {
                person: "tech-8".into(),
                ..c.clone()
            },
            Claims {
                expires: c.expires + 86_400,
                ..c.clone()
            },
            Claims {
                scope: Scope::Status,
                ..c.clone()
            },
            Claims {
                plan_version: Some(1),
                ..c.clone()
            },
        ] {
            assert_eq!(
                s.verify(&code, &edited, edited.scope, NOW, false),
                Err(LinkError::BadSignature),
                "{edited:?}"
            );
        }
        assert_eq!(
            LinkSigner::new(b"other").verify(&code, &c, Scope::Job, NOW, false),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            s.verify("%%%", &c, Scope::Job, NOW, false),
            Err(LinkError::Unknown)
        );
    }
}
