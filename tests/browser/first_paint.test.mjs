// First paint: the loader draws the launcher and sends the boot before the core has arrived;
// the core adopts that boot (one request, the body it would have sent itself) and replaces the
// early launcher with its own, in the look the early one already had on a returning visit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { CORE_WASM, freshContext, holdCore, watchErrors } from '../lib/browser.mjs';
import { BASE, createWorkspace } from '../lib/harness.mjs';

const launcher = (page) => page.getByRole('button', { name: /^Open messenger/ });
const early = (page) => page.locator('#porchlight-root[data-early]');
const roots = (page) => page.evaluate(() => document.querySelectorAll('#porchlight-root').length);

/** A host page of `ws` on its own loopback port; `settings` become window.porchlightSettings. */
async function hostPage(ws, settings = {}) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title><link rel="icon" href="data:,"></head><body><main><h1>Host</h1></main>
      <script>window.porchlightSettings=${JSON.stringify({ workspaceId: ws, ...settings })};
      window.Porchlight=function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};
      Porchlight('on','ready',function(v){window.__ready=v})</script>
      <script async src="${BASE}/porchlight.js" data-workspace="${ws}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}/`;
}

test("the loader's boot is the core's: sent while the core downloads, adopted (one request), the same body the core sends", async () => {
  const ws = await createWorkspace();
  const url = await hostPage(ws.id, { userId: 'u_paint', name: 'Paint Tester', attributes: { plan: 'pro', seats: 3 }, locale: 'fr-FR' });
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const order = [];
    const boots = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/v1/boot') {
        boots.push({ body: JSON.parse(r.postData()), headers: r.headers() });
        order.push('boot sent');
      }
    });
    page.on('requestfinished', (r) => { if (CORE_WASM.test(new URL(r.url()).pathname)) order.push('core in'); });
    await page.goto(url);
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    assert.equal(boots.length, 1, 'the core adopted the loader\'s boot instead of sending its own');
    assert.equal(order[0], 'boot sent', 'the boot is on its way before the core has arrived');
    // A first visit holds no token: no Authorization and no JSON content type, so a
    // cross-origin page sends it without a CORS preflight.
    assert.equal(boots[0].headers.authorization, undefined);
    assert.match(boots[0].headers['content-type'] ?? '', /^text\/plain/);
    const stored = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), `porchlight:${ws.id}`);
    assert.equal(boots[0].body.sessionId, stored.sessionId);

    // The same boot sent by the core itself: the same body, now with the session's token.
    await page.evaluate(() => { window.__ready = null; window.Porchlight('boot'); });
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    assert.equal(boots.length, 2);
    assert.deepEqual(boots[1].body, boots[0].body);
    assert.match(boots[1].headers.authorization ?? '', /^Bearer wst_/);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the launcher shows before the core has arrived; a click on it opens the panel once the core is there', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const release = await holdCore(context);
    await page.goto(`${BASE}/index.html`);
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await early(page).count(), 1, 'the launcher on screen is the loader\'s');
    await launcher(page).click();
    release();
    await page.getByRole('dialog').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await early(page).count(), 0, 'the core\'s launcher replaced it');
    assert.equal(await roots(page), 1);
    assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("a returning visitor's early launcher has the workspace's look; an unknown workspace leaves no launcher", async () => {
  const ws = await createWorkspace({ messenger: { primaryColor: '#b45309', launcherPosition: 'left', horizontalSpacing: 40 } });
  const url = await hostPage(ws.id);
  const { context, close } = await freshContext();
  const look = (page) => page.evaluate(() => {
    const b = document.getElementById('porchlight-root').shadowRoot.querySelector('button');
    const r = b.getBoundingClientRect();
    return { background: getComputedStyle(b).backgroundColor, color: getComputedStyle(b).color, left: r.left, bottom: innerHeight - r.bottom };
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    await launcher(page).waitFor({ state: 'visible' });
    const core = await look(page);
    assert.equal(core.background, 'rgb(180, 83, 9)');
    assert.equal(core.left, 40);

    // Second visit: the core held back, the loader's launcher is already the workspace's.
    const release = await holdCore(context);
    await page.reload();
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await early(page).count(), 1);
    assert.deepEqual(await look(page), core);
    release();
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    assert.equal(await early(page).count(), 0);
    assert.deepEqual(await look(page), core);

    // A workspace that does not exist: the early launcher goes when the boot fails.
    const gone = await context.newPage();
    await gone.goto(await hostPage('ws_does_not_exist'));
    await gone.waitForFunction(() => !document.getElementById('porchlight-root'), null, { timeout: 15000 });
  } finally {
    await close();
  }
});
