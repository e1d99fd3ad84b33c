//! The popover placement (src/place.rs): hand-written cases for each rule, then properties over
//! random targets (inside, partly outside and outside the viewport), popover sizes, viewports,
//! preferences and text directions.

use porchlight_widget_common::place::{
    place, Placed, Prefer, Rect, Side, ARROW_INSET, GAP, MARGIN, SHEET_BELOW,
};
use proptest::prelude::*;

const VW: f64 = 1280.0;
const VH: f64 = 800.0;
const PW: f64 = 240.0;
const PH: f64 = 120.0;

fn r(x: f64, y: f64, w: f64, h: f64) -> Option<Rect> {
    Some(Rect { x, y, w, h })
}

/// The side and corner of a placement next to the target (fails the test otherwise).
fn side(p: Placed) -> (Side, f64, f64, f64) {
    match p {
        Placed::Side { x, y, side, arrow } => (side, x, y, arrow),
        other => panic!("expected a side, got {other:?}"),
    }
}

fn at(t: Option<Rect>, prefer: Prefer, rtl: bool) -> (Side, f64, f64, f64) {
    side(place(t, PW, PH, VW, VH, prefer, rtl))
}

// A target in the middle of the viewport: every side has room.
const MID: Option<Rect> = Some(Rect {
    x: 600.0,
    y: 300.0,
    w: 80.0,
    h: 30.0,
});

#[test]
fn each_preference_when_every_side_fits() {
    // Below (Auto's first): centred under the target, GAP below it, arrow at the middle.
    assert_eq!(
        at(MID, Prefer::Auto, false),
        (Side::Below, 520.0, 342.0, 120.0)
    );
    assert_eq!(
        at(MID, Prefer::Below, false),
        (Side::Below, 520.0, 342.0, 120.0)
    );
    assert_eq!(
        at(MID, Prefer::Above, false),
        (Side::Above, 520.0, 300.0 - GAP - PH, 120.0)
    );
    // Left / Right: vertically centred on the target, arrow from the popover's top edge.
    assert_eq!(
        at(MID, Prefer::Left, false),
        (Side::Left, 600.0 - GAP - PW, 255.0, 60.0)
    );
    assert_eq!(
        at(MID, Prefer::Right, false),
        (Side::Right, 680.0 + GAP, 255.0, 60.0)
    );
}

#[test]
fn rtl_mirrors_start_and_end_only() {
    assert_eq!(at(MID, Prefer::Left, true).0, Side::Right);
    assert_eq!(at(MID, Prefer::Right, true).0, Side::Left);
    assert_eq!(at(MID, Prefer::Above, true).0, Side::Above);
    assert_eq!(at(MID, Prefer::Below, true).0, Side::Below);
    assert_eq!(at(MID, Prefer::Auto, true).0, Side::Below);
    // Same corner as the LTR placement on that physical side.
    assert_eq!(
        at(MID, Prefer::Left, true),
        at(MID, Prefer::Right, false),
        "start in RTL is the right side"
    );
}

#[test]
fn flips_to_the_opposite_side() {
    // Near the bottom: below does not fit, above does.
    let low = r(600.0, 700.0, 80.0, 30.0);
    assert_eq!(at(low, Prefer::Below, false).0, Side::Above);
    assert_eq!(at(low, Prefer::Auto, false).0, Side::Above);
    // Near the top: above does not fit, below does.
    let high = r(600.0, 40.0, 80.0, 30.0);
    assert_eq!(
        at(high, Prefer::Above, false),
        (Side::Below, 520.0, 82.0, 120.0)
    );
    // Near the left edge: left does not fit, right does (in RTL, Right means end: the left).
    let west = r(100.0, 300.0, 80.0, 30.0);
    assert_eq!(at(west, Prefer::Left, false).0, Side::Right);
    assert_eq!(at(west, Prefer::Right, true).0, Side::Right);
    let east = r(1100.0, 300.0, 80.0, 30.0);
    assert_eq!(at(east, Prefer::Right, false).0, Side::Left);
    assert_eq!(at(east, Prefer::Left, true).0, Side::Left);
}

