// The demo workspace scripts/seed.mjs makes (scripts/test seeded it before the tests): its
// content is live and offered on the right demo pages — a banner on the landing page, a post
// and an Export tooltip on the app page — and seeding again adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BASE, ROOT_KEY, call, boot } from '../lib/harness.mjs';

const credsFile = join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json');
const creds = JSON.parse(readFileSync(credsFile, 'utf8'));

const offered = async (token, path) => {
  const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(BASE + path)}&debug=1`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
};

test('the demo pages offer the seeded banner, post and tooltip where they belong', async () => {
  const b = await boot(creds.workspaceId);
  assert.equal(b.status, 200, b.text);
  const t = b.body.sessionToken;
  for (const path of ['/', '/index.html', '/?utm=x#features']) {
    const e = await offered(t, path);
    assert.deepEqual(e.outbound.map((o) => o.kind), ['banner'], path);
    const [banner] = e.outbound;
    assert.deepEqual([banner.content.position, banner.content.style], ['top', 'inline'], 'in the flow: it must not cover the demo header');
    assert.deepEqual(banner.content.buttons.map((x) => x.action.type), ['open_messenger']);
    assert.equal(banner.frequency, 'until_dismissed');
    assert.deepEqual(banner.triggers, [{ type: 'page_visit', match: 'regex', value: '^/(index\\.html)?$' }]);
    const landing = new RegExp(banner.triggers[0].value);
    assert.ok(['/', '/index.html'].every((p) => landing.test(p)) && !['/app', '/index.htm', '/x/'].some((p) => landing.test(p)));
    assert.deepEqual(e.tooltips, [], path);
    assert.deepEqual(e.skipped.map((s) => [s.kind, s.reason]).sort(), [['post', 'audience'], ['tooltip', 'audience']], path);
  }
  for (const path of ['/app', '/app.html', '/app?tab=reports']) {
    const e = await offered(t, path);
    assert.deepEqual(e.outbound.map((o) => o.kind), ['post'], path);
    const [post] = e.outbound;
    assert.ok(post.content.title && post.content.body);
    assert.deepEqual(post.content.buttons.map((x) => x.action.type), ['dismiss', 'open_messenger']);
    assert.deepEqual(post.triggers, [{ type: 'time_on_page', seconds: 4 }]);
    assert.equal(post.frequency, 'once_per_session');
    assert.deepEqual(e.tooltips.map((x) => [x.content.selector, x.frequency]), [['#export-csv', 'until_dismissed']], path);
    assert.deepEqual(e.skipped.map((s) => [s.kind, s.reason]), [['banner', 'audience']], path);
  }
  const elsewhere = await offered(t, '/pricing');
  assert.deepEqual([elsewhere.outbound, elsewhere.tooltips], [[], []]);
});

test('seeding again changes nothing', async () => {
  const names = async () => {
    const out = [];
    for (const family of ['outbound', 'tooltips']) {
      const r = await call('GET', `/admin/v1/${family}`, { token: creds.secretKey });
      assert.equal(r.status, 200, r.text);
      out.push(...r.body[family].map((i) => `${i.name}:${i.status}`));
    }
    return out.filter((n) => n.startsWith('Demo: ')).sort();
  };
  const before = await names();
  assert.equal(before.length, 3, before.join(', '));
  assert.ok(before.every((n) => n.endsWith(':active')), before.join(', '));
  execFileSync('node', ['scripts/seed.mjs', BASE, ROOT_KEY, credsFile], { stdio: 'ignore' });
  assert.deepEqual(await names(), before);
});
