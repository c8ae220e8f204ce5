//! `clear`: forget session variables, e.g. a location once a referral is done.
//!
//! ```yaml
//! - clear: [location, kind]
//! ```

use crate::engine::Exec;
use crate::flows::load::Cx;
use crate::flows::raw::S;

#[derive(Debug)]
pub struct Clear {
    pub vars: Vec<String>,
}

impl Clear {
    pub(crate) fn load(raw: &[S<String>], cx: &mut Cx) -> Option<Clear> {
        let mut ok = true;
        for v in raw {
            ok &= cx.check_var_name(&v.value, &v.referenced);
        }
        ok.then(|| Clear {
            vars: raw.iter().map(|v| v.value.clone()).collect(),
        })
    }

    pub fn run(&self, ex: &mut Exec) {
        for v in &self.vars {
            ex.session.vars.remove(v);
        }
    }
}
