//! Admin API for workspaces: creation (root key), settings, identity-secret and secret-key
//! rotation.

use porchlight_shared::identity::jwt_key;
use porchlight_shared::identity::IdentityMode;
use porchlight_shared::session::{clamp_lifetime, DEFAULT_LIFETIME_MS};
use porchlight_shared::token::{bearer, SecretKey};
use porchlight_shared::types::{valid_workspace_slug, CreateWorkspace, WorkspacePatch};
use porchlight_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::Response;

use crate::auth;
use crate::db::{self, WorkspaceRow};
use crate::http::{self, Ctx};
use crate::rand;

const MAX_GRACE_MS: i64 = 7 * 24 * 3600 * 1000;
const DEFAULT_GRACE_MS: i64 = 24 * 3600 * 1000;

/// The admin view of a workspace: settings, never secrets.
fn view(ws: &WorkspaceRow) -> Value {
    json!({
        "id": ws.id,
        "name": ws.name,
        "allowedOrigins": ws.allowed_origins(),
        "sessionLifetimeMs": ws.session_lifetime_ms,
        "identityVerification": ws.identity_mode().as_str(),
        "previousIdentitySecretValidUntil": ws.identity_secret_prev_until,
        "messenger": ws.messenger(),
        "officeHours": ws.office_hours(),
        "automation": ws.automation(),
        "createdAt": ws.created_at,
        "updatedAt": ws.updated_at,
    })
}

fn identity_secret() -> Result<String, ApiError> {
    rand::id::<32>("")
}

/// `POST /admin/v1/workspaces` (root key) → `{workspaceId, secretKey, identitySecret, workspace}`.
pub async fn create_workspace(ctx: &mut Ctx) -> Result<Response, ApiError> {
    auth::root(ctx)?;
    let req: CreateWorkspace = ctx.json().await?;
    let settings = req.settings();
    settings.validate()?;
    let db = ctx.db()?;
    let id = match &req.id {
        Some(slug) if !valid_workspace_slug(slug) => {
            return Err(ApiError::invalid(
                "/id",
                "3-40 characters of a-z, 0-9, - and _",
            ));
        }
        Some(slug) => slug.clone(),
        None => rand::id::<8>("ws_")?,
    };
    if db::workspace_by_id(&db, &id).await?.is_some() {
        return Err(
            ApiError::new(ErrorCode::AlreadyExists, "a workspace with this id exists").at("/id"),
        );
    }
    let key = SecretKey::from_random(rand::bytes::<32>()?);
    let secret = identity_secret()?;
    let lifetime = clamp_lifetime(
        settings.session_lifetime_ms.unwrap_or(DEFAULT_LIFETIME_MS),
        crate::routes::session::min_lifetime_ms(ctx),
    );
    let messenger = serde_json::to_string(&settings.messenger.clone().unwrap_or_default())
        .map_err(crate::internal)?;
    let origins = serde_json::to_string(&settings.allowed_origins.clone().unwrap_or_default())
        .map_err(crate::internal)?;
    let mode = settings
        .identity_verification
        .unwrap_or(IdentityMode::Optional);
    db::insert_workspace(
        &db,
        &db::NewWorkspace {
            id: &id,
            name: req.name.trim(),
            secret_key_hash: &key.storage_hash(),
            allowed_origins: &origins,
            session_lifetime_ms: lifetime,
            identity_mode: mode.as_str(),
            identity_secret: &secret,
            messenger: &messenger,
        },
        ctx.now,
    )
    .await?;
    let ws = db::workspace_by_id(&db, &id)
        .await?
        .ok_or_else(|| crate::internal("workspace vanished"))?;
    http::json(
        201,
        &json!({"workspaceId": id, "secretKey": key.as_str(), "identitySecret": secret, "identityJwtSecret": jwt_key(&secret), "workspace": view(&ws)}),
    )
}

pub async fn get_workspace(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    http::json(200, &view(&ws))
}

