//! The optional routing service: road distance and duration of a drive from an OSRM-compatible
//! HTTP API (`GET {url}/route/v1/driving/{lon},{lat};{lon},{lat}?overview=false`), falling back
//! to the configured estimate (`domain::eta::RoadModel`) whenever it is off, fails, is slow or
//! answers nonsense. The answer always says which of the two it is (`Source`).

use std::time::Duration;

use serde::Deserialize;

use crate::domain::eta::{great_circle_km, Drive, EtaConfig, RoadModel, Source};
use crate::domain::location::Coordinates;

/// The most of an answer we read: an OSRM route without geometry is a few hundred bytes; a
/// misconfigured URL that answers a large page must not fill the memory of the node.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// No van averages more than this over a whole trip: a faster answer is nonsense.
const MAX_PLAUSIBLE_KMH: f64 = 160.0;

/// A routing client (one connection pool per node) and the estimate it falls back to.
#[derive(Debug, Clone)]
pub struct Router {
    /// `None` when `[eta] routing_url` is empty: every drive is estimated.
    service: Option<Service>,
    model: RoadModel,
}

#[derive(Debug, Clone)]
struct Service {
    client: reqwest::Client,
    base: String,
    timeout: Duration,
}

/// Why the routing service's answer was not used (logged; the caller gets the estimate).
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("routing request failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("routing service was slower than the timeout")]
    Timeout,
    #[error("routing service answered HTTP {0}")]
    Status(u16),
    #[error("routing answer larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
    #[error("routing answer is not an OSRM route: {0}")]
    Malformed(String),
    #[error("routing answer is implausible: {0}")]
    Implausible(&'static str),
}

#[derive(Deserialize)]
struct OsrmAnswer {
    code: String,
    #[serde(default)]
    routes: Vec<OsrmRoute>,
}

#[derive(Deserialize)]
struct OsrmRoute {
    /// Metres.
    distance: f64,
    /// Seconds.
    duration: f64,
}

impl Router {
    pub fn from_settings(eta: &EtaConfig) -> Router {
        let base = eta.routing_url.trim().trim_end_matches('/').to_owned();
        let timeout = Duration::from_millis(eta.routing_timeout_ms);
        let service = (!base.is_empty())
            .then(|| {
                reqwest::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(timeout)
                    // A route answer never redirects; following one could leave the configured host.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(
                        |e| tracing::error!(error = %e, "routing client not built: estimating"),
                    )
                    .ok()
            })
            .flatten()
            .map(|client| Service {
                client,
                base,
                timeout,
            });
        Router {
            service,
            model: eta.model(),
        }
    }

    /// The drive from `from` to `to`: the routing service's when it answers sensibly in time,
    /// else the estimate.
    pub async fn drive(&self, from: &Coordinates, to: &Coordinates) -> Drive {
        let Some(service) = &self.service else {
            return self.model.estimate(from, to);
        };
        match service.route(from, to).await {
            Ok(drive) => drive,
            Err(e) => {
                tracing::warn!(error = %e, "routing service not used: estimating");
                self.model.estimate(from, to)
            }
        }
    }
}

impl Service {
    async fn route(&self, from: &Coordinates, to: &Coordinates) -> Result<Drive, RouteError> {
        // OSRM wants longitude first; coordinates are WGS-84 (OpenStreetMap's system).
        let url = format!(
            "{}/route/v1/driving/{:.6},{:.6};{:.6},{:.6}?overview=false",
            self.base,
            from.lon(),
            from.lat(),
            to.lon(),
            to.lat()
        );
        // The client's timeout covers the request; this one also covers reading the body.
        let body = tokio::time::timeout(self.timeout, self.fetch(&url))
            .await
            .map_err(|_| RouteError::Timeout)??;
        let answer: OsrmAnswer =
            serde_json::from_slice(&body).map_err(|e| RouteError::Malformed(e.to_string()))?;
        if answer.code != "Ok" {
            return Err(RouteError::Malformed(format!("code {:?}", answer.code)));
        }
        let route = answer
            .routes
            .first()
            .ok_or(RouteError::Implausible("no route"))?;
        plausible(route.distance, route.duration, great_circle_km(from, to))
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, RouteError> {
        let mut res = self.client.get(url).send().await.map_err(|e| {
            if e.is_timeout() {
                RouteError::Timeout
            } else {
                RouteError::Request(e)
            }
        })?;
        if !res.status().is_success() {
            return Err(RouteError::Status(res.status().as_u16()));
        }
        if res
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(RouteError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = res.chunk().await.map_err(|e| {
            if e.is_timeout() {
                RouteError::Timeout
            } else {
                RouteError::Request(e)
            }
        })? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(RouteError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// The route as a drive, if it can be true: a road is never much shorter than the straight
/// line (GPS noise aside), and no van averages motorway speeds through a city.
fn plausible(metres: f64, seconds: f64, straight_km: f64) -> Result<Drive, RouteError> {
    if !metres.is_finite() || !seconds.is_finite() || metres < 0.0 || seconds < 0.0 {
        return Err(RouteError::Implausible("negative or not a number"));
    }
    let km = metres / 1000.0;
    // 10 % and 200 m of slack: snapping both ends to the nearest road moves them a little.
    if km < straight_km * 0.9 - 0.2 {
        return Err(RouteError::Implausible("shorter than the straight line"));
    }
    if km > straight_km * 5.0 + 20.0 {
        return Err(RouteError::Implausible("far longer than any detour"));
    }
    if km > 1.0 && km / (seconds / 3600.0).max(f64::MIN_POSITIVE) > MAX_PLAUSIBLE_KMH {
        return Err(RouteError::Implausible("faster than a van can drive"));
    }
    Ok(Drive {
        km,
        minutes: (seconds / 60.0).ceil() as i64,
        source: Source::Routed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sensible_route_is_taken_in_whole_minutes() {
        let d = plausible(12_345.0, 901.0, 10.0).unwrap();
        assert!((d.km - 12.345).abs() < 1e-9);
        assert_eq!(d.minutes, 16, "15 min 1 s is 16 minutes: never early");
        assert_eq!(d.source, Source::Routed);
        assert_eq!(
            plausible(0.0, 0.0, 0.05).unwrap().minutes,
            0,
            "already there"
        );
    }

    #[test]
    fn nonsense_routes_are_refused() {
        for (m, s, straight) in [
            (f64::NAN, 60.0, 1.0),
            (-5.0, 60.0, 1.0),
            (1_000.0, 60.0, 10.0), // 1 km of road for 10 km of straight line
            (900_000.0, 36_000.0, 10.0), // 900 km for a 10 km trip
            (100_000.0, 600.0, 90.0), // 100 km in 10 minutes
        ] {
            assert!(
                plausible(m, s, straight).is_err(),
                "{m} m, {s} s, {straight} km"
            );
        }
    }

    #[test]
    fn an_empty_url_means_estimates_only() {
        let r = Router::from_settings(&EtaConfig::default());
        assert!(r.service.is_none());
    }
}
