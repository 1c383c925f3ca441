//! `rescuedesk backup` / `restore`: a copy taken while intakes are written is one moment of the database, a restore gives it back row for row, every refusal leaves the files as they were; on PostgreSQL pg_dump / pg_restore do the same round trip.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use sha2::{Digest, Sha256};

use crate::cli::{rescuedesk, text};
use crate::helpers::{fresh_database, intake_body, postgres_url, Backend, TestApp};

/// Intake POSTs from several clients at once until stopped.
struct Load {
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(app: &TestApp, clients: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(AtomicUsize::new(0));
        let token = app.token("hz.agent");
        let tasks = (0..clients)
            .map(|i| {
                let (stop, acked, token) = (stop.clone(), acked.clone(), token.clone());
                let (client, url) = (app.client.clone(), app.url("/api/v1/tickets"));
                let mut body = intake_body();
                body["plate"] = format!("浙A5{i:04}").into();
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let res = client
                            .post(&url)
                            .bearer_auth(&token)
                            .json(&body)
                            .send()
                            .await
                            .expect("intake request");
                        assert_eq!(res.status().as_u16(), 201, "{:?}", res.text().await);
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        Load { stop, acked, tasks }
    }

    /// Intakes answered 201 so far: each is committed.
    fn acked(&self) -> usize {
        self.acked.load(Ordering::SeqCst)
    }

    async fn wait_for(&self, n: usize) {
        for _ in 0..3000 {
            if self.acked() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the load made {} intakes, not {n}", self.acked());
    }

    /// Stops the clients; the intakes answered in all.
    async fn stop(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await.expect("a load client failed");
        }
        self.acked.load(Ordering::SeqCst)
    }
}

/// The binary with `database.url` set to `url`, off the runtime (the server is in this process).
async fn cli(dir: &Path, args: &[&str], url: &str) -> Output {
    let (dir, url) = (dir.to_owned(), url.to_owned());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rescuedesk(&dir, &args, &[("RESCUEDESK__DATABASE__URL", &url)], "")
    })
    .await
    .unwrap()
}

/// An external tool (pg_dump, pg_restore), off the runtime.
async fn run(program: PathBuf, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(&program)
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
    })
    .await
    .unwrap()
}

fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The command failed with the error `code` (the CLI prints `error: CODE: message`).
fn refused(out: &Output, code: &str) -> String {
    let err = text(&out.stderr);
    assert!(!out.status.success(), "{code} expected, it succeeded");
    assert!(err.contains(&format!("error: {code}: ")), "{code} in {err}");
    err
}

