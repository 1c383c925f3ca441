//! Every SMS and e-mail, rendered in the recipient's locale from the catalogue
//! (`locales/<lang>/messages.ftl`, keys `msg-<template>-<part>`).
//!
//! Each message is composed once as a short list of blocks; the plain text and
//! the HTML part of an e-mail are two renderings of those blocks, so they never
//! drift apart, and the HTML rendering is the one place where values are
//! escaped. SMS texts are written separately: short, nothing escaped.

use fluent_templates::fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::location::{Coordinates, Crs};
use crate::domain::promise::Stage;
use crate::domain::response_level::ResponseLevel;
use crate::i18n::Locale;

/// Prefix of every free-text SMS (Aliyun adds its approved signature itself).
const SMS_PREFIX: &str = "【RescueDesk】";

/// Everything RescueDesk tells people, with the values each text needs.
///
/// Times and money arrive already formatted for the recipient (local time,
/// yuan with two decimals); coordinates are WGS-84 degrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// To each technician of the crew once the director has approved the plan.
    TechnicianDispatch {
        number: String,
        customer_name: String,
        customer_phone: String,
        address: String,
        /// WGS-84 latitude of the breakdown site.
        lat: f64,
        /// WGS-84 longitude of the breakdown site.
        lon: f64,
        /// The system the caller's coordinates came in: `gcj02` (a Chinese map app) or `wgs84`.
        /// GCJ-02 callers get an Amap link, everyone else OpenStreetMap.
        source_crs: String,
        fault: String,
        items: Vec<String>,
        tools: Vec<String>,
        parts: Vec<String>,
        expected_arrival: Option<String>,
        job_link: String,
    },
    CustomerCrewDeparted {
        customer_name: String,
        lead_name: String,
        lead_phone: String,
        expected_arrival: String,
        status_link: String,
    },
    CustomerPartsDelay {
        customer_name: String,
        part_name: String,
        new_eta: String,
        /// Dangerous goods may not fly: the customer is told why the part is slow.
        dangerous_goods: bool,
        status_link: String,
    },
    CustomerResolved {
        customer_name: String,
        plate: String,
        status_link: String,
    },
    CustomerLocationRequest {
        customer_name: String,
        link: String,
    },
    /// To a customer whose open ticket's site lies in an area just suspended (weather): no crew
    /// goes there from `from` until `until` (local times).
    CustomerSuspension {
        customer_name: String,
        number: String,
        /// The suspension's words for customers (`受台风影响`); `None`: the catalogue's own.
        words: Option<String>,
        from: String,
        until: String,
    },
    /// To the same customers when the suspension is lifted early: the rescue goes on.
    CustomerSuspensionLifted {
        customer_name: String,
        number: String,
    },
    /// To the service manager: a submitted plan waits for review.
    StaffPlanReview {
        number: String,
        version: String,
        total_yuan: String,
        link: String,
    },
    /// To the service manager: phone the customer and record consent.
    StaffConsentCall {
        number: String,
        link: String,
    },
    /// To the service director: a plan with the customer's consent waits for approval.
    StaffApproval {
        number: String,
        version: String,
        total_yuan: String,
        link: String,
    },
    /// To the workshop lead: the service manager sent the plan back.
    StaffPlanReturned {
        number: String,
        reason: String,
        link: String,
    },
    /// To the workshop lead: the service director rejected the plan.
    StaffPlanRejected {
        number: String,
        reason: String,
        link: String,
    },
    /// To the parts desk: an approved plan's parts are to be issued.
    StaffPartsToIssue {
        number: String,
        version: String,
        link: String,
    },
    /// To the parts manager and the director: a monitored part waits for its VIN and owner check.
    StaffPartReview {
        number: String,
        part: String,
        link: String,
    },
    /// To a sister dealer's parts desk: a transfer was placed with them; send it.
    StaffTransferToSend {
        number: String,
        part: String,
        /// The requesting dealer.
        to: String,
        /// The rescue site's address when the part goes straight there, not to the dealer.
        #[serde(default)]
        site: Option<String>,
        link: String,
    },
    /// To workshop lead, service manager and director: the fault on site is not the planned one.
    StaffMismatch {
        number: String,
        found: String,
        link: String,
    },
    /// To the parts desk and parts manager (and a sister dealer asked to send one): after a fault
    /// mismatch the orders for the old plan are held until the revised plan decides.
    StaffOrdersHeld {
        number: String,
        /// The held orders, e.g. `5G0 880 201 K 驾驶员安全气囊 ×1`, joined with 、.
        parts: String,
        found: String,
        link: String,
    },
    /// To the people the response level names (`[sla] levelN_warning_notify`): the rescue's
    /// next promise nears its deadline.
    StaffPromiseWarning {
        number: String,
        level: ResponseLevel,
        stage: Stage,
        /// The deadline, local time.
        deadline: String,
        minutes_left: i64,
        link: String,
    },
    /// To the people the response level names (`[sla] levelN_breach_notify`): the promise is
    /// broken and the customer still waits.
    StaffPromiseBreached {
        number: String,
        level: ResponseLevel,
        stage: Stage,
        /// The deadline, local time.
        deadline: String,
        minutes_late: i64,
        link: String,
    },
    /// To the dealer's service director (`[follow_up] complaint_escalate_hours`): a customer's
    /// complaint has stayed open too long.
    StaffComplaintOverdue {
        number: String,
        customer_name: String,
        summary: String,
        hours_open: i64,
        link: String,
    },
}

impl Message {
    /// Stable name of the message, used as the outbox `template` and to pick an
    /// Aliyun template code (`[sms_templates]`; staff names it does not know map to `staff_notice`).
    pub fn template(&self) -> &'static str {
        match self {
            Message::TechnicianDispatch { .. } => "technician_dispatch",
            Message::CustomerCrewDeparted { .. } => "customer_crew_departed",
            Message::CustomerPartsDelay { .. } => "customer_parts_delay",
            Message::CustomerResolved { .. } => "customer_resolved",
            Message::CustomerLocationRequest { .. } => "customer_location_request",
            Message::CustomerSuspension { .. } => "customer_suspension",
            Message::CustomerSuspensionLifted { .. } => "customer_suspension_lifted",
            Message::StaffPlanReview { .. } => "plan_review",
            Message::StaffConsentCall { .. } => "consent_call",
            Message::StaffApproval { .. } => "plan_approval",
            Message::StaffPlanReturned { .. } => "plan_returned",
            Message::StaffPlanRejected { .. } => "plan_rejected",
            Message::StaffPartsToIssue { .. } => "parts_to_issue",
            Message::StaffPartReview { .. } => "part_review",
            Message::StaffTransferToSend { .. } => "transfer_to_send",
            Message::StaffMismatch { .. } => "fault_mismatch",
            Message::StaffOrdersHeld { .. } => "orders_held",
            Message::StaffPromiseWarning { .. } => "promise_warning",
            Message::StaffPromiseBreached { .. } => "promise_breached",
            Message::StaffComplaintOverdue { .. } => "complaint_overdue",
        }
    }
}

