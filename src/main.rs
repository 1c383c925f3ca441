//! The `rescuedesk` command line: serve, demo, migrate, import, backup and restore, user and token management — thin, the library does the work.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use rescuedesk::config::{LogFormat, Settings};
use rescuedesk::db::Db;
use rescuedesk::i18n::{Locale, Msg};
use rescuedesk::notify::Providers;
use rescuedesk::services;
use rescuedesk::services::notify::Notifier;
use rescuedesk::startup::Application;
use rescuedesk::workers::outbox::OutboxWorker;
use rescuedesk::workers::timer::TimerWorker;

mod drive;

#[derive(Parser)]
#[command(
    name = "rescuedesk",
    version,
    about = "RescueDesk — roadside-rescue dispatch for car dealer groups"
)]
struct Cli {
    /// Configuration file overriding config/default.toml (RESCUEDESK__SECTION__KEY variables override both).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log line format (overrides log.format).
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the web pages and the API.
    Serve(ServeArgs),
    /// Migrate, load demo data into an empty database, serve, and print the sign-ins.
    Demo(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Deliver outbox messages (SMS, e-mail) and run the promise timer without serving HTTP.
    Worker,
    /// Import a DMS export (CSV): the parts catalogue, stock, service history, or a dealer's duty rota.
    Import(ImportArgs),
    /// Measure the parts-sourcing search on generated data and print the times.
    Bench(BenchArgs),
    /// Load generated demo data (e.g. the national data set) into an empty database, streaming, with a progress bar.
    Seed(SeedArgs),
    /// Copy the SQLite database to FILE, also while `serve` runs (PostgreSQL: pg_dump, see README).
    Backup(BackupArgs),
    /// Put a backup made by `backup` in place of the SQLite database; stop `serve` and `worker` first.
    Restore(RestoreArgs),
    /// Load drivers of the benchmarks (scripts/bench-rescue.sh, scripts/bench-messages.sh): whole
    /// rescues over HTTP, or messages to a loopback SMS gateway; prints a table.
    #[command(subcommand)]
    Drive(drive::DriveCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (overrides server.bind).
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
    /// Port to listen on, 0 for any free one (overrides server.port).
    #[arg(long, value_name = "N")]
    port: Option<u16>,
}

#[derive(Args)]
struct ImportArgs {
    /// What the file holds: parts, stock, history or rota (columns: README, or the page /admin/import).
    #[arg(value_parser = ["parts", "stock", "history", "rota"])]
    kind: String,
    /// Rota only: the code of the dealer whose duty rota the file is (e.g. hz).
    #[arg(long, value_name = "CODE")]
    dealer: Option<String>,
    /// The CSV file: UTF-8, UTF-16 with a BOM, or GBK/GB18030 (detected); header row first.
    file: PathBuf,
    /// Write the good rows even when some are bad; the report still lists the bad ones.
    #[arg(long)]
    skip_bad: bool,
    /// Parts: take dangerous-goods / monitored flags off the parts the file says (each audited).
    #[arg(long)]
    confirm_downgrades: bool,
}

#[derive(Args)]
struct BackupArgs {
    /// Where the copy goes: a new file, written next to it first and moved into place when complete.
    file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct RestoreArgs {
    /// A file `rescuedesk backup` wrote; the database it replaces is kept as <db>.before-restore-<UTC time>.
    file: PathBuf,
}

#[derive(Args)]
struct SeedArgs {
    /// The national data set: 1,000 dealers in 50 groups, ~50,000 parts, ~5 M stock rows, ~1 M closed tickets.
    #[arg(long)]
    national: bool,
    /// Otherwise this demo scale (every dealer staffed when above 1).
    #[arg(long, default_value_t = 1)]
    scale: u32,
    /// Days of past rescues up to yesterday (default: the national set's, or from the first of last month).
    #[arg(long)]
    days: Option<u32>,
    /// Skip the past of finished rescues.
    #[arg(long)]
    no_past: bool,
}

#[derive(Args)]
struct BenchArgs {
    /// Demo data scale to generate into an empty database first (125 ≈ 1,000 dealers, ~1.8 M stock rows); 0 uses what is there.
    #[arg(long, default_value_t = 0)]
    scale: u32,
    /// Searches to time.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// Time the group report over a year instead (the first group's director), this many runs.
    #[arg(long)]
    report: Option<usize>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff user; the password is prompted for, or read from stdin with --password-stdin.
    Add(UserAddArgs),
    /// List users with their dealer and roles.
    List,
}

#[derive(Args)]
struct UserAddArgs {
    /// Sign-in name, e.g. hz.agent2.
    #[arg(long)]
    login: String,
    /// Full name, e.g. 张伟.
    #[arg(long)]
    name: String,
    /// Mainland mobile number.
    #[arg(long)]
    phone: String,
    #[arg(long)]
    email: String,
    /// Dealer code, e.g. hz.
    #[arg(long)]
    dealer: String,
    /// Role(s): call_agent, workshop_lead, service_manager, service_director, parts_desk, parts_manager, technician, admin.
    #[arg(long = "role", required = true, value_delimiter = ',')]
    roles: Vec<String>,
    /// Read the password from the first line of stdin instead of prompting.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a bearer token for a user and print it (shown once; only its hash is stored).
    Create {
        /// The user's login.
        #[arg(long)]
        user: String,
        /// What the token is for, e.g. "telephony".
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load_from_env(cli.config.as_deref())?;
    if let Some(format) = cli.log_format {
        settings.log.format = format;
    }
    rescuedesk::telemetry::init(settings.log.format, &settings.log.level);
    match cli.command {
        Command::Serve(args) => serve(apply(settings, args), false),
        Command::Demo(args) => serve(apply(settings, args), true),
        Command::Worker => worker(settings),
        Command::Bench(args) => bench(settings, args),
        Command::Seed(args) => seed(&settings, args),
        Command::Drive(cmd) => drive::run(settings, cmd),
        Command::Import(args) => import::run(&settings, args),
        Command::Backup(args) => {
            let done = rescuedesk::db::backup::backup(&settings.database, &args.file, args.force)
                .map_err(describe)?;
            let key = if done.replaced {
                "backup-done-replaced"
            } else {
                "backup-done"
            };
            println!(
                "{}",
                say(&Msg::with(
                    key,
                    &[
                        ("file", done.file.display().to_string().into()),
                        ("size", size(done.bytes).into()),
                        ("seconds", format!("{:.1}", done.seconds).into()),
                    ],
                ))
            );
            Ok(())
        }
        Command::Restore(args) => {
            let done = rescuedesk::db::backup::restore(&settings.database, &args.file)
                .map_err(describe)?;
            println!(
                "{}",
                say(&Msg::with(
                    "restore-done",
                    &[
                        ("database", done.database.display().to_string().into()),
                        ("applied", done.applied.into()),
                    ],
                ))
            );
            if let Some(kept) = done.kept {
                let kept = kept.display().to_string();
                println!(
                    "{}",
                    say(&Msg::with("restore-kept", &[("kept", kept.into())]))
                );
            }
            if done.pending > 0 {
                let count = done.pending.into();
                println!(
                    "{}",
                    say(&Msg::with("restore-pending", &[("count", count)]))
                );
            }
            Ok(())
        }
        Command::Migrate => {
            let db = Db::connect(&settings.database)?;
            let n = db.migrate()?;
            println!("{n} migration(s) applied");
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => {
            let password = read_password(args.password_stdin)?;
            let db = Db::connect(&settings.database)?;
            db.migrate()?;
            services::users::add_user(
                &db,
                services::users::AddUser {
                    login: args.login.clone(),
                    name: args.name,
                    phone: args.phone,
                    email: args.email,
                    dealer_code: args.dealer,
                    roles: args.roles,
                    password,
                },
            )
            .map_err(describe)?;
            println!("user {} added", args.login);
            Ok(())
        }
        Command::User(UserCommand::List) => {
            let db = Db::connect(&settings.database)?;
            let users = services::users::list_users(&db).map_err(describe)?;
            if users.is_empty() {
                println!("no users yet — add one with `rescuedesk user add`");
            }
            println!("{:<20} {:<8} {:<24} ROLES", "LOGIN", "DEALER", "NAME");
            for u in users {
                let status = if u.active { "" } else { " (disabled)" };
                println!(
                    "{:<20} {:<8} {:<24} {}{status}",
                    u.login,
                    u.dealer_code,
                    u.name,
                    u.roles.join(",")
                );
            }
            Ok(())
        }
        Command::Token(TokenCommand::Create { user, label }) => {
            let db = Db::connect(&settings.database)?;
            let token = services::users::create_token(&db, &user, &label).map_err(describe)?;
            println!("{token}");
            Ok(())
        }
    }
}

fn apply(mut settings: Settings, args: ServeArgs) -> Settings {
    if let Some(bind) = args.bind {
        settings.server.bind = bind;
    }
    if let Some(port) = args.port {
        settings.server.port = port;
    }
    settings
}

/// An error of the library for the terminal: its stable code (what scripts match on), its
/// message, and a line per field.
fn describe(e: rescuedesk::error::AppError) -> anyhow::Error {
    let mut text = format!("{}: {}", e.code.as_str(), say(&e.msg));
    for (field, msg) in &e.fields {
        text.push_str(&format!("\n  {field}: {}", say(msg)));
    }
    anyhow::anyhow!(text)
}

/// A catalogue message for the terminal, in both languages, Chinese first: an operator may
/// read either, and a terminal says nothing of its reader's language.
fn say(msg: &Msg) -> String {
    let (zh, en) = (msg.render(Locale::ZhCn), msg.render(Locale::En));
    if zh == en {
        zh
    } else {
        format!("{zh} / {en}")
    }
}

/// A file size for people: "512 kB", "3.4 MB".
fn size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} kB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let again = rpassword::prompt_password("Repeat password: ")?;
    anyhow::ensure!(first == again, "the passwords differ");
    Ok(first)
}

mod import {
    //! `rescuedesk import`: a progress bar on the terminal, the report on stdout.

    use std::io::IsTerminal;

    use anyhow::Context;
    use indicatif::{ProgressBar, ProgressStyle};
    use rescuedesk::db::Db;
    use rescuedesk::import::{ImportKind, Step};
    use rescuedesk::services::imports::{import_blocking, Options};

    pub fn run(
        settings: &rescuedesk::config::Settings,
        args: super::ImportArgs,
    ) -> anyhow::Result<()> {
        let kind = ImportKind::parse(&args.kind).context("kind")?;
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let db = Db::connect(&settings.database).context("database")?;
        db.migrate()?;
        // A rota is one dealer's; the other files name their dealers row by row.
        let dealer_id = match (kind, args.dealer.as_deref()) {
            (ImportKind::Rota, Some(code)) => Some(
                rescuedesk::services::imports::dealer_by_code(&db, code)
                    .map_err(super::describe)?,
            ),
            (ImportKind::Rota, None) => anyhow::bail!("a rota import needs --dealer CODE"),
            (_, Some(_)) => anyhow::bail!("--dealer is for a rota import only"),
            (_, None) => None,
        };
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new(size)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(style("{msg:12} [{wide_bar}] {bytes}/{total_bytes}"));
        bar.set_message("checking");
        let mut writing = false;
        let options = Options {
            kind,
            skip_bad: args.skip_bad,
            confirm_downgrades: args.confirm_downgrades,
            group_id: None,
            utc_offset_hours: settings.tickets.utc_offset_hours,
            actor_id: None,
            actor_dealer_id: dealer_id,
        };
        let started = std::time::Instant::now();
        let report = import_blocking(&db, file, &options, &mut |step| match step {
            Step::Checking { bytes, .. } => bar.set_position(bytes),
            Step::Writing { done, total } => {
                if !writing {
                    writing = true;
                    bar.set_style(style("{msg:12} [{wide_bar}] {pos}/{len} rows"));
                    bar.set_message("writing");
                    bar.set_length(total);
                }
                bar.set_position(done);
            }
        })
        .map_err(super::describe)?;
        bar.finish_and_clear();
        print!("{}", report.to_text());
        println!("{:.1} s", started.elapsed().as_secs_f64());
        match report.refused {
            None => {}
            Some(rescuedesk::import::Refusal::BadRows) => anyhow::bail!(
                "import refused: {} bad row(s), nothing written",
                report.bad_rows()
            ),
            Some(rescuedesk::import::Refusal::UnconfirmedDowngrades) => anyhow::bail!(
                "import refused: {} dangerous-goods or monitored flag(s) would be removed, nothing written; confirm with --confirm-downgrades",
                report.downgrades_total
            ),
        }
        Ok(())
    }

    fn style(template: &str) -> ProgressStyle {
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ")
    }
}

#[tokio::main]
async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database).context("database")?;
    db.migrate()?;
    let signins = if demo {
        Some(rescuedesk::services::demo::load_if_empty(&db, &settings).map_err(describe)?)
    } else {
        None
    };
    let app = Application::build_with_db(settings.clone(), db.clone())?;
    // Rescues finished before the report kept a row of them get one, a batch per write, while the
    // server already answers (the report reads such rescues from their events meanwhile).
    let facts_db = db.clone();
    tokio::spawn(async move {
        if let Err(e) = services::report_facts::backfill_all(&facts_db).await {
            tracing::error!(error = %e, "writing the report's rows of finished rescues failed; the report reads their events instead");
        }
    });
    let url = settings.public_url(app.port());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    if settings.outbox.worker {
        let providers = Providers::from_settings(&settings).map_err(|e| anyhow::anyhow!(e))?;
        tokio::spawn(
            OutboxWorker::new(db.clone(), settings.outbox.clone(), providers).run(stopped.clone()),
        );
    }
    if settings.timer.worker {
        tokio::spawn(timer(&settings, db, app.notifier()).run(stopped));
    }
    tracing::info!(%url, "RescueDesk is serving");
    if let Some(report) = signins {
        println!("\nRescueDesk demo: {url}\n");
        println!("{report}");
        println!("API docs: {url}/api/docs/   ·   stop with Ctrl-C\n");
    } else {
        println!("RescueDesk serving at {url}");
    }
    app.run_until_stopped().await?;
    let _ = stop.send(true);
    Ok(())
}

fn seed(settings: &Settings, args: SeedArgs) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let mut opts = if args.national {
        rescuedesk::demo::DemoOptions::national(settings.demo.seed, today)
    } else {
        rescuedesk::demo::DemoOptions {
            seed: settings.demo.seed,
            scale: args.scale.max(1),
            today,
            shape: rescuedesk::demo::Shape {
                staff_everywhere: args.scale > 1,
                ..Default::default()
            },
        }
    };
    if let Some(days) = args.days {
        opts.shape.past_days = Some(days);
    }
    let db = Db::connect(&settings.database).context("database")?;
    db.migrate()?;
    let started = std::time::Instant::now();
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:6} [{wide_bar}] {pos}/{len} {elapsed_precise}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut phase = "";
    let mut progress = |name: &'static str, done: u64, all: u64| {
        if name != phase {
            if !phase.is_empty() {
                eprintln!("{phase}: done at {:.1} s", started.elapsed().as_secs_f64());
            }
            phase = name;
            bar.set_message(name);
            bar.set_length(all);
        }
        bar.set_position(done);
    };
    let tables = services::demo::seed(&db, settings, &opts, !args.no_past, &mut progress)
        .map_err(describe)?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    for (table, n) in &tables {
        println!("{table:<22} {n:>10}");
    }
    println!("load: {secs:.1} s");
    Ok(())
}

