//! What shows on the page now: the in-page half of the engine, run by the widget each time
//! something it observes changes (a scroll, a click, an event tracked, a timer, a navigation,
//! an impression in another tab). Pure: the widget gathers the inputs and applies the plan.
//!
//! ## How an item's triggers combine
//! - No triggers: the item is ready at once.
//! - Several triggers: **all** must hold ("on /pricing, after 10 s"). A momentary trigger
//!   (`event`, `element_click`, `exit_intent`) holds from the moment it happened until the
//!   visitor leaves the page (a navigation starts a new page), so "after the `export` event,
//!   once idle 5 s" works.
//! - When they first all hold, the item is *armed*; it shows `delay` later (the largest
//!   `delayMs` of its triggers), if it is still eligible then. A navigation disarms every item:
//!   a delayed item never shows on the page after the one it was meant for.
//!
//! Frequency is the same [`check_frequency`] the edge runs, on the edge's history plus what this
//! browser recorded since (in any tab). Arbitration is [`arbitrate`].

use serde::Serialize;

use super::arbitrate::{arbitrate, Candidate, Kind, LossReason};
use super::frequency::{check_frequency, Frequency, FrequencyInput, History, Ineligible, Pacing};
use super::triggers::{trigger_fires, PageContext, TrackedEvent, Trigger, TriggerKind};

/// One eligible item, as the page sees it.
#[derive(Debug, Clone)]
pub struct PageItem<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub priority: i32,
    pub triggers: &'a [Trigger],
    pub frequency: &'a Frequency,
    pub history: &'a History,
    /// When its triggers first all held on this page (`None`: not yet).
    pub armed_at: Option<i64>,
    /// On screen now.
    pub showing: bool,
    /// A run the visitor is in the middle of (a tour in progress, or one `startTour` asked
    /// for): ready at once on any page, whatever its triggers, page rule and frequency — the
    /// edge let it through the same way, and its steps say which page each runs on. Audience,
    /// status and arbitration still apply.
    pub resuming: bool,
}

/// What the widget observed on this page (since the last navigation).
#[derive(Debug, Clone, Copy)]
pub struct PageNow<'a> {
    /// URL, time on page, deepest scroll, idle time, exit intent (latched), now.
    pub ctx: PageContext<'a>,
    /// Events tracked on this page, oldest first.
    pub events: &'a [TrackedEvent<'a>],
    /// Selectors of `element_click` triggers an element clicked on this page matched.
    pub clicked: &'a [&'a str],
    pub browsing_session: &'a str,
    pub visitor_id: &'a str,
    /// The workspace's survey pacing: its cooldown, and when this visitor last saw a survey
    /// as far as this browser knows since the edge answered (the edge paced what it sent;
    /// a survey shown on this page starts the cooldown for the others).
    pub survey_pacing: Pacing,
}

/// Why an item is where it is. Serialized for `Porchlight('debug')`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Verdict {
    /// Show it now.
    Show,
    /// On screen, and stays.
    Showing,
    /// On screen, but its page rule no longer holds here: take it down.
    OffPage,
    /// Frequency or schedule says no.
    Refused { why: Ineligible },
    /// Its triggers do not all hold yet; the types that do not.
    Waiting { triggers: Vec<&'static str> },
    /// Armed; shows at `until` (its delay).
    Delayed { until: i64 },
    /// Ready, but arbitration chose something else.
    Lost { why: LossReason },
}

/// The decision for every item, and what the widget must remember or wake up for.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// Per item, in the order given.
    pub verdicts: Vec<(String, Verdict)>,
    /// Items whose triggers all hold for the first time: armed now.
    pub arm: Vec<String>,
    /// The earliest time at which a time-based input (time on page, idle, a delay) can change
    /// a verdict, if nothing else happens first.
    pub wake_at: Option<i64>,
}

