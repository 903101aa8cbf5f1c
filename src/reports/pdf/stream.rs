//! Writing a page's content stream from its laid-out operations and table rows.

use super::*;

/// A page's content stream, written from its operations (the few kinds `Canvas` makes) and
/// its table rows: text as glyph ids of the embedded faces in literal strings, lengths to
/// 1/100 pt.
pub(super) fn content_stream(
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
