// Sessions end: refreshing moves a session's expiry, never past its start (first boot) plus the
// absolute age (30 days; the test deployment lowers it with SESSION_MAX_AGE_MS). A resume keeps
// the expiry. The hub closes a socket when its session expires (a Durable Object alarm at the
// earliest expiry), and a refresh carries the socket to the new expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, sleep } from '../lib/harness.mjs';
import { live } from '../lib/live.mjs';

const MAX_AGE = Number(process.env.SESSION_MAX_AGE_MS);

test('refresh stops extending a session at its absolute age; a resume keeps the expiry', async () => {
  assert.ok(MAX_AGE > 0 && MAX_AGE < 7 * 24 * 3600 * 1000, 'scripts/test sets SESSION_MAX_AGE_MS below the longest lifetime');
  // A lifetime longer than the absolute age: the age decides from the first boot on.
  const ws = await createWorkspace({ sessionLifetimeMs: 7 * 24 * 3600 * 1000 });
  const before = Date.now();
  const a = await boot(ws.id);
  const after = Date.now();
  const end = a.body.expiresAt;
  assert.ok(end >= before + MAX_AGE - 1000 && end <= after + MAX_AGE + 1000, `boot: ${end - before} ms, age ${MAX_AGE}`);
  let token = a.body.sessionToken;
  for (let i = 0; i < 3; i++) {
    await sleep(20);
    const r = await call('POST', '/v1/session/refresh', { token });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.body.sessionToken, token, 'still a new token');
    assert.equal(r.body.expiresAt, end, `refresh ${i + 1} does not move the end`);
    token = r.body.sessionToken;
  }
  const resumed = await boot(ws.id, {}, { token });
  assert.deepEqual([resumed.body.resumed, resumed.body.sessionToken, resumed.body.expiresAt], [true, token, end]);
});

test('within its absolute age, a refresh still gives a full lifetime', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 5000 });
  const a = await boot(ws.id);
  await sleep(300);
  const r = await call('POST', '/v1/session/refresh', { token: a.body.sessionToken });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.expiresAt >= a.body.expiresAt + 250, `moved by ${r.body.expiresAt - a.body.expiresAt} ms`);
  const resumed = await boot(ws.id, {}, { token: r.body.sessionToken });
  assert.equal(resumed.body.expiresAt, r.body.expiresAt, 'a resume keeps the refreshed expiry');
});

test('a socket closes when its session expires (1008 "session expired"); agent sockets stay', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 1000 });
  const a = await boot(ws.id);
  const agent = await live('/admin/v1/live', ws.key);
  const sock = await live('/v1/live', a.body.sessionToken);
  await sock.next((e) => e.type === 'hello');
  const closed = await Promise.race([sock.closed, sleep(6000).then(() => null)]);
  assert.ok(closed, 'the socket of an expired session closed');
  assert.deepEqual([closed.code, closed.reason], [1008, 'session expired']);
  assert.ok(Date.now() >= a.body.expiresAt - 50, 'not before the session expired');
  assert.equal(agent.sock.readyState, 1, 'the agent socket has no session to expire');
  agent.close();
});

test('a refresh carries the socket to the new expiry', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 3000 });
  const a = await boot(ws.id);
  const sock = await live('/v1/live', a.body.sessionToken);
  await sleep(1500);
  const r = await call('POST', '/v1/session/refresh', { token: a.body.sessionToken });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.expiresAt > a.body.expiresAt + 1000);
  // Past the first expiry, the socket is still open.
  await sleep(Math.max(0, a.body.expiresAt - Date.now()) + 700);
  assert.equal(sock.sock.readyState, 1, 'still open after the old expiry');
  const closed = await Promise.race([sock.closed, sleep(Math.max(0, r.body.expiresAt - Date.now()) + 5000).then(() => null)]);
  assert.ok(closed, 'closed once the refreshed session expired');
  assert.equal(closed.code, 1008);
  assert.ok(Date.now() >= r.body.expiresAt - 50);
});
