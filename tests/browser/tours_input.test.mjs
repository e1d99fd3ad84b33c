// Product tours, the page's commands and what authors can put in: startTour regardless of
// triggers but never of audience (and what debug says), hostile titles, bodies and selectors,
// video steps. (Showing, following, resuming and the keyboard: tours.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../lib/harness.mjs';
import { hostPage, hosts, open, sel, until, workspace } from '../lib/engage.mjs';
import { step, stepIs, tour, watchProgress } from '../lib/tours.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = (title, extra = {}) => ({ kind: 'post', title, body: `${title}, in words.`, ...extra });
async function visitor() {
  const o = await open();
  return { ...o, prog: watchProgress(o.page) };
}
const ready = (page) => page.waitForFunction(() => window.Porchlight?.l, null, { timeout: 15000 });
const startTour = (page, id) => page.evaluate((id) => window.Porchlight('startTour', id), id);

test('startTour starts a tour whose trigger never fires; one whose audience does not match shows nothing, and debug says why', async () => {
  const ws = await workspace();
  const waiting = await tour(ws, [post('Started')], { triggers: [{ type: 'event', name: 'never-sent' }] });
  const pro = await tour(ws, [post('For pro')], { audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' } });
  const { page, errors, prog, close } = await visitor();
  // Each `debug` table the runtime prints: rows {id, kind, state, why}.
  const tables = [];
  const warnings = [];
  page.on('console', async (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
    if (m.type() === 'table') tables.push(await m.args()[0].jsonValue().catch(() => []));
  });
  const row = (id) => tables.at(-1)?.find((r) => r.id === id);
  try {
    await page.goto(`${hostPage(ws.id)}?porchlight_debug=1`);
    await ready(page);
    await until(() => row(waiting), 'the waiting tour in the debug table', 10000);
    assert.deepEqual([row(waiting).state, row(waiting).why], ['trigger waiting', 'event']);
    assert.deepEqual(await hosts(page), [], 'neither shows by itself');

    // Not this visitor's audience: the edge refuses, nothing shows, debug (again) says why.
    const printed = tables.length;
    await startTour(page, pro);
    await until(() => tables.length > printed, 'debug printed again after the refusal', 5000);
    await sleep(1000);
    assert.deepEqual(await hosts(page), [], 'startTour on another audience shows nothing');
    assert.deepEqual(prog.list(pro, true), ['start'], 'asked once');
    assert.equal(prog.sent.find((x) => x.id === pro).status, 404);
    assert.ok(warnings.some((w) => w.includes('startTour: this tour is not offered to this visitor')), warnings.join('\n'));
    assert.equal(row(pro)?.why, 'the edge: audience');

    // Its trigger never fires: startTour starts it all the same.
    await startTour(page, waiting);
    await stepIs(page, waiting, 'Started');
    await until(() => prog.list(waiting).length === 1, 'the start');
    assert.deepEqual(prog.list(waiting, true), ['start']);
    // The browser's own log line for the refused POST is the only error.
    assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
  } finally {
    await close();
  }
});

test('hostile input: markup in a title or body is text, a broken or hostile selector never throws and follows the policy', async () => {
  const ws = { text: await workspace(), skip: await workspace(), center: await workspace() };
  const text = await tour(ws.text, [{ kind: 'post', title: '<img src=x onerror="window.pwned=1">Hello', body: '<script>window.pwned=2</script><b>bold</b> <iframe src="javascript:window.pwned=3"></iframe> **strong**' }]);
  const bad = ['div[', ':has(', '<img src=x onerror="window.pwned=4">', '#a >>> b', '*:nth-child(1n+)', ')'];
  const skip = await tour(ws.skip, [...bad.map((selector, i) => ({ title: `Bad ${i}`, body: 'x', selector, waitMs: 300 })), post('Made it')], { content: { missingTarget: 'skip' } });
  const center = await tour(ws.center, [{ title: 'Centred', body: 'x', selector: 'div[', waitMs: 300 }]);
  const { page, errors, prog, close } = await visitor();
  const pwned = () => page.evaluate(() => window.pwned);
  try {
    await page.goto(hostPage(ws.text.id));
    const s = await stepIs(page, text, '<img src=x onerror="window.pwned=1">Hello');
    assert.match(s.body, /<script>window.pwned=2<\/script><b>bold<\/b> <iframe/);
    const made = await page.evaluate((q) => [...document.querySelector(q).shadowRoot.querySelectorAll('dialog *')].map((e) => e.tagName.toLowerCase()), sel(text));
    for (const t of ['img', 'script', 'b', 'iframe']) assert.ok(!made.includes(t), `no <${t}> made: ${made}`);
    assert.ok(made.includes('strong'), 'the Markdown subset still works');
    assert.equal(await pwned(), undefined);

    await page.goto(hostPage(ws.skip.id));
    await stepIs(page, skip, 'Made it', 15000);
    await until(() => prog.list(skip).length === bad.length + 1, 'every skip stored');
    assert.deepEqual(prog.list(skip), ['start', ...bad.map((_, i) => `advance:${i + 1}`)]);

    await page.goto(hostPage(ws.center.id));
    const c = await stepIs(page, center, 'Centred');
    assert.equal(c.arrow, false);
    assert.ok(Math.abs(c.x + c.w / 2 - 640) <= 2, 'centred');
    assert.equal(await pwned(), undefined);
    assert.deepEqual(errors, [], 'nothing thrown into the page');
  } finally {
    await close();
  }
});

test('video steps: a YouTube link plays in a sandboxed youtube-nocookie iframe, an https .mp4 in <video controls>; anything else is refused when saved', async () => {
  const ws = await workspace();
  const id = await tour(ws, [
    { kind: 'video', title: 'Watch', body: 'Two minutes.', videoUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5s' },
    { kind: 'video', title: 'File', body: 'Or this.', videoUrl: 'https://cdn.acme.test/intro.mp4' },
  ]);
  const { context, page, errors, close } = await visitor();
  // No network here: the providers answer from the test.
  await context.route('https://www.youtube-nocookie.com/**', (r) => r.fulfill({ contentType: 'text/html', body: '<p>player</p>' }));
  await context.route('https://cdn.acme.test/**', (r) => r.fulfill({ status: 204 }));
  const media = () => page.evaluate((q) => {
    const d = document.querySelector(q).shadowRoot.querySelector('dialog[open]');
    return [...d.querySelectorAll('iframe,video')].map((e) => ({ tag: e.tagName.toLowerCase(), src: e.getAttribute('src'), sandbox: e.getAttribute('sandbox'), controls: e.hasAttribute('controls'), title: e.getAttribute('title') }));
  }, sel(id));
  try {
    await page.goto(hostPage(ws.id));
    assert.equal((await stepIs(page, id, 'Watch')).modal, true);
    const [yt] = await media();
    assert.equal(yt.tag, 'iframe');
    assert.equal(yt.src, 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', 'the embed URL built from the id, not the authored URL');
    assert.ok(yt.sandbox !== null && yt.sandbox.split(' ').includes('allow-scripts'), `sandboxed: ${yt.sandbox}`);
    assert.ok(!/allow-top-navigation|allow-popups|allow-forms/.test(yt.sandbox), yt.sandbox);
    // Its accessible name, from the catalog (the edge makes the element, the widget names it).
    assert.equal(yt.title, 'Video');
    await page.locator(`${sel(id)} dialog[open] [data-a="next"]`).click();
    await stepIs(page, id, 'File');
    assert.deepEqual(await media(), [{ tag: 'video', src: 'https://cdn.acme.test/intro.mp4', sandbox: null, controls: true, title: null }]);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
  for (const videoUrl of ['javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ', 'https://evil.test/watch?v=dQw4w9WgXcQ', 'http://cdn.acme.test/intro.mp4']) {
    const r = await call('POST', '/admin/v1/tours', { token: ws.key, body: { name: 'bad', content: { steps: [{ kind: 'video', body: 'x', videoUrl }] } } });
    assert.equal(r.status, 400, `${videoUrl}: ${r.text}`);
    assert.equal(r.body.error.path, '/content/steps/0/videoUrl', videoUrl);
  }
});
