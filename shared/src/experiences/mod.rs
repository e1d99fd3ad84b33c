//! Tours, surveys and checklists: what site owners author, the checks a save goes through
//! (errors name the JSON pointer of the bad field), and the rules the edge applies to what a
//! visitor does with them (tour state machine, survey answers, checklist tasks, survey
//! results). Pure: callers bring rows and the clock.

mod branching;
mod checklists;
mod survey_read;
mod surveys;
mod tour_run;
mod tour_served;
mod tours;
mod video;

pub use branching::{
    next_question, path_stop, path_taken, Branch, BranchOp, BranchWhen, BRANCH_END, MAX_BRANCHES,
};
pub use checklists::*;
pub use surveys::*;
pub use tour_run::*;
pub use tour_served::*;
pub use tours::*;
pub use video::*;

use crate::error::ApiError;

pub(crate) fn chars(s: &str) -> usize {
    // `s.chars().count()`: the bytes that start a character (its counting code is large).
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

pub(crate) fn text(v: &str, path: String, max: usize) -> Result<(), ApiError> {
    if v.trim().is_empty() || chars(v) > max {
        return Err(ApiError::invalid(path, format!("1-{max} characters")));
    }
    Ok(())
}

pub(crate) fn opt_text(v: &Option<String>, path: String, max: usize) -> Result<(), ApiError> {
    match v {
        Some(v) => text(v, path, max),
        None => Ok(()),
    }
}

/// Ids inside an item (question, task): letters, digits, `-` and `_`, 1-64 characters.
pub fn valid_local_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(crate) fn local_id(v: &str, path: String) -> Result<(), ApiError> {
    if valid_local_id(v) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            path,
            "1-64 letters, digits, - or _ (unique in the item)",
        ))
    }
}

pub(crate) fn selector(v: &Option<String>, path: String, why: &str) -> Result<(), ApiError> {
    match v {
        Some(s) if !s.trim().is_empty() && chars(s) <= 500 => Ok(()),
        _ => Err(ApiError::invalid(
            path,
            format!("{why} needs the CSS selector of its element (1-500 characters)"),
        )),
    }
}

/// The JSON pointer an error names (tests).
#[cfg(test)]
pub(crate) fn err_path(r: Result<impl std::fmt::Debug, ApiError>) -> String {
    r.unwrap_err().path.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn chars_counts_as_chars_count() {
        for s in [
            "",
            "abc",
            "é",
            "naïve café",
            "🙂🙂",
            "日本語",
            "\u{0}\u{7f}\u{80}\u{10ffff}",
        ] {
            assert_eq!(super::chars(s), s.chars().count(), "{s:?}");
        }
    }
}
