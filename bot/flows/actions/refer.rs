//! `refer`: list the nearest services of a kind from the operator's directory.
//!
//! ```yaml
//! - refer: {kind: $kind, near: location}              # the first page of results
//! - refer: {kind: $kind, near: location, more: true}  # the next page ("MORE")
//! - refer: {kind: $kind, near: location, open_now: $open_now}  # only places open now when
//!                                                     # the variable says `yes`
//! ```
//! `kind` is a directory kind (`naloxone`, `syringe`, ...), `any`, or `$var` to read it from a
//! session variable; omitted or `any`, every kind is listed. `near` names the variable a
//! `capture` of kind `location` filled. The action sets `refer_more` to `yes` when another page
//! exists (so a `branch` can offer MORE) and keeps the page in `refer_offset`. It sets
//! `refer_found` to `yes` when it listed places and to `no` when the directory has none of the
//! kind nearby (the reply then says so and gives the national options); with no directory
//! imported it says `refer-none` (the national locator and helpline, never a dead end) and
//! leaves `refer_found` unset.

use serde_saphyr::Location;

use crate::engine::Exec;
use crate::flows::load::Cx;
use crate::flows::raw::RawRefer;

#[derive(Debug)]
pub struct Refer {
    /// A literal kind, or the variable holding it.
    pub kind: Option<KindSource>,
    /// The variable holding the place (filled by a `location` capture).
    pub near: String,
    /// Whether this asks for the next page.
    pub more: bool,
    /// Only places open now: always, or when a variable is `yes`.
    pub open_now: Option<KindSource>,
}

#[derive(Debug, Clone)]
pub enum KindSource {
    Literal(String),
    Var(String),
}

impl Refer {
    pub(crate) fn load(raw: &RawRefer, at: &Location, cx: &mut Cx) -> Option<Refer> {
        for key in crate::engine::refer::TEXTS {
            cx.use_builtin_text(key);
        }
        let kind = match &raw.kind {
            None => None,
            Some(k) => match k.value.strip_prefix('$') {
                Some(var) => {
                    if !cx.check_var_name(var, &k.referenced) {
                        return None;
                    }
                    Some(KindSource::Var(var.to_owned()))
                }
                None => {
                    if k.value != "any" && !crate::engine::refer::is_kind(&k.value) {
                        cx.problem(&k.referenced, format!("unknown service kind `{}`", k.value));
                        return None;
                    }
                    Some(KindSource::Literal(k.value.clone()))
                }
            },
        };
        let near = match &raw.near {
            Some(n) => {
                if !cx.check_var_name(&n.value, &n.referenced) {
                    return None;
                }
                n.value.clone()
            }
            None => {
                cx.problem(
                    at,
                    "refer needs `near:`, the variable a location capture filled",
                );
                return None;
            }
        };
        let open_now = match &raw.open_now {
            None => None,
            Some(o) => match o.value.strip_prefix('$') {
                Some(var) => {
                    if !cx.check_var_name(var, &o.referenced) {
                        return None;
                    }
                    Some(KindSource::Var(var.to_owned()))
                }
                None if o.value == "yes" => Some(KindSource::Literal("yes".into())),
                None => {
                    cx.problem(&o.referenced, "`open_now` is `yes` or a `$variable`");
                    return None;
                }
            },
        };
        Some(Refer {
            kind,
            near,
            more: raw.more,
            open_now,
        })
    }

    pub fn run(&self, ex: &mut Exec) {
        let kind = match &self.kind {
            None => None,
            Some(KindSource::Literal(k)) => Some(k.clone()),
            Some(KindSource::Var(v)) => ex.session.vars.get(v).cloned(),
        };
        let kind = kind.filter(|k| k != "any");
        let open_now = match &self.open_now {
            None => false,
            Some(KindSource::Literal(v)) => v == "yes",
            Some(KindSource::Var(v)) => ex.session.vars.get(v).is_some_and(|v| v == "yes"),
        };
        crate::engine::refer::run(ex, kind.as_deref(), &self.near, self.more, open_now);
    }
}
