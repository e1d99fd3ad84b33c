//! Estimated reach: how many of a sample of visitors an audience admits now, and what that says
//! about the whole workspace. Page conditions are unknown here (no page), so a visitor counts
//! when the audience admits them on *some* page ([`Rule::admits_on_some_page`]).

use super::{EvalContext, Rule, SegmentLookup, Subject};

/// The answer of a reach estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// Visitors of the sample the audience admits.
    pub matched: u64,
    /// Visitors evaluated.
    pub scanned: u64,
    /// Visitors in the workspace.
    pub total: u64,
    /// `matched` scaled to `total` (equal to `matched` when the sample is everyone).
    pub estimated: u64,
}

impl Reach {
    /// Whether the figures come from a sample smaller than the workspace.
    pub fn is_sample(&self) -> bool {
        self.scanned < self.total
    }
}

/// Counts the subjects `rule` admits (`None`: everyone) and scales the count to `total`.
pub fn reach(
    rule: Option<&Rule>,
    subjects: &[Subject],
    segments: &dyn SegmentLookup,
    now_ms: i64,
    total: u64,
) -> Reach {
    let matched = subjects
        .iter()
        .filter(|subject| {
            rule.is_none_or(|r| {
                r.admits_on_some_page(&EvalContext {
                    subject,
                    now_ms,
                    segments,
                })
            })
        })
        .count() as u64;
    let scanned = subjects.len() as u64;
    // A total below the sample (a visitor seen between the two reads) is the sample.
    let total = total.max(scanned);
    let estimated = if scanned == 0 || scanned == total {
        matched
    } else {
        ((matched as u128 * total as u128 + scanned as u128 / 2) / scanned as u128) as u64
    };
    Reach {
        matched,
        scanned,
        total,
        estimated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targeting::NoSegments;
    use serde_json::json;

    fn visitor(plan: &str) -> Subject {
        let attributes = json!({ "plan": plan });
        Subject {
            attributes: attributes.as_object().cloned().unwrap_or_default().into(),
            ..Subject::default()
        }
    }

    #[test]
    fn counts_matches_and_scales_a_sample() {
        let rule = Rule::parse(&json!({"type": "condition", "property": {"source": "custom", "key": "plan"}, "operator": "equals", "value": "pro"})).unwrap();
        let subjects = vec![
            visitor("pro"),
            visitor("free"),
            visitor("pro"),
            visitor("free"),
        ];
        let all = reach(Some(&rule), &subjects, &NoSegments, 0, 4);
        assert_eq!(
            (all.matched, all.scanned, all.total, all.estimated),
            (2, 4, 4, 2)
        );
        assert!(!all.is_sample());
        let sampled = reach(Some(&rule), &subjects, &NoSegments, 0, 1000);
        assert_eq!((sampled.matched, sampled.estimated), (2, 500));
        assert!(sampled.is_sample());
        assert_eq!(reach(None, &subjects, &NoSegments, 0, 4).matched, 4);
        assert_eq!(reach(None, &[], &NoSegments, 0, 0).estimated, 0);
    }

    #[test]
    fn page_conditions_do_not_exclude_and_missing_segments_admit_nobody() {
        let page = Rule::parse(&json!({"type": "condition", "property": {"source": "page", "key": "path"}, "operator": "equals", "value": "/pricing"})).unwrap();
        let subjects = vec![visitor("pro"), visitor("free")];
        assert_eq!(reach(Some(&page), &subjects, &NoSegments, 0, 2).matched, 2);
        let seg = Rule::parse(&json!({"segmentId": "seg_gone"})).unwrap();
        assert_eq!(reach(Some(&seg), &subjects, &NoSegments, 0, 2).matched, 0);
    }
}
