//! Service-history rows against stored visits: a visit is (vehicle, dealer, visit time), its parts
//! are keyed by part number within it, so a file imported twice adds nothing the second time.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::{repeated, tick, unknown_dealer, Checked, Importer, Options, Outcome};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::import::history::{parse, VisitRecord};
use crate::import::{Problem, Row, RowError};
use crate::repo::imports::{
    self as repo, StoredVisit, StoredVisitPart, VisitFields, VisitPartFields,
};

type VisitKey = (String, String, NaiveDateTime);

/// A visit as known so far: stored, and/or first seen in the file at `first_row`.
struct Visit {
    id: String,
    fields: VisitFields,
    first_row: Option<u64>,
    /// Part number → (stored part row id if any, fields, file row that named it).
    parts: HashMap<String, (Option<String>, VisitPartFields, Option<u64>)>,
}

enum Write {
    InsertVisit(String, VisitKey, VisitFields),
    UpdateVisit(String, VisitFields),
    InsertPart(String, VisitPartFields),
    UpdatePart(String, VisitPartFields),
}

pub struct HistoryImport {
    scoped: bool,
    group: Option<String>,
    utc_offset_hours: i32,
    now: NaiveDateTime,
    dealers: HashMap<String, String>,
    /// Part number → (id, Chinese name).
    catalogue: HashMap<String, (String, String)>,
    /// Plate → (vehicle id, VIN), or None when there is no such vehicle.
    vehicles: HashMap<String, Option<(String, Option<String>)>>,
    /// Visits of the vehicles the file has named, stored and new.
    visits: HashMap<VisitKey, Visit>,
    /// Vehicle id → (visits, replaced parts) stored when it was looked up, for `verify`.
    stored_counts: HashMap<String, (i64, i64)>,
    writes: Vec<Write>,
}

impl HistoryImport {
    pub fn new(conn: &mut AnyConnection, o: &Options) -> Result<HistoryImport, AppError> {
        Ok(HistoryImport {
            scoped: o.group_id.is_some(),
            group: o.group_id.clone(),
            utc_offset_hours: o.utc_offset_hours,
            now: crate::repo::now(),
            dealers: repo::dealer_ids(conn, o.group_id.as_deref())?,
            catalogue: repo::catalogue(conn)?
                .into_iter()
                .map(|(no, p)| (no, (p.id, p.name_zh)))
                .collect(),
            vehicles: HashMap::new(),
            visits: HashMap::new(),
            stored_counts: HashMap::new(),
            writes: Vec::new(),
        })
    }

    /// Looks a plate up once, loading the vehicle's stored visits with it.
    fn vehicle(
        &mut self,
        conn: &mut AnyConnection,
        plate: &str,
    ) -> Result<Option<(String, Option<String>)>, AppError> {
        if let Some(v) = self.vehicles.get(plate) {
            return Ok(v.clone());
        }
        let found = repo::vehicle(conn, plate, self.group.as_deref())?;
        if let Some((id, _)) = &found {
            let (visits, parts) = repo::visits(conn, id)?;
            self.stored_counts
                .insert(id.clone(), (visits.len() as i64, parts.len() as i64));
            self.remember(id, visits, parts);
        }
        self.vehicles.insert(plate.to_owned(), found.clone());
        Ok(found)
    }

    fn remember(&mut self, vehicle: &str, visits: Vec<StoredVisit>, parts: Vec<StoredVisitPart>) {
        let mut by_id = HashMap::new();
        for v in visits {
            let key = (vehicle.to_owned(), v.dealer_id, v.visited_at);
            by_id.insert(v.id.clone(), key.clone());
            let fields = VisitFields {
                mileage_km: v.mileage_km,
                kind: crate::import::history::visit_kind(&v.kind).unwrap_or("repair"),
                summary: v.summary,
            };
            self.visits.insert(
                key,
                Visit {
                    id: v.id,
                    fields,
                    first_row: None,
                    parts: HashMap::new(),
                },
            );
        }
        for p in parts {
            let Some(visit) = by_id.get(&p.visit_id).and_then(|k| self.visits.get_mut(k)) else {
                continue;
            };
            let fields = VisitPartFields {
                part_id: p.part_id,
                part_no: p.part_no.clone(),
                name: p.name,
                quantity: p.quantity,
            };
            visit
                .parts
                .entry(p.part_no)
                .or_insert((Some(p.id), fields, None));
        }
    }

    fn part_fields(&self, r: &VisitRecord) -> Option<VisitPartFields> {
        let p = r.part.as_ref()?;
        let known = self.catalogue.get(&p.part_no);
        let name = if !p.name.is_empty() {
            p.name.clone()
        } else {
            known.map_or_else(|| p.part_no.clone(), |(_, zh)| zh.clone())
        };
        Some(VisitPartFields {
            part_id: known.map(|(id, _)| id.clone()),
            part_no: p.part_no.clone(),
            name,
            quantity: p.quantity,
        })
    }
}

