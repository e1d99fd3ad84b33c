// The console's measures (`/admin/v1/analytics/…`): an item's shown / clicked / dismissed /
// completed per day, a tour's funnel by step, CSAT per teammate, over a date range; the
// workspace secret key only, another workspace's ids not found, bad dates a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { teammate } from '../lib/live.mjs';
import { steps } from '../lib/fixtures.mjs';

const today = () => new Date().toISOString().slice(0, 10);
const report = (ws, path, token = ws.key) => call('GET', `/admin/v1/analytics/${path}`, { token });

async function active(ws, family, body) {
  const c = await call('POST', `/admin/v1/${family}`, { token: ws.key, body });
  assert.equal(c.status, 201, c.text);
  const a = await call('POST', `/admin/v1/${family}/${c.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

test("an item's impressions by day and action, and a tour's funnel by step", async () => {
  const ws = await createWorkspace();
  const banner = await active(ws, 'outbound', { kind: 'banner', name: 'Sale', content: { body: 'Half price.' }, frequency: 'always' });
  const seen = async (action) => {
    const v = await boot(ws.id);
    const r = await call('POST', '/v1/impressions', { token: v.body.sessionToken, body: { kind: 'outbound', contentId: banner.id, action, browsingSession: 'b1', clientId: randomUUID() } });
    assert.ok(r.status < 300, r.text);
  };
  for (const a of ['shown', 'shown', 'shown', 'clicked', 'dismissed']) await seen(a);
  const r = await report(ws, `items/${banner.id}?from=${today()}&to=${today()}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.item, { id: banner.id, kind: 'banner', name: 'Sale' });
  assert.deepEqual(r.body.days, [{ date: today(), shown: 3, clicked: 1, dismissed: 1, completed: 0 }]);
  assert.deepEqual(r.body.totals, { shown: 3, clicked: 1, dismissed: 1, completed: 0 });
  assert.equal(r.body.funnel, null);
  // The default range: the last 30 days, every day listed, today last.
  const def = await report(ws, `items/${banner.id}`);
  assert.equal(def.body.days.length, 30);
  assert.equal(def.body.days.at(-1).date, today());
  assert.equal(def.body.totals.shown, 3);
  // A range before anything happened counts nothing.
  const old = await report(ws, `items/${banner.id}?from=2020-01-01&to=2020-01-31`);
  assert.equal(old.body.days.length, 31);
  assert.equal(old.body.totals.shown, 0);

  const tour = await active(ws, 'tours', { name: 'Onboarding', content: { steps } });
  const progress = (t, body) => call('POST', `/v1/tours/${tour.id}/progress`, { token: t, body });
  const walker = async (moves) => {
    const v = await boot(ws.id);
    const t = v.body.sessionToken;
    assert.equal((await progress(t, { action: 'start' })).status, 200);
    for (const m of moves) assert.equal((await progress(t, m)).status, 200, m.action);
  };
  await walker([{ action: 'dismiss' }]);
  await walker([]);
  await walker([{ action: 'advance', url: 'https://acme.test/app' }]);
  const f = await report(ws, `items/${tour.id}`);
  assert.equal(f.status, 200, f.text);
  assert.deepEqual(f.body.funnel.steps.map((s) => [s.index, s.reached, s.dismissed]), [[0, 3, 1], [1, 1, 0], [2, 0, 0]]);
  assert.equal(f.body.funnel.steps[0].title, steps[0].title ?? '');
  assert.equal(f.body.funnel.completed, 0);
});

test('CSAT per teammate', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws, 'Ada');
  const rate = async (rating) => {
    const v = await boot(ws.id);
    const t = v.body.sessionToken;
    const start = await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: randomUUID(), body: 'Help' } } });
    const id = start.body.conversation.id;
    assert.equal((await call('POST', `/admin/v1/conversations/${id}/messages`, { token: ada.key, body: { clientId: randomUUID(), body: 'Here.' } })).status, 201);
    assert.equal((await call('POST', `/admin/v1/conversations/${id}/close`, { token: ada.key })).status, 200);
    assert.equal((await call('POST', `/v1/conversations/${id}/csat`, { token: t, body: { rating } })).status, 200);
  };
  await rate(5);
  await rate(4);
  await rate(2);
  const r = await report(ws, 'csat');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.to, today());
  assert.deepEqual(r.body.teammates, [{ teammateId: ada.id, name: 'Ada', responses: 3, average: 3.67, distribution: [0, 1, 0, 1, 1] }]);
  assert.deepEqual((await report(ws, 'csat?from=2020-01-01&to=2020-01-02')).body.teammates, []);
});

test('bad input: dates, ranges, foreign ids, other keys — clear errors', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const theirs = await active(other, 'outbound', { kind: 'banner', name: 'Theirs', content: { body: 'x' } });
  assertError(assert, await report(ws, `items/${theirs.id}`), 404, 'NOT_FOUND');
  assertError(assert, await report(ws, 'items/out_nope'), 404, 'NOT_FOUND');
  for (const [q, path] of [['from=yesterday', '/from'], ['to=2025-02-30', '/to'], ['from=2025-03-02&to=2025-03-01', '/from'], ['from=2020-01-01&to=2025-01-01', '/from'], ['to=2025-01-01T00:00', '/to']]) {
    const r = await report(ws, `csat?${q}`);
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, path, q);
  }
  assertError(assert, await call('GET', '/admin/v1/analytics/csat'), 401, 'NOT_AUTHENTICATED');
  const tm = await teammate(ws);
  assert.equal((await report(ws, 'csat', tm.key)).status, 403);
  const v = await boot(ws.id);
  assert.equal((await report(ws, `items/${theirs.id}`, v.body.sessionToken)).status, 403);
  // Their report is unchanged by all this (reads only).
  assert.equal((await report(other, `items/${theirs.id}`)).body.totals.shown, 0);
});
