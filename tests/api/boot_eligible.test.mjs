// A boot may ask for the visitor's eligible content in the same answer (`eligible: {url, bs}`,
// the query of GET /v1/eligible): the widget saves a request, and gets exactly what
// /v1/eligible would have answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, randomSessionId } from '../lib/harness.mjs';

const PAGE = 'https://acme.test/app/reports?x=1';

async function workspaceWithItems() {
  const ws = await createWorkspace();
  const pro = { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' };
  const onApp = { type: 'condition', property: { source: 'page', key: 'path' }, operator: 'starts_with', value: '/app' };
  const items = [
    ['outbound', { kind: 'post', name: 'Everyone', content: { body: 'Hello' }, frequency: 'once_per_session' }],
    ['outbound', { kind: 'banner', name: 'Pro only', content: { body: 'Pro' }, audience: pro }],
    ['outbound', { kind: 'chat', name: 'App pages', content: { body: 'In the app' }, audience: onApp }],
    ['tours', { name: 'Tour', content: { steps: [{ kind: 'post', body: 'Step' }] } }],
    ['checklists', { name: 'Start', content: { title: 'Start', tasks: [{ id: 'a', title: 'A' }] } }],
  ];
  const ids = [];
  for (const [family, body] of items) {
    const r = await call('POST', `/admin/v1/${family}`, { token: ws.key, body });
    assert.equal(r.status, 201, r.text);
    assert.equal((await call('POST', `/admin/v1/${family}/${r.body.id}/activate`, { token: ws.key })).status, 200);
    ids.push(r.body.id);
  }
  return { ws, ids };
}

const eligibleOf = async (token, url, bs) => {
  const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(url)}&bs=${encodeURIComponent(bs)}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
};

test('a boot asking for eligible content gets what GET /v1/eligible answers, new or resumed', async () => {
  const { ws, ids } = await workspaceWithItems();
  // The first boots of a workspace and later ones take different paths at the edge: check both.
  // The browsing session as an id, or as the widget keeps it (`id.lastActiveMs`): the same
  // question decides the same session on both (an unnamed one would be new on each).
  for (let i = 0; i < 3; i++) {
    const bs = i === 0 ? 'tab-0' : `tab-${i}.${Date.now()}`;
    const r = await boot(ws.id, { attributes: { plan: 'pro' }, eligible: { url: PAGE, bs } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.eligible.bs, `tab-${i}`);
    assert.deepEqual(r.body.eligible, await eligibleOf(r.body.sessionToken, PAGE, bs));
    assert.deepEqual(new Set(r.body.eligible.outbound.map((o) => o.id)), new Set(ids.slice(0, 3)));
    assert.equal(r.body.eligible.tours.length, 1);
    assert.equal(r.body.eligible.checklists[0].completed, false);
  }
  const plain = await boot(ws.id, { eligible: { url: 'https://acme.test/pricing' } });
  assert.deepEqual(plain.body.eligible.outbound.map((o) => o.id), [ids[0]], 'audience and page decide, as on /v1/eligible');

  // A resumed session, after something was shown: history and frequency count.
  const sid = randomSessionId();
  const first = await boot(ws.id, { sessionId: sid });
  const shown = await call('POST', '/v1/impressions', { token: first.body.sessionToken, body: { kind: 'outbound', contentId: ids[0], action: 'shown', browsingSession: 'tab-r' } });
  assert.equal(shown.status, 204, shown.text);
  const resumed = await boot(ws.id, { sessionId: sid, eligible: { url: PAGE, bs: 'tab-r' } }, { token: first.body.sessionToken });
  assert.equal(resumed.body.resumed, true);
  assert.deepEqual(resumed.body.eligible, await eligibleOf(first.body.sessionToken, PAGE, 'tab-r'));
  assert.ok(!resumed.body.eligible.outbound.some((o) => o.id === ids[0]), 'shown once in this browsing session');
});

test('a boot that does not ask answers no eligible content', async () => {
  const { ws } = await workspaceWithItems();
  for (const extra of [{}, { eligible: null }, { attributes: { eligible: true } }]) {
    const r = await boot(ws.id, extra);
    assert.equal(r.status, 200, r.text);
    assert.ok(!('eligible' in r.body), JSON.stringify(extra));
  }
});

test('a malformed eligible question is refused with its path, before anything is stored', async () => {
  const { ws } = await workspaceWithItems();
  const cases = [
    ['not an object', '/eligible'],
    [{ url: 42 }, '/eligible/url'],
    [{ url: 'https://acme.test/' + 'x'.repeat(2048) }, '/eligible/url'],
    [{ bs: 'not valid!' }, '/eligible/bs'],
    [{ bs: 'b'.repeat(65) }, '/eligible/bs'],
    [{ bs: 'tab.soon' }, '/eligible/bs'],
    [{ debug: 1 }, '/eligible/debug'],
  ];
  for (const [eligible, path] of cases) {
    const sid = randomSessionId();
    const r = await boot(ws.id, { sessionId: sid, attributes: { refused: true }, eligible });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, path, r.text);
    const after = await boot(ws.id, { sessionId: sid });
    assert.deepEqual(after.body.visitor.attributes, {}, 'the refused boot stored nothing');
  }
  const unknown = await boot(ws.id, { eligible: { url: PAGE, page: 2 } });
  assertError(assert, unknown, 400, 'INVALID_INPUT');
});