#[test]
fn then_the_other_axis_in_autos_order() {
    // A tall target: neither above nor below fits → end (right in LTR, left in RTL), then start.
    let tall = r(600.0, 100.0, 80.0, 650.0);
    assert_eq!(at(tall, Prefer::Above, false).0, Side::Right);
    assert_eq!(at(tall, Prefer::Below, true).0, Side::Left);
    assert_eq!(at(tall, Prefer::Auto, false).0, Side::Right);
    let tall_east = r(1100.0, 100.0, 80.0, 650.0);
    assert_eq!(
        at(tall_east, Prefer::Auto, false).0,
        Side::Left,
        "start when end has no room"
    );
    // A wide target: neither left nor right fits → below, then above.
    let wide = r(100.0, 300.0, 1080.0, 30.0);
    assert_eq!(at(wide, Prefer::Left, false).0, Side::Below);
    assert_eq!(at(wide, Prefer::Right, true).0, Side::Below);
    let wide_low = r(100.0, 700.0, 1080.0, 30.0);
    assert_eq!(at(wide_low, Prefer::Left, false).0, Side::Above);
}

#[test]
fn auto_order_is_below_above_end_start() {
    // Each time the earlier sides are blocked by the target's size and position.
    assert_eq!(at(MID, Prefer::Auto, false).0, Side::Below);
    assert_eq!(
        at(r(600.0, 600.0, 80.0, 190.0), Prefer::Auto, false).0,
        Side::Above
    );
    assert_eq!(
        at(r(600.0, 60.0, 80.0, 700.0), Prefer::Auto, false).0,
        Side::Right
    );
    assert_eq!(
        at(r(600.0, 60.0, 80.0, 700.0), Prefer::Auto, true).0,
        Side::Left
    );
    assert_eq!(
        at(r(1100.0, 60.0, 80.0, 700.0), Prefer::Auto, false).0,
        Side::Left
    );
    assert_eq!(
        at(r(100.0, 60.0, 80.0, 700.0), Prefer::Auto, true).0,
        Side::Right
    );
}

#[test]
fn shifts_along_its_side_at_each_edge() {
    // Left edge: clamped to MARGIN, the arrow still towards the target (but off the corner).
    assert_eq!(
        at(r(0.0, 300.0, 40.0, 30.0), Prefer::Below, false),
        (Side::Below, MARGIN, 342.0, ARROW_INSET)
    );
    assert_eq!(
        at(r(30.0, 300.0, 40.0, 30.0), Prefer::Below, false),
        (Side::Below, MARGIN, 342.0, 50.0 - MARGIN)
    );
    // Right edge.
    assert_eq!(
        at(r(1240.0, 300.0, 20.0, 30.0), Prefer::Below, false),
        (
            Side::Below,
            VW - PW - MARGIN,
            342.0,
            1250.0 - (VW - PW - MARGIN)
        )
    );
    assert_eq!(
        at(r(1270.0, 300.0, 10.0, 30.0), Prefer::Above, false),
        (
            Side::Above,
            VW - PW - MARGIN,
            300.0 - GAP - PH,
            PW - ARROW_INSET
        )
    );
    // Top and bottom edges, for a popover beside its target.
    assert_eq!(
        at(r(600.0, 0.0, 80.0, 20.0), Prefer::Right, false),
        (Side::Right, 692.0, MARGIN, ARROW_INSET)
    );
    assert_eq!(
        at(r(600.0, 780.0, 80.0, 20.0), Prefer::Left, false),
        (
            Side::Left,
            600.0 - GAP - PW,
            VH - PH - MARGIN,
            PH - ARROW_INSET
        )
    );
}

#[test]
fn arrow_points_at_the_targets_centre() {
    for t in [
        MID,
        r(200.0, 500.0, 300.0, 50.0),
        r(900.0, 100.0, 20.0, 400.0),
    ] {
        let c = t.unwrap();
        let (cx, cy) = (c.x + c.w / 2.0, c.y + c.h / 2.0);
        for prefer in [Prefer::Above, Prefer::Below, Prefer::Left, Prefer::Right] {
            let (s, x, y, arrow) = at(t, prefer, false);
            match s {
                Side::Above | Side::Below => assert_eq!(x + arrow, cx, "{prefer:?} {t:?}"),
                Side::Left | Side::Right => assert_eq!(y + arrow, cy, "{prefer:?} {t:?}"),
            }
        }
    }
}

#[test]
fn targets_outside_the_viewport_still_get_a_popover_inside_it() {
    // Above the viewport: below it, at the top margin.
    assert_eq!(
        at(r(600.0, -500.0, 80.0, 30.0), Prefer::Auto, false),
        (Side::Below, 520.0, MARGIN, 120.0)
    );
    // Below the viewport: above it, at the bottom margin.
    assert_eq!(
        at(r(600.0, 1000.0, 80.0, 30.0), Prefer::Auto, false),
        (Side::Above, 520.0, VH - MARGIN - PH, 120.0)
    );
    // Off to the right: left of it, at the right margin.
    assert_eq!(
        at(r(2000.0, 300.0, 80.0, 30.0), Prefer::Left, false),
        (Side::Left, VW - MARGIN - PW, 255.0, 60.0)
    );
    // Off to the left, preferring left: flipped right, arrow pinned off the corner.
    assert_eq!(
        at(r(-300.0, -300.0, 80.0, 30.0), Prefer::Left, false),
        (Side::Right, MARGIN, MARGIN, ARROW_INSET)
    );
}

