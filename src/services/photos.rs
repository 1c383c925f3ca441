//! Photos from the crew's phone and the signed resolution: who may add them (the ticket's crew,
//! while they are out), the server's checks (size, type by magic bytes, a cap and a rate per
//! ticket), and who may see them (staff of the dealer and the crew; never the URL alone).

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::Identity;
use crate::config::PhotoSettings;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::{PhotoId, TicketId};
use crate::domain::photo::{photos_allowed, ImageType, PhotoKind, MAX_SIGNATURE_BYTES};
use crate::domain::role::Action;
use crate::error::{AppError, ErrorCode, Thing};
use crate::i18n::Msg;
use crate::repo::photos::{self as repo, NewPhoto};
use crate::repo::tickets::TicketRecord;
use crate::services::common::{self, current_lines};

/// The audit action of a photo added.
pub const ADDED: &str = "photo.added";

/// The catalogue key of an audit action of this module, for the timeline.
pub fn action_label_key(action: &str) -> Option<&'static str> {
    match action {
        ADDED => Some("phone-audit-photo-added"),
        crate::services::availability::OVERRIDDEN => Some("phone-audit-busy-override"),
        _ => None,
    }
}

/// A photo, without its bytes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PhotoView {
    pub id: String,
    pub kind: PhotoKind,
    pub content_type: String,
    pub size_bytes: i32,
    /// Who took it (the technician's name).
    pub taken_by: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

/// The resolution as recorded on the phone.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub work_done: String,
    pub signed: bool,
    pub absent_reason: Option<String>,
    pub taken_by: String,
    pub created_at: NaiveDateTime,
}

/// A ticket's photos and its signed resolution.
#[derive(Debug, Clone)]
pub struct TicketPhotos {
    pub ticket_id: String,
    pub number: String,
    pub photos: Vec<PhotoView>,
    pub signature: Option<SignatureView>,
}

/// The crew adds a photo. `bytes` were read within `settings.max_bytes` by the caller; they are
/// checked again here, and by their first bytes (the client's Content-Type is not asked).
pub async fn add(
    db: &Db,
    settings: &PhotoSettings,
    actor: &Identity,
    ticket_id: TicketId,
    kind: PhotoKind,
    bytes: Vec<u8>,
) -> Result<PhotoView, AppError> {
    if bytes.len() > settings.max_bytes {
        return Err(too_large(settings.max_bytes));
    }
    let Some(image) = ImageType::sniff(&bytes) else {
        return Err(AppError::msg(
            ErrorCode::UnsupportedImage,
            "phone-photo-not-an-image",
            &[],
        ));
    };
    let (actor, settings) = (actor.clone(), settings.clone());
    db.write(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        let lines = current_lines(conn, &ticket.id)?;
        common::require_crew(&actor, &lines, false)?;
        if !photos_allowed(ticket.status) {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "phone-photo-not-now",
                &[("status", ticket.status.as_str().into())],
            )
            .labelled("status", ticket.status.label_key()));
        }
        let now = crate::repo::now();
        let (all, recent) = repo::counts(conn, &ticket.id, now - chrono::Duration::minutes(1))?;
        if all >= settings.max_per_ticket {
            return Err(AppError::msg(
                ErrorCode::PhotoLimitReached,
                "phone-photo-limit",
                &[("max", settings.max_per_ticket.into())],
            ));
        }
        if recent >= settings.per_minute {
            return Err(
                AppError::msg(ErrorCode::TooManyAttempts, "phone-photo-slow-down", &[])
                    .with_retry_after(60),
            );
        }
        let id = crate::repo::new_id();
        let size = i32::try_from(bytes.len()).map_err(AppError::internal)?;
        repo::insert(
            conn,
            &NewPhoto {
                id: &id,
                ticket_id: &ticket.id,
                kind: kind.as_str(),
                content_type: image.content_type(),
                size_bytes: size,
                data: &bytes,
                technician_id: actor.technician_id.as_deref(),
                user_id: actor.audit_actor(),
                taken_by: &actor.name,
                created_at: now,
            },
        )?;
        common::note(
            conn,
            &actor,
            &ticket,
            ADDED,
            None,
            Some(serde_json::json!({ "photo_id": id, "kind": kind.as_str() })),
        )?;
        Ok(PhotoView {
            id,
            kind,
            content_type: image.content_type().to_owned(),
            size_bytes: size,
            taken_by: actor.name.clone(),
            created_at: now,
        })
    })
    .await
}

/// `413 payload_too_large` naming the limit.
pub fn too_large(max_bytes: usize) -> AppError {
    AppError::msg(
        ErrorCode::PayloadTooLarge,
        "phone-photo-too-large",
        &[("max_kib", (max_bytes / 1024).into())],
    )
}

/// Staff of the ticket's dealer who see tickets, and the crew (by sign-in or link). Another
/// dealer's ticket was already a 404 in `common::load`.
fn may_view(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket: &TicketRecord,
) -> Result<(), AppError> {
    if actor.technician_id.is_none() && Action::ViewTickets.permitted(&actor.roles) {
        return Ok(());
    }
    common::require_crew(actor, &current_lines(conn, &ticket.id)?, false)
}

