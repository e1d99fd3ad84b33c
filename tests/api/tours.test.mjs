// Tours: authored through /admin/v1/tours, served by /v1/eligible with the visitor's progress,
// moved through a server-checked state machine by /v1/tours/{id}/progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { steps } from '../lib/fixtures.mjs';

const tourBody = (extra = {}) => ({ name: 'Onboarding', content: { steps, snoozeHours: 1 }, ...extra });
const progress = (token, id, body) => call('POST', `/v1/tours/${id}/progress`, { token, body });
const eligibleTours = async (token, url = 'https://acme.test/app') => {
  const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(url)}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.tours;
};

async function liveTour(ws, extra) {
  const t = await call('POST', '/admin/v1/tours', { token: ws.key, body: tourBody(extra) });
  assert.equal(t.status, 201, t.text);
  const a = await call('POST', `/admin/v1/tours/${t.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

test('tour lifecycle: steps validated, activation needs steps, progress through every action', async () => {
  const ws = await createWorkspace();
  // A pointer step needs a selector; the error names the field.
  const bad = await call('POST', '/admin/v1/tours', { token: ws.key, body: tourBody({ content: { steps: [{ body: 'Look here' }] } }) });
  assertError(assert, bad, 400, 'INVALID_INPUT');
  assert.equal(bad.body.error.path, '/content/steps/0/selector');
  // A draft without steps may be saved, not activated.
  const empty = await call('POST', '/admin/v1/tours', { token: ws.key, body: tourBody({ content: {} }) });
  assert.equal(empty.status, 201, empty.text);
  assert.equal(empty.body.kind, 'tour');
  assert.deepEqual(empty.body.frequency, 'first_time_only');
  const refused = await call('POST', `/admin/v1/tours/${empty.body.id}/activate`, { token: ws.key });
  assertError(assert, refused, 400, 'INVALID_INPUT');
  assert.equal(refused.body.error.path, '/content/steps');

  const tour = await liveTour(ws);
  const v = await boot(ws.id);
  const t = v.body.sessionToken;
  let [seen] = await eligibleTours(t);
  assert.equal(seen.id, tour.id);
  assert.equal(seen.progress, null);
  assert.equal(seen.content.steps.length, 3);
  assert.ok(!('audience' in seen) && !('name' in seen), 'authoring details stay on the admin side');

  // Nothing but start before starting.
  assertError(assert, await progress(t, tour.id, { action: 'advance' }), 400, 'INVALID_INPUT');
  let r = await progress(t, tour.id, { action: 'start' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.progress.state, r.body.progress.step], ['in_progress', 0]);
  // Step bounds: no skipping ahead, no step past the end.
  r = await progress(t, tour.id, { action: 'advance', step: 2 });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/step');
  assertError(assert, await progress(t, tour.id, { action: 'complete' }), 400, 'INVALID_INPUT');
  r = await progress(t, tour.id, { action: 'advance', url: 'https://acme.test/app' });
  assert.equal(r.body.progress.step, 1);
  // Step 2 runs on /billing: advancing to it from another page is refused.
  r = await progress(t, tour.id, { action: 'advance', url: 'https://acme.test/settings' });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/url');
  r = await progress(t, tour.id, { action: 'advance', url: 'https://acme.test/billing?from=tour' });
  assert.deepEqual([r.body.progress.step, r.body.progress.checkpoint], [2, '/billing']);

  // Multi-page: after a reload (a new token for the same visitor) the tour resumes at the checkpoint.
  const again = await boot(ws.id, { sessionId: undefined }, { token: t });
  [seen] = await eligibleTours(again.body.sessionToken, 'https://acme.test/billing');
  assert.deepEqual([seen.progress.state, seen.progress.step, seen.progress.checkpoint], ['in_progress', 2, '/billing']);

  r = await progress(t, tour.id, { action: 'complete' });
  assert.equal(r.body.progress.state, 'completed');
  assert.equal(typeof r.body.progress.completedAt, 'number');
  // A completed tour changes only by restart, and it no longer shows.
  for (const action of ['advance', 'complete', 'dismiss', 'snooze', 'start']) {
    assertError(assert, await progress(t, tour.id, { action }), 400, 'INVALID_INPUT');
  }
  assert.deepEqual(await eligibleTours(t), []);
  r = await progress(t, tour.id, { action: 'restart' });
  assert.deepEqual([r.body.progress.state, r.body.progress.step], ['in_progress', 0]);
  r = await progress(t, tour.id, { action: 'dismiss' });
  assert.equal(r.body.progress.state, 'dismissed');
  assert.deepEqual(await eligibleTours(t), []);
});

test('back, next and retries: a request sent twice leaves the same progress; only a new run, complete and dismiss write impressions', async () => {
  const ws = await createWorkspace();
  // At most 3 runs: frequency counts the "shown" impressions, so the debug reason tells how many
  // were written.
  const tour = await liveTour(ws, { frequency: { mode: 'at_most', maxTimes: 3 } });
  const t = (await boot(ws.id)).body.sessionToken;
  const app = 'https://acme.test/app';
  const billing = 'https://acme.test/billing';
  // The widget sends an explicit step for Next and Back: sent twice (a retry), it is applied once.
  const twice = async (body) => {
    const once = await progress(t, tour.id, body);
    assert.equal(once.status, 200, once.text);
    const again = await progress(t, tour.id, body);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, once.body, JSON.stringify(body));
    return once.body.progress;
  };
  const offered = async () => {
    const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(app)}&debug=1`, { token: t });
    assert.equal(r.status, 200, r.text);
    return { tour: r.body.tours.find((x) => x.id === tour.id), skipped: r.body.skipped.find((x) => x.id === tour.id) };
  };

  let p = await twice({ action: 'start' }); // run 1
  p = await twice({ action: 'advance', step: 1, url: app });
  p = await twice({ action: 'advance', step: 2, url: billing });
  assert.deepEqual([p.step, p.checkpoint], [2, '/billing']);
  // Back: to any earlier step (the checkpoint goes back with it), never ahead.
  p = await twice({ action: 'advance', step: 0, url: app });
  assert.deepEqual([p.state, p.step, p.checkpoint], ['in_progress', 0, null]);
  let r = await progress(t, tour.id, { action: 'advance', step: 2, url: billing });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/step');
  p = await twice({ action: 'advance', step: 1, url: app });
  p = await twice({ action: 'snooze' });
  assert.deepEqual([p.state, p.step], ['snoozed', 1]);
  p = await twice({ action: 'start' }); // run 2: back after a snooze
  assert.deepEqual([p.state, p.step], ['in_progress', 1]);
  p = await twice({ action: 'restart' }); // not a new run: it was running
  assert.deepEqual([p.state, p.step], ['in_progress', 0]);
  // The ends are refused when sent again, and the stored progress stays as the first left it.
  const dismissed = (await progress(t, tour.id, { action: 'dismiss' })).body.progress;
  assertError(assert, await progress(t, tour.id, { action: 'dismiss' }), 400, 'INVALID_INPUT');
  // Two runs so far (at most 3): still offered, with the first dismissal's progress.
  let seen = await offered();
  assert.equal(seen.skipped, undefined, JSON.stringify(seen.skipped));
  assert.deepEqual(seen.tour.progress, dismissed);

  p = await twice({ action: 'restart' }); // run 3
  p = await twice({ action: 'advance', step: 1, url: app });
  p = await twice({ action: 'advance', step: 2, url: billing });
  const completed = (await progress(t, tour.id, { action: 'complete' })).body.progress;
  assert.equal(completed.state, 'completed');
  assertError(assert, await progress(t, tour.id, { action: 'complete' }), 400, 'INVALID_INPUT');
  seen = await offered();
  assert.equal(seen.tour, undefined);
  assert.equal(seen.skipped.reason, 'max_times_reached');
});

