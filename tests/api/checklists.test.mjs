// Checklists (manual, event and attribute tasks, progress per visitor) and the workspace's
// office hours and automation settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { checklistContent } from '../lib/fixtures.mjs';

const tick = (token, id, task, done) => call('POST', `/v1/checklists/${id}/tasks/${task}`, { token, body: { done } });
const eligibleChecklists = async (token) => {
  const r = await call('GET', '/v1/eligible?url=%2Fapp', { token });
  assert.equal(r.status, 200, r.text);
  return r.body.checklists;
};

async function liveChecklist(ws, extra = {}) {
  const c = await call('POST', '/admin/v1/checklists', { token: ws.key, body: { name: 'Onboarding', content: checklistContent, ...extra } });
  assert.equal(c.status, 201, c.text);
  const a = await call('POST', `/admin/v1/checklists/${c.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

test('checklist progress: manual ticks, tasks completed by an event and by an attribute, then done', async () => {
  const ws = await createWorkspace();
  const c = await liveChecklist(ws);
  assert.equal(c.frequency, 'until_completed');
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  let [seen] = await eligibleChecklists(t);
  assert.deepEqual(seen.tasks, [{ id: 'profile', done: false }, { id: 'invite', done: false }, { id: 'logo', done: false }]);
  assert.equal(seen.completed, false);

  let r = await tick(t, c.id, 'profile', true);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.tasks.map((x) => x.done), [true, false, false]);
  // Ticking twice is harmless; unticking works; event and attribute tasks are not ticked by hand.
  assert.equal((await tick(t, c.id, 'profile', true)).status, 200);
  assert.deepEqual((await tick(t, c.id, 'profile', false)).body.tasks[0], { id: 'profile', done: false });
  await tick(t, c.id, 'profile', true);
  r = await tick(t, c.id, 'invite', true);
  assertError(assert, r, 400, 'INVALID_INPUT');
  assertError(assert, await tick(t, c.id, 'nope', true), 404, 'NOT_FOUND');
  assertError(assert, await call('POST', `/v1/checklists/${c.id}/tasks/profile`, { token: t, body: { done: 'yes' } }), 400, 'INVALID_INPUT');

  // The event task completes when the event is tracked.
  await call('POST', '/v1/events', { token: t, body: { events: [{ name: 'teammate_invited' }] } });
  [seen] = await eligibleChecklists(t);
  assert.deepEqual(seen.tasks.map((x) => x.done), [true, true, false]);
  // The attribute task completes when the attribute is set.
  await call('POST', '/v1/identify', { token: t, body: { attributes: { has_logo: true } } });
  [seen] = await eligibleChecklists(t);
  assert.deepEqual(seen.tasks.map((x) => x.done), [true, true, true]);
  assert.equal(seen.completed, true);
  // A tick records completion; until_completed then retires the checklist for this visitor.
  r = await tick(t, c.id, 'profile', true);
  assert.equal(r.body.completed, true);
  assert.deepEqual(await eligibleChecklists(t), []);
  // Another visitor starts from scratch.
  const other = (await boot(ws.id)).body.sessionToken;
  assert.deepEqual((await eligibleChecklists(other))[0].tasks.map((x) => x.done), [false, false, false]);
});

test('checklists are validated, need tasks to go live, and are scoped to their workspace', async () => {
  const ws = await createWorkspace();
  const bad = await call('POST', '/admin/v1/checklists', { token: ws.key, body: { name: 'x', content: { title: 'x', tasks: [{ id: 'a', title: 'A', action: { type: 'open_url', url: 'javascript:alert(1)' } }] } } });
  assertError(assert, bad, 400, 'INVALID_INPUT');
  assert.equal(bad.body.error.path, '/content/tasks/0/action/url');
  const empty = await call('POST', '/admin/v1/checklists', { token: ws.key, body: { name: 'x', content: { title: 'Empty' } } });
  assert.equal(empty.status, 201, empty.text);
  assertError(assert, await call('POST', `/admin/v1/checklists/${empty.body.id}/activate`, { token: ws.key }), 400, 'INVALID_INPUT');
  const wrongKind = await call('POST', '/admin/v1/checklists', { token: ws.key, body: { kind: 'tour', name: 'x', content: checklistContent } });
  assertError(assert, wrongKind, 400, 'INVALID_INPUT');
  assert.equal(wrongKind.body.error.path, '/kind');
  const c = await liveChecklist(ws);
  // Ids of one family are not found under another.
  assertError(assert, await call('GET', `/admin/v1/tours/${c.id}`, { token: ws.key }), 404, 'NOT_FOUND');
  const other = await createWorkspace();
  const foreign = (await boot(other.id)).body.sessionToken;
  assertError(assert, await tick(foreign, c.id, 'profile', true), 404, 'NOT_FOUND');
  // Draft checklists cannot be ticked.
  assertError(assert, await tick((await boot(ws.id)).body.sessionToken, empty.body.id, 'a', true), 404, 'NOT_FOUND');
});

test('office hours and automation settings: validated, stored, public where the widget needs them', async () => {
  const ws = await createWorkspace();
  const officeHours = {
    timeZone: 'Europe/Paris',
    hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }],
    offlineMessage: 'We are out; we answer by email.',
    replyTime: 'minutes',
  };
  let r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { officeHours, automation: { assignment: 'round_robin', autoCloseAfterHours: 48, emailCapture: 'always' } } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.officeHours, officeHours);
  assert.deepEqual(r.body.automation, { assignment: 'round_robin', autoCloseAfterHours: 48, csat: true, emailCapture: 'always' });
  const b = await boot(ws.id);
  assert.deepEqual(b.body.settings.officeHours, officeHours, 'the widget shows hours and the offline message');
  assert.ok(!('automation' in b.body.settings), 'automation stays on the admin side');
  const bad = [
    [{ officeHours: { ...officeHours, timeZone: 'Mars/Olympus_Mons' } }, '/officeHours/timeZone'],
    [{ officeHours: { ...officeHours, timeZone: 'Paris; DROP TABLE' } }, '/officeHours/timeZone'],
    [{ officeHours: { ...officeHours, hours: [{ days: ['mon'], open: '18:00', close: '09:00' }] } }, '/officeHours/hours/0/close'],
    [{ officeHours: { ...officeHours, hours: [{ days: ['someday'], open: '09:00', close: '17:00' }] } }, '/officeHours/hours/0/days'],
    [{ automation: { surveyCooldownDays: 1000 } }, '/automation/surveyCooldownDays'],
    [{ automation: { assignment: 'random' } }, '/automation/assignment'],
  ];
  for (const [body, path] of bad) {
    r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.ok(r.body.error.path?.startsWith(path), `${JSON.stringify(body)} → ${r.body.error.path}`);
  }
  // Nothing above changed the stored settings.
  r = await call('GET', '/admin/v1/workspace', { token: ws.key });
  assert.deepEqual(r.body.officeHours, officeHours);
  assert.equal(r.body.automation.surveyCooldownDays, undefined);
  // null removes office hours: always in.
  r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { officeHours: null } });
  assert.equal(r.body.officeHours, null);
  assert.equal(r.body.automation.assignment, 'round_robin', 'other settings untouched');
});
