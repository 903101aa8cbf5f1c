//! The bar chart lying down: each group's words, its bar, its number.

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
