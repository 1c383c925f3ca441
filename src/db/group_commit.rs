//! Group commit on SQLite's one writer: the writes waiting for it share one transaction and one
//! `fsync`, each in its own savepoint, and every caller is answered only after the commit.
//!
//! SQLite commits one transaction at a time and each commit waits for the disk (`synchronous =
//! FULL`), so under load requests queue for the writer and the disk, not the CPU, sets the pace.
//! Here a caller puts its write on the queue and then asks for the writer connection. Whoever gets
//! it (the leader) takes everything queued at that moment, at most `max` writes: it never waits
//! for company, so a lone request costs what it did before, and the writes that queue while one
//! batch commits form the next. Each runs in a savepoint: a write that fails is rolled back to its
//! savepoint alone and its caller gets its own error at once; after a failure the batch so far is
//! committed and the rest go on in a fresh transaction, so a failure that spoilt the transaction
//! (SQLite rolls back the whole of it on some I/O errors) cannot take another caller's answer
//! with it. A caller whose write someone else led finds the queue without it and waits for its
//! answer. Durability is unchanged: nobody hears "done" before the commit that holds its rows.

use std::collections::VecDeque;
use std::sync::Mutex;

use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::AnyConnection;
use crate::error::AppError;

/// What a committed write still has to do: hand its value to its caller, or, when the commit
/// failed, the error.
type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;

/// A queued write: runs in its savepoint and says how to answer once the batch is committed, or
/// answers at once (it failed and wrote nothing).
pub type Job = Box<dyn FnOnce(&mut AnyConnection) -> Option<Reply> + Send>;

/// The writes waiting for the writer connection.
#[derive(Default)]
pub struct Queue {
    jobs: Mutex<VecDeque<Job>>,
}

impl Queue {
    pub fn push(&self, job: Job) {
        self.lock().push_back(job);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Job>> {
        // A panic while the queue was locked leaves it intact (push and drain do not panic).
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs what is queued now, at most `max` at a time, on the writer connection (the caller
    /// holds it); returns how many writes it ran.
    pub fn drain(&self, conn: &mut AnyConnection, max: usize) -> usize {
        let batch: Vec<Job> = {
            let mut jobs = self.lock();
            let n = jobs.len().min(max.max(1));
            jobs.drain(..n).collect()
        };
        let ran = batch.len();
        let mut batch = batch.into_iter().peekable();
        while batch.peek().is_some() {
            if let Err(e) = begin(conn) {
                // Nothing was written. The jobs are dropped unrun: each caller's answer channel
                // closes and it reports the write as not run.
                tracing::error!(error = %e, writes = batch.len(), "group commit could not begin");
                batch.by_ref().for_each(drop);
                break;
            }
            let mut replies: Vec<Reply> = Vec::new();
            for job in batch.by_ref() {
                match run_in_savepoint(conn, job) {
                    Ok(Some(reply)) => replies.push(reply),
                    // Failed and answered: commit what is done, start afresh for the rest.
                    Ok(None) => break,
                    Err(msg) => {
                        // The savepoint itself could not be made or ended: the transaction is
                        // suspect, so nothing of it is kept.
                        rollback(conn);
                        for reply in replies.drain(..) {
                            reply(Err(msg.clone()));
                        }
                        break;
                    }
                }
            }
            if replies.is_empty() {
                // Nothing to keep (the first write failed, or the batch was rolled back).
                if in_transaction(conn) {
                    rollback(conn);
                }
                continue;
            }
            match AnyConnection::commit_transaction(conn) {
                Ok(()) => replies.into_iter().for_each(|r| r(Ok(()))),
                Err(e) => {
                    tracing::error!(error = %e, writes = replies.len(), "group commit failed");
                    if in_transaction(conn) {
                        rollback(conn);
                    }
                    let msg = format!("commit failed: {e}");
                    replies.into_iter().for_each(|r| r(Err(msg.clone())));
                }
            }
        }
        ran
    }
}

/// The transaction a batch runs in: IMMEDIATE, so a second process (the CLI beside a running
/// server) waits on `busy_timeout` instead of failing on the lock upgrade.
fn begin(conn: &mut AnyConnection) -> Result<(), diesel::result::Error> {
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        AnyConnection::Postgresql(_) => AnyConnection::begin_transaction(conn),
    }
}

fn in_transaction(conn: &mut AnyConnection) -> bool {
    <AnyConnection as diesel::Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .ok()
        .flatten()
        .is_some()
}

fn rollback(conn: &mut AnyConnection) {
    if let Err(e) = AnyConnection::rollback_transaction(conn) {
        tracing::error!(error = %e, "rollback failed");
    }
}

/// One write in its savepoint (diesel's nested transaction). `Ok(Some)`: done, to be answered
/// after the commit; `Ok(None)`: it failed, was rolled back alone and is answered;
/// `Err`: the savepoint could not be made, released or rolled back.
fn run_in_savepoint(conn: &mut AnyConnection, job: Job) -> Result<Option<Reply>, String> {
    AnyConnection::begin_transaction(conn).map_err(|e| format!("savepoint failed: {e}"))?;
    // A write that panics (a bug) is a failed write: rolled back to its savepoint, its caller told
    // it was not run (its answer channel drops), the others of the batch unharmed.
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(conn)));
    let ran = ran.unwrap_or_else(|_| {
        tracing::error!("a write panicked: rolled back alone");
        None
    });
    match ran {
        Some(reply) => match AnyConnection::commit_transaction(conn) {
            Ok(()) => Ok(Some(reply)),
            Err(e) => {
                let msg = format!("savepoint release failed: {e}");
                reply(Err(msg.clone()));
                Err(msg)
            }
        },
        None => {
            AnyConnection::rollback_transaction(conn)
                .map_err(|e| format!("rollback to savepoint failed: {e}"))?;
            Ok(None)
        }
    }
}

