//! The duty rota file: one shift a row — who (工号/login, or a technician's mobile), a date or a
//! weekday, start, end and kind (值班 on duty / 备班 on call / 休息 a day off on a date).

use chrono::NaiveDate;

use super::cells::{optional, required, Cells};
use super::{Column, Problem, Row, RowError};
use crate::domain::rota::{
    check_date_near, parse_clock, parse_date, parse_weekday, RotaError, Shift, ShiftKind, Slot,
    Span,
};

pub const COLUMNS: &[Column] = &[
    Column {
        name: "person",
        aliases: &[
            "工号",
            "登录名",
            "账号",
            "人员",
            "技师",
            "姓名工号",
            "手机",
            "手机号",
            "login",
            "technician",
            "staff",
        ],
        required: true,
        help: "rota-import-help-person",
    },
    Column {
        name: "date",
        aliases: &["日期", "值班日期"],
        required: false,
        help: "rota-import-help-date",
    },
    Column {
        name: "weekday",
        aliases: &["星期", "周几", "星期几"],
        required: false,
        help: "rota-import-help-weekday",
    },
    Column {
        name: "start",
        aliases: &["开始", "开始时间", "上班", "上班时间"],
        required: false,
        help: "rota-import-help-start",
    },
    Column {
        name: "end",
        aliases: &["结束", "结束时间", "下班", "下班时间"],
        required: false,
        help: "rota-import-help-end",
    },
    Column {
        name: "kind",
        aliases: &["类型", "班次类型", "班别"],
        required: false,
        help: "rota-import-help-kind",
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotaRecord {
    /// The cell as written: a login or a mobile number, matched against the dealer's people.
    pub person: String,
    pub shift: Shift,
}

/// One row; `today` bounds the dates (two years either way). An empty kind is 值班.
pub fn parse(row: &Row, today: NaiveDate) -> Result<RotaRecord, Vec<RowError>> {
    let mut c = Cells::new(row);
    let person = c.take("person", required(64));
    let rota = |e: RotaError| Problem::Rota(e);
    let (date_cell, weekday_cell) = (c.cell("date"), c.cell("weekday"));
    let slot = match (date_cell.is_empty(), weekday_cell.is_empty()) {
        (false, true) => c.take("date", |s| {
            let d = parse_date(s).map_err(rota)?;
            check_date_near(d, today).map_err(rota)?;
            Ok(Slot::Dated(d))
        }),
        (true, false) => c.take("weekday", |s| {
            parse_weekday(s).map(Slot::Weekly).map_err(rota)
        }),
        _ => {
            c.error("date", Problem::Rota(RotaError::SlotAmbiguous));
            None
        }
    };
    let kind = c.take("kind", |s| match optional(8)(s)?.as_str() {
        "" => Ok(ShiftKind::OnDuty),
        k => ShiftKind::parse_cell(k).ok_or(Problem::ShiftKindInvalid {
            value: k.to_owned(),
        }),
    });
    let span = if kind == Some(ShiftKind::Off) {
        Some(Span::whole_day())
    } else {
        let start = c.take("start", |s| parse_clock(s, false).map_err(rota));
        let end = c.take("end", |s| {
            parse_clock(s, true)
                .map(|e| {
                    if e == 0 {
                        crate::domain::rota::DAY_MINUTES
                    } else {
                        e
                    }
                })
                .map_err(rota)
        });
        match (start, end) {
            (Some(s), Some(e)) => Span::new(s, e).map_err(|e| c.error("end", rota(e))).ok(),
            _ => None,
        }
    };
    let shift = match (slot, span, kind) {
        (Some(slot), Some(span), Some(kind)) => match Shift::new(slot, span, kind) {
            Ok(s) => Some(s),
            Err(e) => {
                c.error("kind", Problem::Rota(e));
                None
            }
        },
        _ => None,
    };
    match (person, shift) {
        (Some(person), Some(shift)) if c.errors.is_empty() => Ok(RotaRecord { person, shift }),
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn weekly_dated_and_bad_rows() {
        let weekly = Row::for_test(
            COLUMNS,
            2,
            &[
                ("person", "hz.manager"),
                ("weekday", "周一"),
                ("start", "8:30"),
                ("end", "17:30"),
            ],
        );
        let r = parse(&weekly, today()).unwrap();
        assert_eq!(r.shift.slot, Slot::Weekly(Weekday::Mon));
        assert_eq!(r.shift.kind, ShiftKind::OnDuty);
        let night = Row::for_test(
            COLUMNS,
            3,
            &[
                ("person", "13900000002"),
                ("date", "2027-02-05"),
                ("start", "20:00"),
                ("end", "08:00"),
                ("kind", "备班"),
            ],
        );
        let r = parse(&night, today()).unwrap();
        assert!(r.shift.span.crosses_midnight());
        assert_eq!(r.shift.kind, ShiftKind::OnCall);
        let off = Row::for_test(
            COLUMNS,
            4,
            &[
                ("person", "hz.tech"),
                ("date", "2027-02-06"),
                ("kind", "休息"),
            ],
        );
        assert_eq!(parse(&off, today()).unwrap().shift.kind, ShiftKind::Off);
        let bad = Row::for_test(
            COLUMNS,
            5,
            &[
                ("person", "x"),
                ("weekday", "周八"),
                ("start", "25:00"),
                ("end", "8:00"),
                ("kind", "加班"),
            ],
        );
        let e = parse(&bad, today()).unwrap_err();
        let cols: Vec<_> = e
            .iter()
            .map(|e| (e.column.as_str(), e.problem.code()))
            .collect();
        assert_eq!(
            cols,
            vec![
                ("weekday", "weekday_invalid"),
                ("kind", "shift_kind_invalid"),
                ("start", "time_invalid")
            ]
        );
        let both = Row::for_test(
            COLUMNS,
            6,
            &[
                ("person", "x"),
                ("weekday", "1"),
                ("date", "2027-02-05"),
                ("start", "8:00"),
                ("end", "9:00"),
            ],
        );
        assert_eq!(
            parse(&both, today()).unwrap_err()[0].problem.code(),
            "slot_ambiguous"
        );
        let off_weekly = Row::for_test(
            COLUMNS,
            7,
            &[("person", "x"), ("weekday", "1"), ("kind", "off")],
        );
        assert_eq!(
            parse(&off_weekly, today()).unwrap_err()[0].problem.code(),
            "off_on_weekday"
        );
    }
}
