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

use std::ops::Range;
use std::sync::OnceLock;

use printpdf::{
    Color, Date, DateTime, FontId, Mm, Offset, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Pt, Rect, Rgb, TextItem,
    TextMatrix, Time,
};
use sha2::{Digest, Sha256};

use super::model::{Bar, Colour, MARKING, Report, Section, Table};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed-Bold.ttf");
/// PDF resource names of the two faces: fixed, so the bytes do not depend on printpdf's ids.
const REGULAR_ID: &str = "DejaVuSansCondensed";
const BOLD_ID: &str = "DejaVuSansCondensed-Bold";

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

fn bar_fill(colour: Colour) -> Rgb8 {
    match colour {
        Colour::Red => [0xC0, 0x39, 0x2B],
        Colour::Amber => [0xE0, 0xA1, 0x00],
        Colour::Green => [0x2E, 0x7D, 0x32],
        Colour::Blue => [0x1F, 0x5F, 0xAD],
        Colour::Grey => [0x88, 0x88, 0x88],
    }
}

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

/// The two font programs as flate-compressed in the first document: compressing them again
/// would cost each document some 150 ms. Same input, same bytes, so nothing changes but time.
static PACKED_FONTS: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];

fn render_inner(report: &Report, reuse_packed_fonts: bool) -> Result<Vec<u8>, String> {
    let fonts = fonts()?;
    let (pages, cols) = layout(report, fonts);
    let cols = &cols;
    let table_rows = &report.table.rows;

    let mut doc = PdfDocument::new(&format!("{} \u{2014} {}", report.title, report.period));
    let info = &mut doc.metadata.info;
    let date = document_date(&report.as_at);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = report.organisation.clone();
    info.subject = MARKING.to_string();
    info.creator = "tcr (Transforming Care register)".to_string();
    info.producer = "tcr with printpdf 0.12".to_string();
    for (id, face) in [(REGULAR_ID, &fonts.regular), (BOLD_ID, &fonts.bold)] {
        doc.resources
            .fonts
            .map
            .insert(FontId(id.to_string()), PdfFont::new(face.parsed.clone()));
    }
    // printpdf writes the document: page tree, fonts (with /W and /ToUnicode for the glyphs the
    // pages use), Info and trailer. The content streams are written below, from `pages`:
    // printpdf's own path costs about 1 KB of memory and several microseconds per table cell
    // (8 s and 360 MB for 100,000 rows), which a return cannot afford. So printpdf gets pages
    // with no content but the first, which shows every character used, in each face, so that
    // the fonts describe exactly those glyphs (and their widths are the ones `Face` measures
    // with); that content is then replaced like the rest.
    let used = used_chars(&pages, table_rows, fonts);
    let mut first = vec![Op::StartTextSection];
    for (weight, chars) in [Weight::Regular, Weight::Bold].into_iter().zip(used) {
        first.push(Op::SetFont {
            font: font_handle(weight),
            size: Pt(1.0),
        });
        first.push(Op::ShowText {
            items: vec![TextItem::Text(chars.into_iter().collect())],
        });
    }
    first.push(Op::EndTextSection);
    doc.pages = (0..pages.len())
        .map(|i| {
            let ops = if i == 0 {
                std::mem::take(&mut first)
            } else {
                Vec::new()
            };
            PdfPage::new(Mm(PAGE_W_MM), Mm(PAGE_H_MM), ops)
        })
        .collect();

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false, // no effect without `text_layout`: the whole font is embedded
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&opts, &mut warnings);
    drop(doc);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(format!("PDF: {}", w.msg));
    }

    // The content stream of each page, in page order.
    let mut contents = Vec::with_capacity(pages.len());
    for (_, page_id) in pdf.get_pages() {
        let id = pdf
            .get_dictionary(page_id)
            .and_then(|page| page.get(b"Contents"))
            .and_then(|c| c.as_reference())
            .map_err(|e| format!("PDF page contents: {e}"))?;
        contents.push(id);
    }
    if contents.len() != pages.len() {
        return Err(format!(
            "PDF: {} pages written for {} laid out",
            contents.len(),
            pages.len()
        ));
    }
    let page_of: std::collections::BTreeMap<(u32, u16), usize> = contents
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let mut streams = Vec::with_capacity(pages.len());
    for (id, object) in pdf.objects.iter_mut() {
        if let Some(&i) = page_of.get(id) {
            let stream = object
                .as_stream_mut()
                .map_err(|e| format!("PDF page contents: {e}"))?;
            streams.push((i, stream));
        }
    }
    streams.sort_by_key(|(i, _)| *i);
    let mut pages: Vec<Option<PageContent>> = pages.into_iter().map(Some).collect();
    // Write and compress the pages on all cores: each page is independent.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let per_thread = if pages.len() < 32 {
        pages.len().max(1)
    } else {
        pages.len().div_ceil(threads)
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = streams
            .chunks_mut(per_thread)
            .zip(pages.chunks_mut(per_thread))
            .map(|(streams, pages)| {
                scope.spawn(move || -> Result<(), String> {
                    for ((_, stream), ops) in streams.iter_mut().zip(pages.iter_mut()) {
                        let Some(page) = ops.take() else { continue };
                        stream.set_content(content_stream(&page, fonts, table_rows, cols)?);
                        drop(page);
                        // Flate at the best level; kept uncompressed if that is not smaller.
                        let _ = stream.compress();
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or(Err("PDF: a page writer panicked".into()))
        })
    })?;
    drop(streams);

    // printpdf fills the trailer /ID from a process-wide counter: replace both halves with a
    // digest of the report, so equal reports give equal bytes and different ones different IDs.
    let id = document_id(report);
    let ids = pdf
        .trailer
        .get_mut(b"ID")
        .and_then(|o| o.as_array_mut())
        .map_err(|e| format!("PDF trailer ID: {e}"))?;
    for part in ids.iter_mut() {
        *part
            .as_str_mut()
            .map_err(|e| format!("PDF trailer ID: {e}"))? = id.clone();
    }

    // printpdf always writes /GTS_PDFXVersion (which readers take as a claim of PDF/X) and
    // empty /Identifier and /Keywords: drop them from the Info dictionary.
    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|id| pdf.get_object_mut(id))
        .and_then(|o| o.as_dict_mut())
        .map_err(|e| format!("PDF Info: {e}"))?;
    for key in [&b"GTS_PDFXVersion"[..], b"Identifier", b"Keywords"] {
        info.remove(key);
    }

    for object in pdf.objects.values_mut() {
        let Ok(stream) = object.as_stream_mut() else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let faces = [&fonts.regular, &fonts.bold];
        let Some((_, packed)) = faces
            .iter()
            .zip(&PACKED_FONTS)
            .find(|(face, _)| stream.content == face.parsed.original_bytes)
        else {
            continue;
        };
        match packed.get() {
            Some(bytes) if reuse_packed_fonts => {
                // As `compress` does it: the filter, then the content (which sets /Length).
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(bytes.clone());
            }
            _ => {
                let _ = stream.compress();
                if stream.dict.get(b"Filter").is_ok() {
                    let _ = packed.set(stream.content.clone());
                }
            }
        }
    }
    pdf.compress(); // anything else not yet compressed
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| format!("PDF: cannot write the document: {e}"))?;
    Ok(bytes)
}

fn font_handle(weight: Weight) -> PdfFontHandle {
    PdfFontHandle::External(FontId(
        match weight {
            Weight::Regular => REGULAR_ID,
            Weight::Bold => BOLD_ID,
        }
        .to_string(),
    ))
}

