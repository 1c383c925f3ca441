//! Every field parser of outside text (intake form, API, DMS cells): no panic on any input, and
//! what one accepts it accepts again in its own stored form, unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rescuedesk::domain::{
    money::Fen, phone::PhoneNumber, plate::Plate, rota, search::SearchTerm, text::NonEmptyText,
    vin::Vin,
};

fuzz_target!(|input: &str| {
    if let Ok(p) = PhoneNumber::parse(input) {
        assert_eq!(
            PhoneNumber::parse(p.as_str())
                .as_ref()
                .map(PhoneNumber::as_str),
            Ok(p.as_str())
        );
    }
    if let Ok(p) = Plate::parse(input) {
        assert_eq!(
            Plate::parse(p.as_str()).as_ref().map(Plate::as_str),
            Ok(p.as_str())
        );
    }
    if let Ok(v) = Vin::parse(input) {
        assert_eq!(
            Vin::parse(v.as_str()).as_ref().map(Vin::as_str),
            Ok(v.as_str())
        );
    }
    if let Ok(s) = SearchTerm::parse(input) {
        let _ = s.like_pattern();
    }
    let _ = NonEmptyText::parse(input, 200);
    let _ = NonEmptyText::parse_line(input, 40);
    let _ = Fen::from_yuan_str(input);
    let _ = Fen::from_signed_yuan_str(input);
    let _ = rota::parse_clock(input, true);
    let _ = rota::parse_weekday(input);
    let _ = rota::parse_date(input);
    let _ = rota::parse_week(input);
    let _ = rota::ShiftKind::parse_cell(input);
});
