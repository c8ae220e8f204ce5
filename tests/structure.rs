//! The dependency rule of ARCHITECTURE.md, checked on the source: which of haven's top-level
//! modules may name which. Channels sit on the message path and never name the server or the
//! counselor surfaces; the message path names no channel, surface or server; nothing below the
//! message path names anything above it; and no two top-level modules name each other through
//! a cycle that involves those layers.
//!
//! A module "names" another when its source has a path to it: `crate::server::…`,
//! `use crate::{server, …}`, `super::super::server` (resolved from where it is written) or
//! `haven::server` (the binary and doc tests). Mentions in comments count too, on purpose: a
//! doc link is a dependency of the docs. Re-exports are not followed; the rule is about what
//! each file writes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers above the core, from the top. Each may name the ones after it, never one before.
const EDGES: &[&str] = &["server", "counselors", "channels", "messaging"];

/// What each part may not name. Everything not listed under `bot/` is the core (engine, store,
/// handoff, ...) or a tool (`check`, `conversations`, `cli`, `main`), and the core's rule is the
/// last line.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("counselors", &["server"]),
    ("channels", &["server", "counselors"]),
    ("messaging", &["server", "counselors", "channels"]),
];

/// The modules below the message path. They name none of the layers above them. (`check` is
/// here because `Engine::load` runs it.)
const CORE: &[&str] = &[
    "check",
    "config",
    "engine",
    "flows",
    "handoff",
    "lang",
    "locales",
    "metrics",
    "problem",
    "referrals",
    "reports",
    "runtime",
    "speech",
    "store",
    "text",
    "triage",
];

/// One path to another top-level module, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    /// The top-level module of the file that writes it (`channels` for
    /// `bot/channels/sms/webhook.rs`; `main` and `cli` for the binary).
    from: String,
    /// The top-level module named.
    to: String,
    file: String,
    line: usize,
}

/// The module path of a file under `bot/`: `channels/sms/webhook.rs` is
/// `["channels", "sms", "webhook"]`, `channels/sms/mod.rs` is `["channels", "sms"]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier at the start of `s` (after spaces), and what follows it.
fn ident(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| !is_ident_char(c)).unwrap_or(s.len());
    (end > 0).then(|| (&s[..end], &s[end..]))
}

/// The top-level items of a `{ a::b, c, d::{e, f} }` group: `s` starts after the `{`.
fn group_heads(s: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0usize;
    let mut start = true;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && is_ident_char(c) => {
                start = false;
                if let Some((head, _)) = ident(&s[i..]) {
                    heads.push(head);
                }
            }
            _ => {}
        }
    }
    heads
}

/// The top-level modules named by paths in `source`, a file whose module path is `module`.
/// Returns (line number, module) pairs.
fn references(module: &[String], source: &str) -> Vec<(usize, String)> {
    // Inline modules (`mod tests {`) shift what `super` means. rustfmt puts a module's closing
    // brace alone at the indentation of its `mod` line, which is how its end is found.
    let mut inline: Vec<(String, String)> = Vec::new(); // (name, closing line)
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        if inline.last().is_some_and(|(_, close)| line == close) {
            inline.pop();
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let declared = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed)
            .strip_prefix("mod ")
            .and_then(ident)
            .filter(|(_, rest)| rest.trim_start().starts_with('{'));
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(name, _)| name.clone()))
            .collect();
        // A path starts at `crate::`, `haven::` or `super::` not preceded by an identifier.
        let mut at = 0;
        while let Some(pos) = ["crate::", "haven::", "super::"]
            .iter()
            .filter_map(|p| line[at..].find(p).map(|i| at + i))
            .min()
        {
            at = pos + 1;
            if line[..pos].chars().next_back().is_some_and(is_ident_char) {
                continue;
            }
            let mut rest = &line[pos..];
            let base: Vec<String> = if rest.starts_with("super::") {
                let mut base = here.clone();
                while let Some(r) = rest.strip_prefix("super::") {
                    if base.pop().is_none() {
                        break;
                    }
                    rest = r;
                }
                base
            } else {
                rest = &rest[rest.find("::").expect("matched") + 2..];
                Vec::new()
            };
            if rest.starts_with("super::") {
                continue; // climbs above the crate: not a path rustc would accept
            }
            let heads: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group_heads(group),
                None => ident(rest).map(|(head, _)| vec![head]).unwrap_or_default(),
            };
            for head in heads {
                let top = match base.first() {
                    Some(top) => top.clone(),
                    None if head == "self" => continue,
                    None => head.to_owned(),
                };
                found.push((n + 1, top));
            }
        }
        if let Some((name, _)) = declared {
            inline.push((name.to_owned(), format!("{indent}}}")));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("bot/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every reference from one top-level module to another under `bot/`.
fn all_references() -> Vec<Reference> {
    let bot = Path::new(env!("CARGO_MANIFEST_DIR")).join("bot");
    let mut files = Vec::new();
    rust_files(&bot, &mut files);
    files.sort();
    assert!(
        files.len() > 50,
        "found only {} files under bot/",
        files.len()
    );
    let mut refs = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&bot).expect("under bot/");
        let module = module_of(relative);
        let from = module.first().cloned().unwrap_or_else(|| {
            relative
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned() // lib, main
        });
        let source = fs::read_to_string(&path).expect("source is UTF-8");
        for (line, to) in references(&module, &source) {
            if to != from {
                refs.push(Reference {
                    from: from.clone(),
                    to,
                    file: format!("bot/{}", relative.display()),
                    line,
                });
            }
        }
    }
    refs
}

