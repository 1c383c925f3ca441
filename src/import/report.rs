//! The result of an import: counts, the file's encoding, the bad cells as (row, column, reason)
//! and the safety downgrades — lists bounded, counts whole, so a garbage file gets a short answer.

use std::fmt::Write as _;

use serde::Serialize;

use super::ImportKind;

/// Problems listed in a report; the rest are counted (200,000 bad rows once made a 133 MB answer).
pub const MAX_LISTED_ERRORS: usize = 1_000;
/// Unknown columns named in a report; the rest are counted.
pub const MAX_LISTED_COLUMNS: usize = 50;
/// Safety downgrades listed in a report; the rest are counted (and all are audited when written).
pub const MAX_LISTED_DOWNGRADES: usize = 1_000;

/// One bad cell. `row` counts like a spreadsheet: the header is row 1, the first data row is 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: u64,
    /// The column's canonical name, e.g. `price_yuan` (also when the file used an alias such as 单价).
    pub column: String,
    /// Chinese / English.
    pub reason: String,
}

impl RowError {
    pub fn new(row: u64, column: &str, reason: impl Into<String>) -> RowError {
        RowError {
            row,
            column: column.to_owned(),
            reason: reason.into(),
        }
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
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
    pub errors: Vec<RowError>,
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

    /// One line of counts, for the terminal and the page; "would" while nothing was written.
    pub fn summary(&self) -> String {
        let (zh, en) = if self.rejected() {
            ("（未写入）", " (not written)")
        } else {
            ("", "")
        };
        format!(
            "读取 {} 行：新增 {}，更新 {}，未变 {}，跳过 {}{zh} / {} rows read: {} inserted, {} updated, {} unchanged, {} skipped{en}",
            self.rows, self.inserted, self.updated, self.unchanged, self.skipped,
            self.rows, self.inserted, self.updated, self.unchanged, self.skipped
        )
    }

    /// The report as plain text: the problems, one a line, then the counts and the verdict.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "文件编码 / encoding: {}", self.encoding);
        for c in &self.ignored_columns {
            let _ = writeln!(
                out,
                "第 1 行 / row 1, {c}: 未知列，已忽略 / unknown column, ignored"
            );
        }
        if self.unlisted_columns() > 0 {
            let n = self.unlisted_columns();
            let _ = writeln!(
                out,
                "另有 {n} 个未知列未列出 / {n} more unknown columns not listed"
            );
        }
        for e in &self.errors {
            let _ = writeln!(
                out,
                "第 {} 行 / row {}, {}: {}",
                e.row, e.row, e.column, e.reason
            );
        }
        if self.errors_total > 0 {
            let _ = writeln!(
                out,
                "共 {} 处错误，涉及 {} 行{} / {} problem(s) in {} row(s){}",
                self.errors_total,
                self.rows_with_errors,
                if self.unlisted_errors() > 0 {
                    format!("，仅列出前 {}", self.errors.len())
                } else {
                    String::new()
                },
                self.errors_total,
                self.rows_with_errors,
                if self.unlisted_errors() > 0 {
                    format!(", the first {} listed", self.errors.len())
                } else {
                    String::new()
                },
            );
        }
        for d in &self.downgrades {
            let _ = writeln!(
                out,
                "第 {} 行 / row {}, {} {}: {} → {}（取消安全标记 / safety flag removed）",
                d.row, d.row, d.part_no, d.field, d.old, d.new
            );
        }
        if self.unlisted_downgrades() > 0 {
            let n = self.unlisted_downgrades();
            let _ = writeln!(
                out,
                "另有 {n} 处取消安全标记未列出 / {n} more safety flags removed, not listed"
            );
        }
        let _ = writeln!(out, "{}", self.summary());
        let verdict = match self.refused {
            _ if self.written && self.downgrades_total > 0 => {
                "已写入，取消安全标记已确认并记入审计 / Written; the removed safety flags were confirmed and audited"
            }
            _ if self.written => "已写入 / Written",
            Some(Refusal::BadRows) => {
                "有错误行，未写入任何数据（可用 --skip-bad 跳过错误行）/ Bad rows: nothing written (--skip-bad writes the good rows)"
            }
            Some(Refusal::UnconfirmedDowngrades) => {
                "文件会取消配件的危险品或监控件标记，未写入任何数据；核实后用 --confirm-downgrades 确认 / The file removes dangerous-goods or monitored flags: nothing written; check them and confirm with --confirm-downgrades"
            }
            None => "无需写入 / Nothing to write",
        };
        let _ = writeln!(out, "{verdict}");
        out
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
            RowError::new(3, "price_yuan", "不对 / wrong"),
            RowError::new(3, "weight_g", "不对 / wrong"),
        ]);
        r.refused = Some(Refusal::BadRows);
        assert!(r.rejected());
        assert_eq!(r.bad_rows(), 1);
        let text = r.to_text();
        assert!(text.contains("row 3, price_yuan: 不对 / wrong"), "{text}");
        assert!(text.contains("2 problem(s) in 1 row(s)"), "{text}");
        assert!(text.contains("nothing written"), "{text}");
        assert!(text.contains("encoding: UTF-8"), "{text}");
    }

    #[test]
    fn lists_are_bounded_and_counts_are_not() {
        let mut r = ImportReport::new(ImportKind::Parts);
        for row in 2..200_002 {
            r.add_row_errors(vec![
                RowError::new(row, "price_yuan", "x"),
                RowError::new(row, "weight_g", "y"),
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
