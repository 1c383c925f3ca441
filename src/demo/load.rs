//! Writes generated demo data in foreign-key order with multi-row inserts, on either database.

use diesel::prelude::*;

use super::{history, DemoData};
use crate::db::schema;
use crate::db::AnyConnection;
use crate::error::AppError;

// Rows per INSERT: few round trips, and far below both SQLite's 32,766 and
// PostgreSQL's 65,535 bind parameters even for the widest table (11 columns).
const CHUNK: usize = 500;

/// What `load` wrote, for the CLI to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Rows inserted per table, in insertion order.
    pub tables: Vec<(&'static str, usize)>,
    pub sign_ins: Vec<DemoSignIn>,
}

impl DemoSummary {
    /// Rows inserted into `table` (0 for a table the demo does not fill).
    pub fn count(&self, table: &str) -> usize {
        self.tables
            .iter()
            .find(|(name, _)| *name == table)
            .map_or(0, |(_, n)| *n)
    }
}

/// One demo account; all share the password the caller hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSignIn {
    pub login: String,
    pub name: String,
    pub dealer_code: String,
    pub dealer_name: String,
    pub role: String,
}

#[derive(Insertable)]
#[diesel(table_name = schema::users)]
struct NewUser<'a> {
    id: &'a str,
    login: &'a str,
    name: &'a str,
    phone: &'a str,
    email: &'a str,
    dealer_id: &'a str,
    password_hash: &'a str,
    locale: &'a str,
    active: bool,
    created_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = schema::user_roles)]
struct NewUserRole<'a> {
    user_id: &'a str,
    role: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = schema::stock)]
struct NewStock<'a> {
    dealer_id: &'a str,
    part_id: &'a str,
    on_hand: i32,
    reserved: i32,
    bin: String,
    updated_at: chrono::NaiveDateTime,
}

use crate::db::execute_insert;

/// Inserts `rows` in chunks of `CHUNK`, returning the rows written.
macro_rules! insert_chunked {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut written = 0usize;
        for chunk in $rows.chunks(CHUNK) {
            written += execute_insert!($conn, $table, chunk);
        }
        written
    }};
}

/// Inserts everything; the caller's transaction makes it all-or-nothing.
/// Every user gets `password_hash` (hashing once keeps this fast).
pub fn load(
    conn: &mut AnyConnection,
    data: &DemoData,
    password_hash: &str,
) -> Result<DemoSummary, AppError> {
    let mut tables = Vec::new();
    tables.push((
        "dealer_groups",
        insert_chunked!(conn, schema::dealer_groups::table, data.dealer_groups),
    ));
    tables.push((
        "dealers",
        insert_chunked!(conn, schema::dealers::table, data.dealers),
    ));

    let users: Vec<NewUser<'_>> = data
        .users
        .iter()
        .map(|u| NewUser {
            id: &u.id,
            login: &u.login,
            name: &u.name,
            phone: &u.phone,
            email: &u.email,
            dealer_id: &u.dealer_id,
            password_hash,
            locale: &u.locale,
            active: true,
            created_at: u.created_at,
        })
        .collect();
    tables.push(("users", insert_chunked!(conn, schema::users::table, users)));
    let roles: Vec<NewUserRole<'_>> = data
        .users
        .iter()
        .map(|u| NewUserRole {
            user_id: &u.id,
            role: &u.role,
        })
        .collect();
    tables.push((
        "user_roles",
        insert_chunked!(conn, schema::user_roles::table, roles),
    ));

    tables.push((
        "technicians",
        insert_chunked!(conn, schema::technicians::table, data.technicians),
    ));
    tables.push((
        "technician_skills",
        insert_chunked!(
            conn,
            schema::technician_skills::table,
            data.technician_skills
        ),
    ));
    tables.push((
        "rota_shifts",
        insert_chunked!(conn, schema::rota_shifts::table, data.rota_shifts),
    ));
    tables.push((
        "rota_holidays",
        insert_chunked!(conn, schema::rota_holidays::table, data.rota_holidays),
    ));
    tables.push((
        "tools",
        insert_chunked!(conn, schema::tools::table, data.tools),
    ));
    tables.push((
        "standard_plans",
        insert_chunked!(conn, schema::standard_plans::table, data.standard_plans),
    ));
    tables.push((
        "standard_plan_tools",
        insert_chunked!(
            conn,
            schema::standard_plan_tools::table,
            data.standard_plan_tools
        ),
    ));
    tables.push((
        "standard_plan_items",
        insert_chunked!(
            conn,
            schema::standard_plan_items::table,
            data.standard_plan_items
        ),
    ));
    tables.push((
        "parts",
        insert_chunked!(conn, schema::parts::table, data.parts),
    ));

    tables.push(("stock", insert_stock(conn, data, &data.stock)?));

    tables.push((
        "customers",
        insert_chunked!(conn, schema::customers::table, data.customers),
    ));
    tables.push((
        "vehicles",
        insert_chunked!(conn, schema::vehicles::table, data.vehicles),
    ));
    tables.push((
        "service_visits",
        insert_chunked!(conn, schema::service_visits::table, data.service_visits),
    ));
    tables.push((
        "service_visit_parts",
        insert_chunked!(
            conn,
            schema::service_visit_parts::table,
            data.service_visit_parts
        ),
    ));

    tables.push((
        "rescue_vehicles",
        insert_chunked!(conn, schema::rescue_vehicles::table, data.rescue_vehicles),
    ));
    tables.push((
        "vehicle_checks",
        insert_chunked!(conn, schema::vehicle_checks::table, data.vehicle_checks),
    ));
    tables.push((
        "holidays",
        insert_chunked!(conn, schema::holidays::table, data.holidays),
    ));
    tables.push((
        "holiday_effects",
        insert_chunked!(conn, schema::holiday_effects::table, data.holiday_effects),
    ));

    let sign_ins = data
        .users
        .iter()
        .map(|u| {
            let dealer = data.dealers.iter().find(|d| d.id == u.dealer_id);
            DemoSignIn {
                login: u.login.clone(),
                name: u.name.clone(),
                dealer_code: dealer.map(|d| d.code.clone()).unwrap_or_default(),
                dealer_name: dealer.map(|d| d.name.clone()).unwrap_or_default(),
                role: u.role.clone(),
            }
        })
        .collect();
    Ok(DemoSummary { tables, sign_ins })
}

