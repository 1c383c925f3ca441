//! Page sessions: when one ends (absolute and idle expiry), and what of the browser it came from
//! is kept and shown (bounded, never the cookie).

use chrono::{NaiveDateTime, TimeDelta};

/// How often a session's last use is written: a page view within this of the stored time
/// writes nothing, so the idle expiry is exact to within this much.
pub const SEEN_EVERY: TimeDelta = TimeDelta::minutes(1);

/// The most of a `User-Agent` header that is stored (characters).
pub const USER_AGENT_MAX: usize = 256;

/// The most of a client address that is stored (an IPv6 address with a zone fits).
pub const CLIENT_IP_MAX: usize = 64;

/// When sessions end: `absolute` after sign-in however busy, `idle` after the last use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub absolute: TimeDelta,
    pub idle: TimeDelta,
}

impl Expiry {
    pub fn new(session_hours: u32, idle_minutes: u32) -> Expiry {
        Expiry {
            absolute: TimeDelta::hours(i64::from(session_hours)),
            idle: TimeDelta::minutes(i64::from(idle_minutes)),
        }
    }

    /// When a session opened at `created` ends at the latest.
    pub fn expires_at(&self, created: NaiveDateTime) -> NaiveDateTime {
        created + self.absolute
    }

    /// Sessions last used before this are over at `now`.
    pub fn idle_cutoff(&self, now: NaiveDateTime) -> NaiveDateTime {
        now - self.idle
    }

