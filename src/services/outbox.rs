//! Reading the outbox (the built-in viewer) and retrying dead messages by hand.

use serde::{Deserialize, Serialize};

use crate::auth::links::{hide_codes, hide_decision_codes};
use crate::auth::Identity;
use crate::db::Db;
use crate::domain::ids::MessageId;
use crate::domain::role::{Action, Role};
use crate::error::{AppError, ErrorCode, FieldErrors, Thing};
use crate::i18n::Msg;
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::outbox::{self, MessageRecord};
use crate::services::views;

/// Where a message is on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    Pending,
    Sending,
    Sent,
    Dead,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 4] = [Self::Pending, Self::Sending, Self::Sent, Self::Dead];

    /// The code in the `outbox.status` column and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// How a message goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageChannel {
    Sms,
    Email,
}

impl MessageChannel {
    pub const ALL: [MessageChannel; 2] = [Self::Sms, Self::Email];

    /// The code in the `outbox.channel` column and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// An unknown status filter: the message names the four there are.
pub const STATUS_MESSAGE: &str = "svc-outbox-status-invalid";
/// An unknown channel filter: the message names the two there are.
pub const CHANNEL_MESSAGE: &str = "svc-outbox-channel-invalid";

/// The outbox filters (API and page alike); a name outside the set is a field error from the
/// extractor, an empty one no filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    #[serde(default, deserialize_with = "status_filter")]
    #[param(inline)]
    pub status: Option<MessageStatus>,
    #[serde(default, deserialize_with = "channel_filter")]
    #[param(inline)]
    pub channel: Option<MessageChannel>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

impl OutboxQuery {
    /// The status filter's code, empty for none (the page's form and links).
    pub fn status_code(&self) -> &'static str {
        self.status.map_or("", MessageStatus::as_str)
    }

    /// The channel filter's code, empty for none.
    pub fn channel_code(&self) -> &'static str {
        self.channel.map_or("", MessageChannel::as_str)
    }
}

fn status_filter<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<MessageStatus>, D::Error> {
    crate::services::request::optional_name_for(d, MessageStatus::parse, STATUS_MESSAGE)
}

fn channel_filter<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<MessageChannel>, D::Error> {
    crate::services::request::optional_name_for(d, MessageChannel::parse, CHANNEL_MESSAGE)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxPage {
    pub items: Vec<MessageView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    #[serde(flatten)]
    pub message: views::MessageRecord,
    /// SMS length: encoding and parts (UCS-2 70/67, GSM 160/153).
    pub sms_parts: Option<usize>,
    /// True when the job and status link codes in the texts are hidden from this reader.
    pub links_hidden: bool,
}

/// The channels whose messages end in the built-in viewer because no provider is configured
/// (the demo). Only there is the viewer the message's destination, so only there may a reader
/// see a working link code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ViewerChannels {
    pub sms: bool,
    pub email: bool,
}

impl ViewerChannels {
    pub fn from_settings(s: &crate::config::Settings) -> ViewerChannels {
        ViewerChannels {
            sms: s.sms.provider == crate::config::SmsProviderKind::None,
            email: s.email.transport == crate::config::EmailTransportKind::None,
        }
    }

    /// Links are capabilities: a job link departs a crew, a status link shows the customer's
    /// rescue. Staff see that one was sent, to whom and when; the working code only an admin or
    /// service manager reading the demo's viewer, where the viewer is the recipient.
    pub fn may_read_links(self, actor: &Identity, channel: &str) -> bool {
        let to_viewer = match channel {
            "sms" => self.sms,
            "email" => self.email,
            _ => false,
        };
        to_viewer
            && actor
                .roles
                .iter()
                .any(|r| matches!(r, Role::Admin | Role::ServiceManager))
    }
}

/// How a text's link codes are hidden from this reader, if at all.
type Hider = fn(&str) -> std::borrow::Cow<'_, str>;

impl ViewerChannels {
    /// What of a message's links this reader may not follow: every code unless
    /// [`may_read_links`](Self::may_read_links); in the viewer still the decision links' codes,
    /// but for an admin, since a decision link stands in for its holder's sign-in.
    fn hider(self, actor: &Identity, channel: &str) -> Option<Hider> {
        if !self.may_read_links(actor, channel) {
            Some(hide_codes)
        } else if !actor.roles.contains(&Role::Admin) {
            Some(hide_decision_codes)
        } else {
            None
        }
    }
}

/// Hides the link codes of a message unless this reader may see them.
pub fn for_reader(actor: &Identity, viewer: ViewerChannels, mut m: MessageRecord) -> MessageView {
    let links_hidden = !viewer.may_read_links(actor, &m.channel);
    if let Some(hide) = viewer.hider(actor, &m.channel) {
        let hide = |t: &str| hide(t).into_owned();
        m.subject = hide(&m.subject);
        m.body_text = hide(&m.body_text);
        m.body_html = m.body_html.as_deref().map(hide);
        m.params = hide(&m.params);
    }
    MessageView {
        sms_parts: (m.channel == "sms")
            .then(|| crate::notify::segments::segments(&m.body_text).parts),
        message: m.into(),
        links_hidden,
    }
}

pub async fn list(
    db: &Db,
    actor: &Identity,
    viewer: ViewerChannels,
    q: OutboxQuery,
) -> Result<OutboxPage, AppError> {
    actor.require(Action::ViewOutbox)?;
    let mut fields = FieldErrors::new();
    let (status, channel) = (q.status, q.channel);
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    if page < 1 {
        fields.insert("page".into(), Msg::new("svc-page-from-one"));
    }
    if !(1..=200).contains(&per_page) {
        fields.insert(
            "per_page".into(),
            Msg::with("svc-per-page-range", &[("max", 200.into())]),
        );
    }
    if !fields.is_empty() {
        return Err(AppError::validation(fields));
    }
    let dealer = actor.dealer_id.clone();
    let reader = actor.clone();
    db.read(move |conn| {
        let (rows, total) = outbox::list(
            conn,
            &dealer,
            status.map(MessageStatus::as_str),
            channel.map(MessageChannel::as_str),
            (page - 1).saturating_mul(per_page),
            per_page,
        )?;
        Ok(OutboxPage {
            items: rows
                .into_iter()
                .map(|m| for_reader(&reader, viewer, m))
                .collect(),
            total,
            page,
            per_page,
        })
    })
    .await
}

/// A dead message goes back to the queue with fresh attempts.
pub async fn retry(db: &Db, actor: &Identity, id: MessageId) -> Result<(), AppError> {
    actor.require(Action::RetryMessages)?;
    let actor = actor.clone();
    db.write(move |conn| {
        let m = outbox::get_for_dealer(conn, &actor.dealer_id, &id)?.ok_or_else(|| AppError::not_found(Thing::Message))?;
        if !outbox::retry_dead(conn, &m.id)? {
            return Err(AppError::msg(
                ErrorCode::InvalidTransition,
                "svc-outbox-retry-not-dead",
                &[("status", m.status.to_string().into())],
            ));
        }
        audit::append(conn, NewAuditEvent {
            dealer_id: Some(&actor.dealer_id),
            ticket_id: m.ticket_id.as_deref(),
            entity: "outbox",
            entity_id: &m.id,
            action: "message.retried",
            actor_id: actor.audit_actor(),
            data: Some(serde_json::json!({ "channel": m.channel, "template": m.template, "last_error": m.last_error })),
            ..Default::default()
        })?;
        tracing::info!(message = %m.id, user = %actor.login, "dead message queued again");
        Ok(())
    })
    .await
}
