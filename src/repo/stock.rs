//! Stock that cannot be oversold: reservations and issues are single guarded statements, so the rule
//! `reserved <= on_hand` holds across transactions and across RescueDesk nodes on one PostgreSQL.

use diesel::prelude::*;

use crate::db::schema::{plan_parts, plans, stock};
use crate::db::AnyConnection;
use crate::error::AppError;

/// Reserves up to `wanted` units; returns how many it got (0 when none are available).
/// Reads the available count, then reserves exactly that much with a guard; if another
/// transaction took units in between, the guard fails and it reads again.
pub fn reserve_up_to(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    wanted: i32,
) -> Result<i32, AppError> {
    for _ in 0..5 {
        let row: Option<(i32, i32)> = stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id))
            .select((stock::on_hand, stock::reserved))
            .first(conn)
            .optional()?;
        let Some((on_hand, reserved)) = row else {
            return Ok(0);
        };
        let take = wanted.min(on_hand - reserved);
        if take <= 0 {
            return Ok(0);
        }
        let n = diesel::update(
            stock::table
                .filter(stock::dealer_id.eq(dealer_id))
                .filter(stock::part_id.eq(part_id))
                .filter((stock::on_hand - stock::reserved).ge(take)),
        )
        .set((
            stock::reserved.eq(stock::reserved + take),
            stock::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
        if n == 1 {
            return Ok(take);
        }
    }
    Err(AppError::msg(
        crate::error::ErrorCode::StaleState,
        "svc-stock-busy",
        &[],
    ))
}

pub fn release(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    quantity: i32,
) -> Result<(), AppError> {
    diesel::update(
        stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id))
            .filter(stock::reserved.ge(quantity)),
    )
    .set((
        stock::reserved.eq(stock::reserved - quantity),
        stock::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Hands out `quantity` units, consuming `from_reservation` of this line's own reservation first;
/// false when the shelf does not have them.
pub fn issue(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    quantity: i32,
    from_reservation: i32,
) -> Result<bool, AppError> {
    let n = diesel::update(
        stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id))
            .filter(stock::reserved.ge(from_reservation))
            // What stays on the shelf must still cover everyone else's reservations.
            .filter((stock::on_hand - quantity).ge(stock::reserved - from_reservation)),
    )
    .set((
        stock::on_hand.eq(stock::on_hand - quantity),
        stock::reserved.eq(stock::reserved - from_reservation),
        stock::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Reserves exactly `quantity` units or nothing (a placed sister transfer holds the sister's shelf).
pub fn reserve_exact(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    quantity: i32,
) -> Result<bool, AppError> {
    let n = diesel::update(
        stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id))
            .filter((stock::on_hand - stock::reserved).ge(quantity)),
    )
    .set((
        stock::reserved.eq(stock::reserved + quantity),
        stock::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Units reserved for a transfer leave the sister dealer's shelf: on hand and reserved both drop.
pub fn take_reserved(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    quantity: i32,
) -> Result<bool, AppError> {
    let n = diesel::update(
        stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id))
            .filter(stock::reserved.ge(quantity))
            .filter(stock::on_hand.ge(quantity)),
    )
    .set((
        stock::on_hand.eq(stock::on_hand - quantity),
        stock::reserved.eq(stock::reserved - quantity),
        stock::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Units arriving on the shelf, `hold` of them reserved at once for the line they came for.
pub fn put_away(
    conn: &mut AnyConnection,
    dealer_id: &str,
    part_id: &str,
    quantity: i32,
    hold: i32,
) -> Result<(), AppError> {
    let n = diesel::update(
        stock::table
            .filter(stock::dealer_id.eq(dealer_id))
            .filter(stock::part_id.eq(part_id)),
    )
    .set((
        stock::on_hand.eq(stock::on_hand + quantity),
        stock::reserved.eq(stock::reserved + hold),
        stock::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(stock::table)
            .values((
                stock::dealer_id.eq(dealer_id),
                stock::part_id.eq(part_id),
                stock::on_hand.eq(quantity),
                stock::reserved.eq(hold),
                stock::bin.eq(""),
                stock::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records how much a plan line holds.
pub fn set_line_reserved(
    conn: &mut AnyConnection,
    plan_part_id: &str,
    reserved: i32,
) -> Result<(), AppError> {
    diesel::update(plan_parts::table.filter(plan_parts::id.eq(plan_part_id)))
        .set(plan_parts::reserved.eq(reserved))
        .execute(conn)?;
    Ok(())
}

/// Lines of a ticket's plans still holding stock: (line id, part id, units).
pub fn held_by_ticket(
    conn: &mut AnyConnection,
    ticket_id: &str,
) -> Result<Vec<(String, String, i32)>, AppError> {
    Ok(plan_parts::table
        .inner_join(plans::table)
        .filter(plans::ticket_id.eq(ticket_id))
        .filter(plan_parts::reserved.gt(0))
        .select((plan_parts::id, plan_parts::part_id, plan_parts::reserved))
        .load(conn)?)
}

/// A sister dealer's spare stock of a part: (dealer id, name, lat, lon, available).
pub type SisterStock = (String, String, f64, f64, i32);

/// Sister dealers of the group holding some of a part, with what they can spare (on hand − reserved).
/// Starts from the part (index `stock_part`), so it stays a short list however many dealers there are.
pub fn sister_stock(
    conn: &mut AnyConnection,
    group_id: &str,
    except_dealer: &str,
    part_id: &str,
) -> Result<Vec<SisterStock>, AppError> {
    use crate::db::schema::dealers;
    let rows: Vec<(String, String, f64, f64, i32, i32)> = stock::table
        .inner_join(dealers::table)
        .filter(stock::part_id.eq(part_id))
        .filter(dealers::group_id.eq(group_id))
        .filter(dealers::id.ne(except_dealer))
        .filter(stock::on_hand.gt(stock::reserved))
        .select((
            dealers::id,
            dealers::name,
            dealers::lat,
            dealers::lon,
            stock::on_hand,
            stock::reserved,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, lat, lon, on_hand, reserved)| (id, name, lat, lon, on_hand - reserved))
        .collect())
}
