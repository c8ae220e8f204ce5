//! `set`: store values in the session's variables (kept until the session expires).
//!
//! ```yaml
//! - set: {kind: naloxone, asked_for: services}
//! ```
//! Variable names are lower-case words (`[a-z][a-z0-9_]*`). Values are plain strings; texts
//! can show them as Fluent variables (`{ $kind }`).

use std::collections::BTreeMap;

use serde_saphyr::Location;

use crate::engine::Exec;
use crate::flows::load::Cx;

#[derive(Debug)]
pub struct Set {
    pub vars: Vec<(String, String)>,
}

impl Set {
    pub(crate) fn load(raw: &BTreeMap<String, String>, at: &Location, cx: &mut Cx) -> Option<Set> {
        let mut ok = true;
        for name in raw.keys() {
            ok &= cx.check_var_name(name, at);
        }
        ok.then(|| Set {
            vars: raw.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        })
    }

    pub fn run(&self, ex: &mut Exec) {
        for (k, v) in &self.vars {
            ex.session.vars.insert(k.clone(), v.clone());
        }
    }
}
