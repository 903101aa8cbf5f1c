//! The PDF's tests: reproducible bytes, pages, fonts, pagination, cut cells.

use super::super::model::Column;
use super::document::{document_date, document_id};
use super::*;

const NAMES: [&str; 12] = [
    "Zoë Ñúñez",
    "Siân Llewelyn-Pritchard",
    "Łukasz Wiśniewski",
    "Aoife Ó Súilleabháin",
    "Mohammed Al-Rashid",
    "Chloé Dubois-Martin",
    "Grzegorz Brzęczyszczykiewicz",
    "Tomás Mac Giolla Phádraig",
    "Amara Okonkwo",
    "Björn Ångström",
    "Priya Ramanathan",
    "Daniel O'Connor",
];
const SETTINGS: [&str; 6] = [
    "Assessment and treatment unit",
    "Secure (medium)",
    "Secure (low)",
    "Community (supported living)",
    "Acute mental health ward",
    "Residential care",
];
const KEYWORKERS: [&str; 5] = [
    "Rhiannon Evans",
    "Kwame Mensah",
    "Saoirse Ní Bhriain",
    "Jürgen Müller",
    "Hannah Whitfield",
];

/// A realistic monthly return with `rows` people. Deterministic: no randomness.
pub(super) fn sample(rows: usize) -> Report {
    let columns = [
        ("NHS number", 11),
        ("Name", 17),
        ("Age band", 7),
        ("Rating", 6),
        ("Change", 9),
        ("Setting", 14),
        ("Last review", 9),
        ("Next review due", 9),
        ("Open actions", 6),
        ("Overdue actions", 6),
        ("Keyworker", 14),
    ]
    .map(|(title, weight)| Column {
        title: title.into(),
        weight,
    })
    .to_vec();
    let ratings = ["Red", "Amber", "Green", "Blue", "Unrated"];
    let table_rows = (0..rows)
        .map(|i| {
            let n = 9_434_760_000_u64 + (i as u64 * 7919) % 10_000;
            let d = n.to_string();
            let overdue = (i * 7) % 5;
            vec![
                format!("{} {} {}", &d[0..3], &d[3..6], &d[6..10]),
                format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1),
                [
                    "18 to 24",
                    "25 to 34",
                    "35 to 44",
                    "45 to 54",
                    "55 to 64",
                    "65 and over",
                ][i % 6]
                    .to_string(),
                ratings[(i * 3) % 5].to_string(),
                ["Same", "New", "Up from amber", "Down from red", "Same"][i % 5].to_string(),
                SETTINGS[i % SETTINGS.len()].to_string(),
                format!("{:02} Oct 2026", 1 + i % 28),
                format!("{:02} Jan 2027", 1 + (i * 3) % 28),
                ((i * 3) % 9).to_string(),
                overdue.to_string(),
                KEYWORKERS[i % KEYWORKERS.len()].to_string(),
            ]
        })
        .collect();
    Report {
        title: "Monthly return to NHS England".into(),
        organisation: "NHS Example Integrated Care Board".into(),
        period: "October 2026".into(),
        as_at: "23:59:59 on 31 October 2026".into(),
        day: time::macros::date!(2026 - 10 - 31),
        generated: "Cara Commissioner (commissioner), 2 November 2026 at 10:14 UTC".into(),
        summary: [
            ("On the register", rows as u64),
            ("Red", 12),
            ("Amber", 40),
            ("Green", 61),
            ("Blue (in hospital)", 0),
            ("Not yet rated", 7),
            ("Added in the month", 3),
            ("Left in the month", 0),
            ("Admissions in the month", 2),
            ("Discharges in the month", 1),
            ("Reviews held in the month", 14),
            ("  of which CETR", 4),
            ("  of which C(E)TR follow-up", 10),
            ("Reviews overdue", 5),
            ("Actions open", 1_204),
            ("Actions overdue", 37),
            ("Referrals received in the month", 6),
            ("Referrals accepted in the month", 4),
            ("Referrals declined in the month", 1),
            ("Referrals awaiting a decision", 3),
            ("  of which past the 28-day decision date", 1),
        ]
        .map(|(label, n)| (label.to_string(), n))
        .to_vec(),
        breakdown: vec![
            ["Rating", "0\u{2013}17", "18\u{2013}25", "26+", "All"]
                .map(String::from)
                .to_vec(),
            ["Red", "5", "4", "3", "12"].map(String::from).to_vec(),
            ["Amber", "20", "10", "10", "40"].map(String::from).to_vec(),
            ["Green", "30", "20", "11", "61"].map(String::from).to_vec(),
            ["Blue", "2", "4", "3", "9"].map(String::from).to_vec(),
        ],
        chart: vec![
            Bar {
                label: "Red".into(),
                value: 12,
                colour: Colour::Red,
            },
            Bar {
                label: "Amber".into(),
                value: 40,
                colour: Colour::Amber,
            },
            Bar {
                label: "Green".into(),
                value: 61,
                colour: Colour::Green,
            },
            Bar {
                label: "Blue".into(),
                value: 0,
                colour: Colour::Blue,
            },
            Bar {
                label: "Not rated".into(),
                value: 7,
                colour: Colour::Grey,
            },
        ],
        changes: vec![
            Section {
                heading: "Against the previous return (September 2026, as at 30 September \
                          2026)"
                    .into(),
                lines: vec![
                    "On the register: 118 then, 120 now (+2)".into(),
                    "Red: 12 then, 12 now (no change)".into(),
                ],
            },
            Section {
                heading: "Joined (3)".into(),
                lines: vec![
                    "Zoë Ñúñez (943 476 5919), Assessment and treatment unit, rated Amber".into(),
                    "Siân Llewelyn-Pritchard (943 476 0012), Secure (low), not yet rated".into(),
                    "Łukasz Wiśniewski (943 476 3345), Acute mental health ward, rated Red".into(),
                ],
            },
            Section {
                heading: "Left (0)".into(),
                lines: vec![],
            },
            Section {
                heading: "Rating changed (2)".into(),
                lines: vec![
                    "Aoife Ó Súilleabháin (943 476 1188): Green → Amber".into(),
                    "Mohammed Al-Rashid (943 476 2290): Amber → Red, because the \
                     placement broke down after a prolonged period of escalating \
                     distress and the community team requested an urgent CETR, which \
                     is now booked for 9 November 2026 with the full panel."
                        .into(),
                ],
            },
        ],
        table: Table {
            heading: format!("People on the register ({rows})"),
            columns,
            rows: table_rows,
        },
    }
}

