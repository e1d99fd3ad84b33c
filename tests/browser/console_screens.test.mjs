// Every console screen passes axe-core with 0 violations in light and dark, and is saved as a
// screenshot (tests/output/console-*.png). Roles: a teammate key sees the inbox only, and the
// edge refuses it content and settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { BASE, call, boot, createWorkspace } from '../lib/harness.mjs';
import { signIn, nav, screenTitle, checkScreen } from '../lib/console.mjs';

const HOSTILE = '<img src=x onerror="window.__xss=1">';
const KINDS = ['outbound', 'tours', 'surveys', 'tooltips', 'checklists', 'segments', 'articles', 'collections'];

/** A workspace with one item of every kind (hostile text in names), a teammate and a conversation. */
async function seeded() {
  const ws = await createWorkspace();
  const post = async (path, body) => {
    const r = await call('POST', `/admin/v1/${path}`, { token: ws.key, body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  };
  const col = await post('collections', { name: `Billing ${HOSTILE}`, description: 'Plans and invoices' });
  await post('articles', { title: `Change your plan ${HOSTILE}`, body: 'Open Billing, then Plan.', collectionId: col.id });
  await post('segments', { name: 'Pro customers', rule: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' } });
  const banner = await post('outbound', { kind: 'banner', name: `Spring sale ${HOSTILE}`, content: { body: 'Half price.' } });
  await call('POST', `/admin/v1/outbound/${banner.id}/activate`, { token: ws.key });
  await post('tours', { name: 'Welcome tour', content: { steps: [{ kind: 'post', body: 'Hi' }] } });
  await post('surveys', { name: 'NPS', content: { questions: [{ id: 'nps', type: 'nps', prompt: 'Recommend us?' }] } });
  await post('tooltips', { name: 'Export tip', content: { selector: '#export', body: 'Export as CSV.' } });
  await post('checklists', { name: 'Getting started', content: { title: 'Get started', tasks: [{ id: 'a', title: 'Invite a teammate' }] } });
  const mate = await post('teammates', { name: 'Ada' });
  const v = await boot(ws.id, { name: `Grace ${HOSTILE}`, attributes: { plan: 'pro', company: `Acme ${HOSTILE}` } });
  assert.equal(v.status, 200, v.text);
  const ev = await call('POST', '/v1/events', { token: v.body.sessionToken, body: { events: [{ name: 'report_created', url: 'https://shop.example/reports' }] } });
  assert.equal(ev.status, 202, ev.text);
  const tk = await call('POST', '/v1/tickets', { token: v.body.sessionToken, body: { subject: `Refund ${HOSTILE}`, body: 'I was charged twice.' } });
  assert.equal(tk.status, 201, tk.text);
  const c = await call('POST', '/v1/conversations', { token: v.body.sessionToken, body: { message: { clientId: crypto.randomUUID(), body: 'Hello, can I pay yearly?' } } });
  assert.equal(c.status, 201, c.text);
  return { ws, mateKey: mate.key, visitorToken: v.body.sessionToken, ticketId: tk.body.id };
}

test('every screen: axe 0 violations in light and dark, and a screenshot', async () => {
  const { ws } = await seeded();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${BASE}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await checkScreen(page, 'signin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter your key.' }).waitFor();
    await checkScreen(page, 'signin-error');

    await signIn(page, ws.key);
    await page.locator('#list button').first().waitFor();
    await page.locator('#list button').first().click();
    await page.getByRole('complementary', { name: 'Visitor' }).getByRole('heading').first().waitFor();
    await checkScreen(page, 'inbox-owner');

    for (const kind of KINDS) {
      await page.goto(`${BASE}/console/#/${kind}`);
      await page.locator('table.items tbody tr').first().waitFor();
      await checkScreen(page, `list-${kind}`);
      await page.locator('table.items tbody th a').first().click();
      await page.locator('form.editor').waitFor();
      await checkScreen(page, `edit-${kind}`);
      await page.goto(`${BASE}/console/#/${kind}/new`);
      await screenTitle(page).filter({ hasText: /^New / }).waitFor();
      await checkScreen(page, `new-${kind}`);
    }
    // An editor with errors showing (the edge's, beside Name; a JSON syntax error, beside
    // Audience), then the same draft restored after a reload.
    await page.goto(`${BASE}/console/#/outbound/new`);
    await screenTitle(page).filter({ hasText: 'New outbound message' }).waitFor();
    await page.getByLabel('Body').fill('Half price.');
    await page.getByRole('button', { name: 'Create outbound message' }).click();
    await page.locator('.field-error:not([hidden])').filter({ hasText: '1-100 characters' }).waitFor();
    await page.getByLabel('Audience rule (JSON)').fill('{ nope');
    await page.locator('.field-error:not([hidden])').filter({ hasText: 'Not valid JSON' }).waitFor();
    await checkScreen(page, 'editor-errors');
    await page.reload();
    await page.getByRole('button', { name: 'Discard draft' }).waitFor();
    await checkScreen(page, 'editor-draft');

    await nav(page).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Messenger look' }).waitFor();
    await checkScreen(page, 'settings');
    await nav(page).getByRole('link', { name: 'Teammates' }).click();
    await page.getByRole('row').filter({ hasText: 'Ada' }).waitFor();
    await checkScreen(page, 'teammates');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'no errors but the refused create above');
  } finally {
    await close();
  }
});

test('a teammate key opens the inbox only; the edge refuses it content and settings', async () => {
  const { ws, mateKey, visitorToken, ticketId } = await seeded();
  for (const path of ['/admin/v1/outbound', '/admin/v1/tours', '/admin/v1/segments', '/admin/v1/articles', '/admin/v1/workspace']) {
    const r = await call('GET', path, { token: mateKey });
    assert.equal(r.status, 403, `${path}: ${r.text}`);
    assert.equal(r.body.error.code, 'NOT_AUTHORIZED');
  }
  const w = await call('POST', '/admin/v1/tours', { token: mateKey, body: { name: 'x', content: {} } });
  assert.equal(w.status, 403);
  assert.equal((await call('PATCH', '/admin/v1/workspace', { token: mateKey, body: { name: 'taken' } })).status, 403);

  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, mateKey);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15000 });
    assert.deepEqual(await nav(page).getByRole('link').allTextContents(), ['Inbox', 'Tickets'], 'the nav offers the inbox and tickets only');
    await page.locator('#list button').first().click();
    await page.getByRole('textbox', { name: 'Reply' }).waitFor();
    await checkScreen(page, 'inbox-teammate');

    // The visitor's profile, from the conversation: identity, attributes, segments, events,
    // conversations (a teammate may open it); back to the conversation from there.
    await page.getByRole('complementary', { name: 'Visitor' }).getByRole('link', { name: 'Open the full profile' }).click();
    await screenTitle(page).filter({ hasText: `Grace ${HOSTILE}` }).waitFor();
    assert.equal(await page.getByText('null', { exact: true }).count(), 0);
    const region = (name) => page.getByRole('region', { name });
    await region('Attributes').getByText(`Acme ${HOSTILE}`).waitFor();
    await region('Segments').getByText('Pro customers').waitFor();
    await region('Events').getByRole('row').filter({ hasText: 'report_created' }).first().waitFor();
    assert.equal(await page.locator('h1 img, dd img').count(), 0, 'hostile text stays text');
    await region('Tickets').getByText(`Refund ${HOSTILE}`).waitFor();
    await checkScreen(page, 'visitor');

    // The tickets queue: the teammate moves the visitor's ticket; the visitor's own view has it.
    await nav(page).getByRole('link', { name: 'Tickets' }).click();
    await screenTitle(page).filter({ hasText: 'Tickets' }).waitFor();
    const status = page.getByLabel(`Status of “Refund ${HOSTILE}”`);
    assert.equal(await status.inputValue(), 'open');
    await checkScreen(page, 'tickets');
    await status.selectOption('solved');
    await page.getByText('No open tickets.').waitFor();
    assert.equal((await call('GET', `/v1/tickets/${ticketId}`, { token: visitorToken })).body.status, 'solved', 'the visitor sees it solved');
    await page.getByLabel('Show tickets').selectOption('all');
    assert.equal(await page.getByLabel(`Status of “Refund ${HOSTILE}”`).inputValue(), 'solved');
    await nav(page).getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('link', { name: 'Open the full profile' }).waitFor();
    await page.getByRole('link', { name: 'Open the full profile' }).click();
    await screenTitle(page).filter({ hasText: `Grace ${HOSTILE}` }).waitFor();
    await region('Conversations').getByRole('link').first().click();
    await page.locator('#messages').getByText('Hello, can I pay yearly?').waitFor();
    for (const hash of ['#/tours', '#/settings', '#/outbound/new', '#/teammates']) {
      await page.goto(`${BASE}/console/${hash}`);
      await screenTitle(page).filter({ hasText: 'Not available' }).waitFor();
    }
    await checkScreen(page, 'not-available');
    // The key lives in this tab's sessionStorage only, never in a URL or localStorage.
    assert.ok(!page.url().includes('ptk_'));
    assert.equal(await page.evaluate(() => JSON.stringify(localStorage).includes('ptk_')), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('porchlight:console:key')), mateKey);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('porchlight:console:key')), null, 'signing out forgets the key');
    // A wrong key is refused with a message beside the field.
    await page.getByLabel('Your teammate key or the workspace secret key').fill(`ptk_${'0'.repeat(64)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That key is not valid.' }).waitFor();
    assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
    assert.ok(ws.id);
  } finally {
    await close();
  }
});

test("a visitor's profile lists their conversations and tickets even when 200 newer ones of others fill the workspace's lists", async () => {
  const ws = await createWorkspace();
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  assert.equal(mate.status, 201, mate.text);
  const grace = await boot(ws.id, { name: 'Grace' });
  const graceToken = grace.body.sessionToken;
  const tk = await call('POST', '/v1/tickets', { token: graceToken, body: { subject: 'Refund, long ago', body: 'Charged twice.' } });
  assert.equal(tk.status, 201, tk.text);
  const c = await call('POST', '/v1/conversations', { token: graceToken, body: { message: { clientId: crypto.randomUUID(), body: 'Hello from long ago' } } });
  assert.equal(c.status, 201, c.text);
  // 208 newer conversations and tickets of eight other visitors, each from its own address
  // (the per-IP and per-session limits stay far away).
  await Promise.all(Array.from({ length: 8 }, async (_, i) => {
    const opts = { headers: { 'cf-connecting-ip': `10.200.${i}.${Math.floor(Math.random() * 250)}` } };
    const v = await boot(ws.id, { name: `Crowd ${i}` }, opts);
    assert.equal(v.status, 200, v.text);
    for (let k = 0; k < 26; k++) {
      const t = await call('POST', '/v1/tickets', { ...opts, token: v.body.sessionToken, body: { subject: `Crowd ${i}.${k}`, body: 'x' } });
      assert.equal(t.status, 201, t.text);
      const m = await call('POST', '/v1/conversations', { ...opts, token: v.body.sessionToken, body: { message: { clientId: crypto.randomUUID(), body: `Crowd ${i}.${k}` } } });
      assert.equal(m.status, 201, m.text);
    }
  }));
  // The premise: the workspace's lists (the latest 200) no longer hold Grace's.
  const all = await call('GET', '/admin/v1/conversations?status=all', { token: ws.key });
  assert.equal(all.body.conversations.length, 200);
  assert.ok(!all.body.conversations.some((x) => x.id === c.body.conversation.id));
  assert.ok(!(await call('GET', '/admin/v1/tickets?status=all', { token: ws.key })).body.tickets.some((x) => x.id === tk.body.id));

  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const asked = [];
    page.on('request', (r) => { if (/\/admin\/v1\/(conversations|tickets)\?/.test(r.url())) asked.push(new URL(r.url()).searchParams.get('visitorId')); });
    // A teammate key (it may read visitors and tickets).
    await signIn(page, mate.body.key, `#/visitors/${encodeURIComponent(grace.body.visitor.id)}`);
    await screenTitle(page).filter({ hasText: 'Grace' }).waitFor();
    const region = (name) => page.getByRole('region', { name });
    await region('Conversations').getByRole('link', { name: /^Started/ }).waitFor();
    assert.equal(await region('Conversations').locator('tbody tr').count(), 1, "Grace's conversation, and only hers");
    await region('Tickets').getByText('Refund, long ago').waitFor();
    assert.equal(await region('Tickets').locator('tbody tr').count(), 1, "Grace's ticket, and only hers");
    assert.equal(await page.getByText(/Crowd/).count(), 0);
    assert.deepEqual(asked.sort(), [grace.body.visitor.id, grace.body.visitor.id], 'both lists asked for her only');
    await region('Conversations').getByRole('link', { name: /^Started/ }).click();
    await page.locator('#messages').getByText('Hello from long ago').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

/** Presses Tab (or Shift+Tab) until the focused element's accessible text is `name`; returns whether its focus is visible. */
async function tabTo(page, name, back = false) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const at = await page.evaluate(() => {
      const el = document.activeElement;
      const label = el?.labels?.[0]?.textContent ?? el?.getAttribute('aria-label') ?? el?.textContent ?? '';
      return { label: label.trim(), outline: el ? getComputedStyle(el).outlineStyle : 'none' };
    });
    if (at.label === name) return at.outline !== 'none';
  }
  throw new Error(`Tab never reached ${name}`);
}

