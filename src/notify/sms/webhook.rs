//! A generic signed webhook, for any SMS gateway that can receive one HTTPS POST per message.
//!
//! # The request a gateway receives
//!
//! ```text
//! POST {sms.webhook_url}
//! Content-Type: application/json
//! Idempotency-Key: 0190f2a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e
//! X-RescueDesk-Timestamp: 1748764800
//! X-RescueDesk-Signature: sha256=<64 lowercase hex digits>
//!
//! {"id":"0190f2a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e","to":"+8613812345678",
//!  "text":"【之江上汽大众】救援车已出发…","template":"customer_crew_departed",
//!  "params":{"eta":"14:30"},"sent_at":"2025-06-01T08:00:00Z"}
//! ```
//!
//! - `id` (equal to the `Idempotency-Key` header) is stable across retries of one
//!   message and unique between messages. A gateway that has already accepted an
//!   `id` must answer 2xx again without sending a second SMS.
//! - `to` is E.164; `text` is the complete message; `template` and `params` are the
//!   same message as a template name and its variables, for gateways that send
//!   templated SMS; `sent_at` is when this attempt was made (RFC 3339, UTC).
//! - `X-RescueDesk-Timestamp` is the same instant in Unix seconds.
//! - `X-RescueDesk-Signature` is `sha256=` followed by the lowercase hex
//!   HMAC-SHA256, keyed with `sms.webhook_secret` (its UTF-8 bytes), of the timestamp
//!   header value, a `.`, and the raw request body bytes exactly as received.
//!
//! To verify: recompute the HMAC over `timestamp + "." + body` before parsing the
//! JSON, compare in constant time, and refuse timestamps more than five minutes from
//! your clock (that, with the `id` check, stops replays). A worked example to test a
//! receiver against: secret `example-secret`, timestamp `1748764800`, body
//! `{"id":"0190f2a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e"}` give
//! `sha256=82f8d8d499c718fe0e54a85dbfef8005097ba2f98219dfa30da92b2fafd82974`.
//!
//! # The answers RescueDesk understands
//!
//! - any 2xx: accepted. A JSON body with a string `"id"` is stored as the
//!   gateway's message id; any other body is ignored.
//! - 408, 409 (the same `id` is being processed right now), 429 and 5xx: try again
//!   later; a `Retry-After` header (seconds or HTTP date) is honoured.
//! - any other status, including 401/403 for a bad signature and 422 for a number
//!   the gateway will not send to: permanent; the message is dead-lettered.
//!
//! If the gateway sends an `X-Request-Id` header it is logged with the message.

use std::fmt;

use chrono::{SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::Serialize;
use sha2::Sha256;

use super::{clip, e164, redacted, retry_after, transport_error};
use crate::config::SmsSettings;
use crate::notify::{DeliveryError, OutgoingSms, Receipt};

pub const TIMESTAMP_HEADER: &str = "X-RescueDesk-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-RescueDesk-Signature";
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// `sha256=` + hex HMAC-SHA256(secret, `{timestamp}.{body}`).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The JSON body; field order is part of the documented format.
#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    to: String,
    text: &'a str,
    template: &'a str,
    params: &'a serde_json::Value,
    sent_at: String,
}

/// The webhook, configured.
pub struct Webhook {
    url: String,
    secret: String,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL is left out too: gateways often put an access token in it.
        f.debug_struct("Webhook")
            .field("url", &redacted(&self.url))
            .field("secret", &redacted(&self.secret))
            .finish()
    }
}

impl Webhook {
    pub fn new(sms: &SmsSettings) -> Webhook {
        Webhook {
            url: sms.webhook_url.trim().to_owned(),
            secret: sms.webhook_secret.clone(),
        }
    }

