//! A survey as the widget reads it: the stored content (validated when it was saved) read from
//! JSON by hand (through `read::Json`: the browser's own JSON in the widget), without serde's
//! derived deserializers — their error paths format floats
//! (`Unexpected::Float`), about 15 KB of every visitor's engagement module. The same model,
//! the same names: the tests hold this reader to serde's on every field.

use super::branching::{Branch, BranchOp, BranchWhen};
use super::surveys::{Question, QuestionType, Screen, SurveyContent, SurveyFormat, MAX_QUESTIONS};
use crate::read::Json;

fn text<J: Json>(o: &J, k: &str) -> Option<String> {
    o.get_str(k).map(|s| s.as_ref().into())
}

fn screen<J: Json>(v: Option<J>) -> Option<Screen> {
    let o = v.filter(J::is_object)?;
    Some(Screen {
        title: text(&o, "title"),
        body: text(&o, "body"),
        button_label: text(&o, "buttonLabel"),
    })
}

fn kind(s: &str) -> Option<QuestionType> {
    Some(match s {
        "nps" => QuestionType::Nps,
        "numeric_scale" => QuestionType::NumericScale,
        "star_rating" => QuestionType::StarRating,
        "emoji_rating" => QuestionType::EmojiRating,
        "dropdown" => QuestionType::Dropdown,
        "short_text" => QuestionType::ShortText,
        "long_text" => QuestionType::LongText,
        "multiple_choice" => QuestionType::MultipleChoice,
        _ => return None,
    })
}

fn op(s: &str) -> Option<BranchOp> {
    Some(match s {
        "equals" => BranchOp::Equals,
        "one_of" => BranchOp::OneOf,
        "gt" => BranchOp::Gt,
        "lt" => BranchOp::Lt,
        "answered" => BranchOp::Answered,
        "skipped" => BranchOp::Skipped,
        _ => return None,
    })
}

fn branch<J: Json>(v: &J) -> Option<Branch<J::Own>> {
    let w = v.get("when")?;
    Some(Branch {
        when: BranchWhen {
            op: op(w.get_str("op")?.as_ref())?,
            value: w.get("value").filter(|x| !x.is_null()).map(|x| x.own()),
        },
        to: text(v, "to")?,
    })
}

/// Each item of list `k` of `o` (none when absent or not a list) through `f`; `None` as soon
/// as one gives `None`.
fn each<J: Json, T>(o: &J, k: &str, f: impl Fn(&J) -> Option<T>) -> Option<Vec<T>> {
    let list = o.get(k);
    let mut out = Vec::new();
    if let Some(l) = &list {
        for i in 0..l.items().unwrap_or(0) {
            out.push(f(&l.at(i)?)?);
        }
    }
    Some(out)
}

fn question<J: Json>(o: &J) -> Option<Question<J::Own>> {
    if !o.is_object() {
        return None;
    }
    let flag = |k: &str| o.get(k).and_then(|b| b.bool()) == Some(true);
    let int = |k: &str| o.get(k).and_then(|n| n.i64());
    Some(Question {
        id: text(o, "id")?,
        kind: kind(o.get_str("type")?.as_ref())?,
        prompt: text(o, "prompt").unwrap_or_default(),
        required: flag("required"),
        options: each(o, "options", |x| x.str().map(|s| s.as_ref().into()))?,
        multiple: flag("multiple"),
        start: int("start"),
        end: int("end"),
        low_label: text(o, "lowLabel"),
        high_label: text(o, "highLabel"),
        count: o
            .get("count")
            .and_then(|c| c.u64())
            .map(|c| c.min(255) as u8),
        store_as_attribute: text(o, "storeAsAttribute"),
        placeholder: text(o, "placeholder"),
        branches: each(o, "branches", branch)?,
    })
}

impl<V> SurveyContent<V> {
    /// Reads stored survey content (the edge's `content`, as `/v1/eligible` sends it), through
    /// [`Json`]: the widget reads the browser's own JSON, and keeps branch values as it. `None`
    /// when a question, a type or a rule is not one this build knows: the widget then shows
    /// nothing rather than a survey it would answer wrongly.
    pub fn read<J: Json<Own = V>>(v: J) -> Option<SurveyContent<V>> {
        if !v.is_object() {
            return None;
        }
        let list = v.get("questions")?;
        let n = list.items()?;
        let mut questions = Vec::new();
        for i in 0..n.min(MAX_QUESTIONS) {
            questions.push(question(&list.at(i)?)?);
        }
        Some(SurveyContent {
            format: match v.get_str("format").as_ref().map(AsRef::as_ref) {
                Some("large") => SurveyFormat::Large,
                _ => SurveyFormat::Small,
            },
            intro: screen(v.get("intro")),
            thank_you: screen(v.get("thankYou")),
            questions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every field of the model, read by hand as serde reads it.
    #[test]
    fn reads_what_serde_reads() {
        let v = json!({
            "format": "large",
            "intro": {"title": "Hi", "body": "A few questions", "buttonLabel": "Go"},
            "thankYou": {"title": "Thanks"},
            "questions": [
                {"id": "n", "type": "nps", "prompt": "Likely?", "required": true,
                 "lowLabel": "No", "highLabel": "Yes", "storeAsAttribute": "nps",
                 "branches": [{"when": {"op": "lt", "value": 7}, "to": "t"},
                              {"when": {"op": "one_of", "value": [7, 8]}, "to": "end"},
                              {"when": {"op": "skipped"}, "to": "m"}]},
                {"id": "s", "type": "numeric_scale", "prompt": "Scale", "start": -2, "end": 3},
                {"id": "st", "type": "star_rating", "prompt": "Stars",
                 "branches": [{"when": {"op": "gt", "value": 3}, "to": "end"},
                              {"when": {"op": "answered"}, "to": "t"}]},
                {"id": "e", "type": "emoji_rating", "prompt": "Faces", "count": 3},
                {"id": "d", "type": "dropdown", "prompt": "Pick", "options": ["a", "b"],
                 "branches": [{"when": {"op": "equals", "value": "a"}, "to": "t"}]},
                {"id": "t", "type": "short_text", "prompt": "Say", "placeholder": "…"},
                {"id": "l", "type": "long_text", "prompt": "More"},
                {"id": "m", "type": "multiple_choice", "prompt": "Many", "options": ["x", "y"], "multiple": true},
                {"id": "o", "type": "multiple_choice", "prompt": "One", "options": ["x", "y"]}
            ]
        });
        let by_serde: SurveyContent = serde_json::from_value(v.clone()).expect("valid");
        assert_eq!(SurveyContent::read(&v), Some(by_serde));
        let small = json!({"questions": [{"id": "a", "type": "nps", "prompt": "?"}]});
        let by_serde: SurveyContent = serde_json::from_value(small.clone()).expect("valid");
        assert_eq!(SurveyContent::read(&small), Some(by_serde));
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for bad in [
            json!(null),
            json!({}),
            json!({"questions": [{"id": "a", "type": "slider", "prompt": "?"}]}),
            json!({"questions": [{"type": "nps", "prompt": "?"}]}),
            json!({"questions": [{"id": "a", "type": "nps", "branches": [{"when": {"op": "near"}, "to": "end"}]}]}),
            json!({"questions": [{"id": "a", "type": "dropdown", "options": [1, 2]}]}),
        ] {
            assert_eq!(SurveyContent::read(&bad), None, "{bad}");
        }
    }
}
