//! Password hashing with argon2id (PHC strings, parameters stored with the hash), on a small fixed pool of threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use std::cell::RefCell;

use argon2::password_hash::{
    self, rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::{AppError, ErrorCode};

pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes and verifications waiting for a thread before new ones are refused (503): a flood of
/// sign-ins queues here instead of piling up work, and the wait stays a few seconds at most.
const QUEUE_LIMIT: usize = 256;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of threads that do all argon2 work.
///
/// Why: argon2id with the default parameters allocates 19 MiB per hash. Run on tokio's blocking
/// pool (up to 512 threads), every wrong password could land on another thread, and glibc keeps
/// freed memory in each thread's arena: 100 failed sign-ins grew resident memory by 130 MB, never
/// given back. On a few long-lived threads the memory is reused, so it is bounded by
/// `threads × 19 MiB`, and a burst of sign-ins waits in a bounded queue instead of fanning out.
pub struct HashPool {
    jobs: mpsc::SyncSender<Job>,
    threads: usize,
    stats: Arc<PoolStats>,
}

#[derive(Default)]
struct PoolStats {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl HashPool {
    pub fn new(threads: usize) -> HashPool {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::sync_channel::<Job>(QUEUE_LIMIT);
        let rx = Arc::new(Mutex::new(rx));
        let stats = Arc::new(PoolStats::default());
        for n in 0..threads {
            let rx = Arc::clone(&rx);
            let stats = Arc::clone(&stats);
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || loop {
                    // The lock is held only while waiting for the next job, not while running it.
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let now = stats.running.fetch_add(1, Ordering::SeqCst) + 1;
                    stats.peak.fetch_max(now, Ordering::SeqCst);
                    job();
                    stats.running.fetch_sub(1, Ordering::SeqCst);
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        HashPool {
            jobs: tx,
            threads,
            stats,
        }
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The most jobs that ever ran at the same time (for tests and diagnostics).
    pub fn peak_concurrency(&self) -> usize {
        self.stats.peak.load(Ordering::SeqCst)
    }

    fn submit(&self, job: Job) -> Result<(), AppError> {
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => {
                tracing::warn!("password hashing queue full: refusing a sign-in");
                AppError::msg(ErrorCode::Unavailable, "svc-sign-in-busy", &[])
            }
            mpsc::TrySendError::Disconnected(_) => {
                AppError::internal("password hashing threads are gone")
            }
        })
    }

    /// Runs `f` on one of the pool's threads and waits for it without blocking the caller's thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(Box::new(move || {
            let _ = tx.send(f());
        }))?;
        rx.await
            .map_err(|_| AppError::internal("password hashing job was dropped"))
    }

    /// Runs `f` on the pool and blocks this thread until it is done (CLI and set-up code).
    pub fn run_blocking<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        self.submit(Box::new(move || {
            let _ = tx.send(f());
        }))?;
        rx.recv()
            .map_err(|_| AppError::internal("password hashing job was dropped"))
    }
}

static POOL: OnceLock<HashPool> = OnceLock::new();

/// Sizes the shared pool (0: one thread per core, at most 4). Only the first call counts: the
/// server calls it at start-up, before any hashing; later calls (more servers in one test
/// process) keep the pool there is.
pub fn init_pool(threads: usize) {
    let _ = POOL.get_or_init(|| HashPool::new(pool_size(threads)));
}

fn pool_size(configured: usize) -> usize {
    if configured > 0 {
        configured
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(4)
    }
}

/// The pool every hash and verification goes through.
pub fn pool() -> &'static HashPool {
    POOL.get_or_init(|| HashPool::new(pool_size(0)))
}

/// Hashes a new password on the pool, blocking this thread (CLI, demo set-up, tests).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    pool().run_blocking(move || hash_now(&password))?
}

/// Checks a password on the pool; `stored` None (an unknown login) is checked against a dummy
/// hash so that a wrong login takes as long as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    pool()
        .run(move || match stored {
            Some(stored) => verify_now(&password, &stored),
            None => {
                verify_now(&password, dummy_hash());
                false
            }
        })
        .await
}

