// What is at rest: tokens and keys only as SHA-256, merges audited. Reads the local D1 file
// through `wrangler d1 execute --local` against the test run's persist directory. That second
// process locks the SQLite file, so scripts/test runs this folder alone, after the rest (a
// concurrent write would otherwise fail with SQLITE_BUSY, which production D1 never sees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { call, createWorkspace, boot, userHash } from '../lib/harness.mjs';

const persist = process.env.PORCHLIGHT_PERSIST;

// Asynchronous on purpose: blocking the event loop for seconds lets the server close pooled
// keep-alive sockets under fetch's feet.
async function sql(query) {
  const { stdout } = await promisify(execFile)('node_modules/.bin/wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', persist, '--json', '--command', query], { encoding: 'utf8' });
  return JSON.parse(stdout)[0].results;
}

test('session tokens and secret keys are stored hashed, never in plaintext', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const token = v.body.sessionToken;
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const sessions = await sql(`SELECT token_hash FROM widget_sessions WHERE workspace_id = '${ws.id}'`);
  assert.deepEqual(sessions.map((r) => r.token_hash), [sha(token)]);
  const wsRow = (await sql(`SELECT * FROM workspaces WHERE id = '${ws.id}'`))[0];
  assert.equal(wsRow.secret_key_hash, sha(ws.key));
  const dump = JSON.stringify(await sql('SELECT * FROM widget_sessions')) + JSON.stringify(await sql('SELECT * FROM workspaces'));
  assert.ok(!dump.includes(token.slice(4)), 'no plaintext token at rest');
  assert.ok(!dump.includes(ws.key.slice(4)), 'no plaintext secret key at rest');
});

test('live tickets are stored hashed, with what they stand for', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id);
  const token = v.body.sessionToken;
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const r = await call('POST', '/v1/live/ticket', { token });
  assert.equal(r.status, 200, r.text);
  const rows = await sql(`SELECT * FROM live_tickets WHERE workspace_id = '${ws.id}'`);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    [rows[0].ticket_hash, rows[0].role, rows[0].visitor_id, rows[0].credential_hash, rows[0].teammate_id, rows[0].expires_at],
    [sha(r.body.ticket), 'visitor', v.body.visitor.id, sha(token), null, r.body.expiresAt],
  );
  assert.ok(rows[0].expires_at - rows[0].created_at <= 30_000, 'valid 30 s at most');
  assert.ok(!JSON.stringify(rows).includes(r.body.ticket.slice(4)), 'no plaintext ticket at rest');
  const ticket = await call('POST', '/admin/v1/live/ticket', { token: ws.key });
  const agent = await sql(`SELECT role, teammate_id, credential_hash FROM live_tickets WHERE ticket_hash = '${sha(ticket.body.ticket)}'`);
  assert.deepEqual(agent, [{ role: 'agent', teammate_id: null, credential_hash: sha(ws.key) }]);
});

test('a rotated secret key is stored hashed and audited', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace();
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const r = await call('POST', '/admin/v1/workspace/secret-key/rotate', { token: ws.key });
  assert.equal(r.status, 200, r.text);
  const row = (await sql(`SELECT * FROM workspaces WHERE id = '${ws.id}'`))[0];
  assert.equal(row.secret_key_hash, sha(r.body.secretKey));
  assert.ok(!JSON.stringify(row).includes(r.body.secretKey.slice(4)), 'no plaintext key at rest');
  const audit = await sql(`SELECT action, subject FROM audit_log WHERE workspace_id = '${ws.id}' AND action = 'secret_key.rotated'`);
  assert.deepEqual(audit, [{ action: 'secret_key.rotated', subject: ws.id }]);
});

test('a verified merge writes one visitor.merged audit record with counts', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const hash = userHash(ws.secret, 'audited');
  const known = await boot(ws.id, { userId: 'audited', userHash: hash });
  const anon = await boot(ws.id);
  const tour = await call('POST', '/admin/v1/tours', { token: ws.key, body: { name: 't', content: { steps: [{ kind: 'post', body: 'Hi' }] } } });
  await call('POST', `/admin/v1/tours/${tour.body.id}/activate`, { token: ws.key });
  await call('POST', `/v1/tours/${tour.body.id}/progress`, { token: anon.body.sessionToken, body: { action: 'start' } });
  await call('POST', '/v1/events', { token: anon.body.sessionToken, body: { events: [{ name: 'a' }, { name: 'b' }] } });
  const r = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: { userId: 'audited', userHash: hash } });
  assert.equal(r.body.visitor.id, known.body.visitor.id);
  const rows = await sql(`SELECT action, subject, detail FROM audit_log WHERE workspace_id = '${ws.id}' AND action = 'visitor.merged'`);
  assert.equal(rows.length, 1);
  const detail = JSON.parse(rows[0].detail);
  assert.equal(detail.from, anon.body.visitor.id);
  assert.equal(detail.into, known.body.visitor.id);
  assert.deepEqual(detail.counts, { sessions: 1, events: 2, tickets: 0, conversations: 0, impressions: 1, tourProgress: 1, surveyResponses: 0, checklistTasks: 0, articleFeedback: 0 });
  const moved = await sql(`SELECT visitor_id FROM tour_progress WHERE tour_id = '${tour.body.id}'`);
  assert.deepEqual(moved.map((x) => x.visitor_id), [known.body.visitor.id]);
});

