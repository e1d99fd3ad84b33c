// The demo workspace scripts/seed.mjs makes (scripts/test seeded it before the tests): its
// content is live and offered on the right demo pages — a banner on the landing page; a
// 4-step tour, a post (which starts the tour), an Export tooltip and an NPS survey (after a
// report is created, its follow-up branching on the score) on the app page; the tour again on
// the billing page, where its last step runs — and seeding again adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BASE, ROOT_KEY, call, boot } from '../lib/harness.mjs';

const credsFile = join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json');
const creds = JSON.parse(readFileSync(credsFile, 'utf8'));

const offered = async (token, path) => {
  const r = await call('GET', `/v1/eligible?url=${encodeURIComponent(BASE + path)}&debug=1`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
};

test('the demo pages offer the seeded banner, post, tooltip and survey where they belong', async () => {
  const b = await boot(creds.workspaceId);
  assert.equal(b.status, 200, b.text);
  const t = b.body.sessionToken;
  for (const path of ['/', '/index.html', '/?utm=x#features']) {
    const e = await offered(t, path);
    assert.deepEqual(e.outbound.map((o) => o.kind), ['banner'], path);
    const [banner] = e.outbound;
    assert.deepEqual([banner.content.position, banner.content.style], ['top', 'inline'], 'in the flow: it must not cover the demo header');
    assert.deepEqual(banner.content.buttons.map((x) => x.action.type), ['open_messenger']);
    assert.equal(banner.frequency, 'until_dismissed');
    // `js` is the edge's translation of the pattern for the browser's RegExp (regex_js).
    assert.deepEqual(banner.triggers.map(({ js, ...t }) => t), [{ type: 'page_visit', match: 'regex', value: '^/(index\\.html)?$' }]);
    assert.ok(new RegExp(banner.triggers[0].js, 'u').test('/'), 'the browser form matches the landing page');
    const landing = new RegExp(banner.triggers[0].value);
    assert.ok(['/', '/index.html'].every((p) => landing.test(p)) && !['/app', '/index.htm', '/x/'].some((p) => landing.test(p)));
    assert.deepEqual(e.tooltips, [], path);
    assert.deepEqual(e.tours, [], path);
    assert.deepEqual(e.surveys, [], path);
    assert.deepEqual(e.skipped.map((s) => [s.kind, s.reason]).sort(), [['post', 'audience'], ['survey', 'audience'], ['tooltip', 'audience'], ['tour', 'audience']], path);
  }
  for (const path of ['/app', '/app.html', '/app?tab=reports']) {
    const e = await offered(t, path);
    assert.deepEqual(e.outbound.map((o) => o.kind), ['post'], path);
    const [post] = e.outbound;
    assert.ok(post.content.title && post.content.body);
    assert.deepEqual(post.content.buttons.map((x) => x.action.type), ['start_tour', 'dismiss', 'open_messenger']);
    assert.deepEqual(e.tours.map((x) => x.id), [post.content.buttons[0].action.tourId], 'the post starts the tour offered here');
    assert.deepEqual(post.triggers, [{ type: 'time_on_page', seconds: 4 }]);
    assert.equal(post.frequency, 'once_per_session');
    assert.deepEqual(e.tooltips.map((x) => [x.content.selector, x.frequency]), [['#export-csv', 'until_dismissed']], path);
    assert.deepEqual(e.surveys.map((x) => [x.triggers, x.frequency, x.content.format]), [[[{ type: 'event', name: 'report_created' }], 'until_completed', 'small']], path);
    assert.deepEqual(e.skipped.map((s) => [s.kind, s.reason]), [['banner', 'audience']], path);
  }
  for (const path of ['/billing', '/billing.html']) {
    const e = await offered(t, path);
    assert.equal(e.tours.length, 1, path);
    assert.deepEqual([e.outbound, e.tooltips, e.surveys], [[], [], []], path);
  }
  const elsewhere = await offered(t, '/pricing');
  assert.deepEqual([elsewhere.outbound, elsewhere.tooltips, elsewhere.tours, elsewhere.surveys], [[], [], [], []]);
});

test('the demo tour: 4 steps over the app and billing pages, on the paths a visitor\'s address bar shows', async () => {
  const list = await call('GET', '/admin/v1/tours', { token: creds.secretKey });
  assert.equal(list.status, 200, list.text);
  const tours = list.body.tours.filter((x) => x.name.startsWith('Demo: '));
  assert.equal(tours.length, 1, tours.map((x) => x.name).join(', '));
  const [tour] = tours;
  assert.equal(tour.status, 'active');
  assert.equal(tour.frequency, 'first_time_only');
  assert.deepEqual(tour.triggers, [{ type: 'page_visit', match: 'exact', value: '/app' }]);
  const { steps, missingTarget } = tour.content;
  assert.equal(missingTarget, 'center');
  assert.equal(steps.length, 4);
  assert.deepEqual(steps.map((s) => s.kind), ['post', 'pointer', 'pointer', 'pointer']);
  assert.equal(steps[0].title, 'Welcome to Acme Reports');
  assert.equal(steps[0].selector, undefined);
  assert.deepEqual([steps[1].selector, steps[1].page], ['#reports-table', undefined]);
  assert.deepEqual([steps[2].selector, steps[2].advance], ['#nav-billing', 'click']);
  const paged = steps.filter((s) => s.page);
  assert.deepEqual(paged.map((s) => [s.selector, s.page]), [['#upgrade-plan', '/billing']]);
  assert.equal(steps[3].page, '/billing');

  // The post on the app page offers it.
  const posts = (await call('GET', '/admin/v1/outbound', { token: creds.secretKey })).body.outbound;
  const post = posts.find((x) => x.name === 'Demo: welcome to the app');
  assert.deepEqual(post.content.buttons[0], { label: 'Take the tour', action: { type: 'start_tour', tourId: tour.id } });

  // The pages serve what the steps point at, at the paths the trigger and the step name:
  // `/app.html` and `/billing.html` redirect there, so a visitor's URL never has the `.html`.
  for (const [file, path] of [['/app.html', '/app'], ['/billing.html', '/billing']]) {
    const r = await fetch(BASE + file, { redirect: 'manual' });
    assert.ok([301, 307, 308].includes(r.status), `${file}: ${r.status}`);
    assert.equal(new URL(r.headers.get('location'), BASE).pathname, path);
  }
  const app = await (await fetch(`${BASE}/app`)).text();
  assert.match(app, /id="nav-billing" href="\/billing"/);
  assert.match(app, /table\.id = 'reports-table'/, 'the reports table is rendered late, by the page\'s script');
  assert.doesNotMatch(app, /id="reports-table"/, 'not in the HTML itself');
  const billing = await fetch(`${BASE}/billing`);
  assert.equal(billing.status, 200);
  const html = await billing.text();
  assert.match(html, /id="upgrade-plan"/);
  assert.match(html, /<script async src="\/porchlight\.js" data-workspace="demo"><\/script>/);
});

test('the demo NPS survey: its follow-up branches on the score, and the app page tracks the event it waits for', async () => {
  const list = await call('GET', '/admin/v1/surveys', { token: creds.secretKey });
  assert.equal(list.status, 200, list.text);
  const surveys = list.body.surveys.filter((x) => x.name.startsWith('Demo: '));
  assert.equal(surveys.length, 1, surveys.map((x) => x.name).join(', '));
  const [survey] = surveys;
  assert.equal(survey.status, 'active');
  const { questions } = survey.content;
  assert.deepEqual(questions.map((q) => [q.id, q.type, q.required]), [
    ['nps', 'nps', true], ['better', 'long_text', false], ['missing', 'short_text', false], ['like', 'multiple_choice', false],
  ]);
  assert.equal(questions[0].prompt, 'How likely are you to recommend Acme Reports to a colleague?');
  assert.deepEqual(questions.map((q) => q.prompt).slice(1), ['What would make it better?', "What's missing?", 'What do you like most?']);

  // Each score takes its follow-up, and only it is stored; then the survey ends.
  const follow = { better: 'Faster loading', missing: 'A PDF export', like: ['Speed'] };
  const expect = (score) => (score <= 6 ? 'better' : score <= 8 ? 'missing' : 'like');
  for (const score of [0, 6, 7, 8, 9, 10]) {
    const t = (await boot(creds.workspaceId)).body.sessionToken;
    const answers = [{ questionId: 'nps', value: score }, ...Object.entries(follow).map(([questionId, value]) => ({ questionId, value }))];
    const r = await call('POST', `/v1/surveys/${survey.id}/responses`, { token: t, body: { answers, complete: true } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.response.answers, { nps: score, [expect(score)]: follow[expect(score)] }, `score ${score}`);
  }
  const results = (await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: creds.secretKey })).body;
  const reached = Object.fromEntries(results.questions.map((q) => [q.id, q.reached]));
  assert.ok(reached.nps >= 6);
  assert.ok(reached.better >= 2 && reached.missing >= 2 && reached.like >= 2 && reached.better < reached.nps, JSON.stringify(reached));

  // The app page's "Create report" tracks the event the survey waits for.
  const app = await (await fetch(`${BASE}/app`)).text();
  assert.match(app, /id="create-report"/);
  assert.match(app, /Porchlight\('track', 'report_created'\)/);
});

test('seeding again changes nothing', async () => {
  const names = async () => {
    const out = [];
    for (const family of ['outbound', 'tooltips', 'tours', 'surveys']) {
      const r = await call('GET', `/admin/v1/${family}`, { token: creds.secretKey });
      assert.equal(r.status, 200, r.text);
      out.push(...r.body[family].map((i) => `${i.name}:${i.status}`));
    }
    return out.filter((n) => n.startsWith('Demo: ')).sort();
  };
  const before = await names();
  assert.equal(before.length, 5, before.join(', '));
  assert.ok(before.every((n) => n.endsWith(':active')), before.join(', '));
  execFileSync('node', ['scripts/seed.mjs', BASE, ROOT_KEY, credsFile], { stdio: 'ignore' });
  assert.deepEqual(await names(), before);
});
