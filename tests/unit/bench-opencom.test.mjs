// The side-by-side bench's arithmetic (tests/bench/opencom.mjs): what each widget is charged for
// and the ratios issue 16 names, from hand-made samples (no browser).
import test from 'node:test';
import assert from 'node:assert/strict';
import { sideFigures, ratios } from '../bench/opencom.mjs';

const KB = 1024;
/** One page load's sample, as tests/bench/browser.mjs `loadOnce` returns it. */
const run = ({ visibleAt = null, fcp = 100, heap, wasm = null, tasks = [], loaf = [], wire = 0 } = {}) => ({
  visibleAt,
  timeline: { fcp },
  heapUsed: heap,
  wasmMemory: wasm,
  longTasks: tasks,
  loaf,
  wire: { bytes: wire, fromServer: [] },
});
const frame = (...scripts) => ({ duration: 80, scripts: scripts.map(([url, duration]) => ({ url, duration, invoker: 'x' })) });

test("each widget is charged its page's heap over the page without a widget, and ours its WASM memory too", () => {
  const pairs = [0, 1, 2].map((i) => ({
    porchlight: run({ visibleAt: 200 + i, heap: 1000 * KB + i, wasm: 192 * KB, wire: 120 * KB }),
    opencom: run({ visibleAt: 400 + i, heap: 2700 * KB, wire: 180 * KB }),
    blank: run({ heap: 1000 * KB - 300 * KB }),
  }));
  const ours = sideFigures(pairs, 'porchlight');
  const theirs = sideFigures(pairs, 'opencom');
  assert.equal(ours.heapAddedBytes, 300 * KB + 1);
  assert.equal(ours.memoryBytes, 300 * KB + 1 + 192 * KB);
  assert.equal(theirs.wasmMemoryBytes, null);
  assert.equal(theirs.memoryBytes, 2000 * KB);
  const r = ratios(ours, theirs, pairs);
  assert.equal(r.memory, 0.25);
  assert.equal(r.launcher, 0.5);
  assert.equal(r.wire, 0.67);
  assert.equal(r.launcherFirstInPairs, 3);
});

test('a launcher that never shows counts against its widget, not as a fast run', () => {
  const pairs = [
    { porchlight: run({ visibleAt: 150, fcp: 200, heap: 1 }), opencom: run({ visibleAt: null, heap: 1 }), blank: run({ heap: 1 }) },
    { porchlight: run({ visibleAt: null, heap: 1 }), opencom: run({ visibleAt: 120, heap: 1 }), blank: run({ heap: 1 }) },
    { porchlight: run({ visibleAt: 300, fcp: 250, heap: 1 }), opencom: run({ visibleAt: 200, heap: 1 }), blank: run({ heap: 1 }) },
  ];
  const ours = sideFigures(pairs, 'porchlight');
  assert.equal(ours.shown, 2);
  assert.equal(ours.runs, 3);
  assert.equal(ours.launcherMedianMs, 225);
  // After the first contentful paint: 150 is before its FCP (0), 300 is 50 after its own.
  assert.equal(ours.afterFcpMedianMs, 25);
  // Ours first only where ours showed and Opencom's did not, or showed later.
  assert.equal(ratios(ours, sideFigures(pairs, 'opencom'), pairs).launcherFirstInPairs, 1);
});

test("long tasks are the page's over the page without a widget, and long frames name only the widget's own scripts", () => {
  const t = (duration) => ({ start: 0, duration });
  const pairs = [
    {
      porchlight: run({ heap: 1, tasks: [t(60)], loaf: [frame(['http://h/porchlight-widget.0123abcd.js', 30], ['http://h/site.js', 70])] }),
      opencom: run({ heap: 1, tasks: [t(60), t(90), t(70)], loaf: [frame(['http://h/opencom/v/1/widget.js', 88], ['http://h/porchlight.js', 5])] }),
      blank: run({ heap: 1, tasks: [t(55)] }),
    },
    { porchlight: run({ heap: 1 }), opencom: run({ heap: 1, tasks: [t(51)] }), blank: run({ heap: 1, tasks: [t(52)] }) },
  ];
  const ours = sideFigures(pairs, 'porchlight');
  const theirs = sideFigures(pairs, 'opencom');
  assert.deepEqual(ours.longTasks, { page: 1, blankPage: 2, attributable: 0, longestMs: 60 });
  assert.deepEqual(theirs.longTasks, { page: 4, blankPage: 2, attributable: 2, longestMs: 90 });
  assert.deepEqual(ours.widgetScripts, { inLongFrames: 1, over50ms: 0, longestMs: 30 });
  assert.deepEqual(theirs.widgetScripts, { inLongFrames: 1, over50ms: 1, longestMs: 88, long: [{ file: 'widget.js', invoker: 'x', ms: 88 }] });
  // A browser without the longtask entry type: not measured, rather than zero.
  pairs[1].blank.longTasks = null;
  assert.equal(sideFigures(pairs, 'opencom').longTasks, undefined);
});
