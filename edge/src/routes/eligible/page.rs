//! The page an eligibility question is asked for, and the browsing session it is answered in.

use porchlight_shared::targeting::frequency::browsing_session;
use porchlight_shared::ApiError;

pub(super) fn valid_browsing_session(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

const BS_FORMAT: &str =
    "a browsing session: 1-64 letters, digits, - and _, optionally followed by . \
     and the epoch milliseconds it was last active (1-15 digits)";

/// A browsing session as a question names it: `<id>`, or `<id>.<lastActiveEpochMs>` (what the
/// widget keeps in `localStorage`). `None` when malformed.
fn parse_browsing_session(s: &str) -> Option<(&str, Option<i64>)> {
    let (id, at) = match s.split_once('.') {
        Some((id, ms)) => {
            if ms.is_empty() || ms.len() > 15 || !ms.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (id, Some(ms.parse().ok()?))
        }
        None => (s, None),
    };
    valid_browsing_session(id).then_some((id, at))
}

/// The browsing session a question is answered in: none named → a new one; `<id>` → that one
/// (as the widget decided); `<id>.<at>` → the shared rule ([`browsing_session`]): the same id
/// while active within 30 minutes, else a new one. `None` when `raw` is malformed.
fn effective_browsing_session(
    raw: &str,
    now: i64,
    new_id: impl FnOnce() -> String,
) -> Option<String> {
    if raw.is_empty() {
        return Some(new_id());
    }
    Some(match parse_browsing_session(raw)? {
        (id, None) => id.to_string(),
        (id, Some(at)) => browsing_session(Some((id, at)), now, new_id).0,
    })
}

/// A new browsing-session id: 22 URL-safe random characters (a valid browsing session).
fn new_browsing_session() -> Result<String, ApiError> {
    crate::rand::url_safe::<22>()
}

/// The page an eligibility question is asked for: its URL, the browsing session (`bs`) it is
/// answered in, and whether to say why each item left out was left out (`debug`).
pub struct Page {
    pub url: String,
    /// The effective browsing session (see [`effective_browsing_session`]): answered as `bs`.
    pub bs: String,
    pub debug: bool,
    /// A preview token (`routes::previews`), verified when the answer is made.
    pub preview: Option<String>,
    /// The items on the visitor's screen as it asks again ([`showing`]).
    pub showing: Vec<String>,
}

/// The most ids `showing` holds: more than a page shows at once.
pub const MAX_SHOWING: usize = 20;

/// `showing`: the ids (comma-separated) of the items on the visitor's screen as the widget asks
/// again — a navigation, `update`, `identify`. Frequency let each of them show already; asked
/// again, a `once` item would be left out and vanish mid-read. So what their own showing spent
/// does not refuse them (`frequency::stays_on_screen`); audience, status, schedule, a snooze,
/// a dismissal or a completion still do.
pub fn showing(v: &str) -> Result<Vec<String>, ApiError> {
    if v.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = v.split(',').map(str::to_string).collect();
    if ids.len() > MAX_SHOWING || !ids.iter().all(|i| crate::http::is_id(i)) {
        return Err(ApiError::invalid(
            "/showing",
            "at most 20 item ids, comma-separated",
        ));
    }
    Ok(ids)
}

impl Page {
    /// Refuses a URL over 2048 characters and a malformed browsing session, and decides the
    /// browsing session; `at` is the JSON pointer (or query parameter) prefix errors name.
    pub fn checked(
        url: String,
        bs: &str,
        debug: bool,
        at: &str,
        now: i64,
    ) -> Result<Page, ApiError> {
        if url.chars().count() > porchlight_shared::types::MAX_URL_LEN {
            return Err(ApiError::invalid(
                format!("{at}/url"),
                "at most 2048 characters",
            ));
        }
        let mut rng_failed = None;
        let new_id = || {
            new_browsing_session().unwrap_or_else(|e| {
                rng_failed = Some(e);
                String::new()
            })
        };
        let bs = effective_browsing_session(bs, now, new_id)
            .ok_or_else(|| ApiError::invalid(format!("{at}/bs"), BS_FORMAT))?;
        if let Some(e) = rng_failed {
            return Err(e);
        }
        // A preview link's token rides in the page's fragment (`#porchlight-preview=…`), which
        // the widget sends as part of the page URL (it also keeps the token for the tab and
        // sends it as `preview`). `off` (a link that ends a tab's preview) is no token.
        let preview = porchlight_shared::preview::in_fragment(&url)
            .filter(|t| *t != porchlight_shared::preview::OFF)
            .map(str::to_string);
        Ok(Page {
            url,
            bs,
            debug,
            preview,
            showing: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use porchlight_shared::targeting::frequency::SESSION_IDLE_MS;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn showing_is_a_short_list_of_plain_ids() {
        assert_eq!(showing("").unwrap(), Vec::<String>::new());
        assert_eq!(showing("out_1,tip-2").unwrap(), ["out_1", "tip-2"]);
        let twenty = vec!["a"; MAX_SHOWING].join(",");
        assert_eq!(showing(&twenty).unwrap().len(), MAX_SHOWING);
        for bad in [
            ",",
            "a,",
            "a b",
            "<script>",
            &format!("{twenty},a"),
            &"x".repeat(65),
        ] {
            let e = showing(bad).unwrap_err();
            assert_eq!(e.path.as_deref(), Some("/showing"), "{bad}");
        }
    }

    fn decide(raw: &str) -> Option<String> {
        effective_browsing_session(raw, NOW, || "fresh".to_string())
    }

    #[test]
    fn a_browsing_session_is_kept_while_active_and_renewed_when_idle() {
        assert_eq!(decide("tab-1").as_deref(), Some("tab-1"), "bare id: as is");
        assert_eq!(decide("").as_deref(), Some("fresh"), "none: a new one");
        let at = |ms: i64| format!("tab_1.{ms}");
        assert_eq!(decide(&at(NOW)).as_deref(), Some("tab_1"));
        assert_eq!(decide(&at(NOW - SESSION_IDLE_MS)).as_deref(), Some("tab_1"));
        assert_eq!(
            decide(&at(NOW - SESSION_IDLE_MS - 1)).as_deref(),
            Some("fresh")
        );
        assert_eq!(
            decide(&at(NOW + 1)).as_deref(),
            Some("fresh"),
            "active in the future"
        );
        assert_eq!(decide("tab.0").as_deref(), Some("fresh"));
    }

    #[test]
    fn a_malformed_browsing_session_is_refused() {
        let long = "b".repeat(65);
        let cases = [
            "not valid!",
            long.as_str(),
            ".123",
            "tab.",
            "tab.-5",
            "tab.+5",
            "tab.1e3",
            "tab.1.2",
            "tab.1234567890123456",
            "tab. 1",
            "ta b.1",
        ];
        for raw in cases {
            assert_eq!(decide(raw), None, "{raw}");
        }
        assert!(decide(&format!("{}.123456789012345", "b".repeat(64))).is_some());
    }

    #[test]
    fn a_new_browsing_session_is_a_valid_one() {
        let a = new_browsing_session().unwrap();
        assert_eq!(a.len(), 22);
        assert!(valid_browsing_session(&a), "{a}");
        assert_ne!(a, new_browsing_session().unwrap());
        let page = Page::checked(String::new(), "", false, "/eligible", NOW).unwrap();
        assert!(valid_browsing_session(&page.bs));
        let bad = Page::checked(String::new(), "x.y", false, "/eligible", NOW);
        assert_eq!(
            bad.err().and_then(|e| e.path).as_deref(),
            Some("/eligible/bs")
        );
    }
}
