// Browsing sessions are decided at the edge with the shared rule (30 minutes without activity
// end one): `bs` is `<id>` (taken as is), `<id>.<lastActiveEpochMs>` (what the widget keeps:
// the same id while active, a new one once idle) or absent (a new one). Every eligible answer
// says which it decided in (`bs`), and once_per_session counts in that session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

const MIN = 60_000;
const NEW_ID = /^[A-Za-z0-9_-]{22}$/;

async function perSessionPost() {
  const ws = await createWorkspace();
  const r = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'Per session', content: { body: 'Hello again' }, frequency: 'once_per_session' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await call('POST', `/admin/v1/outbound/${r.body.id}/activate`, { token: ws.key })).status, 200);
  return { ws, id: r.body.id };
}

const eligible = async (token, bs) => {
  const q = bs === undefined ? '' : `&bs=${encodeURIComponent(bs)}`;
  const r = await call('GET', `/v1/eligible?url=%2Fapp${q}`, { token });
  assert.equal(r.status, 200, r.text);
  return { bs: r.body.bs, ids: r.body.outbound.map((o) => o.id) };
};

const shown = async (token, id, browsingSession) => {
  const r = await call('POST', '/v1/impressions', { token, body: { kind: 'outbound', contentId: id, action: 'shown', browsingSession } });
  assert.equal(r.status, 204, r.text);
};

test('once_per_session: the same browsing session while active, a new one after 30 idle minutes', async () => {
  const { ws, id } = await perSessionPost();
  const t = (await boot(ws.id)).body.sessionToken;
  const X = 'tab-X_1';
  await shown(t, id, X);

  for (const ago of [0, 29 * MIN]) {
    const active = await eligible(t, `${X}.${Date.now() - ago}`);
    assert.equal(active.bs, X, `active ${ago / MIN} min ago: the same session`);
    assert.deepEqual(active.ids, [], 'already shown in this browsing session');
  }
  assert.deepEqual(await eligible(t, X), { bs: X, ids: [] }, 'a bare id is taken as is');

  const idle = await eligible(t, `${X}.${Date.now() - 31 * MIN}`);
  assert.notEqual(idle.bs, X, 'idle for 31 minutes: a new browsing session');
  assert.match(idle.bs, NEW_ID);
  assert.deepEqual(idle.ids, [id], 'shown again in the new browsing session');

  // The widget adopts the new id: shown there, it counts there.
  await shown(t, id, idle.bs);
  assert.deepEqual(await eligible(t, `${idle.bs}.${Date.now()}`), { bs: idle.bs, ids: [] });

  const future = await eligible(t, `${X}.${Date.now() + 10 * MIN}`);
  assert.match(future.bs, NEW_ID, 'last active in the future: not trusted, a new session');
  assert.notEqual(future.bs, X);
  assert.deepEqual(future.ids, [id]);
});

test('no browsing session named: a new valid one each time, on GET and at boot', async () => {
  const { ws, id } = await perSessionPost();
  const b = await boot(ws.id, { eligible: { url: '/app' } });
  assert.equal(b.status, 200, b.text);
  assert.match(b.body.eligible.bs, NEW_ID);
  const t = b.body.sessionToken;
  await shown(t, id, b.body.eligible.bs);
  const [one, two] = [await eligible(t), await eligible(t, '')];
  for (const e of [one, two]) {
    assert.match(e.bs, NEW_ID);
    assert.deepEqual(e.ids, [id], 'a new browsing session: not shown in it yet');
  }
  assert.notEqual(one.bs, two.bs);
  assert.notEqual(one.bs, b.body.eligible.bs);
});

test('a malformed browsing session is refused with its path, on GET and at boot', async () => {
  const { ws } = await perSessionPost();
  const t = (await boot(ws.id)).body.sessionToken;
  const bad = ['not valid!', 'x'.repeat(65), `${'x'.repeat(65)}.1`, 'tab.', 'tab.abc', 'tab.-1', 'tab.+1', 'tab.1e3', 'tab.1.2', '.123', 'tab.1234567890123456', 'tab.12 '];
  for (const bs of bad) {
    const r = await call('GET', `/v1/eligible?url=%2Fapp&bs=${encodeURIComponent(bs)}`, { token: t });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, '/bs', bs);
    const b = await boot(ws.id, { eligible: { url: '/app', bs } });
    assertError(assert, b, 400, 'INVALID_INPUT');
    assert.equal(b.body.error.path, '/eligible/bs', bs);
  }
  // The longest well-formed one is accepted.
  const longest = `${'x'.repeat(64)}.${Date.now()}`;
  assert.equal((await eligible(t, longest)).bs, 'x'.repeat(64));
});
