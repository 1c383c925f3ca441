//! Test harness: spawns the app against a fresh database of either backend and seeds a small dealer group.

use std::sync::OnceLock;

use diesel::prelude::*;
use rescuedesk::config::Settings;
use rescuedesk::db::schema::{
    customers, dealer_groups, dealers, service_visit_parts, service_visits, vehicles,
};
use rescuedesk::db::schema::{parts, stock, technicians, tools, users};
use rescuedesk::db::{AnyConnection, Db};
use rescuedesk::domain::role::Role;
use rescuedesk::repo::users::{insert_user, NewUser};
use rescuedesk::startup::Application;
use serde_json::{json, Value};

pub const PASSWORD: &str = "test-pass-123";
/// A vehicle on file at `hz`, with two service visits.
pub const KNOWN_PLATE: &str = "浙A8K27M";
pub const KNOWN_VIN: &str = "LSVAU218XN2183294";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend: `both!(name, body_fn)`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$body($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_some() {
                    super::$body($crate::helpers::Backend::Postgres).await
                }
            }
        }
    };
}

/// The admin URL of the test PostgreSQL server, or None (loudly) when none is configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL leg is required in CI"
            );
            static WARNED: OnceLock<()> = OnceLock::new();
            WARNED.get_or_init(|| {
                eprintln!(
                    "!!! TEST_DATABASE_URL not set: PostgreSQL tests SKIPPED (run scripts/test.sh)"
                );
            });
            None
        }
    }
}

/// A fresh, empty database URL for one test.
pub fn fresh_database(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            let admin = postgres_url().expect("postgres url");
            let name = format!("rd_{}", uuid::Uuid::now_v7().simple());
            let mut conn =
                diesel::PgConnection::establish(&admin).expect("connect to test postgres");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (format!("{base}/{name}"), None)
        }
    }
}

pub fn settings_for(url: &str) -> Settings {
    let mut s = Settings::load(None, Vec::<(String, String)>::new()).expect("default settings");
    s.database.url = url.to_owned();
    s.database.pool_size = 16;
    s.server.port = 0;
    s.server.bind = "127.0.0.1".into();
    s.server.workers = 2;
    s
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub client: reqwest::Client,
    pub nb_dealer: String,
    db_url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Like `spawn`, with the settings changed first (short timeouts, an https public URL…).
    pub async fn spawn_with(backend: Backend, change: impl FnOnce(&mut Settings)) -> TestApp {
        let (url, dir) = fresh_database(backend);
        let mut settings = settings_for(&url);
        change(&mut settings);
        let db = Db::connect(&settings.database).expect("connect");
        db.migrate().expect("migrate");
        let (_hz_dealer, nb_dealer) = seed(&db);
        TestApp::serve(settings, db, url, dir, nb_dealer)
    }

    /// Like `spawn`, on the demo's data (`rescuedesk demo`: the Zhejiang group, its past of
    /// finished rescues included) instead of the small test seed.
    pub async fn spawn_demo(backend: Backend) -> TestApp {
        let (url, dir) = fresh_database(backend);
        let settings = settings_for(&url);
        let db = Db::connect(&settings.database).expect("connect");
        db.migrate().expect("migrate");
        rescuedesk::services::demo::load_if_empty(&db, &settings).expect("demo data");
        let nb_dealer = db
            .read_blocking(|conn| {
                Ok(dealers::table
                    .filter(dealers::code.eq("nb"))
                    .select(dealers::id)
                    .first::<String>(conn)?)
            })
            .expect("the demo's nb dealer");
        TestApp::serve(settings, db, url, dir, nb_dealer)
    }

    /// Starts the server on port 0 over a loaded database.
    fn serve(
        settings: Settings,
        db: Db,
        db_url: String,
        dir: Option<tempfile::TempDir>,
        nb_dealer: String,
    ) -> TestApp {
        let app = Application::build_with_db(settings, db.clone()).expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            db,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            nb_dealer,
            db_url,
            _dir: dir,
        }
    }

    /// The database URL, for running the CLI against the same database.
    pub fn database_url(&self) -> String {
        self.db_url.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A bearer token for a seeded login such as `hz.agent`.
    pub fn token(&self, login: &str) -> String {
        rescuedesk::services::users::create_token(&self.db, login, "test").expect("token")
    }

    pub async fn post_ticket(&self, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/tickets"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A new ticket from the good intake body, by the call agent; its id.
    pub async fn new_ticket(&self) -> String {
        let t: Value = self
            .post_ticket(&self.token("hz.agent"), &intake_body())
            .await
            .json()
            .await
            .expect("ticket json");
        t["id"].as_str().expect("ticket id").to_owned()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(Value::Null);
        assert_zoned_times(path, &body);
        (status, body)
    }

    /// Rows of `table`, which may go on with a WHERE clause (tests' own text, never input).
    pub fn count(&self, table: impl Into<String>) -> i64 {
        let table = table.into();
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.db
            .read_blocking(move |conn| {
                let n: N = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                    .get_result(conn)?;
                Ok(n.n)
            })
            .expect("count")
    }
}

/// The Hangzhou manager's and director's own phones after [`own_phones`] (seeded staff share one).
pub const MANAGER_PHONE: &str = "13900002222";
pub const DIRECTOR_PHONE: &str = "13900003333";

/// Gives the Hangzhou manager and director phones of their own, so their messages can be told
/// apart.
pub fn own_phones(app: &TestApp) {
    app.db
        .write_blocking(|conn| {
            use rescuedesk::db::schema::users;
            for (login, phone) in [
                ("hz.manager", MANAGER_PHONE),
                ("hz.director", DIRECTOR_PHONE),
            ] {
                diesel::update(users::table.filter(users::login.eq(login)))
                    .set(users::phone.eq(phone))
                    .execute(conn)?;
            }
            Ok(())
        })
        .unwrap();
}

/// A good intake body; tests change one field at a time.
pub fn intake_body() -> Value {
    json!({
        "customer_name": "王建国",
        "phone": "138-1234-5678",
        "location": {"address": "杭州市西湖区文三路 90 号", "lat": 30.2741, "lon": 120.1551, "crs": "gcj02"},
        "plate": "浙A12345",
        "model": "朗逸 1.5L",
        "mileage_km": 56000,
        "fault": "高速上熄火后无法启动，仪表盘电瓶灯亮",
        "repaired_elsewhere": false,
        "response_level": 2
    })
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| rescuedesk::auth::password::hash_password(PASSWORD).expect("hash"))
}

