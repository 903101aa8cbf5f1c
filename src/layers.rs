//! Imports point down only. The crate is built in layers, lowest first:
//!
//! | layer      | modules                                   | may use (besides itself)                                   |
//! |------------|-------------------------------------------|------------------------------------------------------------|
//! | `domain`   | `domain`                                  | —                                                          |
//! | `entities` | `entities`                                | `domain`                                                   |
//! | `memory`   | `memory`                                  | —                                                          |
//! | `clock`    | `clock`                                   | `domain`                                                   |
//! | `config`   | `config`                                  | `domain`                                                   |
//! | `policy`   | `policy`                                  | `domain`                                                   |
//! | `error`    | `error`                                   | `domain`                                                   |
//! | `db`       | `db`                                      | `domain`, `entities`, `config`                             |
//! | `reports`  | `reports`                                 | `domain`, `error`, `memory`                                |
//! | `auth`     | `auth` (passwords, tokens)                | `domain`, `memory`, `error`, `config`                      |
//! | `services` | `services`                                | everything above                                           |
//! | `web`      | `web` (handlers, pages, request guards)   | everything above but `entities`                            |
//! | `top`      | `lib.rs`, `main.rs`, `cli`, `demo`, `bench`, `layers` | everything                                     |
//!
//! A layer uses only layers listed before it in [`LAYERS`] (a test checks the table itself), so
//! nothing lower imports anything higher. `reports` is fed by services but knows only the domain
//! and its own model; `error` does not know how the web answers it (`web::errors` does).
//!
//! The test below reads every `src/**/*.rs`, finds each path into the crate — `crate::x::…`,
//! grouped `use crate::{x::…, y::{…}}` at any depth, paths written in code, and `super::` paths
//! that climb out of a module — and fails listing `file:line: layer X imports Y`. Comments and
//! string literals are skipped. A new top-level module must be added to the table.

/// One layer: its name, the module paths in it (`"auth"`, or a deeper `"a::b"`; the longest
/// match wins) and the layers it may use besides itself.
pub struct Layer {
    pub name: &'static str,
    pub modules: &'static [&'static str],
    pub may_use: &'static [&'static str],
}

const BELOW_SERVICES: &[&str] = &[
    "domain", "entities", "memory", "clock", "config", "policy", "error", "db", "reports", "auth",
];

/// Not `entities`: the web sees rows only as the services' own structs.
const BELOW_WEB: &[&str] = &[
    "domain", "memory", "clock", "config", "policy", "error", "db", "reports", "auth", "services",
];

const EVERYTHING: &[&str] = &[
    "domain", "entities", "memory", "clock", "config", "policy", "error", "db", "reports", "auth",
    "services", "web",
];

/// The layers, lowest first. The crate root (`lib.rs`, and items defined there such as
/// `crate::prepare`) is `top`.
pub const LAYERS: &[Layer] = &[
    Layer {
        name: "domain",
        modules: &["domain"],
        may_use: &[],
    },
    Layer {
        name: "entities",
        modules: &["entities"],
        may_use: &["domain"],
    },
    Layer {
        name: "memory",
        modules: &["memory"],
        may_use: &[],
    },
    Layer {
        name: "clock",
        modules: &["clock"],
        may_use: &["domain"],
    },
    Layer {
        name: "config",
        modules: &["config"],
        may_use: &["domain"],
    },
    Layer {
        name: "policy",
        modules: &["policy"],
        may_use: &["domain"],
    },
    Layer {
        name: "error",
        modules: &["error"],
        may_use: &["domain"],
    },
    Layer {
        name: "db",
        modules: &["db"],
        may_use: &["domain", "entities", "config"],
    },
    Layer {
        name: "reports",
        modules: &["reports"],
        may_use: &["domain", "error", "memory"],
    },
    Layer {
        name: "auth",
        modules: &["auth"],
        may_use: &["domain", "memory", "error", "config"],
    },
    Layer {
        name: "services",
        modules: &["services"],
        may_use: BELOW_SERVICES,
    },
    Layer {
        name: "web",
        modules: &["web"],
        may_use: BELOW_WEB,
    },
    Layer {
        name: "top",
        modules: &["", "main", "cli", "demo", "bench", "layers"],
        may_use: EVERYTHING,
    },
];

