//! What every request handler shares (database, settings, signer, throttles): its own module, so
//! handlers and extractors need not import `startup`, which imports them all.

use crate::auth::identity::TokenStamps;
use crate::auth::throttle::SignInThrottle;
use crate::config::Settings;
use crate::db::Db;
use crate::services::notify::Notifier;
use crate::services::tickets::NumberingRules;

/// Shared by every request handler.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub numbering: NumberingRules,
    pub public_url: String,
    /// Link signing and local times for the messages services write.
    pub notifier: Notifier,
    /// Which channels go to the built-in viewer: decides who may read link codes.
    pub viewer: crate::services::outbox::ViewerChannels,
    /// Failed sign-ins per login and client address (this node's memory).
    pub throttle: SignInThrottle,
    /// When this node last stamped each bearer token's last use.
    pub token_stamps: TokenStamps,
    /// When this node last stamped each page session's last use.
    pub session_stamps: TokenStamps,
    /// The routing service (`[eta] routing_url`) or, without one, the estimate.
    pub router: crate::routing::Router,
    /// Places for uploads being imported at once (page and API share them).
    pub imports: crate::services::imports::Slots,
}

impl AppState {
    /// `Secure` on our cookies: set by the flag, or because users reach us over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.settings.secure_cookies()
    }
}
