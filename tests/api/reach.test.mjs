// Estimated reach (`POST /admin/v1/audience/reach`): how many known visitors an audience rule
// admits now, counted at the edge by the targeting engine; the rule validated as a save would
// (errors under /rule), segment references only from this workspace, nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { teammate } from '../lib/live.mjs';

const cond = (source, key, operator, value) => ({ type: 'condition', property: { source, key }, operator, value });
const reach = (ws, body, token = ws.key) => call('POST', '/admin/v1/audience/reach', { token, body });

test('counts the visitors a rule admits: attributes, numbers as numbers, events, groups, page rules', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id, { attributes: { plan: 'pro', seats: 12 } });
  await boot(ws.id, { attributes: { plan: 'pro', seats: 3 } });
  await boot(ws.id, { attributes: { plan: 'free' } });
  await call('POST', '/v1/events', { token: a.body.sessionToken, body: { events: [{ name: 'purchase' }, { name: 'purchase' }] } });

  const everyone = await reach(ws, { rule: null });
  assert.equal(everyone.status, 200, everyone.text);
  assert.deepEqual(everyone.body, { matched: 3, scanned: 3, total: 3, estimated: 3, sample: false });

  const pro = await reach(ws, { rule: cond('custom', 'plan', 'equals', 'pro') });
  assert.equal(pro.body.matched, 2);
  assert.equal((await reach(ws, { rule: cond('custom', 'seats', 'gte', 10) })).body.matched, 1);
  const bought = { type: 'condition', property: { source: 'event', key: 'purchase', eventFilter: { name: 'purchase', countOperator: 'at_least', count: 2 } }, operator: 'gte' };
  assert.equal((await reach(ws, { rule: bought })).body.matched, 1);
  const not = { type: 'group', operator: 'not', conditions: [cond('custom', 'plan', 'equals', 'pro')] };
  assert.equal((await reach(ws, { rule: not })).body.matched, 1);
  const or = { type: 'group', operator: 'or', conditions: [cond('custom', 'plan', 'equals', 'free'), bought] };
  assert.equal((await reach(ws, { rule: or })).body.matched, 2);
  // A page condition is not known without a page: it leaves nobody out.
  assert.equal((await reach(ws, { rule: cond('page', 'path', 'equals', '/pricing') })).body.matched, 3);

  // Segments of this workspace resolve.
  const s = await call('POST', '/admin/v1/segments', { token: ws.key, body: { name: 'Pro', rule: cond('custom', 'plan', 'equals', 'pro') } });
  assert.equal((await reach(ws, { rule: { type: 'segment', segmentId: s.body.id } })).body.matched, 2);
});

