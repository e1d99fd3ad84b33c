// Live chat through the API and the hub's WebSockets: messages are stored before they are
// acknowledged, numbered in one total order per conversation, stored once per clientId, and
// delivered live to the other side; visitors reach only their own conversations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, userHash } from '../lib/harness.mjs';
import { live, teammate } from '../lib/live.mjs';

const cid = () => crypto.randomUUID();

test('a conversation end to end: visitor writes, agent sees it live, replies, closes; visitor rates once', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const agentSock = await live('/admin/v1/live', ada.key);
  const visitorSock = await live('/v1/live', t);
  await visitorSock.next((e) => e.type === 'hello');
  await agentSock.next((e) => e.type === 'presence' && e.visitorId === v.body.visitor.id && e.presence === 'online');

  const start = await call('POST', '/v1/conversations', { token: t, body: { topic: 'Billing', message: { clientId: cid(), body: 'Hello, **is anyone there?**' } } });
  assert.equal(start.status, 201, start.text);
  const conv = start.body.conversation;
  assert.deepEqual([conv.status, conv.topic, conv.lastSeq, conv.queuePosition], ['open', 'Billing', 1, 1]);
  const seen = await agentSock.next((e) => e.type === 'message' && e.conversationId === conv.id);
  assert.equal(seen.message.body, 'Hello, **is anyone there?**');
  assert.deepEqual(seen.message.author, { type: 'visitor' });

  // The agent's inbox: unread, presence, who.
  const inbox = await call('GET', '/admin/v1/conversations', { token: ada.key });
  const row = inbox.body.conversations.find((c) => c.id === conv.id);
  assert.deepEqual([row.unread, row.visitor.presence, row.visitor.id], [1, 'online', v.body.visitor.id]);

  // Typing goes through the hub both ways.
  agentSock.send({ type: 'typing', conversationId: conv.id, visitorId: v.body.visitor.id });
  const typing = await visitorSock.next((e) => e.type === 'typing');
  assert.deepEqual([typing.from, typing.name, typing.conversationId], ['agent', 'Ada', conv.id]);
  visitorSock.send({ type: 'typing', conversationId: conv.id });
  await agentSock.next((e) => e.type === 'typing' && e.from === 'visitor' && e.visitorId === v.body.visitor.id);

  const reply = await call('POST', `/admin/v1/conversations/${conv.id}/messages`, { token: ada.key, body: { clientId: cid(), body: 'Hi! Ada here.' } });
  assert.equal(reply.status, 201, reply.text);
  const got = await visitorSock.next((e) => e.type === 'message' && e.message.author.type === 'agent');
  assert.deepEqual([got.message.seq, got.message.author.name, got.message.author.avatarUrl], [2, 'Ada', 'https://acme.test/ada.png']);
  // The visitor sees who answers, and the unread count.
  let mine = await call('GET', '/v1/conversations', { token: t });
  assert.equal(mine.body.unread, 1);
  assert.equal(mine.body.conversations[0].assignee.name, 'Ada');
  assert.equal(mine.body.conversations[0].queuePosition, null, 'answered: no longer queued');
  const read = await call('POST', `/v1/conversations/${conv.id}/read`, { token: t, body: {} });
  assert.equal(read.body.readSeq, 2);
  await agentSock.next((e) => e.type === 'read' && e.by === 'visitor' && e.seq === 2);
  mine = await call('GET', '/v1/conversations', { token: t });
  assert.equal(mine.body.unread, 0);

  // Rating before close is refused; the agent closes; the visitor is told and rates once.
  assertError(assert, await call('POST', `/v1/conversations/${conv.id}/csat`, { token: t, body: { rating: 5 } }), 400, 'INVALID_INPUT');
  const closed = await call('POST', `/admin/v1/conversations/${conv.id}/close`, { token: ada.key });
  assert.equal(closed.body.conversation.status, 'closed');
  await visitorSock.next((e) => e.type === 'conversation' && e.conversation.status === 'closed');
  assertError(assert, await call('POST', `/v1/conversations/${conv.id}/csat`, { token: t, body: { rating: 6 } }), 400, 'INVALID_INPUT');
  const rated = await call('POST', `/v1/conversations/${conv.id}/csat`, { token: t, body: { rating: 4, comment: 'Quick <b>answer</b>' } });
  assert.equal(rated.status, 200, rated.text);
  assert.deepEqual(rated.body.conversation.csat, { rating: 4, comment: 'Quick <b>answer</b>' });
  assertError(assert, await call('POST', `/v1/conversations/${conv.id}/csat`, { token: t, body: { rating: 1 } }), 409, 'ALREADY_EXISTS');
  const history = await call('GET', `/admin/v1/conversations/${conv.id}/messages`, { token: ada.key });
  assert.deepEqual(history.body.messages.map((m) => [m.seq, m.author.type]), [[1, 'visitor'], [2, 'agent']]);
  agentSock.close(); visitorSock.close();
});

