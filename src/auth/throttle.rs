//! Sign-in throttling per login and per client address: repeated failures lock that key out for a growing while.
//!
//! Kept in memory, on purpose: one node needs no table and no write per attempt, and a restart
//! only forgets recent failures. With several nodes behind a balancer each node counts on its
//! own, so an attacker gets the limits once per node; that is still a few guesses per minute.
//! The map is bounded (`max_entries`) and entries expire, so a spray of made-up logins cannot
//! grow it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::AuthSettings;

#[derive(Debug, Clone)]
pub struct ThrottleRules {
    /// Failures of one login before it is locked.
    pub login_failures: u32,
    /// Failures from one client address (any login) before it is locked.
    pub address_failures: u32,
    /// First lock-out; doubled by each further failure, up to `lockout_max`.
    pub lockout: Duration,
    pub lockout_max: Duration,
    /// Failures are forgotten this long after the last one (or after the lock-out ends).
    pub window: Duration,
    pub max_entries: usize,
}

impl ThrottleRules {
    pub fn from_settings(s: &AuthSettings) -> ThrottleRules {
        ThrottleRules {
            login_failures: s.throttle_login_failures,
            address_failures: s.throttle_address_failures,
            lockout: Duration::from_secs(s.throttle_lockout_s),
            lockout_max: Duration::from_secs(s.throttle_lockout_max_s),
            window: Duration::from_secs(s.throttle_window_s),
            max_entries: s.throttle_max_entries,
        }
    }
}

/// What a lock-out applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Login,
    Address,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Login => "login",
            Scope::Address => "address",
        }
    }
}

/// A lock-out that a failure has just started (for the audit trail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lockout {
    pub scope: Scope,
    pub failures: u32,
    pub retry_after: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Login(String),
    Address(String),
}

#[derive(Debug, Clone)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    locked_until: Option<Instant>,
}

impl Entry {
    /// When this entry stops mattering: a window after the last failure or the end of its lock.
    fn expires(&self, window: Duration) -> Instant {
        self.locked_until
            .map_or(self.last_failure, |l| l.max(self.last_failure))
            + window
    }
}

