//! What must be sent, recorded in the outbox in the same transaction as the change; delivery is the outbox worker's job.

use crate::db::AnyConnection;
use crate::domain::phone::PhoneNumber;
use crate::error::AppError;
use crate::repo::outbox::{self, NewMessage};
use crate::repo::staff::{self, Technician};
use crate::repo::tickets::TicketRecord;

/// SMS can only reach mobiles; a landline caller gets no text.
fn sms_recipient(phone: &str) -> Option<String> {
    PhoneNumber::parse(phone)
        .ok()
        .filter(PhoneNumber::is_mobile)
        .map(|p| p.as_str().to_owned())
}

/// Tells every staff member of the ticket's dealer holding `role`.
pub fn staff(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    role: &str,
    template: &str,
    text: &str,
) -> Result<(), AppError> {
    for c in staff::contacts_with_role(conn, &ticket.dealer_id, role)? {
        if let Some(phone) = sms_recipient(&c.phone) {
            outbox::enqueue(
                conn,
                NewMessage {
                    channel: "sms",
                    recipient: &phone,
                    locale: &c.locale,
                    template,
                    subject: "",
                    body_text: text,
                    body_html: None,
                    params: &serde_json::Value::Null,
                    ticket_id: Some(&ticket.id),
                },
            )?;
        }
    }
    Ok(())
}

/// Tells a technician the way they asked to be told (SMS or e-mail).
pub fn technician(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    t: &Technician,
    template: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    let (channel, recipient) = match t.notify_via.as_str() {
        "email" if !t.email.is_empty() => ("email", t.email.clone()),
        _ => match sms_recipient(&t.phone) {
            Some(p) => ("sms", p),
            None => return Ok(()),
        },
    };
    outbox::enqueue(
        conn,
        NewMessage {
            channel,
            recipient: &recipient,
            locale: "zh-CN",
            template,
            subject,
            body_text: text,
            body_html: None,
            params: &serde_json::Value::Null,
            ticket_id: Some(&ticket.id),
        },
    )
    .map(|_| ())
}

/// Texts the customer who called, when they called from a mobile.
pub fn customer(
    conn: &mut AnyConnection,
    ticket: &TicketRecord,
    template: &str,
    text: &str,
) -> Result<(), AppError> {
    if let Some(phone) = sms_recipient(&ticket.phone) {
        outbox::enqueue(
            conn,
            NewMessage {
                channel: "sms",
                recipient: &phone,
                locale: "zh-CN",
                template,
                subject: "",
                body_text: text,
                body_html: None,
                params: &serde_json::Value::Null,
                ticket_id: Some(&ticket.id),
            },
        )?;
    }
    Ok(())
}