    pub async fn send(
        &self,
        client: &reqwest::Client,
        msg: &OutgoingSms,
    ) -> Result<Receipt, DeliveryError> {
        let now = Utc::now();
        let payload = Payload {
            id: &msg.idempotency_key,
            to: e164(&msg.to),
            text: &msg.text,
            template: &msg.template,
            params: &msg.params,
            sent_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        };
        let body = serde_json::to_vec(&payload).map_err(|e| DeliveryError::Permanent {
            reason: format!("webhook: cannot encode the message: {e}"),
        })?;
        let timestamp = now.timestamp();
        let resp = client
            .post(&self.url)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .header(IDEMPOTENCY_HEADER, &msg.idempotency_key)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signature(&self.secret, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| transport_error("webhook", e))?;

        let status = resp.status();
        let request_id = resp
            .headers()
            .get("X-Request-Id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        let wait = retry_after(resp.headers(), Utc::now());
        let body = resp
            .bytes()
            .await
            .map_err(|e| transport_error("webhook", e))?;
        let key = &msg.idempotency_key;

        if status.is_success() {
            let provider_id = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned));
            tracing::info!(
                provider = "webhook", key = %key, request_id = %request_id,
                gateway_id = provider_id.as_deref().unwrap_or("-"), "SMS accepted"
            );
            return Ok(Receipt { provider_id });
        }

