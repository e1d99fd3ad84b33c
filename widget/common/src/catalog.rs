//! The message catalog: every string a visitor can see or hear (text, `aria-label`,
//! placeholder, live-region announcement) of every in-page module is a [`Msg`], written once
//! here. Only English (`en`) exists yet; the locales of the issue "Seven languages…" add tables
//! of the same keys (a test holds them to the same keys and placeholders).
//!
//! Placeholders are `{name}` and are filled by [`fill`]; numbers and times are formatted by
//! the caller through the browser's `Intl`, never here.

/// One visitor-visible string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    // --- engagement: outbound messages and tooltips (widget/engage) ---
    /// The close button of a banner, post, chat card or tooltip.
    Dismiss,
    /// The accessible name of a banner's region.
    BannerRegion,
    /// The accessible name of a post dialog without a title.
    PostUntitled,
    /// The accessible name of a chat card (a teammate's message above the launcher).
    ChatCard,
    /// The button that opens the messenger from a chat card.
    ChatReply,
    /// The hint beacon of a tooltip.
    TooltipHint,
    /// The accessible name of a tooltip's popover with buttons (a dialog) without a title.
    TooltipUntitled,
}

impl Msg {
    /// The English text.
    pub const fn en(self) -> &'static str {
        match self {
            Msg::Dismiss => "Dismiss",
            Msg::BannerRegion => "Announcement",
            Msg::PostUntitled => "Message",
            Msg::ChatCard => "New message",
            Msg::ChatReply => "Reply",
            Msg::TooltipHint => "Show tip",
            Msg::TooltipUntitled => "Tip",
        }
    }
}

/// The visitor's text for `m`.
pub fn t(m: Msg) -> &'static str {
    m.en()
}

/// `m` with each `{name}` replaced by its value (unknown placeholders stay as written).
pub fn fill(m: Msg, args: &[(&str, &str)]) -> String {
    let mut out = String::from(t(m));
    for (k, v) in args {
        let mut pat = String::from("{");
        pat.push_str(k);
        pat.push('}');
        out = out.replace(&pat, v);
    }
    out
}
