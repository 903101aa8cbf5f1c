//! Charts drawn on the server, with no script: a chart is laid out once into marks (bars, lines,
//! markers, words) in a box measured in points with y downwards, and the same marks are written
//! as SVG for the page (`svg`) and drawn in the PDF (`pdf::chart`), so the two never differ.
//! Colour is never the only cue: every series has its own marker shape and dash, and is named in
//! words at its end; every bar is labelled with its group and its number.

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
const SMALL: f32 = 12.0;
const LABEL: f32 = 13.0;

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

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A line chart: gridlines and numbers up the left, the categories along the bottom, each series
/// a line with its markers and its name at its last point.
pub fn lines(spec: &Lines) -> Chart {
    let max = spec
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .chain(spec.reference.iter().map(|r| r.0))
        .fold(spec.at_least, f64::max);
    let ticks = ticks(max);
    let top_value = *ticks.last().unwrap_or(&1.0);
    let tick_words: Vec<String> = ticks
        .iter()
        .map(|t| format!("{}{}", number(*t), spec.unit))
        .collect();
    let left = tick_words
        .iter()
        .map(|w| approx_width(w, SMALL))
        .fold(0.0, f32::max)
        + 10.0;
    // The names are bold: a little wider than the estimate.
    let right = spec
        .series
        .iter()
        .map(|s| approx_width(&s.name, LABEL) * 1.12)
        .fold(0.0, f32::max)
        + 24.0;
    let (top, plot_h) = (14.0, 220.0);
    let height = top + plot_h + 44.0;
    let plot_w = (WIDTH - left - right).max(120.0);
    let y_of = |v: f64| top + plot_h - (v / top_value) as f32 * plot_h;
    let n = spec.categories.len().max(1);
    let x_of = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + 8.0 + (plot_w - 16.0) * i as f32 / (n - 1) as f32
        }
    };
    let mut marks = Vec::new();
    for (t, words) in ticks.iter().zip(tick_words) {
        let y = y_of(*t);
        marks.push(Mark::Rect {
            x: left,
            y: y - 0.5,
            w: plot_w,
            h: 1.0,
            ink: if *t == 0.0 { Ink::Secondary } else { Ink::Rule },
        });
        marks.push(text(left - 6.0, y + 4.0, words, SMALL, Anchor::End));
    }
    for (i, (first, second)) in spec.categories.iter().enumerate() {
        let x = x_of(i);
        if first.is_empty() {
            continue;
        }
        marks.push(text(
            x,
            top + plot_h + 18.0,
            first.clone(),
            SMALL,
            Anchor::Middle,
        ));
        if let Some(second) = second {
            marks.push(text(
                x,
                top + plot_h + 34.0,
                second.clone(),
                SMALL,
                Anchor::Middle,
            ));
        }
    }
    if let Some((value, words)) = &spec.reference {
        let y = y_of(*value);
        marks.push(Mark::Line {
            points: vec![(left, y), (left + plot_w, y)],
            ink: Ink::Text,
            width: 1.2,
            dash: Some((2.0, 3.0)),
        });
        marks.push(text(
            left + 4.0,
            y - 5.0,
            words.clone(),
            SMALL,
            Anchor::Start,
        ));
    }
    let mut ends = Vec::new();
    for s in &spec.series {
        let mut run: Vec<(f32, f32)> = Vec::new();
        let points: Vec<Option<(f32, f32)>> = (0..n)
            .map(|i| {
                s.values
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|v| (x_of(i), y_of(v)))
            })
            .collect();
        for p in points.iter().chain(std::iter::once(&None)) {
            match p {
                Some(p) => run.push(*p),
                None if run.len() > 1 => marks.push(Mark::Line {
                    points: std::mem::take(&mut run),
                    ink: s.ink,
                    width: 2.5,
                    dash: s.dash,
                }),
                None => run.clear(),
            }
        }
        for &(x, y) in points.iter().flatten() {
            marks.push(Mark::Dot {
                x,
                y,
                r: 4.5,
                shape: s.shape,
                ink: s.ink,
            });
        }
        if let Some(&(_, y)) = points.iter().rev().flatten().next() {
            ends.push((y, s));
        }
    }
    if ends.is_empty() {
        marks.push(Mark::Text {
            x: left + plot_w / 2.0,
            y: top + plot_h / 2.0,
            text: "Nothing to draw: each number is hidden, or there was nothing to count".into(),
            size: LABEL,
            anchor: Anchor::Middle,
            bold: false,
            ink: Ink::Secondary,
        });
    }
    // The series' names at their last points, moved apart so that none overlap.
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = f32::MIN;
    for (y, s) in ends {
        let y = (y + 4.5).max(last + LABEL + 2.0);
        last = y;
        marks.push(Mark::Dot {
            x: left + plot_w + 10.0,
            y: y - 4.5,
            r: 4.0,
            shape: s.shape,
            ink: s.ink,
        });
        marks.push(Mark::Text {
            x: left + plot_w + 18.0,
            y,
            text: s.name.clone(),
            size: LABEL,
            anchor: Anchor::Start,
            bold: true,
            ink: s.ink,
        });
    }
    Chart {
        width: WIDTH,
        height: height.max(last + 8.0),
        title: spec.title.clone(),
        marks,
    }
}

