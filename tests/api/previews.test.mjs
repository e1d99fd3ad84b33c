// Signed preview links (`POST /admin/v1/previews`): the token makes /v1/eligible (and the boot's
// eligible answer) show one item — paused, outside its audience, past its frequency — to the
// browser that has the link, as `preview-<id>` so nothing it does is counted; forged, expired,
// foreign or malformed tokens change nothing but say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createHash, randomUUID } from 'node:crypto';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { teammate } from '../lib/live.mjs';

const eligible = (token, preview, url = 'https://acme.test/') => call('GET', `/v1/eligible?url=${encodeURIComponent(url)}${preview ? `&preview=${encodeURIComponent(preview)}` : ''}`, { token });
const ids = (r) => r.body.outbound.map((o) => o.id);

async function pausedBanner(ws) {
  const c = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'banner', name: 'Secret sale', content: { body: 'Only for pro.' },
    audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' }, frequency: 'once' } });
  assert.equal(c.status, 201, c.text);
  return c.body;
}

test('a preview link shows a paused item outside its audience to that browser only, counting nothing', async () => {
  const ws = await createWorkspace({ allowedOrigins: ['https://acme.test'] });
  const item = await pausedBanner(ws);
  const p = await call('POST', '/admin/v1/previews', { token: ws.key, body: { itemId: item.id, url: 'https://acme.test/pricing?x=1#old' } });
  assert.equal(p.status, 201, p.text);
  assert.match(p.body.link, /^https:\/\/acme\.test\/pricing\?x=1#porchlight-preview=pv1\./);
  assert.equal(p.body.link.split('#porchlight-preview=')[1], p.body.token);
  assert.ok(p.body.expiresAt > Date.now() && p.body.expiresAt <= Date.now() + 31 * 60e3);
  assert.ok(!p.body.link.includes(ws.key) && !p.body.link.includes('identity'));

  const v = await boot(ws.id, {}, { origin: 'https://acme.test' });
  const t = v.body.sessionToken;
  assert.deepEqual(ids(await eligible(t)), [], 'paused and outside its audience: not shown normally');
  const r = await eligible(t, p.body.token);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(ids(r), [`preview-${item.id}`]);
  const shown = r.body.outbound[0];
  assert.deepEqual([shown.frequency, shown.triggers, shown.content.body], ['always', [], 'Only for pro.']);
  assert.deepEqual(r.body.preview, { itemId: item.id });

  // What the widget sends: the page's URL, with the link's fragment in it.
  const viaUrl = await eligible(t, null, p.body.link);
  assert.deepEqual(ids(viaUrl), [`preview-${item.id}`]);
  // The boot's eligible answer takes it too (what the loader sends from the link's fragment).
  const b = await call('POST', '/v1/boot', { body: { workspaceId: ws.id, sessionId: randomUUID().replace(/-/g, ''), eligible: { url: 'https://acme.test/', preview: p.body.token } } });
  assert.equal(b.status, 200, b.text);
  assert.deepEqual(ids({ body: b.body.eligible }), [`preview-${item.id}`]);

  // Acting on the preview is refused as an unknown item: nothing is counted.
  const imp = await call('POST', '/v1/impressions', { token: t, body: { kind: 'outbound', contentId: `preview-${item.id}`, action: 'shown', browsingSession: 'b', clientId: randomUUID() } });
  assertError(assert, imp, 404, 'NOT_FOUND');
  const stats = await call('GET', `/admin/v1/analytics/items/${item.id}`, { token: ws.key });
  assert.equal(stats.body.totals.shown, 0);
  const after = await call('GET', `/admin/v1/outbound/${item.id}`, { token: ws.key });
  assert.equal(after.body.status, 'draft', 'the item is unchanged');
});

test('forged, expired, foreign and malformed previews change nothing and say why; the admin route checks its input', async () => {
  const ws = await createWorkspace({ allowedOrigins: ['https://acme.test'] });
  const other = await createWorkspace();
  const item = await pausedBanner(ws);
  const theirs = await pausedBanner(other);
  const v = await boot(ws.id, {}, { origin: 'https://acme.test' });
  const t = v.body.sessionToken;
  const good = (await call('POST', '/admin/v1/previews', { token: ws.key, body: { itemId: item.id, url: 'https://acme.test/' } })).body.token;
  const [, id, exp, sig] = good.split('.');
  const cases = [
    [`pv1.${id}.${Number(exp) + 3600e3}.${sig}`, /signature/],
    [`pv1.${id}.${exp}.${sig.slice(0, -2)}AA`, /signature/],
    [`pv1.${id}.${exp}.${createHmac('sha256', 'guess').update(`${ws.id}\n${id}\n${exp}`).digest('base64url')}`, /signature/],
    ['pv1.nope', /malformed/],
    ['<script>alert(1)</script>', /malformed/],
    ['x'.repeat(300), /malformed/],
  ];
  // Expired: signed with the real key derivation but in the past (the key is derived from the
  // identity secret, which the workspace owner knows).
  const key = createHash('sha256').update(`porchlight-preview-v1:${ws.secret}`).digest();
  const past = Date.now() - 1000;
  cases.push([`pv1.${id}.${past}.${createHmac('sha256', key).update(`${ws.id}\n${id}\n${past}`).digest('base64url')}`, /expired/]);
  // Another workspace's valid link does not work here.
  const foreign = (await call('POST', '/admin/v1/previews', { token: other.key, body: { itemId: theirs.id, url: 'https://acme.test/' } })).body.token;
  cases.push([foreign, /signature/]);
  for (const [token, why] of cases) {
    const r = await eligible(t, token);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r), [], token);
    assert.match(r.body.previewError, why, token);
    assert.equal(r.body.preview, undefined);
  }

  const create = (body, key = ws.key) => call('POST', '/admin/v1/previews', { token: key, body });
  assertError(assert, await create({ itemId: theirs.id, url: 'https://acme.test/' }), 404, 'NOT_FOUND');
  assertError(assert, await create({ itemId: 'x'.repeat(500), url: 'https://acme.test/' }), 404, 'NOT_FOUND');
  for (const url of ['javascript:alert(1)', 'https://evil.test/', 'not a url', 'https://acme.test/' + 'a'.repeat(3000)]) {
    const r = await create({ itemId: item.id, url });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, '/url', url);
  }
  assertError(assert, await create({ itemId: 5, url: 'https://acme.test/' }), 400, 'INVALID_INPUT');
  assertError(assert, await create({ itemId: item.id }), 400, 'INVALID_INPUT');
  assertError(assert, await create({ itemId: item.id, url: 'https://acme.test/', extra: true }), 400, 'INVALID_INPUT');
  assert.equal((await create({ itemId: item.id, url: 'https://acme.test/' }, (await teammate(ws)).key)).status, 403);
  assert.equal((await create({ itemId: item.id, url: 'https://acme.test/' }, t)).status, 403);
});

test('a link ending a tab\'s preview (#porchlight-preview=off) is no token: nothing shown, nothing refused', async () => {
  const ws = await createWorkspace({ allowedOrigins: ['https://acme.test'] });
  const item = await pausedBanner(ws);
  const v = await boot(ws.id, {}, { origin: 'https://acme.test' });
  const r = await eligible(v.body.sessionToken, null, 'https://acme.test/pricing#porchlight-preview=off');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([ids(r), r.body.preview, r.body.previewError], [[], undefined, undefined]);
  // Any other word there is still a token the edge refuses, and says why.
  const bad = await eligible(v.body.sessionToken, null, 'https://acme.test/pricing#porchlight-preview=of');
  assert.match(bad.body.previewError, /malformed/);
  assert.ok(!ids(bad).includes(`preview-${item.id}`));
});
