//! Page sessions: the signed-in user from the `rd_session` cookie, CSRF checks and the page frame data.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, FromRequest, HttpRequest};

use crate::i18n::Locale;

/// The page language cookie (`zh-CN` or `en`).
pub const LANG_COOKIE: &str = "rd_lang";
use super::PageError;
use crate::auth::{secret, Identity};
use crate::domain::role::{Action, Role};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "rd_session";
pub const LOGIN_CSRF_COOKIE: &str = "rd_login_csrf";

/// A signed-in page user, with the CSRF token every form of theirs must carry.
pub struct WebUser {
    pub identity: Identity,
    pub csrf: String,
    pub locale: Locale,
    /// The hash of this request's session cookie: marks "this session" in the user's list and
    /// is kept by "sign out everywhere else". Never shown.
    pub session_hash: String,
}

impl WebUser {
    pub fn chrome(&self) -> Chrome {
        Chrome {
            locale: self.locale,
            user_name: Some(self.identity.name.clone()),
            dealer_name: self.identity.dealer_name.clone(),
            roles: self
                .identity
                .roles
                .iter()
                .map(|r| self.locale.t(r.label_key()))
                .collect(),
            csrf: self.csrf.clone(),
            may_create: self.identity.may(Action::CreateTicket),
            may_outbox: self.identity.may(Action::ViewOutbox),
            may_parts: self
                .identity
                .roles
                .iter()
                .any(|r| matches!(r, Role::PartsDesk | Role::PartsManager)),
            may_import: self.identity.may(Action::ImportData),
            may_jobs: self.identity.roles.contains(&Role::Technician),
            may_board: self.identity.may(Action::ViewBoard),
            may_standard: self.identity.may(Action::ViewStandardPlans),
            may_rota: self.identity.may(Action::ViewRota),
            may_fleet: self.identity.may(Action::ViewFleet),
            may_complaints: self.identity.may(Action::ViewComplaints),
            may_reports: self.identity.may(Action::ViewReports),
            may_holidays: self.identity.may(Action::ManageHolidays),
            may_holiday_stock: self.identity.may(Action::ViewHolidayStock),
            may_users: self.identity.may(Action::ManageGroupSessions),
            home: landing_for(&self.identity.roles),
        }
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if secret::same(sent, &self.csrf) {
            Ok(())
        } else {
            tracing::warn!(user = %self.identity.login, "CSRF token mismatch");
            Err(PageError::App(
                AppError::msg(ErrorCode::CsrfFailed, "web-form-expired", &[]),
                self.locale,
            ))
        }
    }

    pub fn require(&self, action: Action) -> Result<(), PageError> {
        self.identity
            .require(action)
            .map_err(|e| PageError::App(e, self.locale))
    }
}

impl FromRequest for WebUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let req = req.clone();
        Box::pin(async move {
            let locale = request_locale(&req, None);
            let sign_in = || PageError::SignIn { next: next.clone() };
            let (Some(state), Some(cookie)) = (state, cookie) else {
                return Err(sign_in());
            };
            let hash = secret::token_hash(&cookie);
            let expiry = state.settings.auth.session_expiry();
            let found = crate::services::users::session_identity(&state.db, hash.clone(), expiry)
                .await
                .map_err(|e| PageError::App(e, locale))?;
            let (identity, seen) = found.ok_or_else(sign_in)?;
            stamp_last_use(&state, &hash, seen.last_seen_at);
            let locale = request_locale(&req, Some(&identity));
            Ok(WebUser {
                identity,
                csrf: seen.csrf_token,
                locale,
                session_hash: hash,
            })
        })
    }
}

/// Writes the session's last use when the stored one is a minute old or more, in a task of its
/// own (the page does not wait for the writer); a burst of requests on this node queues one.
fn stamp_last_use(state: &web::Data<AppState>, hash: &str, last_seen: chrono::NaiveDateTime) {
    let now = crate::repo::now();
    if !crate::domain::session::needs_stamp(last_seen, now)
        || !state.session_stamps.claim(hash, now)
    {
        return;
    }
    let state = state.clone();
    let hash = hash.to_owned();
    actix_web::rt::spawn(async move {
        if let Err(e) = crate::services::users::stamp_session(&state.db, hash).await {
            tracing::warn!(error = %e, "could not stamp a session's last use");
        }
    });
}

/// Language: the cookie if set, else the user's preference, else the configured default.
pub fn request_locale(req: &HttpRequest, identity: Option<&Identity>) -> Locale {
    if let Some(l) = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Locale::parse(c.value()))
    {
        return l;
    }
    if let Some(l) = identity.and_then(|i| Locale::parse(&i.locale)) {
        return l;
    }
    req.app_data::<web::Data<AppState>>()
        .map(|s| s.settings.ui.default_locale)
        .unwrap_or(Locale::ZhCn)
}

/// Cookies of ours are never readable by scripts and never sent cross-site.
pub fn cookie(
    name: &'static str,
    value: String,
    secure: bool,
    max_age_hours: i64,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::hours(max_age_hours))
        .finish()
}

