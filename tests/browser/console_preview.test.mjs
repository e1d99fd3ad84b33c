// Preview on the site: from a paused tour's editor the site owner makes a signed link, opens it
// in another tab, and the demo page shows that tour to this browser — while a stranger's
// browser on the same page sees nothing. An address that is not a page of the site is refused
// beside the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axe, freshContext, outputPath, watchErrors } from '../lib/browser.mjs';
import { BASE, call } from '../lib/harness.mjs';
import { signIn, screenTitle, checkScreen } from '../lib/console.mjs';

const creds = JSON.parse(readFileSync(join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json'), 'utf8'));
const sel = (id) => `[data-porchlight-item="${id}"]`;

test('a paused tour previewed on the demo page through a signed link, for this browser only', async () => {
  const name = `Preview tour ${Date.now().toString(36)}`;
  const tour = await call('POST', '/admin/v1/tours', { token: creds.secretKey, body: { name, content: { steps: [{ kind: 'post', title: 'Previewed step', body: 'Only the author sees this.' }] },
    audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'nobody-has-this' } } });
  assert.equal(tour.status, 201, tour.text);
  const id = tour.body.id;
  const { context, close } = await freshContext();
  const stranger = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, creds.secretKey, `#/tours/${id}`);
    await screenTitle(page).filter({ hasText: name }).waitFor();
    await page.getByText('Preview on your site').click();
    const url = page.getByLabel('Page of your site');
    await url.fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Make preview link' }).click();
    await page.waitForFunction(() => document.querySelector('input[name="url"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await page.locator('.preview-form .field-error').textContent(), /http\(s\) address/);
    await url.fill(`${BASE}/`);
    await page.getByRole('button', { name: 'Make preview link' }).press('Enter');
    const link = page.getByRole('link', { name: new RegExp(`^Open the preview of ${name}`) });
    await link.waitFor();
    const href = await link.getAttribute('href');
    assert.match(href, /#porchlight-preview=pv1\./);
    assert.ok(!href.includes(creds.secretKey), 'no key in the link');
    await checkScreen(page, 'preview');
    // The refused address's 400 is the answer shown beside the field; nothing else failed.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);

    // Another tab of this browser opens the link: the paused tour, outside its audience, shows.
    const demo = await context.newPage();
    await demo.goto(href);
    // The item's element comes first, its step once the tour module has loaded and drawn it.
    await demo.waitForSelector(sel(`preview-${id}`), { state: 'attached', timeout: 20000 });
    await demo.waitForFunction((s) => {
      const el = document.querySelector(s);
      return /Previewed step/.test(el?.shadowRoot?.textContent ?? el?.textContent ?? '');
    }, sel(`preview-${id}`), { timeout: 20000 });

    // A stranger on the same page (no link) sees nothing of it.
    const other = await stranger.context.newPage();
    await other.goto(`${BASE}/`);
    await other.waitForFunction(() => window.Porchlight && document.querySelector('[data-porchlight-launcher], porchlight-widget, #porchlight-root') !== undefined);
    assert.equal(await other.locator(`${sel(`preview-${id}`)}, ${sel(id)}`).count(), 0);
    // The item itself is unchanged (still a draft).
    assert.equal((await call('GET', `/admin/v1/tours/${id}`, { token: creds.secretKey })).body.status, 'draft');
  } finally {
    await close();
    await stranger.close();
  }
});

test('a preview is kept for its tab: a paused multi-page tour goes on on the site\'s next page; other tabs never see it; off, or an expired token, ends it', async () => {
  const name = `Preview pages ${Date.now().toString(36)}`;
  const tour = await call('POST', '/admin/v1/tours', { token: creds.secretKey, body: { name, content: { steps: [
    { kind: 'post', title: 'On the home page', body: 'Step one of two.', page: '/' },
    { kind: 'post', title: 'On the app page', body: 'Step two of two.', page: '/app' },
  ] }, audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'nobody-has-this' } } });
  assert.equal(tour.status, 201, tour.text);
  const id = tour.body.id;
  const p = await call('POST', '/admin/v1/previews', { token: creds.secretKey, body: { itemId: id, url: `${BASE}/` } });
  assert.equal(p.status, 201, p.text);
  const item = sel(`preview-${id}`);
  const key = `porchlight:${creds.workspaceId}:preview`;
  const showing = (page, want) => page.waitForFunction(([s, want]) => document.querySelector(s)?.shadowRoot?.querySelector('dialog[open] .pt')?.textContent === want, [item, want], { timeout: 20000 });
  /**
   * Waits until what the page shows is decided: the demo's own tour on /app shows to any visitor
   * the preview does not hold (the previewed tour, first in its family, would take its place).
   */
  const settled = (page) => page.waitForSelector('[data-porchlight-item^="tur_"]', { state: 'attached', timeout: 20000 });
  const { context, close } = await freshContext();
  const stranger = await freshContext();
  try {
    const tab = await context.newPage();
    const errors = watchErrors(tab);
    const refused = [];
    tab.on('response', (r) => { if (r.status() === 404) refused.push(new URL(r.url()).pathname); });
    await tab.goto(p.body.link);
    await showing(tab, 'On the home page');
    assert.equal(await tab.evaluate((k) => sessionStorage.getItem(k), key), p.body.token, 'the tab keeps the token');
    // By keyboard: the step's Next (its first control after ×) moves the run to the next page.
    await tab.locator(`${item} dialog[open] [data-a="next"]`).press('Enter');
    await tab.waitForFunction((s) => !document.querySelector(s)?.shadowRoot?.querySelector('dialog[open]'), item);
    // A link of the site, no fragment: the preview goes on at step two.
    await tab.goto(`${BASE}/app`);
    assert.equal(new URL(tab.url()).hash, '');
    await showing(tab, 'On the app page');
    await tab.screenshot({ path: outputPath('preview-next-page.png') });
    assert.deepEqual(await axe(tab), []);

    // Another tab of the same browser, and another browser: nothing.
    const other = await context.newPage();
    await other.goto(`${BASE}/app`);
    await settled(other);
    assert.equal(await other.locator(item).count(), 0, 'another tab does not see the preview');
    const far = await stranger.context.newPage();
    await far.goto(`${BASE}/app`);
    await settled(far);
    assert.equal(await far.locator(item).count(), 0, 'another browser does not see it');

    // `#porchlight-preview=off` ends it, for the next pages too.
    await tab.goto(`${BASE}/app#porchlight-preview=off`);
    await settled(tab);
    assert.equal(await tab.locator(item).count(), 0, 'off: no preview');
    assert.equal(await tab.evaluate((k) => sessionStorage.getItem(k), key), null);
    await tab.goto(`${BASE}/app`);
    await settled(tab);
    assert.equal(await tab.locator(item).count(), 0, 'nor on the next page');

    // A kept token past its expiry (as its own text says) is dropped, not sent.
    const expired = p.body.token.replace(/^(pv1\.[^.]+\.)\d+/, `$1${Date.now() - 1000}`);
    await tab.evaluate(([k, t]) => sessionStorage.setItem(k, t), [key, expired]);
    const asked = [];
    tab.on('request', (r) => { const u = new URL(r.url()); if (u.pathname === '/v1/eligible' || u.pathname === '/v1/boot') asked.push(r.url() + (r.postData() ?? '')); });
    await tab.goto(`${BASE}/app`);
    await settled(tab);
    assert.equal(await tab.locator(item).count(), 0);
    assert.equal(await tab.evaluate((k) => sessionStorage.getItem(k), key), null, 'the expired token goes');
    assert.ok(!asked.some((a) => a.includes(expired)), 'and is never sent');
    // Nothing of the preview was stored: the tour is still a draft; its progress POSTs were
    // refused (404, as every act on a preview: the browser logs them) and nothing else failed.
    assert.equal((await call('GET', `/admin/v1/tours/${id}`, { token: creds.secretKey })).body.status, 'draft');
    assert.deepEqual(refused.filter((u) => !u.startsWith(`/v1/tours/preview-${id}/`)), []);
    assert.ok(refused.length > 0, 'the step\'s progress went to the edge and was refused');
    assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
  } finally {
    await close();
    await stranger.close();
  }
});

test('a preview shows its banner whatever its schedule: one that starts next week and one that has ended, while visitors see neither', async () => {
  const stamp = Date.now().toString(36);
  const day = 24 * 3600 * 1000;
  const banner = async (name, body, frequency) => {
    const r = await call('POST', '/admin/v1/outbound', { token: creds.secretKey, body: { kind: 'banner', name, priority: 1000, content: { body }, frequency } });
    assert.equal(r.status, 201, r.text);
    const a = await call('POST', `/admin/v1/outbound/${r.body.id}/activate`, { token: creds.secretKey });
    assert.equal(a.status, 200, a.text);
    return r.body.id;
  };
  const soon = await banner(`Next week ${stamp}`, `Starts next week ${stamp}`, { mode: 'always', startAt: Date.now() + 7 * day });
  const over = await banner(`Ended ${stamp}`, `Ended yesterday ${stamp}`, { mode: 'always', startAt: Date.now() - 7 * day, endAt: Date.now() - day });
  const link = async (id) => {
    const p = await call('POST', '/admin/v1/previews', { token: creds.secretKey, body: { itemId: id, url: `${BASE}/` } });
    assert.equal(p.status, 201, p.text);
    return p.body.link;
  };
  const shown = async (page, id, text) => {
    await page.waitForSelector(sel(`preview-${id}`), { state: 'attached', timeout: 20000 });
    const t = await page.locator(sel(`preview-${id}`)).evaluate((el) => el.shadowRoot?.textContent ?? el.textContent);
    assert.ok(t.includes(text), `the preview shows "${text}": ${t}`);
  };
  const { context, close } = await freshContext();
  const stranger = await freshContext();
  try {
    const tab = await context.newPage();
    const errors = watchErrors(tab);
    await tab.goto(await link(soon));
    await shown(tab, soon, `Starts next week ${stamp}`);
    assert.deepEqual(await axe(tab), []);
    await tab.screenshot({ path: outputPath('preview-scheduled-banner.png') });
    // The next link replaces the preview: the ended banner, and not the first one any more.
    await tab.goto(await link(over));
    await shown(tab, over, `Ended yesterday ${stamp}`);
    assert.equal(await tab.locator(sel(`preview-${soon}`)).count(), 0);

    // A visitor's page: the edge's own answer leaves both out, each for its schedule, and the
    // page shows neither.
    const other = await stranger.context.newPage();
    await other.goto(`${BASE}/`);
    const key = `porchlight:${creds.workspaceId}`;
    await other.waitForFunction((k) => JSON.parse(localStorage.getItem(k) ?? 'null')?.token, key, { timeout: 20000 });
    const token = await other.evaluate((k) => JSON.parse(localStorage.getItem(k)).token, key);
    const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(`${BASE}/`)}&debug=1`, { token });
    assert.equal(r.status, 200, r.text);
    const why = Object.fromEntries(r.body.skipped.map((x) => [x.id, x.reason]));
    assert.deepEqual([why[soon], why[over]], ['not_started', 'ended']);
    for (const id of [soon, over]) {
      assert.equal(await other.locator(`${sel(id)}, ${sel(`preview-${id}`)}`).count(), 0, `${id} is not shown to a visitor`);
    }
    assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
  } finally {
    // The demo workspace is shared by other tests: both banners go.
    for (const id of [soon, over]) await call('POST', `/admin/v1/outbound/${id}/archive`, { token: creds.secretKey });
    await close();
    await stranger.close();
  }
});
