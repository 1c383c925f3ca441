//! The result of an import: counts, the file's encoding, the bad cells as (row, column, problem)
//! and the safety downgrades — lists bounded, counts whole, so a garbage file gets a short answer.
//!
//! A problem is data (a stable code and the values it names), never prose: the page, the API and
//! the terminal each render it in their reader's language.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::ImportKind;
use crate::domain::money::MoneyError;
use crate::domain::plate::PlateError;
use crate::domain::vin::VinError;
use crate::i18n::{Locale, Msg};

/// Problems listed in a report; the rest are counted (200,000 bad rows once made a 133 MB answer).
pub const MAX_LISTED_ERRORS: usize = 1_000;
/// Unknown columns named in a report; the rest are counted.
pub const MAX_LISTED_COLUMNS: usize = 50;
/// Safety downgrades listed in a report; the rest are counted (and all are audited when written).
pub const MAX_LISTED_DOWNGRADES: usize = 1_000;

/// What is wrong with one cell, or with the file at its header. `code()` is stable (clients and
/// tests match on it); `msg()` is its catalogue message with the values it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    ControlCharacters,
    NotAWholeNumber {
        value: String,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    NotYesNo {
        value: String,
    },
    UnNumberInvalid {
        value: String,
    },
    DateInvalid {
        value: String,
    },
    Money(MoneyError),
    Plate(PlateError),
    Vin(VinError),
    VisitKindInvalid {
        value: String,
    },
    VisitInFuture,
    QuantityWithoutPart,
    UnNumberMissing,
    UnNumberNotDangerous,
    /// The file could not be read (an I/O error); `detail` is the system's own words.
    FileUnreadable {
        detail: String,
    },
    /// Bytes the file's encoding (as detected) cannot read.
    EncodingInvalid {
        encoding: String,
    },
    HeaderUnreadable {
        detail: String,
    },
    FileEmpty,
    TooManyColumns {
        found: usize,
        max: usize,
    },
    HeaderNameTooLong {
        max: usize,
    },
    LineTooLong {
        max: usize,
    },
    NotUtf8,
    ColumnRepeated {
        name: String,
    },
    ColumnMissing {
        name: String,
    },
    RepeatsRow {
        first: u64,
    },
    DealerUnknown {
        code: String,
    },
    /// A dealer code the importer's own dealer group does not have.
    DealerNotInGroup {
        code: String,
    },
    PartUnknown {
        part_no: String,
    },
    BelowReserved {
        on_hand: i32,
        reserved: i32,
    },
    VehicleUnknown {
        plate: String,
    },
    VinMismatch {
        stored: String,
    },
    DiffersFromVisit {
        first: u64,
    },
    /// A rota cell the rota's rules refuse (a time, weekday, date, or the slot).
    Rota(crate::domain::rota::RotaError),
    ShiftKindInvalid {
        value: String,
    },
    /// Nobody of the importer's dealer has this sign-in or (technicians) mobile number.
    PersonUnknown {
        value: String,
    },
}

