//! The figures over time as sheets: one long ("tidy") table as NHS statistical CSVs are laid
//! out — a row per month × figure × group, its words beside its key (`domain::figures`'s) — and
//! a notes sheet saying how the numbers were given out. The CSV is the table alone.

use super::sheet::{Cell, Sheet};
use crate::domain::figures::{BREAKDOWNS, FIGURES, FiguresView, MonthFigures, Shown};
use crate::domain::figures::{figure_name, group_name};

/// The table's columns.
const COLUMNS: [&str; 8] = [
    "month",
    "as_at",
    "figure",
    "figure_name",
    "breakdown",
    "group",
    "group_name",
    "value",
];

/// The ratings in the order the returns list them, `unrated` last.
const RATINGS: [&str; 5] = ["red", "amber", "green", "blue", "unrated"];

/// The count of those on the register with a rating (`red` → `rated_red`).
fn rated(rating: &str) -> String {
    if rating == "unrated" {
        rating.to_string()
    } else {
        format!("rated_{rating}")
    }
}

/// A figure as a cell: a number, `*`, or empty for a share or length of stay of nobody.
fn value(shown: Option<&Shown>) -> Cell {
    match shown {
        Some(Shown::Count(n)) => Cell::count(*n),
        Some(Shown::Amount(a)) => Cell::Number(*a),
        Some(Shown::Hidden(star)) => Cell::Text(star.clone()),
        None => Cell::Empty,
    }
}

/// One month's rows.
struct Rows<'a> {
    sheet: &'a mut Sheet,
    month: &'a MonthFigures,
}

impl Rows<'_> {
    fn push(&mut self, figure: &str, breakdown: &str, group: &str, shown: Option<&Shown>) {
        self.sheet.rows.push(vec![
            Cell::Text(self.month.month.clone()),
            Cell::Date(self.month.as_at),
            Cell::Text(figure.to_string()),
            Cell::Text(figure_name(figure).to_string()),
            Cell::Text(breakdown.to_string()),
            Cell::Text(group.to_string()),
            Cell::Text(group_name(breakdown, group)),
            value(shown),
        ]);
    }

    /// The figures on their own (the ratings' counts are the `rating` breakdown).
    fn figures(&mut self) {
        let by_rating: Vec<String> = RATINGS.iter().map(|r| rated(r)).collect();
        let listed: Vec<&str> = FIGURES.iter().map(|(key, _)| *key).collect();
        for key in in_order(&listed, self.month.counts.keys()) {
            if !by_rating.iter().any(|r| r == key) {
                self.push(key, "all", "all", self.month.counts[key].as_ref());
            }
        }
    }

    /// Those on the register broken down: by rating, rating and age band, then the rest.
    fn breakdowns(&mut self) {
        let m = self.month;
        for rating in RATINGS {
            if let Some(shown) = m.counts.get(&rated(rating)) {
                self.push("on_register", "rating", rating, shown.as_ref());
            }
        }
        for rating in in_order(&RATINGS, m.by_rating_and_band.keys()) {
            for (band, shown) in &m.by_rating_and_band[rating] {
                let group = format!("{rating} {band}");
                self.push("on_register", "rating_and_age_band", &group, Some(shown));
            }
        }
        let listed: Vec<&str> = BREAKDOWNS.iter().map(|(key, _)| *key).collect();
        for name in in_order(&listed, m.breakdowns.keys()) {
            for (group, shown) in &m.breakdowns[name] {
                self.push("on_register", name, group, Some(shown));
            }
        }
    }
}

/// The keys there are, those `listed` first in its order, then the rest in theirs.
fn in_order<'a>(listed: &[&str], keys: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = keys.map(String::as_str).collect();
    keys.sort_by_key(|k| listed.iter().position(|l| l == k).unwrap_or(listed.len()));
    keys
}

/// The figures as one long table: for each month, each figure on its own (`all`), then those
/// on the register by each breakdown.
pub fn table(view: &FiguresView) -> Sheet {
    let mut sheet = Sheet::new("Figures", &COLUMNS);
    sheet.marking = super::figures::marking(view.suppressed);
    for month in &view.months {
        let mut rows = Rows {
            sheet: &mut sheet,
            month,
        };
        rows.figures();
        rows.breakdowns();
    }
    sheet
}

