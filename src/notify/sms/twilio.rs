//! Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`.
//!
//! The request is a form (`To`, `From` or `MessagingServiceSid`, `Body`) with HTTP
//! basic auth `AccountSid:AuthToken`. Twilio answers `201 Created` with the new
//! Message resource (`{"sid": "SM…", "status": "queued", …}`) and errors as
//! `{"code", "message", "more_info", "status"}`, where `code` is Twilio's own error
//! number (21211 invalid 'To', 21610 unsubscribed recipient, 20003 authentication,
//! 20429 too many requests …).
//!
//! Twilio's Messages API has no idempotency key: a request that reached Twilio but
//! whose answer was lost is sent again on retry. That window (a timeout after Twilio
//! accepted, or a crash before the outbox row is updated) is the outbox's "at most
//! once more" and is accepted here; a 429 is documented as never processed, so
//! retrying it is always safe.

use std::fmt;

use chrono::Utc;
use reqwest::StatusCode;
use serde::Deserialize;

use super::{clip, e164, redacted, retry_after, transport_error};
use crate::config::SmsSettings;
use crate::notify::{DeliveryError, OutgoingSms, Receipt};

/// Twilio error codes that mean "slow down" rather than "this request is wrong".
const RATE_LIMIT_CODES: &[i64] = &[
    20429, // Too Many Requests (concurrency)
    14107, // Message rate limit exceeded
];

/// Twilio, configured.
pub struct Twilio {
    base_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl fmt::Debug for Twilio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Twilio")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &redacted(&self.auth_token))
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Debug, Deserialize)]
struct Created {
    sid: Option<String>,
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiError {
    code: Option<i64>,
    message: Option<String>,
    more_info: Option<String>,
}

impl Twilio {
    pub fn new(sms: &SmsSettings) -> Twilio {
        Twilio {
            base_url: sms.twilio_base_url.trim().trim_end_matches('/').to_owned(),
            account_sid: sms.twilio_account_sid.trim().to_owned(),
            auth_token: sms.twilio_auth_token.trim().to_owned(),
            from: sms.twilio_from.trim().to_owned(),
        }
    }

    /// `twilio_from` holds either a sender (number or alphanumeric id) or a Messaging Service SID.
    fn sender(&self) -> (&'static str, &str) {
        if self.from.starts_with("MG") {
            ("MessagingServiceSid", &self.from)
        } else {
            ("From", &self.from)
        }
    }

    pub async fn send(
        &self,
        client: &reqwest::Client,
        msg: &OutgoingSms,
    ) -> Result<Receipt, DeliveryError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base_url, self.account_sid
        );
        let to = e164(&msg.to);
        let form = [
            ("To", to.as_str()),
            self.sender(),
            ("Body", msg.text.as_str()),
        ];
        let resp = client
            .post(&url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| transport_error("twilio", e))?;

        let status = resp.status();
        let request_id = resp
            .headers()
            .get("Twilio-Request-Id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        let wait = retry_after(resp.headers(), Utc::now());
        let body = resp
            .bytes()
            .await
            .map_err(|e| transport_error("twilio", e))?;
        let key = &msg.idempotency_key;

        if status.is_success() {
            // Accepted even if the body cannot be read: retrying would send a second SMS.
            let created: Option<Created> = serde_json::from_slice(&body).ok();
            let sid = created.as_ref().and_then(|c| c.sid.clone());
            tracing::info!(
                provider = "twilio", key = %key, request_id = %request_id,
                sid = sid.as_deref().unwrap_or("-"),
                status = created.as_ref().and_then(|c| c.status.as_deref()).unwrap_or("-"),
                "SMS accepted"
            );
            return Ok(Receipt { provider_id: sid });
        }

        let error: Option<ApiError> = serde_json::from_slice(&body).ok();
        let code = error.as_ref().and_then(|e| e.code);
        let err = classify(status, error.as_ref(), wait, &request_id);
        tracing::warn!(
            provider = "twilio", key = %key, request_id = %request_id,
            http = status.as_u16(), code = code.unwrap_or(0), "SMS refused"
        );
        Err(err)
    }
}

