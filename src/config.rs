//! Settings: `config/default.toml` (embedded) < `--config FILE` < `RESCUEDESK__SECTION__KEY` environment variables.

use std::path::Path;

use serde::Deserialize;

/// The defaults ship inside the binary so it runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");
const ENV_PREFIX: &str = "RESCUEDESK__";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub ui: UiSettings,
    pub tickets: TicketSettings,
    pub pricing: PricingSettings,
    pub outbox: OutboxSettings,
    pub sms: SmsSettings,
    pub sms_templates: SmsTemplateSettings,
    pub email: EmailSettings,
    pub links: LinkSettings,
    pub sourcing: crate::domain::sourcing::SourcingConfig,
    pub sla: crate::domain::promise::SlaConfig,
    pub timer: TimerSettings,
    pub demo: DemoSettings,
    pub map: MapSettings,
    pub eta: crate::domain::eta::EtaConfig,
    #[serde(default)]
    pub photos: PhotoSettings,
    pub recommend: crate::domain::recommend::RecommendConfig,
    pub follow_up: crate::domain::follow_up::FollowUpConfig,
}

/// `[photos]`: photos from the crew's phone, kept in the database.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhotoSettings {
    /// The largest photo accepted, in bytes (the phone resizes before it uploads).
    pub max_bytes: usize,
    /// Photos per ticket at most.
    pub max_per_ticket: i64,
    /// Photos per ticket within one minute at most (a stuck phone retrying, a script).
    pub per_minute: i64,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings {
            max_bytes: 1_500_000,
            max_per_ticket: 30,
            per_minute: 12,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSettings {
    pub worker: bool,
    pub poll_interval_ms: u64,
    pub batch_size: u32,
    pub max_attempts: u32,
    pub backoff_base_s: u64,
    pub backoff_max_s: u64,
    pub lease_s: u64,
}

/// `[timer]`: the worker that warns before a promise breaks and escalates when it does.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimerSettings {
    pub worker: bool,
    pub interval_s: u64,
    pub batch_size: u32,
    /// Hours back a worker looks, when it starts, for stages that ended late unseen.
    pub late_lookback_h: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsProviderKind {
    None,
    Aliyun,
    Twilio,
    Webhook,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    pub provider: SmsProviderKind,
    pub timeout_s: u64,
    pub aliyun_endpoint: String,
    pub aliyun_region: String,
    pub aliyun_access_key_id: String,
    pub aliyun_access_key_secret: String,
    pub aliyun_sign_name: String,
    pub twilio_base_url: String,
    pub twilio_account_sid: String,
    pub twilio_auth_token: String,
    pub twilio_from: String,
    pub webhook_url: String,
    pub webhook_secret: String,
}

/// Alibaba Cloud template codes per message kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsTemplateSettings {
    pub technician_dispatch: String,
    pub customer_crew_departed: String,
    pub customer_parts_delay: String,
    pub customer_resolved: String,
    pub customer_location_request: String,
    pub staff_notice: String,
    /// The weather suspension's SMS to customers (issue 13). Optional so an existing
    /// configuration still loads; empty, such a message fails as unconfigured instead of going
    /// out through `staff_notice` with the wrong variables.
    #[serde(default)]
    pub customer_suspension: String,
    #[serde(default)]
    pub customer_suspension_lifted: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransportKind {
    None,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    Starttls,
    Implicit,
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub transport: EmailTransportKind,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: String,
    pub smtp_password: String,
    pub from: String,
    pub timeout_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSettings {
    pub secret: String,
    pub technician_hours: u32,
    pub customer_hours: u32,
    pub decide_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingSettings {
    pub labour_rate_fen_per_hour: u32,
    pub travel_fen_per_km: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub port: u16,
    pub public_url: String,
    pub body_limit_kb: usize,
    pub workers: usize,
    pub head_timeout_s: u64,
    pub body_timeout_s: u64,
    pub disconnect_timeout_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    pub busy_timeout_ms: u32,
    pub connect_timeout_s: u64,
    /// SQLite: the most writes one commit takes (group commit); 1 commits each alone.
    pub group_commit_max: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// The absolute lifetime of a page session.
    pub session_hours: u32,
    /// A page session unused this long ends (checked at each request; last use is written at
    /// most once a minute, `domain::session::SEEN_EVERY`).
    pub session_idle_minutes: u32,
    pub cookie_secure: bool,
    pub throttle_login_failures: u32,
    pub throttle_address_failures: u32,
    pub throttle_lockout_s: u64,
    pub throttle_lockout_max_s: u64,
    pub throttle_window_s: u64,
    pub throttle_max_entries: usize,
    pub trust_forwarded_for: bool,
    pub hash_threads: usize,
}

impl AuthSettings {
    /// When page sessions end.
    pub fn session_expiry(&self) -> crate::domain::session::Expiry {
        crate::domain::session::Expiry::new(self.session_hours, self.session_idle_minutes)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    pub default_locale: crate::i18n::Locale,
    pub page_size: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketSettings {
    pub number_prefix: String,
    pub utc_offset_hours: i32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSettings {
    pub seed: u64,
    pub scale: u32,
    pub password: String,
    /// Write the demo's past of finished rescues too (`demo::history`).
    pub past: bool,
}

/// The dispatch board's map: where its tiles come from and the system they are drawn in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSettings {
    pub tile_url: String,
    pub subdomains: String,
    pub attribution: String,
    pub crs: crate::domain::location::Crs,
    pub max_zoom: u8,
}

impl MapSettings {
    /// The origins the tiles come from (`{s}` spelled out once per subdomain), for the board
    /// page's `img-src`. Only valid settings get here ([`MapSettings::check`]).
    pub fn tile_origins(&self) -> Vec<String> {
        let Some((scheme, rest)) = self.tile_url.split_once("://") else {
            return Vec::new();
        };
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        let origin = format!("{scheme}://{host}");
        if origin.contains("{s}") {
            self.subdomains
                .chars()
                .map(|c| origin.replace("{s}", &c.to_string()))
                .collect()
        } else {
            vec![origin]
        }
    }

    /// The URL ends up in a page attribute and the host in a header: only plain URL characters,
    /// so no configuration can widen the policy or break out of the attribute.
    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let url = &self.tile_url;
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(("map.tile_url", "must start with https:// or http://"));
        };
        if scheme != "https" && scheme != "http" {
            return Err(("map.tile_url", "must start with https:// or http://"));
        }
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '{' | '}'));
        if !host_ok || host.replace("{s}", "").contains(['{', '}']) {
            return Err((
                "map.tile_url",
                "the host may hold letters, digits, '.', '-', a port and {s} only",
            ));
        }
        if url.len() > 500
            || !url.chars().all(|c| c.is_ascii_graphic())
            || url.contains(['"', '\'', '<', '>', ';', ','])
        {
            return Err((
                "map.tile_url",
                "must be at most 500 plain URL characters (no quotes, ';' or ',')",
            ));
        }
        if !["{x}", "{y}", "{z}"].iter().all(|p| url.contains(p)) {
            return Err(("map.tile_url", "must contain {x}, {y} and {z}"));
        }
        if host.contains("{s}") && self.subdomains.is_empty() {
            return Err(("map.subdomains", "must be set when map.tile_url has {s}"));
        }
        if self.subdomains.len() > 16 || !self.subdomains.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err((
                "map.subdomains",
                "must be at most 16 letters or digits (each one subdomain)",
            ));
        }
        if self.attribution.chars().count() > 200 {
            return Err(("map.attribution", "must be at most 200 characters"));
        }
        if !(1..=22).contains(&self.max_zoom) {
            return Err(("map.max_zoom", "must be between 1 and 22"));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("unknown configuration key `{key}` (in {origin})")]
    UnknownKey { key: String, origin: String },
    #[error("bad value for configuration key `{key}` (from {origin}): {message}")]
    BadValue {
        key: String,
        origin: String,
        message: String,
    },
}

impl Settings {
    /// Loads the layers; `env` is passed in so tests need not touch the process environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let mut table = parse_toml(DEFAULT_TOML, "config/default.toml")?;
        let defaults = table.clone();
        if let Some(path) = file {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: origin.clone(),
                source,
            })?;
            let overlay = parse_toml(&text, &origin)?;
            merge(&mut table, &defaults, overlay, "", &origin)?;
        }
        for (name, value) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            apply_env(&mut table, &defaults, &name, rest, &value)?;
        }
        Settings::from_table(table)
    }

    /// Loads with the real process environment.
    pub fn load_from_env(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Settings::load(file, std::env::vars())
    }

    fn from_table(table: toml::Table) -> Result<Settings, ConfigError> {
        let settings: Settings = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| ConfigError::BadValue {
                key: e.path().to_string(),
                origin: "merged configuration".into(),
                message: e.inner().to_string(),
            })?;
        settings.check()?;
        Ok(settings)
    }

    /// Rules serde cannot express.
    fn check(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, message: &str| ConfigError::BadValue {
            key: key.into(),
            origin: "merged configuration".into(),
            message: message.into(),
        };
        crate::db::DbUrl::parse(&self.database.url)
            .map_err(|e| bad("database.url", &e.to_string()))?;
        if self.database.pool_size == 0 {
            return Err(bad("database.pool_size", "must be at least 1"));
        }
        if !(1..=1000).contains(&self.database.group_commit_max) {
            return Err(bad(
                "database.group_commit_max",
                "must be between 1 and 1000",
            ));
        }
        if self.server.body_limit_kb == 0 {
            return Err(bad("server.body_limit_kb", "must be at least 1"));
        }
        if !(-12..=14).contains(&self.tickets.utc_offset_hours) {
            return Err(bad(
                "tickets.utc_offset_hours",
                "must be between -12 and 14",
            ));
        }
        let prefix = &self.tickets.number_prefix;
        if prefix.is_empty() || prefix.len() > 6 || !prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            return Err(bad(
                "tickets.number_prefix",
                "must be 1 to 6 upper-case letters",
            ));
        }
        if !(1..=500).contains(&self.ui.page_size) {
            return Err(bad("ui.page_size", "must be between 1 and 500"));
        }
        if !(1..=24 * 90).contains(&self.auth.session_hours) {
            return Err(bad(
                "auth.session_hours",
                "must be between 1 and 2160 (90 days)",
            ));
        }
        let idle = self.auth.session_idle_minutes;
        if idle < 5 || u64::from(idle) > u64::from(self.auth.session_hours) * 60 {
            return Err(bad(
                "auth.session_idle_minutes",
                "must be at least 5 and at most auth.session_hours in minutes",
            ));
        }
        let auth = &self.auth;
        for (key, value) in [
            (
                "auth.throttle_login_failures",
                u64::from(auth.throttle_login_failures),
            ),
            (
                "auth.throttle_address_failures",
                u64::from(auth.throttle_address_failures),
            ),
            ("auth.throttle_lockout_s", auth.throttle_lockout_s),
            ("auth.throttle_window_s", auth.throttle_window_s),
            ("server.head_timeout_s", self.server.head_timeout_s),
            ("server.body_timeout_s", self.server.body_timeout_s),
        ] {
            if value == 0 {
                return Err(bad(key, "must be at least 1"));
            }
        }
        if auth.throttle_lockout_max_s < auth.throttle_lockout_s {
            return Err(bad(
                "auth.throttle_lockout_max_s",
                "must be at least auth.throttle_lockout_s",
            ));
        }
        if auth.throttle_max_entries < 100 {
            return Err(bad("auth.throttle_max_entries", "must be at least 100"));
        }
        if auth.hash_threads > 64 {
            return Err(bad("auth.hash_threads", "must be between 0 and 64"));
        }
        let sms = &self.sms;
        let missing = |key: &str, value: &str| {
            value
                .trim()
                .is_empty()
                .then(|| bad(key, "must be set for the chosen sms.provider"))
        };
        let required: Vec<(&str, &str)> = match sms.provider {
            SmsProviderKind::None => vec![],
            SmsProviderKind::Aliyun => vec![
                ("sms.aliyun_access_key_id", &sms.aliyun_access_key_id),
                (
                    "sms.aliyun_access_key_secret",
                    &sms.aliyun_access_key_secret,
                ),
                ("sms.aliyun_sign_name", &sms.aliyun_sign_name),
            ],
            SmsProviderKind::Twilio => vec![
                ("sms.twilio_account_sid", &sms.twilio_account_sid),
                ("sms.twilio_auth_token", &sms.twilio_auth_token),
                ("sms.twilio_from", &sms.twilio_from),
            ],
            SmsProviderKind::Webhook => vec![
                ("sms.webhook_url", &sms.webhook_url),
                ("sms.webhook_secret", &sms.webhook_secret),
            ],
        };
        if let Some(err) = required.into_iter().find_map(|(k, v)| missing(k, v)) {
            return Err(err);
        }
        if self.outbox.max_attempts == 0 || self.outbox.batch_size == 0 || self.outbox.lease_s == 0
        {
            return Err(bad(
                "outbox",
                "max_attempts, batch_size and lease_s must be at least 1",
            ));
        }
        if let Err(e) = self.sourcing.validate() {
            return Err(bad(&format!("sourcing.{}", e.field), e.message));
        }
        if let Err(e) = self.sla.validate() {
            return Err(bad(&format!("sla.{}", e.field), &e.message));
        }
        if !(10_000..=20_000_000).contains(&self.photos.max_bytes)
            || !(1..=500).contains(&self.photos.max_per_ticket)
            || self.photos.per_minute < 1
        {
            return Err(bad(
                "photos",
                "max_bytes 10000..=20000000, max_per_ticket 1..=500, per_minute at least 1",
            ));
        }
        if !(1..=1440).contains(&self.links.decide_minutes) {
            return Err(bad(
                "links.decide_minutes",
                "must be between 1 and 1440 minutes",
            ));
        }
        if !(1..=3600).contains(&self.timer.interval_s) {
            return Err(bad(
                "timer.interval_s",
                "must be between 1 and 3600 seconds",
            ));
        }
        if !(1..=5000).contains(&self.timer.batch_size) {
            return Err(bad("timer.batch_size", "must be between 1 and 5000"));
        }
        if !(1..=2160).contains(&self.timer.late_lookback_h) {
            return Err(bad(
                "timer.late_lookback_h",
                "must be between 1 and 2160 hours (90 days)",
            ));
        }
        if let Err((key, message)) = self.map.check() {
            return Err(bad(key, message));
        }
        if let Err((key, message)) = self.follow_up.validate() {
            return Err(bad(key, message));
        }
        if let Err((key, message)) = self.recommend.validate() {
            return Err(bad(key, message));
        }
        if let Err((key, message)) = self.eta.validate() {
            return Err(bad(key, message));
        }
        if self.demo.scale == 0 {
            return Err(bad("demo.scale", "must be at least 1"));
        }
        if self.demo.password.chars().count() < 8 {
            return Err(bad("demo.password", "must have at least 8 characters"));
        }
        Ok(())
    }

    /// Cookies carry `Secure` when the flag says so or when users reach us over HTTPS anyway.
    pub fn secure_cookies(&self) -> bool {
        self.auth.cookie_secure
            || self
                .server
                .public_url
                .trim()
                .to_ascii_lowercase()
                .starts_with("https://")
    }

    /// Base URL for links in messages.
    pub fn public_url(&self, bound_port: u16) -> String {
        if self.server.public_url.is_empty() {
            format!("http://{}:{}", self.server.bind, bound_port)
        } else {
            self.server.public_url.trim_end_matches('/').to_owned()
        }
    }
}

