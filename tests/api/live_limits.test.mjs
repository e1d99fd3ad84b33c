// Sockets cannot flood: the hub throttles typing (once per 2 s per socket) and presence
// announcements (once per second per socket, the last state always announced), and caps the
// sockets of a session (5) and of a visitor (20): over a cap, the oldest socket closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, randomSessionId, sleep } from '../lib/harness.mjs';
import { live, teammate } from '../lib/live.mjs';

const cid = () => crypto.randomUUID();

async function chat() {
  const ws = await createWorkspace();
  const ada = await teammate(ws);
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const conv = (await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: cid(), body: 'hi' } } })).body.conversation;
  const agent = await live('/admin/v1/live', ada.key);
  const visitor = await live('/v1/live', t);
  await visitor.next((e) => e.type === 'hello');
  await agent.next((e) => e.type === 'presence' && e.presence === 'online');
  return { ws, ada, v, t, conv, agent, visitor, vid: v.body.visitor.id };
}

test('a burst of 50 typing frames reaches the other side as at most a few', async () => {
  const { conv, agent, visitor, vid } = await chat();
  for (let i = 0; i < 50; i++) visitor.send({ type: 'typing', conversationId: conv.id });
  for (let i = 0; i < 50; i++) agent.send({ type: 'typing', conversationId: conv.id, visitorId: vid });
  // The first of each arrives whenever the machine gets to it; then give the rest time to (not) come.
  await agent.next((e) => e.type === 'typing');
  await visitor.next((e) => e.type === 'typing');
  await sleep(1500);
  // `next` took the first of each out of the list: count it back in.
  const toAgent = [1, ...agent.events.filter((e) => e.type === 'typing')];
  const toVisitor = [1, ...visitor.events.filter((e) => e.type === 'typing')];
  assert.ok(toAgent.length >= 1 && toAgent.length <= 2, `the agent got ${toAgent.length} typing events`);
  assert.ok(toVisitor.length >= 1 && toVisitor.length <= 2, `the visitor got ${toVisitor.length} typing events`);
  // A throttle, not a ban: after the window, typing goes through again.
  await sleep(1000);
  agent.events.length = 0;
  visitor.send({ type: 'typing', conversationId: conv.id });
  await agent.next((e) => e.type === 'typing' && e.visitorId === vid);
  agent.close(); visitor.close();
});

test('presence flapping is announced at most once a second, and the last state wins', async () => {
  const { agent, visitor, vid } = await chat();
  agent.events.length = 0;
  for (let i = 0; i < 50; i++) visitor.send({ type: 'hb', state: i % 2 ? 'active' : 'away' });
  visitor.send({ type: 'hb', state: 'away' });
  await sleep(2500);
  const presence = agent.events.filter((e) => e.type === 'presence' && e.visitorId === vid);
  assert.ok(presence.length >= 1 && presence.length <= 4, `${presence.length} presence events for 51 frames`);
  assert.equal(presence.at(-1).presence, 'away', 'the state held back is announced');
  agent.close(); visitor.close();
});

test('at most 5 sockets per session: a 6th closes the oldest', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  const socks = [];
  for (let i = 0; i < 6; i++) {
    socks.push(await live('/v1/live', t));
    await socks[i].next((e) => e.type === 'hello');
  }
  const closed = await Promise.race([socks[0].closed, sleep(5000).then(() => null)]);
  assert.deepEqual([closed?.code, closed?.reason], [1008, 'too many sockets']);
  await sleep(300);
  assert.deepEqual(socks.slice(1).map((s) => s.sock.readyState), [1, 1, 1, 1, 1], 'the 5 newest stay open');
  assert.equal((await call('GET', '/admin/v1/live/stats', { token: ws.key })).body.sockets.visitors, 5);
  for (const s of socks) s.close();
});

test('at most 20 sockets per visitor, across sessions: the 21st closes the oldest', async () => {
  const ws = await createWorkspace();
  const sessionId = randomSessionId();
  const tokens = [];
  for (let i = 0; i < 5; i++) tokens.push((await boot(ws.id, { sessionId })).body);
  assert.equal(new Set(tokens.map((b) => b.visitor.id)).size, 1, 'five sessions of one visitor');
  const socks = [];
  // 4 sockets on each session (20), then a 5th on the last one: no session is over its cap.
  for (const [i, b] of tokens.entries()) {
    for (let j = 0; j < (i === 4 ? 5 : 4); j++) {
      const s = await live('/v1/live', b.sessionToken);
      await s.next((e) => e.type === 'hello');
      socks.push(s);
    }
  }
  const closed = await Promise.race([socks[0].closed, sleep(5000).then(() => null)]);
  assert.deepEqual([closed?.code, closed?.reason], [1008, 'too many sockets']);
  await sleep(300);
  assert.equal(socks.slice(1).filter((s) => s.sock.readyState === 1).length, 20, 'the 20 newest stay open');
  for (const s of socks) s.close();
});
