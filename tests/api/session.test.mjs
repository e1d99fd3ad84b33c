// Sessions: boot, resume, refresh, revoke, expiry — against a live wrangler dev.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, sleep, assertError, randomSessionId } from '../lib/harness.mjs';

const TOKEN_RE = /^wst_[0-9a-f]{64}$/;

test('health answers ok with a version', async () => {
  const r = await call('GET', '/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.body.version, /^\d+\.\d+\.\d+/);
});

test('anonymous boot returns a visitor, a wst_ token, an expiry and public settings only', async () => {
  const ws = await createWorkspace({ messenger: { welcomeMessage: 'Hello from the test', primaryColor: '#112233' } });
  const before = Date.now();
  const r = await boot(ws.id);
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.sessionToken, TOKEN_RE);
  assert.match(r.body.visitor.id, /^v_[0-9a-f]{24}$/);
  assert.match(r.body.visitor.readableId, /^[a-z]+-[a-z]+-\d{4}$/);
  assert.equal(r.body.visitor.identityVerified, false);
  assert.equal(r.body.resumed, false);
  const day = 24 * 3600 * 1000;
  assert.ok(r.body.expiresAt >= before + day - 5000 && r.body.expiresAt <= Date.now() + day + 5000, 'default lifetime is 24 h');
  assert.equal(r.body.settings.workspaceId, ws.id);
  assert.equal(r.body.settings.messenger.welcomeMessage, 'Hello from the test');
  assert.equal(r.body.settings.messenger.primaryColor, '#112233');
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes(ws.secret), 'the identity secret never reaches a visitor');
  assert.ok(!text.includes('identitySecret') && !text.includes('allowedOrigins'));
});

test('unknown workspace → 404 NOT_FOUND', async () => {
  assertError(assert, await boot('ws_doesnotexist'), 404, 'NOT_FOUND');
});

test('the same sessionId boots the same anonymous visitor with a new token, and attributes merge', async () => {
  const ws = await createWorkspace();
  const sessionId = randomSessionId();
  const a = await boot(ws.id, { sessionId, attributes: { plan: 'pro', seats: 3 } });
  const b = await boot(ws.id, { sessionId, attributes: { seats: 4, beta: true } });
  assert.equal(b.body.visitor.id, a.body.visitor.id);
  assert.notEqual(b.body.sessionToken, a.body.sessionToken);
  assert.deepEqual(b.body.visitor.attributes, { plan: 'pro', seats: 4, beta: true });
  // A boot without attributes never wipes them (Opencom bug 8).
  const c = await boot(ws.id, { sessionId });
  assert.deepEqual(c.body.visitor.attributes, { plan: 'pro', seats: 4, beta: true });
});

test('boot with a live token resumes the session: same token, same visitor, resumed=true', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id);
  const r = await boot(ws.id, { attributes: { page: 'pricing' } }, { token: a.body.sessionToken });
  assert.equal(r.status, 200);
  assert.equal(r.body.resumed, true);
  assert.equal(r.body.sessionToken, a.body.sessionToken);
  assert.equal(r.body.expiresAt, a.body.expiresAt);
  assert.equal(r.body.visitor.id, a.body.visitor.id);
  assert.equal(r.body.visitor.attributes.page, 'pricing');
});

test('refresh rotates the token: the new one works, the old one stops', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id);
  const old = a.body.sessionToken;
  const r = await call('POST', '/v1/session/refresh', { token: old });
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.sessionToken, TOKEN_RE);
  assert.notEqual(r.body.sessionToken, old);
  assert.ok(r.body.expiresAt >= a.body.expiresAt);
  const ok = await call('POST', '/v1/identify', { token: r.body.sessionToken, body: { name: 'Ada' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.visitor.id, a.body.visitor.id);
  assertError(assert, await call('POST', '/v1/identify', { token: old, body: {} }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('POST', '/v1/session/refresh', { token: old }), 401, 'NOT_AUTHENTICATED');
});

test('revoke kills the token', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id);
  const r = await call('POST', '/v1/session/revoke', { token: a.body.sessionToken });
  assert.equal(r.status, 204);
  assertError(assert, await call('POST', '/v1/identify', { token: a.body.sessionToken, body: {} }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('POST', '/v1/session/revoke', { token: a.body.sessionToken }), 401, 'NOT_AUTHENTICATED');
  // A revoked token no longer resumes: boot mints a new one.
  const b = await boot(ws.id, {}, { token: a.body.sessionToken });
  assert.equal(b.body.resumed, false);
  assert.notEqual(b.body.sessionToken, a.body.sessionToken);
});