fn page_count(pdf: &[u8]) -> usize {
    // lopdf writes each page dictionary uncompressed as `/Type/Page` (the tree is `/Pages`).
    pdf.windows(10)
        .enumerate()
        .filter(|&(i, w)| w == b"/Type/Page" && pdf.get(i + 10) != Some(&b's'))
        .count()
}

/// All the text shown on each page, cell by cell, as it is written.
fn page_texts(report: &Report) -> Vec<Vec<String>> {
    let fonts = fonts().unwrap();
    let (pages, cols) = layout(report, fonts);
    pages
        .into_iter()
        .map(|page| {
            let mut texts = Vec::new();
            for op in page.ops {
                let items = match op {
                    Op::ShowText { items } => items,
                    Op::Marker { id } if id == ROWS => {
                        let block = page.rows.clone().unwrap();
                        report.table.rows[block.rows]
                            .iter()
                            .flat_map(|row| row_items(row, &cols, &fonts.regular).1)
                            .collect()
                    }
                    _ => continue,
                };
                texts.extend(items.into_iter().filter_map(|item| match item {
                    TextItem::Text(s) => Some(s),
                    _ => None,
                }));
            }
            texts
        })
        .collect()
}

#[test]
fn same_report_same_bytes() {
    let report = sample(40);
    let a = render(&report).unwrap();
    let b = render(&report).unwrap();
    assert!(a.starts_with(b"%PDF-"), "{:?}", &a[..8]);
    assert!(a == b, "two renders differ");
    // A different report gets a different document ID.
    let mut other = report.clone();
    other.generated.push('.');
    let c = render(&other).unwrap();
    assert_ne!(a, c);
    // The font programs compressed afresh give the same bytes as the ones kept.
    assert!(render_inner(&report, false).unwrap() == a);
}

