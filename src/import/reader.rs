//! Reading a CSV export row by row: in its own encoding (see `decode`), a header row of at most
//! [`MAX_COLUMNS`] columns, columns found by name or alias in any order, unknown columns ignored.

use std::io::Read;

use super::decode::{Decoded, Malformed};
use super::{Problem, RowError};

/// The widest header taken: DMS exports have a few dozen columns, and a header of a million
/// would cost the check (and the report) for nothing.
pub const MAX_COLUMNS: usize = 200;
/// Longest column name taken, in bytes: a DMS names its columns in a few words; a longer "name"
/// is a file without line breaks, and every copy of it (the report names ignored columns) would
/// cost its size again.
pub const MAX_HEADER_NAME_BYTES: usize = 256;
/// Longest line read, in bytes: a DMS row is a few hundred; without this bound a file with no
/// line breaks would be held whole by the CSV reader (and the upload twice over).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The `io::Error` payload for a line over [`MAX_LINE_BYTES`].
#[derive(Debug)]
struct LineTooLong;

impl std::fmt::Display for LineTooLong {
    /// For logs; users see the report's problem, in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a line longer than {MAX_LINE_BYTES} bytes")
    }
}

impl std::error::Error for LineTooLong {}

/// Hands the decoded text on, failing once a line runs past [`MAX_LINE_BYTES`].
struct LineBound<R> {
    inner: R,
    since_newline: usize,
}

impl<R: Read> Read for LineBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for chunk in buf[..n].split_inclusive(|b| *b == b'\n') {
            self.since_newline = if chunk.ends_with(b"\n") {
                0
            } else {
                self.since_newline + chunk.len()
            };
        }
        if self.since_newline > MAX_LINE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                LineTooLong,
            ));
        }
        Ok(n)
    }
}

/// A column a file kind knows: its canonical name and the other headers DMS exports use for it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// The catalogue key of what goes in it (shown on the admin page).
    pub help: &'static str,
}

/// One data row: its spreadsheet row number and the trimmed cells of the known columns
/// (empty when the column is absent or the row is short).
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u64,
    columns: &'static [Column],
    cells: Vec<String>,
}

impl Row {
    /// The cell of a column; empty when the column is not in the file.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    #[cfg(test)]
    pub fn for_test(columns: &'static [Column], number: u64, pairs: &[(&str, &str)]) -> Row {
        let cells = columns
            .iter()
            .map(|c| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == c.name)
                    .map_or(String::new(), |(_, v)| (*v).to_owned())
            })
            .collect();
        Row {
            number,
            columns,
            cells,
        }
    }
}

/// A file refused at its header: nothing after it was read.
#[derive(Debug)]
pub struct Refused {
    pub encoding: &'static str,
    pub errors: Vec<RowError>,
}

/// The rows of one CSV file, read as they are needed (the file is never held whole).
pub struct CsvRows<R: Read> {
    reader: csv::Reader<LineBound<Decoded<R>>>,
    /// The encoding the file was read in, e.g. `GB18030`.
    pub encoding: &'static str,
    columns: &'static [Column],
    /// Position in the file of each known column.
    positions: Vec<Option<usize>>,
    record: csv::ByteRecord,
    records: u64,
    pub ignored_columns: Vec<String>,
    /// The file could not be read to its end (an I/O error): the import must not go ahead.
    pub broken: bool,
}

/// Why the file could not be read on: bytes its encoding cannot read, or the system's I/O error.
fn unreadable(e: &std::io::Error) -> Problem {
    if e.get_ref().is_some_and(|e| e.is::<LineTooLong>()) {
        return Problem::LineTooLong {
            max: MAX_LINE_BYTES,
        };
    }
    match e.get_ref().and_then(|e| e.downcast_ref::<Malformed>()) {
        Some(m) => Problem::EncodingInvalid {
            encoding: m.encoding.to_owned(),
        },
        None => Problem::FileUnreadable {
            detail: e.to_string(),
        },
    }
}

/// [`unreadable`] for the CSV reader's errors (only I/O fails there: it is lenient about quotes).
fn csv_unreadable(e: &csv::Error) -> Problem {
    match e.kind() {
        csv::ErrorKind::Io(io) => unreadable(io),
        _ => Problem::FileUnreadable {
            detail: e.to_string(),
        },
    }
}

