//! An uploaded file as a grid of cells: the first row its headers, each later row numbered as
//! the spreadsheet numbers it (the header is row 1). `.xlsx` is read with `calamine` (the first
//! sheet, or the one named); `.csv` as UTF-8 with or without a byte-order mark, comma- or
//! semicolon-separated, quoted as RFC 4180 quotes.

use crate::domain::import::Cell;
use crate::error::AppError;

/// The most rows one import takes (a register is hundreds; 100,000 is the design limit).
pub const MAX_ROWS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// By the file's name, else by its first bytes (an `.xlsx` is a zip).
    pub fn of(file_name: &str, bytes: &[u8]) -> Option<Format> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".xlsx") {
            Some(Format::Xlsx)
        } else if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if bytes.starts_with(b"PK\x03\x04") {
            Some(Format::Xlsx)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

/// The sheet as read.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub headers: Vec<String>,
    /// Each data row with its row number in the spreadsheet.
    pub rows: Vec<(usize, Vec<Cell>)>,
}

fn unreadable(what: &str) -> AppError {
    AppError::field("file", what.to_string())
}

/// Reads the file into headers and rows; rows with nothing in them are skipped.
pub fn read(format: Format, bytes: &[u8], sheet: Option<&str>) -> Result<Grid, AppError> {
    let mut lines = match format {
        Format::Xlsx => xlsx(bytes, sheet)?,
        Format::Csv => csv(bytes)?,
    }
    .into_iter();
    let Some((_, header_cells)) = lines.next() else {
        return Err(unreadable(
            "The file is empty: the first row must name the columns",
        ));
    };
    let headers: Vec<String> = header_cells
        .iter()
        .map(|c| match c {
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => n.to_string(),
            _ => String::new(),
        })
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(unreadable("The first row must name the columns"));
    }
    let rows: Vec<(usize, Vec<Cell>)> = lines
        .filter(|(_, cells)| {
            cells
                .iter()
                .any(|c| !matches!(c, Cell::Empty) && *c != Cell::Text(String::new()))
        })
        .collect();
    if rows.len() > MAX_ROWS {
        return Err(unreadable(&format!(
            "The file has {} rows; import at most {MAX_ROWS} at a time",
            rows.len()
        )));
    }
    Ok(Grid { headers, rows })
}

fn xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|_| unreadable("This file cannot be read as an Excel workbook (.xlsx)"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                AppError::field(
                    "sheet",
                    format!("The workbook has no sheet called “{wanted}”"),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("The workbook has no sheets"))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|_| unreadable("This sheet cannot be read"))?;
    // Rows are numbered as the spreadsheet shows them, whatever blank rows it starts with.
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let width = range.width();
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells: Vec<Cell> = row
                .iter()
                .map(|d| match d {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Int(n) => Cell::Number(*n as f64),
                    Data::Float(n) => Cell::Number(*n),
                    Data::Bool(b) => Cell::Bool(*b),
                    Data::DateTime(d) => Cell::Date(d.as_f64()),
                    Data::DateTimeIso(s) => Cell::Text(s.get(..10).unwrap_or(s).to_string()),
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                })
                .collect();
            cells.resize(width, Cell::Empty);
            (first + i + 1, cells)
        })
        .collect())
}

/// RFC 4180 with the liberties spreadsheets take: LF or CRLF, a BOM, `;` where the header
/// line has more semicolons than commas (Excel in many European settings).
fn csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        unreadable("The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.matches(';').count() > first_line.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    let cell = |s: &mut String| Cell::Text(std::mem::take(s));
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => row.push(cell(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(cell(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(unreadable(&format!(
            "A quoted value that starts on line {row_line} is never closed"
        )));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(cell(&mut field));
        rows.push((row_line, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(g: &Grid) -> Vec<(usize, Vec<String>)> {
        g.rows
            .iter()
            .map(|(n, cells)| {
                let t = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.clone(),
                        other => format!("{other:?}"),
                    })
                    .collect();
                (*n, t)
            })
            .collect()
    }

    #[test]
    fn csv_as_spreadsheets_save_it() {
        let g = read(
            Format::Csv,
            "\u{feff}NHS number;Name;Notes\r\n999 000 0001;\"Smith; Jo\";\"said \"\"hi\"\"\r\nthen left\"\r\n\r\n999;B;\n".as_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(g.headers, ["NHS number", "Name", "Notes"]);
        assert_eq!(
            texts(&g),
            vec![
                (
                    2,
                    vec![
                        "999 000 0001".to_string(),
                        "Smith; Jo".into(),
                        "said \"hi\"\r\nthen left".into()
                    ]
                ),
                (5, vec!["999".into(), "B".into(), String::new()]),
            ]
        );
        let comma = read(Format::Csv, b"a,b\n1,2", None).unwrap();
        assert_eq!(texts(&comma), vec![(2, vec!["1".into(), "2".into()])]);
    }

    #[test]
    fn unreadable_files_say_why() {
        for (bytes, why) in [
            (&b""[..], "empty"),
            (&b"a,\"b\n1,2"[..], "never closed"),
            (&b"\xff\xfe,a"[..], "UTF-8"),
            (&b",,\n1,2"[..], "name the columns"),
        ] {
            let e = read(Format::Csv, bytes, None).unwrap_err();
            assert!(format!("{e:?}").contains(why), "{e:?}");
        }
        let e = read(Format::Xlsx, b"PK\x03\x04not a zip", None).unwrap_err();
        assert!(format!("{e:?}").contains("Excel"), "{e:?}");
    }

    #[test]
    fn the_format_is_told_by_the_name_or_the_bytes() {
        assert_eq!(Format::of("Register.XLSX", b""), Some(Format::Xlsx));
        assert_eq!(Format::of("r.csv", b"PK\x03\x04"), Some(Format::Csv));
        assert_eq!(Format::of("upload", b"PK\x03\x04..."), Some(Format::Xlsx));
        assert_eq!(Format::of("r.xls", b"\xd0\xcf"), None);
    }
}
