//! Benchmark 3: whole rescues over HTTP, as many at once as asked, against a running server on a
//! throw-away demo database (prepared by `services::bench_setup`).
//!
//! A rescue is the eight steps from the call to the crew on the road (intake, plan, submit,
//! review, consent, approval, parts issue, departure), timed from the first request to the answer
//! of the last. Each worker then finishes its rescue (arrive, resolve, close): a dispatched crew
//! stays busy until then, and one active job per technician is the rule. Those three steps are in
//! the CPU per rescue but not in its time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{json, Value};

use super::{CpuArgs, Times};
use rescuedesk::services::bench_setup::{prepare_rescues, RescueSlot};

#[derive(Args)]
pub struct RescueArgs {
    /// The server, e.g. http://127.0.0.1:8080 (its database is the configured one).
    #[arg(long)]
    base: String,
    /// Rescues at once (at most one per technician prepared).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// How long to start new rescues; the ones under way are finished after.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Technicians per dealer given to the driver.
    #[arg(long, default_value_t = 8)]
    technicians_per_dealer: usize,
    #[command(flatten)]
    cpu: CpuArgs,
}

/// The steps in order; the first `TIMED` are the rescue.
const STEPS: [&str; 11] = [
    "intake", "plan", "submit", "review", "consent", "approve", "issue", "dispatch", "arrive",
    "resolve", "close",
];
const TIMED: usize = 8;

/// The bearer tokens one worker uses: its dealer's desk and its technician.
struct Crew {
    slot: RescueSlot,
    agent: String,
    workshop: String,
    manager: String,
    director: String,
    parts: String,
    tech: String,
}

#[derive(Default)]
struct Tally {
    rescues: Times,
    steps: Vec<Times>,
    errors: usize,
    first_errors: Vec<String>,
}

