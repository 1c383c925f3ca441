//! Coordinates as a phone or a map sends them: any two numbers (NaN, infinities, far out of
//! range) in any system name; no panic, and what is accepted converts both ways and stays finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rescuedesk::domain::location::{Coordinates, Crs};

fuzz_target!(|input: (f64, f64, &str)| {
    let (lat, lon, crs) = input;
    let crs = Crs::parse(crs).unwrap_or(Crs::Gcj02);
    if let Ok(c) = Coordinates::parse(lat, lon, crs) {
        for to in Crs::ALL {
            let (a, b) = c.to_crs(to);
            assert!(a.is_finite() && b.is_finite(), "{c:?} in {to:?}: {a}, {b}");
        }
        assert!(c.haversine_km(&c).abs() < 1e-6);
    }
});
