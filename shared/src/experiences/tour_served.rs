//! Tours as the widget is served them: the edge's work on each step (its body's markup, a
//! video's player), so the tour module links neither the Markdown parser nor the allowlist.

use super::video::{video_source, VideoSource};

/// A tour's content as the widget is served it (`/v1/eligible`): work done at the edge so the
/// tour module links neither the Markdown parser nor the video allowlist. Each step gets
/// `bodyHtml`, its body as markup (`chat::markup`: the Markdown subset's few elements, every
/// text and href escaped); a video step whose `videoUrl` is on the allowlist gets `player`,
/// `{kind: "file" | "embed", src, html}` ([`video_source`]'s answer: the file's URL, or the
/// embed URL built from the video's id; `html` its element, [`player_json`]). A URL not on the
/// allowlist (a tour saved before a check) gets no `player`: the step shows no video.
pub fn served_steps(content: &mut serde_json::Value) {
    let Some(steps) = content
        .get_mut("steps")
        .and_then(serde_json::Value::as_array_mut)
    else {
        return;
    };
    for st in steps {
        let Some(o) = st.as_object_mut() else {
            continue;
        };
        let mut html = String::new();
        if let Some(b) = o.get("body").and_then(|b| b.as_str()) {
            crate::chat::markup(&mut html, b);
        }
        o.insert("bodyHtml".into(), html.into());
        let video = o.get("kind").and_then(|k| k.as_str()) == Some("video");
        let player = o
            .get("videoUrl")
            .and_then(|u| u.as_str())
            .filter(|_| video)
            .and_then(video_source);
        match player {
            Some(v) => o.insert("player".into(), player_json(&v)),
            None => o.remove("player"),
        };
    }
}

/// A video step's `player`: `{kind, src, html}`, `html` the element the tour module draws as
/// is — a `<video controls>` for a file, a sandboxed `<iframe>` for an embed (scripts and its
/// own origin for the provider's player; no top navigation, popups or forms), its `src`
/// escaped. The iframe's accessible name (`title`) is the visitor's locale's: the tour module
/// sets it from its catalog.
fn player_json(v: &VideoSource) -> serde_json::Value {
    let (kind, src) = match v {
        VideoSource::File(s) => ("file", s),
        VideoSource::Embed(s) => ("embed", s),
    };
    let mut html = String::from(if kind == "embed" { "<iframe" } else { "<video" });
    html.push_str(" class=vd src=\"");
    crate::chat::esc(&mut html, src);
    html.push_str(if kind == "embed" {
        "\" sandbox=\"allow-scripts allow-same-origin allow-presentation\" allow=\"fullscreen; picture-in-picture; encrypted-media\" referrerpolicy=strict-origin-when-cross-origin loading=lazy></iframe>"
    } else {
        "\" controls preload=metadata></video>"
    });
    serde_json::json!({"kind": kind, "src": src, "html": html})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn served_steps_carry_their_markup_and_checked_player() {
        let mut c = json!({"steps": [
            {"body": "**Hi** <script>alert(1)</script> [x](javascript:alert(1))", "selector": "#a"},
            {"kind": "video", "body": "", "videoUrl": "https://www.youtube.com/watch?v=a-b_C1d2E3f"},
            {"kind": "video", "body": "v", "videoUrl": "https://cdn.test/intro.mp4"},
            {"kind": "video", "body": "v", "videoUrl": "javascript:alert(1)//.mp4"},
            {"kind": "post", "body": "p", "videoUrl": "https://cdn.test/intro.mp4", "player": {"kind": "file", "src": "x"}}
        ]});
        served_steps(&mut c);
        let s = &c["steps"];
        assert_eq!(
            s[0]["bodyHtml"],
            "<strong>Hi</strong> &lt;script>alert(1)&lt;/script> [x](javascript:alert(1))"
        );
        assert_eq!(s[0].get("player"), None);
        assert_eq!(s[1]["bodyHtml"], "");
        assert_eq!(
            s[1]["player"],
            json!({"kind": "embed", "src": "https://www.youtube-nocookie.com/embed/a-b_C1d2E3f",
                "html": "<iframe class=vd src=\"https://www.youtube-nocookie.com/embed/a-b_C1d2E3f\" sandbox=\"allow-scripts allow-same-origin allow-presentation\" allow=\"fullscreen; picture-in-picture; encrypted-media\" referrerpolicy=strict-origin-when-cross-origin loading=lazy></iframe>"})
        );
        assert_eq!(
            s[2]["player"],
            json!({"kind": "file", "src": "https://cdn.test/intro.mp4",
                "html": "<video class=vd src=\"https://cdn.test/intro.mp4\" controls preload=metadata></video>"})
        );
        assert_eq!(s[3].get("player"), None, "not on the allowlist: no video");
        assert_eq!(s[4].get("player"), None, "only a video step plays");
        // A URL with quotes or markup in it is never offered; what is offered is escaped.
        let mut q = json!({"steps": [
            {"kind": "video", "body": "", "videoUrl": "https://cdn.test/a.mp4?x=\"><script>alert(1)</script>"},
            {"kind": "video", "body": "", "videoUrl": "https://cdn.test/a.mp4?x=1&y=2"}
        ]});
        served_steps(&mut q);
        assert_eq!(q["steps"][0].get("player"), None);
        assert_eq!(
            q["steps"][1]["player"]["html"],
            "<video class=vd src=\"https://cdn.test/a.mp4?x=1&amp;y=2\" controls preload=metadata></video>"
        );
        let mut odd = json!({"steps": "x"});
        served_steps(&mut odd);
        assert_eq!(odd, json!({"steps": "x"}));
    }
}
