// The messenger (live chat) is a second WASM module the widget loads only when it is needed:
// a stranger's page never downloads it nor opens a socket until the panel opens; a visitor who
// has a conversation — on this browser or another — gets it at boot, so a reply reaches the
// badge with the panel never opened; a failed download leaves the launcher working, warns once
// and is tried again on the next open, and what was typed meanwhile is sent then.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, watchErrors, outputPath } from '../lib/browser.mjs';
import WebSocket from 'ws';
import { BASE, call, createWorkspace, userHash } from '../lib/harness.mjs';

// The messenger's glue and WASM, named after their content by the build (porchlight-messenger.<hash>.js,
// porchlight-messenger_bg.<hash>.wasm); `seen.messenger` records which of the two: 'js' / 'wasm'.
const MESSENGER = /\/porchlight-messenger(_bg)?\.[0-9a-f]+\.(js|wasm)(\?|$)/;
const launcher = (page) => page.getByRole('button', { name: /^Open messenger/ });
const composer = (page) => page.getByRole('textbox', { name: 'Write a message…' });
// The launcher opens on Home; the conversation is one tab away.
const messagesTab = (page) => page.getByRole('tab', { name: 'Messages' });
const log = (page) => page.getByRole('log', { name: 'Conversation' });

/** What the page fetched of the messenger, and the sockets it opened. */
function watchLoads(page) {
  const seen = { messenger: [], sockets: [] };
  page.on('request', (r) => { const m = MESSENGER.exec(r.url()); if (m) seen.messenger.push(m[2]); });
  page.on('websocket', (ws) => seen.sockets.push(new URL(ws.url()).pathname));
  return seen;
}

/** A host page of `ws` on its own loopback port; `settings` become window.porchlightSettings. */
async function hostPage(ws, settings = {}) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title><link rel="icon" href="data:,"></head><body><main><h1>Host</h1></main>
      <script>window.porchlightSettings=${JSON.stringify({ workspaceId: ws, ...settings })};
      window.Porchlight=function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};window.__unread=[];
      Porchlight('on','ready',function(v){window.__ready=v});Porchlight('on','unreadCountChange',function(n){window.__unread.push(n)})</script>
      <script async src="${BASE}/porchlight.js" data-workspace="${ws}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}/`;
}

