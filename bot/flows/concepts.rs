//! Loading `flows/concepts/*.yaml`: concept files validated into the matcher's `Concepts`.
//!
//! Every concept is declared before any rule is read, so rules may name concepts from any file
//! in any order; every problem (unknown concept, bad distance, a concept made of itself) is
//! reported as `file:line:col: message` like the rest of the flows.

use std::path::{Path, PathBuf};

use serde_saphyr::Location;

use super::raw::{RawConceptFile, S, pos};
use crate::Lang;
use crate::problem::Problem;
use crate::triage::concepts::{Concepts, RuleError};

/// The folder under the flows directory that holds concept files.
pub const DIR: &str = "concepts";

/// Loads every concept file under `flows_dir/concepts/`. A missing folder is no concepts.
pub fn load(flows_dir: &Path, problems: &mut Vec<Problem>) -> Concepts {
    let dir = flows_dir.join(DIR);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut raws = Vec::new();
    for file in files {
        let source = match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                problems.push(Problem::new(&file, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        match serde_saphyr::from_str::<RawConceptFile>(&source) {
            Ok(r) => raws.push((file, r)),
            Err(e) => {
                let (line, col) = e
                    .location()
                    .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
                let text = e.without_snippet().to_string();
                let first = text.lines().next().unwrap_or("invalid YAML").to_owned();
                problems.push(Problem::new(&file, line, col, first));
            }
        }
    }
    build(&raws, problems)
}

fn build(raws: &[(PathBuf, RawConceptFile)], problems: &mut Vec<Problem>) -> Concepts {
    let mut set = Concepts::default();
    let mut ids = Vec::new();
    for (file, raw) in raws {
        for (name, c) in &raw.concepts {
            let (l, col) = pos(&c.referenced);
            if !super::load::is_id(name) {
                problems.push(Problem::new(
                    file,
                    l,
                    col,
                    format!("invalid concept name `{name}` (use lower-case letters, digits and -)"),
                ));
            }
            match set.declare(name) {
                Some(id) => ids.push(Some(id)),
                None => {
                    problems.push(Problem::new(
                        file,
                        l,
                        col,
                        format!("concept `{name}` is defined twice"),
                    ));
                    ids.push(None);
                }
            }
        }
    }
    let mut next = ids.into_iter();
    for (file, raw) in raws {
        for (name, c) in &raw.concepts {
            let Some(id) = next.next().flatten() else {
                continue;
            };
            let mut terms = Vec::new();
            let langs = [
                (Some(Lang::En), &c.value.en),
                (Some(Lang::Es), &c.value.es),
                (None, &c.value.any),
            ];
            for (lang, list) in langs {
                for t in list {
                    match set.parse_term(&t.value, lang) {
                        Ok(term) => terms.push(term),
                        Err(m) => at(problems, file, &t.referenced, 0, format!("{name}: {m}")),
                    }
                }
            }
            let mut rules = Vec::new();
            for r in &c.value.rules {
                match set.parse_rule(&r.value) {
                    Ok(rule) => rules.push(rule),
                    Err(e) => rule_problem(problems, file, r, e),
                }
            }
            let written = c.value.en.len() + c.value.es.len() + c.value.any.len();
            if written + c.value.rules.len() == 0 {
                at(
                    problems,
                    file,
                    &c.referenced,
                    0,
                    format!("concept `{name}` has no words and no rules"),
                );
            }
            set.list[id].terms = terms;
            set.list[id].rules = rules;
        }
    }
    if let Err(cycle) = set.finish() {
        let (file, loc) = raws
            .iter()
            .find_map(|(f, r)| r.concepts.get(&cycle[0]).map(|c| (f.clone(), c.referenced)))
            .unwrap_or((PathBuf::new(), Location::UNKNOWN));
        at(
            problems,
            &file,
            &loc,
            0,
            format!(
                "concepts are made of each other: {}",
                cycle
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
        );
    }
    set
}

fn at(problems: &mut Vec<Problem>, file: &Path, loc: &Location, offset: usize, m: String) {
    let (l, c) = pos(loc);
    let col = if c == 0 { 0 } else { c + offset as u32 };
    problems.push(Problem::new(file, l, col, m));
}

/// A rule problem, pointed at the piece of the rule it concerns.
pub fn rule_problem(problems: &mut Vec<Problem>, file: &Path, rule: &S<String>, e: RuleError) {
    // A quoted YAML string starts one column before its first character.
    at(problems, file, &rule.referenced, e.offset + 1, e.message);
}
