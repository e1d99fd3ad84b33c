//! Surveys: the runtime's side. Which screen shows, whether an answer is taken (the shared
//! `Question::check`, as the edge checks it when stored), where the visitor goes next (the
//! shared `next_question`: one rule, the edge's), the open response and its queue
//! (`queue::answer`: saved as the visitor goes, offline-queued, retried) are decided here; the
//! screen itself is drawn by the survey module (`widget/survey`), loaded the first time a
//! survey is about to show, in the item's own shadow root.
//!
//! - A survey with an open response (the edge's, or answers this browser queued since) that
//!   the visitor neither dismissed nor completed is *resuming*: ready at once, whatever its
//!   triggers (as a tour in progress), on the question after the last one answered on the path
//!   taken — a reload or another tab goes on where the visitor stopped. `startSurvey` makes a
//!   survey the edge offers resuming too. Arbitration still applies: a small survey waits
//!   behind a blocking experience.
//! - Closing a survey half-way is a dismissal (an impression, `contentDismissed`); its answers
//!   stay stored. The last answer queues `complete`; `surveyCompleted` carries the answers of
//!   the path taken.

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use porchlight_shared::experiences::{next_question, path_taken, SurveyContent};
use porchlight_shared::read::Answers;
use porchlight_shared::targeting::frequency::History;
use porchlight_shared::vocab::ImpressionAction;
use porchlight_widget_common::client_id;
use porchlight_widget_common::contract::{Emit, SurveyExport, SURVEY_ERRORS};
use porchlight_widget_common::js::{get, get_str, set};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::items::Item;
use crate::lazy::{self, Lazy};
use crate::render::{self, Shown};
use crate::{host, queue};

#[derive(Clone, Copy, PartialEq)]
enum At {
    Intro,
    Question(usize),
    Thanks,
}

/// The survey on screen.
struct On {
    id: String,
    family: &'static str,
    survey: std::rc::Rc<SurveyContent<JsValue>>,
    /// Its content as the browser parsed it (the questions go to the module as they are).
    content: JsValue,
    wrap: Element,
    at: At,
    /// The questions answered before the one shown, in order (Back).
    trail: Vec<usize>,
    /// Question id → answer: the edge's open response, then this browser's.
    answers: Object,
    large: bool,
    /// The response's id (the edge's `clientId`).
    rid: String,
}

thread_local! {
    static MODULE: Lazy = const { Lazy::new("survey") };
    static ON: RefCell<Option<On>> = const { RefCell::new(None) };
    static ACT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// A completed response reached the edge while its thank-you showed: ask the edge again
    /// (attributes stored from answers) once it closes.
    static RESYNC: RefCell<bool> = const { RefCell::new(false) };
}

/// The open response of `item`: the edge's answers with this browser's since on top, whether
/// this browser completed it, and its id (this browser's latest, else the edge's).
fn open(item: &Item, answered_at: i64) -> (Object, bool, Option<String>) {
    let out = Object::new();
    let edge = get(&item.open, "answers");
    if edge.is_object() {
        let _ = Object::assign(&out, edge.unchecked_ref());
    }
    let (rid, complete) = queue::answers_since(&item.id, answered_at, &out);
    (
        out,
        complete,
        rid.or_else(|| get_str(&item.open, "clientId")),
    )
}

/// Whether the survey module gave an answer (`null` or nothing: none).
fn present(v: &JsValue) -> bool {
    !v.is_null() && !v.is_undefined()
}

/// Whether survey `item` resumes (see the module's documentation); `history` is what the edge
/// and this browser know of it.
pub(crate) fn resuming(item: &Item, history: &History, answered_at: i64) -> bool {
    // Asked for by the page, or an author's preview: at once, whatever its triggers,
    // frequency and the workspace's pacing.
    if crate::items::forced(&item.id) || item.id.starts_with("preview-") {
        return true;
    }
    if history.completed_at.is_some() || history.dismissed_at.is_some() {
        return false;
    }
    let (answers, complete, _) = open(item, answered_at);
    !complete && Object::keys(&answers).length() > 0
}