fn bench(mut settings: Settings, args: BenchArgs) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database).context("database")?;
    db.migrate()?;
    if let Some(runs) = args.report {
        let r = services::bench::report(&db, runs).map_err(describe)?;
        let mut sorted = r.runs.clone();
        sorted.sort_by(f64::total_cmp);
        println!(
            "group report {}..{} over {} dealers ({} tickets): runs {:?} ms, median {:.0} ms",
            r.first,
            r.last,
            r.dealers,
            r.tickets,
            r.runs.iter().map(|t| t.round() as i64).collect::<Vec<_>>(),
            sorted[sorted.len() / 2]
        );
        return Ok(());
    }
    if args.scale > 0 {
        settings.demo.scale = args.scale;
        let started = std::time::Instant::now();
        let report = services::demo::load_if_empty(&db, &settings).map_err(describe)?;
        println!("{}", report.lines().next().unwrap_or_default());
        println!("load: {:.1} s", started.elapsed().as_secs_f64());
    }
    let r = services::bench::sourcing(&db, args.queries, settings.demo.seed, &settings.sourcing)
        .map_err(describe)?;
    println!(
        "sourcing search: {} dealers, {} stock rows, {} queries: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms, {:.1} candidate dealers on average",
        r.dealers, r.stock_rows, r.queries, r.p50_ms, r.p95_ms, r.max_ms, r.mean_candidates
    );
    Ok(())
}

fn timer(settings: &Settings, db: Db, notifier: Notifier) -> TimerWorker {
    TimerWorker::new(
        db,
        settings.sla.clone(),
        settings.follow_up.clone(),
        notifier,
        settings.timer.clone(),
    )
}

/// The delivery worker and the promise timer alone, until Ctrl-C or SIGTERM.
#[tokio::main]
async fn worker(settings: Settings) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database).context("database")?;
    db.migrate()?;
    let providers = Providers::from_settings(&settings).map_err(|e| anyhow::anyhow!(e))?;
    // Links in the timer's messages point at the configured public URL (the workers serve none).
    let notifier = rescuedesk::startup::notifier(&settings, &db, settings.server.port)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let outbox = tokio::spawn(
        OutboxWorker::new(db.clone(), settings.outbox.clone(), providers).run(stopped.clone()),
    );
    let timer = tokio::spawn(timer(&settings, db, notifier).run(stopped));
    shutdown_signal().await;
    let _ = stop.send(true);
    outbox.await?;
    timer.await?;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
