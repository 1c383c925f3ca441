//! Database access: the SQLite | PostgreSQL connection, the pool, embedded migrations and the two doors `read` and `write`.

pub mod backup;
mod group_commit;
pub mod schema;
mod text_enum;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool, R2D2Connection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseSettings;
use crate::error::AppError;

/// Runs one multi-row INSERT on the concrete connection. Diesel's
/// `MultiConnection` cannot express SQLite's batch insert (its backend has no
/// DEFAULT keyword), so this is the one place the two backends are matched;
/// the SQL and the rows are the same for both. A macro because spelling out
/// diesel's insert bounds for a generic function costs more than it explains.
macro_rules! execute_insert {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let insert = diesel::insert_into($table).values($rows);
        match &mut *$conn {
            $crate::db::AnyConnection::Sqlite(c) => insert.execute(c)?,
            $crate::db::AnyConnection::Postgresql(c) => insert.execute(c)?,
        }
    }};
}
pub(crate) use execute_insert;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One code path for both databases; match on it only where SQL differs.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A parsed `database.url`. The scheme is checked here, never guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Debug, thiserror::Error)]
pub enum DbUrlError {
    #[error("unsupported database URL scheme in {0:?}: use sqlite://PATH or postgres://…")]
    UnknownScheme(String),
    #[error("sqlite:// URL needs a file path, e.g. sqlite://./data/rescuedesk.sqlite3")]
    EmptyPath,
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl, DbUrlError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbUrlError::EmptyPath);
            }
            return Ok(DbUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(url.to_owned()));
        }
        // Only the scheme goes into the message: the rest may hold a password.
        let scheme = url.split("://").next().unwrap_or_default();
        Err(DbUrlError::UnknownScheme(format!("{scheme}://")))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbUrl::Sqlite(_) => Backend::Sqlite,
            DbUrl::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Builds connections of the variant the URL names (diesel's own
/// `MultiConnection::establish` tries each backend and hides the real error).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DbUrl,
    busy_timeout_ms: u32,
}