/// Shows survey `item` (`history`: what the edge and this browser know of it): where the
/// visitor stopped, or its intro, or its first question. A showing has a response id (every
/// answer carries it): the open response's when it resumes, else a new one. Its "shown"
/// impression carries it too, so a resumed survey is not shown twice.
pub(crate) fn show(item: &Item, history: &History, answered_at: i64) -> Result<Shown, JsValue> {
    let survey = item.survey.clone().ok_or("not a survey")?;
    let (answers, complete, open_id) = open(item, answered_at);
    let resumes = history.completed_at.is_none()
        && history.dismissed_at.is_none()
        && !complete
        && Object::keys(&answers).length() > 0;
    let rid = open_id.filter(|_| resumes).unwrap_or_else(client_id);
    let given: &JsValue = &answers;
    let path = path_taken(&survey, given);
    let answered = |i: &usize| given.answer(&survey.questions[*i].id).is_some();
    let (at, trail) = match path.iter().rposition(answered) {
        None if survey.intro.is_some() => (At::Intro, Vec::new()),
        None => (At::Question(0), Vec::new()),
        Some(k) => match path.get(k + 1) {
            Some(&n) => (At::Question(n), path[..=k].to_vec()),
            None => (At::Question(path[k]), path[..k].to_vec()),
        },
    };
    crate::items::unforce(&item.id);
    let large = survey.format == porchlight_shared::experiences::SurveyFormat::Large;
    let (h, wrap) = render::host(&item.id, "", false)?;
    ON.with(|o| {
        *o.borrow_mut() = Some(On {
            id: item.id.clone(),
            family: item.family().as_str(),
            survey,
            content: item.content.clone(),
            wrap,
            at,
            trail,
            answers,
            large,
            rid,
        })
    });
    draw();
    Ok(lazy::shown(
        &item.id,
        h,
        &ON,
        |o| &o.id,
        || {
            lazy::call(
                &MODULE,
                SurveyExport::Hide.name(),
                &JsValue::UNDEFINED,
                false,
                draw,
                failed,
            );
        },
    ))
}

/// The id of the response on screen.
pub(crate) fn response_id() -> Option<String> {
    ON.with(|o| o.borrow().as_ref().map(|on| on.rid.clone()))
}

/// The module did not load (`lazy::failed`).
fn failed(n: u32) {
    lazy::failed(&ON, |o| &o.id, n);
}

/// Draws the screen of the survey on screen.
fn draw() {
    let cfg = ON.with(|o| {
        let o = o.borrow();
        let on = o.as_ref()?;
        let c = Object::new();
        set(&c, "root", &on.wrap);
        set(&c, "large", &JsValue::from_bool(on.large));
        if let Some(n) = render::nonce() {
            set(&c, "nonce", &JsValue::from_str(&n));
        }
        let screen = |k: &str| {
            let s = get(&on.content, k);
            for f in ["title", "body"] {
                set(&c, f, &get(&s, f));
            }
            set(&c, "button", &get(&s, "buttonLabel"));
        };
        match on.at {
            At::Intro => {
                set(&c, "screen", &"intro".into());
                screen("intro");
            }
            At::Thanks => {
                set(&c, "screen", &"thanks".into());
                screen("thankYou");
            }
            At::Question(i) => {
                let q = on.survey.questions.get(i)?;
                let value = get(&on.answers, &q.id);
                set(&c, "screen", &"question".into());
                set(
                    &c,
                    "question",
                    &Reflect::get_u32(&get(&on.content, "questions"), i as u32).unwrap_or_default(),
                );
                set(&c, "value", &value);
                set(&c, "index", &JsValue::from(on.trail.len() as u32));
                set(
                    &c,
                    "count",
                    &JsValue::from(on.survey.questions.len() as u32),
                );
                set(&c, "back", &JsValue::from_bool(!on.trail.is_empty()));
                let answer = present(&value).then_some(value);
                let last = next_question(&on.survey, i, answer).is_none();
                set(&c, "last", &JsValue::from_bool(last));
            }
        }
        set(&c, "act", &act_fn());
        Some(c)
    });
    if let Some(c) = cfg {
        lazy::call(
            &MODULE,
            SurveyExport::Show.name(),
            &c.into(),
            true,
            draw,
            failed,
        );
    }
}

/// The callback the survey module reports to (made once).
fn act_fn() -> JsValue {
    if let Some(f) = ACT.with(|a| a.borrow().clone()) {
        return f;
    }
    let f = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|name: JsValue, v: JsValue| {
        acted(&name.as_string().unwrap_or_default(), v)
    })
    .into_js_value();
    ACT.with(|a| *a.borrow_mut() = Some(f.clone()));
    f
}

/// Moves the survey on screen to `at` (`back`: one question back) and draws it.
fn go(at: Option<At>, back: bool) {
    ON.with(|o| {
        if let Some(on) = o.borrow_mut().as_mut() {
            if back {
                if let Some(prev) = on.trail.pop() {
                    on.at = At::Question(prev);
                }
            } else if let Some(at) = at {
                if let At::Question(i) = on.at {
                    on.trail.push(i);
                }
                on.at = at;
            }
        }
    });
    draw();
}

