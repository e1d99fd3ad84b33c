// Surveys: authored through /admin/v1/surveys, answered through /v1/surveys/{id}/responses
// (validated on the server against the survey, saved partially as the visitor goes), results
// aggregated per question; audience and the workspace's survey pacing filter /v1/eligible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { questions } from '../lib/fixtures.mjs';

const surveyBody = (extra = {}) => ({ name: 'NPS Q4', content: { format: 'large', intro: { title: 'Two minutes?' }, thankYou: { title: 'Thanks!' }, questions }, frequency: 'until_completed', ...extra });
const respond = (token, id, body) => call('POST', `/v1/surveys/${id}/responses`, { token, body });
const eligibleSurveys = async (token) => {
  const r = await call('GET', '/v1/eligible?url=%2Fapp', { token });
  assert.equal(r.status, 200, r.text);
  return r.body.surveys;
};

async function liveSurvey(ws, extra) {
  const s = await call('POST', '/admin/v1/surveys', { token: ws.key, body: surveyBody(extra) });
  assert.equal(s.status, 201, s.text);
  const a = await call('POST', `/admin/v1/surveys/${s.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

test('a survey cannot go live without questions; questions are validated with paths', async () => {
  const ws = await createWorkspace();
  const draft = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Empty', content: {} } });
  assert.equal(draft.status, 201, draft.text);
  const r = await call('POST', `/admin/v1/surveys/${draft.body.id}/activate`, { token: ws.key });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/content/questions');
  assert.equal((await call('GET', `/admin/v1/surveys/${draft.body.id}`, { token: ws.key })).body.status, 'draft');
  const cases = [
    [{ id: 'q', type: 'dropdown', prompt: 'Pick', options: ['only one'] }, '/content/questions/0/options'],
    [{ id: 'q', type: 'numeric_scale', prompt: 'Scale', start: 3, end: 1 }, '/content/questions/0/end'],
    [{ id: 'q', type: 'emoji_rating', prompt: 'Mood', count: 4 }, '/content/questions/0/count'],
    [{ id: 'bad id', type: 'nps', prompt: 'x' }, '/content/questions/0/id'],
    [{ id: 'q', type: 'slider', prompt: 'x' }, '/content/questions/0/type'],
    [{ id: 'q', type: 'nps', prompt: 'x', onAnswer: 'alert(1)' }, '/content/questions/0'],
  ];
  for (const [q, path] of cases) {
    const bad = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Bad', content: { questions: [q] } } });
    assertError(assert, bad, 400, 'INVALID_INPUT');
    assert.ok(bad.body.error.path?.startsWith(path), `${JSON.stringify(q)} → ${bad.body.error.path}, expected ${path}`);
  }
  // A live survey cannot be edited down to no questions.
  const live = await liveSurvey(ws);
  const strip = await call('PATCH', `/admin/v1/surveys/${live.id}`, { token: ws.key, body: { content: { questions: [] } } });
  assertError(assert, strip, 400, 'INVALID_INPUT');
  const list = await call('GET', '/admin/v1/surveys', { token: ws.key });
  assert.deepEqual(list.body.surveys.map((s) => s.status).sort(), ['active', 'draft']);
});

test('answers are validated against the survey; partial answers are saved and completed once', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  assert.deepEqual((await eligibleSurveys(t)).map((s) => [s.id, s.response]), [[survey.id, null]]);
  const bad = [
    [{ questionId: 'nps', value: 11 }, '/answers/0/value'],
    [{ questionId: 'nps', value: '9' }, '/answers/0/value'],
    [{ questionId: 'nps', value: 7.5 }, '/answers/0/value'],
    [{ questionId: 'ease', value: 0 }, '/answers/0/value'],
    [{ questionId: 'mood', value: 5 }, '/answers/0/value'],
    [{ questionId: 'stars', value: 6 }, '/answers/0/value'],
    [{ questionId: 'role', value: 'CEO' }, '/answers/0/value'],
    [{ questionId: 'features', value: ['Reports', 'Reports'] }, '/answers/0/value'],
    [{ questionId: 'features', value: 'Reports' }, '/answers/0/value'],
    [{ questionId: 'name', value: 'x'.repeat(256) }, '/answers/0/value'],
    [{ questionId: 'why', value: 'x'.repeat(2001) }, '/answers/0/value'],
    [{ questionId: 'ghost', value: 1 }, '/answers/0/questionId'],
    [{ questionId: 'nps', value: 9, visitorId: 'v_x' }, '/answers/0'],
  ];
  for (const [answer, path] of bad) {
    const r = await respond(t, survey.id, { answers: [answer] });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.ok(r.body.error.path?.startsWith(path), `${JSON.stringify(answer)} → ${r.body.error.path}`);
  }
  // Completing without the required question is refused.
  let r = await respond(t, survey.id, { answers: [{ questionId: 'why', value: 'Fast' }], complete: true });
  assertError(assert, r, 400, 'INVALID_INPUT');
  // Nothing above was stored.
  let results = (await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key })).body;
  assert.equal(results.responses.total, 0);

  // Partial, partial, complete: one response, answers merged.
  r = await respond(t, survey.id, { answers: [{ questionId: 'why', value: '<img src=x onerror=alert(1)>' }] });
  assert.equal(r.status, 200, r.text);
  const rid = r.body.response.id;
  assert.equal(r.body.response.complete, false);
  const [pending] = await eligibleSurveys(t);
  assert.deepEqual(pending.response.answers, { why: '<img src=x onerror=alert(1)>' }, 'the widget can resume a partial response; HTML stays text');
  r = await respond(t, survey.id, { answers: [{ questionId: 'features', value: ['Reports', 'Chat'] }] });
  assert.equal(r.body.response.id, rid);
  r = await respond(t, survey.id, { answers: [{ questionId: 'nps', value: 9 }], complete: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.response.id, r.body.response.complete], [rid, true]);
  assert.deepEqual(Object.keys(r.body.response.answers).sort(), ['features', 'nps', 'why']);
  // until_completed: it no longer shows, and answering again is refused.
  assert.deepEqual(await eligibleSurveys(t), []);
  assertError(assert, await respond(t, survey.id, { answers: [{ questionId: 'nps', value: 1 }], complete: true }), 409, 'ALREADY_EXISTS');
  // "Store as attribute": the NPS answer is now an attribute of the visitor.
  const detail = await call('GET', `/admin/v1/visitors/${v.body.visitor.id}`, { token: ws.key });
  assert.equal(detail.body.visitor.attributes.nps_score, 9);
  results = (await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key })).body;
  assert.deepEqual(results.responses, { total: 1, complete: 1, partial: 0 });
});

test('results: NPS score, distributions, averages, recent text', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const answers = [
    [{ questionId: 'nps', value: 10 }, { questionId: 'features', value: ['Reports'] }, { questionId: 'why', value: 'Great reports' }, { questionId: 'ease', value: 7 }],
    [{ questionId: 'nps', value: 9 }, { questionId: 'features', value: ['Reports', 'Tours'] }, { questionId: 'ease', value: 5 }],
    [{ questionId: 'nps', value: 8 }, { questionId: 'role', value: 'Manager' }],
    [{ questionId: 'nps', value: 2 }, { questionId: 'why', value: 'Too slow' }],
  ];
  for (const a of answers) {
    const t = (await boot(ws.id)).body.sessionToken;
    const r = await respond(t, survey.id, { answers: a, complete: true });
    assert.equal(r.status, 200, r.text);
  }
  const partial = (await boot(ws.id)).body.sessionToken;
  await respond(partial, survey.id, { answers: [{ questionId: 'role', value: 'Developer' }] });
  const r = await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.responses, { total: 5, complete: 4, partial: 1 });
  const q = Object.fromEntries(r.body.questions.map((x) => [x.id, x]));
  // 2 promoters, 1 passive, 1 detractor of 4: (2 - 1) / 4 = 25.
  assert.deepEqual(q.nps.nps, { score: 25, promoters: 2, passives: 1, detractors: 1 });
  assert.equal(q.nps.answered, 4);
  assert.equal(q.nps.distribution['10'], 1);
  assert.equal(q.nps.distribution['0'], 0);
  assert.equal(q.nps.average, 7.25);
  assert.deepEqual(q.features.distribution, { Reports: 2, Chat: 0, Tours: 1 });
  assert.deepEqual(q.role.distribution, { Developer: 1, Manager: 1 });
  assert.equal(q.ease.average, 6);
  assert.deepEqual(q.why.recent.sort(), ['Great reports', 'Too slow']);
  // Another workspace's key sees nothing.
  const other = await createWorkspace();
  assertError(assert, await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: other.key }), 404, 'NOT_FOUND');
});

test('results over a date range: the responses last answered in it (the last 30 days by default); bad dates a clear error', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const today = new Date().toISOString().slice(0, 10);
  const results = (q = '') => call('GET', `/admin/v1/surveys/${survey.id}/results${q}`, { token: ws.key });
  const done = (await boot(ws.id)).body.sessionToken;
  assert.equal((await respond(done, survey.id, { answers: [{ questionId: 'nps', value: 10 }], complete: true })).status, 200);
  const partial = (await boot(ws.id)).body.sessionToken;
  assert.equal((await respond(partial, survey.id, { answers: [{ questionId: 'nps', value: 3 }] })).status, 200);

  // Today, named or by default: both responses; the range is echoed.
  for (const q of [`?from=${today}&to=${today}`, '', `?to=${today}`]) {
    const r = await results(q);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.responses, { total: 2, complete: 1, partial: 1 }, q);
    assert.equal(r.body.to, today, q);
    assert.equal(Object.fromEntries(r.body.questions.map((x) => [x.id, x])).nps.answered, 2, q);
  }
  const def = (await results()).body;
  assert.equal((Date.parse(def.to) - Date.parse(def.from)) / 86400000, 29, 'the default: the last 30 days, as analytics');
  // Days before they answered: nothing counted, every question still listed.
  const old = await results('?from=2020-01-01&to=2020-01-31');
  assert.equal(old.status, 200, old.text);
  assert.deepEqual([old.body.from, old.body.to], ['2020-01-01', '2020-01-31']);
  assert.deepEqual(old.body.responses, { total: 0, complete: 0, partial: 0 });
  const nps = old.body.questions.find((x) => x.id === 'nps');
  assert.deepEqual([nps.answered, nps.distribution['10'], nps.nps.promoters], [0, 0, 0]);
  // A range ending yesterday leaves out today's answers.
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  assert.equal((await results(`?to=${yesterday}`)).body.responses.total, 0);

  // Bad dates: the same errors as analytics, pointing at the parameter.
  for (const [q, path] of [['from=yesterday', '/from'], ['to=2025-02-30', '/to'], ['from=2025-03-02&to=2025-03-01', '/from'], ['from=2020-01-01&to=2025-01-01', '/from'], ['to=2025-01-01T00:00', '/to']]) {
    const r = await results(`?${q}`);
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, path, q);
  }
});

test('workspace pacing: at most one survey every N days; audience is evaluated (Opencom bug 10)', async () => {
  const ws = await createWorkspace();
  const patch = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { surveyCooldownDays: 14 } } });
  assert.equal(patch.status, 200, patch.text);
  assert.equal(patch.body.automation.surveyCooldownDays, 14);
  const a = await liveSurvey(ws, { name: 'A', priority: 5, frequency: 'once' });
  const b = await liveSurvey(ws, { name: 'B', frequency: 'once' });
  const onlyPro = await liveSurvey(ws, { name: 'Pro only', audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' } });
  const t = (await boot(ws.id, { attributes: { plan: 'free' } })).body.sessionToken;
  const before = (await eligibleSurveys(t)).map((s) => s.id);
  assert.deepEqual(before, [a.id, b.id], 'priority order; the pro-only survey is not offered to a free visitor');
  assert.ok(!before.includes(onlyPro.id));
  const shown = await call('POST', '/v1/impressions', { token: t, body: { kind: 'survey', contentId: a.id, action: 'shown' } });
  assert.equal(shown.status, 204, shown.text);
  assert.deepEqual(await eligibleSurveys(t), [], 'B waits for the 14-day cooldown after A was shown');
  // A survey id under another kind is not found.
  assertError(assert, await call('POST', '/v1/impressions', { token: t, body: { kind: 'tour', contentId: b.id, action: 'shown' } }), 404, 'NOT_FOUND');
});

test('two partial answers sent at once by a new respondent make one response with both', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const t = (await boot(ws.id)).body.sessionToken;
  const [a, b] = await Promise.all([
    respond(t, survey.id, { answers: [{ questionId: 'why', value: 'Fast' }] }),
    respond(t, survey.id, { answers: [{ questionId: 'role', value: 'Developer' }] }),
  ]);
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);
  const [pending] = await eligibleSurveys(t);
  assert.deepEqual(pending.response.answers, { why: 'Fast', role: 'Developer' });
  const results = (await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key })).body;
  assert.deepEqual(results.responses, { total: 1, complete: 0, partial: 1 });
});

test('a response started while the audience admitted the visitor goes on when an answer changes that (store as attribute); a new one needs the audience', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws, {
    name: 'Who are you?',
    frequency: 'always',
    audience: { type: 'condition', property: { source: 'custom', key: 'role' }, operator: 'is_not_set' },
    content: { format: 'small', questions: [
      { id: 'role', type: 'dropdown', prompt: 'Your role?', options: ['dev', 'pm'], storeAsAttribute: 'role' },
      { id: 'why', type: 'short_text', prompt: 'Why are you here?' },
    ] },
  });
  const t = (await boot(ws.id)).body.sessionToken;
  assert.deepEqual((await eligibleSurveys(t)).map((s) => s.id), [survey.id]);
  const first = await respond(t, survey.id, { clientId: 'resp-1', answers: [{ questionId: 'role', value: 'dev' }] });
  assert.equal(first.status, 200, first.text);
  // The answer set `role`: the audience no longer admits the visitor, and the survey is not offered…
  assert.deepEqual(await eligibleSurveys(t), []);
  // …but the response under way takes its last answer and its completion.
  const last = await respond(t, survey.id, { clientId: 'resp-1', answers: [{ questionId: 'why', value: 'Exports' }], complete: true });
  assert.equal(last.status, 200, last.text);
  const results = (await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key })).body;
  assert.deepEqual(results.responses, { total: 1, complete: 1, partial: 0 });
  // A new response is a new showing: the audience decides, as for an id that does not exist.
  assertError(assert, await respond(t, survey.id, { clientId: 'resp-2', answers: [{ questionId: 'role', value: 'pm' }] }), 404, 'NOT_FOUND');
  assert.deepEqual((await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key })).body.responses, { total: 1, complete: 1, partial: 0 });
});
