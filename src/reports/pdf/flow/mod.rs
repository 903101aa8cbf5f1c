//! Flowing documents (a review's report and its easy-read version) on A4 portrait: text wrapped
//! to the width, headings kept with what follows them, tables whose rows never split and whose
//! header row repeats, boxed cards kept whole, the marking and "Page X of Y" on every page.
//! Easy read is set large (16 pt text at least), with plenty of space and a drawn symbol
//! beside each heading, the text in a column to the right of the symbols.
//!
//! These documents are a few pages, so printpdf writes every page from its operations (the
//! return's faster path for 100,000 rows is not needed); the fonts, the trailer `/ID` (a digest
//! of the words) and the dates are settled as for a return, so the bytes are reproducible.

use super::chart::{Place, draw_chart};
use super::document::{document_date, pack_fonts, settle_trailer};
use super::layout::{Canvas, Sheet, decorate};
use super::symbols::draw_symbol;
use super::*;
use crate::reports::document::{Block, Document, Style};

/// A4 portrait.
const PORTRAIT: Sheet = Sheet {
    w: 210.0 * 72.0 / 25.4,
    h: 297.0 * 72.0 / 25.4,
    margin: 54.0,
};
const TOP: f32 = PORTRAIT.h - 50.0;
const BOTTOM: f32 = 62.0;
const WIDTH: f32 = PORTRAIT.w - 2.0 * PORTRAIT.margin;

/// The sizes a style sets text in (points).
#[derive(Clone)]
struct Set {
    body: f32,
    leading: f32,
    title: f32,
    subtitle: f32,
    heading: f32,
    /// Space after a paragraph.
    gap: f32,
    /// Where text starts, right of the margin (easy read: right of the symbols).
    indent: f32,
    /// A heading's symbol (easy read), its side.
    symbol: f32,
    table: f32,
    table_leading: f32,
}

fn set_for(style: Style) -> Set {
    match style {
        Style::Standard => Set {
            body: 10.0,
            leading: 14.0,
            title: 19.0,
            subtitle: 12.0,
            heading: 13.5,
            gap: 6.0,
            indent: 0.0,
            symbol: 0.0,
            table: 9.0,
            table_leading: 12.0,
        },
        Style::EasyRead => Set {
            body: 16.0,
            leading: 25.0,
            title: 30.0,
            subtitle: 18.0,
            heading: 22.0,
            gap: 14.0,
            indent: 76.0,
            symbol: 56.0,
            table: 16.0,
            table_leading: 23.0,
        },
    }
}

/// The PDF's bytes. The same document always gives the same bytes.
pub fn render_document(doc: &Document) -> Result<Vec<u8>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render_inner(doc)))
        .unwrap_or_else(|_| Err("the PDF renderer panicked".into()))
}

/// The document's pages, before their marking and footers.
fn lay_out(doc: &Document, fonts: &Fonts) -> Vec<Canvas> {
    let mut flow = Flow {
        fonts,
        set: set_for(doc.style),
        pages: vec![Canvas::new()],
        y: TOP,
    };
    for block in &doc.blocks {
        flow.block(block);
    }
    flow.pages
}

fn render_inner(doc: &Document) -> Result<Vec<u8>, String> {
    let fonts = fonts()?;
    let mut pages = lay_out(doc, fonts);
    let total = pages.len();
    for (i, canvas) in pages.iter_mut().enumerate() {
        decorate(
            canvas,
            fonts,
            &PORTRAIT,
            (i + 1, total),
            (doc.marking.words(), &doc.footer),
        );
    }

    let mut pdf = PdfDocument::new(&doc.title);
    let info = &mut pdf.metadata.info;
    let date = document_date(doc.day);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = doc.organisation.clone();
    info.subject = doc.marking.words().to_string();
    info.creator = "tcr (Transforming Care register)".to_string();
    info.producer = "tcr with printpdf 0.12".to_string();
    for (id, face) in [(REGULAR_ID, &fonts.regular), (BOLD_ID, &fonts.bold)] {
        pdf.resources
            .fonts
            .map
            .insert(FontId(id.to_string()), PdfFont::new(face.parsed.clone()));
    }
    pdf.pages = pages
        .into_iter()
        .map(|c| PdfPage::new(Mm(210.0), Mm(297.0), c.finish().ops))
        .collect();
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut out = pdf.to_lopdf_document(&opts, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(format!("PDF: {}", w.msg));
    }
    settle_trailer(&mut out, words_id(doc))?;
    pack_fonts(&mut out, fonts, true);
    out.compress();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes)
        .map_err(|e| format!("PDF: cannot write the document: {e}"))?;
    Ok(bytes)
}

