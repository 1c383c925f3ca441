//! Response promises (the clock): per response level, a target time from the call for each
//! stage of the rescue; the ticket's next promise is the first stage not yet reached, with its
//! deadline pushed back by the time the clock was paused while the rescue waited on the customer.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::response_level::ResponseLevel;

/// The stages a rescue promises to reach, in order, each counted from the call.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The plan is submitted: the emergency response has started.
    ResponseStarted,
    /// The director approved the plan.
    Approved,
    /// The crew left.
    Departed,
    /// The crew is on site.
    OnSite,
    /// The problem is solved on site.
    Resolved,
}

text_names!(Stage {
    ResponseStarted => "response_started",
    Approved => "approved",
    Departed => "departed",
    OnSite => "on_site",
    Resolved => "resolved",
});

impl Stage {
    /// The stage a milestone of the ticket's timeline (`services::timeline`) completes.
    pub fn from_milestone(milestone: &str) -> Option<Stage> {
        match milestone {
            "plan_submitted" => Some(Stage::ResponseStarted),
            "approved" => Some(Stage::Approved),
            "departed" => Some(Stage::Departed),
            "on_site" => Some(Stage::OnSite),
            "resolved" => Some(Stage::Resolved),
            _ => None,
        }
    }

    /// The catalogue key of the stage's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Stage::ResponseStarted => "promise-stage-response-started",
            Stage::Approved => "promise-stage-approved",
            Stage::Departed => "promise-stage-departed",
            Stage::OnSite => "promise-stage-on-site",
            Stage::Resolved => "promise-stage-resolved",
        }
    }
}

/// How the next promise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PromiseState {
    OnTime,
    /// Past `warn_share` of the target.
    Warning,
    /// The deadline has passed.
    Breached,
}

text_names!(PromiseState {
    OnTime => "on_time",
    Warning => "warning",
    Breached => "breached",
});

impl PromiseState {
    /// How pressing the state is: breached before warning before on time.
    fn rank(self) -> u8 {
        match self {
            PromiseState::Breached => 0,
            PromiseState::Warning => 1,
            PromiseState::OnTime => 2,
        }
    }

    /// The catalogue key of the state's name.
    pub fn label_key(self) -> &'static str {
        match self {
            PromiseState::OnTime => "promise-state-on-time",
            PromiseState::Warning => "promise-state-warning",
            PromiseState::Breached => "promise-state-breached",
        }
    }
}

/// What the timer worker records once per ticket and stage (`sla_alerts.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Warning,
    Breach,
}

text_names!(AlertKind {
    Warning => "warning",
    Breach => "breach",
});

/// Who is told at a warning or a breach. The group's duty manager is whoever the rota names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notify {
    ServiceManager,
    ServiceDirector,
    GroupDutyManager,
}

text_names!(Notify {
    ServiceManager => "service_manager",
    ServiceDirector => "service_director",
    GroupDutyManager => "group_duty_manager",
});

/// Why the clock stands still: the rescue waits on the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The consent call was not answered.
    ConsentCallUnanswered,
    /// The customer asked the crew to wait (e.g. to come later).
    CustomerAskedToWait,
    /// The customer cannot be reached at all.
    CustomerUnreachable,
    /// Anything else; the note says what.
    Other,
}

text_names!(PauseReason {
    ConsentCallUnanswered => "consent_call_unanswered",
    CustomerAskedToWait => "customer_asked_to_wait",
    CustomerUnreachable => "customer_unreachable",
    Other => "other",
});

impl PauseReason {
    /// "Other" says nothing by itself.
    pub fn needs_note(self) -> bool {
        self == PauseReason::Other
    }

    /// The catalogue key of the reason's name.
    pub fn label_key(self) -> &'static str {
        match self {
            PauseReason::ConsentCallUnanswered => "promise-reason-consent-call-unanswered",
            PauseReason::CustomerAskedToWait => "promise-reason-customer-asked-to-wait",
            PauseReason::CustomerUnreachable => "promise-reason-customer-unreachable",
            PauseReason::Other => "promise-reason-other",
        }
    }
}

