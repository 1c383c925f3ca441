//! Importing a DMS file: every row parsed and checked against the database first (on a read
//! connection), then all changes written in the one transaction — or none, when a row is bad and
//! bad rows are not to be skipped, or when safety flags would come off parts unconfirmed.

mod history;
mod parts;
mod rota;
mod stock;

use std::io::Read;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::error::AppError;
use crate::import::{
    CsvRows, Downgrade, ImportKind, ImportReport, Problem, Refusal, Row, RowError, Step,
};
use crate::repo::audit::{self, NewAuditEvent};

/// The largest file the page and the API take (the CLI streams files of any size).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// Uploads read and checked at once on one node. Each holds its file a few times over while it
/// is decoded and parsed (up to `MAX_UPLOAD_BYTES` each), and all of them wait for the one
/// writer anyway: more at once buy nothing and, forty at once, took a gigabyte.
pub const MAX_AT_ONCE: usize = 2;

/// This node's places for uploads: one is taken before an upload's body is read, and given
/// back when the import is done (the permit dropped).
#[derive(Debug, Clone)]
pub struct Slots(std::sync::Arc<tokio::sync::Semaphore>);

impl Default for Slots {
    fn default() -> Self {
        Slots(std::sync::Arc::new(tokio::sync::Semaphore::new(
            MAX_AT_ONCE,
        )))
    }
}

impl Slots {
    /// A place, or `429 too_many_attempts` while `MAX_AT_ONCE` uploads are being imported.
    pub fn take(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        self.0.clone().try_acquire_owned().map_err(|_| {
            AppError::msg(
                crate::error::ErrorCode::TooManyAttempts,
                "import-busy",
                &[("max", MAX_AT_ONCE.into())],
            )
        })
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: ImportKind,
    /// Write the good rows even when some are bad.
    pub skip_bad: bool,
    /// Take `dangerous_goods` / `monitored` off the parts the file says; refused otherwise.
    pub confirm_downgrades: bool,
    /// Only dealers and vehicles of this dealer group (page and API users); all for the CLI.
    pub group_id: Option<String>,
    /// The DMS's local time: history times are read in it and stored as UTC.
    pub utc_offset_hours: i32,
    pub actor_id: Option<String>,
    pub actor_dealer_id: Option<String>,
}

/// What a checked row would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Unchanged,
    Update,
    Insert,
}

type Checked = Result<Outcome, Vec<RowError>>;