/// Wraps a caller's write as a job: the value goes back through `send` after the commit.
pub fn job<T, F>(f: F, send: impl FnOnce(Result<T, AppError>) + Send + 'static) -> Job
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    Box::new(move |conn| match f(conn) {
        Ok(value) => Some(Box::new(move |committed: Result<(), String>| {
            send(committed.map(|()| value).map_err(AppError::internal));
        }) as Reply),
        Err(e) => {
            send(Err(e));
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex as StdMutex};

    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    use super::*;
    use crate::config::DatabaseSettings;
    use crate::db::Db;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn db(dir: &tempfile::TempDir, group_commit_max: usize) -> (Db, String) {
        let url = format!("sqlite://{}", dir.path().join("g.sqlite3").display());
        let db = Db::connect(&DatabaseSettings {
            url: url.clone(),
            pool_size: 4,
            busy_timeout_ms: 5000,
            connect_timeout_s: 5,
            group_commit_max,
        })
        .unwrap();
        db.migrate().unwrap();
        (db, url)
    }

    fn insert(conn: &mut AnyConnection, name: &str) -> Result<(), AppError> {
        diesel::sql_query(
            "INSERT INTO dealer_groups (id, name, brand, created_at) VALUES (?, ?, 'b', '2026-12-01 00:00:00')",
        )
        .bind::<Text, _>(name)
        .bind::<Text, _>(name)
        .execute(conn)?;
        Ok(())
    }

    /// Rows named `name`, read on a connection of its own (what another request would see).
    fn committed(url: &str, name: &str) -> i64 {
        let path = url.trim_start_matches("sqlite://");
        let mut c = diesel::SqliteConnection::establish(path).unwrap();
        diesel::sql_query("SELECT COUNT(*) AS n FROM dealer_groups WHERE name = ?")
            .bind::<Text, _>(name)
            .get_result::<Count>(&mut c)
            .unwrap()
            .n
    }

    type Answers = Arc<StdMutex<Vec<(String, Result<(), String>, i64)>>>;

    /// A job inserting `name` (then failing if `fail`), whose answer records what another
    /// connection saw at that moment.
    fn recorded(name: &str, fail: bool, url: &str, answers: &Answers) -> Job {
        let (name, url, answers) = (name.to_owned(), url.to_owned(), answers.clone());
        job(
            {
                let name = name.clone();
                move |conn| {
                    insert(conn, &name)?;
                    if fail {
                        return Err(AppError::conflict("test-refused"));
                    }
                    Ok(())
                }
            },
            move |r: Result<(), AppError>| {
                let seen = committed(&url, &name);
                let r = r.map_err(|e| e.to_string());
                answers.lock().unwrap().push((name, r, seen));
            },
        )
    }

    #[test]
    fn one_commit_takes_the_queue_and_answers_only_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let (db, url) = db(&dir, 64);
        let answers: Answers = Arc::default();
        let queue = Queue::default();
        for (name, fail) in [("a", false), ("b", true), ("c", false), ("d", false)] {
            queue.push(recorded(name, fail, &url, &answers));
        }
        let writer = db.inner.writer.as_ref().unwrap();
        let ran = queue.drain(&mut writer.lock().unwrap(), 64);
        assert_eq!(ran, 4);
        let answers = answers.lock().unwrap().clone();
        let get = |n: &str| answers.iter().find(|a| a.0 == n).cloned().unwrap();
        // Each success was visible to another connection when its caller heard of it.
        for n in ["a", "c", "d"] {
            let (_, r, seen) = get(n);
            assert_eq!((r, seen), (Ok(()), 1), "{n}");
        }
        // The failure got its own error and left nothing behind; it hurt nobody else.
        let (_, r, _) = get("b");
        assert!(r.is_err());
        assert_eq!(committed(&url, "b"), 0);
        assert!(queue.lock().is_empty());
    }

    #[test]
    fn a_write_that_panics_is_rolled_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (db, url) = db(&dir, 64);
        let answers: Answers = Arc::default();
        let queue = Queue::default();
        queue.push(recorded("a", false, &url, &answers));
        queue.push(Box::new(|conn| {
            insert(conn, "p").unwrap();
            panic!("a bug in a write");
        }));
        queue.push(recorded("c", false, &url, &answers));
        let writer = db.inner.writer.as_ref().unwrap();
        assert_eq!(queue.drain(&mut writer.lock().unwrap(), 64), 3);
        assert_eq!(committed(&url, "p"), 0);
        assert_eq!((committed(&url, "a"), committed(&url, "c")), (1, 1));
        assert_eq!(answers.lock().unwrap().len(), 2);
        // The writer is fine afterwards.
        queue.push(recorded("d", false, &url, &answers));
        queue.drain(&mut writer.lock().unwrap(), 64);
        assert_eq!(committed(&url, "d"), 1);
    }

    #[test]
    fn a_batch_is_bounded_and_the_rest_wait_for_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let (db, url) = db(&dir, 2);
        let answers: Answers = Arc::default();
        let queue = Queue::default();
        for name in ["a", "b", "c"] {
            queue.push(recorded(name, false, &url, &answers));
        }
        let writer = db.inner.writer.as_ref().unwrap();
        assert_eq!(queue.drain(&mut writer.lock().unwrap(), 2), 2);
        assert_eq!(committed(&url, "c"), 0);
        assert_eq!(queue.drain(&mut writer.lock().unwrap(), 2), 1);
        assert_eq!(committed(&url, "c"), 1);
        assert_eq!(queue.drain(&mut writer.lock().unwrap(), 2), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_all_land_and_each_failure_is_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let (db, url) = db(&dir, 64);
        let mut tasks = Vec::new();
        for i in 0..200 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                // Every tenth inserts its row twice: the second breaks the unique id.
                let name = format!("w{i}");
                db.write(move |conn| {
                    insert(conn, &name)?;
                    if i % 10 == 0 {
                        insert(conn, &name)?;
                    }
                    Ok(i)
                })
                .await
            }));
        }
        let mut ok = 0;
        for (i, t) in tasks.into_iter().enumerate() {
            match t.await.unwrap() {
                Ok(v) => {
                    assert_eq!(v, i);
                    ok += 1;
                }
                Err(_) => assert_eq!(i % 10, 0, "only the duplicates fail"),
            }
        }
        assert_eq!(ok, 180);
        let path = url.trim_start_matches("sqlite://");
        let mut c = diesel::SqliteConnection::establish(path).unwrap();
        let n = diesel::sql_query("SELECT COUNT(*) AS n FROM dealer_groups")
            .get_result::<Count>(&mut c)
            .unwrap()
            .n;
        assert_eq!(n, 180);
    }
}
