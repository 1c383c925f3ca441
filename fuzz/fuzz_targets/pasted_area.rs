//! Coordinate text as staff paste it into the suspension form (one `lat,lon` per line, any
//! separators, a centre and a radius typed by hand): reading it and checking the area never
//! panic, and an area accepted reads back from its stored form as the same area.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use rescuedesk::domain::location::Crs;
use rescuedesk::domain::suspension::{Area, Suspension};
use rescuedesk::web::suspensions::DeclareForm;

fuzz_target!(|input: (&str, &str, &str, &str, bool)| {
    let (points, lat, lon, radius, polygon) = input;
    let form = DeclareForm {
        shape: if polygon { "polygon" } else { "circle" }.into(),
        crs: "gcj02".into(),
        centre_lat: lat.into(),
        centre_lon: lon.into(),
        radius_km: radius.into(),
        points: points.into(),
        reason: "暴雨封路".into(),
        customer_words: "因暴雨封路，暂停该区域救援。".into(),
        ..Default::default()
    };
    let (req, _errors) = form.to_request(8);
    let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
    let Ok(s) = Suspension::parse(&req, now) else {
        return;
    };
    let stored = match &s.area {
        Area::Circle { centre, radius_km } => {
            assert!(radius_km.is_finite() && *radius_km > 0.0, "{radius_km}");
            let (lat, lon) = centre.to_crs(Crs::Wgs84);
            Area::from_stored("circle", Some((lat, lon)), Some(*radius_km), None)
        }
        Area::Polygon(_) => {
            Area::from_stored("polygon", None, None, s.area.points_json().as_deref())
        }
    };
    let stored = stored.expect("an accepted area reads back");
    assert_eq!(stored.shape(), s.area.shape());
    if let Area::Circle { centre, .. } = &s.area {
        assert!(s.area.contains(centre), "a circle holds its centre");
    }
});
