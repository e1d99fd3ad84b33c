// The engagement module's renderers (widget/engage/src/render), as a visitor meets them: content
// authored through the admin API, a real host page in headless Chromium against the live edge.
// Banners, posts, chat cards and tooltips: where they sit, what their buttons do, focus and the
// keyboard, axe in light / dark / system, isolation from a hostile page stylesheet, hostile
// content and selectors, a very large eligible answer, and impressions recorded once per action.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, watchErrors, axe, outputPath } from '../lib/browser.mjs';
import { BASE, call, createWorkspace } from '../lib/harness.mjs';

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
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/impressions') {
      sent.push({ ...JSON.parse(r.postData()), token: r.headers().authorization?.slice(7) });
    }
  });
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
  return { sent, count, expect };
}
/** What the edge stored for `id` (its history in this visitor's /v1/eligible answer). */
async function edgeHistory(imps, id, family = 'outbound') {
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

// ---------------------------------------------------------------------------------------------

test('banner: floating over the page or inline in its flow, top or bottom; × dismisses once; undismissible has no ×; a named region', async () => {
  const ws = { top: await createWorkspace({ messenger: { primaryColor: '#b45309' } }), inline: await workspace(), bottom: await workspace(), inlineBottom: await workspace() };
  const ids = {
    top: await outbound(ws.top, 'banner', { title: 'Spring sale', body: 'Annual plans: two months free.', buttons: [openUrl('See plans', `${ORIGIN}/landing`)], position: 'top', style: 'floating' }),
    inline: await outbound(ws.inline, 'banner', { body: 'Scheduled maintenance on Sunday.', position: 'top', style: 'inline', dismissible: false }),
    bottom: await outbound(ws.bottom, 'banner', { title: 'Cookies', body: 'We use none.', position: 'bottom', style: 'floating' }),
    inlineBottom: await outbound(ws.inlineBottom, 'banner', { body: 'Thanks for reading to the end.', position: 'bottom', style: 'inline' }),
  };
  const { page, errors, imps, close } = await open();
  // Where the page's first element is without the banner (the banner's host taken out of the flow).
  const firstTopWithout = (id) => page.evaluate((s) => {
    const h = document.querySelector(s);
    h.style.display = 'none';
    const y = document.getElementById('first').getBoundingClientRect().top;
    h.style.display = '';
    return y;
  }, sel(id));
  try {
    // Floating, top: fixed at the top edge, over the page (the page does not move).
    await page.goto(hostPage(ws.top.id));
    await shown(page, ids.top);
    const top = await box(page, ids.top, '.bn');
    assert.deepEqual(await styleOf(page, ids.top, '.bn', ['position', 'background-color']), { position: 'fixed', 'background-color': 'rgb(180, 83, 9)' }, 'fixed, in the workspace\'s colour');
    assert.equal(top.y, 0);
    assert.equal(top.w, 1280);
    assert.ok(top.h >= 40 && top.h < 120, `a strip, not a wall: ${top.h}px`);
    assert.equal((await pageBox(page, '#first')).y, await firstTopWithout(ids.top), 'a floating banner does not move the page');
    const region = page.getByRole('region', { name: 'Spring sale' });
    assert.equal(await region.count(), 1, 'a region landmark named by its title');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await gone(page, ids.top);
    await imps.expect(ids.top, { dismissed: 1, shown: 1 });
    const h = await edgeHistory(imps, ids.top);
    assert.equal(h.shown, 1);
    assert.equal(h.dismissed, true);

    // Inline, top: first in the page's flow, which moves down by exactly its height.
    await page.goto(hostPage(ws.inline.id));
    await shown(page, ids.inline);
    const inline = await box(page, ids.inline, '.bn');
    assert.notEqual((await styleOf(page, ids.inline, '.bn', ['position'])).position, 'fixed');
    assert.equal(inline.y, 0);
    const without = await firstTopWithout(ids.inline);
    assert.equal((await pageBox(page, '#first')).y, without + inline.h, 'the page moved down by the banner\'s height');
    assert.equal(await page.locator(`${sel(ids.inline)} .x`).count(), 0, 'dismissible: false has no ×');
    assert.equal(await page.getByRole('region', { name: 'Announcement' }).count(), 1, 'an untitled banner is a region named by the catalog');
    await page.mouse.wheel(0, 400);

    // Floating, bottom: fixed at the bottom edge, clear of the launcher.
    await page.goto(hostPage(ws.bottom.id));
    await shown(page, ids.bottom);
    await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
    const bottom = await box(page, ids.bottom, '.bn');
    assert.equal(bottom.bottom, 800);
    const launcherFree = await page.evaluate(() => {
      const l = document.getElementById('porchlight-root').shadowRoot.querySelector('button').getBoundingClientRect();
      return document.elementFromPoint(l.x + l.width / 2, l.y + l.height / 2)?.id === 'porchlight-root';
    });
    assert.ok(launcherFree, 'the launcher is not covered by the bottom banner');
    const x = await box(page, ids.bottom, '.x');
    const l = await page.evaluate(() => document.getElementById('porchlight-root').shadowRoot.querySelector('button').getBoundingClientRect().toJSON());
    assert.ok(x.right <= l.x || x.y >= l.bottom || x.bottom <= l.y, 'the banner\'s × is not under the launcher');

    // Inline, bottom: at the end of the page's flow.
    await page.goto(hostPage(ws.inlineBottom.id));
    await shown(page, ids.inlineBottom);
    const ib = await box(page, ids.inlineBottom, '.bn');
    assert.ok(ib.y >= (await pageBox(page, 'main')).bottom, 'after the page\'s content');
    assert.notEqual((await styleOf(page, ids.inlineBottom, '.bn', ['position'])).position, 'fixed');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('post: a modal dialog; focus moves in, Tab stays in, Escape closes and focus goes back; image with its alt; dismiss, open_url (new tab, noopener) and open_messenger', async () => {
  const ws = await workspace();
  const id = await outbound(ws, 'post', {
    title: 'New: reports', body: 'Build reports without SQL.', imageUrl: `${BASE}/favicon.svg`, imageAlt: 'The Acme logo',
    buttons: [openUrl('Read more', `${ORIGIN}/landing`), MESSENGER, NOT_NOW],
  }, { triggers: [{ type: 'event', name: 'open-post' }], audience: notOn('/locked') });
  const locked = await outbound(ws, 'post', { title: 'Terms', body: 'Our terms changed.', dismissible: false, buttons: [{ label: 'Got it', action: { type: 'dismiss' } }] }, { audience: onPath('/locked') });
  const { context, page, errors, imps, close } = await open();
  const url = hostPage(ws.id);
  /** Loads the page, focuses the page's button, then tracks the event that opens the post. */
  const openPost = async () => {
    await page.goto(url);
    await page.waitForFunction(() => window.Porchlight?.l, null, { timeout: 15000 });
    await page.focus('#page-btn');
    await page.evaluate(() => window.Porchlight('track', 'open-post'));
    await shown(page, id);
    await until(() => isVisible(page, id, 'dialog'), 'the post');
  };
  try {
    await openPost();
    assert.equal(await page.evaluate((s) => document.querySelector(s).shadowRoot.querySelector('dialog').matches(':modal'), sel(id)), true, 'opened with showModal');
    const dialog = page.getByRole('dialog', { name: 'New: reports' });
    assert.equal(await dialog.count(), 1, 'a dialog named by its title');
    assert.equal((await focused(page)).item, id, 'focus moved into the post');
    const img = () => page.evaluate((s) => { const i = document.querySelector(s).shadowRoot.querySelector('img'); return { alt: i.alt, loaded: i.complete && i.naturalWidth > 0 }; }, sel(id));
    await until(async () => (await img()).loaded, 'the image to load');
    assert.deepEqual(await img(), { alt: 'The Acme logo', loaded: true });
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      const f = await focused(page);
      assert.equal(f.item, id, `${key}: focus stays in the post (it went to ${JSON.stringify(f)})`);
      assert.equal(f.tag, 'button');
    }
    await page.keyboard.press('Escape');
    await gone(page, id);
    assert.equal((await focused(page)).id, 'page-btn', 'focus went back to what had it before');
    await imps.expect(id, { dismissed: 1, shown: 1 });

    // A `dismiss` button closes it.
    await openPost();
    await page.getByRole('button', { name: 'Not now' }).click();
    await gone(page, id);
    assert.equal((await focused(page)).id, 'page-btn');
    await imps.expect(id, { dismissed: 2, shown: 2 });

    // `open_url`: a new tab, without a handle on this page.
    await openPost();
    const [tab] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Read more' }).click()]);
    await tab.waitForLoadState();
    assert.equal(tab.url(), `${ORIGIN}/landing`);
    assert.equal(await tab.evaluate(() => window.opener), null, 'opened with noopener');
    await tab.close();
    await gone(page, id);
    await imps.expect(id, { clicked: 1, dismissed: 2, shown: 3 });

    // `open_messenger`: the core's panel opens.
    await openPost();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await gone(page, id);
    await corePanel(page).waitFor({ state: 'visible', timeout: 15000 });
    await imps.expect(id, { clicked: 2, dismissed: 2, shown: 4 });
    const h = await edgeHistory(imps, id);
    assert.equal(h.shown, 4, 'the edge stored each show once');

    // Undismissible: no ×, Escape does nothing, until the browser insists (pressed again and
    // again, Chromium closes it anyway): then it is gone, as a dismissal, recorded once.
    await page.goto(hostPage(ws.id, { name: 'locked' }));
    await shown(page, locked);
    await until(() => isVisible(page, locked, 'dialog'), 'the undismissible post');
    assert.equal(await page.locator(`${sel(locked)} .x`).count(), 0);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
    assert.equal(await isVisible(page, locked, 'dialog'), true, 'Escape does not close it');
    for (let i = 0; i < 4 && (await hosts(page)).length; i++) await page.keyboard.press('Escape');
    await gone(page, locked);
    await imps.expect(locked, { dismissed: 1, shown: 1 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('chat card: above the launcher, announced politely; Reply opens the messenger; × dismisses', async () => {
  const ws = await workspace();
  const id = await outbound(ws, 'chat', { body: 'Hi! Need a hand with reports? I am around all afternoon.' });
  const { page, errors, imps, close } = await open();
  const url = hostPage(ws.id);
  try {
    await page.goto(url);
    await shown(page, id);
    const launcher = page.getByRole('button', { name: /^Open messenger/ });
    await launcher.waitFor({ state: 'visible', timeout: 15000 });
    const card = await box(page, id, '.cc');
    const l = await launcher.boundingBox();
    assert.ok(card.bottom <= l.y, `above the launcher (${card.bottom} ≤ ${l.y})`);
    assert.ok(Math.abs(card.right - (l.x + l.width)) <= 1, 'aligned with the launcher\'s side');
    assert.equal(await page.getByRole('status').filter({ hasText: 'Need a hand' }).count(), 1, 'a polite live region');
    await page.getByRole('button', { name: 'Reply' }).click();
    await gone(page, id);
    await corePanel(page).waitFor({ state: 'visible', timeout: 15000 });
    await imps.expect(id, { clicked: 1, shown: 1 });

    await page.goto(url);
    await shown(page, id);
    await click(page, id, '.x');
    await gone(page, id);
    await imps.expect(id, { clicked: 1, dismissed: 1, shown: 2 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('tooltip: a beacon by its element; hover, focus and click open it, Escape hides it, × dismisses it; then the next one, kept in the viewport at the edges, following scroll', async () => {
  const ws = await workspace();
  const long = 'Export any report as CSV, Excel or PDF from here, or schedule it by email every week.';
  const ids = {
    main: await tooltip(ws, { title: 'Export', body: long, selector: '#target' }, { priority: 5 }),
    right: await tooltip(ws, { body: long, selector: '#edge-r' }, { priority: 4 }),
    bottom: await tooltip(ws, { body: long, selector: '#edge-b' }, { priority: 3 }),
  };
  const { page, errors, imps, close } = await open();
  const body = `${MAIN}<div style="height:300px"></div><p><button id="target" type="button">Export</button></p><div style="height:2000px"></div>
    <button id="edge-r" type="button" style="position:fixed;right:0;top:300px">Right</button>
    <button id="edge-b" type="button" style="position:fixed;left:40%;bottom:0">Bottom</button>`;
  const popIn = async (id) => {
    await until(() => isVisible(page, id, '.tp'), 'the popover');
    const p = await box(page, id, '.tp');
    assert.ok(p.x >= 0 && p.y >= 0 && p.right <= 1280 && p.bottom <= 800, `inside the viewport: ${JSON.stringify(p)}`);
    return p;
  };
  try {
    await page.goto(hostPage(ws.id, { body }));
    await shown(page, ids.main);
    // The beacon: beside its element, vertically centred on it, not over its text.
    const t = await pageBox(page, '#target');
    const b = await box(page, ids.main, '.bc');
    assert.ok(b.x >= t.right && b.x <= t.right + 12, `right of the element: ${JSON.stringify({ b, t })}`);
    assert.ok(Math.abs(b.y + b.h / 2 - (t.y + t.h / 2)) <= 1, 'vertically centred on it');
    assert.equal(await isVisible(page, ids.main, '.tp'), false, 'the popover waits to be asked');
    // Hover opens; Escape hides.
    await page.locator(`${sel(ids.main)} .bc`).hover();
    await popIn(ids.main);
    await page.keyboard.press('Escape');
    await until(async () => !(await isVisible(page, ids.main, '.tp')), 'Escape to hide it');
    await page.mouse.move(5, 5);
    // Focus (the keyboard) opens; Escape hides, focus stays on the beacon.
    await page.focus('#page-btn');
    const f = await tabTo(page, (f) => f.item === ids.main);
    assert.equal(f?.cls, 'bc', 'Tab reaches the beacon');
    await popIn(ids.main);
    await page.keyboard.press('Escape');
    await until(async () => !(await isVisible(page, ids.main, '.tp')), 'Escape to hide it');
    assert.equal((await focused(page)).cls, 'bc');
    // Click opens; the popover sits below the element and follows it when the page scrolls.
    await page.mouse.click(5, 5);
    await click(page, ids.main, '.bc');
    const before = await popIn(ids.main);
    assert.ok(before.y >= t.bottom, 'below its element');
    await page.mouse.wheel(0, 150);
    await until(async () => (await pageBox(page, '#target')).y === t.y - 150, 'the scroll');
    await until(async () => (await box(page, ids.main, '.tp')).y === before.y - 150, 'the popover to follow');
    assert.equal((await box(page, ids.main, '.bc')).y, b.y - 150, 'the beacon follows too');
    await click(page, ids.main, '.tp .x');
    await gone(page, ids.main);
    await imps.expect(ids.main, { dismissed: 1, shown: 1 });
    assert.deepEqual(await edgeHistory(imps, ids.main, 'tooltips'), { shown: 1, lastShownAt: (await edgeHistory(imps, ids.main, 'tooltips')).lastShownAt, dismissed: true, completed: false });

    // The next tooltip: an element at the right edge.
    await shown(page, ids.right);
    const rb = await box(page, ids.right, '.bc');
    assert.ok(rb.x >= 0 && rb.right <= 1280, `the beacon stays in the viewport: ${JSON.stringify(rb)}`);
    await click(page, ids.right, '.bc');
    await popIn(ids.right);
    await page.screenshot({ path: outputPath('engage-tooltip-right-edge.png') });
    await click(page, ids.right, '.tp .x');
    await gone(page, ids.right);
    // And one at the bottom: the popover goes above it.
    await shown(page, ids.bottom);
    await click(page, ids.bottom, '.bc');
    const bp = await popIn(ids.bottom);
    assert.ok(bp.bottom <= (await pageBox(page, '#edge-b')).y, 'above an element at the bottom');
    await page.screenshot({ path: outputPath('engage-tooltip-bottom-edge.png') });
    await click(page, ids.bottom, '.tp .x');
    await gone(page, ids.bottom);
    await imps.expect(ids.right, { dismissed: 1, shown: 1 });
    await imps.expect(ids.bottom, { dismissed: 1, shown: 1 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('tooltip: hint "element" opens on the element\'s hover and focus; one whose element arrives later shows when it does', async () => {
  const ws = await workspace();
  const hint = await tooltip(ws, { body: 'Your saved reports live here.', selector: '#page-btn', hint: 'element', buttons: [MESSENGER] }, { audience: onPath('/hint') });
  const late = await tooltip(ws, { body: 'Freshly rendered.', selector: '#late' }, { audience: onPath('/late') });
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(ws.id, { name: 'hint' }));
    await shown(page, hint);
    assert.equal(await page.locator(`${sel(hint)} .bc`).count(), 0, 'no beacon');
    assert.equal(await isVisible(page, hint, '.tp'), false);
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover to open it');
    const v = await axe(page);
    assert.deepEqual(v, [], `an untitled popover with buttons: ${JSON.stringify(v, null, 2)}`);
    const p = await box(page, hint, '.tp');
    assert.ok(p.y >= (await pageBox(page, '#page-btn')).bottom, 'below the element');
    // The pointer can travel from the element onto the popover (across the gap) and press its
    // button; leaving the popover for the page closes it.
    const from = await pageBox(page, '#page-btn');
    const to = await box(page, hint, '.btn');
    await page.mouse.move(from.x + 4, from.y + from.h / 2);
    await page.mouse.move(from.x + 4, to.y + to.h / 2, { steps: 12 });
    assert.equal(await isVisible(page, hint, '.tp'), true, 'still open on the popover');
    await page.mouse.move(900, 600, { steps: 4 });
    await until(async () => !(await isVisible(page, hint, '.tp')), 'leaving the popover to close it');
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover to open it again');
    await page.mouse.move(600, 600);
    await until(async () => !(await isVisible(page, hint, '.tp')), 'leaving to close it');
    await page.focus('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'focus to open it');
    await page.keyboard.press('Escape');
    await until(async () => !(await isVisible(page, hint, '.tp')), 'Escape to hide it');
    await page.focus('#page-link');
    await page.focus('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'focus to open it again');
    await page.focus('#page-link');
    await until(async () => !(await isVisible(page, hint, '.tp')), 'blur to close it');
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover to open it');
    await page.mouse.move(from.x + from.w / 2, to.y + to.h / 2, { steps: 8 });
    await page.mouse.click(to.x + to.w / 2, to.y + to.h / 2);
    await gone(page, hint);
    await corePanel(page).waitFor({ state: 'visible', timeout: 15000 });

    await page.goto(hostPage(ws.id, {
      name: 'late',
      script: `setTimeout(() => { const b = document.createElement('button'); b.id = 'late'; b.textContent = 'Late'; document.querySelector('main').append(b); window.__lateAt = performance.now(); }, 1000);`,
    }));
    await shown(page, late);
    const at = await page.evaluate(() => ({ late: window.__lateAt, now: performance.now() }));
    assert.ok(at.late > 0, 'shown only once its element is there');
    assert.ok(at.now - at.late < 1500, `soon after it arrived (${Math.round(at.now - at.late)} ms)`);
    const b = await box(page, late, '.bc');
    const e = await pageBox(page, '#late');
    assert.ok(Math.abs(b.y + b.h / 2 - (e.y + e.h / 2)) <= 1 && b.x >= e.right, 'by its element');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('looks: every experience passes axe in light, dark and system (dark), and is screenshotted', async () => {
  const { page, errors, close } = await open();
  try {
    for (const appearance of ['light', 'dark', 'system']) {
      await page.emulateMedia({ colorScheme: appearance === 'system' ? 'dark' : 'light' });
      const ws = await workspace(appearance);
      const [banner, chat, tip, post] = await Promise.all([
        outbound(ws, 'banner', { title: 'Spring sale', body: 'Annual plans: two months free until Friday.', buttons: [openUrl('See plans', `${ORIGIN}/landing`), MESSENGER], position: 'top', style: 'floating' }),
        outbound(ws, 'chat', { title: 'Ana from Acme', body: 'Hi! Need a hand with reports? I am around all afternoon.', imageUrl: `${BASE}/favicon.svg`, imageAlt: 'Acme' }),
        tooltip(ws, { title: 'Export', body: 'Export any report as CSV from here.', selector: '#page-btn', buttons: [openUrl('How', `${ORIGIN}/landing`)] }),
        outbound(ws, 'post', { title: 'New: reports', body: 'Build reports without SQL.\nDrag, drop, share.', imageUrl: `${BASE}/favicon.svg`, imageAlt: 'The Acme logo', buttons: [openUrl('Read more', `${ORIGIN}/landing`), NOT_NOW] }, { audience: onPath('/post') }),
      ]);
      await page.goto(hostPage(ws.id, { body: `<div style="height:60px"></div>${MAIN}` }));
      for (const id of [banner, chat, tip]) await shown(page, id);
      await click(page, tip, '.bc');
      await until(() => isVisible(page, tip, '.tp'), 'the popover');
      await page.mouse.move(700, 500);
      await page.waitForTimeout(300);
      await page.screenshot({ path: outputPath(`engage-banner-chat-tooltip-${appearance}.png`) });
      const v = await axe(page);
      assert.deepEqual(v, [], `${appearance}: ${JSON.stringify(v, null, 2)}`);

      await page.goto(hostPage(ws.id, { name: 'post' }));
      await shown(page, post);
      await until(() => isVisible(page, post, 'dialog'), 'the post');
      await page.waitForTimeout(200);
      await page.screenshot({ path: outputPath(`engage-post-${appearance}.png`) });
      const vp = await axe(page);
      assert.deepEqual(vp, [], `${appearance} post: ${JSON.stringify(vp, null, 2)}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('keyboard only: each experience is reached, operated and dismissed with the keyboard', async () => {
  const ws = await workspace();
  const [banner, chat, tip, post] = await Promise.all([
    outbound(ws, 'banner', { body: 'Annual plans: two months free.', position: 'top', style: 'floating' }, { audience: notOn('/post') }),
    outbound(ws, 'chat', { body: 'Hi! Need a hand?' }, { audience: notOn('/post') }),
    tooltip(ws, { body: 'Export from here.', selector: '#page-btn' }, { audience: notOn('/post') }),
    outbound(ws, 'post', { title: 'New: reports', body: 'Build reports without SQL.', buttons: [NOT_NOW] }, { audience: onPath('/post') }),
  ]);
  const { page, errors, imps, close } = await open();
  const dismissWithKeys = async (id) => {
    const f = await tabTo(page, (f) => f.item === id && f.cls === 'x');
    assert.ok(f, `Tab reaches the × of ${id}`);
    await page.keyboard.press('Enter');
    await gone(page, id);
  };
  try {
    await page.goto(hostPage(ws.id));
    for (const id of [banner, chat, tip]) await shown(page, id);
    await dismissWithKeys(banner);
    await dismissWithKeys(chat);
    // The tooltip: Tab to the beacon opens it, Tab again into it, Enter on × dismisses.
    assert.ok(await tabTo(page, (f) => f.item === tip && f.cls === 'bc'));
    await until(() => isVisible(page, tip, '.tp'), 'focus to open the popover');
    await page.keyboard.press('Tab');
    assert.deepEqual([(await focused(page)).item, (await focused(page)).cls], [tip, 'x'], 'the popover\'s × comes next');
    await page.keyboard.press('Enter');
    await gone(page, tip);

    await page.goto(hostPage(ws.id, { name: 'post' }));
    await shown(page, post);
    await until(async () => (await focused(page)).item === post, 'focus in the post');
    assert.ok(await tabTo(page, (f) => f.item === post && f.label === 'Not now', 5));
    await page.keyboard.press('Enter');
    await gone(page, post);
    for (const id of [banner, chat, tip]) await imps.expect(id, { dismissed: 1, shown: 1 });
    await imps.expect(post, { dismissed: 1, shown: 1 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('isolation: a hostile page stylesheet changes nothing inside the items; their styles do not reach the page', async () => {
  const ws = await workspace();
  const empty = await workspace();
  const [banner, chat, tip] = await Promise.all([
    outbound(ws, 'banner', { title: 'Spring sale', body: 'Annual plans: two months free.', buttons: [openUrl('See plans', `${ORIGIN}/landing`)], position: 'top', style: 'inline' }),
    outbound(ws, 'chat', { body: 'Hi! Need a hand?' }),
    tooltip(ws, { body: 'Export from here.', selector: '#page-btn' }),
  ]);
  const hostile = `<style>
    body * { all: unset !important; color: red !important; font-size: 40px !important; font-family: cursive !important;
      letter-spacing: 6px !important; word-spacing: 20px !important; text-transform: uppercase !important; line-height: 4 !important;
      text-shadow: 2px 2px lime !important; font-style: italic !important; text-align: right !important; white-space: pre !important;
      -webkit-text-fill-color: red !important; cursor: wait !important; text-indent: 50px !important; }
    div > *, p, button, strong, span, dialog, section, svg { display: none !important; background: lime !important; padding: 30px !important; }
    button { border: 5px solid lime !important; width: 500px !important; }
  </style>`;
  const PROPS = ['display', 'position', 'background-color', 'color', 'font-size', 'font-family', 'font-style', 'letter-spacing', 'word-spacing',
    'text-transform', 'line-height', 'text-shadow', 'text-align', 'white-space', '-webkit-text-fill-color', 'cursor', 'text-indent',
    'text-decoration-line', 'padding-top', 'border-top-width', 'width', 'height'];
  const look = async (page) => ({
    banner: await styleOf(page, banner, '.bn', PROPS),
    text: await styleOf(page, banner, '.bd', PROPS),
    button: await styleOf(page, banner, '.btn', PROPS),
    close: await styleOf(page, banner, '.x', PROPS),
    card: await styleOf(page, chat, '.cc', PROPS),
    reply: await styleOf(page, chat, '.btn', PROPS),
    beacon: await styleOf(page, tip, '.bc', PROPS),
    bannerBox: await box(page, banner, '.bn'),
    cardBox: await box(page, chat, '.cc'),
  });
  const BUTTON = ['display', 'color', 'background-color', 'font-size', 'font-family', 'padding-top', 'padding-left', 'border-top-width', 'border-top-style', 'line-height', 'box-sizing', 'width', 'height', 'cursor', 'outline-style'];
  const pageButton = (page) => page.evaluate((props) => { const st = getComputedStyle(document.getElementById('page-btn')); return Object.fromEntries(props.map((p) => [p, st.getPropertyValue(p)])); }, BUTTON);
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(empty.id));
    await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
    const plainButton = await pageButton(page);

    await page.goto(hostPage(ws.id));
    for (const id of [banner, chat, tip]) await shown(page, id);
    const calm = await look(page);
    assert.deepEqual(await pageButton(page), plainButton, 'a page <button> looks the same with the items shown');

    await page.goto(hostPage(ws.id, { head: hostile }));
    for (const id of [banner, chat, tip]) await shown(page, id);
    assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('page-btn')).fontSize), '40px', 'the hostile sheet applies to the page');
    const attacked = await look(page);
    assert.deepEqual(attacked, calm, 'nothing inside the items changed');
    await page.screenshot({ path: outputPath('engage-hostile-css.png') });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('hostile content: markup is text; invalid or hostile selectors never throw and show nothing; javascript: URLs cannot be saved', async () => {
  const XSS = {
    title: '<img src=x onerror="window.__xss=1">Title',
    body: '<script>window.__xss=2</script><b>bold</b><iframe src="javascript:parent.__xss=3"></iframe>',
    label: '<svg onload="window.__xss=4"></svg>Go',
  };
  const ws = await workspace();
  const [banner, chat, tip, post] = await Promise.all([
    outbound(ws, 'banner', { title: XSS.title, body: XSS.body, buttons: [{ label: XSS.label, action: { type: 'dismiss' } }] }),
    outbound(ws, 'chat', { title: XSS.title, body: XSS.body, buttons: [{ label: XSS.label, action: { type: 'open_messenger' } }] }),
    tooltip(ws, { title: XSS.title, body: XSS.body, selector: '#page-btn', buttons: [{ label: XSS.label, action: { type: 'dismiss' } }] }),
    outbound(ws, 'post', { title: XSS.title, body: XSS.body, imageUrl: `${BASE}/favicon.svg`, imageAlt: XSS.title, buttons: [{ label: XSS.label, action: { type: 'dismiss' } }] }, { audience: onPath('/post') }),
  ]);
  for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.test/', 'mailto:a@b.test']) {
    const r = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'js', content: { body: 'x', buttons: [openUrl('Go', url)] } } });
    assert.equal(r.status, 400, `${url}: ${r.text}`);
    assert.equal(r.body.error.path, '/content/buttons/0/action/url');
  }

  const selectors = ['###', 'a[', ':has(', `html ${'div '.repeat(123)}#x`.slice(0, 500), 'a:has(:has(b))'];
  const bad = [];
  for (const selector of selectors) {
    const w = await workspace();
    bad.push({ ws: w, id: await tooltip(w, { body: 'never', selector }) });
  }
  const { page, errors, close } = await open();
  /** Every element and attribute inside item `id`'s shadow root, and its text. */
  const inside = (id) => page.evaluate((s) => {
    const r = document.querySelector(s).shadowRoot;
    return { tags: [...new Set([...r.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()))].sort(), handlers: [...r.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')), text: r.textContent };
  }, sel(id));
  try {
    await page.goto(hostPage(ws.id));
    for (const id of [banner, chat, tip]) await shown(page, id);
    await click(page, tip, '.bc');
    for (const id of [banner, chat, tip]) {
      const x = await inside(id);
      assert.deepEqual(x.handlers, []);
      for (const t of ['img', 'script', 'b', 'iframe']) assert.ok(!x.tags.includes(t), `no <${t}> in ${id}: ${x.tags}`);
      assert.ok(x.text.includes(XSS.body), 'the body shows as written');
      assert.ok(x.text.includes(XSS.label), 'the label shows as written');
    }
    await page.goto(hostPage(ws.id, { name: 'post' }));
    await shown(page, post);
    const p = await inside(post);
    assert.deepEqual(p.handlers, []);
    assert.deepEqual(p.tags.filter((t) => ['script', 'b', 'iframe'].includes(t)), []);
    assert.equal(await page.getByRole('heading', { name: XSS.title }).count(), 1);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    for (const { ws: w, id } of bad) {
      await page.goto(hostPage(w.id));
      await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
      await page.evaluate(() => { document.querySelector('main').append(Object.assign(document.createElement('div'), { textContent: 'mutated' })); });
      await page.waitForTimeout(400);
      assert.deepEqual(await hosts(page), [], `nothing for ${id}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a very large eligible answer (150 banners, 150 tooltips of 480 characters) shows the right two items; its long tasks are reported', async (t) => {
  const ws = await workspace();
  const text = (i) => `Item ${i}: ${'lorem ipsum dolor sit amet '.repeat(20)}`.slice(0, 480);
  const specs = [];
  for (let i = 0; i < 150; i++) {
    specs.push(['outbound', { kind: 'banner', name: `b${i}`, content: { title: `Banner ${i}`, body: text(i), buttons: [openUrl('See', `${ORIGIN}/landing`)] }, frequency: 'always', priority: i }]);
    specs.push(['tooltips', { name: `t${i}`, content: { title: `Tip ${i}`, body: text(i), selector: '#page-btn' }, frequency: 'always', priority: i }]);
  }
  // In parallel batches, each from its own client address (the admin rate limit is per address).
  let top = {};
  for (let k = 0; k < specs.length; k += 50) {
    const headers = { 'cf-connecting-ip': `10.250.${k / 50}.${Math.floor(Math.random() * 250)}` };
    const made = await Promise.all(specs.slice(k, k + 50).map(([family, body]) => author(ws, family, body, { headers })));
    specs.slice(k, k + 50).forEach(([family, body], j) => { if (body.priority === 149) top[family] = made[j]; });
  }
  const head = `<script>window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true });</script>`;
  const { page, errors, close } = await open();
  try {
    const eligible = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/boot', { timeout: 20000 });
    await page.goto(hostPage(ws.id, { head }));
    const boot = await (await eligible).body();
    await shown(page, top.outbound, 20000);
    await shown(page, top.tooltips, 20000);
    await page.waitForTimeout(1000);
    const long = await page.evaluate(() => window.__long);
    // A figure, not a verdict: timed assertions flake on a shared machine (scripts/bench measures
    // long tasks). What must hold is that the page shows the right items and keeps working.
    t.diagnostic(`boot answer ${Math.round(boot.length / 1024)} KB; long tasks (ms): ${JSON.stringify(long)}`);
    assert.deepEqual((await hosts(page)).sort(), [top.outbound, top.tooltips].sort(), 'one banner and one tooltip: the highest priority of each');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