fn views(conn: &mut AnyConnection, ticket_id: &str) -> Result<Vec<PhotoView>, AppError> {
    Ok(repo::list(conn, ticket_id)?
        .into_iter()
        .filter_map(|p| {
            Some(PhotoView {
                kind: PhotoKind::parse(&p.kind)?,
                id: p.id,
                content_type: p.content_type,
                size_bytes: p.size_bytes,
                taken_by: p.taken_by,
                created_at: p.created_at,
            })
        })
        .collect())
}

/// The ticket's photos and its signed resolution.
pub async fn of_ticket(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
) -> Result<TicketPhotos, AppError> {
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        may_view(conn, &actor, &ticket)?;
        Ok(TicketPhotos {
            photos: views(conn, &ticket.id)?,
            signature: repo::signature(conn, &ticket.id)?.map(
                |(work_done, signed, absent_reason, taken_by, created_at)| SignatureView {
                    work_done,
                    signed,
                    absent_reason,
                    taken_by,
                    created_at,
                },
            ),
            ticket_id: ticket.id,
            number: ticket.number,
        })
    })
    .await
}

/// One photo's content type and bytes, for someone who may see the ticket's photos.
pub async fn image(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
    photo_id: PhotoId,
) -> Result<(String, Vec<u8>), AppError> {
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        may_view(conn, &actor, &ticket)?;
        repo::bytes(conn, &ticket.id, &photo_id)?.ok_or_else(|| AppError::not_found(Thing::Record))
    })
    .await
}

/// The customer's signature (PNG).
pub async fn signature_image(
    db: &Db,
    actor: &Identity,
    ticket_id: TicketId,
) -> Result<Vec<u8>, AppError> {
    let actor = actor.clone();
    db.read(move |conn| {
        let ticket = common::load(conn, &actor, &ticket_id)?;
        may_view(conn, &actor, &ticket)?;
        repo::signature_png(conn, &ticket.id)?.ok_or_else(|| AppError::not_found(Thing::Record))
    })
    .await
}

/// A mismatch report carries a photo of the fault as found: refused without one.
pub fn require_fault_photo(conn: &mut AnyConnection, ticket_id: &str) -> Result<(), AppError> {
    if repo::has_kind(conn, ticket_id, PhotoKind::FaultOnArrival.as_str())? {
        Ok(())
    } else {
        Err(AppError::msg(
            ErrorCode::FaultPhotoRequired,
            "phone-fault-photo-required",
            &[],
        ))
    }
}

/// How the customer confirmed the repair: their signature (PNG), or why they could not sign.
#[derive(Debug, Clone)]
pub enum Confirmation {
    Signed(Vec<u8>),
    Absent(String),
}

/// Reads the resolve request's signature (a PNG, as a `data:image/png;base64,` URL or plain
/// base64) or the reason the customer is not there. Field errors name `signature` or
/// `customer_absent_reason`.
pub fn confirmation(
    signature: Option<&str>,
    absent_reason: Option<&str>,
) -> Result<Confirmation, AppError> {
    use base64::Engine;
    let signature = signature.map(str::trim).filter(|s| !s.is_empty());
    let absent = absent_reason.map(str::trim).filter(|s| !s.is_empty());
    match (signature, absent) {
        (Some(data), _) => {
            let b64 = data.strip_prefix("data:image/png;base64,").unwrap_or(data);
            // Base64 is 4/3 of the bytes: refuse a long text before decoding it.
            if b64.len() > MAX_SIGNATURE_BYTES / 3 * 4 + 4 {
                return Err(AppError::field(
                    "signature",
                    Msg::with(
                        "phone-signature-too-large",
                        &[("max_kib", (MAX_SIGNATURE_BYTES / 1024).into())],
                    ),
                ));
            }
            let png = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .ok()
                .filter(|b| ImageType::sniff(b) == Some(ImageType::Png))
                .ok_or_else(|| AppError::field("signature", Msg::new("phone-signature-not-png")))?;
            Ok(Confirmation::Signed(png))
        }
        (None, Some(reason)) => crate::domain::text::NonEmptyText::parse_line(
            reason,
            crate::domain::photo::MAX_ABSENT_REASON_CHARS,
        )
        .map(|r| Confirmation::Absent(r.into_string()))
        .map_err(|e| AppError::field("customer_absent_reason", e.msg())),
        (None, None) => Err(AppError::field(
            "signature",
            Msg::new("phone-signature-required"),
        )),
    }
}

/// Stores the resolution with the ticket, in the resolve transaction.
pub fn record_resolution(
    conn: &mut AnyConnection,
    actor: &Identity,
    ticket_id: &str,
    work_done: &str,
    confirmed: &Confirmation,
) -> Result<(), AppError> {
    let (png, absent) = match confirmed {
        Confirmation::Signed(png) => (Some(png.as_slice()), None),
        Confirmation::Absent(reason) => (None, Some(reason.as_str())),
    };
    repo::insert_signature(
        conn,
        &repo::NewSignature {
            ticket_id,
            work_done,
            png,
            absent_reason: absent,
            taken_by: &actor.name,
            created_at: crate::repo::now(),
        },
    )
}
