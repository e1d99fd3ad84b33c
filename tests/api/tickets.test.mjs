// Tickets: a visitor files and follows their own; nobody else's is reachable; merges carry them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, userHash } from '../lib/harness.mjs';

const file = (token, body) => call('POST', '/v1/tickets', { token, body });

test('file, list and read your own tickets; text stays text', async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const evil = '<img src=x onerror=alert(1)> export is broken';
  const a = await file(t, { subject: 'CSV export fails', body: evil });
  assert.equal(a.status, 201, a.text);
  assert.match(a.body.id, /^tkt_[0-9a-f]{16}$/);
  assert.equal(a.body.status, 'open');
  assert.equal(a.body.body, evil);
  const b = await file(t, { subject: 'Second', body: 'Another one' });
  const list = await call('GET', '/v1/tickets', { token: t });
  assert.deepEqual(list.body.tickets.map((x) => x.id).sort(), [a.body.id, b.body.id].sort());
  const one = await call('GET', `/v1/tickets/${a.body.id}`, { token: t });
  assert.deepEqual(one.body, a.body);
});

test("another visitor's or workspace's ticket is not found; bad input is refused and stores nothing", async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const alice = await boot(ws.id);
  const bob = await boot(ws.id);
  const stranger = await boot(other.id);
  const mine = await file(alice.body.sessionToken, { subject: 'Private', body: 'My invoice address' });
  assertError(assert, await call('GET', `/v1/tickets/${mine.body.id}`, { token: bob.body.sessionToken }), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', `/v1/tickets/${mine.body.id}`, { token: stranger.body.sessionToken }), 404, 'NOT_FOUND');
  assert.deepEqual((await call('GET', '/v1/tickets', { token: bob.body.sessionToken })).body.tickets, []);
  assertError(assert, await call('GET', '/v1/tickets'), 401, 'NOT_AUTHENTICATED');
  const t = bob.body.sessionToken;
  for (const [body, path] of [[{ subject: '', body: 'x' }, '/subject'], [{ subject: 's', body: ' ' }, '/body'], [{ subject: 's'.repeat(201), body: 'x' }, '/subject'], [{ subject: 's', body: 'x', visitorId: 'v_alice' }, undefined], [{ subject: 5, body: 'x' }, '/subject']]) {
    const r = await file(t, body);
    assertError(assert, r, 400, 'INVALID_INPUT');
    if (path) assert.equal(r.body.error.path, path);
  }
  assertError(assert, await file(t, { subject: 's', body: 'x'.repeat(70 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
  assert.deepEqual((await call('GET', '/v1/tickets', { token: t })).body.tickets, [], 'nothing was stored');
});

test('a verified merge carries anonymous tickets to the signed-in visitor', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const hash = userHash(ws.secret, 'ticket_user');
  await boot(ws.id, { userId: 'ticket_user', userHash: hash });
  const anon = await boot(ws.id);
  const tk = await file(anon.body.sessionToken, { subject: 'Before sign-in', body: 'Filed anonymously' });
  await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: { userId: 'ticket_user', userHash: hash } });
  const elsewhere = await boot(ws.id, { userId: 'ticket_user', userHash: hash });
  const list = await call('GET', '/v1/tickets', { token: elsewhere.body.sessionToken });
  assert.deepEqual(list.body.tickets.map((x) => x.id), [tk.body.id]);
});