impl Problem {
    /// The stable snake_case code; a domain error keeps its own (e.g. `plate_invalid`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::ControlCharacters => "control_characters",
            Problem::NotAWholeNumber { .. } => "not_a_whole_number",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::NotYesNo { .. } => "not_yes_no",
            Problem::UnNumberInvalid { .. } => "un_number_invalid",
            Problem::DateInvalid { .. } => "date_invalid",
            Problem::Money(e) => e.code(),
            Problem::Plate(e) => e.code(),
            Problem::Vin(e) => e.code(),
            Problem::VisitKindInvalid { .. } => "visit_kind_invalid",
            Problem::VisitInFuture => "visit_in_future",
            Problem::QuantityWithoutPart => "quantity_without_part",
            Problem::UnNumberMissing => "un_number_missing",
            Problem::UnNumberNotDangerous => "un_number_not_dangerous",
            Problem::FileUnreadable { .. } => "file_unreadable",
            Problem::EncodingInvalid { .. } => "encoding_invalid",
            Problem::HeaderUnreadable { .. } => "header_unreadable",
            Problem::FileEmpty => "file_empty",
            Problem::TooManyColumns { .. } => "too_many_columns",
            Problem::HeaderNameTooLong { .. } => "header_name_too_long",
            Problem::LineTooLong { .. } => "line_too_long",
            Problem::NotUtf8 => "not_utf8",
            Problem::ColumnRepeated { .. } => "column_repeated",
            Problem::ColumnMissing { .. } => "column_missing",
            Problem::RepeatsRow { .. } => "repeats_row",
            Problem::DealerUnknown { .. } => "dealer_unknown",
            Problem::DealerNotInGroup { .. } => "dealer_not_in_group",
            Problem::PartUnknown { .. } => "part_unknown",
            Problem::BelowReserved { .. } => "below_reserved",
            Problem::VehicleUnknown { .. } => "vehicle_unknown",
            Problem::VinMismatch { .. } => "vin_mismatch",
            Problem::DiffersFromVisit { .. } => "differs_from_visit",
            Problem::Rota(e) => e.code(),
            Problem::ShiftKindInvalid { .. } => "shift_kind_invalid",
            Problem::PersonUnknown { .. } => "person_unknown",
        }
    }

    /// The catalogue message and its values.
    pub fn msg(&self) -> Msg {
        let text = |s: &str| serde_json::Value::from(s);
        match self {
            Problem::Required => Msg::new("import-report-required"),
            Problem::TooLong { max } => {
                Msg::with("import-report-too-long", &[("max", (*max).into())])
            }
            Problem::ControlCharacters => Msg::new("import-report-control-characters"),
            Problem::NotAWholeNumber { value } => Msg::with(
                "import-report-not-a-whole-number",
                &[("value", text(value))],
            ),
            Problem::OutOfRange { min, max } => Msg::with(
                "import-report-out-of-range",
                &[("min", (*min).into()), ("max", (*max).into())],
            ),
            Problem::NotYesNo { value } => {
                Msg::with("import-report-not-yes-no", &[("value", text(value))])
            }
            Problem::UnNumberInvalid { value } => {
                Msg::with("import-report-un-number-invalid", &[("value", text(value))])
            }
            Problem::DateInvalid { value } => {
                Msg::with("import-report-date-invalid", &[("value", text(value))])
            }
            Problem::Money(e) => e.msg(),
            Problem::Plate(e) => e.msg(),
            Problem::Vin(e) => e.msg(),
            Problem::VisitKindInvalid { value } => Msg::with(
                "import-report-visit-kind-invalid",
                &[("value", text(value))],
            ),
            Problem::VisitInFuture => Msg::new("import-report-visit-in-future"),
            Problem::QuantityWithoutPart => Msg::new("import-report-quantity-without-part"),
            Problem::UnNumberMissing => Msg::new("import-report-un-number-missing"),
            Problem::UnNumberNotDangerous => Msg::new("import-report-un-number-not-dangerous"),
            Problem::FileUnreadable { detail } => {
                Msg::with("import-report-file-unreadable", &[("detail", text(detail))])
            }
            Problem::EncodingInvalid { encoding } => Msg::with(
                "import-report-encoding-invalid",
                &[("encoding", text(encoding))],
            ),
            Problem::HeaderUnreadable { detail } => Msg::with(
                "import-report-header-unreadable",
                &[("detail", text(detail))],
            ),
            Problem::FileEmpty => Msg::new("import-report-file-empty"),
            Problem::TooManyColumns { found, max } => Msg::with(
                "import-report-too-many-columns",
                &[("found", (*found).into()), ("max", (*max).into())],
            ),
            Problem::HeaderNameTooLong { max } => Msg::with(
                "import-report-header-name-too-long",
                &[("max", (*max).into())],
            ),
            Problem::LineTooLong { max } => Msg::with(
                "import-report-line-too-long",
                &[("max", (*max / 1024).into())],
            ),
            Problem::NotUtf8 => Msg::new("import-report-not-utf8"),
            Problem::ColumnRepeated { name } => {
                Msg::with("import-report-column-repeated", &[("name", text(name))])
            }
            Problem::ColumnMissing { name } => {
                Msg::with("import-report-column-missing", &[("name", text(name))])
            }
            Problem::RepeatsRow { first } => {
                Msg::with("import-report-repeats-row", &[("first", (*first).into())])
            }
            Problem::DealerUnknown { code } => {
                Msg::with("import-report-dealer-unknown", &[("code", text(code))])
            }
            Problem::DealerNotInGroup { code } => {
                Msg::with("import-report-dealer-not-in-group", &[("code", text(code))])
            }
            Problem::PartUnknown { part_no } => {
                Msg::with("import-report-part-unknown", &[("part_no", text(part_no))])
            }
            Problem::BelowReserved { on_hand, reserved } => Msg::with(
                "import-report-below-reserved",
                &[
                    ("on_hand", (*on_hand).into()),
                    ("reserved", (*reserved).into()),
                ],
            ),
            Problem::VehicleUnknown { plate } => {
                Msg::with("import-report-vehicle-unknown", &[("plate", text(plate))])
            }
            Problem::VinMismatch { stored } => {
                Msg::with("import-report-vin-mismatch", &[("stored", text(stored))])
            }
            Problem::DiffersFromVisit { first } => Msg::with(
                "import-report-differs-from-visit",
                &[("first", (*first).into())],
            ),
            Problem::Rota(e) => e.msg(),
            Problem::ShiftKindInvalid { value } => {
                Msg::with("rota-import-kind-invalid", &[("value", text(value))])
            }
            Problem::PersonUnknown { value } => {
                Msg::with("rota-import-person-unknown", &[("value", text(value))])
            }
        }
    }

    /// The values the message names, by name (what the API gives as `params`).
    pub fn params(&self) -> BTreeMap<&'static str, serde_json::Value> {
        self.msg().params.into_iter().collect()
    }

    /// The problem in `locale`'s words.
    pub fn render(&self, locale: Locale) -> String {
        self.msg().render(locale)
    }
}

