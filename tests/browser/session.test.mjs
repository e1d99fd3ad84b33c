// Session upkeep in a real browser against the real edge: the token is rotated before it
// expires, and a tab that slept past expiry (Opencom bug 14) re-boots transparently — same
// visitor, and the call that found the token dead goes through.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { BASE, createWorkspace } from '../lib/harness.mjs';

/** A host page for `workspaceId` on its own loopback port. */
async function hostPage(workspaceId, head = '') {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title><link rel="icon" href="data:,">${head}</head><body><main><h1>Host</h1></main>
      <script>window.Porchlight=function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};Porchlight('on','ready',function(v){window.__ready=v})</script>
      <script async src="${BASE}/porchlight.js" data-workspace="${workspaceId}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}/`;
}

const stored = (page, ws) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null'), `porchlight:${ws}`);

test('the widget rotates its token before it expires (refresh at < 25 % left)', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 4000 }); // the test deployment allows ≥ 1 s
  const url = await hostPage(ws.id);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/v1/session/refresh'), { timeout: 10000 });
    await page.goto(url);
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    const first = await stored(page, ws.id);
    const visitor = await page.evaluate(() => window.__ready.id);
    const res = await refreshed;
    assert.equal(res.status(), 200);
    const waitedMs = (await res.json()).expiresAt - first.expiresAt;
    assert.ok(waitedMs >= 2500, `refreshed only once 75 % of the lifetime had passed (${waitedMs} ms later)`);
    await page.waitForFunction(([k, t]) => JSON.parse(localStorage.getItem(k)).token !== t, [`porchlight:${ws.id}`, first.token]);
    const second = await stored(page, ws.id);
    assert.ok(second.expiresAt > first.expiresAt);
    // The old token is dead at the edge; the visitor is the same.
    const old = await fetch(`${BASE}/v1/identify`, { method: 'POST', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(old.status, 401);
    const now = await fetch(`${BASE}/v1/identify`, { method: 'POST', headers: { authorization: `Bearer ${second.token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal((await now.json()).visitor.id, visitor);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a tab asleep past token expiry re-boots transparently on the next call (Opencom bug 14)', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 1500 });
  const url = await hostPage(ws.id);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const apiCalls = [];
    page.on('request', (r) => { if (r.url().includes('/v1/')) apiCalls.push({ at: Date.now(), path: new URL(r.url()).pathname }); });
    // The page's clock is ours: its timers only run when we let them, as in a laptop that
    // slept with the tab open.
    await page.clock.install({ time: Date.now() });
    await page.goto(url);
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    const visitor = await page.evaluate(() => window.__ready.id);
    const first = await stored(page, ws.id);
    // Pause a moment ahead of the page's own clock (pausing in its past is refused).
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 200);
    const asleepAt = Date.now();
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(apiCalls.filter((c) => c.at > asleepAt), [], 'the sleeping tab made no call (its refresh timer never ran)');
    const dead = await fetch(`${BASE}/v1/identify`, { method: 'POST', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(dead.status, 401, 'the token it holds has expired at the edge');
    // Wake up: the clock jumps to now and runs again (the overdue refresh timer may fire too).
    await page.clock.setSystemTime(Date.now());
    await page.clock.resume();
    // The next call must work: the widget notices, boots again with its sessionId, retries.
    const identify = page.waitForResponse((r) => r.url().endsWith('/v1/identify') && r.status() === 200, { timeout: 15000 });
    await page.evaluate(() => window.Porchlight('update', { afterSleep: true }));
    const body = await (await identify).json();
    assert.equal(body.visitor.id, visitor, 'the same visitor, not a stranger');
    assert.equal(body.visitor.attributes.afterSleep, true, 'the update was applied');
    const second = await stored(page, ws.id);
    assert.notEqual(second.token, first.token);
    assert.equal(second.sessionId, first.sessionId);
  } finally {
    await close();
  }
});

test('a re-boot after the token died keeps the language the page asked for, not the browser\'s', async () => {
  const ws = await createWorkspace({ sessionLifetimeMs: 1500 });
  // An English browser on a page that asks for French.
  const url = await hostPage(ws.id, '<script>window.porchlightSettings={locale:"fr"}</script>');
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const boots = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/v1/boot') boots.push(JSON.parse(r.postData() ?? '{}')); });
    const label = () => page.evaluate(() => document.querySelector('#porchlight-root:not([data-early])')?.shadowRoot?.querySelector('button.l')?.getAttribute('aria-label'));
    await page.clock.install({ time: Date.now() });
    await page.goto(url);
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    await page.waitForFunction(() => document.querySelector('#porchlight-root:not([data-early])')?.shadowRoot?.querySelector('button.l'), null, { timeout: 15000 });
    assert.equal(await label(), 'Ouvrir la messagerie');
    const first = await stored(page, ws.id);
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 200);
    await new Promise((r) => setTimeout(r, 2500));
    const dead = await fetch(`${BASE}/v1/identify`, { method: 'POST', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(dead.status, 401, 'the token it holds has expired at the edge');
    const before = boots.length;
    await page.clock.setSystemTime(Date.now());
    await page.clock.resume();
    const identify = page.waitForResponse((r) => r.url().endsWith('/v1/identify') && r.status() === 200, { timeout: 15000 });
    await page.evaluate(() => window.Porchlight('update', { afterSleep: true }));
    await identify;
    const again = boots.slice(before);
    assert.ok(again.length >= 1, 'it booted again');
    assert.deepEqual(again.map((b) => b.locale), again.map(() => 'fr'), 'each re-boot asks for French');
    assert.equal(await label(), 'Ouvrir la messagerie', 'the launcher still speaks French');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
