//! Parsing single cells: integers, yes/no, money, UN numbers, dates; messages Chinese / English.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::{Row, RowError};
use crate::domain::money::Fen;

/// Collects the bad cells of one row while its fields are parsed.
pub struct Cells<'a> {
    pub row: &'a Row,
    pub errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    pub fn new(row: &'a Row) -> Cells<'a> {
        Cells {
            row,
            errors: Vec::new(),
        }
    }

    /// Parses a column's cell, recording the reason when it is bad.
    pub fn take<T>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(self.row.get(column)) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.error(column, reason);
                None
            }
        }
    }

    pub fn error(&mut self, column: &str, reason: impl Into<String>) {
        self.errors
            .push(RowError::new(self.row.number, column, reason));
    }

    pub fn cell(&self, column: &str) -> &'a str {
        self.row.get(column)
    }
}

pub fn required(max_chars: usize) -> impl Fn(&str) -> Result<String, String> {
    move |s| {
        if s.is_empty() {
            Err("必填 / Required".into())
        } else {
            optional(max_chars)(s)
        }
    }
}

pub fn optional(max_chars: usize) -> impl Fn(&str) -> Result<String, String> {
    move |s| {
        if s.chars().count() > max_chars {
            Err(format!(
                "最多 {max_chars} 个字 / At most {max_chars} characters"
            ))
        } else if s.chars().any(char::is_control) {
            Err("含有控制字符 / Contains control characters".into())
        } else {
            Ok(s.to_owned())
        }
    }
}

/// A whole number in `min..=max`; thousands separators (`1,200`) are accepted.
pub fn int(min: i32, max: i32) -> impl Fn(&str) -> Result<i32, String> {
    move |s| {
        if s.is_empty() {
            return Err("必填 / Required".into());
        }
        let digits: String = s.chars().filter(|c| *c != ',').collect();
        let n: i64 = digits
            .parse()
            .map_err(|_| format!("应为整数，而不是“{s}” / Expected a whole number, not “{s}”"))?;
        if n < i64::from(min) || n > i64::from(max) {
            return Err(format!(
                "应在 {min} 到 {max} 之间 / Must be between {min} and {max}"
            ));
        }
        Ok(n as i32)
    }
}

/// true/false, 是/否, 1/0, yes/no, y/n; an empty cell is "no".
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "√" => Ok(true),
        "" | "false" | "no" | "n" | "0" | "否" => Ok(false),
        _ => Err(format!(
            "应为 是/否（true/false、1/0），而不是“{s}” / Expected yes/no (true/false, 1/0, 是/否), not “{s}”"
        )),
    }
}

/// A price in yuan such as `1234.50`, `¥1,234.5` or `12元`, as fen.
pub fn yuan(s: &str) -> Result<Fen, String> {
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    Fen::from_yuan_str(&plain).map_err(|e| e.to_string())
}

/// `UN` and four digits, e.g. `UN3268`; `un 3268` is written back as `UN3268`.
pub fn un_number(s: &str) -> Result<Option<String>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let upper = compact.to_ascii_uppercase();
    match upper.strip_prefix("UN") {
        Some(d) if d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(upper)),
        _ => Err(format!(
            "UN 编号应为 UN 加四位数字，例如 UN3268，而不是“{s}” / A UN number is UN and four digits, e.g. UN3268, not “{s}”"
        )),
    }
}

/// A local date or date and time (China time unless configured otherwise), as naive UTC like
/// every stored timestamp. Accepts `2025-03-14`, `2025/3/14 9:30`, `2025-03-14 09:30:00`,
/// `2025-03-14T09:30`, and RFC 3339 with its own offset.
pub fn local_datetime(utc_offset_hours: i32) -> impl Fn(&str) -> Result<NaiveDateTime, String> {
    move |s| {
        if s.is_empty() {
            return Err("必填 / Required".into());
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(t.naive_utc());
        }
        let s2 = s.replace('/', "-").replace('T', " ");
        let local = NaiveDateTime::parse_from_str(&s2, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(&s2, "%Y-%m-%d %H:%M"))
            .or_else(|_| {
                NaiveDate::parse_from_str(&s2, "%Y-%m-%d").map(|d| d.and_time(NaiveTime::MIN))
            })
            .map_err(|_| {
                format!(
                    "日期格式应为 2025-03-14 或 2025-03-14 09:30，而不是“{s}” / Expected a date like 2025-03-14 or 2025-03-14 09:30, not “{s}”"
                )
            })?;
        Ok(local - Duration::hours(i64::from(utc_offset_hours)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        for t in ["true", "TRUE", "是", "1", "yes", "Y"] {
            assert_eq!(boolean(t), Ok(true), "{t}");
        }
        for f in ["false", "否", "0", "", "no"] {
            assert_eq!(boolean(f), Ok(false), "{f}");
        }
        assert!(boolean("maybe").unwrap_err().contains("maybe"));
    }

    #[test]
    fn integers_and_money() {
        assert_eq!(int(0, 10)("7"), Ok(7));
        assert_eq!(int(0, 100_000)("1,200"), Ok(1200));
        assert!(int(0, 10)("-1").unwrap_err().contains("between 0 and 10"));
        assert!(int(0, 10)("2.5").unwrap_err().contains("whole number"));
        assert!(int(0, 10)("").unwrap_err().contains("Required"));
        assert_eq!(yuan("1234.50").unwrap().as_fen(), 123_450);
        assert_eq!(yuan("¥1,234.5").unwrap().as_fen(), 123_450);
        assert!(yuan("12.345").is_err());
        assert!(yuan("-3").is_err());
    }

    #[test]
    fn un_numbers() {
        assert_eq!(un_number("UN3268"), Ok(Some("UN3268".into())));
        assert_eq!(un_number("un 2794"), Ok(Some("UN2794".into())));
        assert_eq!(un_number(""), Ok(None));
        assert!(un_number("3268").is_err());
        assert!(un_number("UN32680").is_err());
    }

    #[test]
    fn dates_are_china_time_stored_as_utc() {
        let p = local_datetime(8);
        let want = NaiveDate::from_ymd_opt(2025, 3, 14)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        assert_eq!(p("2025-03-14 09:30"), Ok(want));
        assert_eq!(p("2025/3/14 9:30:00"), Ok(want));
        assert_eq!(p("2025-03-14T09:30"), Ok(want));
        assert_eq!(p("2025-03-14T01:30:00Z"), Ok(want));
        assert_eq!(
            p("2025-03-14"),
            Ok(want - Duration::minutes(90) - Duration::hours(8))
        );
        assert!(p("14.03.2025").is_err());
    }
}
