//! Laying a report out into pages: the canvas that tracks text state, the cursor down a page,
//! and the marking, rules and footer every page carries.

use super::*;

/// One page's operations, with the text state tracked so that fonts and colours are only set
/// when they change, and text objects are opened and closed around runs of text.
pub(super) struct Canvas {
    pub(super) ops: Vec<Op>,
    pub(super) in_text: bool,
    pub(super) font: Option<(Weight, f32)>,
    pub(super) fill: Option<Rgb8>,
    /// The table rows on this page, written where the `ROWS` marker is.
    pub(super) rows: Option<RowBlock>,
}

/// Table rows `rows`, the first one's top edge at `top`. They are the bulk of a big return, so
/// they are not made into operations but written straight into the content stream, page by
/// page, after layout.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RowBlock {
    pub(super) rows: Range<usize>,
    pub(super) top: f32,
}

/// Marks the place of a page's `RowBlock` among its operations.
pub(super) const ROWS: &str = "rows";

/// What a page shows: its operations and, at the `ROWS` marker, its table rows.
pub(super) struct PageContent {
    pub(super) ops: Vec<Op>,
    pub(super) rows: Option<RowBlock>,
}

impl Canvas {
    pub(super) fn new() -> Canvas {
        Canvas {
            ops: Vec::with_capacity(256),
            in_text: false,
            font: None,
            fill: None,
            rows: None,
        }
    }

    pub(super) fn finish(mut self) -> PageContent {
        self.end_text();
        PageContent {
            ops: self.ops,
            rows: self.rows,
        }
    }

    pub(super) fn set_fill(&mut self, colour: Rgb8) {
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

    pub(super) fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    /// A filled rectangle (also used for rules, which are thin rectangles).
    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb8) {
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
    pub(super) fn show(
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
pub(super) enum Align {
    Left,
    Centre,
    Right,
}

/// The whole document being laid out: finished pages and the cursor on the last one.
pub(super) struct Layout<'a> {
    pub(super) fonts: &'a Fonts,
    pub(super) pages: Vec<Canvas>,
    /// The top of the free space on the current page.
    pub(super) y: f32,
}

impl<'a> Layout<'a> {
    pub(super) fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout {
            fonts,
            pages: vec![Canvas::new()],
            y: CONTENT_TOP,
        }
    }

    pub(super) fn canvas(&mut self) -> &mut Canvas {
        let last = self.pages.len() - 1; // never empty: `new` makes the first page
        &mut self.pages[last]
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Canvas::new());
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `h` points fit on this one; says whether it did.
    pub(super) fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < CONTENT_BOTTOM && self.y < CONTENT_TOP {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// One line of text, cut to `max_w`, placed by `align` in [x, x + max_w].
    #[allow(clippy::too_many_arguments)]
    pub(super) fn text(
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
    pub(super) fn line(
        &mut self,
        s: &str,
        indent: f32,
        weight: Weight,
        size: f32,
        colour: Rgb8,
        h: f32,
    ) {
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
    pub(super) fn heading(&mut self, s: &str, keep: f32) {
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
pub(super) fn layout(report: &Report, fonts: &Fonts) -> (Vec<PageContent>, Columns) {
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
        decorate(
            canvas,
            fonts,
            &LANDSCAPE,
            (i + 1, total),
            (MARKING, &footer),
        );
    }
    (pages.into_iter().map(Canvas::finish).collect(), cols)
}

/// A page's size and side margin, in points.
pub(super) struct Sheet {
    pub(super) w: f32,
    pub(super) h: f32,
    pub(super) margin: f32,
}

/// A return's pages: A4 landscape.
pub(super) const LANDSCAPE: Sheet = Sheet {
    w: PAGE_W,
    h: PAGE_H,
    margin: MARGIN_X,
};

/// The marking top and bottom, the rules, and the footer line with "Page X of Y" (`page` of
/// `pages`). The top marking goes first in the page's content, so that it is also read first.
pub(super) fn decorate(
    canvas: &mut Canvas,
    fonts: &Fonts,
    sheet: &Sheet,
    (page, pages): (usize, usize),
    (marking, footer): (&str, &str),
) {
    let bold = &fonts.bold;
    let regular = &fonts.regular;
    let usable = sheet.w - 2.0 * sheet.margin;
    let (marking, marking_units) = bold.fit(marking, MARKING_SIZE, usable);
    let marking_x = (sheet.w - marking_units as f32 * MARKING_SIZE / 1000.0) / 2.0;

    let mut head = Canvas::new();
    head.show(
        marking_x,
        sheet.h - 24.0,
        Weight::Bold,
        MARKING_SIZE,
        TEXT,
        vec![TextItem::Text(marking.clone())],
    );
    head.rect(sheet.margin, sheet.h - 32.0, usable, 0.5, RULE);
    // Self-contained (it ends its text object, and the body sets its own font and colour
    // before first use), so it can go in front of the body.
    canvas.ops.splice(0..0, head.finish().ops);

    canvas.rect(sheet.margin, 44.0, usable, 0.5, RULE);
    let number = format!("Page {page} of {pages}");
    let (number, number_units) = regular.fit(&number, FOOTER_SIZE, usable);
    let number_w = number_units as f32 * FOOTER_SIZE / 1000.0;
    let (footer, _) = regular.fit(footer, FOOTER_SIZE, usable - number_w - 24.0);
    canvas.show(
        sheet.margin,
        33.0,
        Weight::Regular,
        FOOTER_SIZE,
        SECONDARY,
        vec![TextItem::Text(footer)],
    );
    canvas.show(
        sheet.w - sheet.margin - number_w,
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
