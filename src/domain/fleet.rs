//! Rescue vehicles (救援车辆) and their readiness checks: what a dealer's van, tow truck or
//! flatbed carries, the check the crew makes on the phone (fuel, water, tyre pressure, tool kit,
//! lights), and when a vehicle counts as ready to go out.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::plate::Plate;
use super::text::NonEmptyText;
use crate::i18n::Msg;

/// What kind of vehicle: a van brings a technician and tools, a tow truck or flatbed takes the
/// car away (a flatbed for cars that must not roll on their own wheels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VehicleKind {
    ServiceVan,
    TowTruck,
    Flatbed,
}

text_names!(VehicleKind {
    ServiceVan => "service_van",
    TowTruck => "tow_truck",
    Flatbed => "flatbed",
});

impl VehicleKind {
    pub fn label_key(self) -> &'static str {
        match self {
            VehicleKind::ServiceVan => "fleet-kind-service-van",
            VehicleKind::TowTruck => "fleet-kind-tow-truck",
            VehicleKind::Flatbed => "fleet-kind-flatbed",
        }
    }

    /// Whether it can take a car away (a plan that tows needs one of these).
    pub fn tows(self) -> bool {
        matches!(self, VehicleKind::TowTruck | VehicleKind::Flatbed)
    }
}

/// What a vehicle carries on board, as the seeds list it.
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
pub enum Equipment {
    ToolKit,
    JumpPack,
    TyreKit,
}

text_names!(Equipment {
    ToolKit => "tool_kit",
    JumpPack => "jump_pack",
    TyreKit => "tyre_kit",
});

impl Equipment {
    pub fn label_key(self) -> &'static str {
        match self {
            Equipment::ToolKit => "fleet-carries-tool-kit",
            Equipment::JumpPack => "fleet-carries-jump-pack",
            Equipment::TyreKit => "fleet-carries-tyre-kit",
        }
    }

    /// The stored form of a set: the names in order, comma-separated (the set is small and
    /// fixed, so a column is simpler than a table and reads back in one row).
    pub fn join(set: &[Equipment]) -> String {
        set.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The inverse of `join`; `None` for a name the code does not know (a damaged row is an
    /// error, never a silently shorter list).
    pub fn split(stored: &str) -> Option<Vec<Equipment>> {
        stored
            .split(',')
            .filter(|s| !s.is_empty())
            .map(Equipment::parse)
            .collect()
    }
}

/// Why a check was made: the daily one, or the one before a holiday (春节前车辆检查).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckOccasion {
    Daily,
    Holiday,
}

text_names!(CheckOccasion {
    Daily => "daily",
    Holiday => "holiday",
});

/// Longest plate-free name of a vehicle's base (e.g. 城北站): shown in a phone's list.
pub const MAX_BASE_CHARS: usize = 40;
/// Longest note of a check: what is wrong, for the workshop lead.
pub const MAX_NOTE_CHARS: usize = 200;
/// How long a passed check counts. The seeds ask for a daily check; 24 hours rather than "today"
/// so a vehicle checked at 07:30 stays ready through the night shift and is due again at the
/// start of the next morning's.
pub const CHECK_VALID_HOURS: i64 = 24;

/// `POST /api/v1/rescue-vehicles`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct VehicleRequest {
    /// The vehicle's own plate (Chinese format).
    #[schema(example = "浙A·J1234", value_type = String, required = true, pattern = "^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·. -]?([0-9A-HJ-NP-Z]{5}|[0-9A-HJ-NP-Z]{4}[挂学警]|[A-HJK][0-9A-HJ-NP-Z][0-9]{4}|[0-9]{5}[DF])$")]
    pub plate: Option<String>,
    #[schema(value_type = VehicleKind, required = true)]
    pub kind: Option<VehicleKind>,
    /// What it carries; may be empty (a flatbed carries no tool kit).
    #[serde(default)]
    pub carries: Vec<Equipment>,
    /// Where it stands when not out.
    #[schema(example = "城北站")]
    pub base: Option<String>,
}

