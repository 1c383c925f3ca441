//! Standard rescue plans (标准救援方案): what the director defines once for a common fault, the rules of a valid one, and whether a ticket's plan made from it carries the director's standing approval.

use serde::{Deserialize, Serialize};

use super::availability::BusyOverride;
use super::money::Fen;
use super::plan::{
    CrewLine, ItemLine, PlanRequest, ToolLine, MAX_CREW, MAX_ESTIMATED_MINUTES, MAX_LABOUR_MINUTES,
    MAX_QUANTITY,
};
use super::text::NonEmptyText;
use crate::i18n::Msg;

/// The common faults the seeds name; `Other` for anything else a director standardises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandardKind {
    JumpStart,
    TyreChange,
    FuelDelivery,
    Towing,
    Other,
}

text_names!(StandardKind {
    JumpStart => "jump_start",
    TyreChange => "tyre_change",
    FuelDelivery => "fuel_delivery",
    Towing => "towing",
    Other => "other",
});

impl StandardKind {
    pub fn label_key(self) -> &'static str {
        match self {
            StandardKind::JumpStart => "std-kind-jump-start",
            StandardKind::TyreChange => "std-kind-tyre-change",
            StandardKind::FuelDelivery => "std-kind-fuel-delivery",
            StandardKind::Towing => "std-kind-towing",
            StandardKind::Other => "std-kind-other",
        }
    }
}

/// Longest name a director may give a standard plan (it is shown in a select on a phone).
pub const MAX_NAME_CHARS: usize = 40;
/// Repair items a standard plan may list: a standard job is a short one.
pub const MAX_ITEMS: usize = 10;
/// Tools a standard plan may list.
pub const MAX_TOOLS: usize = 20;
/// The highest ceiling a director may set, in fen (¥20,000): a standard job above that is not
/// standard, and a slip of the keyboard must not pre-approve a fortune.
pub const MAX_CEILING_FEN: i64 = 2_000_000;

/// A repair item of a standard plan, charged at the configured labour rate.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StandardItem {
    pub description: String,
    pub labour_minutes: i64,
}

/// A standard plan as the director writes it (the service request type carries the same fields).
#[derive(Debug, Clone)]
pub struct StandardDraft {
    pub name: String,
    pub kind: StandardKind,
    pub crew_size: i64,
    pub estimated_minutes: i64,
    pub tools: Vec<ToolLine>,
    pub items: Vec<StandardItem>,
    pub price_ceiling_fen: i64,
    pub agent_consent: bool,
    pub active: bool,
}

/// A standard plan whose fields passed the rules that need no database.
#[derive(Debug, Clone)]
pub struct ValidStandard {
    pub name: NonEmptyText,
    pub kind: StandardKind,
    pub crew_size: i32,
    pub estimated_minutes: i32,
    pub tools: Vec<(String, i32)>,
    pub items: Vec<(NonEmptyText, i32)>,
    pub price_ceiling: Fen,
    pub agent_consent: bool,
    pub active: bool,
}

impl StandardDraft {
    /// Checks every field; all problems at once, with field paths like `items[1].labour_minutes`.
    pub fn validate(&self) -> Result<ValidStandard, Vec<(String, Msg)>> {
        let mut errors: Vec<(String, Msg)> = Vec::new();
        let name = NonEmptyText::parse_line(&self.name, MAX_NAME_CHARS)
            .map_err(|e| errors.push(("name".into(), e.msg())))
            .ok();
        let crew_size = if (1..=MAX_CREW as i64).contains(&self.crew_size) {
            self.crew_size as i32
        } else {
            errors.push((
                "crew_size".into(),
                Msg::with("dom-std-crew-size-range", &[("max", MAX_CREW.into())]),
            ));
            0
        };
        let estimated_minutes = if (1..=MAX_ESTIMATED_MINUTES).contains(&self.estimated_minutes) {
            self.estimated_minutes as i32
        } else {
            errors.push((
                "estimated_minutes".into(),
                Msg::with(
                    "dom-plan-estimated-range",
                    &[("max", MAX_ESTIMATED_MINUTES.into())],
                ),
            ));
            0
        };
        if self.tools.len() > MAX_TOOLS {
            errors.push((
                "tools".into(),
                Msg::with("dom-plan-too-many-lines", &[("max", MAX_TOOLS.into())]),
            ));
        }
        let mut tools = Vec::new();
        for (i, t) in self.tools.iter().enumerate() {
            if tools.iter().any(|(id, _)| id == t.tool_id.as_str()) {
                errors.push((format!("tools[{i}]"), Msg::new("dom-plan-listed-twice")));
            } else if (1..=MAX_QUANTITY).contains(&t.quantity) {
                tools.push((t.tool_id.as_str().to_owned(), t.quantity as i32));
            } else {
                errors.push((
                    format!("tools[{i}].quantity"),
                    Msg::with("svc-quantity-range", &[("max", MAX_QUANTITY.into())]),
                ));
            }
        }
        if self.items.is_empty() {
            errors.push(("items".into(), Msg::new("dom-plan-items-empty")));
        }
        if self.items.len() > MAX_ITEMS {
            errors.push((
                "items".into(),
                Msg::with("dom-plan-too-many-lines", &[("max", MAX_ITEMS.into())]),
            ));
        }
        let mut items = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let desc = NonEmptyText::parse_line(&item.description, 200);
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
            } else if let Ok(d) = desc {
                items.push((d, item.labour_minutes as i32));
            }
        }
        if !(0..=MAX_CEILING_FEN).contains(&self.price_ceiling_fen) {
            errors.push((
                "price_ceiling_fen".into(),
                Msg::with(
                    "dom-std-ceiling-range",
                    &[("max", Fen::from_fen(MAX_CEILING_FEN).yuan_string().into())],
                ),
            ));
        }
        match name {
            Some(name) if errors.is_empty() => Ok(ValidStandard {
                name,
                kind: self.kind,
                crew_size,
                estimated_minutes,
                tools,
                items,
                price_ceiling: Fen::from_fen(self.price_ceiling_fen),
                agent_consent: self.agent_consent,
                active: self.active,
            }),
            _ => Err(errors),
        }
    }
}

