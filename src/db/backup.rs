//! `rescuedesk backup` and `restore` for the SQLite file: an online, consistent copy while the server serves, and a checked restore while it does not (PostgreSQL: pg_dump / pg_restore, README).

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::sqlite::Sqlite;
use diesel::SqliteConnection;

use super::{DbUrl, SQLITE_MIGRATIONS};
use crate::config::DatabaseSettings;
use crate::error::{AppError, ErrorCode};

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What `backup` wrote.
#[derive(Debug, Clone)]
pub struct BackupDone {
    pub file: PathBuf,
    pub bytes: u64,
    pub seconds: f64,
    /// An existing file was replaced (`--force`).
    pub replaced: bool,
}

/// What `restore` did.
#[derive(Debug, Clone)]
pub struct RestoreDone {
    /// The database file that now holds the backup.
    pub database: PathBuf,
    /// Where the database that was there before now lies (`<db>.before-restore-<UTC time>`).
    pub kept: Option<PathBuf>,
    /// Migrations the backup holds.
    pub applied: usize,
    /// Migrations of this build the backup lacks: `serve` or `migrate` applies them.
    pub pending: usize,
}

/// Writes a consistent copy of the SQLite database to `file`: `VACUUM INTO` a temporary file
/// next to it (one read transaction, so the copy is one moment of the database while the server
/// goes on writing in WAL), fsynced, then linked into place. An existing `file` is refused
/// unless `force`, which replaces it atomically.
pub fn backup(
    settings: &DatabaseSettings,
    file: &Path,
    force: bool,
) -> Result<BackupDone, AppError> {
    let started = Instant::now();
    let source = sqlite_path(settings, "backup-postgres-use-pg-dump")?;
    if !source.is_file() {
        return Err(AppError::msg(
            ErrorCode::DatabaseMissing,
            "backup-database-missing",
            &[("database", shown(&source).into())],
        ));
    }
    let existed = file.exists();
    if existed {
        // `--force` onto the database itself would rename the copy over the live file.
        if same_file(file, &source) {
            return Err(AppError::msg(
                ErrorCode::BackupExists,
                "backup-is-the-database",
                &[("file", shown(file).into())],
            ));
        }
        if !force {
            return Err(exists(file));
        }
    }
    let (dir, name) = split(file).map_err(|e| backup_failed(&e))?;
    let tmp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    // A file of that name is a leftover of a run that died (a pid is reused, eventually);
    // VACUUM INTO refuses a file that is not empty.
    remove_if_there(&tmp).map_err(|e| backup_failed(&e))?;
    let cleanup = Cleanup(vec![tmp.clone()]);

    let mut conn = open(&source, settings.busy_timeout_ms).map_err(|e| backup_failed(&e))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(tmp.to_string_lossy().into_owned())
        .execute(&mut conn)
        .map_err(|e| backup_failed(&e))?;
    drop(conn);
    File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| backup_failed(&e))?;
    let bytes = fs::metadata(&tmp).map_err(|e| backup_failed(&e))?.len();

    if force {
        fs::rename(&tmp, file).map_err(|e| backup_failed(&e))?;
    } else {
        // A link never replaces: a file that appeared since the check above is kept.
        match place(&tmp, file) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(exists(file)),
            Err(e) => return Err(backup_failed(&e)),
        }
    }
    cleanup.done();
    sync_dir(&dir).map_err(|e| backup_failed(&e))?;
    Ok(BackupDone {
        file: file.to_owned(),
        bytes,
        seconds: started.elapsed().as_secs_f64(),
        replaced: existed,
    })
}

