// Porchlight for bundlers: typed functions that forward to the `window.Porchlight` command
// queue. `load()` adds the script tag once; every other call is queued until the widget runs,
// so they may come before, during or after loading, in any framework's lifecycle. Nothing here
// throws into the page: without a browser (server-side rendering) every call does nothing.

const w = typeof window === 'undefined' ? undefined : window;

/** The queue (or, once the widget runs, its dispatcher). */
function porchlight() {
  if (!w) return undefined;
  if (typeof w.Porchlight !== 'function') {
    const queue = function () {
      queue.q.push(arguments);
    };
    queue.q = [];
    w.Porchlight = queue;
  }
  return w.Porchlight;
}

function call(...args) {
  try {
    const p = porchlight();
    if (p) p(...args);
  } catch (e) {
    try {
      console.warn('Porchlight:', e);
    } catch (_) {}
  }
}

/**
 * Adds `<script async src=… data-workspace=…>` once (a second call, or a tag already on the
 * page, adds nothing). `src` is your edge's `/porchlight.js`.
 */
export function load(options) {
  if (!w || !options || typeof options.src !== 'string') return;
  porchlight();
  const d = w.document;
  if (d.querySelector('script[data-porchlight]') || (w.Porchlight && w.Porchlight.l)) return;
  const s = d.createElement('script');
  s.async = true;
  s.src = options.src;
  s.setAttribute('data-porchlight', '');
  if (options.workspaceId) s.dataset.workspace = options.workspaceId;
  if (options.apiBase) s.dataset.api = options.apiBase;
  if (options.nonce) s.nonce = options.nonce;
  d.head.appendChild(s);
}

export const boot = (settings) => call('boot', settings);
export const update = (attributes) => call('update', attributes);
export const identify = (identity) => call('identify', identity);
export const track = (name, properties) => call('track', name, properties);
export const show = () => call('show');
export const hide = () => call('hide');
export const showMessages = () => call('showMessages');
export const showNewMessage = (text) => call('showNewMessage', text);
export const showArticle = (id) => call('showArticle', id);
export const startTour = (id) => call('startTour', id);
export const startSurvey = (id) => call('startSurvey', id);
export const startChecklist = (id) => call('startChecklist', id);
export const debug = () => call('debug');
export const shutdown = () => call('shutdown');
export const on = (event, handler) => call('on', event, handler);
export const off = (event, handler) => call('off', event, handler);
