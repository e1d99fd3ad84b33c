// Porchlight bench: sizes, cold boot in headless Chromium, long tasks, JS heap, and /v1/boot
// throughput against /health. Prints a table (each figure next to its target) and writes
// tests/output/bench.json. Run through scripts/bench, which builds, serves and seeds first.
//
// Env: PORCHLIGHT_URL (required), BENCH_RUNS (browser pairs, default 7), BENCH_SECONDS (per
// load phase, default 5), BENCH_ROUNDS (slices each load phase is taken in, in turn with the
// others, default 3), BENCH_CONCURRENCY (default 8), BENCH_MAX_REQUESTS (per phase, default
// 20000), BENCH_ONLY (comma list of sizes,browser,load; default all), BENCH_SITE_DIR (the
// directory being served, for sizes; default dist/site).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { measureLocales, measureSizes, siteFile, wasmLayout } from './sizes.mjs';
import { attributeLongTasks, causedLongTasks, runBrowser } from './browser.mjs';
import { runLoad } from './load.mjs';
import { median, min, max, round } from './stats.mjs';
import { KB, MB, fmtBytes, fmtMs, table } from './table.mjs';
import { OPENCOM_REFERENCE } from './opencom.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
if (!BASE) throw new Error('PORCHLIGHT_URL is not set: run through scripts/bench');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const ONLY = new Set((process.env.BENCH_ONLY ?? 'sizes,browser,load').split(',').map((s) => s.trim()));

// Targets. `ok` tells whether a measured value meets it (null value → not measured).
const TARGETS = {
  // The loader also carries the engagement module's call queue and follows navigation until it
  // is here (issue 10): in WASM the same would cost the core several times the bytes.
  loaderBrotli: { text: '≤ 2.25 KB', ok: (v) => v <= 2.25 * KB },
  runtimeBrotli: { text: '≤ 40 KB', ok: (v) => v <= 40 * KB },
  // The messenger with every space (Home, Messages, Help, Tickets, Tasks): issue 13's budget.
  messengerBrotli: { text: '≤ 50 KB', ok: (v) => v <= 50 * KB },
  // Issue 10: runtime, engine client path, outbound messages and tooltips.
  engageBrotli: { text: '≤ 45 KB', ok: (v) => v <= 45 * KB },
  // Issue 11: the tour module, loaded only when a tour is about to show, on top of the engagement module.
  tourBrotli: { text: '≤ 15 KB', ok: (v) => v <= 15 * KB },
  // Issue 12: the survey module, loaded only when a survey is about to show.
  surveyBrotli: { text: '≤ 15 KB', ok: (v) => v <= 15 * KB },
  launcherMedianMs: { text: '≤ 150 ms', ok: (v) => v <= 150 },
  // Issue 16: the launcher at most 50 ms after the page's own first contentful paint (cold median).
  launcherAfterFcpMs: { text: '≤ 50 ms', ok: (v) => v <= 50 },
  widgetLongTasks: { text: 'none', ok: (v) => v === 0 },
  heapAddedBytes: { text: '≤ 1 MB', ok: (v) => v <= MB },
  bootHealthRatio: { text: '≥ 0.5×', ok: (v) => v >= 0.5 },
  // Issue 16: a new session's boot against /health/db (one SELECT 1), side by side in one run.
  bootFloorRatio: { text: '≥ 0.8×', ok: (v) => v >= 0.8 },
};

const log = (msg) => process.stderr.write(`  ${msg}\n`);

// ---------------------------------------------------------------- measuring

// The machine's load average at the start: figures from a busy machine read high.
const report = { when: new Date().toISOString(), url: BASE, node: process.version, loadAverage: loadavg().map((v) => round(v, 2)), cpus: cpus().length, targets: {} };
for (const [k, t] of Object.entries(TARGETS)) report.targets[k] = t.text;

if (ONLY.has('sizes')) report.sizes = measureSizes(process.env.BENCH_SITE_DIR ?? 'dist/site');
// One locale's strings, carried by the boot answer (issue 15): not in any module.
if (ONLY.has('sizes')) report.locales = await measureLocales(BASE).catch((e) => ({ error: String(e) }));