/// One message in one language, ready for every channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Stable name, see [`Message::template`].
    pub template: &'static str,
    pub subject: String,
    /// Plain-text e-mail part.
    pub text: String,
    /// HTML e-mail part; every value in it is escaped.
    pub html: String,
    /// Free-text SMS, starting with 【RescueDesk】.
    pub sms_text: String,
    /// The variables an Aliyun SMS template needs, as a JSON object of strings.
    /// Staff messages all carry `number`, `detail` and `link`, enough for a generic `staff_notice` template.
    pub sms_params: Value,
}

/// One argument of a catalogue message: every value arrives as the recipient's text.
fn arg(name: &'static str, value: &str) -> (&'static str, FluentValue<'static>) {
    (name, FluentValue::from(value.to_owned()))
}

/// A number argument, so the catalogue can choose the plural (`1 minute`, `5 minutes`).
fn num(name: &'static str, value: i64) -> (&'static str, FluentValue<'static>) {
    (name, FluentValue::from(value))
}

/// Renders `msg` in `locale`.
pub fn render(msg: &Message, locale: Locale) -> Rendered {
    let l = locale;
    let (mail, sms_text, sms_params) = match msg {
        Message::TechnicianDispatch {
            number,
            customer_name,
            customer_phone,
            address,
            lat,
            lon,
            source_crs,
            fault,
            items,
            tools,
            parts,
            expected_arrival,
            job_link,
        } => {
            let map = map_link(*lat, *lon, source_crs);
            let mut fields = vec![
                (l.t("msg-common-ticket"), number.clone()),
                (
                    l.t("msg-technician-dispatch-customer"),
                    customer_name.clone(),
                ),
                (l.t("msg-common-phone"), customer_phone.clone()),
                (l.t("msg-technician-dispatch-location"), address.clone()),
                (l.t("msg-technician-dispatch-fault"), fault.clone()),
            ];
            if let Some(time) = expected_arrival {
                fields.push((l.t("msg-common-expected-arrival"), time.clone()));
            }
            let mut blocks = vec![
                Block::Para(l.t("msg-technician-dispatch-intro")),
                Block::Fields(fields),
            ];
            if let Some(map) = &map {
                blocks.push(Block::Link {
                    label: map.label(l),
                    url: map.url.clone(),
                });
            }
            blocks.extend([
                Block::List {
                    title: l.t("msg-technician-dispatch-items"),
                    items: items.clone(),
                },
                Block::List {
                    title: l.t("msg-technician-dispatch-tools"),
                    items: tools.clone(),
                },
                Block::List {
                    title: l.t("msg-technician-dispatch-parts"),
                    items: parts.clone(),
                },
                Block::Link {
                    label: l.t("msg-technician-dispatch-open-job"),
                    url: job_link.clone(),
                },
            ]);
            let mail = Mail {
                subject: l.t_with(
                    "msg-technician-dispatch-subject",
                    &[arg("number", number), arg("address", address)],
                ),
                greeting: l.t("msg-common-hello"),
                blocks,
            };
            let none = l.t("msg-common-none");
            let separator = l.t("msg-common-list-separator");
            let list = |v: &[String]| {
                if v.is_empty() {
                    none.clone()
                } else {
                    v.join(&separator)
                }
            };
            let map_part = map
                .as_ref()
                .map(|m| l.t_with("msg-technician-dispatch-sms-map", &[arg("url", &m.url)]))
                .unwrap_or_default();
            let time = expected_arrival
                .clone()
                .unwrap_or_else(|| l.t("msg-technician-dispatch-asap"));
            let when = match expected_arrival {
                Some(time) => {
                    l.t_with("msg-technician-dispatch-sms-expected", &[arg("time", time)])
                }
                None => l.t("msg-technician-dispatch-sms-set-off-now"),
            };
            let sms = format!(
                "{SMS_PREFIX}{}",
                l.t_with(
                    "msg-technician-dispatch-sms",
                    &[
                        arg("number", number),
                        arg("customer_name", customer_name),
                        arg("customer_phone", customer_phone),
                        arg("address", address),
                        // The SMS ends the fault with its own full stop: one typed by the
                        // caller would double it ("。。").
                        arg("fault", end_of_sentence_trimmed(fault)),
                        arg("when", &when),
                        arg("items", &list(items)),
                        arg("tools", &list(tools)),
                        arg("parts", &list(parts)),
                        arg("map", &map_part),
                        arg("job_link", job_link),
                    ],
                )
            );
            let params = json!({
                "number": number,
                "name": customer_name,
                "phone": customer_phone,
                "address": address,
                "fault": fault,
                "time": time,
                "map": map.map(|m| m.url).unwrap_or_default(),
                "link": job_link,
            });
            (mail, sms, params)
        }

        Message::CustomerCrewDeparted {
            customer_name,
            lead_name,
            lead_phone,
            expected_arrival,
            status_link,
        } => {
            let eta = [arg("expected_arrival", expected_arrival)];
            let mail = Mail {
                subject: l.t_with("msg-customer-crew-departed-subject", &eta),
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(l.t_with("msg-customer-crew-departed-intro", &eta)),
                    Block::Fields(vec![
                        (l.t("msg-customer-crew-departed-lead"), lead_name.clone()),
                        (l.t("msg-common-phone"), lead_phone.clone()),
                        (l.t("msg-common-expected-arrival"), expected_arrival.clone()),
                    ]),
                    Block::Para(l.t("msg-customer-crew-departed-safety")),
                    Block::Link {
                        label: l.t("msg-customer-crew-departed-follow"),
                        url: status_link.clone(),
                    },
                ],
            };
            let sms = format!(
                "{SMS_PREFIX}{}",
                l.t_with(
                    "msg-customer-crew-departed-sms",
                    &[
                        arg("customer_name", customer_name),
                        arg("expected_arrival", expected_arrival),
                        arg("lead_name", lead_name),
                        arg("lead_phone", lead_phone),
                        arg("status_link", status_link),
                    ],
                )
            );
            let params = json!({
                "name": customer_name,
                "lead": lead_name,
                "phone": lead_phone,
                "time": expected_arrival,
                "link": status_link,
            });
            (mail, sms, params)
        }

        Message::CustomerPartsDelay {
            customer_name,
            part_name,
            new_eta,
            dangerous_goods,
            status_link,
        } => {
            let mut blocks = vec![Block::Para(l.t_with(
                "msg-customer-parts-delay-intro",
                &[arg("part_name", part_name), arg("new_eta", new_eta)],
            ))];
            if *dangerous_goods {
                blocks.push(Block::Note(l.t("msg-customer-parts-delay-dangerous-goods")));
            } else {
                blocks.push(Block::Para(l.t("msg-customer-parts-delay-sorry")));
            }
            blocks.push(Block::Link {
                label: l.t("msg-customer-parts-delay-follow"),
                url: status_link.clone(),
            });
            let mail = Mail {
                subject: l.t_with(
                    "msg-customer-parts-delay-subject",
                    &[arg("part_name", part_name)],
                ),
                greeting: dear(l, customer_name),
                blocks,
            };
            // Customer SMS stay within two UCS-2 segments (134 units): the English
            // ones are terse; the e-mail and the status page say it in full.
            let sms_args = [
                arg("customer_name", customer_name),
                arg("part_name", part_name),
                arg("new_eta", new_eta),
                arg("status_link", status_link),
            ];
            let sms = if *dangerous_goods {
                let why = l.t("msg-customer-parts-delay-dangerous-goods-sms");
                let mut args = sms_args.to_vec();
                args.push(arg("why", &why));
                l.t_with("msg-customer-parts-delay-sms-dangerous-goods", &args)
            } else {
                l.t_with("msg-customer-parts-delay-sms", &sms_args)
            };
            let sms = format!("{SMS_PREFIX}{sms}");
            let note = if *dangerous_goods {
                l.t("msg-customer-parts-delay-note")
            } else {
                String::new()
            };
            let params = json!({
                "name": customer_name,
                "part": part_name,
                "time": new_eta,
                "note": note,
                "link": status_link,
            });
            (mail, sms, params)
        }

        Message::CustomerResolved {
            customer_name,
            plate,
            status_link,
        } => {
            let mail = Mail {
                subject: l.t_with("msg-customer-resolved-subject", &[arg("plate", plate)]),
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(l.t_with("msg-customer-resolved-intro", &[arg("plate", plate)])),
                    Block::Para(l.t("msg-customer-resolved-follow-up")),
                    Block::Link {
                        label: l.t("msg-customer-resolved-details"),
                        url: status_link.clone(),
                    },
                ],
            };
            let sms = format!(
                "{SMS_PREFIX}{}",
                l.t_with(
                    "msg-customer-resolved-sms",
                    &[
                        arg("customer_name", customer_name),
                        arg("plate", plate),
                        arg("status_link", status_link),
                    ],
                )
            );
            let params = json!({ "name": customer_name, "plate": plate, "link": status_link });
            (mail, sms, params)
        }

        Message::CustomerLocationRequest {
            customer_name,
            link,
        } => {
            let mail = Mail {
                subject: l.t("msg-customer-location-request-subject"),
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(l.t("msg-customer-location-request-intro")),
                    Block::Link {
                        label: l.t("msg-customer-location-request-share"),
                        url: link.clone(),
                    },
                    Block::Para(l.t("msg-customer-location-request-safety")),
                ],
            };
            let sms = format!(
                "{SMS_PREFIX}{}",
                l.t_with(
                    "msg-customer-location-request-sms",
                    &[arg("customer_name", customer_name), arg("link", link)],
                )
            );
            let params = json!({ "name": customer_name, "link": link });
            (mail, sms, params)
        }

        Message::CustomerSuspension {
            customer_name,
            number,
            words,
            from,
            until,
        } => {
            let words = words
                .clone()
                .unwrap_or_else(|| l.t("msg-customer-suspension-default-words"));
            let args = [
                arg("customer_name", customer_name),
                arg("number", number),
                arg("words", end_of_sentence_trimmed(&words)),
                arg("from", from),
                arg("until", until),
            ];
            let mail = Mail {
                subject: l.t_with("msg-customer-suspension-subject", &args),
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(l.t_with("msg-customer-suspension-intro", &args)),
                    Block::Fields(vec![
                        (l.t("msg-common-ticket"), number.clone()),
                        (
                            l.t("msg-customer-suspension-period"),
                            format!("{from} – {until}"),
                        ),
                    ]),
                    Block::Para(l.t("msg-customer-suspension-safety")),
                ],
            };
            let sms = format!(
                "{SMS_PREFIX}{}",
                l.t_with("msg-customer-suspension-sms", &args)
            );
            let params = json!({
                "name": customer_name,
                "number": number,
                "words": words,
                "from": from,
                "time": until,
            });
            (mail, sms, params)
        }

        Message::CustomerSuspensionLifted {
            customer_name,
            number,
        } => {
            let args = [arg("customer_name", customer_name), arg("number", number)];
            let mail = Mail {
                subject: l.t_with("msg-customer-suspension-lifted-subject", &args),
                greeting: dear(l, customer_name),
                blocks: vec![Block::Para(
                    l.t_with("msg-customer-suspension-lifted-intro", &args),
                )],
            };
            let sms = format!(
                "{SMS_PREFIX}{}",
                l.t_with("msg-customer-suspension-lifted-sms", &args)
            );
            let params = json!({ "name": customer_name, "number": number });
            (mail, sms, params)
        }

        Message::StaffPlanReview {
            number,
            version,
            total_yuan,
            link,
        } => {
            let args = [
                arg("number", number),
                arg("version", version),
                arg("total_yuan", total_yuan),
            ];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-plan-review-subject", &args),
                    body: l.t_with("msg-plan-review-body", &args),
                    fields: vec![
                        (l.t("msg-common-plan-version"), version_label(l, version)),
                        (l.t("msg-common-estimated-cost"), amount(l, total_yuan)),
                    ],
                    action: l.t("msg-plan-review-action"),
                    sms: l.t_with("msg-plan-review-sms", &args),
                    detail: l.t_with("msg-plan-review-detail", &args),
                    extra: json!({ "version": version, "amount": total_yuan }),
                },
            )
        }

        Message::StaffConsentCall { number, link } => {
            let args = [arg("number", number)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-consent-call-subject", &args),
                    body: l.t_with("msg-consent-call-body", &args),
                    fields: vec![],
                    action: l.t("msg-consent-call-action"),
                    sms: l.t_with("msg-consent-call-sms", &args),
                    detail: l.t("msg-consent-call-detail"),
                    extra: json!({}),
                },
            )
        }

        Message::StaffApproval {
            number,
            version,
            total_yuan,
            link,
        } => {
            let args = [
                arg("number", number),
                arg("version", version),
                arg("total_yuan", total_yuan),
            ];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-plan-approval-subject", &args),
                    body: l.t_with("msg-plan-approval-body", &args),
                    fields: vec![
                        (l.t("msg-common-plan-version"), version_label(l, version)),
                        (l.t("msg-common-estimated-cost"), amount(l, total_yuan)),
                    ],
                    action: l.t("msg-plan-approval-action"),
                    sms: l.t_with("msg-plan-approval-sms", &args),
                    detail: l.t_with("msg-plan-approval-detail", &args),
                    extra: json!({ "version": version, "amount": total_yuan }),
                },
            )
        }

        Message::StaffPlanReturned {
            number,
            reason,
            link,
        } => {
            let args = [arg("number", number), arg("reason", reason)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-plan-returned-subject", &args),
                    body: l.t_with("msg-plan-returned-body", &args),
                    fields: vec![(l.t("msg-plan-returned-reason"), reason.clone())],
                    action: l.t("msg-common-revise-the-plan"),
                    sms: l.t_with("msg-plan-returned-sms", &args),
                    detail: l.t("msg-plan-returned-detail"),
                    extra: json!({ "reason": reason }),
                },
            )
        }

        Message::StaffPlanRejected {
            number,
            reason,
            link,
        } => {
            let args = [arg("number", number), arg("reason", reason)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-plan-rejected-subject", &args),
                    body: l.t_with("msg-plan-rejected-body", &args),
                    fields: vec![(l.t("msg-plan-rejected-reason"), reason.clone())],
                    action: l.t("msg-common-revise-the-plan"),
                    sms: l.t_with("msg-plan-rejected-sms", &args),
                    detail: l.t("msg-plan-rejected-detail"),
                    extra: json!({ "reason": reason }),
                },
            )
        }

        Message::StaffPartsToIssue {
            number,
            version,
            link,
        } => {
            let args = [arg("number", number), arg("version", version)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-parts-to-issue-subject", &args),
                    body: l.t_with("msg-parts-to-issue-body", &args),
                    fields: vec![(l.t("msg-common-plan-version"), version_label(l, version))],
                    action: l.t("msg-parts-to-issue-action"),
                    sms: l.t_with("msg-parts-to-issue-sms", &args),
                    detail: l.t_with("msg-parts-to-issue-detail", &args),
                    extra: json!({ "version": version }),
                },
            )
        }

        Message::StaffTransferToSend {
            number,
            part,
            to,
            site: None,
            link,
        } => {
            let args = [arg("number", number), arg("part", part), arg("to", to)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-transfer-to-send-subject", &args),
                    body: l.t_with("msg-transfer-to-send-body", &args),
                    fields: vec![
                        (l.t("msg-transfer-to-send-part"), part.clone()),
                        (l.t("msg-transfer-to-send-to"), to.clone()),
                    ],
                    action: l.t("msg-transfer-to-send-action"),
                    sms: l.t_with("msg-transfer-to-send-sms", &args),
                    detail: l.t_with("msg-transfer-to-send-detail", &args),
                    extra: json!({ "part": part, "to": to }),
                },
            )
        }
        // Straight to the rescue site: the address is where it goes, the dealer whom it is for.
        Message::StaffTransferToSend {
            number,
            part,
            to,
            site: Some(site),
            link,
        } => {
            let args = [
                arg("number", number),
                arg("part", part),
                arg("to", to),
                arg("site", site),
            ];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-transfer-to-send-site-subject", &args),
                    body: l.t_with("msg-transfer-to-send-site-body", &args),
                    fields: vec![
                        (l.t("msg-transfer-to-send-part"), part.clone()),
                        (l.t("msg-transfer-to-send-to"), site.clone()),
                        (l.t("msg-transfer-to-send-site-for"), to.clone()),
                    ],
                    action: l.t("msg-transfer-to-send-action"),
                    sms: l.t_with("msg-transfer-to-send-site-sms", &args),
                    detail: l.t_with("msg-transfer-to-send-site-detail", &args),
                    extra: json!({ "part": part, "to": to, "site": site }),
                },
            )
        }
        Message::StaffPartReview { number, part, link } => {
            let args = [arg("number", number), arg("part", part)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-part-review-subject", &args),
                    body: l.t_with("msg-part-review-body", &args),
                    fields: vec![(l.t("msg-part-review-part"), part.clone())],
                    action: l.t("msg-part-review-action"),
                    sms: l.t_with("msg-part-review-sms", &args),
                    detail: l.t_with("msg-part-review-detail", &args),
                    extra: json!({ "part": part }),
                },
            )
        }

        Message::StaffMismatch {
            number,
            found,
            link,
        } => {
            let args = [arg("number", number), arg("found", found)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-fault-mismatch-subject", &args),
                    body: l.t_with("msg-fault-mismatch-body", &args),
                    fields: vec![(l.t("msg-common-fault-found-on-site"), found.clone())],
                    action: l.t("msg-fault-mismatch-action"),
                    sms: l.t_with("msg-fault-mismatch-sms", &args),
                    detail: l.t("msg-fault-mismatch-detail"),
                    extra: json!({ "found": found }),
                },
            )
        }

        Message::StaffOrdersHeld {
            number,
            parts,
            found,
            link,
        } => {
            let args = [arg("number", number), arg("parts", parts)];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-orders-held-subject", &args),
                    body: l.t_with("msg-orders-held-body", &args),
                    fields: vec![
                        (l.t("msg-orders-held-parts"), parts.clone()),
                        (l.t("msg-common-fault-found-on-site"), found.clone()),
                    ],
                    action: l.t("msg-orders-held-action"),
                    sms: l.t_with("msg-orders-held-sms", &args),
                    detail: l.t("msg-orders-held-detail"),
                    extra: json!({ "parts": parts, "found": found }),
                },
            )
        }

        Message::StaffPromiseWarning {
            number,
            level,
            stage,
            deadline,
            minutes_left,
            link,
        } => promise_notice(
            l,
            [
                "msg-promise-warning-subject",
                "msg-promise-warning-body",
                "msg-promise-warning-sms",
                "msg-promise-warning-detail",
            ],
            PromiseNotice {
                number,
                level: *level,
                stage: *stage,
                deadline,
                minutes: *minutes_left,
                link,
            },
        ),

        Message::StaffPromiseBreached {
            number,
            level,
            stage,
            deadline,
            minutes_late,
            link,
        } => promise_notice(
            l,
            [
                "msg-promise-breached-subject",
                "msg-promise-breached-body",
                "msg-promise-breached-sms",
                "msg-promise-breached-detail",
            ],
            PromiseNotice {
                number,
                level: *level,
                stage: *stage,
                deadline,
                minutes: *minutes_late,
                link,
            },
        ),

        Message::StaffComplaintOverdue {
            number,
            customer_name,
            summary,
            hours_open,
            link,
        } => {
            let args = [
                arg("number", number),
                arg("customer", customer_name),
                num("hours", *hours_open),
            ];
            staff(
                l,
                StaffText {
                    number,
                    link,
                    subject: l.t_with("msg-complaint-overdue-subject", &args),
                    body: l.t_with("msg-complaint-overdue-body", &args),
                    // The customer's words, or the system text a wordless low score stored.
                    fields: vec![(
                        l.t("msg-complaint-overdue-summary"),
                        crate::domain::system_text::render(summary, l),
                    )],
                    action: l.t("msg-complaint-overdue-action"),
                    sms: l.t_with("msg-complaint-overdue-sms", &args),
                    detail: l.t("msg-complaint-overdue-detail"),
                    extra: json!({ "hours": hours_open }),
                },
            )
        }
    };
    Rendered {
        template: msg.template(),
        text: mail.text(l),
        html: mail.html(l),
        subject: mail.subject,
        sms_text,
        sms_params,
    }
}

