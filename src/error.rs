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
    /// A crew names a technician the duty rota has off at the time of dispatch.
    TechnicianOffDuty,
    TooManyAttempts,
    /// A crew position for a job whose crew is not on the road (not yet departed, arrived, over).
    JobNotActive,
    RequestTimeout,
    /// A method the path has no operation for (`Allow` names those it has).
    MethodNotAllowed,
    /// The technician is on the crew of another ticket whose crew is out; an override needs a reason.
    TechnicianBusy,
    /// A mismatch report needs a photo of the fault on arrival first.
    FaultPhotoRequired,
    /// An upload that is not a JPEG, PNG or WebP image by its first bytes.
    UnsupportedImage,
    /// The ticket has as many photos as `[photos] max_per_ticket` allows.
    PhotoLimitReached,
    /// The plan's rescue vehicle is not ready or out on another rescue; an override needs a reason.
    VehicleUnavailable,
    /// `rescuedesk backup`: the file is there already (`--force` replaces it), or is the database.
    BackupExists,
    /// `rescuedesk backup`: writing the copy failed (disk full, no permission…).
    BackupFailed,
    /// `rescuedesk backup`: the SQLite file `database.url` names does not exist.
    DatabaseMissing,
    /// `rescuedesk backup` / `restore` on PostgreSQL: pg_dump and pg_restore do that (README).
    BackupUnsupportedBackend,
    /// `rescuedesk restore`: the backup file cannot be read.
    BackupUnreadable,
    /// `rescuedesk restore`: the file does not start with the SQLite header.
    BackupNotSqlite,
    /// `rescuedesk restore`: an SQLite file that fails `PRAGMA integrity_check`.
    BackupCorrupt,
    /// `rescuedesk restore`: an SQLite file without RescueDesk's tables and migrations.
    BackupNotRescuedesk,
    /// `rescuedesk restore`: the backup holds migrations newer than this build knows.
    BackupNewerSchema,
    /// `rescuedesk restore`: another process (serve, worker) has the database open.
    DatabaseInUse,
    /// `rescuedesk restore`: putting the checked backup in place failed.
    RestoreFailed,
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
            ErrorCode::TechnicianOffDuty => "technician_off_duty",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::JobNotActive => "job_not_active",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::TechnicianBusy => "technician_busy",
            ErrorCode::FaultPhotoRequired => "fault_photo_required",
            ErrorCode::UnsupportedImage => "unsupported_image",
            ErrorCode::PhotoLimitReached => "photo_limit_reached",
            ErrorCode::VehicleUnavailable => "vehicle_unavailable",
            ErrorCode::BackupExists => "backup_exists",
            ErrorCode::BackupFailed => "backup_failed",
            ErrorCode::DatabaseMissing => "database_missing",
            ErrorCode::BackupUnsupportedBackend => "backup_unsupported_backend",
            ErrorCode::BackupUnreadable => "backup_unreadable",
            ErrorCode::BackupNotSqlite => "backup_not_sqlite",
            ErrorCode::BackupCorrupt => "backup_corrupt",
            ErrorCode::BackupNotRescuedesk => "backup_not_rescuedesk",
            ErrorCode::BackupNewerSchema => "backup_newer_schema",
            ErrorCode::DatabaseInUse => "database_in_use",
            ErrorCode::RestoreFailed => "restore_failed",
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
            | ErrorCode::JobNotActive
            | ErrorCode::SafetyDowngradeUnconfirmed
            | ErrorCode::TechnicianBusy
            | ErrorCode::FaultPhotoRequired
            | ErrorCode::PhotoLimitReached
            | ErrorCode::VehicleUnavailable
            | ErrorCode::TechnicianOffDuty
            | ErrorCode::BackupExists
            | ErrorCode::DatabaseInUse => StatusCode::CONFLICT,
            ErrorCode::IdempotencyKeyReused
            | ErrorCode::DangerousGoodsNoAir
            | ErrorCode::BackupNotSqlite
            | ErrorCode::BackupCorrupt
            | ErrorCode::BackupNotRescuedesk
            | ErrorCode::BackupNewerSchema => StatusCode::UNPROCESSABLE_ENTITY,
            // The backup codes are the command line's (`rescuedesk backup` / `restore`); no request
            // answers with them, but every code has a status.
            ErrorCode::DatabaseMissing | ErrorCode::BackupUnreadable => StatusCode::NOT_FOUND,
            ErrorCode::BackupUnsupportedBackend => StatusCode::NOT_IMPLEMENTED,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType | ErrorCode::UnsupportedImage => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal | ErrorCode::BackupFailed | ErrorCode::RestoreFailed => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

