// Helpers for the end-to-end tests: talk to the live `wrangler dev` that scripts/test started.
import { createHmac, createHash } from 'node:crypto';

export const BASE = process.env.PORCHLIGHT_URL ?? 'http://127.0.0.1:8787';
export const ROOT_KEY = process.env.ROOT_KEY;
if (!ROOT_KEY) throw new Error('ROOT_KEY is not set: run the tests through scripts/test');

/**
 * The client IP this test process speaks from. The edge rate-limits every request per client
 * IP (`CF-Connecting-IP`, which Cloudflare sets and `wrangler dev` passes through) before
 * anything else; each test file runs in its own process, so each gets its own address and the
 * suites running side by side do not share one budget. A test may pass its own.
 */
export const CLIENT_IP = `10.${rand255()}.${rand255()}.${rand255()}`;
function rand255() { return Math.floor(Math.random() * 255); }

/** One HTTP call; returns {status, headers, body (parsed JSON or null), text}. */
export async function call(method, path, { token, body, raw, origin, headers = {} } = {}) {
  const h = { 'cf-connecting-ip': CLIENT_IP, ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (origin) h.origin = origin;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !h['content-type']) h['content-type'] = 'application/json';
  let res = await fetch(BASE + path, { method, headers: h, body: payload });
  // The local runtime (workerd under `wrangler dev`) occasionally restarts its isolate and
  // answers this 503, asking the client to send again; the request did not run. Retry a few
  // times so a restart of the dev runtime is not mistaken for a failure of the code under test.
  for (let i = 0; i < 5 && res.status === 503; i++) {
    const t = await res.clone().text();
    if (!/restarted mid-request/.test(t)) break;
    await new Promise((r) => setTimeout(r, 500));
    res = await fetch(BASE + path, { method, headers: h, body: payload });
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: json, text };
}

let counter = 0;
/** Creates a fresh workspace through the admin API (root key). */
export async function createWorkspace(settings = {}) {
  const r = await call('POST', '/admin/v1/workspaces', {
    token: ROOT_KEY,
    body: { name: `Test ${++counter}`, ...settings },
  });
  if (r.status !== 201) throw new Error(`createWorkspace: ${r.status} ${r.text}`);
  return { id: r.body.workspaceId, key: r.body.secretKey, secret: r.body.identitySecret, jwtSecret: r.body.identityJwtSecret };
}

export function userHash(secret, message) {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** The key JWTs are signed with: SHA-256 of the identity secret (never the secret itself, or a userHash could double as a JWT signature). */
export function jwtKey(identitySecret) {
  return createHash('sha256').update(`porchlight-jwt-v1:${identitySecret}`).digest('hex');
}

const b64url = (b) => Buffer.from(b).toString('base64url');
/** HS256 JWT, signed the way a site owner's server would: with the workspace's JWT key, derived from `identitySecret`. */
export function signJwt(identitySecret, claims, header = { alg: 'HS256', typ: 'JWT' }) {
  const h = b64url(JSON.stringify(header));
  const p = b64url(JSON.stringify(claims));
  const s = createHmac('sha256', jwtKey(identitySecret)).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}

export function randomSessionId() {
  return `s-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

export async function boot(workspaceId, extra = {}, opts = {}) {
  return call('POST', '/v1/boot', { ...opts, body: { workspaceId, sessionId: randomSessionId(), ...extra } });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Asserts the error envelope: exact status and code, and nothing else in the body. */
export function assertError(assert, r, status, code) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.body?.error?.code, code, r.text);
  assert.equal(typeof r.body.error.message, 'string');
  assert.deepEqual(Object.keys(r.body), ['error'], 'an error answer carries nothing but the envelope');
}
