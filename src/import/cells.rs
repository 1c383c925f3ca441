//! Parsing single cells: integers, yes/no, money, UN numbers, dates; what is wrong as a [`Problem`].

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::{Problem, Row, RowError};
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
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        match parse(self.row.get(column)) {
            Ok(v) => Some(v),
            Err(problem) => {
                self.error(column, problem);
                None
            }
        }
    }

    pub fn error(&mut self, column: &str, problem: Problem) {
        self.errors
            .push(RowError::new(self.row.number, column, problem));
    }

    pub fn cell(&self, column: &str) -> &'a str {
        self.row.get(column)
    }
}

pub fn required(max_chars: usize) -> impl Fn(&str) -> Result<String, Problem> {
    move |s| {
        if s.is_empty() {
            Err(Problem::Required)
        } else {
            optional(max_chars)(s)
        }
    }
}

pub fn optional(max_chars: usize) -> impl Fn(&str) -> Result<String, Problem> {
    move |s| {
        if s.chars().count() > max_chars {
            Err(Problem::TooLong { max: max_chars })
        } else if s.chars().any(char::is_control) {
            Err(Problem::ControlCharacters)
        } else {
            Ok(s.to_owned())
        }
    }
}

/// A whole number in `min..=max`; thousands separators (`1,200`) are accepted.
pub fn int(min: i32, max: i32) -> impl Fn(&str) -> Result<i32, Problem> {
    move |s| {
        if s.is_empty() {
            return Err(Problem::Required);
        }
        let digits: String = s.chars().filter(|c| *c != ',').collect();
        let n: i64 = digits.parse().map_err(|_| Problem::NotAWholeNumber {
            value: s.to_owned(),
        })?;
        if n < i64::from(min) || n > i64::from(max) {
            return Err(Problem::OutOfRange {
                min: min.into(),
                max: max.into(),
            });
        }
        Ok(n as i32)
    }
}

/// true/false, 是/否, 1/0, yes/no, y/n; an empty cell is "no".
pub fn boolean(s: &str) -> Result<bool, Problem> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "√" => Ok(true),
        "" | "false" | "no" | "n" | "0" | "否" => Ok(false),
        _ => Err(Problem::NotYesNo {
            value: s.to_owned(),
        }),
    }
}

/// A price in yuan such as `1234.50`, `¥1,234.5` or `12元`, as fen.
pub fn yuan(s: &str) -> Result<Fen, Problem> {
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    Fen::from_yuan_str(&plain).map_err(Problem::Money)
}

/// `UN` and four digits, e.g. `UN3268`; `un 3268` is written back as `UN3268`.
pub fn un_number(s: &str) -> Result<Option<String>, Problem> {
    if s.is_empty() {
        return Ok(None);
    }
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let upper = compact.to_ascii_uppercase();
    match upper.strip_prefix("UN") {
        Some(d) if d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(upper)),
        _ => Err(Problem::UnNumberInvalid {
            value: s.to_owned(),
        }),
    }
}

/// A local date or date and time (China time unless configured otherwise), as naive UTC like
/// every stored timestamp. Accepts `2025-03-14`, `2025/3/14 9:30`, `2025-03-14 09:30:00`,
/// `2025-03-14T09:30`, and RFC 3339 with its own offset.
pub fn local_datetime(utc_offset_hours: i32) -> impl Fn(&str) -> Result<NaiveDateTime, Problem> {
    move |s| {
        if s.is_empty() {
            return Err(Problem::Required);
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
            .map_err(|_| Problem::DateInvalid {
                value: s.to_owned(),
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
        assert_eq!(
            boolean("maybe"),
            Err(Problem::NotYesNo {
                value: "maybe".into()
            })
        );
    }

    #[test]
    fn integers_and_money() {
        assert_eq!(int(0, 10)("7"), Ok(7));
        assert_eq!(int(0, 100_000)("1,200"), Ok(1200));
        assert_eq!(
            int(0, 10)("-1"),
            Err(Problem::OutOfRange { min: 0, max: 10 })
        );
        assert_eq!(
            int(0, 10)("2.5"),
            Err(Problem::NotAWholeNumber {
                value: "2.5".into()
            })
        );
        assert_eq!(int(0, 10)(""), Err(Problem::Required));
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