fn parse_toml(text: &str, origin: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>()
        .map_err(|e| ConfigError::Syntax {
            path: origin.into(),
            message: e.to_string(),
        })
}

/// Overlays `overlay` on `base`, refusing keys the defaults do not have.
fn merge(
    base: &mut toml::Table,
    defaults: &toml::Table,
    overlay: toml::Table,
    prefix: &str,
    origin: &str,
) -> Result<(), ConfigError> {
    for (key, value) in overlay {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let unknown = || ConfigError::UnknownKey {
            key: path.clone(),
            origin: origin.into(),
        };
        let default = defaults.get(&key).ok_or_else(unknown)?;
        match (default, value) {
            (toml::Value::Table(sub_defaults), toml::Value::Table(sub_overlay)) => {
                let sub_base = base
                    .get_mut(&key)
                    .and_then(toml::Value::as_table_mut)
                    .ok_or_else(unknown)?;
                merge(sub_base, sub_defaults, sub_overlay, &path, origin)?;
            }
            (toml::Value::Table(_), _) => {
                return Err(ConfigError::BadValue {
                    key: path,
                    origin: origin.into(),
                    message: "must be a section (a table)".into(),
                })
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
    Ok(())
}

/// `RESCUEDESK__SECTION__KEY=value`: the value is read as the type the default has.
fn apply_env(
    table: &mut toml::Table,
    defaults: &toml::Table,
    name: &str,
    rest: &str,
    raw: &str,
) -> Result<(), ConfigError> {
    let parts: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
    let key = parts.join(".");
    let origin = format!("environment variable {name}");
    let unknown = || ConfigError::UnknownKey {
        key: key.clone(),
        origin: origin.clone(),
    };
    let [section, field] = parts.as_slice() else {
        return Err(unknown());
    };
    let default = defaults
        .get(section)
        .and_then(toml::Value::as_table)
        .and_then(|t| t.get(field))
        .ok_or_else(unknown)?;
    let bad = |message: &str| ConfigError::BadValue {
        key: key.clone(),
        origin: origin.clone(),
        message: format!("{message}, got {raw:?}"),
    };
    let value = match default {
        toml::Value::String(_) => toml::Value::String(raw.to_owned()),
        toml::Value::Integer(_) => toml::Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| bad("expected a whole number"))?,
        ),
        toml::Value::Float(_) => {
            toml::Value::Float(raw.trim().parse().map_err(|_| bad("expected a number"))?)
        }
        toml::Value::Boolean(_) => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => toml::Value::Boolean(true),
            "false" | "0" | "no" | "off" => toml::Value::Boolean(false),
            _ => return Err(bad("expected true or false")),
        },
        _ => return Err(bad("this key cannot be set from the environment")),
    };
    table
        .get_mut(section)
        .and_then(toml::Value::as_table_mut)
        .ok_or_else(unknown)?
        .insert(field.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.database.url, "sqlite://./data/rescuedesk.sqlite3");
        assert_eq!(s.log.format, LogFormat::Pretty);
    }

    #[test]
    fn env_overrides_file_overrides_defaults() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "[server]\nport = 9000\nbind = \"0.0.0.0\"").unwrap();
        let s = Settings::load(
            Some(file.path()),
            env(&[("RESCUEDESK__SERVER__PORT", "9100"), ("OTHER", "x")]),
        )
        .unwrap();
        assert_eq!(s.server.port, 9100);
        assert_eq!(s.server.bind, "0.0.0.0");
    }

    #[test]
    fn unknown_key_in_file_is_named() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "[server]\nprot = 9000").unwrap();
        let err = Settings::load(Some(file.path()), env(&[])).unwrap_err();
        assert!(err.to_string().contains("`server.prot`"), "{err}");
    }

    #[test]
    fn unknown_env_key_is_named() {
        let err = Settings::load(None, env(&[("RESCUEDESK__DATABASE__URI", "x")])).unwrap_err();
        assert!(err.to_string().contains("`database.uri`"), "{err}");
        assert!(
            err.to_string().contains("RESCUEDESK__DATABASE__URI"),
            "{err}"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let err = Settings::load(None, env(&[("RESCUEDESK__SERVER__PORT", "eighty")])).unwrap_err();
        assert!(err.to_string().contains("`server.port`"), "{err}");
        let err = Settings::load(None, env(&[("RESCUEDESK__SERVER__PORT", "70000")])).unwrap_err();
        assert!(err.to_string().contains("server.port"), "{err}");
        let err = Settings::load(None, env(&[("RESCUEDESK__LOG__FORMAT", "xml")])).unwrap_err();
        assert!(err.to_string().contains("log.format"), "{err}");
    }

    #[test]
    fn the_timer_interval_and_batch_are_bounded() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert!(s.timer.worker);
        assert_eq!((s.timer.interval_s, s.timer.batch_size), (30, 500));
        assert_eq!(s.timer.late_lookback_h, 72);
        // The shipped recommendation calls a flat 12-volt battery the electrical skill.
        assert_eq!(s.recommend.wanted_skills("电瓶没电"), ["electrical"]);
        assert_eq!(s.recommend.shown, 5);
        for (key, value, named) in [
            ("RESCUEDESK__TIMER__INTERVAL_S", "0", "timer.interval_s"),
            ("RESCUEDESK__TIMER__INTERVAL_S", "3601", "timer.interval_s"),
            ("RESCUEDESK__TIMER__BATCH_SIZE", "0", "timer.batch_size"),
            (
                "RESCUEDESK__TIMER__LATE_LOOKBACK_H",
                "0",
                "timer.late_lookback_h",
            ),
            (
                "RESCUEDESK__TIMER__LATE_LOOKBACK_H",
                "2161",
                "timer.late_lookback_h",
            ),
        ] {
            let err = Settings::load(None, env(&[(key, value)])).unwrap_err();
            assert!(err.to_string().contains(named), "{key}={value}: {err}");
        }
    }

    #[test]
    fn session_expiry_has_defaults_and_bounds() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(
            (s.auth.session_hours, s.auth.session_idle_minutes),
            (12, 240)
        );
        for (key, value) in [
            ("RESCUEDESK__AUTH__SESSION_HOURS", "0"),
            ("RESCUEDESK__AUTH__SESSION_HOURS", "2161"),
            ("RESCUEDESK__AUTH__SESSION_IDLE_MINUTES", "4"),
            // Longer than the absolute lifetime (12 h) would never end a session.
            ("RESCUEDESK__AUTH__SESSION_IDLE_MINUTES", "721"),
        ] {
            let err = Settings::load(None, env(&[(key, value)])).unwrap_err();
            let named = key
                .trim_start_matches("RESCUEDESK__AUTH__")
                .to_ascii_lowercase();
            assert!(err.to_string().contains(&named), "{key}={value}: {err}");
        }
    }

    #[test]
    fn production_example_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/example.production.toml");
        let s = Settings::load(Some(&path), env(&[])).unwrap();
        assert!(s.auth.cookie_secure);
        assert_eq!(s.log.format, LogFormat::Json);
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert!(!s.secure_cookies());
        let s = Settings::load(
            None,
            env(&[(
                "RESCUEDESK__SERVER__PUBLIC_URL",
                "https://rescue.example.cn",
            )]),
        )
        .unwrap();
        assert!(!s.auth.cookie_secure);
        assert!(s.secure_cookies());
    }

    #[test]
    fn throttle_limits_are_checked() {
        let err = Settings::load(
            None,
            env(&[("RESCUEDESK__AUTH__THROTTLE_LOGIN_FAILURES", "0")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("auth.throttle_login_failures"),
            "{err}"
        );
        let err = Settings::load(
            None,
            env(&[("RESCUEDESK__AUTH__THROTTLE_LOCKOUT_MAX_S", "1")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("auth.throttle_lockout_max_s"),
            "{err}"
        );
        let err =
            Settings::load(None, env(&[("RESCUEDESK__SERVER__BODY_TIMEOUT_S", "0")])).unwrap_err();
        assert!(err.to_string().contains("server.body_timeout_s"), "{err}");
    }

    #[test]
    fn sla_values_are_checked() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s.sla.level1_response_started_minutes, 30);
        assert_eq!(s.sla.warn_share, 0.75);
        for (name, value, key) in [
            ("RESCUEDESK__SLA__WARN_SHARE", "1.5", "sla.warn_share"),
            (
                "RESCUEDESK__SLA__LEVEL2_ON_SITE_MINUTES",
                "0",
                "sla.level2_on_site_minutes",
            ),
            (
                "RESCUEDESK__SLA__LEVEL1_APPROVED_MINUTES",
                "10",
                "sla.level1_approved_minutes",
            ),
        ] {
            let err = Settings::load(None, env(&[(name, value)])).unwrap_err();
            assert!(err.to_string().contains(key), "{name}: {err}");
        }
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "[sla]\nlevel1_breach_notify = [\"boss\"]").unwrap();
        let err = Settings::load(Some(file.path()), env(&[])).unwrap_err();
        assert!(
            err.to_string().contains("sla.level1_breach_notify"),
            "{err}"
        );
    }

    #[test]
    fn eta_values_are_checked() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s.eta, crate::domain::eta::EtaConfig::default());
        for (name, value, key) in [
            ("RESCUEDESK__ETA__ROAD_FACTOR", "0.8", "eta.road_factor"),
            ("RESCUEDESK__ETA__URBAN_KMH", "0", "eta.urban_kmh"),
            ("RESCUEDESK__ETA__HIGHWAY_KMH", "-1", "eta.highway_kmh"),
            (
                "RESCUEDESK__ETA__ROUTING_URL",
                "osrm:5000",
                "eta.routing_url",
            ),
            (
                "RESCUEDESK__ETA__POSITION_STALE_S",
                "0",
                "eta.position_stale_s",
            ),
        ] {
            let err = Settings::load(None, env(&[(name, value)])).unwrap_err();
            assert!(err.to_string().contains(key), "{name}: {err}");
        }
        let s = Settings::load(
            None,
            env(&[("RESCUEDESK__ETA__ROUTING_URL", "http://127.0.0.1:5000")]),
        )
        .unwrap();
        assert_eq!(s.eta.routing_url, "http://127.0.0.1:5000");
    }

    #[test]
    fn unknown_database_scheme_is_refused() {
        let err =
            Settings::load(None, env(&[("RESCUEDESK__DATABASE__URL", "mysql://x/y")])).unwrap_err();
        assert!(err.to_string().contains("database.url"), "{err}");
        let err =
            Settings::load(None, env(&[("RESCUEDESK__DATABASE__URL", "data/x.db")])).unwrap_err();
        assert!(err.to_string().contains("database.url"), "{err}");
    }
}
