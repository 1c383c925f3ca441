//! The words of every SMS and e-mail, in Chinese and English, rendered per recipient's locale.
//!
//! Each message is composed once as a short list of blocks; the plain text and
//! the HTML part of an e-mail are two renderings of those blocks, so they never
//! drift apart, and the HTML rendering is the one place where values are
//! escaped. SMS texts are written separately: short, nothing escaped.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::location::{Coordinates, Crs};
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
        to: String,
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

/// The Chinese sentence telling a customer why a dangerous-goods part is slow.
pub const DANGEROUS_GOODS_ZH: &str =
    "该配件属于危险品（如安全气囊、铅酸蓄电池），按规定不能空运，只能陆运，因此到货较慢，敬请谅解。";
/// The same, a few characters shorter, so the SMS stays within two segments.
const DANGEROUS_GOODS_ZH_SMS: &str =
    "该配件属危险品（如安全气囊、铅酸蓄电池），按规定不能空运，只能陆运，故到货较慢，敬请谅解。";
/// The same for English-speaking customers.
pub const DANGEROUS_GOODS_EN: &str = "This part is classed as dangerous goods (like airbags and lead-acid batteries): the rules do not allow it to travel by air, only by road, so it takes longer to arrive. Thank you for your understanding.";

/// Renders `msg` in `locale`.
pub fn render(msg: &Message, locale: Locale) -> Rendered {
    let l = locale;
    let t = |zh: &'static str, en: &'static str| l.tr(zh, en);
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
                (t("救援单号", "Ticket"), number.clone()),
                (t("客户", "Customer"), customer_name.clone()),
                (t("联系电话", "Phone"), customer_phone.clone()),
                (t("故障地点", "Location"), address.clone()),
                (t("故障现象", "Fault"), fault.clone()),
            ];
            if let Some(time) = expected_arrival {
                fields.push((t("预计到达", "Expected arrival"), time.clone()));
            }
            let mut blocks = vec![
                Block::Para(t(
                    "您已被派往以下紧急救援任务。救援方案已经服务总监批准，请凭方案到配件部领料后尽快出发，并在任务页面上报出发和到达。",
                    "You have been dispatched to the rescue job below. The plan has been approved by the service director: collect the parts from the parts desk against it, set off as soon as possible, and report departure and arrival on the job page.",
                ).to_owned()),
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
                    title: t("维修项目", "Repair items"),
                    items: items.clone(),
                },
                Block::List {
                    title: t("所需工具", "Tools"),
                    items: tools.clone(),
                },
                Block::List {
                    title: t("所需配件", "Parts"),
                    items: parts.clone(),
                },
                Block::Link {
                    label: t("打开任务页面", "Open the job page"),
                    url: job_link.clone(),
                },
            ]);
            let mail = Mail {
                subject: match l {
                    Locale::ZhCn => format!("派工通知：救援单 {number}，{address}"),
                    Locale::En => format!("Dispatch: rescue ticket {number}, {address}"),
                },
                greeting: t("您好：", "Hello,").to_owned(),
                blocks,
            };
            let none = t("无", "none");
            let list = |v: &[String]| {
                if v.is_empty() {
                    none.to_owned()
                } else {
                    v.join(t("、", ", "))
                }
            };
            let map_part = map
                .as_ref()
                .map(|m| match l {
                    Locale::ZhCn => format!("导航 {} ", m.url),
                    Locale::En => format!("Map: {} ", m.url),
                })
                .unwrap_or_default();
            let time = expected_arrival
                .clone()
                .unwrap_or_else(|| t("尽快", "ASAP").to_owned());
            let when = match (l, expected_arrival) {
                (Locale::ZhCn, Some(time)) => format!("预计到达{time}。"),
                (Locale::En, Some(time)) => format!("Expected on site {time}. "),
                (_, None) => t("请尽快出发。", "Please set off now. ").to_owned(),
            };
            let sms = match l {
                Locale::ZhCn => format!(
                    "{SMS_PREFIX}派工：救援单{number}，客户{customer_name}，电话{customer_phone}，地点{address}，故障：{fault}。{when}项目：{}。工具：{}。配件：{}。{map_part}任务 {job_link}",
                    list(items), list(tools), list(parts)
                ),
                Locale::En => format!(
                    "{SMS_PREFIX}Dispatch: ticket {number}, customer {customer_name}, tel. {customer_phone}, at {address}. Fault: {fault}. {when}Items: {}. Tools: {}. Parts: {}. {map_part}Job: {job_link}",
                    list(items), list(tools), list(parts)
                ),
            };
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
            let mail = Mail {
                subject: match l {
                    Locale::ZhCn => format!("救援人员已出发，预计{expected_arrival}到达"),
                    Locale::En => format!("Our rescue crew is on the way (expected at {expected_arrival})"),
                },
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(match l {
                        Locale::ZhCn => format!("我们的救援人员已经出发，预计{expected_arrival}到达您所在的位置。"),
                        Locale::En => format!("Our rescue crew has set off and expects to reach you at {expected_arrival}."),
                    }),
                    Block::Fields(vec![
                        (t("救援负责人", "Rescue lead"), lead_name.clone()),
                        (t("联系电话", "Phone"), lead_phone.clone()),
                        (t("预计到达", "Expected arrival"), expected_arrival.clone()),
                    ]),
                    Block::Para(t(
                        "等候期间，请您打开危险报警闪光灯，在车后方按规定距离放置三角警告牌，并到安全地带等候（在高速公路上请撤离到护栏外侧）。如有任何情况，请随时与救援负责人联系。",
                        "While you wait, please keep your hazard lights on, set up the warning triangle at the required distance behind your car, and wait in a safe place (on an expressway, behind the guardrail). If anything changes, please call the rescue lead.",
                    ).to_owned()),
                    Block::Link {
                        label: t("查看救援进度", "Follow the rescue"),
                        url: status_link.clone(),
                    },
                ],
            };
            let sms = match l {
                Locale::ZhCn => format!(
                    "{SMS_PREFIX}{customer_name}您好，救援人员已出发，预计{expected_arrival}到达。救援负责人{lead_name}，电话{lead_phone}。进度：{status_link}"
                ),
                Locale::En => format!(
                    "{SMS_PREFIX}Dear {customer_name}, our crew is on the way, due {expected_arrival}. Lead: {lead_name}, tel. {lead_phone}. {status_link}"
                ),
            };
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
            let mut blocks = vec![Block::Para(match l {
                Locale::ZhCn => format!(
                    "您车辆维修所需的配件「{part_name}」需要另行调货，预计{new_eta}到货。到货后我们将第一时间与您联系，安排安装。"
                ),
                Locale::En => format!(
                    "The part your car needs ({part_name}) has to be brought in and is now expected on {new_eta}. We will contact you as soon as it arrives to arrange fitting."
                ),
            })];
            if *dangerous_goods {
                blocks.push(Block::Note(t(DANGEROUS_GOODS_ZH, DANGEROUS_GOODS_EN).to_owned()));
            } else {
                blocks.push(Block::Para(
                    t(
                        "给您带来的不便，我们深表歉意，敬请谅解。",
                        "We apologise for the inconvenience and thank you for your patience.",
                    )
                    .to_owned(),
                ));
            }
            blocks.push(Block::Link {
                label: t("查看进度", "Follow your repair"),
                url: status_link.clone(),
            });
            let mail = Mail {
                subject: match l {
                    Locale::ZhCn => format!("配件到货时间通知：{part_name}"),
                    Locale::En => format!("Update on your part: {part_name}"),
                },
                greeting: dear(l, customer_name),
                blocks,
            };
            // Customer SMS stay within two UCS-2 segments (134 units): the English
            // ones are terse; the e-mail and the status page say it in full.
            let sms = match (l, *dangerous_goods) {
                (Locale::ZhCn, true) => format!(
                    "{SMS_PREFIX}{customer_name}您好，您的{part_name}预计{new_eta}到货。{DANGEROUS_GOODS_ZH_SMS}进度：{status_link}"
                ),
                (Locale::ZhCn, false) => format!(
                    "{SMS_PREFIX}{customer_name}您好，您车辆所需的{part_name}需另行调货，预计{new_eta}到货，到货后将尽快为您安装，敬请谅解。进度：{status_link}"
                ),
                (Locale::En, true) => format!(
                    "{SMS_PREFIX}Dear {customer_name}, your {part_name} is due {new_eta} (dangerous goods may not fly). {status_link}"
                ),
                (Locale::En, false) => format!(
                    "{SMS_PREFIX}Dear {customer_name}, your {part_name} is now due {new_eta}. Sorry for the wait. {status_link}"
                ),
            };
            let note = if *dangerous_goods {
                t("危险品不能空运，只能陆运", "dangerous goods: road only, no air")
            } else {
                ""
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
                subject: match l {
                    Locale::ZhCn => format!("您的车辆（{plate}）故障已排除"),
                    Locale::En => format!("Your car ({plate}) has been fixed"),
                },
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(match l {
                        Locale::ZhCn => format!("您的车辆（{plate}）故障已由我们的救援人员在现场排除。感谢您对我们的信任与耐心等候。"),
                        Locale::En => format!("Our rescue crew has fixed the fault on your car ({plate}) on site. Thank you for your trust and your patience."),
                    }),
                    Block::Para(t(
                        "近日我们的服务顾问将致电回访，了解您对本次救援服务的意见和建议。祝您行车平安！",
                        "One of our service advisors will call you in the next few days to hear how we did. Safe driving!",
                    ).to_owned()),
                    Block::Link {
                        label: t("查看服务详情", "See the details"),
                        url: status_link.clone(),
                    },
                ],
            };
            let sms = match l {
                Locale::ZhCn => format!(
                    "{SMS_PREFIX}{customer_name}您好，您的车辆{plate}故障已在现场排除，感谢您的信任与耐心，稍后我们将致电回访。详情：{status_link}"
                ),
                Locale::En => format!(
                    "{SMS_PREFIX}Dear {customer_name}, your car {plate} is fixed. Thank you; we will call you to follow up. {status_link}"
                ),
            };
            let params = json!({ "name": customer_name, "plate": plate, "link": status_link });
            (mail, sms, params)
        }

        Message::CustomerLocationRequest {
            customer_name,
            link,
        } => {
            let mail = Mail {
                subject: t(
                    "请发送您的位置，便于救援人员找到您",
                    "Please share your location so our crew can find you",
                )
                .to_owned(),
                greeting: dear(l, customer_name),
                blocks: vec![
                    Block::Para(t(
                        "为了让救援人员尽快、准确地找到您，请点击下方链接，允许浏览器获取位置后提交您当前的位置。",
                        "To help our rescue crew find you quickly, please open the link below, allow your browser to use your location, and send it to us.",
                    ).to_owned()),
                    Block::Link {
                        label: t("发送我的位置", "Share my location"),
                        url: link.clone(),
                    },
                    Block::Para(t(
                        "请在安全的地方操作，切勿在行车道上停留。",
                        "Please do this from a safe place, away from traffic.",
                    ).to_owned()),
                ],
            };
            let sms = match l {
                Locale::ZhCn => format!(
                    "{SMS_PREFIX}{customer_name}您好，为便于救援人员尽快找到您，请点击链接发送您当前的位置：{link}"
                ),
                Locale::En => format!(
                    "{SMS_PREFIX}Dear {customer_name}, please share your location so our crew can find you: {link}"
                ),
            };
            let params = json!({ "name": customer_name, "link": link });
            (mail, sms, params)
        }

        Message::StaffPlanReview {
            number,
            version,
            total_yuan,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("待审核：救援单 {number} 的救援方案（第{version}版）"),
                    Locale::En => format!("For review: rescue plan v{version} of ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("车间主管已提交救援单 {number} 的救援方案（第{version}版），预估费用 ¥{total_yuan}，请您审核。"),
                    Locale::En => format!("The workshop lead has submitted rescue plan v{version} for ticket {number}, estimated at ¥{total_yuan}. Please review it."),
                },
                fields: vec![
                    (t("方案版本", "Plan version"), version_label(l, version)),
                    (t("预估费用", "Estimated cost"), format!("¥{total_yuan}")),
                ],
                action: t("审核方案", "Review the plan"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的救援方案（第{version}版，预估¥{total_yuan}）待您审核："),
                    Locale::En => format!("Rescue plan v{version} for ticket {number} (est. ¥{total_yuan}) awaits your review: "),
                },
                detail: match l {
                    Locale::ZhCn => format!("方案第{version}版待您审核"),
                    Locale::En => format!("plan v{version} awaits your review"),
                },
                extra: json!({ "version": version, "amount": total_yuan }),
            },
        ),

        Message::StaffConsentCall { number, link } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("请致电客户确认方案：救援单 {number}"),
                    Locale::En => format!("Please call the customer for consent: ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 的救援方案已通过审核。请致电客户，告知预计到达时间、救援负责人姓名及电话、维修项目和预估费用，并记录客户是否同意。"),
                    Locale::En => format!("The rescue plan for ticket {number} has passed review. Please call the customer with the expected arrival time, the rescue lead's name and phone number, the repair items and the estimated cost, and record whether they agree."),
                },
                fields: vec![],
                action: t("记录客户意见", "Record the customer's answer"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的方案已通过审核，请致电客户说明安排及费用，并记录客户意见："),
                    Locale::En => format!("The plan for ticket {number} passed review: please call the customer about the arrangement and cost and record their answer: "),
                },
                detail: t("方案已审核，请致电客户确认", "plan reviewed, please call the customer").to_owned(),
                extra: json!({}),
            },
        ),

        Message::StaffApproval {
            number,
            version,
            total_yuan,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("待审批：救援单 {number} 的救援方案（第{version}版）"),
                    Locale::En => format!("For approval: rescue plan v{version} of ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 的救援方案（第{version}版）已经服务经理审核，客户已同意，预估费用 ¥{total_yuan}，请您审批。方案获批前不能发料和派工。"),
                    Locale::En => format!("Rescue plan v{version} for ticket {number} has been reviewed by the service manager and the customer has agreed; the estimated cost is ¥{total_yuan}. Please approve or reject it: no parts are issued and no crew is dispatched before approval."),
                },
                fields: vec![
                    (t("方案版本", "Plan version"), version_label(l, version)),
                    (t("预估费用", "Estimated cost"), format!("¥{total_yuan}")),
                ],
                action: t("审批方案", "Approve or reject the plan"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的救援方案（第{version}版，预估¥{total_yuan}）客户已同意，待您审批："),
                    Locale::En => format!("Rescue plan v{version} for ticket {number} (est. ¥{total_yuan}) has the customer's consent and awaits your approval: "),
                },
                detail: match l {
                    Locale::ZhCn => format!("方案第{version}版待您审批"),
                    Locale::En => format!("plan v{version} awaits your approval"),
                },
                extra: json!({ "version": version, "amount": total_yuan }),
            },
        ),

        Message::StaffPlanReturned {
            number,
            reason,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("方案被退回：救援单 {number}"),
                    Locale::En => format!("Plan returned: ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 的救援方案被服务经理退回，请根据意见修改后重新提交。"),
                    Locale::En => format!("The service manager has returned the rescue plan for ticket {number}. Please revise it and submit it again."),
                },
                fields: vec![(t("退回原因", "Reason"), reason.clone())],
                action: t("修改方案", "Revise the plan"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的方案被服务经理退回，原因：{reason}。请修改后重新提交："),
                    Locale::En => format!("The plan for ticket {number} was returned by the service manager: {reason}. Please revise and resubmit: "),
                },
                detail: t("方案被退回，请修改", "plan returned, please revise").to_owned(),
                extra: json!({ "reason": reason }),
            },
        ),

        Message::StaffPlanRejected {
            number,
            reason,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("方案未获批准：救援单 {number}"),
                    Locale::En => format!("Plan rejected: ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 的救援方案未获服务总监批准，请根据意见修改后重新提交。"),
                    Locale::En => format!("The service director has rejected the rescue plan for ticket {number}. Please revise it and submit it again."),
                },
                fields: vec![(t("驳回原因", "Reason"), reason.clone())],
                action: t("修改方案", "Revise the plan"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的方案被服务总监驳回，原因：{reason}。请修改后重新提交："),
                    Locale::En => format!("The plan for ticket {number} was rejected by the service director: {reason}. Please revise and resubmit: "),
                },
                detail: t("方案未获批准，请修改", "plan rejected, please revise").to_owned(),
                extra: json!({ "reason": reason }),
            },
        ),

        Message::StaffPartsToIssue {
            number,
            version,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("请备料：救援单 {number}（方案第{version}版已批准）"),
                    Locale::En => format!("Parts to issue: ticket {number} (plan v{version} approved)"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 的救援方案（第{version}版）已经服务总监批准。请按方案备齐配件，发放给救援负责人；如有缺件，请及时安排调货。"),
                    Locale::En => format!("Rescue plan v{version} for ticket {number} has been approved by the service director. Please prepare the parts on the plan and issue them to the rescue lead; source anything missing without delay."),
                },
                fields: vec![(t("方案版本", "Plan version"), version_label(l, version))],
                action: t("发料", "Issue the parts"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的方案（第{version}版）已批准，请按方案备料并发放给救援负责人："),
                    Locale::En => format!("Plan v{version} for ticket {number} is approved: please prepare the parts and issue them to the rescue lead: "),
                },
                detail: match l {
                    Locale::ZhCn => format!("方案第{version}版已批准，请备料"),
                    Locale::En => format!("plan v{version} approved, please issue the parts"),
                },
                extra: json!({ "version": version }),
            },
        ),

        Message::StaffTransferToSend {
            number,
            part,
            to,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("请调出配件：{part} 发往 {to}"),
                    Locale::En => format!("Please send {part} to {to}"),
                },
                body: match l {
                    Locale::ZhCn => format!("{to} 的救援单 {number} 向本店调货「{part}」，配件已在本店货架上为其保留。请尽快发出，并在配件台登记承运商和运单号。"),
                    Locale::En => format!("{to} needs “{part}” from us for rescue ticket {number}; the units are held on our shelf. Please send them now and record the carrier and waybill on the parts desk."),
                },
                fields: vec![
                    (t("配件", "Part"), part.clone()),
                    (t("发往", "To"), to.clone()),
                ],
                action: t("登记发货", "Record shipping"),
                sms: match l {
                    Locale::ZhCn => format!("{to}救援单{number}向本店调货「{part}」，请尽快发出并登记运单："),
                    Locale::En => format!("{to} needs “{part}” for ticket {number}: please send it and record the waybill: "),
                },
                detail: match l {
                    Locale::ZhCn => format!("调货{part}发往{to}"),
                    Locale::En => format!("send {part} to {to}"),
                },
                extra: json!({ "part": part, "to": to }),
            },
        ),
        Message::StaffPartReview { number, part, link } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("监控件待审核：救援单 {number}"),
                    Locale::En => format!("Monitored part to review: ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 需要调货或订购监控件「{part}」。按规定，下单前须核对车架号并核实车主身份（身份证、行驶证）。请尽快审核，配件部才能下单。"),
                    Locale::En => format!("Ticket {number} needs the monitored part “{part}” from another source. Before it is ordered the VIN must be checked and the owner verified (ID card, vehicle licence). Please review it so the parts desk can place the order."),
                },
                fields: vec![(t("监控件", "Monitored part"), part.clone())],
                action: t("审核", "Review"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}的监控件「{part}」待审核（核对车架号与车主）："),
                    Locale::En => format!("Ticket {number}: monitored part “{part}” needs your review (VIN and owner): "),
                },
                detail: match l {
                    Locale::ZhCn => format!("监控件{part}待审核"),
                    Locale::En => format!("monitored part {part} to review"),
                },
                extra: json!({ "part": part }),
            },
        ),

        Message::StaffMismatch {
            number,
            found,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("现场故障与方案不符：救援单 {number}"),
                    Locale::En => format!("Fault on site differs from the plan: ticket {number}"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援负责人在现场确认，救援单 {number} 的实际故障与救援方案不符。请车间主管修订方案；修订后的方案须重新征得客户同意，并经服务总监审批。"),
                    Locale::En => format!("The rescue lead has found on site that the real fault on ticket {number} is not the one planned for. The workshop lead must revise the plan; the new version needs the customer's consent and the director's approval again."),
                },
                fields: vec![(t("现场确认的故障", "Fault found on site"), found.clone())],
                action: t("查看救援单", "Open the ticket"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}现场故障与方案不符：{found}。请车间主管修订方案："),
                    Locale::En => format!("Ticket {number}: the fault on site differs from the plan: {found}. The workshop lead must revise the plan: "),
                },
                detail: t("现场故障与方案不符", "fault on site differs from the plan").to_owned(),
                extra: json!({ "found": found }),
            },
        ),

        Message::StaffOrdersHeld {
            number,
            parts,
            found,
            link,
        } => staff(
            l,
            StaffText {
                number,
                link,
                subject: match l {
                    Locale::ZhCn => format!("寻源单暂停：救援单 {number} 现场故障与方案不符"),
                    Locale::En => format!("Sourcing orders on hold: ticket {number} has another fault than planned"),
                },
                body: match l {
                    Locale::ZhCn => format!("救援单 {number} 的救援负责人在现场确认，实际故障与方案不符，正在重新制定方案。为原方案调货或订购的配件「{parts}」已暂停：尚未下单的请勿下单，尚未发出的请勿发出。新方案提交后，仍需要的将自动继续，不再需要的将自动取消并释放兄弟店保留的库存。"),
                    Locale::En => format!("The rescue lead on ticket {number} found on site that the fault is not the planned one; the plan is being revised. The parts sourced for the old plan, “{parts}”, are on hold: do not place what is not placed, do not send what has not left. Once the revised plan is submitted, what it still needs goes on by itself and the rest is cancelled, releasing any units a sister dealer holds."),
                },
                fields: vec![
                    (t("暂停的配件", "Parts on hold"), parts.clone()),
                    (t("现场确认的故障", "Fault found on site"), found.clone()),
                ],
                action: t("查看寻源单", "Open the sourcing orders"),
                sms: match l {
                    Locale::ZhCn => format!("救援单{number}现场故障与方案不符，原方案的寻源单已暂停（{parts}），请勿下单或发货，待新方案决定："),
                    Locale::En => format!("Ticket {number}: the fault on site differs from the plan; its sourcing orders are on hold ({parts}). Do not place or send them until the revised plan decides: "),
                },
                detail: t("寻源单暂停，待新方案", "sourcing orders on hold until the revised plan").to_owned(),
                extra: json!({ "parts": parts, "found": found }),
            },
        ),
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
    fields: Vec<(&'static str, String)>,
    /// Label of the link to the page where the step is done.
    action: &'static str,
    /// SMS body after the prefix, ending where the link follows.
    sms: String,
    /// A short phrase for a generic `staff_notice` SMS template.
    detail: String,
    /// Template variables beyond number, detail and link.
    extra: Value,
}

