//! Builds the HTTP server from settings: database, migrations, routes, middleware; port 0 in tests.

use std::cell::Cell;
use std::future::Future;
use std::net::TcpListener;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::i18n::Locale;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Server, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::web::Bytes;
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer, ResponseError};
use futures_util::Stream;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::identity::TokenStamps;
use crate::auth::links::LinkSigner;
use crate::auth::throttle::{SignInThrottle, ThrottleRules};
use crate::config::Settings;
use crate::db::Db;
use crate::services::notify::Notifier;
use crate::services::tickets::NumberingRules;
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    notifier: Notifier,
}

/// What writes links and local times into messages, for the server and the workers alike: the
/// link secret from the configuration, else the one kept in the database.
pub fn notifier(settings: &Settings, db: &Db, port: u16) -> anyhow::Result<Notifier> {
    let secret = if settings.links.secret.is_empty() {
        crate::repo::secrets::get_or_create(db, "links")
            .map_err(|e| anyhow::anyhow!("link secret: {e}"))?
    } else {
        settings.links.secret.clone()
    };
    Ok(Notifier {
        signer: LinkSigner::new(secret.as_bytes()),
        public_url: settings.public_url(port),
        technician_hours: settings.links.technician_hours,
        customer_hours: settings.links.customer_hours,
        decide_minutes: settings.links.decide_minutes,
        utc_offset_hours: settings.tickets.utc_offset_hours,
    })
}

impl Application {
    /// Connects to the database, migrates it and binds the listener (the port may be 0).
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = Db::connect(&settings.database)?;
        db.migrate()?;
        Application::build_with_db(settings, db)
    }

    pub fn build_with_db(settings: Settings, db: Db) -> anyhow::Result<Application> {
        let address = format!("{}:{}", settings.server.bind, settings.server.port);
        let listener = TcpListener::bind(&address)
            .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
        let port = listener.local_addr()?.port();
        let notifier = notifier(&settings, &db, port)?;
        crate::auth::password::init_pool(settings.auth.hash_threads);
        crate::services::rota::set_utc_offset(settings.tickets.utc_offset_hours);
        let state = web::Data::new(AppState {
            throttle: SignInThrottle::new(ThrottleRules::from_settings(&settings.auth)),
            token_stamps: TokenStamps::default(),
            imports: Default::default(),
            session_stamps: TokenStamps::default(),
            router: crate::routing::Router::from_settings(&settings.eta),
            notifier: notifier.clone(),
            viewer: crate::services::outbox::ViewerChannels::from_settings(&settings),
            public_url: settings.public_url(port),
            numbering: NumberingRules {
                prefix: settings.tickets.number_prefix.clone(),
                utc_offset_hours: settings.tickets.utc_offset_hours,
            },
            db,
            settings: settings.clone(),
        });
        let body_limit = settings.server.body_limit_kb * 1024;
        let mut server = HttpServer::new(move || {
            let (app, doc) =
                App::new()
                    .wrap(from_fn(body_timeout))
                    .wrap(from_fn(crate::web::error_chrome))
                    .wrap(from_fn(crate::api::language::localise_errors))
                    .wrap(from_fn(response_headers))
                    .wrap(TracingLogger::<crate::telemetry::RedactedRootSpan>::new())
                    .app_data(state.clone())
                    .app_data(web::PayloadConfig::new(body_limit))
                    // A page's query, path or form that does not parse is an error page in the
                    // page's frame (the API's scope sets its own JSON answers).
                    .app_data(web::QueryConfig::default().error_handler(|err, _| {
                        crate::web::PageError::App(crate::api::bad_query(err), Locale::ZhCn).into()
                    }))
                    .app_data(web::PathConfig::default().error_handler(|err, _| {
                        crate::web::PageError::App(crate::api::bad_query(err), Locale::ZhCn).into()
                    }))
                    .app_data(web::FormConfig::default().limit(body_limit).error_handler(
                        |err, _| {
                            crate::web::PageError::App(crate::api::bad_query(err), Locale::ZhCn)
                                .into()
                        },
                    ))
                    .route("/healthz", web::get().to(crate::api::health::healthz))
                    .route("/readyz", web::get().to(crate::api::health::readyz))
                    // The API's routes and its document come out of one table.
                    .into_utoipa_app()
                    .openapi(crate::api::ApiDoc::openapi())
                    .configure(crate::api::configure)
                    .split_for_parts();
            // The answers every operation shares, and the paths a 405 is told from a 404 by.
            let doc = crate::api::document::complete(doc);
            app.app_data(web::Data::new(crate::api::document::Routes::of(&doc)))
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", doc))
                .configure(crate::web::configure)
        })
        // The head must arrive within head_timeout_s (else 408); the body is timed by body_timeout.
        .client_request_timeout(Duration::from_secs(settings.server.head_timeout_s))
        .client_disconnect_timeout(Duration::from_secs(settings.server.disconnect_timeout_s))
        .listen(listener)?;
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            notifier,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's notifier (links to its public URL), for the workers it runs beside.
    pub fn notifier(&self) -> Notifier {
        self.notifier.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Pages: scripts only from our own files (no inline script, no eval), styles only from our
/// stylesheet, no framing, forms post only to us. htmx is told not to inject its indicator
/// `<style>` (meta `htmx-config` in base.html), so pages need no 'unsafe-inline' at all.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// Swagger UI under /api/docs/ only: its scripts are vendored files too (still no inline script;
/// checked in headless Chromium: the operations render), but it renders markup with style
/// attributes (its SVGs, syntax highlighting). Rather than audit a third-party bundle for them,
/// this one path allows inline styles; it shows no user data, and scripts stay locked down.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// The pages' policy with the map tiles' origins added to `img-src` (the configuration check
/// allows only plain host characters there, so the policy cannot be widened otherwise).
pub fn board_csp(map: &crate::config::MapSettings) -> String {
    let origins = map.tile_origins().join(" ");
    PAGE_CSP.replacen(
        "img-src 'self' data:;",
        &format!("img-src 'self' data: {origins};"),
        1,
    )
}

/// Request id for support calls ("quote this id") and the usual browser hardening.
async fn response_headers<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let docs = req.path().starts_with("/api/docs");
    // The board's map (and the suspensions page's) draws tiles from the configured host: those
    // pages alone may load images from there (scripts still only from us).
    let board_csp = (req.path() == "/board" || req.path() == "/suspensions")
        .then(|| req.app_data::<actix_web::web::Data<crate::state::AppState>>())
        .flatten()
        .map(|state| board_csp(&state.settings.map));
    let res = next.call(req).await?;
    let mut res = sign_in_redirect_is_not_an_error(res);
    let headers = res.headers_mut();
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(HeaderName::from_static("x-request-id"), id);
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        (
            "content-security-policy",
            if docs { DOCS_CSP } else { PAGE_CSP },
        ),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if let Some(csp) = board_csp.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(HeaderName::from_static("content-security-policy"), csp);
    }
    Ok(res)
}

