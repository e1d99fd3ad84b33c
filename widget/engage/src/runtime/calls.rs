//! The engagement module's exports, one task each (issue 16): every call the core makes
//! (start-up, an answer, a command, stop) and the plan after an answer wait their turn here.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use super::{apply, commands, halt, planned, start};
use crate::host;

/// An export's call, waiting for its task ([`step`]).
pub(crate) enum Call {
    Init(JsValue, String, JsValue),
    Eligible(JsValue),
    Command(String, JsValue),
    Stop,
    /// What shows after an answer was read.
    Plan,
    /// The place of the one running.
    Running,
}

thread_local! {
    /// The exports' calls not yet done, in the order the core made them; the first is running
    /// or has a task set to run it.
    static CALLS: RefCell<Vec<Call>> = const { RefCell::new(Vec::new()) };
}

/// Runs an export's call in a task of its own, after the calls made before it: one call's
/// work (start-up, an answer, a command) never shares a task with the next one's, so the
/// module's first calls — each also compiling, on the page's main thread, the WASM functions
/// it runs for the first time — are not one long task (issue 16).
pub(crate) fn step(c: Call) {
    let first = CALLS.with(|q| {
        let mut q = q.borrow_mut();
        q.push(c);
        q.len() == 1
    });
    if first {
        host::later(0, next_call);
    }
}

fn next_call() {
    // The call stays first while it runs: one it makes waits behind it.
    let c = CALLS.with(|q| {
        q.borrow_mut()
            .first_mut()
            .map(|c| std::mem::replace(c, Call::Running))
    });
    match c {
        Some(Call::Init(host, ws, config)) => start(host, ws, config),
        Some(Call::Eligible(answer)) => apply(answer, None),
        Some(Call::Command(name, args)) => commands::run(name, args),
        Some(Call::Stop) => halt(),
        Some(Call::Plan) => planned(),
        _ => {}
    }
    let more = CALLS.with(|q| {
        let mut q = q.borrow_mut();
        if !q.is_empty() {
            q.remove(0);
        }
        !q.is_empty()
    });
    if more {
        host::later(0, next_call);
    }
}