// Built chunk by chunk: at benchmark scales the stock table has millions
// of rows and borrowing ids per chunk keeps memory flat.
fn insert_stock(
    conn: &mut AnyConnection,
    data: &DemoData,
    stock: &[super::StockRow],
) -> Result<usize, AppError> {
    let mut stock_rows = 0;
    for chunk in stock.chunks(CHUNK) {
        let rows: Vec<NewStock<'_>> = chunk
            .iter()
            .map(|s| NewStock {
                dealer_id: &data.dealers[s.dealer as usize].id,
                part_id: &data.parts[s.part as usize].id,
                on_hand: s.on_hand,
                reserved: 0,
                bin: s.bin.to_string(),
                updated_at: s.updated_at,
            })
            .collect();
        stock_rows += execute_insert!(conn, schema::stock::table, &rows);
    }
    Ok(stock_rows)
}

/// Where a streaming load is: the phase, its steps done and its steps in all.
pub type Progress<'a> = &'a mut dyn FnMut(&'static str, u64, u64);

/// Generates and writes the demo for `opts` in a stream, one dealer's stock, one dealer's fleet
/// and one day's rescues at a time, so memory holds the dealers, staff, catalogue and vehicles
/// but never the millions of stock, service-history or ticket rows at once. Writes the same rows
/// as `generate` + `load` (+ `load_past` when `past`); the caller's transaction makes it
/// all-or-nothing. Returns the rows per table.
pub fn load_streaming(
    conn: &mut AnyConnection,
    opts: &super::DemoOptions,
    password_hash: &str,
    past: Option<&history::Rules<'_>>,
    progress: Progress<'_>,
) -> Result<DemoSummary, AppError> {
    let mut b = super::Builder::new(opts);
    let mut summary = load(conn, &b.data, password_hash)?;
    let dealers = b.data.dealers.len();

    let mut stocked: Vec<Vec<u32>> = Vec::with_capacity(dealers);
    let mut stock_rows = 0;
    for d in 0..dealers {
        let rows = b.stock_of(d);
        stock_rows += insert_stock(conn, &b.data, &rows)?;
        stocked.push(rows.iter().map(|r| r.part).collect());
        progress("stock", d as u64 + 1, dealers as u64);
    }

    let mut n = [0usize; 4];
    for d in 0..dealers {
        b.fleet_of(d);
        let (customers, vehicles, visits, visit_parts) = b.take_fleet();
        n[0] += insert_chunked!(conn, schema::customers::table, customers);
        n[1] += insert_chunked!(conn, schema::vehicles::table, vehicles);
        n[2] += insert_chunked!(conn, schema::service_visits::table, visits);
        n[3] += insert_chunked!(conn, schema::service_visit_parts::table, visit_parts);
        // The past draws on the vehicles and their owners; the history is written and gone.
        b.data.customers.extend(customers);
        b.data.vehicles.extend(vehicles);
        progress("fleet", d as u64 + 1, dealers as u64);
    }
    for (table, rows) in [
        ("stock", stock_rows),
        ("customers", n[0]),
        ("vehicles", n[1]),
        ("service_visits", n[2]),
        ("service_visit_parts", n[3]),
    ] {
        if let Some(t) = summary.tables.iter_mut().find(|(name, _)| *name == table) {
            t.1 = rows;
        }
    }
    if let Some(rules) = past {
        let p = history::Past::with_stock(&b.data, opts, stocked);
        summary
            .tables
            .extend(write_past(conn, &p, rules, progress)?);
    }
    Ok(summary)
}

/// Writes the demo's past (`history::Past`) day by day: the finished rescues of last month and
/// this month so far, and last month's suspension. Returns the rows per table.
pub fn load_past(
    conn: &mut AnyConnection,
    data: &DemoData,
    opts: &super::DemoOptions,
    rules: &history::Rules<'_>,
) -> Result<Vec<(&'static str, usize)>, AppError> {
    let past = history::Past::new(data, opts);
    write_past(conn, &past, rules, &mut |_, _, _| {})
}

fn write_past(
    conn: &mut AnyConnection,
    past: &history::Past<'_>,
    rules: &history::Rules<'_>,
    progress: Progress<'_>,
) -> Result<Vec<(&'static str, usize)>, AppError> {
    let days = past.days().count() as u64;
    let mut n = [0usize; 15];
    for (i, day) in past.days().enumerate() {
        let r = past.day(rules, day);
        n[0] += insert_chunked!(conn, schema::tickets::table, r.tickets);
        n[1] += insert_chunked!(conn, schema::ticket_counters::table, r.counters);
        n[2] += insert_chunked!(conn, schema::plans::table, r.plans);
        n[3] += insert_chunked!(conn, schema::plan_crew::table, r.crew);
        n[4] += insert_chunked!(conn, schema::plan_items::table, r.items);
        n[5] += insert_chunked!(conn, schema::plan_parts::table, r.plan_parts);
        n[6] += insert_chunked!(conn, schema::approvals::table, r.approvals);
        n[7] += insert_chunked!(conn, schema::audit_events::table, r.events);
        n[8] += insert_chunked!(conn, schema::sla_alerts::table, r.alerts);
        n[9] += insert_chunked!(conn, schema::sourcing_orders::table, r.orders);
        n[10] += insert_chunked!(conn, schema::follow_ups::table, r.follow_ups);
        n[11] += insert_chunked!(conn, schema::complaints::table, r.complaints);
        n[12] += insert_chunked!(conn, schema::complaint_steps::table, r.steps);
        n[14] += insert_chunked!(conn, schema::part_issues::table, r.issues);
        progress("past", i as u64 + 1, days);
    }
    if let Some(s) = past.suspension() {
        n[13] += execute_insert!(conn, schema::suspensions::table, &s);
    }
    Ok([
        "tickets",
        "ticket_counters",
        "plans",
        "plan_crew",
        "plan_items",
        "plan_parts",
        "approvals",
        "audit_events",
        "sla_alerts",
        "sourcing_orders",
        "follow_ups",
        "complaints",
        "complaint_steps",
        "suspensions",
        "part_issues",
    ]
    .into_iter()
    .zip(n)
    .collect())
}

/// True when no dealer exists yet, i.e. the demo (or real data) was never loaded.
pub fn is_empty(conn: &mut AnyConnection) -> Result<bool, AppError> {
    let dealers: i64 = schema::dealers::table.count().get_result(conn)?;
    Ok(dealers == 0)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel_migrations::MigrationHarness;

    use super::*;
    use crate::demo::{generate, history, DemoOptions};

    #[derive(QueryableByName)]
    struct Violation {
        #[diesel(sql_type = Text)]
        table: String,
    }

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn sqlite() -> AnyConnection {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        conn.batch_execute("PRAGMA foreign_keys = ON;")
            .expect("foreign keys on");
        conn.run_pending_migrations(crate::db::SQLITE_MIGRATIONS)
            .expect("migrations");
        AnyConnection::Sqlite(conn)
    }

    #[test]
    fn loads_scale_one_into_sqlite_with_intact_foreign_keys() {
        let mut conn = sqlite();
        assert!(is_empty(&mut conn).unwrap());
        let data = generate(&DemoOptions {
            seed: 42,
            scale: 1,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            shape: Default::default(),
        });
        let summary = conn
            .transaction::<_, AppError, _>(|c| load(c, &data, "$argon2id$v=19$test"))
            .unwrap();
        assert!(!is_empty(&mut conn).unwrap());

        for (table, written) in &summary.tables {
            let stored = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                .get_result::<Count>(&mut conn)
                .unwrap()
                .n;
            assert_eq!(stored, *written as i64, "{table}");
        }
        assert_eq!(summary.count("stock"), data.stock.len());
        assert_eq!(summary.count("user_roles"), data.users.len());
        assert_eq!(summary.sign_ins.len(), data.users.len());
        assert!(summary
            .sign_ins
            .iter()
            .any(|s| s.login == "nb.director" && s.role == "service_director"));

        let broken: Vec<String> = diesel::sql_query("PRAGMA foreign_key_check")
            .load::<Violation>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|v| v.table)
            .collect();
        assert!(broken.is_empty(), "foreign keys broken in {broken:?}");
    }

    /// Every table's row count.
    fn counts(conn: &mut AnyConnection, tables: &[(&'static str, usize)]) -> Vec<(String, i64)> {
        tables
            .iter()
            .map(|(table, _)| {
                let n = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                    .get_result::<Count>(conn)
                    .unwrap()
                    .n;
                ((*table).to_owned(), n)
            })
            .collect()
    }

    #[test]
    fn the_streaming_load_writes_what_generate_and_load_write() {
        let opts = DemoOptions {
            seed: 8,
            scale: 3,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            shape: crate::demo::Shape {
                staff_everywhere: true,
                past_days: Some(4),
                ..Default::default()
            },
        };
        let sla = crate::config::Settings::load(None, std::iter::empty())
            .expect("default settings")
            .sla;
        let rules = history::Rules {
            sla: &sla,
            labour_fen_per_hour: 12_000,
            travel_fen_per_km: 300,
            number_prefix: "RS",
            complaint_at_or_below: 2,
        };
        let mut streamed = sqlite();
        let mut phases: Vec<&'static str> = Vec::new();
        let summary = streamed
            .transaction::<_, AppError, _>(|c| {
                load_streaming(
                    c,
                    &opts,
                    "$argon2id$v=19$test",
                    Some(&rules),
                    &mut |p, _, _| {
                        if phases.last() != Some(&p) {
                            phases.push(p);
                        }
                    },
                )
            })
            .unwrap();
        assert_eq!(phases, ["stock", "fleet", "past"]);

        let mut whole = sqlite();
        let data = generate(&opts);
        let mut tables = whole
            .transaction::<_, AppError, _>(|c| {
                let mut t = load(c, &data, "$argon2id$v=19$test")?.tables;
                t.extend(load_past(c, &data, &opts, &rules)?);
                Ok(t)
            })
            .unwrap();
        assert_eq!(summary.tables, tables);
        tables.retain(|(t, _)| *t != "suspensions");
        assert_eq!(counts(&mut streamed, &tables), counts(&mut whole, &tables));
        assert!(
            summary.count("tickets") > 24 * 4,
            "{}",
            summary.count("tickets")
        );
        // Two groups, and the same ids both ways.
        let ids = |c: &mut AnyConnection, sql: &str| -> Vec<String> {
            diesel::sql_query(sql)
                .load::<Violation>(c)
                .unwrap()
                .into_iter()
                .map(|v| v.table)
                .collect()
        };
        let sql = "SELECT id AS \"table\" FROM tickets ORDER BY id";
        assert_eq!(ids(&mut streamed, sql), ids(&mut whole, sql));
        let sql = "SELECT DISTINCT group_id AS \"table\" FROM dealers";
        assert_eq!(ids(&mut streamed, sql).len(), 2);

        let broken: Vec<String> = diesel::sql_query("PRAGMA foreign_key_check")
            .load::<Violation>(&mut streamed)
            .unwrap()
            .into_iter()
            .map(|v| v.table)
            .collect();
        assert!(broken.is_empty(), "foreign keys broken in {broken:?}");
    }
}
