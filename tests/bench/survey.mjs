// Surveys in the page, in headless Chromium: time from a trigger to the first question visible.
// A workspace with six small NPS surveys, each shown by its own `event` trigger; on each page (a
// fresh profile) the first `Porchlight('track', …)` finds the survey module not loaded (cold: it
// is fetched, compiled and instantiated), the next five find it loaded (warm). Measured in the
// page, from just before the track call to the first frame where the question's card is
// visible. Figures only. (The shape of tests/bench/tour.mjs.)
// Env: PORCHLIGHT_URL, ROOT_KEY, BENCH_SURVEY_PAGES (fresh profiles, default 5).
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { median, round } from './stats.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const PAGES = Math.max(1, Number(process.env.BENCH_SURVEY_PAGES ?? 5));
const SURVEYS = 6;
const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] };

async function api(method, path, token, body, ip) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cf-connecting-ip': ip };
  const r = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const ip = `10.77.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
const ws = await api('POST', '/admin/v1/workspaces', ROOT_KEY, { name: `bench-survey-${Date.now()}` }, ip);
for (let i = 0; i < SURVEYS; i++) {
  const questions = [{ id: 'nps', type: 'nps', prompt: `Survey ${i}: recommend us?`, required: true, lowLabel: 'Not likely', highLabel: 'Very likely' }, { id: 'why', type: 'long_text', prompt: 'Why?' }];
  const t = await api('POST', '/admin/v1/surveys', ws.secretKey, { name: `s${i}`, content: { questions }, triggers: [{ type: 'event', name: `go${i}` }], frequency: 'always' }, ip);
  await api('POST', `/admin/v1/surveys/${t.id}/activate`, ws.secretKey, undefined, ip);
}

const html = `<!doctype html><html lang="en"><head><title>Bench</title><link rel="icon" href="data:,"></head><body><main><h1>Host page</h1><p>Text.</p></main><script async src="${BASE}/porchlight.js" data-workspace="${ws.workspaceId}"></script></body></html>`;
const server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

/** In the page: tracks `name`, resolves with ms until a question's card is visible (null: never). */
function trigger(name) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const visible = () => [...document.querySelectorAll('[data-porchlight-item]')].some((h) => {
      const d = h.shadowRoot && h.shadowRoot.querySelector('dialog.sv[open]');
      return d && d.querySelector('#pl-sv-f') && d.checkVisibility() && d.getBoundingClientRect().width > 0;
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
/** Closes the survey on screen (× : a dismissal) and waits until it has gone. */
async function end(p) {
  await p.evaluate(() => document.querySelector('[data-porchlight-item]')?.shadowRoot?.querySelector('dialog[open] [data-a="close"]')?.click());
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
    // The engagement module is there (surveys are eligible) and idle: the launcher shows, then a moment.
    await p.waitForFunction(() => document.getElementById('porchlight-root')?.shadowRoot?.querySelector('button[aria-label="Open messenger"]'), null, { timeout: 15000 });
    await p.waitForTimeout(1000);
    const loaded = () => p.evaluate(() => performance.getEntriesByType('resource').some((e) => /porchlight-survey_bg\./.test(e.name)));
    if (await loaded()) throw new Error('the survey module was loaded before any survey was triggered');
    for (let i = 0; i < SURVEYS; i++) {
      const ms = await p.evaluate(trigger, `go${i}`);
      if (ms == null) throw new Error(`survey ${i}: no question within 10 s`);
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
console.log(`  Surveys (${PAGES} fresh pages × ${SURVEYS} event-triggered small surveys):`);
console.log(`    trigger → first question visible, cold (survey module fetched and instantiated): median ${result.coldMedianMs} ms (${fmt(cold)})`);
console.log(`    trigger → first question visible, warm (module loaded): median ${result.warmMedianMs} ms over ${warm.length} (${fmt(warm)})`);
console.log(`BENCH_SURVEY ${JSON.stringify(result)}`);
