// Headless Chromium for the browser tests (Debian's /usr/bin/chromium, driven by playwright-core).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A fresh browser profile (empty localStorage): a stranger's browser. */
export async function freshContext(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  // The edge rate-limits per client address (CF-Connecting-IP) before anything else, and every
  // page of every browser test reaches the local runtime from the same one: two test files side
  // by side can spend a minute's visitor budget (RL_IP, 300) between them, and a 429 there looks
  // like a broken widget. Each profile speaks from its own address, as each API test process
  // does (harness.mjs CLIENT_IP). A test's own route registered later takes precedence.
  const base = process.env.PORCHLIGHT_URL ?? 'http://127.0.0.1:8787';
  const ip = `10.${128 + Math.floor(Math.random() * 120)}.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  await context.route((u) => u.href.startsWith(base), (r) => r.continue({ headers: { ...r.request().headers(), 'cf-connecting-ip': ip } }));
  const close = async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); };
  return { context, close };
}

/**
 * Collects console errors and uncaught page errors, to assert none happened.
 *
 * A request the browser saw fail at the transport (`net::ERR_FAILED`, or an answer without CORS
 * headers, which is what a dropped connection between the local runtime's proxy and workerd
 * looks like to the page: its log shows workerd's "Broken pipe" at those moments) stays an error
 * until the same URL is answered with a success — the widget retries, and a retried request
 * that got through is not a defect of the page. One that never gets through stays in the list,
 * and so does every other error.
 */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() !== 'error' || /favicon/.test(text)) return;
    const cors = /^Access to fetch at '([^']+)' from origin '[^']+' has been blocked by CORS policy: No 'Access-Control-Allow-Origin'/.exec(text);
    const url = cors?.[1] ?? (/^Failed to load resource: net::ERR_FAILED$/.test(text) ? m.location()?.url : null);
    const entry = `console: ${text}`;
    errors.push(entry);
    if (url) transient.push({ url, entry });
  });
  const transient = [];
  page.on('response', (r) => {
    if (!r.ok()) return;
    const url = r.url();
    for (const t of transient.filter((x) => x.url === url)) {
      const i = errors.indexOf(t.entry);
      if (i >= 0) errors.splice(i, 1);
      transient.splice(transient.indexOf(t), 1);
    }
  });
  return errors;
}

/** Runs axe-core in the page (it walks open shadow roots) and returns the violations. */
export async function axe(page, context = 'document') {
  // Evaluated by the driver rather than added as an inline <script>: a page under a strict CSP
  // (the console's) refuses inline scripts.
  await page.evaluate(readFileSync('node_modules/axe-core/axe.min.js', 'utf8'));
  return page.evaluate(async (ctx) => {
    const r = await window.axe.run(ctx === 'document' ? document : ctx, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, context);
}

export function outputPath(name) {
  mkdirSync('tests/output', { recursive: true });
  return join('tests/output', name);
}

/** The core's WASM (its content-hashed name). */
export const CORE_WASM = /\/porchlight-widget_bg\.[0-9a-f]+\.wasm$/;

/** Holds the core's WASM back in `context` until the returned function is called: the page as the loader leaves it before the core has arrived. */
export async function holdCore(context) {
  let release;
  const held = new Promise((r) => { release = r; });
  await context.route(CORE_WASM, async (route) => { await held; await route.continue(); });
  return release;
}
