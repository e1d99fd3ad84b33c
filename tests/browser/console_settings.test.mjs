// Settings and teammates as a site owner uses them: the identity secret rotated and shown once,
// the launcher's look previewed live and saved, bad origins and time zones refused beside
// their field, a teammate added (key shown once) and removed, the secret key rotated without
// losing the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { BASE, call, boot, createWorkspace, userHash } from '../lib/harness.mjs';
import { signIn, nav, screenTitle } from '../lib/console.mjs';

async function settingsPage(ws) {
  const browser = await freshContext();
  const page = await browser.context.newPage();
  page.on('dialog', (d) => d.accept());
  const errors = watchErrors(page);
  await signIn(page, ws.key, '#/settings');
  await page.getByRole('heading', { name: 'Messenger look' }).waitFor();
  return { page, errors, close: browser.close };
}
const fieldError = (page, label) => page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.field-error:not([hidden])');

test('rotate the identity secret: the new one is shown once and verifies; the old one still does for the grace period', async () => {
  const ws = await createWorkspace();
  const { page, errors, close } = await settingsPage(ws);
  try {
    await page.getByRole('button', { name: 'Rotate identity secret' }).click();
    const shown = page.getByLabel('New identity secret');
    await shown.waitFor();
    const secret = await shown.inputValue();
    assert.match(secret, /^[0-9a-f]{32,}$/);
    assert.notEqual(secret, ws.secret);
    assert.match(await page.getByLabel('JWT signing key').inputValue(), /^[0-9a-f]{64}$/);
    const proven = await boot(ws.id, { userId: 'u_1', userHash: userHash(secret, 'u_1') });
    assert.equal(proven.status, 200, proven.text);
    assert.equal(proven.body.visitor.identityVerified, true, 'the new secret verifies');
    const old = await boot(ws.id, { userId: 'u_2', userHash: userHash(ws.secret, 'u_2') });
    assert.equal(old.body.visitor.identityVerified, true, 'the old one verifies during the grace period');
    // Shown once: gone when the screen is opened again.
    await nav(page).getByRole('link', { name: 'Tours' }).click();
    await screenTitle(page).filter({ hasText: 'Tours' }).waitFor();
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Identity verification' }).waitFor();
    assert.equal(await page.getByLabel('New identity secret').count(), 0);
    assert.equal(await page.getByText(secret).count(), 0);
    // The mode, saved from its form.
    await page.getByLabel('Mode').selectOption('required');
    await page.getByRole('button', { name: 'Save identity verification' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.equal((await call('GET', '/admin/v1/workspace', { token: ws.key })).body.identityVerification, 'required');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the launcher colour and side preview live, save, and reach visitors; the other messenger settings are kept', async () => {
  const ws = await createWorkspace({ messenger: { teamName: 'Acme help', welcomeMessage: 'Hello <b>there</b>' } });
  const { page, errors, close } = await settingsPage(ws);
  try {
    const swatch = page.locator('.preview-launcher');
    await page.getByLabel('Brand colour').fill('#ff0000');
    await page.getByLabel('Launcher position').selectOption('left');
    // The delay takes effect only with its switch: both are here.
    await page.getByLabel('Show the launcher only after a delay').check();
    await page.getByLabel('Launcher delay (ms)').fill('4000');
    assert.equal(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 0, 0)', 'the preview follows before saving');
    const box = await swatch.boundingBox();
    const page_ = await page.locator('.preview-page').boundingBox();
    assert.ok(box.x - page_.x < page_.width / 2, 'the preview launcher moved to the left');
    await page.getByText('Preview: launcher at the bottom left, #ff0000.').waitFor();
    await page.getByRole('button', { name: 'Save messenger look' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    const m = (await call('GET', '/admin/v1/workspace', { token: ws.key })).body.messenger;
    assert.equal(m.primaryColor, '#ff0000');
    assert.equal(m.launcherPosition, 'left');
    assert.deepEqual([m.autoVisibility, m.visibilityDelayMs], [true, 4000]);
    assert.equal(m.teamName, 'Acme help', 'untouched fields are kept (the setting is replaced whole)');
    const v = await boot(ws.id);
    assert.match(JSON.stringify(v.body.settings), /#ff0000/, 'a visitor’s boot carries the new colour');
    // A spacing out of range: the edge's error beside its field, nothing saved.
    await page.getByLabel('Distance from the side (px)').fill('900');
    await page.getByRole('button', { name: 'Save messenger look' }).click();
    await fieldError(page, 'Distance from the side (px)').waitFor();
    assert.equal(await page.getByLabel('Distance from the side (px)').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});

test('allowed origins, office hours and automation: a bad line, time zone or routing is refused beside its field; good ones save', async () => {
  const ws = await createWorkspace();
  const { page, close } = await settingsPage(ws);
  try {
    await page.getByLabel('Allowed origins').fill('https://shop.example\nftp//nope');
    await page.getByRole('button', { name: 'Save workspace' }).click();
    await fieldError(page, 'Allowed origins').filter({ hasText: /^Line 2: / }).waitFor();
    assert.deepEqual((await call('GET', '/admin/v1/workspace', { token: ws.key })).body.allowedOrigins, [], 'nothing changed');
    await page.getByLabel('Allowed origins').fill('https://shop.example\n*.example.org');
    await page.getByRole('button', { name: 'Save workspace' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    assert.deepEqual((await call('GET', '/admin/v1/workspace', { token: ws.key })).body.allowedOrigins, ['https://shop.example', '*.example.org']);

    await page.getByLabel('Set office hours (otherwise the team is always in)').check();
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save office hours' }).click();
    await fieldError(page, 'Time zone').filter({ hasText: 'Mars/Olympus_Mons' }).waitFor();
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByLabel('Opening hours (JSON)').fill('[{"days": ["mon"], "open": "09:00", "close": "08:00"}]');
    await page.getByRole('button', { name: 'Save office hours' }).click();
    await fieldError(page, 'Opening hours (JSON)').filter({ hasText: '(at /officeHours/hours/0/close)' }).waitFor();
    await page.getByLabel('Opening hours (JSON)').fill('[{"days": ["mon", "tue"], "open": "09:00", "close": "17:30"}]');
    await page.getByRole('button', { name: 'Save office hours' }).click();
    await page.locator('section').filter({ hasText: 'Office hours' }).getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const oh = (await call('GET', '/admin/v1/workspace', { token: ws.key })).body.officeHours;
    assert.equal(oh.timeZone, 'Europe/Paris');
    assert.equal(oh.hours[0].close, '17:30');

    // Automation: a routing rule naming a teammate of another workspace is refused beside the
    // routing editor; the rest saves.
    const auto = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Automation' }) });
    await page.getByLabel('New conversations are assigned').selectOption('round_robin');
    await page.getByLabel('Close idle conversations after (hours)').fill('48');
    await page.getByLabel('Routing by pre-chat topic (JSON)').fill('{"Billing": "tm_nobody"}');
    await page.getByRole('button', { name: 'Save automation' }).click();
    await fieldError(page, 'Routing by pre-chat topic (JSON)').waitFor();
    await page.getByLabel('Routing by pre-chat topic (JSON)').fill('{}');
    await page.getByRole('button', { name: 'Save automation' }).click();
    await auto.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const a = (await call('GET', '/admin/v1/workspace', { token: ws.key })).body.automation;
    assert.equal(a.assignment, 'round_robin');
    assert.equal(a.autoCloseAfterHours, 48);
    assert.equal(a.csat, true, 'left as it was');
  } finally {
    await close();
  }
});

test('teammates: added with a key shown once, which works; removed, the key stops; the secret key rotates without losing the console', async () => {
  const ws = await createWorkspace();
  const { page, errors, close } = await settingsPage(ws);
  try {
    await nav(page).getByRole('link', { name: 'Teammates' }).click();
    await screenTitle(page).filter({ hasText: 'Teammates' }).waitFor();
    await page.getByRole('button', { name: 'Add teammate' }).click();
    await fieldError(page, 'Name (required)').waitFor();
    await page.getByLabel('Name').fill('Grace <b>Hopper</b>');
    await page.getByRole('button', { name: 'Add teammate' }).click();
    const keyField = page.getByLabel('Grace <b>Hopper</b>’s key');
    await keyField.waitFor();
    const mateKey = await keyField.inputValue();
    assert.match(mateKey, /^ptk_[0-9a-f]{64}$/);
    assert.equal((await call('GET', '/admin/v1/conversations', { token: mateKey })).status, 200, 'the key works');
    await page.getByRole('row').filter({ hasText: 'Grace <b>Hopper</b>' }).waitFor();
    // Grace signs in with it, in another tab of her own.
    const grace = await freshContext();
    try {
      const gp = await grace.context.newPage();
      await signIn(gp, mateKey);
      await gp.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15000 });
      await page.getByRole('button', { name: 'Remove Grace <b>Hopper</b>' }).click();
      await page.getByText('No teammates yet.').waitFor();
      assert.equal((await call('GET', '/admin/v1/conversations', { token: mateKey })).status, 401, 'a removed teammate’s key stops');
      // Her console notices (its socket closes, the next call is refused) and signs her out.
      await gp.getByRole('alert').filter({ hasText: 'Your key no longer works' }).waitFor({ timeout: 20000 });
      assert.equal(await gp.evaluate(() => sessionStorage.getItem('porchlight:console:key')), null);
    } finally {
      await grace.close();
    }

    await nav(page).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Rotate secret key' }).click();
    const newKey = await page.getByLabel('New workspace secret key').inputValue();
    assert.match(newKey, /^psk_[0-9a-f]{64}$/);
    assert.equal((await call('GET', '/admin/v1/workspace', { token: ws.key })).status, 401, 'the old key stops at once');
    // The console goes on with the new key, a reload included.
    await page.reload();
    await page.getByRole('heading', { name: 'Messenger look' }).waitFor();
    await nav(page).getByRole('link', { name: 'Tours' }).click();
    await screenTitle(page).filter({ hasText: 'Tours' }).waitFor();
    await page.getByText('No tours yet.').waitFor();
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});
