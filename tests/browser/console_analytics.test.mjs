// Measures in the console: an item's shown / clicked / dismissed / completed per day, a tour's
// funnel, CSAT per teammate; a date range picked by keyboard, a bad range's error beside its
// field; every screen axe-clean in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, boot, createWorkspace } from '../lib/harness.mjs';
import { teammate } from '../lib/live.mjs';
import { steps } from '../lib/fixtures.mjs';
import { signIn, nav, screenTitle, checkScreen } from '../lib/console.mjs';

async function active(ws, family, body) {
  const c = await call('POST', `/admin/v1/${family}`, { token: ws.key, body });
  return (await call('POST', `/admin/v1/${family}/${c.body.id}/activate`, { token: ws.key })).body;
}

test('an item\'s figures per day, a tour\'s funnel and CSAT per teammate, filtered by date', async () => {
  const ws = await createWorkspace();
  const banner = await active(ws, 'outbound', { kind: 'banner', name: 'Spring sale', content: { body: 'Half price.' }, frequency: 'always' });
  for (const action of ['shown', 'shown', 'clicked']) {
    const v = await boot(ws.id);
    await call('POST', '/v1/impressions', { token: v.body.sessionToken, body: { kind: 'outbound', contentId: banner.id, action, browsingSession: 'b', clientId: randomUUID() } });
  }
  const tour = await active(ws, 'tours', { name: 'Onboarding', content: { steps } });
  for (const moves of [[], [{ action: 'advance', url: 'https://acme.test/app' }]]) {
    const v = await boot(ws.id);
    const t = v.body.sessionToken;
    await call('POST', `/v1/tours/${tour.id}/progress`, { token: t, body: { action: 'start' } });
    for (const m of moves) await call('POST', `/v1/tours/${tour.id}/progress`, { token: t, body: m });
  }
  const ada = await teammate(ws, 'Ada');
  {
    const v = await boot(ws.id);
    const t = v.body.sessionToken;
    const conv = (await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: randomUUID(), body: 'Help' } } })).body.conversation;
    await call('POST', `/admin/v1/conversations/${conv.id}/messages`, { token: ada.key, body: { clientId: randomUUID(), body: 'Here.' } });
    await call('POST', `/admin/v1/conversations/${conv.id}/close`, { token: ada.key });
    await call('POST', `/v1/conversations/${conv.id}/csat`, { token: t, body: { rating: 4 } });
  }

  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, `#/outbound/${banner.id}`);
    await screenTitle(page).filter({ hasText: 'Spring sale' }).waitFor();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await screenTitle(page).filter({ hasText: 'Analytics: Spring sale' }).waitFor();
    await page.locator('.totals').filter({ hasText: '2 shown, 1 clicked (50 %), 0 dismissed, 0 completed.' }).waitFor();
    const today = new Date().toISOString().slice(0, 10);
    const row = page.getByRole('row', { name: new RegExp(`^${today}`) });
    assert.deepEqual(await row.locator('td.num').allTextContents(), ['2', '1', '0', '0']);
    assert.equal(await page.getByRole('table', { name: /^Per day/ }).locator('tbody tr').count(), 30);
    await checkScreen(page, 'analytics-item');

    // A range that ends before it starts: the edge's error beside "From", nothing drawn over.
    const from = page.getByLabel('From', { exact: true });
    await from.fill('2026-03-02');
    await page.getByLabel('To', { exact: true }).fill('2026-03-01');
    await page.getByLabel('To', { exact: true }).press('Enter');
    await page.waitForFunction(() => document.querySelector('input[name="from"]').getAttribute('aria-invalid') === 'true');
    assert.match(await page.locator('.field-error:not([hidden])').textContent(), /on or before/);
    await from.fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-07');
    await page.getByRole('button', { name: 'Show' }).press('Enter');
    await page.locator('.totals').filter({ hasText: '0 shown' }).waitFor();
    assert.equal(await page.getByRole('table', { name: /^Per day/ }).locator('tbody tr').count(), 7);
    assert.equal(await from.getAttribute('aria-invalid'), null);

    // The tour's funnel.
    await page.evaluate((id) => { location.hash = `#/tours/${id}/analytics`; }, tour.id);
    await screenTitle(page).filter({ hasText: 'Analytics: Onboarding' }).waitFor();
    const funnel = page.getByRole('table', { name: 'Visitors who reached each step' });
    await funnel.waitFor();
    assert.deepEqual(await funnel.locator('tbody tr td.num').allTextContents(), ['2', '100 %', '0', '1', '50 %', '0', '0', '0 %', '0']);
    await checkScreen(page, 'analytics-tour');

    // CSAT per teammate, from the nav.
    await nav(page).getByRole('link', { name: 'CSAT' }).click();
    await screenTitle(page).filter({ hasText: 'CSAT by teammate' }).waitFor();
    const ada4 = page.getByRole('row', { name: /^Ada/ });
    await ada4.waitFor();
    assert.deepEqual(await ada4.locator('td.num').allTextContents(), ['1', '4.00', '100 %']);
    await checkScreen(page, 'analytics-csat');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});
