//! Staff pages: server-rendered HTML (askama) with htmx, Chinese first; sign-in by session cookie.

pub mod account;
pub mod actions;
pub mod assets;
pub mod board;
pub mod charts;
pub mod decide;
pub mod fleet;
pub mod follow_ups;
pub mod form;
pub mod holiday_choice;
pub mod holiday_stock;
pub mod holidays;
pub mod import_page;
pub mod jobs;
pub mod outbox_page;
pub mod parts_desk;
pub mod photos;
pub mod plan_editor;
pub mod positions;
pub mod public;
pub mod readiness;
pub mod reports;
pub mod rota;
pub mod session;
pub mod sign_in;
pub mod standard_plans;
pub mod suspensions;
pub mod ticket_page;
pub mod tickets;
pub mod work;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse, ResponseError};
use askama::Template;

use crate::error::{AppError, ErrorCode};
use crate::i18n::Locale;
use crate::state::AppState;
use session::{Chrome, WebUser};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{name:.+}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(assets::favicon))
        .route("/", web::get().to(home))
        .route("/login", web::get().to(sign_in::form))
        .route("/login", web::post().to(sign_in::submit))
        .route("/logout", web::post().to(sign_in::sign_out))
        .route("/lang/{locale}", web::get().to(sign_in::switch_language))
        // Sessions and tokens (issue 15): the user's own, and the group admin's of anyone.
        .route("/account/sessions", web::get().to(account::own))
        .route(
            "/account/sessions/revoke-others",
            web::post().to(account::revoke_own_others),
        )
        .route(
            "/account/sessions/revoke-all",
            web::post().to(account::revoke_own_all),
        )
        .route(
            "/account/sessions/{id}/revoke",
            web::post().to(account::revoke_own_session),
        )
        .route(
            "/account/tokens/{id}/revoke",
            web::post().to(account::revoke_own_token),
        )
        .route("/admin/users", web::get().to(account::users))
        .route(
            "/admin/users/{id}/sessions",
            web::get().to(account::user_sessions),
        )
        .route(
            "/admin/users/{id}/sessions/revoke-all",
            web::post().to(account::revoke_user_all),
        )
        .route(
            "/admin/users/{id}/sessions/{session}/revoke",
            web::post().to(account::revoke_user_session),
        )
        .route(
            "/admin/users/{id}/tokens/{token}/revoke",
            web::post().to(account::revoke_user_token),
        )
        .route("/tickets", web::get().to(tickets::list))
        .route("/tickets/new", web::get().to(tickets::new_form))
        .route("/tickets/new", web::post().to(tickets::submit))
        .route(
            "/tickets/new/vehicle",
            web::get().to(tickets::vehicle_panel),
        )
        .route("/tickets/{id}", web::get().to(ticket_page::show))
        .route("/tickets/{id}/plan", web::get().to(plan_editor::edit))
        .route("/tickets/{id}/plan", web::post().to(plan_editor::save))
        .route(
            "/tickets/{id}/plan/submit",
            web::post().to(plan_editor::submit),
        )
        .route(
            "/tickets/{id}/plan/standard",
            web::post().to(plan_editor::apply_standard),
        )
        .route(
            "/tickets/{id}/plan/preview",
            web::post().to(plan_editor::preview),
        )
        .route(
            "/tickets/{id}/plan/parts",
            web::get().to(plan_editor::search_parts),
        )
        // After the job (issue 13): follow-up calls and complaints.
        .route("/follow-ups/{id}", web::get().to(follow_ups::show))
        .route("/follow-ups/{id}", web::post().to(follow_ups::record))
        .route("/complaints", web::get().to(follow_ups::list))
        .route(
            "/complaints/{id}",
            web::get().to(follow_ups::show_complaint),
        )
        .route("/complaints/{id}", web::post().to(follow_ups::act))
        .route("/reports", web::get().to(reports::show))
        .route("/reports/{kind:csv|xlsx}", web::get().to(reports::download))
        .route("/standard-plans", web::get().to(standard_plans::list))
        .route("/standard-plans", web::post().to(standard_plans::create))
        .route(
            "/standard-plans/new",
            web::get().to(standard_plans::new_form),
        )
        .route(
            "/standard-plans/{id}",
            web::get().to(standard_plans::edit_form),
        )
        .route(
            "/standard-plans/{id}",
            web::post().to(standard_plans::change),
        )
        .route("/work", web::get().to(work::page))
        .route("/board", web::get().to(board::page))
        .route("/board/live", web::get().to(board::live_part))
        .route("/holidays", web::get().to(holidays::show))
        .route("/readiness", web::get().to(readiness::show))
        .route("/holiday-stock", web::get().to(holiday_stock::show))
        .route(
            "/holiday-stock/{id}/adjust",
            web::post().to(holiday_stock::adjust),
        )
        .route(
            "/holiday-stock/{id}/receive",
            web::post().to(holiday_stock::receive),
        )
        .route(
            "/holiday-stock/{id}/download/{ext}",
            web::get().to(holiday_stock::download),
        )
        .route("/readiness/group", web::get().to(readiness::group))
        .route("/holidays", web::post().to(holidays::save))
        .route("/holidays/{id}/delete", web::post().to(holidays::remove))
        .route("/suspensions", web::get().to(suspensions::show))
        .route("/suspensions", web::post().to(suspensions::declare))
        .route("/suspensions/check", web::get().to(suspensions::check))
        .route("/suspensions/{id}/lift", web::post().to(suspensions::lift))
        .route("/parts", web::get().to(parts_desk::queue))
        .route(
            "/parts/outgoing/{id}/ship",
            web::post().to(parts_desk::ship_outgoing),
        )
        .route("/tickets/{id}/parts", web::get().to(parts_desk::show))
        .route("/j/{code}", web::get().to(public::job))
        .route("/s/{code}", web::get().to(public::status))
        .route("/a/{code}", web::get().to(decide::show))
        .route("/s/{code}/location", web::post().to(public::share_location))
        .route("/s/{code}/rating", web::post().to(public::rate))
        .route("/outbox", web::get().to(outbox_page::page))
        .route("/outbox/{id}/retry", web::post().to(outbox_page::retry))
        .route("/jobs", web::get().to(jobs::list))
        .route("/admin/import", web::get().to(import_page::form))
        .route("/admin/import", web::post().to(import_page::submit))
        .route("/jobs/{id}", web::get().to(jobs::show))
        // The crew's phone on the road (issue 12): its position, signed in or by the job link.
        .route("/jobs/{id}/position", web::post().to(positions::signed_in))
        .route("/j/{code}/position", web::post().to(positions::by_link))
        // The crew's photos and the customer's signature (issue 12).
        .route("/jobs/{id}/photos", web::get().to(photos::list))
        .route("/jobs/{id}/photos", web::post().to(photos::upload))
        .route("/jobs/{id}/photos/{photo}", web::get().to(photos::image))
        .route("/tickets/{id}/photos", web::get().to(photos::list))
        .route("/tickets/{id}/photos/{photo}", web::get().to(photos::image))
        .route("/tickets/{id}/signature", web::get().to(photos::signature))
        .route("/j/{code}/photos", web::get().to(photos::list_by_link))
        .route("/j/{code}/photos", web::post().to(photos::upload_by_link))
        .route(
            "/j/{code}/photos/{photo}",
            web::get().to(photos::image_by_link),
        )
        .route("/rota", web::get().to(rota::show))
        .route("/rota/cell", web::get().to(rota::cell))
        .route("/rota/shift", web::post().to(rota::save))
        .route("/rota/holiday", web::post().to(rota::holiday))
        .route("/rota/import", web::post().to(rota::import))
        // Rescue vehicles (issue 16): the register and the crews' readiness checks on the phone.
        .route("/vehicles", web::get().to(fleet::list))
        .route("/vehicles", web::post().to(fleet::register))
        .route("/vehicles/{id}/check", web::get().to(fleet::check_form))
        .route("/vehicles/{id}/check", web::post().to(fleet::check));
    // Each page action at its own URL (the names are in the enums): an unknown one is a 404.
    for (name, action) in actions::TicketAction::ALL {
        cfg.route(
            &format!("/tickets/{{id}}/act/{name}"),
            web::post().to(
                move |state: web::Data<AppState>,
                      user: WebUser,
                      id: web::Path<String>,
                      body: web::Bytes| {
                    actions::act(state, user, id, body, action)
                },
            ),
        );
    }
    for (name, action) in parts_desk::PartsAction::ALL {
        cfg.route(
            &format!("/tickets/{{id}}/parts/act/{name}"),
            web::post().to(
                move |state: web::Data<AppState>,
                      user: WebUser,
                      id: web::Path<String>,
                      body: web::Bytes| {
                    parts_desk::act(state, user, id, body, action)
                },
            ),
        );
    }
    for (name, action) in actions::CrewAction::ALL {
        cfg.route(
            &format!("/j/{{code}}/act/{name}"),
            web::post().to(
                move |req: actix_web::HttpRequest,
                      state: web::Data<AppState>,
                      code: web::Path<String>,
                      body: web::Bytes| {
                    public::job_act(req, state, code, body, action)
                },
            ),
        );
    }
    for (name, step) in crate::services::decide::Step::ALL {
        cfg.route(
            &format!("/a/{{code}}/act/{name}"),
            web::post().to(
                move |req: actix_web::HttpRequest,
                      state: web::Data<AppState>,
                      code: web::Path<String>| {
                    decide::act(req, state, code, step)
                },
            ),
        );
    }
    cfg.default_service(web::to(not_found));
}

