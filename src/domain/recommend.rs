//! Which technicians to send: the skills a fault's words call for, and the ranking of the free,
//! on-duty technicians of the dealer and its sister dealers by when they would arrive, what they
//! can do, their grade and the jobs they already did today — each with the reasons in words.

use serde::Deserialize;

use super::eta::Drive;
use super::rota::Duty;

/// One entry of `[recommend] skills`: a fault mentioning any of `words` calls for `skill`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillWords {
    pub words: Vec<String>,
    pub skill: String,
}

/// `[recommend]`: how the plan editor ranks technicians. Every weight is in minutes of arrival,
/// so a ranking reads as "as good as arriving N minutes sooner".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendConfig {
    /// How many technicians are recommended.
    pub shown: usize,
    /// A sister dealer's technician is offered when none of the dealer's own is free, or when
    /// they would arrive at least this many minutes sooner than the dealer's best.
    pub sister_gain_minutes: i64,
    /// A technician who finished a job less than this many minutes ago starts from its site.
    pub last_site_minutes: i64,
    /// Each skill the fault calls for that the technician lacks weighs this many minutes.
    pub missing_skill_minutes: i64,
    /// Each job the technician already went out on today weighs this many minutes.
    pub job_today_minutes: i64,
    /// Each grade above junior is worth this many minutes.
    pub grade_minutes: i64,
    /// One on call (reachable, not at the dealer) needs this many minutes more to set off.
    pub on_call_minutes: i64,
    /// The fault's words and the skills they call for.
    pub skills: Vec<SkillWords>,
}

#[cfg(test)]
impl Default for RecommendConfig {
    /// The tests' figures: the shipped ones (config/default.toml) with fewer words.
    fn default() -> Self {
        let rule = |words: &[&str], skill: &str| SkillWords {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            skill: skill.to_owned(),
        };
        RecommendConfig {
            shown: 5,
            sister_gain_minutes: 20,
            last_site_minutes: 120,
            missing_skill_minutes: 45,
            job_today_minutes: 10,
            grade_minutes: 5,
            on_call_minutes: 20,
            skills: vec![
                rule(&["电瓶", "蓄电池", "搭电", "亏电"], "electrical"),
                rule(&["高压", "电池包", "动力电池"], "battery_ev"),
                rule(&["钥匙", "防盗"], "keys_immobiliser"),
                rule(&["爆胎", "轮胎", "胎压", "换胎"], "tyres"),
                rule(&["拖车", "拖走"], "towing"),
            ],
        }
    }
}

impl RecommendConfig {
    /// The checks serde cannot express: (key, message) of the first bad value.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !(1..=20).contains(&self.shown) {
            return Err(("recommend.shown", "must be between 1 and 20"));
        }
        let weights = [
            ("recommend.sister_gain_minutes", self.sister_gain_minutes),
            ("recommend.last_site_minutes", self.last_site_minutes),
            (
                "recommend.missing_skill_minutes",
                self.missing_skill_minutes,
            ),
            ("recommend.job_today_minutes", self.job_today_minutes),
            ("recommend.grade_minutes", self.grade_minutes),
            ("recommend.on_call_minutes", self.on_call_minutes),
        ];
        for (key, v) in weights {
            if !(0..=720).contains(&v) {
                return Err((key, "must be between 0 and 720 minutes"));
            }
        }
        if self.skills.len() > 100 {
            return Err(("recommend.skills", "at most 100 entries"));
        }
        for s in &self.skills {
            if s.skill.trim().is_empty() || s.words.is_empty() {
                return Err(("recommend.skills", "each entry needs a skill and words"));
            }
            if s.words
                .iter()
                .any(|w| w.trim().is_empty() || w.chars().count() > 20)
            {
                return Err(("recommend.skills", "each word 1 to 20 characters"));
            }
        }
        Ok(())
    }

    /// The skills the fault's description calls for, in the order of the configuration, each
    /// once. Words match anywhere in the text, ignoring case.
    pub fn wanted_skills(&self, fault: &str) -> Vec<String> {
        let fault = fault.to_lowercase();
        let mut out: Vec<String> = Vec::new();
        for rule in &self.skills {
            let hit = rule
                .words
                .iter()
                .any(|w| fault.contains(&w.trim().to_lowercase()));
            if hit && !out.contains(&rule.skill) {
                out.push(rule.skill.clone());
            }
        }
        out
    }
}

