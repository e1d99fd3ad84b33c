//! Pure theming decisions: which colours and lengths may reach the stylesheet, and which text
//! colour stays readable on a site owner's brand colour. No DOM here, so it is tested natively.

/// The primary colour used when the workspace's is missing or invalid.
pub const DEFAULT_PRIMARY: &str = "#4f46e5";
/// The panel background used when the workspace's is missing or invalid.
pub const DEFAULT_BACKGROUND: &str = "#ffffff";

/// Only `#rgb` and `#rrggbb` pass, so a colour from settings can never smuggle CSS
/// (`red;background:url(...)`) into the widget's custom properties.
pub fn valid_color(s: &str) -> bool {
    match s.strip_prefix('#') {
        Some(h) => (h.len() == 3 || h.len() == 6) && h.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// The colour itself when valid, else `fallback`.
pub fn color_or<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if valid_color(s) {
        s
    } else {
        fallback
    }
}

fn hex_val(b: u8) -> f64 {
    f64::from(match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    })
}

/// WCAG relative luminance (0 = black, 1 = white) of a valid colour; `None` otherwise.
pub fn luminance(color: &str) -> Option<f64> {
    if !valid_color(color) {
        return None;
    }
    let h = color.as_bytes().get(1..)?;
    let short = h.len() == 3;
    let mut sum = 0.0;
    for (i, weight) in [0.2126, 0.7152, 0.0722].into_iter().enumerate() {
        let c = if short {
            hex_val(*h.get(i)?) * 17.0
        } else {
            hex_val(*h.get(2 * i)?) * 16.0 + hex_val(*h.get(2 * i + 1)?)
        } / 255.0;
        let lin = if c <= 0.04045 {
            c / 12.92
        } else {
            // x^2.4 ≈ x^2 · x^0.375: close enough to rank two contrasts, and needs no libm.
            let x = (c + 0.055) / 1.055;
            x * x * (x * x * x).sqrt().sqrt().sqrt()
        };
        sum += weight * lin;
    }
    Some(sum)
}

