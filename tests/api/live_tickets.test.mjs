// No long-lived secret in a URL: the live sockets open with a single-use ticket that lives
// seconds, asked for with the session token or key in the Authorization header. A token or key
// in the URL opens nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, sleep } from '../lib/harness.mjs';
import { wsBase, ticketFor, open, refusal, teammate } from '../lib/live.mjs';

const TICKET_RE = /^lvt_[0-9a-f]{64}$/;
const url = (path, q) => `${wsBase}${path}?${q}`;

test('a session token, teammate key or workspace key in the URL opens no socket', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const t = (await boot(ws.id)).body.sessionToken;
  assert.equal(await refusal(url('/v1/live', `token=${t}`)), 401);
  assert.equal(await refusal(url('/admin/v1/live', `token=${ada.key}`)), 401);
  assert.equal(await refusal(url('/admin/v1/live', `token=${ws.key}`)), 401);
  // Nor as a ticket: only a ticket is a ticket.
  assert.equal(await refusal(url('/v1/live', `ticket=${t}`)), 401);
  assert.equal(await refusal(url('/admin/v1/live', `ticket=${ada.key}`)), 401);
  // Without a ticket: 401, upgrade or not.
  assertError(assert, await call('GET', '/v1/live', { token: t }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('GET', '/admin/v1/live', { token: ada.key }), 401, 'NOT_AUTHENTICATED');
  // The ticket routes take the credential in the header only.
  assertError(assert, await call('POST', `/v1/live/ticket?token=${t}`), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('POST', `/admin/v1/live/ticket?token=${ada.key}`), 401, 'NOT_AUTHENTICATED');
  // A session token cannot ask for an agent ticket.
  assertError(assert, await call('POST', '/admin/v1/live/ticket', { token: t }), 403, 'NOT_AUTHORIZED');
});

test('a ticket opens one socket, once; it is for its own kind of socket', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const t = (await boot(ws.id)).body.sessionToken;
  const before = Date.now();
  const v = await ticketFor('/v1/live', t);
  assert.match(v.ticket, TICKET_RE);
  assert.ok(v.expiresAt > before && v.expiresAt <= Date.now() + 30_000 + 1000, `expires within 30 s: ${v.expiresAt - before}`);
  const sock = await open(url('/v1/live', `ticket=${v.ticket}`));
  await sock.next((e) => e.type === 'hello');
  assert.equal(await refusal(url('/v1/live', `ticket=${v.ticket}`)), 401, 'a used ticket is refused');
  sock.close();
  // A visitor ticket does not open an agent socket, nor the other way round (and trying uses it).
  const vt = await ticketFor('/v1/live', t);
  assert.equal(await refusal(url('/admin/v1/live', `ticket=${vt.ticket}`)), 401);
  assert.equal(await refusal(url('/v1/live', `ticket=${vt.ticket}`)), 401);
  for (const key of [ada.key, ws.key]) {
    const at = await ticketFor('/admin/v1/live', key);
    assert.match(at.ticket, TICKET_RE);
    assert.equal(await refusal(url('/v1/live', `ticket=${at.ticket}`)), 401);
    const again = await ticketFor('/admin/v1/live', key);
    const agent = await open(url('/admin/v1/live', `ticket=${again.ticket}`));
    await agent.next((e) => e.type === 'hello');
    assert.equal(await refusal(url('/admin/v1/live', `ticket=${again.ticket}`)), 401);
    agent.close();
  }
  // Two upgrades racing with one ticket: one socket.
  const race = await ticketFor('/v1/live', t);
  const outcomes = await Promise.allSettled([open(url('/v1/live', `ticket=${race.ticket}`)), open(url('/v1/live', `ticket=${race.ticket}`))]);
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, 'exactly one of two racing upgrades opens');
  for (const o of outcomes) if (o.status === 'fulfilled') o.value.close();
});

test('a ticket expires unused (the test deployment shortens its 30 s with LIVE_TICKET_TTL_MS)', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  const { ticket, expiresAt } = await ticketFor('/v1/live', t);
  await sleep(Math.max(0, expiresAt - Date.now()) + 250);
  assert.equal(await refusal(url('/v1/live', `ticket=${ticket}`)), 401, 'an expired ticket is refused');
});

test('a ticket is only as good as the credential that asked for it', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  const v = await ticketFor('/v1/live', t);
  assert.equal((await call('POST', '/v1/session/revoke', { token: t })).status, 204);
  assert.equal(await refusal(url('/v1/live', `ticket=${v.ticket}`)), 401, 'the session was revoked');
  const ada = await teammate(ws);
  const a = await ticketFor('/admin/v1/live', ada.key);
  assert.equal((await call('DELETE', `/admin/v1/teammates/${ada.id}`, { token: ws.key })).status, 204);
  assert.equal(await refusal(url('/admin/v1/live', `ticket=${a.ticket}`)), 401, 'the teammate was removed');
  // A plain GET (no upgrade) does not spend a ticket.
  const t2 = (await boot(ws.id)).body.sessionToken;
  const kept = await ticketFor('/v1/live', t2);
  assertError(assert, await call('GET', `/v1/live?ticket=${kept.ticket}`), 400, 'INVALID_INPUT');
  const sock = await open(url('/v1/live', `ticket=${kept.ticket}`));
  sock.close();
});
