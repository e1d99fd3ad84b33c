//! Ordering and arbitration: of everything eligible right now, what actually shows.
//!
//! One order for all kinds: higher `priority` first; at equal priority the blocking kinds rank
//! tour > post > large survey > the rest; then by id. At most one *blocking* experience (tour,
//! modal post, large survey) shows at a time. Non-blocking ones (banners, small surveys,
//! tooltips, chats, checklists) show only while nothing blocking does, at most one per kind.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Tour,
    Post,
    LargeSurvey,
    SmallSurvey,
    Banner,
    Tooltip,
    Chat,
    Checklist,
}

impl Kind {
    pub fn blocking(self) -> bool {
        matches!(self, Kind::Tour | Kind::Post | Kind::LargeSurvey)
    }
    fn rank(self) -> u8 {
        match self {
            Kind::Tour => 0,
            Kind::Post => 1,
            Kind::LargeSurvey => 2,
            _ => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub kind: Kind,
    pub id: String,
    pub priority: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "by")]
pub enum LossReason {
    /// Another blocking experience is already on screen.
    BlockingShowing(String),
    /// A higher-ranked blocking candidate won this round.
    OutrankedBy(String),
    /// Something blocking shows (or was just chosen): non-blocking items wait.
    WaitingForBlocking(String),
    /// Another item of the same non-blocking kind is showing or ranked higher.
    SameKindShowing(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Arbitration {
    /// Ids to show now, in order.
    pub show: Vec<String>,
    pub lost: Vec<(String, LossReason)>,
}

/// Sorts candidates into the one priority order.
pub fn order(cands: &mut [Candidate]) {
    super::host::stable_sort_by(cands, |a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.kind.rank().cmp(&b.kind.rank()))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Decides what shows, given what is already on screen.
pub fn arbitrate(candidates: &[Candidate], showing: &[Candidate]) -> Arbitration {
    let mut cands = candidates.to_vec();
    order(&mut cands);
    let mut out = Arbitration::default();
    // Plain loops (no iterator chains collected): this runs in every visitor's browser.
    let mut blocking: Option<String> = None;
    let mut kinds_up: Vec<(Kind, String)> = Vec::new();
    for c in showing {
        if !c.kind.blocking() {
            kinds_up.push((c.kind, c.id.clone()));
        } else if blocking.is_none() {
            blocking = Some(c.id.clone());
        }
    }
    let already_blocking = blocking.is_some();
    for c in cands.iter().filter(|c| c.kind.blocking()) {
        match &blocking {
            Some(b) if already_blocking => out
                .lost
                .push((c.id.clone(), LossReason::BlockingShowing(b.clone()))),
            Some(b) => out
                .lost
                .push((c.id.clone(), LossReason::OutrankedBy(b.clone()))),
            None => {
                blocking = Some(c.id.clone());
                out.show.push(c.id.clone());
            }
        }
    }
    for c in cands.iter().filter(|c| !c.kind.blocking()) {
        if let Some(b) = &blocking {
            out.lost
                .push((c.id.clone(), LossReason::WaitingForBlocking(b.clone())));
        } else if let Some((_, id)) = kinds_up.iter().find(|(k, _)| *k == c.kind) {
            out.lost
                .push((c.id.clone(), LossReason::SameKindShowing(id.clone())));
        } else {
            kinds_up.push((c.kind, c.id.clone()));
            out.show.push(c.id.clone());
        }
    }
    out
}
