//! The monthly picture, computed from one fact row per rescue: tickets by response level and
//! outcome, how long each stage took (median, 90th percentile), how often each promise was kept,
//! the mismatch rate, satisfaction and complaints. Pure: the rows come from `services::reports`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::promise::Stage;

/// How a rescue ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    ResolvedOnSite,
    Towed,
    Cancelled,
    Open,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::ResolvedOnSite,
        Outcome::Towed,
        Outcome::Cancelled,
        Outcome::Open,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::ResolvedOnSite => "resolved_on_site",
            Outcome::Towed => "towed",
            Outcome::Cancelled => "cancelled",
            Outcome::Open => "open",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Outcome::ResolvedOnSite => "rep-outcome-resolved",
            Outcome::Towed => "rep-outcome-towed",
            Outcome::Cancelled => "rep-outcome-cancelled",
            Outcome::Open => "rep-outcome-open",
        }
    }
}

/// What the report needs of one rescue.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub level: i32,
    pub outcome: Outcome,
    pub call_time: NaiveDateTime,
    /// When each stage was reached (the timeline's milestones in force), in stage order.
    pub reached: Vec<(Stage, NaiveDateTime)>,
    /// Stages whose promise was broken (a breach recorded by the timer).
    pub breached: Vec<Stage>,
    /// The crew found another fault on site.
    pub mismatch: bool,
    /// The follow-up call's score, when the customer answered.
    pub score: Option<i32>,
    pub complaints: i64,
}

/// Median and 90th percentile of a stage, in minutes from the stage before (the call for the
/// first), over the rescues that reached it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageTimes {
    pub stage: Stage,
    pub count: usize,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

/// How often a promise (level × stage) was kept, over the rescues the promise applied to: those
/// that reached the stage, or that were breached on it without reaching it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Compliance {
    pub level: i32,
    pub stage: Stage,
    pub due: usize,
    pub breached: usize,
    /// Share kept, 0 to 1; none when nothing was due.
    pub kept_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LevelOutcomes {
    pub level: i32,
    pub total: usize,
    pub resolved_on_site: usize,
    pub towed: usize,
    pub cancelled: usize,
    pub open: usize,
}

/// The month's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub tickets: usize,
    pub by_level: Vec<LevelOutcomes>,
    pub stages: Vec<StageTimes>,
    pub compliance: Vec<Compliance>,
    pub breaches: usize,
    pub mismatches: usize,
    /// Mismatches over the rescues that reached the site; none when none did.
    pub mismatch_rate: Option<f64>,
    /// Answered follow-up calls and their mean score.
    pub answered_calls: usize,
    pub mean_score: Option<f64>,
    /// Answers per score 1..=5.
    pub scores: [usize; 5],
    pub complaints: i64,
}

/// The `p`-th percentile (0–100) of sorted values, by linear interpolation between the closest
/// ranks (the method spreadsheets call PERCENTILE.INC).
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    match sorted.len() {
        0 => None,
        1 => Some(sorted[0]),
        n => {
            let rank = (p / 100.0).clamp(0.0, 1.0) * (n - 1) as f64;
            let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
            Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64))
        }
    }
}

fn minutes(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds() as f64 / 60.0
}

