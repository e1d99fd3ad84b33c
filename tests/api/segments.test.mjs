// Segments: saved audience rules, validated by the shared engine when saved, scoped to their
// workspace, and evaluated at the edge against attributes and event counters (the same engine
// the widget ships).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

const cond = (source, key, operator, value) => ({ type: 'condition', property: { source, key }, operator, value });
const seg = (ws, body) => call('POST', '/admin/v1/segments', { token: ws.key, body });
const memberOf = async (ws, visitorId) => {
  const r = await call('GET', `/admin/v1/visitors/${visitorId}`, { token: ws.key });
  assert.equal(r.status, 200, r.text);
  return r.body.segments.map((s) => s.name).sort();
};

test('lifecycle: create, list, get, rename, change rule, delete', async () => {
  const ws = await createWorkspace();
  const c = await seg(ws, { name: 'Pro plans', rule: cond('custom', 'plan', 'equals', 'pro') });
  assert.equal(c.status, 201, c.text);
  assert.match(c.body.id, /^seg_[0-9a-f]{16}$/);
  assert.deepEqual(c.body.rule, { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' });
  const list = await call('GET', '/admin/v1/segments', { token: ws.key });
  assert.deepEqual(list.body.segments.map((s) => s.id), [c.body.id]);
  const p = await call('PATCH', `/admin/v1/segments/${c.body.id}`, { token: ws.key, body: { name: 'Paying', rule: cond('custom', 'plan', 'in', ['pro', 'team']) } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.name, 'Paying');
  assert.equal(p.body.rule.operator, 'in');
  const g = await call('GET', `/admin/v1/segments/${c.body.id}`, { token: ws.key });
  assert.deepEqual(g.body, p.body);
  assert.equal((await call('DELETE', `/admin/v1/segments/${c.body.id}`, { token: ws.key })).status, 204);
  assertError(assert, await call('GET', `/admin/v1/segments/${c.body.id}`, { token: ws.key }), 404, 'NOT_FOUND');
});

test("Opencom's rule shape is accepted as is and printed canonically", async () => {
  const ws = await createWorkspace();
  const opencom = { type: 'group', operator: 'and', conditions: [
    { type: 'condition', property: { source: 'system', key: 'externalUserId' }, operator: 'is_set' },
    { type: 'condition', property: { source: 'custom', key: 'seats' }, operator: 'greater_than_or_equals', value: '5' },
  ] };
  const r = await seg(ws, { name: 'Opencom', rule: opencom });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.rule.conditions[1].operator, 'gte');
});

test('bad rules are refused with the path of the bad node, and nothing is saved', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const foreign = await seg(other, { name: 'Theirs', rule: cond('custom', 'x', 'is_set') });
  const cases = [
    [{ name: 'x', rule: { type: 'group', operator: 'and', conditions: [cond('custom', 'a', 'resembles', 'b')] } }, '/rule/conditions/0/operator'],
    [{ name: 'x', rule: cond('system', 'shoeSize', 'equals', 42) }, '/rule/property/key'],
    [{ name: 'x', rule: cond('custom', 'n', 'gt', 'lots') }, '/rule/value'],
    [{ name: 'x', rule: cond('custom', 'n', 'matches', '(unclosed') }, '/rule/value'],
    [{ name: 'x', rule: { segmentId: 'seg_does_not_exist' } }, '/rule'],
    [{ name: 'x', rule: { segmentId: foreign.body.id } }, '/rule'],
    [{ name: '', rule: cond('custom', 'x', 'is_set') }, '/name'],
    [{ name: 'x' }, '/rule'],
  ];
  for (const [body, path] of cases) {
    const r = await seg(ws, body);
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, path, JSON.stringify(body));
  }
  let deep = cond('custom', 'x', 'is_set');
  for (let i = 0; i < 9; i++) deep = { type: 'group', operator: 'and', conditions: [deep] };
  assertError(assert, await seg(ws, { name: 'deep', rule: deep }), 400, 'INVALID_INPUT');
  assertError(assert, await seg(ws, { name: 'x', rule: cond('custom', 'x', 'is_set'), extra: 1 }), 400, 'INVALID_INPUT');
  const list = await call('GET', '/admin/v1/segments', { token: ws.key });
  assert.deepEqual(list.body.segments, [], 'nothing was saved');
});

test("another workspace's key cannot see or change a segment", async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const c = await seg(ws, { name: 'Mine', rule: cond('custom', 'x', 'is_set') });
  for (const [m, body] of [['GET'], ['PATCH', { name: 'stolen' }], ['DELETE']]) {
    assertError(assert, await call(m, `/admin/v1/segments/${c.body.id}`, { token: other.key, body }), 404, 'NOT_FOUND');
  }
  const v = await boot(ws.id);
  assertError(assert, await call('GET', '/admin/v1/segments', { token: v.body.sessionToken }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await call('GET', '/admin/v1/segments'), 401, 'NOT_AUTHENTICATED');
  assert.equal((await call('GET', `/admin/v1/segments/${c.body.id}`, { token: ws.key })).body.name, 'Mine');
});

test('membership is evaluated at the edge from attributes and event counters', async () => {
  const ws = await createWorkspace();
  const pro = await seg(ws, { name: 'Pro', rule: cond('custom', 'plan.tier', 'equals', 'pro') });
  await seg(ws, { name: 'Buyers', rule: { type: 'condition', property: { source: 'event', key: 'purchase', eventFilter: { name: 'purchase', countOperator: 'at_least', count: 2, withinDays: 30 } }, operator: 'equals' } });
  await seg(ws, { name: 'Pro buyers', rule: { type: 'group', operator: 'and', conditions: [{ segmentId: pro.body.id }, cond('event', 'purchase', 'gte', 1)] } });
  const v = await boot(ws.id, { attributes: { plan: { tier: 'pro' } } });
  assert.deepEqual(await memberOf(ws, v.body.visitor.id), ['Pro']);
  await call('POST', '/v1/events', { token: v.body.sessionToken, body: { events: [{ name: 'purchase' }] } });
  assert.deepEqual(await memberOf(ws, v.body.visitor.id), ['Pro', 'Pro buyers']);
  await call('POST', '/v1/events', { token: v.body.sessionToken, body: { events: [{ name: 'purchase' }] } });
  assert.deepEqual(await memberOf(ws, v.body.visitor.id), ['Buyers', 'Pro', 'Pro buyers']);
  // A deleted segment hides what referenced it, rather than showing it to everyone (Opencom bug 9).
  await call('DELETE', `/admin/v1/segments/${pro.body.id}`, { token: ws.key });
  assert.deepEqual(await memberOf(ws, v.body.visitor.id), ['Buyers']);
  const stranger = await boot(ws.id);
  assert.deepEqual(await memberOf(ws, stranger.body.visitor.id), []);
});