/// Where a technician would set off from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Their dealer.
    Dealer,
    /// The site of the job they finished `minutes_ago`.
    LastSite { minutes_ago: i64 },
}

/// A technician the ranking may recommend, with what it weighs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub technician_id: String,
    /// Of the ticket's dealer (else a sister dealer's).
    pub own: bool,
    pub skills: Vec<String>,
    /// Grades above junior (junior 0 … master 3).
    pub grade_rank: i64,
    pub jobs_today: i64,
    pub duty: Duty,
    /// Out on another ticket now.
    pub busy: bool,
    /// Already on this ticket's crew.
    pub on_crew: bool,
    /// The drive to the customer, when the site is known.
    pub drive: Option<Drive>,
    pub origin: Origin,
}

/// Why a technician is recommended, in the order shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Would arrive in about `minutes`, `km` by road, from `origin`.
    Arrives {
        minutes: i64,
        km: f64,
        origin: Origin,
    },
    /// The customer's position is not known yet: not ranked by distance.
    SiteUnknown,
    /// Has the skills the fault calls for.
    HasSkills(Vec<String>),
    /// Lacks these of them.
    LacksSkills(Vec<String>),
    /// Senior or master.
    Grade,
    JobsToday(i64),
    OnCall,
    /// Of a sister dealer: none of the dealer's own is free.
    SisterNoneFree,
    /// Of a sister dealer: arrives this many minutes before the dealer's best.
    SisterSooner(i64),
}

/// A recommended technician.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub technician_id: String,
    /// The ranking's figure: arrival minutes plus the weights (smaller is better).
    pub score: i64,
    pub reasons: Vec<Reason>,
}

/// The ranking's figure of one candidate.
fn score(cfg: &RecommendConfig, wanted: &[String], c: &Candidate) -> i64 {
    let missing = wanted.iter().filter(|s| !c.skills.contains(s)).count() as i64;
    let drive = c.drive.map_or(0, |d| d.minutes);
    let on_call = if c.duty == Duty::OnCall {
        cfg.on_call_minutes
    } else {
        0
    };
    drive + on_call + missing * cfg.missing_skill_minutes + c.jobs_today * cfg.job_today_minutes
        - c.grade_rank * cfg.grade_minutes
}

