//! The core ↔ messenger contract, defined once: both modules are built against these names, and
//! they share no memory, so a name spelled differently on each side would only fail in a browser.
//! - the core calls the messenger's exports ([`Export`]), in order, once it has loaded;
//! - the messenger calls the *host* object the core hands to `init` ([`Host`]) and tells it
//!   what happened through `emit` ([`Emit`]);
//! - the core builds the panel and the messenger finds its parts by class ([`Part`]).

/// The messenger's exported functions (`#[wasm_bindgen] pub fn <name>` in `widget/messenger`;
/// its tests hold each one to this list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// `init(host)`: first, with the [`Host`] object.
    Init,
    /// `configure(settings)`: the boot's `settings` (office hours, pre-chat, rating).
    Configure,
    /// `mount(panel, again)`: the panel element, whose [`Part`]s it fills. `again` is true when
    /// the core drew the same workspace's panel again (a boot in another locale): the messenger
    /// keeps its place (the space shown, what it showed, the ticket updates not yet seen) if
    /// the host's `visitor` is the one it drew them for; otherwise (`undefined`: a first mount,
    /// another workspace, a boot after shutdown; or a boot naming another user) it starts on
    /// Home.
    Mount,
    /// `start(workspaceId)`: load the conversation, connect, send what is queued.
    Start,
    /// `restart(workspaceId)`: the visitor changed (a sign-in merged it).
    Restart,
    /// `stop(workspaceId)`: shutdown; the socket closes, the outbox goes.
    Stop,
    /// `seen()`: the open panel is in sight.
    Seen,
    /// `submit()`: Enter or Send in the core's composer.
    Submit,
    /// `space(name, arg)`: show one of the panel's spaces ([`SPACES`]): `messages`
    /// (`showMessages`, `showNewMessage`), `article` + an id (`showArticle`), `checklist` + an
    /// id (`startChecklist`).
    Space,
}

impl Export {
    pub const ALL: [Export; 9] = [
        Export::Init,
        Export::Configure,
        Export::Mount,
        Export::Start,
        Export::Restart,
        Export::Stop,
        Export::Seen,
        Export::Submit,
        Export::Space,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Export::Init => "init",
            Export::Configure => "configure",
            Export::Mount => "mount",
            Export::Start => "start",
            Export::Restart => "restart",
            Export::Stop => "stop",
            Export::Seen => "seen",
            Export::Submit => "submit",
            Export::Space => "space",
        }
    }

    /// The names of its arguments, in order (the messenger's declaration names the same ones;
    /// the core passes them in this order).
    pub const fn params(self) -> &'static [&'static str] {
        match self {
            Export::Init => &["host"],
            Export::Configure => &["settings"],
            Export::Mount => &["panel", "again"],
            Export::Start | Export::Restart | Export::Stop => &["ws"],
            Export::Seen | Export::Submit => &[],
            Export::Space => &["name", "arg"],
        }
    }
}

/// The members of the host object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `call(method, path, body?)` → a promise of the parsed JSON, or a rejection
    /// `{status, code}`: the core's authed call (refresh and re-boot stay in the core).
    Call,
    /// `emit(name, value)`: see [`Emit`].
    Emit,
    /// `api`: the API base URL.
    Api,
    /// `visitor`: the booted visitor, kept current by the core.
    Visitor,
}

impl Host {
    pub const fn name(self) -> &'static str {
        match self {
            Host::Call => "call",
            Host::Emit => "emit",
            Host::Api => "api",
            Host::Visitor => "visitor",
        }
    }
}

/// What the messenger and the engagement module report through `host.emit(name, value)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    /// A message in the visitor's conversation: the page's `message` event.
    Message,
    /// The unread count, unchanged: only the launcher's badge.
    Badge,
    /// The unread count changed: the badge and the page's `unreadCountChange` event.
    UnreadCountChange,
    /// An item was shown: the page's `contentShown` event (`{id, kind}`).
    ContentShown,
    /// An item was dismissed: the page's `contentDismissed` event (`{id, kind}`).
    ContentDismissed,
    /// A tour was completed: the page's `tourCompleted` event (`{id}`).
    TourCompleted,
    /// A survey was completed: the page's `surveyCompleted` event (`{id, answers}`: question
    /// id → answer, the path taken).
    SurveyCompleted,
    /// A button asked for the messenger (`open_messenger`, a chat card's reply): the panel
    /// opens, as `show()` would.
    OpenMessenger,
}

