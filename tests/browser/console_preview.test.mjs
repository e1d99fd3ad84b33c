// Preview on the site: from a paused tour's editor the site owner makes a signed link, opens it
// in another tab, and the demo page shows that tour to this browser — while a stranger's
// browser on the same page sees nothing. An address that is not a page of the site is refused
// beside the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshContext, watchErrors } from '../lib/browser.mjs';
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
    await demo.waitForSelector(sel(`preview-${id}`), { state: 'attached', timeout: 20000 });
    const text = await demo.locator(sel(`preview-${id}`)).evaluate((el) => el.shadowRoot?.textContent ?? el.textContent);
    assert.match(text, /Previewed step/);

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
