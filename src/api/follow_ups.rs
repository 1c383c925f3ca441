//! After the job over the API: the follow-up queue (回访), recording a call, and the complaint
//! cases with their steps and closing.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;

use super::body::Json;
use super::params::{PathId, Query};
use crate::auth::ApiUser;
use crate::domain::follow_up::ComplaintStatus;
use crate::domain::ids::{ComplaintId, FollowUpId};
use crate::error::{AppError, ErrorBody};
use crate::i18n::Msg;
use crate::services::follow_ups::{
    self, AnswerRequest, Answered, CloseRequest, ComplaintPage, ComplaintView, FollowUpDetail,
    FollowUpPage, FollowUpView, NoAnswerRequest, StepRequest,
};
use crate::services::views::Localise;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// 1-based page number.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// At most 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl PageQuery {
    /// Page and page size, the size `default` when not given; out of range is a field error
    /// (as on the ticket list), not quietly moved into range, so a client learns its mistake.
    pub fn checked(&self, default: i64) -> Result<(i64, i64), AppError> {
        page_and_size(self.page, self.per_page, default)
    }
}

/// [`PageQuery::checked`] for queries with their own filters.
pub(crate) fn page_and_size(
    page: Option<i64>,
    per_page: Option<i64>,
    default: i64,
) -> Result<(i64, i64), AppError> {
    const MAX: i64 = 100;
    let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(default.clamp(1, MAX)));
    let mut fields = crate::error::FieldErrors::new();
    if page < 1 {
        fields.insert("page".into(), Msg::new("svc-page-from-one"));
    }
    if !(1..=MAX).contains(&per_page) {
        fields.insert(
            "per_page".into(),
            Msg::with("svc-per-page-range", &[("max", MAX.into())]),
        );
    }
    if fields.is_empty() {
        Ok((page, per_page))
    } else {
        Err(AppError::validation(fields))
    }
}

/// The dealer's open follow-up calls, the rescue that ended first first (call agents, service
/// managers).
#[utoipa::path(tag = "follow-up", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = FollowUpPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/follow-ups")]
pub async fn list_follow_ups(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (page, per_page) = q.checked(i64::from(state.settings.ui.page_size))?;
    let page = follow_ups::queue(
        &state.db,
        &state.settings.follow_up,
        &user.0,
        page,
        per_page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One follow-up with the rescue's story and its complaints.
#[utoipa::path(tag = "follow-up", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Follow-up id")),
    responses((status = 200, body = FollowUpDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/follow-ups/{id}")]
pub async fn get_follow_up(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<FollowUpId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let d = follow_ups::detail(
        &state.db,
        &state.settings.follow_up,
        &user.0,
        id.into_inner(),
    )
    .await?
    .localised(lang.0);
    Ok(HttpResponse::Ok().json(d))
}

/// Record what the customer said: a score of `[follow_up] complaint_at_or_below` or less, or
/// `complaint: true`, opens a complaint (its words are the comment, then required).
#[utoipa::path(tag = "follow-up", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Follow-up id")), request_body = AnswerRequest,
    responses((status = 200, body = Answered), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "stale_state: recorded already, or by someone else meanwhile", body = ErrorBody)))]
#[post("/follow-ups/{id}/answer")]
pub async fn answer_follow_up(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<FollowUpId>,
    body: Result<Json<AnswerRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let a = follow_ups::answer(
        &state.db,
        &state.settings.follow_up,
        &user.0,
        id.into_inner(),
        req,
    )
    .await?;
    Ok(HttpResponse::Ok().json(a))
}

/// Nobody answered: tried again after `[follow_up] retry_minutes`, or closed as unreached after
/// the last of `max_attempts` tries.
#[utoipa::path(tag = "follow-up", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Follow-up id")), request_body = NoAnswerRequest,
    responses((status = 200, body = FollowUpView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/follow-ups/{id}/no-answer")]
pub async fn follow_up_no_answer(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<FollowUpId>,
    body: Result<Json<NoAnswerRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let v = follow_ups::no_answer(
        &state.db,
        &state.settings.follow_up,
        &user.0,
        id.into_inner(),
        req,
    )
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ComplaintQuery {
    /// `open` (the default: the oldest first) or `closed` (the latest first).
    #[param(inline)]
    pub status: Option<ComplaintStatus>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The dealer's complaints (group roles: the group's).
#[utoipa::path(tag = "follow-up", security(("bearer" = [])), params(ComplaintQuery),
    responses((status = 200, body = ComplaintPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/complaints")]
pub async fn list_complaints(
    state: web::Data<AppState>,
    user: ApiUser,
    q: Query<ComplaintQuery>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let (page, per_page) =
        page_and_size(q.page, q.per_page, i64::from(state.settings.ui.page_size))?;
    let page = follow_ups::complaints(
        &state.db,
        &user.0,
        q.status.unwrap_or(ComplaintStatus::Open),
        page,
        per_page,
    )
    .await?
    .localised(lang.0);
    Ok(HttpResponse::Ok().json(page))
}

/// One complaint with its steps.
#[utoipa::path(tag = "follow-up", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Complaint id")),
    responses((status = 200, body = ComplaintView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/complaints/{id}")]
pub async fn get_complaint(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<ComplaintId>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let c = follow_ups::complaint(&state.db, &user.0, id.into_inner())
        .await?
        .localised(lang.0);
    Ok(HttpResponse::Ok().json(c))
}

/// Record a step taken on an open complaint (service manager, director).
#[utoipa::path(tag = "follow-up", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Complaint id")), request_body = StepRequest,
    responses((status = 200, body = ComplaintView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "invalid_transition: the complaint is closed", body = ErrorBody)))]
#[post("/complaints/{id}/steps")]
pub async fn add_complaint_step(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<ComplaintId>,
    body: Result<Json<StepRequest>, AppError>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let c = follow_ups::add_step(&state.db, &user.0, id.into_inner(), req)
        .await?
        .localised(lang.0);
    Ok(HttpResponse::Ok().json(c))
}

/// Close a complaint, only with the customer recorded as satisfied.
#[utoipa::path(tag = "follow-up", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "Complaint id")), request_body = CloseRequest,
    responses((status = 200, body = ComplaintView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "invalid_transition: closed already", body = ErrorBody)))]
#[post("/complaints/{id}/close")]
pub async fn close_complaint(
    state: web::Data<AppState>,
    user: ApiUser,
    id: PathId<ComplaintId>,
    body: Result<Json<CloseRequest>, AppError>,
    lang: super::language::Reader,
) -> Result<HttpResponse, AppError> {
    let Json(req) = body?;
    let c = follow_ups::close(&state.db, &user.0, id.into_inner(), req)
        .await?
        .localised(lang.0);
    Ok(HttpResponse::Ok().json(c))
}