impl Emit {
    pub const ALL: [Emit; 8] = [
        Emit::Message,
        Emit::Badge,
        Emit::UnreadCountChange,
        Emit::ContentShown,
        Emit::ContentDismissed,
        Emit::TourCompleted,
        Emit::SurveyCompleted,
        Emit::OpenMessenger,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Emit::Message => "message",
            Emit::Badge => "badge",
            Emit::UnreadCountChange => "unreadCountChange",
            Emit::ContentShown => "contentShown",
            Emit::ContentDismissed => "contentDismissed",
            Emit::TourCompleted => "tourCompleted",
            Emit::SurveyCompleted => "surveyCompleted",
            Emit::OpenMessenger => "openMessenger",
        }
    }

    pub fn from_name(name: &str) -> Option<Emit> {
        Emit::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// The engagement module's exported functions (`widget/engage`: outbound messages, tooltips,
/// and later tours, surveys, checklists). The core loads it when a boot or a navigation finds
/// something eligible, or the page calls a command it owns ([`ENGAGE_COMMANDS`]). It is handed
/// the same [`Host`] object as the messenger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngageExport {
    /// `init(host, workspaceId, {settings, nonce, load})`: first; `settings` are the messenger
    /// settings of the boot, `load(name)` the loader's module loader (the tour and survey modules).
    Init,
    /// `eligible(answer)`: a `/v1/eligible` answer (the boot's or a navigation's) for the
    /// page now shown.
    Eligible,
    /// `command(name, args)`: one of [`ENGAGE_COMMANDS`] from the page, `args` an array
    /// (`update`: the visitor or the page changed, ask the edge again).
    Command,
    /// `stop()`: shutdown or another workspace: everything shown goes, nothing more is sent.
    Stop,
}

impl EngageExport {
    pub const ALL: [EngageExport; 4] = [
        EngageExport::Init,
        EngageExport::Eligible,
        EngageExport::Command,
        EngageExport::Stop,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            EngageExport::Init => "init",
            EngageExport::Eligible => "eligible",
            EngageExport::Command => "command",
            EngageExport::Stop => "stop",
        }
    }
}

/// The tour module's exports (`widget/tour`), called by the engagement module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourExport {
    /// `show({root, nonce?, step, index, count, progress, missing, rtl, act}, exports)`: draws a
    /// step in `root`; `act(name)` hears one of [`TOUR_ACTS`], once per step. `exports` is the
    /// module's own (the loader's module object, which every lazy module's call is handed): its
    /// export `on` is the one callback of its listeners and observers (no wasm-bindgen
    /// `Closure` in the module). `rtl`: the catalog's direction, the engagement module's.
    Show,
    /// `hide()`: the tour ends here or leaves this page; focus goes back where it was.
    Hide,
}

impl TourExport {
    pub const fn name(self) -> &'static str {
        match self {
            TourExport::Show => "show",
            TourExport::Hide => "hide",
        }
    }
}

/// What a tour step reports: the visitor's `next`, `back`, `done`, `snooze`, `dismiss`; and,
/// when the step's element never came, the tour's policy: `skip` or `end`.
pub const TOUR_ACTS: [&str; 7] = ["next", "back", "done", "snooze", "dismiss", "skip", "end"];

/// The survey module's exports (`widget/survey`), called by the engagement module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyExport {
    /// `show({root, nonce?, large, screen, question?, value?, index, count, title?, body?,
    /// button?, act})`: draws one screen (`intro`, `question`, `thanks`) in `root`;
    /// `act(name, value)` hears one of [`SURVEY_ACTS`] and answers `undefined` (go on) or one
    /// of [`SURVEY_ERRORS`] (the answer is refused: the screen says why and stays).
    Show,
    /// `hide()`: the survey goes; focus goes back where it was.
    Hide,
}

impl SurveyExport {
    pub const fn name(self) -> &'static str {
        match self {
            SurveyExport::Show => "show",
            SurveyExport::Hide => "hide",
        }
    }
}

