//! Taking a breakdown call (intake), reading tickets and the vehicle history behind them.

use chrono::{Duration, NaiveDateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Identity;
use crate::db::{is_unique_violation, AnyConnection, Db};
use crate::domain::ids::TicketId;
use crate::domain::intake::{still_open, warnings, IntakeRequest, IntakeWarning, TicketIntake};
use crate::domain::role::Action;
use crate::domain::ticket::{format_ticket_number, TicketStatus};
use crate::error::{AppError, ErrorCode, FieldErrors, FieldText, Thing};
use crate::i18n::Msg;
use crate::repo::audit::{self, AuditRecord, NewAuditEvent};
use crate::repo::tickets::{self as repo, TicketFilter, TicketRecord};
use crate::repo::vehicles;
use crate::services::notify::Notifier;
use crate::services::views::{self, into_views};

/// How many past visits the ticket view shows.
pub const RECENT_VISITS: i64 = 5;
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

#[derive(Debug, Clone)]
pub struct NumberingRules {
    pub prefix: String,
    pub utc_offset_hours: i32,
}

/// The outcome of an intake: the ticket, whether it was an idempotent replay,
/// and what the agent should check with the caller.
#[derive(Debug)]
pub struct Created {
    pub ticket: TicketView,
    pub replayed: bool,
    pub warnings: Vec<IntakeWarning>,
}

/// The answer to `POST /tickets`: the ticket and the intake's warnings (never refusals).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedTicket {
    #[serde(flatten)]
    pub ticket: TicketView,
    /// E.g. `open_ticket_for_plate`, `mileage_below_last_visit`, `inside_suspension` (with the
    /// suspension's `customer_words`); empty when all is plausible.
    pub warnings: Vec<IntakeWarning>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub id: String,
    /// Human-readable number, unique per dealer and day: RS-YYYYMMDD-NNNN.
    #[schema(example = "RS-20261122-0007")]
    pub number: String,
    pub status: TicketStatus,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub call_time: NaiveDateTime,
    pub customer_name: String,
    pub phone: String,
    pub location: LocationView,
    pub plate: String,
    pub model: String,
    pub vin: Option<String>,
    pub mileage_km: i32,
    pub fault: String,
    pub repaired_elsewhere: bool,
    pub repaired_elsewhere_note: Option<String>,
    pub response_level: i32,
    /// The vehicle is known from the dealer management system.
    pub vehicle_known: bool,
    /// The crew has arrived and stays on site (also while a revised plan is approved).
    pub crew_on_site: bool,
    /// The caller could not say where they are: `location.lat`/`lon` are null until
    /// the customer's phone sends its position through the status link (待定位).
    pub location_pending: bool,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    pub created_by: Option<PersonView>,
    /// The next promise to the customer (`services::promises`); null when the rescue is over.
    pub promise: Option<crate::services::promises::PromiseView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    pub address: String,
    /// WGS-84 latitude; null while the location is pending.
    pub lat: Option<f64>,
    /// WGS-84 longitude; null while the location is pending.
    pub lon: Option<f64>,
    /// Always `wgs84`: stored coordinates are converted on intake.
    pub crs: &'static str,
    /// The system the caller sent (`wgs84` or `gcj02`).
    pub source_crs: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub login: String,
    pub name: String,
}

/// The ticket page and `GET /tickets/{id}`: the ticket, its vehicle's recent history and audit trail.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: TicketView,
    pub vehicle: Option<views::VehicleInfo>,
    pub recent_visits: Vec<views::Visit>,
    pub audit: Vec<AuditView>,
    /// The current plan version, if the workshop lead has started one.
    pub plan: Option<crate::services::plans::PlanView>,
    pub plan_versions: Vec<crate::services::plans::PlanVersionView>,
    /// Review, consent and director decisions, voided ones included.
    pub approvals: Vec<views::ApprovalRow>,
    pub part_issues: Vec<views::IssueRow>,
    /// Parts being fetched from sister dealers or the manufacturer, and where each is on its way.
    pub sourcing_orders: Vec<views::OrderView>,
    /// Messages recorded for this ticket (SMS, e-mail).
    pub messages: Vec<views::MessageRow>,
    pub stages: Vec<crate::services::timeline::Stage>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expected_arrival_at: Option<NaiveDateTime>,
    /// Why the rescue was cancelled, as the canceller wrote it.
    pub cancel_reason: Option<String>,
    /// The latest location the customer sent from the status page (WGS-84).
    pub shared_location: Option<views::SharedLocation>,
}

