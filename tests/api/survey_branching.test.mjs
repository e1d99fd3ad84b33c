// Branching in surveys (issue 12 item 3): rules on a question's answer that jump ahead or to
// the end. Refused when saved if they could loop (a jump backwards or to itself) or compare
// with a value the question cannot take, pointing at the bad rule; enforced when answers are
// stored (answers to questions the path taken jumps over are dropped, `complete` asks only
// for the required questions on the path taken); results count each question over the
// responses that reached it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

// Detractors (0-6) → better (required), then the end; passives (7-8) → missing (optional;
// skipped ends the survey); promoters (9-10) → like (required), then role.
const questions = () => [
  { id: 'score', type: 'nps', prompt: 'How likely are you to recommend us?', required: true, branches: [
    { when: { op: 'lt', value: 7 }, to: 'better' },
    { when: { op: 'one_of', value: [7, 8] }, to: 'missing' },
    { when: { op: 'gt', value: 8 }, to: 'like' },
  ] },
  { id: 'better', type: 'long_text', prompt: 'What would make it better?', required: true, storeAsAttribute: 'feedback', branches: [
    { when: { op: 'answered' }, to: 'end' },
  ] },
  { id: 'missing', type: 'short_text', prompt: "What's missing?", branches: [
    { when: { op: 'skipped' }, to: 'end' },
    { when: { op: 'answered' }, to: 'role' },
  ] },
  { id: 'like', type: 'multiple_choice', prompt: 'What do you like most?', options: ['Reports', 'Speed', 'Support'], multiple: true, required: true },
  { id: 'role', type: 'dropdown', prompt: 'Your role', options: ['Developer', 'Manager'] },
];

const respond = (token, id, body) => call('POST', `/v1/surveys/${id}/responses`, { token, body });
const openResponse = async (token, id) => {
  const r = await call('GET', '/v1/eligible?url=%2Fapp', { token });
  assert.equal(r.status, 200, r.text);
  return r.body.surveys.find((s) => s.id === id)?.response ?? null;
};

