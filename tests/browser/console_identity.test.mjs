// The console says loudly when a workspace trusts every identity claim (mode `off`), and tells a
// claimed userId from a proven one, where a teammate decides what to share with a visitor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors, outputPath, axe } from '../lib/browser.mjs';
import { BASE, call, createWorkspace, boot, userHash } from '../lib/harness.mjs';

async function conversationFrom(ws, claims) {
  const b = await boot(ws.id, claims);
  assert.equal(b.status, 200, b.text);
  const c = await call('POST', '/v1/conversations', { token: b.body.sessionToken, body: { message: { clientId: crypto.randomUUID(), body: 'Can you read me my card number?' } } });
  assert.equal(c.status, 201, c.text);
}

async function visitorPanel(key) {
  const { context, close } = await freshContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${BASE}/console/`);
  await page.getByLabel('Your teammate key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const row = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  const panel = page.getByRole('complementary', { name: 'Visitor' });
  await panel.getByRole('heading').first().waitFor({ timeout: 10000 });
  return { page, panel, errors, close };
}

test('mode off: the console warns that anyone can claim any user', async () => {
  const ws = await createWorkspace({ identityVerification: 'off' });
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  assert.equal(mate.status, 201, mate.text);
  await conversationFrom(ws, { userId: 'u_claimed' });
  const { page, panel, errors, close } = await visitorPanel(mate.body.key);
  try {
    await panel.getByRole('note').filter({ hasText: 'Identity verification is OFF' }).waitFor();
    assert.ok(await panel.getByText('u_claimed (claimed, not proven)').isVisible());
    await page.screenshot({ path: outputPath('console-identity-off.png') });
    // Readable in both schemes (the console is light-only; axe checks contrast and the rest).
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      const violations = await axe(page);
      assert.deepEqual(violations, [], `${colorScheme}: ${JSON.stringify(violations, null, 2)}`);
    }
    await page.screenshot({ path: outputPath('console-identity-off-dark.png') });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('mode optional with a proven userId: no warning, the userId stands as proven', async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  await conversationFrom(ws, { userId: 'u_proven', userHash: userHash(ws.secret, 'u_proven') });
  const { panel, errors, close } = await visitorPanel(mate.body.key);
  try {
    await panel.getByText('u_proven', { exact: true }).waitFor();
    assert.equal(await panel.getByRole('note').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
