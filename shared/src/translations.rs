//! Authored content in several languages: the languages content may be written in, the shape
//! of a translation, its checks, and which text a visitor is served.
//!
//! ## The shape
//! Content is written in the workspace's default language (`settings.messenger.
//! defaultLanguage`). Beside it, `translations` maps a language to the same content, partial:
//! only text, placed where the default text is.
//! ```json
//! {"steps": [{"title": "Welcome", "body": "Start here", "selector": "#go"}],
//!  "translations": {"fr": {"steps": [{"title": "Bienvenue"}]}}}
//! ```
//! Lists (steps, questions, tasks, buttons) are matched by position (`{}` leaves an element
//! untranslated); `options` is the whole list of a question's option labels. Anything that is
//! not text (a selector, a URL, an id, a type) stays the default content's and is refused in a
//! translation. A help-center article's translation is `{"title", "body"}`.
//!
//! ## Checks
//! A translation is checked by laying it over the default content and passing the result
//! through the kind's own checks ([`check_translations`]): the same limits and messages, at
//! `…/translations/<language>/…`.
//!
//! ## Serving
//! [`localized`] picks, field by field, the visitor's language, else the default text. A
//! question's options are the answers' values (what is stored, counted and branched on): a
//! translated option list is served as `optionLabels` beside `options`, never in their place,
//! so answers in every language count together.

use serde_json::Value;

use crate::error::ApiError;

/// The languages the widget speaks and content may be translated into.
pub const LANGUAGES: [&str; 7] = ["en", "es", "fr", "de", "pt", "ja", "ar"];

/// The default language of a workspace that chose none.
pub const DEFAULT_LANGUAGE: &str = "en";

/// The key of the translations in authored content.
pub const KEY: &str = "translations";

/// A supported language for a language tag: the tag itself, else its base language
/// (`pt-BR` → `pt`, `FR` → `fr`); `None` for a language Porchlight does not speak.
pub fn language_of(tag: &str) -> Option<&'static str> {
    let base = tag.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES
        .iter()
        .find(|l| l.eq_ignore_ascii_case(base))
        .copied()
}

/// Whether `s` is a supported language, spelt as [`LANGUAGES`] spells it (what authored
/// translations and the workspace's default language are keyed by).
pub fn is_language(s: &str) -> bool {
    LANGUAGES.contains(&s)
}

/// The message of a refused language.
pub fn language_expected() -> String {
    format!("a supported language: {}", LANGUAGES.join(", "))
}

/// Text fields: a translation may replace them.
const TEXT: [&str; 11] = [
    "title",
    "body",
    "prompt",
    "lowLabel",
    "highLabel",
    "placeholder",
    "buttonLabel",
    "label",
    "imageAlt",
    "description",
    "options",
];
/// Lists whose elements are translated by position.
const LISTS: [&str; 4] = ["steps", "questions", "tasks", "buttons"];
/// Nested objects translated field by field.
const OBJECTS: [&str; 2] = ["intro", "thankYou"];

/// What [`overlay`] makes of a translated option list.
#[derive(Clone, Copy, PartialEq)]
enum Options {
    /// In place of the options (to check the labels as the options are checked).
    Replace,
    /// As `optionLabels` beside them (what a visitor is served).
    Label,
}

fn refuse(path: &str, why: impl Into<String>) -> ApiError {
    ApiError::invalid(path, why)
}

/// `base` with the text of translation `tr` laid over it; errors at `path/…` when `tr` holds
/// anything but text where the base has text.
fn overlay(base: &Value, tr: &Value, path: &str, options: Options) -> Result<Value, ApiError> {
    let (Some(b), Some(t)) = (base.as_object(), tr.as_object()) else {
        return Err(refuse(path, "an object of translated text"));
    };
    let mut out = b.clone();
    for (k, v) in t {
        let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
        let Some(old) = b.get(k).filter(|o| !o.is_null()) else {
            return Err(refuse(
                &p,
                if TEXT.contains(&k.as_str()) || LISTS.contains(&k.as_str()) {
                    "the default language has no such text to translate"
                } else {
                    "not a translatable text"
                },
            ));
        };
        if k == "options" {
            let (Some(list), Some(olds)) = (v.as_array(), old.as_array()) else {
                return Err(refuse(&p, "a list of option labels"));
            };
            if list.len() != olds.len() || !list.iter().all(Value::is_string) {
                return Err(refuse(
                    &p,
                    format!("one translated label per option ({})", olds.len()),
                ));
            }
            let key = match options {
                Options::Replace => "options",
                Options::Label => "optionLabels",
            };
            out.insert(key.into(), v.clone());
        } else if TEXT.contains(&k.as_str()) {
            if !v.is_string() || !old.is_string() {
                return Err(refuse(&p, "text"));
            }
            out.insert(k.clone(), v.clone());
        } else if LISTS.contains(&k.as_str()) {
            let (Some(list), Some(olds)) = (v.as_array(), old.as_array()) else {
                return Err(refuse(&p, "a list, by position"));
            };
            if list.len() > olds.len() {
                return Err(refuse(
                    &p,
                    format!(
                        "at most {} elements, as in the default language",
                        olds.len()
                    ),
                ));
            }
            let mut merged = olds.clone();
            for (i, (slot, t)) in merged.iter_mut().zip(list).enumerate() {
                *slot = overlay(slot, t, &format!("{p}/{i}"), options)?;
            }
            out.insert(k.clone(), Value::Array(merged));
        } else if OBJECTS.contains(&k.as_str()) {
            out.insert(k.clone(), overlay(old, v, &p, options)?);
        } else {
            return Err(refuse(&p, "not a translatable text"));
        }
    }
    Ok(Value::Object(out))
}