/// `[sla]` of the configuration: targets in minutes from the call, per level and stage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaConfig {
    pub warn_share: f64,
    pub pause_allowed: bool,
    pub level1_response_started_minutes: u32,
    pub level1_approved_minutes: u32,
    pub level1_departed_minutes: u32,
    pub level1_on_site_minutes: u32,
    pub level1_resolved_minutes: u32,
    pub level2_response_started_minutes: u32,
    pub level2_approved_minutes: u32,
    pub level2_departed_minutes: u32,
    pub level2_on_site_minutes: u32,
    pub level2_resolved_minutes: u32,
    pub level3_response_started_minutes: u32,
    pub level3_approved_minutes: u32,
    pub level3_departed_minutes: u32,
    pub level3_on_site_minutes: u32,
    pub level3_resolved_minutes: u32,
    pub level1_warning_notify: Vec<Notify>,
    pub level1_breach_notify: Vec<Notify>,
    pub level2_warning_notify: Vec<Notify>,
    pub level2_breach_notify: Vec<Notify>,
    pub level3_warning_notify: Vec<Notify>,
    pub level3_breach_notify: Vec<Notify>,
}

/// A bad `[sla]` value: the key (without the section) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaConfigError {
    pub field: String,
    pub message: String,
}

/// The longest target: thirty days.
pub const MAX_TARGET_MINUTES: u32 = 30 * 24 * 60;

impl SlaConfig {
    /// The targets of one level, in stage order, each with its key.
    fn targets(&self, level: ResponseLevel) -> [(&'static str, u32); 5] {
        match level {
            ResponseLevel::Major => [
                (
                    "level1_response_started_minutes",
                    self.level1_response_started_minutes,
                ),
                ("level1_approved_minutes", self.level1_approved_minutes),
                ("level1_departed_minutes", self.level1_departed_minutes),
                ("level1_on_site_minutes", self.level1_on_site_minutes),
                ("level1_resolved_minutes", self.level1_resolved_minutes),
            ],
            ResponseLevel::Serious => [
                (
                    "level2_response_started_minutes",
                    self.level2_response_started_minutes,
                ),
                ("level2_approved_minutes", self.level2_approved_minutes),
                ("level2_departed_minutes", self.level2_departed_minutes),
                ("level2_on_site_minutes", self.level2_on_site_minutes),
                ("level2_resolved_minutes", self.level2_resolved_minutes),
            ],
            ResponseLevel::General => [
                (
                    "level3_response_started_minutes",
                    self.level3_response_started_minutes,
                ),
                ("level3_approved_minutes", self.level3_approved_minutes),
                ("level3_departed_minutes", self.level3_departed_minutes),
                ("level3_on_site_minutes", self.level3_on_site_minutes),
                ("level3_resolved_minutes", self.level3_resolved_minutes),
            ],
        }
    }

    /// The time from the call within which `stage` is promised at `level`.
    pub fn target(&self, level: ResponseLevel, stage: Stage) -> Duration {
        let index = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
        Duration::minutes(i64::from(self.targets(level)[index].1))
    }

    /// Who is told when a promise of `level` nears its deadline (warning) or breaks (breach).
    pub fn notify(&self, level: ResponseLevel, kind: AlertKind) -> &[Notify] {
        match (level, kind) {
            (ResponseLevel::Major, AlertKind::Warning) => &self.level1_warning_notify,
            (ResponseLevel::Major, AlertKind::Breach) => &self.level1_breach_notify,
            (ResponseLevel::Serious, AlertKind::Warning) => &self.level2_warning_notify,
            (ResponseLevel::Serious, AlertKind::Breach) => &self.level2_breach_notify,
            (ResponseLevel::General, AlertKind::Warning) => &self.level3_warning_notify,
            (ResponseLevel::General, AlertKind::Breach) => &self.level3_breach_notify,
        }
    }

    /// Rules serde cannot express: a share strictly between 0 and 1; targets of at least a
    /// minute and at most thirty days, never earlier than the stage before, and never looser
    /// for a more urgent level; a breach tells somebody; nobody is named twice.
    pub fn validate(&self) -> Result<(), SlaConfigError> {
        let bad = |field: &str, message: String| SlaConfigError {
            field: field.to_owned(),
            message,
        };
        if !(self.warn_share > 0.0 && self.warn_share < 1.0) {
            return Err(bad(
                "warn_share",
                "must be greater than 0 and less than 1".into(),
            ));
        }
        for level in ResponseLevel::ALL {
            let targets = self.targets(level);
            for (i, (key, minutes)) in targets.iter().enumerate() {
                if !(1..=MAX_TARGET_MINUTES).contains(minutes) {
                    return Err(bad(
                        key,
                        format!("must be between 1 and {MAX_TARGET_MINUTES} minutes"),
                    ));
                }
                if let Some((before, earlier)) = i.checked_sub(1).map(|j| targets[j]) {
                    if minutes < &earlier {
                        return Err(bad(key, format!("must not be less than {before}")));
                    }
                }
            }
        }
        for pair in ResponseLevel::ALL.windows(2) {
            let (urgent, looser) = (self.targets(pair[0]), self.targets(pair[1]));
            for ((key, minutes), (other, more)) in urgent.iter().zip(looser.iter()) {
                if minutes > more {
                    return Err(bad(key, format!("must not be more than {other}")));
                }
            }
        }
        for (key, list) in [
            ("level1_warning_notify", &self.level1_warning_notify),
            ("level1_breach_notify", &self.level1_breach_notify),
            ("level2_warning_notify", &self.level2_warning_notify),
            ("level2_breach_notify", &self.level2_breach_notify),
            ("level3_warning_notify", &self.level3_warning_notify),
            ("level3_breach_notify", &self.level3_breach_notify),
        ] {
            if key.ends_with("breach_notify") && list.is_empty() {
                return Err(bad(key, "must name at least one role".into()));
            }
            if list.iter().enumerate().any(|(i, n)| list[..i].contains(n)) {
                return Err(bad(key, "names a role twice".into()));
            }
        }
        Ok(())
    }
}

/// A stretch of time the clock stood still; `ended_at` is `None` while it still does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

/// What the clock of one ticket is read from.
#[derive(Debug, Clone)]
pub struct Clock<'a> {
    pub call_time: NaiveDateTime,
    pub level: ResponseLevel,
    /// The rescue is still going on (not resolved, towed, closed or cancelled).
    pub open: bool,
    /// The stages reached, as the timeline has them in force (a re-plan before departure takes
    /// the approval back).
    pub reached: &'a [Stage],
    pub pauses: &'a [Pause],
}

