//! Importing a DMS file: every row checked against the database first, then all changes written
//! in the one transaction — or none, when a row is bad and bad rows are not to be skipped.

mod history;
mod parts;
mod stock;

use std::io::Read;

use crate::auth::Identity;
use crate::db::{AnyConnection, Db};
use crate::domain::role::Action;
use crate::error::AppError;
use crate::import::{CsvRows, ImportKind, ImportReport, Row, RowError, Step};
use crate::repo::audit::{self, NewAuditEvent};

/// The largest file the page and the API take (the CLI streams files of any size).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: ImportKind,
    /// Write the good rows even when some are bad.
    pub skip_bad: bool,
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
trait Importer {
    /// The outer error is the database failing; the inner one, the row being bad.
    fn check(&mut self, conn: &mut AnyConnection, row: &Row) -> Result<Checked, AppError>;
    fn pending(&self) -> u64;
    fn write(
        &mut self,
        conn: &mut AnyConnection,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), AppError>;
}

/// Imports from the command line, blocking; `progress` is called as rows are checked and written.
pub fn import_blocking(
    db: &Db,
    input: impl Read,
    options: &Options,
    progress: &mut dyn FnMut(Step),
) -> Result<ImportReport, AppError> {
    db.write_blocking(|conn| run(conn, input, options, progress))
}

/// Imports an uploaded file (admin page, API) for the user's dealer group.
pub async fn import_upload(
    db: &Db,
    actor: &Identity,
    kind: ImportKind,
    body: Vec<u8>,
    skip_bad: bool,
    utc_offset_hours: i32,
) -> Result<ImportReport, AppError> {
    actor.require(Action::ImportData)?;
    let options = Options {
        kind,
        skip_bad,
        group_id: Some(actor.group_id.clone()),
        utc_offset_hours,
        actor_id: actor.audit_actor().map(str::to_owned),
        actor_dealer_id: Some(actor.dealer_id.clone()),
    };
    db.write(move |conn| run(conn, std::io::Cursor::new(body), &options, &mut |_| {}))
        .await
}

fn run(
    conn: &mut AnyConnection,
    input: impl Read,
    o: &Options,
    progress: &mut dyn FnMut(Step),
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport::new(o.kind);
    let mut rows = match CsvRows::open(input, o.kind.columns()) {
        Ok(rows) => rows,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    report.ignored_columns = rows.ignored_columns.clone();
    let mut importer: Box<dyn Importer> = match o.kind {
        ImportKind::Parts => Box::new(parts::PartsImport::new(conn)?),
        ImportKind::Stock => Box::new(stock::StockImport::new(conn, o.group_id.as_deref())?),
        ImportKind::History => Box::new(history::HistoryImport::new(conn, o)?),
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
                report.errors.extend(errors);
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
    // A file that cannot be read to its end is refused whole, whatever `skip_bad` says.
    if rows.broken || (!report.errors.is_empty() && !o.skip_bad) {
        return Ok(report);
    }
    let total = importer.pending();
    importer.write(conn, &mut |done| progress(Step::Writing { done, total }))?;
    report.written = true;
    if report.inserted + report.updated > 0 {
        audit::append(
            conn,
            NewAuditEvent {
                dealer_id: o.actor_dealer_id.as_deref(),
                entity: "import",
                entity_id: &crate::repo::new_id(),
                action: match o.kind {
                    ImportKind::Parts => "import_parts",
                    ImportKind::Stock => "import_stock",
                    ImportKind::History => "import_history",
                },
                actor_id: o.actor_id.as_deref(),
                data: Some(serde_json::json!({
                    "rows": report.rows,
                    "inserted": report.inserted,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                })),
                ..Default::default()
            },
        )?;
    }
    Ok(report)
}

/// "Repeats row N" for a key the file already had.
fn repeated(row: u64, column: &str, first: u64) -> Vec<RowError> {
    vec![RowError::new(
        row,
        column,
        format!("与第 {first} 行重复 / Repeats row {first}"),
    )]
}

fn unknown_dealer(row: u64, code: &str, scoped: bool) -> Vec<RowError> {
    let (zh, en) = if scoped {
        (
            "本集团没有门店代码",
            "Your dealer group has no dealer with code",
        )
    } else {
        ("没有门店代码", "No dealer with code")
    };
    vec![RowError::new(
        row,
        "dealer_code",
        format!("{zh}“{code}” / {en} “{code}”"),
    )]
}

/// Writes call back every so often, not every row, so a progress bar stays cheap.
fn tick(done: u64, progress: &mut dyn FnMut(u64), total: u64) {
    if done.is_multiple_of(512) || done == total {
        progress(done);
    }
}
