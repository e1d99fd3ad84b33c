//! The widget's languages: which locale a visitor reads ([`negotiate`]), which way it is
//! written ([`Locale::rtl`]), and the catalog of every visitor-visible string in each
//! ([`Msg`], [`text`]). The edge decides the locale at boot and sends the visitor that one
//! locale's strings ([`Delivery`]); the widget compiles English in and reads the rest from the
//! boot answer (`widget/common/src/catalog.rs`).

mod ar;
mod de;
mod es;
mod fr;
mod ja;
mod msg;
mod pt;

pub use msg::Msg;

use serde::{Deserialize, Serialize};

/// A locale the widget speaks (as JSON: its tag, e.g. a workspace's `defaultLanguage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Es,
    Fr,
    De,
    Pt,
    Ja,
    Ar,
}

impl Locale {
    pub const ALL: [Locale; 7] = [
        Locale::En,
        Locale::Es,
        Locale::Fr,
        Locale::De,
        Locale::Pt,
        Locale::Ja,
        Locale::Ar,
    ];

    /// The BCP 47 tag (`lang`, the visitor's `language` targeting property).
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
            Locale::Fr => "fr",
            Locale::De => "de",
            Locale::Pt => "pt",
            Locale::Ja => "ja",
            Locale::Ar => "ar",
        }
    }

    /// The locale whose tag is exactly `tag` (any case).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// Written right to left.
    pub const fn rtl(self) -> bool {
        matches!(self, Locale::Ar)
    }
}

/// The locale for one visitor: the first of `wanted` (the page's explicit locale, then the
/// browser's `navigator.languages`, in order) that names one — its exact tag, else its base
/// language (`pt-BR` → `pt`, `zh_Hant` → none) — else the workspace's `default`.
pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>, default: Locale) -> Locale {
    wanted
        .into_iter()
        .take(MAX_WANTED)
        .find_map(|w| {
            Locale::from_tag(w).or_else(|| {
                let base = w.trim().split(['-', '_']).next()?;
                Locale::from_tag(base)
            })
        })
        .unwrap_or(default)
}

/// How many of the visitor's languages are looked at (a browser lists a handful).
pub const MAX_WANTED: usize = 32;

/// The text of `m` in `locale`.
pub const fn text(locale: Locale, m: Msg) -> &'static str {
    match locale {
        Locale::En => m.en(),
        Locale::Es => es::text(m),
        Locale::Fr => fr::text(m),
        Locale::De => de::text(m),
        Locale::Pt => pt::text(m),
        Locale::Ja => ja::text(m),
        Locale::Ar => ar::text(m),
    }
}

/// What a boot answer tells the widget about its language (`i18n`): the locale, `dir: "rtl"`
/// when it reads right to left, and — for any locale but English, which the widget has built
/// in — its strings, one per [`Msg`] in the order of [`Msg::ALL`] (the enum's discriminants).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub locale: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strings: Option<Vec<&'static str>>,
}

impl Delivery {
    pub fn of(locale: Locale) -> Delivery {
        Delivery {
            locale: locale.tag(),
            dir: locale.rtl().then_some("rtl"),
            strings: (locale != Locale::En)
                .then(|| Msg::ALL.iter().map(|&m| text(locale, m)).collect()),
        }
    }
}

/// The plural categories of the browser's `Intl.PluralRules` (CLDR), in its order.
pub const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// `text` with each plural block of the count `name` — `{name|one=# non lu|other=# non lus}` —
/// replaced by its variant for `category` (what `Intl.PluralRules` answers for the count in the
/// visitor's locale), else its `other`, with `#` written back as `{name}` for the filling that
/// follows. Every other part of `text`, other placeholders included, is kept as written. A
/// translation whose grammar makes a count agree with its words writes such a block; English
/// and the others write `{name}`. Pure: the category is asked of the browser by the caller.
pub fn plural(text: &str, name: &str, category: &str) -> String {
    // By bytes and `get` (braces, bars, `=` and `#` are ASCII, so every cut is on a character
    // boundary): `split`'s searchers and slicing's panic, which formats characters, would cost
    // the widget's modules ~6 KB brotli.
    let mut out = String::new();
    let mut rest = text;
    loop {
        let b = rest.as_bytes();
        let Some(open) = b.iter().position(|&c| c == b'{') else {
            break;
        };
        let Some(len) = b.iter().skip(open).position(|&c| c == b'}') else {
            break;
        };
        let (Some(head), Some(block), Some(after)) = (
            rest.get(..open),
            rest.get(open + 1..open + len),
            rest.get(open + len + 1..),
        ) else {
            break;
        };
        out.push_str(head);
        let bb = block.as_bytes();
        let ours = bb.len() > name.len()
            && bb.get(..name.len()) == Some(name.as_bytes())
            && bb.get(name.len()) == Some(&b'|');
        if ours {
            // Each `|cat=words`: the category's words, else `other`'s, else `#`.
            let mut pick: Option<&str> = None;
            let mut at = name.len() + 1;
            while at <= bb.len() {
                let end = bb
                    .iter()
                    .skip(at)
                    .position(|&c| c == b'|')
                    .map_or(bb.len(), |n| at + n);
                let variant = block.get(at..end).unwrap_or_default();
                if let Some(eq) = variant.bytes().position(|c| c == b'=') {
                    let (cat, words) = (variant.get(..eq), variant.get(eq + 1..));
                    if let (Some(cat), Some(words)) = (cat, words) {
                        if cat == category || (cat == "other" && pick.is_none()) {
                            pick = Some(words);
                        }
                    }
                }
                at = end + 1;
            }
            let words = pick.unwrap_or("#");
            let mut from = 0;
            for (i, &c) in words.as_bytes().iter().enumerate() {
                if c == b'#' {
                    out.push_str(words.get(from..i).unwrap_or_default());
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                    from = i + 1;
                }
            }
            out.push_str(words.get(from..).unwrap_or_default());
        } else {
            out.push('{');
            out.push_str(block);
            out.push('}');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
