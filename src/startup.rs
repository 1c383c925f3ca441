//! Builds the HTTP server from settings: database, migrations, routes, middleware; port 0 in tests.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpMessage, HttpServer};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::links::LinkSigner;
use crate::config::Settings;
use crate::db::Db;
use crate::services::notify::Notifier;
use crate::services::tickets::NumberingRules;

/// Shared by every request handler.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub numbering: NumberingRules,
    pub public_url: String,
    /// Link signing and local times for the messages services write.
    pub notifier: Notifier,
    /// Which channels go to the built-in viewer: decides who may read link codes.
    pub viewer: crate::services::outbox::ViewerChannels,
}

pub struct Application {
    port: u16,
    server: Server,
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
        let secret = if settings.links.secret.is_empty() {
            crate::repo::secrets::get_or_create(&db, "links")
                .map_err(|e| anyhow::anyhow!("link secret: {e}"))?
        } else {
            settings.links.secret.clone()
        };
        let notifier = Notifier {
            signer: LinkSigner::new(secret.as_bytes()),
            public_url: settings.public_url(port),
            technician_hours: settings.links.technician_hours,
            customer_hours: settings.links.customer_hours,
            utc_offset_hours: settings.tickets.utc_offset_hours,
        };
        let state = web::Data::new(AppState {
            notifier,
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
        let openapi = crate::api::ApiDoc::openapi();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::web::error_chrome))
                .wrap(from_fn(response_headers))
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(web::FormConfig::default().limit(body_limit))
                .route("/healthz", web::get().to(crate::api::health::healthz))
                .route("/readyz", web::get().to(crate::api::health::readyz))
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi.clone()),
                )
                .configure(crate::api::configure)
                .configure(crate::web::configure)
        })
        .listen(listener)?;
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Request id for support calls ("quote this id") and the usual browser hardening.
async fn response_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(HeaderName::from_static("x-request-id"), id);
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    Ok(res)
}
