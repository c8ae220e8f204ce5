//! `lang`: switch the person's language, as their own explicit choice.
//!
//! ```yaml
//! - lang: es
//! ```
//! After this, language detection no longer changes the session's language; only another
//! `lang` action does. Texts said after the action in the same step are in the new language.

use crate::Lang;
use crate::engine::Exec;
use crate::flows::load::Cx;
use crate::flows::raw::S;

#[derive(Debug)]
pub struct SetLang(pub Lang);

impl SetLang {
    pub(crate) fn load(raw: &S<String>, cx: &mut Cx) -> Option<SetLang> {
        match Lang::parse(&raw.value) {
            Some(l) => Some(SetLang(l)),
            None => {
                cx.problem(
                    &raw.referenced,
                    format!("unknown language `{}` (expected en or es)", raw.value),
                );
                None
            }
        }
    }

    pub fn run(&self, ex: &mut Exec) {
        ex.session.lang = self.0;
        ex.session.lang_chosen = true;
    }
}