/// Field name → what is wrong with it.
pub type FieldErrors = BTreeMap<String, FieldText>;

/// What is wrong with one field, rendered in the reader's language.
pub type FieldText = crate::i18n::Msg;

/// The named values an error's message was made from, e.g. `current` and `asked` versions.
pub type Params = BTreeMap<&'static str, serde_json::Value>;

/// What a `not_found` error did not find: each has a stable code (in the body's params as
/// `thing`) and its own catalogue message, so nobody needs to read the message to tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Ticket,
    Plan,
    Part,
    SourcingOrder,
    Message,
    User,
    Technician,
    Vehicle,
    ImportKind,
    Endpoint,
    Page,
    Record,
    StandardPlan,
    Dealer,
    FollowUp,
    Complaint,
    RescueVehicle,
    Holiday,
    /// A page session (sign-in) of a user.
    Session,
    /// An API token of a user.
    ApiToken,
}

impl Thing {
    pub const ALL: [Thing; 20] = [
        Thing::Ticket,
        Thing::Plan,
        Thing::Part,
        Thing::SourcingOrder,
        Thing::Message,
        Thing::User,
        Thing::Technician,
        Thing::Vehicle,
        Thing::ImportKind,
        Thing::Endpoint,
        Thing::Page,
        Thing::Record,
        Thing::StandardPlan,
        Thing::Dealer,
        Thing::FollowUp,
        Thing::Complaint,
        Thing::RescueVehicle,
        Thing::Holiday,
        Thing::Session,
        Thing::ApiToken,
    ];

