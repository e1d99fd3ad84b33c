// Live chat with two browsers: a visitor on the demo page and a teammate in the agent console.
// Messages travel live both ways, the badge counts unread replies, the teammate closes and the
// visitor rates; hostile message text stays inert on both sides; nothing sent offline is lost
// or doubled across a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshContext, watchErrors, axe, outputPath } from '../lib/browser.mjs';
import { BASE, call } from '../lib/harness.mjs';

const creds = JSON.parse(readFileSync(join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json'), 'utf8'));

const launcher = (page) => page.getByRole('button', { name: /^Open messenger/ });
const composer = (page) => page.getByRole('textbox', { name: 'Write a message…' });
// The launcher opens on Home; the conversation is one tab away.
const messagesTab = (page) => page.getByRole('tab', { name: 'Messages' });
const log = (page) => page.getByRole('log', { name: 'Conversation' });

async function signIn(page, key) {
  await page.goto(`${BASE}/console/`);
  await page.getByLabel('Your teammate key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15000 });
}

async function openMessenger(page) {
  await page.goto(`${BASE}/index.html`);
  await launcher(page).waitFor({ state: 'visible', timeout: 15000 });
  await launcher(page).click();
  await messagesTab(page).click();
  await composer(page).waitFor();
}

const XSS = ['<img src=x onerror="window.__xss=1">', '[click me](javascript:window.__xss=2)', '</script><script>window.__xss=3</script>'];

test('visitor and agent talk live; badge while closed; close and rate; hostile text stays text', async () => {
  const visitor = await freshContext();
  const agent = await freshContext();
  try {
    const vp = await visitor.context.newPage();
    const ap = await agent.context.newPage();
    const vErrors = watchErrors(vp);
    const aErrors = watchErrors(ap);
    await signIn(ap, creds.teammateKey);
    await openMessenger(vp);

    await composer(vp).fill('Hello! Can I export to **CSV**?');
    await composer(vp).press('Enter');
    await log(vp).getByText('Can I export to').waitFor();
    // The agent's inbox shows it live; open it.
    const row = ap.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first();
    await row.waitFor({ timeout: 10000 });
    await row.click();
    await ap.locator('#messages').getByText('Can I export to').waitFor();
    assert.equal(await ap.locator('#messages strong').first().textContent(), 'CSV', 'Markdown bold renders as <strong>');

    // Typing reaches the visitor.
    await ap.locator('#reply').pressSequentially('Yes', { delay: 20 });
    await vp.getByRole('status').filter({ hasText: 'is typing' }).waitFor({ timeout: 5000 });
    await ap.locator('#reply').fill('Yes: open Reports, then Export. See https://acme.test/docs/export.');
    await ap.locator('#reply').press('Enter');
    await log(vp).getByText('open Reports, then Export').waitFor({ timeout: 10000 });
    const link = log(vp).getByRole('link', { name: 'https://acme.test/docs/export' });
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    await vp.screenshot({ path: outputPath('chat-visitor.png') });
    await ap.screenshot({ path: outputPath('chat-agent.png') });
    const violations = await axe(vp);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

    // Panel closed: a new reply shows as a badge and in the launcher's name.
    const counts = [];
    await vp.evaluate(() => { window.__unread = []; Porchlight('on', 'unreadCountChange', (n) => window.__unread.push(n)); });
    await vp.keyboard.press('Escape');
    await ap.locator('#reply').fill('Anything else?');
    await ap.locator('#reply').press('Enter');
    await vp.getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ timeout: 10000 });
    counts.push(...await vp.evaluate(() => window.__unread));
    assert.deepEqual(counts, [1]);
    await launcher(vp).click();
    await vp.getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ state: 'detached' }).catch(() => {});
    assert.equal(await vp.evaluate(() => window.__unread.at(-1)), 0, 'opening the panel reads it');

    // Hostile text from both sides renders inert.
    for (const body of XSS) {
      await composer(vp).fill(body);
      await composer(vp).press('Enter');
    }
    for (const body of XSS) {
      await ap.locator('#reply').fill(body);
      await ap.locator('#reply').press('Enter');
    }
    await log(vp).getByText('window.__xss=3').nth(1).waitFor({ timeout: 10000 });
    await ap.locator('#messages').getByText('window.__xss=3').nth(1).waitFor({ timeout: 10000 });
    for (const page of [vp, ap]) {
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    }
    assert.equal(await vp.evaluate(() => document.getElementById('porchlight-root').shadowRoot.querySelectorAll('.ms img, .ms script').length), 0);
    assert.equal(await ap.locator('#messages img, #messages script').count(), 0);
    assert.equal(await log(vp).getByRole('link', { name: 'click me' }).count(), 0, 'a javascript: link is text, not a link');
    assert.equal(await ap.locator('#messages a[href^="javascript"]').count(), 0);

    // The agent closes; the visitor is asked once for a rating.
    await ap.getByRole('button', { name: 'Close conversation' }).click();
    await vp.getByText('How did we do?').waitFor({ timeout: 10000 });
    await vp.getByRole('textbox', { name: 'Comment (optional)' }).fill('Fast and clear');
    await vp.getByRole('button', { name: '4 out of 5' }).click();
    await vp.getByRole('status').filter({ hasText: 'Thanks for your feedback!' }).waitFor();
    await vp.screenshot({ path: outputPath('chat-rated.png') });
    const inbox = await call('GET', '/admin/v1/conversations?status=closed', { token: creds.teammateKey });
    assert.deepEqual(inbox.body.conversations[0].csat, { rating: 4, comment: 'Fast and clear' });

    // A new conversation, then back to the first one from the list.
    await vp.getByRole('button', { name: 'New conversation' }).click();
    await composer(vp).fill('A second question');
    await composer(vp).press('Enter');
    await log(vp).locator('li[data-seq="1"]').filter({ hasText: 'A second question' }).waitFor({ timeout: 10000 });
    assert.equal(await log(vp).getByText('Can I export to').count(), 0, 'the new conversation starts empty');
    await vp.getByRole('button', { name: 'Your conversations' }).click();
    const list = vp.getByRole('list', { name: 'Your conversations' });
    await list.getByRole('button').nth(1).waitFor();
    assert.equal(await list.getByRole('button').count(), 2);
    await list.getByRole('button', { name: /closed/ }).click();
    await log(vp).getByText('Can I export to').waitFor({ timeout: 10000 });
    assert.equal(await vp.getByRole('button', { name: 'Your conversations' }).getAttribute('aria-expanded'), 'false');
    // A reply in the other (open) conversation still counts on the badge, without taking over the view.
    const vToken = await vp.evaluate(() => JSON.parse(localStorage.getItem('porchlight:demo')).token);
    const second = (await call('GET', '/v1/conversations', { token: vToken })).body.conversations.find((c) => c.status === 'open');
    await vp.keyboard.press('Escape');
    const other = await call('POST', `/admin/v1/conversations/${second.id}/messages`, { token: creds.teammateKey, body: { clientId: crypto.randomUUID(), body: 'About your second question…' } });
    assert.equal(other.status, 201, other.text);
    await vp.getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ timeout: 10000 });
    assert.equal(await log(vp).getByText('About your second question').count(), 0, 'the open view stays on the first conversation');
    assert.deepEqual(vErrors, []);
    assert.deepEqual(aErrors, []);
  } finally {
    await visitor.close();
    await agent.close();
  }
});

