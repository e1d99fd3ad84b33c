// "Why didn't it show?": with `debug` (GET /v1/eligible?debug=1, or the boot's
// `eligible: {debug: true}`) the answer also lists every active item of the workspace left out
// and why — `{id, kind, reason, until?}`, the audience or the shared frequency engine's refusal.
// A visitor can turn it on, so ids and reasons only: never a name or content. Without it the
// answer is what it always was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { steps } from '../lib/fixtures.mjs';

const DAY = 86_400_000;
const BS = 'tab-debug';

async function live(ws, family, body, activate = true) {
  const r = await call('POST', `/admin/v1/${family}`, { token: ws.key, body });
  assert.equal(r.status, 201, r.text);
  if (activate) {
    const a = await call('POST', `/admin/v1/${family}/${r.body.id}/activate`, { token: ws.key });
    assert.equal(a.status, 200, a.text);
  }
  return r.body.id;
}

const post = (name, frequency, extra = {}) => ({ kind: 'post', name, content: { title: `Secret title ${name}`, body: `Secret body ${name}` }, frequency, ...extra });

const impression = async (token, contentId, action, kind = 'outbound') => {
  const r = await call('POST', '/v1/impressions', { token, body: { kind, contentId, action, browsingSession: BS } });
  assert.equal(r.status, 204, r.text);
};

const eligible = async (token, query) => {
  const r = await call('GET', `/v1/eligible?url=%2Fapp&bs=${BS}${query}`, { token });
  assert.equal(r.status, 200, r.text);
  return r;
};

test('debug lists every active item left out, with the reason the edge decided', async () => {
  const ws = await createWorkspace();
  const now = Date.now();
  const pro = { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' };
  const ids = {
    shows: await live(ws, 'outbound', post('shows', 'always')),
    audience: await live(ws, 'outbound', post('pro only', 'always', { audience: pro })),
    notStarted: await live(ws, 'outbound', post('later', { mode: 'always', startAt: now + 3600_000 })),
    ended: await live(ws, 'outbound', post('ended', { mode: 'always', startAt: 1, endAt: now - 1000 })),
    notSampled: await live(ws, 'outbound', post('sampled out', { mode: 'always', samplingPercent: 0 })),
    once: await live(ws, 'outbound', post('once', 'once')),
    perSession: await live(ws, 'outbound', post('per session', 'once_per_session')),
    completed: await live(ws, 'outbound', post('until completed', 'until_completed')),
    dismissed: await live(ws, 'outbound', post('until dismissed', 'until_dismissed')),
    maxTimes: await live(ws, 'outbound', post('at most one', { mode: 'at_most', maxTimes: 1 })),
    recontact: await live(ws, 'outbound', post('weekly', { mode: 'always', recontactAfterDays: 7 })),
    tooltipAudience: await live(ws, 'tooltips', { name: 'Tip', content: { body: 'Secret tip', selector: '#export' }, audience: pro }),
    snoozed: await live(ws, 'tours', { name: 'Tour', content: { steps, snoozeHours: 1 } }),
    draft: await live(ws, 'outbound', post('draft', 'always'), false),
  };
  const t = (await boot(ws.id, { attributes: { plan: 'free' } })).body.sessionToken;
  const before = Date.now();
  for (const id of [ids.once, ids.perSession, ids.completed, ids.dismissed, ids.maxTimes, ids.recontact]) await impression(t, id, 'shown');
  const after = Date.now();
  await impression(t, ids.completed, 'completed');
  await impression(t, ids.dismissed, 'dismissed');
  const progress = (action) => call('POST', `/v1/tours/${ids.snoozed}/progress`, { token: t, body: { action } });
  assert.equal((await progress('start')).status, 200);
  const snooze = await progress('snooze');
  assert.equal(snooze.status, 200, snooze.text);

  const r = await eligible(t, '&debug=1');
  assert.deepEqual(r.body.outbound.map((o) => o.id), [ids.shows]);
  assert.equal(r.body.bs, BS);
  const why = Object.fromEntries(r.body.skipped.map((s) => [s.id, s]));
  const expect = {
    audience: ['post', 'audience'],
    notStarted: ['post', 'not_started'],
    ended: ['post', 'ended'],
    notSampled: ['post', 'not_sampled'],
    once: ['post', 'already_shown'],
    perSession: ['post', 'shown_this_session'],
    completed: ['post', 'completed'],
    dismissed: ['post', 'dismissed'],
    maxTimes: ['post', 'max_times_reached'],
    recontact: ['post', 'recontact_wait'],
    tooltipAudience: ['tooltip', 'audience'],
    snoozed: ['tour', 'snoozed'],
  };
  assert.deepEqual(Object.keys(why).sort(), Object.values(ids).filter((id) => id !== ids.shows && id !== ids.draft).sort(), 'every active item left out, and only those');
  for (const [name, [kind, reason]] of Object.entries(expect)) {
    const s = why[ids[name]];
    assert.deepEqual([s.kind, s.reason], [kind, reason], name);
    const keys = ['until' in s ? 'until' : null, 'id', 'kind', 'reason'].filter(Boolean).sort();
    assert.deepEqual(Object.keys(s).sort(), keys, `${name}: ids and reasons only`);
  }
  const recontact = why[ids.recontact].until;
  assert.ok(recontact >= before + 7 * DAY - 5000 && recontact <= after + 7 * DAY + 5000, `recontact until ${recontact}`);
  assert.equal(why[ids.snoozed].until, snooze.body.progress.snoozedUntil);
  for (const s of r.body.skipped) assert.ok(!('until' in s) || ['recontact_wait', 'snoozed', 'survey_cooldown'].includes(s.reason));
  assert.equal((r.text.match(/Secret/g) ?? []).length, 2, 'no content of a left-out item: only the one shown');
  assert.doesNotMatch(r.text, /pro only|until dismissed|weekly|"Tip"|Secret tip/, 'no name of a left-out item');

  // Without debug (or with debug=0) the answer is the same, minus `skipped`.
  const { skipped, ...rest } = r.body;
  for (const q of ['', '&debug=0', '&debug=false']) {
    const plain = await eligible(t, q);
    assert.ok(!('skipped' in plain.body), q);
    assert.deepEqual(plain.body, rest, q);
  }
  assert.deepEqual((await eligible(t, '&debug=true')).body, r.body);
});

test('the workspace survey pacing is a reason too', async () => {
  const ws = await createWorkspace();
  const patch = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { surveyCooldownDays: 14 } } });
  assert.equal(patch.status, 200, patch.text);
  const survey = (name) => ({ name, content: { questions: [{ id: 'q', type: 'short_text', prompt: 'Why?' }] }, frequency: 'once' });
  const a = await live(ws, 'surveys', survey('A'));
  const b = await live(ws, 'surveys', survey('B'));
  const t = (await boot(ws.id)).body.sessionToken;
  // Before any survey is seen both are offered, with the pacing the page applies as it shows one.
  const first = await eligible(t);
  assert.deepEqual(first.body.surveys.map((s) => s.id).sort(), [a, b].sort());
  assert.equal(first.body.surveyCooldownDays, 14);
  await impression(t, a, 'shown', 'survey');
  const r = await eligible(t, '&debug=1');
  assert.deepEqual(r.body.surveys, []);
  const why = Object.fromEntries(r.body.skipped.map((s) => [s.id, s]));
  assert.equal(why[a].reason, 'already_shown');
  assert.equal(why[b].reason, 'survey_cooldown');
  assert.ok(why[b].until > Date.now() + 13 * 86_400_000);
});