/// A stored standard plan's lines, as the plan it makes needs them.
#[derive(Debug, Clone)]
pub struct StandardLines {
    pub crew_size: i32,
    pub estimated_minutes: i32,
    pub tools: Vec<(String, i32)>,
    pub items: Vec<(String, i32)>,
}

/// The plan a standard plan makes for one ticket: its tools and items, the crew the workshop
/// lead picked (exactly as many as the standard plan says, the first one leading unless another
/// is marked), the distance the lead gave or none (the server then estimates it). No parts: a
/// standard job is done with what the van carries; a part makes it an ordinary plan.
pub fn plan_request(
    standard: &StandardLines,
    crew: &[CrewLine],
    travel_km: Option<f64>,
    overrides: &[BusyOverride],
) -> Result<PlanRequest, Vec<(String, Msg)>> {
    if crew.len() != standard.crew_size as usize {
        return Err(vec![(
            "crew".into(),
            Msg::with(
                "dom-std-crew-size",
                &[
                    ("size", standard.crew_size.into()),
                    ("given", crew.len().into()),
                ],
            ),
        )]);
    }
    let has_lead = crew.iter().any(|c| c.lead);
    let crew = crew
        .iter()
        .enumerate()
        .map(|(i, c)| CrewLine {
            technician_id: c.technician_id.clone(),
            lead: c.lead || (!has_lead && i == 0),
        })
        .collect();
    Ok(PlanRequest {
        crew,
        tools: standard
            .tools
            .iter()
            .map(|(id, q)| ToolLine {
                tool_id: super::ids::ToolId::from(id.clone()),
                quantity: i64::from(*q),
            })
            .collect(),
        parts: Vec::new(),
        items: standard
            .items
            .iter()
            .map(|(d, m)| ItemLine {
                description: d.clone(),
                labour_minutes: i64::from(*m),
                rate_fen_per_hour: None,
            })
            .collect(),
        estimated_minutes: Some(i64::from(standard.estimated_minutes)),
        travel_km,
        special_notes: String::new(),
        overrides: overrides.to_vec(),
        // The vehicle is the lead's choice on the day (which one is ready and free).
        vehicle_id: None,
        tow: false,
        vehicle_override: None,
    })
}

/// Which way a plan made from a standard plan goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// Within the ceiling: the director's standing approval stands in for the manager's review
    /// and the director's step; the customer's consent is still asked.
    Standing,
    /// Over the ceiling (a far customer makes travel dear): the normal approval chain.
    OverCeiling,
}

