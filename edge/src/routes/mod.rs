//! The routes: one module per resource, the route table in [`table`], and [`run`], which
//! calls the handler of a routed request.

mod admin;
mod analytics;
mod audience;
mod chat;
mod eligible;
mod events;
mod help;
mod items;
mod previews;
mod progress;
mod segments;
pub mod session;
mod table;
mod tickets;

use porchlight_shared::ApiError;
use worker::Response;

use crate::http::{self, Ctx};
use table::Op;
pub use table::{allow_header, find, Routed};

/// Calls the handler of a routed request.
pub async fn run(ctx: &mut Ctx, routed: Routed) -> Result<Response, ApiError> {
    let Routed { op, id, task_id } = routed;
    let id = || id.as_str();
    let sub = || task_id.as_str();
    match op {
        Op::Health => health(),
        Op::HealthDb => health_db(ctx).await,
        Op::SessionBoot => session::boot(ctx).await,
        Op::SessionIdentify => session::identify(ctx).await,
        Op::SessionRefresh => session::refresh(ctx).await,
        Op::SessionRevoke => session::revoke(ctx).await,
        Op::EventsTrack => events::track(ctx).await,
        Op::EligibleEligible => eligible::eligible(ctx).await,
        Op::EligibleRecord => eligible::record(ctx).await,
        Op::HelpSearch => help::search(ctx).await,
        Op::TicketsList => tickets::list(ctx).await,
        Op::TicketsCreate => tickets::create(ctx).await,
        Op::TicketsAdminList => tickets::admin_list(ctx).await,
        Op::TicketsAdminStatus => tickets::admin_status(ctx, id()).await,
        Op::ChatListMine => chat::list_mine(ctx).await,
        Op::ChatStart => chat::start(ctx).await,
        Op::ChatTicket => chat::ticket(ctx).await,
        Op::ChatLive => chat::live(ctx).await,
        Op::ChatAdminTicket => chat::admin_ticket(ctx).await,
        Op::ChatAdminLive => chat::admin_live(ctx).await,
        Op::ChatAdminLiveStats => chat::admin_live_stats(ctx).await,
        Op::ChatAdminList => chat::admin_list(ctx).await,
        Op::ChatListTeammates => chat::list_teammates(ctx).await,
        Op::ChatCreateTeammate => chat::create_teammate(ctx).await,
        Op::AdminCreateWorkspace => admin::create_workspace(ctx).await,
        Op::AdminGetWorkspace => admin::get_workspace(ctx).await,
        Op::AdminPatchWorkspace => admin::patch_workspace(ctx).await,
        Op::AdminRotateIdentitySecret => admin::rotate_identity_secret(ctx).await,
        Op::AdminRotateSecretKey => admin::rotate_secret_key(ctx).await,
        Op::SegmentsList => segments::list(ctx).await,
        Op::AudienceReach => audience::reach_estimate(ctx).await,
        Op::PreviewsCreate => previews::create(ctx).await,
        Op::AnalyticsCsat => analytics::csat(ctx).await,
        Op::AnalyticsItem => analytics::item(ctx, id()).await,
        Op::SegmentsCreate => segments::create(ctx).await,
        Op::ItemList(family) => items::list(ctx, family).await,
        Op::ItemCreate(family) => items::create(ctx, family).await,
        Op::HelpListCollections => help::list_collections(ctx).await,
        Op::HelpCreateCollection => help::create_collection(ctx).await,
        Op::HelpListArticles => help::list_articles(ctx).await,
        Op::HelpCreateArticle => help::create_article(ctx).await,
        Op::ChatMessages => chat::messages(ctx, id()).await,
        Op::ChatSend => chat::send(ctx, id()).await,
        Op::ChatRead => chat::read(ctx, id()).await,
        Op::ChatCsat => chat::csat(ctx, id()).await,
        Op::ChatAdminMessages => chat::admin_messages(ctx, id()).await,
        Op::ChatAdminSend => chat::admin_send(ctx, id()).await,
        Op::ChatAdminRead => chat::admin_read(ctx, id()).await,
        Op::ChatAdminClose => chat::admin_close(ctx, id()).await,
        Op::ChatAdminAssign => chat::admin_assign(ctx, id()).await,
        Op::ChatDeleteTeammate => chat::delete_teammate(ctx, id()).await,
        Op::TicketsGet => tickets::get(ctx, id()).await,
        Op::HelpRead => help::read(ctx, id()).await,
        Op::HelpFeedback => help::feedback(ctx, id()).await,
        Op::AdminGetVisitor => admin::get_visitor(ctx, id()).await,
        Op::SegmentsGet => segments::get(ctx, id()).await,
        Op::SegmentsPatch => segments::patch(ctx, id()).await,
        Op::SegmentsDelete => segments::delete(ctx, id()).await,
        Op::ItemGet(family) => items::get(ctx, family, id()).await,
        Op::ItemPatch(family) => items::patch(ctx, family, id()).await,
        Op::ItemDelete(family) => items::delete(ctx, family, id()).await,
        Op::ItemStatus(family, to) => items::set_status(ctx, family, id(), to).await,
        Op::ProgressResults => progress::results(ctx, id()).await,
        Op::ProgressTour => progress::tour(ctx, id()).await,
        Op::ProgressRespond => progress::respond(ctx, id()).await,
        Op::ProgressTask => progress::task(ctx, id(), sub()).await,
        Op::HelpGetCollection => help::get_collection(ctx, id()).await,
        Op::HelpPatchCollection => help::patch_collection(ctx, id()).await,
        Op::HelpDeleteCollection => help::delete_collection(ctx, id()).await,
        Op::HelpGetArticleAdmin => help::get_article_admin(ctx, id()).await,
        Op::HelpPatchArticle => help::patch_article(ctx, id()).await,
        Op::HelpDeleteArticle => help::delete_article(ctx, id()).await,
        Op::ArticleStatus(to) => help::set_article_status(ctx, id(), to).await,
    }
}

fn health() -> Result<Response, ApiError> {
    http::json(
        200,
        &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// Deep health check: the Worker can reach D1 (`SELECT 1`). Also the bench's reference for
/// the cost of one D1 round trip.
async fn health_db(ctx: &mut Ctx) -> Result<Response, ApiError> {
    // Public, and it touches the database: rate-limited per IP by the pipeline.
    crate::db::ping(&ctx.db()?).await?;
    http::json(200, &serde_json::json!({"status": "ok", "db": "ok"}))
}