/// Argon2's working memory (19 MiB with the default parameters), kept per pool thread and reused.
///
/// Why not let argon2 allocate it: after the first such allocation glibc raises its mmap
/// threshold, so later 19 MiB blocks come from the heap, where other allocations fragment the
/// freed space and each hash takes fresh memory: resident memory still climbed by 19 MB a hash
/// up to ~240 MB even on two threads. One buffer per thread, allocated once, holds it flat.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    /// Larger working sets (only from unusual stored parameters) are not kept after use.
    const KEEP_BLOCKS: usize = 64 * 1024;
    thread_local! {
        static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    }
    if blocks > KEEP_BLOCKS {
        return f(&mut vec![Block::new(); blocks]);
    }
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::new());
        }
        f(&mut memory[..blocks])
    })
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::internal(format!("argon2: {e}"));
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| fail(&e))?;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        with_memory(params.block_count(), |memory| {
            argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory)
        })
        .map_err(password_hash::Error::from)
    })
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// False for a wrong password and for a malformed stored hash alike.
fn verify_now(password: &str, stored: &str) -> bool {
    match check_now(password, stored) {
        Ok(same) => same,
        Err(e) => {
            tracing::warn!(error = %e, "stored password hash is malformed");
            false
        }
    }
}

/// Recomputes the stored hash's own parameters (algorithm, version, costs, salt) in the reused
/// memory and compares in constant time (`Output`'s equality).
fn check_now(password: &str, stored: &str) -> Result<bool, password_hash::Error> {
    let parsed = PasswordHash::new(stored)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(password_hash::Error::PhcStringField);
    };
    let algorithm = Algorithm::try_from(parsed.algorithm)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(&parsed)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf)?;
    let mut out = vec![0u8; expected.len()];
    with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, memory)
    })?;
    Ok(Output::new(&out)? == expected)
}

/// A hash of a random password; made on first use, on a pool thread (never through the pool
/// itself, which would wait on its own thread).
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&super::secret::random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_now("correct horse", &h));
        assert!(!verify_now("wrong horse", &h));
        assert!(!verify_now("correct horse", "not a hash"));
    }

    #[test]
    fn checks_hashes_made_by_the_argon2_crate_itself() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // Hashes stored before this module reused its memory, and other parameters.
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password(b"correct horse", &salt)
            .unwrap()
            .to_string();
        assert!(verify_now("correct horse", &old));
        assert!(!verify_now("correct horsf", &old));
        let light = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(4096, 3, 1, Some(16)).unwrap(),
        )
        .hash_password(b"pw-12345", &salt)
        .unwrap()
        .to_string();
        assert!(verify_now("pw-12345", &light));
        assert!(!verify_now("pw-12346", &light));
        // And ours verify with the crate's own verifier.
        let ours = hash_now("correct horse").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn verify_goes_through_the_pool() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify("correct horse".into(), Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse".into(), Some(h)).await.unwrap());
        assert!(!verify("correct horse".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_the_pool_size_runs_at_once() {
        let pool = Arc::new(HashPool::new(2));
        let threads = Arc::new(Mutex::new(std::collections::HashSet::new()));
        let jobs: Vec<_> = (0..24)
            .map(|_| {
                let pool = Arc::clone(&pool);
                let threads = Arc::clone(&threads);
                tokio::spawn(async move {
                    pool.run(move || {
                        threads.lock().unwrap().insert(std::thread::current().id());
                        std::thread::sleep(Duration::from_millis(20));
                    })
                    .await
                })
            })
            .collect();
        for j in jobs {
            j.await.unwrap().unwrap();
        }
        assert_eq!(pool.peak_concurrency(), 2, "24 jobs at once on 2 threads");
        assert_eq!(threads.lock().unwrap().len(), 2, "always the same threads");
    }

    #[test]
    fn a_full_queue_refuses_instead_of_growing() {
        let pool = HashPool::new(1);
        let (release, hold) = mpsc::channel::<()>();
        // One job occupies the thread; the queue then takes QUEUE_LIMIT more and no further.
        pool.submit(Box::new(move || {
            let _ = hold.recv();
        }))
        .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        for _ in 0..QUEUE_LIMIT {
            pool.submit(Box::new(|| {})).unwrap();
        }
        let err = pool.submit(Box::new(|| {})).unwrap_err();
        assert_eq!(err.code, ErrorCode::Unavailable);
        release.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(pool.run_blocking(|| 7).unwrap(), 7);
    }
}