/// The type name of a trigger, as authored.
pub fn trigger_type(t: &Trigger) -> &'static str {
    match t.kind {
        TriggerKind::Immediate => "immediate",
        TriggerKind::PageVisit(_) => "page_visit",
        TriggerKind::TimeOnPage { .. } => "time_on_page",
        TriggerKind::ScrollDepth { .. } => "scroll_depth",
        TriggerKind::Event { .. } => "event",
        TriggerKind::ExitIntent => "exit_intent",
        TriggerKind::ElementClick { .. } => "element_click",
        TriggerKind::Idle { .. } => "idle",
    }
}

fn holds(t: &Trigger, now: &PageNow) -> bool {
    match &t.kind {
        TriggerKind::Event { .. } => now.events.iter().any(|e| {
            trigger_fires(
                t,
                &PageContext {
                    event: Some(*e),
                    ..now.ctx
                },
            )
        }),
        TriggerKind::ElementClick { .. } => trigger_fires(
            t,
            &PageContext {
                clicked_selectors: now.clicked,
                ..now.ctx
            },
        ),
        _ => trigger_fires(t, &now.ctx),
    }
}

/// When a time-based trigger that does not hold yet would, if nothing else changes.
fn time_left(t: &Trigger, ctx: &PageContext) -> Option<i64> {
    let (need, have) = match t.kind {
        TriggerKind::TimeOnPage { seconds } => (seconds as u64 * 1000, ctx.time_on_page_ms),
        TriggerKind::Idle { seconds } => (seconds as u64 * 1000, ctx.idle_ms),
        _ => return None,
    };
    need.checked_sub(have)
        .map(|left| ctx.now_ms.saturating_add(left.max(1) as i64))
}

/// The item's delay: the largest of its triggers'.
pub fn delay_ms(triggers: &[Trigger]) -> u32 {
    triggers.iter().map(|t| t.delay_ms).max().unwrap_or(0)
}

