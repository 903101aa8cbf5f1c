//! The line chart: gridlines and numbers up the left, months along the bottom, each series a
//! line with its markers and its name at its end.

use super::*;

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
}