/// Puts the backup `file` in place of the SQLite database. Checks first, on a copy next to the
/// database (so what is checked is what goes in place): the SQLite header, `PRAGMA
/// integrity_check`, RescueDesk's tables, and no migration this build does not know. Then takes
/// an exclusive lock on the database (any process that has it open, `serve` or `worker`, makes
/// this `database_in_use`, nothing changed), folds its WAL into the file, keeps the file as
/// `<db>.before-restore-<UTC time>`, removes the stale `-wal`/`-shm`, and links the copy in.
pub fn restore(settings: &DatabaseSettings, file: &Path) -> Result<RestoreDone, AppError> {
    let target = sqlite_path(settings, "backup-postgres-use-pg-restore")?;
    check_header(file)?;
    let (dir, name) = split(&target).map_err(|e| restore_failed(&e))?;
    fs::create_dir_all(&dir).map_err(|e| restore_failed(&e))?;
    let tmp = dir.join(format!("{name}.restore-{}.tmp", std::process::id()));
    let cleanup = Cleanup(companions(&tmp).into_iter().chain([tmp.clone()]).collect());
    fs::copy(file, &tmp)
        .and_then(|_| File::open(&tmp))
        .and_then(|f| f.sync_all())
        .map_err(|e| unreadable(file, &e))?;
    let (applied, pending) = check(&tmp, file, settings.busy_timeout_ms)?;

    let kept = if target.exists() {
        Some(set_aside(&target, &dir, &name)?)
    } else {
        None
    };
    match place(&tmp, &target) {
        Ok(()) => {}
        // Something opened the database path between setting the old file aside and now (and
        // so created an empty database there): leave both as they are and say where they are.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            return Err(AppError::msg(
                ErrorCode::DatabaseInUse,
                "restore-database-reappeared",
                &[
                    ("database", shown(&target).into()),
                    (
                        "kept",
                        kept.as_deref().map(shown).unwrap_or_default().into(),
                    ),
                ],
            ));
        }
        Err(e) => return Err(restore_failed(&e)),
    }
    drop(cleanup);
    sync_dir(&dir).map_err(|e| restore_failed(&e))?;
    Ok(RestoreDone {
        database: target,
        kept,
        applied,
        pending,
    })
}

/// The SQLite file of `database.url`; PostgreSQL is refused with the message `pg_key`.
fn sqlite_path(settings: &DatabaseSettings, pg_key: &'static str) -> Result<PathBuf, AppError> {
    match DbUrl::parse(&settings.url) {
        Ok(DbUrl::Sqlite(path)) => Ok(path),
        Ok(DbUrl::Postgres(_)) => Err(AppError::msg(
            ErrorCode::BackupUnsupportedBackend,
            pg_key,
            &[],
        )),
        // Settings::load checked the URL already; its error names no password.
        Err(e) => Err(AppError::msg(
            ErrorCode::BackupFailed,
            "backup-failed",
            &[("reason", e.to_string().into())],
        )),
    }
}

