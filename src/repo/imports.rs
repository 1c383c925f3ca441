//! Queries behind the DMS imports: what is stored already, matched by the files' natural keys,
//! and the plain inserts and updates that bring it in line.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{dealers, parts, service_visit_parts, service_visits, stock, vehicles};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::import::parts::PartRecord;

/// Dealer code → id; only the dealers of `group` when given (a page user imports for their own group).
pub fn dealer_ids(
    conn: &mut AnyConnection,
    group: Option<&str>,
) -> Result<HashMap<String, String>, AppError> {
    let mut q = dealers::table
        .select((dealers::code, dealers::id))
        .into_boxed();
    if let Some(g) = group {
        q = q.filter(dealers::group_id.eq(g.to_owned()));
    }
    Ok(q.load::<(String, String)>(conn)?.into_iter().collect())
}

/// A catalogue row as stored: id first, then the fields a file sets.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredPart {
    pub id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    pub price_fen: i64,
    pub weight_g: i32,
    pub dangerous_goods: bool,
    pub un_number: Option<String>,
    pub monitored: bool,
}

impl StoredPart {
    pub fn same_as(&self, r: &PartRecord) -> bool {
        self.name_zh == r.name_zh
            && self.name_en == r.name_en
            && self.category == r.category
            && self.price_fen == r.price_fen
            && self.weight_g == r.weight_g
            && self.dangerous_goods == r.dangerous_goods
            && self.un_number == r.un_number
            && self.monitored == r.monitored
    }
}

/// The whole catalogue by part number (thousands of rows, not millions).
pub fn catalogue(conn: &mut AnyConnection) -> Result<HashMap<String, StoredPart>, AppError> {
    let rows: Vec<StoredPart> = parts::table
        .select((
            parts::id,
            parts::part_no,
            parts::name_zh,
            parts::name_en,
            parts::category,
            parts::price_fen,
            parts::weight_g,
            parts::dangerous_goods,
            parts::un_number,
            parts::monitored,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|p| (p.part_no.clone(), p)).collect())
}

/// The stored parts of these numbers (those that exist), read in chunks.
pub fn parts_by_number(
    conn: &mut AnyConnection,
    numbers: &[&str],
) -> Result<HashMap<String, StoredPart>, AppError> {
    let mut out = HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(500) {
        let rows: Vec<StoredPart> = parts::table
            .filter(parts::part_no.eq_any(chunk))
            .select((
                parts::id,
                parts::part_no,
                parts::name_zh,
                parts::name_en,
                parts::category,
                parts::price_fen,
                parts::weight_g,
                parts::dangerous_goods,
                parts::un_number,
                parts::monitored,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(|p| (p.part_no.clone(), p)));
    }
    Ok(out)
}

/// Inserts catalogue rows many to a statement (like [`insert_stock`]); a part number added
/// since the file was checked is `stale_state`.
pub fn insert_parts(
    conn: &mut AnyConnection,
    rows: &[(String, &PartRecord)],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // 11 values a row; well under both databases' limit on bound parameters.
    for chunk in rows.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, r)| {
                (
                    parts::id.eq(id.as_str()),
                    parts::part_no.eq(r.part_no.as_str()),
                    parts::name_zh.eq(r.name_zh.as_str()),
                    parts::name_en.eq(r.name_en.as_str()),
                    parts::category.eq(r.category.as_str()),
                    parts::price_fen.eq(r.price_fen),
                    parts::weight_g.eq(r.weight_g),
                    parts::dangerous_goods.eq(r.dangerous_goods),
                    parts::un_number.eq(r.un_number.as_deref()),
                    parts::monitored.eq(r.monitored),
                    parts::created_at.eq(now),
                )
            })
            .collect();
        let insert = diesel::insert_into(parts::table).values(&values);
        match conn {
            AnyConnection::Postgresql(c) => insert.execute(c),
            AnyConnection::Sqlite(c) => insert.execute(c),
        }
        .map_err(|e| {
            if crate::db::is_unique_violation(&e) {
                AppError::msg(
                    crate::error::ErrorCode::StaleState,
                    "import-report-catalogue-changed",
                    &[],
                )
            } else {
                e.into()
            }
        })?;
    }
    Ok(())
}

pub fn update_part(conn: &mut AnyConnection, id: &str, r: &PartRecord) -> Result<(), AppError> {
    diesel::update(parts::table.filter(parts::id.eq(id)))
        .set((
            parts::name_zh.eq(&r.name_zh),
            parts::name_en.eq(&r.name_en),
            parts::category.eq(&r.category),
            parts::price_fen.eq(r.price_fen),
            parts::weight_g.eq(r.weight_g),
            parts::dangerous_goods.eq(r.dangerous_goods),
            parts::un_number.eq(&r.un_number),
            parts::monitored.eq(r.monitored),
        ))
        .execute(conn)?;
    Ok(())
}

/// A dealer's stock row: (on hand, reserved, bin).
pub type StoredStock = (i32, i32, String);

