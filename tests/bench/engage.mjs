// Engagement in the page, in headless Chromium: navigation → first banner visible and long tasks
// on a host page whose workspace has five active items (a banner shown at once, a post after
// 30 s, a tooltip, a chat card on scroll, a bottom banner on exit intent), next to the same page
// of a workspace without content, in one run (pairs, fresh profiles). Figures only, no verdict
// beyond the long-task count.
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, round } from './stats.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const LAUNCH = { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] };

async function api(method, path, token, body) {
  const r = await fetch(`${BASE}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function workspace(withContent) {
  const ws = await api('POST', '/admin/v1/workspaces', ROOT_KEY, { name: `bench-engage-${Date.now()}` });
  const key = ws.secretKey;
  if (withContent) {
    const items = [
      ['outbound', { kind: 'banner', name: 'b', content: { body: 'A banner shown at once' }, frequency: 'always' }],
      ['outbound', { kind: 'post', name: 'p', content: { title: 'Later', body: 'After 30 s' }, frequency: 'always', triggers: [{ type: 'time_on_page', seconds: 30 }] }],
      ['tooltips', { name: 't', content: { selector: 'h1', body: 'A tip' }, frequency: 'always' }],
      ['outbound', { kind: 'chat', name: 'c', content: { body: 'On scroll' }, frequency: 'always', triggers: [{ type: 'scroll_depth', percent: 80 }] }],
      ['outbound', { kind: 'banner', name: 'e', content: { body: 'On exit', position: 'bottom' }, frequency: 'always', triggers: [{ type: 'exit_intent' }] }],
    ];
    for (const [family, body] of items) {
      const it = await api('POST', `/admin/v1/${family}`, key, body);
      await api('POST', `/admin/v1/${family}/${it.id}/activate`, key);
    }
  }
  return ws.workspaceId;
}

function watcher() {
  const b = (window.__bench = { banner: null, launcher: null, longTasks: [] });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  const tick = () => {
    const item = document.querySelector('[data-porchlight-item]');
    const el = item && item.shadowRoot && item.shadowRoot.querySelector('.bn');
    if (el && b.banner === null && el.getBoundingClientRect().height > 0) b.banner = performance.now();
    const root = document.getElementById('porchlight-root');
    const l = root && root.shadowRoot && root.shadowRoot.querySelector('button[aria-label="Open messenger"]');
    if (l && b.launcher === null && l.getBoundingClientRect().width > 0) b.launcher = performance.now();
    if (performance.now() < 15000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const page = (ws) => `<!doctype html><html lang="en"><head><title>Bench</title><link rel="icon" href="data:,"></head><body><main><h1>Host page</h1><div style="height:2000px"></div></main><script async src="${BASE}/porchlight.js" data-workspace="${ws}"></script></body></html>`;

async function once(url, waitBanner) {
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-engage-'));
  const context = await chromium.launchPersistentContext(dir, LAUNCH);
  try {
    await context.addInitScript(watcher);
    const p = context.pages()[0] ?? (await context.newPage());
    await p.goto(url, { waitUntil: 'load' });
    await p.waitForFunction((w) => (w ? window.__bench.banner : window.__bench.launcher) !== null, waitBanner, { timeout: 15000 }).catch(() => {});
    await p.waitForTimeout(1000);
    return await p.evaluate(() => window.__bench);
  } finally {
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const withContent = await workspace(true);
const without = await workspace(false);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(page(req.url.includes('none') ? without : withContent));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const a = [], b = [];
for (let i = 0; i < RUNS; i++) {
  a.push(await once(`${origin}/five`, true));
  b.push(await once(`${origin}/none`, false));
}
server.close();
const shown = a.map((s) => s.banner).filter((v) => v != null);
const lt = (xs) => xs.flatMap((s) => s.longTasks);
console.log(`  Engagement (${RUNS} pairs, cold):`);
console.log(`    navigation → first banner visible, five active items: median ${round(median(shown))} ms (${shown.length}/${RUNS} shown); launcher on that page ${round(median(a.map((s) => s.launcher).filter((v) => v != null)))} ms`);
console.log(`    navigation → launcher visible, no content: median ${round(median(b.map((s) => s.launcher).filter((v) => v != null)))} ms`);
console.log(`    long tasks: five items ${lt(a).length} (${lt(a).map((d) => round(d)).join(', ') || 'none'}), no content ${lt(b).length} (${lt(b).map((d) => round(d)).join(', ') || 'none'})`);