/// The references that break the rule, as `file:line: from names to` lines.
fn violations(refs: &[Reference]) -> Vec<String> {
    let mut out = Vec::new();
    for r in refs {
        let forbidden = FORBIDDEN
            .iter()
            .find(|(part, _)| *part == r.from)
            .map(|(_, targets)| targets.contains(&r.to.as_str()))
            .unwrap_or(false);
        let core_up = CORE.contains(&r.from.as_str()) && EDGES.contains(&r.to.as_str());
        if forbidden || core_up {
            out.push(format!("{}:{}: {} names {}", r.file, r.line, r.from, r.to));
        }
    }
    out
}

/// The cycles among top-level modules that go through one of the layers: each as the set of
/// modules that reach each other (a strongly connected component of more than one module).
fn cycles_through_layers(refs: &[Reference]) -> Vec<BTreeSet<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in refs {
        graph.entry(&r.from).or_default().insert(&r.to);
        graph.entry(&r.to).or_default();
    }
    let reach = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(m) = stack.pop() {
            for &next in &graph[m] {
                if seen.insert(next.to_owned()) {
                    stack.push(next);
                }
            }
        }
        seen
    };
    let mut cycles: Vec<BTreeSet<String>> = Vec::new();
    for &layer in EDGES {
        if !graph.contains_key(layer) {
            continue;
        }
        let from_layer = reach(layer);
        let cycle: BTreeSet<String> = from_layer
            .iter()
            .filter(|m| reach(m).contains(layer))
            .cloned()
            .collect();
        if !cycle.is_empty() && !cycles.contains(&cycle) {
            cycles.push(cycle);
        }
    }
    cycles
}

#[test]
fn the_layers_name_only_what_is_below_them() {
    let refs = all_references();
    // The scan sees the structure at all: these references exist and are allowed.
    for (from, to) in [
        ("server", "channels"),
        ("server", "counselors"),
        ("server", "messaging"),
        ("counselors", "messaging"),
        ("counselors", "channels"),
        ("channels", "messaging"),
        ("messaging", "engine"),
    ] {
        assert!(
            refs.iter().any(|r| r.from == from && r.to == to),
            "expected {from} to name {to}; the scan is broken"
        );
    }
    let bad = violations(&refs);
    assert!(
        bad.is_empty(),
        "the dependency rule of ARCHITECTURE.md is broken:\n{}",
        bad.join("\n")
    );
    let cycles = cycles_through_layers(&refs);
    assert!(
        cycles.is_empty(),
        "import cycles through server/counselors/channels/messaging: {cycles:?}"
    );
}

/// The checks above can fail: each way of naming a module is seen, and each is reported.
#[test]
fn every_way_of_naming_the_server_from_a_channel_is_caught() {
    let channel = module_of(Path::new("channels/sms/webhook.rs"));
    assert_eq!(channel, ["channels", "sms", "webhook"]);
    assert_eq!(
        module_of(Path::new("channels/sms/mod.rs")),
        ["channels", "sms"]
    );
    let sources = [
        "use crate::server::AppState;",
        "use crate::{engine::Channel, server::{AppState, State}};",
        "fn f(s: &crate::server::State) {}",
        "use super::super::super::server::State;",
        "mod tests {\n    use super::super::super::super::server::State;\n}",
        "//! Merged by [`crate::server::app`].",
        "use haven::server::app;",
    ];
    for source in sources {
        let found = references(&channel, source);
        assert!(
            found.iter().any(|(_, m)| m == "server"),
            "not seen: {source:?} gave {found:?}"
        );
        let refs: Vec<Reference> = found
            .into_iter()
            .map(|(line, to)| Reference {
                from: "channels".into(),
                to,
                file: "bot/channels/sms/webhook.rs".into(),
                line,
            })
            .collect();
        assert!(
            violations(&refs)
                .iter()
                .any(|v| v.ends_with("channels names server")),
            "not reported: {source:?}"
        );
    }
    // Paths that stay inside the channel, or go to the message path, are not the server.
    for source in [
        "use super::outbox::Outbox;",
        "use super::super::telegram::TelegramState;",
        "use crate::messaging::{AppError, Hub};",
        "let observer = 1; // observer::server",
        "mod tests {\n    use super::*;\n}\nuse super::twiml;",
    ] {
        let found = references(&channel, source);
        assert!(
            found
                .iter()
                .all(|(_, m)| m == "channels" || m == "messaging"),
            "{source:?} gave {found:?}"
        );
    }
    // A cycle between a channel and the server is reported as one.
    let edge = |from: &str, to: &str| Reference {
        from: from.into(),
        to: to.into(),
        file: String::new(),
        line: 0,
    };
    let cycles = cycles_through_layers(&[
        edge("server", "channels"),
        edge("channels", "messaging"),
        edge("messaging", "server"),
    ]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].contains("channels") && cycles[0].contains("server"));
}