/// All stock rows of one dealer by part id (bounded by the catalogue size).
pub fn dealer_stock(
    conn: &mut AnyConnection,
    dealer_id: &str,
) -> Result<HashMap<String, StoredStock>, AppError> {
    let rows: Vec<(String, i32, i32, String)> = stock::table
        .filter(stock::dealer_id.eq(dealer_id))
        .select((stock::part_id, stock::on_hand, stock::reserved, stock::bin))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(part, on_hand, reserved, bin)| (part, (on_hand, reserved, bin)))
        .collect())
}

/// A stock row to insert: (dealer id, part id, on hand, bin).
pub type NewStock<'a> = (&'a str, &'a str, i32, &'a str);

/// Inserts stock rows many to a statement: 100,000 round trips to PostgreSQL are most of an
/// import's time otherwise. The multi-connection has no batch insert, so per backend.
pub fn insert_stock(
    conn: &mut AnyConnection,
    rows: &[NewStock<'_>],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // 6 values a row; well under both databases' limit on bound parameters.
    for chunk in rows.chunks(1000) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(dealer, part, on_hand, bin)| {
                (
                    stock::dealer_id.eq(*dealer),
                    stock::part_id.eq(*part),
                    stock::on_hand.eq(*on_hand),
                    stock::reserved.eq(0),
                    stock::bin.eq(*bin),
                    stock::updated_at.eq(now),
                )
            })
            .collect();
        let insert = diesel::insert_into(stock::table).values(&values);
        match conn {
            AnyConnection::Postgresql(c) => insert.execute(c),
            AnyConnection::Sqlite(c) => insert.execute(c),
        }
        .map_err(stock_changed)?;
    }
    Ok(())
}

/// Sets on hand and bin, never `reserved`; the guard keeps a reservation made since the file was
/// checked (another node, another transaction) from ending up above what is on the shelf.
pub fn update_stock(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    on_hand: i32,
    bin: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let n = diesel::update(
        stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id))
            .filter(stock::reserved.le(on_hand)),
    )
    .set((
        stock::on_hand.eq(on_hand),
        stock::bin.eq(bin),
        stock::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n == 1 {
        Ok(())
    } else {
        Err(stock_changed(diesel::result::Error::NotFound))
    }
}

/// A stock row to update: (dealer id, part id, on hand, bin).
pub type StockChange<'a> = (&'a str, &'a str, i32, &'a str);

/// [`update_stock`] for many rows, with the same guard. PostgreSQL gets one statement per
/// chunk (`UPDATE … FROM (VALUES …)`) to save round trips; SQLite, in process, needs none.
pub fn update_stock_many(
    conn: &mut AnyConnection,
    rows: &[StockChange<'_>],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    use diesel::sql_types::{Integer, Text, Timestamp};
    let AnyConnection::Postgresql(pg) = conn else {
        for (dealer, part, on_hand, bin) in rows {
            update_stock(conn, dealer, part, *on_hand, bin, now)?;
        }
        return Ok(());
    };
    for chunk in rows.chunks(1000) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = 2 + i * 4;
                format!("(${b}, ${}, ${}::integer, ${})", b + 1, b + 2, b + 3)
            })
            .collect();
        let sql = format!(
            "UPDATE stock AS s SET on_hand = v.on_hand, bin = v.bin, updated_at = $1 \
             FROM (VALUES {}) AS v(dealer_id, part_id, on_hand, bin) \
             WHERE s.dealer_id = v.dealer_id AND s.part_id = v.part_id AND s.reserved <= v.on_hand",
            values.join(", ")
        );
        let mut q = diesel::sql_query(sql)
            .into_boxed::<diesel::pg::Pg>()
            .bind::<Timestamp, _>(now);
        for (dealer, part, on_hand, bin) in chunk {
            q = q
                .bind::<Text, _>(dealer.to_string())
                .bind::<Text, _>(part.to_string())
                .bind::<Integer, _>(*on_hand)
                .bind::<Text, _>(bin.to_string());
        }
        if q.execute(pg)? != chunk.len() {
            return Err(stock_changed(diesel::result::Error::NotFound));
        }
    }
    Ok(())
}

fn stock_changed(e: diesel::result::Error) -> AppError {
    if matches!(e, diesel::result::Error::NotFound) || crate::db::is_unique_violation(&e) {
        AppError::msg(
            crate::error::ErrorCode::StaleState,
            "import-report-stock-changed",
            &[],
        )
    } else {
        e.into()
    }
}

/// A vehicle by plate: (id, VIN); only vehicles of `group`'s dealers when given.
pub fn vehicle(
    conn: &mut AnyConnection,
    plate: &str,
    group: Option<&str>,
) -> Result<Option<(String, Option<String>)>, AppError> {
    let mut q = vehicles::table
        .inner_join(dealers::table)
        .filter(vehicles::plate.eq(plate.to_owned()))
        .select((vehicles::id, vehicles::vin))
        .into_boxed();
    if let Some(g) = group {
        q = q.filter(dealers::group_id.eq(g.to_owned()));
    }
    Ok(q.first(conn).optional()?)
}