/// A bar chart lying down: each group's words on the left, its bar, and its number at the bar's
/// end (`*` with no bar for a hidden number).
pub fn bars(title: &str, bars: &[Bar]) -> Chart {
    const ROW: f32 = 32.0;
    const SIZE: f32 = 15.0;
    let label_w = bars
        .iter()
        .map(|b| approx_width(&b.label, SIZE))
        .fold(0.0, f32::max)
        .min(BARS_WIDTH * 0.55)
        + 12.0;
    // Short labels make a narrower chart, so that its words stay large on a phone.
    let width = (label_w + 340.0).min(BARS_WIDTH);
    let room = width - label_w - 60.0;
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .fold(0.0, f64::max)
        .max(1.0);
    let mut marks = Vec::new();
    for (i, b) in bars.iter().enumerate() {
        let y = 6.0 + i as f32 * ROW;
        marks.push(Mark::Text {
            x: 0.0,
            y: y + 21.0,
            text: fit(&b.label, SIZE, label_w - 12.0),
            size: SIZE,
            anchor: Anchor::Start,
            bold: false,
            ink: Ink::Text,
        });
        let w = b.value.map_or(0.0, |v| (v / max) as f32 * room);
        if w > 0.0 {
            marks.push(Mark::Rect {
                x: label_w,
                y: y + 5.0,
                w,
                h: 22.0,
                ink: b.ink,
            });
        }
        marks.push(Mark::Text {
            x: label_w + w + 6.0,
            y: y + 21.0,
            text: b.shown.clone(),
            size: SIZE,
            anchor: Anchor::Start,
            bold: true,
            ink: Ink::Text,
        });
    }
    marks.push(Mark::Rect {
        x: label_w - 1.0,
        y: 4.0,
        w: 1.0,
        h: bars.len() as f32 * ROW,
        ink: Ink::Secondary,
    });
    Chart {
        width,
        height: 12.0 + bars.len() as f32 * ROW,
        title: title.to_string(),
        marks,
    }
}

/// `s`, cut with an ellipsis to fit `w` (the table beside the chart has it whole).
fn fit(s: &str, size: f32, w: f32) -> String {
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

fn text(x: f32, y: f32, text: String, size: f32, anchor: Anchor) -> Mark {
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

    fn series(name: &str, values: &[Option<f64>]) -> Series {
        Series {
            name: name.into(),
            ink: Ink::Red,
            shape: Shape::Square,
            dash: None,
            values: values.to_vec(),
        }
    }

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

    fn lines_of(chart: &Chart) -> Vec<&Vec<(f32, f32)>> {
        chart
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Line { points, .. } => Some(points),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_hidden_value_breaks_the_line_and_every_series_is_named() {
        let months = (1..=5).map(|i| (format!("M{i}"), None)).collect();
        let chart = lines(&Lines {
            title: "People".into(),
            categories: months,
            series: vec![
                series(
                    "Red",
                    &[Some(9.0), Some(10.0), None, Some(12.0), Some(15.0)],
                ),
                series(
                    "Amber",
                    &[Some(9.0), Some(10.0), Some(11.0), Some(12.0), None],
                ),
            ],
            at_least: 0.0,
            reference: None,
            unit: "",
        });
        let runs = lines_of(&chart);
        assert_eq!(runs.iter().map(|r| r.len()).collect::<Vec<_>>(), [2, 2, 4]);
        let words: Vec<&str> = chart.words().collect();
        assert!(
            words.contains(&"Red") && words.contains(&"Amber"),
            "{words:?}"
        );
        // The two names, at nearly the same height, are moved apart.
        let ys: Vec<f32> = chart
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { text, y, .. } if text == "Red" || text == "Amber" => Some(*y),
                _ => None,
            })
            .collect();
        assert!((ys[0] - ys[1]).abs() >= LABEL, "{ys:?}");
        // Everything is inside the chart.
        for m in &chart.marks {
            if let Mark::Dot { x, y, .. } = m {
                assert!(*x <= chart.width && *y <= chart.height, "{m:?}");
            }
        }
    }

    #[test]
    fn a_chart_with_nothing_to_draw_says_so() {
        let chart = lines(&Lines {
            title: "Shares".into(),
            categories: vec![("Nov".into(), None), ("Dec".into(), None)],
            series: vec![series("Children", &[None, None])],
            at_least: 100.0,
            reference: None,
            unit: "%",
        });
        assert!(chart.words().any(|w| w.starts_with("Nothing to draw")));
        assert!(lines_of(&chart).is_empty());
    }

    #[test]
    fn bars_scale_to_the_largest_and_a_hidden_one_has_no_bar() {
        let chart = bars(
            "By sex",
            &[
                Bar {
                    label: "Female".into(),
                    value: Some(20.0),
                    shown: "20".into(),
                    ink: Ink::Accent,
                },
                Bar {
                    label: "Male".into(),
                    value: Some(40.0),
                    shown: "40".into(),
                    ink: Ink::Accent,
                },
                Bar {
                    label: "Not known".into(),
                    value: None,
                    shown: "*".into(),
                    ink: Ink::Accent,
                },
            ],
        );
        let widths: Vec<f32> = chart
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Rect {
                    w,
                    ink: Ink::Accent,
                    ..
                } => Some(*w),
                _ => None,
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[1] - 2.0 * widths[0]).abs() < 0.01, "{widths:?}");
        assert!(chart.words().any(|w| w == "*"));
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