test('missing, malformed and unknown tokens → 401 NOT_AUTHENTICATED', async () => {
  for (const token of [undefined, 'nope', 'wst_' + 'g'.repeat(64), 'wst_' + '0'.repeat(64), 'psk_' + '0'.repeat(64)]) {
    assertError(assert, await call('POST', '/v1/identify', { token, body: {} }), 401, 'NOT_AUTHENTICATED');
  }
});

test('an expired token → 401 SESSION_EXPIRED; boot with it re-boots the same visitor by sessionId', async () => {
  // The test deployment lowers the 1 h floor to 1 s (SESSION_LIFETIME_MIN_MS).
  const ws = await createWorkspace({ sessionLifetimeMs: 1500 });
  const sessionId = randomSessionId();
  const a = await boot(ws.id, { sessionId, attributes: { k: 1 } });
  assert.ok(a.body.expiresAt - Date.now() <= 1600);
  await sleep(1800);
  assertError(assert, await call('POST', '/v1/identify', { token: a.body.sessionToken, body: {} }), 401, 'SESSION_EXPIRED');
  assertError(assert, await call('POST', '/v1/session/refresh', { token: a.body.sessionToken }), 401, 'SESSION_EXPIRED');
  const b = await boot(ws.id, { sessionId }, { token: a.body.sessionToken });
  assert.equal(b.status, 200);
  assert.equal(b.body.resumed, false);
  assert.notEqual(b.body.sessionToken, a.body.sessionToken);
  assert.equal(b.body.visitor.id, a.body.visitor.id);
  assert.equal(b.body.visitor.attributes.k, 1);
});

test('a token of another workspace neither resumes nor reaches this workspace', async () => {
  const a = await createWorkspace();
  const b = await createWorkspace();
  const inB = await boot(b.id, { attributes: { secretPlan: 'b-only' } });
  const r = await boot(a.id, {}, { token: inB.body.sessionToken });
  assert.equal(r.status, 200);
  assert.equal(r.body.resumed, false);
  assert.notEqual(r.body.visitor.id, inB.body.visitor.id);
  assert.equal(r.body.settings.workspaceId, a.id);
  assert.deepEqual(r.body.visitor.attributes, {});
  // The foreign token still only ever acts on its own workspace's visitor.
  const id = await call('POST', '/v1/identify', { token: inB.body.sessionToken, body: {} });
  assert.equal(id.body.visitor.id, inB.body.visitor.id);
});

test('scheduled cleanup deletes long-expired sessions', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 1000 });
  const a = await boot(ws.id);
  await sleep(1200);
  assertError(assert, await call('POST', '/v1/identify', { token: a.body.sessionToken, body: {} }), 401, 'SESSION_EXPIRED');
  // The test deployment keeps expired rows for 0 ms; run the cron handler.
  const cron = await fetch(`${process.env.PORCHLIGHT_URL ?? 'http://127.0.0.1:8787'}/__scheduled?cron=17+*+*+*+*`);
  assert.equal(cron.status, 200);
  assertError(assert, await call('POST', '/v1/identify', { token: a.body.sessionToken, body: {} }), 401, 'NOT_AUTHENTICATED');
});

test('deep health check reaches D1', async () => {
  const r = await call('GET', '/health/db');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok', db: 'ok' });
});