/// What differs between the staff notices; they share one layout.
struct StaffText<'a> {
    number: &'a str,
    link: &'a str,
    subject: String,
    body: String,
    fields: Vec<(String, String)>,
    /// Label of the link to the page where the step is done.
    action: String,
    /// SMS body after the prefix, ending where the link follows.
    sms: String,
    /// A short phrase for a generic `staff_notice` SMS template.
    detail: String,
    /// Template variables beyond number, detail and link.
    extra: Value,
}

fn staff(l: Locale, s: StaffText<'_>) -> (Mail, String, Value) {
    let mut fields = vec![(l.t("msg-common-ticket"), s.number.to_owned())];
    fields.extend(s.fields);
    let mut blocks = vec![Block::Para(s.body)];
    if fields.len() > 1 {
        blocks.push(Block::Fields(fields));
    }
    blocks.push(Block::Link {
        label: s.action,
        url: s.link.to_owned(),
    });
    let mail = Mail {
        subject: s.subject,
        greeting: l.t("msg-common-hello"),
        blocks,
    };
    let sms = format!("{SMS_PREFIX}{}{}", s.sms, s.link);
    let mut params = json!({ "number": s.number, "detail": s.detail, "link": s.link });
    if let (Some(p), Value::Object(extra)) = (params.as_object_mut(), s.extra) {
        p.extend(extra);
    }
    (mail, sms, params)
}