test('bad input: a clear error pointing into /rule, other workspaces\' segments refused, nothing written', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  await boot(ws.id);
  const foreign = await call('POST', '/admin/v1/segments', { token: other.key, body: { name: 'Theirs', rule: cond('custom', 'plan', 'equals', 'pro') } });
  assert.equal(foreign.status, 201);

  const bad = await reach(ws, { rule: cond('custom', 'plan', 'bogus', 'pro') });
  assertError(assert, bad, 400, 'INVALID_INPUT');
  assert.equal(bad.body.error.path, '/rule/operator');
  const nested = await reach(ws, { rule: { type: 'group', operator: 'and', conditions: [cond('custom', 'seats', 'gt', 'lots')] } });
  assertError(assert, nested, 400, 'INVALID_INPUT');
  assert.equal(nested.body.error.path, '/rule/conditions/0/value');
  assertError(assert, await reach(ws, { rule: { segmentId: foreign.body.id } }), 400, 'INVALID_INPUT');
  assertError(assert, await reach(ws, { rule: 'everyone' }), 400, 'INVALID_INPUT');
  assertError(assert, await reach(ws, {}), 400, 'INVALID_INPUT');
  assertError(assert, await reach(ws, { rule: null, extra: 1 }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', '/admin/v1/audience/reach', { token: ws.key, raw: '{"rule":' }), 400, 'INVALID_INPUT');
  const deep = { type: 'group', operator: 'and', conditions: [] };
  let at = deep;
  for (let i = 0; i < 12; i++) { const g = { type: 'group', operator: 'and', conditions: [] }; at.conditions.push(g); at = g; }
  assertError(assert, await reach(ws, { rule: deep }), 400, 'INVALID_INPUT');

  // Only the workspace secret key: no key, a visitor token, a teammate key are refused.
  assertError(assert, await call('POST', '/admin/v1/audience/reach', { body: { rule: null } }), 401, 'NOT_AUTHENTICATED');
  const v = await boot(ws.id);
  assert.equal((await reach(ws, { rule: null }, v.body.sessionToken)).status, 403);
  const tm = await teammate(ws);
  assert.equal((await reach(ws, { rule: null }, tm.key)).status, 403);

  // Nothing was written: the other workspace's segments are as they were, and this one has none.
  assert.equal((await call('GET', '/admin/v1/segments', { token: ws.key })).body.segments.length, 0);
  assert.equal((await call('GET', '/admin/v1/segments', { token: other.key })).body.segments.length, 1);
});

test("an item's triggers and frequency are checked as a save would (errors at their path), without changing the count", async () => {
  const ws = await createWorkspace();
  await boot(ws.id);
  const ok = await reach(ws, { rule: null, triggers: [{ type: 'scroll_depth', percent: 50 }, { type: 'element_click', selector: '#buy' }], frequency: { mode: 'at_most', maxTimes: 3, recontactAfterDays: 7 } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.matched, 1);
  assert.equal((await reach(ws, { rule: null, triggers: null, frequency: null })).status, 200);
  const cases = [
    [{ triggers: [{ type: 'scroll_depth', percent: 150 }] }, '/triggers/0/percent'],
    [{ triggers: [{ type: 'immediate' }, { type: 'element_click', selector: '   ' }] }, '/triggers/1/selector'],
    [{ triggers: [{ type: 'event', name: 'x', properties: [{ key: 'plan', operator: 'bogus', value: 1 }] }] }, '/triggers/0/properties/0/operator'],
    [{ triggers: [{ type: 'teleport' }] }, '/triggers/0/type'],
    [{ triggers: Array(6).fill({ type: 'immediate' }) }, '/triggers'],
    [{ triggers: { type: 'immediate' } }, '/triggers'],
    [{ frequency: { mode: 'at_most', maxTimes: 0 } }, '/frequency/maxTimes'],
    [{ frequency: 'sometimes' }, '/frequency/mode'],
    [{ frequency: 7 }, '/frequency'],
  ];
  for (const [extra, path] of cases) {
    const r = await reach(ws, { rule: null, ...extra });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, path, JSON.stringify(extra));
  }
  // The rule is checked first: its error is the one answered.
  const both = await reach(ws, { rule: cond('custom', 'plan', 'bogus', 'pro'), triggers: [{ type: 'teleport' }] });
  assert.equal(both.body.error.path, '/rule/operator');
});

test('count: false checks the rule, triggers and frequency without counting anyone (204); a bad one is still refused', async () => {
  const ws = await createWorkspace();
  await boot(ws.id);
  const checked = await reach(ws, { rule: cond('custom', 'plan', 'equals', 'pro'), triggers: [{ type: 'scroll_depth', percent: 50 }], frequency: 'once', count: false });
  assert.equal(checked.status, 204, checked.text);
  assert.equal(checked.text, '');
  assertError(assert, await reach(ws, { rule: null, triggers: [{ type: 'scroll_depth', percent: 150 }], count: false }), 400, 'INVALID_INPUT');
  const badRule = await reach(ws, { rule: cond('custom', 'plan', 'bogus', 'pro'), count: false });
  assertError(assert, badRule, 400, 'INVALID_INPUT');
  assert.equal(badRule.body.error.path, '/rule/operator');
  assertError(assert, await reach(ws, { rule: null, count: 'no' }), 400, 'INVALID_INPUT');
  // Counting stays the default.
  assert.equal((await reach(ws, { rule: null, count: true })).body.matched, 1);
});
