//! A survey as the widget reads it: the stored content (validated when it was saved) read from
//! JSON by hand, without serde's derived deserializers — their error paths format floats
//! (`Unexpected::Float`), about 15 KB of every visitor's engagement module. The same model,
//! the same names: the tests hold this reader to serde's on every field.

use serde_json::{Map, Value};

use super::branching::{Branch, BranchOp, BranchWhen};
use super::surveys::{Question, QuestionType, Screen, SurveyContent, SurveyFormat, MAX_QUESTIONS};

fn text(o: &Map<String, Value>, k: &str) -> Option<String> {
    o.get(k).and_then(Value::as_str).map(String::from)
}

fn screen(v: Option<&Value>) -> Option<Screen> {
    let o = v?.as_object()?;
    Some(Screen {
        title: text(o, "title"),
        body: text(o, "body"),
        button_label: text(o, "buttonLabel"),
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

fn branch(v: &Value) -> Option<Branch> {
    let w = v.get("when")?;
    Some(Branch {
        when: BranchWhen {
            op: op(w.get("op")?.as_str()?)?,
            value: w.get("value").filter(|x| !x.is_null()).cloned(),
        },
        to: v.get("to")?.as_str()?.into(),
    })
}

fn question(v: &Value) -> Option<Question> {
    let o = v.as_object()?;
    let list = |k: &str| o.get(k).and_then(Value::as_array).map(Vec::as_slice);
    let mut options = Vec::new();
    for x in list("options").unwrap_or_default() {
        options.push(x.as_str()?.into());
    }
    let mut branches = Vec::new();
    for b in list("branches").unwrap_or_default() {
        branches.push(branch(b)?);
    }
    Some(Question {
        id: text(o, "id")?,
        kind: kind(o.get("type")?.as_str()?)?,
        prompt: text(o, "prompt").unwrap_or_default(),
        required: o.get("required").and_then(Value::as_bool) == Some(true),
        options,
        multiple: o.get("multiple").and_then(Value::as_bool) == Some(true),
        start: o.get("start").and_then(Value::as_i64),
        end: o.get("end").and_then(Value::as_i64),
        low_label: text(o, "lowLabel"),
        high_label: text(o, "highLabel"),
        count: o
            .get("count")
            .and_then(Value::as_u64)
            .map(|c| c.min(255) as u8),
        store_as_attribute: text(o, "storeAsAttribute"),
        placeholder: text(o, "placeholder"),
        branches,
    })
}

impl SurveyContent {
    /// Reads stored survey content (the edge's `content`, as `/v1/eligible` sends it). `None`
    /// when a question, a type or a rule is not one this build knows: the widget then shows
    /// nothing rather than a survey it would answer wrongly.
    pub fn read(v: &Value) -> Option<SurveyContent> {
        let o = v.as_object()?;
        let mut questions = Vec::new();
        for q in o.get("questions")?.as_array()?.iter().take(MAX_QUESTIONS) {
            questions.push(question(q)?);
        }
        Some(SurveyContent {
            format: match o.get("format").and_then(Value::as_str) {
                Some("large") => SurveyFormat::Large,
                _ => SurveyFormat::Small,
            },
            intro: screen(o.get("intro")),
            thank_you: screen(o.get("thankYou")),
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
