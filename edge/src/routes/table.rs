//! The route table: every route is one row of [`ROUTES`] (method, path template, [`Op`]),
//! matched by `matchit`. [`find`] answers `404` / `405` before anything is read;
//! `routes::run` calls the handler.

use std::sync::OnceLock;

use porchlight_shared::vocab::{Family, Transition};
use porchlight_shared::{ApiError, ErrorCode};
use worker::Method;

use Family::{Checklists, Outbound, Surveys, Tooltips, Tours};
use Op::*;
use Transition::{Activate, Archive, Pause};

/// What a routed request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Health,
    HealthDb,
    SessionBoot,
    SessionIdentify,
    SessionRefresh,
    SessionRevoke,
    EventsTrack,
    EligibleEligible,
    EligibleRecord,
    HelpSearch,
    TicketsList,
    TicketsCreate,
    TicketsAdminList,
    TicketsAdminStatus,
    ChatListMine,
    ChatStart,
    ChatTicket,
    ChatLive,
    ChatAdminTicket,
    ChatAdminLive,
    ChatAdminLiveStats,
    ChatAdminList,
    ChatListTeammates,
    ChatCreateTeammate,
    AdminCreateWorkspace,
    AdminGetWorkspace,
    AdminPatchWorkspace,
    AdminRotateIdentitySecret,
    AdminRotateSecretKey,
    SegmentsList,
    AudienceReach,
    PreviewsCreate,
    AnalyticsCsat,
    AnalyticsItem,
    SegmentsCreate,
    ItemList(Family),
    ItemCreate(Family),
    HelpListCollections,
    HelpCreateCollection,
    HelpListArticles,
    HelpCreateArticle,
    ChatMessages,
    ChatSend,
    ChatRead,
    ChatCsat,
    ChatAdminMessages,
    ChatAdminSend,
    ChatAdminRead,
    ChatAdminClose,
    ChatAdminAssign,
    ChatDeleteTeammate,
    TicketsGet,
    HelpRead,
    HelpFeedback,
    AdminGetVisitor,
    SegmentsGet,
    SegmentsPatch,
    SegmentsDelete,
    ItemGet(Family),
    ItemPatch(Family),
    ItemDelete(Family),
    ItemStatus(Family, Transition),
    ProgressResults,
    ProgressTour,
    ProgressRespond,
    ProgressTask,
    HelpGetCollection,
    HelpPatchCollection,
    HelpDeleteCollection,
    HelpGetArticleAdmin,
    HelpPatchArticle,
    HelpDeleteArticle,
    ArticleStatus(Transition),
}