/**
 * The browser figures of one kind of visit: `w` / `b` name the widget and stripped samples
 * (`widget`/`blank` cold, `warmWidget`/`warmBlank` warm).
 */
function browserFigures(samples, w, b) {
  const out = {};
  const visible = samples.map((s) => s[w].visibleAt).filter((v) => v != null);
  out.launcher = {
    runs: samples.length,
    shown: visible.length,
    medianMs: round(median(visible)),
    minMs: round(min(visible)),
    maxMs: round(max(visible)),
    samplesMs: samples.map((s) => round(s[w].visibleAt)),
    // The launcher cannot show before the page's own first paint: how long after it? (0: it
    // was in the page's first painted frame.)
    afterFcpMedianMs: round(median(samples.map((s) => (s[w].visibleAt != null && s[w].timeline?.fcp != null ? Math.max(0, s[w].visibleAt - s[w].timeline.fcp) : null)).filter((v) => v != null))),
  };
  // Median timeline: when each step ended (ms since navigation start).
  const tl = samples.map((s) => s[w].timeline).filter(Boolean);
  const step = (f) => round(median(tl.map(f).filter((v) => v != null)));
  out.timeline = {
    htmlEnd: step((t) => t.html.end),
    firstContentfulPaint: step((t) => t.fcp),
    domContentLoaded: step((t) => t.domContentLoaded),
    load: step((t) => t.load),
    loaderStart: step((t) => t.loader?.start),
    loaderEnd: step((t) => t.loader?.end),
    glueEnd: step((t) => t.glue?.end),
    wasmStart: step((t) => t.wasm?.start),
    wasmEnd: step((t) => t.wasm?.end),
    bootStart: step((t) => t.boot?.start),
    bootEnd: step((t) => t.boot?.end),
    launcherVisible: out.launcher.medianMs,
  };
  // Long tasks: totals over all runs, the widget page's count minus the stripped page's.
  const tasks = (side) => samples.flatMap((s) => s[side].longTasks ?? []);
  const widgetScripts = (all) => {
    if (!all.every((s) => s[w].loaf)) return null;
    const frames = all.flatMap((s) => s[w].loaf).filter((f) => f.scripts.some((x) => /porchlight/.test(x.url)));
    const runs = frames.flatMap((f) => f.scripts.filter((x) => /porchlight/.test(x.url)));
    return {
      frames: frames.length,
      longestFrameMs: round(max(frames.map((f) => f.duration))),
      longestScriptMs: round(max(runs.map((x) => x.duration))),
      scriptsOver50ms: runs.filter((x) => x.duration > 50).length,
      // Which: the file and what ran it (the loader's own script, a module's evaluation, a
      // promise callback of the runtime, …).
      over50ms: runs.filter((x) => x.duration > 50).map((x) => ({ file: x.url.replace(/.*\//, ''), invoker: x.invoker.replace(/.*\//, ''), ms: round(x.duration) })),
    };
  };
  const roundTask = (t) => ({ startMs: round(t.start), durationMs: round(t.duration) });
  const mine = /\/porchlight[^/]*$/;
  const measured = samples.every((s) => s[w].longTasks && s[b].longTasks);
  const wt = tasks(w);
  const bt = tasks(b);
  out.longTasks = measured
    ? {
        runs: samples.length,
        widgetPage: { count: wt.length, longestMs: round(max(wt.map((t) => t.duration))) },
        blankPage: { count: bt.length, longestMs: round(max(bt.map((t) => t.duration))) },
        // Each long task of the widget page with the scripts that ran in it (when the browser
        // names them) and whether the widget's made it long.
        perRun: samples.map((s) => ({ widget: s[w].loaf ? attributeLongTasks(s[w].longTasks, s[w].loaf, mine) : s[w].longTasks.map(roundTask), blank: s[b].longTasks.map(roundTask) })),
        attributable: Math.max(0, wt.length - bt.length),
        // Long tasks the widget's own scripts made long (tests/bench/browser.mjs
        // attributeLongTasks): the target's figure where the browser names scripts.
        caused: causedLongTasks(samples.map((s) => s[w]), mine),
        // Long animation frames (> 50 ms) in which the widget's own scripts ran, and the longest
        // single widget script execution seen in one (null when the API is unavailable).
        widgetScripts: widgetScripts(samples),
      }
    : { unmeasured: 'longtask entries are not supported by this browser' };
  // Heap: medians of each side after a forced GC, and their difference.
  const wh = samples.map((s) => s[w].heapUsed).filter((v) => v != null);
  const bh = samples.map((s) => s[b].heapUsed).filter((v) => v != null);
  const diffs = samples.filter((s) => s[w].heapUsed != null && s[b].heapUsed != null).map((s) => s[w].heapUsed - s[b].heapUsed);
  out.heap = {
    runs: diffs.length,
    widgetPageBytes: median(wh),
    blankPageBytes: median(bh),
    addedBytes: wh.length && bh.length ? median(wh) - median(bh) : null,
    addedMinBytes: min(diffs),
    addedMaxBytes: max(diffs),
  };
  out.wasmMemoryBytes = median(samples.map((s) => s[w].wasmMemory).filter((v) => v != null));
  out.stackUsedBytes = max(samples.map((s) => s[w].stackUsed).filter((v) => v != null));
  // The widget's files on the wire (loader + core): bytes, and which were asked of the server.
  const wire = samples.map((s) => s[w].wire).filter(Boolean);
  out.wire = {
    bytesMedian: median(wire.map((x) => x.bytes)),
    fromServerMedian: median(wire.map((x) => x.fromServer.length)),
    fromServer: [...new Set(wire.flatMap((x) => x.fromServer))],
  };
  return out;
}

if (ONLY.has('browser')) {
  const siteDir = process.env.BENCH_SITE_DIR ?? 'dist/site';
  const layout = wasmLayout(siteFile(siteDir, 'widget', 'wasm'));
  const samples = await runBrowser(BASE, { runs: RUNS, log, stackBytes: layout?.stackBytes });
  report.chromium = samples[0]?.widget.product ?? null;
  report.wasmLayout = layout;
  Object.assign(report, browserFigures(samples, 'widget', 'blank'));
  report.warm = browserFigures(samples, 'warmWidget', 'warmBlank');
}

if (ONLY.has('load')) {
  report.load = await runLoad(BASE, {
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8),
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    maxRequests: Number(process.env.BENCH_MAX_REQUESTS ?? 20_000),
    log,
  });
}

// ---------------------------------------------------------------- verdicts

const verdicts = {};
const judge = (key, value) => {
  verdicts[key] = value == null ? null : TARGETS[key].ok(value);
  return verdicts[key];
};
judge('loaderBrotli', report.sizes?.loader.brotli);
judge('runtimeBrotli', report.sizes?.runtime.brotli);
judge('messengerBrotli', report.sizes?.messenger?.brotli);
judge('engageBrotli', report.sizes?.engage?.brotli);
judge('tourBrotli', report.sizes?.tour?.brotli);
judge('surveyBrotli', report.sizes?.survey?.brotli);
judge('launcherMedianMs', report.launcher?.shown === report.launcher?.runs ? report.launcher?.medianMs : null);
judge('launcherAfterFcpMs', report.launcher?.shown === report.launcher?.runs ? report.launcher?.afterFcpMedianMs : null);
judge('widgetLongTasks', report.longTasks?.caused ? report.longTasks.caused.count : report.longTasks?.attributable);
judge('heapAddedBytes', report.heap?.addedBytes);
judge('bootHealthRatio', report.load?.ratioNew);
judge('bootFloorRatio', report.load?.ratioNewVsDb);
report.verdicts = verdicts;

// ---------------------------------------------------------------- printing

const fmtInt = (v) => (v == null ? '–' : Math.round(v).toLocaleString('en-US'));
const mark = (ok) => (ok == null ? '' : ok ? 'ok' : 'MISS');

console.log(`\nPorchlight bench — ${BASE} — ${report.when}`);
console.log(`node ${report.node}${report.chromium ? `, ${report.chromium}` : ''}, ${RUNS} browser runs, ${report.cpus} CPUs, load average ${report.loadAverage.join(' ')} at start\n`);

if (report.sizes) {
  const s = report.sizes;
  const row = (name, f, target, key) =>
    f.missing ? [name, 'missing', '', '', target, 'not built'] : [name, fmtBytes(f.raw), fmtBytes(f.gzip), fmtBytes(f.brotli), target, key ? mark(verdicts[key]) : ''];
  table(
    [
      ['Size', 'raw', 'gzip', 'brotli', 'target (brotli)', ''],
      row('loader     porchlight.js', s.loader, TARGETS.loaderBrotli.text, 'loaderBrotli'),
      row('core wasm  porchlight-widget_bg.<hash>.wasm', s.wasm, ''),
      row('core glue  porchlight-widget.<hash>.js', s.glue, ''),
      row('core: WASM + glue (before the launcher)', s.runtime, TARGETS.runtimeBrotli.text, 'runtimeBrotli'),
      row('messenger wasm  porchlight-messenger_bg.<hash>.wasm', s.messengerWasm, ''),
      row('messenger glue  porchlight-messenger.<hash>.js', s.messengerGlue, ''),
      row('messenger: WASM + glue (when needed)', s.messenger, TARGETS.messengerBrotli.text, 'messengerBrotli'),
      row('engage wasm  porchlight-engage_bg.<hash>.wasm', s.engageWasm, ''),
      row('engage glue  porchlight-engage.<hash>.js', s.engageGlue, ''),
      row('engage: WASM + glue (when something is eligible)', s.engage, TARGETS.engageBrotli.text, 'engageBrotli'),
      row('tour wasm  porchlight-tour_bg.<hash>.wasm', s.tourWasm, ''),
      row('tour glue  porchlight-tour.<hash>.js', s.tourGlue, ''),
      row('tour: WASM + glue (when a tour shows)', s.tour, TARGETS.tourBrotli.text, 'tourBrotli'),
      row('survey wasm  porchlight-survey_bg.<hash>.wasm', s.surveyWasm, ''),
      row('survey glue  porchlight-survey.<hash>.js', s.surveyGlue, ''),
      row('survey: WASM + glue (when a survey shows)', s.survey, TARGETS.surveyBrotli.text, 'surveyBrotli'),
      row('all (loader + core + messenger + engage + tour)', s.total, ''),
    ],
    [1, 2, 3],
  );
  console.log('');
}
if (report.locales && !report.locales.error) {
  table(
    [
      ['One locale in the boot answer', 'i18n raw', 'gzip', 'brotli', 'boot answer brotli', 'added by i18n'],
      ...Object.entries(report.locales).map(([l, r]) => [l, fmtBytes(r.strings.raw), fmtBytes(r.strings.gzip), fmtBytes(r.strings.brotli), fmtBytes(r.bootBrotli), fmtBytes(r.bootAddedBrotli)]),
    ],
    [1, 2, 3, 4, 5],
  );
  console.log('');
}

const rows = [['Figure', 'value', 'detail', 'target', '']];
const signed = (v) => (v == null ? '–' : (v < 0 ? '−' : '+') + fmtBytes(Math.abs(v)));
/** The rows of one kind of visit (cold: report itself; warm: report.warm). */
function browserRows(r, kind, judged) {
  const mk = (key) => (judged ? mark(verdicts[key]) : '');
  const tg = (key) => (judged ? TARGETS[key].text : '');
  if (r.launcher) {
    const l = r.launcher;
    rows.push([`Navigation → launcher visible, ${kind}`, fmtMs(l.medianMs) + ' median', `min ${fmtMs(l.minMs)}, max ${fmtMs(l.maxMs)}, shown ${l.shown}/${l.runs} ${kind} runs`, tg('launcherMedianMs'), mk('launcherMedianMs')]);
    rows.push(['  launcher after first paint', fmtMs(l.afterFcpMedianMs) + ' median', "after the page's own first contentful paint (0: in its first painted frame)", tg('launcherAfterFcpMs'), mk('launcherAfterFcpMs')]);
  }
  if (r.longTasks) {
    const t = r.longTasks;
    if (t.unmeasured) rows.push([`Long tasks caused by the widget, ${kind}`, 'not measured', t.unmeasured, tg('widgetLongTasks'), '']);
    else {
      const c = t.caused;
      rows.push([
        `Long tasks caused by the widget, ${kind}`,
        c ? String(c.count) : String(t.attributable),
        c ? `over ${t.runs} runs, made long by the widget's own scripts${c.count ? ` (longest ${fmtMs(max(c.tasks.map((x) => x.durationMs)))})` : ''}` : `over ${t.runs} runs, page minus page without widget (the browser names no scripts)`,
        tg('widgetLongTasks'),
        mk('widgetLongTasks'),
      ]);
      rows.push([
        '  page minus page without widget',
        String(t.attributable),
        `widget page ${t.widgetPage.count} (longest ${fmtMs(t.widgetPage.longestMs)}), without widget ${t.blankPage.count} (longest ${fmtMs(t.blankPage.longestMs)})`,
        '',
        '',
      ]);
      const ws = t.widgetScripts;
      if (ws)
        rows.push([
          '  widget script in long frames',
          `${fmtMs(ws.longestScriptMs)} longest`,
          `${ws.frames} long animation frames ran widget code (longest frame ${fmtMs(ws.longestFrameMs)}), ${ws.scriptsOver50ms} widget scripts > 50 ms${ws.over50ms.length ? ': ' + ws.over50ms.map((x) => `${x.invoker} ${fmtMs(x.ms)}`).join(', ') : ''}`,
          '',
          '',
        ]);
    }
  }
  if (r.heap) {
    const h = r.heap;
    rows.push([`JS heap added (after GC), ${kind}`, signed(h.addedBytes), `median of ${h.runs}: ${fmtBytes(h.widgetPageBytes)} vs ${fmtBytes(h.blankPageBytes)}; per pair ${signed(h.addedMinBytes)} … ${signed(h.addedMaxBytes)}`, tg('heapAddedBytes'), mk('heapAddedBytes')]);
    rows.push([`WASM linear memory, ${kind}`, fmtBytes(r.wasmMemoryBytes), r.wasmMemoryBytes == null ? 'could not read wasm.memory' : `WebAssembly.Memory buffer, not in the JS heap; stack used ${fmtBytes(r.stackUsedBytes)} at most of ${fmtBytes(report.wasmLayout?.stackBytes ?? null)}`, '', '']);
    if (h.addedBytes != null && r.wasmMemoryBytes != null) rows.push(['  JS heap + WASM memory', fmtBytes(h.addedBytes + r.wasmMemoryBytes), 'what the widget holds in the page', '', '']);
  }
  if (r.wire) rows.push([`Widget files on the wire, ${kind}`, fmtBytes(r.wire.bytesMedian), `median; ${r.wire.fromServerMedian ?? '–'} asked of the server (${r.wire.fromServer.join(', ') || 'none: all from the cache'})`, '', '']);
}
browserRows(report, 'cold', true);
if (report.warm) browserRows(report.warm, 'warm', false);
if (report.load) {
  const L = report.load;
  const lr = (name, r, detailExtra = '') =>
    r && [name, `${fmtInt(r.rps)} req/s`, `p50 ${fmtMs(r.p50Ms)}, p99 ${fmtMs(r.p99Ms)}, ${fmtInt(r.ok)} ok, ${r.errors} errors${r.warmupErrors ? ` (+${r.warmupErrors} in warm-up)` : ''}${detailExtra}`, '', ''];
  rows.push(lr('GET /health', L.health));
  rows.push(lr('GET /health/db (one SELECT 1)', L.healthDb));
  rows.push(lr('POST /v1/boot, new session each', L.bootNew));
  rows.push(lr('POST /v1/boot, 50 sessionIds reused', L.bootReuse));
  rows.push(['boot / health throughput', `${L.ratioNew ?? '–'}×`, `new sessions; ${L.ratioReuse ?? '–'}× with reused sessionIds; ${L.ratioNewVsDb ?? '–'}× of the one-query floor; concurrency ${L.concurrency}`, TARGETS.bootHealthRatio.text, mark(verdicts.bootHealthRatio)]);
  rows.push(['boot / one-query floor', `${L.ratioNewVsDb ?? '–'}×`, `new sessions against GET /health/db in the same run; concurrency ${L.concurrency}`, TARGETS.bootFloorRatio.text, mark(verdicts.bootFloorRatio)]);
  for (const [name, r] of Object.entries({ health: L.health, healthDb: L.healthDb, bootNew: L.bootNew, bootReuse: L.bootReuse })) {
    if (r?.errors) console.error(`  ${name} errors: ${JSON.stringify(r.errorsBy)}`);
  }
}
if (report.sizes) {
  rows.push(['Loader (brotli)', fmtBytes(report.sizes.loader.brotli), 'dist/site/porchlight.js', TARGETS.loaderBrotli.text, mark(verdicts.loaderBrotli)]);
  rows.push(['Core WASM + glue (brotli)', fmtBytes(report.sizes.runtime.brotli), 'fetched by the loader before the launcher shows', TARGETS.runtimeBrotli.text, mark(verdicts.runtimeBrotli)]);
  rows.push(['Messenger WASM + glue (brotli)', fmtBytes(report.sizes.messenger.brotli), 'live chat: on open, or at boot for a visitor with a conversation', TARGETS.messengerBrotli.text, mark(verdicts.messengerBrotli)]);
  rows.push(['Engagement WASM + glue (brotli)', fmtBytes(report.sizes.engage.brotli), 'outbound messages, tooltips: when something is eligible', TARGETS.engageBrotli.text, mark(verdicts.engageBrotli)]);
  rows.push(['Tour WASM + glue (brotli)', fmtBytes(report.sizes.tour?.brotli ?? null), 'product tours: when a tour is about to show', TARGETS.tourBrotli.text, mark(verdicts.tourBrotli)]);
  rows.push(['Survey WASM + glue (brotli)', fmtBytes(report.sizes.survey?.brotli ?? null), 'in-page surveys: when a survey is about to show', TARGETS.surveyBrotli.text, mark(verdicts.surveyBrotli)]);
}
table(rows.filter(Boolean));
const span = (a, b) => (a == null || b == null ? '–' : `${Math.round(a)}–${Math.round(b)}`);
for (const [kind, r] of [['Cold', report], ['Warm', report.warm]]) {
  const t = r?.timeline;
  if (!t) continue;
  console.log(
    `\n${kind} boot, median ms since navigation: HTML ${span(0, t.htmlEnd)}, FCP ${t.firstContentfulPaint ?? '–'}, ` +
      `loader ${span(t.loaderStart, t.loaderEnd)}, glue …${t.glueEnd ?? '–'}, wasm ${span(t.wasmStart, t.wasmEnd)}, ` +
      `/v1/boot ${span(t.bootStart, t.bootEnd)}, launcher ${t.launcherVisible ?? '–'} (load event ${t.load ?? '–'})`,
  );
}
// Every long task of the widget page, cold, and what ran in it: the widget's are the target's.
if (report.longTasks?.perRun) {
  const all = report.longTasks.perRun.flatMap((r, i) => r.widget.map((t) => ({ run: i + 1, ...t })));
  if (all.length) console.log('\nLong tasks on the widget page, cold (run: duration at start, scripts > 5 ms in it):');
  for (const t of all) console.log(`  ${t.widget ? 'widget' : 'other '}, run ${t.run}: ${fmtMs(t.durationMs)} at ${fmtMs(t.startMs)}: ${t.scripts?.length ? t.scripts.join('; ') : 'no script named (parsing, style, layout, or the browser)'}`);
}
// The side-by-side run with Opencom's widget is a bench part of its own (tests/bench/opencom.mjs),
// which prints the reference figures itself when it cannot measure.
if (process.env.BENCH_OPENCOM === 'below') console.log("\nOpencom: side by side with ours on the same page, in the bench part after this one.");
else console.log(`\n${OPENCOM_REFERENCE}`);

mkdirSync('tests/output', { recursive: true });
writeFileSync('tests/output/bench.json', JSON.stringify(report, null, 2) + '\n');
console.log('(written to tests/output/bench.json)');
