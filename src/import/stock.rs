//! The stock file: on-hand count and bin per dealer and part, upserted by (dealer, part).

use super::cells::{int, optional, required, Cells};
use super::{Column, Row, RowError};

pub const COLUMNS: &[Column] = &[
    Column {
        name: "dealer_code",
        aliases: &["经销商代码", "门店代码", "店代码", "dealer"],
        required: true,
        help: "import-help-stock-dealer-code",
    },
    Column {
        name: "part_no",
        aliases: &["配件号", "零件号", "配件编号", "part number"],
        required: true,
        help: "import-help-stock-part-no",
    },
    Column {
        name: "on_hand",
        aliases: &["库存", "在库数量", "库存数量", "数量", "qty"],
        required: true,
        help: "import-help-stock-on-hand",
    },
    Column {
        name: "bin",
        aliases: &["库位", "货位"],
        required: false,
        help: "import-help-stock-bin",
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockRecord {
    pub dealer_code: String,
    pub part_no: String,
    pub on_hand: i32,
    pub bin: String,
}

pub fn parse(row: &Row) -> Result<StockRecord, Vec<RowError>> {
    let mut c = Cells::new(row);
    let dealer_code = c.take("dealer_code", required(20));
    let part_no = c.take("part_no", required(40));
    let on_hand = c.take("on_hand", int(0, 10_000_000));
    let bin = c.take("bin", optional(40));
    let record = (|| {
        Some(StockRecord {
            dealer_code: dealer_code?,
            part_no: part_no?,
            on_hand: on_hand?,
            bin: bin?,
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

    #[test]
    fn good_and_bad_rows() {
        let good = Row::for_test(
            COLUMNS,
            2,
            &[
                ("dealer_code", "hz"),
                ("part_no", "N 102 621 02"),
                ("on_hand", "12"),
            ],
        );
        let r = parse(&good).unwrap();
        assert_eq!((r.on_hand, r.bin.as_str()), (12, ""));
        let bad = Row::for_test(COLUMNS, 7, &[("part_no", "X"), ("on_hand", "-1")]);
        let e = parse(&bad).unwrap_err();
        let cols: Vec<_> = e.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(cols, vec![(7, "dealer_code"), (7, "on_hand")]);
    }
}
