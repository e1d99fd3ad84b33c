// In-browser figures, headless Chromium through playwright-core:
//   - navigation → launcher visible, cold (fresh profile per run, so empty cache + localStorage)
//     and warm (a second visit in the same profile: cached modules and settings, a stored token)
//   - long tasks (> 50 ms) on the demo page vs the same page without the widget's <script> tag
//   - JS heap used after GC, demo page minus the stripped page
//   - the widget's WebAssembly.Memory size (not part of the JS heap)
// Each run is a pair: the widget page, then the stripped page in a fresh profile, observed over
// the same time window, so the difference is what the widget adds.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};
const SETTLE_MS = 500; // observed after the launcher shows (or the same instant on the stripped page)
const VISIBLE_TIMEOUT_MS = 15_000;
export const SCRIPT_TAG = /<script\b[^>]*\bsrc=["'][^"']*porchlight\.js["'][^>]*>\s*<\/script>\s*/i;
// The widget's files as the build names them (the modules after their content).
const CORE_GLUE = /\/porchlight-widget\.[0-9a-f]+\.js$/;
const CORE_WASM = /\/porchlight-widget_bg\.[0-9a-f]+\.wasm$/;
const WIDGET_FILE = /\/porchlight(\.js|-[a-z]+(_bg)?\.[0-9a-f]+\.(js|wasm))$/;
/**
 * Which widget a run watches: the id of its shadow host, its launcher in that shadow root, the
 * paths of its files (a RegExp source, for the bytes on the wire) and whether it has a WASM core
 * whose memory is read. tests/bench/opencom.mjs passes Opencom's.
 */
export const PORCHLIGHT = { host: 'porchlight-root', launcher: 'button[aria-label="Open messenger"]', files: WIDGET_FILE.source, wasm: true };

