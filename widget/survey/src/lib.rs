//! Porchlight's survey module: a fifth WASM module, loaded by the engagement module
//! (`widget/engage`, `surveys.rs`) only when a survey is about to show. It draws one screen at a
//! time and reports what the visitor does; everything else — which survey shows and when
//! (arbitration), the answer checks and branching (`shared::experiences`, run in the engagement
//! module: one rule, the edge's), the open response, the offline queue, events — stays there.
//!
//! - [`screen::show`]`(config)` draws a screen in `root`: the **intro** (title, text, Start), a
//!   **question** (any of the eight types: NPS, numeric scale, stars and faces as native radio
//!   groups — arrow keys, one tab stop, in reading direction; dropdown; short and long text;
//!   single and multiple choice), or the **thank-you**. A *small* survey is a non-modal card in
//!   the corner, announced through a polite live region, never taking focus on its own; a
//!   *large* one a modal `<dialog>` (page inert) with a progress bar. While a text field shows,
//!   the card stays above the on-screen keyboard (`visualViewport`).
//! - [`screen::hide`]`()` takes it down and gives focus back to where it was.
//!
//! Config: `{root, nonce?, large, screen, question?, value?, index, count, back, last, title?,
//! body?, button?, act}` — `question` the authored question as the edge sent it, `value` its
//! answer so far, `act(name, value)` the engagement module's callback
//! (`porchlight_widget_common::contract::SURVEY_ACTS`), which answers `undefined` (go on) or
//! why the answer is refused (`SURVEY_ERRORS`): the screen then says so under the field
//! (`aria-describedby`) and stays. Authored text is only ever text (escaped or `textContent`).

#[cfg(target_arch = "wasm32")]
mod field;
#[cfg(target_arch = "wasm32")]
mod screen;

#[cfg(test)]
mod tests {
    use porchlight_widget_common::contract::{declares, unnamed, SurveyExport, SURVEY_ACTS};

    /// The engagement module calls these names and hears these acts (both sides are built
    /// against `contract.rs`).
    #[test]
    fn exports_and_acts_match_the_contract() {
        let screen = include_str!("screen.rs");
        assert!(declares(screen, SurveyExport::Show.name()));
        assert!(declares(screen, SurveyExport::Hide.name()));
        let all = [screen, include_str!("field.rs")].concat();
        assert_eq!(unnamed(&all, &SURVEY_ACTS), Vec::<&str>::new());
    }
}