/// One bad cell. `row` counts like a spreadsheet: the header is row 1, the first data row is 2.
/// Serialised as data, `{row, column, code, params}`, in no language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u64,
    /// The column's canonical name, e.g. `price_yuan` (also when the file used an alias such as 单价).
    pub column: String,
    pub problem: Problem,
}

impl RowError {
    pub fn new(row: u64, column: &str, problem: Problem) -> RowError {
        RowError {
            row,
            column: column.to_owned(),
            problem,
        }
    }
}

impl Serialize for RowError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("row", &self.row)?;
        map.serialize_entry("column", &self.column)?;
        map.serialize_entry("code", self.problem.code())?;
        map.serialize_entry("params", &self.problem.params())?;
        map.end()
    }
}

/// A catalogue part the file would take a safety flag off: `dangerous_goods` (which lifts the
/// no-air rule) or `monitored` (which lifts the review). Written only when confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Downgrade {
    pub row: u64,
    pub part_no: String,
    /// `dangerous_goods` or `monitored`.
    pub field: &'static str,
    pub old: bool,
    pub new: bool,
}

/// Why nothing was written; the same words as the API's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Refusal {
    /// Bad rows without `skip_bad`, or a file that cannot be read at all.
    #[serde(rename = "validation_failed")]
    BadRows,
    /// The file takes `dangerous_goods` or `monitored` off parts and that was not confirmed.
    #[serde(rename = "safety_downgrade_unconfirmed")]
    UnconfirmedDowngrades,
}

// `P` is how a problem is given: `RowError` (data, no language) while importing and on the page;
// the API answers with each problem's reason in the client's language too (`map_errors`).
/// The result of an import: the counts, the encoding read, the problems and the safety flags the
/// file takes off parts (lists bounded, counts whole).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport<P = RowError> {
    pub kind: ImportKind,
    /// The encoding the file was read in: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `GB18030` (GBK).
    pub encoding: String,
    /// Data rows read (the header and blank rows not counted).
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    /// Rows that match what is stored already: a re-import of the same file is all unchanged.
    pub unchanged: u64,
    /// Bad rows, not written.
    pub skipped: u64,
    /// True when the changes were committed; false when the file was refused.
    pub written: bool,
    /// Why the file was refused, when it was: `validation_failed` or `safety_downgrade_unconfirmed`.
    pub refused: Option<Refusal>,
    /// Columns of the file this import does not know, ignored: the first 50.
    pub ignored_columns: Vec<String>,
    pub ignored_columns_total: u64,
    /// The first 1,000 problems; `errors_total` counts them all.
    pub errors: Vec<P>,
    pub errors_total: u64,
    /// Rows (the header included) with at least one problem.
    pub rows_with_errors: u64,
    /// The first 1,000 safety flags the file takes off catalogue parts; `downgrades_total` counts all.
    pub downgrades: Vec<Downgrade>,
    pub downgrades_total: u64,
    /// The importer confirmed the downgrades (`confirm_downgrades`); each one written is audited.
    pub downgrades_confirmed: bool,
}

