//! The two embedded faces and text measurement: advances exactly as printpdf writes them into
//! `/W`, glyph ids, what a missing character is drawn as, and which characters a document uses.

use super::*;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Bold.ttf");
/// PDF resource names of the two faces: fixed, so the bytes do not depend on printpdf's ids.
pub(super) const REGULAR_ID: &str = "DejaVuSansCondensed";
pub(super) const BOLD_ID: &str = "DejaVuSansCondensed-Bold";

pub(super) fn font_handle(weight: Weight) -> PdfFontHandle {
    PdfFontHandle::External(FontId(
        match weight {
            Weight::Regular => REGULAR_ID,
            Weight::Bold => BOLD_ID,
        }
        .to_string(),
    ))
}

/// Every character shown in each face (regular, bold), in code point order.
pub(super) fn used_chars(
    pages: &[PageContent],
    table_rows: &[Vec<String>],
    fonts: &Fonts,
) -> [Vec<char>; 2] {
    let mut seen = [vec![0u64; 0x110000 / 64], vec![0u64; 0x110000 / 64]];
    let mut mark = |face: usize, c: char| {
        let c = c as usize;
        seen[face][c / 64] |= 1 << (c % 64);
    };
    // The rows, in the regular face: as `Face::fit` draws them, perhaps with an ellipsis.
    if !table_rows.is_empty() {
        mark(0, '\u{2026}');
    }
    for cell in table_rows.iter().flatten() {
        for c in cell.chars() {
            mark(0, fonts.regular.drawable(c));
        }
    }
    for page in pages {
        let mut face = 0;
        for op in &page.ops {
            match op {
                Op::SetFont { font, .. } => {
                    face = usize::from(*font == font_handle(Weight::Bold));
                }
                Op::ShowText { items } => {
                    for item in items {
                        if let TextItem::Text(s) = item {
                            for c in s.chars() {
                                mark(face, c);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    seen.map(|bits| {
        (0..0x110000u32)
            .filter(|&c| bits[c as usize / 64] & (1 << (c % 64)) != 0)
            .filter_map(char::from_u32)
            .collect()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

pub(super) struct Fonts {
    pub(super) regular: Face,
    pub(super) bold: Face,
}

impl Fonts {
    pub(super) fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// Code points below this have their advance in a table; the rest go through the cmap.
const FAST: usize = 0x600;
const NO_GLYPH: u16 = u16::MAX;

/// One parsed face with its advances in thousandths of an em: exactly the integers printpdf
/// writes into the font's `/W` array, so positions computed here are where viewers draw.
pub(super) struct Face {
    pub(super) parsed: ParsedFont,
    pub(super) fast: Vec<u16>,
    /// Glyph ids of the code points below `FAST` (0: none).
    pub(super) fast_gid: Vec<u16>,
    /// What a character the face has no glyph for is drawn as (U+FFFD, else "?").
    pub(super) replacement: char,
    pub(super) ellipsis: u32,
}

pub(super) fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: Face::load(REGULAR_TTF, REGULAR_ID)?,
                bold: Face::load(BOLD_TTF, BOLD_ID)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Face {
    pub(super) fn load(bytes: &[u8], name: &str) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot read the font {name}"))?;
        if parsed.codepoint_to_glyph.is_empty() || parsed.glyph_widths.is_empty() {
            return Err(format!("the font {name} has no usable cmap or hmtx"));
        }
        parsed.font_name = Some(name.to_string());
        let mut face = Face {
            parsed,
            fast: Vec::new(),
            fast_gid: Vec::new(),
            replacement: '?',
            ellipsis: 0,
        };
        face.fast_gid = (0..FAST as u32)
            .map(|cp| face.parsed.lookup_glyph_index(cp).unwrap_or(0))
            .collect();
        face.fast = (0..FAST as u32)
            .map(|cp| {
                face.parsed
                    .lookup_glyph_index(cp)
                    .map_or(NO_GLYPH, |gid| face.scaled_width(gid))
            })
            .collect();
        if face.advance('\u{FFFD}').is_some() {
            face.replacement = '\u{FFFD}';
        }
        face.ellipsis = face.width_of('\u{2026}');
        Ok(face)
    }

    /// As printpdf's `get_scaled_glyph_width`, so that both sides agree to the unit.
    pub(super) fn scaled_width(&self, gid: u16) -> u16 {
        let upm = f32::from(self.parsed.pdf_font_metrics.units_per_em);
        let w = self
            .parsed
            .get_glyph_width(gid)
            .map_or(0, |w| (f32::from(w) * 1000.0 / upm) as i64);
        w.clamp(0, i64::from(NO_GLYPH - 1)) as u16
    }

    /// The glyph id of `c` (0, `.notdef`, if none: callers draw only `drawable` characters).
    pub(super) fn glyph(&self, c: char) -> u16 {
        match self.fast_gid.get(c as usize) {
            Some(&gid) => gid,
            None => self.parsed.lookup_glyph_index(c as u32).unwrap_or(0),
        }
    }

    /// The advance of `c` (1/1000 em), or `None` if the face has no glyph for it.
    pub(super) fn advance(&self, c: char) -> Option<u32> {
        let cp = c as usize;
        if cp < FAST {
            let w = self.fast[cp];
            return (w != NO_GLYPH).then_some(u32::from(w));
        }
        let gid = self.parsed.lookup_glyph_index(c as u32)?;
        Some(u32::from(self.scaled_width(gid)))
    }

    /// What is drawn for `c`: control characters become spaces, characters without a glyph
    /// the replacement character.
    pub(super) fn drawable(&self, c: char) -> char {
        if c.is_control() {
            ' '
        } else if self.advance(c).is_some() {
            c
        } else {
            self.replacement
        }
    }

    pub(super) fn width_of(&self, c: char) -> u32 {
        self.advance(self.drawable(c)).unwrap_or(0)
    }

    /// Width in points.
    pub(super) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.width_of(c)).sum();
        units as f32 * size / 1000.0
    }

    /// `s` made drawable and cut to `max_w` points, ending in "…" if cut, with its width
    /// (1/1000 em).
    pub(super) fn fit(&self, s: &str, size: f32, max_w: f32) -> (String, u32) {
        let room = (max_w.max(0.0) * 1000.0 / size) as u32;
        let mut out = String::with_capacity(s.len());
        let mut width = 0u32;
        // The longest prefix that still has room for the ellipsis after it.
        let mut cut = (0usize, 0u32);
        for c in s.chars() {
            let c = self.drawable(c);
            let w = self.advance(c).unwrap_or(0);
            if width + self.ellipsis <= room {
                cut = (out.len(), width);
            }
            if width + w > room {
                let (len, mut kept) = cut;
                out.truncate(len);
                while out.ends_with(' ') {
                    out.pop();
                    kept -= self.width_of(' ');
                }
                if kept + self.ellipsis > room {
                    return (String::new(), 0);
                }
                out.push('\u{2026}');
                return (out, kept + self.ellipsis);
            }
            out.push(c);
            width += w;
        }
        (out, width)
    }

    /// `s` broken into lines of at most `max_w` points, at spaces where possible.
    pub(super) fn wrap(&self, s: &str, size: f32, max_w: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in s.split_whitespace() {
            let mut word_w = self.width(word, size);
            let mut word = word.to_string();
            if !line.is_empty() && line_w + space + word_w <= max_w {
                line.push(' ');
                line.push_str(&word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line: break it between characters.
            while word_w > max_w {
                let mut taken = 0.0;
                let split = word
                    .char_indices()
                    .find(|&(i, c)| {
                        taken += self.width_of(c) as f32 * size / 1000.0;
                        taken > max_w && i > 0
                    })
                    .map_or(word.len(), |(i, _)| i);
                let rest = word.split_off(split);
                lines.push(word);
                word = rest;
                word_w = self.width(&word, size);
            }
            line_w = word_w;
            line = word;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}
