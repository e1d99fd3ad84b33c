// Tooltips: their own admin path, anchored to a selector, listed apart in /v1/eligible, and —
// unlike Opencom's (bug 10) — with frequency and dismissal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

const tip = (extra = {}) => ({ name: 'Export hint', content: { body: 'Export any report as CSV from here.', selector: '#export-csv' }, ...extra });

test('a tooltip is created under /admin/v1/tooltips, shows until dismissed, and is listed apart', async () => {
  const ws = await createWorkspace();
  const t = await call('POST', '/admin/v1/tooltips', { token: ws.key, body: tip() });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.body.kind, 'tooltip');
  assert.match(t.body.id, /^tip_/);
  assert.equal(t.body.frequency, 'until_dismissed', 'tooltips default to until_dismissed');
  assert.equal((await call('POST', `/admin/v1/tooltips/${t.body.id}/activate`, { token: ws.key })).body.status, 'active');
  const post = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'p', content: { body: 'hello' }, frequency: 'always' } });
  await call('POST', `/admin/v1/outbound/${post.body.id}/activate`, { token: ws.key });
  // Each path lists and reaches only its own family.
  assert.deepEqual((await call('GET', '/admin/v1/tooltips', { token: ws.key })).body.tooltips.map((x) => x.id), [t.body.id]);
  assert.deepEqual((await call('GET', '/admin/v1/outbound', { token: ws.key })).body.outbound.map((x) => x.id), [post.body.id]);
  assertError(assert, await call('GET', `/admin/v1/outbound/${t.body.id}`, { token: ws.key }), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', `/admin/v1/tooltips/${post.body.id}`, { token: ws.key }), 404, 'NOT_FOUND');

  const v = await boot(ws.id);
  const token = v.body.sessionToken;
  const e = await call('GET', '/v1/eligible?bs=tab1', { token });
  assert.deepEqual(e.body.tooltips.map((x) => x.id), [t.body.id]);
  assert.equal(e.body.tooltips[0].content.selector, '#export-csv');
  assert.deepEqual(e.body.outbound.map((x) => x.id), [post.body.id]);
  // Shown again and again until dismissed; then never.
  assert.equal((await call('POST', '/v1/impressions', { token, body: { kind: 'tooltip', contentId: t.body.id, action: 'shown' } })).status, 204);
  assert.deepEqual((await call('GET', '/v1/eligible', { token })).body.tooltips.map((x) => x.id), [t.body.id]);
  assertError(assert, await call('POST', '/v1/impressions', { token, body: { kind: 'outbound', contentId: t.body.id, action: 'dismissed' } }), 404, 'NOT_FOUND');
  assert.equal((await call('POST', '/v1/impressions', { token, body: { kind: 'tooltip', contentId: t.body.id, action: 'dismissed' } })).status, 204);
  assert.deepEqual((await call('GET', '/v1/eligible', { token })).body.tooltips, []);
});

test('tooltips need a selector; other kinds may not have one; kinds stay in their path', async () => {
  const ws = await createWorkspace();
  const cases = [
    ['/admin/v1/tooltips', tip({ content: { body: 'no anchor' } }), '/content/selector'],
    ['/admin/v1/tooltips', tip({ kind: 'post' }), '/kind'],
    ['/admin/v1/outbound', { kind: 'tooltip', ...tip() }, '/kind'],
    ['/admin/v1/outbound', { kind: 'post', name: 'x', content: { body: 'x', selector: '#a' } }, '/content/selector'],
    ['/admin/v1/tooltips', tip({ content: { body: 'x'.repeat(501), selector: '#a' } }), '/content/body'],
  ];
  for (const [path, body, errPath] of cases) {
    const r = await call('POST', path, { token: ws.key, body });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, errPath, `${path} ${JSON.stringify(body).slice(0, 80)}`);
  }
  assert.deepEqual((await call('GET', '/admin/v1/tooltips', { token: ws.key })).body.tooltips, []);
});
