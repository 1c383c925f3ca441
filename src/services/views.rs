//! What the API and the pages show of the database's rows: each view is its row's public fields
//! (the JSON and the OpenAPI schema names as before), so a column added to a table is not on the
//! wire until a view says so. Rows in `repo` derive neither `Serialize` nor `ToSchema`.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::domain::approval::{ApprovalStep, Decision};
use crate::domain::sourcing::{ShippingMode, SourcingKind};
use crate::domain::sourcing_order::{Destination, OrderState, OrderStatus};
use crate::domain::system_text;
use crate::i18n::Locale;
use crate::repo::{approvals, locations, outbox, sourcing_orders, staff, vehicles};

/// Rows into their views, in order.
pub fn into_views<R, V: From<R>>(rows: Vec<R>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}

/// Views carrying texts the system stores as codes (`domain::system_text`: a hold or cancel
/// reason, a timeline note, why approvals were voided). A view holds the stored value, and next to
/// each such field its `…_code` (the system text's stable code, `null` for a person's words);
/// the API draws the text in the client's language before answering (`api::language::Reader`),
/// pages draw it themselves with `system_text::render`.
pub trait Localise {
    fn localise(&mut self, locale: Locale);

    /// The view with its stored texts in `locale`.
    fn localised(mut self, locale: Locale) -> Self
    where
        Self: Sized,
    {
        self.localise(locale);
        self
    }
}

impl<T: Localise> Localise for Vec<T> {
    fn localise(&mut self, locale: Locale) {
        self.iter_mut().for_each(|v| v.localise(locale));
    }
}

impl<T: Localise> Localise for Option<T> {
    fn localise(&mut self, locale: Locale) {
        if let Some(v) = self {
            v.localise(locale);
        }
    }
}

/// A stored text drawn in place (a system text in `locale`, a person's words as typed), with
/// the same renderer the pages use.
pub fn draw(text: &mut Option<String>, locale: Locale) {
    if let Some(t) = text {
        *t = system_text::render(t, locale);
    }
}

