//! What an SMS provider answers (Aliyun's code and message, any HTTP status): classifying it into
//! retry-later or give-up never panics, and a wait it reads from the message is bounded.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use rescuedesk::notify::sms::aliyun::classify;
use rescuedesk::notify::DeliveryError;

fuzz_target!(|input: (&str, &str, u16, &str, i64)| {
    let (code, message, status, request_id, secs) = input;
    let Ok(status) = http::StatusCode::from_u16(status) else {
        return;
    };
    let now = DateTime::<Utc>::from_timestamp(secs.rem_euclid(4_000_000_000), 0).unwrap();
    if let DeliveryError::Retry {
        after: Some(wait), ..
    } = classify(code, message, status, request_id, now)
    {
        // At most until the next Beijing midnight (the daily cap) or an hour (a rate window).
        assert!(
            wait <= std::time::Duration::from_secs(25 * 3600),
            "{code} {message}: {wait:?}"
        );
    }
});
