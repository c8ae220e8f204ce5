//! Actions a step runs, one per file, each with its YAML shape in its doc comment.
//!
//! An action is validated at load time (`load`) and run by the engine (`run`) against an
//! [`Exec`](crate::engine::Exec), which holds the session and collects replies and effects.
//! Actions do no I/O: whatever needs the outside world (a counselor queue, a send) becomes an
//! [`Effect`](crate::engine::Effect) for the runtime to carry out.

pub mod back;
pub mod clear;
pub mod end;
pub mod handoff;
pub mod lang;
pub mod locate;
pub mod refer;
pub mod repeat;
pub mod say;
pub mod set;

use crate::engine::Exec;

use super::load::Cx;
use super::raw::{RawAction, S};

#[derive(Debug)]
pub enum Action {
    Say(say::Say),
    Set(set::Set),
    Clear(clear::Clear),
    Lang(lang::SetLang),
    Locate(locate::Locate),
    Handoff(handoff::Handoff),
    Refer(refer::Refer),
    End(end::End),
    Repeat(repeat::Repeat),
    Back(back::Back),
}

impl Action {
    pub(crate) fn load(raw: &S<RawAction>, cx: &mut Cx) -> Option<Action> {
        Some(match &raw.value {
            RawAction::Say(s) => Action::Say(say::Say::load(s, cx)),
            RawAction::Set(vars) => Action::Set(set::Set::load(vars, &raw.referenced, cx)?),
            RawAction::Clear(vars) => Action::Clear(clear::Clear::load(vars, cx)?),
            RawAction::Lang(l) => Action::Lang(lang::SetLang::load(l, cx)?),
            RawAction::Locate(v) => Action::Locate(locate::Locate::load(v, cx)?),
            RawAction::Handoff(h) => Action::Handoff(handoff::Handoff::load(h, cx)?),
            RawAction::Refer(r) => Action::Refer(refer::Refer::load(r, &raw.referenced, cx)?),
            RawAction::End(_) => Action::End(end::End),
            RawAction::Repeat(_) => Action::Repeat(repeat::Repeat),
            RawAction::Back(_) => Action::Back(back::Back),
        })
    }

    pub fn run(&self, ex: &mut Exec) {
        match self {
            Action::Say(a) => a.run(ex),
            Action::Set(a) => a.run(ex),
            Action::Clear(a) => a.run(ex),
            Action::Lang(a) => a.run(ex),
            Action::Locate(a) => a.run(ex),
            Action::Handoff(a) => a.run(ex),
            Action::Refer(a) => a.run(ex),
            Action::End(a) => a.run(ex),
            Action::Repeat(a) => a.run(ex),
            Action::Back(a) => a.run(ex),
        }
    }
}
