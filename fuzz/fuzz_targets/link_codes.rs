//! Link codes as anyone may type them into `/j/…`, `/s/…`, `/a/…`: verifying never panics and
//! accepts only the code the signer made; hiding codes in a log line never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rescuedesk::auth::links::{hide_codes, hide_decision_codes, new_claims, LinkSigner, Scope};

fuzz_target!(|input: &str| {
    let signer = LinkSigner::new(b"fuzz-secret-0123456789abcdef");
    let claims = new_claims("ticket-1", "customer", Scope::Status, 24, 1_800_000_000);
    let made = signer.code(&claims);
    let verdict = signer.verify(input, &claims, Scope::Status, 1_800_000_100, false);
    assert_eq!(verdict.is_ok(), input == made, "{input:?}");
    let _ = hide_codes(input);
    let _ = hide_decision_codes(input);
});