/// A vehicle as registered: validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    pub plate: Plate,
    pub kind: VehicleKind,
    pub carries: Vec<Equipment>,
    pub base: NonEmptyText,
}

const REQUIRED: &str = "dom-required";

impl Vehicle {
    pub fn parse(req: &VehicleRequest) -> Result<Vehicle, Vec<(&'static str, Msg)>> {
        let mut errors: Vec<(&'static str, Msg)> = Vec::new();
        let plate = match Plate::parse(req.plate.as_deref().unwrap_or("")) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(("plate", e.msg()));
                None
            }
        };
        if req.kind.is_none() {
            errors.push(("kind", Msg::new(REQUIRED)));
        }
        let base = match NonEmptyText::parse_line(req.base.as_deref().unwrap_or(""), MAX_BASE_CHARS)
        {
            Ok(b) => Some(b),
            Err(e) => {
                errors.push(("base", e.msg()));
                None
            }
        };
        // A set: each once, in a fixed order, whatever the form sent.
        let mut carries = req.carries.clone();
        carries.sort();
        carries.dedup();
        match (plate, req.kind, base) {
            (Some(plate), Some(kind), Some(base)) if errors.is_empty() => Ok(Vehicle {
                plate,
                kind,
                carries,
                base,
            }),
            _ => Err(errors),
        }
    }
}

/// `POST /api/v1/rescue-vehicles/{id}/checks`: each item passed (`true`) or not.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CheckRequest {
    /// `daily` by default.
    pub occasion: Option<CheckOccasion>,
    #[schema(value_type = bool, required = true)]
    pub fuel: Option<bool>,
    #[schema(value_type = bool, required = true)]
    pub water: Option<bool>,
    #[schema(value_type = bool, required = true)]
    pub tyre_pressure: Option<bool>,
    #[schema(value_type = bool, required = true)]
    pub tool_kit: Option<bool>,
    #[schema(value_type = bool, required = true)]
    pub lights: Option<bool>,
    /// What is wrong: required when an item failed, at most 200 characters.
    #[schema(example = "左前胎气压低")]
    pub note: Option<String>,
}

/// The items of a check, in the order the phone lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckItems {
    pub fuel: bool,
    pub water: bool,
    pub tyre_pressure: bool,
    pub tool_kit: bool,
    pub lights: bool,
}

impl CheckItems {
    pub fn passed(&self) -> bool {
        self.fuel && self.water && self.tyre_pressure && self.tool_kit && self.lights
    }
}

/// A check as recorded: validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub occasion: CheckOccasion,
    pub items: CheckItems,
    pub note: Option<NonEmptyText>,
}

impl Check {
    /// Every item must be answered (an unticked box is not a pass); a failed one needs a note.
    pub fn parse(req: &CheckRequest) -> Result<Check, Vec<(&'static str, Msg)>> {
        let mut errors: Vec<(&'static str, Msg)> = Vec::new();
        let mut item = |field: &'static str, v: Option<bool>| {
            if v.is_none() {
                errors.push((field, Msg::new("fleet-check-item-required")));
            }
            v.unwrap_or(false)
        };
        let items = CheckItems {
            fuel: item("fuel", req.fuel),
            water: item("water", req.water),
            tyre_pressure: item("tyre_pressure", req.tyre_pressure),
            tool_kit: item("tool_kit", req.tool_kit),
            lights: item("lights", req.lights),
        };
        let note = match req.note.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(n) => match NonEmptyText::parse(n, MAX_NOTE_CHARS) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.push(("note", e.msg()));
                    None
                }
            },
        };
        if errors.is_empty() && !items.passed() && note.is_none() {
            errors.push(("note", Msg::new("fleet-check-note-required")));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Check {
            occasion: req.occasion.unwrap_or(CheckOccasion::Daily),
            items,
            note,
        })
    }
}

