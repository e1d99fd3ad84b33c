// In-page experiences drawn by a module the engagement module loads on need (tours, surveys), in
// headless Chromium: time from a trigger to the item visible, cold (the module fetched, compiled
// and instantiated) and warm. Measured in the page, from just before `Porchlight('track', …)` to
// the first frame where the item is visible. Used by tests/bench/tour.mjs and survey.mjs.
// Env: PORCHLIGHT_URL, ROOT_KEY.
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { median, round } from './stats.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] };

async function api(method, path, token, body, ip) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cf-connecting-ip': ip };
  const r = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** In the page: tracks `name`, resolves with ms until `css` is visible in an item (null: never). */
function trigger([name, css]) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const visible = () => [...document.querySelectorAll('[data-porchlight-item]')].some((h) => {
      const d = h.shadowRoot && h.shadowRoot.querySelector(css);
      return d && d.checkVisibility() && d.getBoundingClientRect().width > 0;
    });
    const tick = () => {
      if (visible()) return resolve(performance.now() - t0);
      if (performance.now() - t0 > 10000) return resolve(null);
      requestAnimationFrame(tick);
    };
    window.Porchlight('track', name);
    requestAnimationFrame(tick);
  });
}
/** Takes the item on screen down (its `close` control) and waits until it has gone. */
async function end(p, css) {
  await p.evaluate((css) => document.querySelector('[data-porchlight-item]')?.shadowRoot?.querySelector(css)?.click(), css);
  await p.waitForFunction(() => !document.querySelector('[data-porchlight-item]'), null, { timeout: 5000 });
}

/**
 * Measures trigger → visible for the items of one module: `n` items authored in a new workspace
 * (`content(i)`, family `family`, each shown by the event `go<i>`), on `pages` fresh profiles; the
 * first trigger of a page finds `module` not loaded (cold), the next ones find it loaded (warm).
 * `visible` is the CSS (inside an item's shadow root) of what counts as shown, `close` of what
 * takes it down. Returns `{coldMedianMs, warmMedianMs, cold, warm}`.
 */
export async function measure({ family, content, n = 6, pages = 5, module, visible, close }) {
  const ip = `10.77.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  const ws = await api('POST', '/admin/v1/workspaces', ROOT_KEY, { name: `bench-${module}-${Date.now()}` }, ip);
  for (let i = 0; i < n; i++) {
    const t = await api('POST', `/admin/v1/${family}`, ws.secretKey, { name: `${module}${i}`, content: content(i), triggers: [{ type: 'event', name: `go${i}` }], frequency: 'always' }, ip);
    await api('POST', `/admin/v1/${family}/${t.id}/activate`, ws.secretKey, undefined, ip);
  }

  const html = `<!doctype html><html lang="en"><head><title>Bench</title><link rel="icon" href="data:,"></head><body><main><h1>Host page</h1><p>Text.</p></main><script async src="${BASE}/porchlight.js" data-workspace="${ws.workspaceId}"></script></body></html>`;
  const server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const browser = await chromium.launch(LAUNCH);
  const cold = [], warm = [];
  try {
    for (let k = 0; k < pages; k++) {
      const context = await browser.newContext();
      // Its own client address per page (the edge's per-address limits), as the tests do.
      const pip = `10.78.${k}.${Math.floor(Math.random() * 255)}`;
      await context.route((u) => u.href.startsWith(BASE), (r) => r.continue({ headers: { ...r.request().headers(), 'cf-connecting-ip': pip } }));
      const p = await context.newPage();
      await p.goto(`${origin}/`, { waitUntil: 'load' });
      // The engagement module is there (the items are eligible) and idle: the launcher shows, then a moment.
      await p.waitForFunction(() => document.getElementById('porchlight-root')?.shadowRoot?.querySelector('button[aria-label="Open messenger"]'), null, { timeout: 15000 });
      await p.waitForTimeout(1000);
      const loaded = () => p.evaluate((m) => performance.getEntriesByType('resource').some((e) => e.name.includes(`porchlight-${m}_bg.`)), module);
      if (await loaded()) throw new Error(`the ${module} module was loaded before anything was triggered`);
      for (let i = 0; i < n; i++) {
        const ms = await p.evaluate(trigger, [`go${i}`, visible]);
        if (ms == null) throw new Error(`${module} ${i}: not visible within 10 s`);
        (i === 0 ? cold : warm).push(ms);
        await end(p, close);
        await p.waitForTimeout(150);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  return { coldMedianMs: round(median(cold)), warmMedianMs: round(median(warm)), cold: cold.map((x) => round(x)), warm: warm.map((x) => round(x)) };
}