#[test]
fn narrow_viewport_is_a_sheet() {
    for prefer in [
        Prefer::Auto,
        Prefer::Left,
        Prefer::Right,
        Prefer::Above,
        Prefer::Below,
    ] {
        assert_eq!(
            place(
                r(100.0, 100.0, 50.0, 20.0),
                PW,
                PH,
                375.0,
                667.0,
                prefer,
                false
            ),
            Placed::Sheet {
                x: MARGIN,
                y: 667.0 - MARGIN - PH,
                w: 375.0 - 2.0 * MARGIN
            }
        );
    }
    // At exactly SHEET_BELOW a side is used again.
    let p = place(
        r(100.0, 100.0, 50.0, 20.0),
        PW,
        PH,
        SHEET_BELOW,
        667.0,
        Prefer::Auto,
        false,
    );
    assert!(
        matches!(
            p,
            Placed::Side {
                side: Side::Below,
                ..
            }
        ),
        "{p:?}"
    );
}

#[test]
fn no_side_fits_is_a_sheet() {
    let t = r(540.0, 350.0, 200.0, 100.0);
    for rtl in [false, true] {
        assert_eq!(
            place(t, 600.0, 500.0, VW, VH, Prefer::Auto, rtl),
            Placed::Sheet {
                x: MARGIN,
                y: VH - MARGIN - 500.0,
                w: VW - 2.0 * MARGIN
            }
        );
    }
    // A popover wider than the viewport fits no side, even with room below.
    let p = place(MID, 1300.0, 100.0, VW, VH, Prefer::Below, false);
    assert!(matches!(p, Placed::Sheet { .. }), "{p:?}");
    // A popover taller than the viewport: the sheet's top at the margin.
    let p = place(MID, 300.0, 900.0, VW, VH, Prefer::Below, false);
    assert_eq!(
        p,
        Placed::Sheet {
            x: MARGIN,
            y: MARGIN,
            w: VW - 2.0 * MARGIN
        }
    );
}

#[test]
fn no_target_is_centred() {
    assert_eq!(
        place(None, PW, PH, VW, VH, Prefer::Below, false),
        Placed::Centre { x: 520.0, y: 340.0 }
    );
    // Also on a narrow viewport (a post step is a centred card, not a sheet).
    assert_eq!(
        place(None, 300.0, 200.0, 375.0, 667.0, Prefer::Auto, true),
        Placed::Centre { x: 37.5, y: 233.5 }
    );
    // Larger than the viewport: kept at the margins.
    assert_eq!(
        place(None, 2000.0, 2000.0, VW, VH, Prefer::Auto, false),
        Placed::Centre {
            x: MARGIN,
            y: MARGIN
        }
    );
}

#[test]
fn nonsense_inputs_are_safe() {
    let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300];
    for b in bad {
        // A target with a bad coordinate counts as none.
        for t in [
            r(b, 1.0, 1.0, 1.0),
            r(1.0, b, 1.0, 1.0),
            r(1.0, 1.0, b, 1.0),
            r(1.0, 1.0, 1.0, b),
        ] {
            assert_eq!(
                place(t, PW, PH, VW, VH, Prefer::Auto, false),
                Placed::Centre { x: 520.0, y: 340.0 }
            );
        }
        // Bad sizes count as 0.
        assert_eq!(
            place(MID, b, b, VW, VH, Prefer::Auto, false),
            Placed::Side {
                x: 640.0,
                y: 342.0,
                side: Side::Below,
                arrow: 0.0
            }
        );
        assert_eq!(
            place(MID, PW, PH, b, b, Prefer::Auto, false),
            Placed::Sheet {
                x: MARGIN,
                y: MARGIN,
                w: 0.0
            }
        );
    }
    // Negative sizes count as 0 too.
    assert_eq!(
        place(
            r(600.0, 300.0, -80.0, -30.0),
            PW,
            PH,
            VW,
            VH,
            Prefer::Auto,
            false
        ),
        Placed::Side {
            x: 480.0,
            y: 312.0,
            side: Side::Below,
            arrow: 120.0
        }
    );
}