/// What a warning and an escalation both say: which ticket, level and stage, until when, and
/// how many minutes are left or late.
struct PromiseNotice<'a> {
    number: &'a str,
    level: ResponseLevel,
    stage: Stage,
    deadline: &'a str,
    minutes: i64,
    link: &'a str,
}

/// A promise warning or escalation from its catalogue keys: subject, body, SMS, detail.
fn promise_notice(l: Locale, keys: [&str; 4], n: PromiseNotice<'_>) -> (Mail, String, Value) {
    let (level, stage) = (l.t(n.level.label_key()), l.t(n.stage.label_key()));
    let args = [
        arg("number", n.number),
        arg("level", &level),
        arg("stage", &stage),
        arg("deadline", n.deadline),
        num("minutes", n.minutes),
    ];
    let [subject, body, sms, detail] = keys;
    staff(
        l,
        StaffText {
            number: n.number,
            link: n.link,
            subject: l.t_with(subject, &args),
            body: l.t_with(body, &args),
            fields: vec![
                (l.t("msg-promise-level"), level.clone()),
                (l.t("msg-promise-stage"), stage.clone()),
                (l.t("msg-promise-deadline"), n.deadline.to_owned()),
            ],
            action: l.t("msg-promise-action"),
            sms: l.t_with(sms, &args),
            detail: l.t(detail),
            extra: json!({ "stage": stage, "deadline": n.deadline }),
        },
    )
}