test('a stranger loads no messenger and opens no socket until the panel opens', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const seen = watchLoads(page);
    const checked = page.waitForResponse((r) => r.url().endsWith('/v1/conversations'));
    // A workspace of its own: the demo's inbox is shared with the chat tests running alongside.
    await page.goto(await hostPage((await createWorkspace()).id));
    await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
    // After boot the widget asks once whether the visitor has a conversation elsewhere.
    assert.equal((await checked).status(), 200);
    await page.waitForTimeout(500);
    assert.deepEqual(seen.messenger, [], 'nothing of the messenger before the panel opens');
    assert.deepEqual(seen.sockets, [], 'no live socket for a visitor without a conversation');
    await launcher(page).click();
    await messagesTab(page).click();
    await composer(page).fill('Hello from a stranger');
    await composer(page).press('Enter');
    await log(page).locator('li[data-seq]').filter({ hasText: 'Hello from a stranger' }).waitFor({ timeout: 10000 });
    assert.deepEqual([...new Set(seen.messenger)].sort(), ['js', 'wasm']);
    // The socket opens once its ticket is back (a round trip of its own).
    for (let i = 0; i < 40 && seen.sockets.length === 0; i++) await page.waitForTimeout(250);
    assert.deepEqual(seen.sockets, ['/v1/live']);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a visitor with a conversation gets the messenger at boot, on this browser and another: replies reach the badge', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  assert.equal(mate.status, 201, mate.text);
  const url = await hostPage(ws.id, { userId: 'u_split', userHash: userHash(ws.secret, 'u_split') });
  const reply = async (body) => {
    const inbox = await call('GET', '/admin/v1/conversations', { token: mate.body.key });
    const r = await call('POST', `/admin/v1/conversations/${inbox.body.conversations[0].id}/messages`, { token: mate.body.key, body: { clientId: crypto.randomUUID(), body } });
    assert.equal(r.status, 201, r.text);
  };
  const laptop = await freshContext();
  const phone = await freshContext();
  try {
    const page = await laptop.context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    await launcher(page).click();
    await messagesTab(page).click();
    await composer(page).fill('Started on the laptop');
    await composer(page).press('Enter');
    await log(page).locator('li[data-seq]').filter({ hasText: 'Started on the laptop' }).waitFor({ timeout: 10000 });

    // Reloaded, the panel never opened: this browser knows, so the messenger comes with boot.
    const seen = watchLoads(page);
    await page.reload();
    await page.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    await page.waitForFunction(() => document.getElementById('porchlight-root')?.shadowRoot?.querySelector('.cv'), null, { timeout: 10000 });
    assert.ok(seen.messenger.includes('wasm'));
    for (let i = 0; i < 40 && !seen.sockets.length; i++) await page.waitForTimeout(250);
    assert.deepEqual(seen.sockets, ['/v1/live']);
    await reply('A reply while the panel is closed');
    await page.getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ timeout: 10000 });
    assert.deepEqual(await page.evaluate(() => window.__unread), [1]);

    // Another browser of the same person: nothing stored there, the edge says there is a
    // conversation, and the messenger comes.
    const other = await phone.context.newPage();
    const otherErrors = watchErrors(other);
    const otherSeen = watchLoads(other);
    await other.goto(url);
    await other.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    for (let i = 0; i < 40 && !otherSeen.sockets.length; i++) await other.waitForTimeout(250);
    assert.ok(otherSeen.messenger.includes('wasm'));
    assert.deepEqual(otherSeen.sockets, ['/v1/live']);
    await other.getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ timeout: 10000 });
    await reply('And another one');
    await other.getByRole('button', { name: 'Open messenger, 2 unread' }).waitFor({ timeout: 10000 });
    assert.deepEqual(await other.evaluate(() => window.__unread), [1, 2]);
    assert.deepEqual(errors, []);
    assert.deepEqual(otherErrors, []);
  } finally {
    await laptop.close();
    await phone.close();
  }
});

test('a failed messenger download: the launcher works, one warning, tried again on the next open, the typed message is sent', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning' && /Porchlight/.test(m.text())) warnings.push(m.text()); });
    await context.route(MESSENGER, (r) => r.abort());
    // A workspace of its own: the demo's inbox is shared with the chat tests running alongside.
    await page.goto(await hostPage((await createWorkspace()).id));
    await launcher(page).click();
    await page.getByRole('status').filter({ hasText: 'Messages could not load' }).waitFor({ timeout: 10000 });
    await composer(page).fill('Typed while it could not load');
    await composer(page).press('Enter');
    await page.waitForTimeout(500);
    assert.equal(await composer(page).inputValue(), 'Typed while it could not load', 'what was typed stays');
    await page.screenshot({ path: outputPath('messenger-failed.png') });
    // The launcher and the panel keep working.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await launcher(page).click();
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /could not load the messenger/);

    await context.unroute(MESSENGER);
    await launcher(page).click();
    await log(page).locator('li[data-seq]').filter({ hasText: 'Typed while it could not load' }).waitFor({ timeout: 15000 });
    assert.equal(await composer(page).inputValue(), '');
    assert.equal(await page.getByRole('status').filter({ hasText: 'could not load' }).count(), 0);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_FAILED/.test(e)), []);
  } finally {
    await close();
  }
});

