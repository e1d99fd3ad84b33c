// A ticket a visitor files is announced live to the team's consoles (the hub's agents), with
// the queue's view of it; another workspace's team hears nothing of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot } from '../lib/harness.mjs';
import { live, teammate } from '../lib/live.mjs';

test('a new ticket reaches the agents\' sockets of its workspace only', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const ada = await teammate(ws);
  const eve = await teammate(other, 'Eve');
  const mine = await live('/admin/v1/live', ada.key);
  const theirs = await live('/admin/v1/live', eve.key);
  try {
    const v = await boot(ws.id, { name: 'Grace' });
    const r = await call('POST', '/v1/tickets', { token: v.body.sessionToken, body: { subject: 'Export is <b>broken</b>', body: 'CSV export fails.' } });
    assert.equal(r.status, 201, r.text);
    const e = await mine.next((x) => x.type === 'ticket' && x.new);
    assert.equal(e.ticket.id, r.body.id);
    assert.equal(e.ticket.subject, 'Export is <b>broken</b>');
    assert.equal(e.ticket.status, 'open');
    assert.equal(e.ticket.visitorId, v.body.visitor.id);
    // The other workspace's agent: a ticket of theirs arrives, none of ours came first.
    const w = await boot(other.id);
    const own = await call('POST', '/v1/tickets', { token: w.body.sessionToken, body: { subject: 'Theirs', body: 'x' } });
    const first = await theirs.next((x) => x.type === 'ticket');
    assert.equal(first.ticket.id, own.body.id);
  } finally {
    mine.close();
    theirs.close();
  }
});
