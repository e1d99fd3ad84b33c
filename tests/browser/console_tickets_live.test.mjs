// New tickets reach the console live: while a teammate works in the inbox, a visitor files a
// ticket; it is announced (polite live region) and counted on the nav's Tickets until the
// queue is opened, where it is listed; a ticket filed while the queue is shown appears in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, boot, createWorkspace } from '../lib/harness.mjs';
import { teammate } from '../lib/live.mjs';
import { signIn, nav, screenTitle, checkScreen } from '../lib/console.mjs';

/** A workspace with a teammate (Ada), a visitor (Grace) who files tickets, and a browser. */
async function setup() {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const v = await boot(ws.id, { name: 'Grace' });
  const file = (subject) => call('POST', '/v1/tickets', { token: v.body.sessionToken, body: { subject, body: 'Details.' } });
  return { ada, file, ...(await freshContext()) };
}

test('a new ticket is announced in the console and counted on Tickets until opened', async () => {
  const { ada, file, context, close } = await setup();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ada.key);
    await page.locator('#live').filter({ hasText: 'Live' }).waitFor();
    assert.equal((await file('Export is broken')).status, 201);
    await page.locator('#announce').filter({ hasText: 'New ticket: Export is broken' }).waitFor();
    const link = nav(page).getByRole('link', { name: /^Tickets\W*1 new$/ });
    await link.waitFor();
    await checkScreen(page, 'inbox-new-ticket');
    await link.click();
    await screenTitle(page).filter({ hasText: 'Tickets' }).waitFor();
    await page.getByText('Export is broken', { exact: true }).waitFor();
    assert.equal(await nav(page).getByRole('link', { name: 'Tickets', exact: true }).count(), 1, 'the count goes once the queue is seen');
    // Filed while the queue is shown: it appears.
    assert.equal((await file('Cannot log in')).status, 201);
    await page.getByText('Cannot log in', { exact: true }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the tickets queue opened straight after sign-in (the inbox never opened) hears new tickets and status changes live', async () => {
  const { ada, file, context, close } = await setup();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ada.key, '#/tickets');
    await screenTitle(page).filter({ hasText: 'Tickets' }).waitFor();
    await page.getByText('No open tickets.').waitFor();
    // The shell's socket is open (its state is the inbox's "Live", not shown on this screen).
    await page.locator('#live').filter({ hasText: 'Live' }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#inbox-view').isHidden(), true, 'the inbox was never shown');

    // Filed while the (empty) queue is shown: it appears, and is said aloud.
    const t = await file('Invoice is wrong');
    assert.equal(t.status, 201);
    await page.getByText('Invoice is wrong', { exact: true }).waitFor();
    await page.locator('#announce').filter({ hasText: 'New ticket: Invoice is wrong' }).waitFor({ state: 'attached' });
    // Moved by another teammate (here: the API): it leaves the open queue.
    const status = page.getByRole('combobox', { name: 'Status of “Invoice is wrong”' });
    await status.focus();
    assert.equal((await call('POST', `/admin/v1/tickets/${t.body.id}/status`, { token: ada.key, body: { status: 'pending' } })).status, 200);
    await page.getByText('No open tickets.').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus is not lost to the page when its row goes');
    await page.getByLabel('Show tickets').selectOption('all');
    assert.equal(await status.inputValue(), 'pending');
    await checkScreen(page, 'tickets-live');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
