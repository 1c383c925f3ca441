//! The dispatch board as JSON, for a telephony wall display or a group-level screen.

use actix_web::{get, web, HttpResponse};

use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::services::board::{self, Board};
use crate::state::AppState;

/// Every open ticket of the caller's dealer (service directors and admins: of every dealer of
/// the group), most urgent first (breached, warning, least time left; without a promise last),
/// at most 500; the counts, the crews out and the dealers. Each position comes twice: `lat`/`lon`
/// in WGS-84 as stored, and `map` in the system of the configured map tiles (`map_crs`). Staff
/// who see tickets may read it; technicians and customers get `403`.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    responses(
        (status = 200, description = "The board", body = Board),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
#[get("/board")]
pub async fn get_board(
    state: web::Data<AppState>,
    user: ApiUser,
) -> Result<HttpResponse, AppError> {
    let board = board::board(
        &state.db,
        &state.settings.sla,
        state.settings.map.crs,
        state.settings.eta.position_stale_s,
        &user.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(board))
}
