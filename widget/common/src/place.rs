//! Where a popover anchored to an element goes (a tour step's, a tooltip's): a pure function of
//! the element's rect, the popover's size, the viewport and the authored preference, so it is
//! tested natively (unit cases and proptest properties, tests/place.rs).
//!
//! The rules follow floating-ui's `flip` and `shift` middleware as people know them:
//! - **flip**: the preferred side when it fits, else the opposite side, else the two remaining
//!   sides (floating-ui's `fallbackAxisSideDirection`), in `Auto`'s order: below, above, end,
//!   start. A side fits when the popover and [`GAP`] fit between the target and that edge of the
//!   viewport (less [`MARGIN`]) and the popover's other dimension fits the viewport. Where
//!   floating-ui would fall back to the "best fit" (which overflows or covers the target), this
//!   uses a bottom sheet.
//! - **shift**: along its side the popover is centred on the target, then clamped to stay inside
//!   the viewport (floating-ui's `shift()` without a limiter). Across, it never moves toward the
//!   target: a target partly or wholly outside the viewport still gets a popover inside it.
//!
//! No iterator chains, no `f64::clamp` (its assertion ships float formatting), no panics.

/// A rectangle in viewport (CSS) pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The authored placement. `Left` and `Right` mean start and end: mirrored when `rtl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    Auto,
    Left,
    Right,
    Above,
    Below,
}

/// The physical side of the target the popover sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placed {
    /// Next to the target: popover's top-left corner, the side, and the arrow's offset along the
    /// popover edge that faces the target (from the popover's left edge for Above/Below, from
    /// its top edge for Left/Right), pointing at the target's centre, kept >= ARROW_INSET from
    /// the corners (the middle of an edge shorter than 2 × ARROW_INSET).
    Side {
        x: f64,
        y: f64,
        side: Side,
        arrow: f64,
    },
    /// A bottom sheet: full width minus margins, at the bottom of the viewport (y = its top).
    /// Used when the viewport is narrower than SHEET_BELOW (480) px, or no side fits.
    Sheet { x: f64, y: f64, w: f64 },
    /// No target (a centred step, or the target's element is missing and the policy says
    /// centre): centred in the viewport.
    Centre { x: f64, y: f64 },
}

/// Between popover and target (the arrow lives here).
pub const GAP: f64 = 12.0;
/// From the viewport's edges.
pub const MARGIN: f64 = 8.0;
/// Viewports narrower than this get a bottom sheet.
pub const SHEET_BELOW: f64 = 480.0;
/// The arrow's least distance from the popover's corners.
pub const ARROW_INSET: f64 = 14.0;

/// `x` kept within `lo..=hi` (`lo <= hi`), as `f64::clamp` does, without its assertion, whose
/// message would ship float formatting (~19 KB of WASM) to every visitor.
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// Beyond this (and NaN, ±∞) an input is nonsense: it counts as 0, or as no target. Keeping
/// every input this small also keeps every sum below finite, so no result is ever NaN.
const SANE: f64 = 1e15;

fn sane(v: f64) -> bool {
    v.abs() <= SANE
}

/// A size: 0 when negative or not [`sane`].
fn size(v: f64) -> f64 {
    if sane(v) && v > 0.0 {
        v
    } else {
        0.0
    }
}

/// Where a `len`-long popover starts to be centred in `view` (at least [`MARGIN`]).
fn centred(view: f64, len: f64) -> f64 {
    ((view - len) / 2.0).max(MARGIN)
}

/// Where the popover goes: see the module's documentation. `target: None` (or a target with a
/// NaN, infinite or absurd coordinate) is centred. Sizes below 0 count as 0.
pub fn place(
    target: Option<Rect>,
    pop_w: f64,
    pop_h: f64,
    view_w: f64,
    view_h: f64,
    prefer: Prefer,
    rtl: bool,
) -> Placed {
    let (pw, ph, vw, vh) = (size(pop_w), size(pop_h), size(view_w), size(view_h));
    let t = match target {
        Some(t) if sane(t.x) && sane(t.y) && sane(t.w) && sane(t.h) => t,
        _ => {
            return Placed::Centre {
                x: centred(vw, pw),
                y: centred(vh, ph),
            }
        }
    };
    let (left, top, right, bottom) = (t.x, t.y, t.x + size(t.w), t.y + size(t.h));
    if vw >= SHEET_BELOW {
        let (start, end) = if rtl {
            (Side::Right, Side::Left)
        } else {
            (Side::Left, Side::Right)
        };
        // The preferred side, its opposite, then the other two in Auto's order.
        let order = match prefer {
            Prefer::Auto | Prefer::Below => [Side::Below, Side::Above, end, start],
            Prefer::Above => [Side::Above, Side::Below, end, start],
            Prefer::Left => [start, end, Side::Below, Side::Above],
            Prefer::Right => [end, start, Side::Below, Side::Above],
        };
        for side in order {
            let vertical = matches!(side, Side::Above | Side::Below);
            // Along the side: centred on the target, shifted into the viewport. Across: the
            // interval the popover may take, from the target's edge (+ GAP) or the viewport's
            // near edge, whichever is further from the target, to the viewport's far edge.
            let (len, across, view, centre) = if vertical {
                (pw, ph, vw, (left + right) / 2.0)
            } else {
                (ph, pw, vh, (top + bottom) / 2.0)
            };
            let (lo, hi) = match side {
                Side::Below => ((bottom + GAP).max(MARGIN), vh - MARGIN),
                Side::Right => ((right + GAP).max(MARGIN), vw - MARGIN),
                Side::Above => (MARGIN, (top - GAP).min(vh - MARGIN)),
                Side::Left => (MARGIN, (left - GAP).min(vw - MARGIN)),
            };
            if across <= hi - lo && len <= view - 2.0 * MARGIN {
                let along = clamp(centre - len / 2.0, MARGIN, view - len - MARGIN);
                let arrow = if len < 2.0 * ARROW_INSET {
                    len / 2.0
                } else {
                    clamp(centre - along, ARROW_INSET, len - ARROW_INSET)
                };
                // Against the target: after it (Below, Right) or before it (Above, Left).
                let across_at = if matches!(side, Side::Below | Side::Right) {
                    lo
                } else {
                    hi - across
                };
                let (x, y) = if vertical {
                    (along, across_at)
                } else {
                    (across_at, along)
                };
                return Placed::Side { x, y, side, arrow };
            }
        }
    }
    Placed::Sheet {
        x: MARGIN,
        y: (vh - MARGIN - ph).max(MARGIN),
        w: (vw - 2.0 * MARGIN).max(0.0),
    }
}
