//! `branch`: choose the next step from the session's variables, without waiting.
//!
//! ```yaml
//! - id: route
//!   branch:
//!     - if: {var: kind, is: naloxone}
//!       next: naloxone-tips
//!     - if: {var: kind, in: [methadone, buprenorphine]}
//!       next: treatment-tips
//!     - if: {var: location, set: true}
//!       next: results
//!     - else: ask-where
//! ```
//! Arms are tried in order; the `else` arm is required and must be last.

use std::collections::BTreeMap;

use super::super::Target;

#[derive(Debug)]
pub struct Branch {
    pub arms: Vec<(Cond, Target)>,
    pub otherwise: Target,
}

#[derive(Debug)]
pub enum Cond {
    Is(String, String),
    In(String, Vec<String>),
    Set(String, bool),
}

impl Branch {
    pub fn decide(&self, vars: &BTreeMap<String, String>) -> Target {
        self.arms
            .iter()
            .find(|(c, _)| c.holds(vars))
            .map_or(self.otherwise, |(_, t)| *t)
    }
}

impl Cond {
    pub fn holds(&self, vars: &BTreeMap<String, String>) -> bool {
        match self {
            Cond::Is(var, value) => vars.get(var) == Some(value),
            Cond::In(var, values) => vars.get(var).is_some_and(|v| values.contains(v)),
            Cond::Set(var, set) => vars.contains_key(var) == *set,
        }
    }
}