impl<R: Read> CsvRows<R> {
    /// Chooses the encoding, reads the header row and finds the columns; errors name row 1.
    pub fn open(input: R, columns: &'static [Column]) -> Result<CsvRows<R>, Refused> {
        let decoded = Decoded::new(input).map_err(|e| Refused {
            encoding: "UTF-8",
            errors: vec![RowError::new(1, "", unreadable(&e))],
        })?;
        let encoding = decoded.encoding_name();
        let refuse = |errors: Vec<RowError>| Refused { encoding, errors };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineBound {
                inner: decoded,
                since_newline: 0,
            });
        let mut header = csv::ByteRecord::new();
        let read = reader.read_byte_record(&mut header).map_err(|e| {
            let problem = match csv_unreadable(&e) {
                Problem::FileUnreadable { detail } => Problem::HeaderUnreadable { detail },
                other => other,
            };
            refuse(vec![RowError::new(1, "", problem)])
        })?;
        if !read {
            return Err(refuse(vec![RowError::new(1, "", Problem::FileEmpty)]));
        }
        if header.len() > MAX_COLUMNS {
            return Err(refuse(vec![RowError::new(
                1,
                "",
                Problem::TooManyColumns {
                    found: header.len(),
                    max: MAX_COLUMNS,
                },
            )]));
        }
        if header.iter().any(|raw| raw.len() > MAX_HEADER_NAME_BYTES) {
            return Err(refuse(vec![RowError::new(
                1,
                "",
                Problem::HeaderNameTooLong {
                    max: MAX_HEADER_NAME_BYTES,
                },
            )]));
        }
        let mut names = Vec::with_capacity(header.len());
        for (i, raw) in header.iter().enumerate() {
            let raw = if i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            match std::str::from_utf8(raw) {
                Ok(s) => names.push(s.trim().to_owned()),
                Err(_) => return Err(refuse(vec![RowError::new(1, "", Problem::NotUtf8)])),
            }
        }
        let mut positions = vec![None; columns.len()];
        let mut errors = Vec::new();
        let mut ignored_columns = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let key = normalise(name);
            if key.is_empty() {
                continue;
            }
            let found = columns.iter().position(|c| {
                normalise(c.name) == key || c.aliases.iter().any(|a| normalise(a) == key)
            });
            match found {
                Some(c) if positions[c].is_some() => errors.push(RowError::new(
                    1,
                    columns[c].name,
                    Problem::ColumnRepeated { name: name.clone() },
                )),
                Some(c) => positions[c] = Some(i),
                None => ignored_columns.push(name.clone()),
            }
        }
        for (c, pos) in columns.iter().zip(&positions) {
            if c.required && pos.is_none() {
                errors.push(RowError::new(
                    1,
                    c.name,
                    Problem::ColumnMissing {
                        name: c.name.to_owned(),
                    },
                ));
            }
        }
        if !errors.is_empty() {
            return Err(refuse(errors));
        }
        Ok(CsvRows {
            reader,
            encoding,
            columns,
            positions,
            record: csv::ByteRecord::new(),
            records: 1,
            ignored_columns,
            broken: false,
        })
    }

    /// Bytes of the file read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().inner.raw_bytes_read()
    }

    /// The next row that is not blank. Cells that are not UTF-8 come back as errors of the row.
    pub fn next_row(&mut self) -> Option<Result<Row, Vec<RowError>>> {
        while !self.broken {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => {
                    // Only I/O fails here (the reader is lenient about quotes); nothing after it can be trusted.
                    self.broken = true;
                    return Some(Err(vec![RowError::new(
                        self.records + 1,
                        "",
                        csv_unreadable(&e),
                    )]));
                }
                Ok(true) => {}
            }
            // Empty lines are rows in a spreadsheet, but the reader skips them silently.
            // Records, not file lines: a quoted line break stays inside one spreadsheet row.
            // (Completely empty lines are skipped by the reader and not counted; spreadsheets
            // write blank rows as `,,,`, which are.)
            self.records += 1;
            // Spreadsheets pad exports with rows of empty cells; they are not data.
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let number = self.records;
            let mut cells = Vec::with_capacity(self.columns.len());
            let mut errors = Vec::new();
            for (c, pos) in self.columns.iter().zip(&self.positions) {
                let raw = pos.and_then(|p| self.record.get(p)).unwrap_or_default();
                match std::str::from_utf8(raw) {
                    Ok(s) => cells.push(s.trim().to_owned()),
                    Err(_) => {
                        errors.push(RowError::new(number, c.name, Problem::NotUtf8));
                        cells.push(String::new());
                    }
                }
            }
            if !errors.is_empty() {
                return Some(Err(errors));
            }
            return Some(Ok(Row {
                number,
                columns: self.columns,
                cells,
            }));
        }
        None
    }
}