fn staff(l: Locale, s: StaffText<'_>) -> (Mail, String, Value) {
    let mut fields = vec![(l.tr("救援单号", "Ticket"), s.number.to_owned())];
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
        greeting: l.tr("您好：", "Hello,").to_owned(),
        blocks,
    };
    let sms = format!("{SMS_PREFIX}{}{}", s.sms, s.link);
    let mut params = json!({ "number": s.number, "detail": s.detail, "link": s.link });
    if let (Some(p), Value::Object(extra)) = (params.as_object_mut(), s.extra) {
        p.extend(extra);
    }
    (mail, sms, params)
}

fn dear(l: Locale, name: &str) -> String {
    match l {
        Locale::ZhCn => format!("尊敬的{name}，您好！"),
        Locale::En => format!("Dear {name},"),
    }
}

fn version_label(l: Locale, version: &str) -> String {
    match l {
        Locale::ZhCn => format!("第{version}版"),
        Locale::En => format!("v{version}"),
    }
}

/// A link that opens the breakdown site on a map.
struct MapLink {
    url: String,
    amap: bool,
}

impl MapLink {
    fn label(&self, l: Locale) -> &'static str {
        if self.amap {
            l.tr("在高德地图中导航", "Open in Amap")
        } else {
            l.tr(
                "在地图中打开（OpenStreetMap）",
                "Open on the map (OpenStreetMap)",
            )
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
    Fields(Vec<(&'static str, String)>),
    /// A titled bullet list; empty shows "none".
    List {
        title: &'static str,
        items: Vec<String>,
    },
    Link {
        label: &'static str,
        url: String,
    },
}

fn footer(l: Locale) -> &'static str {
    l.tr(
        "此邮件由 RescueDesk 紧急救援系统自动发送，请勿直接回复。",
        "This message was sent automatically by RescueDesk. Please do not reply to it.",
    )
}

impl Mail {
    fn text(&self, l: Locale) -> String {
        let colon = l.tr("：", ": ");
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
                        out.push_str(&format!("{title}{colon}{}\n\n", l.tr("无", "none")));
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
        out.push_str(footer(l));
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
                            l.tr("：", ": "),
                            escape_html(l.tr("无", "none"))
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
            escape_html(footer(l))
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
        l.tr("zh", "en")
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
                    fault: s(l.tr(
                        "发动机无法启动，仪表盘蓄电池警告灯亮",
                        "Engine will not start, battery warning light on",
                    )),
                    items: vec![
                        s(l.tr("蓄电池检测", "Battery test")),
                        s(l.tr("更换蓄电池", "Replace the battery")),
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
                    part_name: s(l.tr("驾驶员侧安全气囊模块", "driver airbag module")),
                    new_eta: s(l.tr("11月25日下午", "25 Nov")),
                    dangerous_goods: true,
                    status_link: s(STATUS_LINK),
                },
            ),
            (
                "customer_parts_delay-regular",
                Message::CustomerPartsDelay {
                    customer_name: s("陈晓燕"),
                    part_name: s(l.tr("左前大灯总成", "left headlamp unit")),
                    new_eta: s(l.tr("11月24日上午", "24 Nov")),
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
                    reason: s(l.tr(
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
                    reason: s(l.tr(
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
                    link: s(STAFF_LINK),
                },
            ),
            (
                "fault_mismatch",
                Message::StaffMismatch {
                    number: s("HZ01-20261123-0007"),
                    found: s(l.tr(
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
                    found: s(l.tr(
                        "起动机损坏，蓄电池正常",
                        "Starter motor failed; the battery is fine",
                    )),
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
            let sentence = l.tr(DANGEROUS_GOODS_ZH, DANGEROUS_GOODS_EN);
            let r = render(&delay(true), l);
            assert!(r.text.contains(sentence));
            assert!(r.html.contains(&escape_html(sentence)));
            let r = render(&delay(false), l);
            assert!(!r.text.contains(sentence));
        }
        let r = render(
            &Message::CustomerPartsDelay {
                customer_name: "陈晓燕".into(),
                part_name: "驾驶员侧安全气囊模块".into(),
                new_eta: "11月25日".into(),
                dangerous_goods: true,
                status_link: STATUS_LINK.into(),
            },
            Locale::ZhCn,
        );
        assert!(r.sms_text.contains(DANGEROUS_GOODS_ZH_SMS));
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
