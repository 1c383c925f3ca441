//! Benchmark 4: messages from their commit to the request arriving at an SMS gateway on loopback.
//!
//! This command is the gateway (the server's `[sms] provider = "webhook"`, `webhook_url` pointing
//! here) and the source: it commits outbox rows into the server's database through the same
//! `repo::outbox::enqueue` the use cases call, one transaction per message, and notes when each
//! commit returned; the gateway notes when each message's request arrived. Three phases:
//! the gateway alone (the ceiling: the same requests straight from a client), a paced rate (the
//! latency), and a backlog committed at once (the most messages per second the worker drains).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;

use super::{CpuArgs, Times};
use rescuedesk::db::Db;
use rescuedesk::repo::outbox::{enqueue, NewMessage};

#[derive(Args)]
pub struct MessagesArgs {
    /// The server whose outbox worker delivers (waited for; its database is the configured one).
    #[arg(long)]
    base: String,
    /// The loopback port the gateway listens on (the server's `sms.webhook_url` names it).
    #[arg(long)]
    gateway_port: u16,
    /// Messages committed per second in the latency phase.
    #[arg(long, default_value_t = 100)]
    rate: u32,
    /// Seconds of the latency phase.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Messages committed at once in the drain phase.
    #[arg(long, default_value_t = 10_000)]
    drain: usize,
    #[command(flatten)]
    cpu: CpuArgs,
}

/// When each message id arrived at the gateway (all arrivals, to count doubles).
#[derive(Default)]
struct Arrivals {
    at: HashMap<String, Instant>,
    doubles: usize,
    total: usize,
}

type Shared = Arc<Mutex<Arrivals>>;

pub async fn run(settings: rescuedesk::config::Settings, args: MessagesArgs) -> anyhow::Result<()> {
    let arrivals: Shared = Arc::default();
    let gateway = gateway(args.gateway_port, arrivals.clone())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    super::wait_ready(&client, &args.base).await?;
    let db = Db::connect(&settings.database)?;

    // 1. The ceiling: the gateway alone, 20 requests in flight (a worker's batch), for 5 s.
    let url = format!("http://127.0.0.1:{}/sms", args.gateway_port);
    let ceiling = gateway_alone(&client, &url, Duration::from_secs(5)).await;

    // 2. Latency at a steady rate.
    let cpu0 = args.cpu.sample();
    let paced = paced(&db, &arrivals, args.rate, args.seconds).await?;
    let paced_cpu = args.cpu.sample() - cpu0;

    // 3. The drain: a backlog committed in one transaction.
    let cpu0 = args.cpu.sample();
    let (drained, drain_s) = drain(&db, &arrivals, args.drain).await?;
    let drain_cpu = args.cpu.sample() - cpu0;
    let rate = drained as f64 / drain_s;
    let doubles = arrivals.lock().map(|a| a.doubles).unwrap_or(0);
    gateway.stop(true).await;

    let cores = super::cores();
    println!(
        "messages: commit → request at a loopback SMS gateway (webhook), {} cores",
        cores
    );
    println!(
        "{:<34} {:>9} {:>10} {:>8} {:>8} {:>8} {:>14} {:>10}",
        "phase", "messages", "per s", "p50 ms", "p99 ms", "max ms", "CPU ms", "× ceiling"
    );
    println!(
        "{:<34} {:>9} {:>10.0} {:>8} {:>8} {:>8} {:>14} {:>10}",
        "gateway alone (ceiling, 20 in flight)", ceiling.0, ceiling.1, "", "", "", "", ""
    );
    let per = |cpu: super::CpuSample, n: usize| {
        if args.cpu.measured() {
            format!("{:.3}", (cpu.server_ms + cpu.database_ms) / n.max(1) as f64)
        } else {
            "n/a".into()
        }
    };
    println!(
        "{:<34} {:>9} {:>10.0} {:>8.1} {:>8.1} {:>8.1} {:>14} {:>10}",
        format!("paced, {} per s for {} s", args.rate, args.seconds),
        paced.0.len(),
        paced.0.len() as f64 / args.seconds as f64,
        paced.0.ms(0.50),
        paced.0.ms(0.99),
        paced.0.ms(1.0),
        per(paced_cpu, paced.0.len()),
        ""
    );
    println!(
        "{:<34} {:>9} {:>10.0} {:>8} {:>8} {:>8} {:>14} {:>10.2}",
        format!("drain, {} committed at once", args.drain),
        drained,
        rate,
        "",
        "",
        format!("{:.0}", drain_s * 1000.0),
        per(drain_cpu, drained),
        rate / ceiling.1.max(1.0)
    );
    println!("CPU ms: the server's (and the database cluster's) CPU time per message");
    println!(
        "lost (never arrived): {} paced, {} drained; arrived twice: {doubles}",
        paced.1,
        args.drain - drained
    );
    println!(
        "RESULT {:.0} {:.1} {:.1} {:.0} {} {}",
        ceiling.1,
        paced.0.ms(0.50),
        paced.0.ms(0.99),
        rate,
        paced.1 + args.drain - drained,
        doubles
    );
    Ok(())
}

