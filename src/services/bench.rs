//! Measuring the sourcing search on a large dealer network: how long finding and ranking the sister
//! dealers that hold a part takes, printed as numbers (not asserted in tests).

use std::time::Instant;

use rand::{Rng, SeedableRng};

use crate::db::Db;
use crate::domain::holiday::Calendar;
use crate::domain::location::{Coordinates, Crs};
use crate::domain::response_level::ResponseLevel;
use crate::domain::sourcing::{options, recommend, Candidate, Need, PartFacts, SourcingConfig};
use crate::error::AppError;

pub struct BenchResult {
    pub dealers: i64,
    pub stock_rows: i64,
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    pub mean_candidates: f64,
}

/// (dealer id, group id, lat, lon).
type DealerRow = (String, String, f64, f64);

/// Runs `queries` searches for random parts from random dealers of the first group.
pub fn sourcing(
    db: &Db,
    queries: usize,
    seed: u64,
    cfg: &SourcingConfig,
) -> Result<BenchResult, AppError> {
    use crate::db::schema::{dealers, parts, stock};
    use diesel::prelude::*;
    let (dealer_rows, part_ids, stock_rows): (Vec<DealerRow>, Vec<String>, i64) = db
        .read_blocking(|conn| {
            Ok((
                dealers::table
                    .select((dealers::id, dealers::group_id, dealers::lat, dealers::lon))
                    .load(conn)?,
                parts::table.select(parts::id).load(conn)?,
                stock::table.count().get_result(conn)?,
            ))
        })?;
    if dealer_rows.is_empty() || part_ids.is_empty() {
        return Err(AppError::conflict("svc-bench-no-data"));
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut times = Vec::with_capacity(queries);
    let mut candidates_seen = 0usize;
    let now = crate::repo::now();
    for _ in 0..queries {
        let (dealer, group, lat, lon) = dealer_rows[rng.gen_range(0..dealer_rows.len())].clone();
        let part = part_ids[rng.gen_range(0..part_ids.len())].clone();
        // A breakdown within ~30 km of the dealer.
        let site = Coordinates::parse(
            lat + rng.gen_range(-0.25..0.25),
            lon + rng.gen_range(-0.25..0.25),
            Crs::Wgs84,
        )
        .map_err(AppError::internal)?;
        let started = Instant::now();
        let found = db
            .read_blocking(|conn| crate::repo::stock::sister_stock(conn, &group, &dealer, &part))?;
        let candidates: Vec<Candidate> = found
            .into_iter()
            .filter_map(|(dealer_id, dealer_name, lat, lon, available)| {
                Some(Candidate {
                    dealer_id,
                    dealer_name,
                    position: Coordinates::parse(lat, lon, Crs::Wgs84).ok()?,
                    available,
                })
            })
            .collect();
        let facts = PartFacts {
            part_id: part.clone(),
            part_no: part.clone(),
            name_zh: String::new(),
            dangerous_goods: false,
            un_number: None,
            monitored: false,
            weight_g: 2000,
        };
        let need = Need {
            quantity: 1,
            site,
            now,
            level: ResponseLevel::Serious,
            crew_arrival: now,
        };
        // No holidays: the benchmark times the ranking, not the calendar.
        let opts = options(&facts, &need, &candidates, cfg, &Calendar::none());
        let _ = recommend(&opts, ResponseLevel::Serious);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        candidates_seen += candidates.len();
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Ok(BenchResult {
        dealers: dealer_rows.len() as i64,
        stock_rows,
        queries,
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: times.last().copied().unwrap_or_default(),
        mean_candidates: candidates_seen as f64 / queries.max(1) as f64,
    })
}

/// What one timed report over a whole group answered.
pub struct ReportBench {
    pub group: String,
    pub dealers: usize,
    pub first: chrono::NaiveDate,
    pub last: chrono::NaiveDate,
    pub tickets: i64,
    pub runs: Vec<f64>,
}

/// Times the group report (`services::reports::report`, scope group) for the year up to
/// yesterday, as the first group's director sees it, `runs` times in-process.
pub fn report(db: &Db, runs: usize) -> Result<ReportBench, AppError> {
    use crate::db::schema::{dealers, user_roles, users};
    use diesel::prelude::*;
    let (director, group, dealer_count) = db.read_blocking(|conn| {
        let first_group: String = dealers::table
            .order(dealers::code.asc())
            .select(dealers::group_id)
            .first(conn)?;
        let director: String = users::table
            .inner_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
            .inner_join(dealers::table.on(dealers::id.eq(users::dealer_id)))
            .filter(user_roles::role.eq("service_director"))
            .filter(dealers::group_id.eq(&first_group))
            .order(users::login.asc())
            .select(users::id)
            .first(conn)?;
        let n: i64 = dealers::table
            .filter(dealers::group_id.eq(&first_group))
            .count()
            .get_result(conn)?;
        let identity = crate::repo::users::identity(conn, &director)?
            .ok_or_else(|| AppError::conflict("svc-bench-no-data"))?;
        Ok((identity, first_group, n as usize))
    })?;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let last = today - chrono::Duration::days(1);
    let first = last - chrono::Duration::days(364);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AppError::internal)?;
    let mut times = Vec::with_capacity(runs);
    let mut tickets = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let r = rt.block_on(crate::services::reports::report(
            db, &director, first, last, true,
        ))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        tickets = r.summary.tickets as i64;
    }
    Ok(ReportBench {
        group,
        dealers: dealer_count,
        first,
        last,
        tickets,
        runs: times,
    })
}