fn open(path: &Path, busy_timeout_ms: u32) -> Result<SqliteConnection, String> {
    let mut conn =
        SqliteConnection::establish(&path.to_string_lossy()).map_err(|e| e.to_string())?;
    conn.batch_execute(&format!("PRAGMA busy_timeout = {busy_timeout_ms};"))
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

fn check_header(file: &Path) -> Result<(), AppError> {
    let mut head = [0u8; 16];
    let mut f = File::open(file).map_err(|e| unreadable(file, &e))?;
    let n = read_up_to(&mut f, &mut head).map_err(|e| unreadable(file, &e))?;
    if n < head.len() || &head != SQLITE_HEADER {
        return Err(AppError::msg(
            ErrorCode::BackupNotSqlite,
            "restore-not-sqlite",
            &[("file", shown(file).into())],
        ));
    }
    Ok(())
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[derive(QueryableByName)]
struct IntegrityLine {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// The copy `tmp` of `file` is sound and RescueDesk's, of a schema this build can run:
/// (migrations it holds, migrations of this build it lacks).
fn check(tmp: &Path, file: &Path, busy_timeout_ms: u32) -> Result<(usize, usize), AppError> {
    let corrupt = |detail: String| {
        AppError::msg(
            ErrorCode::BackupCorrupt,
            "restore-corrupt",
            &[("file", shown(file).into()), ("detail", detail.into())],
        )
    };
    let not_ours = || {
        AppError::msg(
            ErrorCode::BackupNotRescuedesk,
            "restore-not-rescuedesk",
            &[("file", shown(file).into())],
        )
    };
    let mut conn = open(tmp, busy_timeout_ms).map_err(corrupt)?;
    // A damaged page may fail the pragma itself ("database disk image is malformed").
    let lines: Vec<IntegrityLine> = diesel::sql_query("PRAGMA integrity_check(10)")
        .load(&mut conn)
        .map_err(|e| corrupt(e.to_string()))?;
    if lines.len() != 1 || lines[0].integrity_check != "ok" {
        let detail: Vec<_> = lines.into_iter().map(|l| l.integrity_check).collect();
        return Err(corrupt(detail.join("; ")));
    }
    let tables: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
         AND name IN ('__diesel_schema_migrations', 'tickets')",
    )
    .get_result(&mut conn)
    .map_err(|e| corrupt(e.to_string()))?;
    if tables.n != 2 {
        return Err(not_ours());
    }
    let applied: BTreeSet<String> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<Version>(&mut conn)
            .map_err(|e| corrupt(e.to_string()))?
            .into_iter()
            .map(|v| v.version)
            .collect();
    drop(conn);
    let known = known_versions()?;
    let unknown: Vec<&String> = applied.difference(&known).collect();
    if let Some(newest_unknown) = unknown.iter().max() {
        let newest_known = known.iter().max().cloned().unwrap_or_default();
        // Versions are UTC timestamps of one width: a later one is a newer build's migration,
        // an earlier one we do not have is someone else's database.
        if unknown.iter().all(|v| **v > newest_known) {
            return Err(AppError::msg(
                ErrorCode::BackupNewerSchema,
                "restore-newer-schema",
                &[
                    ("file", shown(file).into()),
                    ("version", newest_unknown.as_str().into()),
                    ("known", newest_known.into()),
                ],
            ));
        }
        return Err(not_ours());
    }
    let pending = known.difference(&applied).count();
    Ok((applied.len(), pending))
}

/// The migration versions embedded in this build, as diesel records them.
fn known_versions() -> Result<BTreeSet<String>, AppError> {
    let migrations = MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS)
        .map_err(|e| restore_failed(&e))?;
    Ok(migrations
        .iter()
        .map(|m| m.name().version().to_string())
        .collect())
}

#[derive(QueryableByName)]
struct Checkpoint {
    #[diesel(sql_type = Integer)]
    busy: i32,
}

/// Locks the database `target` exclusively, folds its WAL into the file and moves the file to
/// `<name>.before-restore-<UTC time>` in `dir`; returns that path.
fn set_aside(target: &Path, dir: &Path, name: &str) -> Result<PathBuf, AppError> {
    let in_use = || {
        AppError::msg(
            ErrorCode::DatabaseInUse,
            "restore-database-in-use",
            &[("database", shown(target).into())],
        )
    };
    // No waiting: a server holds its connections open for good, so a lock it has now it
    // still has in a minute.
    let mut conn = open(target, 0).map_err(|e| restore_failed(&e))?;
    // In WAL mode every connection that has read the file keeps a shared lock on it until it
    // closes; `locking_mode = EXCLUSIVE` makes the first write transaction take the file's
    // exclusive lock, which fails while any other process has the database open, and keeps it
    // until this connection closes.
    let locked = conn.batch_execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
    let mut lock = match locked {
        Ok(()) => Some(conn),
        Err(e) if is_busy(&e) => return Err(in_use()),
        // A file that is not a database (or is damaged) no server can be using: it goes aside
        // as it is, which is what the operator restores over it for.
        Err(e) if is_not_a_database(&e) => None,
        Err(e) => return Err(restore_failed(&e)),
    };
    if let Some(conn) = lock.as_mut() {
        // The kept file must stand alone: what the WAL holds goes into it first.
        let done: Checkpoint = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
            .get_result(conn)
            .map_err(|e| restore_failed(&e))?;
        if done.busy != 0 {
            return Err(in_use());
        }
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut kept = dir.join(format!("{name}.before-restore-{stamp}"));
    let mut n = 1;
    while kept.exists() {
        n += 1;
        kept = dir.join(format!("{name}.before-restore-{stamp}-{n}"));
    }
    // The lock belongs to the file, not its name: it moves with it.
    fs::rename(target, &kept).map_err(|e| restore_failed(&e))?;
    for stale in companions(target) {
        remove_if_there(&stale).map_err(|e| restore_failed(&e))?;
    }
    // Closed before the backup takes the name: closing a WAL connection deletes `<db>-wal` and
    // `<db>-shm` by name, which must not touch files of the restored database.
    drop(lock);
    Ok(kept)
}

/// SQLite's files next to a database: its WAL, its WAL index, its rollback journal.
fn companions(db: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = db.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [with("-wal"), with("-shm"), with("-journal")]
}

fn is_busy(e: &diesel::result::Error) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("database is busy")
}

fn is_not_a_database(e: &diesel::result::Error) -> bool {
    let text = e.to_string();
    text.contains("file is not a database") || text.contains("malformed")
}

/// Links `from` to `to` without ever replacing `to` (`AlreadyExists` if it is there), then
/// removes `from`. Where the file system has no hard links, a rename after a last look.
fn place(from: &Path, to: &Path) -> std::io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => fs::remove_file(from),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
        Err(_) if to.exists() => Err(ErrorKind::AlreadyExists.into()),
        Err(_) => fs::rename(from, to),
    }
}