impl views::Localise for TicketDetail {
    fn localise(&mut self, locale: crate::i18n::Locale) {
        self.audit.localise(locale);
        self.stages.localise(locale);
        self.approvals.localise(locale);
        self.sourcing_orders.localise(locale);
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// What the actor wrote, as typed, or what the system noted (e.g. that the plan was
    /// revised) in the language of `Accept-Language`.
    pub comment: Option<String>,
    /// The system text's stable code when the system wrote `comment` (`plan_revised:2`); null
    /// for a person's own words.
    pub comment_code: Option<String>,
    pub actor: Option<PersonView>,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub at: NaiveDateTime,
    /// What the event recorded, for the pages' audit trail to say which part or why (stock
    /// reserved, a pause's reason). Not in the API: it holds internal ids.
    #[serde(skip)]
    pub data: Option<serde_json::Value>,
}

impl views::Localise for AuditView {
    fn localise(&mut self, locale: crate::i18n::Locale) {
        views::draw(&mut self.comment, locale);
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VehicleHistory {
    pub vehicle: views::VehicleInfo,
    /// Newest first.
    pub visits: Vec<views::Visit>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_visit_at: Option<NaiveDateTime>,
}

/// Turns validation failures into the API's field map.
pub fn field_errors(errors: Vec<(&'static str, FieldText)>) -> AppError {
    let mut fields = FieldErrors::new();
    for (field, message) in errors {
        fields.entry(field.to_owned()).or_insert(message);
    }
    AppError::validation(fields)
}

/// Opens a rescue ticket. With an idempotency key, a retried request returns the
/// first ticket instead of opening a second; the same key with a different body is refused.
pub async fn create(
    db: &Db,
    n: &Notifier,
    actor: &Identity,
    request: IntakeRequest,
    idempotency_key: Option<String>,
    rules: &NumberingRules,
) -> Result<Created, AppError> {
    actor.require(Action::CreateTicket)?;
    if let Some(key) = &idempotency_key {
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.is_ascii() {
            return Err(AppError::msg(
                ErrorCode::ValidationFailed,
                "svc-idempotency-key-invalid",
                &[("max", MAX_IDEMPOTENCY_KEY_LEN.into())],
            ));
        }
    }
    let intake = TicketIntake::parse(&request, Utc::now()).map_err(field_errors)?;
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&request).map_err(AppError::internal)?,
    ));

