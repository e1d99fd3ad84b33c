//! A question's field: its markup by type, the answer so far put back in it, and the raw
//! answer read out of it (a number, an option, a list of options, a text; `undefined` when
//! nothing is given). Whether that answer is acceptable is not decided here.

use js_sys::{Array, Reflect};
use porchlight_widget_common::catalog::{fill, t, Msg};
use porchlight_widget_common::js::{
    blank, call0, call1, esc, get, get_f64, get_str, int, num, set,
};
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// The eight question types (read once: a compared string is code in the module).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Nps,
    Scale,
    Stars,
    Faces,
    Dropdown,
    Short,
    Long,
    Single,
    Multi,
}

impl Kind {
    pub fn of(q: &JsValue) -> Option<Kind> {
        Some(match get_str(q, "type")?.as_str() {
            "nps" => Kind::Nps,
            "numeric_scale" => Kind::Scale,
            "star_rating" => Kind::Stars,
            "emoji_rating" => Kind::Faces,
            "dropdown" => Kind::Dropdown,
            "short_text" => Kind::Short,
            "long_text" => Kind::Long,
            "multiple_choice" if get(q, "multiple").is_truthy() => Kind::Multi,
            "multiple_choice" => Kind::Single,
            _ => return None,
        })
    }

    /// The integer range of a rating (the shared model's `Question::range`).
    fn range(self, q: &JsValue) -> Option<(i32, i32)> {
        let n = |k: &str, d: f64| get_f64(q, k).unwrap_or(d) as i32;
        match self {
            Kind::Nps => Some((0, 10)),
            Kind::Scale => Some((n("start", 1.0), n("end", 5.0))),
            Kind::Stars => Some((1, 5)),
            Kind::Faces => Some((1, if n("count", 5.0) == 3 { 3 } else { 5 })),
            _ => None,
        }
    }

    /// A text field (the keyboard may cover it).
    pub fn typed(self) -> bool {
        matches!(self, Kind::Short | Kind::Long)
    }
}

const STAR: &str = "<svg viewBox=\"0 0 24 24\" aria-hidden=true focusable=false><path d=\"M12 2.8l2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3L2.9 9.5l6.3-.9z\"/></svg>";

fn face(n: i32, of: i32) -> (&'static str, Msg) {
    // Three faces: the lowest, the middle and the highest of five.
    let n = if of == 3 { n * 2 - 1 } else { n };
    match n {
        1 => ("\u{1F61E}", Msg::SurveyFace1),
        2 => ("\u{1F641}", Msg::SurveyFace2),
        3 => ("\u{1F610}", Msg::SurveyFace3),
        4 => ("\u{1F642}", Msg::SurveyFace4),
        _ => ("\u{1F604}", Msg::SurveyFace5),
    }
}

/// One native radio or checkbox in its label; `name`: its accessible name when the visible
/// content is a picture.
fn choice(h: &mut String, class: &str, input: &str, value: &str, name: Option<&str>) {
    h.push_str("<label class=");
    h.push_str(class);
    h.push_str("><input type=");
    h.push_str(input);
    h.push_str(" name=r value=\"");
    h.push_str(value);
    h.push('"');
    if let Some(n) = name {
        h.push_str(" aria-label=\"");
        esc(h, n);
        h.push('"');
    }
    h.push('>');
}

fn options(q: &JsValue) -> Array {
    get(q, "options").dyn_into().unwrap_or_default()
}

/// What option `i` (`o`, the value an answer stores) says: its label in the visitor's language
/// when the edge sent one (`optionLabels`), else the option itself.
fn label(q: &JsValue, i: usize, o: &JsValue) -> String {
    let labels: Array = get(q, "optionLabels").dyn_into().unwrap_or_default();
    labels
        .get(i as u32)
        .as_string()
        .or_else(|| o.as_string())
        .unwrap_or_default()
}