#[derive(Debug, Clone, Queryable)]
pub struct StoredVisit {
    pub id: String,
    pub dealer_id: String,
    pub visited_at: NaiveDateTime,
    pub mileage_km: i32,
    pub kind: String,
    pub summary: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct StoredVisitPart {
    pub id: String,
    pub visit_id: String,
    pub part_id: Option<String>,
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
}

/// A vehicle's visits with their replaced parts.
pub fn visits(
    conn: &mut AnyConnection,
    vehicle_id: &str,
) -> Result<(Vec<StoredVisit>, Vec<StoredVisitPart>), AppError> {
    let visits: Vec<StoredVisit> = service_visits::table
        .filter(service_visits::vehicle_id.eq(vehicle_id))
        .select((
            service_visits::id,
            service_visits::dealer_id,
            service_visits::visited_at,
            service_visits::mileage_km,
            service_visits::kind,
            service_visits::summary,
        ))
        .load(conn)?;
    let ids: Vec<&String> = visits.iter().map(|v| &v.id).collect();
    let parts: Vec<StoredVisitPart> = service_visit_parts::table
        .filter(service_visit_parts::visit_id.eq_any(ids))
        .select((
            service_visit_parts::id,
            service_visit_parts::visit_id,
            service_visit_parts::part_id,
            service_visit_parts::part_no,
            service_visit_parts::name,
            service_visit_parts::quantity,
        ))
        .load(conn)?;
    Ok((visits, parts))
}

/// Vehicle id → (visits, replaced parts) stored, for the vehicles given that have any.
pub fn visit_counts(
    conn: &mut AnyConnection,
    vehicle_ids: &[&str],
) -> Result<HashMap<String, (i64, i64)>, AppError> {
    use diesel::dsl::count_star;
    let mut out: HashMap<String, (i64, i64)> = HashMap::new();
    for chunk in vehicle_ids.chunks(500) {
        let visits: Vec<(String, i64)> = service_visits::table
            .filter(service_visits::vehicle_id.eq_any(chunk))
            .group_by(service_visits::vehicle_id)
            .select((service_visits::vehicle_id, count_star()))
            .load(conn)?;
        for (id, n) in visits {
            out.entry(id).or_default().0 = n;
        }
        let parts: Vec<(String, i64)> = service_visit_parts::table
            .inner_join(service_visits::table)
            .filter(service_visits::vehicle_id.eq_any(chunk))
            .group_by(service_visits::vehicle_id)
            .select((service_visits::vehicle_id, count_star()))
            .load(conn)?;
        for (id, n) in parts {
            out.entry(id).or_default().1 = n;
        }
    }
    Ok(out)
}

/// The fields of a visit a file sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFields {
    pub mileage_km: i32,
    pub kind: &'static str,
    pub summary: String,
}

pub fn insert_visit(
    conn: &mut AnyConnection,
    id: &str,
    vehicle_id: &str,
    dealer_id: &str,
    visited_at: NaiveDateTime,
    f: &VisitFields,
) -> Result<(), AppError> {
    diesel::insert_into(service_visits::table)
        .values((
            service_visits::id.eq(id),
            service_visits::vehicle_id.eq(vehicle_id),
            service_visits::dealer_id.eq(dealer_id),
            service_visits::visited_at.eq(visited_at),
            service_visits::mileage_km.eq(f.mileage_km),
            service_visits::kind.eq(f.kind),
            service_visits::summary.eq(&f.summary),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn update_visit(conn: &mut AnyConnection, id: &str, f: &VisitFields) -> Result<(), AppError> {
    diesel::update(service_visits::table.filter(service_visits::id.eq(id)))
        .set((
            service_visits::mileage_km.eq(f.mileage_km),
            service_visits::kind.eq(f.kind),
            service_visits::summary.eq(&f.summary),
        ))
        .execute(conn)?;
    Ok(())
}

/// A replaced part as a file gives it; `part_id` is set when the part is in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitPartFields {
    pub part_id: Option<String>,
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
}

pub fn insert_visit_part(
    conn: &mut AnyConnection,
    id: &str,
    visit_id: &str,
    p: &VisitPartFields,
) -> Result<(), AppError> {
    diesel::insert_into(service_visit_parts::table)
        .values((
            service_visit_parts::id.eq(id),
            service_visit_parts::visit_id.eq(visit_id),
            service_visit_parts::part_id.eq(&p.part_id),
            service_visit_parts::part_no.eq(&p.part_no),
            service_visit_parts::name.eq(&p.name),
            service_visit_parts::quantity.eq(p.quantity),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn update_visit_part(
    conn: &mut AnyConnection,
    id: &str,
    p: &VisitPartFields,
) -> Result<(), AppError> {
    diesel::update(service_visit_parts::table.filter(service_visit_parts::id.eq(id)))
        .set((
            service_visit_parts::part_id.eq(&p.part_id),
            service_visit_parts::name.eq(&p.name),
            service_visit_parts::quantity.eq(p.quantity),
        ))
        .execute(conn)?;
    Ok(())
}
