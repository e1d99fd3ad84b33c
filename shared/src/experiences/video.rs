//! The allowlist for video steps of tours: an https video file, or a YouTube, Vimeo or Loom
//! video turned into that provider's embed URL. Checked when a tour is saved and again when it
//! is served (`/v1/eligible` sends a video step's `player`, [`super::served_steps`]): the tour
//! module draws the edge's answer and links none of this.

use crate::types::is_safe_http_url;

/// How a video step plays its `videoUrl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoSource {
    /// A video file, played with a `<video>` element: the URL as authored.
    File(String),
    /// A provider's player, shown in a sandboxed iframe: the embed URL built from the video id
    /// (never the authored URL itself).
    Embed(String),
}

/// What [`video_source`] accepts, for error messages.
pub const VIDEO_ACCEPTED: &str = "a video step needs an https link to a video file \
     (.mp4, .webm, .ogg, .ogv, .m4v, .mov) or to a YouTube, Vimeo or Loom video";

const VIDEO_EXTENSIONS: [&str; 6] = [".mp4", ".webm", ".ogg", ".ogv", ".m4v", ".mov"];

/// The allowlist for video steps: an https video file, or a YouTube, Vimeo or Loom video turned
/// into that provider's embed URL. Hosts are matched exactly (never by suffix), a URL with
/// userinfo is refused, and video ids are checked character by character, so nothing the
/// author typed but the id reaches an embed URL. Anything else is `None`.
///
/// Plain string code (no regex, no `format!`, no iterator chains; written when the tour module
/// linked this): the host lowered once and matched, one id check per provider.
pub fn video_source(url: &str) -> Option<VideoSource> {
    if !is_safe_http_url(url) {
        return None;
    }
    // No indexing that could panic (`get`, not `[..]`): a slicing panic would ship the
    // formatting of its message (~3 KB brotli) to any module that linked this.
    let rest = url.strip_prefix("https://")?;
    let auth_end = cut(rest, b"/?#");
    let (host, tail) = (rest.get(..auth_end)?, rest.get(auth_end..)?);
    if host.is_empty() || cut(host, b"@") < host.len() {
        return None;
    }
    let path_end = cut(tail, b"?#");
    let path = tail.get(..path_end)?;
    let query = tail.get(path_end..)?.strip_prefix('?').unwrap_or("");
    let query = query.get(..cut(query, b"#"))?;

    const YOUTUBE: &str = "https://www.youtube-nocookie.com/embed/";
    let either = |a: &str, b: &str| path.strip_prefix(a).or_else(|| path.strip_prefix(b));
    // The id and the provider's player; `Id` says what an id of that provider is.
    let (id, base, kind) = match host.to_ascii_lowercase().as_str() {
        "youtube.com" | "www.youtube.com" | "m.youtube.com" => {
            let id = if path == "/watch" {
                // The first `v=` parameter, scanned by bytes: `split('&')` would ship a
                // searcher and its slicing panic.
                let mut params = query;
                loop {
                    let end = cut(params, b"&");
                    if let Some(v) = params.get(..end)?.strip_prefix("v=") {
                        break v;
                    }
                    params = params.get(end + 1..)?;
                }
            } else {
                either("/embed/", "/shorts/")?
            };
            (id, YOUTUBE, Id::YouTube)
        }
        "youtu.be" => (path.strip_prefix('/')?, YOUTUBE, Id::YouTube),
        "youtube-nocookie.com" | "www.youtube-nocookie.com" => {
            (path.strip_prefix("/embed/")?, YOUTUBE, Id::YouTube)
        }
        "vimeo.com" | "www.vimeo.com" => (
            path.strip_prefix('/')?,
            "https://player.vimeo.com/video/",
            Id::Vimeo,
        ),
        "player.vimeo.com" => (
            path.strip_prefix("/video/")?,
            "https://player.vimeo.com/video/",
            Id::Vimeo,
        ),
        "loom.com" | "www.loom.com" => (
            either("/share/", "/embed/")?,
            "https://www.loom.com/embed/",
            Id::Loom,
        ),
        _ => {
            let path = path.as_bytes();
            for ext in VIDEO_EXTENSIONS {
                let ext = ext.as_bytes();
                if path.len() > ext.len()
                    && path
                        .get(path.len() - ext.len()..)
                        .is_some_and(|end| end.eq_ignore_ascii_case(ext))
                {
                    return Some(VideoSource::File(String::from(url)));
                }
            }
            return None;
        }
    };
    if !kind.holds(id) {
        return None;
    }
    let mut s = String::from(base);
    s.push_str(id);
    Some(VideoSource::Embed(s))
}

