//! One error type for the whole service, with stable snake_case codes and the one place that maps them to HTTP.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::i18n::Locale;

/// Stable error codes: clients and tests match on these, so never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    InvalidJson,
    Unauthenticated,
    InvalidCredentials,
    Forbidden,
    CsrfFailed,
    NotFound,
    Conflict,
    IdempotencyKeyReused,
    InvalidTransition,
    StaleState,
    PlanNotApproved,
    InsufficientStock,
    OverIssue,
    NotInCrew,
    NotRescueLead,
    DangerousGoodsNoAir,
    ReviewRequired,
    LocationPending,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// An import would take `dangerous_goods` or `monitored` off parts and that was not confirmed.
    SafetyDowngradeUnconfirmed,
    /// The ticket's clock already stands still (one open pause at a time).
    ClockAlreadyPaused,
    /// Resume asked of a clock that is running.
    ClockNotPaused,
    /// `[sla] pause_allowed` is off.
    PauseDisabled,
    TooManyAttempts,
    RequestTimeout,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::StaleState => "stale_state",
            ErrorCode::PlanNotApproved => "plan_not_approved",
            ErrorCode::InsufficientStock => "insufficient_stock",
            ErrorCode::OverIssue => "over_issue",
            ErrorCode::NotInCrew => "not_in_crew",
            ErrorCode::NotRescueLead => "not_rescue_lead",
            ErrorCode::DangerousGoodsNoAir => "dangerous_goods_no_air",
            ErrorCode::ReviewRequired => "monitored_part_review_required",
            ErrorCode::LocationPending => "location_pending",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::SafetyDowngradeUnconfirmed => "safety_downgrade_unconfirmed",
            ErrorCode::ClockAlreadyPaused => "clock_already_paused",
            ErrorCode::ClockNotPaused => "clock_not_paused",
            ErrorCode::PauseDisabled => "pause_disabled",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::ValidationFailed | ErrorCode::InvalidJson => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden
            | ErrorCode::CsrfFailed
            | ErrorCode::NotInCrew
            | ErrorCode::NotRescueLead => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict
            | ErrorCode::InvalidTransition
            | ErrorCode::StaleState
            | ErrorCode::PlanNotApproved
            | ErrorCode::InsufficientStock
            | ErrorCode::OverIssue
            | ErrorCode::ReviewRequired
            | ErrorCode::LocationPending
            | ErrorCode::ClockAlreadyPaused
            | ErrorCode::ClockNotPaused
            | ErrorCode::PauseDisabled
            | ErrorCode::SafetyDowngradeUnconfirmed => StatusCode::CONFLICT,
            ErrorCode::IdempotencyKeyReused | ErrorCode::DangerousGoodsNoAir => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Field name → what is wrong with it.
pub type FieldErrors = BTreeMap<String, FieldText>;

/// What is wrong with one field, rendered in the reader's language.
pub type FieldText = crate::i18n::Text;

/// The named values an error's message was made from, e.g. `current` and `asked` versions.
pub type Params = BTreeMap<&'static str, serde_json::Value>;

