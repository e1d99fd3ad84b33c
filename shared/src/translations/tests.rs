use serde_json::{json, Value};

use super::*;
use crate::content::{OutboundContent, OutboundKind};
use crate::experiences::{SurveyContent, TourContent};

fn tour() -> Value {
    json!({
        "steps": [
            {"title": "Welcome", "body": "Start here", "selector": "#go"},
            {"body": "Then export", "kind": "post"}
        ],
        "translations": {
            "fr": {"steps": [{"title": "Bienvenue"}, {"body": "Puis exportez"}]},
            "ar": {"steps": [{"body": "ابدأ هنا"}]}
        }
    })
}

/// The tour's checks, as the edge runs them on a save.
fn check_tour(v: Value, path: &str) -> Result<(), ApiError> {
    let t: TourContent =
        serde_json::from_value(v).map_err(|e| ApiError::invalid(path, e.to_string()))?;
    t.validate(path, false)
}

fn tour_errors(tr: Value) -> Option<String> {
    let (base, _) = split(&tour());
    check_translations(&base, &tr, "/content", check_tour)
        .err()
        .map(|e| e.path.unwrap_or_default())
}

#[test]
fn stored_content_reads_as_its_kind_without_translations() {
    let t: TourContent = read_default(&tour().to_string()).unwrap();
    assert_eq!(t.steps[0].title.as_deref(), Some("Welcome"));
    let plain: TourContent = read_default(r#"{"steps": []}"#).unwrap();
    assert!(plain.steps.is_empty());
    assert!(read_default::<TourContent>(r#"{"steps": [], "extra": 1}"#).is_err());
}

#[test]
fn a_language_is_a_tag_or_its_base_language() {
    assert_eq!(language_of("fr"), Some("fr"));
    assert_eq!(language_of("pt-BR"), Some("pt"));
    assert_eq!(language_of("FR_ca"), Some("fr"));
    assert_eq!(language_of("AR"), Some("ar"));
    assert_eq!(language_of("xx"), None);
    assert_eq!(language_of(""), None);
    assert!(is_language("ja") && !is_language("JA") && !is_language("pt-BR"));
}

#[test]
fn the_default_language_is_served_as_the_content_itself() {
    assert_eq!(served_language(Some("fr-CA"), "en"), Some("fr"));
    assert_eq!(served_language(Some("fr"), "fr"), None);
    assert_eq!(served_language(Some("xx"), "en"), None);
    assert_eq!(served_language(None, "en"), None);
}

#[test]
fn each_field_falls_back_to_the_default_text() {
    let fr = localized(tour(), Some("fr-FR"), "en");
    assert_eq!(fr["steps"][0]["title"], "Bienvenue");
    // Not translated: the default text.
    assert_eq!(fr["steps"][0]["body"], "Start here");
    assert_eq!(fr["steps"][1]["body"], "Puis exportez");
    // Structure is the default content's.
    assert_eq!(fr["steps"][0]["selector"], "#go");
    assert!(fr.get(KEY).is_none(), "translations are never served");
    // A shorter list translates the first elements only.
    let ar = localized(tour(), Some("ar"), "en");
    assert_eq!(ar["steps"][0]["body"], "ابدأ هنا");
    assert_eq!(ar["steps"][0]["title"], "Welcome");
    assert_eq!(ar["steps"][1]["body"], "Then export");
}

#[test]
fn an_unknown_or_untranslated_or_default_language_gets_the_default_text() {
    let (base, _) = split(&tour());
    for want in [None, Some("xx"), Some("de"), Some("en"), Some("en-GB")] {
        assert_eq!(localized(tour(), want, "en"), base, "{want:?}");
    }
    // A workspace written in French: French visitors get the content itself.
    assert_eq!(localized(tour(), Some("fr"), "fr"), base);
    // No translations: the stored text goes out as it is.
    assert!(!has_translations(r#"{"steps":[]}"#));
    assert!(has_translations(&tour().to_string()));
    assert_eq!(
        localized_in(tour(), Some("fr"))["steps"][0]["title"],
        "Bienvenue"
    );
    assert_eq!(localized_in(tour(), None), base);
}

#[test]
fn translations_are_checked_by_the_kinds_own_checks_at_their_path() {
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{"title": "Bienvenue"}]}})),
        None
    );
    // The same limit as the default text (a step body: 1-2000 characters).
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{}, {"body": "x".repeat(2001)}]}})).as_deref(),
        Some("/content/translations/fr/steps/1/body")
    );
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{"body": "  "}]}})).as_deref(),
        Some("/content/translations/fr/steps/0/body")
    );
    // Unknown language; a tag is not a language key.
    assert_eq!(
        tour_errors(json!({"klingon": {}})).as_deref(),
        Some("/content/translations/klingon")
    );
    assert_eq!(
        tour_errors(json!({"pt-BR": {}})).as_deref(),
        Some("/content/translations/pt-BR")
    );
    // Only text: a selector stays the default content's.
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{"selector": "#evil"}]}})).as_deref(),
        Some("/content/translations/fr/steps/0/selector")
    );
    // Text where the default has none; more steps than the tour; wrong types.
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{}, {"title": "Titre"}]}})).as_deref(),
        Some("/content/translations/fr/steps/1/title")
    );
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{}, {}, {}]}})).as_deref(),
        Some("/content/translations/fr/steps")
    );
    assert_eq!(
        tour_errors(json!({"fr": {"steps": [{"body": 7}]}})).as_deref(),
        Some("/content/translations/fr/steps/0/body")
    );
    assert_eq!(
        tour_errors(json!({"fr": "Bonjour"})).as_deref(),
        Some("/content/translations/fr")
    );
    assert_eq!(
        tour_errors(json!(["fr"])).as_deref(),
        Some("/content/translations")
    );
}

