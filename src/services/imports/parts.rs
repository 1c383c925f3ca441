//! Parts catalogue rows against the stored catalogue, upserted by part number.

use std::collections::HashMap;

use super::{repeated, tick, Checked, Importer, Outcome};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::import::parts::{parse, PartRecord};
use crate::import::Row;
use crate::repo::imports::{self as repo, StoredPart};

pub struct PartsImport {
    stored: HashMap<String, StoredPart>,
    seen: HashMap<String, u64>,
    /// (id of the part to update, or none to insert; the new values).
    writes: Vec<(Option<String>, PartRecord)>,
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
                self.writes.push((None, record));
                Outcome::Insert
            }
            Some(s) if s.same_as(&record) => Outcome::Unchanged,
            Some(s) => {
                self.writes.push((Some(s.id.clone()), record));
                Outcome::Update
            }
        }))
    }

    fn pending(&self) -> u64 {
        self.writes.len() as u64
    }

    fn write(
        &mut self,
        conn: &mut AnyConnection,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError> {
        let now = crate::repo::now();
        let total = self.pending();
        for (i, (id, record)) in self.writes.iter().enumerate() {
            match id {
                Some(id) => repo::update_part(conn, id, record)?,
                None => repo::insert_part(conn, &crate::repo::new_id(), record, now)?,
            }
            tick(i as u64 + 1, progress, total);
        }
        Ok(())
    }
}