test('each session records whether it proved who it is, through identify and refresh', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const flag = async (token) => (await sql(`SELECT identity_verified AS v FROM widget_sessions WHERE token_hash = '${sha(token)}'`))[0]?.v;
  const anon = await boot(ws.id);
  assert.equal(await flag(anon.body.sessionToken), 0);
  const verified = await boot(ws.id, { userId: 'flagged', userHash: userHash(ws.secret, 'flagged') });
  assert.equal(await flag(verified.body.sessionToken), 1);
  await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: { userId: 'flagged2', userHash: userHash(ws.secret, 'flagged2') } });
  assert.equal(await flag(anon.body.sessionToken), 1, 'identify with proof marks the session');
  const r = await call('POST', '/v1/session/refresh', { token: anon.body.sessionToken });
  assert.equal(await flag(r.body.sessionToken), 1, 'the rotated token keeps it');
  assert.equal(await flag(anon.body.sessionToken), undefined, 'the old token is gone');
});

test('a refreshed session keeps the time it started (its first boot)', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace();
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const row = async (token) => (await sql(`SELECT created_at, started_at FROM widget_sessions WHERE token_hash = '${sha(token)}'`))[0];
  const a = await boot(ws.id);
  const first = await row(a.body.sessionToken);
  assert.equal(first.started_at, null, 'a booted row started when it was created');
  let token = a.body.sessionToken;
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setTimeout(r, 20));
    token = (await call('POST', '/v1/session/refresh', { token })).body.sessionToken;
    const r = await row(token);
    assert.equal(r.started_at, first.created_at, 'carried from token to token');
    assert.ok(r.created_at > first.created_at);
  }
});

test('the hourly job closes conversations idle past autoCloseAfterHours, and only those', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const open = async (settings) => {
    const ws = await createWorkspace();
    if (settings) await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: settings } });
    const t = (await boot(ws.id)).body.sessionToken;
    const c = await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: `idle-${Date.now()}-${Math.random().toString(36).slice(2)}`, body: 'Anyone?' } } });
    return { ws, t, id: c.body.conversation.id };
  };
  const idle = await open({ autoCloseAfterHours: 1 });
  const recent = await open({ autoCloseAfterHours: 1 });
  const noRule = await open(null);
  // Two hours of silence for the first and the third.
  await sql(`UPDATE conversations SET last_message_at = last_message_at - 7200000, created_at = created_at - 7200000 WHERE id IN ('${idle.id}', '${noRule.id}')`);
  const cron = await fetch(`${process.env.PORCHLIGHT_URL}/__scheduled?cron=17+*+*+*+*`);
  assert.equal(cron.status, 200);
  const status = async (c) => (await call('GET', `/v1/conversations/${c.id}/messages`, { token: c.t })).body.conversation.status;
  assert.equal(await status(idle), 'closed');
  assert.equal(await status(recent), 'open', 'active within the hour');
  assert.equal(await status(noRule), 'open', 'no rule, no closing');
});

test('stored JSON fails closed: an unreadable origin list refuses origins; unreadable attributes are an error and stay as stored', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace();
  const v = await boot(ws.id, { attributes: { plan: 'pro' } });
  const t = v.body.sessionToken;
  // Damage both (as a bad migration or a manual edit might).
  await sql(`UPDATE workspaces SET allowed_origins = 'not json' WHERE id = '${ws.id}'`);
  await sql(`UPDATE visitors SET attributes = '{"plan": "pro"' WHERE id = '${v.body.visitor.id}'`);
  // An origin is refused, not allowed as if the list were empty.
  const fromPage = await call('GET', '/v1/tickets', { token: t, origin: 'https://evil.example' });
  assert.equal(fromPage.status, 403, fromPage.text);
  assert.equal(fromPage.body.error.code, 'ORIGIN_NOT_ALLOWED');
  const boot2 = await call('POST', '/v1/boot', { body: { workspaceId: ws.id }, origin: 'https://site.example' });
  assert.equal(boot2.status, 403, boot2.text);
  // Writing attributes is an error, and what is stored is not replaced by the write.
  const w = await call('POST', '/v1/identify', { token: t, body: { attributes: { extra: 1 } } });
  assert.equal(w.status, 500, w.text);
  assert.equal(w.body.error.code, 'INTERNAL');
  const [row] = await sql(`SELECT attributes FROM visitors WHERE id = '${v.body.visitor.id}'`);
  assert.equal(row.attributes, '{"plan": "pro"');
});

