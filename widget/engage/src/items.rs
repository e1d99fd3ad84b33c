//! The eligible items, read from a `/v1/eligible` answer (`{outbound, tooltips, tours, surveys,
//! checklists, bs?, skipped?}`; each item `{id, kind, priority, content, triggers, frequency,
//! history: {shown, lastShownAt, dismissed, completed}}`), parsed once with the engine's own
//! parsers, read in place from what the browser parsed (`read::Json` on `JsValue`: no copy
//! into a `serde_json::Value`). An item whose triggers or frequency do not parse is left out
//! (the edge validated them when saved; a newer edge may know more) and `debug` says so.

use porchlight_shared::experiences::{Run, SurveyContent, TourState};
use porchlight_shared::read::Json;
use porchlight_shared::targeting::arbitrate::Kind;
use porchlight_shared::targeting::frequency::{Frequency, History, Impression};
use porchlight_shared::targeting::triggers::Trigger;
use porchlight_shared::vocab::{Family, ItemKind};
use porchlight_widget_common::js::{get, get_str};
use wasm_bindgen::JsValue;

/// One item this module can show.
pub(crate) struct Item {
    pub id: String,
    pub kind: ItemKind,
    pub priority: i32,
    /// Its content as the browser parsed it: read by the renderers, handed to the tour or
    /// survey module as it is.
    pub content: JsValue,
    pub triggers: Vec<Trigger>,
    pub frequency: Frequency,
    /// What the edge knew when it answered.
    pub history: History,
    /// A tour's progress as the edge stored it (`progress: {state, step}`).
    pub run: Option<Run>,
    /// A survey, read (`SurveyContent::read`) once; shared with the survey on screen (no
    /// deep copy).
    pub survey: Option<std::rc::Rc<SurveyContent<JsValue>>>,
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
            ItemKind::Survey => match get_str(&self.content, "format").as_deref() {
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
    pub fn text(&self, k: &str) -> Option<String> {
        get(&self.content, k)
            .as_string()
            .filter(|s| !porchlight_widget_common::js::blank(s))
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
    FORCED.with(|f| without(&mut f.borrow_mut(), id));
}

/// `list` without `id`: one copy of `retain` for every list of ids (each closure passed to
/// `retain` is a copy of its own).
pub(crate) fn without(list: &mut Vec<String>, id: &str) {
    list.retain(|x| x != id);
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
fn history_of(h: &JsValue) -> History {
    let num = |k: &str| h.get(k).and_then(|v| v.i64());
    let last = num("lastShownAt").unwrap_or(0);
    let shown = num("shown").unwrap_or(0).clamp(0, 1000);
    let flag = |k: &str| (h.get(k).and_then(|v| v.bool()) == Some(true)).then_some(last);
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

/// Reads one item; `None` (with the reason) when it cannot be used.
pub(crate) fn parse(v: &JsValue) -> Result<Item, &'static str> {
    let id = get_str(v, "id").filter(|s| s.len() <= 64).ok_or("no id")?;
    let kind: ItemKind = get_str(v, "kind")
        .and_then(|k| k.parse().ok())
        .ok_or("unknown kind")?;
    let mut triggers = Vec::new();
    if let Some(list) = v.get("triggers") {
        let n = list.items().unwrap_or(0);
        for t in 0..n.min(porchlight_shared::content::MAX_TRIGGERS) {
            let t = list.at(t).unwrap_or_default();
            triggers.push(Trigger::parse(t, "").map_err(|_| "triggers this widget cannot read")?);
        }
    }
    let frequency = match v.get("frequency").filter(|f| !f.is_null()) {
        None => Frequency::default(),
        Some(f) => Frequency::parse(f, "").map_err(|_| "a frequency this widget cannot read")?,
    };
    let content = get(v, "content");
    let survey = match kind {
        ItemKind::Survey => Some(std::rc::Rc::new(
            SurveyContent::read(content.clone())
                .filter(|s| !s.questions.is_empty())
                .ok_or("a survey this widget cannot read")?,
        )),
        _ => None,
    };
    let progress = get(v, "progress");
    Ok(Item {
        id,
        kind,
        priority: v
            .get("priority")
            .and_then(|p| p.i64())
            .unwrap_or(0)
            .clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        content,
        survey,
        triggers,
        frequency,
        history: history_of(&get(v, "history")),
        run: (|| {
            Some(Run {
                state: TourState::parse(&progress.get_str("state")?)?,
                step: progress.get("step")?.u64()?.min(1000) as u32,
            })
        })(),
        open: get(v, "response"),
    })
}

/// Every item of the answer this module renders, best first as the edge ordered them, and
/// (id, why) for those it leaves out.
pub(crate) fn read(answer: &JsValue) -> (Vec<Item>, Vec<(String, &'static str)>) {
    let (mut items, mut left) = (Vec::new(), Vec::new());
    for f in [
        Family::Outbound,
        Family::Tooltips,
        Family::Tours,
        Family::Surveys,
        Family::Checklists,
    ] {
        let list = get(answer, f.key());
        for i in 0..list.items().unwrap_or(0).min(200) {
            let v = list.at(i).unwrap_or_default();
            let id = get(&v, "id").as_string().unwrap_or_else(|| "?".into());
            if !RENDERED.contains(&f) {
                left.push((id, "shown by a module that has not landed yet"));
                continue;
            }
            match parse(&v) {
                Ok(item) if item.family() == f => items.push(item),
                Ok(_) => left.push((id, "a kind outside its family")),
                Err(why) => left.push((id, why)),
            }
        }
    }
    (items, left)
}
