//! SMS providers the outbox worker delivers through: Alibaba Cloud SMS, Twilio and a signed generic webhook.
//!
//! Every provider answers a send with a [`Receipt`] or a [`DeliveryError`] that says
//! whether trying again can help. The rules, the same for all three:
//!
//! - no answer (connect failure, timeout, reset) → `Retry`: the message may or may
//!   not have reached the provider, and losing it is worse than a rare duplicate;
//! - 5xx, 408, 429 and the providers' own rate-limit codes → `Retry`, with the
//!   provider's `Retry-After` when it sends one;
//! - invalid or unsubscribed numbers, rejected templates or signatures, bad
//!   credentials and any other 4xx → `Permanent`: the same request will fail the
//!   same way, so the outbox dead-letters it for a person to look at;
//! - a 2xx that carries a provider-level failure (Aliyun answers 200 with
//!   `Code != "OK"`) is classified by that code.
//!
//! The `reqwest::Client` comes from the caller (the worker owns one, with the
//! timeout from `sms.timeout_s`), so connections are pooled across messages.
//! Secrets never reach logs or error reasons: the provider structs print them
//! redacted and transport errors are stripped of their URL. What is logged is the
//! outbox idempotency key and the provider's request id, the two handles needed to
//! trace one message through the provider's console.

pub mod aliyun;
pub mod twilio;
pub mod webhook;

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::config::{SmsProviderKind, SmsSettings, SmsTemplateSettings};
use crate::notify::{DeliveryError, OutgoingSms, Receipt};

/// A configured SMS provider.
#[derive(Debug)]
pub enum SmsProvider {
    Aliyun(aliyun::Aliyun),
    Twilio(twilio::Twilio),
    Webhook(webhook::Webhook),
}

impl SmsProvider {
    /// The provider the settings select, or `None` for `provider = "none"` (messages
    /// then stay in the built-in outbox viewer).
    ///
    /// Required keys are checked when the settings load, so this cannot fail.
    pub fn from_settings(
        sms: &SmsSettings,
        templates: &SmsTemplateSettings,
    ) -> Option<SmsProvider> {
        match sms.provider {
            SmsProviderKind::None => None,
            SmsProviderKind::Aliyun => {
                Some(SmsProvider::Aliyun(aliyun::Aliyun::new(sms, templates)))
            }
            SmsProviderKind::Twilio => Some(SmsProvider::Twilio(twilio::Twilio::new(sms))),
            SmsProviderKind::Webhook => Some(SmsProvider::Webhook(webhook::Webhook::new(sms))),
        }
    }

    /// Short stable name, for logs and the outbox viewer.
    pub fn name(&self) -> &'static str {
        match self {
            SmsProvider::Aliyun(_) => "aliyun",
            SmsProvider::Twilio(_) => "twilio",
            SmsProvider::Webhook(_) => "webhook",
        }
    }

    /// Hands one message to the provider.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        msg: &OutgoingSms,
    ) -> Result<Receipt, DeliveryError> {
        match self {
            SmsProvider::Aliyun(p) => p.send(client, msg).await,
            SmsProvider::Twilio(p) => p.send(client, msg).await,
            SmsProvider::Webhook(p) => p.send(client, msg).await,
        }
    }
}

/// A request that got no HTTP answer. All of these are worth retrying: even a
/// request that was sent and then timed out may not have been processed, and the
/// providers' own duplicate protection (where there is any) covers the rest.
pub(crate) fn transport_error(provider: &str, err: reqwest::Error) -> DeliveryError {
    // The URL can carry tokens (a webhook URL often does); the reason is stored in the outbox.
    let err = err.without_url();
    if err.is_builder() {
        // An unusable endpoint URL in the settings: no retry will fix it.
        return DeliveryError::Permanent {
            reason: format!(
                "{provider}: cannot build the request: {}",
                error_chain(&err)
            ),
        };
    }
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    DeliveryError::Retry {
        reason: format!("{provider}: {what}: {}", error_chain(&err)),
        after: None,
    }
}

