//! A chart's marks (`reports::chart`) drawn on a PDF page: the same bars, lines, markers and
//! words as the page's SVG, scaled to the width and set in the document's own fonts.

use super::layout::Canvas;
use super::*;
use crate::reports::chart::{Anchor, Chart, Mark};
use printpdf::{Line, LineDashPattern, LinePoint, Point, Polygon, PolygonRing, WindingOrder};

/// Where a chart goes: its top-left corner on the page and the scale from chart to page points.
pub(super) struct Place {
    pub x: f32,
    pub top: f32,
    pub k: f32,
}

impl Place {
    fn at(&self, (x, y): (f32, f32)) -> Point {
        Point {
            x: Pt(self.x + x * self.k),
            y: Pt(self.top - y * self.k),
        }
    }

    fn points(&self, points: &[(f32, f32)]) -> Vec<LinePoint> {
        points
            .iter()
            .map(|p| LinePoint {
                p: self.at(*p),
                bezier: false,
            })
            .collect()
    }
}

fn rgb(colour: Rgb8) -> Color {
    let [r, g, b] = colour.map(|v| f32::from(v) / 255.0);
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

/// Draws `chart` at `place`.
pub(super) fn draw_chart(canvas: &mut Canvas, fonts: &Fonts, chart: &Chart, place: &Place) {
    let k = place.k;
    for mark in &chart.marks {
        match mark {
            Mark::Rect { x, y, w, h, ink } => {
                canvas.rect(
                    place.x + x * k,
                    place.top - (y + h) * k,
                    w * k,
                    h * k,
                    ink.rgb(),
                );
            }
            Mark::Line {
                points,
                ink,
                width,
                dash,
            } => {
                canvas.end_text();
                let dash = dash.map_or_else(LineDashPattern::solid, |(on, off)| {
                    LineDashPattern::new(0.0, &[on * k, off * k])
                });
                canvas.ops.extend([
                    Op::SetOutlineColor {
                        col: rgb(ink.rgb()),
                    },
                    Op::SetOutlineThickness { pt: Pt(width * k) },
                    Op::SetLineDashPattern { dash },
                    Op::DrawLine {
                        line: Line {
                            points: place.points(points),
                            is_closed: false,
                        },
                    },
                    Op::SetLineDashPattern {
                        dash: LineDashPattern::solid(),
                    },
                ]);
            }
            Mark::Dot {
                x,
                y,
                r,
                shape,
                ink,
            } => {
                canvas.end_text();
                canvas.set_fill(ink.rgb());
                canvas.ops.push(Op::DrawPolygon {
                    polygon: Polygon {
                        rings: vec![PolygonRing {
                            points: place.points(&shape.outline(*x, *y, *r)),
                        }],
                        mode: PaintMode::Fill,
                        winding_order: WindingOrder::NonZero,
                    },
                });
            }
            Mark::Text {
                x,
                y,
                text,
                size,
                anchor,
                bold,
                ink,
            } => {
                let weight = if *bold { Weight::Bold } else { Weight::Regular };
                let face = fonts.face(weight);
                let size = size * k;
                let text: String = text.chars().map(|c| face.drawable(c)).collect();
                let w = face.width(&text, size);
                let left = place.x + x * k
                    - match anchor {
                        Anchor::Start => 0.0,
                        Anchor::Middle => w / 2.0,
                        Anchor::End => w,
                    };
                canvas.show(
                    left,
                    place.top - y * k,
                    weight,
                    size,
                    ink.rgb(),
                    vec![TextItem::Text(text)],
                );
            }
        }
    }
}
