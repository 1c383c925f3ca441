//! Logging: a tracing subscriber writing pretty or JSON lines; each request gets its own span and id.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        LogFormat::Pretty => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_target(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    // Already installed (tests build many apps in one process): keep the first.
    let _ = result;
}

/// The request path as logs may hold it: a link's code (`/j/…`, `/s/…`, `/a/…`) is a
/// password-free key to a job, a customer's status page or a one-tap approval, and a query may
/// carry a customer's phone number or plate, so codes become `…` and query values are dropped
/// (their names stay, which is what a 3 a.m. reader needs to tell requests apart).
pub fn redact_target(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut out = String::with_capacity(path.len().min(256));
    let mut segments = path.split('/');
    let mut first = true;
    let mut after_link_prefix = false;
    for seg in segments.by_ref() {
        if !first {
            out.push('/');
        }
        if after_link_prefix && !seg.is_empty() {
            out.push('…');
        } else {
            out.push_str(seg);
        }
        // Only the first segment names a link route: `/j/{code}/…`.
        after_link_prefix = !first && out.len() <= 2 && matches!(seg, "j" | "s" | "a");
        first = false;
        if out.len() > 256 {
            out.push('…');
            break;
        }
    }
    if let Some(q) = query {
        out.push('?');
        let names: Vec<&str> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .take(20)
            .map(|p| p.split_once('=').map_or(p, |(k, _)| k))
            .map(|k| if k.len() > 40 { "…" } else { k })
            .collect();
        out.push_str(&names.join("=…&"));
        if !names.is_empty() {
            out.push_str("=…");
        }
    }
    out
}

/// Each request's span, as `tracing_actix_web`'s default but with [`redact_target`]'s path.
pub struct RedactedRootSpan;

impl tracing_actix_web::RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let target = redact_target(
            request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or(""),
        );
        let route = request.match_pattern().unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %target,
            http.client_ip = %request.connection_info().realip_remote_addr().unwrap_or(""),
            http.status_code = tracing::field::Empty,
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::redact_target;

    #[test]
    fn link_codes_and_query_values_stay_out_of_the_logs() {
        assert_eq!(redact_target("/j/AbCdEfGh12345678"), "/j/…");
        assert_eq!(
            redact_target("/j/AbCdEfGh12345678/photos/0193-x"),
            "/j/…/photos/0193-x"
        );
        assert_eq!(redact_target("/s/code123/rating"), "/s/…/rating");
        assert_eq!(redact_target("/a/code123/act/approve"), "/a/…/act/approve");
        assert_eq!(
            redact_target("/tickets?phone=13812345678&page=2"),
            "/tickets?phone=…&page=…"
        );
        assert_eq!(redact_target("/tickets/abc/plan"), "/tickets/abc/plan");
        // Only a first segment is a link prefix.
        assert_eq!(redact_target("/static/j/app.js"), "/static/j/app.js");
        assert_eq!(redact_target("/"), "/");
        assert_eq!(redact_target("/j/"), "/j/");
        assert!(redact_target(&format!("/x{}", "/y".repeat(500))).len() < 300);
    }
}
