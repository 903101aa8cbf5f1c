//! The easy-read symbols, drawn with PDF paths in a square: plain, bold shapes in NHS blue on
//! white, one idea each, as easy-read guidance asks of pictures (no image files, nothing to
//! license).

use super::layout::Canvas;
use super::*;
use crate::reports::document::Symbol;
use printpdf::{LinePoint, Point, Polygon, PolygonRing, WindingOrder};

const WHITE: Rgb8 = [0xFF, 0xFF, 0xFF];
/// How far a cubic Bézier's handles sit to draw a quarter circle.
const KAPPA: f32 = 0.552_284_8;

/// Draws `symbol` in the square with its lower-left corner at (`x`, `y`) and side `side`.
pub(super) fn draw_symbol(canvas: &mut Canvas, symbol: Symbol, x: f32, y: f32, side: f32) {
    // Everything below is drawn on a 100 × 100 grid.
    let mut pen = Pen {
        canvas,
        x,
        y,
        k: side / 100.0,
    };
    match symbol {
        Symbol::Document => {
            pen.rect(20.0, 5.0, 60.0, 90.0, NHS_BLUE);
            pen.rect(26.0, 11.0, 48.0, 78.0, WHITE);
            for row in 0..5 {
                let w = if row == 4 { 22.0 } else { 36.0 };
                pen.rect(32.0, 72.0 - row as f32 * 13.0, w, 6.0, NHS_BLUE);
            }
        }
        Symbol::People => {
            // Two people behind, one in front (set off by a white edge), at a table.
            for (cx, head_y, r, base, body, edge) in [
                (22.0, 60.0, 11.0, 26.0, 19.0, false),
                (78.0, 60.0, 11.0, 26.0, 19.0, false),
                (50.0, 70.0, 12.0, 30.0, 22.0, true),
            ] {
                if edge {
                    pen.circle(cx, head_y, r + 4.0, WHITE);
                    pen.shoulders(cx, base, body + 4.0, WHITE);
                }
                pen.circle(cx, head_y, r, NHS_BLUE);
                pen.shoulders(cx, base, body, NHS_BLUE);
            }
            pen.rect(2.0, 14.0, 96.0, 12.0, NHS_BLUE);
        }
        Symbol::Speech => {
            pen.circle(50.0, 56.0, 40.0, NHS_BLUE);
            pen.poly(&[(22.0, 30.0), (12.0, 4.0), (44.0, 20.0)], NHS_BLUE);
            for cx in [32.0, 50.0, 68.0] {
                pen.circle(cx, 56.0, 6.5, WHITE);
            }
        }
        Symbol::Question => {
            pen.circle(50.0, 50.0, 46.0, NHS_BLUE);
            // A question mark: a hook made of a thick arc, a stem and a dot.
            pen.circle(50.0, 62.0, 20.0, WHITE);
            pen.circle(50.0, 62.0, 10.0, NHS_BLUE);
            pen.rect(28.0, 40.0, 22.0, 22.0, NHS_BLUE);
            pen.rect(44.0, 36.0, 12.0, 18.0, WHITE);
            pen.circle(50.0, 24.0, 7.0, WHITE);
        }
        Symbol::Tick => {
            pen.circle(50.0, 50.0, 46.0, NHS_BLUE);
            pen.poly(
                &[
                    (22.0, 52.0),
                    (31.0, 61.0),
                    (43.0, 49.0),
                    (70.0, 76.0),
                    (79.0, 67.0),
                    (43.0, 31.0),
                ],
                WHITE,
            );
        }
        Symbol::Steps => {
            for row in 0..3 {
                let y = 70.0 - row as f32 * 28.0;
                pen.circle(14.0, y + 7.0, 8.0, NHS_BLUE);
                pen.rect(28.0, y, 44.0, 14.0, NHS_BLUE);
            }
            pen.poly(
                &[
                    (78.0, 62.0),
                    (96.0, 42.0),
                    (78.0, 22.0),
                    (78.0, 34.0),
                    (74.0, 34.0),
                    (74.0, 50.0),
                    (78.0, 50.0),
                ],
                NHS_BLUE,
            );
        }
        Symbol::Calendar => {
            pen.rect(8.0, 6.0, 84.0, 80.0, NHS_BLUE);
            pen.rect(14.0, 12.0, 72.0, 54.0, WHITE);
            for (cx, top) in [(30.0, 96.0), (70.0, 96.0)] {
                pen.rect(cx - 4.0, 78.0, 8.0, top - 78.0, NHS_BLUE);
            }
            for row in 0..3 {
                for col in 0..4 {
                    let on = row == 1 && col == 2;
                    pen.rect(
                        19.0 + col as f32 * 17.0,
                        48.0 - row as f32 * 16.0,
                        12.0,
                        11.0,
                        if on { NHS_BLUE } else { RULE },
                    );
                }
            }
        }
        Symbol::Heart => {
            pen.circle(32.0, 62.0, 23.0, NHS_BLUE);
            pen.circle(68.0, 62.0, 23.0, NHS_BLUE);
            pen.poly(
                &[(11.5, 52.0), (50.0, 8.0), (88.5, 52.0), (50.0, 62.0)],
                NHS_BLUE,
            );
        }
    }
}

