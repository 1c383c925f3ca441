//! Vehicle service history by plate.

use actix_web::{get, web, HttpResponse};

use crate::auth::ApiUser;
use crate::domain::plate::Plate;
use crate::error::AppError;
use crate::services::tickets::{self, VehicleHistory};
use crate::state::AppState;

/// Visits shown by the history endpoint.
const HISTORY_LIMIT: i64 = 50;

/// What was replaced on a vehicle and when it was last at a dealer of the group.
#[utoipa::path(tag = "vehicles", security(("bearer" = [])),
    params(("plate" = String, Path, pattern = "^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]([0-9A-HJ-NP-Z]{5}|[0-9A-HJ-NP-Z]{4}[挂学警]|[A-HJK][0-9A-HJ-NP-Z][0-9]{4}|[0-9]{5}[DF])$", description = "Plate, e.g. 浙A12345")),
    responses((status = 200, body = VehicleHistory), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
#[get("/vehicles/{plate}/history")]
pub async fn vehicle_history(
    state: web::Data<AppState>,
    user: ApiUser,
    plate: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let plate = Plate::parse(&plate).map_err(|e| AppError::field("plate", e.msg()))?;
    let history =
        tickets::vehicle_history(&state.db, &user.0, plate.as_str().to_owned(), HISTORY_LIMIT)
            .await?
            .ok_or_else(|| AppError::not_found(crate::error::Thing::Vehicle))?;
    Ok(HttpResponse::Ok().json(history))
}