#[test]
fn dates_come_from_the_as_at_and_the_title_is_set() {
    let pdf = render(&sample(3)).unwrap();
    let find = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"D:20261031235959+00'00'"));
    let tail = String::from_utf8_lossy(&pdf[pdf.len() - 300..]).into_owned();
    let id = String::from_utf8(document_id(&sample(3))).unwrap();
    assert!(tail.contains(&format!("/ID[({id})({id})]")), "{tail}");
    let d = document_date(time::macros::date!(2026 - 11 - 22));
    assert_eq!((d.date.year, d.date.month, d.date.day), (2026, 11, 22));
    assert_eq!((d.time.hour, d.time.minute, d.time.second), (23, 59, 59));
}

#[test]
fn pages_are_counted_and_the_header_repeats() {
    let report = sample(120);
    let pages = page_texts(&report);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let pdf = render(&report).unwrap();
    assert_eq!(page_count(&pdf), pages.len());
    let total = pages.len();
    let heading = &report.table.heading;
    let continued = format!("{heading} (continued)");
    let mut seen_rows = Vec::new();
    let mut table_pages = 0;
    for (i, texts) in pages.iter().enumerate() {
        assert_eq!(texts.first().map(String::as_str), Some(MARKING));
        assert_eq!(texts.last().map(String::as_str), Some(MARKING));
        assert!(texts.contains(&format!("Page {} of {total}", i + 1)));
        if texts.contains(heading) || texts.contains(&continued) {
            table_pages += 1;
            // The header row is on every page of the table, first cell to last.
            assert!(texts.iter().any(|t| t == "NHS number"));
            assert!(texts.iter().any(|t| t == "Keyworker"));
            assert_eq!(texts.contains(&continued), table_pages > 1);
        }
        seen_rows.extend(texts.iter().filter(|t| t.starts_with("943 476 ")).cloned());
    }
    assert!(table_pages >= 2);
    // Every row once, in order, none split or lost.
    let expected: Vec<&String> = report.table.rows.iter().map(|r| &r[0]).collect();
    assert_eq!(seen_rows.iter().collect::<Vec<_>>(), expected);
}

#[test]
fn a_pdf_reader_finds_the_pages_and_the_names() {
    let report = sample(60);
    let pdf = render(&report).unwrap();
    let mut warnings = Vec::new();
    let opts = printpdf::PdfParseOptions {
        fail_on_error: true,
    };
    let doc = PdfDocument::parse(&pdf, &opts, &mut warnings).unwrap();
    assert_eq!(doc.pages.len(), page_texts(&report).len());
    let text = doc.extract_text().concat().concat();
    for name in [
        "Zoë Ñúñez",
        "Siân",
        "Łukasz Wiśniewski",
        "Ó Súilleabháin",
        MARKING,
    ] {
        assert!(text.contains(name), "{name} not in the text");
    }
    assert!(text.contains("Page 1 of "));
}

