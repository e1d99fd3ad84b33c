// The tour tests' kit (on top of tests/lib/engage.mjs): authoring a tour, the progress the page
// sends, what the edge stored, and the step on screen.
import assert from 'node:assert/strict';
import { call } from './harness.mjs';
import { author, sel, until } from './engage.mjs';

/** Authors and activates a tour of `steps`; `content` adds to its content (missingTarget…). */
const tour = (ws, steps, { content = {}, ...extra } = {}) =>
  author(ws, 'tours', { name: 'tour', content: { steps, ...content }, ...extra });

/**
 * Before the loader: a queue for commands, and the page events it records in `window.__ev`
 * (`tourCompleted:<id>`, `contentDismissed:<id>:<kind>`).
 */
const EVENTS = `<script>window.Porchlight=function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};window.__ev=[];
  Porchlight('on','tourCompleted',function(e){__ev.push('tourCompleted:'+e.id)});
  Porchlight('on','contentDismissed',function(e){__ev.push('contentDismissed:'+e.id+':'+e.kind)});</script>`;

const PROGRESS = /^\/v1\/tours\/([^/]+)\/progress$/;
/**
 * Every `POST /v1/tours/{id}/progress` the page sends, with the edge's answer status once it
 * came and the progress it stored: `{id, action, step, url, token, status, stored}`. `list(id)` gives `action[:step]` of the
 * accepted ones (what changed the stored progress).
 */
function watchProgress(page) {
  const sent = [];
  const by = new Map();
  page.on('request', (r) => {
    const m = r.method() === 'POST' && new URL(r.url()).pathname.match(PROGRESS);
    if (!m) return;
    const x = { id: decodeURIComponent(m[1]), ...JSON.parse(r.postData()), token: r.headers().authorization?.slice(7), status: 0 };
    sent.push(x);
    by.set(r, x);
  });
  page.on('response', async (r) => {
    const x = by.get(r.request());
    if (!x) return;
    const p = (await r.json().catch(() => null))?.progress;
    if (p) x.stored = { state: p.state, step: p.step, checkpoint: p.checkpoint };
    x.status = r.status();
  });
  page.on('requestfailed', (r) => { const x = by.get(r); if (x) x.status = -1; });
  const list = (id, all = false) => sent.filter((x) => x.id === id && (all || (x.status >= 200 && x.status < 300)))
    .map((x) => (x.step === undefined ? x.action : `${x.action}:${x.step}`));
  /** Waits until `id`'s accepted progress is `want` (and stays so for a moment), all answered. */
  const expect = async (id, want, what = '') => {
    const ok = () => sent.every((x) => x.status !== 0) && JSON.stringify(list(id)) === JSON.stringify(want);
    await until(ok, `progress ${JSON.stringify(want)} of ${id}, have ${JSON.stringify(list(id, true))} ${what}`, 8000).catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    const all = sent.filter((x) => x.id === id).map((x) => `${x.action}${x.step === undefined ? '' : `:${x.step}`}=${x.status}`);
    assert.deepEqual(list(id), want, `accepted progress POSTs ${what} (all sent, with their status: ${all.join(' ')})`);
  };
  /** The progress the edge stored with `id`'s last accepted POST. */
  const stored = (id) => sent.findLast((x) => x.id === id && x.stored)?.stored;
  return { sent, list, expect, stored };
}

/**
 * What the edge stored of tour `id` for this visitor, on `url`: its progress while it is offered
 * (`{state, step, checkpoint}`), else `{skipped: reason}` (debug answer), else null.
 */
async function edgeProgress(prog, id, url) {
  const token = prog.sent.findLast((x) => x.token)?.token;
  assert.ok(token, 'a visitor token (from a progress POST)');
  const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(url)}&debug=1`, { token });
  assert.equal(r.status, 200, r.text);
  const t = r.body.tours.find((x) => x.id === id);
  if (t) return t.progress && { state: t.progress.state, step: t.progress.step, checkpoint: t.progress.checkpoint };
  const s = r.body.skipped?.find((x) => x.id === id);
  return s ? { skipped: s.reason } : null;
}

/** The step of tour `id` on screen (an open dialog in its shadow root), or null. */
const step = (page, id) => page.evaluate((s) => {
  const d = document.querySelector(s)?.shadowRoot?.querySelector('dialog[open]');
  if (!d || !d.checkVisibility()) return null;
  const r = d.getBoundingClientRect();
  return {
    title: d.querySelector('.pt')?.textContent ?? null, body: d.querySelector('.bd')?.textContent ?? '',
    cls: d.className, modal: d.matches(':modal'), arrow: !!d.querySelector('.ar'),
    progress: d.querySelector('.pg')?.textContent ?? '', buttons: [...d.querySelectorAll('[data-a]')].map((b) => b.dataset.a),
    x: r.x, y: r.y, w: r.width, h: r.height,
  };
}, sel(id));
/** Waits for the step titled `title` (null: for no step at all). */
const stepIs = (page, id, title, timeout = 10000) => until(async () => {
  const s = await step(page, id);
  return title === null ? !s : s?.title === title && s;
}, `step ${JSON.stringify(title)} of ${id}`, timeout);
const press = (page, id, action) => page.locator(`${sel(id)} dialog[open] [data-a="${action}"]`).click();

export { EVENTS, edgeProgress, press, step, stepIs, tour, watchProgress };
