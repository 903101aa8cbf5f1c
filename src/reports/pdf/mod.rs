//! The PDF of a return: A4 landscape, DejaVu Sans Condensed embedded (so Zoë, Siân, Łukasz
//! and Ó Súilleabháin print and extract as written), the marking at the top and bottom of every
//! page, "Page X of Y", then the headline figures, the bar chart, the changes since the previous
//! return and the per-person table, whose header row is repeated on every page it runs onto.
//!
//! printpdf 0.12 (without `text_layout`) has no flow layout, so it is done here: text widths
//! come from the font's `hmtx` advances (printpdf's `ParsedFont` keeps them even without
//! `text_layout`), every page is laid out before anything is written (so the footers know the
//! page count), and the table rows are shared out by [`paginate`]. printpdf then writes the
//! document (page tree, the two embedded fonts with their widths and `/ToUnicode`, Info,
//! trailer), and the page content streams are written here from the laid-out pages: through
//! printpdf's own operations a 100,000-row return took 8 s and 360 MB, this way about 1.5 s
//! and 80 MB (see `render_inner`).
//!
//! The bytes are reproducible: the fonts get fixed resource names (printpdf's own ids come from a
//! process-wide counter), the document dates come from the report's "as at" (never the clock),
//! the trailer `/ID` is a hash of the report instead of printpdf's counter, and nothing iterates
//! a `HashMap`.

mod chart;
mod document;
mod flow;
mod fonts;
mod layout;
mod sections;
mod stream;
mod symbols;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::OnceLock;

use printpdf::{
    Color, Date, DateTime, FontId, Mm, Offset, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Pt, Rect, Rgb, TextItem,
    TextMatrix, Time,
};
use sha2::{Digest, Sha256};

use super::model::{Bar, Colour, MARKING, Report, Section, Table};

// The parts share one namespace: each brings it in with `use super::*`.
use document::render_inner;
use fonts::{BOLD_ID, Face, Fonts, REGULAR_ID, Weight, font_handle, fonts, used_chars};
use layout::{Align, Layout, PageContent, ROWS, RowBlock, layout};
use sections::{Columns, changes, chart, columns, row_items, summary, table, title_block};
use stream::content_stream;

pub use flow::render_document;

// ---- page geometry (points; the origin is the bottom-left corner) ----

/// A4 landscape.
const PAGE_W_MM: f32 = 297.0;
const PAGE_H_MM: f32 = 210.0;
const PAGE_W: f32 = PAGE_W_MM * 72.0 / 25.4;
const PAGE_H: f32 = PAGE_H_MM * 72.0 / 25.4;
const MARGIN_X: f32 = 36.0;
const USABLE_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// The body runs from here down to `CONTENT_BOTTOM`; above and below are the marking, the rules
/// and the footer.
const CONTENT_TOP: f32 = PAGE_H - 48.0;
const CONTENT_BOTTOM: f32 = 54.0;
/// Cap height of DejaVu Sans, in em: used to centre a line of text in its box.
const CAP_HEIGHT: f32 = 0.73;

// ---- type sizes and row heights ----

const TITLE_SIZE: f32 = 20.0;
const HEADING_SIZE: f32 = 12.5;
const HEADING_H: f32 = 26.0;
const BODY_SIZE: f32 = 9.0;
const LINE_H: f32 = 12.5;
const MARKING_SIZE: f32 = 9.0;
const FOOTER_SIZE: f32 = 7.5;
const TABLE_SIZE: f32 = 8.0;
const ROW_H: f32 = 12.0;
const HEADER_LINE_H: f32 = 9.5;
const CELL_PAD: f32 = 3.0;

// ---- colours (NHS identity palette for text and rules; muted, accessible bar fills) ----

type Rgb8 = [u8; 3];
const TEXT: Rgb8 = [0x21, 0x2B, 0x32];
const SECONDARY: Rgb8 = [0x4C, 0x62, 0x72];
const NHS_BLUE: Rgb8 = [0x00, 0x5E, 0xB8];
const RULE: Rgb8 = [0xD8, 0xDD, 0xE0];
const HEADER_FILL: Rgb8 = [0xE8, 0xED, 0xEE];
const ZEBRA_FILL: Rgb8 = [0xF4, 0xF6, 0xF7];

/// The PDF's bytes. The same report always gives the same bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    // Nothing below should panic, but a bug in the layout or in printpdf must not take the
    // caller's thread down with it: turn it into an error like any other.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render_inner(report, true)))
        .unwrap_or_else(|_| Err("the PDF renderer panicked".into()))
}

/// Shares `rows` table rows out over pages: the first page (which the table shares with what
/// comes before it) takes at most `first_page_rows`, every later page at most `page_rows`.
/// A row is never split; every range becomes one page with the header row repeated on top.
/// An empty table still gets one (empty) page, which says "No one.". Capacities below one row
/// count as one, so this always ends.
pub fn paginate(rows: usize, first_page_rows: usize, page_rows: usize) -> Vec<Range<usize>> {
    let per_page = page_rows.max(1);
    let mut pages = Vec::with_capacity(rows / per_page + 2);
    let mut start = 0;
    let mut room = first_page_rows.max(1);
    loop {
        let end = rows.min(start + room);
        pages.push(start..end);
        if end >= rows {
            return pages;
        }
        start = end;
        room = per_page;
    }
}
