// The engagement renderers' test kit: a loopback host page server, authoring through the admin
// API, and ways to look inside an item's shadow root. Used by tests/browser/engage_render and
// engage_guard.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, watchErrors } from './browser.mjs';
import { BASE, call, createWorkspace } from './harness.mjs';

// ---------------------------------------------------------------------------------------------
// The host pages: one loopback server, one path per page.
const pages = new Map();
const server = createServer((req, res) => {
  const html = pages.get(new URL(req.url, 'http://host').pathname);
  res.writeHead(html ? 200 : 404, { 'content-type': 'text/html' });
  res.end(html ?? 'not found');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
pages.set('/landing', '<!doctype html><html lang="en"><head><title>Landing</title></head><body><h1>Landed</h1></body></html>');

const MAIN = `<main><h1 id="first">Host page</h1><p>Some text of the page, in the page's own style.</p>
  <p><button id="page-btn" type="button">A page button</button> <a id="page-link" href="#more">More</a></p></main>`;
let pageCount = 0;
/**
 * A host page of workspace `ws` (its path ends with `name`): `head` goes before the tag (styles,
 * observers), `body` replaces the default content, `script` runs at the end of the body.
 */
function hostPage(ws, { name = 'page', head = '', body = MAIN, script = '' } = {}) {
  const path = `/${++pageCount}/${name}`;
  pages.set(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><link rel="icon" href="data:,">
    <style>body{margin:0;font:16px/1.4 serif}main{padding:0 16px}</style>${head}
    <script async src="${BASE}/porchlight.js" data-workspace="${ws}"></script></head>
    <body>${body}<script>${script}</script></body></html>`);
  return ORIGIN + path;
}

// ---------------------------------------------------------------------------------------------
// Authoring.
async function author(ws, family, body, opts = {}) {
  const r = await call('POST', `/admin/v1/${family}`, { token: ws.key, body, ...opts });
  assert.equal(r.status, 201, r.text);
  const a = await call('POST', `/admin/v1/${family}/${r.body.id}/activate`, { token: ws.key, ...opts });
  assert.equal(a.status, 200, a.text);
  return r.body.id;
}
const outbound = (ws, kind, content, extra = {}) => author(ws, 'outbound', { kind, name: kind, content, frequency: 'always', ...extra });
const tooltip = (ws, content, extra = {}) => author(ws, 'tooltips', { name: 'tip', content, frequency: 'always', ...extra });
const workspace = (appearance = 'light') => createWorkspace({ messenger: { appearance } });
const onPath = (suffix) => ({ type: 'condition', property: { source: 'page', key: 'path' }, operator: 'ends_with', value: suffix });
const notOn = (part) => ({ type: 'condition', property: { source: 'page', key: 'path' }, operator: 'not_contains', value: part });
const openUrl = (label, url) => ({ label, action: { type: 'open_url', url } });
const MESSENGER = { label: 'Chat with us', action: { type: 'open_messenger' } };
const NOT_NOW = { label: 'Not now', action: { type: 'dismiss' } };

// ---------------------------------------------------------------------------------------------
// In the page.
const sel = (id) => `[data-porchlight-item="${id}"]`;
const shown = (page, id, timeout = 15000) => page.waitForSelector(sel(id), { state: 'attached', timeout });
const gone = (page, id, timeout = 5000) => page.waitForSelector(sel(id), { state: 'detached', timeout });
const hosts = (page) => page.evaluate(() => [...document.querySelectorAll('[data-porchlight-item]')].map((h) => h.dataset.porchlightItem));
/** A box, in viewport pixels, of the first element matching `css` inside item `id`'s shadow root. */
const box = (page, id, css) => page.evaluate(([s, css]) => {
  const e = document.querySelector(s)?.shadowRoot?.querySelector(css);
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
}, [sel(id), css]);
const pageBox = (page, css) => page.evaluate((css) => {
  const r = document.querySelector(css).getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
}, css);
/** Computed style properties of the first element matching `css` in item `id`'s shadow root. */
const styleOf = (page, id, css, props) => page.evaluate(([s, css, props]) => {
  const e = document.querySelector(s)?.shadowRoot?.querySelector(css);
  const st = getComputedStyle(e);
  return Object.fromEntries(props.map((p) => [p, st.getPropertyValue(p)]));
}, [sel(id), css, props]);
const isVisible = (page, id, css) => page.evaluate(([s, css]) => {
  const e = document.querySelector(s)?.shadowRoot?.querySelector(css);
  return !!e && e.checkVisibility() && e.getBoundingClientRect().width > 0;
}, [sel(id), css]);
const click = (page, id, css) => page.locator(`${sel(id)} ${css}`).first().click();
/** Where focus really is: through open shadow roots. */
const focused = (page) => page.evaluate(() => {
  let a = document.activeElement;
  const item = a?.closest?.('[data-porchlight-item]')?.dataset.porchlightItem ?? null;
  const core = a?.id === 'porchlight-root';
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return { item, core, id: a?.id ?? '', tag: a?.tagName.toLowerCase() ?? '', cls: a?.getAttribute('class') ?? '', label: a?.getAttribute('aria-label') ?? a?.textContent.trim() ?? '' };
});
/** Presses Tab until `want(focused)` holds; returns what has focus then (null if never). */
async function tabTo(page, want, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (want(f)) return f;
  }
  return null;
}
const corePanel = (page) => page.locator('#porchlight-root').getByRole('dialog');
async function until(f, what, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The impressions the page sends: every `POST /v1/impressions`. `count(id)` gives, per action,
 * the number of distinct client ids (a retry sends the same one): what the edge stores.
 */
function watchImpressions(page) {
  const sent = [];
  // Sent and not yet answered: what the edge has stored is read once none is on its way.
  const pending = new Set();
  const isImpression = (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/impressions';
  page.on('request', (r) => {
    if (isImpression(r)) {
      pending.add(r);
      sent.push({ ...JSON.parse(r.postData()), token: r.headers().authorization?.slice(7) });
    }
  });
  for (const ev of ['requestfinished', 'requestfailed']) page.on(ev, (r) => pending.delete(r));
  const count = (id) => {
    const by = {};
    for (const x of sent.filter((x) => x.contentId === id)) (by[x.action] ??= new Set()).add(x.clientId);
    return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, v.size]).sort());
  };
  /** Waits until `id`'s impressions are `want` (and stay so for a moment). */
  const expect = async (id, want) => {
    await until(() => JSON.stringify(count(id)) === JSON.stringify(want), `impressions ${JSON.stringify(want)} of ${id}, have ${JSON.stringify(count(id))}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(count(id), want, `impressions of ${id}`);
  };
  const settled = () => until(() => pending.size === 0, `${pending.size} impression requests still on their way`, 15000);
  return { sent, count, expect, settled };
}
/** What the edge stored for `id` (its history in this visitor's /v1/eligible answer). */
async function edgeHistory(imps, id, family = 'outbound') {
  await imps.settled();
  const token = imps.sent.at(-1).token;
  const r = await call('GET', '/v1/eligible', { token });
  assert.equal(r.status, 200, r.text);
  return r.body[family].find((x) => x.id === id)?.history;
}

/** A page of a fresh context with errors watched; `close` when done. */
async function open(options = {}) {
  const { context, close } = await freshContext(options);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const imps = watchImpressions(page);
  if (process.env.DEBUG) {
    page.on('console', (m) => console.log('console', m.type(), m.text()));
    page.on('response', async (r) => { if (r.url().startsWith(BASE + '/v1/')) console.log(r.status(), r.url(), (await r.text().catch(() => '')).slice(0, 400)); });
  }
  return { context, page, errors, imps, close };
}

export { MAIN, MESSENGER, NOT_NOW, ORIGIN, author, box, click, corePanel, edgeHistory, focused, gone, hostPage, hosts, isVisible, notOn, onPath, open, openUrl, outbound, pageBox, sel, shown, styleOf, tabTo, tooltip, until, watchImpressions, workspace };