test('a messenger download that failed is tried again when the browser comes back online, and the waiting send goes out', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    let refused = 0;
    await context.route(MESSENGER, (r) => { refused++; return r.abort(); });
    // A workspace of its own: the demo's inbox is shared with the chat tests running alongside.
    await page.goto(await hostPage((await createWorkspace()).id));
    await launcher(page).click();
    await page.getByRole('status').filter({ hasText: 'Messages could not load' }).waitFor({ timeout: 10000 });
    await composer(page).fill('Sent once the network is back');
    const before = refused;
    await composer(page).press('Enter');
    // The send tries the download again; let that attempt fail too, so only coming back online
    // can bring the messenger.
    for (let i = 0; i < 40 && refused === before; i++) await page.waitForTimeout(100);
    assert.ok(refused > before, 'the send asked for the messenger again');
    await page.waitForTimeout(300);
    assert.equal(await log(page).locator('li[data-seq]').count(), 0, 'nothing sent while the messenger cannot load');
    await context.setOffline(true);
    await context.unroute(MESSENGER);
    await context.setOffline(false);
    await log(page).locator('li[data-seq]').filter({ hasText: 'Sent once the network is back' }).waitFor({ timeout: 15000 });
    assert.equal(await composer(page).inputValue(), '');
  } finally {
    await close();
  }
});

test('office hours come with the messenger: the open panel says when the team replies', async () => {
  const ws = await createWorkspace({ messenger: { welcomeMessage: 'Welcome to the shop' } });
  const officeHours = { timeZone: 'Pacific/Auckland', hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], open: '00:00', close: '24:00' }], replyTime: 'minutes' };
  const r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { officeHours } });
  assert.equal(r.status, 200, r.text);
  const url = await hostPage(ws.id);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    await launcher(page).click();
    await messagesTab(page).click();
    // In the conversation (Home says it too: see spaces.test.mjs).
    const line = page.getByRole('tabpanel', { name: 'Messages' }).getByText('The team typically replies in a few minutes.');
    await line.waitFor({ timeout: 10000 });
    // Below the welcome message, above the (empty) conversation: nothing already shown moves.
    const order = await page.evaluate(() => [...document.getElementById('porchlight-root').shadowRoot.querySelector('.b').children].map((e) => e.className));
    assert.ok(order.indexOf('m') < order.indexOf('av') && order.indexOf('av') < order.indexOf('e'), order.join(','));
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('one socket per browser: tabs share it, stay in sync, and the next tab takes over when it closes', async () => {
  const ws = await createWorkspace();
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  assert.equal(mate.status, 201, mate.text);
  const url = await hostPage(ws.id);
  const stats = async () => (await call('GET', '/admin/v1/live/stats', { token: ws.key })).body.sockets.visitors;
  const until = async (what, f) => {
    for (let i = 0; i < 60; i++) { if (await f()) return; await new Promise((r) => setTimeout(r, 250)); }
    assert.fail(`timed out waiting for ${what}`);
  };
  let conv;
  const reply = async (body) => {
    const r = await call('POST', `/admin/v1/conversations/${conv}/messages`, { token: mate.body.key, body: { clientId: crypto.randomUUID(), body } });
    assert.equal(r.status, 201, r.text);
  };
  const { context, close } = await freshContext();
  try {
    const first = await context.newPage();
    const errors = watchErrors(first);
    const firstSeen = watchLoads(first);
    await first.goto(url);
    await launcher(first).click();
    await messagesTab(first).click();
    await composer(first).fill('Two tabs, one socket');
    await composer(first).press('Enter');
    await log(first).locator('li[data-seq]').filter({ hasText: 'Two tabs, one socket' }).waitFor({ timeout: 10000 });
    conv = (await call('GET', '/admin/v1/conversations', { token: mate.body.key })).body.conversations[0].id;
    await until('the first tab socket', async () => (await stats()) === 1);

    // A second tab of the same browser: the messenger comes (a conversation exists) but no
    // second socket; it hears everything through the first tab.
    const second = await context.newPage();
    const secondErrors = watchErrors(second);
    const secondSeen = watchLoads(second);
    await second.goto(url);
    await second.waitForFunction(() => window.__ready, null, { timeout: 15000 });
    await until('the messenger in the second tab', async () => secondSeen.messenger.includes('wasm'));
    await second.waitForTimeout(1000);
    assert.deepEqual(secondSeen.sockets, [], 'the second tab opens no socket of its own');
    assert.equal(await stats(), 1, 'the hub holds one visitor socket for the browser');

    // Nobody has the panel open: the reply is unread in both tabs (a tab with it open would
    // read it, and both badges would clear).
    await first.keyboard.press('Escape');
    await first.getByRole('dialog').waitFor({ state: 'hidden' });
    await reply('Heard in both tabs');
    await first.getByRole('button', { name: /^Open messenger, 1 unread/ }).waitFor({ timeout: 10000 });
    await second.getByRole('button', { name: /^Open messenger, 1 unread/ }).waitFor({ timeout: 10000 });
    await launcher(second).click();
    await messagesTab(second).click();
    await log(second).locator('li[data-seq]').filter({ hasText: 'Heard in both tabs' }).waitFor({ timeout: 10000 });
    // Typing in the tab without the socket reaches the agent through the one that has it.
    const ticket = await call('POST', '/admin/v1/live/ticket', { token: mate.body.key });
    assert.equal(ticket.status, 200, ticket.text);
    const agentSock = new WebSocket(`${BASE.replace(/^http/, 'ws')}/admin/v1/live?ticket=${ticket.body.ticket}`);
    const typing = new Promise((resolve) => agentSock.on('message', (d) => { const e = JSON.parse(String(d)); if (e.type === 'typing' && e.from === 'visitor') resolve(e); }));
    await new Promise((resolve, reject) => { agentSock.once('open', resolve); agentSock.once('error', reject); });
    await composer(second).pressSequentially('Typing here', { delay: 20 });
    const t = await Promise.race([typing, new Promise((r) => setTimeout(() => r(null), 10000))]);
    agentSock.close();
    assert.equal(t?.conversationId, conv, 'the agent sees the visitor typing');
    assert.deepEqual(secondSeen.sockets, [], 'still through the first tab');

    // The tab with the socket goes: the other takes the socket over and catches up.
    await first.close();
    await until('the second tab socket', async () => secondSeen.sockets.length === 1);
    await until('one socket again', async () => (await stats()) === 1);
    await reply('After the first tab closed');
    await log(second).locator('li[data-seq]').filter({ hasText: 'After the first tab closed' }).waitFor({ timeout: 10000 });
    assert.deepEqual(firstSeen.sockets, ['/v1/live']);
    assert.deepEqual(secondSeen.sockets, ['/v1/live']);
    assert.deepEqual([...errors, ...secondErrors], []);
  } finally {
    await close();
  }
});

