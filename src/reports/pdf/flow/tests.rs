//! The flow layout's rules: easy read set large, cards and table rows never split, headers
//! repeated, the same document the same bytes, every symbol drawn.

use super::*;
use crate::reports::document::Symbol;
use time::macros::date;

fn doc(style: Style, blocks: Vec<Block>) -> Document {
    Document {
        style,
        title: "A review".into(),
        footer: "A review".into(),
        organisation: "NHS Test ICB".into(),
        marking: crate::reports::Marking::Personal,
        day: date!(2026 - 11 - 02),
        blocks,
    }
}

fn sizes(pages: &[Canvas]) -> Vec<f32> {
    pages
        .iter()
        .flat_map(|p| &p.ops)
        .filter_map(|op| match op {
            Op::SetFont { size, .. } => Some(size.0),
            _ => None,
        })
        .collect()
}

fn texts(pages: &[Canvas]) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|p| {
            p.ops
                .iter()
                .filter_map(|op| match op {
                    Op::ShowText { items } => Some(items),
                    _ => None,
                })
                .flatten()
                .filter_map(|i| match i {
                    TextItem::Text(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn sample(style: Style) -> Document {
    let mut blocks = vec![
        Block::Title {
            text: "Your review".into(),
        },
        Block::Heading {
            text: "What will happen next".into(),
            symbol: Some(Symbol::Steps),
        },
    ];
    for i in 0..12 {
        blocks.push(Block::Card {
            lines: vec![
                ("Who will do it".into(), format!("Team {i}")),
                (
                    "What they will do".into(),
                    "A plan with you and your school, written down so that everyone knows it"
                        .into(),
                ),
                ("When".into(), "By Monday 7 December 2026".into()),
            ],
        });
    }
    doc(style, blocks)
}

#[test]
fn easy_read_is_set_at_sixteen_points_or_more_and_standard_smaller() {
    let fonts = fonts().unwrap();
    let easy = lay_out(&sample(Style::EasyRead), fonts);
    assert!(
        sizes(&easy).iter().all(|s| *s >= 16.0),
        "{:?}",
        sizes(&easy)
    );
    let standard = lay_out(&sample(Style::Standard), fonts);
    assert!(sizes(&standard).iter().any(|s| *s < 16.0));
    assert!(easy.len() > standard.len(), "large type takes more pages");
}

#[test]
fn a_card_is_never_split_between_pages() {
    let fonts = fonts().unwrap();
    let pages = lay_out(&sample(Style::EasyRead), fonts);
    assert!(pages.len() > 1);
    for page in texts(&pages) {
        let whos = page.iter().filter(|t| *t == "Who will do it").count();
        let whens = page.iter().filter(|t| *t == "When").count();
        assert_eq!(whos, whens, "{page:?}");
    }
}

#[test]
fn a_long_table_repeats_its_header_and_keeps_rows_whole() {
    let rows = (0..80)
        .map(|i| {
            vec![
                format!("Owner {i}"),
                "Something to do that takes a couple of lines to say in this narrow column".into(),
                "7 Dec 2026".into(),
                "How".into(),
            ]
        })
        .collect();
    let d = doc(
        Style::Standard,
        vec![Block::Table {
            columns: vec![
                ("WHO".into(), 2),
                ("WHAT".into(), 4),
                ("WHEN".into(), 1),
                ("HOW".into(), 2),
            ],
            rows,
        }],
    );
    let pages = lay_out(&d, fonts().unwrap());
    assert!(pages.len() > 2);
    for page in texts(&pages) {
        assert_eq!(page.first().map(String::as_str), Some("WHO"), "{page:?}");
    }
    let owners: usize = texts(&pages)
        .iter()
        .map(|p| p.iter().filter(|t| t.starts_with("Owner ")).count())
        .sum();
    assert_eq!(owners, 80);
}

#[test]
fn the_same_document_gives_the_same_bytes_and_another_other_bytes() {
    let a = render_document(&sample(Style::EasyRead)).unwrap();
    let b = render_document(&sample(Style::EasyRead)).unwrap();
    assert!(a.starts_with(b"%PDF-"));
    assert!(a == b);
    let mut other = sample(Style::EasyRead);
    other.blocks.push(Block::Para {
        text: "One more line.".into(),
    });
    assert!(render_document(&other).unwrap() != a);
}

#[test]
fn every_symbol_draws() {
    for symbol in [
        Symbol::Document,
        Symbol::People,
        Symbol::Speech,
        Symbol::Question,
        Symbol::Tick,
        Symbol::Steps,
        Symbol::Calendar,
        Symbol::Heart,
    ] {
        let mut canvas = Canvas::new();
        draw_symbol(&mut canvas, symbol, 0.0, 0.0, 56.0);
        assert!(canvas.ops.len() > 2, "{symbol:?}");
    }
}
