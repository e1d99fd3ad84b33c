// A survey response is one showing's: the widget gives it an id (clientId) when it shows the
// survey, and every answer and the completion carry it. At most one response per visitor,
// survey and clientId — a retried complete whose answer was lost, or a late answer from another
// tab, lands on it — even under a frequency that lets a visitor answer again. `null` clears an
// optional answer (the visitor went back and emptied it); a required one refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { questions } from '../lib/fixtures.mjs';

const respond = (token, id, body) => call('POST', `/v1/surveys/${id}/responses`, { token, body });
const results = async (ws, id) => (await call('GET', `/admin/v1/surveys/${id}/results`, { token: ws.key })).body;
const offered = async (token, id) => {
  const r = await call('GET', '/v1/eligible?url=%2Fapp', { token });
  assert.equal(r.status, 200, r.text);
  return r.body.surveys.find((s) => s.id === id);
};

async function liveSurvey(ws, frequency) {
  const s = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Pulse', content: { format: 'small', questions }, frequency } });
  assert.equal(s.status, 201, s.text);
  const a = await call('POST', `/admin/v1/surveys/${s.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

test('a retried complete is answered with the same response and stores one (frequency: always)', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, 'always');
  const t = (await boot(ws.id)).body.sessionToken;
  const clientId = randomUUID();
  const body = { clientId, answers: [{ questionId: 'nps', value: 8 }, { questionId: 'why', value: 'Quick' }], complete: true };
  const first = await respond(t, survey.id, body);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.response.clientId, clientId);
  // The answer was lost on the way back: the widget sends the same request again, twice.
  for (let i = 0; i < 2; i++) {
    const again = await respond(t, survey.id, body);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, first.body, 'a retry is answered with the first answer');
  }
  assert.deepEqual((await results(ws, survey.id)).responses, { total: 1, complete: 1, partial: 0 });
  const item = await offered(t, survey.id);
  assert.equal(item.history.completed, true);
  // A new showing (a new clientId) is a new response: "always" lets the visitor answer again.
  const next = await respond(t, survey.id, { clientId: randomUUID(), answers: [{ questionId: 'nps', value: 3 }], complete: true });
  assert.equal(next.status, 200, next.text);
  assert.notEqual(next.body.response.id, first.body.response.id);
  assert.deepEqual((await results(ws, survey.id)).responses, { total: 2, complete: 2, partial: 0 });
});

test('two tabs answering one showing end with one response; a late answer after complete changes nothing', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, 'always');
  const t = (await boot(ws.id)).body.sessionToken;
  const clientId = randomUUID();
  // Two tabs send at once, each its own answer to the same showing.
  const [a, b] = await Promise.all([
    respond(t, survey.id, { clientId, answers: [{ questionId: 'why', value: 'Fast' }] }),
    respond(t, survey.id, { clientId, answers: [{ questionId: 'role', value: 'Developer' }] }),
  ]);
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);
  // The open response resumes with its clientId (a reload in either tab goes on with it).
  const pending = await offered(t, survey.id);
  assert.deepEqual(pending.response, { answers: { why: 'Fast', role: 'Developer' }, complete: false, clientId });
  const done = await respond(t, survey.id, { clientId, answers: [{ questionId: 'nps', value: 10 }], complete: true });
  assert.equal(done.status, 200, done.text);
  assert.deepEqual(done.body.response.answers, { why: 'Fast', role: 'Developer', nps: 10 });
  // The other tab, offline meanwhile, sends its last answer and its own complete.
  const late = await respond(t, survey.id, { clientId, answers: [{ questionId: 'ease', value: 2 }], complete: true });
  assert.equal(late.status, 200, late.text);
  assert.deepEqual(late.body, done.body, 'the stored response, unchanged');
  const late2 = await respond(t, survey.id, { clientId, answers: [{ questionId: 'stars', value: 1 }] });
  assert.deepEqual(late2.body, done.body);
  const r = await results(ws, survey.id);
  assert.deepEqual(r.responses, { total: 1, complete: 1, partial: 0 });
  assert.equal(r.questions.find((q) => q.id === 'ease').answered, 0, 'the late answer was not stored');
  assert.equal((await offered(t, survey.id)).response, null, 'nothing open');
});

test('under until_completed a retried complete is the same success, and another showing is refused', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, 'until_completed');
  const t = (await boot(ws.id)).body.sessionToken;
  const clientId = randomUUID();
  const body = { clientId, answers: [{ questionId: 'nps', value: 9 }], complete: true };
  const first = await respond(t, survey.id, body);
  assert.equal(first.status, 200, first.text);
  const again = await respond(t, survey.id, body);
  assert.deepEqual([again.status, again.body], [200, first.body]);
  assertError(assert, await respond(t, survey.id, { ...body, clientId: randomUUID() }), 409, 'ALREADY_EXISTS');
  assert.deepEqual((await results(ws, survey.id)).responses, { total: 1, complete: 1, partial: 0 });
});

test('a malformed clientId is refused and nothing is stored; an open response saved without one adopts the first', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, 'always');
  const t = (await boot(ws.id)).body.sessionToken;
  const answers = [{ questionId: 'why', value: 'x' }];
  for (const clientId of ['', 'a b', 'x'.repeat(65), '<script>', 7, ['a']]) {
    const r = await respond(t, survey.id, { clientId, answers });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, typeof clientId === 'string' ? '/clientId' : r.body.error.path);
  }
  assert.deepEqual((await results(ws, survey.id)).responses, { total: 0, complete: 0, partial: 0 });
  // Saved without a clientId (an older widget): the open response takes the first one sent.
  let r = await respond(t, survey.id, { answers });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.response.clientId, null);
  const clientId = randomUUID();
  r = await respond(t, survey.id, { clientId, answers: [{ questionId: 'nps', value: 4 }], complete: true });
  assert.deepEqual([r.status, r.body.response.clientId, r.body.response.answers], [200, clientId, { why: 'x', nps: 4 }]);
  const again = await respond(t, survey.id, { clientId, answers: [{ questionId: 'nps', value: 4 }], complete: true });
  assert.deepEqual(again.body, r.body);
  assert.deepEqual((await results(ws, survey.id)).responses, { total: 1, complete: 1, partial: 0 });
});

test('null clears an optional answer; a required one refuses it with an error at the value', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, 'until_completed');
  const t = (await boot(ws.id)).body.sessionToken;
  const clientId = randomUUID();
  let r = await respond(t, survey.id, { clientId, answers: [{ questionId: 'nps', value: 7 }, { questionId: 'why', value: 'Because' }, { questionId: 'features', value: ['Chat'] }] });
  assert.equal(r.status, 200, r.text);
  // Back, empty the text field, Next.
  r = await respond(t, survey.id, { clientId, answers: [{ questionId: 'why', value: null }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { nps: 7, features: ['Chat'] });
  assert.deepEqual((await offered(t, survey.id)).response.answers, { nps: 7, features: ['Chat'] });
  // A required question cannot be emptied: refused, pointing at the value; nothing changed.
  r = await respond(t, survey.id, { clientId, answers: [{ questionId: 'features', value: null }, { questionId: 'nps', value: null }] });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/answers/1/value');
  assert.match(r.body.error.message, /required/);
  // An answer without a value is malformed, not a clear.
  r = await respond(t, survey.id, { clientId, answers: [{ questionId: 'features' }] });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.deepEqual((await offered(t, survey.id)).response.answers, { nps: 7, features: ['Chat'] });
  // Completion with the optional answer cleared; results count it unanswered.
  r = await respond(t, survey.id, { clientId, answers: [{ questionId: 'features', value: null }], complete: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { nps: 7 });
  const q = Object.fromEntries((await results(ws, survey.id)).questions.map((x) => [x.id, x]));
  assert.deepEqual([q.nps.answered, q.why.answered, q.features.answered], [1, 0, 0]);
});

test('a survey shown again after a dismissal half-way: the new showing owns the open response, and its retried complete lands on it', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, 'always');
  const t = (await boot(ws.id)).body.sessionToken;
  const first = randomUUID();
  let r = await respond(t, survey.id, { clientId: first, answers: [{ questionId: 'why', value: 'Half-way' }] });
  assert.equal(r.status, 200, r.text);
  // Dismissed; shown again later under a new id: its answers go into the open response.
  const second = randomUUID();
  const done = { clientId: second, answers: [{ questionId: 'nps', value: 6 }], complete: true };
  r = await respond(t, survey.id, done);
  assert.deepEqual([r.status, r.body.response.clientId, r.body.response.answers], [200, second, { why: 'Half-way', nps: 6 }]);
  // Its answer was lost: the retry is answered with it, nothing new is stored.
  const again = await respond(t, survey.id, done);
  assert.deepEqual(again.body, r.body);
  assert.deepEqual((await results(ws, survey.id)).responses, { total: 1, complete: 1, partial: 0 });
});
