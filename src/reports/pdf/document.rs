//! The document around the pages: printpdf writes the page tree, the fonts, Info and the
//! trailer; the page content streams are put in here, the fonts packed once per process, and
//! the parts printpdf would make differ from run to run (the trailer `/ID`, the dates) fixed
//! from the report.

use super::*;

/// The two font programs as flate-compressed in the first document: compressing them again
/// would cost each document some 150 ms. Same input, same bytes, so nothing changes but time.
static PACKED_FONTS: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];

pub(super) fn render_inner(report: &Report, reuse_packed_fonts: bool) -> Result<Vec<u8>, String> {
    let fonts = fonts()?;
    let (pages, cols) = layout(report, fonts);
    let table_rows = &report.table.rows;
    let mut pdf = skeleton(report, fonts, &pages, table_rows)?;
    let streams = page_streams(&mut pdf, pages.len())?;
    write_pages(streams, pages, fonts, table_rows, &cols)?;
    settle_trailer(&mut pdf, document_id(report))?;
    pack_fonts(&mut pdf, fonts, reuse_packed_fonts);
    pdf.compress(); // anything else not yet compressed
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| format!("PDF: cannot write the document: {e}"))?;
    Ok(bytes)
}

/// The document as printpdf writes it, with its Info and both faces, and pages whose content
/// is a placeholder (see below) for [`write_pages`] to replace.
fn skeleton(
    report: &Report,
    fonts: &Fonts,
    pages: &[PageContent],
    table_rows: &[Vec<String>],
) -> Result<lopdf::Document, String> {
    let mut doc = PdfDocument::new(&format!("{} \u{2014} {}", report.title, report.period));
    let info = &mut doc.metadata.info;
    let date = document_date(report.day);
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.author = report.organisation.clone();
    info.subject = MARKING.to_string();
    info.creator = "tcr (Transforming Care register)".to_string();
    info.producer = "tcr with printpdf 0.12".to_string();
    for (id, face) in [(REGULAR_ID, &fonts.regular), (BOLD_ID, &fonts.bold)] {
        doc.resources
            .fonts
            .map
            .insert(FontId(id.to_string()), PdfFont::new(face.parsed.clone()));
    }
    // printpdf writes the document: page tree, fonts (with /W and /ToUnicode for the glyphs the
    // pages use), Info and trailer. The content streams are written below, from `pages`:
    // printpdf's own path costs about 1 KB of memory and several microseconds per table cell
    // (8 s and 360 MB for 100,000 rows), which a return cannot afford. So printpdf gets pages
    // with no content but the first, which shows every character used, in each face, so that
    // the fonts describe exactly those glyphs (and their widths are the ones `Face` measures
    // with); that content is then replaced like the rest.
    let used = used_chars(pages, table_rows, fonts);
    let mut first = vec![Op::StartTextSection];
    for (weight, chars) in [Weight::Regular, Weight::Bold].into_iter().zip(used) {
        first.push(Op::SetFont {
            font: font_handle(weight),
            size: Pt(1.0),
        });
        first.push(Op::ShowText {
            items: vec![TextItem::Text(chars.into_iter().collect())],
        });
    }
    first.push(Op::EndTextSection);
    doc.pages = (0..pages.len())
        .map(|i| {
            let ops = if i == 0 {
                std::mem::take(&mut first)
            } else {
                Vec::new()
            };
            PdfPage::new(Mm(PAGE_W_MM), Mm(PAGE_H_MM), ops)
        })
        .collect();

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false, // no effect without `text_layout`: the whole font is embedded
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let pdf = doc.to_lopdf_document(&opts, &mut warnings);
    drop(doc);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(format!("PDF: {}", w.msg));
    }

    Ok(pdf)
}

/// The content stream of each page, in page order.
fn page_streams(
    pdf: &mut lopdf::Document,
    pages: usize,
) -> Result<Vec<&mut lopdf::Stream>, String> {
    let mut contents = Vec::with_capacity(pages);
    for (_, page_id) in pdf.get_pages() {
        let id = pdf
            .get_dictionary(page_id)
            .and_then(|page| page.get(b"Contents"))
            .and_then(|c| c.as_reference())
            .map_err(|e| format!("PDF page contents: {e}"))?;
        contents.push(id);
    }
    if contents.len() != pages {
        return Err(format!(
            "PDF: {} pages written for {} laid out",
            contents.len(),
            pages
        ));
    }
    let page_of: std::collections::BTreeMap<(u32, u16), usize> = contents
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let mut streams = Vec::with_capacity(pages);
    for (id, object) in pdf.objects.iter_mut() {
        if let Some(&i) = page_of.get(id) {
            let stream = object
                .as_stream_mut()
                .map_err(|e| format!("PDF page contents: {e}"))?;
            streams.push((i, stream));
        }
    }
    streams.sort_by_key(|(i, _)| *i);
    Ok(streams.into_iter().map(|(_, stream)| stream).collect())
}

