//! Sheets written as an Excel workbook (`rust_xlsxwriter`): one worksheet a sheet, a bold header
//! row frozen above an autofilter, dates as real date cells (`yyyy-mm-dd`), numbers as numbers,
//! columns as wide as their content, and the marking in every page header and footer.
//!
//! Every text cell is written as a string, never parsed, so a value beginning `=`, `+`, `-` or
//! `@` stays text in the workbook: there is no formula to guard against (the CSV has to guard
//! it, `super::csv`). The workbook's creation date is the data's own day, not the clock's, so the
//! same data gives the same bytes.

use super::sheet::{Cell, Sheet};
use crate::error::AppError;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use time::Date;

/// No column wider than this many characters (a long note wraps off the screen otherwise).
const WIDEST: usize = 60;

fn excel_day(d: Date) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, u8::from(d.month()), d.day())
}

/// How many characters a cell shows, for its column's width.
fn shown_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(s) => s.chars().count(),
        Cell::Date(_) => 10,
        Cell::Number(n) => n.to_string().len(),
        Cell::Bool(_) => 5,
        Cell::Empty => 0,
    }
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    ws.set_name(&sheet.name)?;
    // `&C`: centred, on every printed page.
    let marking = sheet.marking.words();
    ws.set_header(format!("&C{marking}"));
    ws.set_footer(format!("&C{marking}"));
    let mut widths: Vec<usize> = sheet.columns.iter().map(|c| c.chars().count()).collect();
    for (col, title) in sheet.columns.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, title, &bold)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                // A day Excel cannot hold (before 1900) stays readable as text.
                Cell::Date(d) => match excel_day(*d) {
                    Ok(when) => {
                        ws.write_datetime_with_format(r, c, when, &day)?;
                    }
                    Err(_) => {
                        ws.write_string(r, c, d.to_string())?;
                    }
                },
                Cell::Number(n) => {
                    ws.write_number(r, c, *n)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b)?;
                }
                Cell::Empty => {}
            }
            if let Some(w) = widths.get_mut(col) {
                *w = (*w).max(shown_width(cell));
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        // Two characters more for the autofilter's button.
        ws.set_column_width(col as u16, (w + 2).min(WIDEST) as f64)?;
    }
    let last_col = sheet.columns.len().saturating_sub(1) as u16;
    let last_row = u32::try_from(sheet.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    Ok(())
}

fn workbook(sheets: &[Sheet], created: Date) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // The data's own day, within what the format holds (an `as_of` typed as 0761 is still a
    // register as at that day: empty, but a file).
    let earliest = Date::from_calendar_date(1900, time::Month::January, 1)
        .map_err(|e| XlsxError::DateTimeRangeError(e.to_string()))?;
    let latest = Date::from_calendar_date(9999, time::Month::December, 31)
        .map_err(|e| XlsxError::DateTimeRangeError(e.to_string()))?;
    let created = excel_day(created.clamp(earliest, latest))?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    for sheet in sheets {
        write_sheet(book.add_worksheet(), sheet)?;
    }
    book.save_to_buffer()
}

/// The sheets as one workbook, created (in its properties) on `created`.
pub fn render(sheets: &[Sheet], created: Date) -> Result<Vec<u8>, AppError> {
    workbook(sheets, created).map_err(|e| AppError::failed("the spreadsheet", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        let mut s = Sheet::new("People", &["Name", "Born", "Open actions", "Overdue"]);
        s.rows.push(vec![
            Cell::Text("=SUM(A1)".into()),
            Cell::Date(time::macros::date!(2010 - 03 - 04)),
            Cell::count(3u64),
            Cell::Bool(false),
        ]);
        s
    }

    #[test]
    fn the_same_data_gives_the_same_bytes() {
        let day = time::macros::date!(2026 - 10 - 31);
        let a = render(&[sheet()], day).expect("xlsx");
        let b = render(&[sheet()], day).expect("xlsx");
        assert!(a.starts_with(b"PK"), "a zip");
        assert_eq!(a, b);
    }

    #[test]
    fn days_excel_cannot_hold_are_written_as_text() {
        let mut s = sheet();
        s.rows.push(vec![
            Cell::Text("Early".into()),
            Cell::Date(time::macros::date!(0761 - 02 - 20)),
            Cell::count(0u64),
            Cell::Bool(true),
        ]);
        // As at a day before 1900 (an `as_of` typed so): still a file.
        let bytes = render(&[s], time::macros::date!(0761 - 02 - 20)).expect("xlsx");
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("opens");
        let range = book.worksheet_range("People").expect("sheet");
        assert_eq!(range.get((2, 1)), Some(&Data::String("0761-02-20".into())));
        assert!(matches!(range.get((1, 1)), Some(Data::DateTime(_))));
    }
}