impl Manager {
    fn establish(&self) -> Result<AnyConnection, diesel::r2d2::Error> {
        match &self.url {
            DbUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
                    self.busy_timeout_ms
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
            DbUrl::Postgres(url) => PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// The database handle shared by handlers, services and workers.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Backend,
    pool: Pool<Manager>,
    /// SQLite allows one writer at a time anyway: writes queue on this one
    /// connection inside the process instead of busy-waiting on the file lock.
    writer: Option<Mutex<AnyConnection>>,
    /// Writes waiting for `writer`, committed together (`group_commit`).
    queue: group_commit::Queue,
    /// The most writes one commit takes; 1 commits each on its own.
    group_max: usize,
}

impl Db {
    /// Connects, creating the SQLite folder and switching the file to WAL.
    pub fn connect(settings: &DatabaseSettings) -> Result<Db, anyhow::Error> {
        let url = DbUrl::parse(&settings.url)?;
        let manager = Manager {
            url: url.clone(),
            busy_timeout_ms: settings.busy_timeout_ms,
        };
        let writer = match &url {
            DbUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        anyhow::anyhow!("cannot create database folder {}: {e}", dir.display())
                    })?;
                }
                let mut conn = manager.establish().map_err(|e| {
                    anyhow::anyhow!("cannot open SQLite file {}: {e}", path.display())
                })?;
                // WAL is a property of the file: set it once, before the pool opens more.
                conn.batch_execute("PRAGMA journal_mode = WAL;")?;
                Some(Mutex::new(conn))
            }
            DbUrl::Postgres(_) => None,
        };
        let pool = Pool::builder()
            .max_size(settings.pool_size)
            .connection_timeout(Duration::from_secs(settings.connect_timeout_s))
            .build(manager)
            .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
        Ok(Db {
            inner: Arc::new(Inner {
                backend: url.backend(),
                pool,
                writer,
                queue: group_commit::Queue::default(),
                group_max: settings.group_commit_max,
            }),
        })
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// Runs pending migrations of the matching folder; returns how many ran.
    pub fn migrate(&self) -> Result<usize, anyhow::Error> {
        self.write_blocking_raw(|conn| {
            let applied = match conn {
                AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
                AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
            }
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
            for m in &applied {
                tracing::info!(migration = %m, "applied migration");
            }
            Ok(applied.len())
        })
    }

    /// Reads on a pooled connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        run_blocking(move || db.read_blocking(f)).await
    }

    /// One use case, one transaction: commits when `f` returns Ok, rolls back otherwise. On
    /// SQLite the writes waiting at the same moment share the commit, each in its savepoint
    /// (`group_commit`); the answer comes after the commit either way.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        if self.inner.writer.is_none() || self.inner.group_max <= 1 {
            return run_blocking(move || db.write_blocking(f)).await;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.inner.queue.push(group_commit::job(f, move |answer| {
            // The caller may have gone (a dropped request): its answer has nobody to go to.
            let _ = tx.send(answer);
        }));
        run_blocking(move || db.lead(rx)).await
    }

    /// Waits for the answer of a queued write, leading a batch on the writer whenever the
    /// answer has not come yet: whoever holds the writer runs what is queued.
    fn lead<T>(
        &self,
        mut answer: tokio::sync::oneshot::Receiver<Result<T, AppError>>,
    ) -> Result<T, AppError> {
        use tokio::sync::oneshot::error::TryRecvError;
        let writer = self
            .inner
            .writer
            .as_ref()
            .ok_or_else(|| AppError::internal("group commit without a writer"))?;
        let lost = || AppError::internal("the write was not run (see the log)");
        loop {
            match answer.try_recv() {
                Ok(result) => return result,
                Err(TryRecvError::Closed) => return Err(lost()),
                Err(TryRecvError::Empty) => {}
            }
            let mut conn = writer.lock().unwrap_or_else(|p| p.into_inner());
            // Someone else's batch may have taken this write while we waited for the writer.
            match answer.try_recv() {
                Ok(result) => return result,
                Err(TryRecvError::Closed) => return Err(lost()),
                Err(TryRecvError::Empty) => {}
            }
            self.inner.queue.drain(&mut conn, self.inner.group_max);
        }
    }

    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut conn = self.inner.pool.get()?;
        f(&mut conn)
    }

    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.write_blocking_raw(|conn| in_transaction(conn, f))
    }

    /// The writer connection without a transaction (migrations manage their own).
    fn write_blocking_raw<T, E>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<AppError>,
    {
        match &self.inner.writer {
            Some(writer) => {
                // A panic in an earlier write poisons the lock; the connection
                // itself is still usable (its transaction was rolled back).
                let mut conn = writer.lock().unwrap_or_else(|p| p.into_inner());
                f(&mut conn)
            }
            None => {
                let mut conn = self.inner.pool.get().map_err(AppError::from)?;
                f(&mut conn)
            }
        }
    }
}

/// SQLite transactions start IMMEDIATE so a second process (the CLI next to a
/// running server) waits on `busy_timeout` instead of failing on lock upgrade.
fn in_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        AnyConnection::Postgresql(_) => AnyConnection::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            AnyConnection::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = AnyConnection::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::internal(format!("database task failed: {e}")))?
}

/// True when the error is a unique-constraint violation (same check on both backends).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert_eq!(
            DbUrl::parse("sqlite://./data/x.sqlite3").unwrap(),
            DbUrl::Sqlite(PathBuf::from("./data/x.sqlite3"))
        );
        assert_eq!(
            DbUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DbUrl::Sqlite(PathBuf::from("/tmp/x.db"))
        );
        assert!(matches!(
            DbUrl::parse("postgresql://u@h/db").unwrap(),
            DbUrl::Postgres(_)
        ));
        assert!(DbUrl::parse("sqlite://").is_err());
        let err = DbUrl::parse("mysql://root:secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql://") && !err.contains("secret"), "{err}");
        assert!(DbUrl::parse("./data/x.db").is_err());
    }
}