/// Two sister dealers (hz, nb), one user per role each, and one known vehicle with history.
fn seed(db: &Db) -> (String, String) {
    db.write_blocking(|conn| {
        let now = rescuedesk::repo::now();
        let group = rescuedesk::repo::new_id();
        diesel::insert_into(dealer_groups::table)
            .values((
                dealer_groups::id.eq(&group),
                dealer_groups::name.eq("测试汽车集团"),
                dealer_groups::brand.eq("测试"),
                dealer_groups::created_at.eq(now),
            ))
            .execute(conn)?;
        let mut ids = Vec::new();
        for (code, name, city, lat, lon) in [
            ("hz", "杭州测试4S店", "杭州", 30.2741, 120.1551),
            ("nb", "宁波测试4S店", "宁波", 29.8683, 121.5440),
        ] {
            let id = rescuedesk::repo::new_id();
            diesel::insert_into(dealers::table)
                .values((
                    dealers::id.eq(&id),
                    dealers::group_id.eq(&group),
                    dealers::code.eq(code),
                    dealers::name.eq(name),
                    dealers::city.eq(city),
                    dealers::address.eq("测试路 1 号"),
                    dealers::phone.eq("0571-88889999"),
                    dealers::lat.eq(lat),
                    dealers::lon.eq(lon),
                    dealers::created_at.eq(now),
                ))
                .execute(conn)?;
            for (suffix, role) in [
                ("agent", Role::CallAgent),
                ("workshop", Role::WorkshopLead),
                ("manager", Role::ServiceManager),
                ("director", Role::ServiceDirector),
                ("parts", Role::PartsDesk),
                ("partsmgr", Role::PartsManager),
                ("tech", Role::Technician),
                ("admin", Role::Admin),
            ] {
                insert_user(
                    conn,
                    &NewUser {
                        login: format!("{code}.{suffix}"),
                        name: format!("{city}{suffix}"),
                        phone: "13900001111".into(),
                        email: format!("{code}.{suffix}@test.cn"),
                        dealer_id: id.clone(),
                        password_hash: password_hash().to_owned(),
                        roles: vec![role],
                    },
                )?;
            }
            ids.push(id);
        }
        // The platform's catalogue admin: alone imports the parts catalogue all groups share.
        insert_user(
            conn,
            &NewUser {
                login: "platform.catalogue".into(),
                name: "平台目录".into(),
                phone: "13900001111".into(),
                email: "platform.catalogue@test.cn".into(),
                dealer_id: ids[0].clone(),
                password_hash: password_hash().to_owned(),
                roles: vec![Role::CatalogueAdmin],
            },
        )?;
        seed_vehicle(conn, &ids[0], now)?;
        seed_workshop(conn, &ids, now)?;
        Ok((ids[0].clone(), ids[1].clone()))
    })
    .expect("seed")
}