test('offline: 5 messages queued, page reloaded, back online → exactly 5 arrive, in order, once', async () => {
  const visitor = await freshContext();
  try {
    const page = await visitor.context.newPage();
    await openMessenger(page);
    assert.ok(await page.evaluate(() => JSON.parse(localStorage.getItem('porchlight:demo')).token), 'booted');
    await visitor.context.setOffline(true);
    for (let i = 1; i <= 5; i++) {
      await composer(page).fill(`offline message ${i}`);
      await composer(page).press('Enter');
      // As a visitor would: the next one is typed once this one has left the composer for the
      // log (while the messenger is still on its way, the text waits in the composer).
      await log(page).getByText(`offline message ${i}`).waitFor();
    }
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('porchlight:demo:outbox')).map((m) => m.b));
    assert.deepEqual(queued, [1, 2, 3, 4, 5].map((i) => `offline message ${i}`));
    // Reload while offline: the page cannot even load; the outbox survives in localStorage.
    await page.reload().catch(() => {});
    await visitor.context.setOffline(false);
    await openMessenger(page);
    await page.waitForFunction(() => localStorage.getItem('porchlight:demo:outbox') === null, null, { timeout: 15000 });
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('porchlight:demo')).token);
    const mine = await call('GET', '/v1/conversations', { token });
    const conv = mine.body.conversations[0];
    const page1 = await call('GET', `/v1/conversations/${conv.id}/messages?limit=200`, { token });
    assert.deepEqual(page1.body.messages.map((m) => m.body), [1, 2, 3, 4, 5].map((i) => `offline message ${i}`));
    // And the visitor sees each once.
    for (let i = 1; i <= 5; i++) assert.equal(await log(page).getByText(`offline message ${i}`, { exact: true }).count(), 1);
  } finally {
    await visitor.close();
  }
});

test('pre-chat: topic, consent and email are asked before the first message, and sent with it', async () => {
  const { createServer } = await import('node:http');
  const { createWorkspace } = await import('../lib/harness.mjs');
  const ws = await createWorkspace({ messenger: { topics: ['Billing', 'Bug report'], consentNotice: 'We store this chat to answer you.' } });
  await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { emailCapture: 'always' } } });
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title><link rel="icon" href="data:,"></head><body><main><h1>Shop</h1></main>
      <script async src="${BASE}/porchlight.js" data-workspace="${ws.id}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await launcher(page).click();
    await messagesTab(page).click();
    await composer(page).fill('My invoice is wrong');
    await composer(page).press('Enter');
    await page.getByRole('status').filter({ hasText: 'Choose a topic first.' }).waitFor();
    assert.equal(await composer(page).inputValue(), 'My invoice is wrong', 'nothing is lost while the form is incomplete');
    await page.getByLabel('What is this about?').selectOption('Billing');
    await composer(page).press('Enter');
    await page.getByRole('status').filter({ hasText: 'Please accept the notice' }).waitFor();
    await page.getByLabel('We store this chat to answer you.').check();
    await page.getByLabel('Your email, to get our reply (optional)').fill('not-an-email');
    await composer(page).press('Enter');
    await page.getByRole('status').filter({ hasText: 'does not look right' }).waitFor();
    await page.getByLabel('Your email, to get our reply (optional)').fill('ada@example.test');
    const violations = await axe(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    await composer(page).press('Enter');
    await log(page).locator('li[data-seq]').filter({ hasText: 'My invoice is wrong' }).waitFor({ timeout: 10000 });
    assert.equal(await page.getByLabel('What is this about?').count(), 0, 'the form goes once the conversation exists');
    const inbox = await call('GET', '/admin/v1/conversations', { token: ws.key });
    const conv = inbox.body.conversations[0];
    assert.equal(conv.topic, 'Billing');
    assert.equal(conv.visitor.email, 'ada@example.test');
    assert.deepEqual(errors, []);
  } finally {
    await close();
    server.close();
  }
});