/// What the page frame (header, navigation, sign-out form) needs.
pub struct Chrome {
    pub locale: Locale,
    pub user_name: Option<String>,
    pub dealer_name: String,
    pub roles: Vec<String>,
    pub csrf: String,
    pub may_create: bool,
    pub may_outbox: bool,
    /// Parts desk and parts manager: the parts desk link.
    pub may_parts: bool,
    pub may_import: bool,
    /// Technicians: the 我的派工单 link.
    pub may_jobs: bool,
    /// Staff who see tickets (not technicians): the dispatch board link.
    pub may_board: bool,
    /// Those who plan, review, approve or take the consent call: the standard plans link.
    pub may_standard: bool,
    /// Workshop leads, managers, directors, admins: the duty rota link.
    pub may_rota: bool,
    /// Those who see the rescue vehicles (the desk, the workshop, the crews): the 车辆 link.
    pub may_fleet: bool,
    /// The desk: the complaints link.
    pub may_complaints: bool,
    /// Managers, directors, admins: the monthly report link.
    pub may_reports: bool,
    /// The group's admins: the holiday calendar link (the others reach it from the rota).
    pub may_holidays: bool,
    /// The parts desk's link to the coming holiday's stock list.
    pub may_holiday_stock: bool,
    /// The group's admins: the user list, where they end anyone's sessions and tokens.
    pub may_users: bool,
    /// This user's start page ([`landing_for`]): where an error page sends them back to.
    pub home: &'static str,
}

impl Chrome {
    pub fn anonymous(locale: Locale) -> Chrome {
        Chrome {
            locale,
            user_name: None,
            dealer_name: String::new(),
            roles: Vec::new(),
            csrf: String::new(),
            may_create: false,
            may_outbox: false,
            may_parts: false,
            may_import: false,
            may_jobs: false,
            may_board: false,
            may_standard: false,
            may_rota: false,
            may_fleet: false,
            may_complaints: false,
            may_reports: false,
            may_holidays: false,
            may_holiday_stock: false,
            may_users: false,
            home: "/tickets",
        }
    }

    /// The catalogue message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    /// A message with one text argument (a version, a name).
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.locale.t_with(key, &[(name, value.to_string().into())])
    }

    /// A message with two text arguments.
    pub fn t2(
        &self,
        key: &str,
        a: &'static str,
        a_value: impl std::fmt::Display,
        b: &'static str,
        b_value: impl std::fmt::Display,
    ) -> String {
        let args = [
            (a, a_value.to_string().into()),
            (b, b_value.to_string().into()),
        ];
        self.locale.t_with(key, &args)
    }

    /// A message with counts, which pick the plural form ("1 row", "3 rows").
    pub fn tn(&self, key: &str, counts: impl AsRef<[(&'static str, u64)]>) -> String {
        let args: Vec<_> = counts
            .as_ref()
            .iter()
            .map(|(k, n)| (*k, (*n).into()))
            .collect();
        self.locale.t_with(key, &args)
    }

    /// A catalogue name in this language; the Chinese one where no English name was given.
    pub fn name<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.locale.name(zh, en)
    }

    /// An outbox message's delivery status in the page's language; an unknown one as stored.
    pub fn message_status(&self, status: &str) -> String {
        let key = match status {
            "pending" => "outbox-status-pending",
            "sending" => "outbox-status-sending",
            "sent" => "outbox-status-sent",
            "dead" => "outbox-status-dead",
            other => return other.to_owned(),
        };
        self.t(key)
    }

    /// A message channel (`sms`, `email`) in the page's language.
    pub fn channel_name(&self, channel: &str) -> String {
        match channel {
            "sms" => self.t("outbox-sms"),
            "email" => self.t("outbox-e-mail"),
            other => other.to_owned(),
        }
    }

    /// The language a message was written in (`zh-CN`, `en`), named in the page's language.
    pub fn language_name(&self, tag: &str) -> String {
        match Locale::parse(tag) {
            Some(Locale::ZhCn) => self.t("label-language-zh-cn"),
            Some(Locale::En) => self.t("label-language-en"),
            None => tag.to_owned(),
        }
    }

    /// Who delivered a message: the built-in viewer by name, a provider's message id as given.
    pub fn provider_name(&self, provider_id: &str) -> String {
        match provider_id {
            "viewer" => self.t("outbox-provider-viewer"),
            other => other.to_owned(),
        }
    }

    /// The words of the link back to [`Chrome::home`].
    pub fn home_label(&self) -> String {
        self.locale.t(match self.home {
            "/jobs" => "web-back-to-my-jobs",
            "/admin/import" => "web-back-to-the-imports",
            _ => "web-back-to-the-ticket-list",
        })
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }
}

/// Where a user starts: a technician and nobody else lands on their jobs (a phone page),
/// everyone else on the ticket desk.
pub fn landing_for(roles: &[Role]) -> &'static str {
    if !roles.is_empty() && roles.iter().all(|r| *r == Role::Technician) {
        "/jobs"
    } else if !roles.is_empty() && roles.iter().all(|r| *r == Role::CatalogueAdmin) {
        // The platform's catalogue admin sees no dealer's tickets: their desk is the import.
        "/admin/import"
    } else {
        "/tickets"
    }
}

/// After sign-in: the page asked for, unless it was only the default desk (or `/`), which
/// a technician's phone cannot use.
pub fn after_sign_in(roles: &[Role], next: &str) -> String {
    if next == "/" || next == "/tickets" {
        landing_for(roles).to_owned()
    } else {
        next.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_technicians_land_on_their_jobs() {
        assert_eq!(landing_for(&[Role::Technician]), "/jobs");
        assert_eq!(
            landing_for(&[Role::Technician, Role::WorkshopLead]),
            "/tickets"
        );
        assert_eq!(landing_for(&[Role::CallAgent]), "/tickets");
        assert_eq!(landing_for(&[]), "/tickets");
        assert_eq!(after_sign_in(&[Role::Technician], "/tickets"), "/jobs");
        assert_eq!(after_sign_in(&[Role::Technician], "/jobs/7"), "/jobs/7");
        assert_eq!(after_sign_in(&[Role::CallAgent], "/"), "/tickets");
        assert_eq!(
            after_sign_in(&[Role::CatalogueAdmin], "/tickets"),
            "/admin/import"
        );
    }
}