/// What the visitor did with the screen on screen; an answer refused answers why.
fn acted(name: &str, value: JsValue) -> JsValue {
    let Some((id, family, at)) = ON.with(|o| {
        o.borrow()
            .as_ref()
            .map(|on| (on.id.clone(), on.family, on.at))
    }) else {
        return JsValue::UNDEFINED;
    };
    match (name, at) {
        ("start", At::Intro) => {
            ON.with(|o| {
                if let Some(on) = o.borrow_mut().as_mut() {
                    on.at = At::Question(0);
                }
            });
            draw();
        }
        ("next", At::Question(i)) => return next(i, value),
        ("back", At::Question(_)) => go(None, true),
        ("done", _) | ("close", At::Thanks) => {
            crate::runtime::closed(&id);
            if RESYNC.with(|r| r.replace(false)) {
                crate::runtime::resync();
            }
        }
        ("close", _) => {
            // Half-way: a dismissal; what was answered stays stored.
            queue::record(
                family,
                &id,
                ImpressionAction::Dismissed,
                &crate::runtime::bs(),
            );
            host::emit(Emit::ContentDismissed, &event(&id, Some("survey")));
            crate::runtime::closed(&id);
        }
        _ => {}
    }
    JsValue::UNDEFINED
}

fn event(id: &str, kind: Option<&str>) -> Object {
    let o = Object::new();
    set(&o, "id", &JsValue::from_str(id));
    if let Some(k) = kind {
        set(&o, "kind", &JsValue::from_str(k));
    }
    o
}

/// Next on question `i` with the raw answer `value`: checked as the edge will check it, saved
/// (queued), and the visitor moves to where the shared rules say — or the response completes.
fn next(i: usize, value: JsValue) -> JsValue {
    let decided = ON.with(|o| {
        let mut o = o.borrow_mut();
        let on = o.as_mut()?;
        let q = on.survey.questions.get(i)?;
        let given = present(&value);
        if !given && q.required {
            return Some(Err(SURVEY_ERRORS[0]));
        }
        if given && q.check(value.clone()).is_err() {
            return Some(Err(SURVEY_ERRORS[1]));
        }
        let qid = q.id.clone();
        let to = next_question(&on.survey, i, given.then(|| value.clone()));
        // Emptied (Back, then the field cleared): the stored answer is cleared too.
        let cleared = !given && !get(&on.answers, &qid).is_undefined();
        if given {
            set(&on.answers, &qid, &value);
        } else {
            let _ = Reflect::delete_property(&on.answers, &JsValue::from_str(&qid));
        }
        let done = match to {
            Some(_) => None,
            None => {
                // The answers of the path taken: what the edge keeps.
                let all: &JsValue = &on.answers;
                let out = Object::new();
                for k in path_taken(&on.survey, all) {
                    let id = &on.survey.questions[k].id;
                    if all.answer(id).is_some() {
                        set(&out, id, &get(&on.answers, id));
                    }
                }
                Some(out)
            }
        };
        let rid = on.rid.clone();
        Some(Ok((
            on.id.clone(),
            on.family,
            qid,
            given,
            cleared,
            rid,
            to,
            done,
        )))
    });
    let (id, family, qid, given, cleared, rid, to, done) = match decided {
        Some(Ok(d)) => d,
        Some(Err(why)) => return JsValue::from_str(why),
        None => return JsValue::UNDEFINED,
    };
    let answer = match (given, cleared) {
        (true, _) => Some((qid.as_str(), &value)),
        (_, true) => Some((qid.as_str(), &JsValue::NULL)),
        _ => None,
    };
    if answer.is_some() || to.is_none() {
        queue::answer(&id, &rid, answer, to.is_none());
    }
    match (to, done) {
        (Some(n), _) => go(Some(At::Question(n)), false),
        (None, answers) => {
            queue::note(
                family,
                &id,
                ImpressionAction::Completed,
                &crate::runtime::bs(),
            );
            let e = event(&id, None);
            set(&e, "answers", &answers.unwrap_or_default());
            host::emit(Emit::SurveyCompleted, &e);
            go(Some(At::Thanks), false);
        }
    }
    JsValue::UNDEFINED
}

/// A completed response reached the edge: ask it again now, or once the thank-you closes
/// (an answer taking the survey away would cut the thank-you short).
pub(crate) fn stored() {
    let showing = ON.with(|o| o.borrow().is_some());
    if showing {
        RESYNC.with(|r| *r.borrow_mut() = true);
    } else {
        crate::runtime::resync();
    }
}
