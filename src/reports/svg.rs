//! A chart's marks written as SVG for the page: an image with its title for screen readers (the
//! numbers are in the table beside it), every word escaped, inks as plain colours so that it reads
//! the same with or without the stylesheet.

use super::chart::{Anchor, Chart, Mark, Shape};
use std::fmt::Write;

/// The chart as an `<svg>` element; `id` names its title (unique on the page).
pub fn svg(chart: &Chart, id: &str) -> String {
    let mut out = String::with_capacity(chart.marks.len() * 90 + 200);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" class="chart__svg"><title id="{id}">{title}</title>"#,
        id = escape(id),
        w = n(chart.width),
        h = n(chart.height),
        title = escape(&chart.title),
    );
    for m in &chart.marks {
        mark(&mut out, m);
    }
    out.push_str("</svg>");
    out
}

fn mark(out: &mut String, m: &Mark) {
    let _ = match m {
        Mark::Rect { x, y, w, h, ink } => write!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            n(*x),
            n(*y),
            n(*w),
            n(*h),
            ink.hex()
        ),
        Mark::Line {
            points,
            ink,
            width,
            dash,
        } => {
            let path: Vec<String> = points
                .iter()
                .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                .collect();
            let dash = dash.map_or(String::new(), |(on, off)| {
                format!(r#" stroke-dasharray="{} {}""#, n(on), n(off))
            });
            write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"{dash}/>"#,
                path.join(" "),
                ink.hex(),
                n(*width)
            )
        }
        Mark::Dot {
            x,
            y,
            r,
            shape,
            ink,
        } => {
            let fill = ink.hex();
            match shape {
                Shape::Circle => write!(
                    out,
                    r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}"/>"#,
                    n(*x),
                    n(*y),
                    n(*r)
                ),
                _ => write!(
                    out,
                    r#"<polygon points="{}" fill="{fill}"/>"#,
                    shape
                        .outline(*x, *y, *r)
                        .iter()
                        .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            }
        }
        Mark::Text {
            x,
            y,
            text,
            size,
            anchor,
            bold,
            ink,
        } => write!(
            out,
            r#"<text x="{}" y="{}" font-size="{}"{}{} fill="{}">{}</text>"#,
            n(*x),
            n(*y),
            n(*size),
            match anchor {
                Anchor::Start => "",
                Anchor::Middle => r#" text-anchor="middle""#,
                Anchor::End => r#" text-anchor="end""#,
            },
            if *bold { r#" font-weight="bold""# } else { "" },
            ink.hex(),
            escape(text)
        ),
    };
}

/// A length to a tenth of a point, without a trailing `.0`.
fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::chart::{Bar, bars};

    #[test]
    fn words_are_escaped_and_the_title_names_the_image() {
        let chart = bars(
            "Local authorities <b>",
            &[Bar {
                label: "Brighton & Hove <script>".into(),
                value: Some(3.0),
                shown: "3".into(),
                ink: crate::reports::chart::Ink::Accent,
            }],
        );
        let s = svg(&chart, "la");
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains(r#"role="img" aria-labelledby="la""#));
        assert!(
            s.contains(r#"<title id="la">Local authorities &lt;b&gt;</title>"#),
            "{s}"
        );
        assert!(s.contains("Brighton &amp; Hove &lt;script&gt;"), "{s}");
        assert!(!s.contains("<script"), "{s}");
    }
}
