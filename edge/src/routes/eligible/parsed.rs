//! What `/v1/eligible` needs of an item beyond its row, parsed once per item version and
//! kept per isolate.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use porchlight_shared::content::Delivery;
use porchlight_shared::experiences::{served_steps, ChecklistContent, SurveyContent, SurveyFormat};
use porchlight_shared::targeting::arbitrate::Kind;
use porchlight_shared::translations::{has_translations, localized_in, read_default};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::routes::items::{ItemKind, ItemRow};

thread_local! {
    /// Parsed delivery settings by (content id, updated_at): an isolate parses each message's
    /// rules once, not on every request. An edit changes updated_at, so it is never stale.
    static PARSED: RefCell<HashMap<(String, i64), Rc<Parsed>>> = RefCell::new(HashMap::new());
}

/// At most this many parsed items are kept per isolate.
const PARSED_CAP: usize = 2000;

/// What `/v1/eligible` needs of an item beyond its row, parsed once per version.
pub struct Parsed {
    pub delivery: Delivery,
    pub kind: Kind,
    pub checklist: Option<ChecklistContent>,
    /// The content has translations (without, it goes out as stored, unless it is a tour).
    pub translated: bool,
    /// The content as each language's visitors are served it, made once per language.
    served: RefCell<Vec<(Option<&'static str>, Box<RawValue>)>>,
}

impl Parsed {
    /// Whether the content goes out through [`Parsed::served`]: translated, or a tour (its
    /// steps with their markup and player, `shared::experiences::served_steps`).
    pub fn reworked(&self) -> bool {
        self.translated || self.kind == Kind::Tour
    }

    /// The item's content (`stored`, this version's) as served in translation `lang`
    /// (`shared::translations::served_language`; `None`: the default text); a tour's steps
    /// with their body's markup and video's player.
    pub fn served(&self, stored: &str, lang: Option<&'static str>) -> Option<Box<RawValue>> {
        if let Ok(made) = self.served.try_borrow() {
            if let Some((_, v)) = made.iter().find(|(l, _)| *l == lang) {
                return Some(v.clone());
            }
        }
        let v: Value = serde_json::from_str(stored).ok()?;
        let mut v = localized_in(v, lang);
        if self.kind == Kind::Tour {
            served_steps(&mut v);
        }
        let out = serde_json::value::to_raw_value(&v).ok()?;
        if let Ok(mut made) = self.served.try_borrow_mut() {
            made.push((lang, out.clone()));
        }
        Some(out)
    }
}

/// The row's delivery settings, parsed (stored rows were validated when saved; one that no
/// longer parses shows to nobody).
pub fn delivery_of(row: &ItemRow) -> Option<Rc<Parsed>> {
    let key = (row.id.clone(), row.updated_at);
    if let Some(d) = PARSED.with(|p| p.borrow().get(&key).cloned()) {
        return Some(d);
    }
    let parse = |s: &str| serde_json::from_str::<Value>(s).ok();
    // An unreadable audience shows to nobody (a `null` one would be everyone).
    let audience = match row.audience.as_deref() {
        Some(a) => Some(parse(a)?),
        None => None,
    };
    let delivery = Delivery::parse(
        audience.as_ref(),
        parse(&row.triggers).as_ref(),
        parse(&row.frequency).as_ref(),
    )
    .ok()?;
    let d = Rc::new(Parsed {
        delivery,
        kind: arbitration_kind(row)?,
        checklist: match row.item_kind() {
            Some(ItemKind::Checklist) => Some(read_default(&row.content).ok()?),
            _ => None,
        },
        translated: has_translations(&row.content),
        served: RefCell::new(Vec::new()),
    });
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= PARSED_CAP {
            p.clear();
        }
        p.insert(key, d.clone());
    });
    Some(d)
}

fn arbitration_kind(row: &ItemRow) -> Option<Kind> {
    Some(match row.item_kind()? {
        ItemKind::Chat => Kind::Chat,
        ItemKind::Post => Kind::Post,
        ItemKind::Banner => Kind::Banner,
        ItemKind::Tooltip => Kind::Tooltip,
        ItemKind::Tour => Kind::Tour,
        ItemKind::Checklist => Kind::Checklist,
        ItemKind::Survey => match read_default::<SurveyContent>(&row.content).ok()?.format {
            SurveyFormat::Large => Kind::LargeSurvey,
            SurveyFormat::Small => Kind::SmallSurvey,
        },
    })
}