pub async fn patch_workspace(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let patch: WorkspacePatch = ctx.json().await?;
    patch.validate()?;
    let db = ctx.db()?;
    let name = patch
        .name
        .as_deref()
        .map(str::trim)
        .unwrap_or(&ws.name)
        .to_string();
    let origins = match &patch.allowed_origins {
        Some(o) => serde_json::to_string(o).map_err(crate::internal)?,
        None => ws.allowed_origins.clone(),
    };
    let lifetime = patch
        .session_lifetime_ms
        .map(|ms| clamp_lifetime(ms, crate::routes::session::min_lifetime_ms(ctx)))
        .unwrap_or(ws.session_lifetime_ms);
    let mode = patch.identity_verification.unwrap_or(ws.identity_mode());
    let messenger = match &patch.messenger {
        Some(m) => serde_json::to_string(m).map_err(crate::internal)?,
        None => ws.messenger.clone(),
    };
    let office_hours = match &patch.office_hours {
        Some(Some(h)) => {
            if !known_time_zone(&h.time_zone) {
                return Err(ApiError::invalid(
                    "/officeHours/timeZone",
                    format!("{} is not a time zone this runtime knows", h.time_zone),
                ));
            }
            Some(serde_json::to_string(h).map_err(crate::internal)?)
        }
        Some(None) => None,
        None => ws.office_hours.clone(),
    };
    let automation = match &patch.automation {
        Some(a) => {
            // Routing names teammates of this workspace only.
            let team = db::teammate_ids(&db, &ws.id).await?;
            if let Some((topic, _)) = a
                .topic_assignees
                .iter()
                .find(|(_, who)| !team.contains(who))
            {
                return Err(ApiError::invalid(
                    format!(
                        "/automation/topicAssignees/{}",
                        porchlight_shared::attributes::escape_pointer(topic)
                    ),
                    "no such teammate in this workspace",
                ));
            }
            serde_json::to_string(a).map_err(crate::internal)?
        }
        None => ws.automation.clone(),
    };
    // Leaving mode `off`: sessions that reached a verified visitor by a mere claim (as `off`
    // allows) lose it now, not at the owner's next proof.
    let tightened = ws.identity_mode() == IdentityMode::Off && mode != IdentityMode::Off;
    let settings = db::WorkspaceSettings {
        name: &name,
        allowed_origins: &origins,
        session_lifetime_ms: lifetime,
        identity_mode: mode.as_str(),
        messenger: &messenger,
        office_hours: office_hours.as_deref(),
        automation: &automation,
    };
    let revoked = db::update_workspace(&db, &ws.id, &settings, tightened, ctx.now).await?;
    if !revoked.is_empty() {
        crate::hub::close_sessions(&ctx.env, &ws.id, &revoked).await;
    }
    let ws = db::workspace_by_id(&db, &ws.id)
        .await?
        .ok_or_else(|| crate::internal("workspace vanished"))?;
    http::json(200, &view(&ws))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Rotate {
    grace_period_ms: Option<i64>,
}

/// `POST /admin/v1/workspace/identity-secret/rotate`: a new secret, shown once; the previous
/// one keeps verifying for the grace period (default 24 h, at most 7 days).
pub async fn rotate_identity_secret(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    let body: Rotate = ctx.json_or_empty().await?;
    let grace = body.grace_period_ms.unwrap_or(DEFAULT_GRACE_MS);
    if !(0..=MAX_GRACE_MS).contains(&grace) {
        return Err(ApiError::invalid("/gracePeriodMs", "0 to 604800000 ms"));
    }
    let secret = identity_secret()?;
    let until = ctx.now + grace;
    let db = ctx.db()?;
    db::rotate_identity_secret(
        &db,
        &ws.id,
        &secret,
        &ws.identity_secret,
        until,
        grace,
        ctx.now,
    )
    .await?;
    http::json(
        200,
        &json!({"identitySecret": secret, "identityJwtSecret": jwt_key(&secret), "previousSecretValidUntil": until}),
    )
}

/// `POST /admin/v1/workspace/secret-key/rotate` (the workspace key): a new secret key, shown
/// once and stored as SHA-256. Unlike the identity secret there is no grace period — a key is
/// rotated because it may have leaked — so the old key stops at once: its unused live tickets
/// go, and the agent sockets opened with it close (teammates' sockets are theirs and stay).
pub async fn rotate_secret_key(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let ws = auth::workspace_admin(ctx).await?;
    // `workspace_admin` accepted the header's key: the one being replaced.
    let presented = ctx.header("Authorization").unwrap_or_default();
    let old = bearer(&presented)
        .and_then(SecretKey::parse)
        .map(|k| k.storage_hash())
        .ok_or_else(|| crate::internal("the accepted secret key did not parse"))?;
    let key = SecretKey::from_random(rand::bytes::<32>()?);
    let new = key.storage_hash();
    let db = ctx.db()?;
    let swapped = db::rotate_secret_key(&db, &ws.id, &old, &new, ctx.now).await?;
    if !swapped {
        return Err(ApiError::new(
            ErrorCode::NotAuthenticated,
            "unknown secret key",
        ));
    }
    crate::hub::close_key_sockets(&ctx.env, &ws.id, &old).await;
    http::json(200, &json!({"secretKey": key.as_str()}))
}

/// `GET /admin/v1/visitors/{id}`: a visitor of this workspace, with event totals and the
/// latest events (another workspace's visitor is simply not found).
pub async fn get_visitor(ctx: &mut Ctx, id: &str) -> Result<Response, ApiError> {
    let ws = auth::agent(ctx).await?.workspace;
    let db = ctx.db()?;
    let v = db::visitor_by_id(&db, &ws.id, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such visitor in this workspace"))?;
    let (totals, recent) = db::visitor_events(&db, &v.id).await?;
    let recent: Vec<Value> = recent
        .into_iter()
        .map(|r| json!({"name": r.name, "properties": serde_json::from_str::<Value>(&r.properties).unwrap_or_default(), "url": r.url, "occurredAt": r.occurred_at}))
        .collect();
    let mut view = serde_json::to_value(v.view()?).map_err(crate::internal)?;
    if let Some(o) = view.as_object_mut() {
        o.insert("firstSeenAt".into(), json!(v.first_seen_at));
        o.insert("lastSeenAt".into(), json!(v.last_seen_at));
        o.insert("sessionCount".into(), json!(v.session_count));
        o.insert("locale".into(), json!(v.locale));
        // Whether `userId` is proven or only claimed, and how far claims are trusted here (the
        // console warns loudly when mode `off` lets anyone claim anyone).
        o.insert("userIdVerified".into(), json!(v.user_id_verified != 0));
        o.insert("identityMode".into(), json!(ws.identity_mode().as_str()));
    }
    let segments = db::memberships(&db, &ws.id, &v, ctx.now).await?;
    http::json(
        200,
        &json!({"visitor": view, "events": {"totals": totals, "recent": recent}, "segments": segments}),
    )
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat(locales, options)`; throws a RangeError for an unknown zone.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
    fn date_time_format(
        locales: &wasm_bindgen::JsValue,
        options: &wasm_bindgen::JsValue,
    ) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// Whether the runtime's `Intl` knows an IANA zone.
fn known_time_zone(tz: &str) -> bool {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"timeZone".into(), &tz.into()).is_ok()
        && date_time_format(&wasm_bindgen::JsValue::UNDEFINED, &options).is_ok()
}