/// The technicians to recommend, best first: free (not out on another ticket), not off by the
/// rota, not on the crew yet; the dealer's own, and a sister dealer's only when none of the own
/// is free or they would arrive `sister_gain_minutes` sooner than the own best (never when the
/// site is unknown: "nearer" means nothing then). Ties keep the candidates' order.
pub fn rank(
    cfg: &RecommendConfig,
    wanted: &[String],
    candidates: &[Candidate],
) -> Vec<Recommendation> {
    let free: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !c.busy && !c.on_crew && c.duty != Duty::Off)
        .collect();
    let arrival = |c: &Candidate| {
        c.drive.map(|d| {
            d.minutes
                + if c.duty == Duty::OnCall {
                    cfg.on_call_minutes
                } else {
                    0
                }
        })
    };
    let best_own = free
        .iter()
        .filter(|c| c.own)
        .filter_map(|c| arrival(c))
        .min();
    let any_own = free.iter().any(|c| c.own);
    let mut picked: Vec<(i64, Recommendation)> = free
        .into_iter()
        .filter_map(|c| {
            let mut reasons = Vec::new();
            if !c.own {
                let a = arrival(c)?;
                match best_own {
                    _ if !any_own => reasons.push(Reason::SisterNoneFree),
                    Some(best) if best - a >= cfg.sister_gain_minutes => {
                        reasons.push(Reason::SisterSooner(best - a));
                    }
                    // Own technicians are free but none has a known arrival: keep to them.
                    _ => return None,
                }
            }
            match c.drive {
                Some(d) => reasons.insert(
                    0,
                    Reason::Arrives {
                        minutes: d.minutes,
                        km: d.km,
                        origin: c.origin.clone(),
                    },
                ),
                None => reasons.insert(0, Reason::SiteUnknown),
            }
            let has: Vec<String> = wanted
                .iter()
                .filter(|s| c.skills.contains(s))
                .cloned()
                .collect();
            let lacks: Vec<String> = wanted
                .iter()
                .filter(|s| !c.skills.contains(s))
                .cloned()
                .collect();
            if !has.is_empty() {
                reasons.push(Reason::HasSkills(has));
            }
            if !lacks.is_empty() {
                reasons.push(Reason::LacksSkills(lacks));
            }
            if c.grade_rank >= 2 {
                reasons.push(Reason::Grade);
            }
            reasons.push(Reason::JobsToday(c.jobs_today));
            if c.duty == Duty::OnCall {
                reasons.push(Reason::OnCall);
            }
            let s = score(cfg, wanted, c);
            Some((
                s,
                Recommendation {
                    technician_id: c.technician_id.clone(),
                    score: s,
                    reasons,
                },
            ))
        })
        .collect();
    picked.sort_by_key(|(s, _)| *s);
    picked.into_iter().take(cfg.shown).map(|(_, r)| r).collect()
}