/// Draws on the 100 × 100 grid of one symbol.
struct Pen<'a> {
    canvas: &'a mut Canvas,
    x: f32,
    y: f32,
    k: f32,
}

impl Pen<'_> {
    fn at(&self, gx: f32, gy: f32) -> Point {
        Point {
            x: Pt(self.x + gx * self.k),
            y: Pt(self.y + gy * self.k),
        }
    }

    fn fill(&mut self, points: Vec<LinePoint>, colour: Rgb8) {
        self.canvas.end_text();
        self.canvas.set_fill(colour);
        self.canvas.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    fn rect(&mut self, gx: f32, gy: f32, w: f32, h: f32, colour: Rgb8) {
        self.canvas.rect(
            self.x + gx * self.k,
            self.y + gy * self.k,
            w * self.k,
            h * self.k,
            colour,
        );
    }

    fn poly(&mut self, points: &[(f32, f32)], colour: Rgb8) {
        let points = points
            .iter()
            .map(|&(gx, gy)| LinePoint {
                p: self.at(gx, gy),
                bezier: false,
            })
            .collect();
        self.fill(points, colour);
    }

    /// A circle of four Bézier quarters.
    fn circle(&mut self, cx: f32, cy: f32, r: f32, colour: Rgb8) {
        let h = r * KAPPA;
        let quarters = [
            (
                (cx + r, cy),
                (cx + r, cy + h),
                (cx + h, cy + r),
                (cx, cy + r),
            ),
            (
                (cx, cy + r),
                (cx - h, cy + r),
                (cx - r, cy + h),
                (cx - r, cy),
            ),
            (
                (cx - r, cy),
                (cx - r, cy - h),
                (cx - h, cy - r),
                (cx, cy - r),
            ),
            (
                (cx, cy - r),
                (cx + h, cy - r),
                (cx + r, cy - h),
                (cx + r, cy),
            ),
        ];
        let mut points = vec![LinePoint {
            p: self.at(cx + r, cy),
            bezier: false,
        }];
        for (_, c1, c2, end) in quarters {
            for (p, bezier) in [(c1, true), (c2, true), (end, false)] {
                points.push(LinePoint {
                    p: self.at(p.0, p.1),
                    bezier,
                });
            }
        }
        self.fill(points, colour);
    }

    /// A person's shoulders: the top half of a circle, centred at `cx`, its flat edge at `base`.
    fn shoulders(&mut self, cx: f32, base: f32, r: f32, colour: Rgb8) {
        let h = r * KAPPA;
        let points = [
            ((cx + r, base), false),
            ((cx + r, base + h), true),
            ((cx + h, base + r), true),
            ((cx, base + r), false),
            ((cx - h, base + r), true),
            ((cx - r, base + h), true),
            ((cx - r, base), false),
        ]
        .into_iter()
        .map(|((gx, gy), bezier)| LinePoint {
            p: self.at(gx, gy),
            bezier,
        })
        .collect();
        self.fill(points, colour);
    }
}
