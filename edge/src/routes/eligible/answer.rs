//! `/v1/eligible`'s decision over what [`super::Reads`] read: audience, frequency (with the
//! workspace's survey pacing), arbitration, and each kind's progress — and, when asked
//! (`debug`), why each active item left out was left out.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use porchlight_shared::experiences::TourState;
use porchlight_shared::targeting::arbitrate::{order, Candidate};
use porchlight_shared::targeting::frequency::{
    check_frequency, stays_on_screen, FrequencyInput, History, Impression, Pacing,
};
use porchlight_shared::targeting::{regex_js, EvalContext, PageFacts};
use porchlight_shared::translations;
use porchlight_shared::{ApiError, ErrorCode};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::parsed::{delivery_of, Parsed};
use super::wire::{skip, Answer, EligibleItem, Why};
use super::{Page, Reads};
use crate::db::{ImpressionRow, Results};
use crate::db::{TourProgressRow, WorkspaceRow};
use crate::routes::items::{self, Family, ItemKind, ItemRow};

/// Builds each item's history from the visitor's impressions.
fn histories(rows: Vec<ImpressionRow>) -> BTreeMap<String, History> {
    let mut out: BTreeMap<String, History> = BTreeMap::new();
    for r in rows {
        let h = out.entry(r.content_id).or_default();
        match r.action.as_str() {
            "shown" => h.impressions.push(Impression {
                at: r.at,
                browsing_session: r.browsing_session.unwrap_or_default(),
            }),
            "dismissed" => h.dismissed_at = Some(h.dismissed_at.map_or(r.at, |d| d.min(r.at))),
            "completed" => h.completed_at = Some(h.completed_at.map_or(r.at, |d| d.min(r.at))),
            _ => {}
        }
    }
    out
}