/// The position of the first of `stops` in `s`, or its length.
/// (Two loops: `<[u8]>::contains` brings `memchr`.)
fn cut(s: &str, stops: &[u8]) -> usize {
    for (i, b) in s.bytes().enumerate() {
        for &stop in stops {
            if b == stop {
                return i;
            }
        }
    }
    s.len()
}

/// What a video id of each provider is.
#[derive(Clone, Copy)]
enum Id {
    /// 11 letters, digits, `_` or `-`.
    YouTube,
    /// 1 to 12 digits.
    Vimeo,
    /// 16 to 64 letters or digits.
    Loom,
}

impl Id {
    fn holds(self, id: &str) -> bool {
        let (min, max) = match self {
            Id::YouTube => (11, 11),
            Id::Vimeo => (1, 12),
            Id::Loom => (16, 64),
        };
        if id.len() < min || id.len() > max {
            return false;
        }
        for b in id.bytes() {
            let ok = match self {
                Id::YouTube => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
                Id::Vimeo => b.is_ascii_digit(),
                Id::Loom => b.is_ascii_alphanumeric(),
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embed(s: &str) -> Option<VideoSource> {
        Some(VideoSource::Embed(s.into()))
    }

    #[test]
    fn video_sources_accepted() {
        const YT: &str = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ";
        for u in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ#t=10",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
            "https://WWW.YouTube.com/watch?v=dQw4w9WgXcQ",
        ] {
            assert_eq!(video_source(u), embed(YT), "{u}");
        }
        assert_eq!(
            video_source("https://youtu.be/a-b_C1d2E3f"),
            embed("https://www.youtube-nocookie.com/embed/a-b_C1d2E3f")
        );
        for u in [
            "https://vimeo.com/76979871",
            "https://www.vimeo.com/76979871?share=copy",
            "https://player.vimeo.com/video/76979871",
        ] {
            assert_eq!(
                video_source(u),
                embed("https://player.vimeo.com/video/76979871"),
                "{u}"
            );
        }
        let loom = "https://www.loom.com/embed/0123456789abcdef0123456789abcdef";
        for u in [
            "https://www.loom.com/share/0123456789abcdef0123456789abcdef",
            "https://loom.com/share/0123456789abcdef0123456789abcdef?sid=x",
            "https://www.loom.com/embed/0123456789abcdef0123456789abcdef",
            "https://loom.com/embed/0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(video_source(u), embed(loom), "{u}");
        }
        for u in [
            "https://cdn.acme.test/intro.mp4",
            "https://cdn.acme.test/v/intro.webm?token=abc#t=5",
            "https://cdn.acme.test/intro.ogg",
            "https://cdn.acme.test/intro.OGV",
            "https://cdn.acme.test/intro.m4v",
            "https://cdn.acme.test:8443/a/b/Intro.MOV",
        ] {
            assert_eq!(video_source(u), Some(VideoSource::File(u.into())), "{u}");
        }
    }

    #[test]
    fn video_sources_refused() {
        let id = "dQw4w9WgXcQ";
        let long = "https://cdn.acme.test/".to_string() + &"a".repeat(2100) + ".mp4";
        let hostile = [
            // Not https.
            "javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ",
            "JAVASCRIPT:alert(1)",
            "data:video/mp4;base64,AAAA",
            "http://cdn.acme.test/intro.mp4",
            "http://youtu.be/dQw4w9WgXcQ",
            "HTTPS://youtu.be/dQw4w9WgXcQ",
            "Https://cdn.acme.test/intro.mp4",
            "//youtu.be/dQw4w9WgXcQ",
            "youtu.be/dQw4w9WgXcQ",
            "ftp://cdn.acme.test/intro.mp4",
            "",
            // Look-alike hosts, suffixes and prefixes.
            "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
            "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
            "https://evil.test/youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.co/watch?v=dQw4w9WgXcQ",
            "https://youtu.be.evil.test/dQw4w9WgXcQ",
            "https://youtube.com./watch?v=dQw4w9WgXcQ",
            "https://youtube.com:8080/watch?v=dQw4w9WgXcQ",
            "https://vimeo.com.evil.test/76979871",
            "https://evil.vimeo.com/76979871",
            "https://loom.com.evil.test/share/0123456789abcdef0123456789abcdef",
            "https://cdn.loom.com/share/0123456789abcdef0123456789abcdef",
            "https://youtube.com%2eevil.test/watch?v=dQw4w9WgXcQ",
            // Userinfo.
            "https://youtube.com@evil.test/watch?v=dQw4w9WgXcQ",
            "https://evil.test@youtu.be/dQw4w9WgXcQ",
            "https://user:pw@cdn.acme.test/intro.mp4",
            "https://@youtu.be/dQw4w9WgXcQ",
            // Bad ids: wrong length, characters, traversal, extra segments or slashes.
            "https://youtu.be/dQw4w9WgXc",
            "https://youtu.be/dQw4w9WgXcQQ",
            "https://youtu.be/dQw4w9W%67XcQ",
            "https://youtu.be/dQw4w9WgX.Q",
            "https://youtu.be/dQw4w9WgXcQ/",
            "https://youtu.be//dQw4w9WgXcQ",
            "https://youtu.be/",
            "https://youtu.be",
            "https://www.youtube.com/watch?v=",
            "https://www.youtube.com/watch?vv=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?x=1",
            "https://www.youtube.com/watch/?v=dQw4w9WgXcQ",
            "https://www.youtube.com//watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/embed/../../evil.test/dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ/../x",
            "https://www.youtube.com/embed//dQw4w9WgXcQ",
            "https://www.youtube.com/v/dQw4w9WgXcQ",
            "https://www.youtube.com/playlist?list=PL123",
            "https://www.youtube-nocookie.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/watch?v=dQw4w9WgXcQ",
            "https://vimeo.com/",
            "https://vimeo.com/abc",
            "https://vimeo.com/1234567890123",
            "https://vimeo.com/channels/staffpicks/76979871",
            "https://vimeo.com/76979871/",
            "https://vimeo.com/video/76979871",
            "https://player.vimeo.com/76979871",
            "https://player.vimeo.com/video/../76979871",
            "https://www.loom.com/share/short",
            "https://www.loom.com/share/0123456789abcdef-0123456789abcdef",
            "https://www.loom.com/share/../embed/0123456789abcdef0123456789abcdef",
            "https://www.loom.com/0123456789abcdef0123456789abcdef",
            "https://www.loom.com/share/0123456789abcdef0123456789abcdef/x",
            // Not a video file, or one only in appearance.
            "https://cdn.acme.test/intro.mp4.html",
            "https://cdn.acme.test/intro.html?file=x.mp4",
            "https://cdn.acme.test/page#x.mp4",
            "https://cdn.acme.test/intro.mp3",
            "https://cdn.acme.test/intro.svg",
            "https://cdn.acme.test/mp4",
            "https://cdn.acme.test",
            "https:///intro.mp4",
            "https://cdn.acme.test/in tro.mp4",
            "https://cdn.acme.test/\"onerror=\"alert(1).mp4",
            "https://cdn.acme.test/<script>.mp4",
            "https://cdn.acme.test/a\\b.mp4",
            "https://cdn.acme.test/intro.mp4\n",
            "https://youtu.be/dQw4w9WgXcQ\u{0}",
        ];
        for u in hostile {
            assert_eq!(video_source(u), None, "{u:?}");
        }
        assert_eq!(video_source(&long), None);
        assert!(video_source(&("https://youtu.be/".to_string() + id)).is_some());
    }
}