impl Importer for HistoryImport {
    fn check(&mut self, conn: &mut AnyConnection, row: &Row) -> Result<Checked, AppError> {
        let n = row.number;
        let r = match parse(row, self.utc_offset_hours, self.now) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let mut errors = Vec::new();
        let dealer = self.dealers.get(&r.dealer_code).cloned();
        if dealer.is_none() {
            errors.extend(unknown_dealer(n, &r.dealer_code, self.scoped));
        }
        let vehicle = self.vehicle(conn, r.plate.as_str())?;
        match &vehicle {
            None => errors.push(RowError::new(
                n,
                "plate",
                Problem::VehicleUnknown {
                    plate: r.plate.to_string(),
                },
            )),
            Some((_, Some(stored))) if r.vin.as_ref().is_some_and(|v| v.as_str() != stored) => {
                errors.push(RowError::new(
                    n,
                    "vin",
                    Problem::VinMismatch {
                        stored: stored.clone(),
                    },
                ))
            }
            _ => {}
        }
        let (Some(dealer), Some((vehicle, _))) = (dealer, vehicle) else {
            return Ok(Err(errors));
        };
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let key = (vehicle, dealer, r.visited_at);
        let fields = VisitFields {
            mileage_km: r.mileage_km,
            kind: r.kind,
            summary: r.summary.clone(),
        };
        let part = self.part_fields(&r);
        // Checked before anything is remembered, so a bad row leaves no trace.
        if let Some(first) = self.visits.get(&key).and_then(|v| v.first_row) {
            let visit = &self.visits[&key];
            let differs = [
                ("mileage_km", visit.fields.mileage_km != fields.mileage_km),
                ("kind", visit.fields.kind != fields.kind),
                ("summary", visit.fields.summary != fields.summary),
            ];
            let errors: Vec<RowError> = differs
                .iter()
                .filter(|(_, d)| *d)
                .map(|(column, _)| RowError::new(n, column, Problem::DiffersFromVisit { first }))
                .collect();
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            match &part {
                None => return Ok(Err(repeated(n, "visited_at", first))),
                Some(p) => {
                    if let Some(at) = visit.parts.get(&p.part_no).and_then(|x| x.2) {
                        return Ok(Err(repeated(n, "part_no", at)));
                    }
                }
            }
        }
        let visit_outcome = match self.visits.get_mut(&key) {
            Some(v) if v.first_row.is_some() => Outcome::Unchanged,
            Some(v) => {
                v.first_row = Some(n);
                if v.fields == fields {
                    Outcome::Unchanged
                } else {
                    v.fields = fields.clone();
                    self.writes.push(Write::UpdateVisit(v.id.clone(), fields));
                    Outcome::Update
                }
            }
            None => {
                let id = crate::repo::new_id();
                self.writes
                    .push(Write::InsertVisit(id.clone(), key.clone(), fields.clone()));
                self.visits.insert(
                    key.clone(),
                    Visit {
                        id,
                        fields,
                        first_row: Some(n),
                        parts: HashMap::new(),
                    },
                );
                Outcome::Insert
            }
        };
        let Some(part) = part else {
            return Ok(Ok(visit_outcome));
        };
        let visit = self.visits.get_mut(&key).expect("visit remembered above");
        let part_outcome = match visit.parts.get_mut(&part.part_no) {
            Some((_, stored, at)) if *stored == part => {
                *at = Some(n);
                Outcome::Unchanged
            }
            Some((id, stored, at)) => {
                *at = Some(n);
                *stored = part.clone();
                let id = id.clone().expect("only stored parts lack a file row");
                self.writes.push(Write::UpdatePart(id, part));
                Outcome::Update
            }
            None => {
                visit
                    .parts
                    .insert(part.part_no.clone(), (None, part.clone(), Some(n)));
                self.writes.push(Write::InsertPart(visit.id.clone(), part));
                Outcome::Insert
            }
        };
        Ok(Ok(visit_outcome.max(part_outcome)))
    }

    fn pending(&self) -> u64 {
        self.writes.len() as u64
    }

    /// No visit or replaced part was added since the check to a vehicle this file writes to:
    /// the same file imported twice at once would otherwise add its visits twice.
    fn verify(&self, conn: &mut AnyConnection) -> Result<(), AppError> {
        let mut ids: Vec<&str> = self.stored_counts.keys().map(String::as_str).collect();
        ids.sort_unstable();
        let now = repo::visit_counts(conn, &ids)?;
        for id in ids {
            if now.get(id).copied().unwrap_or_default() != self.stored_counts[id] {
                return Err(AppError::msg(
                    crate::error::ErrorCode::StaleState,
                    "import-report-history-changed",
                    &[],
                ));
            }
        }
        Ok(())
    }

    fn write(
        &mut self,
        conn: &mut AnyConnection,
        _: &Options,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError> {
        let total = self.pending();
        for (i, w) in self.writes.iter().enumerate() {
            match w {
                Write::InsertVisit(id, (vehicle, dealer, at), f) => {
                    repo::insert_visit(conn, id, vehicle, dealer, *at, f)?
                }
                Write::UpdateVisit(id, f) => repo::update_visit(conn, id, f)?,
                Write::InsertPart(visit, p) => {
                    repo::insert_visit_part(conn, &crate::repo::new_id(), visit, p)?
                }
                Write::UpdatePart(id, p) => repo::update_visit_part(conn, id, p)?,
            }
            tick(i as u64 + 1, progress, total);
        }
        Ok(())
    }
}
