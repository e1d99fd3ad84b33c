// The team's side of tickets (/admin/v1/tickets): the queue lists the workspace's tickets with
// their visitor, by status; a status change reaches the visitor's live socket and their own
// ticket view; another workspace's tickets are out of reach; bad input changes nothing. One
// visitor's tickets and conversations (`visitorId`, the console's visitor profile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { live, teammate } from '../lib/live.mjs';

async function visitorWithTicket(ws, subject, name = 'Grace') {
  const v = await boot(ws.id, { name });
  assert.equal(v.status, 200, v.text);
  const t = await call('POST', '/v1/tickets', { token: v.body.sessionToken, body: { subject, body: 'Details…' } });
  assert.equal(t.status, 201, t.text);
  return { token: v.body.sessionToken, visitorId: v.body.visitor.id, ticket: t.body };
}

test('the queue: every ticket of the workspace with its visitor, filtered by status, for a teammate and the workspace key', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const ada = await teammate(ws);
  const a = await visitorWithTicket(ws, 'Invoice is wrong', '<b>Grace</b>');
  const b = await visitorWithTicket(ws, 'Cannot log in', 'Alan');
  await visitorWithTicket(other, 'Not yours');
  for (const key of [ws.key, ada.key]) {
    const r = await call('GET', '/admin/v1/tickets', { token: key });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.tickets.map((t) => t.subject).sort(), ['Cannot log in', 'Invoice is wrong']);
    const mine = r.body.tickets.find((t) => t.id === a.ticket.id);
    assert.equal(mine.visitorId, a.visitorId);
    assert.equal(mine.visitor.name, '<b>Grace</b>');
    assert.equal(mine.status, 'open');
  }
  const moved = await call('POST', `/admin/v1/tickets/${b.ticket.id}/status`, { token: ada.key, body: { status: 'solved' } });
  assert.equal(moved.status, 200, moved.text);
  const open = await call('GET', '/admin/v1/tickets?status=open', { token: ws.key });
  assert.deepEqual(open.body.tickets.map((t) => t.id), [a.ticket.id]);
  const solved = await call('GET', '/admin/v1/tickets?status=solved', { token: ws.key });
  assert.deepEqual(solved.body.tickets.map((t) => t.id), [b.ticket.id]);
  assertError(assert, await call('GET', '/admin/v1/tickets?status=lost', { token: ws.key }), 400, 'INVALID_INPUT');
  assertError(assert, await call('GET', '/admin/v1/tickets', { token: a.token }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await call('GET', '/admin/v1/tickets'), 401, 'NOT_AUTHENTICATED');
});