/// `/`: each user's own start page (a technician's jobs, the desk for everyone else).
async fn home(user: session::WebUser) -> HttpResponse {
    redirect(session::landing_for(&user.identity.roles))
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, PageError> {
    let locale = session::request_locale(&req, None);
    Err(PageError::App(
        AppError::not_found(crate::error::Thing::Page),
        locale,
    ))
}

/// A refused form post as one line for the page's alert: the message, then each field's, in the
/// viewer's language.
pub fn refusal_text(l: Locale, e: &AppError) -> String {
    let mut message = e.message_in(l);
    for m in e.fields.values() {
        message.push_str(&l.t("punct-colon"));
        message.push_str(&m.render(l));
    }
    message
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

pub fn html(status: StatusCode, template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => AppError::internal(format!("template: {e}")).error_response(),
    }
}

/// How a page request fails: back to sign-in, or an error page in the user's language.
#[derive(Debug)]
pub enum PageError {
    SignIn { next: String },
    App(AppError, Locale),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::SignIn { next } => write!(f, "sign-in required for {next}"),
            PageError::App(e, _) => e.fmt(f),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html", config = "src/web/askama.toml")]
struct ErrorPage<'a> {
    c: Chrome,
    status: u16,
    code: &'a str,
    message: &'a str,
}

/// What an error page says, kept on its response so [`error_chrome`] can draw it again in the
/// signed-in user's frame (`error_response` has no request, so no session, to draw it with).
#[derive(Clone)]
struct ErrorShown {
    status: StatusCode,
    code: &'static str,
    /// The error, drawn again in the user's language.
    error: AppError,
}

/// A 403 or 404 page keeps the navigation: when the request has a session, the error page is
/// drawn with the user's chrome instead of the signed-out frame.
pub async fn error_chrome(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::FromRequest;
    // The request is read only once the inner services are done with it: a clone held across
    // the call would keep them from changing its extensions.
    let res = next.call(req).await?;
    let shown = res.response().extensions().get::<ErrorShown>().cloned();
    let Some(shown) = shown else {
        return Ok(res.map_into_boxed_body());
    };
    if res.request().cookie(session::SESSION_COOKIE).is_none() {
        return Ok(res.map_into_boxed_body());
    }
    let Ok(user) = session::WebUser::extract(res.request()).await else {
        return Ok(res.map_into_boxed_body());
    };
    let page = html(
        shown.status,
        &ErrorPage {
            c: user.chrome(),
            status: shown.status.as_u16(),
            code: shown.code,
            message: &shown.error.message_in(user.locale),
        },
    );
    Ok(res.into_response(page).map_into_boxed_body())
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn { .. } => StatusCode::SEE_OTHER,
            PageError::App(e, _) => e.code.status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            PageError::SignIn { next } => {
                let next: String = url_encode(next);
                redirect(&format!("/login?next={next}"))
            }
            PageError::App(e, locale) => {
                let mut res = html(
                    e.code.status(),
                    &ErrorPage {
                        c: Chrome::anonymous(*locale),
                        status: e.code.status().as_u16(),
                        code: e.code.as_str(),
                        message: &e.message_in(*locale),
                    },
                );
                res.extensions_mut().insert(ErrorShown {
                    status: e.code.status(),
                    code: e.code.as_str(),
                    error: e.clone(),
                });
                res
            }
        }
    }
}

