// Whose long tasks are (tests/bench/browser.mjs attributeLongTasks, causedLongTasks): the scripts
// Chromium names in long animation frames, cut to each task's span, from hand-made entries (no
// browser).
import test from 'node:test';
import assert from 'node:assert/strict';
import { attributeLongTasks, causedLongTasks } from '../bench/browser.mjs';
import { sideFigures } from '../bench/opencom.mjs';

const OURS = /\/porchlight[^/]*$/;
const task = (start, duration) => ({ start, duration });
const script = (url, start, duration, invoker = 'x', layout = 0) => ({ url, invoker, start, duration, layout });
const frame = (...scripts) => ({ duration: 100, scripts });

test("a long task is the widget's when it would not have been long without the widget's scripts in it", () => {
  const tasks = [task(100, 80), task(300, 120), task(500, 90), task(700, 70)];
  const loaf = [
    frame(script('http://h/porchlight-engage.0123abcdef.js', 110, 40, 'TimerHandler:setTimeout')),
    frame(script('http://h/site.js', 300, 100, 'x', 3)),
    // Ours 30 ms of a 90 ms task: the rest (60 ms) is long by itself.
    frame(script('http://h/porchlight.js', 500, 30), script('http://h/site.js', 530, 55)),
    // A script that started before the task: only its part inside counts.
    frame(script('http://h/porchlight-widget.0123abcdef.js', 650, 80, 'Response.json.then')),
  ];
  const rows = attributeLongTasks(tasks, loaf, OURS);
  assert.deepEqual(rows.map((r) => r.widget), [true, false, false, true]);
  assert.deepEqual(rows.map((r) => r.widgetMs), [40, 0, 30, 30]);
  assert.deepEqual(rows[0].scripts, ['porchlight-engage.0123abcdef.js TimerHandler:setTimeout 40 ms']);
  assert.deepEqual(rows[1].scripts, ['site.js x 100 ms (layout 3 ms)']);
  assert.deepEqual(rows[3].scripts, ['porchlight-widget.0123abcdef.js Response.json.then 30 ms']);
});

test('a task with no script named (parsing, layout) is nobody\'s; a script outside every task is no task\'s', () => {
  const rows = attributeLongTasks([task(0, 200)], [frame(script('http://h/porchlight.js', 300, 60))], OURS);
  assert.deepEqual(rows, [{ startMs: 0, durationMs: 200, widgetMs: 0, widget: false, scripts: [] }]);
  assert.deepEqual(attributeLongTasks([], [frame(script('http://h/porchlight.js', 0, 90))], OURS), []);
});

test('over runs: the widget\'s tasks with their run; not measured when a run could not observe them', () => {
  const runs = [
    { longTasks: [task(10, 60)], loaf: [frame(script('http://h/porchlight.js', 10, 58))] },
    { longTasks: [], loaf: [] },
    { longTasks: [task(5, 61), task(90, 55)], loaf: [frame(script('http://h/app.js', 5, 60)), frame(script('http://h/porchlight-widget.0a.js', 90, 20))] },
  ];
  const c = causedLongTasks(runs, OURS);
  assert.equal(c.count, 2);
  assert.deepEqual(c.tasks.map((t) => [t.run, t.startMs]), [[1, 10], [3, 90]]);
  assert.equal(causedLongTasks([...runs, { longTasks: [], loaf: null }], OURS), null);
});

test('the side-by-side run charges each widget the long tasks its own scripts made long', () => {
  const run = (tasks, loaf) => ({ visibleAt: 100, timeline: { fcp: 50 }, heapUsed: 1, longTasks: tasks, loaf, wire: { bytes: 0, fromServer: [] } });
  const pairs = [
    {
      porchlight: run([task(0, 70)], [frame(script('http://h/site.js', 0, 65), script('http://h/porchlight.js', 65, 5))]),
      opencom: run([task(0, 90)], [frame(script('http://h/opencom/v/1/widget.js', 0, 88))]),
      blank: run([], []),
    },
  ];
  assert.equal(sideFigures(pairs, 'porchlight').causedLongTasks.count, 0);
  assert.equal(sideFigures(pairs, 'opencom').causedLongTasks.count, 1);
});