test("one visitor's tickets and conversations (their profile): visitorId filters at the edge; another workspace's visitor lists nothing; garbage is refused", async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const ada = await teammate(ws);
  const a = await visitorWithTicket(ws, 'Invoice is wrong', 'Grace');
  const b = await visitorWithTicket(ws, 'Cannot log in', 'Alan');
  const theirs = await visitorWithTicket(other, 'Not yours');
  const chat = async (v, body) => {
    const r = await call('POST', '/v1/conversations', { token: v.token, body: { message: { clientId: crypto.randomUUID(), body } } });
    assert.equal(r.status, 201, r.text);
    return r.body.conversation;
  };
  const aChat = await chat(a, 'Hello from Grace');
  await chat(b, 'Hello from Alan');
  const theirChat = await chat(theirs, 'Hello from elsewhere');
  const list = (what, q, key = ws.key) => call('GET', `/admin/v1/${what}?${q}`, { token: key });
  // A teammate key reads them as the workspace key does.
  for (const key of [ws.key, ada.key]) {
    for (const q of [`visitorId=${a.visitorId}`, `status=all&visitorId=${a.visitorId}`]) {
      const t = await list('tickets', q, key);
      assert.equal(t.status, 200, t.text);
      assert.deepEqual(t.body.tickets.map((x) => [x.id, x.visitorId]), [[a.ticket.id, a.visitorId]], q);
      const c = await list('conversations', q.includes('status') ? q : `status=all&${q}`, key);
      assert.equal(c.status, 200, c.text);
      assert.deepEqual(c.body.conversations.map((x) => [x.id, x.visitorId]), [[aChat.id, a.visitorId]], q);
      assert.equal(c.body.conversations[0].visitor.name, 'Grace');
    }
  }
  // Combined with a status: solved, Grace's ticket leaves the open list and joins the solved one.
  assert.equal((await call('POST', `/admin/v1/tickets/${a.ticket.id}/status`, { token: ws.key, body: { status: 'solved' } })).status, 200);
  assert.deepEqual((await list('tickets', `status=open&visitorId=${a.visitorId}`)).body.tickets, []);
  assert.equal((await list('tickets', `status=solved&visitorId=${a.visitorId}`)).body.tickets.length, 1);
  assert.equal((await list('conversations', `status=closed&visitorId=${a.visitorId}`)).body.conversations.length, 0);
  assert.equal((await list('conversations', `status=open&visitorId=${a.visitorId}`)).body.conversations.length, 1);
  // Another workspace's visitor, or no such visitor: an empty list, never their rows.
  for (const id of [theirs.visitorId, 'v_000000000000000000000000']) {
    assert.deepEqual((await list('tickets', `visitorId=${id}`)).body.tickets, [], id);
    const c = await list('conversations', `status=all&visitorId=${id}`);
    assert.deepEqual([c.status, c.body.conversations], [200, []], id);
  }
  // Their own key lists them, and only them.
  assert.deepEqual((await list('conversations', `status=all&visitorId=${theirs.visitorId}`, other.key)).body.conversations.map((x) => x.id), [theirChat.id]);
  // Garbage: refused, pointing at the parameter.
  for (const bad of ['', "v_1'%20OR%201=1--", 'x'.repeat(65), '%2Fetc', '%C3%A9']) {
    for (const what of ['tickets', 'conversations']) {
      const r = await list(what, `status=all&visitorId=${bad}`);
      assertError(assert, r, 400, 'INVALID_INPUT');
      assert.equal(r.body.error.path, '/visitorId', `${what} ${bad}`);
    }
  }
  // Without the filter the lists are the workspace's, as before.
  assert.equal((await list('tickets', 'status=all')).body.tickets.length, 2);
  assert.equal((await list('conversations', 'status=all')).body.conversations.length, 2);
});

test('a status change reaches the visitor live and in their own view; bad input and other workspaces change nothing', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const ada = await teammate(ws);
  const a = await visitorWithTicket(ws, 'Refund please');
  const sock = await live('/v1/live', a.token);
  try {
    const r = await call('POST', `/admin/v1/tickets/${a.ticket.id}/status`, { token: ada.key, body: { status: 'pending' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'pending');
    const e = await sock.next((x) => x.type === 'ticket', 10000);
    assert.deepEqual([e.ticket.id, e.ticket.status], [a.ticket.id, 'pending']);
    assert.equal(e.ticket.visitor, undefined, 'the visitor gets their own view of it');
    const seen = await call('GET', `/v1/tickets/${a.ticket.id}`, { token: a.token });
    assert.equal(seen.body.status, 'pending');
    assert.ok(seen.body.updatedAt >= a.ticket.updatedAt);
  } finally {
    sock.close();
  }
  for (const [body, path] of [[{ status: 'lost' }, '/status'], [{}, ''], [{ status: 'solved', extra: 1 }, '']]) {
    const bad = await call('POST', `/admin/v1/tickets/${a.ticket.id}/status`, { token: ws.key, body });
    assertError(assert, bad, 400, 'INVALID_INPUT');
    if (path) assert.equal(bad.body.error.path, path);
  }
  assertError(assert, await call('POST', `/admin/v1/tickets/${a.ticket.id}/status`, { token: other.key, body: { status: 'closed' } }), 404, 'NOT_FOUND');
  assertError(assert, await call('POST', '/admin/v1/tickets/tkt_nope/status', { token: ws.key, body: { status: 'closed' } }), 404, 'NOT_FOUND');
  assert.equal((await call('GET', `/v1/tickets/${a.ticket.id}`, { token: a.token })).body.status, 'pending', 'nothing above changed it');
});
