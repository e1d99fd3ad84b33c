//! Every string a visitor can see or hear, as a key ([`Msg`]) and its English text. The other
//! locales (`es.rs`, `fr.rs`, …) give each key its text by an exhaustive `match`, so a key
//! missing in a locale does not compile; the tests of `mod.rs` hold their placeholders to the
//! English ones. The widget compiles English in (`widget/common/src/catalog.rs`); the edge
//! sends a visitor the table of their locale at boot ([`super::Delivery`]).

/// One visitor-visible string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
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
    /// The accessible name of a tooltip's popover (a non-modal dialog) without a title.
    TooltipUntitled,

    // --- tours (widget/tour) ---
    /// A tour step's button back to the previous step.
    TourBack,
    /// A tour step's button to the next step.
    TourNext,
    /// The last step's button: the tour is done.
    TourDone,
    /// Hides the tour for the author's snooze hours ("Remind me later").
    TourSnooze,
    /// The accessible name of a tour step's close (×) button: it ends the tour.
    TourEnd,
    /// The accessible name of a tour step without a title.
    TourUntitled,
    /// Where the visitor is in the tour (`{step}`, `{total}`: digits).
    TourProgress,
    /// Announced when a step shows (`{step}`, `{total}`, `{title}`).
    TourAnnounce,
    /// The accessible name of a step's embedded video.
    TourVideo,

    // --- surveys (widget/survey) ---
    /// The accessible name of a survey's close (×) button: the survey is dismissed.
    SurveyClose,
    /// The accessible name of a survey (its card or dialog).
    SurveyUntitled,
    /// The intro screen's button when the author wrote none.
    SurveyStart,
    /// A question's button to the next question.
    SurveyNext,
    /// A question's button back to the previous question.
    SurveyBack,
    /// The last question's button: the answers are sent.
    SurveySubmit,
    /// The thank-you screen's title when the author wrote none.
    SurveyThanks,
    /// The thank-you screen's button when the author wrote none.
    SurveyDone,
    /// Under a required question left empty.
    SurveyRequired,
    /// Under an answer the question does not take.
    SurveyInvalid,
    /// A dropdown question's empty choice.
    SurveyChoose,
    /// The accessible name of a large survey's progress bar.
    SurveyProgress,
    /// Announced when a survey question shows (`{step}`, `{total}`: digits, `{question}`).
    SurveyAnnounce,
    /// The accessible name of a star rating's choice (`{rating}`: 1 to 5).
    SurveyStar,
    /// A face of an emoji rating: the lowest.
    SurveyFace1,
    /// A face of an emoji rating.
    SurveyFace2,
    /// A face of an emoji rating: the middle one.
    SurveyFace3,
    /// A face of an emoji rating.
    SurveyFace4,
    /// A face of an emoji rating: the highest.
    SurveyFace5,

    // --- core: the launcher and the panel (widget/src/ui.rs) ---
    /// The launcher's accessible name. The loader draws the same launcher before the core has
    /// arrived with widget/src/launcher-label.txt, which a test holds to this text.
    OpenMessenger,
    /// The launcher's accessible name with unread replies (`{count}`: digits, or
    /// [`Msg::UnreadOverflow`]).
    OpenMessengerUnread,
    /// The badge on the launcher past nine unread replies.
    UnreadOverflow,
    /// The panel's close button.
    CloseMessenger,
    /// The accessible name of the list of teammates in the panel's header.
    Team,
    /// The panel's title when the workspace has no team name.
    PanelTitle,
    /// In the panel before any message.
    NoMessages,
    /// The accessible name of the conversation's live log.
    ConversationLog,
    /// The composer's accessible name and placeholder.
    Compose,
    /// The composer's send button.
    Send,

    // --- core: loading the messenger (widget/src/chat) ---
    /// The status line when the messenger module could not be loaded.
    MessengerFailed,

    // --- messenger: the conversation (widget/messenger: view, outbox, live, lib) ---
    /// A message on its way (under the message, and on the status line).
    Sending,
    /// The status line when the edge refused a message for good.
    SendFailed,
    /// The status line while offline with messages waiting.
    Offline,
    /// The status line of a closed conversation.
    Closed,
    /// The status line of a closed conversation the visitor has rated.
    ClosedRated,
    /// The status line: nobody has answered yet, the visitor is first in the queue.
    QueueNext,
    /// The status line: nobody has answered yet (`{position}`: 2, 3, …).
    QueuePosition,
    /// The status line while a teammate types (`{name}`: the teammate's name).
    Typing,
    /// The status line while a teammate without a name types.
    TypingSomeone,
    /// The rating's question.
    RatingPrompt,
    /// The rating's comment field (accessible name and placeholder).
    RatingComment,
    /// The accessible name of a rating button (`{rating}`: 1 to 5).
    RatingOption,
    /// The status line after a rating.
    RatingThanks,
    /// The status line when a rating could not be sent.
    RatingFailed,

    // --- messenger: the list of conversations (widget/messenger/src/list.rs) ---
    /// The button that shows the visitor's conversations, and the list's accessible name.
    Conversations,
    /// The button that starts a new conversation.
    NewConversation,
    /// The status line when the list could not be loaded.
    ConversationsFailed,
    /// A conversation without a topic, in the list.
    ConversationUntitled,
    /// An open conversation in the list (`{topic}`, `{date}`: the browser's date format).
    ConversationOpen,
    /// A closed conversation in the list (`{topic}`, `{date}`).
    ConversationClosed,
    /// An open conversation with unread replies (`{topic}`, `{date}`, `{count}`).
    ConversationOpenUnread,
    /// A closed conversation with unread replies (`{topic}`, `{date}`, `{count}`).
    ConversationClosedUnread,

    // --- messenger: pre-chat questions (widget/messenger/src/prechat.rs) ---
    /// The label of the topic menu.
    TopicLabel,
    /// The topic menu's empty choice.
    TopicNone,
    /// The label of the email field.
    EmailLabel,
    /// The status line: a topic is required.
    TopicMissing,
    /// The status line: the consent notice must be accepted.
    ConsentMissing,
    /// The status line: the email field holds no plausible address.
    EmailInvalid,

    // --- messenger: office hours (widget/messenger/src/hours.rs) ---
    /// Under the welcome message while the team is in, replying within minutes.
    RepliesMinutes,
    /// Under the welcome message while the team is in, replying within hours.
    RepliesHours,
    /// Under the welcome message while the team is in, replying within a day.
    RepliesDay,
    /// Under the welcome message while the team is away (unless the workspace wrote its own).
    Away,

    // --- messenger: spaces (widget/messenger/src/spaces.rs, home, help, tickets, tasks) ---
    /// the tab list's accessible name
    Spaces,
    /// the Home tab
    SpaceHome,
    /// the Messages tab
    SpaceMessages,
    /// the Help tab
    SpaceHelp,
    /// the Tickets tab
    SpaceTickets,
    /// the Tasks tab
    SpaceTasks,
    /// the Tickets tab's accessible name with status changes not yet seen (`{count}`: digits)
    SpaceTicketsUpdated,
    /// Home: the heading above the latest conversation
    HomeRecent,
    /// Home: the button that starts a conversation
    HomeNewMessage,
    /// Home: the heading above the workspace's common questions
    HomeQuestions,
    /// Home: the heading above the visitor's checklists
    HomeChecklists,
    /// Help: the search field's accessible name and placeholder
    SearchHelp,
    /// Help: nothing matched
    SearchNone,
    /// Help: the search failed
    SearchFailed,
    /// Help: back from an article to the results
    ArticleBack,
    /// Help: an article could not be loaded
    ArticleFailed,
    /// Help: the feedback question under an article
    ArticleHelpful,
    /// Help: the feedback's yes
    FeedbackYes,
    /// Help: the feedback's no
    FeedbackNo,
    /// Help: after feedback
    FeedbackThanks,
    /// Help: a second vote, refused by the edge
    FeedbackAlready,
    /// Help: feedback could not be sent
    FeedbackFailed,
    /// Suggested articles: while writing a first message, and the help center's message
    SuggestedArticles,
    /// The help center's message: who wrote it
    HelpCenter,
    /// Tickets: the form's heading and its button on the list
    TicketNew,
    /// Tickets: the subject field
    TicketSubject,
    /// Tickets: the description field
    TicketDescription,
    /// Tickets: the form's send button
    TicketSend,
    /// Tickets: the status line once filed
    TicketFiled,
    /// Tickets: the status line when filing failed
    TicketFailed,
    /// Tickets: the heading of the visitor's tickets
    TicketsMine,
    /// Tickets: none yet
    TicketsNone,
    /// Tickets: the list could not be loaded
    TicketsFailed,
    /// Tickets: one in the list (`{subject}`, `{status}`: one of the status words, `{date}`)
    TicketLine,
    /// Tickets: announced when the team moves a ticket (`{subject}`, `{status}`)
    TicketMoved,
    /// Tickets: status word
    TicketOpen,
    /// Tickets: status word
    TicketPending,
    /// Tickets: status word
    TicketSolved,
    /// Tickets: status word
    TicketClosed,
    /// Tasks: no checklist
    TasksNone,
    /// Tasks: the checklists could not be loaded
    TasksFailed,
    /// Tasks: a checklist's progress (`{done}`, `{total}`: digits)
    ChecklistProgress,
    /// Tasks: a task's state, done (after its title, for screen readers too)
    TaskDone,
    /// Tasks: a task's state, to do
    TaskTodo,
    /// Tasks: a task's button that starts a product tour
    TaskTour,
    /// Tasks: a task's button that opens a page
    TaskOpen,
    /// Tasks: a task's button that does what the task asks (tracks its event)
    TaskDo,
    /// Tasks: a task could not be ticked
    TaskFailed,
}