fn dear(l: Locale, name: &str) -> String {
    l.t_with("msg-common-dear", &[arg("name", name)])
}

fn version_label(l: Locale, version: &str) -> String {
    l.t_with("msg-common-version", &[arg("version", version)])
}

/// An amount in yuan, already formatted with two decimals.
fn amount(l: Locale, yuan: &str) -> String {
    l.t_with("msg-common-amount", &[arg("amount", yuan)])
}

/// A link that opens the breakdown site on a map.
struct MapLink {
    url: String,
    amap: bool,
}

impl MapLink {
    fn label(&self, l: Locale) -> String {
        if self.amap {
            l.t("msg-technician-dispatch-map-amap")
        } else {
            l.t("msg-technician-dispatch-map-osm")
        }
    }
}

/// Callers who sent GCJ-02 use Chinese map apps, so they get Amap with the
/// coordinates shifted back to GCJ-02 (Amap expects them); everyone else gets
/// OpenStreetMap in WGS-84. Invalid coordinates give no link rather than a wrong one.
fn map_link(lat: f64, lon: f64, source_crs: &str) -> Option<MapLink> {
    let point = Coordinates::parse(lat, lon, Crs::Wgs84).ok()?;
    if source_crs.eq_ignore_ascii_case("gcj02") {
        let (glat, glon) = point.to_crs(Crs::Gcj02);
        Some(MapLink {
            url: format!(
                "https://uri.amap.com/marker?position={glon:.6},{glat:.6}&coordinate=gaode"
            ),
            amap: true,
        })
    } else {
        let (lat, lon) = (point.lat(), point.lon());
        Some(MapLink {
            url: format!(
                "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=16/{lat:.6}/{lon:.6}"
            ),
            amap: false,
        })
    }
}

/// An e-mail as a few blocks, rendered both as plain text and as HTML.
struct Mail {
    subject: String,
    greeting: String,
    blocks: Vec<Block>,
}

enum Block {
    Para(String),
    /// A paragraph that must not be overlooked.
    Note(String),
    /// Label/value rows.
    Fields(Vec<(String, String)>),
    /// A titled bullet list; empty shows "none".
    List {
        title: String,
        items: Vec<String>,
    },
    Link {
        label: String,
        url: String,
    },
}