#[test]
fn html_in_a_translation_is_kept_as_text() {
    let base = json!({"body": "Hello"});
    let tr = json!({"fr": {"body": "<img src=x onerror=alert(1)>"}});
    check_translations(&base, &tr, "/content", |v, p| {
        let c: OutboundContent = serde_json::from_value(v).unwrap();
        c.validate(OutboundKind::Banner, p)
    })
    .unwrap();
    let mut stored = base.clone();
    stored[KEY] = tr;
    assert_eq!(
        localized(stored, Some("fr"), "en")["body"],
        "<img src=x onerror=alert(1)>"
    );
}

fn survey() -> Value {
    json!({
        "questions": [
            {"id": "nps", "type": "nps", "prompt": "How likely?", "lowLabel": "Not likely"},
            {"id": "role", "type": "multiple_choice", "prompt": "Role?", "options": ["Dev", "PM"],
             "branches": [{"when": {"op": "equals", "value": "PM"}, "to": "end"}]},
            {"id": "why", "type": "long_text", "prompt": "Why?"}
        ],
        "translations": {"fr": {"questions": [
            {"prompt": "Quelle probabilité ?"},
            {"prompt": "Rôle ?", "options": ["Développeur", "Chef de produit"]}
        ]}}
    })
}

fn check_survey(v: Value, path: &str) -> Result<(), ApiError> {
    let mut s: SurveyContent = serde_json::from_value(v).unwrap();
    // Rules name the default options: checked on the default content.
    for q in &mut s.questions {
        q.branches.clear();
    }
    s.validate(path, true)
}

#[test]
fn options_are_values_and_their_translations_labels() {
    let fr = localized(survey(), Some("fr"), "en");
    let q = &fr["questions"][1];
    assert_eq!(
        q["options"],
        json!(["Dev", "PM"]),
        "the values answers store"
    );
    assert_eq!(q["optionLabels"], json!(["Développeur", "Chef de produit"]));
    assert_eq!(q["prompt"], "Rôle ?");
    assert_eq!(fr["questions"][0]["lowLabel"], "Not likely");
    // The served survey answers and branches on the default options.
    let served = SurveyContent::read(&fr).unwrap();
    assert!(served.questions[1].check(&json!("PM")).is_ok());
    assert!(served.questions[1]
        .check(&json!("Chef de produit"))
        .is_err());

    let (base, tr) = split(&survey());
    assert!(check_translations(&base, tr.as_ref().unwrap(), "/content", check_survey).is_ok());
    let bad = [
        (
            json!({"fr": {"questions": [{}, {"options": ["Un"]}]}}),
            "/content/translations/fr/questions/1/options",
        ),
        (
            json!({"fr": {"questions": [{}, {"options": ["Un", "Un"]}]}}),
            "/content/translations/fr/questions/1/options/1",
        ),
        (
            json!({"fr": {"questions": [{}, {"options": ["Un", "x".repeat(201)]}]}}),
            "/content/translations/fr/questions/1/options/1",
        ),
        (
            json!({"fr": {"questions": [{"prompt": ""}]}}),
            "/content/translations/fr/questions/0/prompt",
        ),
        (
            json!({"fr": {"questions": [{"id": "autre"}]}}),
            "/content/translations/fr/questions/0/id",
        ),
        (
            json!({"fr": {"questions": [{"options": ["a", "b"]}]}}),
            "/content/translations/fr/questions/0/options",
        ),
    ];
    for (tr, path) in bad {
        assert_eq!(
            check_translations(&base, &tr, "/content", check_survey)
                .unwrap_err()
                .path
                .as_deref(),
            Some(path),
            "{tr}"
        );
    }
}

#[test]
fn results_count_a_choice_whatever_language_it_was_answered_in() {
    use serde_json::Map;
    let survey: SurveyContent = {
        let (base, _) = split(&survey());
        serde_json::from_value(base).unwrap()
    };
    // What the widget sends for the option at the same position, in English and in French:
    // the value, never the label.
    let en = localized(self::survey(), Some("en"), "en");
    let fr = localized(self::survey(), Some("fr"), "en");
    let pick = |served: &Value| served["questions"][1]["options"][0].clone();
    let responses: Vec<(Map<String, Value>, bool)> = [pick(&en), pick(&fr)]
        .into_iter()
        .map(|v| {
            let mut m = Map::new();
            m.insert("nps".into(), json!(9));
            m.insert("role".into(), v);
            (m, false)
        })
        .collect();
    let r = crate::experiences::survey_results(&survey, &responses);
    assert_eq!(
        r["questions"][1]["distribution"],
        json!({"Dev": 2, "PM": 0})
    );
}
