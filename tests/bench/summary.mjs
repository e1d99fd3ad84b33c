// Issue 16's figures from one scripts/bench run, side by side (tests/output/bench.json, written
// by run.mjs and eligible.mjs): launcher after the page's first paint, long tasks the widget
// causes, new-session boot against its one-query floor, /v1/eligible p99 at concurrency 1.
import { readFileSync, existsSync } from 'node:fs';

const file = 'tests/output/bench.json';
if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/bench`);
const r = JSON.parse(readFileSync(file, 'utf8'));
const ms = (v) => (v == null ? '–' : `${v.toFixed(1)} ms`);
const verdict = (v, ok) => (v == null ? 'not measured' : ok(v) ? 'ok' : 'MISS');
const e1 = r.eligibleByConcurrency?.[1];
const L = r.load;
const rows = [
  ['launcher after first contentful paint (cold median)', ms(r.launcher?.afterFcpMedianMs), '≤ 50 ms', verdict(r.launcher?.afterFcpMedianMs, (v) => v <= 50)],
  [
    'long tasks caused by the widget (cold runs)',
    r.longTasks?.caused ? `${r.longTasks.caused.count} made long by its scripts (page minus page without it: ${r.longTasks.attributable})` : r.longTasks?.attributable ?? '–',
    'none',
    verdict(r.longTasks?.caused?.count ?? r.longTasks?.attributable, (v) => v === 0),
  ],
  [
    `boot / one-query floor (concurrency ${L?.concurrency ?? '–'})`,
    L?.ratioNewVsDb == null ? '–' : `${L.ratioNewVsDb}× (${L.bootNew.rps} vs ${L.healthDb.rps} req/s)`,
    '≥ 0.8×',
    verdict(L?.ratioNewVsDb, (v) => v >= 0.8),
  ],
  ['/v1/eligible p99, concurrency 1 (1,000-event visitor)', e1 ? `${ms(e1.heavy.p99Ms)} (p50 ${ms(e1.heavy.p50Ms)})` : '–', '≤ 30 ms', verdict(e1?.heavy.p99Ms, (v) => v <= 30)],
];
const w = rows[0].map((_, i) => Math.max(...rows.map((x) => String(x[i]).length)));
console.log(`\nIssue 16 figures (load average ${r.loadAverage?.join(' ') ?? '–'} at the start of the run)`);
for (const x of rows) console.log('  ' + x.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd());
