// The widget as a visitor meets it: demo page in headless Chromium against the live edge.
import { test, after } from 'node:test';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { freshContext, watchErrors, axe, outputPath } from '../lib/browser.mjs';
import { BASE } from '../lib/harness.mjs';

const STORAGE_KEY = 'porchlight:demo';
const WELCOME = 'Ask us anything about Acme Analytics';

const launcher = (page) => page.getByRole('button', { name: 'Open messenger' });
const panel = (page) => page.getByRole('dialog');

/** Records every /v1/* call the page makes, with its status. */
function watchApi(page) {
  const calls = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1/')) calls.push({ path: u.pathname, status: r.status(), auth: !!r.request().headers().authorization });
  });
  return calls;
}

const storedSession = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null'), STORAGE_KEY);

test('demo page: launcher in the shadow root, opens with the welcome message, Escape closes, no errors', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const api = watchApi(page);
    await page.goto(`${BASE}/index.html`);
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    // It lives in a shadow root on #porchlight-root, not in the page's DOM.
    const inShadow = await page.evaluate(() => {
      const host = document.getElementById('porchlight-root');
      return !!host?.shadowRoot?.querySelector('button') && !document.querySelector('body > button[aria-label="Open messenger"]');
    });
    assert.ok(inShadow, 'launcher is inside the shadow root');
    assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
    // Never autofocus on page load.
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
    assert.equal(await panel(page).isVisible(), false);

    await launcher(page).click();
    await panel(page).waitFor({ state: 'visible' });
    assert.match(await panel(page).innerText(), new RegExp(WELCOME));
    assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
    // Let the opening transition finish so the screenshot shows what a visitor sees.
    await page.waitForTimeout(400);
    await page.screenshot({ path: outputPath('widget-open.png') });

    const violations = await axe(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
    const focusedLabel = await page.evaluate(() => document.getElementById('porchlight-root').shadowRoot.activeElement?.getAttribute('aria-label'));
    assert.equal(focusedLabel, 'Open messenger', 'focus returns to the launcher');

    assert.deepEqual(api.filter((c) => c.path === '/v1/boot').map((c) => c.status), [200], 'exactly one boot');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('keyboard only: Tab reaches the launcher, Enter opens, Escape closes', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/index.html`);
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.getElementById('porchlight-root')?.shadowRoot?.activeElement?.getAttribute('aria-label') === 'Open messenger');
    }
    assert.ok(reached, 'the launcher is reachable with Tab');
    await page.keyboard.press('Enter');
    await panel(page).waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
  } finally {
    await close();
  }
});

test('reload keeps the same visitor and token (resumed, no new session); shutdown forgets it', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.Porchlight = window.Porchlight || function () { (window.Porchlight.q = window.Porchlight.q || []).push(arguments); };
      window.Porchlight('on', 'ready', (v) => { window.__readyVisitor = v; });
    });
    const api = watchApi(page);
    await page.goto(`${BASE}/index.html`);
    await page.waitForFunction(() => window.__readyVisitor, null, { timeout: 15000 });
    const first = await page.evaluate(() => window.__readyVisitor.id);
    const stored = await storedSession(page);
    assert.match(stored.token, /^wst_[0-9a-f]{64}$/);
    assert.ok(stored.sessionId);

    await page.reload();
    await page.waitForFunction(() => window.__readyVisitor, null, { timeout: 15000 });
    assert.equal(await page.evaluate(() => window.__readyVisitor.id), first, 'same visitor after reload');
    const after = await storedSession(page);
    assert.equal(after.token, stored.token, 'same token: no new session was minted');
    assert.equal(after.sessionId, stored.sessionId);
    const boots = api.filter((c) => c.path === '/v1/boot');
    assert.equal(boots.length, 2);
    assert.equal(boots[1].auth, true, 'the reload presents the stored token to resume');

    // shutdown: revoke the token, clear storage, remove the UI.
    const revoked = page.waitForResponse((r) => r.url().endsWith('/v1/session/revoke'));
    await page.evaluate(() => window.Porchlight('shutdown'));
    assert.equal((await revoked).status(), 204);
    await page.waitForFunction((k) => localStorage.getItem(k) === null, STORAGE_KEY);
    await launcher(page).waitFor({ state: 'detached' });
    // The revoked token is dead at the edge.
    const r = await fetch(`${BASE}/v1/identify`, { method: 'POST', headers: { authorization: `Bearer ${stored.token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 401);
    // The next boot on this browser is a stranger.
    await page.evaluate(() => { window.__readyVisitor = null; window.Porchlight('boot', { workspaceId: 'demo' }); });
    await page.waitForFunction(() => window.__readyVisitor, null, { timeout: 15000 });
    assert.notEqual(await page.evaluate(() => window.__readyVisitor.id), first);
    assert.notEqual((await storedSession(page)).sessionId, stored.sessionId);
    await launcher(page).waitFor({ state: 'visible' });
  } finally {
    await close();
  }
});

test('calls queued before the WASM loaded are applied in order', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      window.Porchlight = function () { (window.Porchlight.q = window.Porchlight.q || []).push(arguments); };
      window.__events = [];
      window.Porchlight('on', 'ready', () => window.__events.push('ready'));
      window.Porchlight('on', 'open', () => window.__events.push('open'));
      window.Porchlight('update', { plan: 'pro', seats: 12 });
      window.Porchlight('show');
      window.Porchlight('noSuchCommand');   // misuse: one warning, never a throw
    });
    const identify = page.waitForResponse((r) => r.url().endsWith('/v1/identify'));
    await page.goto(`${BASE}/index.html`);
    const body = await (await identify).json();
    assert.equal(body.visitor.attributes.plan, 'pro');
    assert.equal(body.visitor.attributes.seats, 12);
    await panel(page).waitFor({ state: 'visible', timeout: 15000 });
    await page.waitForFunction(() => window.__events.includes('open'));
    assert.deepEqual(await page.evaluate(() => window.__events), ['ready', 'open']);
    assert.deepEqual(errors, [], 'an unknown command must not throw');
  } finally {
    await close();
  }
});

test('a cross-origin host page embeds the widget from the edge (CORS on assets and API)', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    // A site owner's page on another origin: a tiny server of the test's own on another
    // loopback port (loopback to loopback, so no local-network-access prompt).
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title><link rel="icon" href="data:,"></head><body><main><h1>Shop</h1></main>
        <script async src="${BASE}/porchlight.js" data-workspace="demo"></script></body></html>`);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const host = `http://127.0.0.1:${server.address().port}`;
    after(() => server.close());
    const boot = page.waitForResponse((r) => r.url().endsWith('/v1/boot'));
    await page.goto(`${host}/shop.html`);
    const res = await boot;
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['access-control-allow-origin'], host);
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
