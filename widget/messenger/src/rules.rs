//! The spaces' decisions, pure and tested natively: which tab a key moves to, the order of
//! checklists, a checklist's progress, which URLs a task may open.

use porchlight_shared::types::is_safe_http_url;

/// The panel's spaces, in the order of their tabs (`contract::SPACES` names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Home,
    Messages,
    Help,
    Tickets,
    Tasks,
}

impl From<usize> for Space {
    fn from(i: usize) -> Space {
        match i {
            1 => Space::Messages,
            2 => Space::Help,
            3 => Space::Tickets,
            4 => Space::Tasks,
            _ => Space::Home,
        }
    }
}

/// The WAI-ARIA tabs pattern: the tab a key moves to from `current` of `n` (arrows wrap;
/// Home / End: the first / last), or `None` for any other key.
pub fn tab_after(key: &str, current: usize, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((current + 1) % n),
        "ArrowLeft" => Some((current + n - 1) % n),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

/// The order checklists are shown in: as the edge ranked them, completed ones at the bottom.
pub fn checklist_order(completed: &[bool]) -> Vec<usize> {
    // Two passes, not a sort: no sorting code in the module.
    let pass = |done: bool| {
        completed
            .iter()
            .enumerate()
            .filter(move |(_, c)| **c == done)
            .map(|(i, _)| i)
    };
    pass(false).chain(pass(true)).collect()
}

/// `(done, total)` of a checklist's task states.
pub fn progress(done: &[bool]) -> (usize, usize) {
    (done.iter().filter(|d| **d).count(), done.len())
}

/// A task's or a common question's link opens only when it is http(s) (never `javascript:` or
/// `data:`), whatever the edge sent.
pub fn may_open(url: &str) -> bool {
    is_safe_http_url(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_between_tabs_like_the_aria_pattern() {
        assert_eq!(tab_after("ArrowRight", 0, 5), Some(1));
        assert_eq!(tab_after("ArrowRight", 4, 5), Some(0), "wraps");
        assert_eq!(tab_after("ArrowLeft", 0, 5), Some(4), "wraps");
        assert_eq!(tab_after("Home", 3, 5), Some(0));
        assert_eq!(tab_after("End", 1, 5), Some(4));
        assert_eq!(tab_after("Enter", 1, 5), None);
        assert_eq!(tab_after("ArrowRight", 0, 0), None);
        assert_eq!(Space::from(3), Space::Tickets);
        assert_eq!(Space::from(99), Space::Home);
    }

    #[test]
    fn completed_checklists_sink_keeping_the_edges_order() {
        assert_eq!(
            checklist_order(&[true, false, true, false]),
            vec![1, 3, 0, 2]
        );
        assert_eq!(checklist_order(&[]), Vec::<usize>::new());
        assert_eq!(progress(&[true, false, true]), (2, 3));
        assert_eq!(progress(&[]), (0, 0));
    }

    #[test]
    fn only_http_links_open() {
        assert!(may_open("https://example.com/guide"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//evil.example",
            "https://a.b/\"><script>",
            "",
        ] {
            assert!(!may_open(bad), "{bad}");
        }
    }
}