async function liveSurvey(ws, qs = questions()) {
  const s = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Branching', content: { format: 'small', questions: qs }, frequency: 'until_completed' } });
  assert.equal(s.status, 201, s.text);
  const a = await call('POST', `/admin/v1/surveys/${s.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

test('branches are saved as written; a loop, a jump backwards or to itself, and values that do not fit are refused with the path to the bad rule', async () => {
  const ws = await createWorkspace();
  const live = await liveSurvey(ws);
  const got = await call('GET', `/admin/v1/surveys/${live.id}`, { token: ws.key });
  assert.deepEqual(got.body.content.questions.map((q) => q.branches ?? []), questions().map((q) => q.branches ?? []));

  const withRule = (i, rule) => {
    const qs = questions();
    qs[i].branches = [...(qs[i].branches ?? []), rule];
    return qs;
  };
  const at = (i, n) => `/content/questions/${i}/branches/${n}`;
  const cases = [
    // Backwards (a cycle: role → score → … → role), to itself, to nothing.
    [withRule(4, { when: { op: 'answered' }, to: 'score' }), `${at(4, 0)}/to`],
    [withRule(2, { when: { op: 'answered' }, to: 'missing' }), `${at(2, 2)}/to`],
    [withRule(1, { when: { op: 'answered' }, to: 'nowhere' }), `${at(1, 1)}/to`],
    // Values: out of the NPS range, not an integer, a text for a rating, an option that is
    // not one, a list for equals on a multiple choice, an empty one_of, a value on answered.
    [withRule(0, { when: { op: 'gt', value: 11 }, to: 'end' }), `${at(0, 3)}/when/value`],
    [withRule(0, { when: { op: 'lt', value: 6.5 }, to: 'end' }), `${at(0, 3)}/when/value`],
    [withRule(0, { when: { op: 'equals', value: '9' }, to: 'end' }), `${at(0, 3)}/when/value`],
    [withRule(4, { when: { op: 'equals', value: 'CEO' }, to: 'end' }), `${at(4, 0)}/when/value`],
    [withRule(3, { when: { op: 'equals', value: ['Reports'] }, to: 'role' }), `${at(3, 0)}/when/value`],
    [withRule(3, { when: { op: 'one_of', value: [] }, to: 'role' }), `${at(3, 0)}/when/value`],
    [withRule(0, { when: { op: 'one_of', value: [3, 12] }, to: 'end' }), `${at(0, 3)}/when/value/1`],
    [withRule(2, { when: { op: 'answered', value: 'x' }, to: 'end' }), `${at(2, 2)}/when/value`],
    // gt/lt compare ratings only; a required question is never skipped.
    [withRule(2, { when: { op: 'gt', value: 3 }, to: 'end' }), `${at(2, 2)}/when/op`],
    [withRule(0, { when: { op: 'skipped' }, to: 'end' }), `${at(0, 3)}/when/op`],
    // At most 10 rules; unknown fields and ops are refused.
    [questions().map((q, i) => (i === 3 ? { ...q, branches: Array(11).fill({ when: { op: 'answered' }, to: 'end' }) } : q)), '/content/questions/3/branches'],
    [withRule(4, { when: { op: 'answered' }, to: 'end', goto: 1 }), '/content/questions/4'],
    [withRule(4, { when: { op: 'contains', value: 'x' }, to: 'end' }), '/content/questions/4'],
  ];
  for (const [qs, path] of cases) {
    const bad = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Bad', content: { questions: qs } } });
    assertError(assert, bad, 400, 'INVALID_INPUT');
    assert.ok(bad.body.error.path?.startsWith(path), `→ ${bad.body.error.path} (${bad.body.error.message}), expected ${path}`);
  }
  // A live survey cannot be edited into a loop either, and stays as it was.
  const patch = await call('PATCH', `/admin/v1/surveys/${live.id}`, { token: ws.key, body: { content: { questions: withRule(3, { when: { op: 'answered' }, to: 'like' }) } } });
  assertError(assert, patch, 400, 'INVALID_INPUT');
  assert.equal(patch.body.error.path, `${at(3, 0)}/to`);
  const after = await call('GET', `/admin/v1/surveys/${live.id}`, { token: ws.key });
  assert.deepEqual(after.body.content, got.body.content);
});

test('a forged answer to a question the path skips is dropped, not stored nor copied into attributes; complete asks only for the path taken', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  // A promoter's score with an answer to the detractors' question: the latter is dropped.
  let r = await respond(t, survey.id, { answers: [{ questionId: 'score', value: 10 }, { questionId: 'better', value: 'forged' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { score: 10 });
  assert.deepEqual((await openResponse(t, survey.id)).answers, { score: 10 }, 'the stored response holds the path taken only');
  // Alone, later: dropped again.
  r = await respond(t, survey.id, { answers: [{ questionId: 'better', value: 'forged again' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await openResponse(t, survey.id)).answers, { score: 10 });
  // A value that does not fit is still refused, on the path or off it.
  assertError(assert, await respond(t, survey.id, { answers: [{ questionId: 'better', value: '' }] }), 400, 'INVALID_INPUT');
  // The promoters' path requires like: completing without it is refused, naming it …
  r = await respond(t, survey.id, { answers: [], complete: true });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/answers');
  assert.match(r.body.error.message, /\blike\b/);
  // … while better, required but off the path, does not block.
  r = await respond(t, survey.id, { answers: [{ questionId: 'like', value: ['Speed'] }], complete: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.response.complete, r.body.response.answers], [true, { score: 10, like: ['Speed'] }]);
  const visitor = await call('GET', `/admin/v1/visitors/${v.body.visitor.id}`, { token: ws.key });
  assert.equal(visitor.body.visitor.attributes.feedback, undefined, 'a dropped answer sets no attribute');

  // A detractor: better is required on their path.
  const d = (await boot(ws.id)).body.sessionToken;
  r = await respond(d, survey.id, { answers: [{ questionId: 'score', value: 2 }, { questionId: 'like', value: ['Support'] }], complete: true });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.match(r.body.error.message, /\bbetter\b/);
  assert.equal(await openResponse(d, survey.id), null, 'a refused request stores nothing');
  // Answers sent before the score that decides on them wait for it, then follow the path.
  r = await respond(d, survey.id, { answers: [{ questionId: 'better', value: 'Faster exports' }, { questionId: 'role', value: 'Manager' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { better: 'Faster exports', role: 'Manager' });
  r = await respond(d, survey.id, { answers: [{ questionId: 'score', value: 2 }], complete: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { score: 2, better: 'Faster exports' }, 'role lies after the end of the detractors\' path');
});

test('a changed answer changes the path: the old follow-up is left behind', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const t = (await boot(ws.id)).body.sessionToken;
  let r = await respond(t, survey.id, { answers: [{ questionId: 'score', value: 8 }, { questionId: 'missing', value: 'Dark mode' }, { questionId: 'role', value: 'Developer' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { score: 8, missing: 'Dark mode', role: 'Developer' });
  // Back to the score: a promoter now. missing is off the path; role is still on it.
  r = await respond(t, survey.id, { answers: [{ questionId: 'score', value: 9 }] });
  assert.deepEqual((await openResponse(t, survey.id)).answers, { score: 9, role: 'Developer' });
  r = await respond(t, survey.id, { answers: [{ questionId: 'like', value: ['Reports', 'Support'] }], complete: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.response.answers, { score: 9, like: ['Reports', 'Support'], role: 'Developer' });
});

test('results count each question over the responses that reached it', async () => {
  const ws = await createWorkspace();
  const survey = await liveSurvey(ws);
  const runs = [
    [[{ questionId: 'score', value: 3 }, { questionId: 'better', value: 'Faster' }], true],
    [[{ questionId: 'score', value: 8 }], true], // skips missing: the end
    [[{ questionId: 'score', value: 7 }, { questionId: 'missing', value: 'An API' }, { questionId: 'role', value: 'Developer' }], true],
    [[{ questionId: 'score', value: 10 }, { questionId: 'like', value: ['Speed'] }], true],
    [[{ questionId: 'score', value: 9 }], false], // stopped at like
  ];
  for (const [answers, complete] of runs) {
    const t = (await boot(ws.id)).body.sessionToken;
    const r = await respond(t, survey.id, { answers, complete });
    assert.equal(r.status, 200, r.text);
  }
  const r = await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.responses, { total: 5, complete: 4, partial: 1 });
  const counts = Object.fromEntries(r.body.questions.map((q) => [q.id, [q.reached, q.answered]]));
  assert.deepEqual(counts, {
    score: [5, 5],
    better: [1, 1],
    missing: [2, 1],
    // The complete promoter, and the partial one who stopped there.
    like: [2, 1],
    // The passive who answered missing, and the complete promoter.
    role: [2, 1],
  });
  assert.deepEqual(r.body.questions.find((q) => q.id === 'like').distribution, { Reports: 0, Speed: 1, Support: 0 });
});
