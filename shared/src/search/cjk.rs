//! Text in scripts written without spaces between words: which characters those are, the
//! terms a visitor's text gives, and an excerpt around a term (what a scan answers with).

use super::MAX_TERMS;

/// A term is cut to this many characters.
const TERM_CHARS: usize = 40;

/// An excerpt ([`excerpt`]) is about this many characters.
pub const EXCERPT_CHARS: usize = 40;

/// The scripts that tell terms apart in a run of CJK text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Han,
    Hiragana,
    Katakana,
    Hangul,
    Other,
}

fn script(c: char) -> Script {
    match c as u32 {
        0x3040..=0x309F => Script::Hiragana,
        // Katakana, its phonetic extensions, the halfwidth forms (and the long-vowel mark ー).
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Katakana,
        // Unified ideographs, extension A, compatibility ideographs, extensions B and on, 々〆〇.
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => Script::Han,
        0x3005..=0x3007 => Script::Han,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        _ => Script::Other,
    }
}

/// Whether `c` is a letter of a script without spaces between words (Japanese kana, Han
/// ideographs, Hangul): text with one is searched by substring.
pub fn is_cjk(c: char) -> bool {
    c.is_alphanumeric() && script(c) != Script::Other
}

/// The runs of letters and digits of `text` (anything else separates them), at most
/// [`TERM_CHARS`] each, ASCII lowercased.
fn segments(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .take(TERM_CHARS)
                .collect::<String>()
                .to_ascii_lowercase()
        })
}

fn push_new(terms: &mut Vec<String>, t: String) {
    if terms.len() < MAX_TERMS && !terms.contains(&t) {
        terms.push(t);
    }
}

/// What a visitor typed in Help: each run of letters and digits is a substring that must occur
/// (a visitor separates keywords with spaces or punctuation, if at all).
pub(super) fn all_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for s in segments(text) {
        push_new(&mut terms, s);
    }
    terms
}

/// What a message is about: within each run, the stretches of one script; kana particles and
/// endings (hiragana) and single ideographs or kana say little and are left out, as are words
/// of other scripts shorter than three letters or in `stop`.
pub(super) fn any_terms(text: &str, stop: &[&str]) -> Vec<String> {
    let mut terms = Vec::new();
    for s in segments(text) {
        let chars: Vec<char> = s.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let kind = script(chars[start]);
            let end = chars[start..]
                .iter()
                .position(|&c| script(c) != kind)
                .map_or(chars.len(), |n| start + n);
            let run: String = chars[start..end].iter().collect();
            let keep = match kind {
                Script::Hiragana => false,
                Script::Other => end - start >= 3 && !stop.contains(&run.as_str()),
                _ => end - start >= 2,
            };
            if keep {
                push_new(&mut terms, run);
            }
            start = end;
        }
    }
    terms
}

/// About [`EXCERPT_CHARS`] characters of `body` around the first place one of `terms` occurs
/// (ASCII case ignored), `…` where the body goes on; its start when none occurs. Plain text.
pub fn excerpt(body: &str, terms: &[String]) -> String {
    let lower = body.to_ascii_lowercase();
    let at = terms
        .iter()
        .filter(|t| !t.is_empty())
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .map_or(0, |byte| lower[..byte].chars().count());
    let start = at.saturating_sub(EXCERPT_CHARS / 4);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut rest = body.chars().skip(start);
    out.extend(rest.by_ref().take(EXCERPT_CHARS));
    if rest.next().is_some() {
        out.push('…');
    }
    out
}