/// The ticket's next promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promise {
    pub stage: Stage,
    /// When the time runs out. While the clock is paused: if it went on again now.
    pub deadline: NaiveDateTime,
    /// Time left on the clock; negative when late. Stands still while the clock is paused.
    pub seconds_left: i64,
    pub state: PromiseState,
    pub paused: bool,
}

/// The order of urgency of a promise, the most urgent smallest: breached before warning before
/// on time, then the least time left (the latest first among the breached). A warning comes
/// before an on-time promise even with more time left: its level gave it less.
pub fn urgency(state: PromiseState, seconds_left: i64) -> (u8, i64) {
    (state.rank(), seconds_left)
}

/// The pauses within `[from, to]`, an open one running until `to`, sorted and merged.
fn paused_spans(
    pauses: &[Pause],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut spans: Vec<(NaiveDateTime, NaiveDateTime)> = pauses
        .iter()
        .map(|p| (p.started_at.max(from), p.ended_at.unwrap_or(to).min(to)))
        .filter(|(s, e)| s < e)
        .collect();
    spans.sort();
    let mut merged: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// When `target` of time on the clock has run from `call_time`: the clock walked forwards, each
/// pause before the deadline pushing it back by its length.
fn deadline_after(
    call_time: NaiveDateTime,
    target: Duration,
    spans: &[(NaiveDateTime, NaiveDateTime)],
) -> NaiveDateTime {
    let mut at = call_time;
    let mut remaining = target;
    for (s, e) in spans {
        if *s >= at + remaining {
            break;
        }
        remaining -= *s - at;
        at = *e;
    }
    at + remaining
}

/// A stage reached after its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateStage {
    pub stage: Stage,
    pub deadline: NaiveDateTime,
    pub reached_at: NaiveDateTime,
}

/// The stages among `reached` (each with the moment it was reached) that were reached after
/// their deadline, the pauses before that moment counted as they were: the breaches a timer
/// round may not have seen, because the stage ended between two rounds or while no worker ran.
/// A stage reached at its deadline to the second is on time: it was done when time ran out.
pub fn late_stages(
    cfg: &SlaConfig,
    call_time: NaiveDateTime,
    level: ResponseLevel,
    reached: &[(Stage, NaiveDateTime)],
    pauses: &[Pause],
) -> Vec<LateStage> {
    reached
        .iter()
        .filter_map(|&(stage, reached_at)| {
            let spans = paused_spans(pauses, call_time, reached_at);
            let deadline = deadline_after(call_time, cfg.target(level, stage), &spans);
            (reached_at > deadline).then_some(LateStage {
                stage,
                deadline,
                reached_at,
            })
        })
        .collect()
}