// Installed before any page script (addInitScript). Records long tasks and, on every animation
// frame, whether the launcher is in the shadow root and visible; the first such frame's
// performance.now() (ms since navigation start) is the figure. `widget`: see PORCHLIGHT.
function watcher(widget) {
  const b = (window.__bench = { visibleAt: null, longTasks: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (_) {
    b.longTasks = null; // unsupported: reported as unmeasured
  }
  // Long animation frames name the scripts that ran in them: a finer attribution than the
  // page-minus-blank subtraction (Chromium ≥ 123).
  b.loaf = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        b.loaf.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          // Where the frame's rendering began (style and layout, paint): 0 when it did not render.
          renderStart: e.renderStart,
          styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: e.scripts.map((s) => ({ url: s.sourceURL, invoker: s.invoker, start: s.startTime, duration: s.duration, layout: s.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (_) {
    b.loaf = null;
  }
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') return false;
    // Opacity does not inherit: walk up through the shadow boundary to the document.
    for (let n = el; n && n.nodeType === 1; n = n.parentElement || (n.getRootNode && n.getRootNode().host)) {
      if (parseFloat(getComputedStyle(n).opacity) === 0) return false;
    }
    return true;
  };
  const stopAt = performance.now() + 20_000;
  const tick = () => {
    const host = document.getElementById(widget.host);
    const btn = host && host.shadowRoot && host.shadowRoot.querySelector(widget.launcher);
    if (btn && shown(btn)) {
      b.visibleAt = performance.now();
      return;
    }
    if (performance.now() < stopAt) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * One page load in a fresh profile. strip=true removes the widget's <script> tag. warm=true
 * visits the page once first (until the launcher shows, or the load event on the stripped page,
 * plus SETTLE_MS) and measures the second visit in the same profile: a returning visitor.
 * stackBytes: the core's stack size (its stack sits at the bottom of its memory, which starts
 * zeroed), to find how deep it went. widget: which widget the page carries (PORCHLIGHT).
 */
export async function loadOnce(url, { strip, waitUntilMs, warm, stackBytes, widget = PORCHLIGHT }) {
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-bench-'));
  const context = await chromium.launchPersistentContext(dir, LAUNCH);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await context.addInitScript(watcher, widget);
    // The page without the widget is a file of its own (tests/bench/strip.mjs): intercepting
    // requests would turn the HTTP cache off, and a warm visit would not be one.
    if (strip) url = url.replace(/\/index\.html$/, '/index-blank.html');
    const cdp = await context.newCDPSession(page);
    if (warm) {
      await page.goto(url, { waitUntil: 'load' });
      if (!strip) await page.waitForFunction(() => window.__bench.visibleAt !== null, null, { polling: 50, timeout: VISIBLE_TIMEOUT_MS }).catch(() => {});
      await page.waitForTimeout(SETTLE_MS);
    }
    await page.goto(url, { waitUntil: 'load' });
    if (strip && (await page.evaluate(() => !!document.querySelector('script[src*="porchlight.js"]')))) throw new Error('the page without the widget has its <script> tag');

    let visibleAt = null;
    if (!strip) {
      try {
        await page.waitForFunction(() => window.__bench.visibleAt !== null, null, { polling: 50, timeout: VISIBLE_TIMEOUT_MS });
        visibleAt = await page.evaluate(() => window.__bench.visibleAt);
      } catch {
        visibleAt = null; // never showed: reported as a failure
      }
    }
    // Observe until the same instant on both pages: launcher visible (or the paired widget
    // run's instant) and the load event done, plus SETTLE_MS.
    const until = Math.max(visibleAt ?? waitUntilMs ?? 0, await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? 0)) + SETTLE_MS;
    await page.waitForFunction((t) => performance.now() >= t, until, { polling: 50 });

    // Long tasks first: the forced GC below runs on the main thread and must not count.
    const { longTasks, loaf } = await page.evaluate(() => ({ longTasks: window.__bench.longTasks, loaf: window.__bench.loaf }));
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heapUsed = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? null;

    // Where the time went (widget page): ms since navigation start of each step's end.
    const timeline = strip ? null : await page.evaluate((src) => {
      const glue = new RegExp(src.glue);
      const wasm = new RegExp(src.wasm);
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const at = (path) => {
        const e = res.find((r) => (typeof path === 'string' ? new URL(r.name).pathname === path : path.test(new URL(r.name).pathname)));
        return e ? { start: e.startTime, end: e.responseEnd } : null;
      };
      return {
        html: { start: 0, end: nav.responseEnd },
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        loader: at('/porchlight.js'),
        glue: at(glue),
        wasm: at(wasm),
        boot: at('/v1/boot'),
      };
    }, { glue: CORE_GLUE.source, wasm: CORE_WASM.source });
    // The widget's files on the wire: bytes transferred (0 from the cache; headers only for a
    // revalidation) and how many were asked of the server at all.
    const wire = strip ? null : await page.evaluate((src) => {
      const re = new RegExp(src);
      const files = performance.getEntriesByType('resource').filter((r) => re.test(new URL(r.name).pathname));
      return {
        files: files.length,
        bytes: files.reduce((a, r) => a + r.transferSize, 0),
        fromServer: files.filter((r) => r.transferSize > 0).map((r) => new URL(r.name).pathname),
      };
    }, widget.files);

    // WASM linear memory: the wasm-bindgen glue's default export (init) returns the already
    // initialised instance's exports, its memory among them. Same URL → same module instance.
    // The glue's URL is the one the loader imported (performance entries name it).
    let wasmMemory = null;
    let stackUsed = null;
    if (!strip && visibleAt !== null && widget.wasm) {
      const mem = await page
        .evaluate(async ({ glue, stackBytes }) => {
          const re = new RegExp(glue);
          const entry = performance.getEntriesByType('resource').find((r) => re.test(new URL(r.name).pathname));
          const m = await import(entry.name);
          const w = await m.default();
          // The build shortens export names (scripts/minify-glue.mjs): the memory is the one
          // export that is a Memory.
          const memory = Object.values(w || {}).find((v) => v instanceof WebAssembly.Memory);
          if (!memory) return null;
          // The stack grows down from stackBytes towards 0 through zeroed memory: the lowest
          // non-zero byte below it is as deep as it went.
          let used = null;
          if (stackBytes) {
            const bytes = new Uint8Array(memory.buffer, 0, stackBytes);
            const low = bytes.findIndex((b) => b !== 0);
            used = low < 0 ? 0 : stackBytes - low;
          }
          return { bytes: memory.buffer.byteLength, stackUsed: used };
        }, { glue: CORE_GLUE.source, stackBytes })
        .catch(() => null);
      wasmMemory = mem?.bytes ?? null;
      stackUsed = mem?.stackUsed ?? null;
    }
    const { product } = await cdp.send('Browser.getVersion');
    return { visibleAt, longTasks, loaf, heapUsed, wasmMemory, stackUsed, timeline, wire, product };
  } finally {
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whose each long task is: the scripts Chromium names in the long animation frames (those that
 * ran > 5 ms), cut to the task's span. A task is the widget's when it would not have been long
 * without the widget's scripts in it (its duration minus their time ≤ 50 ms): its own work, or
 * the page's made long by it. `mine`: the widget's files (a RegExp on the script's URL). Pure:
 * one run's entries in, one row per long task out.
 */
export function attributeLongTasks(longTasks, loaf, mine) {
  const scripts = (loaf ?? []).flatMap((f) => f.scripts).filter((x) => x.start != null);
  return (longTasks ?? []).map((t) => {
    const end = t.start + t.duration;
    const inTask = scripts
      .map((x) => ({ ...x, ms: Math.min(end, x.start + x.duration) - Math.max(t.start, x.start) }))
      .filter((x) => x.ms > 0);
    const widgetMs = inTask.filter((x) => mine.test(x.url)).reduce((a, x) => a + x.ms, 0);
    return {
      startMs: Math.round(t.start * 10) / 10,
      durationMs: Math.round(t.duration * 10) / 10,
      widgetMs: Math.round(widgetMs * 10) / 10,
      widget: widgetMs > 0 && t.duration - widgetMs <= 50,
      // What ran: file, what called it (its evaluation, a timer, a promise callback, …), ms.
      scripts: inTask.map((x) => `${x.url.replace(/.*\//, '') || '(page)'} ${x.invoker.replace(/.*\//, '')} ${Math.round(x.ms)} ms${x.layout > 1 ? ` (layout ${Math.round(x.layout)} ms)` : ''}`),
    };
  });
}

/**
 * The long tasks the widget caused over several runs (each {longTasks, loaf}, as `loadOnce`
 * returns them): how many, and each with its run (1-based) and what ran in it. null when a run
 * could not observe long tasks or long animation frames.
 */
export function causedLongTasks(runs, mine) {
  if (!runs.every((r) => r.longTasks && r.loaf)) return null;
  const tasks = runs.flatMap((r, i) => attributeLongTasks(r.longTasks, r.loaf, mine).filter((t) => t.widget).map((t) => ({ run: i + 1, ...t })));
  return { count: tasks.length, tasks };
}

/**
 * `runs` pairs of (widget page, stripped page), cold, then as many warm pairs (second visits).
 * Returns raw per-run samples: {widget, blank} cold and {warmWidget, warmBlank}.
 */
export async function runBrowser(base, { runs = 7, log = () => {}, stackBytes = null } = {}) {
  const url = `${base}/index.html`;
  const samples = [];
  // One discarded load first: the browser is cold in every run, the server should not be
  // (workerd's first asset and D1 requests pay one-off start-up costs a live edge never shows).
  await loadOnce(url, { strip: false });
  const ms = (v) => (v == null ? 'never' : v.toFixed(1) + ' ms');
  for (let i = 0; i < runs; i++) {
    const widget = await loadOnce(url, { strip: false, stackBytes });
    const blank = await loadOnce(url, { strip: true, waitUntilMs: widget.visibleAt });
    const warmWidget = await loadOnce(url, { strip: false, warm: true, stackBytes });
    const warmBlank = await loadOnce(url, { strip: true, warm: true, waitUntilMs: warmWidget.visibleAt });
    log(`browser run ${i + 1}/${runs}: launcher visible at ${ms(widget.visibleAt)} cold, ${ms(warmWidget.visibleAt)} warm`);
    samples.push({ widget, blank, warmWidget, warmBlank });
  }
  return samples;
}