/// The field's markup (authored texts escaped). Its element has the id `pl-sv-f`.
pub(crate) fn markup(h: &mut String, kind: Kind, q: &JsValue) {
    if let Some((lo, hi)) = kind.range(q) {
        let (low, high) = (get_str(q, "lowLabel"), get_str(q, "highLabel"));
        h.push_str("<div id=pl-sv-f role=radiogroup aria-labelledby=pl-sv-t class=\"sc");
        h.push_str(match kind {
            Kind::Stars => " st\"",
            Kind::Faces => " fc\"",
            _ => "\"",
        });
        if low.is_some() || high.is_some() {
            h.push_str(" aria-describedby=pl-sv-l");
        }
        h.push('>');
        for n in lo..=hi.min(lo + 10) {
            let v = num(f64::from(n));
            match kind {
                Kind::Stars => {
                    let name = fill(Msg::SurveyStar, &[("rating", &v)]);
                    choice(h, "c", "radio", &v, Some(&name));
                    h.push_str(STAR);
                }
                Kind::Faces => {
                    let (glyph, m) = face(n, hi);
                    choice(h, "c", "radio", &v, Some(t(m)));
                    h.push_str("<span aria-hidden=true>");
                    h.push_str(glyph);
                    h.push_str("</span>");
                }
                _ => {
                    choice(h, "c", "radio", &v, None);
                    h.push_str("<span>");
                    h.push_str(&v);
                    h.push_str("</span>");
                }
            }
            h.push_str("</label>");
        }
        h.push_str("</div>");
        if low.is_some() || high.is_some() {
            h.push_str("<div class=lh id=pl-sv-l><span>");
            esc(h, low.as_deref().unwrap_or_default());
            h.push_str("</span><span>");
            esc(h, high.as_deref().unwrap_or_default());
            h.push_str("</span></div>");
        }
        return;
    }
    match kind {
        Kind::Short => h.push_str(
            "<input id=pl-sv-f class=tx type=text maxlength=255 autocomplete=off aria-labelledby=pl-sv-t>",
        ),
        Kind::Long => h.push_str(
            "<textarea id=pl-sv-f class=tx rows=4 maxlength=2000 aria-labelledby=pl-sv-t></textarea>",
        ),
        Kind::Dropdown => {
            h.push_str("<select id=pl-sv-f class=tx aria-labelledby=pl-sv-t><option value=\"\">");
            esc(h, t(Msg::SurveyChoose));
            h.push_str("</option>");
            for (i, o) in options(q).iter().enumerate() {
                h.push_str("<option value=");
                h.push_str(&num(i as f64));
                h.push('>');
                esc(h, &label(q, i, &o));
                h.push_str("</option>");
            }
            h.push_str("</select>");
        }
        _ => {
            let multi = kind == Kind::Multi;
            h.push_str("<div id=pl-sv-f class=ch aria-labelledby=pl-sv-t role=");
            h.push_str(if multi { "group>" } else { "radiogroup>" });
            for (i, o) in options(q).iter().enumerate() {
                choice(
                    h,
                    "o",
                    if multi { "checkbox" } else { "radio" },
                    &num(i as f64),
                    None,
                );
                h.push_str("<span>");
                esc(h, &label(q, i, &o));
                h.push_str("</span></label>");
            }
            h.push_str("</div>");
        }
    }
}

fn one(d: &Element, sel: &str) -> JsValue {
    call1(d, "querySelector", &JsValue::from_str(sel))
}

fn all(d: &Element, sel: &str) -> Array {
    Array::from(&call1(d, "querySelectorAll", &JsValue::from_str(sel)))
}

/// The index an input's `value` names.
fn index(input: &JsValue) -> Option<u32> {
    int(&get_str(input, "value")?)?.try_into().ok()
}

