// What an isolate remembers to save D1 round trips (the workspace row a boot decides from, the
// workspace and visitor a session token speaks for) is a guess the database checks: a change is
// seen by the very next request, never a few seconds later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, randomSessionId, userHash } from '../lib/harness.mjs';

const A = 'https://a.example';
const B = 'https://b.example';
const patch = (ws, body) => call('PATCH', '/admin/v1/workspace', { token: ws.key, body });

test('a workspace change reaches the very next boot: origins narrowed or widened, settings edited', async () => {
  const ws = await createWorkspace({ allowedOrigins: [A], messenger: { welcomeMessage: 'First' } });
  for (let i = 0; i < 3; i++) assert.equal((await boot(ws.id, {}, { origin: A })).status, 200);
  assert.equal((await patch(ws, { allowedOrigins: [B] })).status, 200);
  assertError(assert, await boot(ws.id, {}, { origin: A }), 403, 'ORIGIN_NOT_ALLOWED');
  assert.equal((await boot(ws.id, {}, { origin: B })).status, 200);
  assert.equal((await patch(ws, { allowedOrigins: [A, B], messenger: { welcomeMessage: 'Second' } })).status, 200);
  const r = await boot(ws.id, {}, { origin: A });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.settings.messenger.welcomeMessage, 'Second');
});

test('a refused boot writes nothing: its sessionId later starts a visitor of its own', async () => {
  const ws = await createWorkspace({ allowedOrigins: [A] });
  await boot(ws.id, {}, { origin: A });
  assert.equal((await patch(ws, { allowedOrigins: [B] })).status, 200);
  const sid = randomSessionId();
  assertError(assert, await boot(ws.id, { sessionId: sid, attributes: { plan: 'refused' } }, { origin: A }), 403, 'ORIGIN_NOT_ALLOWED');
  const r = await boot(ws.id, { sessionId: sid }, { origin: B });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.visitor.attributes, {}, 'nothing of the refused boot was stored');
});

test('a sessionId already held boots its own visitor again, however often the workspace was read', async () => {
  const ws = await createWorkspace();
  for (let i = 0; i < 3; i++) await boot(ws.id);
  const sid = randomSessionId();
  const first = await boot(ws.id, { sessionId: sid, attributes: { a: 1 } });
  const again = await boot(ws.id, { sessionId: sid, attributes: { b: 2 } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.visitor.id, first.body.visitor.id);
  assert.notEqual(again.body.sessionToken, first.body.sessionToken);
  assert.deepEqual(again.body.visitor.attributes, { a: 1, b: 2 });
});

test('switching to required identity refuses an unproven claim on the next boot', async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  for (let i = 0; i < 3; i++) assert.equal((await boot(ws.id, { userId: `u${i}` })).status, 200);
  assert.equal((await patch(ws, { identityVerification: 'required' })).status, 200);
  assertError(assert, await boot(ws.id, { userId: 'u9' }), 403, 'IDENTITY_VERIFICATION_FAILED');
  assert.equal((await boot(ws.id)).status, 200, 'an anonymous boot still works');
});

test('eligible answers for the session as it is now: revoked, refreshed away, merged', async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  const audience = { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' };
  const m = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'Pro', content: { body: 'For pro' }, audience } });
  assert.equal(m.status, 201, m.text);
  await call('POST', `/admin/v1/outbound/${m.body.id}/activate`, { token: ws.key });
  const ids = async (token) => {
    const r = await call('GET', '/v1/eligible?url=https%3A%2F%2Facme.test%2F', { token });
    return r.status === 200 ? r.body.outbound.map((o) => o.id) : r.body.error.code;
  };

  const revoked = await boot(ws.id);
  assert.deepEqual(await ids(revoked.body.sessionToken), []);
  assert.deepEqual(await ids(revoked.body.sessionToken), []);
  assert.equal((await call('POST', '/v1/session/revoke', { token: revoked.body.sessionToken })).status, 204);
  assert.equal(await ids(revoked.body.sessionToken), 'NOT_AUTHENTICATED');

  const refreshed = await boot(ws.id);
  await ids(refreshed.body.sessionToken);
  const r = await call('POST', '/v1/session/refresh', { token: refreshed.body.sessionToken });
  assert.equal(r.status, 200, r.text);
  assert.equal(await ids(refreshed.body.sessionToken), 'NOT_AUTHENTICATED');
  assert.deepEqual(await ids(r.body.sessionToken), []);

  // The proven user is on plan pro; the anonymous visitor is not, until a proof merges it.
  const known = await boot(ws.id, { userId: 'pro-user', userHash: userHash(ws.secret, 'pro-user'), attributes: { plan: 'pro' } });
  assert.deepEqual(await ids(known.body.sessionToken), [m.body.id]);
  const anon = await boot(ws.id);
  assert.deepEqual(await ids(anon.body.sessionToken), []);
  assert.deepEqual(await ids(anon.body.sessionToken), []);
  const merged = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: { userId: 'pro-user', userHash: userHash(ws.secret, 'pro-user') } });
  assert.equal(merged.body.visitor.id, known.body.visitor.id);
  assert.deepEqual(await ids(anon.body.sessionToken), [m.body.id], 'the session now speaks for the proven visitor');
});

test("an item's edit reaches the very next eligible answer, however quickly edits follow each other", async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const token = v.body.sessionToken;
  const url = '/v1/eligible?url=https%3A%2F%2Facme.test%2F';
  const bodies = async () => {
    const r = await call('GET', url, { token });
    assert.equal(r.status, 200, r.text);
    return r.body.outbound.map((o) => o.content.body);
  };
  const m = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'News', content: { body: 'First' } } });
  assert.equal(m.status, 201, m.text);
  assert.equal((await call('POST', `/admin/v1/outbound/${m.body.id}/activate`, { token: ws.key })).status, 200);
  assert.deepEqual(await bodies(), ['First']);
  assert.deepEqual(await bodies(), ['First'], 'asked again: the same answer');
  // Two edits back to back (possibly within one millisecond): each is seen at once.
  for (const body of ['Second', 'Third', 'Second']) {
    const r = await call('PATCH', `/admin/v1/outbound/${m.body.id}`, { token: ws.key, body: { content: { body } } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await bodies(), [body]);
  }
  assert.equal((await call('POST', `/admin/v1/outbound/${m.body.id}/pause`, { token: ws.key })).status, 200);
  assert.deepEqual(await bodies(), [], 'paused: gone');
  assert.equal((await call('POST', `/admin/v1/outbound/${m.body.id}/activate`, { token: ws.key })).status, 200);
  assert.deepEqual(await bodies(), ['Second'], 'active again, as last edited');
});
