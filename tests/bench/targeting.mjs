// Prints the targeting engine's figures next to their targets and adds them to
// tests/output/bench.json. Arguments: native JSON, wasm JSON, widget .wasm, client-path probe
// .wasm (triggers + frequency + arbitration: what the widget links), whole-engine probe .wasm
// (plus audience rule parse + evaluation). See widget/src/probe.rs.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const [nativeJson, wasmJson, widgetWasm, clientWasm, probeWasm] = process.argv.slice(2);
const native = JSON.parse(nativeJson);
const wasm = JSON.parse(wasmJson);
const brotli = (f) => brotliCompressSync(readFileSync(f), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const widget = brotli(widgetWasm);
const client = brotli(clientWasm);
const probe = brotli(probeWasm);
const clientAdded = client - widget;
const added = probe - widget;
const fmt = (n) => n.toLocaleString('en-US');
const ok = (good) => (good ? 'ok' : 'MISS');

console.log('\nTargeting engine (20 rules × 200 visitors, 3 levels, 50 attributes, event counts, segments)');
const rows = [
  ['native evaluations/s', fmt(native.perSec), '≥ 10,000,000', ok(native.perSec >= 10_000_000)],
  ['wasm (Node) evaluations/s', fmt(wasm.perSec), '≥ 3,000,000', ok(wasm.perSec >= 3_000_000)],
  ['engine added to the widget', `${fmt(clientAdded)} B brotli`, '≤ 25 KB', ok(clientAdded <= 25 * 1024)],
  ['  whole engine, rules too', `${fmt(added)} B brotli`, '(no target)', ''],
];
for (const r of rows) console.log(`  ${r[0].padEnd(30)} ${r[1].padStart(16)}   target ${r[2].padEnd(14)} ${r[3]}`);
console.log(`  (widget ${fmt(widget)} B brotli; with the client path (triggers, frequency, arbitration, as the widget links it) ${fmt(client)} B; with the whole engine, audience rules too, ${fmt(probe)} B. Opencom's TypeScript evaluator: ~900,000 evaluations/s in Node.)`);

const file = 'tests/output/bench.json';
const report = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
report.targeting = {
  native, wasm, widgetBrotli: widget,
  withClientPathBrotli: client, clientPathAddedBrotli: clientAdded,
  withEngineBrotli: probe, engineAddedBrotli: added,
};
writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
