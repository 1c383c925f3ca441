//! `rescuedesk drive`: the load drivers of benchmarks 3 (whole rescue over HTTP) and 4 (messages
//! to a loopback SMS gateway), part of the binary only (the library and the server never see it).
//!
//! Each prints one table. The scripts `scripts/bench-rescue.sh` and `scripts/bench-messages.sh`
//! start the server and call these; BENCHMARKS.md keeps the numbers.

mod messages;
mod rescue;

use std::time::Duration;

use clap::{Args, Subcommand};

pub use messages::MessagesArgs;
pub use rescue::RescueArgs;

#[derive(Subcommand)]
pub enum DriveCommand {
    /// Benchmark 3: whole rescues (intake → plan → submit → review → consent → approve → issue →
    /// dispatch) over HTTP, N at once; each is then finished (arrive, resolve, close) so its crew
    /// is free for the next.
    Rescue(RescueArgs),
    /// Benchmark 4: messages committed to the outbox, timed to their arrival at a loopback SMS
    /// gateway this command plays (the server's `[sms] provider = "webhook"` points at it).
    Messages(MessagesArgs),
}

/// Where the server's CPU time is read (`/proc/PID/stat`).
#[derive(Args, Clone)]
pub struct CpuArgs {
    /// The server's process id: its user + system time over the run is divided by the work done.
    #[arg(long, value_name = "PID")]
    server_pid: Option<u32>,
    /// PostgreSQL's postmaster: it and its children (the backends) are counted as the database.
    #[arg(long, value_name = "PID")]
    postmaster_pid: Option<u32>,
}

pub fn run(settings: rescuedesk::config::Settings, cmd: DriveCommand) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cmd {
        DriveCommand::Rescue(args) => rt.block_on(rescue::run(settings, args)),
        DriveCommand::Messages(args) => rt.block_on(messages::run(settings, args)),
    }
}

/// CPU time used so far, in milliseconds: (server, database, this driver).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSample {
    pub server_ms: f64,
    pub database_ms: f64,
    pub driver_ms: f64,
}

impl CpuArgs {
    pub fn sample(&self) -> CpuSample {
        let database_ms = self.postmaster_pid.map_or(0.0, |pm| {
            let mut pids = vec![pm];
            pids.extend(children_of(pm));
            pids.into_iter().map(cpu_ms_of).sum()
        });
        CpuSample {
            server_ms: self.server_pid.map_or(0.0, cpu_ms_of),
            database_ms,
            driver_ms: cpu_ms_of(std::process::id()),
        }
    }

    pub fn measured(&self) -> bool {
        self.server_pid.is_some()
    }
}

impl std::ops::Sub for CpuSample {
    type Output = CpuSample;
    fn sub(self, o: CpuSample) -> CpuSample {
        CpuSample {
            server_ms: self.server_ms - o.server_ms,
            database_ms: self.database_ms - o.database_ms,
            driver_ms: self.driver_ms - o.driver_ms,
        }
    }
}

/// utime + stime of a process (fields 14 and 15 of /proc/PID/stat, after the command's
/// parenthesis, which may hold spaces), in milliseconds; 0 when it is gone.
fn cpu_ms_of(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    // After ")": state is field 3, so utime (14) and stime (15) are the 12th and 13th here.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 * 1000.0 / clock_ticks()
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`): 100 on every Linux we run on; read
/// once from getconf in case it is not.
fn clock_ticks() -> f64 {
    static HZ: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *HZ.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

fn children_of(parent: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    let rest = s.rsplit_once(')')?.1.to_owned();
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// Latencies of one kind, sorted on demand.
#[derive(Default, Clone)]
pub struct Times(Vec<Duration>);

impl Times {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: &Times) {
        self.0.extend_from_slice(&other.0);
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The q-quantile in milliseconds (nearest rank); 0 when empty.
    pub fn ms(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let mut v = self.0.clone();
        v.sort();
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1].as_secs_f64() * 1000.0
    }
    pub fn mean_ms(&self) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / self.0.len() as f64
    }
}

/// Waits until `GET {base}/healthz` answers, at most 30 s.
pub async fn wait_ready(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "{base}/healthz did not answer within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