/// The ceiling is inclusive: a director who writes ¥300 means "up to ¥300".
pub fn path(total: Fen, ceiling: Fen) -> Path {
    if total <= ceiling {
        Path::Standing
    } else {
        Path::OverCeiling
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{TechnicianId, ToolId};

    fn draft() -> StandardDraft {
        StandardDraft {
            name: "电瓶搭电".into(),
            kind: StandardKind::JumpStart,
            crew_size: 1,
            estimated_minutes: 30,
            tools: vec![ToolLine {
                tool_id: ToolId::from("t1".to_owned()),
                quantity: 1,
            }],
            items: vec![StandardItem {
                description: "搭电启动".into(),
                labour_minutes: 30,
            }],
            price_ceiling_fen: 30_000,
            agent_consent: true,
            active: true,
        }
    }

    fn fields(r: Result<ValidStandard, Vec<(String, Msg)>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn a_good_draft_passes_with_its_values() {
        let v = draft().validate().expect("valid");
        assert_eq!(v.name.as_str(), "电瓶搭电");
        assert_eq!(v.crew_size, 1);
        assert_eq!(v.tools, vec![("t1".to_owned(), 1)]);
        assert_eq!(v.items.len(), 1);
        assert_eq!(v.price_ceiling, Fen::from_fen(30_000));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut d = draft();
        d.name = "  ".into();
        d.crew_size = 0;
        d.estimated_minutes = 0;
        d.items[0].labour_minutes = -1;
        d.price_ceiling_fen = MAX_CEILING_FEN + 1;
        d.tools.push(d.tools[0].clone());
        let f = fields(d.validate());
        for want in [
            "name",
            "crew_size",
            "estimated_minutes",
            "items[0].labour_minutes",
            "price_ceiling_fen",
            "tools[1]",
        ] {
            assert!(f.iter().any(|x| x == want), "{want} missing in {f:?}");
        }
    }

    #[test]
    fn no_items_or_too_many_are_refused() {
        let mut d = draft();
        d.items.clear();
        assert_eq!(fields(d.validate()), vec!["items"]);
        let mut d = draft();
        d.items = (0..=MAX_ITEMS)
            .map(|i| StandardItem {
                description: format!("项目{i}"),
                labour_minutes: 5,
            })
            .collect();
        assert_eq!(fields(d.validate()), vec!["items"]);
    }

    fn lines(size: i32) -> StandardLines {
        StandardLines {
            crew_size: size,
            estimated_minutes: 30,
            tools: vec![("t1".into(), 2)],
            items: vec![("搭电启动".into(), 30)],
        }
    }

    /// Crew ids the lead ticked, in order, with the one marked lead (a page's checkboxes and radio).
    fn crew_lines(ids: &[TechnicianId], lead: Option<&TechnicianId>) -> Vec<CrewLine> {
        ids.iter()
            .map(|id| CrewLine {
                technician_id: id.clone(),
                lead: lead == Some(id),
            })
            .collect()
    }

    fn crew(ids: &[&str], lead: Option<&str>) -> Vec<CrewLine> {
        let ids: Vec<TechnicianId> = ids
            .iter()
            .map(|s| TechnicianId::from((*s).to_owned()))
            .collect();
        let lead = lead.map(|s| TechnicianId::from(s.to_owned()));
        crew_lines(&ids, lead.as_ref())
    }

    #[test]
    fn the_plan_takes_the_standard_lines_and_the_picked_crew() {
        let req = plan_request(&lines(2), &crew(&["a", "b"], Some("b")), None, &[]).unwrap();
        assert_eq!(req.crew.len(), 2);
        assert!(!req.crew[0].lead && req.crew[1].lead);
        assert_eq!(req.tools[0].quantity, 2);
        assert_eq!(req.items[0].description, "搭电启动");
        assert_eq!(req.items[0].rate_fen_per_hour, None);
        assert!(req.parts.is_empty());
        assert_eq!(req.estimated_minutes, Some(30));
        // And it passes the ordinary plan rules.
        assert!(req.validate(Fen::from_fen(12_000)).is_ok());
    }

    #[test]
    fn without_a_marked_lead_the_first_leads() {
        let req = plan_request(&lines(2), &crew(&["a", "b"], None), Some(3.5), &[]).unwrap();
        assert!(req.crew[0].lead && !req.crew[1].lead);
        assert_eq!(req.travel_km, Some(3.5));
    }

    #[test]
    fn the_crew_must_be_the_standard_size() {
        let e = plan_request(&lines(2), &crew(&["a"], None), None, &[]).unwrap_err();
        assert_eq!(e[0].0, "crew");
        assert_eq!(e[0].1.key, "dom-std-crew-size");
        assert!(plan_request(&lines(1), &crew(&["a", "b"], None), None, &[]).is_err());
    }

    #[test]
    fn the_ceiling_is_inclusive() {
        let c = Fen::from_fen(30_000);
        assert_eq!(path(Fen::from_fen(30_000), c), Path::Standing);
        assert_eq!(path(Fen::from_fen(29_999), c), Path::Standing);
        assert_eq!(path(Fen::from_fen(30_001), c), Path::OverCeiling);
    }

    #[test]
    fn kind_names_round_trip() {
        crate::domain::assert_names_round_trip(
            StandardKind::ALL,
            StandardKind::as_str,
            StandardKind::parse,
        );
    }
}