/// One file kind: checks rows as they come (remembering what the file said before), then writes.
/// Checking runs on a read connection; only `verify` and `write` run on the writer.
trait Importer: Send {
    /// The outer error is the database failing; the inner one, the row being bad.
    fn check(&mut self, conn: &mut AnyConnection, row: &Row) -> Result<Checked, AppError>;
    /// Safety flags the checked rows take off catalogue parts.
    fn downgrades(&self) -> Vec<Downgrade> {
        Vec::new()
    }
    fn pending(&self) -> u64;
    /// On the writer, before writing: what the check relied on is still so. A few reads, never
    /// the file again; fails with `stale_state` when another change came in between.
    fn verify(&self, _conn: &mut AnyConnection) -> Result<(), AppError> {
        Ok(())
    }
    fn write(
        &mut self,
        conn: &mut AnyConnection,
        o: &Options,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError>;
}

/// A file read and checked, not yet written; `importer` is None when it was refused.
struct CheckedFile {
    report: ImportReport,
    importer: Option<Box<dyn Importer>>,
}

/// Imports from the command line, blocking; `progress` is called as rows are checked and written.
pub fn import_blocking(
    db: &Db,
    input: impl Read,
    options: &Options,
    progress: &mut dyn FnMut(Step),
) -> Result<ImportReport, AppError> {
    let checked = db.read_blocking(|conn| check(conn, input, options, progress))?;
    if checked.importer.is_none() {
        return Ok(checked.report);
    }
    db.write_blocking(|conn| write(conn, checked, options, progress))
}

/// Imports an uploaded file (admin page, API): parts for the platform's catalogue admin, stock
/// and history for the user's own dealer group.
pub async fn import_upload(
    db: &Db,
    actor: &Identity,
    upload: Upload,
    utc_offset_hours: i32,
) -> Result<ImportReport, AppError> {
    actor.require(upload.kind.action())?;
    let options = Options {
        kind: upload.kind,
        skip_bad: upload.skip_bad,
        confirm_downgrades: upload.confirm_downgrades,
        group_id: Some(actor.group_id.to_string()),
        utc_offset_hours,
        actor_id: actor.audit_actor().map(str::to_owned),
        actor_dealer_id: Some(actor.dealer_id.to_string()),
    };
    let o = options.clone();
    let body = upload.body;
    // The whole file is parsed and checked on a read connection: the writer (SQLite has one)
    // is taken only for the writes, so other requests' writes do not queue behind a parse.
    let checked = db
        .read(move |conn| check(conn, std::io::Cursor::new(body), &o, &mut |_| {}))
        .await?;
    if checked.importer.is_none() {
        return Ok(checked.report);
    }
    db.write(move |conn| write(conn, checked, &options, &mut |_| {}))
        .await
}

/// An uploaded file and how to import it.
#[derive(Debug)]
pub struct Upload {
    pub kind: ImportKind,
    pub body: Vec<u8>,
    pub skip_bad: bool,
    pub confirm_downgrades: bool,
}

/// Reads and checks the whole file; decides whether it may be written.
fn check(
    conn: &mut AnyConnection,
    input: impl Read,
    o: &Options,
    progress: &mut dyn FnMut(Step),
) -> Result<CheckedFile, AppError> {
    let mut report = ImportReport::new(o.kind);
    let mut rows = match CsvRows::open(input, o.kind.columns()) {
        Ok(rows) => rows,
        Err(refused) => {
            report.encoding = refused.encoding.to_owned();
            report.add_row_errors(refused.errors);
            report.refused = Some(Refusal::BadRows);
            return Ok(CheckedFile {
                report,
                importer: None,
            });
        }
    };
    report.encoding = rows.encoding.to_owned();
    report.set_ignored_columns(&rows.ignored_columns);
    let mut importer: Box<dyn Importer> = match o.kind {
        ImportKind::Parts => Box::new(parts::PartsImport::new(conn)?),
        ImportKind::Stock => Box::new(stock::StockImport::new(conn, o.group_id.as_deref())?),
        ImportKind::History => Box::new(history::HistoryImport::new(conn, o)?),
        ImportKind::Rota => Box::new(rota::RotaImport::new(conn, o)?),
    };
    while let Some(next) = rows.next_row() {
        report.rows += 1;
        let checked = match next {
            Ok(row) => importer.check(conn, &row)?,
            Err(errors) => Err(errors),
        };
        match checked {
            Ok(Outcome::Insert) => report.inserted += 1,
            Ok(Outcome::Update) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(errors) => {
                report.skipped += 1;
                report.add_row_errors(errors);
            }
        }
        if report.rows.is_multiple_of(512) {
            progress(Step::Checking {
                bytes: rows.bytes_read(),
                rows: report.rows,
            });
        }
    }
    progress(Step::Checking {
        bytes: rows.bytes_read(),
        rows: report.rows,
    });
    for d in importer.downgrades() {
        report.add_downgrade(d);
    }
    report.downgrades_confirmed = o.confirm_downgrades && report.downgrades_total > 0;
    // A file that cannot be read to its end is refused whole, whatever `skip_bad` says.
    report.refused = if rows.broken || (report.errors_total > 0 && !o.skip_bad) {
        Some(Refusal::BadRows)
    } else if report.downgrades_total > 0 && !o.confirm_downgrades {
        Some(Refusal::UnconfirmedDowngrades)
    } else {
        None
    };
    if report.refused.is_some() {
        return Ok(CheckedFile {
            report,
            importer: None,
        });
    }
    if importer.pending() == 0 {
        // Nothing to change: the writer is not needed at all.
        report.written = true;
        return Ok(CheckedFile {
            report,
            importer: None,
        });
    }
    Ok(CheckedFile {
        report,
        importer: Some(importer),
    })
}

/// The writes of a checked file, in the one transaction: nothing but the writes, a check that
/// nothing they rely on changed since, and the audit events.
fn write(
    conn: &mut AnyConnection,
    checked: CheckedFile,
    o: &Options,
    progress: &mut dyn FnMut(Step),
) -> Result<ImportReport, AppError> {
    let CheckedFile {
        mut report,
        importer,
    } = checked;
    let Some(mut importer) = importer else {
        return Ok(report);
    };
    importer.verify(conn)?;
    let total = importer.pending();
    importer.write(conn, o, &mut |done| progress(Step::Writing { done, total }))?;
    report.written = true;
    if report.inserted + report.updated > 0 {
        let catalogue = o.kind == ImportKind::Parts;
        audit::append(
            conn,
            NewAuditEvent {
                // The catalogue is the platform's, not the importing dealer's.
                dealer_id: if catalogue {
                    None
                } else {
                    o.actor_dealer_id.as_deref()
                },
                entity: "import",
                entity_id: &crate::repo::new_id(),
                action: match o.kind {
                    ImportKind::Parts => "import_parts",
                    ImportKind::Stock => "import_stock",
                    ImportKind::History => "import_history",
                    ImportKind::Rota => "import_rota",
                },
                actor_id: o.actor_id.as_deref(),
                data: Some(serde_json::json!({
                    "rows": report.rows,
                    "inserted": report.inserted,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                    "encoding": report.encoding,
                    "downgrades": report.downgrades_total,
                })),
                ..Default::default()
            },
        )?;
    }
    Ok(report)
}

/// "Repeats row N" for a key the file already had.
fn repeated(row: u64, column: &str, first: u64) -> Vec<RowError> {
    vec![RowError::new(row, column, Problem::RepeatsRow { first })]
}

fn unknown_dealer(row: u64, code: &str, scoped: bool) -> Vec<RowError> {
    let code = code.to_owned();
    let problem = if scoped {
        Problem::DealerNotInGroup { code }
    } else {
        Problem::DealerUnknown { code }
    };
    vec![RowError::new(row, "dealer_code", problem)]
}

/// Writes call back every so often, not every row, so a progress bar stays cheap.
fn tick(done: u64, progress: &mut dyn FnMut(u64), total: u64) {
    if done.is_multiple_of(512) || done == total {
        progress(done);
    }
}

/// The id of the dealer with this short code (`hz`), for the command line's rota import;
/// `404 not_found` naming the dealer when there is none.
pub fn dealer_by_code(db: &Db, code: &str) -> Result<String, AppError> {
    let code = code.trim().to_owned();
    db.read_blocking(move |conn| crate::repo::users::dealer_id_by_code(conn, &code))?
        .ok_or_else(|| AppError::not_found(crate::error::Thing::Dealer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_past_the_places_are_refused_until_one_is_given_back() {
        let slots = Slots::default();
        let held: Vec<_> = (0..MAX_AT_ONCE).map(|_| slots.take().unwrap()).collect();
        let refused = slots.take().unwrap_err();
        assert_eq!(refused.code, crate::error::ErrorCode::TooManyAttempts);
        drop(held);
        assert!(slots.take().is_ok(), "given back when the import is done");
    }
}
