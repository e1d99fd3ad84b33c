// The Worker process dies mid-conversation and comes back: nothing stored is lost, the widget's
// socket reconnects, and what the visitor sent while the edge was down is delivered once.
// Run alone (scripts/test, last): it stops and restarts the shared `wrangler dev`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freshContext, watchErrors, outputPath } from '../lib/browser.mjs';
import { BASE, call, sleep } from '../lib/harness.mjs';

const pidFile = process.env.WRANGLER_PID_FILE;
const args = JSON.parse(process.env.WRANGLER_ARGS ?? '[]');
const creds = JSON.parse(readFileSync(join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json'), 'utf8'));

const up = async () => { try { return (await fetch(`${BASE}/health`)).ok; } catch { return false; } };

async function killWorker() {
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try { process.kill(-pid, 'SIGKILL'); } catch { process.kill(pid, 'SIGKILL'); }
  for (let i = 0; i < 80 && await up(); i++) await sleep(250);
  assert.equal(await up(), false, 'the edge is down');
}

async function startWorker() {
  const out = openSync('/tmp/porchlight-test-wrangler-restarted.log', 'a');
  const child = spawn('node_modules/.bin/wrangler', args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  for (let i = 0; i < 240 && !(await up()); i++) await sleep(500);
  assert.ok(await up(), 'the edge is back');
}

const composer = (page) => page.getByRole('textbox', { name: 'Write a message…' });
const log = (page) => page.getByRole('log', { name: 'Conversation' });

test('wrangler killed and restarted mid-conversation: nothing lost, sockets reconnect, queued sends arrive once', { skip: !pidFile && 'run through scripts/test' }, async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    // The landing page: the demo's app page opens with its product tour (a modal step).
    await page.goto(`${BASE}/index.html`);
    await page.getByRole('button', { name: /^Open messenger/ }).click();
    // The launcher opens on Home; the conversation is one tab away.
    await page.getByRole('tab', { name: 'Messages' }).click();
    await composer(page).fill('before the crash');
    await composer(page).press('Enter');
    await log(page).locator('li[data-seq]').filter({ hasText: 'before the crash' }).waitFor({ timeout: 10000 });

    await killWorker();
    for (const body of ['while down 1', 'while down 2']) {
      await composer(page).fill(body);
      await composer(page).press('Enter');
    }
    await log(page).getByText('while down 2').waitFor();
    await startWorker();

    // The outbox drains (retry with backoff) and the socket reconnects on its own.
    await page.waitForFunction(() => localStorage.getItem('porchlight:demo:outbox') === null, null, { timeout: 45000 });
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('porchlight:demo')).token);
    const conv = (await call('GET', '/v1/conversations', { token })).body.conversations[0];
    const stored = (await call('GET', `/v1/conversations/${conv.id}/messages?limit=200`, { token })).body.messages;
    assert.deepEqual(stored.map((m) => [m.seq, m.body]), [[1, 'before the crash'], [2, 'while down 1'], [3, 'while down 2']]);
    // A reply sent now reaches the page live, over the reconnected socket.
    const reply = await call('POST', `/admin/v1/conversations/${conv.id}/messages`, { token: creds.teammateKey, body: { clientId: crypto.randomUUID(), body: 'Back online: all three arrived.' } });
    assert.equal(reply.status, 201, reply.text);
    await log(page).getByText('Back online: all three arrived.').waitFor({ timeout: 40000 });
    for (const body of ['before the crash', 'while down 1', 'while down 2']) {
      assert.equal(await log(page).getByText(body, { exact: true }).count(), 1, `${body} shown once`);
    }
    await page.screenshot({ path: outputPath('chat-after-restart.png') });
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket/.test(e)), []);
  } finally {
    await close();
  }
});
