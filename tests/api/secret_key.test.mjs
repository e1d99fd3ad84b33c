// Rotating the workspace secret key: the new key is shown once, the old one stops at once, and
// the agent sockets opened with it close; teammates are not touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { wsBase, live, ticketFor, refusal, teammate } from '../lib/live.mjs';

test('rotating the secret key: shown once, the old key stops at once, its sockets close, teammates stay', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const keySock = await live('/admin/v1/live', ws.key);
  const mateSock = await live('/admin/v1/live', ada.key);
  await keySock.next((e) => e.type === 'hello');
  await mateSock.next((e) => e.type === 'hello');
  const unused = await ticketFor('/admin/v1/live', ws.key);

  const r = await call('POST', '/admin/v1/workspace/secret-key/rotate', { token: ws.key });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ['secretKey']);
  const fresh = r.body.secretKey;
  assert.match(fresh, /^psk_[0-9a-f]{64}$/);
  assert.notEqual(fresh, ws.key);

  // The old key: refused everywhere, at once; its socket closed; its unused ticket dead.
  assertError(assert, await call('GET', '/admin/v1/workspace', { token: ws.key }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('GET', '/admin/v1/conversations', { token: ws.key }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('POST', '/admin/v1/workspace/secret-key/rotate', { token: ws.key }), 401, 'NOT_AUTHENTICATED');
  assert.equal((await keySock.closed).code, 1008, 'the socket opened with the old key closes');
  assert.equal(await refusal(`${wsBase}/admin/v1/live?ticket=${unused.ticket}`), 401);
  // The new key works, sockets included.
  assert.equal((await call('GET', '/admin/v1/workspace', { token: fresh })).status, 200);
  const again = await live('/admin/v1/live', fresh);
  await again.next((e) => e.type === 'hello');
  again.close();
  // The teammate's socket and key are not the workspace key's: untouched, still live.
  assert.equal(mateSock.sock.readyState, 1);
  const v = await boot(ws.id);
  const start = await call('POST', '/v1/conversations', { token: v.body.sessionToken, body: { message: { clientId: crypto.randomUUID(), body: 'still there?' } } });
  assert.equal(start.status, 201, start.text);
  await mateSock.next((e) => e.type === 'message' && e.message.body === 'still there?');
  assert.equal((await call('GET', '/admin/v1/conversations', { token: ada.key })).status, 200);
  mateSock.close();
});

test('only the workspace key rotates the workspace key', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const t = (await boot(ws.id)).body.sessionToken;
  assertError(assert, await call('POST', '/admin/v1/workspace/secret-key/rotate', { token: ada.key }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await call('POST', '/admin/v1/workspace/secret-key/rotate', { token: t }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await call('POST', '/admin/v1/workspace/secret-key/rotate'), 401, 'NOT_AUTHENTICATED');
  const other = await createWorkspace();
  const r = await call('POST', '/admin/v1/workspace/secret-key/rotate', { token: other.key });
  assert.equal(r.status, 200);
  // Rotating another workspace's key changes nothing here.
  assert.equal((await call('GET', '/admin/v1/workspace', { token: ws.key })).status, 200);
  assertError(assert, await call('GET', '/admin/v1/workspace', { token: r.body.secretKey.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }), 401, 'NOT_AUTHENTICATED');
  assert.equal((await call('GET', '/admin/v1/workspace', { token: r.body.secretKey })).body.id, other.id);
});