/// The layer a module path (`["services", "people"]`) is in: the longest listed module that
/// is a prefix of it, the crate root (`""`) matching anything no other does.
pub fn layer_of(path: &[String]) -> Option<&'static Layer> {
    let mut best: Option<(&'static Layer, usize)> = None;
    for layer in LAYERS {
        for module in layer.modules {
            let segments: Vec<&str> = if module.is_empty() {
                Vec::new()
            } else {
                module.split("::").collect()
            };
            let matches = segments.len() <= path.len()
                && segments.iter().zip(path).all(|(a, b)| *a == b.as_str());
            if matches && best.is_none_or(|(_, len)| segments.len() > len) {
                best = Some((layer, segments.len()));
            }
        }
    }
    best.map(|(layer, _)| layer)
}

/// The module path of a file under `src/` (`services/people/mod.rs` → `services::people`,
/// `lib.rs` → the root).
pub fn module_of_file(rel: &str) -> Vec<String> {
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut segments: Vec<String> = rel.split('/').map(str::to_string).collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    segments
}

/// The text with comments and the insides of string and char literals blanked out (newlines
/// kept, so line numbers stay right).
fn code_only(text: &str) -> Vec<char> {
    let src: Vec<char> = text.chars().collect();
    let mut out = src.clone();
    let mut i = 0;
    while i < src.len() {
        match not_code(&src, i) {
            Some((from, to, resume)) => {
                for c in out.iter_mut().take(to.min(src.len())).skip(from) {
                    if *c != '\n' {
                        *c = ' ';
                    }
                }
                i = resume;
            }
            None => i += 1,
        }
    }
    out
}

/// A comment or literal starting at `i`: the span to blank and where code resumes.
fn not_code(src: &[char], i: usize) -> Option<(usize, usize, usize)> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let raw_prefix =
        i == 0 || !ident(src[i - 1]) || (src[i - 1] == 'b' && (i < 2 || !ident(src[i - 2])));
    match (src[i], src.get(i + 1).copied()) {
        ('/', Some('/')) => {
            let end = src[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(src.len(), |p| i + p);
            Some((i, end, end))
        }
        ('/', Some('*')) => {
            let end = block_comment_end(src, i);
            Some((i, end, end))
        }
        ('r', Some('"' | '#')) if raw_prefix => raw_string(src, i),
        ('"', _) => {
            let mut j = i + 1;
            while j < src.len() && src[j] != '"' {
                j += if src[j] == '\\' { 2 } else { 1 };
            }
            Some((i + 1, j, j + 1))
        }
        ('\'', next) => char_literal(src, i, next),
        _ => None,
    }
}

/// Just past the end of the (possibly nested) block comment opening at `i`.
fn block_comment_end(src: &[char], i: usize) -> usize {
    let (mut depth, mut j) = (1, i + 2);
    while j < src.len() && depth > 0 {
        if src[j] == '/' && src.get(j + 1) == Some(&'*') {
            depth += 1;
            j += 2;
        } else if src[j] == '*' && src.get(j + 1) == Some(&'/') {
            depth -= 1;
            j += 2;
        } else {
            j += 1;
        }
    }
    j
}

/// A raw string r"…", r#"…"#, br#"…"# at `i` (`None` for a raw identifier r#name).
fn raw_string(src: &[char], i: usize) -> Option<(usize, usize, usize)> {
    let hashes = src[i + 1..].iter().take_while(|&&c| c == '#').count();
    if src.get(i + 1 + hashes) != Some(&'"') {
        return None;
    }
    let start = i + 2 + hashes;
    let mut j = start;
    while j < src.len() {
        let closes = src[j + 1..]
            .iter()
            .take(hashes)
            .filter(|&&c| c == '#')
            .count()
            == hashes;
        if src[j] == '"' && closes {
            break;
        }
        j += 1;
    }
    Some((start, j, j + 1 + hashes))
}