impl Msg {
    /// Every message, for the tests (this is never linked into a module).
    pub const ALL: &'static [Msg] = &[
        Msg::Dismiss,
        Msg::BannerRegion,
        Msg::PostUntitled,
        Msg::ChatCard,
        Msg::ChatReply,
        Msg::TooltipHint,
        Msg::TooltipUntitled,
        Msg::TourBack,
        Msg::TourNext,
        Msg::TourDone,
        Msg::TourSnooze,
        Msg::TourEnd,
        Msg::TourUntitled,
        Msg::TourProgress,
        Msg::TourAnnounce,
        Msg::TourVideo,
        Msg::SurveyClose,
        Msg::SurveyUntitled,
        Msg::SurveyStart,
        Msg::SurveyNext,
        Msg::SurveyBack,
        Msg::SurveySubmit,
        Msg::SurveyThanks,
        Msg::SurveyDone,
        Msg::SurveyRequired,
        Msg::SurveyInvalid,
        Msg::SurveyChoose,
        Msg::SurveyProgress,
        Msg::SurveyAnnounce,
        Msg::SurveyStar,
        Msg::SurveyFace1,
        Msg::SurveyFace2,
        Msg::SurveyFace3,
        Msg::SurveyFace4,
        Msg::SurveyFace5,
        Msg::OpenMessenger,
        Msg::OpenMessengerUnread,
        Msg::UnreadOverflow,
        Msg::CloseMessenger,
        Msg::Team,
        Msg::PanelTitle,
        Msg::NoMessages,
        Msg::ConversationLog,
        Msg::Compose,
        Msg::Send,
        Msg::MessengerFailed,
        Msg::Sending,
        Msg::SendFailed,
        Msg::Offline,
        Msg::Closed,
        Msg::ClosedRated,
        Msg::QueueNext,
        Msg::QueuePosition,
        Msg::Typing,
        Msg::TypingSomeone,
        Msg::RatingPrompt,
        Msg::RatingComment,
        Msg::RatingOption,
        Msg::RatingThanks,
        Msg::RatingFailed,
        Msg::Conversations,
        Msg::NewConversation,
        Msg::ConversationsFailed,
        Msg::ConversationUntitled,
        Msg::ConversationOpen,
        Msg::ConversationClosed,
        Msg::ConversationOpenUnread,
        Msg::ConversationClosedUnread,
        Msg::TopicLabel,
        Msg::TopicNone,
        Msg::EmailLabel,
        Msg::TopicMissing,
        Msg::ConsentMissing,
        Msg::EmailInvalid,
        Msg::RepliesMinutes,
        Msg::RepliesHours,
        Msg::RepliesDay,
        Msg::Away,
        Msg::Spaces,
        Msg::SpaceHome,
        Msg::SpaceMessages,
        Msg::SpaceHelp,
        Msg::SpaceTickets,
        Msg::SpaceTasks,
        Msg::SpaceTicketsUpdated,
        Msg::HomeRecent,
        Msg::HomeNewMessage,
        Msg::HomeQuestions,
        Msg::HomeChecklists,
        Msg::SearchHelp,
        Msg::SearchNone,
        Msg::SearchFailed,
        Msg::ArticleBack,
        Msg::ArticleFailed,
        Msg::ArticleHelpful,
        Msg::FeedbackYes,
        Msg::FeedbackNo,
        Msg::FeedbackThanks,
        Msg::FeedbackAlready,
        Msg::FeedbackFailed,
        Msg::SuggestedArticles,
        Msg::HelpCenter,
        Msg::TicketNew,
        Msg::TicketSubject,
        Msg::TicketDescription,
        Msg::TicketSend,
        Msg::TicketFiled,
        Msg::TicketFailed,
        Msg::TicketsMine,
        Msg::TicketsNone,
        Msg::TicketsFailed,
        Msg::TicketLine,
        Msg::TicketMoved,
        Msg::TicketOpen,
        Msg::TicketPending,
        Msg::TicketSolved,
        Msg::TicketClosed,
        Msg::TasksNone,
        Msg::TasksFailed,
        Msg::ChecklistProgress,
        Msg::TaskDone,
        Msg::TaskTodo,
        Msg::TaskTour,
        Msg::TaskOpen,
        Msg::TaskDo,
        Msg::TaskFailed,
    ];

    /// The English text.
    #[inline(always)]
    pub const fn en(self) -> &'static str {
        match self {
            Msg::Dismiss => "Dismiss",
            Msg::BannerRegion => "Announcement",
            Msg::PostUntitled => "Message",
            Msg::ChatCard => "New message",
            Msg::ChatReply => "Reply",
            Msg::TooltipHint => "Show tip",
            Msg::TooltipUntitled => "Tip",
            Msg::TourBack => "Back",
            Msg::TourNext => "Next",
            Msg::TourDone => "Done",
            Msg::TourSnooze => "Remind me later",
            Msg::TourEnd => "End tour",
            Msg::TourUntitled => "Product tour",
            Msg::TourProgress => "{step} of {total}",
            Msg::TourAnnounce => "Step {step} of {total}: {title}",
            Msg::TourVideo => "Video",

            Msg::SurveyClose => "Close survey",
            Msg::SurveyUntitled => "Survey",
            Msg::SurveyStart => "Start",
            Msg::SurveyNext => "Next",
            Msg::SurveyBack => "Back",
            Msg::SurveySubmit => "Submit",
            Msg::SurveyThanks => "Thank you!",
            Msg::SurveyDone => "Close",
            Msg::SurveyRequired => "Please answer this question.",
            Msg::SurveyInvalid => "This answer is not valid.",
            Msg::SurveyChoose => "Choose an answer",
            Msg::SurveyProgress => "Survey progress",
            Msg::SurveyAnnounce => "Question {step} of {total}: {question}",
            Msg::SurveyStar => "{rating} out of 5 stars",
            Msg::SurveyFace1 => "Very unhappy",
            Msg::SurveyFace2 => "Unhappy",
            Msg::SurveyFace3 => "Neutral",
            Msg::SurveyFace4 => "Happy",
            Msg::SurveyFace5 => "Very happy",

            Msg::OpenMessenger => "Open messenger",
            Msg::OpenMessengerUnread => "Open messenger, {count} unread",
            Msg::UnreadOverflow => "9+",
            Msg::CloseMessenger => "Close messenger",
            Msg::Team => "Team",
            Msg::PanelTitle => "Messages",
            Msg::NoMessages => "No messages yet.",
            Msg::ConversationLog => "Conversation",
            Msg::Compose => "Write a message…",
            Msg::Send => "Send",

            Msg::MessengerFailed => "Messages could not load. Close and reopen to try again.",

            Msg::Sending => "Sending…",
            Msg::SendFailed => "A message could not be sent.",
            Msg::Offline => "Offline — your message will be sent when you are back online.",
            Msg::Closed => "This conversation is closed.",
            Msg::ClosedRated => "This conversation is closed. Thanks for your feedback!",
            Msg::QueueNext => "You are next in line.",
            Msg::QueuePosition => "You are number {position} in line.",
            Msg::Typing => "{name} is typing…",
            Msg::TypingSomeone => "Someone is typing…",
            Msg::RatingPrompt => "How did we do?",
            Msg::RatingComment => "Comment (optional)",
            Msg::RatingOption => "{rating} out of 5",
            Msg::RatingThanks => "Thanks for your feedback!",
            Msg::RatingFailed => "Your rating could not be sent; try again.",

            Msg::Conversations => "Your conversations",
            Msg::NewConversation => "New conversation",
            Msg::ConversationsFailed => "Your conversations could not be loaded; try again.",
            Msg::ConversationUntitled => "Conversation",
            Msg::ConversationOpen => "{topic} · open · {date}",
            Msg::ConversationClosed => "{topic} · closed · {date}",
            Msg::ConversationOpenUnread => "{topic} · open · {date} · {count} unread",
            Msg::ConversationClosedUnread => "{topic} · closed · {date} · {count} unread",

            Msg::TopicLabel => "What is this about?",
            Msg::TopicNone => "Choose a topic",
            Msg::EmailLabel => "Your email, to get our reply (optional)",
            Msg::TopicMissing => "Choose a topic first.",
            Msg::ConsentMissing => "Please accept the notice to start the conversation.",
            Msg::EmailInvalid => "That email address does not look right.",

            Msg::RepliesMinutes => "The team typically replies in a few minutes.",
            Msg::RepliesHours => "The team typically replies in a few hours.",
            Msg::RepliesDay => "The team typically replies within a day.",
            Msg::Away => "We are away right now. Leave a message and we will get back to you.",

            Msg::Spaces => "Messenger sections",
            Msg::SpaceHome => "Home",
            Msg::SpaceMessages => "Messages",
            Msg::SpaceHelp => "Help",
            Msg::SpaceTickets => "Tickets",
            Msg::SpaceTasks => "Tasks",
            Msg::SpaceTicketsUpdated => "Tickets, {count} updated",
            Msg::HomeRecent => "Recent conversation",
            Msg::HomeNewMessage => "Send us a message",
            Msg::HomeQuestions => "Common questions",
            Msg::HomeChecklists => "Get started",
            Msg::SearchHelp => "Search for help",
            Msg::SearchNone => "No articles match your search.",
            Msg::SearchFailed => "Search is not available right now; try again.",
            Msg::ArticleBack => "Back to results",
            Msg::ArticleFailed => "This article could not be loaded.",
            Msg::ArticleHelpful => "Was this helpful?",
            Msg::FeedbackYes => "Yes",
            Msg::FeedbackNo => "No",
            Msg::FeedbackThanks => "Thanks for letting us know!",
            Msg::FeedbackAlready => "You already told us about this article.",
            Msg::FeedbackFailed => "Your answer could not be sent; try again.",
            Msg::SuggestedArticles => "These articles might help",
            Msg::HelpCenter => "Help center",
            Msg::TicketNew => "New ticket",
            Msg::TicketSubject => "Subject",
            Msg::TicketDescription => "Describe the problem",
            Msg::TicketSend => "Send ticket",
            Msg::TicketFiled => "Thanks! Your ticket is filed.",
            Msg::TicketFailed => "Your ticket could not be sent; check both fields and try again.",
            Msg::TicketsMine => "Your tickets",
            Msg::TicketsNone => "You have no tickets yet.",
            Msg::TicketsFailed => "Your tickets could not be loaded; try again.",
            Msg::TicketLine => "{subject} · {status} · {date}",
            Msg::TicketMoved => "Your ticket “{subject}” is now {status}.",
            Msg::TicketOpen => "open",
            Msg::TicketPending => "pending",
            Msg::TicketSolved => "solved",
            Msg::TicketClosed => "closed",
            Msg::TasksNone => "Nothing to do here right now.",
            Msg::TasksFailed => "Your tasks could not be loaded; try again.",
            Msg::ChecklistProgress => "{done} of {total} done",
            Msg::TaskDone => "Done",
            Msg::TaskTodo => "To do",
            Msg::TaskTour => "Start the tour",
            Msg::TaskOpen => "Open",
            Msg::TaskDo => "Do it",
            Msg::TaskFailed => "That task could not be saved; try again.",
        }
    }
}