impl ImportReport {
    pub fn new(kind: ImportKind) -> ImportReport {
        ImportReport {
            kind,
            encoding: "UTF-8".to_owned(),
            rows: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            skipped: 0,
            written: false,
            refused: None,
            ignored_columns: Vec::new(),
            ignored_columns_total: 0,
            errors: Vec::new(),
            errors_total: 0,
            rows_with_errors: 0,
            downgrades: Vec::new(),
            downgrades_total: 0,
            downgrades_confirmed: false,
        }
    }

    /// The problems of one row (or of the header): counted, and listed while there is room.
    pub fn add_row_errors(&mut self, errors: Vec<RowError>) {
        if errors.is_empty() {
            return;
        }
        self.rows_with_errors += 1;
        self.errors_total += errors.len() as u64;
        let room = MAX_LISTED_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(errors.into_iter().take(room));
    }

    pub fn set_ignored_columns(&mut self, columns: &[String]) {
        self.ignored_columns_total = columns.len() as u64;
        self.ignored_columns = columns.iter().take(MAX_LISTED_COLUMNS).cloned().collect();
    }

    pub fn add_downgrade(&mut self, d: Downgrade) {
        self.downgrades_total += 1;
        if self.downgrades.len() < MAX_LISTED_DOWNGRADES {
            self.downgrades.push(d);
        }
    }

    /// The report as plain text for the terminal: the problems, one a line, then the counts and
    /// the verdict. Each line in both languages, "中文 / English": an operator may read either.
    pub fn to_text(&self) -> String {
        let zh = self.lines(Locale::ZhCn);
        let en = self.lines(Locale::En);
        zh.iter()
            .zip(&en)
            .map(|(zh, en)| format!("{zh} / {en}\n"))
            .collect()
    }

    /// The lines of [`ImportReport::to_text`] in one language.
    pub fn lines(&self, l: Locale) -> Vec<String> {
        let mut out = vec![l.t_with(
            "import-report-encoding-line",
            &[("encoding", self.encoding.clone().into())],
        )];
        for c in &self.ignored_columns {
            out.push(l.t_with(
                "import-report-unknown-column-line",
                &[("column", c.clone().into())],
            ));
        }
        if self.unlisted_columns() > 0 {
            out.push(l.t_with(
                "import-report-more-columns",
                &[("count", (self.unlisted_columns() as f64).into())],
            ));
        }
        for e in &self.errors {
            out.push(l.t_with(
                "import-report-problem-line",
                &[
                    ("row", (e.row as f64).into()),
                    ("column", e.column.clone().into()),
                    ("reason", e.problem.render(l).into()),
                ],
            ));
        }
        if self.errors_total > 0 {
            let mut line = l.t_with(
                "import-report-problem-total",
                &[
                    ("problems", (self.errors_total as f64).into()),
                    ("rows", (self.rows_with_errors as f64).into()),
                ],
            );
            if self.unlisted_errors() > 0 {
                line.push_str(&l.t_with(
                    "import-report-first-listed",
                    &[("listed", (self.errors.len() as f64).into())],
                ));
            }
            out.push(line);
        }
        for d in &self.downgrades {
            out.push(l.t_with(
                "import-report-downgrade-line",
                &[
                    ("row", (d.row as f64).into()),
                    ("part_no", d.part_no.clone().into()),
                    ("field", d.field.into()),
                    ("old", d.old.to_string().into()),
                    ("new", d.new.to_string().into()),
                ],
            ));
        }
        if self.unlisted_downgrades() > 0 {
            out.push(l.t_with(
                "import-report-more-downgrades",
                &[("count", (self.unlisted_downgrades() as f64).into())],
            ));
        }
        out.push(self.summary(l));
        out.push(l.t(match self.refused {
            _ if self.written && self.downgrades_total > 0 => "import-report-verdict-confirmed",
            _ if self.written => "import-report-verdict-written",
            Some(Refusal::BadRows) => "import-report-verdict-bad-rows",
            Some(Refusal::UnconfirmedDowngrades) => "import-report-verdict-downgrades",
            None => "import-report-verdict-nothing",
        }));
        out
    }
}

impl<P> ImportReport<P> {
    /// The same report with each problem given as `f` makes it (the API renders them).
    pub fn map_errors<Q>(self, f: impl FnMut(P) -> Q) -> ImportReport<Q> {
        ImportReport {
            kind: self.kind,
            encoding: self.encoding,
            rows: self.rows,
            inserted: self.inserted,
            updated: self.updated,
            unchanged: self.unchanged,
            skipped: self.skipped,
            written: self.written,
            refused: self.refused,
            ignored_columns: self.ignored_columns,
            ignored_columns_total: self.ignored_columns_total,
            errors: self.errors.into_iter().map(f).collect(),
            errors_total: self.errors_total,
            rows_with_errors: self.rows_with_errors,
            downgrades: self.downgrades,
            downgrades_total: self.downgrades_total,
            downgrades_confirmed: self.downgrades_confirmed,
        }
    }