/// Every route the edge answers. tests/api/openapi.test.mjs reads the `(Method::X, "/path"`
/// pairs of this table and holds them to edge/openapi.json; a `405` lists the methods of the
/// path's rows in `Allow`.
#[rustfmt::skip]
pub const ROUTES: &[(Method, &str, Op)] = &[
    (Method::Get, "/health", Health),
    (Method::Get, "/health/db", HealthDb),
    (Method::Post, "/v1/boot", SessionBoot),
    (Method::Post, "/v1/identify", SessionIdentify),
    (Method::Post, "/v1/session/refresh", SessionRefresh),
    (Method::Post, "/v1/session/revoke", SessionRevoke),
    (Method::Post, "/v1/events", EventsTrack),
    (Method::Get, "/v1/eligible", EligibleEligible),
    (Method::Post, "/v1/impressions", EligibleRecord),
    (Method::Get, "/v1/articles/search", HelpSearch),
    (Method::Get, "/v1/tickets", TicketsList),
    (Method::Post, "/v1/tickets", TicketsCreate),
    (Method::Get, "/v1/conversations", ChatListMine),
    (Method::Post, "/v1/conversations", ChatStart),
    (Method::Post, "/v1/live/ticket", ChatTicket),
    (Method::Get, "/v1/live", ChatLive),
    (Method::Post, "/admin/v1/live/ticket", ChatAdminTicket),
    (Method::Get, "/admin/v1/live", ChatAdminLive),
    (Method::Get, "/admin/v1/live/stats", ChatAdminLiveStats),
    (Method::Get, "/admin/v1/conversations", ChatAdminList),
    (Method::Get, "/admin/v1/tickets", TicketsAdminList),
    (Method::Get, "/admin/v1/teammates", ChatListTeammates),
    (Method::Post, "/admin/v1/teammates", ChatCreateTeammate),
    (Method::Post, "/admin/v1/workspaces", AdminCreateWorkspace),
    (Method::Get, "/admin/v1/workspace", AdminGetWorkspace),
    (Method::Patch, "/admin/v1/workspace", AdminPatchWorkspace),
    (Method::Post, "/admin/v1/workspace/identity-secret/rotate", AdminRotateIdentitySecret),
    (Method::Post, "/admin/v1/workspace/secret-key/rotate", AdminRotateSecretKey),
    (Method::Get, "/admin/v1/segments", SegmentsList),
    (Method::Post, "/admin/v1/audience/reach", AudienceReach),
    (Method::Post, "/admin/v1/previews", PreviewsCreate),
    (Method::Get, "/admin/v1/analytics/csat", AnalyticsCsat),
    (Method::Get, "/admin/v1/analytics/items/{id}", AnalyticsItem),
    (Method::Post, "/admin/v1/segments", SegmentsCreate),
    (Method::Get, "/admin/v1/outbound", ItemList(Outbound)),
    (Method::Post, "/admin/v1/outbound", ItemCreate(Outbound)),
    (Method::Get, "/admin/v1/tooltips", ItemList(Tooltips)),
    (Method::Post, "/admin/v1/tooltips", ItemCreate(Tooltips)),
    (Method::Get, "/admin/v1/tours", ItemList(Tours)),
    (Method::Post, "/admin/v1/tours", ItemCreate(Tours)),
    (Method::Get, "/admin/v1/surveys", ItemList(Surveys)),
    (Method::Post, "/admin/v1/surveys", ItemCreate(Surveys)),
    (Method::Get, "/admin/v1/checklists", ItemList(Checklists)),
    (Method::Post, "/admin/v1/checklists", ItemCreate(Checklists)),
    (Method::Get, "/admin/v1/collections", HelpListCollections),
    (Method::Post, "/admin/v1/collections", HelpCreateCollection),
    (Method::Get, "/admin/v1/articles", HelpListArticles),
    (Method::Post, "/admin/v1/articles", HelpCreateArticle),
    (Method::Get, "/v1/conversations/{id}/messages", ChatMessages),
    (Method::Post, "/v1/conversations/{id}/messages", ChatSend),
    (Method::Post, "/v1/conversations/{id}/read", ChatRead),
    (Method::Post, "/v1/conversations/{id}/csat", ChatCsat),
    (Method::Get, "/admin/v1/conversations/{id}/messages", ChatAdminMessages),
    (Method::Post, "/admin/v1/conversations/{id}/messages", ChatAdminSend),
    (Method::Post, "/admin/v1/conversations/{id}/read", ChatAdminRead),
    (Method::Post, "/admin/v1/conversations/{id}/close", ChatAdminClose),
    (Method::Post, "/admin/v1/conversations/{id}/assign", ChatAdminAssign),
    (Method::Delete, "/admin/v1/teammates/{id}", ChatDeleteTeammate),
    (Method::Post, "/admin/v1/tickets/{id}/status", TicketsAdminStatus),
    (Method::Get, "/v1/tickets/{id}", TicketsGet),
    (Method::Get, "/v1/articles/{id}", HelpRead),
    (Method::Post, "/v1/articles/{id}/feedback", HelpFeedback),
    (Method::Get, "/admin/v1/visitors/{id}", AdminGetVisitor),
    (Method::Get, "/admin/v1/segments/{id}", SegmentsGet),
    (Method::Patch, "/admin/v1/segments/{id}", SegmentsPatch),
    (Method::Delete, "/admin/v1/segments/{id}", SegmentsDelete),
    (Method::Get, "/admin/v1/outbound/{id}", ItemGet(Outbound)),
    (Method::Patch, "/admin/v1/outbound/{id}", ItemPatch(Outbound)),
    (Method::Delete, "/admin/v1/outbound/{id}", ItemDelete(Outbound)),
    (Method::Post, "/admin/v1/outbound/{id}/activate", ItemStatus(Outbound, Activate)),
    (Method::Post, "/admin/v1/outbound/{id}/pause", ItemStatus(Outbound, Pause)),
    (Method::Post, "/admin/v1/outbound/{id}/archive", ItemStatus(Outbound, Archive)),
    (Method::Get, "/admin/v1/tooltips/{id}", ItemGet(Tooltips)),
    (Method::Patch, "/admin/v1/tooltips/{id}", ItemPatch(Tooltips)),
    (Method::Delete, "/admin/v1/tooltips/{id}", ItemDelete(Tooltips)),
    (Method::Post, "/admin/v1/tooltips/{id}/activate", ItemStatus(Tooltips, Activate)),
    (Method::Post, "/admin/v1/tooltips/{id}/pause", ItemStatus(Tooltips, Pause)),
    (Method::Post, "/admin/v1/tooltips/{id}/archive", ItemStatus(Tooltips, Archive)),
    (Method::Get, "/admin/v1/surveys/{id}/results", ProgressResults),
    (Method::Post, "/v1/tours/{id}/progress", ProgressTour),
    (Method::Post, "/v1/surveys/{id}/responses", ProgressRespond),
    (Method::Post, "/v1/checklists/{id}/tasks/{taskId}", ProgressTask),
    (Method::Get, "/admin/v1/tours/{id}", ItemGet(Tours)),
    (Method::Patch, "/admin/v1/tours/{id}", ItemPatch(Tours)),
    (Method::Delete, "/admin/v1/tours/{id}", ItemDelete(Tours)),
    (Method::Post, "/admin/v1/tours/{id}/activate", ItemStatus(Tours, Activate)),
    (Method::Post, "/admin/v1/tours/{id}/pause", ItemStatus(Tours, Pause)),
    (Method::Post, "/admin/v1/tours/{id}/archive", ItemStatus(Tours, Archive)),
    (Method::Get, "/admin/v1/surveys/{id}", ItemGet(Surveys)),
    (Method::Patch, "/admin/v1/surveys/{id}", ItemPatch(Surveys)),
    (Method::Delete, "/admin/v1/surveys/{id}", ItemDelete(Surveys)),
    (Method::Post, "/admin/v1/surveys/{id}/activate", ItemStatus(Surveys, Activate)),
    (Method::Post, "/admin/v1/surveys/{id}/pause", ItemStatus(Surveys, Pause)),
    (Method::Post, "/admin/v1/surveys/{id}/archive", ItemStatus(Surveys, Archive)),
    (Method::Get, "/admin/v1/checklists/{id}", ItemGet(Checklists)),
    (Method::Patch, "/admin/v1/checklists/{id}", ItemPatch(Checklists)),
    (Method::Delete, "/admin/v1/checklists/{id}", ItemDelete(Checklists)),
    (Method::Post, "/admin/v1/checklists/{id}/activate", ItemStatus(Checklists, Activate)),
    (Method::Post, "/admin/v1/checklists/{id}/pause", ItemStatus(Checklists, Pause)),
    (Method::Post, "/admin/v1/checklists/{id}/archive", ItemStatus(Checklists, Archive)),
    (Method::Get, "/admin/v1/collections/{id}", HelpGetCollection),
    (Method::Patch, "/admin/v1/collections/{id}", HelpPatchCollection),
    (Method::Delete, "/admin/v1/collections/{id}", HelpDeleteCollection),
    (Method::Get, "/admin/v1/articles/{id}", HelpGetArticleAdmin),
    (Method::Patch, "/admin/v1/articles/{id}", HelpPatchArticle),
    (Method::Delete, "/admin/v1/articles/{id}", HelpDeleteArticle),
    (Method::Post, "/admin/v1/articles/{id}/activate", ArticleStatus(Activate)),
    (Method::Post, "/admin/v1/articles/{id}/pause", ArticleStatus(Pause)),
    (Method::Post, "/admin/v1/articles/{id}/archive", ArticleStatus(Archive)),
];