/// Whether a vehicle may go out, from its latest check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    Ready,
    /// The latest check found something wrong.
    CheckFailed,
    /// The latest check passed, but longer ago than a check counts.
    CheckOverdue,
    /// Never checked since it was registered.
    NeverChecked,
}

text_names!(Readiness {
    Ready => "ready",
    CheckFailed => "check_failed",
    CheckOverdue => "check_overdue",
    NeverChecked => "never_checked",
});

impl Readiness {
    pub fn is_ready(self) -> bool {
        self == Readiness::Ready
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Readiness::Ready => "fleet-ready",
            Readiness::CheckFailed => "fleet-check-failed",
            Readiness::CheckOverdue => "fleet-check-overdue",
            Readiness::NeverChecked => "fleet-never-checked",
        }
    }
}

/// The longest reason for sending a vehicle that is not ready or already out (characters).
pub const MAX_OVERRIDE_REASON_CHARS: usize = 200;

/// A plan that tows needs a vehicle that can take the car away; no reason makes a van tow, so
/// this is a plain refusal, not something a lead may override.
pub fn check_tow(kind: VehicleKind, tow: bool) -> Result<(), Msg> {
    if tow && !kind.tows() {
        return Err(Msg::new("fleet-tow-needs-tow-truck"));
    }
    Ok(())
}

/// Why a vehicle may not simply be sent on a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Out on another rescue whose crew is on the road or on site (that ticket's number).
    Out { number: String },
    /// Its latest check failed, is overdue, or was never made.
    NotReady(Readiness),
}

impl Unavailable {
    /// The message key of the refusal, and of the marker in the plan editor.
    pub fn key(&self) -> &'static str {
        match self {
            Unavailable::Out { .. } => "fleet-vehicle-out",
            Unavailable::NotReady(_) => "fleet-vehicle-not-ready",
        }
    }
}

/// What stands in the way of sending a vehicle: being out first (two crews cannot share one
/// van), then readiness. `None`: it may go.
pub fn unavailable(readiness: Readiness, out_on: Option<&str>) -> Option<Unavailable> {
    if let Some(number) = out_on {
        return Some(Unavailable::Out {
            number: number.to_owned(),
        });
    }
    (!readiness.is_ready()).then_some(Unavailable::NotReady(readiness))
}

