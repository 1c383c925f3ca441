//! Stock rows against stored stock, upserted by (dealer, part); `reserved` is never touched.

use std::collections::HashMap;

use super::{repeated, unknown_dealer, Checked, Importer, Options, Outcome};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::import::stock::parse;
use crate::import::{Problem, Row, RowError};
use crate::repo::imports::{self as repo, StoredStock};

struct StockWrite {
    dealer_id: String,
    part_id: String,
    on_hand: i32,
    bin: String,
    insert: bool,
}

pub struct StockImport {
    scoped: bool,
    dealers: HashMap<String, String>,
    /// Part number → id.
    parts: HashMap<String, String>,
    /// Stored stock per dealer id, loaded when the file first names the dealer.
    stock: HashMap<String, HashMap<String, StoredStock>>,
    seen: HashMap<(String, String), u64>,
    writes: Vec<StockWrite>,
}

impl StockImport {
    pub fn new(conn: &mut AnyConnection, group: Option<&str>) -> Result<StockImport, AppError> {
        Ok(StockImport {
            scoped: group.is_some(),
            dealers: repo::dealer_ids(conn, group)?,
            parts: repo::catalogue(conn)?
                .into_iter()
                .map(|(no, p)| (no, p.id))
                .collect(),
            stock: HashMap::new(),
            seen: HashMap::new(),
            writes: Vec::new(),
        })
    }
}

impl Importer for StockImport {
    fn check(&mut self, conn: &mut AnyConnection, row: &Row) -> Result<Checked, AppError> {
        let r = match parse(row) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let n = row.number;
        let mut errors = Vec::new();
        let dealer = self.dealers.get(&r.dealer_code);
        if dealer.is_none() {
            errors.extend(unknown_dealer(n, &r.dealer_code, self.scoped));
        }
        let part = self.parts.get(&r.part_no);
        if part.is_none() {
            errors.push(RowError::new(
                n,
                "part_no",
                Problem::PartUnknown {
                    part_no: r.part_no.clone(),
                },
            ));
        }
        let (Some(dealer), Some(part)) = (dealer, part) else {
            return Ok(Err(errors));
        };
        let key = (dealer.clone(), part.clone());
        if let Some(first) = self.seen.get(&key) {
            return Ok(Err(repeated(n, "part_no", *first)));
        }
        if !self.stock.contains_key(dealer) {
            let stored = repo::dealer_stock(conn, dealer)?;
            self.stock.insert(dealer.clone(), stored);
        }
        let stored = self.stock.get(dealer).and_then(|s| s.get(part));
        if let Some((_, reserved, _)) = stored {
            if r.on_hand < *reserved {
                return Ok(Err(vec![RowError::new(
                    n,
                    "on_hand",
                    Problem::BelowReserved {
                        on_hand: r.on_hand,
                        reserved: *reserved,
                    },
                )]));
            }
        }
        let outcome = match stored {
            Some((on_hand, _, bin)) if *on_hand == r.on_hand && *bin == r.bin => Outcome::Unchanged,
            Some(_) => Outcome::Update,
            None => Outcome::Insert,
        };
        self.seen.insert(key.clone(), n);
        if outcome != Outcome::Unchanged {
            self.writes.push(StockWrite {
                dealer_id: key.0,
                part_id: key.1,
                on_hand: r.on_hand,
                bin: r.bin,
                insert: outcome == Outcome::Insert,
            });
        }
        Ok(Ok(outcome))
    }

    fn pending(&self) -> u64 {
        self.writes.len() as u64
    }

    // No `verify`: the writes carry their own guards in SQL (an update never sets on hand below
    // what is reserved, an insert never meets a row added since), both `stale_state`.
    fn write(
        &mut self,
        conn: &mut AnyConnection,
        _: &Options,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError> {
        let now = crate::repo::now();
        let mut done = 0;
        let (inserts, updates): (Vec<&StockWrite>, Vec<&StockWrite>) =
            self.writes.iter().partition(|w| w.insert);
        for chunk in inserts.chunks(4096) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|w| {
                    (
                        w.dealer_id.as_str(),
                        w.part_id.as_str(),
                        w.on_hand,
                        w.bin.as_str(),
                    )
                })
                .collect();
            repo::insert_stock(conn, &rows, now)?;
            done += chunk.len() as u64;
            progress(done);
        }
        for chunk in updates.chunks(4096) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|w| {
                    (
                        w.dealer_id.as_str(),
                        w.part_id.as_str(),
                        w.on_hand,
                        w.bin.as_str(),
                    )
                })
                .collect();
            repo::update_stock_many(conn, &rows, now)?;
            done += chunk.len() as u64;
            progress(done);
        }
        Ok(())
    }
}