/// Attaches the user's language to an error of a page handler.
pub trait OrPage<T> {
    fn or_page(self, locale: Locale) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, locale: Locale) -> Result<T, PageError> {
        self.map_err(|e| match e.code {
            ErrorCode::Unauthenticated => PageError::SignIn { next: "/".into() },
            _ => PageError::App(e, locale),
        })
    }
}

/// A ticket id from a page's path: a malformed one is the page's "ticket not found" (`404`), like
/// an id that names no ticket of the user's dealer.
pub fn page_ticket_id(
    segment: &str,
    locale: Locale,
) -> Result<crate::domain::ids::TicketId, PageError> {
    crate::api::params::page_id(segment, crate::error::Thing::Ticket).or_page(locale)
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path only: `next` must never send a user to another site after sign-in.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_owned(),
        _ => "/tickets".to_owned(),
    }
}

/// A path on this site. Browsers drop tabs and newlines from a URL and read `\` as `/`, so
/// `/\t/evil.example` is `//evil.example`: another site. Hence no control character, whitespace
/// or backslash anywhere and no second `/` at the start, in the text and in what it
/// percent-decodes to (a few rounds, for double encoding). CR/LF refused here also never reach
/// the `Location` header (which they would break).
fn is_local_path(next: &str) -> bool {
    if next.len() > 2048 {
        return false;
    }
    let mut text = std::borrow::Cow::Borrowed(next);
    for _ in 0..4 {
        if !text.starts_with('/')
            || text.starts_with("//")
            || text
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return false;
        }
        let decoded = percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == text {
            return true;
        }
        text = std::borrow::Cow::Owned(decoded);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Punctuation written in a template's own text shows on the English page too: it must
    /// come through `c.tr`, like every other word of the page.
    #[test]
    fn templates_write_no_full_width_punctuation_outside_tr() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/templates");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            // The template's own text: everything outside {{ … }}, {% … %} and {# … #}.
            let mut rest = text.as_str();
            let mut literal = String::new();
            while let Some(at) = rest.find('{') {
                literal.push_str(&rest[..at]);
                let close = match rest[at..].chars().nth(1) {
                    Some('{') => "}}",
                    Some('%') => "%}",
                    Some('#') => "#}",
                    _ => {
                        literal.push('{');
                        rest = &rest[at + 1..];
                        continue;
                    }
                };
                rest = rest[at..]
                    .find(close)
                    .map_or("", |end| &rest[at + end + 2..]);
            }
            literal.push_str(rest);
            for line in literal.lines() {
                if line.contains(['：', '（', '）', '、']) {
                    found.push(format!("{}: {line}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "full-width punctuation outside c.tr: {found:#?}"
        );
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/tickets/1")), "/tickets/1");
        assert_eq!(safe_next(Some("//evil.example")), "/tickets");
        assert_eq!(safe_next(Some("https://evil.example")), "/tickets");
        assert_eq!(safe_next(None), "/tickets");
    }

    #[test]
    fn next_refuses_what_browsers_turn_into_another_site() {
        for bad in [
            "/\t/evil.example/",
            "/%09/evil.example/",
            "/\\evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%252F/evil.example",
            "/\n/evil.example",
            "/tickets\r\nSet-Cookie: x=1",
            "/tickets%0D%0ASet-Cookie:%20x=1",
            "/ /evil.example",
            "/%20/evil.example",
            "/\u{0}x",
            "/\u{2028}/evil.example",
            "tickets",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/tickets", "{bad:?}");
        }
        for good in [
            "/tickets/0194a2b3-0c1d-7e8f-9a0b-1c2d3e4f5a6b",
            "/tickets?plate=%E6%B5%99A&page=2",
            "/tickets?q=100%25",
            "/jobs",
        ] {
            assert_eq!(safe_next(Some(good)), good);
        }
    }

    #[test]
    fn encodes_queries() {
        assert_eq!(
            url_encode("/tickets?plate=浙A"),
            "/tickets%3Fplate%3D%E6%B5%99A"
        );
    }
}