// ---- Properties ----

fn prefer() -> impl Strategy<Value = Prefer> {
    prop_oneof![
        Just(Prefer::Auto),
        Just(Prefer::Left),
        Just(Prefer::Right),
        Just(Prefer::Above),
        Just(Prefer::Below),
    ]
}

/// A popover length: mostly a usual card, sometimes anything up to beyond the viewport.
fn pop_len() -> impl Strategy<Value = f64> {
    prop_oneof![4 => 20.0..480.0f64, 1 => 0.0..2400.0f64]
}

#[derive(Debug, Clone, Copy)]
struct Case {
    t: Rect,
    pw: f64,
    ph: f64,
    vw: f64,
    vh: f64,
    prefer: Prefer,
    rtl: bool,
}

/// Targets as fractions of the viewport, from half a viewport before it to half after it:
/// inside, straddling an edge, and entirely outside.
fn case() -> impl Strategy<Value = Case> {
    (
        320.0..2000.0f64,
        320.0..1400.0f64,
        (-0.5..1.5f64, -0.5..1.5f64, 0.0..0.6f64, 0.0..0.6f64),
        pop_len(),
        pop_len(),
        prefer(),
        any::<bool>(),
    )
        .prop_map(|(vw, vh, (fx, fy, fw, fh), pw, ph, prefer, rtl)| Case {
            t: Rect {
                x: fx * vw,
                y: fy * vh,
                w: fw * vw,
                h: fh * vh,
            },
            pw,
            ph,
            vw,
            vh,
            prefer,
            rtl,
        })
}

const EPS: f64 = 1e-9;

/// Whether the popover, placed on `side`, has room: written from the rule, independently of the
/// code: some position inside the viewport's margins is at least GAP away from the target on
/// that side, and the popover's other dimension fits the viewport.
fn has_room(c: &Case, side: Side) -> bool {
    let (t, inner_w, inner_h) = (c.t, c.vw - 2.0 * MARGIN, c.vh - 2.0 * MARGIN);
    match side {
        // The lowest top edge is vh - MARGIN - ph; it must be GAP under the target and ≥ MARGIN.
        Side::Below => {
            let top = c.vh - MARGIN - c.ph;
            top >= t.y + t.h + GAP && top >= MARGIN && c.pw <= inner_w
        }
        // The highest: MARGIN; its bottom edge must be GAP above the target, inside the viewport.
        Side::Above => {
            MARGIN + c.ph + GAP <= t.y && MARGIN + c.ph <= c.vh - MARGIN && c.pw <= inner_w
        }
        Side::Right => {
            let left = c.vw - MARGIN - c.pw;
            left >= t.x + t.w + GAP && left >= MARGIN && c.ph <= inner_h
        }
        Side::Left => {
            MARGIN + c.pw + GAP <= t.x && MARGIN + c.pw <= c.vw - MARGIN && c.ph <= inner_h
        }
    }
}

/// The sides in the order the rule tries them.
fn order(c: &Case) -> [Side; 4] {
    let (start, end) = if c.rtl {
        (Side::Right, Side::Left)
    } else {
        (Side::Left, Side::Right)
    };
    match c.prefer {
        Prefer::Auto => [Side::Below, Side::Above, end, start],
        Prefer::Below => [Side::Below, Side::Above, end, start],
        Prefer::Above => [Side::Above, Side::Below, end, start],
        Prefer::Left => [start, end, Side::Below, Side::Above],
        Prefer::Right => [end, start, Side::Below, Side::Above],
    }
}

fn run(c: &Case) -> Placed {
    place(Some(c.t), c.pw, c.ph, c.vw, c.vh, c.prefer, c.rtl)
}

