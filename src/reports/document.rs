//! A document of flowing text (a review's report, its easy-read version): blocks in reading
//! order, already worded, for `pdf::flow` to lay out on A4 portrait pages with the marking and
//! page numbers. Like the return's model, it knows nothing above the domain.

use super::chart::Chart;
use serde::Serialize;
use time::Date;

/// How a document is set: the standard report, or easy read (large type, plenty of space,
/// drawn symbols beside the headings and the text in a column beside them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Standard,
    EasyRead,
}

/// A simple drawn symbol for an easy-read heading (drawn with PDF paths: no image files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbol {
    /// A page: what this is.
    Document,
    /// People around a table: who was there.
    People,
    /// A speech bubble: what you told us.
    Speech,
    /// A question mark: the questions the review asked.
    Question,
    /// A tick: what we agreed.
    Tick,
    /// A list with an arrow: what will happen next.
    Steps,
    /// A calendar page: the next meeting.
    Calendar,
    /// A helping hand (a heart): who can help.
    Heart,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    /// The document's title, large.
    Title { text: String },
    /// A line under the title.
    Subtitle { text: String },
    /// A section heading, with a symbol in easy read.
    Heading {
        text: String,
        symbol: Option<Symbol>,
    },
    /// A smaller heading inside a section (a line of enquiry's question).
    Label { text: String },
    /// Text wrapped to the width; each `\n` starts a new line.
    Para { text: String },
    /// Text in a quieter colour (a note, "Not recorded").
    Note { text: String },
    /// Label and value pairs, the labels in a column of their own.
    Pairs { pairs: Vec<(String, String)> },
    /// A table with a header row, repeated on each page it runs onto; a row is never split.
    Table {
        columns: Vec<(String, u16)>,
        rows: Vec<Vec<String>>,
    },
    /// A boxed group of label–value lines, kept on one page (an easy-read action).
    Card { lines: Vec<(String, String)> },
    /// A chart, scaled to the width and kept on one page.
    Chart { chart: Chart },
    /// Blocks kept on one page if they fit on one (a heading with its chart).
    Together { blocks: Vec<Block> },
}

/// A whole document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub style: Style,
    /// The PDF's title (its Info) and the footer's words.
    pub title: String,
    pub footer: String,
    /// Who it is from (the PDF's author): the commissioning organisation.
    pub organisation: String,
    /// The marking at the top and bottom of every page.
    pub marking: super::Marking,
    /// The document's date (the review's): the PDF's dates, never the clock.
    #[serde(skip)]
    pub day: Date,
    pub blocks: Vec<Block>,
}

impl Document {
    /// Every word the document shows, in reading order (what the tests read, and what the
    /// PDF's identity is a digest of).
    pub fn words(&self) -> Vec<&str> {
        let mut out = vec![
            self.title.as_str(),
            self.footer.as_str(),
            &self.organisation,
        ];
        words_of(&self.blocks, &mut out);
        out
    }
}

fn words_of<'a>(blocks: &'a [Block], out: &mut Vec<&'a str>) {
    for b in blocks {
        match b {
            Block::Title { text }
            | Block::Subtitle { text }
            | Block::Heading { text, .. }
            | Block::Label { text }
            | Block::Para { text }
            | Block::Note { text } => out.push(text),
            Block::Pairs { pairs } | Block::Card { lines: pairs } => {
                for (a, b) in pairs {
                    out.push(a);
                    out.push(b);
                }
            }
            Block::Table { columns, rows } => {
                out.extend(columns.iter().map(|(c, _)| c.as_str()));
                out.extend(rows.iter().flatten().map(String::as_str));
            }
            Block::Chart { chart } => out.extend(chart.words()),
            Block::Together { blocks } => words_of(blocks, out),
        }
    }
}