test('sends are idempotent on clientId and totally ordered, even when fired at once', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  const conv = (await call('POST', '/v1/conversations', { token: t, body: {} })).body.conversation;
  const ids = Array.from({ length: 20 }, cid);
  // Every message sent twice, all 40 requests in flight together.
  const results = await Promise.all([...ids, ...ids].map((clientId, i) => call('POST', `/v1/conversations/${conv.id}/messages`, { token: t, body: { clientId, body: `message ${i % 20}` } })));
  for (const r of results) assert.ok([200, 201].includes(r.status), r.text);
  assert.equal(results.filter((r) => r.status === 201).length, 20, 'each clientId stored once');
  const page = await call('GET', `/v1/conversations/${conv.id}/messages?after=0&limit=200`, { token: t });
  assert.deepEqual(page.body.messages.map((m) => m.seq), Array.from({ length: 20 }, (_, i) => i + 1), 'seq 1..20 without gaps');
  assert.deepEqual(new Set(page.body.messages.map((m) => m.clientId)), new Set(ids));
  // A retry answers with the stored message, same id and seq.
  const first = page.body.messages[0];
  const again = await call('POST', `/v1/conversations/${conv.id}/messages`, { token: t, body: { clientId: first.clientId, body: 'different text' } });
  assert.deepEqual([again.status, again.body.duplicate, again.body.message.id, again.body.message.body], [200, true, first.id, first.body]);
  // Catch-up by cursor.
  const tail = await call('GET', `/v1/conversations/${conv.id}/messages?after=15&limit=3`, { token: t });
  assert.deepEqual(tail.body.messages.map((m) => m.seq), [16, 17, 18]);
  assert.deepEqual([tail.body.hasMore, tail.body.nextAfter], [true, 18]);
});