/// `err` and its sources, because reqwest's own message ("error sending request") hides the cause.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The `Retry-After` header, in either of its two forms (seconds, or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    // A date in the past means "now".
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// A mainland number in E.164 for providers that want it; numbers already carrying
/// a country code are passed through.
pub(crate) fn e164(to: &str) -> String {
    let to = to.trim();
    if to.starts_with('+') {
        to.to_owned()
    } else if let Some(rest) = to.strip_prefix("00") {
        format!("+{rest}")
    } else if to.len() == 13 && to.starts_with("86") {
        format!("+{to}")
    } else {
        format!("+86{to}")
    }
}

/// Provider text in an error reason, bounded: the reason lands in the outbox table.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 200;
    let text = text.trim();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Prints a secret as `***` (or `""` when unset, which is worth knowing when debugging settings).
pub(crate) fn redacted(secret: &str) -> &'static str {
    if secret.is_empty() {
        "\"\""
    } else {
        "***"
    }
}

#[cfg(test)]
pub(crate) mod testkit {
    //! A real HTTP server on loopback for the provider tests, playing the provider.

    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

    use crate::config::{SmsProviderKind, SmsSettings, SmsTemplateSettings};

    /// One request as the server received it.
    #[derive(Debug, Clone)]
    pub struct Received {
        pub method: String,
        pub path: String,
        pub query: String,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Received {
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        /// The body decoded as `application/x-www-form-urlencoded`, in wire order.
        pub fn form(&self) -> Vec<(String, String)> {
            form_urlencoded::parse(&self.body).into_owned().collect()
        }
    }

    /// What the server answers.
    #[derive(Debug, Clone)]
    pub struct Reply {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: String,
        /// Sleep this long before answering (to make the client time out).
        pub delay: Duration,
    }

    impl Reply {
        pub fn json(status: u16, body: serde_json::Value) -> Reply {
            Reply {
                status,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: body.to_string(),
                delay: Duration::ZERO,
            }
        }

        pub fn text(status: u16, body: &str) -> Reply {
            Reply {
                status,
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: body.into(),
                delay: Duration::ZERO,
            }
        }

        pub fn header(mut self, name: &str, value: &str) -> Reply {
            self.headers.push((name.into(), value.into()));
            self
        }

        pub fn after(mut self, delay: Duration) -> Reply {
            self.delay = delay;
            self
        }
    }

    pub struct TestServer {
        /// `http://127.0.0.1:<port>`, no trailing slash.
        pub base: String,
        received: Arc<Mutex<Vec<Received>>>,
        handle: actix_web::dev::ServerHandle,
    }

    impl TestServer {
        pub fn received(&self) -> Vec<Received> {
            self.received.lock().unwrap().clone()
        }

        pub async fn stop(self) {
            self.handle.stop(false).await;
        }
    }

    /// Starts a server that records every request and answers with `respond`.
    pub async fn serve<F>(respond: F) -> TestServer
    where
        F: Fn(&Received) -> Reply + Send + Sync + 'static,
    {
        let respond = Arc::new(respond);
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let server = HttpServer::new(move || {
            let respond = respond.clone();
            let log = log.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let respond = respond.clone();
                let log = log.clone();
                async move {
                    let got = Received {
                        method: req.method().to_string(),
                        path: req.path().to_owned(),
                        query: req.query_string().to_owned(),
                        headers: req
                            .headers()
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.to_string(),
                                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                )
                            })
                            .collect(),
                        body: body.to_vec(),
                    };
                    let reply = respond(&got);
                    log.lock().unwrap().push(got);
                    if !reply.delay.is_zero() {
                        tokio::time::sleep(reply.delay).await;
                    }
                    let mut resp = HttpResponse::build(
                        actix_web::http::StatusCode::from_u16(reply.status).unwrap(),
                    );
                    for (k, v) in &reply.headers {
                        resp.insert_header((k.as_str(), v.as_str()));
                    }
                    resp.body(reply.body)
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind loopback");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        TestServer {
            base: format!("http://{addr}"),
            received,
            handle,
        }
    }

    /// A loopback address nobody listens on.
    pub fn refused_base() -> String {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        format!("http://{addr}")
    }