test('retention: idle anonymous visitors go with their data, old events go while their counts stay', { skip: !persist && 'PORCHLIGHT_PERSIST not set' }, async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  const mk = async (extra = {}) => {
    const b = await boot(ws.id, extra);
    const t = b.body.sessionToken;
    const ev = await call('POST', '/v1/events', { token: t, body: { events: [{ name: 'viewed_pricing' }] } });
    assert.equal(ev.status, 202, ev.text);
    return { id: b.body.visitor.id, t };
  };
  const idle = await mk();
  // The idle visitor leaves a trace in every table retention must clear.
  const live = async (path, body) => {
    const r = await call('POST', `/admin/v1/${path}`, { token: ws.key, body });
    assert.equal(r.status, 201, r.text);
    assert.equal((await call('POST', `/admin/v1/${path}/${r.body.id}/activate`, { token: ws.key })).status, 200);
    return r.body.id;
  };
  const tour = await live('tours', { name: 't', content: { steps: [{ kind: 'post', body: 'Hi' }, { kind: 'post', body: 'Bye' }] } });
  const survey = await live('surveys', { name: 's', content: { questions: [{ id: 'q', type: 'short_text', prompt: 'Hi?' }] } });
  const checklist = await live('checklists', { name: 'c', content: { title: 'Go', tasks: [{ id: 'a', title: 'A' }] } });
  const art = await live('articles', { title: 'Help', body: 'Text' });
  for (const [p, b, status] of [
    [`/v1/tours/${tour}/progress`, { action: 'start' }, 200],
    [`/v1/surveys/${survey}/responses`, { answers: [{ questionId: 'q', value: 'yo' }] }, 200],
    [`/v1/checklists/${checklist}/tasks/a`, { done: true }, 200],
    ['/v1/impressions', { kind: 'survey', contentId: survey, action: 'shown' }, 204],
    [`/v1/articles/${art}/feedback`, { helpful: true }, 204],
  ]) {
    const r = await call('POST', p, { token: idle.t, body: b });
    assert.equal(r.status, status, `${p}: ${r.text}`);
  }
  const recent = await mk();
  const known = await mk({ userId: 'kept-user', userHash: userHash(ws.secret, 'kept-user') });
  const withTicket = await mk();
  assert.equal((await call('POST', '/v1/tickets', { token: withTicket.t, body: { subject: 'Help', body: 'Please' } })).status, 201);
  const days = (d) => d * 24 * 3600 * 1000;
  await sql(`UPDATE visitors SET last_seen_at = last_seen_at - ${days(91)} WHERE id IN ('${idle.id}', '${known.id}', '${withTicket.id}')`);
  // Every visitor's event was received long ago (past the 180-day event retention).
  await sql(`UPDATE events SET received_at = received_at - ${days(181)} WHERE workspace_id = '${ws.id}'`);
  const cron = await fetch(`${process.env.PORCHLIGHT_URL}/__scheduled?cron=17+*+*+*+*`);
  assert.equal(cron.status, 200);
  const ids = (await sql(`SELECT id FROM visitors WHERE workspace_id = '${ws.id}'`)).map((r) => r.id).sort();
  assert.deepEqual(ids, [recent.id, known.id, withTicket.id].sort(), 'only the idle anonymous visitor is gone');
  for (const table of ['widget_sessions', 'events', 'event_counters', 'event_totals', 'impressions', 'tour_progress', 'survey_responses', 'checklist_progress', 'article_feedback']) {
    const [{ n }] = await sql(`SELECT COUNT(*) AS n FROM ${table} WHERE visitor_id = '${idle.id}'`);
    assert.equal(n, 0, `${table} of the deleted visitor`);
  }
  const [{ n: events }] = await sql(`SELECT COUNT(*) AS n FROM events WHERE workspace_id = '${ws.id}'`);
  assert.equal(events, 0, 'old events dropped');
  const [{ count }] = await sql(`SELECT count FROM event_totals WHERE visitor_id = '${recent.id}' AND name = 'viewed_pricing'`);
  assert.equal(count, 1, 'the count survives its events');
});
