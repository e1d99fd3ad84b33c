//! The eligible items, read from a `/v1/eligible` answer (`{outbound, tooltips, tours, surveys,
//! checklists, bs?, skipped?}`; each item `{id, kind, priority, content, triggers, frequency,
//! history: {shown, lastShownAt, dismissed, completed}}`), parsed once with the engine's own
//! parsers. An item whose triggers or frequency do not parse is left out (the edge validated
//! them when saved; a newer edge may know more) and `debug` says so.

use porchlight_shared::experiences::{Run, SurveyContent, TourState};
use porchlight_shared::targeting::arbitrate::Kind;
use porchlight_shared::targeting::frequency::{Frequency, History, Impression};
use porchlight_shared::targeting::triggers::Trigger;
use porchlight_shared::vocab::{Family, ItemKind};
use serde_json::Value;
use wasm_bindgen::JsValue;

/// One item this module can show.
pub(crate) struct Item {
    pub id: String,
    pub kind: ItemKind,
    pub priority: i32,
    pub content: Value,
    pub triggers: Vec<Trigger>,
    pub frequency: Frequency,
    /// What the edge knew when it answered.
    pub history: History,
    /// A tour's progress as the edge stored it (`progress: {state, step}`).
    pub run: Option<Run>,
    /// A tour's or a survey's content as the browser parsed it: handed to the tour or survey
    /// module as it is.
    pub js: JsValue,
    /// A survey, read (`SurveyContent::read`) once; shared with the survey on screen (no
    /// deep copy: cloning it linked `Vec` and `serde_json::Value` copies for nothing).
    pub survey: Option<std::rc::Rc<SurveyContent>>,
    /// A survey's open response as the edge stored it (`response`: `{answers, clientId}`,
    /// answers by question id), `null` when none.
    pub open: JsValue,
}

impl Item {
    /// Its kind for arbitration.
    pub fn arb_kind(&self) -> Kind {
        match self.kind {
            ItemKind::Post => Kind::Post,
            ItemKind::Banner => Kind::Banner,
            ItemKind::Tooltip => Kind::Tooltip,
            ItemKind::Tour => Kind::Tour,
            ItemKind::Checklist => Kind::Checklist,
            ItemKind::Survey => match self.content.get("format").and_then(Value::as_str) {
                Some("large") => Kind::LargeSurvey,
                _ => Kind::SmallSurvey,
            },
            ItemKind::Chat => Kind::Chat,
        }
    }

    pub fn family(&self) -> Family {
        self.kind.family()
    }

    /// `content.<k>` as text.
    pub fn text(&self, k: &str) -> Option<&str> {
        self.content
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}

thread_local! {
    /// Items the page asked for (`startTour`, `startSurvey`) on this visit, not shown yet.
    static FORCED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The page asked for item `id`: it is ready at once (see `tours`, `surveys`).
pub(crate) fn force(id: &str) {
    FORCED.with(|f| {
        let mut f = f.borrow_mut();
        if !f.iter().any(|x| x == id) {
            f.push(id.into());
        }
    });
}

pub(crate) fn forced(id: &str) -> bool {
    FORCED.with(|f| f.borrow().iter().any(|x| x == id))
}

/// Item `id` showed: what the page asked for is done.
pub(crate) fn unforce(id: &str) {
    FORCED.with(|f| f.borrow_mut().retain(|x| x != id));
}

/// Families this module renders today (tours and surveys through their modules); the others
/// are eligible but wait for their renderer.
pub(crate) const RENDERED: [Family; 4] = [
    Family::Outbound,
    Family::Tooltips,
    Family::Tours,
    Family::Surveys,
];

/// What the edge says an item's past is, as the frequency check reads it. The count of
/// impressions is what matters to it; their sessions are "another" one (the edge already
/// refused what was shown in this browsing session).
fn history_of(h: Option<&Value>) -> History {
    let h = h.unwrap_or(&Value::Null);
    let last = h.get("lastShownAt").and_then(Value::as_i64).unwrap_or(0);
    let shown = h
        .get("shown")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(1000);
    let flag = |k: &str| (h.get(k).and_then(Value::as_bool) == Some(true)).then_some(last);
    let mut impressions = Vec::new();
    for _ in 0..shown {
        impressions.push(Impression {
            at: last,
            browsing_session: String::new(),
        });
    }
    History {
        impressions,
        completed_at: flag("completed"),
        dismissed_at: flag("dismissed"),
        snoozed_until: None,
    }
}

/// Reads one item; `None` (with the reason) when it cannot be used. Its `content` is taken out
/// of `v` (moved, not copied: no `Value` clone in the module).
pub(crate) fn parse(v: &mut Value) -> Result<Item, &'static str> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .ok_or("no id")?
        .to_string();
    let kind: ItemKind = v
        .get("kind")
        .and_then(Value::as_str)
        .and_then(|k| k.parse().ok())
        .ok_or("unknown kind")?;
    let mut triggers = Vec::new();
    if let Some(Value::Array(list)) = v.get("triggers") {
        for t in list.iter().take(porchlight_shared::content::MAX_TRIGGERS) {
            triggers.push(Trigger::parse(t, "").map_err(|_| "triggers this widget cannot read")?);
        }
    }
    let frequency = match v.get("frequency") {
        None | Some(Value::Null) => Frequency::default(),
        Some(f) => Frequency::parse(f, "").map_err(|_| "a frequency this widget cannot read")?,
    };
    let content = v.get_mut("content").map(Value::take).unwrap_or(Value::Null);
    let survey = match kind {
        ItemKind::Survey => Some(std::rc::Rc::new(
            SurveyContent::read(&content)
                .filter(|s| !s.questions.is_empty())
                .ok_or("a survey this widget cannot read")?,
        )),
        _ => None,
    };
    Ok(Item {
        id,
        kind,
        priority: v
            .get("priority")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        content,
        survey,
        triggers,
        frequency,
        history: history_of(v.get("history")),
        run: v.get("progress").and_then(|p| {
            Some(Run {
                state: TourState::parse(p.get("state")?.as_str()?)?,
                step: p.get("step")?.as_u64()?.min(1000) as u32,
            })
        }),
        js: JsValue::UNDEFINED,
        open: JsValue::UNDEFINED,
    })
}

/// Every item of the answer this module renders, best first as the edge ordered them, and
/// (id, why) for those it leaves out.
pub(crate) fn read(answer: &mut Value) -> (Vec<Item>, Vec<(String, &'static str)>) {
    let (mut items, mut left) = (Vec::new(), Vec::new());
    for f in [
        Family::Outbound,
        Family::Tooltips,
        Family::Tours,
        Family::Surveys,
        Family::Checklists,
    ] {
        let list = answer.get_mut(f.key()).and_then(Value::as_array_mut);
        for v in list.into_iter().flatten().take(200) {
            let id = v
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            if !RENDERED.contains(&f) {
                left.push((id, "shown by a module that has not landed yet"));
                continue;
            }
            match parse(v) {
                Ok(item) if item.family() == f => items.push(item),
                Ok(_) => left.push((id, "a kind outside its family")),
                Err(why) => left.push((id, why)),
            }
        }
    }
    (items, left)
}