test('a boot asking with debug gets what GET /v1/eligible?debug=1 answers; a bad debug is refused', async () => {
  const ws = await createWorkspace();
  const pro = { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' };
  const hidden = await live(ws, 'outbound', post('pro only', 'always', { audience: pro }));
  const b = await boot(ws.id, { eligible: { url: '/app', bs: BS, debug: true } });
  assert.equal(b.status, 200, b.text);
  assert.deepEqual(b.body.eligible.skipped, [{ id: hidden, kind: 'post', reason: 'audience' }]);
  assert.deepEqual(b.body.eligible, (await eligible(b.body.sessionToken, '&debug=1')).body);
  const off = await boot(ws.id, { eligible: { url: '/app', bs: BS, debug: false } });
  assert.ok(!('skipped' in off.body.eligible));

  for (const debug of ['yes', '2', '']) {
    const r = await call('GET', `/v1/eligible?bs=${BS}&debug=${debug}`, { token: b.body.sessionToken });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, '/debug');
  }
  const bad = await boot(ws.id, { eligible: { url: '/app', debug: 'yes' } });
  assertError(assert, bad, 400, 'INVALID_INPUT');
  assert.equal(bad.body.error.path, '/eligible/debug');
});

test('showing: items said to be on screen stay though their showing spent their frequency, never past their audience or a dismissal; a bad list is refused', async () => {
  const ws = await createWorkspace();
  const pro = { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' };
  const once = await live(ws, 'outbound', post('once', 'once'));
  const proOnly = await live(ws, 'outbound', post('pro only', 'always', { audience: pro }));
  const t = (await boot(ws.id)).body.sessionToken;
  const ids = async (q = '') => (await eligible(t, q)).body.outbound.map((o) => o.id);
  assert.deepEqual(await ids(), [once]);
  await impression(t, once, 'shown');
  assert.deepEqual(await ids(), [], 'once: shown, so left out of a new answer');
  assert.deepEqual(await ids(`&showing=${once}`), [once], 'on screen: it stays');
  assert.deepEqual(await ids(`&showing=${once},${proOnly}`), [once], 'the audience still decides');
  await impression(t, once, 'dismissed');
  assert.deepEqual(await ids(`&showing=${once}`), [], 'dismissed (in another tab, say): more than its showing refuses it');
  for (const bad of [',', `${once},`, '<script>', Array(21).fill(once).join(','), 'x'.repeat(65)]) {
    const r = await call('GET', `/v1/eligible?bs=${BS}&showing=${encodeURIComponent(bad)}`, { token: t });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, '/showing');
  }
});
