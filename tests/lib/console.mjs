// The console tests' kit: sign in as a site owner or a teammate would, and check a screen the
// way every console screen is held: axe-core with 0 violations and a screenshot, in light and
// dark.
import assert from 'node:assert/strict';
import { axe, outputPath } from './browser.mjs';
import { BASE } from './harness.mjs';

/** Opens the console (at `hash`, if given) and signs in with `key`; waits for the shell. */
export async function signIn(page, key, hash = '') {
  await page.goto(`${BASE}/console/${hash}`);
  await page.getByLabel('Your teammate key or the workspace secret key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 15000 });
}

/** The console's main nav. */
export const nav = (page) => page.getByRole('navigation', { name: 'Console' });

/** The heading of the screen shown (each screen has one h1). */
export const screenTitle = (page) => page.locator('h1:visible');

/**
 * axe in light and dark (0 violations) and a screenshot of each: tests/output/console-<name>-<scheme>.png.
 * Leaves the page in light.
 */
export async function checkScreen(page, name) {
  for (const colorScheme of ['dark', 'light']) {
    await page.emulateMedia({ colorScheme });
    const violations = await axe(page);
    assert.deepEqual(violations, [], `${name} (${colorScheme}): ${JSON.stringify(violations, null, 2)}`);
    await page.screenshot({ path: outputPath(`console-${name}-${colorScheme}.png`), fullPage: true });
  }
}

/**
 * The visible error tied to `control` by aria-describedby, once the edge's answer marked it
 * invalid. The locator is read again on every poll, so a redraw of the form in between does not
 * leave the wait on a detached element; when the mark never comes, the failure says what the
 * page showed instead (its form alerts and every visible field error).
 */
export async function errorBeside(control, timeout = 15000) {
  await markedInvalid(control, timeout);
  const ids = (await control.getAttribute('aria-describedby')).split(' ');
  return control.page().evaluate((list) => list.map((id) => document.getElementById(id))
    .filter((el) => el?.classList.contains('field-error') && !el.hidden).map((el) => el.textContent).join(' | '), ids);
}

/** Waits until `control` (a locator) is `aria-invalid` (see errorBeside). */
export async function markedInvalid(control, timeout = 15000) {
  const page = control.page();
  const until = Date.now() + timeout;
  while ((await control.getAttribute('aria-invalid').catch(() => null)) !== 'true') {
    if (Date.now() > until) {
      const shown = await page.evaluate(() => [...document.querySelectorAll('[role="alert"]:not([hidden]), .field-error:not([hidden])')]
        .map((el) => el.textContent.trim()).filter(Boolean));
      assert.fail(`no error beside the control after ${timeout} ms; the page showed: ${JSON.stringify(shown)}`);
    }
    await page.waitForTimeout(100);
  }
}
