//! Size probe (feature `targeting-probe`): one export that exercises the whole targeting
//! engine — rule parse + evaluate, trigger, frequency, arbitration — parsing JSON text as the
//! widget will from `/v1/eligible`. `scripts/bench` builds with and without it and prints the
//! difference in brotli bytes.

use porchlight_shared::targeting::arbitrate::{arbitrate, Candidate, Kind};
use porchlight_shared::targeting::frequency::{
    check_frequency, Frequency, FrequencyInput, History,
};
use porchlight_shared::targeting::triggers::{trigger_fires, PageContext, Trigger};
use porchlight_shared::targeting::{EvalContext, NoSegments, Rule, Subject};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = __targetingProbe)]
pub fn targeting_probe(
    rule: &str,
    subject: &str,
    trigger: &str,
    frequency: &str,
    url: &str,
    now: f64,
) -> bool {
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap_or_default();
    let Ok(rule) = Rule::parse(&parse(rule)) else {
        return false;
    };
    let subject: Subject = serde_json::from_str(subject).unwrap_or_default();
    let ctx = EvalContext {
        subject: &subject,
        now_ms: now as i64,
        segments: &NoSegments,
    };
    let Ok(t) = Trigger::parse(&parse(trigger), "") else {
        return false;
    };
    let Ok(f) = Frequency::parse(&parse(frequency), "") else {
        return false;
    };
    let history = History::default();
    let input = FrequencyInput {
        frequency: &f,
        history: &history,
        now_ms: now as i64,
        browsing_session: "b",
        visitor_id: "v",
        content_id: "c",
        survey_pacing: None,
    };
    let page = PageContext {
        url,
        ..PageContext::default()
    };
    let a = arbitrate(
        &[Candidate {
            kind: Kind::Tour,
            id: "t".into(),
            priority: 1,
        }],
        &[],
    );
    rule.matches(&ctx)
        && trigger_fires(&t, &page)
        && check_frequency(&input).is_ok()
        && !a.show.is_empty()
}
