//! The texts haven sends, loaded from Fluent files in `locales/<lang>/*.ftl`.
//!
//! Texts are loaded at run time (not compiled in) so that an operator can edit them and
//! `haven check` can validate them. Every language must define the same message ids; the
//! engine asks for a text by id and language and gets a plain string back.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use crate::Lang;
use crate::problem::Problem;

/// The web chat's page texts (`channels::web`), which every locale must have: `haven check`
/// and `Engine::load` enforce it. Listed here, below the engine, so that checking them does
/// not make the engine depend on a channel.
pub const WEB_TEXTS: &[&str] = &[
    "web-title",
    "web-intro",
    "web-privacy",
    "web-log-label",
    "web-you",
    "web-haven",
    "web-message-label",
    "web-placeholder",
    "web-send",
    "web-choices-label",
    "web-check",
    "web-exit",
    "web-skip",
    "web-send-failed",
    "web-new-session",
    "web-stale",
    "web-empty",
    "web-too-long",
    "web-embed-button",
    "web-call",
    "web-directions",
    "web-map",
    "web-leave",
];

/// Texts the channels add around the conversation on their own (button labels), which every
/// locale must have. Shown as buttons, never sent by SMS.
pub const CHANNEL_TEXTS: &[&str] = &["telegram-leave"];

/// Where a message is defined, for problems that point into `.ftl` files.
#[derive(Clone, Debug)]
pub struct TextSite {
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    /// The comment attached to the message (sources are cited there).
    pub comment: String,
    /// The variables the message uses, so checks can render it with sample values.
    pub variables: Vec<String>,
    /// The names of the message's attributes (`.label` of a quick reply).
    pub attributes: Vec<String>,
    /// Other texts the message includes (`{ safety-line }`): they are used wherever it is.
    pub references: Vec<String>,
}

/// All texts in all languages.
pub struct Texts {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    sites: BTreeMap<(Lang, String), TextSite>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("messages", &self.sites.len())
            .finish()
    }
}

/// Arguments for a text: variable name and value. Values that look like numbers are passed to
/// Fluent as numbers so that plural selectors work.
pub type Args<'a> = [(&'a str, &'a str)];

impl Texts {
    /// Loads every `locales/<lang>/*.ftl` for the languages haven knows. Returns the texts (even
    /// when some files have problems, so `check` can go on) and every problem found.
    pub fn load(dir: &Path) -> (Texts, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut bundles = HashMap::new();
        let mut sites = BTreeMap::new();
        for lang in Lang::ALL {
            let mut bundle = FluentBundle::new_concurrent(vec![lang_id(lang)]);
            bundle.set_use_isolating(false);
            let lang_dir = dir.join(lang.code());
            let mut files: Vec<PathBuf> = match std::fs::read_dir(&lang_dir) {
                Ok(rd) => rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
                    .collect(),
                Err(e) => {
                    problems.push(Problem::new(
                        &lang_dir,
                        0,
                        0,
                        format!("cannot read locale directory: {e}"),
                    ));
                    Vec::new()
                }
            };
            files.sort();
            if files.is_empty() && lang_dir.is_dir() {
                problems.push(Problem::new(
                    &lang_dir,
                    0,
                    0,
                    "no .ftl files for this language",
                ));
            }
            for file in files {
                let source = match std::fs::read_to_string(&file) {
                    Ok(s) => s,
                    Err(e) => {
                        problems.push(Problem::new(&file, 0, 0, format!("cannot read: {e}")));
                        continue;
                    }
                };
                load_file(lang, &file, source, &mut bundle, &mut sites, &mut problems);
            }
            bundles.insert(lang, bundle);
        }
        (Texts { bundles, sites }, problems)
    }

