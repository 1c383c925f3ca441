//! Sending what the outbox holds: SMS providers over HTTP, e-mail over SMTP, the message templates and their shared types.

pub mod email;
pub mod segments;
pub mod sms;
pub mod templates;

use std::time::Duration;

/// One SMS as a provider receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingSms {
    /// Mainland mobile, 11 digits (providers that want E.164 add +86 themselves).
    pub to: String,
    /// The full text, for providers that take free text (Twilio, webhook).
    pub text: String,
    /// Our template name, e.g. `technician_dispatch` (Aliyun maps it to an approved template code).
    pub template: String,
    /// The template's variables as a JSON object (Aliyun `TemplateParam`).
    pub params: serde_json::Value,
    /// Stable per outbox row; passed to providers that deduplicate on it.
    pub idempotency_key: String,
}

/// One e-mail: every mail has a text and an HTML part.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub idempotency_key: String,
}

/// The provider's answer when it accepted the message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Receipt {
    /// The provider's message id (Aliyun BizId, Twilio SID …).
    pub provider_id: Option<String>,
}

/// Why a delivery failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeliveryError {
    /// Network trouble, timeouts, 5xx, rate limits: try again later (`after` when the provider says when).
    #[error("temporary failure: {reason}")]
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// Invalid number, rejected content, bad credentials: retrying will not help; dead-letter it.
    #[error("permanent failure: {reason}")]
    Permanent { reason: String },
}

/// A plain-text body as minimal HTML, for mails recorded without an HTML part.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str("<p>");
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out.push_str("</p>");
    out
}

/// Sends one message; implemented by the real providers and by test doubles.
pub trait Sender: Send + Sync {
    fn send_sms(
        &self,
        msg: OutgoingSms,
    ) -> impl std::future::Future<Output = Result<Receipt, DeliveryError>> + Send;
    fn send_email(
        &self,
        msg: OutgoingEmail,
    ) -> impl std::future::Future<Output = Result<Receipt, DeliveryError>> + Send;
    fn has_sms(&self) -> bool;
    fn has_email(&self) -> bool;
}

/// The configured providers: the outbox worker's `Sender` in production.
pub struct Providers {
    sms: Option<sms::SmsProvider>,
    mailer: Option<email::Mailer>,
    client: reqwest::Client,
}

impl Providers {
    pub fn from_settings(s: &crate::config::Settings) -> Result<Providers, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(s.sms.timeout_s))
            .user_agent(concat!("RescueDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let sms = sms::SmsProvider::from_settings(&s.sms, &s.sms_templates);
        let mailer = email::Mailer::from_settings(&s.email)?;
        tracing::info!(
            sms = sms.as_ref().map_or("outbox viewer", |p| p.name()),
            email = if mailer.is_some() {
                "smtp"
            } else {
                "outbox viewer"
            },
            "message delivery"
        );
        Ok(Providers {
            sms,
            mailer,
            client,
        })
    }
}

impl Sender for Providers {
    async fn send_sms(&self, msg: OutgoingSms) -> Result<Receipt, DeliveryError> {
        match &self.sms {
            Some(p) => p.send(&self.client, &msg).await,
            None => Ok(Receipt {
                provider_id: Some("viewer".into()),
            }),
        }
    }

    async fn send_email(&self, msg: OutgoingEmail) -> Result<Receipt, DeliveryError> {
        match &self.mailer {
            Some(m) => m.send(&msg).await,
            None => Ok(Receipt {
                provider_id: Some("viewer".into()),
            }),
        }
    }

    fn has_sms(&self) -> bool {
        self.sms.is_some()
    }

    fn has_email(&self) -> bool {
        self.mailer.is_some()
    }
}
