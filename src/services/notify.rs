//! What must be told to whom, rendered from the message templates in each recipient's language and
//! recorded in the outbox in the same transaction as the change; delivery is the outbox worker's job.

use chrono::{Duration, NaiveDateTime};

use crate::auth::links::{new_claims, new_decide_claims, Claims, LinkSigner, Scope};
use crate::db::AnyConnection;
use crate::domain::phone::PhoneNumber;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::notify::templates::{render, Message};
use crate::repo::outbox::{self, NewMessage};
use crate::repo::staff::{self, Contact, Technician};
use crate::repo::tickets::TicketRecord;

/// Everything needed to write links and local times into messages.
#[derive(Clone)]
pub struct Notifier {
    pub signer: LinkSigner,
    pub public_url: String,
    pub technician_hours: u32,
    pub customer_hours: u32,
    /// How long a decision link works, in minutes.
    pub decide_minutes: u32,
    pub utc_offset_hours: i32,
}

impl Notifier {
    fn now_unix() -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn link(
        &self,
        conn: &mut AnyConnection,
        ticket_id: &str,
        person: &str,
        scope: Scope,
        hours: u32,
    ) -> Result<String, AppError> {
        let claims = new_claims(ticket_id, person, scope, hours, Self::now_unix());
        self.store(conn, &claims)
    }

    /// Signs and stores the claims; the URL that opens them.
    fn store(&self, conn: &mut AnyConnection, claims: &Claims) -> Result<String, AppError> {
        let code = self.signer.code(claims);
        crate::repo::links::insert(conn, &code, claims)?;
        Ok(format!(
            "{}/{}/{code}",
            self.public_url,
            claims.scope.path()
        ))
    }

    /// A manager's or director's one-tap page for the step that waits on them, for this plan
    /// version only, valid for `decide_minutes`.
    pub fn decide_link(
        &self,
        conn: &mut AnyConnection,
        ticket_id: &str,
        user_id: &str,
        plan_version: i32,
    ) -> Result<String, AppError> {
        let claims = new_decide_claims(
            ticket_id,
            user_id,
            plan_version,
            self.decide_minutes,
            Self::now_unix(),
        );
        self.store(conn, &claims)
    }

    /// A technician's passwordless job page.
    pub fn job_link(
        &self,
        conn: &mut AnyConnection,
        ticket_id: &str,
        technician_id: &str,
    ) -> Result<String, AppError> {
        self.link(
            conn,
            ticket_id,
            technician_id,
            Scope::Job,
            self.technician_hours,
        )
    }

    /// The customer's status page.
    pub fn status_link(
        &self,
        conn: &mut AnyConnection,
        ticket_id: &str,
    ) -> Result<String, AppError> {
        self.link(
            conn,
            ticket_id,
            "customer",
            Scope::Status,
            self.customer_hours,
        )
    }

    pub fn ticket_link(&self, ticket_id: &str) -> String {
        format!("{}/tickets/{ticket_id}", self.public_url)
    }

    /// The staff page of a complaint (sign-in required).
    pub fn complaint_link(&self, complaint_id: &str) -> String {
        format!("{}/complaints/{complaint_id}", self.public_url)
    }

    /// Wall-clock time of the dealer, as people say it.
    pub fn local(&self, t: NaiveDateTime) -> String {
        (t + Duration::hours(i64::from(self.utc_offset_hours)))
            .format("%m-%d %H:%M")
            .to_string()
    }
}

/// SMS can only reach mobiles; a landline caller gets no text.
fn sms_recipient(phone: &str) -> Option<String> {
    PhoneNumber::parse(phone)
        .ok()
        .filter(PhoneNumber::is_mobile)
        .map(|p| p.as_str().to_owned())
}

fn locale_of(tag: &str) -> Locale {
    Locale::parse(tag).unwrap_or(Locale::ZhCn)
}