/// The folder (`.` for a bare name) and the file name of `path`.
fn split(path: &Path) -> std::io::Result<(PathBuf, String)> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(ErrorKind::InvalidInput, "not a file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// A rename or link is durable once the folder that names it is synced.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn exists(file: &Path) -> AppError {
    AppError::msg(
        ErrorCode::BackupExists,
        "backup-exists",
        &[("file", shown(file).into())],
    )
}

fn backup_failed(e: &dyn std::fmt::Display) -> AppError {
    AppError::msg(
        ErrorCode::BackupFailed,
        "backup-failed",
        &[("reason", e.to_string().into())],
    )
}

fn restore_failed(e: &dyn std::fmt::Display) -> AppError {
    AppError::msg(
        ErrorCode::RestoreFailed,
        "restore-failed",
        &[("reason", e.to_string().into())],
    )
}

fn unreadable(file: &Path, e: &std::io::Error) -> AppError {
    AppError::msg(
        ErrorCode::BackupUnreadable,
        "restore-unreadable",
        &[
            ("file", shown(file).into()),
            ("reason", e.to_string().into()),
        ],
    )
}

/// Files removed when the operation stops half-way (a temporary copy and its companions).
struct Cleanup(Vec<PathBuf>);

impl Cleanup {
    /// The files are in place: nothing to remove.
    fn done(mut self) {
        self.0.clear();
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companions_are_named_after_the_file() {
        let [wal, shm, journal] = companions(Path::new("data/rescuedesk.sqlite3"));
        assert_eq!(wal, Path::new("data/rescuedesk.sqlite3-wal"));
        assert_eq!(shm, Path::new("data/rescuedesk.sqlite3-shm"));
        assert_eq!(journal, Path::new("data/rescuedesk.sqlite3-journal"));
        assert_eq!(
            split(Path::new("x.db")).unwrap(),
            (PathBuf::from("."), "x.db".to_owned())
        );
    }

    #[test]
    fn known_versions_are_one_width() {
        let known = known_versions().unwrap();
        assert!(!known.is_empty());
        let width = known.iter().next().unwrap().len();
        assert!(known.iter().all(|v| v.len() == width), "{known:?}");
    }
}
