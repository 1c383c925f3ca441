//! Sending what the outbox holds: SMS providers over HTTP, e-mail over SMTP, the message templates and their shared types.

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
