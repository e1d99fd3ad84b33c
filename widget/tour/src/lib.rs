//! Porchlight's tour module: a fourth WASM module, loaded by the engagement module
//! (`widget/engage`) only when a tour is about to show. It draws one step at a time and reports
//! what the visitor does; everything else — which tour shows, which step on which page, the
//! progress stored at the edge (offline-queued), events, arbitration — stays in the engagement
//! module and in `shared`.
//!
//! - [`show`]`(config)` draws a step: a **pointer** step is a non-modal dialog anchored to its
//!   element (placed by `porchlight_widget_common::place`: flip, shift, bottom sheet, RTL),
//!   with an arrow, a spotlight that cuts the element out of a dimmed page, and a blocker over
//!   the element unless the step advances on a click or a fill; a **post** or **video** step is
//!   a modal `<dialog>` (page inert, focus trapped), non-modal when it waits for a click on an
//!   element. Its element may come late: the step waits (a `MutationObserver`, inside open
//!   shadow roots too) up to `waitMs`, then follows the tour's policy (`missingTarget`: centred,
//!   skip, end). While it shows it follows its element (resize and intersection observers,
//!   scroll in any ancestor, window resize, the element leaving the page) with at most one
//!   `requestAnimationFrame` per change: nothing runs while nothing moves.
//! - [`hide`]`()` takes it down and gives focus back to where it was before the tour.
//!
//! Config (`show`): `{root, nonce?, step, index, count, progress, missing, rtl, act}` — `root` the
//! element to draw in (inside the engagement module's shadow root, styled and painted there),
//! `step` the authored step as the edge sent it, `act(name)` the engagement module's callback:
//! `next`, `back`, `done`, `snooze`, `dismiss` (the visitor), `skip`, `end` (the element never
//! came and the policy says so). One call per step: a step reports at most once. `show`'s second
//! argument is the module's own exports: every listener, observer, frame and timer calls the
//! export `on` (a function of the module, not a wasm-bindgen closure: ~0.55 KB brotli less).

#[cfg(target_arch = "wasm32")]
mod card;
#[cfg(target_arch = "wasm32")]
mod follow;
#[cfg(target_arch = "wasm32")]
mod run;

#[cfg(test)]
mod tests {
    use porchlight_widget_common::contract::{declares, unnamed, TourExport, TOUR_ACTS};

    /// The engagement module calls these names and hears these acts; both sides are built
    /// against `contract.rs`, so the names here must be the ones exported and reported.
    #[test]
    fn exports_and_acts_match_the_contract() {
        let run = include_str!("run.rs");
        for e in [TourExport::Show, TourExport::Hide] {
            assert!(declares(run, e.name()), "no `pub fn {}` export", e.name());
        }
        let all = [run, include_str!("card.rs"), include_str!("follow.rs")].concat();
        assert_eq!(unnamed(&all, &TOUR_ACTS), Vec::<&str>::new());
    }
}