    let attempt = {
        let (actor, key, hash, rules, intake, n) = (
            actor.clone(),
            idempotency_key.clone(),
            request_hash.clone(),
            rules.clone(),
            intake.clone(),
            n.clone(),
        );
        db.write(move |conn| {
            insert_or_replay(conn, &n, &actor, &intake, key.as_deref(), &hash, &rules)
        })
        .await
    };
    match attempt {
        Err(e) if e.code == ErrorCode::Conflict && idempotency_key.is_some() => {
            // A concurrent request with the same key won the insert (PostgreSQL
            // aborts our transaction on the unique index); answer with its ticket.
            let (actor, key) = (actor.clone(), idempotency_key.unwrap_or_default());
            let offset = rules.utc_offset_hours;
            db.read(move |conn| replay(conn, &actor, &key, &request_hash, offset))
                .await
        }
        other => other,
    }
}

fn insert_or_replay(
    conn: &mut AnyConnection,
    n: &Notifier,
    actor: &Identity,
    intake: &TicketIntake,
    key: Option<&str>,
    request_hash: &str,
    rules: &NumberingRules,
) -> Result<Created, AppError> {
    if let Some(key) = key {
        if repo::by_idempotency_key(conn, &actor.dealer_id, key)?.is_some() {
            return replay(conn, actor, key, request_hash, rules.utc_offset_hours);
        }
    }
    let now = crate::repo::now();
    // Numbers follow the dealer's calendar day (China: UTC+8), not UTC's.
    let local_day = (now + Duration::hours(i64::from(rules.utc_offset_hours))).date();
    let vehicle =
        vehicles::by_plate(conn, intake.plate.as_str())?.filter(|v| v.group_id == actor.group_id);
    let mut record = TicketRecord {
        id: crate::repo::new_id(),
        dealer_id: actor.dealer_id.to_string(),
        // Taken below, after the reads.
        number: String::new(),
        status: TicketStatus::New,
        call_time: intake.call_time,
        customer_name: intake.customer_name.as_str().to_owned(),
        phone: intake.phone.as_str().to_owned(),
        address: intake.address.as_str().to_owned(),
        lat: intake.coordinates.map(|c| c.lat()),
        lon: intake.coordinates.map(|c| c.lon()),
        source_crs: intake.source_crs.as_str().to_owned(),
        plate: intake.plate.as_str().to_owned(),
        model: intake.model.as_str().to_owned(),
        vin: intake.vin.as_ref().map(|v| v.as_str().to_owned()),
        mileage_km: intake.mileage_km,
        fault: intake.fault.as_str().to_owned(),
        repaired_elsewhere: intake.repaired_elsewhere,
        repaired_elsewhere_note: intake
            .repaired_elsewhere_note
            .as_ref()
            .map(|n| n.as_str().to_owned()),
        response_level: intake.response_level.as_i32(),
        vehicle_id: vehicle.as_ref().map(|v| v.id.clone()),
        customer_id: vehicle.as_ref().map(|v| v.customer_id.clone()),
        created_by: actor.user()?.to_string(),
        idempotency_key: key.map(str::to_owned),
        request_hash: key.map(|_| request_hash.to_owned()),
        cancel_reason: None,
        expected_arrival_at: None,
        created_at: now,
        updated_at: now,
        crew_on_site: false,
        location_pending: intake.coordinates.is_none(),
    };
    // The reads come first and the day's number last: taking it locks the dealer's counter row
    // until the commit (on PostgreSQL; SQLite has one writer anyway), so the lock covers only the
    // inserts, and the intakes of one dealer wait less on each other.
    let warnings = ticket_warnings(conn, actor, &record, rules.utc_offset_hours)?;
    let seq = repo::next_sequence(conn, &actor.dealer_id, local_day)?;
    record.number = format_ticket_number(&rules.prefix, local_day, seq);
    repo::insert(conn, &record).map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict("svc-concurrent-conflict")
        } else {
            AppError::from(e)
        }
    })?;
    audit::append(
        conn,
        NewAuditEvent {
            dealer_id: Some(&record.dealer_id),
            ticket_id: Some(&record.id),
            entity: "ticket",
            entity_id: &record.id,
            action: "ticket.created",
            actor_id: actor.audit_actor(),
            to_status: Some(record.status.as_str()),
            data: Some(serde_json::json!({
                "number": record.number,
                "plate": record.plate,
                "response_level": record.response_level,
                "vehicle_known": record.vehicle_id.is_some(),
                "location_pending": record.location_pending,
            })),
            ..Default::default()
        },
    )?;
    // Same transaction: the ticket never stands without the SMS that will locate it.
    if intake.request_location {
        crate::services::public::send_location_request(conn, n, actor, &record)?;
    }
    tracing::info!(ticket = %record.number, dealer = %actor.dealer_id, user = %actor.login, location_pending = record.location_pending, "rescue ticket opened");
    Ok(Created {
        ticket: view(record, Some((actor.login.clone(), actor.name.clone()))),
        replayed: false,
        warnings,
    })
}

/// What the agent should check with the caller about this car: other open tickets
/// of the dealer for the plate (`except` is the ticket being opened), and a mileage
/// below the last one on record. The intake page's vehicle panel shows the same.
pub fn intake_warnings(
    conn: &mut AnyConnection,
    actor: &Identity,
    except: &str,
    plate: &str,
    mileage_km: Option<i64>,
) -> Result<Vec<IntakeWarning>, AppError> {
    let open: Vec<TicketStatus> = TicketStatus::ALL
        .into_iter()
        .filter(|s| still_open(*s))
        .collect();
    let numbers: Vec<String> = repo::for_plate_in_states(conn, &actor.dealer_id, plate, &open)?
        .into_iter()
        .filter(|(id, _)| id != except)
        .map(|(_, number)| number)
        .collect();
    let last_mileage =
        match vehicles::by_plate(conn, plate)?.filter(|v| v.group_id == actor.group_id) {
            // An odometer only goes up: the vehicle file and the newest visit are both lower bounds.
            Some(v) => {
                let newest = vehicles::history(conn, &v.id, 1)?
                    .first()
                    .map(|h| h.mileage_km);
                Some(i64::from(newest.unwrap_or(v.mileage_km).max(v.mileage_km)))
            }
            None => None,
        };
    Ok(warnings(mileage_km, last_mileage, &numbers))
}