/// What a survey screen reports: `start` (the intro's button), `next` with the raw answer
/// (`undefined` when none), `back`, `close` (× or Escape: a dismissal), `done` (the thank-you
/// screen closed).
pub const SURVEY_ACTS: [&str; 5] = ["start", "next", "back", "close", "done"];

/// Why the engagement module refuses an answer (`act` returns one): a required question left
/// empty, or an answer the question does not take (`Question::check`).
pub const SURVEY_ERRORS: [&str; 2] = ["required", "invalid"];

/// Whether a module's source declares the export `name` (`#[wasm_bindgen]` on `pub fn name(`),
/// and whether its sources name each act of `acts` (quoted, or a button's `data-a=`): the
/// modules' tests hold their side of a contract with these.
pub fn declares(src: &str, name: &str) -> bool {
    src.contains(&["#[wasm_bindgen]\npub fn ", name, "("].concat())
}

/// The acts of `acts` that `src` never names (see [`declares`]).
pub fn unnamed<'a>(src: &str, acts: &[&'a str]) -> Vec<&'a str> {
    acts.iter()
        .copied()
        .filter(|a| {
            !src.contains(&["\"", a, "\""].concat()) && !src.contains(&["data-a=", a].concat())
        })
        .collect()
}

/// The page's commands the engagement module carries out (the core routes them there).
pub const ENGAGE_COMMANDS: [&str; 5] = ["track", "startTour", "startSurvey", "debug", "update"];

/// The page's commands the messenger carries out in its spaces (the core opens the panel and
/// calls `space`): `showArticle(id)` → `article`, `startChecklist(id)` → `checklist`.
pub const MESSENGER_COMMANDS: [(&str, &str); 2] =
    [("showArticle", "article"), ("startChecklist", "checklist")];

/// The panel's spaces, in the order of its tabs (`space(name)` names one of them, or
/// `article` / `checklist`, which open inside Help / Tasks).
pub const SPACES: [&str; 5] = ["home", "messages", "help", "tickets", "tasks"];

/// The parts of the panel the core builds (widget/src/ui.rs) and the messenger fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The scrolling body: welcome message, availability, the conversation.
    Body,
    /// "No messages yet."
    Empty,
    /// The `<ol>` of messages.
    Messages,
    /// The status line.
    Status,
    /// The rating (CSAT) area.
    Rating,
    /// The composer's form.
    Form,
    /// The composer's text area.
    Input,
}

impl Part {
    pub const ALL: [Part; 7] = [
        Part::Body,
        Part::Empty,
        Part::Messages,
        Part::Status,
        Part::Rating,
        Part::Form,
        Part::Input,
    ];

    /// Its class (one word: CSS in widget.css styles it).
    pub const fn class(self) -> &'static str {
        match self {
            Part::Body => "b",
            Part::Empty => "e",
            Part::Messages => "ms",
            Part::Status => "q",
            Part::Rating => "cs",
            Part::Form => "f",
            Part::Input => "ta",
        }
    }

    /// `.` + its class, for `querySelector`.
    pub const fn selector(self) -> &'static str {
        match self {
            Part::Body => ".b",
            Part::Empty => ".e",
            Part::Messages => ".ms",
            Part::Status => ".q",
            Part::Rating => ".cs",
            Part::Form => ".f",
            Part::Input => ".ta",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_classes_are_words() {
        let exports: Vec<_> = Export::ALL.iter().map(|e| e.name()).collect();
        let mut unique = exports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), exports.len());
        let mut classes: Vec<_> = Part::ALL.iter().map(|p| p.class()).collect();
        assert!(classes
            .iter()
            .all(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase())));
        classes.sort_unstable();
        classes.dedup();
        assert_eq!(classes.len(), Part::ALL.len());
        for p in Part::ALL {
            assert_eq!(p.selector(), [".", p.class()].concat());
        }
        assert_eq!(
            Emit::from_name("unreadCountChange"),
            Some(Emit::UnreadCountChange)
        );
        assert_eq!(Emit::from_name("other"), None);
        let mut emits: Vec<_> = Emit::ALL.iter().map(|e| e.name()).collect();
        emits.sort_unstable();
        emits.dedup();
        assert_eq!(emits.len(), Emit::ALL.len());
    }
}