/// 32 hex digits of a SHA-256 over the document's style, date and words.
fn words_id(doc: &Document) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update([doc.style as u8]);
    h.update(doc.day.to_string().as_bytes());
    for w in doc.words() {
        h.update((w.len() as u64).to_le_bytes());
        h.update(w.as_bytes());
    }
    h.finalize()[..16]
        .iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect()
}

/// The pages laid out so far and the top of the free space on the last one.
struct Flow<'a> {
    fonts: &'a Fonts,
    set: Set,
    pages: Vec<Canvas>,
    y: f32,
}

impl Flow<'_> {
    fn canvas(&mut self) -> &mut Canvas {
        let last = self.pages.len() - 1; // never empty
        &mut self.pages[last]
    }

    /// Starts a new page unless `h` points fit on this one (or this one is still empty).
    fn room(&mut self, h: f32) {
        if self.y - h < BOTTOM && self.y < TOP {
            self.pages.push(Canvas::new());
            self.y = TOP;
        }
    }

    /// `s` wrapped to `width` at `size`, each `\n` a line break; blank lines kept as gaps.
    fn lines(&self, s: &str, weight: Weight, size: f32, width: f32) -> Vec<String> {
        let face = self.fonts.face(weight);
        s.lines()
            .flat_map(|line| face.wrap(line.trim(), size, width))
            .map(|line| line.chars().map(|c| face.drawable(c)).collect())
            .collect()
    }

    /// One line of text with its baseline at `baseline`.
    fn show(&mut self, s: String, x: f32, baseline: f32, weight: Weight, size: f32, colour: Rgb8) {
        if s.is_empty() {
            return;
        }
        self.canvas()
            .show(x, baseline, weight, size, colour, vec![TextItem::Text(s)]);
    }

    /// Lines of text at `x`, each in a box `leading` high, breaking pages between lines.
    fn text(&mut self, lines: Vec<String>, x: f32, style: (Weight, f32, f32, Rgb8)) {
        let (weight, size, leading, colour) = style;
        for line in lines {
            self.room(leading);
            let baseline = self.y - (leading + CAP_HEIGHT * size) / 2.0;
            self.show(line, x, baseline, weight, size, colour);
            self.y -= leading;
        }
    }

    fn block(&mut self, block: &Block) {
        let s = &self.set;
        let (body, leading, gap) = (s.body, s.leading, s.gap);
        let x = PORTRAIT.margin + s.indent;
        let width = WIDTH - s.indent;
        match block {
            Block::Title { text } => {
                let size = self.set.title;
                let lines = self.lines(text, Weight::Bold, size, WIDTH);
                self.text(
                    lines,
                    PORTRAIT.margin,
                    (Weight::Bold, size, size * 1.25, NHS_BLUE),
                );
                self.y -= gap / 2.0;
            }
            Block::Subtitle { text } => {
                let size = self.set.subtitle;
                let lines = self.lines(text, Weight::Regular, size, WIDTH);
                self.text(
                    lines,
                    PORTRAIT.margin,
                    (Weight::Regular, size, size * 1.4, TEXT),
                );
            }
            Block::Heading { text, symbol } => self.heading(text, *symbol),
            Block::Label { text } => {
                let lines = self.lines(text, Weight::Bold, body, width);
                self.room(leading * (lines.len() + 2) as f32);
                self.text(lines, x, (Weight::Bold, body, leading, TEXT));
            }
            Block::Para { text } | Block::Note { text } => {
                let colour = if matches!(block, Block::Note { .. }) {
                    SECONDARY
                } else {
                    TEXT
                };
                let lines = self.lines(text, Weight::Regular, body, width);
                self.text(lines, x, (Weight::Regular, body, leading, colour));
                self.y -= gap;
            }
            Block::Pairs { pairs } => self.pairs(pairs),
            Block::Table { columns, rows } => self.table(columns, rows),
            Block::Card { lines } => self.card(lines),
            Block::Chart { chart } => self.chart(chart),
            Block::Together { blocks } => self.together(blocks),
        }
    }

    /// A heading: in easy read beside its symbol, else over a rule; kept with two lines after.
    fn heading(&mut self, text: &str, symbol: Option<crate::reports::document::Symbol>) {
        let (size, leading, side) = (self.set.heading, self.set.leading, self.set.symbol);
        self.y -= self.set.gap;
        let x = PORTRAIT.margin + self.set.indent;
        let lines = self.lines(text, Weight::Bold, size, WIDTH - self.set.indent);
        let text_h = lines.len() as f32 * size * 1.3;
        let h = text_h.max(side);
        self.room(h + 2.0 * leading);
        let top = self.y;
        if let Some(symbol) = symbol.filter(|_| side > 0.0) {
            let canvas = self.canvas();
            canvas.end_text();
            draw_symbol(canvas, symbol, PORTRAIT.margin, top - side, side);
        }
        self.y = top - (h - text_h) / 2.0;
        self.text(lines, x, (Weight::Bold, size, size * 1.3, NHS_BLUE));
        self.y = top - h;
        if side == 0.0 {
            let y = self.y - 3.0;
            self.canvas().rect(PORTRAIT.margin, y, WIDTH, 0.8, NHS_BLUE);
            self.y -= 8.0;
        }
        self.y -= self.set.gap / 2.0;
    }

    /// Label–value pairs, the labels in a column of their own; a pair never splits.
    fn pairs(&mut self, pairs: &[(String, String)]) {
        let (body, leading) = (self.set.body, self.set.leading);
        let x = PORTRAIT.margin + self.set.indent;
        let width = WIDTH - self.set.indent;
        let label_w = (width * 0.34).min(190.0);
        for (label, value) in pairs {
            let l = self.lines(label, Weight::Bold, body, label_w - 8.0);
            let v = self.lines(value, Weight::Regular, body, width - label_w);
            let h = l.len().max(v.len()) as f32 * leading;
            self.room(h);
            let top = self.y;
            self.text(l, x, (Weight::Bold, body, leading, TEXT));
            self.y = top;
            self.text(v, x + label_w, (Weight::Regular, body, leading, TEXT));
            self.y = top - h - 2.0;
        }
        self.y -= self.set.gap;
    }

    /// A table: the header row on a fill, repeated on each new page; rows never split.
    fn table(&mut self, columns: &[(String, u16)], rows: &[Vec<String>]) {
        const PAD: f32 = 4.0;
        let (size, leading) = (self.set.table, self.set.table_leading);
        let x0 = PORTRAIT.margin + self.set.indent;
        let width = WIDTH - self.set.indent;
        let total: f32 = columns
            .iter()
            .map(|(_, w)| f32::from(*w))
            .sum::<f32>()
            .max(1.0);
        let widths: Vec<f32> = columns
            .iter()
            .map(|(_, w)| width * f32::from(*w) / total)
            .collect();
        let wrap_row = |flow: &Flow, cells: &[String], weight| -> (Vec<Vec<String>>, f32) {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| flow.lines(c, weight, size, w - 2.0 * PAD))
                .collect();
            let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, n as f32 * leading + 2.0 * PAD)
        };
        let titles: Vec<String> = columns.iter().map(|(t, _)| t.clone()).collect();
        let (header, header_h) = wrap_row(self, &titles, Weight::Bold);
        let draw =
            |flow: &mut Flow, cells: Vec<Vec<String>>, h: f32, weight, fill: Option<Rgb8>| {
                let top = flow.y;
                if let Some(fill) = fill {
                    flow.canvas().rect(x0, top - h, width, h, fill);
                }
                let mut x = x0;
                for (lines, w) in cells.into_iter().zip(&widths) {
                    flow.y = top - PAD;
                    flow.text(lines, x + PAD, (weight, size, leading, TEXT));
                    x += w;
                }
                flow.y = top - h;
                flow.canvas().rect(x0, top - h, width, 0.6, RULE);
            };
        let first = rows.first().map(|r| wrap_row(self, r, Weight::Regular).1);
        self.room(header_h + first.unwrap_or(0.0));
        draw(
            self,
            header.clone(),
            header_h,
            Weight::Bold,
            Some(HEADER_FILL),
        );
        for row in rows {
            let (cells, h) = wrap_row(self, row, Weight::Regular);
            if self.y - h < BOTTOM {
                self.room(h + header_h + 1.0);
                draw(
                    self,
                    header.clone(),
                    header_h,
                    Weight::Bold,
                    Some(HEADER_FILL),
                );
            }
            draw(self, cells, h, Weight::Regular, None);
        }
        self.y -= self.set.gap * 1.5;
    }

    /// `blocks` on a new page unless they fit on this one (laid out once on a scratch page
    /// to measure them); where they would not fit on any one page, they simply flow.
    fn together(&mut self, blocks: &[Block]) {
        let mut probe = Flow {
            fonts: self.fonts,
            set: self.set.clone(),
            pages: vec![Canvas::new()],
            y: TOP,
        };
        for b in blocks {
            probe.block(b);
        }
        if probe.pages.len() == 1 {
            self.room(TOP - probe.y);
        }
        for b in blocks {
            self.block(b);
        }
    }

    /// A chart scaled down to the width if wider, kept whole on one page.
    fn chart(&mut self, chart: &crate::reports::chart::Chart) {
        let x = PORTRAIT.margin + self.set.indent;
        let width = WIDTH - self.set.indent;
        let k = (width / chart.width).min(1.0);
        let h = chart.height * k;
        self.room(h);
        let top = self.y;
        let fonts = self.fonts;
        draw_chart(self.canvas(), fonts, chart, &Place { x, top, k });
        self.y = top - h - self.set.gap;
    }

    /// A box of label–value lines (each label on its own line, its value below), kept whole.
    fn card(&mut self, lines: &[(String, String)]) {
        let (body, leading) = (self.set.body, self.set.leading);
        let pad = leading * 0.6;
        let x0 = PORTRAIT.margin + self.set.indent;
        let width = WIDTH - self.set.indent;
        let inner = width - 2.0 * pad - 6.0;
        let wrapped: Vec<(Vec<String>, Vec<String>)> = lines
            .iter()
            .map(|(l, v)| {
                (
                    self.lines(l, Weight::Bold, body, inner),
                    self.lines(v, Weight::Regular, body, inner),
                )
            })
            .collect();
        let n: usize = wrapped.iter().map(|(l, v)| l.len() + v.len()).sum();
        let h =
            n as f32 * leading + (wrapped.len().saturating_sub(1)) as f32 * pad / 2.0 + 2.0 * pad;
        self.room(h);
        let top = self.y;
        let canvas = self.canvas();
        canvas.rect(x0, top - h, width, h, ZEBRA_FILL);
        canvas.rect(x0, top - h, 6.0, h, NHS_BLUE);
        self.y = top - pad;
        for (i, (l, v)) in wrapped.into_iter().enumerate() {
            if i > 0 {
                self.y -= pad / 2.0;
            }
            self.text(l, x0 + 6.0 + pad, (Weight::Bold, body, leading, NHS_BLUE));
            self.text(v, x0 + 6.0 + pad, (Weight::Regular, body, leading, TEXT));
        }
        self.y = top - h - self.set.gap;
    }
}

#[cfg(test)]
mod tests;
