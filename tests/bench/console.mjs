// The console's load on the local dev server (issue 14: "< 1 s to interactive"): on fresh
// browser profiles, navigation → the sign-in form ready to type (its field visible and
// enabled: the console's modules loaded and run), then Sign in → the first screen drawn (the
// Console nav and the screen's heading). Times are the page's own `performance.now()` read
// right after each is seen, so they include Playwright's polling (a few ms). Figures only.
// Env: PORCHLIGHT_URL, ROOT_KEY, BENCH_CONSOLE_PAGES (default 5).
import { chromium } from 'playwright-core';
import { median, round } from './stats.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const PAGES = Math.max(1, Number(process.env.BENCH_CONSOLE_PAGES ?? 5));
const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] };

const r = await fetch(`${BASE}/admin/v1/workspaces`, { method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench-console-${Date.now()}` }) });
if (!r.ok) throw new Error(`workspace: ${r.status} ${await r.text()}`);
const ws = await r.json();

const browser = await chromium.launch(LAUNCH);
const ready = [];
const signedIn = [];
try {
  for (let i = 0; i < PAGES; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${BASE}/console/`, { waitUntil: 'commit' });
    const field = page.getByLabel('Your teammate key or the workspace secret key');
    await field.waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('input[type=password], input')?.disabled);
    ready.push(await page.evaluate(() => performance.now()));
    await field.fill(ws.secretKey);
    const t0 = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor({ timeout: 15000 });
    await page.locator('h1:visible').first().waitFor();
    signedIn.push((await page.evaluate(() => performance.now())) - t0);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`  Console (${PAGES} fresh profiles, local dev server):`);
console.log(`    navigation → sign-in form ready to type: median ${round(median(ready))} ms (max ${round(Math.max(...ready))} ms)`);
console.log(`    Sign in → first screen drawn: median ${round(median(signedIn))} ms (max ${round(Math.max(...signedIn))} ms)`);
console.log(`BENCH_CONSOLE ${JSON.stringify({ readyMedianMs: round(median(ready)), signInMedianMs: round(median(signedIn)), samples: PAGES })}`);
