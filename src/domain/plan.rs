//! The rescue plan (紧急救援方案): its lines as the workshop lead writes them, their validation and the cost estimate.

use super::ids::{PartId, RescueVehicleId, TechnicianId, ToolId};
use serde::{Deserialize, Serialize};

use super::money::Fen;
use super::text::NonEmptyText;
use crate::i18n::Msg;

/// A plan version's state: the one draft may change in place; submitting freezes it; a newer
/// version supersedes every older one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Submitted,
    Superseded,
}

text_names!(PlanStatus {
    Draft => "draft",
    Submitted => "submitted",
    Superseded => "superseded",
});

/// Lets a page template compare with the stored name (`p.status == "draft"` in
/// ticket_show.html); Rust code compares variants.
impl PartialEq<&str> for PlanStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A plan as sent by the plan editor or the API; prices are never taken from the client.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PlanRequest {
    #[serde(default)]
    pub crew: Vec<CrewLine>,
    #[serde(default)]
    pub tools: Vec<ToolLine>,
    #[serde(default)]
    pub parts: Vec<PartLine>,
    #[serde(default)]
    pub items: Vec<ItemLine>,
    /// Estimated repair time on site, minutes.
    pub estimated_minutes: Option<i64>,
    /// Road distance one way; defaults to the straight line from the dealer × the road factor
    /// (`domain::eta::plan_travel_km`).
    pub travel_km: Option<f64>,
    /// Special items the workshop lead must explain to the service manager.
    #[serde(default)]
    pub special_notes: String,
    /// Technicians busy on another active ticket, put on this crew all the same: each with the
    /// reason (`domain::availability`; without it the save is refused `technician_busy`).
    #[serde(default)]
    pub overrides: Vec<super::availability::BusyOverride>,
    /// The rescue vehicle that goes (救援车辆), one of the dealer's register.
    #[schema(value_type = Option<String>, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub vehicle_id: Option<RescueVehicleId>,
    /// The car is towed to the workshop (拖车): the vehicle must be a tow truck or flatbed.
    #[serde(default)]
    pub tow: bool,
    /// Why the vehicle goes although it is not ready or already out on another rescue (at most
    /// 200 characters; without it such a save is refused `vehicle_unavailable`).
    pub vehicle_override: Option<String>,
}

