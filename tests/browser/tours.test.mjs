// Product tours (widget/tour, widget/engage/src/tours.rs) as a visitor meets them: tours authored
// through the admin API, a real host page in headless Chromium against the live edge. Late,
// missing and vanishing elements; multi-page resumption; each button and key changing the
// stored progress exactly once. (startTour, debug, hostile input and video: tours_input.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAIN, focused, hostPage, open, sel, tabTo, until, workspace } from '../lib/engage.mjs';
import { EVENTS, edgeProgress, press, step, stepIs, tour, watchProgress } from '../lib/tours.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = (title, extra = {}) => ({ kind: 'post', title, body: `${title}, in words.`, ...extra });
const pointer = (title, selector, extra = {}) => ({ kind: 'pointer', title, body: `${title}, over there.`, selector, ...extra });
/** An open page of a fresh visitor, with its progress POSTs watched. */
async function visitor() {
  const o = await open();
  return { ...o, prog: watchProgress(o.page) };
}

test('a target inserted 1.5 s after load shows its step within 100 ms of appearing', async (tc) => {
  const ws = await workspace();
  const id = await tour(ws, [pointer('Late', '#late'), post('After')]);
  // In the page: when the element went in, and the first frame the step is open and visible.
  const head = `<script>(function poll(){var d=document.querySelector('[data-porchlight-item]');d=d&&d.shadowRoot&&d.shadowRoot.querySelector('dialog[open]');
    if(d&&d.checkVisibility()){window.__shownAt=performance.now();return}requestAnimationFrame(poll)})()</script>`;
  const script = `addEventListener('load',function(){setTimeout(function(){var b=document.createElement('button');b.id='late';b.textContent='Export';
    document.querySelector('main').append(b);window.__insertedAt=performance.now();window.__waiting=!!document.querySelector('[data-porchlight-item]')},1500)})`;
  const { page, errors, close } = await visitor();
  try {
    await page.goto(hostPage(ws.id, { head, script }));
    await until(() => page.evaluate(() => window.__shownAt), 'the step', 15000);
    const t = await page.evaluate(() => ({ inserted: window.__insertedAt, shown: window.__shownAt, waiting: window.__waiting }));
    assert.ok(t.inserted, 'the element went in before the step showed');
    assert.ok(t.waiting, 'the tour was already waiting for its element when it came (else this measures loading)');
    const lag = t.shown - t.inserted;
    tc.diagnostic(`step shown ${lag.toFixed(1)} ms after its element appeared`);
    assert.ok(lag >= 0 && lag <= 100, `shown ${lag.toFixed(1)} ms after the element appeared`);
    const s = await step(page, id);
    assert.equal(s.title, 'Late');
    assert.equal(s.arrow, true, 'anchored, with its arrow');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a missing target follows the tour\'s policy after waitMs: centre, skip, end', async () => {
  const steps = [pointer('Missing', '#nowhere', { waitMs: 800 }), post('Second')];
  const wss = { center: await workspace(), skip: await workspace(), end: await workspace() };
  const ids = {};
  for (const [policy, ws] of Object.entries(wss)) ids[policy] = await tour(ws, steps, { content: { missingTarget: policy } });
  const { page, errors, prog, close } = await visitor();
  try {
    // centre: the step itself, in the middle of the viewport, without an arrow, after waitMs.
    await page.goto(hostPage(wss.center.id));
    await page.waitForSelector(sel(ids.center), { state: 'attached', timeout: 15000 });
    const hostAt = Date.now();
    const c = await stepIs(page, ids.center, 'Missing');
    assert.ok(Date.now() - hostAt >= 600, `it waited for the element first (${Date.now() - hostAt} ms)`);
    assert.equal(c.arrow, false, 'no arrow: it points at nothing');
    assert.ok(Math.abs(c.x + c.w / 2 - 640) <= 2 && Math.abs(c.y + c.h / 2 - 400) <= 2, `centred: ${JSON.stringify(c)}`);
    await prog.expect(ids.center, ['start']);

    // skip: on to step 2, stored at the edge as step 1.
    const skipUrl = hostPage(wss.skip.id);
    await page.goto(skipUrl);
    await stepIs(page, ids.skip, 'Second');
    await prog.expect(ids.skip, ['start', 'advance:1']);
    assert.deepEqual(await edgeProgress(prog, ids.skip, skipUrl), { state: 'in_progress', step: 1, checkpoint: null });

    // end: the tour ends (dismissed at the edge) and does not come back on a reload.
    const endUrl = hostPage(wss.end.id);
    await page.goto(endUrl);
    await page.waitForSelector(sel(ids.end), { state: 'attached', timeout: 15000 });
    await page.waitForSelector(sel(ids.end), { state: 'detached', timeout: 5000 });
    await prog.expect(ids.end, ['start', 'dismiss']);
    assert.deepEqual(await edgeProgress(prog, ids.end, endUrl), { skipped: 'dismissed' });
    await page.reload();
    await page.waitForFunction(() => window.Porchlight?.l, null, { timeout: 15000 });
    await sleep(1500);
    assert.equal(await page.locator(sel(ids.end)).count(), 0, 'not shown again');
    assert.equal(await step(page, ids.end), null);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the target removed mid-step: the step goes, and comes back when the element does', async () => {
  const ws = await workspace();
  const id = await tour(ws, [pointer('Here', '#page-btn', { waitMs: 3000 }), post('Next one')]);
  const { page, errors, prog, close } = await visitor();
  try {
    await page.goto(hostPage(ws.id));
    await stepIs(page, id, 'Here');
    await page.evaluate(() => { window.__btn = document.getElementById('page-btn'); window.__btn.remove(); });
    await stepIs(page, id, null, 2000);
    await sleep(500);
    assert.equal(await step(page, id), null, 'still gone while the element is');
    await page.evaluate(() => document.querySelector('main p:last-child').prepend(window.__btn));
    const s = await stepIs(page, id, 'Here', 2000);
    assert.equal(s.arrow, true, 'anchored to it again');
    const b = await page.locator('#page-btn').boundingBox();
    assert.ok(s.y >= b.y + b.height || s.y + s.h <= b.y || s.x >= b.x + b.width || s.x + s.w <= b.x, 'beside the element, not over it');
    await prog.expect(id, ['start'], '(the tour did not move)');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
