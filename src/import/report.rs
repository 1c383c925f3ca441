//! The result of an import: counts, and every bad cell as (row, column, reason).

use std::fmt::Write as _;

use serde::Serialize;

use super::ImportKind;

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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// Data rows read (the header and blank rows not counted).
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    /// Rows that match what is stored already: a re-import of the same file is all unchanged.
    pub unchanged: u64,
    /// Bad rows, not written.
    pub skipped: u64,
    /// True when the changes were committed; false when the file was refused (or had nothing to do).
    pub written: bool,
    /// Columns of the file this import does not know, ignored.
    pub ignored_columns: Vec<String>,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn new(kind: ImportKind) -> ImportReport {
        ImportReport {
            kind,
            rows: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            skipped: 0,
            written: false,
            ignored_columns: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Refused: bad rows without `--skip-bad`, or a file that cannot be read at all.
    pub fn rejected(&self) -> bool {
        !self.errors.is_empty() && !self.written
    }

    /// Rows with at least one bad cell.
    pub fn bad_rows(&self) -> u64 {
        let mut rows: Vec<u64> = self.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len() as u64
    }

    /// One line of counts, for the terminal and the page; "would" while nothing was written.
    pub fn summary(&self) -> String {
        let (zh, en) = if self.written || !self.rejected() {
            ("", "")
        } else {
            ("（未写入）", " (not written)")
        };
        format!(
            "读取 {} 行：新增 {}，更新 {}，未变 {}，跳过 {}{zh} / {} rows read: {} inserted, {} updated, {} unchanged, {} skipped{en}",
            self.rows, self.inserted, self.updated, self.unchanged, self.skipped,
            self.rows, self.inserted, self.updated, self.unchanged, self.skipped
        )
    }

    /// The report as plain text: the bad cells, one a line, then the summary and the verdict.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.ignored_columns {
            let _ = writeln!(
                out,
                "第 1 行 / row 1, {c}: 未知列，已忽略 / unknown column, ignored"
            );
        }
        for e in &self.errors {
            let _ = writeln!(
                out,
                "第 {} 行 / row {}, {}: {}",
                e.row, e.row, e.column, e.reason
            );
        }
        let _ = writeln!(out, "{}", self.summary());
        let verdict = if self.written {
            "已写入 / Written"
        } else if self.rejected() {
            "有错误行，未写入任何数据（可用 --skip-bad 跳过错误行）/ Bad rows: nothing written (--skip-bad writes the good rows)"
        } else {
            "无需写入 / Nothing to write"
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
        r.errors
            .push(RowError::new(3, "price_yuan", "不对 / wrong"));
        r.errors.push(RowError::new(3, "weight_g", "不对 / wrong"));
        assert!(r.rejected());
        assert_eq!(r.bad_rows(), 1);
        let text = r.to_text();
        assert!(text.contains("row 3, price_yuan: 不对 / wrong"), "{text}");
        assert!(text.contains("nothing written"), "{text}");
    }
}