impl Mail {
    fn text(&self, l: Locale) -> String {
        let colon = l.t("msg-common-colon");
        let mut out = format!("{}\n\n", self.greeting);
        for block in &self.blocks {
            match block {
                Block::Para(p) | Block::Note(p) => {
                    out.push_str(p);
                    out.push_str("\n\n");
                }
                Block::Fields(rows) => {
                    for (label, value) in rows {
                        out.push_str(&format!("{label}{colon}{value}\n"));
                    }
                    out.push('\n');
                }
                Block::List { title, items } => {
                    if items.is_empty() {
                        out.push_str(&format!("{title}{colon}{}\n\n", l.t("msg-common-none")));
                    } else {
                        out.push_str(&format!("{title}{}\n", colon.trim_end()));
                        for item in items {
                            out.push_str(&format!("- {item}\n"));
                        }
                        out.push('\n');
                    }
                }
                Block::Link { label, url } => {
                    out.push_str(&format!("{label}{colon}{url}\n\n"));
                }
            }
        }
        out.push_str("--\n");
        out.push_str(&l.t("msg-common-footer"));
        out.push('\n');
        out
    }

    fn html(&self, l: Locale) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n<body style=\"margin:0;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2328;\">\n<p>{}</p>\n",
            l.tag(),
            escape_html(&self.subject),
            escape_text(&self.greeting)
        );
        for block in &self.blocks {
            match block {
                Block::Para(p) => out.push_str(&format!("<p>{}</p>\n", escape_text(p))),
                Block::Note(p) => out.push_str(&format!(
                    "<p style=\"padding:8px 12px;background:#fff8c5;border-left:4px solid #d4a72c;\">{}</p>\n",
                    escape_text(p)
                )),
                Block::Fields(rows) => {
                    out.push_str("<table style=\"border-collapse:collapse;margin:0 0 12px;\">\n");
                    for (label, value) in rows {
                        out.push_str(&format!(
                            "<tr><th style=\"text-align:left;vertical-align:top;padding:2px 16px 2px 0;color:#57606a;font-weight:normal;white-space:nowrap;\">{}</th><td style=\"padding:2px 0;\">{}</td></tr>\n",
                            escape_html(label),
                            escape_text(value)
                        ));
                    }
                    out.push_str("</table>\n");
                }
                Block::List { title, items } => {
                    if items.is_empty() {
                        out.push_str(&format!(
                            "<p><strong>{}</strong>{}{}</p>\n",
                            escape_html(title),
                            l.t("msg-common-colon"),
                            escape_html(&l.t("msg-common-none"))
                        ));
                    } else {
                        out.push_str(&format!(
                            "<p style=\"margin-bottom:4px;\"><strong>{}</strong></p>\n<ul style=\"margin-top:0;\">\n",
                            escape_html(title)
                        ));
                        for item in items {
                            out.push_str(&format!("<li>{}</li>\n", escape_text(item)));
                        }
                        out.push_str("</ul>\n");
                    }
                }
                Block::Link { label, url } => out.push_str(&format!(
                    "<p><a href=\"{}\" style=\"color:#0969da;\">{}</a></p>\n",
                    escape_html(url),
                    escape_html(label)
                )),
            }
        }
        out.push_str(&format!(
            "<p style=\"margin-top:24px;color:#57606a;font-size:12px;\">{}</p>\n</body>\n</html>\n",
            escape_html(&l.t("msg-common-footer"))
        ));
        out
    }
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes, and keeps the line breaks staff typed (a fault description, a reason).
/// A typed text without the sentence-ending punctuation a message adds itself.
fn end_of_sentence_trimmed(s: &str) -> &str {
    s.trim_end()
        .trim_end_matches(['。', '.', '！', '!', '；', ';', '，', ','])
        .trim_end()
}

