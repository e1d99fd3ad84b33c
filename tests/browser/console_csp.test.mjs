// The console under its strict Content-Security-Policy (www/_headers): no inline script or
// style, everything same-origin. Every screen works under it with no violation reported, and an
// injected inline script does not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { BASE, call } from '../lib/harness.mjs';
import { signIn, screenTitle, checkScreen } from '../lib/console.mjs';

const creds = JSON.parse(readFileSync(join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json'), 'utf8'));

test('the console is served with a strict CSP and every screen works under it', async () => {
  const head = await fetch(`${BASE}/console/`);
  const csp = head.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);

  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await signIn(page, creds.secretKey);
    const surveys = await call('GET', '/admin/v1/surveys', { token: creds.secretKey });
    const screens = [['#/inbox', 'Inbox'], ['#/tickets', 'Tickets'], ['#/outbound', 'Outbound messages'], ['#/outbound/new', 'New outbound message'],
      ['#/segments/new', 'New segment'], ['#/settings', 'Settings'], ['#/teammates', 'Teammates']];
    if (surveys.body.surveys?.[0]) screens.push([`#/surveys/${surveys.body.surveys[0].id}/results`, '']);
    for (const [hash, title] of screens) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await screenTitle(page).filter({ hasText: title }).first().waitFor();
    }
    // The live preview of the launcher sets styles through the CSSOM, which the policy allows.
    await page.evaluate(() => { location.hash = '#/settings'; });
    await screenTitle(page).filter({ hasText: 'Settings' }).waitFor();
    await checkScreen(page, 'settings-csp');
    assert.deepEqual(await page.evaluate(() => window.__violations), []);

    // An inline script (as an injection would add) is refused.
    const ran = await page.evaluate(() => new Promise((resolve) => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      setTimeout(() => resolve(window.__inline === 1), 50);
    }));
    assert.equal(ran, false, 'an inline script does not run');
    assert.ok((await page.evaluate(() => window.__violations)).some((v) => v.startsWith('script-src')), 'and is reported as a violation');
    assert.deepEqual(errors.filter((e) => !/Content Security Policy/.test(e)), []);
  } finally {
    await close();
  }
});
