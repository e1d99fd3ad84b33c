// Side by side with Opencom's widget: the same host page (the demo page, its <script> tag swapped
// for Opencom's embed: tests/bench/opencom-page.mjs), the same server, the same browser run.
// Alternating pairs (ours first in even pairs, Opencom's first in odd ones), each with a run of
// the page without any widget for the long tasks and JS heap the widgets add; cold (fresh
// profile) and warm (second visit in the same profile). Prints a table with the ratios issue 16
// names and adds `opencom` to tests/output/bench.json. Run through scripts/bench (part
// `opencom`), which builds Opencom's widget outside the repo (tests/bench/opencom-build.sh).
//
// Env: PORCHLIGHT_URL (required), BENCH_RUNS (pairs, default 7), BENCH_OPENCOM_WARM (0: cold
// pairs only), OPENCOM_SITE (the built files, for their sizes), OPENCOM_SKIP (a reason: print it
// and the reference figures instead of measuring).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { causedLongTasks, loadOnce } from './browser.mjs';
import { measure } from './sizes.mjs';
import { median, min, max, round } from './stats.mjs';
import { fmtBytes, fmtMs, table } from './table.mjs';

export const OPENCOM_REFERENCE =
  'Opencom for scale (../shared/spec/REFERENCE.md, not measured in this run): 155 KB brotli, one ~62 ms long task, +1.76 MB heap';

/**
 * Opencom's widget as tests/bench/browser.mjs watches it: its shadow host (main.tsx `init`), its
 * launcher button in that shadow root (Widget.tsx, `data-testid="widget-launcher"`), its files
 * (loader, manifest, versioned runtime under /opencom/), no WASM.
 */
export const OPENCOM = { host: 'opencom-widget', launcher: 'button[data-testid="widget-launcher"]', files: '^/opencom/', wasm: false };