/// Takes the translations out of authored content: the content in its default language, and
/// the translations (`None` when there are none).
pub fn split(content: &Value) -> (Value, Option<Value>) {
    let mut base = content.clone();
    let tr = base
        .as_object_mut()
        .and_then(|o| o.remove(KEY))
        .filter(|t| !t.is_null());
    (base, tr)
}

/// Checks the translations `tr` of `base` (content in the default language, already checked):
/// each language is a supported one, each translation only text where `base` has text, and
/// `base` with a translation laid over it passes `check` — the kind's own checks, given the
/// path of the translation (`{path}/translations/fr`) — so the limits and messages are the
/// default text's. Options replace options when checked (labels distinct, as long as options
/// may be); rules that name an option keep naming the default one (`check` is handed content
/// whose options are translated, so a kind whose rules name options checks them on `base`).
pub fn check_translations(
    base: &Value,
    tr: &Value,
    path: &str,
    mut check: impl FnMut(Value, &str) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let p = format!("{path}/{KEY}");
    let Some(map) = tr.as_object() else {
        return Err(refuse(
            &p,
            "an object: a language (fr, es, …) → its translated text",
        ));
    };
    for (lang, t) in map {
        let lp = format!("{p}/{}", lang.replace('~', "~0").replace('/', "~1"));
        if !is_language(lang) {
            return Err(refuse(&lp, language_expected()));
        }
        let merged = overlay(base, t, &lp, Options::Replace)?;
        check(merged, &lp)?;
    }
    Ok(())
}

/// The translation a visitor whose language is `want` (a language tag, or none) is served
/// of content written in `default`: `None` for the default text (no language, one Porchlight
/// does not speak, or the default one).
pub fn served_language(want: Option<&str>, default: &str) -> Option<&'static str> {
    want.and_then(language_of)
        .filter(|l| Some(*l) != language_of(default))
}

/// What a visitor whose language is `want` (a language tag, or none) is served of authored
/// content (as stored: checked, with its `translations`) written in `default`: each text in
/// the visitor's language where translated, else the default text; never the translations
/// themselves. An unsupported or absent language gets the default text.
pub fn localized(content: Value, want: Option<&str>, default: &str) -> Value {
    localized_in(content, served_language(want, default))
}

/// [`localized`] for the translation already chosen ([`served_language`]; `None`: the default
/// text).
pub fn localized_in(content: Value, lang: Option<&str>) -> Value {
    let mut content = content;
    let tr = content.as_object_mut().and_then(|o| o.remove(KEY));
    let Some(lang) = lang else {
        return content;
    };
    match tr.as_ref().and_then(|t| t.get(lang)) {
        // Stored content was checked: a translation that no longer lays over (the default
        // content changed shape since) serves the default text rather than nothing.
        Some(t) => overlay(&content, t, "", Options::Label).unwrap_or(content),
        None => content,
    }
}

/// Whether stored content (JSON text) has translations: content without goes out as stored.
pub fn has_translations(stored: &str) -> bool {
    stored.contains("\"translations\"")
}

/// Stored content (JSON text) read as the kind's type, in its default language: the
/// translations are left out (the kinds' types know nothing of them).
pub fn read_default<T: serde::de::DeserializeOwned>(stored: &str) -> serde_json::Result<T> {
    if !has_translations(stored) {
        return serde_json::from_str(stored);
    }
    let mut v: Value = serde_json::from_str(stored)?;
    if let Some(o) = v.as_object_mut() {
        o.remove(KEY);
    }
    serde_json::from_value(v)
}

#[cfg(test)]
mod tests;