    /// Whether `key` exists in `lang`.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.sites.contains_key(&(lang, key.to_owned()))
    }

    /// Where `key` is defined in `lang`.
    pub fn site(&self, lang: Lang, key: &str) -> Option<&TextSite> {
        self.sites.get(&(lang, key.to_owned()))
    }

    /// Every (language, id) with its definition site.
    pub fn all(&self) -> impl Iterator<Item = (Lang, &str, &TextSite)> {
        self.sites.iter().map(|((l, k), s)| (*l, k.as_str(), s))
    }

    /// The ids of `lang`, in the order they are written (file by file).
    pub fn ids_in_file_order(&self, lang: Lang) -> Vec<&str> {
        let mut v: Vec<(&TextSite, &str)> = self
            .sites
            .iter()
            .filter(|((l, _), _)| *l == lang)
            .map(|((_, k), s)| (s, k.as_str()))
            .collect();
        v.sort_by(|a, b| (&a.0.file, a.0.line).cmp(&(&b.0.file, b.0.line)));
        v.into_iter().map(|(_, k)| k).collect()
    }

    /// Renders attribute `attr` of `key` in exactly `lang`, or `None` when it is missing.
    pub fn try_render_attribute(&self, lang: Lang, key: &str, attr: &str) -> Option<String> {
        let bundle = self.bundles.get(&lang)?;
        let pattern = bundle.get_message(key)?.get_attribute(attr)?.value();
        let mut errors = Vec::new();
        Some(
            bundle
                .format_pattern(pattern, None, &mut errors)
                .into_owned(),
        )
    }

    /// Renders `key` in `lang`. A text missing in `lang` falls back to English; a text missing
    /// everywhere renders as an empty string. `haven check` and the loader in `engine` refuse
    /// flows whose texts are missing, so these fallbacks are a second line of defence: a
    /// person in crisis must never see an error or a message id.
    pub fn render(&self, lang: Lang, key: &str, args: &Args) -> String {
        self.try_render(lang, key, args)
            .or_else(|| self.try_render(Lang::En, key, args))
            .unwrap_or_default()
    }

    /// Renders `key` in exactly `lang`, or `None` when it is missing.
    pub fn try_render(&self, lang: Lang, key: &str, args: &Args) -> Option<String> {
        let bundle = self.bundles.get(&lang)?;
        let msg = bundle.get_message(key)?;
        let pattern = msg.value()?;
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match value.parse::<f64>() {
                Ok(n) if !value.is_empty() && value.len() < 16 && !is_code(value) => {
                    fargs.set(*name, FluentValue::from(n))
                }
                _ => fargs.set(*name, FluentValue::from(*value)),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        Some(text.into_owned())
    }
}

/// Whether a number-like argument is a code to show as written: a leading zero before a digit
/// ("02108", a Boston ZIP) would be lost if Fluent formatted it as the number 2108.
fn is_code(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next() == Some('0') && chars.next().is_some_and(|c| c.is_ascii_digit())
}

fn lang_id(lang: Lang) -> unic_langid::LanguageIdentifier {
    lang.code().parse().unwrap_or_default()
}

fn load_file(
    lang: Lang,
    file: &Path,
    source: String,
    bundle: &mut FluentBundle<FluentResource>,
    sites: &mut BTreeMap<(Lang, String), TextSite>,
    problems: &mut Vec<Problem>,
) {
    // The AST has no spans, so message positions come from the lines that start an entry.
    let mut positions: HashMap<String, (u32, u32)> = HashMap::new();
    for (i, line) in source.split_inclusive('\n').enumerate() {
        if let Some(id) = entry_id(line) {
            if positions.contains_key(id) {
                problems.push(Problem::new(
                    file,
                    i as u32 + 1,
                    1,
                    format!("duplicate message id `{id}`"),
                ));
            } else {
                positions.insert(id.to_owned(), (i as u32 + 1, 1));
            }
        }
    }
    match fluent_syntax::parser::parse(source.as_str()) {
        Ok(resource) => collect_sites(lang, file, &resource, &positions, sites),
        Err((resource, errors)) => {
            for e in errors {
                // At the end of the file the parser's position says little; the start of the
                // broken entry says more.
                let at = match &e.slice {
                    Some(slice) if e.pos.start >= source.trim_end().len() => slice.start,
                    _ => e.pos.start,
                };
                problems.push(Problem::at_offset(
                    file,
                    &source,
                    at,
                    format!("Fluent syntax: {}", e.kind),
                ));
            }
            collect_sites(lang, file, &resource, &positions, sites);
        }
    }
    let resource = match FluentResource::try_new(source) {
        Ok(r) => r,
        // Syntax errors were reported above from the full parser; keep the valid entries.
        Err((r, _)) => r,
    };
    if let Err(errors) = bundle.add_resource(resource) {
        for e in errors {
            if let fluent_bundle::FluentError::Overriding { id, .. } = e {
                let (line, col) = positions.get(&id).copied().unwrap_or((0, 0));
                problems.push(Problem::new(
                    file,
                    line,
                    col,
                    format!(
                        "message `{id}` is already defined in another {} file",
                        lang.code()
                    ),
                ));
            }
        }
    }
}

