//! The shape of `/v1/eligible`'s answer: each item as it goes out, and (with `debug`) each
//! active item left out and why.

use std::collections::BTreeMap;

use porchlight_shared::targeting::frequency::Ineligible;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::routes::items::ItemRow;

/// One item as `/v1/eligible` answers it.
#[derive(serde::Serialize)]
pub(super) struct EligibleItem<'a> {
    pub(super) id: &'a str,
    pub(super) kind: &'a str,
    pub(super) priority: i64,
    pub(super) content: std::borrow::Cow<'a, RawValue>,
    pub(super) triggers: std::borrow::Cow<'a, RawValue>,
    pub(super) frequency: &'a RawValue,
    pub(super) history: Value,
    #[serde(flatten)]
    pub(super) extra: serde_json::Map<String, Value>,
}

/// Why an active item is not in the answer: its audience, a frequency or schedule refusal
/// (as [`Ineligible`] serializes), or stored settings that no longer read (`invalid`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub(super) enum Why {
    Audience,
    Invalid,
    #[serde(untagged)]
    Frequency(Ineligible),
}

/// An active item left out, as `debug` lists it: `{id, kind, reason, until?}`. A visitor can
/// ask for this, so ids and reasons only: never a name or content.
#[derive(serde::Serialize)]
pub(super) struct Skipped<'a> {
    pub(super) id: &'a str,
    pub(super) kind: &'a str,
    #[serde(flatten)]
    pub(super) why: Why,
}

/// The answer: each family's items, the browsing session it was decided in (the widget adopts
/// it), and with `debug` what was left out and why.
#[derive(serde::Serialize)]
pub(super) struct Answer<'a> {
    #[serde(flatten)]
    pub(super) families: BTreeMap<&'static str, Vec<EligibleItem<'a>>>,
    pub(super) bs: &'a str,
    /// The workspace has active content at all: a widget with nothing to show on this page
    /// still follows navigation (another page may show something); without, it never loads
    /// its engagement module.
    pub(super) active: bool,
    /// The workspace's survey pacing (at most one survey every N days), when it has one: a
    /// survey shown on the page holds the others back there too.
    #[serde(rename = "surveyCooldownDays", skip_serializing_if = "Option::is_none")]
    pub(super) survey_cooldown_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) skipped: Option<Vec<Skipped<'a>>>,
}

/// Notes `row` as left out for `why`, when the question asked (`debug`).
pub(super) fn skip<'a>(skipped: &mut Option<Vec<Skipped<'a>>>, row: &'a ItemRow, why: Why) {
    if let Some(list) = skipped {
        list.push(Skipped {
            id: &row.id,
            kind: &row.kind,
            why,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn skipped(why: Why) -> Value {
        serde_json::to_value(Skipped {
            id: "out_1",
            kind: "post",
            why,
        })
        .unwrap()
    }

    #[test]
    fn a_skipped_item_is_flat_id_kind_reason_and_until() {
        assert_eq!(
            skipped(Why::Audience),
            json!({"id": "out_1", "kind": "post", "reason": "audience"})
        );
        assert_eq!(skipped(Why::Invalid)["reason"], "invalid");
        assert_eq!(
            skipped(Why::Frequency(Ineligible::ShownThisSession)),
            json!({"id": "out_1", "kind": "post", "reason": "shown_this_session"})
        );
        assert_eq!(
            skipped(Why::Frequency(Ineligible::RecontactWait { until: 42 })),
            json!({"id": "out_1", "kind": "post", "reason": "recontact_wait", "until": 42})
        );
    }
}