fn seed_vehicle(
    conn: &mut AnyConnection,
    dealer: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), rescuedesk::error::AppError> {
    let customer = rescuedesk::repo::new_id();
    diesel::insert_into(customers::table)
        .values((
            customers::id.eq(&customer),
            customers::name.eq("李娜"),
            customers::phone.eq("13705710000"),
            customers::created_at.eq(now),
        ))
        .execute(conn)?;
    let vehicle = rescuedesk::repo::new_id();
    diesel::insert_into(vehicles::table)
        .values((
            vehicles::id.eq(&vehicle),
            vehicles::plate.eq(KNOWN_PLATE),
            vehicles::vin.eq(KNOWN_VIN),
            vehicles::model.eq("途观L 330TSI"),
            vehicles::model_year.eq(2021),
            vehicles::customer_id.eq(&customer),
            vehicles::dealer_id.eq(dealer),
            vehicles::mileage_km.eq(48_200),
            vehicles::created_at.eq(now),
        ))
        .execute(conn)?;
    for (days_ago, km, kind, summary, part) in [
        (
            400,
            38_000,
            "maintenance",
            "常规保养：更换机油、机油滤清器",
            ("06L 115 562 B", "机油滤清器"),
        ),
        (
            30,
            48_200,
            "repair",
            "更换蓄电池",
            ("000 915 105 DE", "12V 蓄电池 70Ah"),
        ),
    ] {
        let visit = rescuedesk::repo::new_id();
        diesel::insert_into(service_visits::table)
            .values((
                service_visits::id.eq(&visit),
                service_visits::vehicle_id.eq(&vehicle),
                service_visits::dealer_id.eq(dealer),
                service_visits::visited_at.eq(now - chrono::Duration::days(days_ago)),
                service_visits::mileage_km.eq(km),
                service_visits::kind.eq(kind),
                service_visits::summary.eq(summary),
            ))
            .execute(conn)?;
        diesel::insert_into(service_visit_parts::table)
            .values((
                service_visit_parts::id.eq(rescuedesk::repo::new_id()),
                service_visit_parts::visit_id.eq(&visit),
                service_visit_parts::part_no.eq(part.0),
                service_visit_parts::name.eq(part.1),
                service_visit_parts::quantity.eq(1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Technicians (hz.tech is the lead technician 周师傅), tools, and three parts:
/// a battery with 3 in stock at hz, a fuse kit with 10, an airbag and a (monitored) key with none.
fn seed_workshop(
    conn: &mut AnyConnection,
    dealers_ids: &[String],
    now: chrono::NaiveDateTime,
) -> Result<(), rescuedesk::error::AppError> {
    for (dealer, code) in dealers_ids.iter().zip(["hz", "nb"]) {
        let tech_user: String = users::table
            .filter(users::login.eq(format!("{code}.tech")))
            .select(users::id)
            .first(conn)?;
        for (id, name, phone, via, user) in [
            (
                format!("{code}-t1"),
                format!("{code}周师傅"),
                "13900000001",
                "sms",
                Some(tech_user.clone()),
            ),
            (
                format!("{code}-t2"),
                format!("{code}吴师傅"),
                "13900000002",
                "email",
                None,
            ),
            (
                format!("{code}-t3"),
                format!("{code}郑师傅"),
                "13900000003",
                "sms",
                None,
            ),
        ] {
            diesel::insert_into(technicians::table)
                .values((
                    technicians::id.eq(id),
                    technicians::dealer_id.eq(dealer),
                    technicians::user_id.eq(user),
                    technicians::name.eq(name),
                    technicians::phone.eq(phone),
                    technicians::email.eq(format!("{code}.{phone}@test.cn")),
                    technicians::notify_via.eq(via),
                    technicians::grade.eq("senior"),
                    technicians::active.eq(true),
                    technicians::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        for (tool, zh, qty) in [("jump", "搭电宝", 2), ("scanner", "诊断仪", 1)] {
            diesel::insert_into(tools::table)
                .values((
                    tools::id.eq(format!("{code}-{tool}")),
                    tools::dealer_id.eq(dealer),
                    tools::code.eq(tool),
                    tools::name_zh.eq(zh),
                    tools::name_en.eq(tool),
                    tools::quantity.eq(qty),
                ))
                .execute(conn)?;
        }
    }
    for (id, no, zh, price, dg, monitored) in [
        (
            "battery",
            "000 915 105 DE",
            "12V 蓄电池 70Ah",
            78_000_i64,
            true,
            false,
        ),
        ("fuse", "N 102 621 02", "保险丝套装", 1_550, false, false),
        ("key", "5G0 959 753 AB", "遥控钥匙", 120_000, false, true),
        (
            "airbag",
            "5G0 880 201 K",
            "驾驶员安全气囊",
            245_000,
            true,
            false,
        ),
    ] {
        diesel::insert_into(parts::table)
            .values((
                parts::id.eq(id),
                parts::part_no.eq(no),
                parts::name_zh.eq(zh),
                parts::name_en.eq(id),
                parts::category.eq("test"),
                parts::price_fen.eq(price),
                parts::weight_g.eq(1000),
                parts::dangerous_goods.eq(dg),
                parts::monitored.eq(monitored),
                parts::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    for (part, on_hand) in [("battery", 3), ("fuse", 10)] {
        diesel::insert_into(stock::table)
            .values((
                stock::dealer_id.eq(&dealers_ids[0]),
                stock::part_id.eq(part),
                stock::on_hand.eq(on_hand),
                stock::reserved.eq(0),
                stock::bin.eq("A-01-1"),
                stock::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

impl TestApp {
    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        self.send_json(self.client.post(self.url(path)), token, body)
            .await
    }

    /// A POST asking for the answer in a language (`Accept-Language`).
    pub async fn post_in(&self, lang: &str, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let req = self
            .client
            .post(self.url(path))
            .header("accept-language", lang);
        self.send_json(req, token, body).await
    }

    pub async fn put(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        self.send_json(self.client.put(self.url(path)), token, body)
            .await
    }

    async fn send_json(
        &self,
        req: reqwest::RequestBuilder,
        token: &str,
        body: &Value,
    ) -> (u16, Value) {
        let res = req
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let path = res.url().path().to_owned();
        let body = res.json().await.unwrap_or(Value::Null);
        assert_zoned_times(&path, &body);
        (status, body)
    }

    /// On-hand stock of a part at hz.
    pub fn on_hand(&self, part: &'static str) -> i32 {
        self.db
            .read_blocking(move |conn| {
                let dealer: String = dealers::table
                    .filter(dealers::code.eq("hz"))
                    .select(dealers::id)
                    .first(conn)?;
                Ok(stock::table
                    .filter(stock::dealer_id.eq(dealer))
                    .filter(stock::part_id.eq(part))
                    .select(stock::on_hand)
                    .first(conn)?)
            })
            .expect("stock")
    }
}

/// A plan for the hz crew: 周师傅 leads, with a battery and a jump starter.
pub fn plan_body() -> Value {
    json!({
        "crew": [{"technician_id": "hz-t1", "lead": true}, {"technician_id": "hz-t2"}],
        "tools": [{"tool_id": "hz-jump", "quantity": 1}],
        "parts": [{"part_id": "battery", "quantity": 1}, {"part_id": "fuse", "quantity": 2}],
        "items": [{"description": "检测并更换蓄电池", "labour_minutes": 30}],
        "estimated_minutes": 45,
        "travel_km": 10.0,
        "special_notes": "电瓶为危险品，注意搬运"
    })
}

/// Every JSON answer the tests read through these helpers is walked: a time of day without a
/// zone (`2026-12-01T08:00:00`) reads 8 hours off in China, so any such string fails the test.
pub fn assert_zoned_times(path: &str, v: &Value) {
    fn naive(s: &str) -> bool {
        let b = s.as_bytes();
        let shape = b.len() >= 16
            && b[..16].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T' || *c == b' ',
                13 => *c == b':',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return false;
        }
        let zoned = s.ends_with('Z')
            || s.len() >= 6 && {
                let tail = &b[b.len() - 6..];
                (tail[0] == b'+' || tail[0] == b'-') && tail[3] == b':'
            };
        !zoned
    }
    match v {
        Value::String(s) => assert!(!naive(s), "{path}: a time without a zone: {s}"),
        Value::Array(a) => a.iter().for_each(|x| assert_zoned_times(path, x)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            // Values inside JSON strings (stored consent) are checked by key.
            if let Value::String(inner) = x {
                if let Ok(parsed) = serde_json::from_str::<Value>(inner) {
                    if parsed.is_object() {
                        assert_zoned_times(&format!("{path} {k}"), &parsed);
                    }
                }
            }
            assert_zoned_times(path, x)
        }),
        _ => {}
    }
}

#[test]
fn naive_times_are_refused() {
    assert_zoned_times(
        "t",
        &serde_json::json!({"at": "2026-12-01T08:00:00Z", "d": "2026-12-01"}),
    );
    assert_zoned_times(
        "t",
        &serde_json::json!(["2026-12-01T16:00:00+08:00", "浙A12345"]),
    );
    for bad in [
        "2026-12-01T08:00:00",
        "2026-12-01 08:00",
        "2026-12-01T08:00:00.123",
    ] {
        let v = serde_json::json!({"x": [{"at": bad}]});
        assert!(
            std::panic::catch_unwind(|| assert_zoned_times("t", &v)).is_err(),
            "{bad}"
        );
    }
}

/// The HTML of a page fetched with a (signed-in) client, whatever its status.
pub async fn page_text(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

/// Another RescueDesk node: the real binary serving the same database on its own port, with
/// its outbox worker off unless `env` turns it on (`RESCUEDESK__…` settings).
pub struct Node {
    child: std::process::Child,
    pub url: String,
}

impl Node {
    pub fn start(db_url: &str, env: &[(&str, &str)]) -> Node {
        use std::io::{BufRead, BufReader};
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rescuedesk"));
        cmd.args(["serve", "--port", "0"])
            .env_remove("RUST_LOG")
            .env("RESCUEDESK__DATABASE__URL", db_url)
            .env("RESCUEDESK__OUTBOX__WORKER", "false");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start another node");
        let stdout = child.stdout.take().unwrap();
        let line = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains("serving at"))
            .expect("the node prints its address");
        let url = line.rsplit(' ').next().unwrap().to_owned();
        Node { child, url }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The names of a second dealer group's one dealer (code `sh`, in Shanghai).
pub struct OtherGroup<'a> {
    pub group: &'a str,
    pub brand: &'a str,
    pub dealer: &'a str,
    pub address: &'a str,
}

/// Inserts a dealer group of its own with one dealer (rows only); the dealer's id.
pub fn insert_other_group(
    conn: &mut AnyConnection,
    names: OtherGroup<'_>,
) -> Result<String, rescuedesk::error::AppError> {
    let now = rescuedesk::repo::now();
    let group = rescuedesk::repo::new_id();
    diesel::insert_into(dealer_groups::table)
        .values((
            dealer_groups::id.eq(&group),
            dealer_groups::name.eq(names.group),
            dealer_groups::brand.eq(names.brand),
            dealer_groups::created_at.eq(now),
        ))
        .execute(conn)?;
    let dealer = rescuedesk::repo::new_id();
    diesel::insert_into(dealers::table)
        .values((
            dealers::id.eq(&dealer),
            dealers::group_id.eq(&group),
            dealers::code.eq("sh"),
            dealers::name.eq(names.dealer),
            dealers::city.eq("上海"),
            dealers::address.eq(names.address),
            dealers::phone.eq("021-88889999"),
            dealers::lat.eq(31.23),
            dealers::lon.eq(121.47),
            dealers::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(dealer)
}

/// An SMS gateway on loopback that records each delivery's idempotency key and answers after
/// `delay` (so racing workers overlap for real, or a kill lands mid-batch); its URL.
pub async fn recording_gateway(
    received: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    delay: std::time::Duration,
) -> (String, actix_web::dev::ServerHandle) {
    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let received = received.clone();
        App::new().route(
            "/sms",
            web::post().to(move |req: HttpRequest| {
                let received = received.clone();
                async move {
                    let key = req
                        .headers()
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    received.lock().unwrap().push(key.clone());
                    tokio::time::sleep(delay).await;
                    HttpResponse::Ok().json(json!({ "id": key }))
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/sms"), handle)
}