pub async fn run(settings: rescuedesk::config::Settings, args: RescueArgs) -> anyhow::Result<()> {
    let db = rescuedesk::db::Db::connect(&settings.database)?;
    let per_dealer = args.technicians_per_dealer.max(1);
    let crews: Vec<Crew> = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Crew>> {
        let slots = prepare_rescues(&db, per_dealer).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let token = |login: &str| {
            rescuedesk::services::users::create_token(&db, login, "bench-rescue")
                .map_err(|e| anyhow::anyhow!("token for {login}: {e:?}"))
        };
        slots
            .into_iter()
            .map(|slot| {
                let d = slot.dealer.clone();
                Ok(Crew {
                    agent: token(&format!("{d}.agent"))?,
                    workshop: token(&format!("{d}.workshop"))?,
                    manager: token(&format!("{d}.manager"))?,
                    director: token(&format!("{d}.director"))?,
                    parts: token(&format!("{d}.parts"))?,
                    tech: token(&slot.technician_login)?,
                    slot,
                })
            })
            .collect()
    })
    .await??;
    anyhow::ensure!(
        !crews.is_empty(),
        "no dealer with desk sign-ins and technicians: run on a demo database"
    );
    // Spread the workers over the dealers: crew k of every dealer before crew k+1 of any.
    let mut order: Vec<usize> = (0..crews.len()).collect();
    order.sort_by_key(|&i| {
        let dealer = &crews[i].slot.dealer;
        let rank = crews[..i]
            .iter()
            .filter(|c| &c.slot.dealer == dealer)
            .count();
        (rank, dealer.clone())
    });
    let concurrency = args.concurrency.clamp(1, crews.len());
    if concurrency < args.concurrency {
        eprintln!(
            "[drive rescue] {} technicians prepared: concurrency {} instead of {}",
            crews.len(),
            concurrency,
            args.concurrency
        );
    }
    let mut crews: Vec<Option<Crew>> = crews.into_iter().map(Some).collect();
    let chosen: Vec<Crew> = order
        .into_iter()
        .take(concurrency)
        .filter_map(|i| crews[i].take())
        .collect();

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency * 2)
        .timeout(Duration::from_secs(60))
        .build()?;
    super::wait_ready(&client, &args.base).await?;

    let plates = Arc::new(AtomicU64::new(rand::random::<u32>() as u64));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let cpu0 = args.cpu.sample();
    let mut tasks = Vec::new();
    for crew in chosen {
        let (client, base, plates) = (client.clone(), args.base.clone(), plates.clone());
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally {
                steps: vec![Times::default(); STEPS.len()],
                ..Default::default()
            };
            while Instant::now() < deadline {
                let plate = plates.fetch_add(1, Ordering::Relaxed);
                match one_rescue(&client, &base, &crew, plate, &mut tally.steps).await {
                    Ok(took) => tally.rescues.push(took),
                    Err(e) => {
                        tally.errors += 1;
                        if tally.first_errors.len() < 3 {
                            tally.first_errors.push(e);
                        }
                        // A refused step leaves its ticket where it stopped; do not hammer.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally {
        steps: vec![Times::default(); STEPS.len()],
        ..Default::default()
    };
    for t in tasks {
        let t = t.await?;
        all.rescues.extend(&t.rescues);
        for (a, b) in all.steps.iter_mut().zip(&t.steps) {
            a.extend(b);
        }
        all.errors += t.errors;
        all.first_errors.extend(t.first_errors);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = args.cpu.sample() - cpu0;
    report(&args, concurrency, elapsed, &all, cpu);
    Ok(())
}

fn report(args: &RescueArgs, concurrency: usize, elapsed: f64, all: &Tally, cpu: super::CpuSample) {
    let n = all.rescues.len().max(1) as f64;
    let rate = all.rescues.len() as f64 / elapsed;
    let cores = super::cores();
    println!(
        "whole rescue over HTTP ({}), {} at once, {:.1} s, {} cores",
        args.base, concurrency, elapsed, cores
    );
    println!(
        "{:>8} {:>10} {:>8} {:>8} {:>7} {:>14} {:>10} {:>10} {:>10}",
        "rescues",
        "rescues/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "server CPU ms",
        "db CPU ms",
        "driver ms",
        "CPU bound"
    );
    let (server, database, driver) = (cpu.server_ms / n, cpu.database_ms / n, cpu.driver_ms / n);
    let bound = if args.cpu.measured() {
        format!(
            "{:.0}/s",
            cores as f64 * 1000.0 / (server + database).max(0.001)
        )
    } else {
        "n/a".into()
    };
    println!(
        "{:>8} {:>10.1} {:>8.1} {:>8.1} {:>7} {:>14.2} {:>10.2} {:>10.2} {:>10}",
        all.rescues.len(),
        rate,
        all.rescues.ms(0.50),
        all.rescues.ms(0.99),
        all.errors,
        server,
        database,
        driver,
        bound
    );
    println!("per step (the first {TIMED} are the rescue; the rest free the crew):");
    println!(
        "{:>10} {:>8} {:>8} {:>8} {:>8}",
        "step", "count", "p50 ms", "p99 ms", "mean ms"
    );
    for (name, t) in STEPS.iter().zip(&all.steps) {
        println!(
            "{:>10} {:>8} {:>8.2} {:>8.2} {:>8.2}",
            name,
            t.len(),
            t.ms(0.50),
            t.ms(0.99),
            t.mean_ms()
        );
    }
    for e in &all.first_errors {
        println!("error: {e}");
    }
    // One line for scripts: rate p50 p99 errors server-ms db-ms driver-ms (per rescue).
    println!(
        "RESULT {:.1} {:.1} {:.1} {} {:.2} {:.2} {:.2}",
        rate,
        all.rescues.ms(0.50),
        all.rescues.ms(0.99),
        all.errors,
        server,
        database,
        driver
    );
}

/// One rescue from the call to the crew on the road, then finished; answers the time of the
/// first eight steps.
async fn one_rescue(
    client: &reqwest::Client,
    base: &str,
    c: &Crew,
    plate: u64,
    steps: &mut [Times],
) -> Result<Duration, String> {
    let api = |p: &str| format!("{base}/api/v1{p}");
    let s = &c.slot;
    let intake = json!({
        "customer_name": "王建国",
        "phone": "13812345678",
        "location": {"address": "杭州市西湖区文三路 90 号", "lat": 30.2741, "lon": 120.1551, "crs": "gcj02"},
        // A plate of its own: a car has few rescues (one plate for all would make the open
        // ticket warning read every ticket of the run).
        "plate": format!("浙B{:05}", plate % 100_000),
        "model": "朗逸 1.5L",
        "mileage_km": 56000,
        "fault": "高速上熄火后无法启动，仪表盘电瓶灯亮",
        "repaired_elsewhere": false,
        "response_level": 2
    });
    let start = Instant::now();
    let t0 = Instant::now();
    let ticket = call(
        client,
        reqwest::Method::POST,
        &api("/tickets"),
        &c.agent,
        &intake,
    )
    .await?;
    steps[0].push(t0.elapsed());
    let id = ticket["id"]
        .as_str()
        .ok_or_else(|| format!("intake answered no id: {ticket}"))?
        .to_owned();
    let t = |p: &str| api(&format!("/tickets/{id}{p}"));
    let plan = json!({
        "crew": [{"technician_id": s.technician_id, "lead": true}],
        "parts": [{"part_id": s.part_id, "quantity": 1}],
        "items": [{"description": "检测并更换蓄电池", "labour_minutes": 30}],
        "estimated_minutes": 45,
        "travel_km": 10.0
    });
    let put = reqwest::Method::PUT;
    let post = reqwest::Method::POST;
    let line = json!([{"part_id": s.part_id, "quantity": 1}]);
    let flow: [(reqwest::Method, String, &String, Value); 10] = [
        (put, t("/plan"), &c.workshop, plan),
        (
            post.clone(),
            t("/plan/submit"),
            &c.workshop,
            json!({"version": 1}),
        ),
        (
            post.clone(),
            t("/review"),
            &c.manager,
            json!({"decision": "accept"}),
        ),
        (
            post.clone(),
            t("/consent"),
            &c.manager,
            json!({"plan_version": 1, "agreed": true}),
        ),
        (
            post.clone(),
            t("/approval"),
            &c.director,
            json!({"plan_version": 1, "decision": "approve"}),
        ),
        (
            post.clone(),
            t("/parts-issues"),
            &c.parts,
            json!({"plan_version": 1, "lines": line, "received_by": s.technician_id}),
        ),
        (post.clone(), t("/depart"), &c.manager, json!({})),
        (post.clone(), t("/arrive"), &c.tech, json!({})),
        (
            post.clone(),
            t("/resolve"),
            &c.tech,
            json!({"work_done": "更换蓄电池，车辆启动正常", "parts_used": line, "customer_absent_reason": "车主已先行离开"}),
        ),
        (post, t("/close"), &c.manager, json!({})),
    ];
    let mut took = Duration::ZERO;
    for (i, (method, url, token, body)) in flow.into_iter().enumerate() {
        let t0 = Instant::now();
        call(client, method, &url, token, &body)
            .await
            .map_err(|e| format!("{}: {e}", STEPS[i + 1]))?;
        steps[i + 1].push(t0.elapsed());
        if i + 2 == TIMED {
            took = start.elapsed();
        }
    }
    Ok(took)
}

/// One JSON request; a non-2xx answer is an error with its body.
async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: &Value,
) -> Result<Value, String> {
    let res = client
        .request(method, url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(body).map_err(|e| e.to_string())?)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let bytes = res.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}