#[derive(Debug, Clone)]
pub struct AppError {
    pub code: ErrorCode,
    /// The Chinese text for logs; what a user reads comes from [`AppError::message_in`].
    /// Messages not yet in the catalogue are "中文 / English", each half picked by language.
    pub message: String,
    /// The catalogue message this error renders, when it has one.
    pub msg: Option<crate::i18n::Msg>,
    pub fields: FieldErrors,
    /// Seconds after which a refused request may be tried again (`Retry-After`).
    pub retry_after_s: Option<u64>,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `validation_failed`.
    pub error: &'static str,
    /// Human message in the language of `Accept-Language` (Chinese unless English is asked for).
    pub message: String,
    /// The values the message names, for clients that write their own (e.g. `current`, `asked`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub params: Params,
    /// Per-field messages for `validation_failed`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            msg: None,
            fields: FieldErrors::new(),
            retry_after_s: None,
        }
    }

    /// An error whose message is the catalogue's `key`, made from `params`.
    pub fn msg(
        code: ErrorCode,
        key: &'static str,
        params: &[(&'static str, serde_json::Value)],
    ) -> Self {
        let msg = crate::i18n::Msg::with(key, params);
        AppError {
            message: msg.render(Locale::ZhCn),
            msg: Some(msg),
            ..Self::new(code, String::new())
        }
    }

    /// The message in `locale`.
    pub fn message_in(&self, locale: Locale) -> String {
        match &self.msg {
            Some(m) => m.render(locale),
            None => locale.pick(&self.message).to_owned(),
        }
    }

    /// The body, its message and field messages in `locale`.
    pub fn body_in(&self, locale: Locale) -> ErrorBody {
        ErrorBody {
            error: self.code.as_str(),
            message: self.message_in(locale),
            params: self
                .msg
                .iter()
                .flat_map(|m| m.params.iter().cloned())
                .collect(),
            fields: self
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.render(locale)))
                .collect(),
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    pub fn validation(fields: FieldErrors) -> Self {
        let n = fields.len();
        AppError {
            fields,
            ..Self::msg(
                ErrorCode::ValidationFailed,
                "error-fields-to-correct",
                &[("count", n.into())],
            )
        }
    }

    pub fn field(field: &str, message: impl Into<FieldText>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_owned(), message.into());
        Self::validation(fields)
    }

    /// `what` is a bilingual noun ("救援单 / ticket"); each half goes into its own sentence.
    pub fn not_found(what: &str) -> Self {
        let (zh, en) = what.split_once(" / ").unwrap_or((what, what));
        let mut en_chars = en.chars();
        let en: String = en_chars
            .next()
            .map(|first| first.to_uppercase().chain(en_chars).collect())
            .unwrap_or_default();
        Self::new(ErrorCode::NotFound, format!("找不到{zh} / {en} not found"))
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            "请先登录 / Sign-in required (session cookie or bearer token)",
        )
    }

    pub fn forbidden(action: &str) -> Self {
        Self::new(
            ErrorCode::Forbidden,
            format!("您的角色无权执行此操作 / Your role may not {action}"),
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// Logs the cause with full detail and returns a message that reveals nothing internal.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "服务器内部错误，请稍后重试 / Internal error, please retry later",
        )
    }

    pub fn body(&self) -> ErrorBody {
        self.body_in(Locale::ZhCn)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for AppError {}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if let Some(s) = self.retry_after_s {
            res.insert_header((actix_web::http::header::RETRY_AFTER, s.to_string()));
        }
        // The body is in Chinese here (no request, so no Accept-Language); the language layer
        // draws it again in the client's language from the error kept on the response.
        let mut res = res.json(self.body());
        res.extensions_mut().insert(self.clone());
        res
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::not_found("记录 / record"),
            other => AppError::internal(database_cause(&other)),
        }
    }
}

/// The error with its causes: diesel names only the field that failed to deserialise and keeps
/// the reason (e.g. an unknown status in the row) in `source()`, which the log must show.
pub fn database_cause(e: &diesel::result::Error) -> String {
    let mut text = format!("database: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "database pool exhausted or unreachable");
        AppError::new(
            ErrorCode::Unavailable,
            "数据库暂时不可用 / Database temporarily unavailable",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_serialises_with_fields() {
        let err = AppError::field("phone", "bad");
        let json = serde_json::to_value(err.body()).unwrap();
        assert_eq!(json["error"], "validation_failed");
        assert_eq!(json["fields"]["phone"], "bad");
        assert_eq!(err.code.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn other_errors_omit_fields() {
        let json = serde_json::to_value(AppError::not_found("ticket").body()).unwrap();
        assert_eq!(json["error"], "not_found");
        assert!(json.get("fields").is_none());
    }
}