/// Puts `value` (the answer so far) back in the field, and the placeholder in a text field.
pub(crate) fn fill_in(d: &Element, kind: Kind, q: &JsValue, value: &JsValue) {
    let field = one(d, "#pl-sv-f");
    if kind.typed() {
        if let Some(p) = get_str(q, "placeholder") {
            if let Ok(e) = field.clone().dyn_into::<Element>() {
                let _ = e.set_attribute("placeholder", &p);
            }
        }
    }
    if value.is_undefined() || value.is_null() {
        return;
    }
    let opts = options(q);
    let pos = |v: &JsValue| opts.index_of(v, 0);
    match kind {
        Kind::Short | Kind::Long => set(field.unchecked_ref(), "value", value),
        Kind::Dropdown if pos(value) >= 0 => set(
            field.unchecked_ref(),
            "value",
            &num(f64::from(pos(value))).into(),
        ),
        Kind::Single | Kind::Multi => {
            let picked = if kind == Kind::Multi {
                Array::from(value)
            } else {
                Array::of1(value)
            };
            for (i, input) in all(d, "input").iter().enumerate() {
                if picked.includes(&Reflect::get_u32(&opts, i as u32).unwrap_or_default(), 0) {
                    set(input.unchecked_ref(), "checked", &JsValue::TRUE);
                }
            }
        }
        _ => {
            if let Some(n) = value.as_f64() {
                for input in all(d, "input").iter() {
                    if get_str(&input, "value") == Some(num(n)) {
                        set(input.unchecked_ref(), "checked", &JsValue::TRUE);
                    }
                }
            }
        }
    }
}

/// The raw answer in the field: `undefined` when none.
pub(crate) fn read(d: &Element, kind: Kind, q: &JsValue) -> JsValue {
    let opts = options(q);
    let option = |i: Option<u32>| match i {
        Some(i) if i < opts.length() => opts.get(i),
        _ => JsValue::UNDEFINED,
    };
    match kind {
        Kind::Short | Kind::Long => {
            let v = get(&one(d, "#pl-sv-f"), "value");
            match v.as_string() {
                Some(s) if !blank(&s) => v,
                _ => JsValue::UNDEFINED,
            }
        }
        Kind::Dropdown => option(index(&one(d, "#pl-sv-f"))),
        Kind::Single => option(index(&one(d, "input:checked"))),
        Kind::Multi => {
            let out = Array::new();
            for i in all(d, "input:checked").iter() {
                let v = option(index(&i));
                if !v.is_undefined() {
                    out.push(&v);
                }
            }
            if out.length() == 0 {
                JsValue::UNDEFINED
            } else {
                out.into()
            }
        }
        _ => match get_str(&one(d, "input:checked"), "value").and_then(|v| int(&v)) {
            Some(n) => JsValue::from(n),
            None => JsValue::UNDEFINED,
        },
    }
}

/// The control to focus: the checked choice, else the first one, else the field itself.
pub(crate) fn focus_target(d: &Element) -> JsValue {
    for sel in [
        "#pl-sv-f input:checked",
        "#pl-sv-f input",
        "#pl-sv-f",
        ".pri",
    ] {
        let e = one(d, sel);
        if e.is_object() {
            return e;
        }
    }
    JsValue::UNDEFINED
}

/// Shows why the answer is refused (`required` or `invalid`) under the field, tied to it by
/// `aria-describedby`, and moves focus there.
pub(crate) fn refuse(d: &Element, code: &str) {
    let er = one(d, ".er");
    let Ok(er) = er.dyn_into::<Element>() else {
        return;
    };
    er.set_text_content(Some(t(if code == "invalid" {
        Msg::SurveyInvalid
    } else {
        Msg::SurveyRequired
    })));
    let _ = er.remove_attribute("hidden");
    if let Ok(f) = one(d, "#pl-sv-f").dyn_into::<Element>() {
        let mut by = f.get_attribute("aria-describedby").unwrap_or_default();
        if by.as_bytes().split(|b| *b == b' ').all(|x| x != b"pl-sv-e") {
            if !by.is_empty() {
                by.push(' ');
            }
            by.push_str("pl-sv-e");
        }
        let _ = f.set_attribute("aria-describedby", &by);
        if !f.has_attribute("role") {
            let _ = f.set_attribute("aria-invalid", "true");
        }
    }
    call0(&focus_target(d), "focus");
}