/** Which scripts in a long animation frame are each widget's (sourceURL). */
const SCRIPT_OF = { porchlight: /\/porchlight[^/]*$/, opencom: /\/opencom\// };

/**
 * One widget's figures over the pairs: `side` names its samples (`porchlight` / `opencom`),
 * `blank` the page without a widget in the same pairs. Pure: samples in, figures out.
 */
export function sideFigures(pairs, side, blank = 'blank') {
  const runs = pairs.map((p) => p[side]);
  const visible = runs.map((r) => r.visibleAt).filter((v) => v != null);
  const afterFcp = runs.map((r) => (r.visibleAt != null && r.timeline?.fcp != null ? Math.max(0, r.visibleAt - r.timeline.fcp) : null)).filter((v) => v != null);
  const out = {
    runs: runs.length,
    shown: visible.length,
    launcherMedianMs: round(median(visible)),
    launcherMinMs: round(min(visible)),
    launcherMaxMs: round(max(visible)),
    launcherSamplesMs: runs.map((r) => round(r.visibleAt)),
    afterFcpMedianMs: round(median(afterFcp)),
    fcpMedianMs: round(median(runs.map((r) => r.timeline?.fcp))),
  };
  // Long tasks: this widget's page minus the page without a widget, over all pairs; and the long
  // animation frames in which this widget's own scripts ran (Chromium names them).
  if (runs.every((r) => r.longTasks) && pairs.every((p) => p[blank].longTasks)) {
    const mine = runs.flatMap((r) => r.longTasks);
    const none = pairs.flatMap((p) => p[blank].longTasks);
    out.longTasks = { page: mine.length, blankPage: none.length, attributable: Math.max(0, mine.length - none.length), longestMs: round(max(mine.map((t) => t.duration))) };
  }
  // The long tasks this widget's own scripts made long (tests/bench/browser.mjs attributeLongTasks).
  const caused = causedLongTasks(runs, SCRIPT_OF[side]);
  if (caused) out.causedLongTasks = caused;
  if (runs.every((r) => r.loaf)) {
    const re = SCRIPT_OF[side];
    const scripts = runs.flatMap((r) => r.loaf.flatMap((f) => f.scripts.filter((s) => re.test(s.url))));
    const long = scripts.filter((s) => s.duration > 50);
    out.widgetScripts = { inLongFrames: scripts.length, over50ms: long.length, longestMs: round(max(scripts.map((s) => s.duration))) };
    // Which file and what ran it (its evaluation, a promise callback, …): in bench.json only.
    if (long.length) out.widgetScripts.long = long.map((s) => ({ file: s.url.replace(/.*\//, ''), invoker: s.invoker.replace(/.*\//, ''), ms: round(s.duration) }));
  }
  // Memory: JS heap after GC, this page's median minus the blank page's; the WASM core's memory.
  const heap = median(runs.map((r) => r.heapUsed));
  const blankHeap = median(pairs.map((p) => p[blank].heapUsed));
  out.heapAddedBytes = heap != null && blankHeap != null ? heap - blankHeap : null;
  out.wasmMemoryBytes = median(runs.map((r) => r.wasmMemory));
  out.memoryBytes = out.heapAddedBytes == null ? null : out.heapAddedBytes + (out.wasmMemoryBytes ?? 0);
  out.wireBytes = median(runs.map((r) => r.wire?.bytes));
  out.wireFiles = [...new Set(runs.flatMap((r) => r.wire?.fromServer ?? []))];
  return out;
}

/** The comparisons issue 16 names: ours over Opencom's (below 1 is better for us). */
export function ratios(ours, theirs, pairs) {
  const q = (a, b) => (a == null || b == null || b === 0 ? null : round(a / b, 2));
  return {
    launcher: q(ours.launcherMedianMs, theirs.launcherMedianMs),
    launcherFirstInPairs: pairs.filter((p) => p.porchlight.visibleAt != null && (p.opencom.visibleAt == null || p.porchlight.visibleAt < p.opencom.visibleAt)).length,
    memory: q(ours.memoryBytes, theirs.memoryBytes),
    wire: q(ours.wireBytes, theirs.wireBytes),
  };
}

/** `runs` alternating pairs, cold then (warm) second visits: {porchlight, opencom, blank} each. */
async function measurePairs(base, { runs, warm, log }) {
  const ours = `${base}/index.html`;
  const theirs = `${base}/index-opencom.html`;
  // One discarded load of each first: the browser is cold in every run, the server should not be
  // (workerd's first requests pay one-off start-up costs; on a busy machine the very first can
  // outlast a page load's timeout, so a failed warm-up is tried once more, then let go).
  for (const [url, widget] of [[ours, undefined], [theirs, OPENCOM]]) {
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await loadOnce(url, { strip: false, widget });
        break;
      } catch (e) {
        log(`warm-up load of ${url} failed (${e.message.split('\n')[0]})${attempt === 1 ? ', once more' : ''}`);
      }
    }
  }
  const kinds = warm ? [false, true] : [false];
  const out = { cold: [], warm: [] };
  const ms = (v) => (v == null ? 'never' : v.toFixed(1) + ' ms');
  for (let i = 0; i < runs; i++) {
    for (const isWarm of kinds) {
      const pair = {};
      const order = i % 2 === 0 ? ['porchlight', 'opencom'] : ['opencom', 'porchlight'];
      for (const side of order) {
        pair[side] = side === 'porchlight' ? await loadOnce(ours, { strip: false, warm: isWarm }) : await loadOnce(theirs, { strip: false, warm: isWarm, widget: OPENCOM });
      }
      pair.blank = await loadOnce(ours, { strip: true, warm: isWarm, waitUntilMs: Math.max(pair.porchlight.visibleAt ?? 0, pair.opencom.visibleAt ?? 0) });
      out[isWarm ? 'warm' : 'cold'].push(pair);
      log(`opencom pair ${i + 1}/${runs} ${isWarm ? 'warm' : 'cold'}: launcher ours ${ms(pair.porchlight.visibleAt)}, Opencom's ${ms(pair.opencom.visibleAt)}`);
    }
  }
  return out;
}

/** Raw / gzip / brotli and SHA-256 of Opencom's built files (what was measured). */
function bundleFiles(dir) {
  if (!dir || !existsSync(`${dir}/manifest.json`)) return null;
  const version = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')).latest;
  const files = {};
  for (const name of ['widget.js', `v/${version}/widget.js`]) {
    const m = measure(`${dir}/${name}`);
    files[name] = { raw: m.raw, gzip: m.gzip, brotli: m.brotli, sha256: createHash('sha256').update(readFileSync(`${dir}/${name}`)).digest('hex') };
  }
  return { version, files };
}

function print(report) {
  const o = report.opencom;
  console.log(`\nSide by side with Opencom's widget — same page, same server, same browser run (${o.chromium ?? 'Chromium'}); load average ${o.loadAverage.join(' ')} at start, ${o.loadAverageAtEnd.join(' ')} at end`);
  if (o.bundle) {
    const f = Object.entries(o.bundle.files).map(([n, x]) => `${n} ${fmtBytes(x.raw)} raw, ${fmtBytes(x.brotli)} brotli, sha256 ${x.sha256.slice(0, 12)}`);
    console.log(`Opencom ${o.bundle.version} built from its source (${f.join('; ')}); no Opencom backend: its Convex URL is a closed local port\n`);
  }
  for (const kind of ['cold', 'warm']) {
    const k = o[kind];
    if (!k) continue;
    const P = k.porchlight;
    const O = k.opencom;
    const R = k.ratios;
    const x = (v) => (v == null ? '–' : `${v}×`);
    const lt = (s) => (s.longTasks ? `${s.longTasks.attributable} (page ${s.longTasks.page}, blank ${s.longTasks.blankPage})` : 'not measured');
    const caused = (s) => (s.causedLongTasks ? `${s.causedLongTasks.count}${s.causedLongTasks.count ? ` (${round(max(s.causedLongTasks.tasks.map((t) => t.durationMs)))} ms longest)` : ''}` : 'not measured');
    const ws = (s) => (s.widgetScripts ? `${fmtMs(s.widgetScripts.longestMs)} (${s.widgetScripts.over50ms} over 50 ms)` : '–');
    table(
      [
        [`${kind}, ${k.pairs} pairs`, 'Porchlight', 'Opencom', 'ours / theirs', 'target'],
        ['Navigation → launcher visible (median)', `${fmtMs(P.launcherMedianMs)} (${P.shown}/${P.runs})`, `${fmtMs(O.launcherMedianMs)} (${O.shown}/${O.runs})`, x(R.launcher), kind === 'cold' ? '< 1× (before Opencom)' : ''],
        ['  min … max', `${fmtMs(P.launcherMinMs)} … ${fmtMs(P.launcherMaxMs)}`, `${fmtMs(O.launcherMinMs)} … ${fmtMs(O.launcherMaxMs)}`, `ours first in ${R.launcherFirstInPairs}/${k.pairs}`, ''],
        ["  after the page's first contentful paint", fmtMs(P.afterFcpMedianMs), fmtMs(O.afterFcpMedianMs), '', kind === 'cold' ? 'ours ≤ 50 ms' : ''],
        ['Long tasks attributable (all pairs)', lt(P), lt(O), '', ''],
        ['  made long by its own scripts', caused(P), caused(O), '', 'ours none'],
        ['  longest widget script in a long frame', ws(P), ws(O), '', ''],
        ['JS heap added (after GC, median)', fmtBytes(P.heapAddedBytes), fmtBytes(O.heapAddedBytes), '', ''],
        ['WASM linear memory', fmtBytes(P.wasmMemoryBytes), '–', '', ''],
        ['JS heap + WASM memory', fmtBytes(P.memoryBytes), fmtBytes(O.memoryBytes), x(R.memory), kind === 'cold' ? '≤ 0.5×' : ''],
        ['Widget files on the wire (median)', fmtBytes(P.wireBytes), fmtBytes(O.wireBytes), x(R.wire), ''],
      ],
      [1, 2, 3],
    );
    for (const t of P.causedLongTasks?.tasks ?? []) console.log(`  ours, ${kind} pair ${t.run}: ${fmtMs(t.durationMs)} at ${fmtMs(t.startMs)}: ${t.scripts.join('; ')}`);
    console.log('');
  }
}

/** Merges `opencom` into tests/output/bench.json (written by run.mjs when the site part ran). */
function save(opencom) {
  const path = 'tests/output/bench.json';
  let report = {};
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    report = {};
  }
  report.opencom = opencom;
  mkdirSync('tests/output', { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  console.log(`(side-by-side figures added to ${path} as "opencom")`);
}

async function main() {
  const when = new Date().toISOString();
  if (process.env.OPENCOM_SKIP) {
    console.log(`\nOpencom side by side: skipped — ${process.env.OPENCOM_SKIP}`);
    console.log(OPENCOM_REFERENCE);
    save({ when, skipped: process.env.OPENCOM_SKIP, reference: { brotliBytes: 155 * 1024, longTaskMs: 62, heapAddedBytes: Math.round(1.76 * 1024 * 1024), measured: false } });
    return;
  }
  const base = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
  if (!base) throw new Error('PORCHLIGHT_URL is not set: run through scripts/bench');
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
  const warm = process.env.BENCH_OPENCOM_WARM !== '0';
  const opencom = { when, loadAverage: loadavg().map((v) => round(v, 2)), bundle: bundleFiles(process.env.OPENCOM_SITE) };
  const log = (msg) => process.stderr.write(`  ${msg}\n`);
  const samples = await measurePairs(base, { runs, warm, log });
  for (const kind of ['cold', 'warm']) {
    const pairs = samples[kind];
    if (!pairs.length) continue;
    const porchlight = sideFigures(pairs, 'porchlight');
    const theirs = sideFigures(pairs, 'opencom');
    opencom[kind] = { pairs: pairs.length, porchlight, opencom: theirs, ratios: ratios(porchlight, theirs, pairs) };
  }
  opencom.loadAverageAtEnd = loadavg().map((v) => round(v, 2));
  opencom.chromium = samples.cold[0]?.porchlight.product ?? null;
  const report = { opencom };
  print(report);
  save(opencom);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();