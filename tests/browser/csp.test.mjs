// The widget under a strict Content-Security-Policy (PRODUCT.md §2): a host page on another
// origin that allows scripts and connections from the edge only, 'wasm-unsafe-eval', and styles
// from itself only — no nonce, no 'unsafe-inline'. The loader's early launcher, the core and the
// messenger style themselves with constructable stylesheets, which need neither; a browser
// without them gets <style> elements carrying the page's nonce.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, holdCore, watchErrors, outputPath } from '../lib/browser.mjs';
import { BASE, call, createWorkspace } from '../lib/harness.mjs';

/** A workspace with an active banner: the engagement module styles it under the same policy. */
async function workspaceWithBanner() {
  const ws = await createWorkspace();
  const r = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'banner', name: 'csp', content: { body: 'A banner on a strict page' }, frequency: 'always' } });
  if (r.status !== 201) throw new Error(r.text);
  await call('POST', `/admin/v1/outbound/${r.body.id}/activate`, { token: ws.key });
  return ws;
}

/** The banner's host and whether its shadow root is styled (fixed position from engage.css). */
const bannerLook = (page) => page.evaluate(() => {
  const h = document.querySelector('[data-porchlight-item]');
  const b = h && h.shadowRoot && h.shadowRoot.querySelector('.bn');
  return b ? { position: getComputedStyle(b).position, styles: h.shadowRoot.querySelectorAll('style').length } : null;
});

const EDGE = new URL(BASE).origin;
// The live socket connects to the edge's origin over ws: (wss: in production), which a source
// `http://edge` does not cover (CSP Level 3 matches http: to https:, never to ws:): Chromium
// refuses it. So the edge's origin is allowed under both schemes, as a site owner must.
const WS_EDGE = EDGE.replace(/^http/, 'ws');

/** A host page of its own origin, sent with `policy`, embedding the widget with `tag`. */
async function hostPage(policy, tag) {
  const server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404, { 'content-security-policy': policy });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': policy });
    res.end(`<!doctype html><html lang="en"><head><title>Strict shop</title></head><body><main><h1>Strict shop</h1></main>${tag}</body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}/`;
}

/** Records every CSP violation in the page (listening before any script of the page runs). */
async function watchViolations(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    }, true);
  });
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  return async () => ({ events: await page.evaluate(() => window.__violations), console: refused });
}

/** How the launcher (and, when open, the panel and the last message) is drawn. */
const look = (page) => page.evaluate(() => {
  const root = document.getElementById('porchlight-root').shadowRoot;
  const css = (sel) => { const e = root.querySelector(sel); return e && getComputedStyle(e); };
  const l = css('.l');
  const p = css('.p');
  const li = css('.ms li:last-child');
  return {
    early: document.getElementById('porchlight-root').hasAttribute('data-early'),
    styles: root.querySelectorAll('style').length,
    adopted: root.adoptedStyleSheets ? root.adoptedStyleSheets.length : null,
    launcher: { position: l.position, background: l.backgroundColor, width: l.width, radius: l.borderRadius },
    panel: p && p.display !== 'none' ? { position: p.position, radius: p.borderRadius } : null,
    message: li ? { background: li.backgroundColor, align: li.alignSelf } : null,
  };
});

const launcher = (page) => page.getByRole('button', { name: /^Open messenger/ });
const composer = (page) => page.getByRole('textbox', { name: 'Write a message…' });
// The launcher opens on Home; the conversation is one tab away.
const messagesTab = (page) => page.getByRole('tab', { name: 'Messages' });
const PRIMARY = 'rgb(79, 70, 229)';

/** Open the panel, send a message, wait until the edge stored it; checks how it all looks. */
async function chat(page, text) {
  const live = new Promise((resolve) => page.on('websocket', (ws) => {
    if (ws.url().includes('/v1/live')) ws.on('framesent', (f) => { if (/"hb"/.test(f.payload)) resolve(); });
  }));
  await launcher(page).click();
  await messagesTab(page).click();
  await page.getByRole('dialog').waitFor({ state: 'visible', timeout: 15000 });
  const sent = page.waitForResponse((r) => r.url().endsWith('/v1/conversations') && r.request().method() === 'POST', { timeout: 15000 });
  await composer(page).fill(text);
  await composer(page).press('Enter');
  assert.equal((await sent).status(), 201);
  await page.locator('#porchlight-root .ms li:not(.pe)').filter({ hasText: text }).waitFor({ timeout: 15000 });
  const open = await look(page);
  assert.deepEqual(open.panel, { position: 'fixed', radius: '16px' }, 'the panel is styled');
  // The messenger's own rules (its stylesheet, added when it mounted) reached the message.
  assert.deepEqual(open.message, { background: PRIMARY, align: 'flex-end' });
  // The live socket is a connection to the edge as well (connect-src covers ws: of its origin):
  // open, it sends its first heartbeat.
  await Promise.race([live, new Promise((_, no) => setTimeout(() => no(new Error('no live socket opened')), 15000))]);
  return open;
}

