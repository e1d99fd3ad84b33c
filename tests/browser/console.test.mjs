// The agent console under live events: a message, a presence change or typing updates only the
// row of the conversation it is about; the other rows are the same elements as before (the
// inbox is not redrawn on every event).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors, outputPath } from '../lib/browser.mjs';
import { BASE, call, createWorkspace, boot } from '../lib/harness.mjs';
import { live, teammate } from '../lib/live.mjs';

const cid = () => crypto.randomUUID();

test('a live event updates only its own row of the inbox; the other rows are the same elements', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const start = async (body) => {
    const v = await boot(ws.id);
    const r = await call('POST', '/v1/conversations', { token: v.body.sessionToken, body: { message: { clientId: cid(), body } } });
    assert.equal(r.status, 201, r.text);
    return { token: v.body.sessionToken, conv: r.body.conversation.id };
  };
  const a = await start('First visitor here');
  const b = await start('Second visitor here');
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${BASE}/console/`);
    await page.getByLabel('Your teammate key').fill(ada.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15000 });
    const row = (id) => page.locator(`#list button[data-id="${id}"]`);
    await row(a.conv).waitFor();
    await row(b.conv).waitFor();
    // Keep handles to both rows' elements.
    await page.evaluate(([ia, ib]) => {
      const li = (id) => document.querySelector(`#list button[data-id="${id}"]`).closest('li');
      window.__rows = { a: li(ia), b: li(ib), buttonB: li(ib).firstChild };
    }, [a.conv, b.conv]);
    const same = () => page.evaluate(([ia, ib]) => {
      const li = (id) => document.querySelector(`#list button[data-id="${id}"]`)?.closest('li');
      return { a: window.__rows.a === li(ia), b: window.__rows.b === li(ib), buttonB: window.__rows.buttonB === li(ib)?.firstChild };
    }, [a.conv, b.conv]);

    // A message in A: A's row shows it (2 unread); B's row is untouched.
    const sent = await call('POST', `/v1/conversations/${a.conv}/messages`, { token: a.token, body: { clientId: cid(), body: 'Anyone?' } });
    assert.equal(sent.status, 201, sent.text);
    await row(a.conv).getByLabel('2 unread').waitFor({ timeout: 10000 });
    assert.deepEqual(await same(), { a: true, b: true, buttonB: true }, 'a message re-created no row');

    // B's visitor comes online: B's dot changes; A's row is untouched.
    const sock = await live('/v1/live', b.token);
    await row(b.conv).locator('.dot.online').waitFor({ timeout: 10000 });
    assert.deepEqual(await same(), { a: true, b: true, buttonB: true }, 'a presence change re-created no row');

    // B's visitor types: B's row says so.
    sock.send({ type: 'typing', conversationId: b.conv });
    await row(b.conv).getByText('typing…').waitFor({ timeout: 10000 });
    assert.deepEqual(await same(), { a: true, b: true, buttonB: true }, 'typing re-created no row');
    assert.equal(await row(a.conv).getByText('typing…').count(), 0, 'only the typing visitor’s row');
    await page.screenshot({ path: outputPath('console-rows.png') });
    sock.close();
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
