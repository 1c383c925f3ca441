//! Parts catalogue rows against the stored catalogue, upserted by part number. A row that takes
//! `dangerous_goods` or `monitored` off a part is a downgrade: listed, written only when
//! confirmed, and then audited part by part.

use std::collections::HashMap;

use super::{repeated, tick, Checked, Importer, Options, Outcome};
use crate::db::AnyConnection;
use crate::error::{AppError, ErrorCode};
use crate::import::parts::{parse, PartRecord};
use crate::import::{Downgrade, Row};
use crate::repo::audit::{self, NewAuditEvent};
use crate::repo::imports::{self as repo, StoredPart};

/// A part to write: the stored row it replaces (as checked), or none to insert.
struct PartWrite {
    stored: Option<StoredPart>,
    record: PartRecord,
    row: u64,
}

pub struct PartsImport {
    stored: HashMap<String, StoredPart>,
    seen: HashMap<String, u64>,
    writes: Vec<PartWrite>,
}

impl PartsImport {
    pub fn new(conn: &mut AnyConnection) -> Result<PartsImport, AppError> {
        Ok(PartsImport {
            stored: repo::catalogue(conn)?,
            seen: HashMap::new(),
            writes: Vec::new(),
        })
    }
}

/// The safety flags `new` takes off `old`.
fn removed_flags(old: &StoredPart, new: &PartRecord) -> Vec<&'static str> {
    let mut out = Vec::new();
    if old.dangerous_goods && !new.dangerous_goods {
        out.push("dangerous_goods");
    }
    if old.monitored && !new.monitored {
        out.push("monitored");
    }
    out
}

impl Importer for PartsImport {
    fn check(&mut self, _: &mut AnyConnection, row: &Row) -> Result<Checked, AppError> {
        let record = match parse(row) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(first) = self.seen.get(&record.part_no) {
            return Ok(Err(repeated(row.number, "part_no", *first)));
        }
        self.seen.insert(record.part_no.clone(), row.number);
        Ok(Ok(match self.stored.get(&record.part_no) {
            None => {
                self.writes.push(PartWrite {
                    stored: None,
                    record,
                    row: row.number,
                });
                Outcome::Insert
            }
            Some(s) if s.same_as(&record) => Outcome::Unchanged,
            Some(s) => {
                self.writes.push(PartWrite {
                    stored: Some(s.clone()),
                    record,
                    row: row.number,
                });
                Outcome::Update
            }
        }))
    }

    fn downgrades(&self) -> Vec<Downgrade> {
        self.writes
            .iter()
            .filter_map(|w| Some((w, w.stored.as_ref()?)))
            .flat_map(|(w, old)| {
                removed_flags(old, &w.record)
                    .into_iter()
                    .map(|field| Downgrade {
                        row: w.row,
                        part_no: w.record.part_no.clone(),
                        field,
                        old: true,
                        new: false,
                    })
            })
            .collect()
    }

    fn pending(&self) -> u64 {
        self.writes.len() as u64
    }

    /// The parts to write are as they were checked: an update never overwrites a change made
    /// since (which could be a safety flag set again), an insert never meets a part added since.
    fn verify(&self, conn: &mut AnyConnection) -> Result<(), AppError> {
        let numbers: Vec<&str> = self
            .writes
            .iter()
            .map(|w| w.record.part_no.as_str())
            .collect();
        let now = repo::parts_by_number(conn, &numbers)?;
        let changed = self
            .writes
            .iter()
            .find(|w| now.get(&w.record.part_no) != w.stored.as_ref());
        match changed {
            None => Ok(()),
            Some(w) => Err(AppError::msg(
                ErrorCode::StaleState,
                "import-report-part-changed",
                &[("part_no", w.record.part_no.clone().into())],
            )),
        }
    }

    fn write(
        &mut self,
        conn: &mut AnyConnection,
        o: &Options,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError> {
        let now = crate::repo::now();
        let total = self.pending();
        let inserts: Vec<(String, &PartRecord)> = self
            .writes
            .iter()
            .filter(|w| w.stored.is_none())
            .map(|w| (crate::repo::new_id(), &w.record))
            .collect();
        let mut done = 0;
        for chunk in inserts.chunks(500) {
            repo::insert_parts(conn, chunk, now)?;
            done += chunk.len() as u64;
            progress(done);
        }
        for w in &self.writes {
            let Some(old) = &w.stored else { continue };
            repo::update_part(conn, &old.id, &w.record)?;
            for field in removed_flags(old, &w.record) {
                // Confirmed (or `check` would have refused the file): who, which part, old and new.
                audit::append(
                    conn,
                    NewAuditEvent {
                        entity: "part",
                        entity_id: &old.id,
                        action: "part.safety_flag_removed",
                        actor_id: o.actor_id.as_deref(),
                        data: Some(serde_json::json!({
                            "part_no": w.record.part_no,
                            "field": field,
                            "old": true,
                            "new": false,
                            "confirmed": o.confirm_downgrades,
                            "by": if o.actor_id.is_some() { "user" } else { "command line" },
                            "row": w.row,
                        })),
                        ..Default::default()
                    },
                )?;
            }
            done += 1;
            tick(done, progress, total);
        }
        Ok(())
    }
}
