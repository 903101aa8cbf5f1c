//! Charts drawn on the server, with no script: a chart is laid out once into marks (bars, lines,
//! markers, words) in a box measured in points with y downwards, and the same marks are written
//! as SVG for the page (`svg`) and drawn in the PDF (`pdf::chart`), so the two never differ.
//! Colour is never the only cue: every series has its own marker shape and dash, and is named in
//! words at its end; every bar is labelled with its group and its number.

mod bars;
mod lines;

pub use bars::bars;
pub use lines::lines;

use serde::Serialize;

/// The few inks a chart uses (the NHS palette; the rating colours dark enough for a line on
/// white to keep 3 : 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Ink {
    Red,
    Amber,
    Green,
    Blue,
    Grey,
    /// Body text.
    Text,
    /// Axis words and notes.
    Secondary,
    /// Grid lines.
    Rule,
    /// Bars that mean nothing by their colour (NHS blue).
    Accent,
    /// A fourth line (NHS purple).
    Purple,
}

impl Ink {
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Ink::Red => [0xD5, 0x28, 0x1B],
            Ink::Amber => [0xA8, 0x6E, 0x00],
            Ink::Green => [0x00, 0x7F, 0x3B],
            Ink::Blue => [0x1F, 0x5F, 0xAD],
            Ink::Grey => [0x4C, 0x62, 0x72],
            Ink::Text => [0x21, 0x2B, 0x32],
            Ink::Secondary => [0x4C, 0x62, 0x72],
            Ink::Rule => [0xD8, 0xDD, 0xE0],
            Ink::Accent => [0x00, 0x5E, 0xB8],
            Ink::Purple => [0x33, 0x00, 0x72],
        }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        let [r, g, b] = self.rgb();
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// A series' marker: the rating badges' shapes (red square, amber circle, green diamond), a
/// triangle and a short bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Shape {
    Square,
    Circle,
    Diamond,
    Triangle,
    Dash,
}

impl Shape {
    /// The corners of the marker centred on (`x`, `y`), y downwards (a circle as sixteen).
    pub fn outline(self, x: f32, y: f32, r: f32) -> Vec<(f32, f32)> {
        match self {
            Shape::Square => {
                let s = r * 0.9;
                vec![
                    (x - s, y - s),
                    (x + s, y - s),
                    (x + s, y + s),
                    (x - s, y + s),
                ]
            }
            Shape::Dash => vec![
                (x - r * 1.3, y - r * 0.5),
                (x + r * 1.3, y - r * 0.5),
                (x + r * 1.3, y + r * 0.5),
                (x - r * 1.3, y + r * 0.5),
            ],
            Shape::Diamond => {
                let s = r * 1.25;
                vec![(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
            }
            Shape::Triangle => {
                let s = r * 1.2;
                vec![(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)]
            }
            // Sixteen sides: a circle at a marker's size.
            Shape::Circle => (0..16)
                .map(|i| {
                    let a = i as f32 * std::f32::consts::PI / 8.0;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect(),
        }
    }
}

/// Where a text's `x` is: its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One thing drawn. Coordinates are points from the chart's top-left corner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Mark {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        ink: Ink,
    },
    /// An open line through `points`; `dash` is the dash and gap lengths (none: solid).
    Line {
        points: Vec<(f32, f32)>,
        ink: Ink,
        width: f32,
        dash: Option<(f32, f32)>,
    },
    /// A marker centred on (`x`, `y`), `r` from its centre to its edge.
    Dot {
        x: f32,
        y: f32,
        r: f32,
        shape: Shape,
        ink: Ink,
    },
    /// Words with their baseline at `y`.
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        anchor: Anchor,
        bold: bool,
        ink: Ink,
    },
}

/// A chart laid out: its size, what a screen reader says of it, and its marks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub width: f32,
    pub height: f32,
    /// One sentence saying what the chart shows (the table beside it holds the numbers).
    pub title: String,
    pub marks: Vec<Mark>,
}

impl Chart {
    /// Every word the chart shows, in drawing order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str()).chain(self.marks.iter().filter_map(|m| match m {
            Mark::Text { text, .. } => Some(text.as_str()),
            _ => None,
        }))
    }
}

/// A line of a line chart: its name, look, and a value per category (none: hidden or absent,
/// a gap in the line).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub ink: Ink,
    pub shape: Shape,
    pub dash: Option<(f32, f32)>,
    pub values: Vec<Option<f64>>,
}

/// A line chart of several series over categories (months).
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub title: String,
    /// Each category's label: its first line (`Nov`; empty: none) and, where the year changes, a
    /// second (`2025`).
    pub categories: Vec<(String, Option<String>)>,
    pub series: Vec<Series>,
    /// The value axis ends at least here (100 for a percentage).
    pub at_least: f64,
    /// A dashed line across the chart with its words (an aim).
    pub reference: Option<(f64, String)>,
    /// What follows each tick's number (`%`).
    pub unit: &'static str,
}

/// One bar of a bar chart: its group's words, its value (none: hidden), the words shown at its
/// end (`12`, `*`) and its colour (`Accent` where the colour means nothing; a rating's colour
/// beside the rating's word).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub shown: String,
    pub ink: Ink,
}

/// The width a line chart is laid out at; the page scales it down to narrow screens.
pub const WIDTH: f32 = 640.0;
/// The width of a bar chart, which sits beside its table where there is room.
pub const BARS_WIDTH: f32 = 520.0;
pub(super) const SMALL: f32 = 12.0;
pub(super) const LABEL: f32 = 13.0;

/// An estimate of the width of `s` at `size`, for laying out words before any font is known
/// (the page's font is the reader's; the PDF measures its own).
pub fn approx_width(s: &str, size: f32) -> f32 {
    s.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ' ' | '\'' | '|' | '!' => 0.3,
            'm' | 'w' | 'M' | 'W' => 0.85,
            c if c.is_uppercase() || c.is_ascii_digit() => 0.62,
            _ => 0.52,
        })
        .sum::<f32>()
        * size
}

/// Tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, at most 6.
pub fn ticks(max: f64) -> Vec<f64> {
    let max = max.max(1.0);
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| s * 5.0 >= max - 1e-9)
        .unwrap_or(power * 10.0)
        .max(1.0);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

pub(super) fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// `s`, cut with an ellipsis to fit `w` (the table beside the chart has it whole).
pub(super) fn fit(s: &str, size: f32, w: f32) -> String {
    if approx_width(s, size) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if approx_width(&out, size) + approx_width("…", size) + approx_width(&c.to_string(), size)
            > w
        {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

pub(super) fn text(x: f32, y: f32, text: String, size: f32, anchor: Anchor) -> Mark {
    Mark::Text {
        x,
        y,
        text,
        size,
        anchor,
        bold: false,
        ink: Ink::Secondary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_steps_reaching_the_top() {
        assert_eq!(ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(ticks(4.0), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ticks(7.0), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ticks(100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(101.0).last(), Some(&150.0));
        assert_eq!(ticks(3456.0).last(), Some(&4000.0));
        for max in [1.0, 9.0, 55.0, 999.0, 12345.0] {
            let t = ticks(max);
            assert!(*t.last().unwrap() >= max && t.len() <= 7, "{max}: {t:?}");
        }
    }

    #[test]
    fn a_long_label_is_cut_to_fit() {
        let long = "A very long local authority name that goes on and on and on for ever";
        let cut = fit(long, LABEL, 200.0);
        assert!(
            cut.ends_with('…') && approx_width(&cut, LABEL) <= 200.0,
            "{cut}"
        );
        assert_eq!(fit("Leeds", LABEL, 200.0), "Leeds");
    }
}
