//! Reading a statistics file into a grid of cells: CSV in UTF-8 (with or without a BOM),
//! GBK/GB18030 (what Excel and WPS save as "CSV" on a Chinese Windows) or UTF-16 (Excel's
//! "Unicode text"), and Excel workbooks (`.xlsx`) through calamine. Nothing
//! here knows what the columns mean: that is [`super::check`]'s job.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};
use jiff::civil::Date;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Date(Date),
    Bool(bool),
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as an editor would read it, for messages.
    pub(crate) fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => f.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// One row of the file.
#[derive(Debug)]
pub(crate) struct Row {
    /// The row number a spreadsheet shows (1-based): the `14` of `C14`.
    pub(crate) number: usize,
    /// For CSV, the line the row starts on.
    pub(crate) line: Option<usize>,
    /// For CSV, the character column where each cell starts on that line.
    pub(crate) columns: Vec<usize>,
    pub(crate) cells: Vec<Cell>,
}

/// A whole file, read.
#[derive(Debug)]
pub(crate) struct Grid {
    pub(crate) rows: Vec<Row>,
    /// For CSV, the decoded text (for the snippet under a diagnostic).
    pub(crate) text: Option<String>,
    /// The encoding the file was read in, when it was not UTF-8.
    pub(crate) encoding: Option<&'static str>,
    /// For CSV, where each line of `text` starts (so that a message about line N of a
    /// large file does not scan the file again).
    pub(crate) line_starts: Vec<usize>,
}

impl Grid {
    /// Line `n` (1-based) of a CSV file's text, without its line break.
    pub(crate) fn line(&self, n: usize) -> Option<&str> {
        let text = self.text.as_deref()?;
        let start = *self.line_starts.get(n.checked_sub(1)?)?;
        let end = self.line_starts.get(n).copied().unwrap_or(text.len());
        Some(text[start..end].trim_end_matches(['\n', '\r']))
    }
}

/// Decodes a CSV file's bytes: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or GBK
/// (read as GB18030, its superset). Bytes that are none of these are refused, never
/// guessed at.
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return std::str::from_utf8(rest).map(|s| (s.to_owned(), None)).map_err(|e| {
            format!("the file starts as UTF-8 but byte {} is not UTF-8", e.valid_up_to() + 3)
        });
    }
    for (bom, enc, name) in [
        (&b"\xff\xfe"[..], encoding_rs::UTF_16LE, "UTF-16"),
        (&b"\xfe\xff"[..], encoding_rs::UTF_16BE, "UTF-16"),
    ] {
        if bytes.starts_with(bom) {
            return enc
                .decode_without_bom_handling_and_without_replacement(&bytes[2..])
                .map(|s| (s.into_owned(), Some(name)))
                .ok_or_else(|| "the file starts as UTF-16 but is not valid UTF-16".to_owned());
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), None));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| (s.into_owned(), Some("GBK")))
        .ok_or_else(|| "the file is neither UTF-8 nor GBK text".to_owned())
}

/// The delimiter of a CSV text: a comma, unless the header line has none and has tabs
/// (Excel's "Unicode text") or semicolons (Excel in a locale whose decimal mark is a
/// comma).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains(',') || first.contains('，') && !first.contains('\t') {
        b','
    } else if first.contains('\t') {
        b'\t'
    } else if first.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Where each field of a CSV line starts (1-based character columns), quotes respected.
/// Only for pointing at a cell in a message; the csv crate does the reading.
fn field_starts(line: &str, delim: char) -> Vec<usize> {
    let mut starts = vec![1];
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delim && !quoted {
            starts.push(i + 2);
        }
    }
    starts
}

/// Reads a CSV file.
pub(crate) fn csv(bytes: &[u8]) -> Result<Grid, String> {
    let (text, encoding) = decode(bytes)?;
    let delim = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("line {} cannot be read as CSV: {e}", p.line()),
            None => format!("the file cannot be read as CSV: {e}"),
        })?;
        // A record's position is where the reader started it, before the blank lines it
        // skipped: count them to get the line the row is on.
        let line = record.position().map(|p| {
            let rest = text.as_bytes().get(p.byte() as usize..).unwrap_or_default();
            let blank = rest
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .filter(|b| **b == b'\n')
                .count();
            p.line() as usize + blank
        });
        let columns = line
            .and_then(|l| lines.get(l - 1))
            .map(|l| field_starts(l, delim as char))
            .unwrap_or_default();
        let cells = record
            .iter()
            .map(|f| if f.trim().is_empty() { Cell::Empty } else { Cell::Text(f.to_owned()) })
            .collect();
        // A spreadsheet opening the file shows line N as row N.
        rows.push(Row { number: line.unwrap_or(i + 1), line, columns, cells });
    }
    Ok(Grid { rows, text: Some(text), encoding, line_starts })
}

/// A spreadsheet's parts, unpacked, may hold at most this many bytes (a report of a
/// few dozen units is a few kilobytes; this refuses a zip bomb before it is unpacked).
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// At most this many filled cells, and no cell right of this column: a far-off cell
/// would otherwise make a grid of millions of empty ones.
const MAX_CELLS: usize = 200_000;
const MAX_COLUMNS: u32 = 64;