/// The message id a line defines, if it starts a message (`id = ...`). Terms (`-id`) are not
/// texts the flows can say, so they are not listed.
fn entry_id(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))?;
    let rest = line[end..].trim_start();
    rest.starts_with('=').then(|| &line[..end])
}

fn collect_sites(
    lang: Lang,
    file: &Path,
    resource: &ast::Resource<&str>,
    positions: &HashMap<String, (u32, u32)>,
    sites: &mut BTreeMap<(Lang, String), TextSite>,
) {
    let mut group_comment = String::new();
    for entry in &resource.body {
        match entry {
            ast::Entry::GroupComment(c) | ast::Entry::ResourceComment(c) => {
                group_comment = c.content.join("\n");
            }
            ast::Entry::Message(m) => {
                let id = m.id.name.to_owned();
                let (line, col) = positions.get(&id).copied().unwrap_or((0, 0));
                let mut comment = m
                    .comment
                    .as_ref()
                    .map(|c| c.content.join("\n"))
                    .unwrap_or_default();
                if comment.is_empty() {
                    comment = group_comment.clone();
                }
                let mut refs = Refs::default();
                if let Some(p) = &m.value {
                    pattern_variables(p, &mut refs);
                }
                let attributes = m.attributes.iter().map(|a| a.id.name.to_owned()).collect();
                let Refs {
                    variables,
                    references,
                } = refs;
                sites.entry((lang, id)).or_insert(TextSite {
                    file: file.to_owned(),
                    line,
                    col,
                    comment,
                    variables,
                    attributes,
                    references,
                });
            }
            _ => {}
        }
    }
}

/// What a message's pattern refers to: variables and other messages.
#[derive(Default)]
struct Refs {
    variables: Vec<String>,
    references: Vec<String>,
}

fn pattern_variables(p: &ast::Pattern<&str>, out: &mut Refs) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(e: &ast::Expression<&str>, out: &mut Refs) {
    match e {
        ast::Expression::Inline(i) => inline_variables(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                pattern_variables(&v.value, out);
            }
        }
    }
}

fn inline_variables(i: &ast::InlineExpression<&str>, out: &mut Refs) {
    match i {
        ast::InlineExpression::VariableReference { id }
            if !out.variables.iter().any(|v| v == id.name) =>
        {
            out.variables.push(id.name.to_owned());
        }
        ast::InlineExpression::MessageReference { id, .. }
            if !out.references.iter().any(|v| v == id.name) =>
        {
            out.references.push(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn renders_without_isolation_marks_and_reports_positions() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "en/a.ftl",
            "# Source: CDC\nhello = Hi { $name }!\nmiles = { $n ->\n    [one] 1 mile\n   *[other] { $n } miles\n}\n",
        );
        write(
            dir.path(),
            "es/a.ftl",
            "hello = Hola { $name }\n\nbroken = { \n",
        );
        let (texts, problems) = Texts::load(dir.path());
        assert_eq!(
            texts.render(Lang::En, "hello", &[("name", "Sam")]),
            "Hi Sam!"
        );
        assert_eq!(texts.render(Lang::En, "miles", &[("n", "1")]), "1 mile");
        // A ZIP with a leading zero keeps it; a decimal below one is still a number.
        assert_eq!(
            texts.render(Lang::En, "hello", &[("name", "02108")]),
            "Hi 02108!"
        );
        assert_eq!(
            texts.render(Lang::En, "miles", &[("n", "0.4")]),
            "0.4 miles"
        );
        assert_eq!(
            texts.render(Lang::En, "miles", &[("n", "2.5")]),
            "2.5 miles"
        );
        // Missing in es → English; missing everywhere → empty, never the id.
        assert_eq!(texts.render(Lang::Es, "miles", &[("n", "3")]), "3 miles");
        assert_eq!(texts.render(Lang::Es, "nope", &[]), "");
        let site = texts.site(Lang::En, "hello").unwrap();
        assert_eq!((site.line, site.comment.as_str()), (2, "Source: CDC"));
        assert_eq!(site.variables, vec!["name".to_owned()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].to_string().contains("es/a.ftl:3:"),
            "{}",
            problems[0]
        );
    }
}