proptest! {
    /// (a) Always inside the viewport, sheets included (and as far as a popover larger than the
    /// viewport can be).
    #[test]
    fn always_inside_the_viewport(c in case()) {
        match run(&c) {
            Placed::Side { x, y, .. } => {
                prop_assert!(x >= MARGIN - EPS && x + c.pw <= c.vw - MARGIN + EPS, "{c:?} x={x}");
                prop_assert!(y >= MARGIN - EPS && y + c.ph <= c.vh - MARGIN + EPS, "{c:?} y={y}");
            }
            Placed::Sheet { x, y, w } => {
                prop_assert_eq!(x, MARGIN);
                prop_assert_eq!(w, c.vw - 2.0 * MARGIN);
                prop_assert!(y >= MARGIN);
                if c.ph <= c.vh - 2.0 * MARGIN {
                    prop_assert!((y + c.ph - (c.vh - MARGIN)).abs() < EPS, "at the bottom: {c:?} y={y}");
                }
            }
            Placed::Centre { .. } => prop_assert!(false, "a target is never centred: {c:?}"),
        }
    }

    /// (b) When some side has room (and the viewport is wide enough), the first such side in the
    /// rule's order, GAP away from the target and off it; otherwise a sheet.
    #[test]
    fn off_the_target_when_some_side_has_room(c in case()) {
        let sides = order(&c);
        let mut expected = None;
        for s in sides {
            if expected.is_none() && has_room(&c, s) {
                expected = Some(s);
            }
        }
        let p = run(&c);
        match (expected, p) {
            (Some(want), Placed::Side { x, y, side, .. }) if c.vw >= SHEET_BELOW => {
                prop_assert_eq!(side, want, "{:?}", c);
                let t = c.t;
                let overlaps = x < t.x + t.w && x + c.pw > t.x && y < t.y + t.h && y + c.ph > t.y;
                prop_assert!(!overlaps, "covers the target: {c:?} → {p:?}");
                let gap = match side {
                    Side::Below => y - (t.y + t.h),
                    Side::Above => t.y - (y + c.ph),
                    Side::Right => x - (t.x + t.w),
                    Side::Left => t.x - (x + c.pw),
                };
                prop_assert!(gap >= GAP - EPS, "gap {gap}: {c:?} → {p:?}");
            }
            (_, Placed::Sheet { .. }) => {
                prop_assert!(expected.is_none() || c.vw < SHEET_BELOW, "a sheet with room: {c:?}");
            }
            _ => prop_assert!(false, "expected {expected:?} (vw {}), got {p:?}", c.vw),
        }
    }

    /// (c) The arrow stays ARROW_INSET off the popover's corners (edges long enough for that),
    /// and points at the target's centre whenever that is within those bounds.
    #[test]
    fn arrow_within_its_edge_and_at_the_target(c in case()) {
        if let Placed::Side { x, y, side, arrow } = run(&c) {
            let (edge, start, centre) = match side {
                Side::Above | Side::Below => (c.pw, x, c.t.x + c.t.w / 2.0),
                Side::Left | Side::Right => (c.ph, y, c.t.y + c.t.h / 2.0),
            };
            if edge >= 2.0 * ARROW_INSET {
                prop_assert!(arrow >= ARROW_INSET - EPS && arrow <= edge - ARROW_INSET + EPS, "{c:?} arrow={arrow}");
                let want = centre - start;
                if (ARROW_INSET..=edge - ARROW_INSET).contains(&want) {
                    prop_assert!((arrow - want).abs() < 1e-6, "{c:?} arrow={arrow}, centre at {want}");
                }
            } else {
                prop_assert!((arrow - edge / 2.0).abs() < EPS);
            }
        }
    }

    /// No target: centred, inside the viewport when the popover fits it.
    #[test]
    fn centred_inside_the_viewport(
        vw in 320.0..2000.0f64, vh in 320.0..1400.0f64, pw in pop_len(), ph in pop_len(),
        prefer in prefer(), rtl in any::<bool>(),
    ) {
        match place(None, pw, ph, vw, vh, prefer, rtl) {
            Placed::Centre { x, y } => {
                prop_assert!(x >= MARGIN && y >= MARGIN);
                if pw <= vw - 2.0 * MARGIN {
                    prop_assert!(x + pw <= vw - MARGIN + EPS);
                    prop_assert!((x - (vw - x - pw)).abs() < 1e-6, "centred");
                }
                if ph <= vh - 2.0 * MARGIN {
                    prop_assert!(y + ph <= vh - MARGIN + EPS);
                }
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }

    /// Never NaN or infinite, whatever comes in (NaN, ±∞ and huge values included).
    #[test]
    fn always_finite(
        x in any::<f64>(), y in any::<f64>(), w in any::<f64>(), h in any::<f64>(),
        pw in any::<f64>(), ph in any::<f64>(), vw in any::<f64>(), vh in any::<f64>(),
        none in any::<bool>(), prefer in prefer(), rtl in any::<bool>(),
    ) {
        let t = if none { None } else { Some(Rect { x, y, w, h }) };
        let nums = match place(t, pw, ph, vw, vh, prefer, rtl) {
            Placed::Side { x, y, arrow, .. } => [x, y, arrow],
            Placed::Sheet { x, y, w } => [x, y, w],
            Placed::Centre { x, y } => [x, y, 0.0],
        };
        for n in nums {
            prop_assert!(n.is_finite(), "{nums:?}");
        }
    }
}