    pub fn client() -> reqwest::Client {
        client_with_timeout(Duration::from_secs(10))
    }

    pub fn client_with_timeout(timeout: Duration) -> reqwest::Client {
        reqwest::Client::builder().timeout(timeout).build().unwrap()
    }

    pub fn settings(provider: SmsProviderKind) -> SmsSettings {
        SmsSettings {
            provider,
            timeout_s: 10,
            aliyun_endpoint: "https://dysmsapi.aliyuncs.com/".into(),
            aliyun_region: "cn-hangzhou".into(),
            aliyun_access_key_id: "LTAI-test-id".into(),
            aliyun_access_key_secret: "aliyun-test-secret".into(),
            aliyun_sign_name: "之江上汽大众".into(),
            twilio_base_url: "https://api.twilio.com".into(),
            twilio_account_sid: "AC0123456789abcdef0123456789abcdef".into(),
            twilio_auth_token: "twilio-test-token".into(),
            twilio_from: "+15005550006".into(),
            webhook_url: "https://gateway.example/sms".into(),
            webhook_secret: "webhook-test-secret".into(),
        }
    }

    pub fn templates() -> SmsTemplateSettings {
        SmsTemplateSettings {
            technician_dispatch: "SMS_100001".into(),
            customer_crew_departed: "SMS_100002".into(),
            customer_parts_delay: "SMS_100003".into(),
            customer_resolved: "SMS_100004".into(),
            customer_location_request: "SMS_100005".into(),
            staff_notice: "SMS_100006".into(),
            customer_suspension: "SMS_100007".into(),
            customer_suspension_lifted: "SMS_100008".into(),
        }
    }

    pub fn message() -> crate::notify::OutgoingSms {
        crate::notify::OutgoingSms {
            to: "13812345678".into(),
            text: "【之江上汽大众】救援车已出发, 技师 张 师傅 预计 14:30 到达。".into(),
            template: "customer_crew_departed".into(),
            params: serde_json::json!({"eta": "14:30", "lead": "张师傅", "phone": "13900001111"}),
            idempotency_key: "0190f2a4-7c1e-7b3a-9d2e-5f6a7b8c9d0e".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{settings, templates};
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn from_settings_picks_the_configured_provider() {
        let t = templates();
        assert!(SmsProvider::from_settings(&settings(SmsProviderKind::None), &t).is_none());
        let name = |k| SmsProvider::from_settings(&settings(k), &t).unwrap().name();
        assert_eq!(name(SmsProviderKind::Aliyun), "aliyun");
        assert_eq!(name(SmsProviderKind::Twilio), "twilio");
        assert_eq!(name(SmsProviderKind::Webhook), "webhook");
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let s = settings(SmsProviderKind::None);
        for kind in [
            SmsProviderKind::Aliyun,
            SmsProviderKind::Twilio,
            SmsProviderKind::Webhook,
        ] {
            let p = SmsProvider::from_settings(&settings(kind), &templates()).unwrap();
            let shown = format!("{p:?}");
            for secret in [
                &s.aliyun_access_key_secret,
                &s.twilio_auth_token,
                &s.webhook_secret,
            ] {
                assert!(!shown.contains(secret.as_str()), "{shown}");
            }
            assert!(shown.contains("***"), "{shown}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2025-06-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
            retry_after(&h, now)
        };
        assert_eq!(with("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            with("Sun, 01 Jun 2025 08:00:30 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(with("Sun, 01 Jun 2025 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(with("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn numbers_become_e164() {
        assert_eq!(e164("13812345678"), "+8613812345678");
        assert_eq!(e164(" +8613812345678 "), "+8613812345678");
        assert_eq!(e164("008613812345678"), "+8613812345678");
        assert_eq!(e164("8613812345678"), "+8613812345678");
        assert_eq!(e164("+85291234567"), "+85291234567");
    }

    #[test]
    fn clip_bounds_provider_text_on_a_char_boundary() {
        assert_eq!(clip("  short "), "short");
        let long = "错".repeat(300);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), 201);
        assert!(clipped.ends_with('…'));
    }
}
