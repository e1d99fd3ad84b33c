// Rate limits: exceeding one gets 429 RATE_LIMITED with Retry-After and changes nothing; other
// keys (another visitor, another session) are unaffected. Limits count in fixed windows, so
// each test sends until refused, bounded by two windows' worth of requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, randomSessionId } from '../lib/harness.mjs';

async function untilRefused(send, limit) {
  for (let i = 1; i <= 2 * limit + 1; i++) {
    const r = await send(i);
    if (r.status === 429) return { r, sent: i };
    assert.equal(r.status, 200, `request ${i} before the limit: ${r.text}`);
  }
  assert.fail(`no 429 after ${2 * limit + 1} requests (limit ${limit})`);
}

test('boot: minting tokens for one sessionId is limited (20/min); other visitors are not affected', async () => {
  const ws = await createWorkspace();
  const sessionId = randomSessionId();
  const { r, sent } = await untilRefused(() => boot(ws.id, { sessionId }), 20);
  assert.ok(sent > 20 - 1, `refused only after the limit (at request ${sent})`);
  assertError(assert, r, 429, 'RATE_LIMITED');
  assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After says when to come back');
  // Another visitor of the same workspace boots normally.
  const other = await boot(ws.id);
  assert.equal(other.status, 200);
});

test('identify: one session token is limited (60/min); the refused call changes nothing', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id);
  const t = a.body.sessionToken;
  const { r } = await untilRefused((i) => call('POST', '/v1/identify', { token: t, body: { attributes: { n: i } } }), 60);
  assertError(assert, r, 429, 'RATE_LIMITED');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  // A second visitor's session is unaffected and can still write.
  const b = await boot(ws.id);
  const ok = await call('POST', '/v1/identify', { token: b.body.sessionToken, body: { attributes: { fine: true } } });
  assert.equal(ok.status, 200);
});