/// The stable code of a stored text, for its `…_code` field.
pub fn code_of(text: &Option<String>) -> Option<String> {
    text.as_deref().and_then(system_text::code)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Technician {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub notify_via: String,
    pub grade: String,
}

impl From<staff::Technician> for Technician {
    fn from(r: staff::Technician) -> Technician {
        Technician {
            id: r.id,
            name: r.name,
            phone: r.phone,
            email: r.email,
            notify_via: r.notify_via,
            grade: r.grade,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tool {
    pub id: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i32,
}

impl From<staff::Tool> for Tool {
    fn from(r: staff::Tool) -> Tool {
        Tool {
            id: r.id,
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            quantity: r.quantity,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Part {
    pub id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    pub price_fen: i64,
    pub dangerous_goods: bool,
    pub un_number: Option<String>,
    pub monitored: bool,
    pub weight_g: i32,
}

impl From<staff::Part> for Part {
    fn from(r: staff::Part) -> Part {
        Part {
            id: r.id,
            part_no: r.part_no,
            name_zh: r.name_zh,
            name_en: r.name_en,
            category: r.category,
            price_fen: r.price_fen,
            dangerous_goods: r.dangerous_goods,
            un_number: r.un_number,
            monitored: r.monitored,
            weight_g: r.weight_g,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApprovalRow {
    pub id: String,
    pub plan_version: i32,
    pub step: ApprovalStep,
    pub decision: Decision,
    pub actor_name: String,
    /// The reason as given, or what the system wrote (e.g. that the customer declined) in the
    /// language of `Accept-Language`.
    pub reason: Option<String>,
    /// The system text's stable code when the system wrote `reason` (`customer_declined`);
    /// null for a person's own words.
    pub reason_code: Option<String>,
    /// What the customer was told, exactly (consent only), as JSON text.
    pub told_values: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub voided_at: Option<NaiveDateTime>,
    /// Why the approval was voided, in the language of `Accept-Language`.
    pub void_reason: Option<String>,
    /// Its stable code, e.g. `superseded_by:3` (a newer plan version).
    pub void_reason_code: Option<String>,
}

impl Localise for ApprovalRow {
    fn localise(&mut self, locale: Locale) {
        draw(&mut self.reason, locale);
        draw(&mut self.void_reason, locale);
    }
}

impl From<approvals::ApprovalRow> for ApprovalRow {
    fn from(r: approvals::ApprovalRow) -> ApprovalRow {
        ApprovalRow {
            id: r.id,
            plan_version: r.plan_version,
            step: r.step,
            decision: r.decision,
            actor_name: r.actor_name,
            reason_code: code_of(&r.reason),
            reason: r.reason,
            told_values: r.told_values,
            created_at: r.created_at,
            voided_at: r.voided_at,
            void_reason_code: code_of(&r.void_reason),
            void_reason: r.void_reason,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssueRow {
    pub part_id: String,
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    /// Positive: handed out; negative: returned to stock.
    pub quantity: i32,
    pub issued_by: String,
    /// The technician who took the parts (the rescue lead, unless someone else came to the desk).
    pub received_by: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

impl From<approvals::IssueRow> for IssueRow {
    fn from(r: approvals::IssueRow) -> IssueRow {
        IssueRow {
            part_id: r.part_id,
            part_no: r.part_no,
            name_zh: r.name_zh,
            name_en: r.name_en,
            quantity: r.quantity,
            issued_by: r.issued_by,
            received_by: r.received_by,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharedLocation {
    /// WGS-84 (browsers report GPS coordinates).
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

impl From<locations::SharedLocation> for SharedLocation {
    fn from(r: locations::SharedLocation) -> SharedLocation {
        SharedLocation {
            lat: r.lat,
            lon: r.lon,
            accuracy_m: r.accuracy_m,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VehicleInfo {
    pub plate: String,
    pub vin: Option<String>,
    pub model: String,
    pub model_year: i32,
    pub mileage_km: i32,
    pub owner_name: String,
    pub owner_phone: String,
    pub home_dealer: String,
}

impl From<vehicles::VehicleInfo> for VehicleInfo {
    fn from(r: vehicles::VehicleInfo) -> VehicleInfo {
        VehicleInfo {
            plate: r.plate,
            vin: r.vin,
            model: r.model,
            model_year: r.model_year,
            mileage_km: r.mileage_km,
            owner_name: r.owner_name,
            owner_phone: r.owner_phone,
            home_dealer: r.home_dealer,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Visit {
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub visited_at: NaiveDateTime,
    pub dealer: String,
    pub mileage_km: i32,
    pub kind: String,
    pub summary: String,
    pub parts: Vec<ReplacedPart>,
}

impl From<vehicles::Visit> for Visit {
    fn from(r: vehicles::Visit) -> Visit {
        Visit {
            visited_at: r.visited_at,
            dealer: r.dealer,
            mileage_km: r.mileage_km,
            kind: r.kind,
            summary: r.summary,
            parts: r.parts.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReplacedPart {
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
}

impl From<vehicles::ReplacedPart> for ReplacedPart {
    fn from(r: vehicles::ReplacedPart) -> ReplacedPart {
        ReplacedPart {
            part_no: r.part_no,
            name: r.name,
            quantity: r.quantity,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageRecord {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub locale: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub params: String,
    pub ticket_id: Option<String>,
    pub status: String,
    pub attempts: i32,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub idempotency_key: String,
    pub provider_id: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

impl From<outbox::MessageRecord> for MessageRecord {
    fn from(r: outbox::MessageRecord) -> MessageRecord {
        MessageRecord {
            id: r.id,
            channel: r.channel,
            recipient: r.recipient,
            locale: r.locale,
            template: r.template,
            subject: r.subject,
            body_text: r.body_text,
            body_html: r.body_html,
            params: r.params,
            ticket_id: r.ticket_id,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            idempotency_key: r.idempotency_key,
            provider_id: r.provider_id,
            sent_at: r.sent_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageRow {
    pub channel: String,
    pub recipient: String,
    pub template: String,
    /// Link codes in it are hidden by the service before anyone reads it.
    pub body_text: String,
    pub status: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<NaiveDateTime>,
}

impl From<outbox::MessageRow> for MessageRow {
    fn from(r: outbox::MessageRow) -> MessageRow {
        MessageRow {
            channel: r.channel,
            recipient: r.recipient,
            template: r.template,
            body_text: r.body_text,
            status: r.status,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderRecord {
    pub id: String,
    pub ticket_id: String,
    pub plan_part_id: String,
    pub part_id: String,
    pub quantity: i32,
    /// `sister_transfer` or `manufacturer`.
    #[schema(value_type = String)]
    pub kind: SourcingKind,
    pub source_dealer_id: Option<String>,
    /// `drive`, `road`, `express` or `air`.
    #[schema(value_type = String)]
    pub mode: ShippingMode,
    pub status: OrderStatus,
    pub destination: Destination,
    pub cost_fen: i64,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub eta: Option<NaiveDateTime>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub reviewed_by: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_note: Option<String>,
    pub created_by: String,
    #[serde(serialize_with = "crate::time::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub placed_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub shipped_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub received_at: Option<NaiveDateTime>,
    pub received_by: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub consumed_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub cancelled_at: Option<NaiveDateTime>,
    /// The reason as given, or what the system wrote (the rescue ended, the revised plan no
    /// longer needs the part) in the language of `Accept-Language`.
    pub cancel_reason: Option<String>,
    /// The system text's stable code when the system cancelled (`rescue_over`,
    /// `no_longer_in_plan`); null for a person's own words.
    pub cancel_reason_code: Option<String>,
    /// Set while the order is on hold: the crew found another fault than the plan's, and the
    /// revised plan decides whether the part is still wanted. Nothing is placed or sent meanwhile.
    #[serde(serialize_with = "crate::time::utc_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub held_at: Option<NaiveDateTime>,
    /// Why the order is held, in the language of `Accept-Language`.
    pub hold_reason: Option<String>,
    /// Its stable code (`mismatch_hold`).
    pub hold_reason_code: Option<String>,
}

impl Localise for OrderRecord {
    fn localise(&mut self, locale: Locale) {
        draw(&mut self.cancel_reason, locale);
        draw(&mut self.hold_reason, locale);
    }
}

impl Localise for OrderView {
    fn localise(&mut self, locale: Locale) {
        self.order.localise(locale);
    }
}

impl Localise for OutgoingTransfer {
    fn localise(&mut self, locale: Locale) {
        self.order.localise(locale);
    }
}

impl From<sourcing_orders::OrderRecord> for OrderRecord {
    fn from(r: sourcing_orders::OrderRecord) -> OrderRecord {
        OrderRecord {
            id: r.id,
            ticket_id: r.ticket_id,
            plan_part_id: r.plan_part_id,
            part_id: r.part_id,
            quantity: r.quantity,
            kind: r.kind,
            source_dealer_id: r.source_dealer_id,
            mode: r.mode,
            status: r.status,
            destination: r.destination,
            cost_fen: r.cost_fen,
            eta: r.eta,
            carrier: r.carrier,
            tracking_no: r.tracking_no,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
            review_note: r.review_note,
            created_by: r.created_by,
            created_at: r.created_at,
            placed_at: r.placed_at,
            shipped_at: r.shipped_at,
            received_at: r.received_at,
            received_by: r.received_by,
            consumed_at: r.consumed_at,
            cancelled_at: r.cancelled_at,
            cancel_reason_code: code_of(&r.cancel_reason),
            cancel_reason: r.cancel_reason,
            held_at: r.held_at,
            hold_reason_code: code_of(&r.hold_reason),
            hold_reason: r.hold_reason,
        }
    }
}

/// An order with the names a page shows next to it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    #[serde(flatten)]
    pub order: OrderRecord,
    pub part_no: String,
    pub part_name_zh: String,
    /// The English name; empty where the catalogue gives none.
    pub part_name_en: String,
    pub dangerous_goods: bool,
    pub monitored: bool,
    /// The sister dealer's name, or empty for a manufacturer order.
    pub source_name: String,
}

impl OrderRecord {
    /// On hold until the revised plan decides (as `repo::sourcing_orders::OrderRecord::held`).
    pub fn held(&self) -> bool {
        self.held_at.is_some()
    }

    /// What the order rules act on.
    pub fn state(&self) -> OrderState {
        OrderState::new(self.status, self.held())
    }
}

impl From<sourcing_orders::OrderView> for OrderView {
    fn from(r: sourcing_orders::OrderView) -> OrderView {
        OrderView {
            order: r.order.into(),
            part_no: r.part_no,
            part_name_zh: r.part_name_zh,
            part_name_en: r.part_name_en,
            dangerous_goods: r.dangerous_goods,
            monitored: r.monitored,
            source_name: r.source_name,
        }
    }
}

/// A placed sister transfer another dealer asked this dealer to send.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutgoingTransfer {
    #[serde(flatten)]
    pub order: OrderRecord,
    pub part_no: String,
    pub part_name_zh: String,
    /// The English name; empty where the catalogue gives none.
    pub part_name_en: String,
    pub dangerous_goods: bool,
    /// The requesting ticket's number, to write on the parcel.
    pub ticket_number: String,
    /// The dealer the part goes to (or whose rescue site it goes to).
    pub to_dealer: String,
    pub to_address: String,
}

impl From<sourcing_orders::OutgoingTransfer> for OutgoingTransfer {
    fn from(r: sourcing_orders::OutgoingTransfer) -> OutgoingTransfer {
        OutgoingTransfer {
            order: r.order.into(),
            part_no: r.part_no,
            part_name_zh: r.part_name_zh,
            part_name_en: r.part_name_en,
            dangerous_goods: r.dangerous_goods,
            ticket_number: r.ticket_number,
            to_dealer: r.to_dealer,
            to_address: r.to_address,
        }
    }
}