    /// Whether a session still lets its holder in at `now`: before its absolute end and used
    /// within the idle time (both ends exclusive: at the instant it is over).
    pub fn is_live(
        &self,
        expires_at: NaiveDateTime,
        last_seen_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> bool {
        now < expires_at && last_seen_at > self.idle_cutoff(now)
    }

    /// When a live session will end if nobody uses it: the earlier of the two.
    pub fn ends_at(&self, expires_at: NaiveDateTime, last_seen_at: NaiveDateTime) -> NaiveDateTime {
        expires_at.min(last_seen_at + self.idle)
    }
}

/// Whether a page view at `now` should write the session's last use (stored `last_seen_at`).
pub fn needs_stamp(last_seen_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    now - last_seen_at >= SEEN_EVERY
}

/// The header as stored: printable ASCII only (a header value is bytes; anything else becomes
/// `?`), runs of blanks as one, at most [`USER_AGENT_MAX`] characters.
pub fn bounded_user_agent(raw: &[u8]) -> String {
    let mut out = String::new();
    for &b in raw {
        if out.len() >= USER_AGENT_MAX {
            break;
        }
        let c = match b {
            b' ' | b'\t' => ' ',
            0x21..=0x7e => b as char,
            _ => '?',
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end().to_owned()
}

/// A client address as stored: an IPv4 or IPv6 address in its usual form, else None (a proxy's
/// header could say anything).
pub fn bounded_client_ip(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > CLIENT_IP_MAX {
        return None;
    }
    raw.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// What a session list says of the browser: its name and major version, and the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser {
    /// "Chrome 120", "WeChat 8", …; None when the header names nothing known.
    pub name: Option<String>,
    /// "Windows", "Android", "iPhone", …
    pub system: Option<&'static str>,
}

/// Reads the usual browser and system names out of a `User-Agent` header. Brand names are
/// proper names, the same in every language; the order matters (Edge and WeChat also say
/// "Chrome", Chrome also says "Safari").
pub fn browser_of(user_agent: &str) -> Browser {
    const BROWSERS: [(&str, &str); 9] = [
        ("MicroMessenger/", "WeChat"),
        ("DingTalk/", "DingTalk"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
        ("playwright", "Playwright"),
    ];
    let name = BROWSERS.iter().find_map(|(marker, name)| {
        let at = user_agent.find(marker)? + marker.len();
        let major: String = user_agent[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .take(4)
            .collect();
        Some(if major.is_empty() {
            (*name).to_owned()
        } else {
            format!("{name} {major}")
        })
    });
    const SYSTEMS: [(&str, &str); 8] = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("HarmonyOS", "HarmonyOS"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let system = SYSTEMS
        .iter()
        .find(|(marker, _)| user_agent.contains(marker))
        .map(|(_, name)| *name);
    Browser { name, system }
}

/// The shown line of a session's browser: "Chrome 120 · Windows", else the header's first
/// 40 characters, else None (the page says "unknown").
pub fn browser_line(user_agent: &str) -> Option<String> {
    let b = browser_of(user_agent);
    match (b.name, b.system) {
        (Some(n), Some(s)) => Some(format!("{n} · {s}")),
        (Some(n), None) => Some(n),
        (None, Some(s)) => Some(s.to_owned()),
        (None, None) if user_agent.is_empty() => None,
        (None, None) => Some(user_agent.chars().take(40).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn a_session_ends_at_its_absolute_time_or_when_idle() {
        let e = Expiry::new(12, 240);
        let created = at(8, 0);
        let expires = e.expires_at(created);
        assert_eq!(expires, at(20, 0));
        // Busy all day: still ends at 20:00.
        assert!(e.is_live(expires, at(19, 59), at(19, 59)));
        assert!(!e.is_live(expires, at(19, 59), at(20, 0)));
        // Left alone after 9:00: over at 13:00 exactly.
        assert!(e.is_live(expires, at(9, 0), at(12, 59)));
        assert!(!e.is_live(expires, at(9, 0), at(13, 0)));
        assert_eq!(e.ends_at(expires, at(9, 0)), at(13, 0));
        assert_eq!(e.ends_at(expires, at(18, 0)), at(20, 0));
    }

    #[test]
    fn last_use_is_written_at_most_once_a_minute() {
        assert!(!needs_stamp(at(9, 0), at(9, 0)));
        assert!(!needs_stamp(at(9, 0), at(9, 0) + TimeDelta::seconds(59)));
        assert!(needs_stamp(at(9, 0), at(9, 1)));
    }

    #[test]
    fn user_agents_are_bounded_and_printable() {
        assert_eq!(
            bounded_user_agent(b"  Mozilla/5.0 \t (X11)\r\n"),
            "Mozilla/5.0 (X11)??"
        );
        assert!(bounded_user_agent("浏览器".as_bytes())
            .chars()
            .all(|c| c == '?'));
        let long = vec![b'a'; 10_000];
        assert_eq!(bounded_user_agent(&long).len(), USER_AGENT_MAX);
        assert_eq!(bounded_user_agent(b""), "");
    }

    #[test]
    fn client_addresses_are_kept_only_when_they_look_like_one() {
        assert_eq!(bounded_client_ip("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(bounded_client_ip(" ::1 ").as_deref(), Some("::1"));
        assert_eq!(bounded_client_ip("<script>"), None);
        assert_eq!(bounded_client_ip("unknown"), None);
        assert_eq!(bounded_client_ip(""), None);
    }

    #[test]
    fn browsers_are_named_shortly() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(
            browser_line(chrome).as_deref(),
            Some("Chrome 120 · Windows")
        );
        let edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0.2210";
        assert_eq!(browser_line(edge).as_deref(), Some("Edge 120 · Windows"));
        let wechat = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.44";
        assert_eq!(browser_line(wechat).as_deref(), Some("WeChat 8 · iPhone"));
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15";
        assert_eq!(browser_line(safari).as_deref(), Some("Safari 17 · macOS"));
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36";
        assert_eq!(
            browser_line(android).as_deref(),
            Some("Chrome 120 · Android")
        );
        assert_eq!(browser_line("curl/8.5.0").as_deref(), Some("curl/8.5.0"));
        assert_eq!(browser_line(""), None);
        let odd = "x".repeat(200);
        assert_eq!(browser_line(&odd).unwrap().len(), 40);
    }
}
