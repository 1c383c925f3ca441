//! The holiday stock list as files for the manufacturer order: CSV (UTF-8, BOM added by the
//! API so Excel on Windows reads the Chinese) and an Excel workbook, headers in the reader's
//! language, one row a line in the list's order.

use crate::error::AppError;
use crate::i18n::Locale;
use crate::services::holiday_stock::{HolidayStock, StockLine};

const COLUMNS: [&str; 8] = [
    "holiday-stock-col-part-no",
    "holiday-stock-col-name",
    "holiday-stock-col-held-up",
    "holiday-stock-col-expected",
    "holiday-stock-col-available",
    "holiday-stock-col-suggested",
    "holiday-stock-col-quantity",
    "holiday-stock-col-received",
];

fn name(l: &StockLine, locale: Locale) -> &str {
    match locale {
        Locale::En if !l.name_en.is_empty() => &l.name_en,
        _ => &l.name_zh,
    }
}

fn figures(l: &StockLine) -> [i32; 6] {
    [
        l.held_up_rescues,
        l.expected,
        l.available,
        l.suggested,
        l.quantity,
        l.received,
    ]
}

/// The file name both downloads share: `holiday-stock-<first day>.<ext>`.
pub fn file_name(s: &HolidayStock, ext: &str) -> String {
    format!("holiday-stock-{}.{ext}", s.holiday.first_day)
}

pub fn csv(s: &HolidayStock, locale: Locale) -> Result<Vec<u8>, AppError> {
    let err = |e: csv::Error| AppError::internal(format!("holiday stock csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS.map(|k| locale.t(k))).map_err(err)?;
    for l in &s.lines {
        let mut row = vec![l.part_no.clone(), name(l, locale).to_owned()];
        row.extend(figures(l).iter().map(i32::to_string));
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::internal(format!("holiday stock csv: {e}")))
}

pub fn xlsx(s: &HolidayStock, locale: Locale) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err =
        |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("holiday stock xlsx: {e}"));
    let bold = Format::new().set_bold();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(locale.t("holiday-stock-sheet")).map_err(err)?;
    for (c, k) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, locale.t(k), &bold)
            .map_err(err)?;
    }
    for (r, l) in s.lines.iter().enumerate() {
        let row = r as u32 + 1;
        // The part number as text: "0001" must not lose its zeros.
        ws.write_string(row, 0, &l.part_no).map_err(err)?;
        ws.write_string(row, 1, name(l, locale)).map_err(err)?;
        for (c, v) in figures(l).iter().enumerate() {
            ws.write_number(row, c as u16 + 2, f64::from(*v))
                .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
