//! Static assets compiled into the binary (no CDN, works offline).

use actix_web::http::header;
use actix_web::{web, HttpResponse};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/htmx.min.js"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/app.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("static/favicon.svg"),
    },
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("static/app.css"),
    },
    Asset {
        name: "board.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/board.js"),
    },
    // The crew's phone: position sharing on the job page, the arrival countdown on the status page.
    Asset {
        name: "crew.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/crew.js"),
    },
    Asset {
        name: "board.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("static/board.css"),
    },
    // The crew's phone: photos shrunk before upload, the signature pad (issue 12).
    Asset {
        name: "photos.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/photos.js"),
    },
    Asset {
        name: "signature.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/signature.js"),
    },
    Asset {
        name: "phone.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("static/phone.css"),
    },
    // The suspensions page: drawing an area on the map (issue 13).
    Asset {
        name: "suspensions.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/suspensions.js"),
    },
    Asset {
        name: "suspensions.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("static/suspensions.css"),
    },
    Asset {
        name: "rota.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("static/rota.css"),
    },
    // Leaflet 1.9.4 (BSD-2-Clause, static/leaflet/LICENSE), from the npm package's dist/.
    Asset {
        name: "leaflet/leaflet.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("static/leaflet/leaflet.js"),
    },
    Asset {
        name: "leaflet/leaflet.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("static/leaflet/leaflet.css"),
    },
    Asset {
        name: "leaflet/LICENSE",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("static/leaflet/LICENSE"),
    },
    Asset {
        name: "leaflet/images/layers.png",
        content_type: "image/png",
        body: include_bytes!("static/leaflet/images/layers.png"),
    },
    Asset {
        name: "leaflet/images/layers-2x.png",
        content_type: "image/png",
        body: include_bytes!("static/leaflet/images/layers-2x.png"),
    },
    Asset {
        name: "leaflet/images/marker-icon.png",
        content_type: "image/png",
        body: include_bytes!("static/leaflet/images/marker-icon.png"),
    },
    Asset {
        name: "leaflet/images/marker-icon-2x.png",
        content_type: "image/png",
        body: include_bytes!("static/leaflet/images/marker-icon-2x.png"),
    },
    Asset {
        name: "leaflet/images/marker-shadow.png",
        content_type: "image/png",
        body: include_bytes!("static/leaflet/images/marker-shadow.png"),
    },
];

/// `/favicon.ico`, which browsers ask for on their own: the same icon the pages link to.
pub async fn favicon() -> HttpResponse {
    serve(web::Path::from("favicon.svg".to_owned())).await
}

/// Assets change only with the binary, so they may be cached for a day.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.name == name.as_str()) {
        Some(a) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, a.content_type))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(a.body),
        None => HttpResponse::NotFound().body("not found"),
    }
}