pub struct SignInThrottle {
    rules: ThrottleRules,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl SignInThrottle {
    pub fn new(rules: ThrottleRules) -> SignInThrottle {
        SignInThrottle {
            rules,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn keys(login: &str, address: &str) -> [(Key, Scope); 2] {
        [
            (Key::Login(login.to_owned()), Scope::Login),
            (Key::Address(address.to_owned()), Scope::Address),
        ]
    }

    /// `Err(wait)` while the login or the address is locked out.
    pub fn check(&self, login: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let wait = Self::keys(login, address)
            .iter()
            .filter_map(|(k, _)| entries.get(k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match wait {
            Some(w) => Err(w),
            None => Ok(()),
        }
    }

    /// Counts a failure against the login and the address; returns the lock-out it starts, if any
    /// (the longer one when both lock at once).
    pub fn failed(&self, login: &str, address: &str, now: Instant) -> Option<Lockout> {
        let rules = &self.rules;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut started: Option<Lockout> = None;
        for (key, scope) in Self::keys(login, address) {
            if !entries.contains_key(&key) {
                make_room(&mut entries, rules, now);
            }
            let entry = entries.entry(key).or_insert(Entry {
                failures: 0,
                last_failure: now,
                locked_until: None,
            });
            if entry.expires(rules.window) <= now {
                entry.failures = 0;
                entry.locked_until = None;
            }
            entry.failures = entry.failures.saturating_add(1);
            entry.last_failure = now;
            let limit = match scope {
                Scope::Login => rules.login_failures,
                Scope::Address => rules.address_failures,
            };
            if entry.failures >= limit {
                let doublings = (entry.failures - limit).min(20);
                let lock = rules
                    .lockout
                    .saturating_mul(1 << doublings)
                    .min(rules.lockout_max);
                entry.locked_until = Some(now + lock);
                if started.as_ref().is_none_or(|s| s.retry_after < lock) {
                    started = Some(Lockout {
                        scope,
                        failures: entry.failures,
                        retry_after: lock,
                    });
                }
            }
        }
        started
    }

    /// A correct password clears the login's count; the address keeps its own (one good account
    /// must not reset an address that is guessing at others).
    pub fn succeeded(&self, login: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&Key::Login(login.to_owned()));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }
}

/// Keeps the map under its bound: drop expired entries, else the one that would expire first
/// (so long lock-outs are the last to go).
fn make_room(entries: &mut HashMap<Key, Entry>, rules: &ThrottleRules, now: Instant) {
    if entries.len() < rules.max_entries {
        return;
    }
    entries.retain(|_, e| e.expires(rules.window) > now);
    if entries.len() >= rules.max_entries {
        if let Some(key) = entries
            .iter()
            .min_by_key(|(_, e)| e.expires(rules.window))
            .map(|(k, _)| k.clone())
        {
            entries.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ThrottleRules {
        ThrottleRules {
            login_failures: 3,
            address_failures: 10,
            lockout: Duration::from_secs(60),
            lockout_max: Duration::from_secs(300),
            window: Duration::from_secs(600),
            max_entries: 100,
        }
    }

    #[test]
    fn locks_a_login_after_its_limit_and_doubles() {
        let t = SignInThrottle::new(rules());
        let t0 = Instant::now();
        assert_eq!(t.failed("a", "1.2.3.4", t0), None);
        assert_eq!(t.failed("a", "1.2.3.4", t0), None);
        assert!(t.check("a", "1.2.3.4", t0).is_ok());
        let lock = t.failed("a", "1.2.3.4", t0).expect("third failure locks");
        assert_eq!(lock.scope, Scope::Login);
        assert_eq!(lock.retry_after, Duration::from_secs(60));
        assert_eq!(
            t.check("a", "5.6.7.8", t0 + Duration::from_secs(10)),
            Err(Duration::from_secs(50)),
            "the login is locked from any address"
        );
        assert!(t.check("b", "1.2.3.4", t0).is_ok(), "other logins are not");
        let later = t0 + Duration::from_secs(61);
        assert!(t.check("a", "1.2.3.4", later).is_ok());
        let lock = t.failed("a", "1.2.3.4", later).unwrap();
        assert_eq!(lock.retry_after, Duration::from_secs(120), "grows");
        let much_later = later + Duration::from_secs(121);
        t.failed("a", "1.2.3.4", much_later);
        let last = t.failed("a", "1.2.3.4", much_later).unwrap();
        assert_eq!(last.retry_after, Duration::from_secs(300), "capped");
    }

    #[test]
    fn success_clears_the_login_and_old_failures_expire() {
        let t = SignInThrottle::new(rules());
        let t0 = Instant::now();
        t.failed("a", "1.2.3.4", t0);
        t.failed("a", "1.2.3.4", t0);
        t.succeeded("a");
        assert_eq!(t.failed("a", "1.2.3.4", t0), None, "count restarted");
        t.failed("a", "1.2.3.4", t0);
        let after_window = t0 + Duration::from_secs(601);
        assert_eq!(t.failed("a", "1.2.3.4", after_window), None, "forgotten");
    }

    #[test]
    fn locks_an_address_guessing_at_many_logins() {
        let t = SignInThrottle::new(rules());
        let t0 = Instant::now();
        for n in 0..9 {
            assert_eq!(t.failed(&format!("user{n}"), "6.6.6.6", t0), None);
        }
        let lock = t.failed("user9", "6.6.6.6", t0).unwrap();
        assert_eq!(lock.scope, Scope::Address);
        assert!(t.check("anyone", "6.6.6.6", t0).is_err());
        assert!(t.check("anyone", "7.7.7.7", t0).is_ok());
    }

    #[test]
    fn the_map_stays_bounded() {
        let t = SignInThrottle::new(rules());
        let t0 = Instant::now();
        for n in 0..1000 {
            t.failed(
                &format!("made-up-{n}"),
                &format!("10.0.{}.{}", n / 256, n % 256),
                t0,
            );
        }
        assert!(t.len() <= 100, "{} entries", t.len());
    }
}