/// A signed-out page request is answered with a redirect to the sign-in page. The extractor gives
/// it as an `Err` (so handlers need not check), and tracing-actix-web logs every `Err` that is not
/// a 4xx at ERROR: here the redirect becomes a plain answer, logged at INFO.
fn sign_in_redirect_is_not_an_error<B>(res: ServiceResponse<B>) -> ServiceResponse<EitherBody<B>> {
    let redirect = res
        .response()
        .error()
        .and_then(|e| e.as_error::<crate::web::PageError>())
        .filter(|e| matches!(e, crate::web::PageError::SignIn { .. }))
        .map(|e| {
            tracing::info!(path = %res.request().path(), "signed out: redirected to sign-in");
            e.error_response()
        });
    match redirect {
        Some(fresh) => {
            let (req, _) = res.into_parts();
            ServiceResponse::new(req, fresh).map_into_right_body()
        }
        None => res.map_into_left_body(),
    }
}

/// Times the body of every request that has one: it must arrive within
/// `server.body_timeout_s` after the head (actix times only the head). A stalled body is answered
/// `408` and the connection closed, so slow or idle uploads cannot hold connections open.
async fn body_timeout<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|s| Duration::from_secs(s.settings.server.body_timeout_s));
    let (true, Some(limit)) = (has_body, limit) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let expired = Rc::new(Cell::new(false));
    let inner = req.take_payload();
    let timed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(TimedPayload {
        inner,
        deadline: Box::pin(tokio::time::sleep(limit)),
        expired: Rc::clone(&expired),
    });
    req.set_payload(Payload::from(timed));
    // (The request must not be cloned before routing, which needs it unshared.)
    let res = next.call(req).await?;
    if !expired.get() {
        return Ok(res.map_into_left_body());
    }
    let (http_req, _) = res.into_parts();
    tracing::info!(path = %http_req.path(), limit_s = limit.as_secs(), "request body timed out");
    let err = crate::error::AppError::msg(
        crate::error::ErrorCode::RequestTimeout,
        "svc-request-timeout",
        &[],
    );
    let mut res = HttpResponse::RequestTimeout();
    res.force_close();
    Ok(ServiceResponse::new(http_req, res.json(err.body())).map_into_right_body())
}

/// A request body that fails with a timeout once its deadline passes.
struct TimedPayload {
    inner: Payload,
    deadline: Pin<Box<tokio::time::Sleep>>,
    expired: Rc<Cell<bool>>,
}

impl Stream for TimedPayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.expired.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "request body timed out",
            )))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test;

    async fn signed_out() -> Result<HttpResponse, crate::web::PageError> {
        Err(crate::web::PageError::SignIn {
            next: "/tickets".into(),
        })
    }

    #[actix_web::test]
    async fn sign_in_redirect_is_an_answer_not_an_error() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(response_headers))
                .route("/tickets", web::get().to(signed_out)),
        )
        .await;
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/tickets").to_request()).await;
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(
            res.headers().get(header::LOCATION).unwrap(),
            "/login?next=/tickets"
        );
        // tracing-actix-web logs at ERROR exactly the responses that carry an error.
        assert!(res.response().error().is_none(), "no error attached");
        assert!(res.headers().contains_key("content-security-policy"));
    }
}