/// Reads the first sheet of an `.xlsx` workbook, cell by cell (only the filled cells are
/// kept, so a stray value in `XFD1048576` costs nothing).
pub(crate) fn xlsx(bytes: Vec<u8>) -> Result<Grid, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes))
        .map_err(|e| format!("the file is not an Excel workbook (.xlsx): {e}"))?;
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        unpacked +=
            zip.by_index_raw(i).map_err(|e| format!("the workbook is damaged: {e}"))?.size();
    }
    if unpacked > MAX_UNPACKED {
        return Err(format!(
            "the workbook unpacks to {} MB; a statistics table is far smaller",
            unpacked / 1_000_000
        ));
    }
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the workbook cannot be opened: {e}"))?;
    let sheet = book.sheet_names().first().cloned().ok_or("the workbook has no sheet")?;
    let mut reader = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| format!("the sheet `{sheet}` cannot be read: {e}"))?;
    let mut filled: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
    let mut count = 0;
    while let Some(c) =
        reader.next_cell().map_err(|e| format!("the sheet `{sheet}` cannot be read: {e}"))?
    {
        let (row, col) = c.get_position();
        let value = cell(&Data::from(c.get_value().clone()));
        if value.is_empty() {
            continue;
        }
        if col >= MAX_COLUMNS {
            return Err(format!(
                "cell {} holds `{}`, right of the table (at most {MAX_COLUMNS} columns)",
                cell_name(col as usize, row as usize + 1),
                value.shown()
            ));
        }
        count += 1;
        if count > MAX_CELLS {
            return Err(format!("the sheet `{sheet}` has more than {MAX_CELLS} filled cells"));
        }
        filled.entry(row).or_default().push((col, value));
    }
    let rows = filled
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
            let mut line = vec![Cell::Empty; width];
            for (c, v) in cells {
                line[c as usize] = v;
            }
            Row { number: row as usize + 1, line: None, columns: Vec::new(), cells: line }
        })
        .collect();
    Ok(Grid { rows, text: None, encoding: None, line_starts: Vec::new() })
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt.as_f64()).map_or(Cell::Float(dt.as_f64()), Cell::Date),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| d.parse::<Date>().ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// The date of an Excel serial day number (1900 date system; serial 60 is Excel's
/// nonexistent 1900-02-29, and every later serial counts from 1899-12-30).
fn excel_date(serial: f64) -> Option<Date> {
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = jiff::civil::date(1899, 12, 30);
    epoch.checked_add(jiff::Span::new().days(serial.floor() as i64)).ok()
}

/// `C14` for the third column of row 14.
pub(crate) fn cell_name(column: usize, row: usize) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", letters.into_iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_count_like_a_spreadsheet() {
        assert_eq!(cell_name(0, 1), "A1");
        assert_eq!(cell_name(2, 14), "C14");
        assert_eq!(cell_name(25, 2), "Z2");
        assert_eq!(cell_name(26, 2), "AA2");
        assert_eq!(cell_name(27, 3), "AB3");
    }

    #[test]
    fn gbk_bom_and_utf16_text_decode_and_other_bytes_are_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode("单位,月份\n哈尔滨市,2022-08\n");
        assert_eq!(
            decode(&gbk).unwrap(),
            ("单位,月份\n哈尔滨市,2022-08\n".to_owned(), Some("GBK"))
        );
        assert_eq!(decode("\u{feff}单位".as_bytes()).unwrap(), ("单位".to_owned(), None));
        let mut utf16 = vec![0xff, 0xfe];
        for u in "单位\t月份".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap().0, "单位\t月份");
        // Not GB18030 either: 0x80 alone is no character in it.
        assert!(decode(b"a,b\n\x80\x80\x80\xff\n").is_err());
    }

    #[test]
    fn csv_rows_keep_their_lines_and_cell_columns() {
        let g = csv("单位,月份\n\"哈尔滨市\",2022-08\n\n大庆市,\"1,234\"\n".as_bytes()).unwrap();
        assert_eq!(g.rows.len(), 3);
        assert_eq!(g.rows[1].line, Some(2));
        assert_eq!(g.rows[1].columns, vec![1, 8]);
        assert_eq!(g.rows[2].line, Some(4));
        assert_eq!(g.rows[2].number, 4);
        assert_eq!(g.rows[2].cells[1], Cell::Text("1,234".into()));
    }

    #[test]
    fn tab_and_semicolon_files_are_read() {
        assert_eq!(delimiter("单位\t月份\n"), b'\t');
        assert_eq!(delimiter("unit;month\n"), b';');
        assert_eq!(delimiter("unit,month\n"), b',');
    }

    #[test]
    fn excel_serials_are_dates() {
        // 44774 is 2022-08-01 in Excel.
        assert_eq!(excel_date(44774.0), Some(jiff::civil::date(2022, 8, 1)));
        assert_eq!(excel_date(44774.75), Some(jiff::civil::date(2022, 8, 1)));
        assert_eq!(excel_date(-3.0), None);
    }
}