test('strict CSP without a nonce: early launcher, core, messenger and a banner styled, a message sent, not one violation', async () => {
  const ws = await workspaceWithBanner();
  const policy = `default-src 'none'; script-src ${EDGE} 'wasm-unsafe-eval'; connect-src ${EDGE} ${WS_EDGE}; style-src 'self'`;
  const url = await hostPage(policy, `<script async src="${BASE}/porchlight.js" data-workspace="${ws.id}"></script>`);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const violations = await watchViolations(page);
    const release = await holdCore(context);
    await page.goto(url);
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    const early = await look(page);
    assert.equal(early.early, true, 'the loader\'s launcher, the core held back');
    assert.deepEqual([early.styles, early.adopted], [0, 1], 'a constructable stylesheet, no <style>');
    assert.deepEqual(early.launcher, { position: 'fixed', background: PRIMARY, width: '56px', radius: '50%' });

    release();
    await page.locator('#porchlight-root:not([data-early])').waitFor({ state: 'attached', timeout: 15000 });
    const core = await look(page);
    assert.deepEqual([core.styles, core.adopted], [0, 1]);
    assert.deepEqual(core.launcher, early.launcher, 'the core\'s launcher looks the same');

    await page.locator('[data-porchlight-item]').waitFor({ state: 'attached', timeout: 15000 });
    assert.deepEqual(await bannerLook(page), { position: 'fixed', styles: 0 }, 'the banner adopted the engagement sheet');
    const open = await chat(page, 'Hello from a strict page');
    assert.deepEqual([open.styles, open.adopted], [0, 2], 'the messenger adopted its own sheet');
    await page.waitForTimeout(400);
    await page.screenshot({ path: outputPath('csp-strict-open.png') });
    assert.deepEqual(await violations(), { events: [], console: [] });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("no constructable stylesheets: <style> elements carry the nonce of the loader's own <script nonce>", async () => {
  const ws = await workspaceWithBanner();
  const nonce = 'pl-test-nonce-4f2a';
  const policy = `default-src 'none'; script-src 'nonce-${nonce}' ${EDGE} 'wasm-unsafe-eval'; connect-src ${EDGE} ${WS_EDGE}; style-src 'nonce-${nonce}'`;
  const url = await hostPage(policy, `<script nonce="${nonce}" async src="${BASE}/porchlight.js" data-workspace="${ws.id}"></script>`);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    // A browser without adoptedStyleSheets (Safari < 16.4, Firefox < 101).
    await page.addInitScript(() => {
      delete ShadowRoot.prototype.adoptedStyleSheets;
      delete Document.prototype.adoptedStyleSheets;
    });
    const violations = await watchViolations(page);
    const release = await holdCore(context);
    await page.goto(url);
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    const early = await look(page);
    assert.deepEqual([early.early, early.styles, early.adopted], [true, 1, null]);
    assert.equal(early.launcher.position, 'fixed', 'the <style> was allowed by its nonce');

    release();
    await page.locator('#porchlight-root:not([data-early])').waitFor({ state: 'attached', timeout: 15000 });
    const core = await look(page);
    assert.equal(core.styles, 1);
    assert.deepEqual(core.launcher, early.launcher);

    await page.locator('[data-porchlight-item]').waitFor({ state: 'attached', timeout: 15000 });
    assert.deepEqual(await bannerLook(page), { position: 'fixed', styles: 1 }, "the banner's <style>, with the nonce");
    const open = await chat(page, 'Hello from an older browser');
    assert.equal(open.styles, 2, "the messenger's <style>, with the same nonce");
    assert.deepEqual(await violations(), { events: [], console: [] });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