/// WCAG contrast ratio between two luminances (1..=21).
pub fn contrast(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

/// True when dark text reads better than white text on `color`.
pub fn is_light(color: &str) -> bool {
    let l = luminance(color).unwrap_or(1.0);
    contrast(l, 0.0) > contrast(l, 1.0)
}

/// The text colour (white or black) with the higher contrast on `color`: the one rule for text
/// on the primary colour in every module (the core sets `--pl-on-primary`, the others read it
/// from the look the core left). Black, not a near-black: only black and white together reach
/// 4.5:1 on every colour (the worst, luminance ≈ 0.18, gets 4.58:1).
pub fn text_on(color: &str) -> &'static str {
    if is_light(color) {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// Decimal digits of `n`, without pulling in `format!`.
pub fn itoa(n: u32) -> String {
    let mut s = String::new();
    push_digits(&mut s, n);
    s
}

fn push_digits(s: &mut String, n: u32) {
    if n >= 10 {
        push_digits(s, n / 10);
    }
    s.push(char::from(b'0' + (n % 10) as u8));
}

/// A CSS length in whole pixels, clamped to `0..=max`; non-numbers fall back to `fallback`.
pub fn px(n: Option<f64>, fallback: u32, max: u32) -> String {
    let v = match n {
        // `as` saturates: negatives become 0 (no `clamp`, whose panic drags in float formatting).
        Some(n) if n.is_finite() => n.min(f64::from(max)) as u32,
        _ => fallback,
    };
    let mut s = itoa(v);
    s.push_str("px");
    s
}

/// Up to two initials for an avatar placeholder ("Ada Lovelace" → "AL").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Only absolute http(s) URLs may become an `<img src>`.
pub fn http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.bytes().any(|b| b <= b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_validated() {
        for ok in ["#fff", "#FFF", "#4f46e5", "#000000"] {
            assert!(valid_color(ok), "{ok}");
        }
        for bad in [
            "",
            "#",
            "fff",
            "#ffff",
            "#12345",
            "#1234567",
            "#ggg",
            "red",
            "#fff;background:url(x)",
            "#fff}",
            "rgb(0,0,0)",
            "#ｆｆｆ",
        ] {
            assert!(!valid_color(bad), "{bad}");
        }
        assert_eq!(color_or("red;x", DEFAULT_PRIMARY), DEFAULT_PRIMARY);
        assert_eq!(color_or("#123", DEFAULT_PRIMARY), "#123");
    }

    #[test]
    fn luminance_matches_wcag() {
        assert_eq!(luminance("#000"), Some(0.0));
        let white = luminance("#ffffff").unwrap();
        assert!((white - 1.0).abs() < 1e-9);
        // #777 is 0.184 by the exact formula.
        let grey = luminance("#777").unwrap();
        assert!((grey - 0.184).abs() < 0.005, "{grey}");
        assert_eq!(luminance("nope"), None);
    }

    #[test]
    fn text_colour_keeps_contrast() {
        assert_eq!(text_on("#4f46e5"), "#ffffff");
        assert_eq!(text_on("#000"), "#ffffff");
        assert_eq!(text_on("#ffffff"), "#000000");
        assert_eq!(text_on("#facc15"), "#000000");
        assert_eq!(text_on("#22c55e"), "#000000");
        let l = luminance("#4f46e5").unwrap();
        assert!(contrast(l, 1.0) >= 4.5);
        assert!(is_light(DEFAULT_BACKGROUND));
        assert!(!is_light("#111827"));
    }

    /// Whatever primary colour a site owner picks, the text on it reaches 4.5:1 (WCAG AA),
    /// measured with the exact formula (not the one `luminance` ranks with).
    #[test]
    fn text_on_any_colour_reaches_aa() {
        fn exact(hex: &str) -> f64 {
            let v = u32::from_str_radix(&hex[1..], 16).unwrap();
            let ch = |s: u32| {
                let c = f64::from((v >> s) & 255) / 255.0;
                if c <= 0.04045 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
        }
        let mut worst = f64::MAX;
        for r in (0..=255).step_by(5) {
            for g in (0..=255).step_by(5) {
                for b in (0..=255).step_by(5) {
                    let bg = format!("#{r:02x}{g:02x}{b:02x}");
                    let ratio = contrast(exact(&bg), exact(text_on(&bg)));
                    worst = worst.min(ratio);
                    assert!(ratio >= 4.5, "{} on {bg}: {ratio:.2}:1", text_on(&bg));
                }
            }
        }
        assert!(worst < 4.7, "the grid reaches the hard colours: {worst}");
    }

    #[test]
    fn lengths_are_clamped_integers() {
        assert_eq!(itoa(0), "0");
        assert_eq!(itoa(2_147_483_000), "2147483000");
        assert_eq!(px(Some(20.0), 20, 200), "20px");
        assert_eq!(px(Some(-5.0), 20, 200), "0px");
        assert_eq!(px(Some(1e9), 20, 200), "200px");
        assert_eq!(px(Some(f64::NAN), 20, 200), "20px");
        assert_eq!(px(None, 24, 200), "24px");
        assert_eq!(px(Some(12.7), 20, 200), "12px");
    }

    #[test]
    fn initials_and_urls() {
        assert_eq!(initials("ada lovelace"), "AL");
        assert_eq!(initials("  Grace  "), "G");
        assert_eq!(initials("Jean Luc Picard"), "JL");
        assert_eq!(initials("Émilie du Châtelet"), "ÉD");
        assert_eq!(initials(""), "");
        assert!(http_url("https://cdn.example.com/a.png"));
        assert!(!http_url("javascript:alert(1)"));
        assert!(!http_url("data:image/png;base64,xx"));
        assert!(!http_url("https://x y"));
    }
}