/// The latest check's time and result decide: a failure holds until a new check passes.
pub fn readiness(latest: Option<(NaiveDateTime, bool)>, now: NaiveDateTime) -> Readiness {
    match latest {
        None => Readiness::NeverChecked,
        Some((_, false)) => Readiness::CheckFailed,
        Some((at, true)) if now - at > Duration::hours(CHECK_VALID_HOURS) => {
            Readiness::CheckOverdue
        }
        Some(_) => Readiness::Ready,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assert_names_round_trip;

    fn at(h: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
            + Duration::hours(h)
    }

    #[test]
    fn names_round_trip() {
        assert_names_round_trip(VehicleKind::ALL, VehicleKind::as_str, VehicleKind::parse);
        assert_names_round_trip(Equipment::ALL, Equipment::as_str, Equipment::parse);
        assert_names_round_trip(
            CheckOccasion::ALL,
            CheckOccasion::as_str,
            CheckOccasion::parse,
        );
        assert_names_round_trip(Readiness::ALL, Readiness::as_str, Readiness::parse);
    }

    #[test]
    fn equipment_sets_store_and_read_back_and_a_damaged_row_is_refused() {
        let set = [Equipment::ToolKit, Equipment::TyreKit];
        assert_eq!(Equipment::join(&set), "tool_kit,tyre_kit");
        assert_eq!(Equipment::split("tool_kit,tyre_kit").unwrap(), set);
        assert_eq!(Equipment::split("").unwrap(), vec![]);
        assert_eq!(Equipment::split("tool_kit,rocket"), None);
    }

    #[test]
    fn readiness_follows_the_latest_check() {
        assert_eq!(readiness(None, at(0)), Readiness::NeverChecked);
        assert_eq!(readiness(Some((at(0), true)), at(23)), Readiness::Ready);
        assert_eq!(readiness(Some((at(0), true)), at(24)), Readiness::Ready);
        assert_eq!(
            readiness(Some((at(0), true)), at(25)),
            Readiness::CheckOverdue
        );
        // A failure is not cured by time: only a new check that passes.
        assert_eq!(
            readiness(Some((at(0), false)), at(1)),
            Readiness::CheckFailed
        );
        assert_eq!(
            readiness(Some((at(0), false)), at(100)),
            Readiness::CheckFailed
        );
    }

    #[test]
    fn a_tow_needs_a_vehicle_that_tows() {
        assert!(check_tow(VehicleKind::ServiceVan, true).is_err());
        assert!(check_tow(VehicleKind::ServiceVan, false).is_ok());
        assert!(check_tow(VehicleKind::TowTruck, true).is_ok());
        assert!(check_tow(VehicleKind::Flatbed, true).is_ok());
    }

    #[test]
    fn a_vehicle_out_or_not_ready_is_unavailable() {
        assert_eq!(unavailable(Readiness::Ready, None), None);
        assert_eq!(
            unavailable(Readiness::CheckFailed, None),
            Some(Unavailable::NotReady(Readiness::CheckFailed))
        );
        assert_eq!(
            unavailable(Readiness::NeverChecked, None),
            Some(Unavailable::NotReady(Readiness::NeverChecked))
        );
        // Out wins: even a ready vehicle cannot be in two places.
        assert_eq!(
            unavailable(Readiness::Ready, Some("R-1")),
            Some(Unavailable::Out {
                number: "R-1".into()
            })
        );
        assert_eq!(
            unavailable(Readiness::CheckFailed, Some("R-1")).map(|u| u.key()),
            Some("fleet-vehicle-out")
        );
    }

    #[test]
    fn a_vehicle_needs_a_plate_a_kind_and_a_base() {
        let errs = Vehicle::parse(&VehicleRequest::default()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["plate", "kind", "base"]);
        let errs = Vehicle::parse(&VehicleRequest {
            plate: Some("ABC".into()),
            kind: Some(VehicleKind::TowTruck),
            base: Some("城".repeat(MAX_BASE_CHARS + 1)),
            carries: vec![],
        })
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["plate", "base"]);
        let v = Vehicle::parse(&VehicleRequest {
            plate: Some(" 浙A12345 ".into()),
            kind: Some(VehicleKind::ServiceVan),
            base: Some("城北站".into()),
            carries: vec![Equipment::TyreKit, Equipment::ToolKit, Equipment::TyreKit],
        })
        .unwrap();
        assert_eq!(v.carries, [Equipment::ToolKit, Equipment::TyreKit]);
        assert_eq!(v.base.as_str(), "城北站");
    }

    fn all(ok: bool) -> CheckRequest {
        CheckRequest {
            occasion: None,
            fuel: Some(true),
            water: Some(true),
            tyre_pressure: Some(ok),
            tool_kit: Some(true),
            lights: Some(true),
            note: None,
        }
    }

    #[test]
    fn a_check_answers_every_item_and_explains_a_failure() {
        let c = Check::parse(&all(true)).unwrap();
        assert!(c.items.passed());
        assert_eq!(c.occasion, CheckOccasion::Daily);
        let errs = Check::parse(&all(false)).unwrap_err();
        assert_eq!(errs[0].0, "note");
        let c = Check::parse(&CheckRequest {
            note: Some("左前胎气压低".into()),
            ..all(false)
        })
        .unwrap();
        assert!(!c.items.passed());
        let errs = Check::parse(&CheckRequest {
            lights: None,
            ..all(true)
        })
        .unwrap_err();
        assert_eq!(errs.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["lights"]);
        let errs = Check::parse(&CheckRequest {
            note: Some("x".repeat(MAX_NOTE_CHARS + 1)),
            ..all(true)
        })
        .unwrap_err();
        assert_eq!(errs[0].0, "note");
    }
}