/// The figures of these rescues. Levels are those present in the facts, 1 to 3 always listed.
pub fn summarise(facts: &[Fact]) -> Summary {
    let mut levels: BTreeMap<i32, LevelOutcomes> = (1..=3)
        .map(|l| {
            (
                l,
                LevelOutcomes {
                    level: l,
                    total: 0,
                    resolved_on_site: 0,
                    towed: 0,
                    cancelled: 0,
                    open: 0,
                },
            )
        })
        .collect();
    let mut durations: BTreeMap<Stage, Vec<f64>> = BTreeMap::new();
    let mut due: BTreeMap<(i32, Stage), (usize, usize)> = BTreeMap::new();
    let (mut mismatches, mut on_site, mut breaches, mut complaints) = (0, 0, 0, 0);
    let mut scores = [0usize; 5];
    for f in facts {
        let l = levels.entry(f.level).or_insert(LevelOutcomes {
            level: f.level,
            total: 0,
            resolved_on_site: 0,
            towed: 0,
            cancelled: 0,
            open: 0,
        });
        l.total += 1;
        match f.outcome {
            Outcome::ResolvedOnSite => l.resolved_on_site += 1,
            Outcome::Towed => l.towed += 1,
            Outcome::Cancelled => l.cancelled += 1,
            Outcome::Open => l.open += 1,
        }
        let mut from = f.call_time;
        for (stage, at) in &f.reached {
            durations
                .entry(*stage)
                .or_default()
                .push(minutes(from, *at));
            from = *at;
        }
        for &stage in Stage::ALL {
            let reached = f.reached.iter().any(|(s, _)| *s == stage);
            let broke = f.breached.contains(&stage);
            if reached || broke {
                let e = due.entry((f.level, stage)).or_default();
                e.0 += 1;
                e.1 += usize::from(broke);
            }
        }
        breaches += f.breached.len();
        if f.reached.iter().any(|(s, _)| *s == Stage::OnSite) {
            on_site += 1;
        }
        mismatches += usize::from(f.mismatch);
        if let Some(s) = f.score.and_then(|s| usize::try_from(s).ok()) {
            if (1..=5).contains(&s) {
                scores[s - 1] += 1;
            }
        }
        complaints += f.complaints;
    }
    let answered: usize = scores.iter().sum();
    let score_sum: usize = scores.iter().enumerate().map(|(i, n)| (i + 1) * n).sum();
    Summary {
        tickets: facts.len(),
        by_level: levels.into_values().collect(),
        stages: Stage::ALL
            .iter()
            .map(|s| {
                let mut d = durations.remove(s).unwrap_or_default();
                d.sort_by(f64::total_cmp);
                StageTimes {
                    stage: *s,
                    count: d.len(),
                    median_minutes: percentile(&d, 50.0),
                    p90_minutes: percentile(&d, 90.0),
                }
            })
            .collect(),
        compliance: due
            .into_iter()
            .map(|((level, stage), (n, broke))| Compliance {
                level,
                stage,
                due: n,
                breached: broke,
                kept_share: (n > 0).then(|| (n - broke) as f64 / n as f64),
            })
            .collect(),
        breaches,
        mismatches,
        mismatch_rate: (on_site > 0).then(|| mismatches as f64 / on_site as f64),
        answered_calls: answered,
        mean_score: (answered > 0).then(|| score_sum as f64 / answered as f64),
        scores,
        complaints,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 3)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(m)
    }

    /// A rescue called at `call` (minutes), reaching the stages at the given minutes.
    fn fact(level: i32, outcome: Outcome, call: i64, reached: &[i64]) -> Fact {
        Fact {
            level,
            outcome,
            call_time: at(call),
            reached: Stage::ALL
                .iter()
                .zip(reached)
                .map(|(s, m)| (*s, at(*m)))
                .collect(),
            breached: Vec::new(),
            mismatch: false,
            score: None,
            complaints: 0,
        }
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let v = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&v, 50.0), Some(25.0));
        assert_eq!(percentile(&v, 90.0), Some(37.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    /// A hand-built month of four rescues with a known answer.
    #[test]
    fn a_hand_built_month() {
        let mut a = fact(1, Outcome::ResolvedOnSite, 0, &[10, 30, 40, 70, 130]);
        a.score = Some(5);
        let mut b = fact(1, Outcome::Towed, 0, &[20, 50, 60, 100]);
        b.breached = vec![Stage::OnSite];
        b.mismatch = true;
        b.score = Some(2);
        b.complaints = 1;
        let mut c = fact(2, Outcome::ResolvedOnSite, 0, &[30, 90, 100, 160, 220]);
        c.score = Some(4);
        let mut d = fact(3, Outcome::Cancelled, 0, &[]);
        d.breached = vec![Stage::ResponseStarted];
        let s = summarise(&[a, b, c, d]);

        assert_eq!(s.tickets, 4);
        assert_eq!(
            s.by_level[0],
            LevelOutcomes {
                level: 1,
                total: 2,
                resolved_on_site: 1,
                towed: 1,
                cancelled: 0,
                open: 0
            }
        );
        assert_eq!((s.by_level[2].total, s.by_level[2].cancelled), (1, 1));
        // Call → plan submitted: 10, 20, 30 minutes.
        let first = s.stages[0];
        assert_eq!((first.count, first.median_minutes), (3, Some(20.0)));
        assert_eq!(first.p90_minutes, Some(28.0));
        // Departed → on site: 30, 40, 60.
        let on_site = s.stages[3];
        assert_eq!((on_site.count, on_site.median_minutes), (3, Some(40.0)));
        // Resolved: 60 (a) and 60 (c); b was towed before.
        assert_eq!(
            (s.stages[4].count, s.stages[4].median_minutes),
            (2, Some(60.0))
        );
        // Level 1 on site: due twice, broken once; level 3's response broken without being reached.
        let kept = |level, stage| {
            s.compliance
                .iter()
                .find(|c| c.level == level && c.stage == stage)
                .copied()
        };
        let l1 = kept(1, Stage::OnSite).unwrap();
        assert_eq!((l1.due, l1.breached, l1.kept_share), (2, 1, Some(0.5)));
        let l3 = kept(3, Stage::ResponseStarted).unwrap();
        assert_eq!((l3.due, l3.breached, l3.kept_share), (1, 1, Some(0.0)));
        assert!(kept(3, Stage::Approved).is_none(), "nothing due");
        assert_eq!(s.breaches, 2);
        // One mismatch among the three that reached the site.
        assert_eq!(s.mismatches, 1);
        assert!((s.mismatch_rate.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.answered_calls, 3);
        assert_eq!(s.scores, [0, 1, 0, 1, 1]);
        assert!((s.mean_score.unwrap() - 11.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.complaints, 1);
    }

    #[test]
    fn an_empty_month_has_no_figures_to_divide() {
        let s = summarise(&[]);
        assert_eq!(s.tickets, 0);
        assert_eq!(s.by_level.len(), 3);
        assert!(s.stages.iter().all(|t| t.median_minutes.is_none()));
        assert!(s.compliance.is_empty());
        assert_eq!((s.mismatch_rate, s.mean_score), (None, None));
    }
}
