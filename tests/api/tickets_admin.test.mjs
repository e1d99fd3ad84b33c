// The team's side of tickets (/admin/v1/tickets): the queue lists the workspace's tickets with
// their visitor, by status; a status change reaches the visitor's live socket and their own
// ticket view; another workspace's tickets are out of reach; bad input changes nothing.
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