/// A request matched to its row: what it does and the ids in its path.
pub struct Routed {
    pub op: Op,
    pub id: String,
    pub task_id: String,
}

/// Path templates → the methods they answer (indices into [`ROUTES`]), built once.
fn router() -> &'static matchit::Router<Vec<usize>> {
    static ROUTER: OnceLock<matchit::Router<Vec<usize>>> = OnceLock::new();
    ROUTER.get_or_init(|| {
        let mut by_path: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, (_, path, _)) in ROUTES.iter().enumerate() {
            match by_path.iter_mut().find(|(p, _)| p == path) {
                Some((_, rows)) => rows.push(i),
                None => by_path.push((path, vec![i])),
            }
        }
        let mut router = matchit::Router::new();
        for (path, rows) in by_path {
            // The table is a constant: a conflict is a programming error, caught by the unit
            // test below before anything ships.
            if let Err(e) = router.insert(path, rows) {
                panic!("route table: {path}: {e}");
            }
        }
        router
    })
}

/// The row a request takes: `404` for an unknown path, `405` with `Allow` for a known path
/// asked with a method it does not answer (`method` is the request's own word: `worker` reads
/// one it has no variant for, such as QUERY, as GET).
pub fn find(method: &str, path: &str) -> Result<Routed, ApiError> {
    let Ok(found) = router().at(path) else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no route {method} {path}"),
        ));
    };
    let param = |name: &str| found.params.get(name).unwrap_or("").to_string();
    match found
        .value
        .iter()
        .map(|&i| &ROUTES[i])
        .find(|(m, _, _)| m.as_ref() == method)
    {
        Some((_, _, op)) => Ok(Routed {
            op: *op,
            id: param("id"),
            task_id: param("taskId"),
        }),
        None => Err(method_not_allowed(method, path, found.value)),
    }
}

/// `405 METHOD_NOT_ALLOWED`; the pipeline turns it into a response with `Allow`.
fn method_not_allowed(method: &str, path: &str, rows: &[usize]) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{method} is not allowed on {path}; allowed: {}",
            allow(rows)
        ),
    )
}

/// The `Allow` header of a path's rows. OPTIONS (the CORS preflight) is answered for every
/// path before routing.
fn allow(rows: &[usize]) -> String {
    let mut methods: Vec<&str> = rows.iter().map(|&i| ROUTES[i].0.as_ref()).collect();
    methods.push("OPTIONS");
    methods.join(", ")
}

/// The `Allow` header for a `405` on `path`.
pub fn allow_header(path: &str) -> Option<String> {
    router().at(path).ok().map(|m| allow(m.value))
}

#[cfg(test)]
mod tests;