fn escape_text(s: &str) -> String {
    escape_html(s).replace("\r\n", "\n").replace('\n', "<br>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS_LINK: &str = "https://rd.zj-auto.cn/s/Hk3pQ9wZr7Tb2xLm";
    const JOB_LINK: &str = "https://rd.zj-auto.cn/j/8fK2mQ7xT4vN9pLw";
    const STAFF_LINK: &str = "https://rd.zj-auto.cn/tickets/0193a1c2-7d4e-7b21-9f3a-5c8e2d1b4a67";

    fn lang(l: Locale) -> &'static str {
        sample(l, "zh", "en")
    }

    /// A sample value as a caller in this language would pass it (user data, not catalogue text).
    fn sample<'a>(l: Locale, zh: &'a str, en: &'a str) -> &'a str {
        match l {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }

    /// Realistic values; times, part names and the reasons staff type differ per
    /// locale the way the callers format them, names and places stay Chinese.
    fn samples(l: Locale) -> Vec<(&'static str, Message)> {
        let s = |x: &str| x.to_owned();
        vec![
            (
                "technician_dispatch",
                Message::TechnicianDispatch {
                    number: s("HZ01-20261123-0007"),
                    customer_name: s("王建国"),
                    customer_phone: s("13857112345"),
                    address: s("杭州市西湖区文三路478号华星时代广场东门"),
                    lat: 30.277_450,
                    lon: 120.123_010,
                    source_crs: s("gcj02"),
                    fault: s(sample(
                        l,
                        "发动机无法启动，仪表盘蓄电池警告灯亮",
                        "Engine will not start, battery warning light on",
                    )),
                    items: vec![
                        s(sample(l, "蓄电池检测", "Battery test")),
                        s(sample(l, "更换蓄电池", "Replace the battery")),
                    ],
                    tools: vec![s("蓄电池检测仪×1"), s("应急启动电源×1")],
                    parts: vec![s("12V 70Ah 免维护蓄电池×1")],
                    expected_arrival: Some(s("14:30")),
                    job_link: s(JOB_LINK),
                },
            ),
            (
                "customer_crew_departed",
                Message::CustomerCrewDeparted {
                    customer_name: s("王建国"),
                    lead_name: s("李明"),
                    lead_phone: s("13957154321"),
                    expected_arrival: s("14:30"),
                    status_link: s(STATUS_LINK),
                },
            ),
            (
                "customer_parts_delay",
                Message::CustomerPartsDelay {
                    customer_name: s("陈晓燕"),
                    part_name: s(sample(l, "驾驶员侧安全气囊模块", "driver airbag module")),
                    new_eta: s(sample(l, "11月25日下午", "25 Nov")),
                    dangerous_goods: true,
                    status_link: s(STATUS_LINK),
                },
            ),
            (
                "customer_parts_delay-regular",
                Message::CustomerPartsDelay {
                    customer_name: s("陈晓燕"),
                    part_name: s(sample(l, "左前大灯总成", "left headlamp unit")),
                    new_eta: s(sample(l, "11月24日上午", "24 Nov")),
                    dangerous_goods: false,
                    status_link: s(STATUS_LINK),
                },
            ),
            (
                "customer_resolved",
                Message::CustomerResolved {
                    customer_name: s("王建国"),
                    plate: s("浙A8K2M6"),
                    status_link: s(STATUS_LINK),
                },
            ),
            (
                "customer_location_request",
                Message::CustomerLocationRequest {
                    customer_name: s("欧阳秀英"),
                    link: s(STATUS_LINK),
                },
            ),
            (
                "customer_suspension",
                Message::CustomerSuspension {
                    customer_name: s("王建国"),
                    number: s("HZ01-20261123-0007"),
                    words: Some(s(sample(l, "受台风影响", "Because of the typhoon"))),
                    from: s("11-23 08:00"),
                    until: s("11-24 20:00"),
                },
            ),
            (
                "customer_suspension-default-words",
                Message::CustomerSuspension {
                    customer_name: s("欧阳秀英"),
                    number: s("HZ01-20261123-0007"),
                    words: None,
                    from: s("11-23 08:00"),
                    until: s("11-24 20:00"),
                },
            ),
            (
                "customer_suspension_lifted",
                Message::CustomerSuspensionLifted {
                    customer_name: s("王建国"),
                    number: s("HZ01-20261123-0007"),
                },
            ),
            (
                "plan_review",
                Message::StaffPlanReview {
                    number: s("HZ01-20261123-0007"),
                    version: s("2"),
                    total_yuan: s("1280.00"),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "consent_call",
                Message::StaffConsentCall {
                    number: s("HZ01-20261123-0007"),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "plan_approval",
                Message::StaffApproval {
                    number: s("HZ01-20261123-0007"),
                    version: s("2"),
                    total_yuan: s("1280.00"),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "plan_returned",
                Message::StaffPlanReturned {
                    number: s("HZ01-20261123-0007"),
                    reason: s(sample(
                        l,
                        "工时估算偏高，请核实",
                        "Labour estimate looks too high, please check",
                    )),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "plan_rejected",
                Message::StaffPlanRejected {
                    number: s("HZ01-20261123-0007"),
                    reason: s(sample(
                        l,
                        "需先确认是否在保修期内",
                        "Check first whether the car is still under warranty",
                    )),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "parts_to_issue",
                Message::StaffPartsToIssue {
                    number: s("HZ01-20261123-0007"),
                    version: s("2"),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "part_review",
                Message::StaffPartReview {
                    number: s("HZ01-20261123-0007"),
                    part: s("5G0 959 753 AB 遥控钥匙"),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "transfer_to_send",
                Message::StaffTransferToSend {
                    number: s("HZ01-20261123-0007"),
                    part: s("5G0 880 201 K 驾驶员安全气囊 ×1"),
                    to: s("杭州西湖4S店"),
                    site: None,
                    link: s(STAFF_LINK),
                },
            ),
            (
                "transfer_to_send_site",
                Message::StaffTransferToSend {
                    number: s("HZ01-20261123-0007"),
                    part: s("5G0 880 201 K 驾驶员安全气囊 ×1"),
                    to: s("杭州西湖4S店"),
                    site: Some(s("杭州市西湖区文三路478号华星时代广场东门")),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "fault_mismatch",
                Message::StaffMismatch {
                    number: s("HZ01-20261123-0007"),
                    found: s(sample(
                        l,
                        "起动机损坏，蓄电池正常",
                        "Starter motor failed; the battery is fine",
                    )),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "orders_held",
                Message::StaffOrdersHeld {
                    number: s("HZ01-20261123-0007"),
                    parts: s("5G0 880 201 K 驾驶员安全气囊 ×1、000 915 105 DE 蓄电池 ×1"),
                    found: s(sample(
                        l,
                        "起动机损坏，蓄电池正常",
                        "Starter motor failed; the battery is fine",
                    )),
                    link: s(STAFF_LINK),
                },
            ),
            (
                "promise_warning",
                Message::StaffPromiseWarning {
                    number: s("HZ01-20261123-0007"),
                    level: ResponseLevel::Major,
                    stage: Stage::ResponseStarted,
                    deadline: s("11-23 09:30"),
                    minutes_left: 7,
                    link: s(STAFF_LINK),
                },
            ),
            (
                "promise_breached",
                Message::StaffPromiseBreached {
                    number: s("HZ01-20261123-0007"),
                    level: ResponseLevel::Major,
                    stage: Stage::ResponseStarted,
                    deadline: s("11-23 09:30"),
                    minutes_late: 1,
                    link: s(STAFF_LINK),
                },
            ),
            (
                "complaint_overdue",
                Message::StaffComplaintOverdue {
                    number: s("HZ01-20261123-0007"),
                    customer_name: s(sample(l, "王建国", "Wang Jianguo")),
                    summary: s(sample(
                        l,
                        "技师迟到一小时，态度一般",
                        "The technician came an hour late",
                    )),
                    hours_open: 48,
                    link: s(STAFF_LINK),
                },
            ),
        ]
    }

    #[test]
    fn every_message_in_both_languages() {
        for l in [Locale::ZhCn, Locale::En] {
            for (name, msg) in samples(l) {
                let r = render(&msg, l);
                assert!(
                    name.starts_with(r.template),
                    "{name} renders as {}",
                    r.template
                );
                assert!(r.sms_text.starts_with(SMS_PREFIX), "{name}: {}", r.sms_text);
                assert!(r.sms_params.is_object());
                let lang = lang(l);
                insta::assert_snapshot!(
                    format!("{name}-{lang}-text"),
                    format!("Subject: {}\n\n{}", r.subject, r.text)
                );
                insta::assert_snapshot!(format!("{name}-{lang}-html"), r.html);
                insta::assert_snapshot!(format!("{name}-{lang}-sms"), r.sms_text);
                insta::assert_json_snapshot!(format!("{name}-{lang}-sms_params"), r.sms_params);
            }
        }
    }

    #[test]
    fn customer_sms_fit_two_ucs2_segments() {
        // 【】 and Chinese names force UCS-2: 67 units per segment of a long message.
        for l in [Locale::ZhCn, Locale::En] {
            for (name, msg) in samples(l) {
                let r = render(&msg, l);
                if r.template.starts_with("customer_") {
                    let units = r.sms_text.encode_utf16().count();
                    assert!(
                        units <= 134,
                        "{name} ({l:?}) is {units} UTF-16 units: {}",
                        r.sms_text
                    );
                    // And the same verdict from the carriers' own rules.
                    assert!(crate::notify::segments::segments(&r.sms_text).parts <= 2);
                }
            }
        }
    }

    #[test]
    fn dangerous_goods_are_explained_to_the_customer() {
        for l in [Locale::ZhCn, Locale::En] {
            let delay = |dangerous_goods| Message::CustomerPartsDelay {
                customer_name: "陈晓燕".into(),
                part_name: "驾驶员侧安全气囊模块".into(),
                new_eta: "11月25日".into(),
                dangerous_goods,
                status_link: STATUS_LINK.into(),
            };
            let sentence = l.t("msg-customer-parts-delay-dangerous-goods");
            let sms_note = l.t("msg-customer-parts-delay-dangerous-goods-sms");
            let r = render(&delay(true), l);
            assert!(r.text.contains(&sentence));
            assert!(r.html.contains(&escape_html(&sentence)));
            assert!(r.sms_text.contains(&sms_note), "{}", r.sms_text);
            let r = render(&delay(false), l);
            assert!(!r.text.contains(&sentence));
            assert!(!r.sms_text.contains(&sms_note));
        }
    }

    #[test]
    fn html_escapes_every_value_and_sms_escapes_nothing() {
        let evil = "<script>alert('x')</script>&\"";
        let msg = Message::CustomerCrewDeparted {
            customer_name: evil.into(),
            lead_name: "李明".into(),
            lead_phone: "13957154321".into(),
            expected_arrival: "14:30".into(),
            status_link: "https://rd.zj-auto.cn/s/a?b=1&c=\"2\"".into(),
        };
        for l in [Locale::ZhCn, Locale::En] {
            let r = render(&msg, l);
            assert!(!r.html.contains("<script>"), "{}", r.html);
            assert!(r
                .html
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
            assert!(r
                .html
                .contains("href=\"https://rd.zj-auto.cn/s/a?b=1&amp;c=&quot;2&quot;\""));
            assert!(r.text.contains(evil));
            assert!(r.sms_text.contains(evil));
        }
        let dispatch = Message::TechnicianDispatch {
            number: "HZ01-20261123-0007".into(),
            customer_name: "王建国".into(),
            customer_phone: "13857112345".into(),
            address: "<b>文三路</b>".into(),
            lat: 30.27745,
            lon: 120.12301,
            source_crs: "wgs84".into(),
            fault: "第一行\n<img src=x>".into(),
            items: vec!["<i>x</i>".into()],
            tools: vec![],
            parts: vec![],
            expected_arrival: None,
            job_link: JOB_LINK.into(),
        };
        let r = render(&dispatch, Locale::ZhCn);
        for raw in ["<b>", "<img", "<i>"] {
            assert!(!r.html.contains(raw), "{raw} unescaped");
        }
        assert!(r.html.contains("&lt;b&gt;文三路&lt;/b&gt;"));
        assert!(r.html.contains("第一行<br>\n&lt;img src=x&gt;"));
        assert!(r.html.contains("<strong>所需工具</strong>：无"));
        assert!(r.sms_text.contains("请尽快出发。"));
        // A fault typed with its own full stop does not end in "。。".
        let mut typed = dispatch.clone();
        if let Message::TechnicianDispatch { fault, .. } = &mut typed {
            *fault = "发动机无法启动。".into();
        }
        let r = render(&typed, Locale::ZhCn);
        assert!(
            r.sms_text.contains("故障：发动机无法启动。"),
            "{}",
            r.sms_text
        );
        assert!(!r.sms_text.contains("。。"), "{}", r.sms_text);
        assert_eq!(r.sms_params["time"], "尽快");
    }

    #[test]
    fn map_link_follows_the_source_crs() {
        // A point on Wensan Road, Hangzhou, in WGS-84.
        let (lat, lon) = (30.277_450, 120.123_010);
        let dispatch = |crs: &str| Message::TechnicianDispatch {
            number: "HZ01-20261123-0007".into(),
            customer_name: "王建国".into(),
            customer_phone: "13857112345".into(),
            address: "杭州市西湖区文三路478号".into(),
            lat,
            lon,
            source_crs: crs.into(),
            fault: "无法启动".into(),
            items: vec![],
            tools: vec![],
            parts: vec![],
            expected_arrival: None,
            job_link: JOB_LINK.into(),
        };

        let (glat, glon) = Coordinates::parse(lat, lon, Crs::Wgs84)
            .unwrap()
            .to_crs(Crs::Gcj02);
        // GCJ-02 is shifted by a few hundred metres here: the link must carry the shifted numbers.
        assert!((glat - lat).abs() > 1e-4 && (glon - lon).abs() > 1e-4);
        let amap =
            format!("https://uri.amap.com/marker?position={glon:.6},{glat:.6}&coordinate=gaode");
        let r = render(&dispatch("gcj02"), Locale::ZhCn);
        assert!(r.text.contains(&amap), "{}", r.text);
        assert!(r.sms_text.contains(&amap));
        assert!(r.html.contains(&escape_html(&amap)));
        assert_eq!(r.sms_params["map"], amap.as_str());
        assert!(!r.text.contains("openstreetmap"));

        let osm = "https://www.openstreetmap.org/?mlat=30.277450&mlon=120.123010#map=16/30.277450/120.123010";
        for crs in ["wgs84", "", "bd09"] {
            let r = render(&dispatch(crs), Locale::En);
            assert!(r.text.contains(osm), "{crs}: {}", r.text);
            assert!(r.sms_text.contains(osm));
            assert!(!r.text.contains("amap"));
        }

        // Out-of-range coordinates give no map link at all rather than a wrong one.
        let mut broken = dispatch("gcj02");
        if let Message::TechnicianDispatch { lat, .. } = &mut broken {
            *lat = 123.0;
        }
        let r = render(&broken, Locale::ZhCn);
        assert!(!r.text.contains("amap") && !r.text.contains("openstreetmap"));
        assert_eq!(r.sms_params["map"], "");
    }

    #[test]
    fn staff_messages_carry_the_generic_notice_params() {
        for l in [Locale::ZhCn, Locale::En] {
            for (name, msg) in samples(l) {
                let r = render(&msg, l);
                if matches!(
                    msg,
                    Message::StaffPlanReview { .. }
                        | Message::StaffConsentCall { .. }
                        | Message::StaffApproval { .. }
                        | Message::StaffPlanReturned { .. }
                        | Message::StaffPlanRejected { .. }
                        | Message::StaffPartsToIssue { .. }
                        | Message::StaffPartReview { .. }
                        | Message::StaffTransferToSend { .. }
                        | Message::StaffMismatch { .. }
                        | Message::StaffOrdersHeld { .. }
                ) {
                    for key in ["number", "detail", "link"] {
                        assert!(r.sms_params[key].is_string(), "{name}: {key}");
                    }
                    assert!(r.sms_text.ends_with(STAFF_LINK), "{name}");
                }
            }
        }
    }

    #[test]
    fn messages_round_trip_through_json() {
        for (_, msg) in samples(Locale::ZhCn) {
            let json = serde_json::to_value(&msg).unwrap();
            assert!(json["kind"].is_string());
            let back: Message = serde_json::from_value(json).unwrap();
            assert_eq!(back, msg);
        }
    }
}
