//! The service-history file: one row per visit, or per replaced part of a visit; the rows of
//! one visit share plate, visit time and dealer.

use chrono::NaiveDateTime;

use super::cells::{int, local_datetime, optional, required, Cells};
use super::{Column, Problem, Row, RowError};
use crate::domain::plate::Plate;
use crate::domain::vin::Vin;

pub const COLUMNS: &[Column] = &[
    Column {
        name: "plate",
        aliases: &["车牌", "车牌号", "车牌号码"],
        required: true,
        help: "import-help-history-plate",
    },
    Column {
        name: "vin",
        aliases: &["车架号", "VIN码", "车辆识别代号"],
        required: false,
        help: "import-help-history-vin",
    },
    Column {
        name: "visited_at",
        aliases: &["进厂时间", "进站时间", "日期", "维修日期", "date"],
        required: true,
        help: "import-help-history-visited-at",
    },
    Column {
        name: "mileage_km",
        aliases: &["里程", "里程(km)", "行驶里程", "mileage"],
        required: true,
        help: "import-help-history-mileage-km",
    },
    Column {
        name: "kind",
        aliases: &["类型", "业务类型", "维修类型"],
        required: true,
        help: "import-help-history-kind",
    },
    Column {
        name: "summary",
        aliases: &["摘要", "维修内容", "工作内容", "描述"],
        required: true,
        help: "import-help-history-summary",
    },
    Column {
        name: "dealer_code",
        aliases: &["经销商代码", "门店代码", "店代码", "dealer"],
        required: true,
        help: "import-help-history-dealer-code",
    },
    Column {
        name: "part_no",
        aliases: &["配件号", "零件号", "配件编号", "part number"],
        required: false,
        help: "import-help-history-part-no",
    },
    Column {
        name: "part_name",
        aliases: &["配件名称"],
        required: false,
        help: "import-help-history-part-name",
    },
    Column {
        name: "quantity",
        aliases: &["数量", "qty"],
        required: false,
        help: "import-help-history-quantity",
    },
];

/// What kind of visit; the same four the `service_visits` table allows.
pub fn visit_kind(s: &str) -> Result<&'static str, Problem> {
    match s.to_ascii_lowercase().as_str() {
        "maintenance" | "保养" => Ok("maintenance"),
        "repair" | "维修" => Ok("repair"),
        "rescue" | "救援" => Ok("rescue"),
        "warranty" | "保修" | "索赔" => Ok("warranty"),
        "" => Err(Problem::Required),
        _ => Err(Problem::VisitKindInvalid {
            value: s.to_owned(),
        }),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedPart {
    pub part_no: String,
    pub name: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRecord {
    pub plate: Plate,
    pub vin: Option<Vin>,
    /// Naive UTC, as stored.
    pub visited_at: NaiveDateTime,
    pub mileage_km: i32,
    pub kind: &'static str,
    pub summary: String,
    pub dealer_code: String,
    pub part: Option<ReplacedPart>,
}

/// `now` is naive UTC: a visit cannot lie in the future.
pub fn parse(
    row: &Row,
    utc_offset_hours: i32,
    now: NaiveDateTime,
) -> Result<VisitRecord, Vec<RowError>> {
    let mut c = Cells::new(row);
    let plate = c.take("plate", |s| Plate::parse(s).map_err(Problem::Plate));
    let vin = c.take("vin", |s| {
        if s.is_empty() {
            Ok(None)
        } else {
            Vin::parse(s).map(Some).map_err(Problem::Vin)
        }
    });
    let visited_at = c.take("visited_at", local_datetime(utc_offset_hours));
    if visited_at.is_some_and(|t| t > now) {
        c.error("visited_at", Problem::VisitInFuture);
    }
    let mileage_km = c.take("mileage_km", int(0, 5_000_000));
    let kind = c.take("kind", visit_kind);
    let summary = c.take("summary", required(500));
    let dealer_code = c.take("dealer_code", required(20));
    let part_no = c.take("part_no", optional(40));
    let part_name = c.take("part_name", optional(100));
    let part = match part_no.filter(|p| !p.is_empty()) {
        None => {
            if !c.cell("quantity").is_empty() {
                c.error("part_no", Problem::QuantityWithoutPart);
            }
            Some(None)
        }
        Some(part_no) => c.take("quantity", int(1, 100_000)).map(|quantity| {
            Some(ReplacedPart {
                name: part_name.unwrap_or_default(),
                part_no,
                quantity,
            })
        }),
    };
    let record = (|| {
        Some(VisitRecord {
            plate: plate?,
            vin: vin?,
            visited_at: visited_at?,
            mileage_km: mileage_km?,
            kind: kind?,
            summary: summary?,
            dealer_code: dealer_code?,
            part: part?,
        })
    })();
    match record {
        Some(r) if c.errors.is_empty() => Ok(r),
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    fn row(changes: &[(&'static str, &'static str)]) -> Row {
        let mut pairs = vec![
            ("plate", "浙A8K27M"),
            ("vin", "LSVAU218XN2183294"),
            ("visited_at", "2025-03-14 09:30"),
            ("mileage_km", "48200"),
            ("kind", "维修"),
            ("summary", "更换蓄电池"),
            ("dealer_code", "hz"),
            ("part_no", "000 915 105 DE"),
            ("quantity", "1"),
        ];
        for (k, v) in changes {
            pairs.retain(|(key, _)| key != k);
            pairs.push((k, v));
        }
        Row::for_test(COLUMNS, 5, &pairs)
    }

    #[test]
    fn a_good_row_with_a_part() {
        let v = parse(&row(&[]), 8, now()).unwrap();
        assert_eq!(v.kind, "repair");
        assert_eq!(v.visited_at.to_string(), "2025-03-14 01:30:00");
        assert_eq!(v.part.unwrap().quantity, 1);
        let v = parse(&row(&[("part_no", ""), ("quantity", "")]), 8, now()).unwrap();
        assert!(v.part.is_none());
    }

    #[test]
    fn each_bad_cell_is_named() {
        let cases: &[(&str, &str, &str)] = &[
            ("plate", "ABC", "plate_unknown_province"),
            ("vin", "LSVAU218XN2183295", "vin_check_digit"),
            ("visited_at", "yesterday", "date_invalid"),
            ("visited_at", "2030-01-01", "visit_in_future"),
            ("mileage_km", "-1", "out_of_range"),
            ("kind", "wash", "visit_kind_invalid"),
            ("summary", "", "required"),
            ("dealer_code", "", "required"),
            ("quantity", "0", "out_of_range"),
            ("quantity", "", "required"),
        ];
        for (column, value, code) in cases {
            let e = parse(&row(&[(column, value)]), 8, now()).unwrap_err();
            assert_eq!(e.len(), 1, "{column}={value}: {e:?}");
            assert_eq!((e[0].row, e[0].column.as_str()), (5, *column));
            assert_eq!(e[0].problem.code(), *code, "{column}: {:?}", e[0].problem);
        }
        let e = parse(&row(&[("part_no", "")]), 8, now()).unwrap_err();
        assert_eq!(
            (e[0].column.as_str(), &e[0].problem),
            ("part_no", &Problem::QuantityWithoutPart)
        );
    }
}
