//! A tour run as the widget follows it: where the visitor is — the edge's progress, with the
//! actions this browser queued since replayed on top (not sent yet, or sent after the edge
//! answered) — and whether a step runs on the page shown. The same state machine as the edge's
//! [`apply_tour_action`](super::apply_tour_action), reduced to what the widget needs (state and
//! step; the edge also checks pages and keeps times); a test holds the two to the same results.

use super::tours::{path_of, TourAction, TourState};

/// Where a visitor is in a tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub state: TourState,
    pub step: u32,
}

impl TourAction {
    pub fn as_str(self) -> &'static str {
        match self {
            TourAction::Start => "start",
            TourAction::Advance => "advance",
            TourAction::Complete => "complete",
            TourAction::Dismiss => "dismiss",
            TourAction::Snooze => "snooze",
            TourAction::Restart => "restart",
        }
    }

    pub fn parse(s: &str) -> Option<TourAction> {
        Some(match s {
            "start" => TourAction::Start,
            "advance" => TourAction::Advance,
            "complete" => TourAction::Complete,
            "dismiss" => TourAction::Dismiss,
            "snooze" => TourAction::Snooze,
            "restart" => TourAction::Restart,
            _ => return None,
        })
    }
}

/// An advance says the step it moves `from`: one sent by a tab that fell behind (another tab
/// moved the run on) or sent again after a newer one landed is refused, and changes nothing.
pub fn stale_advance(prev: Option<Run>, from: Option<u32>) -> bool {
    matches!((prev, from), (Some(p), Some(f)) if p.step != f)
}

/// `prev` after `action` (`step`: where an advance goes, `from`: the step it leaves) in a tour
/// whose last step is `last`, as the edge will store it; an action the edge would refuse
/// changes nothing.
pub fn replay(
    prev: Option<Run>,
    action: TourAction,
    step: Option<u32>,
    from: Option<u32>,
    last: u32,
) -> Option<Run> {
    use TourAction::*;
    use TourState::*;
    // As the edge: a run past a shortened tour's end is at its last step.
    let prev = prev.map(|p| Run {
        step: p.step.min(last),
        ..p
    });
    if action == Advance && stale_advance(prev, from) {
        return prev;
    }
    let run = |state, step| Some(Run { state, step });
    match (action, prev) {
        (Restart, _) | (Start, None) => run(InProgress, 0),
        (Start, Some(p)) if matches!(p.state, InProgress | Snoozed) => run(InProgress, p.step),
        (Dismiss, Some(p)) if matches!(p.state, InProgress | Snoozed) => run(Dismissed, p.step),
        (Snooze, Some(p)) if matches!(p.state, InProgress | Snoozed) => run(Snoozed, p.step),
        (Advance, Some(p)) if p.state == InProgress => {
            let to = step.unwrap_or(p.step.saturating_add(1));
            if to <= last && to <= p.step.saturating_add(1) {
                run(InProgress, to)
            } else {
                prev
            }
        }
        (Complete, Some(p)) if p.state == InProgress && p.step == last => run(Completed, p.step),
        _ => prev,
    }
}

/// Whether a step with `page` (a path; none: any page) runs on `url`.
pub fn runs_here(page: Option<&str>, url: &str) -> bool {
    page.is_none_or(|p| path_of(p) == path_of(url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiences::{apply_tour_action, TourContent, TourProgress};
    use serde_json::json;

    #[test]
    fn replays_as_the_edge_applies() {
        let tour: TourContent = serde_json::from_value(json!({"steps": [
            {"kind": "post", "body": "a"}, {"kind": "post", "body": "b"}, {"kind": "post", "body": "c"}
        ]}))
        .unwrap();
        let actions = [
            (TourAction::Start, None),
            (TourAction::Advance, None),
            (TourAction::Advance, Some(0)),
            (TourAction::Advance, Some(1)),
            (TourAction::Advance, Some(2)),
            (TourAction::Complete, None),
            (TourAction::Dismiss, None),
            (TourAction::Snooze, None),
            (TourAction::Restart, None),
        ];
        // Every sequence of four actions: the widget's replay ends where the edge does.
        let n = actions.len();
        for code in 0..n.pow(4) {
            let (mut edge, mut mine): (Option<TourProgress>, Option<Run>) = (None, None);
            let mut c = code;
            for _ in 0..4 {
                let (a, step) = actions[c % n];
                c /= n;
                if let Ok(p) = apply_tour_action(&tour, edge.as_ref(), a, step, None, 1) {
                    edge = Some(p);
                }
                mine = replay(mine, a, step, None, 2);
                let theirs = edge.as_ref().map(|p| Run {
                    state: p.state,
                    step: p.step,
                });
                assert_eq!(mine, theirs, "sequence {code}");
            }
        }
    }

    #[test]
    fn an_advance_from_a_step_the_run_has_left_changes_nothing() {
        let at = |step| {
            Some(Run {
                state: TourState::InProgress,
                step,
            })
        };
        // Another tab moved the run to step 3; this one still shows step 0 and presses Next.
        assert_eq!(
            replay(at(3), TourAction::Advance, Some(1), Some(0), 4),
            at(3)
        );
        assert_eq!(
            replay(at(0), TourAction::Advance, Some(1), Some(0), 4),
            at(1)
        );
        // Back names the step it leaves too.
        assert_eq!(
            replay(at(2), TourAction::Advance, Some(1), Some(2), 4),
            at(1)
        );
        assert!(stale_advance(at(2), Some(1)));
        assert!(!stale_advance(at(2), None));
        assert!(!stale_advance(None, Some(0)));
    }

    #[test]
    fn a_run_past_a_shortened_tour_goes_on_from_its_last_step() {
        let tour: TourContent = serde_json::from_value(json!({"steps": [
            {"kind": "post", "body": "a"}, {"kind": "post", "body": "b"}, {"kind": "post", "body": "c"}
        ]}))
        .unwrap();
        let p = TourProgress {
            state: TourState::InProgress,
            step: 4,
            checkpoint: None,
            snoozed_until: None,
            started_at: 1,
            completed_at: None,
            dismissed_at: None,
        };
        // Back from the last step the widget shows (2), and Done there, are accepted.
        let back =
            apply_tour_action(&tour, Some(&p), TourAction::Advance, Some(1), None, 2).unwrap();
        assert_eq!(back.step, 1);
        let done = apply_tour_action(&tour, Some(&p), TourAction::Complete, None, None, 2).unwrap();
        assert_eq!(done.state, TourState::Completed);
        let at4 = Some(Run {
            state: TourState::InProgress,
            step: 4,
        });
        assert!(!stale_advance(
            at4.map(|r| Run {
                step: r.step.min(2),
                ..r
            }),
            Some(2)
        ));
        assert_eq!(
            replay(at4, TourAction::Advance, Some(1), Some(2), 2).map(|r| r.step),
            Some(1)
        );
        assert_eq!(
            replay(at4, TourAction::Complete, None, None, 2).map(|r| r.state),
            Some(TourState::Completed)
        );
    }

    #[test]
    fn steps_run_on_their_page() {
        assert!(runs_here(None, "https://a.test/x"));
        assert!(runs_here(
            Some("/billing"),
            "https://a.test/billing/?tab=1#p"
        ));
        assert!(!runs_here(Some("/billing"), "https://a.test/app"));
        assert!(TourAction::parse("advance") == Some(TourAction::Advance));
        assert_eq!(TourAction::parse("jump"), None);
        for a in [
            "start", "advance", "complete", "dismiss", "snooze", "restart",
        ] {
            assert_eq!(TourAction::parse(a).map(TourAction::as_str), Some(a));
        }
    }
}
