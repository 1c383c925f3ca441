//! Rota rows against the stored rota of the importer's own dealer: each sets one person's shift
//! on a weekday or a date (replacing what that slot held), like `PUT /api/v1/rota/shifts`.

use std::collections::HashMap;

use super::{repeated, Checked, Importer, Options, Outcome};
use crate::db::AnyConnection;
use crate::domain::rota::{local_time, Shift};
use crate::error::{AppError, ErrorCode};
use crate::import::rota::parse;
use crate::import::{Problem, Row, RowError};
use crate::repo::rota::{self as repo, Person};
use crate::services::rota::{slot_columns, store};

/// A person's slot: (person, (weekday, date)).
type SlotKey = (Person, (Option<i32>, Option<String>));

pub struct RotaImport {
    dealer_id: String,
    today: chrono::NaiveDate,
    /// Sign-in or technician mobile → person.
    people: HashMap<String, Person>,
    seen: HashMap<SlotKey, u64>,
    writes: Vec<(Person, Shift)>,
}

impl RotaImport {
    pub fn new(conn: &mut AnyConnection, o: &Options) -> Result<RotaImport, AppError> {
        // A rota belongs to one dealer: the importer's (the page and the API have one).
        let Some(dealer_id) = o.actor_dealer_id.clone() else {
            return Err(AppError::msg(
                ErrorCode::ValidationFailed,
                "rota-import-needs-a-dealer",
                &[],
            ));
        };
        Ok(RotaImport {
            people: repo::people_by_handle(conn, &dealer_id)?
                .into_iter()
                .collect(),
            today: local_time(crate::repo::now(), o.utc_offset_hours).date(),
            dealer_id,
            seen: HashMap::new(),
            writes: Vec::new(),
        })
    }
}

impl Importer for RotaImport {
    fn check(&mut self, conn: &mut AnyConnection, row: &Row) -> Result<Checked, AppError> {
        let r = match parse(row, self.today) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let n = row.number;
        let Some(person) = self.people.get(&r.person).cloned() else {
            return Ok(Err(vec![RowError::new(
                n,
                "person",
                Problem::PersonUnknown { value: r.person },
            )]));
        };
        let (weekday, on_date) = slot_columns(r.shift.slot);
        let key = (person.clone(), (weekday, on_date.clone()));
        if let Some(first) = self.seen.get(&key) {
            let column = if weekday.is_some() { "weekday" } else { "date" };
            return Ok(Err(repeated(n, column, *first)));
        }
        self.seen.insert(key, n);
        let stored = repo::at_slot(conn, &person, weekday, on_date.as_deref())?;
        let outcome = match stored {
            Some(s)
                if s.start_min == i32::from(r.shift.span.start())
                    && s.end_min == i32::from(r.shift.span.end())
                    && s.kind == r.shift.kind.as_str() =>
            {
                Outcome::Unchanged
            }
            Some(_) => Outcome::Update,
            None => Outcome::Insert,
        };
        if outcome != Outcome::Unchanged {
            self.writes.push((person, r.shift));
        }
        Ok(Ok(outcome))
    }

    fn pending(&self) -> u64 {
        self.writes.len() as u64
    }

    fn write(
        &mut self,
        conn: &mut AnyConnection,
        _: &Options,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError> {
        for (done, (person, shift)) in self.writes.iter().enumerate() {
            store(conn, &self.dealer_id, person, shift)?;
            super::tick(done as u64 + 1, progress, self.writes.len() as u64);
        }
        Ok(())
    }
}
