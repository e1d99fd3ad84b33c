// The edge behind the messenger's spaces (issue 13): the page a ticket was filed from (and the
// team's status move reaching the visitor's socket),
// suggested articles as a system message after a new conversation's first message, search
// that matches any telling word, and the Home's common questions in the messenger settings.
// Bad input on purpose: wrong types, unknown fields, HTML, hostile URLs, huge payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BASE, call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

async function article(ws, title, body) {
  const r = await call('POST', '/admin/v1/articles', { token: ws.key, body: { title, body } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await call('POST', `/admin/v1/articles/${r.body.id}/activate`, { token: ws.key })).status, 200);
  return r.body.id;
}

/** The visitor's socket, with every event it hears. */
async function socket(token) {
  const t = await call('POST', '/v1/live/ticket', { token });
  assert.equal(t.status, 200, t.text);
  const ws = new WebSocket(`${BASE.replace(/^http/, 'ws')}/v1/live?ticket=${t.body.ticket}`);
  const events = [];
  ws.on('message', (d) => events.push(JSON.parse(String(d))));
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const until = async (pred, what) => {
    for (let i = 0; i < 100; i++) {
      const e = events.find(pred);
      if (e) return e;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${what} on the socket: ${JSON.stringify(events)}`);
  };
  return { ws, events, until };
}

test('a ticket keeps the page it was filed from; the team sees it; a status move reaches the visitor live', async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const filed = await call('POST', '/v1/tickets', { token: t, body: { subject: 'Export broken', body: '<b>CSV</b> is empty', pageUrl: 'https://shop.example/reports?id=7' } });
  assert.equal(filed.status, 201, filed.text);
  assert.equal(filed.body.pageUrl, 'https://shop.example/reports?id=7');
  const plain = await call('POST', '/v1/tickets', { token: t, body: { subject: 'No page', body: 'Filed without one' } });
  assert.equal(plain.body.pageUrl, null);
  assert.equal((await call('GET', `/v1/tickets/${filed.body.id}`, { token: t })).body.pageUrl, 'https://shop.example/reports?id=7');

  const list = await call('GET', '/admin/v1/tickets', { token: ws.key });
  assert.equal(list.status, 200, list.text);
  const seen = list.body.tickets.find((x) => x.id === filed.body.id);
  assert.equal(seen.pageUrl, 'https://shop.example/reports?id=7');
  assert.equal(seen.body, '<b>CSV</b> is empty', 'stored as written: text, never markup');

  const sock = await socket(t);
  try {
    const moved = await call('POST', `/admin/v1/tickets/${filed.body.id}/status`, { token: ws.key, body: { status: 'solved' } });
    assert.equal(moved.status, 200, moved.text);
    const heard = await sock.until((e) => e.type === 'ticket', 'ticket event');
    assert.equal(heard.ticket.id, filed.body.id);
    assert.equal(heard.ticket.status, 'solved');
    assert.equal(heard.ticket.pageUrl, 'https://shop.example/reports?id=7');
    assert.equal(heard.ticket.visitorId, undefined, 'the visitor gets the visitor view');
  } finally {
    sock.ws.close();
  }
});

test('a hostile page URL is refused and nothing is stored', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  for (const pageUrl of ['javascript:alert(1)', 'data:text/html,<script>1</script>', 'https://a.example/"><script>', 'https://a.example/' + 'x'.repeat(2100), 5, ['https://a.example'], '<img src=x>']) {
    const r = await call('POST', '/v1/tickets', { token: t, body: { subject: 's', body: 'b', pageUrl } });
    assertError(assert, r, 400, 'INVALID_INPUT');
  }
  assertError(assert, await call('POST', '/v1/tickets', { token: t, raw: JSON.stringify({ subject: 's', body: 'b', pageUrl: 'https://a.example/' + 'x'.repeat(70_000) }) }), 413, 'PAYLOAD_TOO_LARGE');
  assert.deepEqual((await call('GET', '/v1/tickets', { token: t })).body.tickets, [], 'nothing stored');
});

test("a new conversation whose first message matches articles gets the help center's message; a teammate still answers", async () => {
  const ws = await createWorkspace();
  const exportId = await article(ws, 'Export a report as CSV', 'Open a report and press Export.');
  await article(ws, 'Reset your password', 'Use the forgot password link.');
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  const start = (clientId, body) => call('POST', '/v1/conversations', { token: t, body: { message: { clientId, body } } });
  const first = await start('c-first-0001', 'Hi, how do I export my <b>report</b>?');
  assert.equal(first.status, 201, first.text);
  const id = first.body.conversation.id;
  const page = await call('GET', `/v1/conversations/${id}/messages`, { token: t });
  const [mine, bot] = page.body.messages;
  assert.equal(mine.author.type, 'visitor');
  assert.equal(bot.author.type, 'system');
  assert.deepEqual(bot.articles, [{ id: exportId, title: 'Export a report as CSV' }]);
  assert.match(bot.body, /These articles might help/);
  // A retried start (same clientId) finds its conversation and adds nothing.
  const again = await start('c-first-0001', 'Hi, how do I export my <b>report</b>?');
  assert.equal(again.status, 200);
  assert.equal((await call('GET', `/v1/conversations/${id}/messages`, { token: t })).body.messages.length, 2);
  // The team sees it in the conversation (the console reads this).
  const agentView = await call('GET', `/admin/v1/conversations/${id}/messages`, { token: ws.key });
  assert.equal(agentView.body.messages[1].author.type, 'system');
  assert.equal(agentView.body.messages[1].articles[0].id, exportId);
  // It is not a teammate's reply: the conversation still waits for one, and one comes.
  const conv = (await call('GET', '/v1/conversations', { token: t })).body.conversations[0];
  assert.equal(conv.firstReplyAt, null);
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  const reply = await call('POST', `/admin/v1/conversations/${id}/messages`, { token: mate.body.key, body: { clientId: 'agent-0001', body: 'Happy to help!' } });
  assert.equal(reply.status, 201, reply.text);
  assert.equal((await call('GET', `/v1/conversations/${id}/messages`, { token: t })).body.messages.at(-1).body, 'Happy to help!');
  // Nothing matches: no message from the help center.
  const other = await start('c-first-0002', 'Bonjour, tout va bien');
  const msgs = (await call('GET', `/v1/conversations/${other.body.conversation.id}/messages`, { token: t })).body.messages;
  assert.deepEqual(msgs.map((m) => m.author.type), ['visitor']);
});

test('search with match=any finds what a message is about; match is checked', async () => {
  const ws = await createWorkspace();
  const id = await article(ws, 'Export a report as CSV', 'Open a report and press Export.');
  const t = (await boot(ws.id)).body.sessionToken;
  const q = (s, m) => call('GET', `/v1/articles/search?q=${encodeURIComponent(s)}${m ? `&match=${m}` : ''}`, { token: t });
  assert.deepEqual((await q('how can I export things to a spreadsheet')).body.results, [], 'all words: nothing');
  assert.deepEqual((await q('how can I export things to a spreadsheet', 'any')).body.results.map((r) => r.id), [id]);
  assert.deepEqual((await q('" OR * NEAR( --', 'any')).body.results, [], 'operators are words');
  assertError(assert, await q('export', 'some'), 400, 'INVALID_INPUT');
});

test("the Home's common questions: an article or an http(s) link each, validated", async () => {
  const ws = await createWorkspace();
  const get = async () => (await call('GET', '/admin/v1/workspace', { token: ws.key })).body.messenger;
  const base = await get();
  const ok = [{ title: 'How do I export?', articleId: 'art_1234' }, { title: 'Status page', url: 'https://status.example/' }];
  const r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { ...base, commonQuestions: ok } } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await get()).commonQuestions, ok);
  const booted = await boot(ws.id);
  assert.deepEqual(booted.body.settings.messenger.commonQuestions, ok, 'the widget gets them at boot');
  for (const commonQuestions of [
    [{ title: 'x', url: 'javascript:alert(1)' }],
    [{ title: 'x', url: 'data:text/html,hi' }],
    [{ title: 'x' }],
    [{ title: 'x', articleId: 'art_1', url: 'https://a.example' }],
    [{ title: '', articleId: 'art_1' }],
    [{ title: 'x', articleId: '<img src=x>' }],
    [{ title: 'x'.repeat(121), articleId: 'a' }],
    [{ title: 5, articleId: 'a' }],
    [{ title: 'x', articleId: 'a', html: '<b>' }],
    Array.from({ length: 6 }, () => ({ title: 'x', articleId: 'a' })),
    'not a list',
  ]) {
    const bad = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { ...base, commonQuestions } } });
    assertError(assert, bad, 400, 'INVALID_INPUT');
  }
  assert.deepEqual((await get()).commonQuestions, ok, 'nothing changed');
});

test('stored events and attributes are announced to the visitor (their checklists may have ticked)', async () => {
  const ws = await createWorkspace();
  const t = (await boot(ws.id)).body.sessionToken;
  const sock = await socket(t);
  try {
    const r = await call('POST', '/v1/events', { token: t, body: { events: [{ name: 'report_created' }] } });
    assert.equal(r.status, 202, r.text);
    await sock.until((e) => e.type === 'checklists', 'announcement after events');
    const n = sock.events.length;
    const id = await call('POST', '/v1/identify', { token: t, body: { attributes: { has_logo: true } } });
    assert.equal(id.status, 200, id.text);
    for (let i = 0; i < 100 && sock.events.length === n; i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(sock.events.at(-1)?.type, 'checklists', 'announcement after attributes');
  } finally {
    sock.ws.close();
  }
});

test('a manual tick and an answer stored as an attribute are announced too (another tab\'s Tasks ticks)', async () => {
  const ws = await createWorkspace();
  const admin = (method, path, body) => call(method, path, { token: ws.key, body });
  const list = await admin('POST', '/admin/v1/checklists', { name: 'c', content: { title: 'Go', tasks: [
    { id: 'tick', title: 'Tick me' },
    { id: 'happy', title: 'Tell us', completion: { type: 'attribute', key: 'happy' } },
  ] } });
  assert.equal(list.status, 201, list.text);
  await admin('POST', `/admin/v1/checklists/${list.body.id}/activate`);
  const s = await admin('POST', '/admin/v1/surveys', { name: 's', content: { questions: [{ id: 'q', type: 'star_rating', prompt: 'Happy?', storeAsAttribute: 'happy' }] }, frequency: 'always' });
  assert.equal(s.status, 201, s.text);
  await admin('POST', `/admin/v1/surveys/${s.body.id}/activate`);
  const t = (await boot(ws.id)).body.sessionToken;
  const sock = await socket(t);
  const announced = async (what) => {
    const n = sock.events.length;
    await sock.until((e, i) => i >= n && e.type === 'checklists', what);
  };
  try {
    const tick = call('POST', `/v1/checklists/${list.body.id}/tasks/tick`, { token: t, body: { done: true } });
    await announced('announcement after a tick');
    assert.equal((await tick).status, 200);
    const answer = call('POST', `/v1/surveys/${s.body.id}/responses`, { token: t, body: { answers: [{ questionId: 'q', value: 5 }], complete: true } });
    await announced('announcement after an answer stored as an attribute');
    assert.equal((await answer).status, 200);
    const e = await call('GET', '/v1/eligible?url=%2F', { token: t });
    assert.equal(e.body.checklists[0].completed, true, 'both tasks done');
  } finally {
    sock.ws.close();
  }
});