    /// Refused: nothing was written, for the reason in `refused`.
    pub fn rejected(&self) -> bool {
        self.refused.is_some()
    }

    /// Rows with at least one bad cell.
    pub fn bad_rows(&self) -> u64 {
        self.rows_with_errors
    }

    /// Problems not listed.
    pub fn unlisted_errors(&self) -> u64 {
        self.errors_total.saturating_sub(self.errors.len() as u64)
    }

    pub fn unlisted_columns(&self) -> u64 {
        self.ignored_columns_total
            .saturating_sub(self.ignored_columns.len() as u64)
    }

    pub fn unlisted_downgrades(&self) -> u64 {
        self.downgrades_total
            .saturating_sub(self.downgrades.len() as u64)
    }

    /// One line of counts in `l`, for the terminal and the page; "not written" when refused.
    pub fn summary(&self, l: Locale) -> String {
        let count = |n: u64| (n as f64).into();
        let mut line = l.t_with(
            "import-report-summary",
            &[
                ("rows", count(self.rows)),
                ("inserted", count(self.inserted)),
                ("updated", count(self.updated)),
                ("unchanged", count(self.unchanged)),
                ("skipped", count(self.skipped)),
            ],
        );
        if self.rejected() {
            line.push_str(&l.t("import-report-not-written"));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lists_every_bad_cell_and_the_verdict() {
        let mut r = ImportReport::new(ImportKind::Parts);
        r.rows = 3;
        r.skipped = 1;
        r.add_row_errors(vec![
            RowError::new(3, "price_yuan", Problem::Money(MoneyError::TooManyDecimals)),
            RowError::new(3, "weight_g", Problem::Required),
        ]);
        r.refused = Some(Refusal::BadRows);
        assert!(r.rejected());
        assert_eq!(r.bad_rows(), 1);
        let text = r.to_text();
        assert!(
            text.contains("row 3, price_yuan: An amount has at most two decimal places"),
            "{text}"
        );
        assert!(
            text.contains("第 3 行，weight_g：必填 / row 3, weight_g: Required"),
            "{text}"
        );
        assert!(text.contains("2 problem(s) in 1 row(s)"), "{text}");
        assert!(text.contains("nothing written"), "{text}");
        assert!(text.contains("encoding: UTF-8"), "{text}");
        let en = r.lines(Locale::En).join("\n");
        assert!(
            !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{en}"
        );
    }

    #[test]
    fn a_problem_is_a_code_and_params_in_no_language() {
        let e = RowError::new(
            4,
            "on_hand",
            Problem::BelowReserved {
                on_hand: 3,
                reserved: 4,
            },
        );
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "row": 4, "column": "on_hand", "code": "below_reserved",
                "params": {"on_hand": 3, "reserved": 4},
            })
        );
        assert!(e
            .problem
            .render(Locale::En)
            .contains("below the 4 units reserved"));
        assert!(e.problem.render(Locale::ZhCn).contains("已预留的 4 件"));
        let plate = Problem::Plate(PlateError::Invalid);
        assert_eq!(plate.code(), "plate_invalid");
        assert!(plate.params().is_empty());
    }

    #[test]
    fn lists_are_bounded_and_counts_are_not() {
        let mut r = ImportReport::new(ImportKind::Parts);
        for row in 2..200_002 {
            r.add_row_errors(vec![
                RowError::new(row, "price_yuan", Problem::Required),
                RowError::new(row, "weight_g", Problem::FileEmpty),
            ]);
        }
        let columns: Vec<String> = (0..120).map(|i| format!("c{i}")).collect();
        r.set_ignored_columns(&columns);
        assert_eq!(r.errors.len(), MAX_LISTED_ERRORS);
        assert_eq!((r.errors_total, r.rows_with_errors), (400_000, 200_000));
        assert_eq!(
            (r.ignored_columns.len(), r.ignored_columns_total),
            (50, 120)
        );
        assert!(r.to_text().contains("the first 1000 listed"));
        assert!(serde_json::to_string(&r).unwrap().len() < 100_000);
    }
}