/// The site lies in an area the dealer suspended (weather): the agent tells the caller, the
/// call is taken all the same. Nothing while the location is pending.
/// Everything intake warns about for this ticket: the car's (other open tickets, the mileage)
/// and the site's (an active suspension).
fn ticket_warnings(
    conn: &mut AnyConnection,
    actor: &Identity,
    record: &TicketRecord,
    utc_offset_hours: i32,
) -> Result<Vec<IntakeWarning>, AppError> {
    let mut warnings = intake_warnings(
        conn,
        actor,
        &record.id,
        &record.plate,
        Some(i64::from(record.mileage_km)),
    )?;
    warnings.extend(site_warnings(conn, actor, record, utc_offset_hours)?);
    Ok(warnings)
}

fn site_warnings(
    conn: &mut AnyConnection,
    actor: &Identity,
    record: &TicketRecord,
    utc_offset_hours: i32,
) -> Result<Vec<IntakeWarning>, AppError> {
    match record.site() {
        Ok(site) => crate::services::suspensions::warnings_at(
            conn,
            &actor.dealer_id,
            &site,
            utc_offset_hours,
        ),
        Err(_) => Ok(Vec::new()),
    }
}

fn replay(
    conn: &mut AnyConnection,
    actor: &Identity,
    key: &str,
    request_hash: &str,
    utc_offset_hours: i32,
) -> Result<Created, AppError> {
    let (id, stored_hash) = repo::by_idempotency_key(conn, &actor.dealer_id, key)?
        .ok_or_else(|| AppError::internal("idempotent ticket vanished"))?;
    if stored_hash.as_deref() != Some(request_hash) {
        return Err(AppError::msg(
            ErrorCode::IdempotencyKeyReused,
            "svc-idempotency-key-reused",
            &[],
        ));
    }
    let (record, login, name) = repo::get(conn, &actor.dealer_id, &id)?
        .ok_or_else(|| AppError::not_found(Thing::Ticket))?;
    let warnings = ticket_warnings(conn, actor, &record, utc_offset_hours)?;
    Ok(Created {
        ticket: view(record, Some((login, name))),
        replayed: true,
        warnings,
    })
}

pub async fn detail(db: &Db, actor: &Identity, id: TicketId) -> Result<TicketDetail, AppError> {
    actor.require(Action::ViewTickets)?;
    let actor = actor.clone();
    db.read(move |conn| {
        // The same door as every use case: also a technician lent to the crew.
        let (record, login, name) = crate::services::common::find(conn, &actor, &id)?
            .ok_or_else(|| AppError::not_found(Thing::Ticket))?;
        let vehicle = match &record.vehicle_id {
            Some(_) => vehicles::by_plate(conn, &record.plate)?,
            None => None,
        };
        let recent_visits = match &vehicle {
            Some(v) if actor.may(Action::ViewVehicleHistory) => {
                vehicles::history(conn, &v.id, RECENT_VISITS)?
            }
            _ => Vec::new(),
        };
        let events = audit::for_ticket(conn, &record.id)?;
        let status = record.status;
        let finished = matches!(
            status,
            TicketStatus::Resolved
                | TicketStatus::TowedToWorkshop
                | TicketStatus::Closed
                | TicketStatus::Cancelled
        );
        let stages = crate::services::timeline::stages(
            record.call_time,
            &events,
            crate::repo::now(),
            finished,
        );
        let plan = crate::services::plans::current_view(conn, &record)?;
        Ok(TicketDetail {
            plan,
            plan_versions: crate::services::plans::versions(conn, &record.id)?,
            approvals: into_views(crate::repo::approvals::for_ticket(conn, &record.id)?),
            part_issues: into_views(crate::repo::approvals::issues_for_ticket(conn, &record.id)?),
            sourcing_orders: into_views(crate::repo::sourcing_orders::views_for_ticket(
                conn, &record.id,
            )?),
            // Everyone who reads the ticket sees that a link was sent, to whom and when; the
            // working code only its recipient (and the demo's viewer, see services::outbox).
            messages: crate::repo::outbox::for_ticket(conn, &record.id)?
                .into_iter()
                .map(|mut m| {
                    m.body_text = crate::auth::links::hide_codes(&m.body_text).into_owned();
                    m.into()
                })
                .collect(),
            stages,
            expected_arrival_at: record.expected_arrival_at,
            cancel_reason: record.cancel_reason.clone(),
            shared_location: crate::repo::locations::latest(conn, &record.id)?.map(Into::into),
            audit: events.into_iter().map(audit_view).collect(),
            ticket: view(record, Some((login, name))),
            vehicle: vehicle.map(Into::into),
            recent_visits: into_views(recent_visits),
        })
    })
    .await
}

