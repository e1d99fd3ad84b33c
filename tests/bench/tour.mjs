// Tours in the page, in headless Chromium: time from a trigger to the step visible. A workspace
// with six tours, each started by its own `event` trigger; on each page (a fresh profile) the
// first `Porchlight('track', …)` finds the tour module not loaded (cold: it is fetched, compiled
// and instantiated), the next five find it loaded (warm). Measured in the page, from just before
// the track call to the first frame where the step's dialog is visible. Figures only.
// Env: PORCHLIGHT_URL, ROOT_KEY, BENCH_TOUR_PAGES (fresh profiles, default 5).
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { median, round } from './stats.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const PAGES = Math.max(1, Number(process.env.BENCH_TOUR_PAGES ?? 5));
const TOURS = 6;
const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] };

async function api(method, path, token, body, ip) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cf-connecting-ip': ip };
  const r = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const ip = `10.77.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
const ws = await api('POST', '/admin/v1/workspaces', ROOT_KEY, { name: `bench-tour-${Date.now()}` }, ip);
for (let i = 0; i < TOURS; i++) {
  const steps = [{ title: `Tour ${i}`, body: 'Export any report from here.', selector: 'h1', placement: 'below' }, { kind: 'post', body: 'Two' }];
  const t = await api('POST', '/admin/v1/tours', ws.secretKey, { name: `t${i}`, content: { steps }, triggers: [{ type: 'event', name: `go${i}` }], frequency: 'always' }, ip);
  await api('POST', `/admin/v1/tours/${t.id}/activate`, ws.secretKey, undefined, ip);
}

const html = `<!doctype html><html lang="en"><head><title>Bench</title><link rel="icon" href="data:,"></head><body><main><h1>Host page</h1><p>Text.</p></main><script async src="${BASE}/porchlight.js" data-workspace="${ws.workspaceId}"></script></body></html>`;
const server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

/** In the page: tracks `name`, resolves with ms until a step's dialog is visible (null: never). */
function trigger(name) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const visible = () => [...document.querySelectorAll('[data-porchlight-item]')].some((h) => {
      const d = h.shadowRoot && h.shadowRoot.querySelector('dialog[open]');
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
/** Ends the tour on screen (× : dismiss) and waits until it has gone. */
async function end(p) {
  await p.evaluate(() => document.querySelector('[data-porchlight-item]')?.shadowRoot?.querySelector('dialog[open] [data-a="dismiss"]')?.click());
  await p.waitForFunction(() => !document.querySelector('[data-porchlight-item]'), null, { timeout: 5000 });
}

const browser = await chromium.launch(LAUNCH);
const cold = [], warm = [];
try {
  for (let n = 0; n < PAGES; n++) {
    const context = await browser.newContext();
    // Its own client address per page (the edge's per-address limits), as the tests do.
    const pip = `10.78.${n}.${Math.floor(Math.random() * 255)}`;
    await context.route((u) => u.href.startsWith(BASE), (r) => r.continue({ headers: { ...r.request().headers(), 'cf-connecting-ip': pip } }));
    const p = await context.newPage();
    await p.goto(`${origin}/`, { waitUntil: 'load' });
    // The engagement module is there (tours are eligible) and idle: the launcher shows, then a moment.
    await p.waitForFunction(() => document.getElementById('porchlight-root')?.shadowRoot?.querySelector('button[aria-label="Open messenger"]'), null, { timeout: 15000 });
    await p.waitForTimeout(1000);
    const loaded = () => p.evaluate(() => performance.getEntriesByType('resource').some((e) => /porchlight-tour_bg\./.test(e.name)));
    if (await loaded()) throw new Error('the tour module was loaded before any tour was triggered');
    for (let i = 0; i < TOURS; i++) {
      const ms = await p.evaluate(trigger, `go${i}`);
      if (ms == null) throw new Error(`tour ${i}: no step within 10 s`);
      (i === 0 ? cold : warm).push(ms);
      await end(p);
      await p.waitForTimeout(150);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const fmt = (xs) => xs.map((x) => round(x)).join(', ');
const result = { coldMedianMs: round(median(cold)), warmMedianMs: round(median(warm)), cold: cold.map((x) => round(x)), warm: warm.map((x) => round(x)) };
console.log(`  Tours (${PAGES} fresh pages × ${TOURS} event-triggered tours):`);
console.log(`    trigger → step visible, cold (tour module fetched and instantiated): median ${result.coldMedianMs} ms (${fmt(cold)})`);
console.log(`    trigger → step visible, warm (module loaded): median ${result.warmMedianMs} ms over ${warm.length} (${fmt(warm)})`);
console.log(`BENCH_TOUR ${JSON.stringify(result)}`);
