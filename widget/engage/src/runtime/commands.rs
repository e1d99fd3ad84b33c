//! The page's commands this module owns (`widget_common::contract::ENGAGE_COMMANDS`: `track`,
//! `debug`, `update`, `startTour`, `startSurvey`; `showArticle` and `startChecklist` are the
//! messenger's).

use js_sys::{Array, Object};
use porchlight_shared::vocab::ItemKind;
use porchlight_widget_common::js::{call2, get, set, warn};
use wasm_bindgen::prelude::*;

use super::{refetch, replan, seen, step, with, Call};
use crate::items::{force, without};
use crate::observe::{href, Seen};
use crate::{host, queue};

/// `command(name, args)`: the page's commands this module owns.
#[wasm_bindgen]
pub fn command(name: String, args: JsValue) {
    step(Call::Command(name, args));
}

pub(super) fn run(name: String, args: JsValue) {
    let args: Array = args.dyn_into().unwrap_or_default();
    match name.as_str() {
        "track" => {
            let url = href();
            match queue::track(&args.get(0), &args.get(1), &url) {
                Ok(ev) => {
                    with(|rt| {
                        rt.page.events.push(ev);
                        // Bounded: triggers look at what happened on this page.
                        if rt.page.events.len() > 200 {
                            rt.page.events.remove(0);
                        }
                    });
                    replan();
                }
                Err(why) => warn(why, &args.get(0)),
            }
        }
        "debug" => {
            let s = get(&crate::observe::win(), "sessionStorage");
            call2(&s, "setItem", &"porchlight:debug".into(), &"1".into());
            with(|rt| rt.debug = true);
            refetch();
        }
        // The page (or the visitor) changed: a navigation, or the same page asked again.
        "update" => {
            let url = href();
            if with(|rt| rt.page.url != url).unwrap_or(false) {
                seen(Seen::Navigated(url));
            } else {
                refetch();
            }
        }
        "startTour" => match args
            .get(0)
            .as_string()
            .filter(|s| !s.is_empty() && s.len() <= 64)
        {
            Some(id) => start_tour(id),
            None => warn("startTour expects a tour id", &args.get(0)),
        },
        "startSurvey" => match args
            .get(0)
            .as_string()
            .filter(|s| !s.is_empty() && s.len() <= 64)
        {
            Some(id) => start_survey(id),
            None => warn("startSurvey expects a survey id", &args.get(0)),
        },
        _ => warn("unknown command", &JsValue::from_str(&name)),
    }
}

/// `startTour(id)`: starts or resumes the tour, whatever its triggers and frequency — never
/// whatever its audience or status: it must be one the edge offers this visitor. One the page
/// has already is ready at once; else the edge is told to start it (`restart` after a
/// completed or dismissed run) and asked again, and answers it as a run in progress. An id the
/// edge does not offer this visitor changes nothing; `debug` shows why.
fn start_tour(id: String) {
    let here = with(|rt| {
        rt.items
            .iter()
            .any(|i| i.id == id && i.kind == ItemKind::Tour)
    })
    .unwrap_or(false);
    force(&id);
    if here {
        with(|rt| without(&mut rt.closed, &id));
        return replan();
    }
    let path = queue::progress_path(&id);
    let send =
        move |action: &'static str,
              then: Box<dyn FnOnce(Result<JsValue, porchlight_widget_common::ApiError>)>| {
            let body = Object::new();
            set(&body, "action", &JsValue::from_str(action));
            host::call("POST", &path, Some(&body.into()), then);
        };
    let send2 = send.clone();
    let idc = id.clone();
    send(
        "start",
        Box::new(move |r| match r {
            Ok(_) => refetch(),
            // Completed or dismissed: it starts over.
            Err(e) if e.status == 400 => send2(
                "restart",
                Box::new(|r| {
                    if r.is_ok() {
                        refetch()
                    }
                }),
            ),
            Err(e) if e.status == 404 => {
                warn(
                    "startTour: this tour is not offered to this visitor",
                    &JsValue::from_str(&idc),
                );
                if with(|rt| rt.debug).unwrap_or(false) {
                    refetch();
                }
            }
            Err(e) => warn(
                "startTour: the tour could not be started",
                &JsValue::from_str(&e.code),
            ),
        }),
    );
}

/// `startSurvey(id)`: shows the survey now (or resumes its open response), whatever its
/// triggers — never whatever its audience, status or frequency: it must be one the edge offers
/// this visitor on this page (arbitration still applies). An id it does not offer changes
/// nothing; `debug` shows why.
fn start_survey(id: String) {
    let here = with(|rt| {
        rt.items
            .iter()
            .any(|i| i.id == id && i.kind == ItemKind::Survey)
    })
    .unwrap_or(false);
    if !here {
        warn(
            "startSurvey: this survey is not offered to this visitor here",
            &JsValue::from_str(&id),
        );
        with(|rt| {
            if !rt.asked.contains(&id) {
                rt.asked.push(id.clone());
            }
        });
        if with(|rt| rt.debug).unwrap_or(false) {
            refetch();
        }
        return;
    }
    force(&id);
    with(|rt| without(&mut rt.closed, &id));
    replan();
}