pub async fn list(
    db: &Db,
    actor: &Identity,
    filter: TicketFilter,
    page: i64,
    per_page: i64,
) -> Result<TicketPage, AppError> {
    actor.require(Action::ViewTickets)?;
    let dealer = actor.dealer_id.clone();
    let page = page.max(1);
    db.read(move |conn| {
        // Saturating: a page far past the end is an empty page, never a wrapped (negative) offset.
        let offset = (page - 1).saturating_mul(per_page);
        let (rows, total) = repo::list(conn, &dealer, &filter, offset, per_page)?;
        Ok(TicketPage {
            items: rows.into_iter().map(|r| view(r, None)).collect(),
            total,
            page,
            per_page,
        })
    })
    .await
}

/// The intake warnings for a plate being typed (the ticket is not opened yet).
pub async fn plate_warnings(
    db: &Db,
    actor: &Identity,
    plate: String,
    mileage_km: Option<i64>,
) -> Result<Vec<IntakeWarning>, AppError> {
    actor.require(Action::CreateTicket)?;
    let actor = actor.clone();
    db.read(move |conn| intake_warnings(conn, &actor, "", &plate, mileage_km))
        .await
}

/// A known vehicle and its service history (what was replaced, when, at what mileage).
pub async fn vehicle_history(
    db: &Db,
    actor: &Identity,
    plate: String,
    limit: i64,
) -> Result<Option<VehicleHistory>, AppError> {
    actor.require(Action::ViewVehicleHistory)?;
    let group = actor.group_id.clone();
    db.read(move |conn| {
        let Some(vehicle) = vehicles::by_plate(conn, &plate)?.filter(|v| v.group_id == group)
        else {
            return Ok(None);
        };
        let visits = vehicles::history(conn, &vehicle.id, limit)?;
        Ok(Some(VehicleHistory {
            last_visit_at: visits.first().map(|v| v.visited_at),
            vehicle: vehicle.into(),
            visits: into_views(visits),
        }))
    })
    .await
}

pub fn view(r: TicketRecord, creator: Option<(String, String)>) -> TicketView {
    let status = r.status;
    TicketView {
        id: r.id,
        number: r.number,
        status,
        call_time: r.call_time,
        customer_name: r.customer_name,
        phone: r.phone,
        location: LocationView {
            address: r.address,
            lat: r.lat,
            lon: r.lon,
            crs: "wgs84",
            source_crs: r.source_crs,
        },
        plate: r.plate,
        model: r.model,
        vin: r.vin,
        mileage_km: r.mileage_km,
        fault: r.fault,
        repaired_elsewhere: r.repaired_elsewhere,
        repaired_elsewhere_note: r.repaired_elsewhere_note,
        response_level: r.response_level,
        vehicle_known: r.vehicle_id.is_some(),
        crew_on_site: r.crew_on_site,
        location_pending: r.location_pending,
        created_at: r.created_at,
        created_by: creator.map(|(login, name)| PersonView { login, name }),
        // Filled in by `services::promises`, which has the `[sla]` targets.
        promise: None,
    }
}

