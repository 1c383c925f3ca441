//! The parts catalogue file: one row per part number, upserted by `part_no`.

use super::cells::{boolean, int, optional, required, un_number, yuan, Cells};
use super::{Column, Problem, Row, RowError};

pub const COLUMNS: &[Column] = &[
    Column {
        name: "part_no",
        aliases: &["配件号", "零件号", "配件编号", "part number"],
        required: true,
        help: "import-help-parts-part-no",
    },
    Column {
        name: "name_zh",
        aliases: &["中文名称", "配件名称", "名称"],
        required: true,
        help: "import-help-parts-name-zh",
    },
    Column {
        name: "name_en",
        aliases: &["英文名称", "name"],
        required: false,
        help: "import-help-parts-name-en",
    },
    Column {
        name: "category",
        aliases: &["类别", "分类", "配件类别"],
        required: true,
        help: "import-help-parts-category",
    },
    Column {
        name: "price_yuan",
        aliases: &["单价", "价格", "单价(元)", "price"],
        required: true,
        help: "import-help-parts-price-yuan",
    },
    Column {
        name: "weight_g",
        aliases: &["重量", "重量(克)", "重量(g)"],
        required: true,
        help: "import-help-parts-weight-g",
    },
    Column {
        name: "dangerous_goods",
        aliases: &["危险品"],
        required: true,
        help: "import-help-parts-dangerous-goods",
    },
    Column {
        name: "un_number",
        aliases: &["UN编号", "联合国编号", "un"],
        required: false,
        help: "import-help-parts-un-number",
    },
    Column {
        name: "monitored",
        aliases: &["监控件"],
        required: true,
        help: "import-help-parts-monitored",
    },
];

/// A catalogue entry as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartRecord {
    pub part_no: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    pub price_fen: i64,
    pub weight_g: i32,
    pub dangerous_goods: bool,
    pub un_number: Option<String>,
    pub monitored: bool,
}

pub fn parse(row: &Row) -> Result<PartRecord, Vec<RowError>> {
    let mut c = Cells::new(row);
    let part_no = c.take("part_no", required(40));
    let name_zh = c.take("name_zh", required(100));
    let name_en = c.take("name_en", optional(100));
    let category = c.take("category", required(40));
    let price = c.take("price_yuan", yuan);
    let weight_g = c.take("weight_g", int(0, 10_000_000));
    let dangerous_goods = c.take("dangerous_goods", boolean);
    let un = c.take("un_number", un_number);
    // Shipping rules key on the UN number: a dangerous part without one could not be described to a carrier.
    match (dangerous_goods, &un) {
        (Some(true), Some(None)) => c.error("un_number", Problem::UnNumberMissing),
        (Some(false), Some(Some(_))) => c.error("un_number", Problem::UnNumberNotDangerous),
        _ => {}
    }
    let monitored = c.take("monitored", boolean);
    // Every cell parsed when no error was recorded, so the `?`s below never fire then.
    let record = (|| {
        Some(PartRecord {
            part_no: part_no?,
            name_zh: name_zh?,
            name_en: name_en?,
            category: category?,
            price_fen: price?.as_fen(),
            weight_g: weight_g?,
            dangerous_goods: dangerous_goods?,
            un_number: un?,
            monitored: monitored?,
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

    fn row(changes: &[(&'static str, &'static str)]) -> Row {
        let mut pairs = vec![
            ("part_no", "5G0 880 201 K"),
            ("name_zh", "驾驶员安全气囊"),
            ("name_en", "Driver airbag"),
            ("category", "safety"),
            ("price_yuan", "2450.00"),
            ("weight_g", "1800"),
            ("dangerous_goods", "是"),
            ("un_number", "UN3268"),
            ("monitored", "否"),
        ];
        for (k, v) in changes {
            pairs.retain(|(key, _)| key != k);
            pairs.push((k, v));
        }
        Row::for_test(COLUMNS, 2, &pairs)
    }

    #[test]
    fn a_good_row() {
        let p = parse(&row(&[])).unwrap();
        assert_eq!(p.price_fen, 245_000);
        assert!(p.dangerous_goods && !p.monitored);
        assert_eq!(p.un_number.as_deref(), Some("UN3268"));
    }

    #[test]
    fn each_bad_cell_is_named() {
        let cases: &[(&str, &str, &str)] = &[
            ("part_no", "", "required"),
            ("name_zh", "", "required"),
            ("price_yuan", "abc", "money_invalid"),
            ("price_yuan", "1.005", "money_too_many_decimals"),
            ("weight_g", "-5", "out_of_range"),
            ("dangerous_goods", "maybe", "not_yes_no"),
            ("un_number", "", "un_number_missing"),
            ("un_number", "3268", "un_number_invalid"),
            ("monitored", "x", "not_yes_no"),
        ];
        for (column, value, code) in cases {
            let e = parse(&row(&[(column, value)])).unwrap_err();
            assert_eq!(e.len(), 1, "{column}={value}: {e:?}");
            assert_eq!(e[0].column, *column);
            assert_eq!(e[0].row, 2);
            assert_eq!(e[0].problem.code(), *code, "{column}: {:?}", e[0].problem);
        }
        let e = parse(&row(&[("dangerous_goods", "否")])).unwrap_err();
        assert_eq!(e[0].problem, Problem::UnNumberNotDangerous);
        assert!(e[0]
            .problem
            .render(crate::i18n::Locale::En)
            .contains("Only dangerous goods"));
        let e = parse(&row(&[("price_yuan", "x"), ("weight_g", "y")])).unwrap_err();
        assert_eq!(e.len(), 2, "every bad cell of a row is reported");
    }
}
