// POST /v1/events: stored and counted for the token's visitor only; bad batches change nothing;
// a verified merge carries events and counters over; the admin API shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, userHash } from '../lib/harness.mjs';

const track = (token, events) => call('POST', '/v1/events', { token, body: { events } });
const adminVisitor = (ws, id) => call('GET', `/admin/v1/visitors/${id}`, { token: ws.key });
const totals = (r) => Object.fromEntries(r.body.events.totals.map((t) => [t.name, t.count]));

test('a batch is stored, counted per name, and shown to the workspace admin', async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const r = await track(v.body.sessionToken, [
    { name: 'purchase', properties: { plan: 'pro', amount: 49 }, url: 'https://shop.test/checkout' },
    { name: 'purchase', properties: { plan: 'team' } },
    { name: '<img src=x onerror=alert(1)>' },
  ]);
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body, { accepted: 3 });
  const a = await adminVisitor(ws, v.body.visitor.id);
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(totals(a), { purchase: 2, '<img src=x onerror=alert(1)>': 1 });
  const checkout = a.body.events.recent.find((e) => e.url === 'https://shop.test/checkout');
  assert.deepEqual(checkout.properties, { plan: 'pro', amount: 49 });
  assert.equal(a.body.visitor.id, v.body.visitor.id);
});

test('an event sent again with its clientId (a retry, a replayed offline queue) is stored and counted once', async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const batch = [
    { name: 'purchase', clientId: 'evt-1', properties: { plan: 'pro' } },
    { name: 'purchase', clientId: 'evt-2' },
    { name: 'viewed', clientId: 'evt-3' },
    { name: 'viewed', clientId: 'evt-3' }, // twice in one batch
    { name: 'viewed' }, // no clientId: every send counts
  ];
  assert.equal((await track(t, batch)).status, 202);
  // The answer was lost: the whole queue comes again, with one new event.
  const again = await track(t, [...batch, { name: 'purchase', clientId: 'evt-4' }]);
  assert.equal(again.status, 202, again.text);
  const a = await adminVisitor(ws, v.body.visitor.id);
  assert.deepEqual(totals(a), { purchase: 3, viewed: 3 }, 'evt-1..4 once each, plus the two without an id');
  assert.equal(a.body.events.recent.filter((e) => e.name === 'purchase').length, 3);
  // Another visitor may use the same ids: ids are per visitor.
  const w = await boot(ws.id);
  await track(w.body.sessionToken, [{ name: 'purchase', clientId: 'evt-1' }]);
  assert.deepEqual(totals(await adminVisitor(ws, w.body.visitor.id)), { purchase: 1 });
});

test('client times are kept when plausible (queued offline), replaced when not', async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const hourAgo = Date.now() - 3600_000;
  await track(v.body.sessionToken, [{ name: 'offline', occurredAt: hourAgo }, { name: 'future', occurredAt: Date.now() + 30 * 86400_000 }]);
  const a = await adminVisitor(ws, v.body.visitor.id);
  const at = Object.fromEntries(a.body.events.recent.map((e) => [e.name, e.occurredAt]));
  assert.equal(at.offline, hourAgo);
  assert.ok(Math.abs(at.future - Date.now()) < 60_000, 'a date a month ahead counts as now');
});

test('bad batches get the right code and store nothing', async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const cases = [
    [[], 400, '/events'],
    [Array.from({ length: 51 }, () => ({ name: 'x' })), 400, '/events'],
    [[{ name: 'ok' }, { name: '' }], 400, '/events/1/name'],
    [[{ name: 'x', properties: 'not an object' }], 400, '/events/0/properties'],
    [[{ name: 'x', visitorId: 'v_someone_else' }], 400, undefined],
    [[{ name: 'x', properties: { a: { b: { c: { d: 1 } } } } }], 400, '/events/0/properties/a/b/c'],
    [[{ name: 'x', clientId: '<script>' }], 400, '/events/0/clientId'],
    [[{ name: 'x', clientId: 42 }], 400, undefined],
  ];
  for (const [events, status, path] of cases) {
    const r = await track(t, events);
    assertError(assert, r, status, 'INVALID_INPUT');
    if (path) assert.equal(r.body.error.path, path, JSON.stringify(events).slice(0, 80));
  }
  assertError(assert, await call('POST', '/v1/events', { token: t, raw: '{"events":[' }), 400, 'INVALID_INPUT');
  assertError(assert, await track(t, [{ name: 'x', properties: { big: 'y'.repeat(70 * 1024) } }]), 413, 'PAYLOAD_TOO_LARGE');
  assertError(assert, await track(undefined, [{ name: 'x' }]), 401, 'NOT_AUTHENTICATED');
  const a = await adminVisitor(ws, v.body.visitor.id);
  assert.deepEqual(a.body.events, { totals: [], recent: [] }, 'nothing was stored');
});

test("a token only ever writes its own visitor's events", async () => {
  const ws = await createWorkspace();
  const alice = await boot(ws.id);
  const bob = await boot(ws.id);
  await track(bob.body.sessionToken, [{ name: 'bob_only' }]);
  const a = await adminVisitor(ws, alice.body.visitor.id);
  assert.deepEqual(a.body.events.totals, []);
  assert.deepEqual(totals(await adminVisitor(ws, bob.body.visitor.id)), { bob_only: 1 });
});

test('a verified merge moves events and adds counters up', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const hash = userHash(ws.secret, 'merge_events');
  const known = await boot(ws.id, { userId: 'merge_events', userHash: hash });
  await track(known.body.sessionToken, [{ name: 'purchase' }]);
  const anon = await boot(ws.id);
  await track(anon.body.sessionToken, [{ name: 'purchase' }, { name: 'viewed_pricing' }]);
  const id = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: { userId: 'merge_events', userHash: hash } });
  assert.equal(id.body.visitor.id, known.body.visitor.id);
  const a = await adminVisitor(ws, known.body.visitor.id);
  assert.deepEqual(totals(a), { purchase: 2, viewed_pricing: 1 });
  assert.equal(a.body.events.recent.length, 3);
  // The anonymous visitor is gone from the admin's view (merged).
  assertError(assert, await adminVisitor(ws, anon.body.visitor.id), 404, 'NOT_FOUND');
});

test('admin visitor view: scoped to the key’s workspace; no key, visitor tokens and unknown ids refused', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const v = await boot(ws.id);
  assertError(assert, await adminVisitor(other, v.body.visitor.id), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', `/admin/v1/visitors/${v.body.visitor.id}`), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('GET', `/admin/v1/visitors/${v.body.visitor.id}`, { token: v.body.sessionToken }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await adminVisitor(ws, 'v_nope'), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', '/admin/v1/visitors/a/b', { token: ws.key }), 404, 'NOT_FOUND');
});