        let reason = format!(
            "webhook: HTTP {}: {} (request {request_id})",
            status.as_u16(),
            clip(&String::from_utf8_lossy(&body))
        );
        tracing::warn!(provider = "webhook", key = %key, request_id = %request_id, http = status.as_u16(), "SMS refused");
        if status.is_server_error()
            || matches!(
                status,
                StatusCode::REQUEST_TIMEOUT | StatusCode::CONFLICT | StatusCode::TOO_MANY_REQUESTS
            )
        {
            Err(DeliveryError::Retry {
                reason,
                after: wait,
            })
        } else {
            Err(DeliveryError::Permanent { reason })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use chrono::DateTime;
    use serde_json::{json, Value};

    use super::*;
    use crate::config::SmsProviderKind;
    use crate::notify::sms::testkit::{self, Received, Reply, TestServer};

    const SECRET: &str = "webhook-test-secret";
    /// Gateways often authenticate with a token in the URL; it must not leak into reasons.
    const PATH_AND_QUERY: &str = "/sms/inbound?token=url-token-123";

    #[test]
    fn signature_matches_the_documented_example() {
        // The example in the module docs; the value was computed with Python's hmac.
        let body = br#"{"id":"0190f2a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e"}"#;
        assert_eq!(
            signature("example-secret", 1_748_764_800, body),
            "sha256=82f8d8d499c718fe0e54a85dbfef8005097ba2f98219dfa30da92b2fafd82974"
        );
    }

    /// A receiving gateway written from the module docs alone.
    fn verify(req: &Received) -> Vec<String> {
        let mut problems = Vec::new();
        if req.method != "POST" || format!("{}?{}", req.path, req.query) != PATH_AND_QUERY {
            problems.push(format!("{} {}?{}", req.method, req.path, req.query));
        }
        if req.header("content-type") != Some("application/json") {
            problems.push(format!("content type {:?}", req.header("content-type")));
        }
        let msg = testkit::message();
        if req.header("idempotency-key") != Some(msg.idempotency_key.as_str()) {
            problems.push(format!(
                "Idempotency-Key {:?}",
                req.header("idempotency-key")
            ));
        }
        let timestamp = req.header("x-rescuedesk-timestamp").unwrap_or("");
        let Ok(ts) = timestamp.parse::<i64>() else {
            problems.push(format!("timestamp {timestamp:?}"));
            return problems;
        };
        if (Utc::now().timestamp() - ts).abs() > 300 {
            problems.push(format!("timestamp {ts} is off"));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(&req.body);
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        if req.header("x-rescuedesk-signature") != Some(expected.as_str()) {
            problems.push("signature".into());
            return problems;
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let sent_at = body["sent_at"].as_str().unwrap_or("");
        match DateTime::parse_from_rfc3339(sent_at) {
            Ok(t) if t.timestamp() == ts => {}
            _ => problems.push(format!("sent_at {sent_at:?} vs timestamp {ts}")),
        }
        let want = json!({
            "id": msg.idempotency_key, "to": "+8613812345678", "text": msg.text,
            "template": msg.template, "params": msg.params, "sent_at": sent_at,
        });
        if body != want {
            problems.push(format!("body {body}"));
        }
        problems
    }

    struct FakeGateway {
        server: TestServer,
        problems: Arc<Mutex<Vec<String>>>,
    }

    impl FakeGateway {
        async fn start(reply: Reply) -> FakeGateway {
            let problems = Arc::new(Mutex::new(Vec::new()));
            let log = problems.clone();
            let server = testkit::serve(move |req| {
                let found = verify(req);
                if found.iter().any(|p| p == "signature") {
                    // What a gateway does with a bad signature; not a fault of the request format.
                    return Reply::json(401, json!({"error": "bad signature"}));
                }
                log.lock().unwrap().extend(found);
                reply.clone()
            })
            .await;
            FakeGateway { server, problems }
        }

        fn provider(&self, secret: &str) -> Webhook {
            let mut settings = testkit::settings(SmsProviderKind::Webhook);
            settings.webhook_url = format!("{}{PATH_AND_QUERY}", self.server.base);
            settings.webhook_secret = secret.into();
            Webhook::new(&settings)
        }

        async fn send(&self) -> Result<Receipt, DeliveryError> {
            self.provider(SECRET)
                .send(&testkit::client(), &testkit::message())
                .await
        }

        async fn finish(self) {
            let problems = self.problems.lock().unwrap().clone();
            self.server.stop().await;
            assert!(
                problems.is_empty(),
                "the fake gateway objected: {problems:#?}"
            );
        }
    }

    #[tokio::test]
    async fn posts_signed_json_and_keeps_the_gateway_id() {
        let fake =
            FakeGateway::start(Reply::json(200, json!({"id": "gw-42", "status": "queued"}))).await;
        let receipt = fake.send().await.unwrap();
        assert_eq!(receipt.provider_id.as_deref(), Some("gw-42"));
        assert_eq!(fake.server.received().len(), 1);
        fake.finish().await;
    }

    #[tokio::test]
    async fn any_2xx_is_delivered_even_without_a_body() {
        let fake = FakeGateway::start(Reply::text(202, "")).await;
        assert_eq!(fake.send().await.unwrap().provider_id, None);
        fake.finish().await;
    }

    #[tokio::test]
    async fn rate_limits_conflicts_and_server_errors_are_retried() {
        let fake = FakeGateway::start(
            Reply::json(429, json!({"error": "slow down"})).header("Retry-After", "12"),
        )
        .await;
        let err = fake.send().await.unwrap_err();
        assert!(
            matches!(err, DeliveryError::Retry { after: Some(d), .. } if d == Duration::from_secs(12)),
            "{err:?}"
        );
        fake.finish().await;

        for status in [500, 503, 409, 408] {
            let fake = FakeGateway::start(Reply::text(status, "try later")).await;
            let err = fake.send().await.unwrap_err();
            assert!(
                matches!(err, DeliveryError::Retry { after: None, .. }),
                "{status}: {err:?}"
            );
            fake.finish().await;
        }
    }

    #[tokio::test]
    async fn an_invalid_number_and_other_4xx_are_permanent() {
        for status in [422, 400, 404] {
            let fake =
                FakeGateway::start(Reply::json(status, json!({"error": "invalid number"}))).await;
            let err = fake.send().await.unwrap_err();
            assert!(
                matches!(&err, DeliveryError::Permanent { reason } if reason.contains(&status.to_string()) && reason.contains("invalid number")),
                "{status}: {err:?}"
            );
            fake.finish().await;
        }
    }

    #[tokio::test]
    async fn a_wrong_secret_fails_the_gateways_check_and_is_permanent() {
        let fake = FakeGateway::start(Reply::json(200, json!({"id": "never"}))).await;
        let err = fake
            .provider("not-the-secret")
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DeliveryError::Permanent { reason } if reason.contains("401")),
            "{err:?}"
        );
        fake.finish().await;
    }

    #[tokio::test]
    async fn connection_refused_is_retried_without_leaking_the_url() {
        let mut settings = testkit::settings(SmsProviderKind::Webhook);
        settings.webhook_url = format!("{}{PATH_AND_QUERY}", testkit::refused_base());
        let err = Webhook::new(&settings)
            .send(&testkit::client(), &testkit::message())
            .await
            .unwrap_err();
        assert!(matches!(err, DeliveryError::Retry { .. }), "{err:?}");
        assert!(!format!("{err:?}").contains("url-token-123"), "{err:?}");
    }
}
