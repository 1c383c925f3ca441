//! A throw-away demo database made ready for the whole-rescue load driver (`rescuedesk drive
//! rescue`, benchmark 3): a sign-in for every technician, nobody off by the rota, and one part
//! with stock enough for any run. Never for a database anyone works in.

use diesel::prelude::*;

use crate::db::schema::{dealers, parts, rota_shifts, stock, technicians, users};
use crate::db::Db;
use crate::error::AppError;
use crate::services::users::{add_user, AddUser};

/// One crew the driver may send: a dealer's technician with the sign-in that reports from the
/// road, and the part its rescues fit.
#[derive(Debug, Clone)]
pub struct RescueSlot {
    /// The dealer's code: its desk sign-ins are `<code>.agent`, `<code>.workshop`, …
    pub dealer: String,
    pub technician_id: String,
    pub technician_login: String,
    pub part_id: String,
}

/// (technician id, dealer id, its sign-in's user id).
type TechRow = (String, String, Option<String>);

/// Stock given to each dealer's chosen part: more than any run issues.
const BENCH_STOCK: i32 = 1_000_000;

/// Prepares the demo's dealers that have desk sign-ins (at most `per_dealer` technicians each)
/// and answers one slot per technician. Idempotent: a second run reuses the sign-ins.
pub fn prepare_rescues(db: &Db, per_dealer: usize) -> Result<Vec<RescueSlot>, AppError> {
    // (dealer id, code) of the dealers whose call agent signs in (the Zhejiang dealers).
    let (desk, techs): (Vec<(String, String)>, Vec<TechRow>) = db.read_blocking(|conn| {
        let desk: Vec<(String, String)> = dealers::table
            .inner_join(users::table)
            .filter(users::login.eq(dealers::code.concat(".agent")))
            .order(dealers::code.asc())
            .select((dealers::id, dealers::code))
            .load(conn)?;
        let ids: Vec<&String> = desk.iter().map(|(id, _)| id).collect();
        let techs = technicians::table
            .filter(technicians::dealer_id.eq_any(ids))
            .filter(technicians::active.eq(true))
            .order((technicians::dealer_id.asc(), technicians::id.asc()))
            .select((
                technicians::id,
                technicians::dealer_id,
                technicians::user_id,
            ))
            .load(conn)?;
        Ok((desk, techs))
    })?;
    let mut chosen: Vec<(String, String, String)> = Vec::new(); // (dealer code, technician, login)
    for (dealer_id, code) in &desk {
        for (i, (tech, _, user)) in techs
            .iter()
            .filter(|(_, d, _)| d == dealer_id)
            .take(per_dealer)
            .enumerate()
        {
            let login = match user {
                Some(uid) => db.read_blocking({
                    let uid = uid.clone();
                    move |conn| {
                        Ok(users::table
                            .filter(users::id.eq(uid))
                            .select(users::login)
                            .first::<String>(conn)?)
                    }
                })?,
                None => {
                    let login = format!("{code}.bench{i}");
                    let exists = db.read_blocking({
                        let login = login.clone();
                        move |conn| {
                            Ok(users::table
                                .filter(users::login.eq(login))
                                .select(users::id)
                                .first::<String>(conn)
                                .optional()?)
                        }
                    })?;
                    let uid = match exists {
                        Some(uid) => uid,
                        None => add_user(
                            db,
                            AddUser {
                                login: login.clone(),
                                name: format!("bench {code} {i}"),
                                phone: "13900000000".into(),
                                email: format!("{login}@bench.invalid"),
                                dealer_code: code.clone(),
                                roles: vec!["technician".into()],
                                password: crate::auth::secret::random_token(),
                            },
                        )?,
                    };
                    let tech = tech.clone();
                    db.write_blocking(move |conn| {
                        diesel::update(technicians::table.filter(technicians::id.eq(tech)))
                            .set(technicians::user_id.eq(uid))
                            .execute(conn)?;
                        Ok(())
                    })?;
                    login
                }
            };
            chosen.push((code.clone(), tech.clone(), login));
        }
    }
    let dealer_ids: Vec<String> = desk.iter().map(|(id, _)| id.clone()).collect();
    let tech_ids: Vec<String> = chosen.iter().map(|(_, t, _)| t.clone()).collect();
    let part_of: Vec<(String, String)> = db.write_blocking(move |conn| {
        // Someone with no rota entry is not restricted: every chosen technician can be sent at
        // any hour the benchmark runs.
        diesel::delete(rota_shifts::table.filter(rota_shifts::technician_id.eq_any(&tech_ids)))
            .execute(conn)?;
        let mut out = Vec::new();
        for dealer in &dealer_ids {
            // A plain part (no dangerous goods, not monitored) the dealer stocks.
            let part: String = stock::table
                .inner_join(parts::table)
                .filter(stock::dealer_id.eq(dealer))
                .filter(parts::dangerous_goods.eq(false))
                .filter(parts::monitored.eq(false))
                .order(stock::part_id.asc())
                .select(stock::part_id)
                .first(conn)?;
            diesel::update(
                stock::table
                    .filter(stock::dealer_id.eq(dealer))
                    .filter(stock::part_id.eq(&part)),
            )
            .set(stock::on_hand.eq(BENCH_STOCK))
            .execute(conn)?;
            out.push((dealer.clone(), part));
        }
        Ok(out)
    })?;
    Ok(chosen
        .into_iter()
        .map(|(dealer, technician_id, technician_login)| {
            let dealer_id = desk
                .iter()
                .find(|(_, c)| *c == dealer)
                .map(|(id, _)| id.clone())
                .unwrap_or_default();
            let part_id = part_of
                .iter()
                .find(|(d, _)| *d == dealer_id)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            RescueSlot {
                dealer,
                technician_id,
                technician_login,
                part_id,
            }
        })
        .collect())
}