/// The gateway: `POST /sms` notes the arrival of the message its `Idempotency-Key` names and
/// answers 200 with that id, as a gateway that accepted it.
fn gateway(port: u16, arrivals: Shared) -> anyhow::Result<actix_web::dev::ServerHandle> {
    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
    let server = HttpServer::new(move || {
        let arrivals = arrivals.clone();
        App::new().route(
            "/sms",
            web::post().to(move |req: HttpRequest, _body: web::Bytes| {
                let arrivals = arrivals.clone();
                async move {
                    let now = Instant::now();
                    let key = req
                        .headers()
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if let Ok(mut a) = arrivals.lock() {
                        a.total += 1;
                        if a.at.insert(key.clone(), now).is_some() {
                            a.doubles += 1;
                        }
                    }
                    HttpResponse::Ok().json(json!({ "id": key }))
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", port))?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(handle)
}

/// Requests like the worker's, straight at the gateway, 20 at a time: (count, per second).
async fn gateway_alone(client: &reqwest::Client, url: &str, d: Duration) -> (usize, f64) {
    let end = Instant::now() + d;
    let started = Instant::now();
    let tasks: Vec<_> = (0..20)
        .map(|w| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let mut n = 0usize;
                while Instant::now() < end {
                    let id = format!("ceiling-{w}-{n}");
                    let body = json!({"id": id, "to": "+8613800000000", "text": "【RescueDesk】测试消息", "template": "staff_notice", "params": {}, "sent_at": "2026-12-03T00:00:00Z"});
                    let ok = client
                        .post(&url)
                        .header("idempotency-key", &id)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.to_string())
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    if ok {
                        n += 1;
                    }
                }
                n
            })
        })
        .collect();
    let mut n = 0;
    for t in tasks {
        n += t.await.unwrap_or(0);
    }
    (n, n as f64 / started.elapsed().as_secs_f64())
}

fn message(i: usize) -> (String, serde_json::Value) {
    (format!("【RescueDesk】测试消息 {i}"), json!({ "n": i }))
}

fn enqueue_one(
    conn: &mut rescuedesk::db::AnyConnection,
    i: usize,
) -> Result<String, rescuedesk::error::AppError> {
    let (text, params) = message(i);
    enqueue(
        conn,
        NewMessage {
            channel: "sms",
            recipient: "13800000000",
            locale: "zh-CN",
            template: "staff_notice",
            subject: "",
            body_text: &text,
            body_html: None,
            params: &params,
            ticket_id: None,
        },
    )
}

/// Commits `rate` messages a second for `seconds`, each in its own transaction, then waits for
/// them: (latencies, how many never arrived).
async fn paced(
    db: &Db,
    arrivals: &Shared,
    rate: u32,
    seconds: u64,
) -> anyhow::Result<(Times, usize)> {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(1) as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let n = rate as usize * seconds as usize;
    let mut commits = Vec::with_capacity(n);
    for i in 0..n {
        tick.tick().await;
        let db = db.clone();
        commits.push(tokio::spawn(async move {
            let id = db.write(move |conn| enqueue_one(conn, i)).await?;
            Ok::<_, rescuedesk::error::AppError>((id, Instant::now()))
        }));
    }
    let mut committed = Vec::with_capacity(n);
    for c in commits {
        committed.push(c.await?.map_err(|e| anyhow::anyhow!("enqueue: {e:?}"))?);
    }
    wait_for(
        arrivals,
        committed.iter().map(|(id, _)| id),
        Duration::from_secs(30),
    )
    .await;
    let a = arrivals.lock().map_err(|_| anyhow::anyhow!("lock"))?;
    let mut times = Times::default();
    let mut lost = 0;
    for (id, at) in &committed {
        match a.at.get(id) {
            Some(got) => times.push(got.saturating_duration_since(*at)),
            None => lost += 1,
        }
    }
    Ok((times, lost))
}

/// Commits `n` messages in one transaction and times until the last arrives: (arrived, seconds
/// from the commit to the last arrival).
async fn drain(db: &Db, arrivals: &Shared, n: usize) -> anyhow::Result<(usize, f64)> {
    let ids: Vec<String> = db
        .write(move |conn| (0..n).map(|i| enqueue_one(conn, 1_000_000 + i)).collect())
        .await
        .map_err(|e| anyhow::anyhow!("enqueue: {e:?}"))?;
    let committed = Instant::now();
    wait_for(arrivals, ids.iter(), Duration::from_secs(300)).await;
    let a = arrivals.lock().map_err(|_| anyhow::anyhow!("lock"))?;
    let got: Vec<Instant> = ids.iter().filter_map(|id| a.at.get(id).copied()).collect();
    let last = got.iter().max().copied().unwrap_or(committed);
    Ok((
        got.len(),
        last.duration_since(committed).as_secs_f64().max(1e-6),
    ))
}

/// Waits until every id has arrived, or `patience` passes without a new arrival.
async fn wait_for<'a>(
    arrivals: &Shared,
    ids: impl Iterator<Item = &'a String> + Clone,
    patience: Duration,
) {
    let mut last_count = 0;
    let mut last_change = Instant::now();
    loop {
        let (missing, total) = {
            let a = arrivals.lock().unwrap_or_else(|p| p.into_inner());
            (
                ids.clone().filter(|id| !a.at.contains_key(*id)).count(),
                a.total,
            )
        };
        if missing == 0 {
            return;
        }
        if total != last_count {
            last_count = total;
            last_change = Instant::now();
        } else if last_change.elapsed() > patience {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
