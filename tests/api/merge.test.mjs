// A verified identity folds the anonymous visitor into the known one, and everything the
// anonymous visitor did comes along (Opencom bug 13): tour progress, survey responses, checklist
// ticks, article feedback, impressions, events and tickets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, userHash } from '../lib/harness.mjs';
import { steps, questions, checklistContent } from '../lib/fixtures.mjs';

async function live(ws, family, body) {
  const r = await call('POST', `/admin/v1/${family}`, { token: ws.key, body: { name: family, ...body } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await call('POST', `/admin/v1/${family}/${r.body.id}/activate`, { token: ws.key })).status, 200);
  return r.body.id;
}

test('a verified merge moves tour progress, survey responses, checklist ticks and feedback', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const tour = await live(ws, 'tours', { content: { steps } });
  const survey = await live(ws, 'surveys', { content: { questions } });
  const checklist = await live(ws, 'checklists', { content: checklistContent });
  const art = await call('POST', '/admin/v1/articles', { token: ws.key, body: { title: 'Refunds', body: 'How refunds work' } });
  await call('POST', `/admin/v1/articles/${art.body.id}/activate`, { token: ws.key });
  const hash = userHash(ws.secret, 'merged_user');
  const known = await boot(ws.id, { userId: 'merged_user', userHash: hash });

  const anon = (await boot(ws.id)).body.sessionToken;
  await call('POST', `/v1/tours/${tour}/progress`, { token: anon, body: { action: 'start' } });
  await call('POST', `/v1/tours/${tour}/progress`, { token: anon, body: { action: 'advance' } });
  await call('POST', `/v1/surveys/${survey}/responses`, { token: anon, body: { answers: [{ questionId: 'why', value: 'Before sign-in' }] } });
  await call('POST', `/v1/checklists/${checklist}/tasks/profile`, { token: anon, body: { done: true } });
  assert.equal((await call('POST', `/v1/articles/${art.body.id}/feedback`, { token: anon, body: { helpful: true } })).status < 300, true);

  const r = await call('POST', '/v1/identify', { token: anon, body: { userId: 'merged_user', userHash: hash } });
  assert.equal(r.body.visitor.id, known.body.visitor.id);
  // Signed in on another device: everything is there.
  const elsewhere = (await boot(ws.id, { userId: 'merged_user', userHash: hash })).body.sessionToken;
  const el = (await call('GET', '/v1/eligible?url=%2Fapp', { token: elsewhere })).body;
  assert.deepEqual([el.tours[0].progress.state, el.tours[0].progress.step], ['in_progress', 1]);
  assert.deepEqual(el.surveys[0].response.answers, { why: 'Before sign-in' });
  assert.deepEqual(el.checklists[0].tasks[0], { id: 'profile', done: true });
  // Feedback was given once by this person: giving it again is refused.
  const again = await call('POST', `/v1/articles/${art.body.id}/feedback`, { token: elsewhere, body: { helpful: false } });
  assert.equal(again.status, 409, again.text);
  // The partial response continues where it was: completing it keeps the earlier answer.
  const done = await call('POST', `/v1/surveys/${survey}/responses`, { token: elsewhere, body: { answers: [{ questionId: 'nps', value: 10 }], complete: true } });
  assert.deepEqual(Object.keys(done.body.response.answers).sort(), ['nps', 'why']);
});

test('where both visitors did something with the same item, the merge keeps what the person did', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const twoSteps = { steps: [{ kind: 'post', title: 'One', body: 'First' }, { kind: 'post', title: 'Two', body: 'Second' }] };
  const tourA = await live(ws, 'tours', { content: twoSteps });
  const tourB = await live(ws, 'tours', { content: twoSteps });
  const tourC = await live(ws, 'tours', { content: twoSteps });
  const survey = await live(ws, 'surveys', { content: { questions } });
  const checklist = await live(ws, 'checklists', { content: checklistContent });
  const hash = userHash(ws.secret, 'both_user');
  const known = (await boot(ws.id, { userId: 'both_user', userHash: hash })).body.sessionToken;
  const tour = (t, id, action) => call('POST', `/v1/tours/${id}/progress`, { token: t, body: { action } });
  // Signed in earlier: tour A started, tour B completed, tour C started; a partial survey; one task.
  await tour(known, tourA, 'start');
  for (const a of ['start', 'advance', 'complete']) await tour(known, tourB, a);
  await tour(known, tourC, 'start');
  await call('POST', `/v1/surveys/${survey}/responses`, { token: known, body: { answers: [{ questionId: 'nps', value: 9 }, { questionId: 'role', value: 'Manager' }] } });
  await call('POST', `/v1/checklists/${checklist}/tasks/profile`, { token: known, body: { done: true } });
  await new Promise((r) => setTimeout(r, 5));
  // Then, anonymous on this browser: tour A completed, tour B started over, tour C dismissed;
  // other answers (and a different role); the same task ticked again.
  const anon = (await boot(ws.id)).body.sessionToken;
  for (const a of ['start', 'advance', 'complete']) await tour(anon, tourA, a);
  await tour(anon, tourB, 'start');
  await tour(anon, tourC, 'start');
  await tour(anon, tourC, 'dismiss');
  await call('POST', `/v1/surveys/${survey}/responses`, { token: anon, body: { answers: [{ questionId: 'why', value: 'Found it' }, { questionId: 'role', value: 'Developer' }] } });
  // The same task ticked on both sides: after the merge it is ticked once, not lost.
  await call('POST', `/v1/checklists/${checklist}/tasks/profile`, { token: anon, body: { done: true } });

  const r = await call('POST', '/v1/identify', { token: anon, body: { userId: 'both_user', userHash: hash } });
  assert.equal(r.status, 200, r.text);
  const el = (await call('GET', '/v1/eligible?url=%2Fapp', { token: known })).body;
  const state = (id) => el.tours.find((t) => t.id === id)?.progress?.state ?? 'hidden';
  // Completed tours and dismissed ones are not offered again.
  assert.equal(state(tourA), 'hidden', 'completed anonymously: stays completed');
  assert.equal(state(tourB), 'hidden', 'completed while signed in: a later restart does not undo it');
  assert.equal(state(tourC), 'hidden', 'the later dismissal stands');
  assert.deepEqual(el.surveys[0].response.answers, { nps: 9, role: 'Manager', why: 'Found it' });
  assert.deepEqual(el.checklists[0].tasks.find((t) => t.id === 'profile'), { id: 'profile', done: true });
});