/// A char literal ('x', '\n', '\u{7b}') at `i`; `None` for a lifetime ('a).
fn char_literal(src: &[char], i: usize, next: Option<char>) -> Option<(usize, usize, usize)> {
    if next == Some('\\') {
        let mut j = i + 3;
        while j < src.len() && src[j] != '\'' {
            j += 1;
        }
        Some((i + 1, j, j + 1))
    } else if src.get(i + 2) == Some(&'\'') {
        Some((i + 1, i + 2, i + 3))
    } else {
        None
    }
}

/// Tokens of code (identifiers, `::` and single punctuation), each with its line (from 1).
fn tokens(code: &[char]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                i += 1;
            }
            out.push((code[start..i].iter().collect(), line));
        } else if c == ':' && code.get(i + 1) == Some(&':') {
            out.push(("::".to_string(), line));
            i += 2;
        } else {
            out.push((c.to_string(), line));
            i += 1;
        }
    }
    out
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Reads a use tree (or a path in code) starting at `at`, below `prefix`; pushes every full
/// path it names with its line, and returns where it stopped.
fn use_tree(
    tokens: &[(String, usize)],
    mut at: usize,
    prefix: Vec<String>,
    line: usize,
    out: &mut Vec<(usize, Vec<String>)>,
) -> usize {
    let Some((token, token_line)) = tokens.get(at) else {
        out.push((line, prefix));
        return at;
    };
    match token.as_str() {
        "{" => {
            at += 1;
            while let Some((token, _)) = tokens.get(at) {
                if token == "}" {
                    return at + 1;
                }
                if token == "," {
                    at += 1;
                    continue;
                }
                at = use_tree(tokens, at, prefix.clone(), *token_line, out);
                // Skip an `as name` up to the next item.
                while let Some((token, _)) = tokens.get(at) {
                    if token == "," || token == "}" {
                        break;
                    }
                    at += 1;
                }
            }
            at
        }
        "*" => {
            out.push((*token_line, prefix));
            at + 1
        }
        t if is_ident(t) => {
            let mut path = prefix;
            match t {
                "self" => {}
                "super" => {
                    path.pop();
                }
                _ => path.push(t.to_string()),
            }
            at += 1;
            let follows = tokens.get(at).is_some_and(|(t, _)| t == "::")
                && tokens
                    .get(at + 1)
                    .is_some_and(|(t, _)| t == "{" || t == "*" || is_ident(t));
            if follows {
                use_tree(tokens, at + 1, path, *token_line, out)
            } else {
                out.push((*token_line, path));
                at
            }
        }
        _ => {
            out.push((line, prefix));
            at
        }
    }
}

