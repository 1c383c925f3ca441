//! A DMS export of any bytes (any encoding, quotes, line breaks) read as each import kind: the
//! reader and every row parser finish without a panic.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use rescuedesk::import::{history, parts, rota, stock, CsvRows, ImportKind};

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let now = today.and_hms_opt(4, 0, 0).unwrap();
    for kind in ImportKind::ALL {
        let Ok(mut rows) = CsvRows::open(data, kind.columns()) else {
            continue;
        };
        // A fuzz input is small; the bound keeps a pathological one from looping long.
        for _ in 0..10_000 {
            let Some(row) = rows.next_row() else { break };
            let Ok(row) = row else { continue };
            match kind {
                ImportKind::Parts => drop(parts::parse(&row)),
                ImportKind::Stock => drop(stock::parse(&row)),
                ImportKind::History => drop(history::parse(&row, 8, now)),
                ImportKind::Rota => drop(rota::parse(&row, today)),
            }
        }
    }
});
