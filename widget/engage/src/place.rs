//! Where a tooltip's popover goes: below its element when it fits, else above, else whichever
//! side has more room; shifted along that side to stay inside the viewport. Pure, so it is
//! tested natively. (Tours place their steps with the fuller rules of their own issue.)

/// A rectangle in viewport pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The popover's top-left corner, whether it sits above the element, and the arrow's offset
/// from the popover's left edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub above: bool,
    pub arrow_x: f64,
}

/// Space kept between popover and element, and from the viewport's edges.
pub const GAP: f64 = 10.0;
pub const MARGIN: f64 = 8.0;

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

pub fn place(target: Rect, pop_w: f64, pop_h: f64, view_w: f64, view_h: f64) -> Placed {
    let below_room = view_h - (target.y + target.h) - GAP - MARGIN;
    let above_room = target.y - GAP - MARGIN;
    let above = pop_h > below_room && (pop_h <= above_room || above_room > below_room);
    let y = if above {
        target.y - GAP - pop_h
    } else {
        target.y + target.h + GAP
    };
    let y = clamp(y, MARGIN, (view_h - pop_h - MARGIN).max(MARGIN));
    let centre = target.x + target.w / 2.0;
    let x = clamp(
        centre - pop_w / 2.0,
        MARGIN,
        (view_w - pop_w - MARGIN).max(MARGIN),
    );
    let arrow_x = clamp(centre - x, 12.0, (pop_w - 12.0).max(12.0));
    Placed {
        x,
        y,
        above,
        arrow_x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VW: f64 = 1280.0;
    const VH: f64 = 800.0;

    fn r(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn below_when_it_fits_else_above() {
        let p = place(r(100.0, 100.0, 80.0, 30.0), 240.0, 120.0, VW, VH);
        assert!(!p.above);
        assert_eq!(p.y, 140.0);
        let p = place(r(100.0, 700.0, 80.0, 30.0), 240.0, 120.0, VW, VH);
        assert!(p.above);
        assert_eq!(p.y, 700.0 - GAP - 120.0);
    }

    #[test]
    fn always_inside_the_viewport_and_off_the_element_when_there_is_room() {
        for tx in [0.0, 5.0, 400.0, 1200.0, 1275.0] {
            for ty in [0.0, 20.0, 390.0, 760.0, 795.0] {
                for (pw, ph) in [(200.0, 80.0), (320.0, 200.0)] {
                    let t = r(tx, ty, 60.0, 24.0);
                    let p = place(t, pw, ph, VW, VH);
                    assert!(p.x >= MARGIN && p.x + pw <= VW - MARGIN, "{tx},{ty}");
                    assert!(p.y >= MARGIN && p.y + ph <= VH - MARGIN, "{tx},{ty}");
                    let room = (VH - (ty + 24.0) - GAP - MARGIN).max(ty - GAP - MARGIN);
                    if room >= ph {
                        let overlaps = p.y < ty + 24.0 && p.y + ph > ty;
                        assert!(!overlaps, "covers the element at {tx},{ty}");
                    }
                    assert!(p.arrow_x >= 12.0 && p.arrow_x <= pw - 12.0);
                }
            }
        }
    }
}
