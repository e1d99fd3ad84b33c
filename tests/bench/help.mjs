// The messenger's Help space in headless Chromium: time from typing a query (the last keystroke)
// to its ranked results shown, next to a GET /health round trip from the same page in the same
// run. A workspace with 40 published articles; on each page (a fresh profile) the panel opens,
// Help is chosen, and a series of queries is typed; each is measured in the page, from the
// `input` event to the first frame where the expected first result is shown. The time includes
// the widget's 250 ms debounce (help.rs `DEBOUNCE_MS`), so "after the pause" is printed too.
// Figures only. Env: PORCHLIGHT_URL, ROOT_KEY, BENCH_HELP_PAGES (default 3).
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { median, round } from './stats.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const PAGES = Math.max(1, Number(process.env.BENCH_HELP_PAGES ?? 3));
const DEBOUNCE_MS = 250;
const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] };
const ip = `10.79.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;

async function api(method, path, token, body) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cf-connecting-ip': ip };
  const r = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const ws = await api('POST', '/admin/v1/workspaces', ROOT_KEY, { name: `bench-help-${Date.now()}` });
const TOPICS = ['export', 'invoice', 'password', 'dashboard', 'teammate', 'funnel', 'retention', 'webhook'];
for (let i = 0; i < 40; i++) {
  const topic = TOPICS[i % TOPICS.length];
  // One article per topic names it in its title (ranked first: titles weigh 5×); the others only
  // in their bodies.
  const title = i < TOPICS.length ? `${topic[0].toUpperCase()}${topic.slice(1)} guide` : `Notes ${i}`;
  const a = await api('POST', '/admin/v1/articles', ws.secretKey, { title, body: `How the ${topic} works, step by step. See also ${TOPICS[(i + 3) % TOPICS.length]}.` });
  await api('POST', `/admin/v1/articles/${a.id}/activate`, ws.secretKey);
}
const QUERIES = TOPICS.map((t) => [t, `${t[0].toUpperCase()}${t.slice(1)} guide`]);

const html = `<!doctype html><html lang="en"><head><title>Bench</title><link rel="icon" href="data:,"></head><body><main><h1>Host page</h1></main><script async src="${BASE}/porchlight.js" data-workspace="${ws.workspaceId}"></script></body></html>`;
const server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

/** In the page: types `q` into Help's field; ms until `first` is the first result shown. */
function typed([q, first]) {
  return new Promise((resolve) => {
    const root = document.getElementById('porchlight-root').shadowRoot;
    const input = root.querySelector('#pl-sp-help input[type=search]');
    const shown = () => {
      const b = root.querySelector('#pl-sp-help .hl li button');
      return b && b.firstChild && b.firstChild.textContent === first && b.checkVisibility();
    };
    const t0 = performance.now();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const tick = () => {
      if (shown()) return resolve(performance.now() - t0);
      if (performance.now() - t0 > 10000) return resolve(null);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** In the page: one GET /health round trip. */
async function health(base) {
  const t0 = performance.now();
  await (await fetch(`${base}/health`, { cache: 'no-store' })).text();
  return performance.now() - t0;
}

const browser = await chromium.launch(LAUNCH);
const search = [], healthMs = [];
try {
  for (let n = 0; n < PAGES; n++) {
    const context = await browser.newContext();
    const pip = `10.80.${n}.${Math.floor(Math.random() * 255)}`;
    await context.route((u) => u.href.startsWith(BASE), (r) => r.continue({ headers: { ...r.request().headers(), 'cf-connecting-ip': pip } }));
    const p = await context.newPage();
    await p.goto(`${origin}/`, { waitUntil: 'load' });
    const launcher = p.getByRole('button', { name: /^Open messenger/ });
    await launcher.click({ timeout: 15000 });
    await p.getByRole('tab', { name: 'Help' }).click({ timeout: 15000 });
    // Warm: one search first (the first one compiles nothing, but opens the connection).
    await p.evaluate(typed, ['zzz', '']).catch(() => {});
    for (const q of QUERIES) {
      await p.evaluate(() => { const r = document.getElementById('porchlight-root').shadowRoot; const i = r.querySelector('#pl-sp-help input[type=search]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true })); });
      await p.waitForTimeout(300);
      const ms = await p.evaluate(typed, q);
      if (ms == null) throw new Error(`"${q[0]}": "${q[1]}" not shown first within 10 s`);
      search.push(ms);
      healthMs.push(await p.evaluate(health, BASE));
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const result = {
  typingToResultsMedianMs: round(median(search)),
  afterDebounceMedianMs: round(median(search) - DEBOUNCE_MS),
  healthMedianMs: round(median(healthMs)),
  samples: search.length,
};
console.log(`  Help search (${PAGES} fresh pages × ${QUERIES.length} queries, 40 articles):`);
console.log(`    typing → ranked results shown: median ${result.typingToResultsMedianMs} ms (of which the ${DEBOUNCE_MS} ms pause; ${result.afterDebounceMedianMs} ms after it)`);
console.log(`    GET /health from the same page: median ${result.healthMedianMs} ms`);
console.log(`BENCH_HELP ${JSON.stringify(result)}`);