/// Decides every item; see the module's documentation.
pub fn plan(items: &[PageItem], now: &PageNow) -> Plan {
    let mut out = Plan::default();
    let t = now.ctx.now_ms;
    let wake = |at: i64, out: &mut Plan| {
        out.wake_at = Some(out.wake_at.map_or(at, |w| w.min(at)));
    };
    let mut verdicts: Vec<Option<Verdict>> = Vec::with_capacity(items.len());
    let mut ready: Vec<Candidate> = Vec::new();
    let mut showing: Vec<Candidate> = Vec::new();
    for item in items {
        let cand = Candidate {
            kind: item.kind,
            id: item.id.into(),
            priority: item.priority,
        };
        if item.showing {
            // Shown on a page its page rule admitted; a navigation elsewhere takes it down.
            let on_page = item.resuming
                || item
                    .triggers
                    .iter()
                    .filter(|t| matches!(t.kind, TriggerKind::PageVisit(_)))
                    .all(|t| trigger_fires(t, &now.ctx));
            if on_page {
                showing.push(cand);
                verdicts.push(Some(Verdict::Showing));
            } else {
                verdicts.push(Some(Verdict::OffPage));
            }
            continue;
        }
        if item.resuming {
            ready.push(cand);
            verdicts.push(None);
            continue;
        }
        let input = FrequencyInput {
            frequency: item.frequency,
            history: item.history,
            now_ms: t,
            browsing_session: now.browsing_session,
            visitor_id: now.visitor_id,
            content_id: item.id,
            survey_pacing: matches!(item.kind, Kind::LargeSurvey | Kind::SmallSurvey)
                .then_some(now.survey_pacing),
        };
        if let Err(why) = check_frequency(&input) {
            // A schedule that has not started yet may start while the page is open.
            if let (Ineligible::NotStarted, Some(s)) = (why, item.frequency.start_at) {
                wake(s, &mut out);
            }
            verdicts.push(Some(Verdict::Refused { why }));
            continue;
        }
        let armed = match item.armed_at {
            Some(a) => a,
            None => {
                // Plain loops (no iterator chains collected): this runs in every visitor's
                // browser, and each chain would ship code of its own.
                let mut names: Vec<&'static str> = Vec::new();
                for f in item.triggers {
                    if holds(f, now) {
                        continue;
                    }
                    if let Some(at) = time_left(f, &now.ctx) {
                        wake(at, &mut out);
                    }
                    let name = trigger_type(f);
                    if names.last() != Some(&name) {
                        names.push(name);
                    }
                }
                if !names.is_empty() {
                    verdicts.push(Some(Verdict::Waiting { triggers: names }));
                    continue;
                }
                out.arm.push(item.id.into());
                t
            }
        };
        let until = armed.saturating_add(delay_ms(item.triggers) as i64);
        if t < until {
            wake(until, &mut out);
            verdicts.push(Some(Verdict::Delayed { until }));
            continue;
        }
        ready.push(cand);
        verdicts.push(None);
    }
    let arb = arbitrate(&ready, &showing);
    for (item, v) in items.iter().zip(verdicts) {
        let v = v.unwrap_or_else(|| {
            if arb.show.iter().any(|s| s == item.id) {
                Verdict::Show
            } else {
                arb.lost
                    .iter()
                    .find(|(id, _)| id == item.id)
                    .map(|(_, why)| Verdict::Lost { why: why.clone() })
                    .unwrap_or(Verdict::Show)
            }
        });
        out.verdicts.push((item.id.into(), v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targeting::dates::DAY_MS as DAY;
    use serde_json::{json, Map, Value};

    fn triggers(v: Value) -> Vec<Trigger> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| Trigger::parse(t, "").unwrap())
            .collect()
    }

    struct Fixture {
        triggers: Vec<Trigger>,
        frequency: Frequency,
        history: History,
    }

    fn fx(t: Value, f: Value) -> Fixture {
        Fixture {
            triggers: triggers(t),
            frequency: Frequency::parse(&f, "").unwrap(),
            history: History::default(),
        }
    }

    fn item<'a>(id: &'a str, kind: Kind, f: &'a Fixture) -> PageItem<'a> {
        PageItem {
            id,
            kind,
            priority: 0,
            triggers: &f.triggers,
            frequency: &f.frequency,
            history: &f.history,
            armed_at: None,
            showing: false,
            resuming: false,
        }
    }

    #[test]
    fn a_run_in_progress_resumes_whatever_its_triggers_page_rule_and_frequency() {
        // Shown once already (frequency `once` refuses it), on /app only, after an event.
        let mut f = fx(
            json!([{"type": "page_visit", "match": "contains", "value": "/app"},
                   {"type": "event", "name": "signup"}]),
            json!({"mode": "once"}),
        );
        f.history
            .impressions
            .push(crate::targeting::frequency::Impression {
                at: 1,
                browsing_session: "old".into(),
            });
        let mut tour = item("tour", Kind::Tour, &f);
        let p = plan(&[tour.clone()], &page("https://a.test/billing", 10));
        assert!(matches!(p.verdicts[0].1, Verdict::Refused { .. }));
        tour.resuming = true;
        let p = plan(&[tour.clone()], &page("https://a.test/billing", 10));
        assert_eq!(p.verdicts[0].1, Verdict::Show);
        // On screen, it stays on a page its page rule does not admit (its steps decide).
        tour.showing = true;
        let p = plan(&[tour.clone()], &page("https://a.test/billing", 10));
        assert_eq!(p.verdicts[0].1, Verdict::Showing);
        // Arbitration still applies: with a higher tour ready, it waits.
        let other = fx(json!([]), json!({"mode": "always"}));
        let mut higher = item("higher", Kind::Tour, &other);
        higher.priority = 5;
        tour.showing = false;
        let p = plan(&[higher, tour], &page("https://a.test/billing", 10));
        assert_eq!(p.verdicts[0].1, Verdict::Show);
        assert!(matches!(p.verdicts[1].1, Verdict::Lost { .. }));
    }

    fn page<'a>(url: &'a str, now_ms: i64) -> PageNow<'a> {
        PageNow {
            ctx: PageContext {
                url,
                now_ms,
                ..PageContext::default()
            },
            events: &[],
            clicked: &[],
            browsing_session: "bs1",
            visitor_id: "v1",
            survey_pacing: Pacing::default(),
        }
    }

    #[test]
    fn a_survey_shown_on_the_page_paces_the_others_but_nothing_else() {
        let f = fx(json!([]), json!("always"));
        let (a, b) = (
            item("survey-b", Kind::SmallSurvey, &f),
            item("post", Kind::Post, &f),
        );
        let mut now = page("https://a.test/", 10 * DAY);
        // No cooldown in the workspace: a survey seen a minute ago does not hold one back.
        now.survey_pacing.last_survey_shown_at = Some(10 * DAY - 60_000);
        assert_eq!(
            plan(std::slice::from_ref(&a), &now).verdicts[0].1,
            Verdict::Show
        );
        // A cooldown of 7 days: the other survey waits, a post does not.
        now.survey_pacing.survey_cooldown_days = Some(7);
        let p = plan(&[a.clone(), b.clone()], &now);
        assert_eq!(
            verdict(&p, "survey-b"),
            Verdict::Refused {
                why: Ineligible::SurveyCooldown {
                    until: 17 * DAY - 60_000
                }
            }
        );
        assert_eq!(verdict(&p, "post"), Verdict::Show);
        // Seen 8 days ago: past the cooldown.
        now.survey_pacing.last_survey_shown_at = Some(2 * DAY - 1);
        assert_eq!(
            plan(std::slice::from_ref(&a), &now).verdicts[0].1,
            Verdict::Show
        );
        // On screen already, or a response to finish: pacing does not take it down.
        now.survey_pacing.last_survey_shown_at = Some(10 * DAY - 60_000);
        let mut on = a.clone();
        on.showing = true;
        assert_eq!(plan(&[on], &now).verdicts[0].1, Verdict::Showing);
        let mut resuming = a;
        resuming.resuming = true;
        assert_eq!(plan(&[resuming], &now).verdicts[0].1, Verdict::Show);
    }

    fn verdict(p: &Plan, id: &str) -> Verdict {
        p.verdicts.iter().find(|(i, _)| i == id).unwrap().1.clone()
    }

    #[test]
    fn all_triggers_must_hold_and_the_delay_counts_from_arming() {
        let f = fx(
            json!([{"type": "page_visit", "match": "starts_with", "value": "/app"}, {"type": "time_on_page", "seconds": 4, "delayMs": 500}]),
            json!("always"),
        );
        let mut it = item("p", Kind::Post, &f);
        let mut now = page("https://a.test/app/x", 1_000);
        let p = plan(&[it.clone()], &now);
        assert_eq!(
            verdict(&p, "p"),
            Verdict::Waiting {
                triggers: vec!["time_on_page"]
            }
        );
        assert_eq!(
            p.wake_at,
            Some(5_000),
            "woken when 4 s on the page have passed"
        );
        now.ctx.time_on_page_ms = 4_000;
        now.ctx.now_ms = 5_000;
        let p = plan(&[it.clone()], &now);
        assert_eq!(p.arm, vec!["p".to_string()]);
        assert_eq!(verdict(&p, "p"), Verdict::Delayed { until: 5_500 });
        it.armed_at = Some(5_000);
        now.ctx.now_ms = 5_500;
        assert_eq!(verdict(&plan(&[it.clone()], &now), "p"), Verdict::Show);
        // Elsewhere, the page rule fails.
        let other = page("https://a.test/pricing", 9_000);
        it.armed_at = None;
        assert_eq!(
            verdict(&plan(&[it], &other), "p"),
            Verdict::Waiting {
                triggers: vec!["page_visit", "time_on_page"]
            }
        );
    }

    #[test]
    fn momentary_triggers_latch_for_the_page() {
        let f = fx(
            json!([{"type": "event", "name": "export", "properties": [{"key": "rows", "operator": "gt", "value": 10}]}, {"type": "element_click", "selector": "#go"}]),
            json!("always"),
        );
        let it = item("t", Kind::Tooltip, &f);
        let small: Map<String, Value> = json!({"rows": 3}).as_object().unwrap().clone();
        let big: Map<String, Value> = json!({"rows": 30}).as_object().unwrap().clone();
        let events = [TrackedEvent {
            name: "export",
            properties: &small,
        }];
        let mut now = page("/", 0);
        now.events = &events;
        now.clicked = &["#go"];
        assert_eq!(
            verdict(&plan(std::slice::from_ref(&it), &now), "t"),
            Verdict::Waiting {
                triggers: vec!["event"]
            },
            "the property filter holds the small export back"
        );
        let events = [
            TrackedEvent {
                name: "export",
                properties: &big,
            },
            TrackedEvent {
                name: "other",
                properties: &small,
            },
        ];
        now.events = &events;
        assert_eq!(verdict(&plan(&[it], &now), "t"), Verdict::Show);
    }

    #[test]
    fn frequency_and_arbitration_decide_among_ready_items() {
        let once = fx(json!([]), json!("once"));
        let mut seen = fx(json!([]), json!("once_per_session"));
        seen.history
            .impressions
            .push(super::super::frequency::Impression {
                at: 0,
                browsing_session: "bs1".into(),
            });
        let always = fx(json!([]), json!("always"));
        let items = [
            item("post", Kind::Post, &once),
            item("tour_seen", Kind::Tour, &seen),
            item("banner", Kind::Banner, &always),
        ];
        let p = plan(&items, &page("/", 10));
        assert_eq!(verdict(&p, "post"), Verdict::Show);
        assert_eq!(
            verdict(&p, "tour_seen"),
            Verdict::Refused {
                why: Ineligible::ShownThisSession
            }
        );
        assert_eq!(
            verdict(&p, "banner"),
            Verdict::Lost {
                why: LossReason::WaitingForBlocking("post".into())
            },
            "a banner waits while a post shows"
        );
        // The post on screen: the banner still waits; taken down, the banner shows.
        let mut showing = items.clone();
        showing[0].showing = true;
        assert!(matches!(
            verdict(&plan(&showing, &page("/", 20)), "banner"),
            Verdict::Lost { .. }
        ));
        assert_eq!(
            verdict(&plan(&items[2..], &page("/", 20)), "banner"),
            Verdict::Show
        );
    }

    #[test]
    fn an_item_on_screen_leaves_when_the_page_rule_stops_holding() {
        let f = fx(
            json!([{"type": "page_visit", "match": "wildcard", "value": "/docs/*"}]),
            json!("always"),
        );
        let mut it = item("b", Kind::Banner, &f);
        it.showing = true;
        assert_eq!(
            verdict(&plan(&[it.clone()], &page("/docs/a", 0)), "b"),
            Verdict::Showing
        );
        assert_eq!(
            verdict(&plan(&[it], &page("/pricing", 0)), "b"),
            Verdict::OffPage
        );
    }

    #[test]
    fn idle_and_schedules_wake_the_page_at_the_right_time() {
        let idle = fx(json!([{"type": "idle", "seconds": 30}]), json!("always"));
        let later = fx(json!([]), json!({"mode": "always", "startAt": 50_000}));
        let mut now = page("/", 10_000);
        now.ctx.idle_ms = 12_000;
        let p = plan(
            &[
                item("i", Kind::Chat, &idle),
                item("l", Kind::Banner, &later),
            ],
            &now,
        );
        assert_eq!(p.wake_at, Some(28_000));
        assert_eq!(
            verdict(&p, "l"),
            Verdict::Refused {
                why: Ineligible::NotStarted
            }
        );
    }
}