test('a visitor reaches only their own conversations; bodies are checked', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const a = (await boot(ws.id)).body.sessionToken;
  const b = (await boot(ws.id)).body.sessionToken;
  const foreign = (await boot(other.id)).body.sessionToken;
  const conv = (await call('POST', '/v1/conversations', { token: a, body: { message: { clientId: cid(), body: 'private' } } })).body.conversation;
  for (const token of [b, foreign]) {
    assertError(assert, await call('GET', `/v1/conversations/${conv.id}/messages`, { token }), 404, 'NOT_FOUND');
    assertError(assert, await call('POST', `/v1/conversations/${conv.id}/messages`, { token, body: { clientId: cid(), body: 'intrusion' } }), 404, 'NOT_FOUND');
    assertError(assert, await call('POST', `/v1/conversations/${conv.id}/read`, { token, body: {} }), 404, 'NOT_FOUND');
    assert.deepEqual((await call('GET', '/v1/conversations', { token })).body.conversations, []);
  }
  const otherKey = await teammate(other, 'Eve');
  assertError(assert, await call('POST', `/admin/v1/conversations/${conv.id}/messages`, { token: otherKey.key, body: { clientId: cid(), body: 'hi' } }), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', `/admin/v1/conversations/${conv.id}/messages`, { token: other.key }), 404, 'NOT_FOUND');
  // Replies are sent as a teammate: the workspace key may read, not speak.
  assertError(assert, await call('POST', `/admin/v1/conversations/${conv.id}/messages`, { token: ws.key, body: { clientId: cid(), body: 'hi' } }), 403, 'NOT_AUTHORIZED');
  // A teammate key cannot manage the workspace.
  const ada = await teammate(ws);
  assertError(assert, await call('POST', '/admin/v1/teammates', { token: ada.key, body: { name: 'Mallory' } }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await call('PATCH', '/admin/v1/workspace', { token: ada.key, body: { name: 'Owned' } }), 403, 'NOT_AUTHORIZED');
  // Limits: 10,000 characters at most; clientId required; a visitor id in the body is refused.
  const url = `/v1/conversations/${conv.id}/messages`;
  assertError(assert, await call('POST', url, { token: a, body: { clientId: cid(), body: 'x'.repeat(10_001) } }), 413, 'PAYLOAD_TOO_LARGE');
  assert.equal((await call('POST', url, { token: a, body: { clientId: cid(), body: 'é'.repeat(10_000) } })).status, 201);
  assertError(assert, await call('POST', url, { token: a, body: { body: 'no id' } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', url, { token: a, body: { clientId: 'has space', body: 'x' } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', url, { token: a, body: { clientId: cid(), body: '   ' } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', url, { token: a, body: { clientId: cid(), body: 'x', visitorId: 'v_other' } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', url, { token: a, raw: '{"clientId": ' }), 400, 'INVALID_INPUT');
  // The live socket needs a valid token.
  await assert.rejects(live('/v1/live', 'wst_' + '0'.repeat(64)));
  await assert.rejects(live('/admin/v1/live', 'ptk_' + '0'.repeat(64)));
  const page = await call('GET', `/v1/conversations/${conv.id}/messages`, { token: a });
  assert.equal(page.body.messages.length, 2, 'only the two accepted messages are stored');
});

test('assignment: round robin between teammates, transfer, and a merge carries conversations', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { assignment: 'round_robin' } } });
  const ada = await teammate(ws, 'Ada');
  const bob = await teammate(ws, 'Bob');
  const names = [];
  for (let i = 0; i < 4; i++) {
    const t = (await boot(ws.id)).body.sessionToken;
    const c = await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: cid(), body: `visitor ${i}` } } });
    names.push(c.body.conversation.assignee?.name);
  }
  assert.deepEqual(names, ['Ada', 'Bob', 'Ada', 'Bob']);
  const inbox = await call('GET', '/admin/v1/conversations', { token: ada.key });
  const first = inbox.body.conversations.find((c) => c.assignee?.name === 'Ada');
  const moved = await call('POST', `/admin/v1/conversations/${first.id}/assign`, { token: ada.key, body: { teammateId: bob.id } });
  assert.equal(moved.body.conversation.assignee.name, 'Bob');
  assertError(assert, await call('POST', `/admin/v1/conversations/${first.id}/assign`, { token: ada.key, body: { teammateId: 'tm_nobody' } }), 400, 'INVALID_INPUT');
  // Anonymous conversation, then a verified sign-in: it follows the person.
  const hash = userHash(ws.secret, 'chat_user');
  await boot(ws.id, { userId: 'chat_user', userHash: hash });
  const anon = (await boot(ws.id)).body.sessionToken;
  const c = (await call('POST', '/v1/conversations', { token: anon, body: { message: { clientId: cid(), body: 'before sign-in' } } })).body.conversation;
  await call('POST', '/v1/identify', { token: anon, body: { userId: 'chat_user', userHash: hash } });
  const elsewhere = (await boot(ws.id, { userId: 'chat_user', userHash: hash })).body.sessionToken;
  assert.deepEqual((await call('GET', '/v1/conversations', { token: elsewhere })).body.conversations.map((x) => x.id), [c.id]);
});