test('keyboard only: sign in, open a screen from the nav, create a collection and an article in it, publish it; focus always visible', async () => {
  const ws = await createWorkspace();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${BASE}/console/`);
    await page.locator('#key:focus').waitFor();
    await page.keyboard.type(ws.key);
    await page.keyboard.press('Enter');
    await nav(page).waitFor();
    assert.ok(await tabTo(page, 'Collections'), 'the nav link shows its focus');
    await page.keyboard.press('Enter');
    await screenTitle(page).filter({ hasText: 'Collections' }).waitFor();
    assert.ok(await tabTo(page, 'New collection'));
    await page.keyboard.press('Enter');
    await screenTitle(page).filter({ hasText: 'New collection' }).waitFor();
    assert.ok(await tabTo(page, 'Name (required)'));
    await page.keyboard.type('Billing');
    assert.ok(await tabTo(page, 'Create collection'));
    await page.keyboard.press('Enter');
    await screenTitle(page).filter({ hasText: 'Billing' }).waitFor();

    assert.ok(await tabTo(page, 'Articles', true), 'back up to the nav');
    await page.keyboard.press('Enter');
    await screenTitle(page).filter({ hasText: 'Articles' }).waitFor();
    assert.ok(await tabTo(page, 'New article'));
    await page.keyboard.press('Enter');
    await screenTitle(page).filter({ hasText: 'New article' }).waitFor();
    assert.ok(await tabTo(page, 'Title (required)'));
    await page.keyboard.type('Change your plan');
    assert.ok(await tabTo(page, 'Collection'));
    await page.keyboard.press('ArrowDown');
    assert.ok(await tabTo(page, 'Article text (required)'));
    await page.keyboard.type('Open Billing, then Plan.');
    assert.ok(await tabTo(page, 'Create article'));
    await page.keyboard.press('Enter');
    await screenTitle(page).filter({ hasText: 'Change your plan' }).waitFor();
    assert.ok(await tabTo(page, 'Publish'));
    await page.keyboard.press('Enter');
    await page.locator('.item-bar .status-published').waitFor();

    const articles = (await call('GET', '/admin/v1/articles', { token: ws.key })).body.articles;
    const collections = (await call('GET', '/admin/v1/collections', { token: ws.key })).body.collections;
    assert.equal(articles.length, 1);
    assert.equal(articles[0].status, 'published');
    assert.equal(articles[0].collectionId, collections[0].id, 'filed in the collection picked by keyboard');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('every kind: an item opened in its editor saves back (renamed), and a new one is created from its template', async () => {
  const { ws } = await seeded();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key);
    for (const kind of KINDS) {
      await page.goto(`${BASE}/console/#/${kind}`);
      await page.locator('table.items tbody th a').first().click();
      await page.locator('form.editor').waitFor();
      const name = page.locator('form.editor input[type=text]').first();
      const renamed = `${await name.inputValue()} (renamed)`;
      await name.fill(renamed);
      await page.locator('form.editor button[type=submit]').click();
      await screenTitle(page).filter({ hasText: renamed }).waitFor();
      assert.equal(await page.locator('.field-error:not([hidden]), .form-error:not([hidden])').count(), 0, `${kind}: saved without errors`);

      await page.goto(`${BASE}/console/#/${kind}/new`);
      await screenTitle(page).filter({ hasText: /^New / }).waitFor();
      await page.locator('form.editor input[type=text]').first().fill(`Fresh ${kind}`);
      // The fields a template leaves empty on purpose (the author's words).
      for (const label of ['Body (required)', 'Element (CSS selector) (required)', 'Title (required)', 'Article text (required)']) {
        const f = page.getByLabel(label, { exact: true });
        if (await f.count() && !(await f.inputValue())) await f.fill(label.startsWith('Element') ? '#export' : 'Some words');
      }
      await page.locator('form.editor button[type=submit]').click();
      await page.waitForURL(new RegExp(`#/${kind}/(?!new)`));
      await screenTitle(page).filter({ hasText: `Fresh ${kind}` }).waitFor();
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
