//! `locate`: keep the place named in the message being handled, if it names one.
//!
//! ```yaml
//! - locate: location
//! ```
//! "naloxone near 10001" or "where can I get needles in harlem" already say where: the services
//! flow runs this before asking, so a person who named a place is not asked again. A ZIP, a
//! place from the configuration's list, or a shared location pin counts; otherwise the variable
//! is left as it was (a place named earlier in the session stays).

use crate::engine::{Content, Exec};
use crate::flows::load::Cx;
use crate::flows::raw::S;

#[derive(Debug)]
pub struct Locate {
    pub var: String,
}

impl Locate {
    pub(crate) fn load(raw: &S<String>, cx: &mut Cx) -> Option<Locate> {
        cx.check_var_name(&raw.value, &raw.referenced)
            .then(|| Locate {
                var: raw.value.clone(),
            })
    }

    pub fn run(&self, ex: &mut Exec) {
        let place = match &ex.input.content {
            Content::Text(t) => crate::engine::refer::locate(t, ex.ctx),
            Content::Location { lat, lon } => Some(format!("{lat:.5},{lon:.5}")),
        };
        if let Some(p) = place {
            ex.session.vars.insert(self.var.clone(), p);
        }
    }
}