/// Header names compare without case, spaces, `_` or `-`, and with full-width brackets as ASCII.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[Column] = &[
        Column {
            name: "part_no",
            aliases: &["配件号"],
            required: true,
            help: "",
        },
        Column {
            name: "name_zh",
            aliases: &["名称"],
            required: false,
            help: "",
        },
    ];

    fn rows(text: &[u8]) -> Result<Vec<Result<Row, Vec<RowError>>>, Vec<RowError>> {
        let mut r = CsvRows::open(text, COLS).map_err(|r| r.errors)?;
        let mut out = Vec::new();
        while let Some(row) = r.next_row() {
            out.push(row);
        }
        Ok(out)
    }

    #[test]
    fn bom_aliases_blank_rows_and_numbers() {
        let out =
            rows("\u{feff}名称,Part No,extra\n蓄电池, A1 ,x\n,,\n保险丝,B2\n".as_bytes()).unwrap();
        assert_eq!(out.len(), 2);
        let second = out[1].as_ref().unwrap();
        assert_eq!(second.number, 4, "blank row 3 still counts as a row");
        assert_eq!(second.get("part_no"), "B2");
        assert_eq!(out[0].as_ref().unwrap().get("name_zh"), "蓄电池");
        assert_eq!(out[0].as_ref().unwrap().get("part_no"), "A1");
    }

    #[test]
    fn rows_count_like_a_spreadsheet() {
        let out = rows(b"part_no\r\nA\r\n,\r\nB\r\n\"C\nD\",x\nE").unwrap();
        let numbers: Vec<u64> = out.iter().map(|r| r.as_ref().unwrap().number).collect();
        assert_eq!(
            numbers,
            vec![2, 4, 5, 6],
            "a quoted line break stays in one row"
        );
    }

    #[test]
    fn header_problems_name_row_one() {
        let e = rows(b"name_zh\nx\n").unwrap_err();
        assert_eq!(
            e,
            vec![RowError::new(
                1,
                "part_no",
                Problem::ColumnMissing {
                    name: "part_no".into()
                }
            )]
        );
        let e = rows(b"part_no,PART NO\n").unwrap_err();
        assert_eq!(
            e[0].problem,
            Problem::ColumnRepeated {
                name: "PART NO".into()
            }
        );
        let e = rows(b"").unwrap_err();
        assert_eq!(e[0].problem, Problem::FileEmpty);
        let wide = format!("part_no{}\nA\n", ",x".repeat(MAX_COLUMNS));
        let e = rows(wide.as_bytes()).unwrap_err();
        assert_eq!(e.len(), 1, "one error, not one per column");
        assert_eq!(
            e[0].problem,
            Problem::TooManyColumns {
                found: MAX_COLUMNS + 1,
                max: 200
            }
        );
        // One line of a megabyte: not a header.
        let long = format!(
            "part_no,{}
A,b
",
            "x".repeat(1 << 20)
        );
        let e = rows(long.as_bytes()).unwrap_err();
        assert_eq!(
            e.iter().map(|e| &e.problem).collect::<Vec<_>>(),
            [&Problem::HeaderNameTooLong { max: 256 }]
        );
        let just = format!(
            "part_no,{}
A,b
",
            "x".repeat(MAX_HEADER_NAME_BYTES)
        );
        assert!(rows(just.as_bytes()).is_ok(), "256 bytes are a name");
    }

    #[test]
    fn a_gbk_file_is_read_as_gb18030() {
        // "配件号,名称" then "A1,蓄电池" in GBK, as Excel's plain "CSV" saves it on a Chinese Windows.
        let (bytes, _, _) = encoding_rs::GBK.encode("配件号,名称\nA1,蓄电池\n");
        let r = CsvRows::open(&bytes[..], COLS).unwrap();
        assert_eq!(r.encoding, "GB18030");
        let out = rows(&bytes).unwrap();
        assert_eq!(out[0].as_ref().unwrap().get("name_zh"), "蓄电池");
    }

    #[test]
    fn a_cell_that_is_not_utf8_in_a_utf8_file_is_an_error_of_its_row() {
        let mut text = format!("part_no,name_zh\n{}", "A0,名称\n".repeat(200_000)).into_bytes();
        text.extend(b"A1,\xc0\xb6\n");
        let out = rows(&text).unwrap();
        // Past the part that chose the encoding: the row is refused, not the file.
        let e = out[200_000].as_ref().unwrap_err();
        assert_eq!(
            (e[0].row, e[0].column.as_str(), &e[0].problem),
            (200_002, "name_zh", &Problem::NotUtf8)
        );
    }
}
