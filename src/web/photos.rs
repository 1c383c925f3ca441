//! Photos and the signature on the pages: the crew uploads from the job page (signed in or by
//! link; the phone has already shrunk the photo), staff and the crew see thumbnails, the
//! timeline names each photo. Images are served only after the same checks as the ticket.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::session::{request_locale, Chrome, WebUser};
use super::{html, OrPage, PageError};
use crate::auth::links::Scope;
use crate::auth::Identity;
use crate::domain::ids::{PhotoId, TicketId};
use crate::domain::photo::PhotoKind;
use crate::error::{AppError, ErrorCode};
use crate::i18n::{Locale, Msg};
use crate::services::photos::{self, TicketPhotos};
use crate::services::public;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

pub struct PhotoRow {
    pub id: String,
    pub kind: &'static str,
    pub label: String,
    pub by: String,
    pub at: String,
}

pub struct SignatureRow {
    pub work_done: String,
    pub signed: bool,
    pub absent_reason: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "photos_list.html", config = "src/web/askama.toml")]
struct PhotosFragment {
    c: Chrome,
    /// Where the images are: `/tickets/{id}`, `/jobs/{id}` or `/j/{code}`.
    base: String,
    rows: Vec<PhotoRow>,
    signature: Option<SignatureRow>,
}

fn fragment(
    state: &AppState,
    c: Chrome,
    base: String,
    p: TicketPhotos,
    with_signature: bool,
) -> HttpResponse {
    let l = c.locale;
    let rows = p
        .photos
        .into_iter()
        .map(|ph| PhotoRow {
            label: l.t(ph.kind.label_key()),
            kind: ph.kind.as_str(),
            by: ph.taken_by,
            at: super::tickets::local(state, &ph.created_at),
            id: ph.id,
        })
        .collect();
    let signature = p
        .signature
        .filter(|_| with_signature)
        .map(|s| SignatureRow {
            work_done: s.work_done,
            signed: s.signed,
            absent_reason: s.absent_reason.unwrap_or_default(),
            by: s.taken_by,
            at: super::tickets::local(state, &s.created_at),
        });
    html(
        StatusCode::OK,
        &PhotosFragment {
            c,
            base,
            rows,
            signature,
        },
    )
}

/// The photo's bytes with their own type; the page's headers add `nosniff`.
fn kind_of(q: &KindQuery) -> Result<PhotoKind, AppError> {
    PhotoKind::parse(&q.kind).ok_or_else(|| AppError::field("kind", Msg::new("phone-photo-kind")))
}

/// The body within `[photos] max_bytes`: a declared length above it is refused before
/// anything is read, and reading stops at the limit otherwise.
async fn body_within(
    req: &HttpRequest,
    payload: web::Payload,
    max: usize,
) -> Result<Vec<u8>, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(photos::too_large(max));
    }
    match crate::api::body::read_body(payload, max).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(e) if e.code == ErrorCode::PayloadTooLarge => Err(photos::too_large(max)),
        Err(e) => Err(e),
    }
}

async fn add(
    req: &HttpRequest,
    state: &AppState,
    me: &Identity,
    id: TicketId,
    q: &KindQuery,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(q)?;
    let bytes = body_within(req, payload, state.settings.photos.max_bytes).await?;
    let photo = photos::add(&state.db, &state.settings.photos, me, id, kind, bytes).await?;
    Ok(HttpResponse::Created().json(photo))
}

/// `POST /jobs/{id}/photos?kind=…` (and `/tickets/{id}/photos`): a signed-in crew member's
/// photo; the CSRF token comes in `X-CSRF-Token`. Answers JSON.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
    q: web::Query<KindQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let sent = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if user.check_csrf(sent).is_err() {
        return Err(AppError::msg(
            ErrorCode::CsrfFailed,
            "web-form-expired",
            &[],
        ));
    }
    let id = crate::api::params::page_id(&id, crate::error::Thing::Ticket)?;
    add(&req, &state, &user.identity, id, &q, payload).await
}