test('pre-chat rules are enforced by the edge: a configured topic and consent are required', async () => {
  const ws = await createWorkspace({ messenger: { topics: ['Billing', 'Sales'], consentNotice: 'We keep this chat for 30 days.' } });
  const t = (await boot(ws.id)).body.sessionToken;
  const b = await boot(ws.id);
  assert.deepEqual(b.body.settings.messenger.topics, ['Billing', 'Sales']);
  assert.equal(b.body.settings.emailCapture, 'when_offline');
  const start = (body) => call('POST', '/v1/conversations', { token: t, body });
  let r = await start({ consent: true });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/topic');
  r = await start({ topic: 'Gardening', consent: true });
  assert.equal(r.body.error.path, '/topic');
  r = await start({ topic: 'Billing' });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/consent');
  r = await start({ topic: 'Billing', consent: true, email: 'nope' });
  assert.equal(r.body.error.path, '/email');
  assert.deepEqual((await call('GET', '/v1/conversations', { token: t })).body.conversations, [], 'nothing was started');
  r = await start({ topic: 'Billing', consent: true, email: 'ada@example.test' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.conversation.topic, 'Billing');
  // Bad settings are refused with paths.
  const bad = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { topics: ['A', 'A'] } } });
  assertError(assert, bad, 400, 'INVALID_INPUT');
  assert.equal(bad.body.error.path, '/messenger/topics/1');
});

test('routing: a pre-chat topic goes to its teammate; a teammate of another workspace is refused', async () => {
  const ws = await createWorkspace({ messenger: { topics: ['Billing', 'Sales'] } });
  const ada = await teammate(ws, 'Ada');
  const bob = await teammate(ws, 'Bob');
  const other = await teammate(await createWorkspace(), 'Eve');
  const refused = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { topicAssignees: { Billing: other.id } } } });
  assertError(assert, refused, 400, 'INVALID_INPUT');
  assert.equal(refused.body.error.path, '/automation/topicAssignees/Billing');
  const ok = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { assignment: 'round_robin', topicAssignees: { Billing: bob.id } } } });
  assert.equal(ok.status, 200, ok.text);
  for (const [topic, who] of [['Billing', 'Bob'], ['Billing', 'Bob'], ['Sales', 'Ada']]) {
    const t = (await boot(ws.id)).body.sessionToken;
    const c = await call('POST', '/v1/conversations', { token: t, body: { topic } });
    assert.equal(c.body.conversation.assignee?.name, who, topic);
  }
  // A routed teammate who is deleted: the topic falls back to round robin (Ada is the only one left).
  assert.equal((await call('DELETE', `/admin/v1/teammates/${bob.id}`, { token: ws.key })).status, 204);
  const t = (await boot(ws.id)).body.sessionToken;
  const c = await call('POST', '/v1/conversations', { token: t, body: { topic: 'Billing' } });
  assert.deepEqual(c.body.conversation.assignee, { id: ada.id, name: 'Ada', avatarUrl: 'https://acme.test/ada.png' });
});

test('starting a conversation twice with the same first message (a lost answer, two tabs) makes one', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  const message = { clientId: cid(), body: 'Hello once' };
  const [a, b] = await Promise.all([
    call('POST', '/v1/conversations', { token: t, body: { message } }),
    call('POST', '/v1/conversations', { token: t, body: { message } }),
  ]);
  const again = await call('POST', '/v1/conversations', { token: t, body: { message } });
  assert.deepEqual([a.status, b.status, again.status].sort(), [200, 200, 201]);
  assert.equal(new Set([a, b, again].map((r) => r.body.conversation.id)).size, 1);
  const mine = await call('GET', '/v1/conversations', { token: t });
  assert.equal(mine.body.conversations.length, 1);
  const page = await call('GET', `/v1/conversations/${a.body.conversation.id}/messages`, { token: t });
  assert.deepEqual(page.body.messages.map((m) => [m.seq, m.body]), [[1, 'Hello once']]);
});

test('the workspace key opens the agent socket too; a teammate key cannot reach workspace-key routes', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const sock = await live('/admin/v1/live', ws.key);
  sock.close();
  for (const [method, path, body] of [['POST', '/admin/v1/teammates', { name: 'X' }], ['PATCH', '/admin/v1/workspace', { name: 'X' }], ['GET', '/admin/v1/segments'], ['POST', '/admin/v1/tours', { name: 'x', content: {} }], ['POST', '/admin/v1/workspace/identity-secret/rotate', {}]]) {
    assertError(assert, await call(method, path, { token: ada.key, body }), 403, 'NOT_AUTHORIZED');
  }
});

