//! Preview links (the console's `#porchlight-preview=<token>`) kept for the tab: the rule is
//! `shared::preview::in_tab` (the page's fragment, else the tab's kept token until it expires;
//! `off` ends it); this gathers its inputs (the page's URL, `sessionStorage`) and keeps what it
//! says. Every question of what to show carries the token — the boot's `eligible.preview`
//! ([`crate::engage::ask`]) and the engagement module's `GET /v1/eligible` (the host's `call`,
//! [`decorate`]) — so a preview goes on as the author moves through the site, in that tab only.

use porchlight_shared::preview::{in_fragment, in_tab};

/// The token to send with a question of what to show in `ws` now, if a preview is on.
pub(crate) fn token(ws: &str) -> Option<String> {
    let w = crate::js::window()?;
    let href = w.location().href().unwrap_or_default();
    let store = w.session_storage().ok().flatten();
    let k = porchlight_widget_common::key(ws, ":preview");
    let kept = store.as_ref().and_then(|s| s.get_item(&k).ok().flatten());
    let p = in_tab(
        in_fragment(&href),
        kept.as_deref(),
        js_sys::Date::now() as i64,
    );
    if let Some(s) = store.filter(|_| p.keep != kept) {
        let _ = match &p.keep {
            Some(t) => s.set_item(&k, t),
            None => s.remove_item(&k),
        };
    }
    p.send
}

/// `path` (a module's request) with the preview's token when it asks what to show.
pub(crate) fn decorate(path: String) -> String {
    let token = crate::session::ws()
        .filter(|_| path.starts_with("/v1/eligible?"))
        .and_then(|ws| token(&ws));
    match token {
        Some(t) => {
            let mut p = path;
            p.push_str("&preview=");
            p.push_str(&String::from(js_sys::encode_uri_component(&t)));
            p
        }
        None => path,
    }
}