fn sqlite_file(url: &str) -> PathBuf {
    PathBuf::from(url.strip_prefix("sqlite://").expect("an SQLite URL"))
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    r: String,
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Table → (rows, SHA-256 of its rows as text, sorted): equal maps hold the same rows.
type Tables = BTreeMap<String, (usize, String)>;

fn digest(mut rows: Vec<String>) -> (usize, String) {
    rows.sort();
    let mut h = Sha256::new();
    for r in &rows {
        h.update(r.as_bytes());
        h.update(b"\n");
    }
    (rows.len(), hex::encode(h.finalize()))
}

fn sqlite(path: &Path) -> SqliteConnection {
    assert!(path.is_file(), "{} missing", path.display());
    SqliteConnection::establish(&path.to_string_lossy()).expect("open the SQLite file")
}

/// A row of `table` as one text: every column `quote()`d (so NULL, 0 and '' differ), in order.
fn row_text(conn: &mut SqliteConnection, table: &str) -> String {
    let cols: Vec<Name> = diesel::sql_query(format!(
        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
    ))
    .load(conn)
    .unwrap();
    cols.iter()
        .map(|c| format!("quote(\"{}\")", c.name))
        .collect::<Vec<_>>()
        .join(" || '|' || ")
}

fn sqlite_tables(path: &Path) -> Tables {
    let mut conn = sqlite(path);
    let names: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .load(&mut conn)
    .unwrap();
    names
        .into_iter()
        .map(|t| {
            let expr = row_text(&mut conn, &t.name);
            let rows: Vec<Row> =
                diesel::sql_query(format!("SELECT '' AS id, {expr} AS r FROM \"{}\"", t.name))
                    .load(&mut conn)
                    .unwrap();
            let sum = digest(rows.into_iter().map(|r| r.r).collect());
            (t.name, sum)
        })
        .collect()
}

/// The rows of `table` (which has an `id`) by id.
fn sqlite_rows(path: &Path, table: &str) -> BTreeMap<String, String> {
    let mut conn = sqlite(path);
    let expr = row_text(&mut conn, table);
    let rows: Vec<Row> = diesel::sql_query(format!("SELECT id, {expr} AS r FROM \"{table}\""))
        .load(&mut conn)
        .unwrap();
    rows.into_iter().map(|r| (r.id, r.r)).collect()
}

/// Counts that only agree in one moment of the database: written by the same intake
/// transaction, they drift apart in a copy made of pieces of different moments.
#[derive(Debug, PartialEq)]
struct Moment {
    tickets: i64,
    created_events: i64,
    tickets_without_event: i64,
    events_without_ticket: i64,
    /// Sum of the dealers' daily ticket counters: one per ticket.
    counted: i64,
}

const MOMENT_SQL: [&str; 5] = [
    "SELECT COUNT(*) AS n FROM tickets",
    "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'ticket.created'",
    "SELECT COUNT(*) AS n FROM tickets t WHERE NOT EXISTS \
     (SELECT 1 FROM audit_events a WHERE a.ticket_id = t.id AND a.action = 'ticket.created')",
    "SELECT COUNT(*) AS n FROM audit_events a WHERE a.action = 'ticket.created' \
     AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = a.ticket_id)",
    "SELECT CAST(COALESCE(SUM(last_seq), 0) AS BIGINT) AS n FROM ticket_counters",
];

/// The moment's counts, each read with `count` (a query answering one `n`).
fn moment(mut count: impl FnMut(&str) -> i64) -> Moment {
    let [tickets, created_events, tickets_without_event, events_without_ticket, counted] =
        MOMENT_SQL.map(&mut count);
    Moment {
        tickets,
        created_events,
        tickets_without_event,
        events_without_ticket,
        counted,
    }
}

fn count_in<C>(conn: &mut C) -> impl FnMut(&str) -> i64 + '_
where
    C: diesel::Connection,
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, N>,
{
    move |sql| {
        diesel::sql_query(sql)
            .get_result::<N>(conn)
            .expect("count")
            .n
    }
}

/// The copy is one moment between `before` and `total` intakes: every ticket has its event
/// and its number, and it lacks intakes finished after the backup.
fn assert_one_moment(m: &Moment, before: usize, total: usize) {
    let (before, total) = (before as i64, total as i64);
    assert!(
        m.tickets >= before && m.tickets < total,
        "{before} intakes were answered before the backup, {total} in all: {m:?}"
    );
    assert_eq!(
        *m,
        Moment {
            tickets: m.tickets,
            created_events: m.tickets,
            tickets_without_event: 0,
            events_without_ticket: 0,
            counted: m.tickets,
        }
    );
}

fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn sha(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// The SHA-256 of a file this process's server has open, read by another process: closing a
/// file descriptor drops every POSIX lock the process holds on that file, so reading it here
/// would take away the server's SQLite lock (SQLite guards only its own descriptors).
fn sha_from_outside(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    ok(&out, "sha256sum")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_is_one_moment_and_restores_row_for_row() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = app.database_url();
    let source = sqlite_file(&url);
    let dir = tempfile::tempdir().unwrap();
    let load = Load::start(&app, 4);
    load.wait_for(20).await;

    let before = load.acked();
    let out = cli(dir.path(), &["backup", "under-load.sqlite3"], &url).await;
    let said = ok(&out, "backup");
    let during = load.acked() - before;
    assert!(
        said.contains("备份已写入 under-load.sqlite3") && said.contains("Backup written to"),
        "{said}"
    );
    // Writes go on after the backup, so the copy cannot be the final state by chance.
    load.wait_for(load.acked() + 20).await;
    let total = load.stop().await;
    assert!(
        during > 0,
        "no intake was answered while the backup ran: not a backup under load"
    );
    eprintln!("[figures] backup under load: {before} intakes before, {during} while it ran, {total} in all");
    assert!(
        listing(dir.path()) == BTreeSet::from(["under-load.sqlite3".to_owned()]),
        "no partial file left: {:?}",
        listing(dir.path())
    );

    let copy = dir.path().join("under-load.sqlite3");
    let m = moment(count_in(&mut sqlite(&copy)));
    assert_one_moment(&m, before, total);
    // The rows it has are the source's rows, column for column.
    for table in ["tickets", "audit_events"] {
        let (theirs, ours) = (sqlite_rows(&copy, table), sqlite_rows(&source, table));
        assert!(theirs.len() < ours.len(), "{table}");
        for (id, row) in &theirs {
            assert_eq!(Some(row), ours.get(id), "{table} {id}");
        }
    }

    // Restored into a path with no database yet: the same rows in every table.
    let restored = dir.path().join("restored").join("rescuedesk.sqlite3");
    let restored_url = format!("sqlite://{}", restored.display());
    let said = ok(
        &cli(
            dir.path(),
            &["restore", "under-load.sqlite3"],
            &restored_url,
        )
        .await,
        "restore",
    );
    assert!(
        said.contains("已把备份恢复到") && !said.contains("before-restore"),
        "nothing to keep: {said}"
    );
    let copied = sqlite_tables(&copy);
    assert!(copied["tickets"].0 > 0 && copied.contains_key("__diesel_schema_migrations"));
    assert_eq!(sqlite_tables(&restored), copied);
    let said = ok(
        &cli(dir.path(), &["migrate"], &restored_url).await,
        "migrate",
    );
    assert!(said.contains("0 migration(s) applied"), "{said}");

    // The first restore as a server that died would leave it: a change still in its WAL.
    let crashed_dir = dir.path().join("crashed");
    std::fs::create_dir(&crashed_dir).unwrap();
    let crashed = crashed_dir.join("rescuedesk.sqlite3");
    {
        let mut conn = sqlite(&restored);
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; \
             UPDATE tickets SET fault = 'after the crash' WHERE id = (SELECT MIN(id) FROM tickets)",
        )
        .unwrap();
        for suffix in ["", "-wal"] {
            let from = format!("{}{suffix}", restored.display());
            std::fs::copy(from, format!("{}{suffix}", crashed.display())).unwrap();
        }
    }
    assert!(
        std::fs::metadata(format!("{}-wal", crashed.display()))
            .unwrap()
            .len()
            > 0
    );

    // Quiet now: a second backup restored over it keeps the old file whole and equals the source.
    ok(
        &cli(dir.path(), &["backup", "quiet.sqlite3"], &url).await,
        "backup",
    );
    let crashed_url = format!("sqlite://{}", crashed.display());
    let said = ok(
        &cli(dir.path(), &["restore", "quiet.sqlite3"], &crashed_url).await,
        "restore over a database",
    );
    let files = listing(&crashed_dir);
    let kept: Vec<_> = files
        .iter()
        .filter(|f| f.starts_with("rescuedesk.sqlite3.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{files:?}");
    assert_eq!(files.len(), 2, "no -wal, -shm or temporary file: {files:?}");
    assert!(said.contains(kept[0].as_str()), "{said}");
    let kept = crashed_dir.join(kept[0]);
    // What the WAL held went into the kept file before its WAL was removed.
    let mut old = sqlite_tables(&kept);
    let (mut expected, old_tickets) = (copied.clone(), old.remove("tickets").unwrap());
    let copied_tickets = expected.remove("tickets").unwrap();
    assert_eq!(old, expected, "the old database, whole");
    assert_eq!(old_tickets.0, copied_tickets.0);
    assert_ne!(
        old_tickets.1, copied_tickets.1,
        "the change in the WAL is kept"
    );
    let faults: Vec<Name> =
        diesel::sql_query("SELECT fault AS name FROM tickets WHERE fault = 'after the crash'")
            .load(&mut sqlite(&kept))
            .unwrap();
    assert_eq!(faults.len(), 1);

    let quiet = sqlite_tables(&source);
    assert_eq!(quiet["tickets"].0, total, "{quiet:?}");
    assert_eq!(sqlite_tables(&crashed), quiet);
    let m = moment(count_in(&mut sqlite(&crashed)));
    assert_eq!(m.tickets, total as i64);
    assert_eq!(m.counted, m.tickets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_leave_the_files_as_they_were() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.new_ticket().await;
    let url = app.database_url();
    let source = sqlite_file(&url);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // An existing file is not replaced without --force.
    std::fs::write(d.join("taken.sqlite3"), "keep me").unwrap();
    let err = refused(
        &cli(d, &["backup", "taken.sqlite3"], &url).await,
        "backup_exists",
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("taken.sqlite3")).unwrap(),
        "keep me"
    );
    assert_eq!(listing(d), BTreeSet::from(["taken.sqlite3".to_owned()]));
    let said = ok(
        &cli(d, &["backup", "taken.sqlite3", "--force"], &url).await,
        "backup --force",
    );
    assert!(said.contains("替换了原有文件"), "{said}");
    let good = d.join("taken.sqlite3");
    assert_eq!(sqlite_tables(&good)["tickets"].0, 1);
    // Not even with --force onto the database itself.
    let src = source.display().to_string();
    refused(
        &cli(d, &["backup", &src, "--force"], &url).await,
        "backup_exists",
    );
    assert_eq!(sqlite_tables(&source)["tickets"].0, 1);
    // No database at the URL: nothing is created there.
    let nowhere = format!("sqlite://{}", d.join("none/x.sqlite3").display());
    refused(
        &cli(d, &["backup", "y.sqlite3"], &nowhere).await,
        "database_missing",
    );
    assert!(!d.join("none").exists() && !d.join("y.sqlite3").exists());

    // A target database with no server: restores of bad files leave it byte for byte.
    let target_dir = d.join("target");
    let target = target_dir.join("rd.sqlite3");
    let target_url = format!("sqlite://{}", target.display());
    ok(
        &cli(d, &["restore", "taken.sqlite3"], &target_url).await,
        "restore",
    );
    let (target_sum, target_files) = (sha(&target), listing(&target_dir));

    std::fs::write(d.join("notes.csv"), "id,name\n1,x\n").unwrap();
    std::fs::write(d.join("tiny"), "SQLite").unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page, "{} bytes", bytes.len());
    let mut damaged = bytes.clone();
    for b in &mut damaged[2 * page..bytes.len() - page] {
        *b = 0x5A;
    }
    std::fs::write(d.join("damaged.sqlite3"), &damaged).unwrap();
    std::fs::write(d.join("half.sqlite3"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(d.join("newer.sqlite3"), &bytes).unwrap();
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('99991231235959')")
        .execute(&mut sqlite(&d.join("newer.sqlite3")))
        .unwrap();
    let foreign = d.join("foreign.sqlite3");
    diesel::sql_query("CREATE TABLE orders (id TEXT PRIMARY KEY)")
        .execute(&mut SqliteConnection::establish(&foreign.to_string_lossy()).unwrap())
        .unwrap();
    for (file, code) in [
        ("missing.sqlite3", "backup_unreadable"),
        ("notes.csv", "backup_not_sqlite"),
        ("tiny", "backup_not_sqlite"),
        ("damaged.sqlite3", "backup_corrupt"),
        ("half.sqlite3", "backup_corrupt"),
        ("foreign.sqlite3", "backup_not_rescuedesk"),
        ("newer.sqlite3", "backup_newer_schema"),
    ] {
        let err = refused(&cli(d, &["restore", file], &target_url).await, code);
        assert!(err.contains(file), "{file}: {err}");
        assert_eq!(sha(&target), target_sum, "{file}");
        assert_eq!(listing(&target_dir), target_files, "{file}");
    }
    let err = refused(
        &cli(d, &["restore", "newer.sqlite3"], &target_url).await,
        "backup_newer_schema",
    );
    assert!(err.contains("99991231235959"), "{err}");

    // An older build's backup restores, and says that serve or migrate brings it up to date.
    std::fs::write(d.join("older.sqlite3"), &bytes).unwrap();
    diesel::sql_query(
        "DELETE FROM __diesel_schema_migrations \
         WHERE version = (SELECT MAX(version) FROM __diesel_schema_migrations)",
    )
    .execute(&mut sqlite(&d.join("older.sqlite3")))
    .unwrap();
    let older_url = format!("sqlite://{}", d.join("older/rd.sqlite3").display());
    let said = ok(
        &cli(d, &["restore", "older.sqlite3"], &older_url).await,
        "restore an older backup",
    );
    assert!(
        said.contains("备份比本程序少 1 个迁移") && said.contains("1 migration behind"),
        "{said}"
    );

    // The server has its database open: refused, its files untouched, it goes on serving.
    let server_dir = source.parent().unwrap().to_owned();
    let (files, main) = (listing(&server_dir), sha_from_outside(&source));
    let err = refused(
        &cli(d, &["restore", "taken.sqlite3"], &url).await,
        "database_in_use",
    );
    assert!(
        err.contains("正在被使用") && err.contains("in use"),
        "{err}"
    );
    assert_eq!(listing(&server_dir), files);
    assert_eq!(sha_from_outside(&source), main);
    let token = app.token("hz.agent");
    let (status, list) = app.get_json(&token, "/api/v1/tickets").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1, "{list}");
    app.new_ticket().await;
    assert_eq!(app.count("tickets"), 2);

    // PostgreSQL: pg_dump and pg_restore, said before any connection is tried.
    let pg = "postgres://nobody@127.0.0.1:1/rescuedesk";
    let err = refused(
        &cli(d, &["backup", "pg.dump"], pg).await,
        "backup_unsupported_backend",
    );
    assert!(err.contains("pg_dump -Fc"), "{err}");
    let err = refused(
        &cli(d, &["restore", "taken.sqlite3"], pg).await,
        "backup_unsupported_backend",
    );
    assert!(err.contains("pg_restore --clean"), "{err}");
    assert!(!d.join("pg.dump").exists());
}

/// The directory of pg_dump and pg_restore: `pg_config --bindir` as scripts/pg.sh finds the
/// server, else the newest /usr/lib/postgresql/*/bin.
fn pg_bindir() -> PathBuf {
    let from_config = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(text(&o.stdout).trim()));
    let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_string_lossy().parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    installed.sort();
    from_config
        .into_iter()
        .chain(installed.into_iter().rev().map(|(_, d)| d))
        .find(|d| d.join("pg_dump").is_file() && d.join("pg_restore").is_file())
        .expect("TEST_DATABASE_URL is set but pg_dump/pg_restore are not installed")
}

fn pg(url: &str) -> PgConnection {
    PgConnection::establish(url).expect("connect to the test database")
}

fn pg_tables(url: &str) -> Tables {
    let mut conn = pg(url);
    let names: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .unwrap();
    names
        .into_iter()
        .map(|t| {
            let rows: Vec<Row> = diesel::sql_query(format!(
                "SELECT '' AS id, t::text AS r FROM \"{}\" t",
                t.name
            ))
            .load(&mut conn)
            .unwrap();
            (t.name, digest(rows.into_iter().map(|r| r.r).collect()))
        })
        .collect()
}

fn pg_rows(url: &str, table: &str) -> BTreeMap<String, String> {
    let rows: Vec<Row> = diesel::sql_query(format!("SELECT id, t::text AS r FROM \"{table}\" t"))
        .load(&mut pg(url))
        .unwrap();
    rows.into_iter().map(|r| (r.id, r.r)).collect()
}

async fn pg_dump(bin: &Path, url: &str, file: &Path) {
    let args = ["-Fc", "-f", &file.display().to_string(), url].map(String::from);
    ok(&run(bin.join("pg_dump"), args.to_vec()).await, "pg_dump");
}

/// The README's restore command into the database `url`.
async fn pg_restore(bin: &Path, url: &str, file: &Path) {
    let args = [
        "--clean",
        "--if-exists",
        "--no-owner",
        "-d",
        url,
        &file.display().to_string(),
    ]
    .map(String::from);
    ok(
        &run(bin.join("pg_restore"), args.to_vec()).await,
        "pg_restore",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pg_dump_under_load_and_pg_restore_round_trip() {
    if postgres_url().is_none() {
        return; // said loudly by postgres_url
    }
    let bin = pg_bindir();
    let app = TestApp::spawn(Backend::Postgres).await;
    let url = app.database_url();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let load = Load::start(&app, 4);
    load.wait_for(20).await;

    let before = load.acked();
    pg_dump(&bin, &url, &d.join("under-load.dump")).await;
    let during = load.acked() - before;
    load.wait_for(load.acked() + 20).await;
    let total = load.stop().await;
    eprintln!("[figures] pg_dump under load: {before} intakes before, {during} while it ran, {total} in all");
    assert!(during > 0, "no intake was answered while pg_dump ran");

    let (restored, _) = fresh_database(Backend::Postgres);
    pg_restore(&bin, &restored, &d.join("under-load.dump")).await;
    let m = moment(count_in(&mut pg(&restored)));
    assert_one_moment(&m, before, total);
    for table in ["tickets", "audit_events"] {
        let (theirs, ours) = (pg_rows(&restored, table), pg_rows(&url, table));
        assert!(theirs.len() < ours.len(), "{table}");
        for (id, row) in &theirs {
            assert_eq!(Some(row), ours.get(id), "{table} {id}");
        }
    }

    // Quiet: dumped again and restored over the first restore, every table as the source's.
    pg_dump(&bin, &url, &d.join("quiet.dump")).await;
    pg_restore(&bin, &restored, &d.join("quiet.dump")).await;
    let source = pg_tables(&url);
    assert_eq!(source["tickets"].0, total);
    assert!(source.contains_key("__diesel_schema_migrations"));
    assert_eq!(pg_tables(&restored), source);
    let said = ok(&cli(d, &["migrate"], &restored).await, "migrate");
    assert!(said.contains("0 migration(s) applied"), "{said}");

    // The binary's own commands point at these tools.
    let err = refused(
        &cli(d, &["backup", "x.sqlite3"], &url).await,
        "backup_unsupported_backend",
    );
    assert!(err.contains("pg_dump"), "{err}");
}
