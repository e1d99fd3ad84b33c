// The npm module (widget/npm): calls made before the widget runs are queued in order for it,
// calls after go straight to its dispatcher, load() adds one script tag, and nothing throws
// into the app — also where there is no browser (server-side rendering).
import { test } from 'node:test';
import assert from 'node:assert/strict';

/** A minimal DOM: enough for load() (querySelector, createElement, head.appendChild). */
function fakeWindow() {
  const scripts = [];
  const document = {
    head: { appendChild: (el) => scripts.push(el) },
    createElement: () => ({ dataset: {}, attrs: {}, setAttribute(k, v) { this.attrs[k] = v; } }),
    querySelector: (sel) => (sel === 'script[data-porchlight]' ? scripts.find((s) => 'data-porchlight' in s.attrs) ?? null : null),
  };
  return { document, scripts };
}

test('without a browser every call does nothing and throws nothing', async () => {
  delete globalThis.window;
  const P = await import(`../../widget/npm/index.js?ssr=${Date.now()}`);
  assert.doesNotThrow(() => {
    P.load({ src: 'https://e.example/porchlight.js', workspaceId: 'ws_1' });
    P.boot({ workspaceId: 'ws_1' });
    P.track('x');
  });
});

test('calls before the widget are queued in order; load adds one script tag', async () => {
  const w = fakeWindow();
  globalThis.window = w;
  const P = await import(`../../widget/npm/index.js?queue=${Date.now()}`);
  P.boot({ workspaceId: 'ws_1', userId: 'u_1' });
  P.track('signed_up', { plan: 'pro' });
  P.load({ src: 'https://e.example/porchlight.js', workspaceId: 'ws_1', nonce: 'n0' });
  P.load({ src: 'https://e.example/porchlight.js', workspaceId: 'ws_1' });
  assert.equal(w.scripts.length, 1, 'one tag, however often load() is called');
  assert.equal(w.scripts[0].src, 'https://e.example/porchlight.js');
  assert.equal(w.scripts[0].async, true);
  assert.equal(w.scripts[0].dataset.workspace, 'ws_1');
  assert.equal(w.scripts[0].nonce, 'n0');
  const q = w.Porchlight.q.map((args) => [...args]);
  assert.deepEqual(q, [['boot', { workspaceId: 'ws_1', userId: 'u_1' }], ['track', 'signed_up', { plan: 'pro' }]]);

  // The widget takes over (as the loader does): later calls reach its dispatcher directly.
  const seen = [];
  w.Porchlight = (...args) => seen.push(args);
  const handler = () => {};
  P.on('ready', handler);
  P.startTour('tur_1');
  assert.deepEqual(seen, [['on', 'ready', handler], ['startTour', 'tur_1']]);

  // A dispatcher that throws does not throw into the app.
  w.Porchlight = () => { throw new Error('boom'); };
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.doesNotThrow(() => P.hide());
  } finally {
    console.warn = warn;
    delete globalThis.window;
  }
});