/// The workbook's notes: the range, how each month was counted, and how the numbers were given
/// out (the suppression, for readers who see it).
pub fn notes(view: &FiguresView) -> Sheet {
    let mut sheet = Sheet::new("Notes", &["Note"]);
    sheet.marking = super::figures::marking(view.suppressed);
    let (from, to) = range(view);
    let mut note = |text: String| sheet.rows.push(vec![Cell::Text(text)]);
    note(format!(
        "Figures over time from the register, {from} to {to}: each month as at 23:59:59 on its \
         last day, counted by the monthly return's rules."
    ));
    note(
        "One row per month, figure and group. Breakdown \"all\" is the figure on its own; the \
         other breakdowns are of the people on the register at the month's end."
            .into(),
    );
    if view.suppressed {
        note(
            "Small numbers are suppressed: a count from 1 to 7 is shown as *, and every other \
             count is rounded to the nearest 5 (NHS England's practice for the Assuring \
             Transformation statistics), so totals may not add up."
                .into(),
        );
        note(
            "A percentage is worked out from the rounded counts, and is * when either is. \
             Lengths of stay are in days, exact, and * when the number in hospital is."
                .into(),
        );
    } else {
        note(
            "The numbers are exact, small ones included: share them only with those who may \
             see them."
                .into(),
        );
    }
    note("A percentage or length of stay of nobody is left empty.".into());
    sheet
}

/// The workbook's sheets: the table, then its notes.
pub fn sheets(view: &FiguresView) -> Vec<Sheet> {
    vec![table(view), notes(view)]
}

/// The first and last months (`YYYY-MM`).
fn range(view: &FiguresView) -> (&str, &str) {
    let first = view.months.first().map_or("", |m| m.month.as_str());
    let last = view.months.last().map_or("", |m| m.month.as_str());
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::figures::{Disclosure, Tallied, month};

    fn view(disclosure: Disclosure) -> FiguresView {
        let mut t = Tallied::default();
        for _ in 0..12 {
            t.bump("on_register");
            t.bump("rated_red");
            t.breakdown("ethnicity", "A");
        }
        t.bump("admissions");
        t.shares.insert("admissions_reviewed_before", (0, 1));
        t.shares.insert("reviews_held_by_due_date", (0, 0));
        t.by_rating_and_band
            .entry("red".into())
            .or_default()
            .insert("0-17".into(), 12);
        let m = month("2026-10").unwrap();
        let suppressed = disclosure == Disclosure::Suppressed;
        FiguresView {
            months: vec![t.shown(m, disclosure)],
            suppressed,
            rounded: suppressed,
        }
    }

    /// The value of the row with `figure`, `breakdown` and `group`.
    fn at(sheet: &Sheet, figure: &str, breakdown: &str, group: &str) -> Cell {
        let want = [figure, breakdown, group].map(|s| Cell::Text(s.into()));
        sheet
            .rows
            .iter()
            .find(|r| r[2] == want[0] && r[4] == want[1] && r[5] == want[2])
            .map(|r| r[7].clone())
            .unwrap_or_else(|| panic!("no row {figure} {breakdown} {group}"))
    }

    #[test]
    fn one_row_per_month_figure_and_group() {
        let s = table(&view(Disclosure::Exact));
        assert_eq!(s.columns, COLUMNS);
        assert!(s.rows.iter().all(|r| r.len() == COLUMNS.len()));
        let first = &s.rows[0];
        assert_eq!(first[0], Cell::Text("2026-10".into()));
        assert_eq!(first[1], Cell::Date(time::macros::date!(2026 - 10 - 31)));
        assert_eq!(first[3], Cell::Text("People on the register".into()));
        assert_eq!(at(&s, "on_register", "all", "all"), Cell::count(12u64));
        assert_eq!(at(&s, "on_register", "rating", "red"), Cell::count(12u64));
        assert!(
            !s.rows
                .iter()
                .any(|r| r[2] == Cell::Text("rated_red".into())),
            "the ratings are a breakdown"
        );
        let band = at(&s, "on_register", "rating_and_age_band", "red 0-17");
        assert_eq!(band, Cell::count(12u64));
        let row = s
            .rows
            .iter()
            .find(|r| r[4] == Cell::Text("ethnicity".into()));
        assert_eq!(row.unwrap()[6], Cell::Text("White - British".into()));
        let share = at(&s, "admissions_reviewed_before_percent", "all", "all");
        assert_eq!(share, Cell::Number(0.0));
        let nobody = at(&s, "reviews_held_by_due_date_percent", "all", "all");
        assert_eq!(nobody, Cell::Empty);
    }

    #[test]
    fn suppressed_as_text_and_rounded_with_a_note() {
        let v = view(Disclosure::Suppressed);
        let s = table(&v);
        assert_eq!(at(&s, "on_register", "all", "all"), Cell::count(10u64));
        assert_eq!(at(&s, "admissions", "all", "all"), Cell::Text("*".into()));
        let share = at(&s, "admissions_reviewed_before_percent", "all", "all");
        assert_eq!(share, Cell::Text("*".into()));
        let notes = notes(&v);
        let text: Vec<String> = notes.rows.iter().map(|r| r[0].as_text()).collect();
        assert!(
            text.iter().any(|t| t.contains("rounded to the nearest 5")),
            "{text:?}"
        );
        let exact = notes_text(&view(Disclosure::Exact));
        assert!(!exact.contains("rounded"), "{exact}");
    }

    fn notes_text(v: &FiguresView) -> String {
        super::super::csv::sheet(&notes(v))
    }
}
