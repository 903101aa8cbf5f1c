//! Figures over time as people read them: sections, each a chart and the tables of its numbers,
//! built once from the figures (`domain::figures::FiguresView`) for both the page and its PDF, so
//! the two show the same charts and the same numbers.

mod sections;

use super::chart::{self, Chart, Ink, Lines, Series, Shape};
use super::document::{Block, Document, Style};
use super::thousands;
use crate::domain::figures::{FiguresView, MonthFigures, Shown};
use serde::Serialize;
use time::Date;

/// A table of numbers: its caption, its column headings (the first names the rows) and rows of
/// words, the first cell of each its row's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One part of the page: a heading, a sentence on what is counted, a chart and its tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub lead: String,
    pub chart: Chart,
    pub tables: Vec<Table>,
}

/// The figures of a range as read: what they cover, whether numbers are hidden, the sections.
#[derive(Debug, Clone, PartialEq)]
pub struct FiguresReport {
    /// `November 2025 to October 2026`.
    pub range: String,
    /// The last month's last day (the PDF's date).
    pub last_day: Option<Date>,
    pub suppressed: bool,
    pub sections: Vec<Section>,
}

/// What the page and the PDF say when small numbers are hidden and the rest rounded.
pub const SUPPRESSION_NOTE: &str = "So that nobody can be recognised, numbers from 1 to 7 are shown as *, and every other number is rounded to the nearest 5 (so totals may not add up); shares are worked out from the rounded numbers, and lengths of stay of fewer than 8 people are hidden too. A gap in a line is a hidden number.";

/// The figures' marking: with small numbers hidden and the rest rounded they identify nobody
/// (official); exact, a small number could point to someone (sensitive). Never personal: nobody
/// is named.
pub fn marking(suppressed: bool) -> super::Marking {
    if suppressed {
        super::Marking::Official
    } else {
        super::Marking::Sensitive
    }
}

/// What "–" means in the tables.
pub const NONE_NOTE: &str = "– means there was nothing to count (a share of no admissions, a stay when nobody was in hospital).";

/// A figure's number for a chart (none: hidden or nothing to count).
fn value(s: Option<&Shown>) -> Option<f64> {
    match s? {
        Shown::Count(n) => Some(*n as f64),
        Shown::Amount(a) => Some(*a),
        Shown::Hidden(_) => None,
    }
}

/// A figure in words: `1,234`, `93.3`, `*`, or `–` for nothing to count.
pub fn words(s: Option<&Shown>) -> String {
    match s {
        None => "–".into(),
        Some(Shown::Count(n)) => thousands(*n),
        Some(Shown::Amount(a)) if a.fract() == 0.0 => thousands(*a as u64),
        Some(Shown::Amount(a)) => format!("{a:.1}"),
        Some(Shown::Hidden(h)) => h.clone(),
    }
}

/// `November 2025`.
pub fn month_words(day: Date) -> String {
    format!("{} {}", day.month(), day.year())
}

fn short_month(day: Date) -> String {
    day.month().to_string()[..3].to_string()
}

/// Each month's label on a chart: `Nov`, with the year beneath the first and wherever the year
/// changes. More than twelve months are labelled every other one (or every third…), so that the
/// labels never crowd; the unlabelled ones are empty.
fn categories(view: &FiguresView) -> Vec<(String, Option<String>)> {
    let every = view.months.len().div_ceil(12).max(1);
    let mut year_shown = None;
    view.months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if i % every != 0 {
                return (String::new(), None);
            }
            let year = m.as_at.year();
            let new_year = year_shown.replace(year) != Some(year);
            (short_month(m.as_at), new_year.then(|| year.to_string()))
        })
        .collect()
}

/// Where a measure's number is in a month's figures.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    /// In the counts, by name.
    Count(&'static str),
    /// In a breakdown, by its name and the group's.
    Group(&'static str, &'static str),
}

/// A figure over the months: its name on the chart and in the table, how its line looks, and
/// what follows its number (`%`).
#[derive(Debug, Clone)]
pub(super) struct Measure {
    pub name: &'static str,
    pub ink: Ink,
    pub shape: Shape,
    pub dash: Option<(f32, f32)>,
    pub unit: &'static str,
    pub key: Key,
}