/// Grades above junior of a stored grade code (unknown codes count as junior).
pub fn grade_rank(grade: &str) -> i64 {
    match grade {
        "intermediate" => 1,
        "senior" => 2,
        "master" => 3,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::eta::Source;

    fn drive(minutes: i64) -> Option<Drive> {
        Some(Drive {
            km: minutes as f64 * 0.8,
            minutes,
            source: Source::Estimated,
        })
    }

    fn tech(id: &str, own: bool, skills: &[&str], minutes: i64) -> Candidate {
        Candidate {
            technician_id: id.into(),
            own,
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            grade_rank: 1,
            jobs_today: 0,
            duty: Duty::OnDuty,
            busy: false,
            on_crew: false,
            drive: drive(minutes),
            origin: Origin::Dealer,
        }
    }

    fn ids(r: &[Recommendation]) -> Vec<&str> {
        r.iter().map(|r| r.technician_id.as_str()).collect()
    }

    #[test]
    fn the_fault_words_call_for_skills_once_each_in_any_case() {
        let cfg = RecommendConfig::default();
        assert_eq!(
            cfg.wanted_skills("蓄电池亏电，打不着火；电瓶灯亮"),
            ["electrical"]
        );
        assert_eq!(
            cfg.wanted_skills("高压电池包报警，钥匙也找不到"),
            ["battery_ev", "keys_immobiliser"]
        );
        assert!(cfg.wanted_skills("发动机异响").is_empty());
        let en = RecommendConfig {
            skills: vec![SkillWords {
                words: vec!["Battery".into()],
                skill: "electrical".into(),
            }],
            ..RecommendConfig::default()
        };
        assert_eq!(en.wanted_skills("flat BATTERY"), ["electrical"]);
    }

    /// A small known network: the nearest with the skill wins; a nearer one without it loses to
    /// them by the skill's weight; the busy, the off-duty and those already on the crew are left
    /// out.
    #[test]
    fn the_nearest_free_technician_with_the_skill_comes_first() {
        let cfg = RecommendConfig::default();
        let wanted = vec!["electrical".to_owned()];
        let mut busy = tech("busy", true, &["electrical"], 5);
        busy.busy = true;
        let mut off = tech("off", true, &["electrical"], 5);
        off.duty = Duty::Off;
        let mut crew = tech("crew", true, &["electrical"], 5);
        crew.on_crew = true;
        let candidates = [
            tech("far-skilled", true, &["electrical"], 40),
            tech("near-unskilled", true, &["tyres"], 10),
            tech("near-skilled", true, &["electrical", "tyres"], 15),
            busy,
            off,
            crew,
        ];
        let r = rank(&cfg, &wanted, &candidates);
        assert_eq!(ids(&r), ["near-skilled", "far-skilled", "near-unskilled"]);
        assert_eq!(
            r[0].reasons,
            [
                Reason::Arrives {
                    minutes: 15,
                    km: 12.0,
                    origin: Origin::Dealer
                },
                Reason::HasSkills(vec!["electrical".into()]),
                Reason::JobsToday(0),
            ]
        );
        assert!(r[2]
            .reasons
            .contains(&Reason::LacksSkills(vec!["electrical".into()])));
        // 10 minutes + 45 for the missing skill − 5 for the grade.
        assert_eq!(r[2].score, 50);
    }

    #[test]
    fn load_grade_and_on_call_weigh_in_minutes() {
        let cfg = RecommendConfig::default();
        let mut tired = tech("tired", true, &[], 10);
        tired.jobs_today = 3;
        let mut master = tech("master", true, &[], 20);
        master.grade_rank = 3;
        let mut home = tech("home", true, &[], 5);
        home.duty = Duty::OnCall;
        let r = rank(&cfg, &[], &[tired, master, home]);
        // tired 10 + 30 − 5 = 35; master 20 − 15 = 5; home 5 + 20 − 5 = 20.
        assert_eq!(ids(&r), ["master", "home", "tired"]);
        assert!(r[0].reasons.contains(&Reason::Grade));
        assert!(r[1].reasons.contains(&Reason::OnCall));
        assert!(r[2].reasons.contains(&Reason::JobsToday(3)));
    }

    #[test]
    fn a_sister_technician_only_when_none_of_ours_is_free_or_much_sooner() {
        let cfg = RecommendConfig::default();
        let own = tech("own", true, &[], 50);
        let near_sister = tech("near-sister", false, &[], 25);
        let slightly = tech("slightly-nearer-sister", false, &[], 40);
        let r = rank(&cfg, &[], &[own.clone(), near_sister, slightly.clone()]);
        assert_eq!(ids(&r), ["near-sister", "own"]);
        assert!(r[0].reasons.contains(&Reason::SisterSooner(25)));

        let mut out = own.clone();
        out.busy = true;
        let r = rank(&cfg, &[], &[out, slightly]);
        assert_eq!(ids(&r), ["slightly-nearer-sister"]);
        assert!(r[0].reasons.contains(&Reason::SisterNoneFree));

        // Without the customer's position nobody is "nearer": our own only, unranked by distance.
        let mut own_here = own;
        own_here.drive = None;
        let mut sister_here = tech("sister", false, &[], 1);
        sister_here.drive = None;
        let r = rank(&cfg, &[], &[own_here, sister_here]);
        assert_eq!(ids(&r), ["own"]);
        assert_eq!(r[0].reasons[0], Reason::SiteUnknown);
    }

    #[test]
    fn at_most_the_configured_number_is_shown() {
        let cfg = RecommendConfig {
            shown: 2,
            ..RecommendConfig::default()
        };
        let c: Vec<Candidate> = (0..5)
            .map(|i| tech(&format!("t{i}"), true, &[], 50 - i))
            .collect();
        assert_eq!(ids(&rank(&cfg, &[], &c)), ["t4", "t3"]);
    }

    #[test]
    fn the_configuration_is_bounded() {
        assert_eq!(RecommendConfig::default().validate(), Ok(()));
        let bad = RecommendConfig {
            shown: 0,
            ..RecommendConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err().0, "recommend.shown");
        let bad = RecommendConfig {
            job_today_minutes: -1,
            ..RecommendConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err().0, "recommend.job_today_minutes");
        let bad = RecommendConfig {
            skills: vec![SkillWords {
                words: vec![" ".into()],
                skill: "tyres".into(),
            }],
            ..RecommendConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err().0, "recommend.skills");
    }
}