pub fn audit_view(a: AuditRecord) -> AuditView {
    // A technician acting through a job link has no user row; the event's data names them.
    let via_link = || {
        let data: serde_json::Value = serde_json::from_str(a.data.as_deref()?).ok()?;
        let name = data.get("technician")?.as_str()?.to_owned();
        Some(PersonView {
            login: format!("link:{}", data.get("technician_id")?.as_str()?),
            name,
        })
    };
    let actor = match (a.actor_login.clone(), a.actor_name.clone()) {
        (Some(login), Some(name)) => Some(PersonView { login, name }),
        _ => via_link(),
    };
    AuditView {
        data: a.data.as_deref().and_then(|d| serde_json::from_str(d).ok()),
        action: a.action,
        from_status: a.from_status,
        to_status: a.to_status,
        comment_code: views::code_of(&a.comment),
        comment: a.comment,
        actor,
        at: a.created_at,
    }
}

/// List filters as they arrive from a query string (API and page alike).
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Status code, e.g. `new`.
    #[serde(default, deserialize_with = "status_filter")]
    #[param(inline)]
    pub status: Option<TicketStatus>,
    /// First day (YYYY-MM-DD, dealer's local date) or an RFC 3339 time.
    #[param(
        pattern = "^ *([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?)? *$"
    )]
    pub from: Option<String>,
    /// Last day, inclusive (YYYY-MM-DD) or an RFC 3339 time (exclusive).
    #[param(
        pattern = "^ *([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?)? *$"
    )]
    pub to: Option<String>,
    #[param(max_length = 32)]
    pub plate: Option<String>,
    #[param(max_length = 32)]
    pub phone: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A status filter names a status; anything else is a field error from the extractor.
fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<TicketStatus>, D::Error> {
    crate::services::request::optional_name_for(
        d,
        TicketStatus::parse,
        crate::services::request::UNKNOWN_STATUS_MESSAGE,
    )
}

pub const MAX_PER_PAGE: i64 = 100;
/// Longest plate or phone filter: a phone with its area code and extension fits.
pub const MAX_FILTER_CHARS: usize = 32;

impl TicketQuery {
    /// Validates the filters; plates and phones are normalised the way intake stores them.
    pub fn parse(
        &self,
        utc_offset_hours: i32,
        default_per_page: i64,
    ) -> Result<(TicketFilter, i64, i64), AppError> {
        let mut fields = FieldErrors::new();
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        // Plates and phones are short; anything longer is not one and is not searched for.
        for (field, v) in [("plate", &self.plate), ("phone", &self.phone)] {
            if v.as_deref()
                .is_some_and(|v| v.chars().count() > MAX_FILTER_CHARS)
            {
                fields.insert(
                    field.into(),
                    Msg::with("svc-filter-too-long", &[("max", MAX_FILTER_CHARS.into())]),
                );
            }
        }
        let mut time = |field: &str, v: Option<String>, end: bool| -> Option<NaiveDateTime> {
            let v = v?;
            if let Ok(day) = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
                let day = if end { day.succ_opt()? } else { day };
                return Some(
                    day.and_hms_opt(0, 0, 0)? - Duration::hours(i64::from(utc_offset_hours)),
                );
            }
            match chrono::DateTime::parse_from_rfc3339(&v) {
                Ok(t) => Some(t.naive_utc()),
                Err(_) => {
                    fields.insert(field.into(), Msg::new("svc-filter-date-format"));
                    None
                }
            }
        };
        let from = time("from", present(&self.from), false);
        let to = time("to", present(&self.to), true);
        let plate = present(&self.plate).map(|p| match crate::domain::plate::Plate::parse(&p) {
            Ok(plate) => plate.as_str().to_owned(),
            Err(_) => p.to_uppercase(),
        });
        let phone =
            present(&self.phone).map(|p| match crate::domain::phone::PhoneNumber::parse(&p) {
                Ok(phone) => phone.as_str().to_owned(),
                Err(_) => p,
            });
        let page = self.page.unwrap_or(1);
        if page < 1 {
            fields.insert("page".into(), Msg::new("svc-page-from-one"));
        }
        let per_page = self.per_page.unwrap_or(default_per_page);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            fields.insert(
                "per_page".into(),
                Msg::with("svc-per-page-range", &[("max", MAX_PER_PAGE.into())]),
            );
        }
        if !fields.is_empty() {
            return Err(AppError::validation(fields));
        }
        Ok((
            TicketFilter {
                status: self.status,
                from,
                to,
                plate,
                phone,
            },
            page,
            per_page,
        ))
    }
}