/// The eligible items of every family, best first, from what [`Reads`] read, as JSON; their
/// text in the visitor's language (`shared::translations::localized`).
pub fn answer(
    reads: Reads,
    results: &mut Results,
    page: &Page,
    workspace: &WorkspaceRow,
    now: i64,
) -> Result<Box<RawValue>, ApiError> {
    let survey_cooldown_days = workspace.automation().survey_cooldown_days;
    let visitor = results.first(reads.visitor)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotAuthenticated,
            "the session's visitor no longer exists",
        )
    })?;
    let active = reads.active.take(results)?;
    let segments = reads.segments.take(results)?;
    let impressions = results.rows(reads.impressions)?;
    let tours: HashMap<String, TourProgressRow> = results
        .rows(reads.tours)?
        .into_iter()
        .map(|t| (t.tour_id.clone(), t))
        .collect();
    let open_responses: HashMap<String, Value> = results
        .rows(reads.open_responses)?
        .into_iter()
        .map(|r| {
            let response = json!({"answers": items::parse_json(&r.answers), "complete": false, "clientId": r.client_id});
            (r.survey_id, response)
        })
        .collect();
    let ticked = results.rows(reads.ticks)?;
    let (mut subject, totals) = reads.subject.take(results, &visitor)?;
    let event_totals: HashMap<String, i64> =
        totals.iter().map(|t| (t.name.clone(), t.count)).collect();
    subject.page = PageFacts::from_url(&page.url, "");
    // Workspace pacing: at most one survey every N days.
    let pacing = Pacing {
        survey_cooldown_days,
        last_survey_shown_at: impressions
            .iter()
            .filter(|i| i.kind == "survey" && i.action == "shown")
            .map(|i| i.at)
            .max(),
    };
    let mut histories = histories(impressions);
    // A snoozed tour comes back when the snooze ends; frequency sees it through the history.
    for (id, t) in &tours {
        if t.state == TourState::Snoozed.as_str() {
            histories.entry(id.clone()).or_default().snoozed_until = t.snoozed_until;
        }
    }
    let empty = History::default();
    let eval = EvalContext {
        subject: &subject,
        now_ms: now,
        segments: &segments,
    };

    let mut skipped = page.debug.then(Vec::new);
    let mut winners: Vec<(Candidate, &ItemRow, &History, Rc<Parsed>)> = Vec::new();
    for row in &active {
        let Some(parsed) = delivery_of(row) else {
            skip(&mut skipped, row, Why::Invalid);
            continue;
        };
        let delivery = &parsed.delivery;
        // A tour the visitor is in the middle of resumes (multi-page tours, reloads), whatever
        // its frequency and whoever the visitor is now: the audience admitted the visitor when
        // the run started, and a tour's own steps often change what it reads (the event it
        // asks for, the plan it sells). Its page conditions still hold (`Rule::page_admits`),
        // and an audience that no longer resolves (a deleted segment) shows to nobody. An item on the visitor's screen as it asks again stays,
        // unless more than its own showing refuses it (`Page::showing`,
        // `frequency::stays_on_screen`).
        let resuming = tours
            .get(&row.id)
            .is_some_and(|t| t.state == TourState::InProgress.as_str());
        let audience = delivery.audience.as_ref();
        let admitted = porchlight_shared::targeting::evaluate_audience(audience, &eval)
            || (resuming && audience.is_none_or(|r| r.resolvable(&eval) && r.page_admits(&eval)));
        if !admitted {
            skip(&mut skipped, row, Why::Audience);
            continue;
        }
        let history = histories.get(&row.id).unwrap_or(&empty);
        let on_screen = page.showing.contains(&row.id);
        let input = FrequencyInput {
            frequency: &delivery.frequency,
            history,
            now_ms: now,
            browsing_session: &page.bs,
            visitor_id: &visitor.id,
            content_id: &row.id,
            survey_pacing: (row.kind == "survey").then_some(pacing),
        };
        match check_frequency(&input) {
            Ok(()) => {}
            Err(_) if resuming => {}
            Err(why) if on_screen && stays_on_screen(&why, history) => {}
            Err(why) => {
                skip(&mut skipped, row, Why::Frequency(why));
                continue;
            }
        }
        let candidate = Candidate {
            kind: parsed.kind,
            id: row.id.clone(),
            priority: row.priority as i32,
        };
        winners.push((candidate, row, history, parsed.clone()));
    }
    let mut cands: Vec<Candidate> = winners.iter().map(|(c, _, _, _)| c.clone()).collect();
    order(&mut cands);
    let mut out: BTreeMap<&'static str, Vec<EligibleItem>> = [
        Family::Outbound,
        Family::Tooltips,
        Family::Tours,
        Family::Surveys,
        Family::Checklists,
    ]
    .into_iter()
    .map(|f| (f.key(), Vec::new()))
    .collect();
    let attributes = visitor.attributes()?;
    // Read only when some content has translations.
    let default_language = std::cell::OnceCell::new();
    for (_, row, h, parsed) in cands
        .iter()
        .filter_map(|c| winners.iter().find(|(w, _, _, _)| w.id == c.id))
    {
        let Some(kind) = row.item_kind() else {
            skip(&mut skipped, row, Why::Invalid);
            continue;
        };
        // Stored JSON goes out as stored (validated when saved): no parse, no re-serialize —
        // except content with translations, served in the visitor's language, and a tour
        // (its steps' markup and players; made once per version and language).
        fn raw(t: &str) -> Option<&RawValue> {
            serde_json::from_str(t).ok()
        }
        let content = if parsed.reworked() {
            let lang = if parsed.translated {
                let default =
                    default_language.get_or_init(|| workspace.messenger().default_language);
                translations::served_language(visitor.locale.as_deref(), default)
            } else {
                None
            };
            parsed.served(&row.content, lang).map(Cow::Owned)
        } else {
            raw(&row.content).map(Cow::Borrowed)
        };
        let Some(content) = content else {
            skip(&mut skipped, row, Why::Invalid);
            continue;
        };
        // Triggers too, unless they hold a pattern: then each goes out with its browser
        // translation beside it (`regex_js::with_js`), so the widget does not ship the
        // translator.
        fn for_browser(t: &str) -> Option<Cow<'_, RawValue>> {
            if !t.contains("regex") && !t.contains("matches") {
                return raw(t).map(Cow::Borrowed);
            }
            let mut v: Value = serde_json::from_str(t).ok()?;
            regex_js::with_js(&mut v);
            RawValue::from_string(v.to_string()).ok().map(Cow::Owned)
        }
        let (Some(triggers), Some(frequency)) = (for_browser(&row.triggers), raw(&row.frequency))
        else {
            skip(&mut skipped, row, Why::Invalid);
            continue;
        };
        let mut extra = serde_json::Map::new();
        match kind {
            ItemKind::Tour => {
                let progress = tours.get(&row.id).and_then(TourProgressRow::progress);
                extra.insert("progress".into(), json!(progress));
            }
            ItemKind::Survey => {
                extra.insert(
                    "response".into(),
                    open_responses.get(&row.id).cloned().unwrap_or(Value::Null),
                );
            }
            ItemKind::Checklist => {
                let Some(c) = &parsed.checklist else {
                    skip(&mut skipped, row, Why::Invalid);
                    continue;
                };
                let mine: Vec<&str> = ticked
                    .iter()
                    .filter(|t| t.checklist_id == row.id)
                    .map(|t| t.task_id.as_str())
                    .collect();
                let states = c.task_states(
                    &mine,
                    |name| event_totals.get(name).copied().unwrap_or(0),
                    &attributes,
                );
                extra.insert("completed".into(), json!(states.iter().all(|(_, d)| *d)));
                extra.insert(
                    "tasks".into(),
                    json!(states
                        .iter()
                        .map(|(t, d)| json!({"id": t, "done": d}))
                        .collect::<Vec<_>>()),
                );
            }
            _ => {}
        }
        let item = EligibleItem {
            id: &row.id,
            kind: &row.kind,
            priority: row.priority,
            content,
            triggers,
            frequency,
            history: json!({"shown": h.impressions.len(), "lastShownAt": h.impressions.iter().map(|i| i.at).max(), "dismissed": h.dismissed_at.is_some(), "completed": h.completed_at.is_some()}),
            extra,
        };
        if let Some(list) = out.get_mut(kind.family().key()) {
            list.push(item);
        }
    }
    let answer = Answer {
        families: out,
        bs: &page.bs,
        active: !active.is_empty(),
        survey_cooldown_days,
        skipped,
    };
    // Serialized once, here: stored content goes out as stored, never parsed into a tree.
    serde_json::value::to_raw_value(&answer).map_err(crate::internal)
}