/// Every character shown in each face (regular, bold), in code point order.
fn used_chars(pages: &[PageContent], table_rows: &[Vec<String>], fonts: &Fonts) -> [Vec<char>; 2] {
    let mut seen = [vec![0u64; 0x110000 / 64], vec![0u64; 0x110000 / 64]];
    let mut mark = |face: usize, c: char| {
        let c = c as usize;
        seen[face][c / 64] |= 1 << (c % 64);
    };
    // The rows, in the regular face: as `Face::fit` draws them, perhaps with an ellipsis.
    if !table_rows.is_empty() {
        mark(0, '\u{2026}');
    }
    for cell in table_rows.iter().flatten() {
        for c in cell.chars() {
            mark(0, fonts.regular.drawable(c));
        }
    }
    for page in pages {
        let mut face = 0;
        for op in &page.ops {
            match op {
                Op::SetFont { font, .. } => {
                    face = usize::from(*font == font_handle(Weight::Bold));
                }
                Op::ShowText { items } => {
                    for item in items {
                        if let TextItem::Text(s) = item {
                            for c in s.chars() {
                                mark(face, c);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    seen.map(|bits| {
        (0..0x110000u32)
            .filter(|&c| bits[c as usize / 64] & (1 << (c % 64)) != 0)
            .filter_map(char::from_u32)
            .collect()
    })
}

/// A page's content stream, written from its operations (the few kinds `Canvas` makes) and
/// its table rows: text as glyph ids of the embedded faces in literal strings, lengths to
/// 1/100 pt.
fn content_stream(
    page: &PageContent,
    fonts: &Fonts,
    table_rows: &[Vec<String>],
    cols: &Columns,
) -> Result<Vec<u8>, String> {
    let rows = match &page.rows {
        Some(block) => table_rows
            .get(block.rows.clone())
            .ok_or("PDF: table rows out of range")?,
        None => &[],
    };
    let mut out = Vec::with_capacity(page.ops.len() * 40 + rows.len() * 160);
    let mut face = &fonts.regular;
    for op in &page.ops {
        match op {
            Op::Marker { id } if id == ROWS => {
                let Some(block) = &page.rows else { continue };
                out.extend_from_slice(b"BT\n/");
                out.extend_from_slice(REGULAR_ID.as_bytes());
                out.push(b' ');
                number(&mut out, TABLE_SIZE, 100);
                out.extend_from_slice(b" Tf\n");
                for v in TEXT {
                    number(&mut out, f32::from(v) / 255.0, 1000);
                    out.push(b' ');
                }
                out.extend_from_slice(b"rg\n");
                for (i, row) in rows.iter().enumerate() {
                    let (x, items) = row_items(row, cols, &fonts.regular);
                    if items.is_empty() {
                        continue;
                    }
                    let baseline = block.top - ROW_H * (i + 1) as f32
                        + (ROW_H - CAP_HEIGHT * TABLE_SIZE) / 2.0;
                    text_matrix(&mut out, x, baseline);
                    show_text(&mut out, &fonts.regular, &items)?;
                }
                out.extend_from_slice(b"ET\n");
            }
            Op::StartTextSection => out.extend_from_slice(b"BT\n"),
            Op::EndTextSection => out.extend_from_slice(b"ET\n"),
            Op::SetFont { font, size } => {
                let (weight, name) = if *font == font_handle(Weight::Bold) {
                    (Weight::Bold, BOLD_ID)
                } else {
                    (Weight::Regular, REGULAR_ID)
                };
                face = fonts.face(weight);
                out.push(b'/');
                out.extend_from_slice(name.as_bytes());
                out.push(b' ');
                number(&mut out, size.0, 100);
                out.extend_from_slice(b" Tf\n");
            }
            Op::SetFillColor {
                col: Color::Rgb(rgb),
            } => {
                for v in [rgb.r, rgb.g, rgb.b] {
                    number(&mut out, v, 1000);
                    out.push(b' ');
                }
                out.extend_from_slice(b"rg\n");
            }
            Op::DrawRectangle { rectangle: r } => {
                for v in [r.x.0, r.y.0, r.width.0, r.height.0] {
                    number(&mut out, v, 100);
                    out.push(b' ');
                }
                out.extend_from_slice(b"re f\n");
            }
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(x, y),
            } => text_matrix(&mut out, x.0, y.0),
            Op::ShowText { items } => show_text(&mut out, face, items)?,
            other => return Err(format!("PDF: unexpected page operation {other:?}")),
        }
    }
    Ok(out)
}

fn text_matrix(out: &mut Vec<u8>, x: f32, y: f32) {
    out.extend_from_slice(b"1 0 0 1 ");
    number(out, x, 100);
    out.push(b' ');
    number(out, y, 100);
    out.extend_from_slice(b" Tm\n");
}

/// A `TJ`: strings of two-byte glyph ids (Identity-H) and kerning numbers.
fn show_text(out: &mut Vec<u8>, face: &Face, items: &[TextItem]) -> Result<(), String> {
    out.push(b'[');
    for item in items {
        match item {
            TextItem::Text(s) => {
                out.push(b'(');
                for c in s.chars() {
                    for b in face.glyph(c).to_be_bytes() {
                        if matches!(b, b'(' | b')' | b'\\' | b'\r' | b'\n') {
                            out.push(b'\\');
                            out.push(match b {
                                b'\r' => b'r',
                                b'\n' => b'n',
                                b => b,
                            });
                        } else {
                            out.push(b);
                        }
                    }
                }
                out.push(b')');
            }
            TextItem::Offset(o) => {
                number(out, *o, 10);
            }
            TextItem::GlyphIds(_) => return Err("PDF: unexpected glyph ids".into()),
        }
    }
    out.extend_from_slice(b"]TJ\n");
    Ok(())
}

/// `v` rounded to 1/`scale`, without a trailing ".0" or zeros (PDF number syntax).
fn number(out: &mut Vec<u8>, v: f32, scale: i64) {
    let n = (f64::from(v) * scale as f64).round() as i64;
    if n < 0 {
        out.push(b'-');
    }
    let n = n.unsigned_abs();
    let scale = scale.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut int = n / scale;
    let mut len = 0;
    loop {
        digits[len] = b'0' + (int % 10) as u8;
        len += 1;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev());
    let mut frac = n % scale;
    if frac != 0 {
        out.push(b'.');
        let mut unit = scale / 10;
        while frac != 0 && unit != 0 {
            out.push(b'0' + (frac / unit) as u8);
            frac %= unit;
            unit /= 10;
        }
    }
}

/// The first 16 bytes of a SHA-256 over everything the report says, as 32 hex digits.
fn document_id(report: &Report) -> Vec<u8> {
    fn put(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    let mut h = Sha256::new();
    for s in [
        &report.title,
        &report.organisation,
        &report.period,
        &report.as_at,
        &report.generated,
    ] {
        put(&mut h, s);
    }
    for (label, value) in &report.summary {
        put(&mut h, label);
        h.update(value.to_le_bytes());
    }
    for bar in &report.chart {
        put(&mut h, &bar.label);
        h.update(bar.value.to_le_bytes());
        h.update([bar.colour as u8]);
    }
    for section in &report.changes {
        put(&mut h, &section.heading);
        h.update((section.lines.len() as u64).to_le_bytes());
        for line in &section.lines {
            put(&mut h, line);
        }
    }
    put(&mut h, &report.table.heading);
    for column in &report.table.columns {
        put(&mut h, &column.title);
        h.update(column.weight.to_le_bytes());
    }
    for row in &report.table.rows {
        h.update((row.len() as u64).to_le_bytes());
        for cell in row {
            put(&mut h, cell);
        }
    }
    let digest = h.finalize();
    digest[..16]
        .iter()
        .flat_map(|b| {
            let hex = b"0123456789abcdef";
            [hex[usize::from(b >> 4)], hex[usize::from(b & 15)]]
        })
        .collect()
}

/// The document's creation date: the return's "as at" moment when it can be read
/// ("23:59:59 on Saturday 31 October 2026", or "2026-10-31 23:59:59"), else 1970-01-01. Never
/// the clock. (printpdf writes every date with a +00'00' offset.)
fn document_date(as_at: &str) -> DateTime {
    parse_as_at(as_at).unwrap_or_else(DateTime::epoch)
}

fn parse_as_at(s: &str) -> Option<DateTime> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let (mut year, mut month, mut day, mut hms) = (None, None, None, None);
    for token in s.split(|c: char| c.is_whitespace() || c == ',') {
        let token = token.trim_end_matches('.');
        if token.is_empty() {
            continue;
        }
        let numbers: Vec<Option<u32>> = token
            .split([':', '-'])
            .map(|n| n.parse::<u32>().ok())
            .collect();
        if token.contains(':') {
            let Some(n) = numbers.into_iter().collect::<Option<Vec<u32>>>() else {
                continue;
            };
            hms = match n[..] {
                [h, m] => Some((h, m, 0)),
                [h, m, s] => Some((h, m, s)),
                _ => None,
            };
        } else if token.len() == 10 && token.as_bytes()[4] == b'-' {
            let Some(n) = numbers.into_iter().collect::<Option<Vec<u32>>>() else {
                continue;
            };
            if let [y, m, d] = n[..] {
                (year, month, day) = (Some(y), Some(m), Some(d));
            }
        } else if let Some(i) = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(token)) {
            month = Some(i as u32 + 1);
        } else if let [Some(n)] = numbers[..] {
            if token.len() == 4 {
                year = Some(n);
            } else if day.is_none() {
                day = Some(n);
            }
        }
    }
    let (year, month, day) = (year?, month?, day?);
    let (hour, minute, second) = hms.unwrap_or((0, 0, 0));
    // Let the `time` crate say whether the day exists (31 April, 29 February...).
    let month_t = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    time::Date::from_calendar_date(i32::try_from(year).ok()?, month_t, u8::try_from(day).ok()?)
        .ok()?;
    time::Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(DateTime {
        date: Date {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        },
        time: Time {
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            millisecond: 0,
        },
        offset: Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    })
}

// ---- fonts and text measurement ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// Code points below this have their advance in a table; the rest go through the cmap.
const FAST: usize = 0x600;
const NO_GLYPH: u16 = u16::MAX;

/// One parsed face with its advances in thousandths of an em: exactly the integers printpdf
/// writes into the font's `/W` array, so positions computed here are where viewers draw.
struct Face {
    parsed: ParsedFont,
    fast: Vec<u16>,
    /// Glyph ids of the code points below `FAST` (0: none).
    fast_gid: Vec<u16>,
    /// What a character the face has no glyph for is drawn as (U+FFFD, else "?").
    replacement: char,
    ellipsis: u32,
}

fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: Face::load(REGULAR_TTF, REGULAR_ID)?,
                bold: Face::load(BOLD_TTF, BOLD_ID)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Face {
    fn load(bytes: &[u8], name: &str) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot read the font {name}"))?;
        if parsed.codepoint_to_glyph.is_empty() || parsed.glyph_widths.is_empty() {
            return Err(format!("the font {name} has no usable cmap or hmtx"));
        }
        parsed.font_name = Some(name.to_string());
        let mut face = Face {
            parsed,
            fast: Vec::new(),
            fast_gid: Vec::new(),
            replacement: '?',
            ellipsis: 0,
        };
        face.fast_gid = (0..FAST as u32)
            .map(|cp| face.parsed.lookup_glyph_index(cp).unwrap_or(0))
            .collect();
        face.fast = (0..FAST as u32)
            .map(|cp| {
                face.parsed
                    .lookup_glyph_index(cp)
                    .map_or(NO_GLYPH, |gid| face.scaled_width(gid))
            })
            .collect();
        if face.advance('\u{FFFD}').is_some() {
            face.replacement = '\u{FFFD}';
        }
        face.ellipsis = face.width_of('\u{2026}');
        Ok(face)
    }

    /// As printpdf's `get_scaled_glyph_width`, so that both sides agree to the unit.
    fn scaled_width(&self, gid: u16) -> u16 {
        let upm = f32::from(self.parsed.pdf_font_metrics.units_per_em);
        let w = self
            .parsed
            .get_glyph_width(gid)
            .map_or(0, |w| (f32::from(w) * 1000.0 / upm) as i64);
        w.clamp(0, i64::from(NO_GLYPH - 1)) as u16
    }

    /// The glyph id of `c` (0, `.notdef`, if none: callers draw only `drawable` characters).
    fn glyph(&self, c: char) -> u16 {
        match self.fast_gid.get(c as usize) {
            Some(&gid) => gid,
            None => self.parsed.lookup_glyph_index(c as u32).unwrap_or(0),
        }
    }

    /// The advance of `c` (1/1000 em), or `None` if the face has no glyph for it.
    fn advance(&self, c: char) -> Option<u32> {
        let cp = c as usize;
        if cp < FAST {
            let w = self.fast[cp];
            return (w != NO_GLYPH).then_some(u32::from(w));
        }
        let gid = self.parsed.lookup_glyph_index(c as u32)?;
        Some(u32::from(self.scaled_width(gid)))
    }

    /// What is drawn for `c`: control characters become spaces, characters without a glyph
    /// the replacement character.
    fn drawable(&self, c: char) -> char {
        if c.is_control() {
            ' '
        } else if self.advance(c).is_some() {
            c
        } else {
            self.replacement
        }
    }

    fn width_of(&self, c: char) -> u32 {
        self.advance(self.drawable(c)).unwrap_or(0)
    }

    /// Width in points.
    fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.width_of(c)).sum();
        units as f32 * size / 1000.0
    }

    /// `s` made drawable and cut to `max_w` points, ending in "…" if cut, with its width
    /// (1/1000 em).
    fn fit(&self, s: &str, size: f32, max_w: f32) -> (String, u32) {
        let room = (max_w.max(0.0) * 1000.0 / size) as u32;
        let mut out = String::with_capacity(s.len());
        let mut width = 0u32;
        // The longest prefix that still has room for the ellipsis after it.
        let mut cut = (0usize, 0u32);
        for c in s.chars() {
            let c = self.drawable(c);
            let w = self.advance(c).unwrap_or(0);
            if width + self.ellipsis <= room {
                cut = (out.len(), width);
            }
            if width + w > room {
                let (len, mut kept) = cut;
                out.truncate(len);
                while out.ends_with(' ') {
                    out.pop();
                    kept -= self.width_of(' ');
                }
                if kept + self.ellipsis > room {
                    return (String::new(), 0);
                }
                out.push('\u{2026}');
                return (out, kept + self.ellipsis);
            }
            out.push(c);
            width += w;
        }
        (out, width)
    }

    /// `s` broken into lines of at most `max_w` points, at spaces where possible.
    fn wrap(&self, s: &str, size: f32, max_w: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in s.split_whitespace() {
            let mut word_w = self.width(word, size);
            let mut word = word.to_string();
            if !line.is_empty() && line_w + space + word_w <= max_w {
                line.push(' ');
                line.push_str(&word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line: break it between characters.
            while word_w > max_w {
                let mut taken = 0.0;
                let split = word
                    .char_indices()
                    .find(|&(i, c)| {
                        taken += self.width_of(c) as f32 * size / 1000.0;
                        taken > max_w && i > 0
                    })
                    .map_or(word.len(), |(i, _)| i);
                let rest = word.split_off(split);
                lines.push(word);
                word = rest;
                word_w = self.width(&word, size);
            }
            line_w = word_w;
            line = word;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

// ---- page content ----

/// One page's operations, with the text state tracked so that fonts and colours are only set
/// when they change, and text objects are opened and closed around runs of text.
struct Canvas {
    ops: Vec<Op>,
    in_text: bool,
    font: Option<(Weight, f32)>,
    fill: Option<Rgb8>,
    /// The table rows on this page, written where the `ROWS` marker is.
    rows: Option<RowBlock>,
}

/// Table rows `rows`, the first one's top edge at `top`. They are the bulk of a big return, so
/// they are not made into operations but written straight into the content stream, page by
/// page, after layout.
#[derive(Debug, Clone, PartialEq)]
struct RowBlock {
    rows: Range<usize>,
    top: f32,
}

/// Marks the place of a page's `RowBlock` among its operations.
const ROWS: &str = "rows";

/// What a page shows: its operations and, at the `ROWS` marker, its table rows.
struct PageContent {
    ops: Vec<Op>,
    rows: Option<RowBlock>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            ops: Vec::with_capacity(256),
            in_text: false,
            font: None,
            fill: None,
            rows: None,
        }
    }

    fn finish(mut self) -> PageContent {
        self.end_text();
        PageContent {
            ops: self.ops,
            rows: self.rows,
        }
    }

    fn set_fill(&mut self, colour: Rgb8) {
        if self.fill != Some(colour) {
            self.fill = Some(colour);
            let [r, g, b] = colour.map(|v| f32::from(v) / 255.0);
            self.ops.push(Op::SetFillColor {
                col: Color::Rgb(Rgb {
                    r,
                    g,
                    b,
                    icc_profile: None,
                }),
            });
        }
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    /// A filled rectangle (also used for rules, which are thin rectangles).
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb8) {
        self.end_text();
        self.set_fill(colour);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(y),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// Shows `items` with its origin at (`x`, `baseline`).
    fn show(
        &mut self,
        x: f32,
        baseline: f32,
        weight: Weight,
        size: f32,
        colour: Rgb8,
        items: Vec<TextItem>,
    ) {
        if items.is_empty() {
            return;
        }
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
        }
        if self.font != Some((weight, size)) {
            self.font = Some((weight, size));
            self.ops.push(Op::SetFont {
                font: font_handle(weight),
                size: Pt(size),
            });
        }
        self.set_fill(colour);
        self.ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(x), Pt(baseline)),
        });
        self.ops.push(Op::ShowText { items });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
    Right,
}

/// The whole document being laid out: finished pages and the cursor on the last one.
struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Canvas>,
    /// The top of the free space on the current page.
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout {
            fonts,
            pages: vec![Canvas::new()],
            y: CONTENT_TOP,
        }
    }

    fn canvas(&mut self) -> &mut Canvas {
        let last = self.pages.len() - 1; // never empty: `new` makes the first page
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Canvas::new());
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `h` points fit on this one; says whether it did.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < CONTENT_BOTTOM && self.y < CONTENT_TOP {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// One line of text, cut to `max_w`, placed by `align` in [x, x + max_w].
    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        s: &str,
        x: f32,
        max_w: f32,
        align: Align,
        baseline: f32,
        weight: Weight,
        size: f32,
        colour: Rgb8,
    ) {
        let (s, units) = self.fonts.face(weight).fit(s, size, max_w);
        if s.is_empty() {
            return;
        }
        let w = units as f32 * size / 1000.0;
        let x = match align {
            Align::Left => x,
            Align::Centre => x + (max_w - w) / 2.0,
            Align::Right => x + max_w - w,
        };
        self.canvas()
            .show(x, baseline, weight, size, colour, vec![TextItem::Text(s)]);
    }

    /// A line of body text in a box of height `h` at the cursor, which moves below it.
    fn line(&mut self, s: &str, indent: f32, weight: Weight, size: f32, colour: Rgb8, h: f32) {
        let baseline = self.y - h + (h - CAP_HEIGHT * size) / 2.0;
        self.text(
            s,
            MARGIN_X + indent,
            USABLE_W - indent,
            Align::Left,
            baseline,
            weight,
            size,
            colour,
        );
        self.y -= h;
    }

    /// A section heading with a rule under it; `keep` is the height that must fit after it.
    fn heading(&mut self, s: &str, keep: f32) {
        self.ensure(HEADING_H + keep);
        let baseline = self.y - 15.0;
        self.text(
            s,
            MARGIN_X,
            USABLE_W,
            Align::Left,
            baseline,
            Weight::Bold,
            HEADING_SIZE,
            NHS_BLUE,
        );
        let rule_y = self.y - 20.0;
        self.canvas()
            .rect(MARGIN_X, rule_y, USABLE_W, 0.8, NHS_BLUE);
        self.y -= HEADING_H;
    }
}

/// Lays the report out into pages, footers included.
fn layout(report: &Report, fonts: &Fonts) -> (Vec<PageContent>, Columns) {
    let mut l = Layout::new(fonts);
    title_block(&mut l, report);
    summary(&mut l, &report.summary);
    chart(&mut l, &report.chart, &report.breakdown);
    changes(&mut l, &report.changes);
    let cols = columns(&report.table, fonts);
    table(&mut l, &report.table, &cols);
    let mut pages = l.pages;
    let total = pages.len();
    let footer = format!("{} \u{2014} {}", report.title, report.period);
    for (i, canvas) in pages.iter_mut().enumerate() {
        decorate(canvas, fonts, i + 1, total, &footer);
    }
    (pages.into_iter().map(Canvas::finish).collect(), cols)
}

/// The marking top and bottom, the rules, and the footer line with "Page X of Y". The top
/// marking goes first in the page's content, so that it is also read first.
fn decorate(canvas: &mut Canvas, fonts: &Fonts, page: usize, pages: usize, footer: &str) {
    let bold = &fonts.bold;
    let regular = &fonts.regular;
    let (marking, marking_units) = bold.fit(MARKING, MARKING_SIZE, USABLE_W);
    let marking_x = (PAGE_W - marking_units as f32 * MARKING_SIZE / 1000.0) / 2.0;

    let mut head = Canvas::new();
    head.show(
        marking_x,
        PAGE_H - 24.0,
        Weight::Bold,
        MARKING_SIZE,
        TEXT,
        vec![TextItem::Text(marking.clone())],
    );
    head.rect(MARGIN_X, PAGE_H - 32.0, USABLE_W, 0.5, RULE);
    // Self-contained (it ends its text object, and the body sets its own font and colour
    // before first use), so it can go in front of the body.
    canvas.ops.splice(0..0, head.finish().ops);

    canvas.rect(MARGIN_X, 44.0, USABLE_W, 0.5, RULE);
    let number = format!("Page {page} of {pages}");
    let (number, number_units) = regular.fit(&number, FOOTER_SIZE, USABLE_W);
    let number_w = number_units as f32 * FOOTER_SIZE / 1000.0;
    let (footer, _) = regular.fit(footer, FOOTER_SIZE, USABLE_W - number_w - 24.0);
    canvas.show(
        MARGIN_X,
        33.0,
        Weight::Regular,
        FOOTER_SIZE,
        SECONDARY,
        vec![TextItem::Text(footer)],
    );
    canvas.show(
        PAGE_W - MARGIN_X - number_w,
        33.0,
        Weight::Regular,
        FOOTER_SIZE,
        SECONDARY,
        vec![TextItem::Text(number)],
    );
    canvas.show(
        marking_x,
        16.0,
        Weight::Bold,
        MARKING_SIZE,
        TEXT,
        vec![TextItem::Text(marking)],
    );
}

fn title_block(l: &mut Layout, report: &Report) {
    l.line(&report.title, 0.0, Weight::Bold, TITLE_SIZE, NHS_BLUE, 26.0);
    l.y -= 2.0;
    l.line(&report.organisation, 0.0, Weight::Regular, 11.5, TEXT, 16.0);
    l.line(&report.period, 0.0, Weight::Bold, 11.5, TEXT, 16.0);
    l.y -= 4.0;
    l.line(
        &format!("As at {}", report.as_at),
        0.0,
        Weight::Regular,
        BODY_SIZE,
        SECONDARY,
        LINE_H,
    );
    l.line(
        &format!("Generated by {}", report.generated),
        0.0,
        Weight::Regular,
        BODY_SIZE,
        SECONDARY,
        LINE_H,
    );
    l.y -= 10.0;
}

/// 1 234 567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The headline figures: label–value rows in up to three columns, read down each column.
fn summary(l: &mut Layout, figures: &[(String, u64)]) {
    const ROW: f32 = 18.0;
    const GUTTER: f32 = 28.0;
    l.heading("Summary", ROW);
    if figures.is_empty() {
        l.line("None", 0.0, Weight::Regular, BODY_SIZE, SECONDARY, LINE_H);
        l.y -= 10.0;
        return;
    }
    let columns = figures.len().min(3);
    let rows = figures.len().div_ceil(columns);
    let col_w = (USABLE_W - GUTTER * (columns - 1) as f32) / columns as f32;
    for r in 0..rows {
        l.ensure(ROW);
        let bottom = l.y - ROW;
        for c in 0..columns {
            let Some((label, value)) = figures.get(c * rows + r) else {
                continue;
            };
            let x = MARGIN_X + c as f32 * (col_w + GUTTER);
            let value = thousands(*value);
            let value_w = l.fonts.bold.width(&value, 10.0);
            let baseline = bottom + (ROW - CAP_HEIGHT * BODY_SIZE) / 2.0;
            l.text(
                label,
                x,
                col_w - value_w - 8.0,
                Align::Left,
                baseline,
                Weight::Regular,
                BODY_SIZE,
                TEXT,
            );
            l.text(
                &value,
                x,
                col_w,
                Align::Right,
                baseline,
                Weight::Bold,
                10.0,
                TEXT,
            );
            l.canvas().rect(x, bottom, col_w, 0.5, RULE);
        }
        l.y = bottom;
    }
    l.y -= 14.0;
}

/// The bar chart: one bar per entry scaled to the largest value, the value above the bar and
/// the label (up to two lines) under the axis. A zero draws no bar but still says 0.
fn chart(l: &mut Layout, bars: &[Bar], breakdown: &[Vec<String>]) {
    const PLOT_H: f32 = 120.0;
    const VALUE_H: f32 = 14.0;
    const LABEL_SIZE: f32 = 8.5;
    const LABEL_LINE: f32 = 10.5;
    const HEIGHT: f32 = VALUE_H + PLOT_H + 6.0 + 2.0 * LABEL_LINE + 12.0;
    l.heading("People by rating and age band", HEIGHT);
    breakdown_table(l, breakdown);
    if bars.is_empty() {
        l.line("None", 0.0, Weight::Regular, BODY_SIZE, SECONDARY, LINE_H);
        l.y -= 10.0;
        return;
    }
    let n = bars.len() as f32;
    // The breakdown table takes the right-hand side when there is one.
    let room = if breakdown.is_empty() {
        USABLE_W - 16.0
    } else {
        USABLE_W - 16.0 - 346.0
    };
    let slot = (room / n).min(96.0);
    let bar_w = slot * 0.62;
    let x0 = MARGIN_X + 8.0;
    let base = l.y - VALUE_H - PLOT_H;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    // Faint guide lines at half and full scale, then the bars, then the axis over them.
    if max > 0 {
        for frac in [0.5, 1.0] {
            l.canvas()
                .rect(x0 - 6.0, base + PLOT_H * frac, slot * n + 12.0, 0.4, RULE);
        }
    }
    for (i, bar) in bars.iter().enumerate() {
        let centre = x0 + slot * (i as f32 + 0.5);
        let h = if max == 0 {
            0.0
        } else {
            (bar.value as f64 / max as f64 * f64::from(PLOT_H)) as f32
        };
        if bar.value > 0 {
            l.canvas().rect(
                centre - bar_w / 2.0,
                base,
                bar_w,
                h.max(1.0),
                bar_fill(bar.colour),
            );
        }
        l.text(
            &thousands(bar.value),
            centre - slot / 2.0,
            slot,
            Align::Centre,
            base + h.max(1.0) + 4.0,
            Weight::Bold,
            BODY_SIZE,
            TEXT,
        );
        let lines = l.fonts.regular.wrap(&bar.label, LABEL_SIZE, slot - 6.0);
        for (k, line) in lines.iter().take(2).enumerate() {
            let mut line = line.clone();
            if k == 1 && lines.len() > 2 {
                line.push_str(" \u{2026}"); // cut below; fit() keeps the width
            }
            l.text(
                &line,
                centre - slot / 2.0 + 3.0,
                slot - 6.0,
                Align::Centre,
                base - 6.0 - LABEL_SIZE * CAP_HEIGHT - k as f32 * LABEL_LINE,
                Weight::Regular,
                LABEL_SIZE,
                TEXT,
            );
        }
    }
    l.canvas()
        .rect(x0 - 6.0, base - 0.4, slot * n + 12.0, 0.8, TEXT);
    l.y -= HEIGHT;
}

/// The rating × age band table, right of the chart, from the top of the chart's space.
fn breakdown_table(l: &mut Layout, rows: &[Vec<String>]) {
    const ROW: f32 = 16.0;
    const FIRST_W: f32 = 90.0;
    const COL_W: f32 = 58.0;
    let x0 = MARGIN_X + USABLE_W - FIRST_W - 4.0 * COL_W;
    let mut top = l.y - 4.0;
    for (i, row) in rows.iter().enumerate() {
        let width = FIRST_W + COL_W * (row.len().saturating_sub(1)) as f32;
        if i == 0 {
            l.canvas().rect(x0, top - ROW, width, ROW, HEADER_FILL);
        } else {
            l.canvas().rect(x0, top - ROW, width, 0.5, RULE);
        }
        let weight = if i == 0 {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let baseline = top - ROW + (ROW - CAP_HEIGHT * BODY_SIZE) / 2.0;
        for (k, cell) in row.iter().enumerate() {
            let (x, w, align) = if k == 0 {
                (x0 + CELL_PAD, FIRST_W - 2.0 * CELL_PAD, Align::Left)
            } else {
                (
                    x0 + FIRST_W + COL_W * (k - 1) as f32,
                    COL_W - 2.0 * CELL_PAD,
                    Align::Right,
                )
            };
            let weight = if k == row.len() - 1 {
                Weight::Bold
            } else {
                weight
            };
            l.text(cell, x, w, align, baseline, weight, BODY_SIZE, TEXT);
        }
        top -= ROW;
    }
}

/// "Changes since the previous return": each section's heading and lines (wrapped, flowing
/// onto later pages with the heading repeated), or "None".
fn changes(l: &mut Layout, sections: &[Section]) {
    const SECTION_H: f32 = 16.0;
    const INDENT: f32 = 12.0;
    l.heading("Changes since the previous return", SECTION_H + LINE_H);
    if sections.is_empty() {
        l.line("None", 0.0, Weight::Regular, BODY_SIZE, SECONDARY, LINE_H);
    }
    for section in sections {
        l.ensure(SECTION_H + LINE_H);
        l.line(&section.heading, 0.0, Weight::Bold, 9.5, TEXT, SECTION_H);
        if section.lines.is_empty() {
            l.line(
                "None",
                INDENT,
                Weight::Regular,
                BODY_SIZE,
                SECONDARY,
                LINE_H,
            );
        }
        for line in &section.lines {
            let wrapped = l.fonts.regular.wrap(line, BODY_SIZE, USABLE_W - INDENT);
            for (k, part) in wrapped.iter().enumerate() {
                if l.ensure(LINE_H) {
                    l.line(
                        &format!("{} (continued)", section.heading),
                        0.0,
                        Weight::Bold,
                        9.5,
                        TEXT,
                        SECTION_H,
                    );
                }
                if k == 0 {
                    let baseline = l.y - LINE_H + (LINE_H - CAP_HEIGHT * BODY_SIZE) / 2.0;
                    l.text(
                        "\u{2022}",
                        MARGIN_X + 2.0,
                        INDENT,
                        Align::Left,
                        baseline,
                        Weight::Regular,
                        BODY_SIZE,
                        SECONDARY,
                    );
                }
                l.line(part, INDENT, Weight::Regular, BODY_SIZE, TEXT, LINE_H);
            }
        }
        l.y -= 6.0;
    }
    l.y -= 8.0;
}

/// Where each column sits, and how its cells are aligned.
struct Columns {
    x: Vec<f32>,
    w: Vec<f32>,
    align: Vec<Align>,
    /// The column titles, wrapped to at most two lines.
    titles: Vec<Vec<String>>,
    header_h: f32,
}

/// Column widths in proportion to the weights across the usable width; a column whose
/// non-empty cells are all plain numbers (counts) is centred, its title too.
fn columns(table: &Table, fonts: &Fonts) -> Columns {
    let n = table.columns.len();
    let total: u32 = table.columns.iter().map(|c| u32::from(c.weight)).sum();
    let w: Vec<f32> = table
        .columns
        .iter()
        .map(|c| {
            if total == 0 {
                USABLE_W / n as f32
            } else {
                USABLE_W * f32::from(c.weight) / total as f32
            }
        })
        .collect();
    let x: Vec<f32> = w
        .iter()
        .scan(MARGIN_X, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    let mut numeric = vec![(true, false); n]; // (all numbers, any value)
    for row in &table.rows {
        for (cell, state) in row.iter().zip(numeric.iter_mut()) {
            let cell = cell.trim();
            if !cell.is_empty() {
                state.1 = true;
                state.0 &= cell.bytes().all(|b| b.is_ascii_digit() || b == b',');
            }
        }
    }
    let align = numeric
        .iter()
        .map(|&(numbers, any)| {
            if numbers && any {
                Align::Centre
            } else {
                Align::Left
            }
        })
        .collect();
    let titles: Vec<Vec<String>> = table
        .columns
        .iter()
        .zip(&w)
        .map(|(c, w)| {
            let room = w - 2.0 * CELL_PAD;
            let mut lines = fonts.bold.wrap(&c.title, TABLE_SIZE, room);
            if lines.len() > 2 {
                lines.truncate(2);
                lines[1].push_str(" \u{2026}"); // made to fit, with its "…", when drawn
            }
            lines
        })
        .collect();
    let lines = titles.iter().map(Vec::len).max().unwrap_or(1).max(1);
    Columns {
        x,
        w,
        align,
        titles,
        header_h: 6.0 + lines as f32 * HEADER_LINE_H,
    }
}

/// The per-person table: heading, header row (shaded, bold, repeated on every page), then the
/// rows, zebra-shaded, cut to their columns with "…"; "No one." if there are none.
fn table(l: &mut Layout, table: &Table, cols: &Columns) {
    // Start on a new page unless the heading, the header and a few rows fit here.
    let few = table.rows.len().clamp(1, 3) as f32;
    if l.y - HEADING_H - cols.header_h - few * ROW_H < CONTENT_BOTTOM {
        l.new_page();
    }
    let rows_from = |y: f32| ((y - HEADING_H - cols.header_h - CONTENT_BOTTOM) / ROW_H) as usize;
    let first = rows_from(l.y);
    let per_page = rows_from(CONTENT_TOP);
    let chunks = paginate(table.rows.len(), first, per_page);
    for (k, rows) in chunks.into_iter().enumerate() {
        if k > 0 {
            l.new_page();
            l.heading(&format!("{} (continued)", table.heading), 0.0);
        } else {
            l.heading(&table.heading, 0.0);
        }
        header_row(l, cols);
        if rows.is_empty() {
            l.line(
                "No one.",
                CELL_PAD,
                Weight::Regular,
                BODY_SIZE,
                SECONDARY,
                ROW_H + 4.0,
            );
        }
        body_rows(l, rows);
        let end = l.y;
        l.canvas().rect(MARGIN_X, end, USABLE_W, 0.5, RULE);
    }
}

fn header_row(l: &mut Layout, cols: &Columns) {
    let top = l.y;
    let h = cols.header_h;
    l.canvas().rect(MARGIN_X, top - h, USABLE_W, h, HEADER_FILL);
    for i in 0..cols.x.len() {
        for (k, line) in cols.titles[i].iter().enumerate() {
            let baseline = top - 3.0 - HEADER_LINE_H * (k + 1) as f32
                + (HEADER_LINE_H - CAP_HEIGHT * TABLE_SIZE) / 2.0;
            l.text(
                line,
                cols.x[i] + CELL_PAD,
                cols.w[i] - 2.0 * CELL_PAD,
                cols.align[i],
                baseline,
                Weight::Bold,
                TABLE_SIZE,
                TEXT,
            );
        }
    }
    l.canvas().rect(MARGIN_X, top - h, USABLE_W, 0.7, SECONDARY);
    l.y -= h;
}

/// The rows of one page: the zebra shading now, the text later (see `RowBlock`).
fn body_rows(l: &mut Layout, rows: Range<usize>) {
    let top = l.y;
    for i in (1..rows.len()).step_by(2) {
        let bottom = top - ROW_H * (i + 1) as f32;
        l.canvas()
            .rect(MARGIN_X, bottom, USABLE_W, ROW_H, ZEBRA_FILL);
    }
    l.y = top - ROW_H * rows.len() as f32;
    let canvas = l.canvas();
    canvas.end_text();
    canvas.ops.push(Op::Marker { id: ROWS.into() });
    // The rows set their own font and colour: whatever comes after must set them again.
    canvas.font = None;
    canvas.fill = None;
    canvas.rows = Some(RowBlock { rows, top });
}

/// One table row as a single positioned run: where it starts, and its cells (cut to their
/// columns) with the kerning numbers that move the pen from one cell to the next.
fn row_items(row: &[String], cols: &Columns, face: &Face) -> (f32, Vec<TextItem>) {
    let mut items = Vec::with_capacity(row.len() * 2);
    let mut start = 0.0f32;
    let mut pen: Option<f32> = None;
    for (c, cell) in row.iter().enumerate().take(cols.x.len()) {
        if cell.is_empty() {
            continue;
        }
        let (text, units) = face.fit(cell, TABLE_SIZE, cols.w[c] - 2.0 * CELL_PAD);
        if text.is_empty() {
            continue;
        }
        let w = units as f32 * TABLE_SIZE / 1000.0;
        let x = match cols.align[c] {
            Align::Left => cols.x[c] + CELL_PAD,
            Align::Centre => cols.x[c] + (cols.w[c] - w) / 2.0,
            Align::Right => cols.x[c] + cols.w[c] - CELL_PAD - w,
        };
        match pen {
            None => start = x,
            // A TJ number n moves the pen by -n/1000 em.
            Some(p) => items.push(TextItem::Offset(-(x - p) * 1000.0 / TABLE_SIZE)),
        }
        items.push(TextItem::Text(text));
        pen = Some(x + w);
    }
    (start, items)
}

#[cfg(test)]
mod tests {
    use super::super::model::Column;
    use super::*;

    const NAMES: [&str; 12] = [
        "Zoë Ñúñez",
        "Siân Llewelyn-Pritchard",
        "Łukasz Wiśniewski",
        "Aoife Ó Súilleabháin",
        "Mohammed Al-Rashid",
        "Chloé Dubois-Martin",
        "Grzegorz Brzęczyszczykiewicz",
        "Tomás Mac Giolla Phádraig",
        "Amara Okonkwo",
        "Björn Ångström",
        "Priya Ramanathan",
        "Daniel O'Connor",
    ];
    const SETTINGS: [&str; 6] = [
        "Assessment and treatment unit",
        "Secure (medium)",
        "Secure (low)",
        "Community (supported living)",
        "Acute mental health ward",
        "Residential care",
    ];
    const KEYWORKERS: [&str; 5] = [
        "Rhiannon Evans",
        "Kwame Mensah",
        "Saoirse Ní Bhriain",
        "Jürgen Müller",
        "Hannah Whitfield",
    ];

    /// A realistic monthly return with `rows` people. Deterministic: no randomness.
    pub(super) fn sample(rows: usize) -> Report {
        let columns = [
            ("NHS number", 11),
            ("Name", 17),
            ("Age band", 7),
            ("Rating", 6),
            ("Change", 9),
            ("Setting", 14),
            ("Last review", 9),
            ("Next review due", 9),
            ("Open actions", 6),
            ("Overdue actions", 6),
            ("Keyworker", 14),
        ]
        .map(|(title, weight)| Column {
            title: title.into(),
            weight,
        })
        .to_vec();
        let ratings = ["Red", "Amber", "Green", "Blue", "Unrated"];
        let table_rows = (0..rows)
            .map(|i| {
                let n = 9_434_760_000_u64 + (i as u64 * 7919) % 10_000;
                let d = n.to_string();
                let overdue = (i * 7) % 5;
                vec![
                    format!("{} {} {}", &d[0..3], &d[3..6], &d[6..10]),
                    format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1),
                    [
                        "18 to 24",
                        "25 to 34",
                        "35 to 44",
                        "45 to 54",
                        "55 to 64",
                        "65 and over",
                    ][i % 6]
                        .to_string(),
                    ratings[(i * 3) % 5].to_string(),
                    ["Same", "New", "Up from amber", "Down from red", "Same"][i % 5].to_string(),
                    SETTINGS[i % SETTINGS.len()].to_string(),
                    format!("{:02} Oct 2026", 1 + i % 28),
                    format!("{:02} Jan 2027", 1 + (i * 3) % 28),
                    ((i * 3) % 9).to_string(),
                    overdue.to_string(),
                    KEYWORKERS[i % KEYWORKERS.len()].to_string(),
                ]
            })
            .collect();
        Report {
            title: "Monthly return to NHS England".into(),
            organisation: "NHS Example Integrated Care Board".into(),
            period: "October 2026".into(),
            as_at: "23:59:59 on 31 October 2026".into(),
            generated: "Cara Commissioner (commissioner), 2 November 2026 at 10:14 UTC".into(),
            summary: [
                ("On the register", rows as u64),
                ("Red", 12),
                ("Amber", 40),
                ("Green", 61),
                ("Blue (in hospital)", 0),
                ("Not yet rated", 7),
                ("Added in the month", 3),
                ("Left in the month", 0),
                ("Admissions in the month", 2),
                ("Discharges in the month", 1),
                ("Reviews held in the month", 14),
                ("  of which CETR", 4),
                ("  of which C(E)TR follow-up", 10),
                ("Reviews overdue", 5),
                ("Actions open", 1_204),
                ("Actions overdue", 37),
                ("Referrals received in the month", 6),
                ("Referrals accepted in the month", 4),
                ("Referrals declined in the month", 1),
                ("Referrals awaiting a decision", 3),
                ("  of which past the 28-day decision date", 1),
            ]
            .map(|(label, n)| (label.to_string(), n))
            .to_vec(),
            breakdown: vec![
                ["Rating", "0\u{2013}17", "18\u{2013}25", "26+", "All"]
                    .map(String::from)
                    .to_vec(),
                ["Red", "5", "4", "3", "12"].map(String::from).to_vec(),
                ["Amber", "20", "10", "10", "40"].map(String::from).to_vec(),
                ["Green", "30", "20", "11", "61"].map(String::from).to_vec(),
                ["Blue", "2", "4", "3", "9"].map(String::from).to_vec(),
            ],
            chart: vec![
                Bar {
                    label: "Red".into(),
                    value: 12,
                    colour: Colour::Red,
                },
                Bar {
                    label: "Amber".into(),
                    value: 40,
                    colour: Colour::Amber,
                },
                Bar {
                    label: "Green".into(),
                    value: 61,
                    colour: Colour::Green,
                },
                Bar {
                    label: "Blue".into(),
                    value: 0,
                    colour: Colour::Blue,
                },
                Bar {
                    label: "Not rated".into(),
                    value: 7,
                    colour: Colour::Grey,
                },
            ],
            changes: vec![
                Section {
                    heading: "Against the previous return (September 2026, as at 30 September \
                              2026)"
                        .into(),
                    lines: vec![
                        "On the register: 118 then, 120 now (+2)".into(),
                        "Red: 12 then, 12 now (no change)".into(),
                    ],
                },
                Section {
                    heading: "Joined (3)".into(),
                    lines: vec![
                        "Zoë Ñúñez (943 476 5919), Assessment and treatment unit, rated Amber"
                            .into(),
                        "Siân Llewelyn-Pritchard (943 476 0012), Secure (low), not yet rated"
                            .into(),
                        "Łukasz Wiśniewski (943 476 3345), Acute mental health ward, rated Red"
                            .into(),
                    ],
                },
                Section {
                    heading: "Left (0)".into(),
                    lines: vec![],
                },
                Section {
                    heading: "Rating changed (2)".into(),
                    lines: vec![
                        "Aoife Ó Súilleabháin (943 476 1188): Green → Amber".into(),
                        "Mohammed Al-Rashid (943 476 2290): Amber → Red, because the \
                         placement broke down after a prolonged period of escalating \
                         distress and the community team requested an urgent CETR, which \
                         is now booked for 9 November 2026 with the full panel."
                            .into(),
                    ],
                },
            ],
            table: Table {
                heading: format!("People on the register ({rows})"),
                columns,
                rows: table_rows,
            },
        }
    }

    fn page_count(pdf: &[u8]) -> usize {
        // lopdf writes each page dictionary uncompressed as `/Type/Page` (the tree is `/Pages`).
        pdf.windows(10)
            .enumerate()
            .filter(|&(i, w)| w == b"/Type/Page" && pdf.get(i + 10) != Some(&b's'))
            .count()
    }

    /// All the text shown on each page, cell by cell, as it is written.
    fn page_texts(report: &Report) -> Vec<Vec<String>> {
        let fonts = fonts().unwrap();
        let (pages, cols) = layout(report, fonts);
        pages
            .into_iter()
            .map(|page| {
                let mut texts = Vec::new();
                for op in page.ops {
                    let items = match op {
                        Op::ShowText { items } => items,
                        Op::Marker { id } if id == ROWS => {
                            let block = page.rows.clone().unwrap();
                            report.table.rows[block.rows]
                                .iter()
                                .flat_map(|row| row_items(row, &cols, &fonts.regular).1)
                                .collect()
                        }
                        _ => continue,
                    };
                    texts.extend(items.into_iter().filter_map(|item| match item {
                        TextItem::Text(s) => Some(s),
                        _ => None,
                    }));
                }
                texts
            })
            .collect()
    }

    #[test]
    fn same_report_same_bytes() {
        let report = sample(40);
        let a = render(&report).unwrap();
        let b = render(&report).unwrap();
        assert!(a.starts_with(b"%PDF-"), "{:?}", &a[..8]);
        assert!(a == b, "two renders differ");
        // A different report gets a different document ID.
        let mut other = report.clone();
        other.generated.push('.');
        let c = render(&other).unwrap();
        assert_ne!(a, c);
        // The font programs compressed afresh give the same bytes as the ones kept.
        assert!(render_inner(&report, false).unwrap() == a);
    }

    #[test]
    fn dates_come_from_the_as_at_and_the_title_is_set() {
        let pdf = render(&sample(3)).unwrap();
        let find = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(find(b"D:20261031235959+00'00'"));
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 300..]).into_owned();
        let id = String::from_utf8(document_id(&sample(3))).unwrap();
        assert!(tail.contains(&format!("/ID[({id})({id})]")), "{tail}");
        let d = document_date("2026-11-22 23:59:59");
        assert_eq!((d.date.year, d.date.month, d.date.day), (2026, 11, 22));
        assert_eq!(document_date("whenever"), DateTime::epoch());
        assert_eq!(document_date("31 February 2026"), DateTime::epoch());
        let d = document_date("Note: 23:59 on Sunday 22 November 2026");
        assert_eq!((d.date.day, d.time.hour, d.time.minute), (22, 23, 59));
    }

    #[test]
    fn pages_are_counted_and_the_header_repeats() {
        let report = sample(120);
        let pages = page_texts(&report);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let pdf = render(&report).unwrap();
        assert_eq!(page_count(&pdf), pages.len());
        let total = pages.len();
        let heading = &report.table.heading;
        let continued = format!("{heading} (continued)");
        let mut seen_rows = Vec::new();
        let mut table_pages = 0;
        for (i, texts) in pages.iter().enumerate() {
            assert_eq!(texts.first().map(String::as_str), Some(MARKING));
            assert_eq!(texts.last().map(String::as_str), Some(MARKING));
            assert!(texts.contains(&format!("Page {} of {total}", i + 1)));
            if texts.contains(heading) || texts.contains(&continued) {
                table_pages += 1;
                // The header row is on every page of the table, first cell to last.
                assert!(texts.iter().any(|t| t == "NHS number"));
                assert!(texts.iter().any(|t| t == "Keyworker"));
                assert_eq!(texts.contains(&continued), table_pages > 1);
            }
            seen_rows.extend(texts.iter().filter(|t| t.starts_with("943 476 ")).cloned());
        }
        assert!(table_pages >= 2);
        // Every row once, in order, none split or lost.
        let expected: Vec<&String> = report.table.rows.iter().map(|r| &r[0]).collect();
        assert_eq!(seen_rows.iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn a_pdf_reader_finds_the_pages_and_the_names() {
        let report = sample(60);
        let pdf = render(&report).unwrap();
        let mut warnings = Vec::new();
        let opts = printpdf::PdfParseOptions {
            fail_on_error: true,
        };
        let doc = PdfDocument::parse(&pdf, &opts, &mut warnings).unwrap();
        assert_eq!(doc.pages.len(), page_texts(&report).len());
        let text = doc.extract_text().concat().concat();
        for name in [
            "Zoë Ñúñez",
            "Siân",
            "Łukasz Wiśniewski",
            "Ó Súilleabháin",
            MARKING,
        ] {
            assert!(text.contains(name), "{name} not in the text");
        }
        assert!(text.contains("Page 1 of "));
    }

    #[test]
    fn paginate_never_splits_and_the_first_page_has_less_room() {
        let pages = paginate(120, 10, 38);
        assert_eq!(pages, vec![0..10, 10..48, 48..86, 86..120]);
        assert_eq!(paginate(0, 10, 38), vec![0..0]);
        assert_eq!(paginate(5, 10, 38), vec![0..5]);
        assert_eq!(paginate(10, 10, 38), vec![0..10]);
        assert_eq!(paginate(11, 10, 38), vec![0..10, 10..11]);
        assert_eq!(paginate(3, 0, 0), vec![0..1, 1..2, 2..3]);
        for (n, first, per) in [(1000, 7, 38), (77, 38, 38), (39, 1, 38)] {
            let pages = paginate(n, first, per);
            assert_eq!(pages[0].len(), first.min(n));
            assert!(pages.iter().all(|p| p.len() <= per.max(first)));
            assert!(pages.windows(2).all(|w| w[0].end == w[1].start));
            assert_eq!(pages.last().map(|p| p.end), Some(n));
        }
    }

    #[test]
    fn empty_table_says_no_one_and_a_zero_chart_draws() {
        let mut report = sample(0);
        for bar in &mut report.chart {
            bar.value = 0;
        }
        report.changes.clear();
        let texts: Vec<String> = page_texts(&report).concat();
        assert!(texts.contains(&"No one.".to_string()));
        assert!(texts.iter().filter(|t| *t == "0").count() >= report.chart.len());
        assert!(render(&report).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn long_cells_are_cut_with_an_ellipsis() {
        let face = &fonts().unwrap().regular;
        let (s, units) = face.fit("Grzegorz Brzęczyszczykiewicz-Wojciechowski", 8.0, 60.0);
        assert!(s.ends_with('\u{2026}'), "{s}");
        assert!(units as f32 * 8.0 / 1000.0 <= 60.0);
        assert!(s.starts_with("Grzegorz"));
        let (s, _) = face.fit("Zoë", 8.0, 60.0);
        assert_eq!(s, "Zoë");
        // Characters the font lacks, and control characters, are not passed through.
        let (s, _) = face.fit("a\tb\u{6F22}", 8.0, 200.0);
        assert_eq!(s, "a b\u{FFFD}");
        // Widths are the font's advances: "W" is wider than "i".
        assert!(face.width("W", 10.0) > 2.0 * face.width("i", 10.0));
        let mut report = sample(3);
        report.table.rows[0][1] =
            "Ó Súilleabháin-Fitzgerald-Montgomery, Siobhán Áine Bernadette".into();
        let texts = page_texts(&report).concat();
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Ó Súilleabháin") && t.ends_with('\u{2026}'))
        );
    }

    #[test]
    fn rows_with_missing_or_extra_cells_and_no_weights_render() {
        let mut report = sample(5);
        report.table.rows[0].truncate(2);
        report.table.rows[1].push("extra".into());
        for c in &mut report.table.columns {
            c.weight = 0;
        }
        report.table.columns[0].title =
            "A very long column title that needs more than two lines".into();
        assert!(render(&report).is_ok());
        report.table.columns.clear();
        assert!(render(&report).is_ok());
    }

    /// Writes the sample to $PDF_SAMPLE (default /tmp/pdfcheck/sample.pdf) to look at.
    #[test]
    #[ignore]
    fn write_sample() {
        let path = std::env::var("PDF_SAMPLE").unwrap_or("/tmp/pdfcheck/sample.pdf".into());
        if let Some(dir) = std::path::Path::new(&path).parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, render(&sample(120)).unwrap()).unwrap();
        // And a weekly return's shape: other columns, a longer period.
        let mut weekly = sample(45);
        weekly.title = "Weekly inpatient return".into();
        weekly.period = "Week ending Sunday 22 November 2026".into();
        weekly.as_at = "23:59:59 on 22 November 2026".into();
        weekly.table.heading = "People in hospital (45)".into();
        weekly.table.columns = [
            ("NHS number", 11),
            ("Name", 16),
            ("Admitted", 9),
            ("Hospital", 16),
            ("Security", 9),
            ("Legal status", 12),
            ("Days", 5),
            ("Last review", 9),
            ("Next review due", 9),
            ("Last visit", 9),
            ("Next visit due", 9),
            ("Planned discharge", 9),
        ]
        .map(|(title, weight)| Column {
            title: title.into(),
            weight,
        })
        .to_vec();
        for (i, row) in weekly.table.rows.iter_mut().enumerate() {
            *row = vec![
                row[0].clone(),
                row[1].clone(),
                format!("{:02} Mar 2025", 1 + i % 28),
                ["St Ann's Hospital, Tottenham", "Cygnet Hospital Colchester"][i % 2].into(),
                ["Medium secure", "Low secure", "General"][i % 3].into(),
                ["Section 3 (MHA)", "Section 37/41 (MHA)", "Informal"][i % 3].into(),
                (30 + i * 17).to_string(),
                row[6].clone(),
                row[7].clone(),
                format!("{:02} Nov 2026", 1 + i % 20),
                format!("{:02} Dec 2026", 1 + i % 20),
                if i % 4 == 0 {
                    String::new()
                } else {
                    "31 Jan 2027".into()
                },
            ];
        }
        std::fs::write(
            path.replace(".pdf", "-weekly.pdf"),
            render(&weekly).unwrap(),
        )
        .unwrap();
    }

    /// `cargo test --release --lib reports::pdf::tests::timing -- --ignored --nocapture`;
    /// PDF_ROWS picks the size (default 10,000).
    #[test]
    #[ignore]
    fn timing() {
        let rows = std::env::var("PDF_ROWS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000);
        let peak = || {
            std::fs::read_to_string("/proc/self/status")
                .unwrap_or_default()
                .lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
                .unwrap_or_default()
        };
        let report = sample(rows);
        fonts().unwrap();
        println!("peak RSS before rendering: {} kB", peak());
        for run in ["first (compresses the fonts)", "second"] {
            let start = std::time::Instant::now();
            let pdf = render(&report).unwrap();
            println!(
                "{rows} rows, {run} render: {} pages, {} bytes, {:?}, peak RSS {} kB",
                page_count(&pdf),
                pdf.len(),
                start.elapsed(),
                peak()
            );
        }
    }
}