fn classify(
    status: StatusCode,
    error: Option<&ApiError>,
    wait: Option<std::time::Duration>,
    request_id: &str,
) -> DeliveryError {
    let code = error.and_then(|e| e.code);
    let reason = format!(
        "twilio {}: {} (HTTP {}, request {request_id}{})",
        code.map_or_else(|| "-".to_owned(), |c| c.to_string()),
        clip(
            error
                .and_then(|e| e.message.as_deref())
                .unwrap_or("no error body")
        ),
        status.as_u16(),
        error
            .and_then(|e| e.more_info.as_deref())
            .map(|m| format!(", {m}"))
            .unwrap_or_default(),
    );
    let rate_limited = status == StatusCode::TOO_MANY_REQUESTS
        || code.is_some_and(|c| RATE_LIMIT_CODES.contains(&c));
    if rate_limited || status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        DeliveryError::Retry {
            reason,
            after: wait,
        }
    } else {
        // 21211 invalid 'To', 21610 unsubscribed, 21614 not a mobile number, 20003 bad
        // credentials, 20404 unknown account …: the same request fails the same way.
        DeliveryError::Permanent { reason }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use base64::Engine as _;
    use serde_json::json;

    use super::*;
    use crate::config::SmsProviderKind;
    use crate::notify::sms::testkit::{self, Received, Reply, TestServer};

    const SID: &str = "AC0123456789abcdef0123456789abcdef";
    const TOKEN: &str = "twilio-test-token";
    const REQUEST_ID: &str = "RQ0123456789abcdef0123456789abcdef";

    /// Twilio's Messages endpoint: checks the request the way Twilio would and
    /// answers `reply` when it is right (401 / 400 in Twilio's format when not).
    struct FakeTwilio {
        server: TestServer,
        problems: Arc<Mutex<Vec<String>>>,
    }

    fn check(req: &Received, sender: (&str, &str)) -> Result<(), (Vec<String>, Reply)> {
        let mut problems = Vec::new();
        if req.method != "POST"
            || req.path != format!("/2010-04-01/Accounts/{SID}/Messages.json")
            || !req.query.is_empty()
        {
            problems.push(format!("{} {}?{}", req.method, req.path, req.query));
        }
        if req.header("content-type") != Some("application/x-www-form-urlencoded") {
            problems.push(format!("content type {:?}", req.header("content-type")));
        }
        let credentials = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .map(|b| String::from_utf8(b).unwrap());
        if credentials.as_deref() != Some(&format!("{SID}:{TOKEN}")) {
            let reply = Reply::json(
                401,
                json!({"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}),
            );
            return Err((problems, reply));
        }
        let msg = testkit::message();
        let want = vec![
            ("To".to_owned(), "+8613812345678".to_owned()),
            (sender.0.to_owned(), sender.1.to_owned()),
            ("Body".to_owned(), msg.text),
        ];
        let mut got = req.form();
        got.sort();
        let mut want_sorted = want;
        want_sorted.sort();
        if got != want_sorted {
            problems.push(format!("form {got:?}"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            let reply = Reply::json(
                400,
                json!({"code": 21604, "message": "A 'To' phone number is required.", "more_info": "https://www.twilio.com/docs/errors/21604", "status": 400}),
            );
            Err((problems, reply))
        }
    }

    impl FakeTwilio {
        async fn start(reply: Reply) -> FakeTwilio {
            FakeTwilio::expecting(("From", "+15005550006"), reply).await
        }

        async fn expecting(sender: (&'static str, &'static str), reply: Reply) -> FakeTwilio {
            let problems = Arc::new(Mutex::new(Vec::new()));
            let log = problems.clone();
            let server = testkit::serve(move |req| match check(req, sender) {
                Ok(()) => reply.clone().header("Twilio-Request-Id", REQUEST_ID),
                Err((found, reply)) => {
                    log.lock().unwrap().extend(found);
                    reply.header("Twilio-Request-Id", REQUEST_ID)
                }
            })
            .await;
            FakeTwilio { server, problems }
        }

        fn provider(&self) -> Twilio {
            self.provider_with(|_| {})
        }

        fn provider_with(&self, edit: impl FnOnce(&mut SmsSettings)) -> Twilio {
            let mut settings = testkit::settings(SmsProviderKind::Twilio);
            // A trailing slash in the setting must not double the one in the path.
            settings.twilio_base_url = format!("{}/", self.server.base);
            edit(&mut settings);
            Twilio::new(&settings)
        }

        async fn finish(self) {
            let problems = self.problems.lock().unwrap().clone();
            self.server.stop().await;
            assert!(
                problems.is_empty(),
                "the fake Twilio objected: {problems:#?}"
            );
        }
    }

    fn created() -> Reply {
        let msg = testkit::message();
        Reply::json(
            201,
            json!({
                "account_sid": SID, "api_version": "2010-04-01", "body": msg.text,
                "date_created": "Sun, 01 Jun 2025 08:00:00 +0000", "date_sent": null,
                "date_updated": "Sun, 01 Jun 2025 08:00:00 +0000", "direction": "outbound-api",
                "error_code": null, "error_message": null, "from": "+15005550006",
                "messaging_service_sid": null, "num_media": "0", "num_segments": "1",
                "price": null, "price_unit": "USD", "sid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
                "status": "queued", "subresource_uris": {"media": "/2010-04-01/Accounts/AC…/Messages/SM…/Media.json"},
                "to": "+8613812345678", "uri": "/2010-04-01/Accounts/AC…/Messages/SM….json"
            }),
        )
    }

    fn twilio_error(status: u16, code: i64, message: &str) -> Reply {
        Reply::json(
            status,
            json!({"code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status}),
        )
    }

    #[tokio::test]
    async fn sends_a_form_with_basic_auth_and_returns_the_sid() {
        let fake = FakeTwilio::start(created()).await;
        let receipt = fake
            .provider()
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap();
        assert_eq!(
            receipt.provider_id.as_deref(),
            Some("SM1f0e8ae6ade43cb3c0ce4525424e404f")
        );
        assert_eq!(fake.server.received().len(), 1);
        fake.finish().await;
    }

    #[tokio::test]
    async fn a_messaging_service_sid_is_sent_instead_of_from() {
        let fake = FakeTwilio::expecting(
            ("MessagingServiceSid", "MG9752274e9e519418a7406176694466fa"),
            created(),
        )
        .await;
        let provider =
            fake.provider_with(|s| s.twilio_from = "MG9752274e9e519418a7406176694466fa".into());
        assert!(provider
            .send(&testkit::client(), &testkit::message())
            .await
            .is_ok());
        fake.finish().await;
    }

    #[tokio::test]
    async fn too_many_requests_is_retried_after_retry_after() {
        let fake = FakeTwilio::start(
            twilio_error(429, 20429, "Too Many Requests").header("Retry-After", "7"),
        )
        .await;
        let err = fake
            .provider()
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        match err {
            DeliveryError::Retry { after, reason } => {
                assert_eq!(after, Some(Duration::from_secs(7)));
                assert!(
                    reason.contains("20429") && reason.contains(REQUEST_ID),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
        fake.finish().await;
    }

    #[tokio::test]
    async fn bad_numbers_unsubscribed_recipients_and_unknown_4xx_are_permanent() {
        for (status, code, message) in [
            (400, 21211, "Invalid 'To' Phone Number: +861381234567"),
            (400, 21610, "Attempt to send to unsubscribed recipient"),
            (400, 21614, "'To' number is not a valid mobile number"),
            (404, 20404, "The requested resource was not found"),
        ] {
            let fake = FakeTwilio::start(twilio_error(status, code, message)).await;
            let err = fake
                .provider()
                .send(&testkit::client(), &testkit::message())
                .await
                .unwrap_err();
            assert!(
                matches!(&err, DeliveryError::Permanent { reason } if reason.contains(&code.to_string())),
                "{code}: {err:?}"
            );
            fake.finish().await;
        }
    }

    #[tokio::test]
    async fn a_wrong_auth_token_is_refused_by_the_server_and_is_permanent() {
        let fake = FakeTwilio::start(created()).await;
        let provider = fake.provider_with(|s| s.twilio_auth_token = "stale-token".into());
        let err = provider
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DeliveryError::Permanent { reason } if reason.contains("20003")),
            "{err:?}"
        );
        assert!(!format!("{err:?}").contains("stale-token"));
        fake.finish().await;
    }

    #[tokio::test]
    async fn server_errors_are_retried() {
        let fake = FakeTwilio::start(twilio_error(500, 20500, "Internal Server Error")).await;
        let err = fake
            .provider()
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        assert!(
            matches!(err, DeliveryError::Retry { after: None, .. }),
            "{err:?}"
        );
        fake.finish().await;

        let fake = FakeTwilio::start(
            Reply::text(503, "<html>Service Unavailable</html>").header("Retry-After", "30"),
        )
        .await;
        let err = fake
            .provider()
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        assert!(
            matches!(err, DeliveryError::Retry { after: Some(d), .. } if d == Duration::from_secs(30)),
            "{err:?}"
        );
        fake.finish().await;
    }

    #[tokio::test]
    async fn connection_refused_and_timeouts_are_retried() {
        let mut settings = testkit::settings(SmsProviderKind::Twilio);
        settings.twilio_base_url = testkit::refused_base();
        let err = Twilio::new(&settings)
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        assert!(matches!(err, DeliveryError::Retry { .. }), "{err:?}");

        let fake = FakeTwilio::start(created().after(Duration::from_millis(1500))).await;
        let impatient = testkit::client_with_timeout(Duration::from_millis(300));
        let err = fake
            .provider()
            .send(&impatient, &testkit::message())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DeliveryError::Retry { reason, .. } if reason.contains("timed out")),
            "{err:?}"
        );
        fake.finish().await;
    }
}