#[test]
fn paginate_never_splits_and_the_first_page_has_less_room() {
    let pages = paginate(120, 10, 38);
    assert_eq!(pages, vec![0..10, 10..48, 48..86, 86..120]);
    assert_eq!(paginate(0, 10, 38), vec![0..0]);
    assert_eq!(paginate(5, 10, 38), vec![0..5]);
    assert_eq!(paginate(10, 10, 38), vec![0..10]);
    assert_eq!(paginate(11, 10, 38), vec![0..10, 10..11]);
    assert_eq!(paginate(3, 0, 0), vec![0..1, 1..2, 2..3]);
    for (n, first, per) in [(1000, 7, 38), (77, 38, 38), (39, 1, 38)] {
        let pages = paginate(n, first, per);
        assert_eq!(pages[0].len(), first.min(n));
        assert!(pages.iter().all(|p| p.len() <= per.max(first)));
        assert!(pages.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(pages.last().map(|p| p.end), Some(n));
    }
}

#[test]
fn empty_table_says_no_one_and_a_zero_chart_draws() {
    let mut report = sample(0);
    for bar in &mut report.chart {
        bar.value = 0;
    }
    report.changes.clear();
    let texts: Vec<String> = page_texts(&report).concat();
    assert!(texts.contains(&"No one.".to_string()));
    assert!(texts.iter().filter(|t| *t == "0").count() >= report.chart.len());
    assert!(render(&report).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn long_cells_are_cut_with_an_ellipsis() {
    let face = &fonts().unwrap().regular;
    let (s, units) = face.fit("Grzegorz Brzęczyszczykiewicz-Wojciechowski", 8.0, 60.0);
    assert!(s.ends_with('\u{2026}'), "{s}");
    assert!(units as f32 * 8.0 / 1000.0 <= 60.0);
    assert!(s.starts_with("Grzegorz"));
    let (s, _) = face.fit("Zoë", 8.0, 60.0);
    assert_eq!(s, "Zoë");
    // Characters the font lacks, and control characters, are not passed through.
    let (s, _) = face.fit("a\tb\u{6F22}", 8.0, 200.0);
    assert_eq!(s, "a b\u{FFFD}");
    // Widths are the font's advances: "W" is wider than "i".
    assert!(face.width("W", 10.0) > 2.0 * face.width("i", 10.0));
    let mut report = sample(3);
    report.table.rows[0][1] =
        "Ó Súilleabháin-Fitzgerald-Montgomery, Siobhán Áine Bernadette".into();
    let texts = page_texts(&report).concat();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Ó Súilleabháin") && t.ends_with('\u{2026}'))
    );
}

#[test]
fn rows_with_missing_or_extra_cells_and_no_weights_render() {
    let mut report = sample(5);
    report.table.rows[0].truncate(2);
    report.table.rows[1].push("extra".into());
    for c in &mut report.table.columns {
        c.weight = 0;
    }
    report.table.columns[0].title =
        "A very long column title that needs more than two lines".into();
    assert!(render(&report).is_ok());
    report.table.columns.clear();
    assert!(render(&report).is_ok());
}

/// Writes the sample to $PDF_SAMPLE (default /tmp/pdfcheck/sample.pdf) to look at.
#[test]
#[ignore]
fn write_sample() {
    let path = std::env::var("PDF_SAMPLE").unwrap_or("/tmp/pdfcheck/sample.pdf".into());
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&path, render(&sample(120)).unwrap()).unwrap();
    // And a weekly return's shape: other columns, a longer period.
    let mut weekly = sample(45);
    weekly.title = "Weekly inpatient return".into();
    weekly.period = "Week ending Sunday 22 November 2026".into();
    weekly.as_at = "23:59:59 on 22 November 2026".into();
    weekly.day = time::macros::date!(2026 - 11 - 22);
    weekly.table.heading = "People in hospital (45)".into();
    weekly.table.columns = [
        ("NHS number", 11),
        ("Name", 16),
        ("Admitted", 9),
        ("Hospital", 16),
        ("Security", 9),
        ("Legal status", 12),
        ("Days", 5),
        ("Last review", 9),
        ("Next review due", 9),
        ("Last visit", 9),
        ("Next visit due", 9),
        ("Planned discharge", 9),
    ]
    .map(|(title, weight)| Column {
        title: title.into(),
        weight,
    })
    .to_vec();
    for (i, row) in weekly.table.rows.iter_mut().enumerate() {
        *row = vec![
            row[0].clone(),
            row[1].clone(),
            format!("{:02} Mar 2025", 1 + i % 28),
            ["St Ann's Hospital, Tottenham", "Cygnet Hospital Colchester"][i % 2].into(),
            ["Medium secure", "Low secure", "General"][i % 3].into(),
            ["Section 3 (MHA)", "Section 37/41 (MHA)", "Informal"][i % 3].into(),
            (30 + i * 17).to_string(),
            row[6].clone(),
            row[7].clone(),
            format!("{:02} Nov 2026", 1 + i % 20),
            format!("{:02} Dec 2026", 1 + i % 20),
            if i % 4 == 0 {
                String::new()
            } else {
                "31 Jan 2027".into()
            },
        ];
    }
    std::fs::write(
        path.replace(".pdf", "-weekly.pdf"),
        render(&weekly).unwrap(),
    )
    .unwrap();
}

/// `cargo test --release --lib reports::pdf::tests::timing -- --ignored --nocapture`;
/// PDF_ROWS picks the size (default 10,000).
#[test]
#[ignore]
fn timing() {
    let rows = std::env::var("PDF_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let peak = || {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmHWM"))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let report = sample(rows);
    fonts().unwrap();
    println!("peak RSS before rendering: {} kB", peak());
    for run in ["first (compresses the fonts)", "second"] {
        let start = std::time::Instant::now();
        let pdf = render(&report).unwrap();
        println!(
            "{rows} rows, {run} render: {} pages, {} bytes, {:?}, peak RSS {} kB",
            page_count(&pdf),
            pdf.len(),
            start.elapsed(),
            peak()
        );
    }
}
