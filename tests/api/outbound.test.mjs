// Outbound messages through the admin API, and /v1/eligible: audience, status, schedule and
// frequency really filter what a visitor gets; impressions feed frequency; scoping holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

const cond = (source, key, operator, value) => ({ type: 'condition', property: { source, key }, operator, value });
const post = (extra = {}) => ({ kind: 'post', name: 'Reports launch', content: { title: 'New: reports', body: 'Build reports without SQL.', buttons: [{ label: 'Try it', action: { type: 'open_url', url: 'https://acme.test/reports' } }] }, ...extra });
const create = async (ws, body) => {
  const r = await call('POST', '/admin/v1/outbound', { token: ws.key, body });
  assert.equal(r.status, 201, r.text);
  return r.body;
};
const act = (ws, id, action) => call('POST', `/admin/v1/outbound/${id}/${action}`, { token: ws.key });
const eligibleIds = async (token, query = '') => {
  const r = await call('GET', `/v1/eligible${query}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.outbound.map((o) => o.id);
};
const impression = (token, contentId, action, browsingSession) => call('POST', '/v1/impressions', { token, body: { kind: 'outbound', contentId, action, browsingSession } });

test('lifecycle: draft is not shown, active is, paused and archived are not; archived cannot be re-activated', async () => {
  const ws = await createWorkspace();
  const m = await create(ws, post());
  assert.equal(m.status, 'draft');
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  assert.deepEqual(await eligibleIds(t), []);
  assert.equal((await act(ws, m.id, 'activate')).body.status, 'active');
  assert.deepEqual(await eligibleIds(t), [m.id]);
  assert.equal((await act(ws, m.id, 'pause')).body.status, 'paused');
  assert.deepEqual(await eligibleIds(t), []);
  assert.equal((await act(ws, m.id, 'archive')).body.status, 'archived');
  assertError(assert, await act(ws, m.id, 'activate'), 400, 'INVALID_INPUT');
  assert.deepEqual(await eligibleIds(t), []);
  const list = await call('GET', '/admin/v1/outbound', { token: ws.key });
  assert.deepEqual(list.body.outbound.map((o) => o.status), ['archived']);
  assert.equal((await call('DELETE', `/admin/v1/outbound/${m.id}`, { token: ws.key })).status, 204);
  assertError(assert, await call('GET', `/admin/v1/outbound/${m.id}`, { token: ws.key }), 404, 'NOT_FOUND');
});

test('audience (attributes, page, segments) filters at the edge; a deleted segment hides the message', async () => {
  const ws = await createWorkspace();
  const pro = (await call('POST', '/admin/v1/segments', { token: ws.key, body: { name: 'Pro', rule: cond('custom', 'plan', 'equals', 'pro') } })).body;
  const forPro = await create(ws, post({ name: 'pro', audience: { segmentId: pro.id } }));
  const onPricing = await create(ws, post({ name: 'pricing', kind: 'banner', content: { body: 'Annual plans: 2 months free' }, audience: cond('page', 'path', 'starts_with', '/pricing') }));
  await act(ws, forPro.id, 'activate');
  await act(ws, onPricing.id, 'activate');
  const proV = await boot(ws.id, { attributes: { plan: 'pro' } });
  const freeV = await boot(ws.id, { attributes: { plan: 'free' } });
  assert.deepEqual(await eligibleIds(proV.body.sessionToken, '?url=' + encodeURIComponent('https://acme.test/app')), [forPro.id]);
  assert.deepEqual(await eligibleIds(freeV.body.sessionToken, '?url=' + encodeURIComponent('https://acme.test/app')), []);
  assert.deepEqual(await eligibleIds(freeV.body.sessionToken, '?url=' + encodeURIComponent('https://acme.test/pricing?x=1')), [onPricing.id]);
  await call('DELETE', `/admin/v1/segments/${pro.id}`, { token: ws.key });
  assert.deepEqual(await eligibleIds(proV.body.sessionToken, '?url=/app'), [], 'a deleted segment matches nobody, never everyone');
});

test('schedule windows and priority order', async () => {
  const ws = await createWorkspace();
  const later = await create(ws, post({ name: 'later', frequency: { mode: 'always', startAt: Date.now() + 3600_000 } }));
  const ended = await create(ws, post({ name: 'ended', frequency: { mode: 'always', startAt: 1, endAt: Date.now() - 1000 } }));
  const low = await create(ws, post({ name: 'low', priority: 1, frequency: 'always' }));
  const high = await create(ws, post({ name: 'high', priority: 50, frequency: 'always', kind: 'chat', content: { body: 'Hi! Need help with reports?' } }));
  for (const m of [later, ended, low, high]) await act(ws, m.id, 'activate');
  const v = await boot(ws.id);
  assert.deepEqual(await eligibleIds(v.body.sessionToken), [high.id, low.id]);
});

test('frequency: once, until_dismissed and once_per_session follow impressions', async () => {
  const ws = await createWorkspace();
  const once = await create(ws, post({ name: 'once', frequency: 'once' }));
  const untilDismissed = await create(ws, post({ name: 'until dismissed', frequency: 'until_dismissed' }));
  const perSession = await create(ws, post({ name: 'per session', frequency: 'once_per_session' }));
  for (const m of [once, untilDismissed, perSession]) await act(ws, m.id, 'activate');
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const all = (await eligibleIds(t, '?bs=tab1')).sort();
  assert.deepEqual(all, [once.id, untilDismissed.id, perSession.id].sort());
  for (const m of [once, untilDismissed, perSession]) assert.equal((await impression(t, m.id, 'shown', 'tab1')).status, 204);
  assert.deepEqual((await eligibleIds(t, '?bs=tab1')).sort(), [untilDismissed.id].sort());
  assert.deepEqual((await eligibleIds(t, '?bs=tab2')).sort(), [untilDismissed.id, perSession.id].sort(), 'a new browsing session sees the per-session one again');
  await impression(t, untilDismissed.id, 'dismissed', 'tab2');
  assert.deepEqual(await eligibleIds(t, '?bs=tab3'), [perSession.id]);
  const r = await call('GET', '/v1/eligible?bs=tab3', { token: t });
  assert.equal(r.body.outbound[0].history.shown, 1);
});

test('an impression sent again with its clientId (queued offline, retried) is recorded once; bad ids are refused', async () => {
  const ws = await createWorkspace();
  const twice = await create(ws, post({ name: 'at most twice', frequency: { mode: 'at_most', maxTimes: 2 } }));
  await act(ws, twice.id, 'activate');
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const shown = (clientId, occurredAt) => call('POST', '/v1/impressions', { token: t, body: { kind: 'outbound', contentId: twice.id, action: 'shown', browsingSession: 'tab1', clientId, occurredAt } });
  const hourAgo = Date.now() - 3600_000;
  for (let i = 0; i < 3; i++) assert.equal((await shown('imp-1', hourAgo)).status, 204, 'a retry answers like the first');
  assert.deepEqual(await eligibleIds(t, '?bs=tab1'), [twice.id], 'one of two shows used, however often it was sent');
  const r = await call('GET', '/v1/eligible?bs=tab1', { token: t });
  assert.equal(r.body.outbound[0].history.shown, 1);
  assert.equal((await shown('imp-2')).status, 204);
  assert.deepEqual(await eligibleIds(t, '?bs=tab1'), [], 'the second show (another id) uses it up');
  for (const bad of ['', 'has space', 'x'.repeat(65), '<script>']) {
    const b = await shown(bad);
    assertError(assert, b, 400, 'INVALID_INPUT');
    assert.equal(b.body.error.path, '/clientId');
  }
});

test('bad content is refused with the path of the field, and nothing is saved', async () => {
  const ws = await createWorkspace();
  const cases = [
    [post({ kind: undefined }), '/kind'],
    [post({ kind: 'popup' }), '/kind'],
    [post({ name: '' }), '/name'],
    [post({ content: { body: '' } }), '/content/body'],
    [post({ content: { body: 'x', buttons: [{ label: 'Go', action: { type: 'open_url', url: 'javascript:alert(1)' } }] } }), '/content/buttons/0/action/url'],
    [post({ content: { body: 'x', html: '<script>' } }), undefined],
    [post({ audience: cond('custom', 'plan', 'resembles', 'x') }), '/audience/operator'],
    [post({ audience: { segmentId: 'seg_nope' } }), '/audience'],
    [post({ triggers: [{ type: 'page_visit', match: 'regex', value: '(' }] }), '/triggers/0/value'],
    [post({ frequency: 'sometimes' }), '/frequency/mode'],
    [post({ priority: 5000 }), '/priority'],
  ];
  for (const [body, path] of cases) {
    const r = await call('POST', '/admin/v1/outbound', { token: ws.key, body });
    assertError(assert, r, 400, 'INVALID_INPUT');
    if (path) assert.equal(r.body.error.path, path, JSON.stringify(body).slice(0, 120));
  }
  assert.deepEqual((await call('GET', '/admin/v1/outbound', { token: ws.key })).body.outbound, []);
});

test('HTML in text is stored and served as text; scoping: other workspaces and visitors', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const evil = '<img src=x onerror=alert(1)></script>';
  const m = await create(ws, post({ name: evil, content: { title: evil, body: evil } }));
  await act(ws, m.id, 'activate');
  const v = await boot(ws.id);
  const r = await call('GET', '/v1/eligible', { token: v.body.sessionToken });
  assert.equal(r.body.outbound[0].content.body, evil);
  assert.match(r.headers.get('content-type'), /application\/json/);
  // Another workspace's key cannot read or change it, and its visitors never see it.
  assertError(assert, await call('GET', `/admin/v1/outbound/${m.id}`, { token: other.key }), 404, 'NOT_FOUND');
  assertError(assert, await call('PATCH', `/admin/v1/outbound/${m.id}`, { token: other.key, body: { name: 'x' } }), 404, 'NOT_FOUND');
  assertError(assert, await act(other, m.id, 'pause'), 404, 'NOT_FOUND');
  const stranger = await boot(other.id);
  assert.deepEqual(await eligibleIds(stranger.body.sessionToken), []);
  assertError(assert, await impression(stranger.body.sessionToken, m.id, 'shown'), 404, 'NOT_FOUND');
  // Impressions need a token, a known action, and never take a visitor id from the body.
  assertError(assert, await impression(undefined, m.id, 'shown'), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await impression(v.body.sessionToken, m.id, 'liked'), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', '/v1/impressions', { token: v.body.sessionToken, body: { kind: 'outbound', contentId: m.id, action: 'shown', visitorId: 'v_other' } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('GET', '/v1/eligible'), 401, 'NOT_AUTHENTICATED');
  // PATCH keeps the kind.
  assertError(assert, await call('PATCH', `/admin/v1/outbound/${m.id}`, { token: ws.key, body: { kind: 'banner' } }), 400, 'INVALID_INPUT');
});