    /// Stable: clients match on it, so never rename one.
    pub fn code(self) -> &'static str {
        match self {
            Thing::Ticket => "ticket",
            Thing::Plan => "plan",
            Thing::Part => "part",
            Thing::SourcingOrder => "sourcing_order",
            Thing::Message => "message",
            Thing::User => "user",
            Thing::Technician => "technician",
            Thing::Vehicle => "vehicle",
            Thing::ImportKind => "import_kind",
            Thing::Endpoint => "endpoint",
            Thing::Page => "page",
            Thing::Record => "record",
            Thing::StandardPlan => "standard_plan",
            Thing::Dealer => "dealer",
            Thing::FollowUp => "follow_up",
            Thing::Complaint => "complaint",
            Thing::RescueVehicle => "rescue_vehicle",
            Thing::Holiday => "holiday",
            Thing::Session => "session",
            Thing::ApiToken => "api_token",
        }
    }

    /// The "… not found" message.
    pub fn key(self) -> &'static str {
        match self {
            Thing::Ticket => "svc-not-found-ticket",
            Thing::Plan => "svc-not-found-plan",
            Thing::Part => "svc-not-found-part",
            Thing::SourcingOrder => "svc-not-found-sourcing-order",
            Thing::Message => "svc-not-found-message",
            Thing::User => "svc-not-found-user",
            Thing::Technician => "svc-not-found-technician",
            Thing::Vehicle => "svc-not-found-vehicle",
            Thing::ImportKind => "svc-not-found-import-kind",
            Thing::Endpoint => "svc-not-found-endpoint",
            Thing::Page => "svc-not-found-page",
            Thing::Record => "svc-not-found-record",
            Thing::StandardPlan => "svc-not-found-standard-plan",
            Thing::Dealer => "rota-not-found-dealer",
            Thing::FollowUp => "fu-not-found",
            Thing::Complaint => "cp-not-found",
            Thing::RescueVehicle => "fleet-not-found",
            Thing::Holiday => "holiday-not-found",
            Thing::Session => "acct-session-not-found",
            Thing::ApiToken => "acct-token-not-found",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub code: ErrorCode,
    /// The catalogue message this error renders: in the reader's language with
    /// [`AppError::message_in`], in Chinese in logs (`Display`).
    pub msg: crate::i18n::Msg,
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
    /// An error whose message is the catalogue's `key`, made from `params`.
    pub fn msg(
        code: ErrorCode,
        key: &'static str,
        params: &[(&'static str, serde_json::Value)],
    ) -> Self {
        AppError {
            code,
            msg: crate::i18n::Msg::with(key, params),
            fields: FieldErrors::new(),
            retry_after_s: None,
        }
    }

    /// Shows the param `name` by the catalogue label `label_key`; API clients keep its code.
    pub fn labelled(mut self, name: &'static str, label_key: &'static str) -> Self {
        self.msg = self.msg.label(name, label_key);
        self
    }

    /// The message in `locale`.
    pub fn message_in(&self, locale: Locale) -> String {
        self.msg.render(locale)
    }

    /// Each field's message in `locale`, by field (the API body's `fields`, a form's marks).
    pub fn fields_in(&self, locale: Locale) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .map(|(k, v)| (k.clone(), v.render(locale)))
            .collect()
    }

    /// The body, its message and field messages in `locale`.
    pub fn body_in(&self, locale: Locale) -> ErrorBody {
        ErrorBody {
            error: self.code.as_str(),
            message: self.message_in(locale),
            params: self.msg.params.iter().cloned().collect(),
            fields: self.fields_in(locale),
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

    /// `thing` is not there (or not the actor's to see); its stable code is in the params.
    pub fn not_found(thing: Thing) -> Self {
        Self::msg(
            ErrorCode::NotFound,
            thing.key(),
            &[("thing", thing.code().into())],
        )
    }

    /// A user named by login is not there (the CLI's commands name them).
    pub fn user_not_found(login: &str) -> Self {
        Self::msg(
            ErrorCode::NotFound,
            "svc-not-found-user-login",
            &[
                ("thing", Thing::User.code().into()),
                ("login", login.into()),
            ],
        )
    }

    /// The thing this error did not find, for callers that treat one thing's absence specially.
    pub fn missing_thing(&self) -> Option<Thing> {
        if self.code != ErrorCode::NotFound {
            return None;
        }
        let code = self.msg.params.iter().find(|(k, _)| *k == "thing")?;
        Thing::ALL
            .into_iter()
            .find(|t| code.1.as_str() == Some(t.code()))
    }

    pub fn unauthenticated() -> Self {
        Self::msg(ErrorCode::Unauthenticated, "svc-unauthenticated", &[])
    }

    /// `action` is the refused action's English description (`Action::describe`) or its code.
    /// A refusal naming what the role may not do: `action` (a stable code) goes to the API's
    /// params, the reader sees the catalogue label `label_key`.
    pub fn forbidden(action: &'static str, label_key: &'static str) -> Self {
        Self::msg(
            ErrorCode::Forbidden,
            "svc-forbidden",
            &[("action", action.into())],
        )
        .labelled("action", label_key)
    }

    /// A conflict whose message is the catalogue's `key`.
    pub fn conflict(key: &'static str) -> Self {
        Self::msg(ErrorCode::Conflict, key, &[])
    }

    /// Logs the cause with full detail and returns a message that reveals nothing internal.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::msg(ErrorCode::Internal, "svc-internal", &[])
    }

    pub fn body(&self) -> ErrorBody {
        self.body_in(Locale::ZhCn)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            self.code.as_str(),
            self.message_in(Locale::ZhCn)
        )
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
            diesel::result::Error::NotFound => AppError::not_found(Thing::Record),
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
        AppError::msg(ErrorCode::Unavailable, "svc-database-unavailable", &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_serialises_with_fields() {
        let err = AppError::field("phone", crate::i18n::Msg::new("error-phone-invalid"));
        let json = serde_json::to_value(err.body()).unwrap();
        assert_eq!(json["error"], "validation_failed");
        assert_eq!(json["fields"]["phone"], "请输入11位手机号或带区号的固话");
        assert_eq!(err.code.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn other_errors_omit_fields() {
        let json = serde_json::to_value(AppError::not_found(Thing::Ticket).body()).unwrap();
        assert_eq!(json["error"], "not_found");
        assert!(json.get("fields").is_none());
        assert_eq!(json["params"], serde_json::json!({"thing": "ticket"}));
    }

    #[test]
    fn not_found_names_the_thing_in_each_language() {
        let e = AppError::not_found(Thing::SourcingOrder);
        assert_eq!(e.message_in(Locale::ZhCn), "找不到寻源单");
        assert_eq!(e.message_in(Locale::En), "Sourcing order not found");
        assert_eq!(e.missing_thing(), Some(Thing::SourcingOrder));
        assert_eq!(e.body_in(Locale::En).params["thing"], "sourcing_order");
        let e = AppError::user_not_found("hz.nobody");
        assert_eq!(e.message_in(Locale::En), "User hz.nobody not found");
        assert_eq!(e.missing_thing(), Some(Thing::User));
        assert_eq!(AppError::unauthenticated().missing_thing(), None);
        // Every thing has its message in both languages, and its own code.
        let codes: std::collections::BTreeSet<_> = Thing::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(codes.len(), Thing::ALL.len());
        for t in Thing::ALL {
            let e = AppError::not_found(t);
            let (zh, en) = (e.message_in(Locale::ZhCn), e.message_in(Locale::En));
            assert!(
                zh.starts_with("找不到") && en.ends_with(" not found"),
                "{zh} / {en}"
            );
            assert_eq!(e.missing_thing(), Some(t));
        }
    }
}