/// The vehicle line of a valid plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanVehicle {
    pub vehicle_id: String,
    pub tows: bool,
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CrewLine {
    #[schema(value_type = String)]
    pub technician_id: TechnicianId,
    /// Exactly one crew member is the rescue lead (救援负责人).
    #[serde(default)]
    pub lead: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ToolLine {
    #[schema(value_type = String)]
    pub tool_id: ToolId,
    pub quantity: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PartLine {
    #[schema(value_type = String)]
    pub part_id: PartId,
    pub quantity: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ItemLine {
    pub description: String,
    pub labour_minutes: i64,
    /// Labour rate in fen per hour; defaults to the configured rate.
    pub rate_fen_per_hour: Option<i64>,
}

/// A plan whose lines passed the rules that need no database.
#[derive(Debug, Clone)]
pub struct ValidPlan {
    pub lead: String,
    pub crew: Vec<String>,
    pub tools: Vec<(String, i32)>,
    pub parts: Vec<(String, i32)>,
    pub items: Vec<(NonEmptyText, i32, Fen)>,
    pub estimated_minutes: i32,
    pub travel_km: Option<f64>,
    pub special_notes: String,
    pub vehicle: Option<PlanVehicle>,
}

pub const MAX_QUANTITY: i64 = 99;
pub const MAX_CREW: usize = 6;
pub const MAX_LINES: usize = 50;
pub const MAX_ESTIMATED_MINUTES: i64 = 72 * 60;
pub const MAX_LABOUR_MINUTES: i64 = 48 * 60;
pub const MAX_RATE_FEN_PER_HOUR: i64 = 1_000_000;
pub const MAX_TRAVEL_KM: f64 = 1_500.0;
pub const MAX_NOTES_CHARS: usize = 1000;

impl PlanRequest {
    /// Checks the lines; all problems at once, field paths like `parts[2].quantity`.
    pub fn validate(&self, default_rate: Fen) -> Result<ValidPlan, Vec<(String, Msg)>> {
        let mut errors: Vec<(String, Msg)> = Vec::new();
        let mut err = |f: String, key: &'static str| errors.push((f, Msg::new(key)));

        if self.crew.is_empty() {
            err("crew".into(), "dom-plan-crew-empty");
        }
        if self.crew.len() > MAX_CREW {
            errors.push((
                "crew".into(),
                Msg::with("dom-plan-crew-too-many", &[("max", MAX_CREW.into())]),
            ));
        }
        let mut err = |f: String, key: &'static str| errors.push((f, Msg::new(key)));
        let leads: Vec<&CrewLine> = self.crew.iter().filter(|c| c.lead).collect();
        if !self.crew.is_empty() && leads.len() != 1 {
            err("crew".into(), "dom-plan-one-lead");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.crew.iter().enumerate() {
            if !seen.insert(c.technician_id.as_str()) {
                err(
                    format!("crew[{i}].technician_id"),
                    "dom-plan-technician-twice",
                );
            }
        }
        let mut lines = |kind: &str, list: Vec<(&str, i64)>| {
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            if list.len() > MAX_LINES {
                errors.push((
                    kind.into(),
                    Msg::with("dom-plan-too-many-lines", &[("max", MAX_LINES.into())]),
                ));
            }
            for (i, (id, qty)) in list.into_iter().enumerate() {
                if !seen.insert(id) {
                    errors.push((format!("{kind}[{i}]"), Msg::new("dom-plan-listed-twice")));
                }
                if !(1..=MAX_QUANTITY).contains(&qty) {
                    errors.push((
                        format!("{kind}[{i}].quantity"),
                        Msg::with("svc-quantity-range", &[("max", MAX_QUANTITY.into())]),
                    ));
                } else {
                    out.push((id.to_owned(), qty as i32));
                }
            }
            out
        };
        let tools = lines(
            "tools",
            self.tools
                .iter()
                .map(|t| (t.tool_id.as_str(), t.quantity))
                .collect(),
        );
        let parts = lines(
            "parts",
            self.parts
                .iter()
                .map(|p| (p.part_id.as_str(), p.quantity))
                .collect(),
        );

        let mut items = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let desc = NonEmptyText::parse(&item.description, 200);
            if let Err(e) = &desc {
                errors.push((format!("items[{i}].description"), e.msg()));
            }
            if !(0..=MAX_LABOUR_MINUTES).contains(&item.labour_minutes) {
                errors.push((
                    format!("items[{i}].labour_minutes"),
                    Msg::with(
                        "dom-plan-labour-range",
                        &[("max", MAX_LABOUR_MINUTES.into())],
                    ),
                ));
            }
            let rate = item.rate_fen_per_hour.unwrap_or(default_rate.as_fen());
            if !(0..=MAX_RATE_FEN_PER_HOUR).contains(&rate) {
                errors.push((
                    format!("items[{i}].rate_fen_per_hour"),
                    Msg::new("dom-plan-rate-out-of-range"),
                ));
            }
            if let Ok(d) = desc {
                items.push((
                    d,
                    item.labour_minutes.clamp(0, MAX_LABOUR_MINUTES) as i32,
                    Fen::from_fen(rate),
                ));
            }
        }
        if self.items.is_empty() {
            errors.push(("items".into(), Msg::new("dom-plan-items-empty")));
        }
        let estimated_minutes = match self.estimated_minutes {
            Some(m) if (1..=MAX_ESTIMATED_MINUTES).contains(&m) => m as i32,
            Some(_) => {
                errors.push((
                    "estimated_minutes".into(),
                    Msg::with(
                        "dom-plan-estimated-range",
                        &[("max", MAX_ESTIMATED_MINUTES.into())],
                    ),
                ));
                0
            }
            None => {
                errors.push(("estimated_minutes".into(), Msg::new("dom-required")));
                0
            }
        };
        if let Some(km) = self.travel_km {
            if !km.is_finite() || !(0.0..=MAX_TRAVEL_KM).contains(&km) {
                errors.push((
                    "travel_km".into(),
                    Msg::with("dom-plan-travel-range", &[("max", MAX_TRAVEL_KM.into())]),
                ));
            }
        }
        let notes = self.special_notes.trim();
        if notes.chars().count() > MAX_NOTES_CHARS {
            errors.push((
                "special_notes".into(),
                Msg::with(
                    "dom-plan-notes-too-long",
                    &[("max", MAX_NOTES_CHARS.into())],
                ),
            ));
        }
        let vehicle = self.vehicle_line(&mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidPlan {
            lead: leads[0].technician_id.as_str().to_owned(),
            crew: self
                .crew
                .iter()
                .map(|c| c.technician_id.as_str().to_owned())
                .collect(),
            tools,
            parts,
            items,
            estimated_minutes,
            travel_km: self.travel_km,
            special_notes: notes.to_owned(),
            vehicle,
        })
    }

    /// The vehicle, the tow and the override reason, checked together: a tow names a vehicle,
    /// a reason belongs to a vehicle.
    fn vehicle_line(&self, errors: &mut Vec<(String, Msg)>) -> Option<PlanVehicle> {
        let reason = match self
            .vehicle_override
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => None,
            Some(r) => match NonEmptyText::parse_line(r, super::fleet::MAX_OVERRIDE_REASON_CHARS) {
                Ok(r) => Some(r.into_string()),
                Err(e) => {
                    errors.push(("vehicle_override".into(), e.msg()));
                    None
                }
            },
        };
        match &self.vehicle_id {
            Some(id) => Some(PlanVehicle {
                vehicle_id: id.as_str().to_owned(),
                tows: self.tow,
                override_reason: reason,
            }),
            None => {
                if self.tow {
                    errors.push(("vehicle_id".into(), Msg::new("fleet-tow-needs-vehicle")));
                }
                if reason.is_some() {
                    errors.push((
                        "vehicle_override".into(),
                        Msg::new("fleet-override-without-vehicle"),
                    ));
                }
                None
            }
        }
    }
}

/// The server's estimate, in fen; shown in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CostEstimate {
    pub parts_fen: i64,
    pub labour_fen: i64,
    pub travel_fen: i64,
    pub total_fen: i64,
}

/// Parts at catalogue price × quantity, labour at minutes × hourly rate, travel
/// there and back at the per-km rate. Rounds each labour line to the fen.
pub fn estimate(
    parts: &[(i32, Fen)],
    items: &[(i32, Fen)],
    travel_km: f64,
    travel_rate_per_km: Fen,
) -> CostEstimate {
    let parts_fen: i64 = parts.iter().map(|(q, p)| i64::from(*q) * p.as_fen()).sum();
    let labour_fen: i64 = items
        .iter()
        .map(|(minutes, rate)| (i64::from(*minutes) * rate.as_fen() + 30) / 60)
        .sum();
    let travel_fen = (travel_km * 2.0 * travel_rate_per_km.as_fen() as f64).round() as i64;
    CostEstimate {
        parts_fen,
        labour_fen,
        travel_fen,
        total_fen: parts_fen + labour_fen + travel_fen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> PlanRequest {
        PlanRequest {
            crew: vec![
                CrewLine {
                    technician_id: "t1".into(),
                    lead: true,
                },
                CrewLine {
                    technician_id: "t2".into(),
                    lead: false,
                },
            ],
            tools: vec![ToolLine {
                tool_id: "jump".into(),
                quantity: 1,
            }],
            parts: vec![PartLine {
                part_id: "battery".into(),
                quantity: 1,
            }],
            items: vec![ItemLine {
                description: "更换蓄电池".into(),
                labour_minutes: 30,
                rate_fen_per_hour: None,
            }],
            estimated_minutes: Some(45),
            travel_km: None,
            special_notes: "  ".into(),
            overrides: vec![],
            vehicle_id: None,
            tow: false,
            vehicle_override: None,
        }
    }

    fn fields(p: &PlanRequest) -> Vec<String> {
        p.validate(Fen::from_fen(12_000))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn good_plan_validates() {
        let v = good().validate(Fen::from_fen(12_000)).unwrap();
        assert_eq!(v.lead, "t1");
        assert_eq!(v.items[0].2, Fen::from_fen(12_000), "default labour rate");
        assert_eq!(v.special_notes, "");
    }

    #[test]
    fn exactly_one_lead() {
        let mut p = good();
        p.crew[1].lead = true;
        assert_eq!(fields(&p), vec!["crew"]);
        p.crew.iter_mut().for_each(|c| c.lead = false);
        assert_eq!(fields(&p), vec!["crew"]);
        p.crew.clear();
        assert_eq!(fields(&p), vec!["crew"]);
    }

    #[test]
    fn bad_lines_are_named() {
        let mut p = good();
        p.parts[0].quantity = 0;
        p.tools.push(ToolLine {
            tool_id: "jump".into(),
            quantity: 1,
        });
        p.items[0].labour_minutes = -1;
        p.estimated_minutes = None;
        p.travel_km = Some(f64::NAN);
        assert_eq!(
            fields(&p),
            vec![
                "tools[1]",
                "parts[0].quantity",
                "items[0].labour_minutes",
                "estimated_minutes",
                "travel_km"
            ]
        );
    }

    #[test]
    fn a_tow_names_a_vehicle_and_a_reason_belongs_to_one() {
        let mut p = good();
        p.tow = true;
        p.vehicle_override = Some("唯一的拖车".into());
        assert_eq!(fields(&p), vec!["vehicle_id", "vehicle_override"]);
        p.vehicle_id =
            Some(RescueVehicleId::parse("0b5cd7a4-5a8e-4a9f-9b43-3f1f2c7d9e10").unwrap());
        let v = p.validate(Fen::from_fen(12_000)).unwrap().vehicle.unwrap();
        assert!(v.tows);
        assert_eq!(v.override_reason.as_deref(), Some("唯一的拖车"));
        p.vehicle_override = Some("x".repeat(super::super::fleet::MAX_OVERRIDE_REASON_CHARS + 1));
        assert_eq!(fields(&p), vec!["vehicle_override"]);
        // A blank reason is no reason.
        p.vehicle_override = Some("   ".into());
        let v = p.validate(Fen::from_fen(12_000)).unwrap().vehicle.unwrap();
        assert_eq!(v.override_reason, None);
    }

    #[test]
    fn estimate_adds_parts_labour_and_round_trip_travel() {
        let e = estimate(
            &[(2, Fen::from_fen(45_000)), (1, Fen::from_fen(1_550))],
            &[(30, Fen::from_fen(12_000)), (45, Fen::from_fen(15_000))],
            12.5,
            Fen::from_fen(300),
        );
        assert_eq!(e.parts_fen, 91_550);
        assert_eq!(e.labour_fen, 6_000 + 11_250);
        assert_eq!(e.travel_fen, 7_500);
        assert_eq!(e.total_fen, 91_550 + 17_250 + 7_500);
    }
}