/// Each page's content written into its stream and compressed, on all cores: each page is
/// independent.
fn write_pages(
    mut streams: Vec<&mut lopdf::Stream>,
    pages: Vec<PageContent>,
    fonts: &Fonts,
    table_rows: &[Vec<String>],
    cols: &Columns,
) -> Result<(), String> {
    let mut pages: Vec<Option<PageContent>> = pages.into_iter().map(Some).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let per_thread = if pages.len() < 32 {
        pages.len().max(1)
    } else {
        pages.len().div_ceil(threads)
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = streams
            .chunks_mut(per_thread)
            .zip(pages.chunks_mut(per_thread))
            .map(|(streams, pages)| {
                scope.spawn(move || -> Result<(), String> {
                    for (stream, ops) in streams.iter_mut().zip(pages.iter_mut()) {
                        let Some(page) = ops.take() else { continue };
                        stream.set_content(content_stream(&page, fonts, table_rows, cols)?);
                        drop(page);
                        // Flate at the best level; kept uncompressed if that is not smaller.
                        let _ = stream.compress();
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or(Err("PDF: a page writer panicked".into()))
        })
    })?;
    drop(streams);

    Ok(())
}

/// The trailer's `/ID` (`id`, a digest of what the document says), and printpdf's claims left
/// out of Info.
pub(super) fn settle_trailer(pdf: &mut lopdf::Document, id: Vec<u8>) -> Result<(), String> {
    // printpdf fills the trailer /ID from a process-wide counter: replace both halves with a
    // digest of the report, so equal reports give equal bytes and different ones different IDs.
    let ids = pdf
        .trailer
        .get_mut(b"ID")
        .and_then(|o| o.as_array_mut())
        .map_err(|e| format!("PDF trailer ID: {e}"))?;
    for part in ids.iter_mut() {
        *part
            .as_str_mut()
            .map_err(|e| format!("PDF trailer ID: {e}"))? = id.clone();
    }

    // printpdf always writes /GTS_PDFXVersion (which readers take as a claim of PDF/X) and
    // empty /Identifier and /Keywords: drop them from the Info dictionary.
    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|id| pdf.get_object_mut(id))
        .and_then(|o| o.as_dict_mut())
        .map_err(|e| format!("PDF Info: {e}"))?;
    for key in [&b"GTS_PDFXVersion"[..], b"Identifier", b"Keywords"] {
        info.remove(key);
    }

    Ok(())
}

/// The two font programs compressed once a process (see [`PACKED_FONTS`]).
pub(super) fn pack_fonts(pdf: &mut lopdf::Document, fonts: &Fonts, reuse_packed_fonts: bool) {
    for object in pdf.objects.values_mut() {
        let Ok(stream) = object.as_stream_mut() else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let faces = [&fonts.regular, &fonts.bold];
        let Some((_, packed)) = faces
            .iter()
            .zip(&PACKED_FONTS)
            .find(|(face, _)| stream.content == face.parsed.original_bytes)
        else {
            continue;
        };
        match packed.get() {
            Some(bytes) if reuse_packed_fonts => {
                // As `compress` does it: the filter, then the content (which sets /Length).
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(bytes.clone());
            }
            _ => {
                let _ = stream.compress();
                if stream.dict.get(b"Filter").is_ok() {
                    let _ = packed.set(stream.content.clone());
                }
            }
        }
    }
}

/// The first 16 bytes of a SHA-256 over everything the report says, as 32 hex digits.
pub(super) fn document_id(report: &Report) -> Vec<u8> {
    pub(super) fn put(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    let mut h = Sha256::new();
    for s in [
        &report.title,
        &report.organisation,
        &report.period,
        &report.as_at,
        &report.generated,
    ] {
        put(&mut h, s);
    }
    for (label, value) in &report.summary {
        put(&mut h, label);
        h.update(value.to_le_bytes());
    }
    for bar in &report.chart {
        put(&mut h, &bar.label);
        h.update(bar.value.to_le_bytes());
        h.update([bar.colour as u8]);
    }
    for section in &report.changes {
        put(&mut h, &section.heading);
        h.update((section.lines.len() as u64).to_le_bytes());
        for line in &section.lines {
            put(&mut h, line);
        }
    }
    put(&mut h, &report.table.heading);
    for column in &report.table.columns {
        put(&mut h, &column.title);
        h.update(column.weight.to_le_bytes());
    }
    for row in &report.table.rows {
        h.update((row.len() as u64).to_le_bytes());
        for cell in row {
            put(&mut h, cell);
        }
    }
    let digest = h.finalize();
    digest[..16]
        .iter()
        .flat_map(|b| {
            let hex = b"0123456789abcdef";
            [hex[usize::from(b >> 4)], hex[usize::from(b & 15)]]
        })
        .collect()
}

/// The document's creation date: the return's "as at" moment, 23:59:59 on its day. Never the
/// clock. (printpdf writes every date with a +00'00' offset.)
pub(super) fn document_date(day: time::Date) -> DateTime {
    DateTime {
        date: Date {
            year: day.year(),
            month: day.month() as u8,
            day: day.day(),
        },
        time: Time {
            hour: 23,
            minute: 59,
            second: 59,
            millisecond: 0,
        },
        offset: Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    }
}