impl Measure {
    fn read<'a>(&self, m: &'a MonthFigures) -> Option<&'a Shown> {
        match self.key {
            Key::Count(name) => m.counts.get(name).and_then(Option::as_ref),
            Key::Group(breakdown, group) => m.breakdowns.get(breakdown)?.get(group),
        }
    }
}

/// A measure read from the month's counts by its name.
pub(super) fn measure(
    name: &'static str,
    (ink, shape, dash): (Ink, Shape, Option<(f32, f32)>),
    key: &'static str,
) -> Measure {
    Measure {
        name,
        ink,
        shape,
        dash,
        unit: if key.ends_with("_percent") { "%" } else { "" },
        key: Key::Count(key),
    }
}

/// A line chart of `measures` over the months (`at_least`: where the value axis ends at least;
/// `reference`: an aim drawn across it).
pub(super) fn over_time(
    view: &FiguresView,
    what: &str,
    measures: &[Measure],
    at_least: f64,
    reference: Option<(f64, String)>,
) -> Chart {
    let first = view
        .months
        .first()
        .map(|m| month_words(m.as_at))
        .unwrap_or_default();
    let last = view
        .months
        .last()
        .map(|m| month_words(m.as_at))
        .unwrap_or_default();
    chart::lines(&Lines {
        title: format!(
            "Line chart of {what}, {first} to {last}. The numbers are in the table below."
        ),
        categories: categories(view),
        series: measures
            .iter()
            .map(|m| Series {
                name: m.name.into(),
                ink: m.ink,
                shape: m.shape,
                dash: m.dash,
                values: view.months.iter().map(|mf| value(m.read(mf))).collect(),
            })
            .collect(),
        at_least,
        reference,
        unit: measures.first().map_or("", |m| m.unit),
    })
}

/// The table of `measures` month by month.
pub(super) fn by_month(view: &FiguresView, caption: &str, measures: &[Measure]) -> Table {
    Table {
        caption: caption.to_string(),
        columns: std::iter::once("Month".to_string())
            .chain(measures.iter().map(|m| m.name.to_string()))
            .collect(),
        rows: view
            .months
            .iter()
            .map(|mf| {
                std::iter::once(month_words(mf.as_at))
                    .chain(measures.iter().map(|m| {
                        let s = m.read(mf);
                        match s {
                            Some(Shown::Count(_) | Shown::Amount(_)) => {
                                format!("{}{}", words(s), m.unit)
                            }
                            _ => words(s),
                        }
                    }))
                    .collect()
            })
            .collect(),
    }
}

/// The figures of a range as sections (ratings, ages, hospital, reviews before admission,
/// reviews, referrals, then the last month's breakdowns).
pub fn report(view: &FiguresView) -> FiguresReport {
    let range = match (view.months.first(), view.months.last()) {
        (Some(a), Some(b)) if a.as_at == b.as_at => month_words(a.as_at),
        (Some(a), Some(b)) => format!("{} to {}", month_words(a.as_at), month_words(b.as_at)),
        _ => String::new(),
    };
    let mut sections = vec![
        sections::ratings(view),
        sections::ages(view),
        sections::hospital(view),
        sections::reviewed_before(view),
        sections::reviews(view),
        sections::referrals(view),
    ];
    sections.extend(sections::breakdowns(view));
    FiguresReport {
        range,
        last_day: view.months.last().map(|m| m.as_at),
        suppressed: view.suppressed,
        sections,
    }
}