test('a queued message goes to the conversation it was written in, even after "New conversation"', async () => {
  const ws = await createWorkspace();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(await hostPage(ws.id));
    await launcher(page).click();
    await messagesTab(page).click();
    await composer(page).fill('First question');
    await composer(page).press('Enter');
    await log(page).locator('li[data-seq="1"]').filter({ hasText: 'First question' }).waitFor({ timeout: 10000 });
    // Offline: one more line in this conversation, then a new conversation with its own line.
    await context.setOffline(true);
    await composer(page).fill('A follow-up to the first');
    await composer(page).press('Enter');
    await page.getByRole('button', { name: 'New conversation' }).click();
    await composer(page).fill('Something else entirely');
    await composer(page).press('Enter');
    await composer(page).fill('And more about it');
    await composer(page).press('Enter');
    await context.setOffline(false);
    const key = `porchlight:${ws.id}:outbox`;
    await page.waitForFunction((k) => localStorage.getItem(k) === null, key, { timeout: 20000 });
    const token = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)).token, `porchlight:${ws.id}`);
    const convs = (await call('GET', '/v1/conversations', { token })).body.conversations;
    assert.equal(convs.length, 2, 'one conversation started, not one per queued message');
    const bodies = async (c) => (await call('GET', `/v1/conversations/${c.id}/messages?limit=50`, { token })).body.messages.map((m) => m.body);
    const all = await Promise.all(convs.map(bodies));
    all.sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(all, [['First question', 'A follow-up to the first'], ['Something else entirely', 'And more about it']]);
    // The view shows the new conversation, with both of its lines once.
    await log(page).locator('li[data-seq="2"]').filter({ hasText: 'And more about it' }).waitFor({ timeout: 10000 });
    assert.equal(await log(page).getByText('A follow-up to the first').count(), 0);
    // (The browser itself logs the requests that failed while offline.)
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  } finally {
    await close();
  }
});