/// The next promise of a ticket at `now`, or none when the rescue is over (or every stage is
/// reached). Time on the clock is the time since the call less the pauses; the deadline is when
/// that reaches the target, so a pause before it pushes it back by its length.
pub fn next_promise(cfg: &SlaConfig, clock: &Clock<'_>, now: NaiveDateTime) -> Option<Promise> {
    if !clock.open {
        return None;
    }
    let stage = Stage::ALL
        .iter()
        .copied()
        .find(|s| !clock.reached.contains(s))?;
    let target = cfg.target(clock.level, stage);
    let spans = paused_spans(clock.pauses, clock.call_time, now);
    let paused_total = spans
        .iter()
        .fold(Duration::zero(), |sum, (s, e)| sum + (*e - *s));
    let on_clock = (now - clock.call_time) - paused_total;
    let left = target - on_clock;
    let deadline = deadline_after(clock.call_time, target, &spans);
    let paused = clock
        .pauses
        .iter()
        .any(|p| p.ended_at.is_none() && p.started_at <= now);
    let state = if left <= Duration::zero() {
        PromiseState::Breached
    } else if on_clock.num_milliseconds() as f64
        >= target.num_milliseconds() as f64 * cfg.warn_share
    {
        PromiseState::Warning
    } else {
        PromiseState::OnTime
    };
    Some(Promise {
        stage,
        deadline,
        seconds_left: left.num_seconds(),
        state,
        paused,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The defaults' shape with round numbers: level 1 is 30/60/90/180/720 minutes.
    pub(crate) fn config() -> SlaConfig {
        SlaConfig {
            warn_share: 0.75,
            pause_allowed: true,
            level1_response_started_minutes: 30,
            level1_approved_minutes: 60,
            level1_departed_minutes: 90,
            level1_on_site_minutes: 180,
            level1_resolved_minutes: 720,
            level2_response_started_minutes: 120,
            level2_approved_minutes: 180,
            level2_departed_minutes: 240,
            level2_on_site_minutes: 480,
            level2_resolved_minutes: 1440,
            level3_response_started_minutes: 240,
            level3_approved_minutes: 360,
            level3_departed_minutes: 480,
            level3_on_site_minutes: 720,
            level3_resolved_minutes: 2880,
            level1_warning_notify: vec![Notify::ServiceManager, Notify::ServiceDirector],
            level1_breach_notify: vec![
                Notify::ServiceManager,
                Notify::ServiceDirector,
                Notify::GroupDutyManager,
            ],
            level2_warning_notify: vec![Notify::ServiceManager],
            level2_breach_notify: vec![Notify::ServiceManager, Notify::ServiceDirector],
            level3_warning_notify: vec![Notify::ServiceManager],
            level3_breach_notify: vec![Notify::ServiceManager],
        }
    }

    fn at(minutes: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + Duration::minutes(minutes)
    }

    fn promise(reached: &[Stage], pauses: &[Pause], now: NaiveDateTime) -> Option<Promise> {
        next_promise(
            &config(),
            &Clock {
                call_time: at(0),
                level: ResponseLevel::Major,
                open: true,
                reached,
                pauses,
            },
            now,
        )
    }

    fn late(reached: &[(Stage, NaiveDateTime)], pauses: &[Pause]) -> Vec<LateStage> {
        late_stages(&config(), at(0), ResponseLevel::Major, reached, pauses)
    }

    #[test]
    fn a_stage_reached_after_its_deadline_is_late_and_one_at_it_is_not() {
        // Level 1: plan submitted within 30 minutes, approved within 60.
        assert_eq!(
            late(
                &[(Stage::ResponseStarted, at(30)), (Stage::Approved, at(61))],
                &[]
            ),
            vec![LateStage {
                stage: Stage::Approved,
                deadline: at(60),
                reached_at: at(61),
            }]
        );
        assert!(late(&[(Stage::ResponseStarted, at(29))], &[]).is_empty());
    }

    #[test]
    fn a_pause_before_the_stage_ended_pushes_its_deadline_back_and_one_after_does_not() {
        let pause = |from, to| Pause {
            started_at: at(from),
            ended_at: Some(at(to)),
        };
        // Paused 10 minutes at 20: submitted at 38 is on time (deadline 40).
        assert!(late(&[(Stage::ResponseStarted, at(38))], &[pause(20, 30)]).is_empty());
        // The same pause after the submission at 35 counts for nothing: late by 5.
        assert_eq!(
            late(&[(Stage::ResponseStarted, at(35))], &[pause(40, 50)]),
            vec![LateStage {
                stage: Stage::ResponseStarted,
                deadline: at(30),
                reached_at: at(35),
            }]
        );
        // A pause still open when the stage ended counts until then.
        let open = Pause {
            started_at: at(25),
            ended_at: None,
        };
        assert!(late(&[(Stage::ResponseStarted, at(34))], &[open]).is_empty());
    }

    #[test]
    fn names_round_trip() {
        crate::domain::assert_names_round_trip(Stage::ALL, Stage::as_str, Stage::parse);
        crate::domain::assert_names_round_trip(
            PromiseState::ALL,
            PromiseState::as_str,
            PromiseState::parse,
        );
        crate::domain::assert_names_round_trip(AlertKind::ALL, AlertKind::as_str, AlertKind::parse);
        crate::domain::assert_names_round_trip(Notify::ALL, Notify::as_str, Notify::parse);
        crate::domain::assert_names_round_trip(
            PauseReason::ALL,
            PauseReason::as_str,
            PauseReason::parse,
        );
    }

    #[test]
    fn a_fresh_ticket_promises_the_response_within_its_target() {
        let p = promise(&[], &[], at(10)).unwrap();
        assert_eq!(p.stage, Stage::ResponseStarted);
        assert_eq!(p.deadline, at(30));
        assert_eq!(p.seconds_left, 20 * 60);
        assert_eq!(p.state, PromiseState::OnTime);
        assert!(!p.paused);
    }

    #[test]
    fn each_stage_in_turn() {
        let mut reached = Vec::new();
        for (stage, minutes) in [
            (Stage::ResponseStarted, 30),
            (Stage::Approved, 60),
            (Stage::Departed, 90),
            (Stage::OnSite, 180),
            (Stage::Resolved, 720),
        ] {
            let p = promise(&reached, &[], at(1)).unwrap();
            assert_eq!((p.stage, p.deadline), (stage, at(minutes)), "{reached:?}");
            reached.push(stage);
        }
        assert_eq!(promise(&reached, &[], at(1)), None, "every stage reached");
    }

    #[test]
    fn levels_have_their_own_targets() {
        let clock = |level| Clock {
            call_time: at(0),
            level,
            open: true,
            reached: &[],
            pauses: &[],
        };
        let deadline = |level| {
            next_promise(&config(), &clock(level), at(0))
                .unwrap()
                .deadline
        };
        assert_eq!(deadline(ResponseLevel::Major), at(30));
        assert_eq!(deadline(ResponseLevel::Serious), at(120));
        assert_eq!(deadline(ResponseLevel::General), at(240));
    }

    #[test]
    fn warning_at_the_share_then_breach() {
        // 30 minutes, warned at 75 %: 22.5 minutes.
        assert_eq!(
            promise(&[], &[], at(22)).unwrap().state,
            PromiseState::OnTime
        );
        let warned = promise(&[], &[], at(23)).unwrap();
        assert_eq!(warned.state, PromiseState::Warning);
        assert_eq!(warned.seconds_left, 7 * 60);
        assert_eq!(
            promise(&[], &[], at(30)).unwrap().state,
            PromiseState::Breached
        );
        let late = promise(&[], &[], at(45)).unwrap();
        assert_eq!(late.state, PromiseState::Breached);
        assert_eq!(late.seconds_left, -15 * 60, "negative when late");
        assert_eq!(late.deadline, at(30));
    }

    #[test]
    fn a_pause_pushes_the_deadline_back() {
        let pauses = [Pause {
            started_at: at(10),
            ended_at: Some(at(25)),
        }];
        let p = promise(&[], &pauses, at(35)).unwrap();
        assert_eq!(p.deadline, at(45));
        assert_eq!(p.seconds_left, 10 * 60);
        assert_eq!(
            p.state,
            PromiseState::OnTime,
            "20 of 30 minutes on the clock"
        );
        assert!(!p.paused);
    }

    #[test]
    fn an_open_pause_freezes_the_time_left() {
        let pauses = [Pause {
            started_at: at(20),
            ended_at: None,
        }];
        let soon = promise(&[], &pauses, at(25)).unwrap();
        let later = promise(&[], &pauses, at(300)).unwrap();
        assert!(soon.paused && later.paused);
        assert_eq!(soon.seconds_left, 10 * 60);
        assert_eq!(later.seconds_left, 10 * 60, "frozen");
        assert_eq!(later.state, PromiseState::OnTime);
        // The deadline is where it would be if the clock went on now.
        assert_eq!(later.deadline, at(310));
    }

    #[test]
    fn a_pause_after_the_deadline_does_not_move_it() {
        let pauses = [Pause {
            started_at: at(40),
            ended_at: Some(at(50)),
        }];
        let p = promise(&[], &pauses, at(60)).unwrap();
        assert_eq!(p.deadline, at(30));
        assert_eq!(p.state, PromiseState::Breached);
        assert_eq!(
            p.seconds_left,
            -20 * 60,
            "the paused ten minutes are not counted"
        );
    }

    #[test]
    fn pauses_before_the_call_or_overlapping_count_once() {
        let pauses = [
            Pause {
                started_at: at(-30),
                ended_at: Some(at(5)),
            },
            Pause {
                started_at: at(3),
                ended_at: Some(at(10)),
            },
        ];
        assert_eq!(promise(&[], &pauses, at(15)).unwrap().deadline, at(40));
    }

    #[test]
    fn a_stage_finished_just_before_its_deadline_is_kept() {
        // The plan went in at 29:59; at 31 minutes the next promise is the approval, on time.
        let p = promise(&[Stage::ResponseStarted], &[], at(31)).unwrap();
        assert_eq!(p.stage, Stage::Approved);
        assert_eq!(p.deadline, at(60));
        assert_eq!(p.state, PromiseState::OnTime);
    }

    #[test]
    fn finished_or_cancelled_tickets_have_no_promise() {
        let clock = Clock {
            call_time: at(0),
            level: ResponseLevel::Major,
            open: false,
            reached: &[],
            pauses: &[],
        };
        assert_eq!(next_promise(&config(), &clock, at(100)), None);
    }

    #[test]
    fn milestones_map_to_stages() {
        for (milestone, stage) in [
            ("plan_submitted", Stage::ResponseStarted),
            ("approved", Stage::Approved),
            ("departed", Stage::Departed),
            ("on_site", Stage::OnSite),
            ("resolved", Stage::Resolved),
        ] {
            assert_eq!(Stage::from_milestone(milestone), Some(stage));
        }
        assert_eq!(Stage::from_milestone("call"), None);
    }

    #[test]
    fn validation_names_the_key() {
        assert_eq!(config().validate(), Ok(()));
        let field = |change: fn(&mut SlaConfig)| {
            let mut c = config();
            change(&mut c);
            c.validate().unwrap_err().field
        };
        assert_eq!(field(|c| c.warn_share = 1.0), "warn_share");
        assert_eq!(field(|c| c.warn_share = 0.0), "warn_share");
        assert_eq!(
            field(|c| c.level2_on_site_minutes = 0),
            "level2_on_site_minutes"
        );
        assert_eq!(
            field(|c| c.level1_approved_minutes = 20),
            "level1_approved_minutes",
            "earlier than the response"
        );
        assert_eq!(
            field(|c| c.level1_resolved_minutes = 2000),
            "level1_resolved_minutes",
            "looser than level 2"
        );
        assert_eq!(
            field(|c| c.level2_breach_notify.clear()),
            "level2_breach_notify"
        );
        assert_eq!(
            field(|c| c.level3_warning_notify = vec![Notify::ServiceManager; 2]),
            "level3_warning_notify"
        );
        let mut quiet = config();
        quiet.level3_warning_notify.clear();
        assert_eq!(quiet.validate(), Ok(()), "a warning may tell nobody");
    }

    #[test]
    fn notify_per_level_and_kind() {
        let c = config();
        assert!(c
            .notify(ResponseLevel::Major, AlertKind::Breach)
            .contains(&Notify::GroupDutyManager));
        assert_eq!(
            c.notify(ResponseLevel::General, AlertKind::Warning),
            &[Notify::ServiceManager]
        );
    }

    #[test]
    fn breached_before_warning_before_on_time_then_least_left() {
        use PromiseState::*;
        let mut seen = [
            ("on time, little left", urgency(OnTime, 60)),
            ("warning, much left", urgency(Warning, 3_600)),
            ("just late", urgency(Breached, -60)),
            ("on time, much left", urgency(OnTime, 7_200)),
            ("long late", urgency(Breached, -7_200)),
            ("warning, little left", urgency(Warning, 300)),
        ];
        seen.sort_by_key(|(_, u)| *u);
        let order: Vec<_> = seen.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            order,
            [
                "long late",
                "just late",
                "warning, little left",
                "warning, much left",
                "on time, little left",
                "on time, much left"
            ]
        );
    }
}