/// The figures as a document for the PDF: the page's sections in order, each its heading, what
/// it counts, its chart and its tables. Dated the range's last day, so the same figures give
/// the same bytes.
pub fn document(report: &FiguresReport, organisation: &str) -> Document {
    let mut blocks = vec![
        Block::Title {
            text: "Figures over time".into(),
        },
        Block::Subtitle {
            text: format!(
                "{}: each month as at its last day, counted by the monthly return's rules",
                report.range
            ),
        },
    ];
    if report.suppressed {
        blocks.push(Block::Note {
            text: SUPPRESSION_NOTE.into(),
        });
    }
    blocks.push(Block::Note {
        text: NONE_NOTE.into(),
    });
    for s in &report.sections {
        blocks.push(Block::Together {
            blocks: vec![
                Block::Heading {
                    text: s.heading.clone(),
                    symbol: None,
                },
                Block::Para {
                    text: s.lead.clone(),
                },
                Block::Chart {
                    chart: s.chart.clone(),
                },
            ],
        });
        for t in &s.tables {
            blocks.push(Block::Label {
                text: t.caption.clone(),
            });
            blocks.push(Block::Table {
                columns: t
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.clone(), if i == 0 { 3 } else { 2 }))
                    .collect(),
                rows: t.rows.clone(),
            });
        }
    }
    Document {
        marking: marking(report.suppressed),
        style: Style::Standard,
        title: format!("Figures over time, {}", report.range),
        footer: format!("{organisation}: figures over time, {}", report.range),
        organisation: organisation.to_string(),
        day: report.last_day.unwrap_or(Date::MIN),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figures::{Disclosure, Tallied};
    use crate::domain::returns::{Period, ReturnKind};
    use crate::reports::chart::Mark;

    /// Three months; the middle one has 3 people rated red (hidden from analysts).
    fn view(disclosure: Disclosure) -> FiguresView {
        let mut months = Vec::new();
        for (label, red, admissions, reviewed) in [
            ("2025-12", 12, 0, 0),
            ("2026-01", 3, 10, 9),
            ("2026-02", 1250, 4, 4),
        ] {
            let mut t = Tallied::default();
            t.counts.insert("rated_red", red);
            t.counts.insert("on_register", red + 20);
            t.shares
                .insert("admissions_reviewed_before", (reviewed, admissions));
            t.breakdowns
                .entry("sex")
                .or_default()
                .insert("female".into(), red);
            t.breakdowns
                .entry("ethnicity")
                .or_default()
                .insert("N".into(), 9);
            let m = Period::parse(ReturnKind::Monthly, label).unwrap();
            months.push(t.shown(m, disclosure));
        }
        FiguresView {
            months,
            suppressed: disclosure == Disclosure::Suppressed,
            rounded: disclosure == Disclosure::Suppressed,
        }
    }

    fn section<'a>(r: &'a FiguresReport, id: &str) -> &'a Section {
        r.sections.iter().find(|s| s.id == id).unwrap()
    }

    #[test]
    fn months_are_labelled_without_crowding_and_each_year_is_named_once() {
        let months = |n: usize| FiguresView {
            months: crate::domain::figures::months(
                Period::parse(ReturnKind::Monthly, "2024-11").unwrap(),
                Period::parse(ReturnKind::Monthly, "2026-10").unwrap(),
            )
            .into_iter()
            .take(n)
            .map(|m| Tallied::default().shown(m, Disclosure::Exact))
            .collect(),
            suppressed: false,
            rounded: false,
        };
        let twelve = categories(&months(12));
        assert_eq!(twelve[0], ("Nov".into(), Some("2024".into())));
        assert_eq!(twelve[1], ("Dec".into(), None));
        assert_eq!(twelve[2], ("Jan".into(), Some("2025".into())));
        assert!(twelve.iter().all(|(m, _)| !m.is_empty()));
        let all = categories(&months(24));
        assert_eq!(all.len(), 24);
        assert_eq!(all.iter().filter(|(m, _)| !m.is_empty()).count(), 12);
        let years: Vec<&str> = all.iter().filter_map(|(_, y)| y.as_deref()).collect();
        assert_eq!(years, ["2024", "2025", "2026"]);
    }

    #[test]
    fn numbers_read_as_words_with_hidden_ones_as_stars() {
        assert_eq!(words(Some(&Shown::Count(1250))), "1,250");
        assert_eq!(words(Some(&Shown::Count(999))), "999");
        assert_eq!(words(Some(&Shown::Amount(90.0))), "90");
        assert_eq!(words(Some(&Shown::Amount(33.3))), "33.3");
        assert_eq!(words(Some(&Shown::Hidden("*".into()))), "*");
        assert_eq!(words(None), "–");
        assert_eq!(
            month_words(time::macros::date!(2026 - 01 - 31)),
            "January 2026"
        );
    }

    #[test]
    fn the_sections_tables_hold_every_month_and_the_range_is_named() {
        let r = report(&view(Disclosure::Exact));
        assert_eq!(r.range, "December 2025 to February 2026");
        let ratings = section(&r, "ratings");
        let t = &ratings.tables[0];
        assert_eq!(t.columns[0], "Month");
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[2][0], "February 2026");
        assert_eq!(t.rows[2][1], "1,250");
        // Shares as percentages; a share of no admissions is "–".
        let before = &section(&r, "reviewed-before").tables[1];
        assert_eq!(
            before.caption,
            "All admissions with a community review first, by month"
        );
        assert_eq!(before.rows[0][3], "–");
        assert_eq!(before.rows[1][3], "90%");
        assert_eq!(before.rows[2][3], "100%");
        // Breakdowns: the first and last months beside each other, groups in words.
        let eth = &section(&r, "by-ethnicity").tables[0];
        assert_eq!(
            eth.columns,
            [
                "Ethnic category",
                "End of December 2025",
                "End of February 2026"
            ]
        );
        assert_eq!(eth.rows[0][0], "Black or Black British - African");
        let ids: Vec<&str> = r.sections.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "ratings",
                "ages",
                "hospital",
                "reviewed-before",
                "reviews",
                "referrals",
                "by-local-authority",
                "by-ethnicity",
                "by-sex",
                "by-needs"
            ]
        );
    }

    #[test]
    fn a_hidden_number_is_a_star_in_the_table_and_a_gap_in_the_line() {
        let r = report(&view(Disclosure::Suppressed));
        assert!(r.suppressed);
        let ratings = section(&r, "ratings");
        assert_eq!(ratings.tables[0].rows[1][1], "*");
        // The red line is broken at January: two lone points draw no line at all.
        let red_lines = ratings
            .chart
            .marks
            .iter()
            .filter(|m| matches!(m, Mark::Line { ink: Ink::Red, .. }))
            .count();
        assert_eq!(red_lines, 0);
        let red_dots = ratings
            .chart
            .marks
            .iter()
            .filter(|m| matches!(m, Mark::Dot { ink: Ink::Red, .. }))
            .count();
        assert_eq!(red_dots, 3, "two months' points and the name's marker");
        // The bar of a hidden group is words only.
        let sex = section(&r, "by-sex");
        assert!(sex.chart.words().any(|w| w == "Female"));
    }

    #[test]
    fn the_pdf_has_every_section_and_the_same_figures_give_the_same_bytes() {
        let r = report(&view(Disclosure::Suppressed));
        let doc = document(&r, "NHS Test ICB");
        let words = doc.words();
        for s in &r.sections {
            assert!(words.contains(&s.heading.as_str()), "{}", s.heading);
        }
        assert!(words.contains(&SUPPRESSION_NOTE));
        assert!(words.contains(&"Aim for children: 90%"));
        assert_eq!(doc.day, time::macros::date!(2026 - 02 - 28));
        let a = crate::reports::pdf::render_document(&doc).unwrap();
        let b = crate::reports::pdf::render_document(&document(&r, "NHS Test ICB")).unwrap();
        assert!(a.starts_with(b"%PDF-") && a == b);
        let exact = document(&report(&view(Disclosure::Exact)), "NHS Test ICB");
        assert!(!exact.words().contains(&SUPPRESSION_NOTE));
        // Nobody is named in either; exact small numbers are sensitive, hidden ones are not.
        assert_eq!(doc.marking, crate::reports::Marking::Official);
        assert_eq!(exact.marking, crate::reports::Marking::Sensitive);
        let sheet = crate::reports::figures_sheet::table(&view(Disclosure::Exact));
        assert_eq!(sheet.marking, crate::reports::Marking::Sensitive);
    }
}