test('snoozing a first-time tour hides it for snoozeHours, not forever (Opencom bug 11)', async () => {
  const ws = await createWorkspace();
  const tour = await liveTour(ws, { content: { steps: steps.slice(0, 1), snoozeHours: 1 } });
  const t = (await boot(ws.id)).body.sessionToken;
  await progress(t, tour.id, { action: 'start' });
  const z = await progress(t, tour.id, { action: 'snooze' });
  assert.equal(z.body.progress.state, 'snoozed');
  const until = z.body.progress.snoozedUntil;
  assert.ok(until > Date.now() + 3500_000 && until <= Date.now() + 3600_000, `snoozed for an hour: ${until}`);
  assert.deepEqual(await eligibleTours(t), [], 'hidden while snoozed');
  // That it comes back once snoozedUntil has passed is decided by the shared frequency engine
  // (first_time_only + snooze cases in shared/tests/cases); /v1/eligible feeds it snoozedUntil.
  // Resuming explicitly (startTour) brings it back at once, at the same step.
  const back = await progress(t, tour.id, { action: 'start' });
  assert.deepEqual([back.body.progress.state, back.body.progress.step], ['in_progress', 0]);
  assert.equal((await eligibleTours(t)).length, 1, 'an in-progress tour resumes');
});

test('tours respect audience and status; another workspace cannot touch them; bodies are strict', async () => {
  const ws = await createWorkspace();
  const other = await createWorkspace();
  const tour = await liveTour(ws, { audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' } });
  const pro = (await boot(ws.id, { attributes: { plan: 'pro' } })).body.sessionToken;
  const free = (await boot(ws.id, { attributes: { plan: 'free' } })).body.sessionToken;
  assert.equal((await eligibleTours(pro)).length, 1);
  assert.equal((await eligibleTours(free)).length, 0);
  const foreign = (await boot(other.id)).body.sessionToken;
  assertError(assert, await progress(foreign, tour.id, { action: 'start' }), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', `/admin/v1/tours/${tour.id}`, { token: other.key }), 404, 'NOT_FOUND');
  // Unknown fields (a visitor id among them) and wrong types are refused.
  let r = await progress(pro, tour.id, { action: 'start', visitorId: 'v_someone_else' });
  assertError(assert, r, 400, 'INVALID_INPUT');
  r = await progress(pro, tour.id, { action: 'jump' });
  assertError(assert, r, 400, 'INVALID_INPUT');
  r = await progress(pro, tour.id, { action: 'advance', step: -1 });
  assertError(assert, r, 400, 'INVALID_INPUT');
  r = await call('POST', `/v1/tours/${tour.id}/progress`, { token: pro, raw: '{"action": "start"' });
  assertError(assert, r, 400, 'INVALID_INPUT');
  // A trigger pattern the visitor's browser would backtrack on is refused when saved.
  r = await call('PATCH', `/admin/v1/tours/${tour.id}`, { token: ws.key, body: { triggers: [{ type: 'page_visit', match: 'regex', value: '^/(a+)+$' }] } });
  assertError(assert, r, 400, 'INVALID_INPUT');
  assert.equal(r.body.error.path, '/triggers/0/value');
  // A paused tour cannot be started.
  await call('POST', `/admin/v1/tours/${tour.id}/pause`, { token: ws.key });
  assertError(assert, await progress(pro, tour.id, { action: 'start' }), 404, 'NOT_FOUND');
  assert.equal((await eligibleTours(pro)).length, 0);
});

test("steps go out with their body as escaped markup and a video's checked player; a video off the allowlist is refused", async () => {
  const ws = await createWorkspace();
  const hostile = '**Bold** <script>alert(1)</script><img src=x onerror=alert(1)> [ok](https://acme.test/?a=1&b=2) "q" [bad](javascript:alert(1))';
  const content = { steps: [
    { kind: 'post', title: '<b>T</b>', body: hostile },
    { kind: 'video', body: 'Watch', videoUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5' },
    { kind: 'video', body: 'A file', videoUrl: 'https://cdn.acme.test/intro.mp4' },
  ] };
  // Off the allowlist (a page, another scheme, a player URL with markup in it): refused when
  // saved, so it never reaches a visitor.
  for (const videoUrl of ['https://evil.test/watch?v=dQw4w9WgXcQ', 'javascript:alert(1)//.mp4', 'http://cdn.acme.test/a.mp4', 'https://youtu.be/"><script>']) {
    const bad = await call('POST', '/admin/v1/tours', { token: ws.key, body: tourBody({ content: { steps: [{ kind: 'video', body: 'x', videoUrl }] } }) });
    assertError(assert, bad, 400, 'INVALID_INPUT');
    assert.equal(bad.body.error.path, '/content/steps/0/videoUrl', videoUrl);
  }
  // Not even through a patch of a live tour.
  const tour = await liveTour(ws, { content });
  const patch = await call('PATCH', `/admin/v1/tours/${tour.id}`, { token: ws.key, body: { content: { steps: [{ kind: 'video', body: 'x', videoUrl: 'https://evil.test/v.html' }] } } });
  assertError(assert, patch, 400, 'INVALID_INPUT');
  // The admin side sees the tour as authored: no served fields.
  const admin = (await call('GET', `/admin/v1/tours/${tour.id}`, { token: ws.key })).body;
  assert.ok(!('bodyHtml' in admin.content.steps[0]) && !('player' in admin.content.steps[1]));

  const t = (await boot(ws.id)).body.sessionToken;
  const [seen] = await eligibleTours(t);
  const [post, embed, file] = seen.content.steps;
  assert.equal(post.body, hostile, 'the authored text goes out too');
  // Only the Markdown subset's elements; the author's HTML is text, the unsafe link stays text.
  assert.equal(post.bodyHtml,
    '<strong>Bold</strong> &lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(1)> '
    + '<a href="https://acme.test/?a=1&amp;b=2" rel="noopener noreferrer" target=_blank>ok</a> &quot;q&quot; [bad](javascript:alert(1))');
  assert.equal(post.title, '<b>T</b>', 'the title stays text (the module escapes it)');
  assert.equal(post.player, undefined);
  // The embed is the provider's player built from the id, never the authored URL; `html` the
  // element the tour module draws as is (sandboxed; its name comes from the visitor's catalog).
  const yt = 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ';
  assert.deepEqual(embed.player, {
    kind: 'embed',
    src: yt,
    html: `<iframe class=vd src="${yt}" sandbox="allow-scripts allow-same-origin allow-presentation" allow="fullscreen; picture-in-picture; encrypted-media" referrerpolicy=strict-origin-when-cross-origin loading=lazy></iframe>`,
  });
  assert.equal(embed.bodyHtml, 'Watch');
  assert.deepEqual(file.player, {
    kind: 'file',
    src: 'https://cdn.acme.test/intro.mp4',
    html: '<video class=vd src="https://cdn.acme.test/intro.mp4" controls preload=metadata></video>',
  });
});

test('a run under way goes on when its audience stops admitting the visitor (its own steps may change what it reads); a new run needs the audience', async () => {
  const ws = await createWorkspace();
  const tour = await liveTour(ws, { audience: { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'free' } });
  const t = (await boot(ws.id, { attributes: { plan: 'free' } })).body.sessionToken;
  let r = await progress(t, tour.id, { action: 'start' });
  assert.equal(r.status, 200, r.text);
  // Mid-run the visitor upgrades: the audience no longer admits them.
  const id = await call('POST', '/v1/identify', { token: t, body: { attributes: { plan: 'pro' } } });
  assert.equal(id.status, 200, id.text);
  // The run is still offered, on this page and on the next step's page, where it stopped…
  for (const url of ['https://acme.test/app', 'https://acme.test/billing']) {
    const tours = await eligibleTours(t, url);
    assert.deepEqual(tours.map((x) => [x.id, x.progress?.state, x.progress?.step]), [[tour.id, 'in_progress', 0]], url);
  }
  // …and takes its steps; a restart is a new run: refused, as for an id that does not exist.
  r = await progress(t, tour.id, { action: 'advance', step: 1, from: 0 });
  assert.equal(r.status, 200, r.text);
  assertError(assert, await progress(t, tour.id, { action: 'restart' }), 404, 'NOT_FOUND');
  assert.equal((await eligibleTours(t))[0]?.progress?.step, 1, 'the refused restart changed nothing');
  r = await progress(t, tour.id, { action: 'dismiss' });
  assert.equal(r.status, 200, r.text);
  // Over: not offered again, and a new start is refused.
  assert.deepEqual(await eligibleTours(t), []);
  assertError(assert, await progress(t, tour.id, { action: 'start' }), 404, 'NOT_FOUND');
  // A visitor the audience never admitted cannot start it.
  const pro = (await boot(ws.id, { attributes: { plan: 'pro' } })).body.sessionToken;
  assertError(assert, await progress(pro, tour.id, { action: 'start' }), 404, 'NOT_FOUND');
  assert.deepEqual(await eligibleTours(pro), []);
  // A run keeps to its audience's pages, whoever the visitor is now.
  const scoped = await liveTour(ws, { audience: { type: 'group', operator: 'and', conditions: [
    { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' },
    { type: 'condition', property: { source: 'page', key: 'path' }, operator: 'starts_with', value: '/app' },
  ] } });
  r = await progress(t, scoped.id, { action: 'start' });
  assert.equal(r.status, 200, r.text);
  await call('POST', '/v1/identify', { token: t, body: { attributes: { plan: 'free' } } });
  assert.deepEqual((await eligibleTours(t, 'https://acme.test/app/reports')).map((x) => x.id), [scoped.id], 'on its pages, it goes on');
  assert.deepEqual(await eligibleTours(t, 'https://acme.test/billing'), [], 'off its pages, it does not follow');
});

test('a run under way stops when its audience no longer resolves (a deleted segment), even where evaluation never reaches the segment', async () => {
  const ws = await createWorkspace();
  const s = await call('POST', '/admin/v1/segments', { token: ws.key, body: { name: 'Beta', rule: { type: 'condition', property: { source: 'custom', key: 'beta' }, operator: 'is_set' } } });
  assert.equal(s.status, 201, s.text);
  // Pro, and on /app or in the Beta segment: on /app the segment is never looked at.
  const tour = await liveTour(ws, { audience: { type: 'group', operator: 'and', conditions: [
    { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' },
    { type: 'group', operator: 'or', conditions: [
      { type: 'condition', property: { source: 'page', key: 'path' }, operator: 'starts_with', value: '/app' },
      { segmentId: s.body.id },
    ] },
  ] } });
  const t = (await boot(ws.id, { attributes: { plan: 'pro' } })).body.sessionToken;
  let r = await progress(t, tour.id, { action: 'start' });
  assert.equal(r.status, 200, r.text);
  await call('POST', '/v1/identify', { token: t, body: { attributes: { plan: 'free' } } });
  assert.deepEqual((await eligibleTours(t, 'https://acme.test/app')).map((x) => x.id), [tour.id], 'out of the audience, the run goes on');
  assert.equal((await call('DELETE', `/admin/v1/segments/${s.body.id}`, { token: ws.key })).status, 204);
  // The audience cannot say any more: the run is offered nowhere, and takes no step.
  assert.deepEqual(await eligibleTours(t, 'https://acme.test/app'), []);
  assertError(assert, await progress(t, tour.id, { action: 'advance', step: 1, from: 0 }), 404, 'NOT_FOUND');
});