/// The technician behind a job link, and the link's ticket.
async fn link_actor(state: &AppState, code: String) -> Result<(Identity, TicketId), AppError> {
    let (claims, dealer) = public::open_link(&state.db, &state.notifier, code, Scope::Job)
        .await
        .map_err(|e| {
            let m = e.msg();
            AppError::msg(ErrorCode::Forbidden, m.key, &m.params)
        })?;
    let me = public::link_technician(&state.db, &claims, dealer).await?;
    let id = crate::api::params::page_id(&claims.ticket_id, crate::error::Thing::Ticket)?;
    Ok((me, id))
}

/// `POST /j/{code}/photos?kind=…`: the same from the job link (the code is the credential).
pub async fn upload_by_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    q: web::Query<KindQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (me, id) = link_actor(&state, code.into_inner()).await?;
    add(&req, &state, &me, id, &q, payload).await
}

/// `GET /tickets/{id}/photos` (the ticket page: photos and the signature) and
/// `GET /jobs/{id}/photos` (the job page: photos).
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = super::page_ticket_id(&id, user.locale)?;
    let on_job = req.path().starts_with("/jobs/");
    let base = if on_job {
        format!("/jobs/{id}")
    } else {
        format!("/tickets/{id}")
    };
    let p = photos::of_ticket(&state.db, &user.identity, id)
        .await
        .or_page(user.locale)?;
    Ok(fragment(&state, user.chrome(), base, p, !on_job))
}

/// `GET /j/{code}/photos`: the job link's photos.
pub async fn list_by_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let locale: Locale = request_locale(&req, None);
    let code = code.into_inner();
    let (me, id) = link_actor(&state, code.clone()).await.or_page(locale)?;
    let p = photos::of_ticket(&state.db, &me, id)
        .await
        .or_page(locale)?;
    Ok(fragment(
        &state,
        Chrome::anonymous(locale),
        format!("/j/{code}"),
        p,
        false,
    ))
}

/// `GET /tickets/{id}/photos/{photo}` (also under `/jobs/`).
pub async fn image(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, photo) = path.into_inner();
    let id = super::page_ticket_id(&id, user.locale)?;
    let photo = photo_id(&photo).or_page(user.locale)?;
    let (ct, bytes) = photos::image(&state.db, &user.identity, id, photo)
        .await
        .or_page(user.locale)?;
    Ok(crate::api::photos::image_response(ct, bytes))
}

/// `GET /j/{code}/photos/{photo}`.
pub async fn image_by_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let locale = request_locale(&req, None);
    let (code, photo) = path.into_inner();
    let (me, id) = link_actor(&state, code).await.or_page(locale)?;
    let photo = photo_id(&photo).or_page(locale)?;
    let (ct, bytes) = photos::image(&state.db, &me, id, photo)
        .await
        .or_page(locale)?;
    Ok(crate::api::photos::image_response(ct, bytes))
}

/// `GET /tickets/{id}/signature`: the customer's signature (PNG).
pub async fn signature(
    state: web::Data<AppState>,
    user: WebUser,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = super::page_ticket_id(&id, user.locale)?;
    let png = photos::signature_image(&state.db, &user.identity, id)
        .await
        .or_page(user.locale)?;
    Ok(crate::api::photos::image_response("image/png".into(), png))
}

/// The timeline's words for a photo or an override: which photo, or who and why.
pub fn event_detail(l: Locale, action: &str, data: &serde_json::Value) -> Option<String> {
    match action {
        photos::ADDED => data["kind"]
            .as_str()
            .and_then(PhotoKind::parse)
            .map(|k| l.t(k.label_key())),
        crate::services::availability::OVERRIDDEN => Some(
            l.t_with(
                "phone-audit-busy-override-detail",
                &[
                    (
                        "technician",
                        data["technician_name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned()
                            .into(),
                    ),
                    (
                        "ticket",
                        data["other_ticket"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned()
                            .into(),
                    ),
                    (
                        "reason",
                        data["reason"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned()
                            .into(),
                    ),
                ],
            ),
        ),
        _ => None,
    }
}

/// A photo id from the path: the system's UUIDs only, anything else is "not found".
fn photo_id(segment: &str) -> Result<PhotoId, AppError> {
    crate::api::params::page_id(segment, crate::error::Thing::Record)
}