fn enqueue(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    channel: &str,
    recipient: &str,
    locale: Locale,
    msg: &Message,
) -> Result<(), AppError> {
    let r = render(msg, locale);
    let (body, html) = match channel {
        "sms" => (r.sms_text.as_str(), None),
        _ => (r.text.as_str(), Some(r.html.as_str())),
    };
    outbox::enqueue(
        conn,
        NewMessage {
            channel,
            recipient,
            locale: locale.tag(),
            template: r.template,
            subject: &r.subject,
            body_text: body,
            body_html: html,
            params: &r.sms_params,
            ticket_id: Some(&ticket.id),
        },
    )
    .map(|_| ())
}

/// Tells the staff of the ticket's dealer holding `role` who are on duty now (all of them when
/// none is), by SMS, in their language.
pub fn staff(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    role: &str,
    msg: &Message,
) -> Result<(), AppError> {
    staff_at(conn, ticket, &ticket.dealer_id, role, msg)
}

/// Like [`staff`], for another dealer of the group (a sister dealer asked to send a part).
pub fn staff_at(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    dealer_id: &str,
    role: &str,
    msg: &Message,
) -> Result<(), AppError> {
    let contacts = on_duty_with_role(conn, dealer_id, role)?;
    people(conn, ticket, &contacts, msg).map(|_| ())
}

/// The dealer's staff holding `role` whom the duty rota lets be told now (on duty, on call, or
/// not on the rota); when none is, all of them: a message to a role always reaches someone.
fn on_duty_with_role(
    conn: &mut AnyConnection,
    dealer_id: &str,
    role: &str,
) -> Result<Vec<Contact>, AppError> {
    match crate::domain::role::Role::parse(role) {
        Some(r) => {
            crate::services::rota::reachable_staff(conn, dealer_id, &[r], &[r], crate::repo::now())
        }
        None => staff::contacts_with_role(conn, dealer_id, role),
    }
}

/// Tells every staff member of the ticket's dealer holding `role` by SMS, in their language, each
/// with a message of their own (`message` writes it: a link only that person may use).
pub fn staff_each(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    role: &str,
    mut message: impl FnMut(&mut AnyConnection, &Contact) -> Result<Message, AppError>,
) -> Result<(), AppError> {
    for c in on_duty_with_role(conn, &ticket.dealer_id, role)? {
        if let Some(phone) = sms_recipient(&c.phone) {
            let msg = message(conn, &c)?;
            enqueue(conn, ticket, "sms", &phone, locale_of(&c.locale), &msg)?;
        }
    }
    Ok(())
}

/// Tells each of these staff members by SMS, in their language; a number listed twice (one
/// person holding two of the roles asked for) is texted once.
pub fn people(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    contacts: &[Contact],
    msg: &Message,
) -> Result<usize, AppError> {
    let mut sent: Vec<String> = Vec::new();
    for c in contacts {
        if let Some(phone) = sms_recipient(&c.phone) {
            if sent.contains(&phone) {
                continue;
            }
            enqueue(conn, ticket, "sms", &phone, locale_of(&c.locale), msg)?;
            sent.push(phone);
        }
    }
    Ok(sent.len())
}

/// Tells a technician the way they asked to be told (SMS or e-mail).
pub fn technician(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    t: &Technician,
    msg: &Message,
) -> Result<(), AppError> {
    match t.notify_via.as_str() {
        "email" if !t.email.is_empty() => {
            enqueue(conn, ticket, "email", &t.email, Locale::ZhCn, msg)
        }
        _ => match sms_recipient(&t.phone) {
            Some(p) => enqueue(conn, ticket, "sms", &p, Locale::ZhCn, msg),
            None => {
                tracing::warn!(technician = %t.id, "no mobile number to send the dispatch to");
                Ok(())
            }
        },
    }
}

/// Texts the customer who called, when they called from a mobile.
pub fn customer(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    msg: &Message,
) -> Result<(), AppError> {
    match sms_recipient(&ticket.phone) {
        Some(phone) => enqueue(conn, ticket, "sms", &phone, Locale::ZhCn, msg),
        None => Ok(()),
    }
}