/// Every path into the crate written in a file whose module is `module`: `crate::…` paths, and
/// `super::…` paths resolved against the module (and the inline modules they sit in).
/// Each comes as its line and its absolute path below the crate root.
pub fn crate_paths(text: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let tokens = tokens(&code_only(text));
    let mut out = Vec::new();
    let mut depth = 0usize;
    // Inline modules (`mod tests { … }`) open around here: name and the depth inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (token, line) = (&tokens[i].0, tokens[i].1);
        let previous = i.checked_sub(1).map(|p| tokens[p].0.as_str());
        let next = tokens.get(i + 1).map(|t| t.0.as_str());
        match token.as_str() {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                inline.retain(|(_, inside)| *inside <= depth);
            }
            "mod" => {
                if let (Some(name), Some("{")) = (next, tokens.get(i + 2).map(|t| t.0.as_str()))
                    && is_ident(name)
                {
                    inline.push((name.to_string(), depth + 1));
                }
            }
            "crate" if next == Some("::") && !matches!(previous, Some("::" | "$")) => {
                i = use_tree(&tokens, i + 2, Vec::new(), line, &mut out);
                continue;
            }
            "super" if next == Some("::") && previous != Some("::") => {
                let mut here: Vec<String> = module.to_vec();
                here.extend(inline.iter().map(|(name, _)| name.clone()));
                let mut j = i;
                while tokens.get(j).is_some_and(|t| t.0 == "super")
                    && tokens.get(j + 1).is_some_and(|t| t.0 == "::")
                {
                    here.pop();
                    j += 2;
                }
                i = use_tree(&tokens, j, here, line, &mut out);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    fn strings(paths: Vec<(usize, Vec<String>)>) -> Vec<(usize, String)> {
        paths
            .into_iter()
            .map(|(line, path)| (line, path.join("::")))
            .collect()
    }

    fn module(path: &str) -> Vec<String> {
        path.split("::").map(str::to_string).collect()
    }

    #[test]
    fn the_table_points_down() {
        for (rank, layer) in LAYERS.iter().enumerate() {
            for used in layer.may_use {
                let below = LAYERS[..rank].iter().any(|l| l.name == *used);
                assert!(
                    below,
                    "layer {} may use {used}, which is not below it",
                    layer.name
                );
            }
        }
    }

    #[test]
    fn grouped_and_nested_imports_are_read() {
        let text = "use crate::{services::x, web::{pages::{self, a}, api::b as c}};\n\
                    use crate::domain::*;\n\
                    fn f() { crate::web::pages::foo(1); let s = \"crate::db::x\"; } // crate::cli\n";
        assert_eq!(
            strings(crate_paths(text, &module("reports::model"))),
            vec![
                (1, "services::x".to_string()),
                (1, "web::pages".to_string()),
                (1, "web::pages::a".to_string()),
                (1, "web::api::b".to_string()),
                (2, "domain".to_string()),
                (3, "web::pages::foo".to_string()),
            ]
        );
    }

    #[test]
    fn super_paths_resolve_against_the_module_and_inline_modules() {
        let text = "use super::model::Row;\nuse super::super::web::x;\n\
                    mod tests {\n    use super::*;\n    use super::super::y;\n}\n\
                    fn g() { let c = '{'; super::z(); }\n";
        assert_eq!(
            strings(crate_paths(text, &module("reports::csv"))),
            vec![
                (1, "reports::model::Row".to_string()),
                (2, "web::x".to_string()),
                (4, "reports::csv".to_string()),
                (5, "reports::y".to_string()),
                (7, "reports::z".to_string()),
            ]
        );
    }

    #[test]
    fn files_map_to_layers() {
        let name = |rel: &str| layer_of(&module_of_file(rel)).map(|l| l.name);
        assert_eq!(name("lib.rs"), Some("top"));
        assert_eq!(name("services/people/mod.rs"), Some("services"));
        assert_eq!(name("domain/deadlines/table.rs"), Some("domain"));
        assert_eq!(name("web/pages/admin.rs"), Some("web"));
        assert_eq!(layer_of(&module("prepare")).map(|l| l.name), Some("top"));
    }

    /// Every path into the crate, in every file under `src/`, goes to the file's own layer or
    /// to one it may use.
    #[test]
    fn imports_point_down_only() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files.sort();
        let mut offences = Vec::new();
        for file in files {
            let rel = file.strip_prefix(&src).expect("under src");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let module = module_of_file(&rel);
            let listed = module.first().is_none_or(|first| {
                LAYERS
                    .iter()
                    .flat_map(|l| l.modules.iter())
                    .any(|m| m.split("::").next() == Some(first.as_str()))
            });
            let (true, Some(layer)) = (listed, layer_of(&module)) else {
                offences.push(format!("src/{rel}: module in no layer (add it to LAYERS)"));
                continue;
            };
            if rel == "main.rs" {
                // The binary is a crate of its own; its `crate::` is not this one.
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read");
            for (line, path) in crate_paths(&text, &module) {
                let Some(used) = layer_of(&path) else {
                    continue;
                };
                if used.name != layer.name && !layer.may_use.contains(&used.name) {
                    offences.push(format!(
                        "src/{rel}:{line}: layer {} imports {} (crate::{})",
                        layer.name,
                        used.name,
                        path.join("::")
                    ));
                }
            }
        }
        offences.dedup();
        assert!(
            offences.is_empty(),
            "imports that point up (see the table in src/layers.rs):\n{}",
            offences.join("\n")
        );
    }
}
