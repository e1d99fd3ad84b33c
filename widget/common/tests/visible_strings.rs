//! Every visitor-visible string of the in-page modules comes from the catalog (`shared/src/i18n`,
//! looked up by `src/catalog.rs`): this reads their sources and fails on text, an accessible
//! name, a placeholder, a title or a status line written in place (a string literal, or a
//! constant of the module's own) instead of `t(Msg::…)` / `fill(Msg::…, …)`. Tests
//! (`#[cfg(test)] mod tests`) are not looked at.

use regex_lite::Regex;
use std::path::{Path, PathBuf};

/// The source folders of every module that draws in the page.
const MODULES: [&str; 5] = [
    "../src",
    "../messenger/src",
    "../engage/src",
    "../tour/src",
    "../survey/src",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A string literal with at least one letter, or an upper-case constant.
const VALUE: &str = r#"(?:"[^"]*[A-Za-z][^"]*"|[A-Z][A-Z0-9_]{2,})"#;
/// Attributes a visitor (or their screen reader) perceives.
const ATTRS: &str = r#""(?:aria-label|aria-description|aria-roledescription|aria-valuetext|placeholder|title|alt|label)""#;

fn rules() -> Vec<(&'static str, Regex)> {
    let re = |s: String| Regex::new(&s).expect("rule");
    vec![
        (
            "set_text_content",
            re(format!(r"set_text_content\(\s*Some\(\s*&?{VALUE}")),
        ),
        (
            "attribute",
            re(format!(r"\(\s*{ATTRS}\s*,\s*&?{VALUE}\s*\)")),
        ),
        (
            "text node",
            re(format!(
                r"(?:append_with_str_1|create_text_node)\(\s*&?{VALUE}"
            )),
        ),
        (
            "status line",
            re(format!(r"(?:set_status|status)\(\s*&?{VALUE}")),
        ),
        ("placeholder", re(format!(r"set_placeholder\(\s*&?{VALUE}"))),
        ("title", re(format!(r"set_title\(\s*&?{VALUE}"))),
        // Anything else that reads like a sentence: a capital, a space, an end mark.
        ("sentence", re(r#""[A-Z][^"]* [^"]*[.?!…]""#.to_string())),
    ]
}

fn offences(src: &str) -> Vec<String> {
    let code = src.split("#[cfg(test)]\nmod tests").next().unwrap_or(src);
    // Comments may quote the catalog (blanked, so line numbers stay).
    let code: String = code
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let code = code.as_str();
    // One report per line (a status line that is also a sentence is one offence).
    let mut found = std::collections::BTreeMap::new();
    for (what, re) in rules() {
        for m in re.find_iter(code) {
            // A stylesheet's text (a `<style>` where constructable stylesheets are missing) is
            // not read by anyone.
            if m.as_str().ends_with("CSS") {
                continue;
            }
            let line = code[..m.start()].lines().count().max(1);
            found
                .entry(line)
                .or_insert_with(|| format!("line {line}: {what}: {}", m.as_str()));
        }
    }
    found.into_values().collect()
}

#[test]
fn visible_strings_come_from_the_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for m in MODULES {
        sources(&root.join(m), &mut files);
    }
    assert!(files.len() > 10, "found the modules' sources");
    let mut all = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).expect("readable");
        for o in offences(&src) {
            all.push(format!("{}: {o}", f.display()));
        }
    }
    assert!(
        all.is_empty(),
        "write these in shared/src/i18n/msg.rs (and each locale) and use t(Msg::…) / fill(…):\n{}",
        all.join("\n")
    );
}

/// The rules catch what they are meant to, and let the catalog's uses and markup through.
#[test]
fn the_rules_catch_literals_and_constants() {
    for bad in [
        r#"e.set_text_content(Some("Hello"));"#,
        "e.set_text_content(Some(\n    \"Hello there\",\n));",
        r#"e.set_text_content(Some(&LABEL));"#,
        r#"attrs(&b, &[("type", "button"), ("aria-label", "Send")])"#,
        r#"attrs(&b, &[("placeholder", COMPOSE_LABEL)])"#,
        r#"b.set_attribute("title", "More")"#,
        r#"b.set_attribute("aria-label", &LABEL)"#,
        r#"set_status("Sending…")"#,
        r#"li.append_with_str_1("sent")"#,
        r#"let why = "That will not do.";"#,
        r#"Some(false) => "We are away right now…".to_string(),"#,
    ] {
        assert_eq!(offences(bad).len(), 1, "{bad}");
    }
    for good in [
        r#"e.set_text_content(Some(t(Msg::Send)));"#,
        r#"e.set_text_content(Some(&name));"#,
        r#"e.set_text_content(None);"#,
        r#"attrs(&b, &[("type", "button"), ("aria-label", t(Msg::Send))])"#,
        r#"attrs(&i, &[("src", url), ("alt", "")])"#,
        r#"attrs(&b, &[("aria-label", &label), ("aria-hidden", "true")])"#,
        r#"b.set_text_content(Some(&num(n as f64)));"#,
        r#"status("")"#,
        r#"js::warn("could not load the messenger", &e);"#,
        r#"("type", "button"), ("aria-expanded", "false")"#,
        r#"set_status(&fill(Msg::Typing, &[("name", &n)]))"#,
        r#"style.set_text_content(Some(CSS));"#,
        "/// Says \"We are away right now.\"",
        "#[cfg(test)]\nmod tests {\n fn f() { e.set_text_content(Some(\"x\")); }\n}",
    ] {
        assert!(offences(good).is_empty(), "{good}: {:?}", offences(good));
    }
}