test('taking access away closes open sockets: a removed teammate, a revoked session', async () => {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const agentSock = await live('/admin/v1/live', ada.key);
  const agentClosed = new Promise((resolve) => agentSock.sock.once('close', (code) => resolve(code)));
  assert.equal((await call('DELETE', `/admin/v1/teammates/${ada.id}`, { token: ws.key })).status, 204);
  assert.equal(await agentClosed, 1008);
  const t = (await boot(ws.id)).body.sessionToken;
  const visitorSock = await live('/v1/live', t);
  const other = await live('/v1/live', (await boot(ws.id)).body.sessionToken);
  const visitorClosed = new Promise((resolve) => visitorSock.sock.once('close', (code) => resolve(code)));
  assert.equal((await call('POST', '/v1/session/revoke', { token: t })).status, 204);
  assert.equal(await visitorClosed, 1008);
  assert.equal(other.sock.readyState, 1, 'another visitor keeps their socket');
  other.close();
  // A socket opened before a token refresh belongs to the new token: revoking that closes it.
  const old = (await boot(ws.id)).body.sessionToken;
  const early = await live('/v1/live', old);
  const earlyClosed = new Promise((resolve) => early.sock.once('close', (code) => resolve(code)));
  const fresh = (await call('POST', '/v1/session/refresh', { token: old })).body.sessionToken;
  assert.ok(fresh && fresh !== old);
  assert.equal((await call('POST', '/v1/session/revoke', { token: fresh })).status, 204);
  assert.equal(await earlyClosed, 1008);
});

test('the hub reports the sockets it holds, per workspace', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const ada = await teammate(ws);
  const before = Date.now();
  const socks = [await live('/v1/live', (await boot(ws.id)).body.sessionToken), await live('/v1/live', (await boot(ws.id)).body.sessionToken), await live('/admin/v1/live', ada.key)];
  const r = await call('GET', '/admin/v1/live/stats', { token: ada.key });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.sockets, { visitors: 2, agents: 1 });
  assert.ok(r.body.awakeSince >= before - 60_000 && r.body.awakeSince <= Date.now() + 60_000);
  assert.deepEqual((await call('GET', '/admin/v1/live/stats', { token: other.key })).body.sockets, { visitors: 0, agents: 0 });
  socks[0].close();
  for (let i = 0; i < 50; i++) {
    if ((await call('GET', '/admin/v1/live/stats', { token: ws.key })).body.sockets.visitors === 1) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.deepEqual((await call('GET', '/admin/v1/live/stats', { token: ws.key })).body.sockets, { visitors: 1, agents: 1 });
  for (const s of socks.slice(1)) s.close();
});

test('ratings can be turned off: the widget is told, and the edge refuses a rating', async () => {
  const ws = await createWorkspace();
  await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { csat: false } } });
  const b = await boot(ws.id);
  assert.equal(b.body.settings.csat, false);
  const ada = await teammate(ws);
  const t = b.body.sessionToken;
  const conv = (await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: cid(), body: 'hi' } } })).body.conversation;
  await call('POST', `/admin/v1/conversations/${conv.id}/close`, { token: ada.key });
  const r = await call('POST', `/v1/conversations/${conv.id}/csat`, { token: t, body: { rating: 5 } });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal((await boot((await createWorkspace()).id)).body.settings.csat, true, 'on by default');
});

test('a socket the client closes is closed at once: the hub answers its close frame', async () => {
  const ws = await createWorkspace();
  const sock = await live('/v1/live', (await boot(ws.id)).body.sessionToken);
  await sock.next((e) => e.type === 'hello');
  const t0 = Date.now();
  sock.sock.close(4001, 'leaving');
  // Without an answer, the client waits (500 ms in this helper) and reports 1006.
  const closed = await sock.closed;
  assert.equal(closed.code, 4001, `closed with ${closed.code} after ${Date.now() - t0} ms`);
  for (let i = 0; i < 50; i++) {
    if ((await call('GET', '/admin/v1/live/stats', { token: ws.key })).body.sockets.visitors === 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal((await call('GET', '/admin/v1/live/stats', { token: ws.key })).body.sockets.visitors, 0);
});
