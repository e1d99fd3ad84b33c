// In-page surveys (widget/survey, widget/engage/src/surveys.rs) as a visitor meets them: surveys
// authored through the admin API, a real host page in headless Chromium against the live edge,
// and what the edge stored (the admin results). Every type answered with the mouse and with the
// keyboard only; required questions; branching; nothing lost offline, across a reload or two
// tabs; small and large formats. (axe, RTL, hostile text, the demo and commands:
// surveys_a11y.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { author, focused, hostPage, open, tabTo, until, workspace } from '../lib/engage.mjs';
import { call } from '../lib/harness.mjs';
import { watchErrors } from '../lib/browser.mjs';
import { EVENTS, back, byQuestion, choose, inSurvey, keyNext, primary, rate, results, screen, screenIs, survey, visit, watchAnswers } from '../lib/surveys.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const OPTS = ['Reports', 'Chat', 'Tours'];
/** One question of each type, every one required. */
const ALL = [
  { id: 'nps', type: 'nps', prompt: 'Recommend us?', required: true, lowLabel: 'Never', highLabel: 'Surely' },
  { id: 'scale', type: 'numeric_scale', prompt: 'How easy?', required: true, start: -2, end: 2, lowLabel: 'Hard', highLabel: 'Easy' },
  { id: 'stars', type: 'star_rating', prompt: 'Rate the docs', required: true },
  { id: 'faces', type: 'emoji_rating', prompt: 'How do you feel?', required: true, count: 3 },
  { id: 'role', type: 'dropdown', prompt: 'Your role', required: true, options: ['Developer', 'Manager'] },
  { id: 'name', type: 'short_text', prompt: 'Your name?', required: true, placeholder: 'Ada' },
  { id: 'why', type: 'long_text', prompt: 'Tell us more', required: true },
  { id: 'one', type: 'multiple_choice', prompt: 'Use most?', required: true, options: OPTS },
  { id: 'many', type: 'multiple_choice', prompt: 'Use at all?', required: true, options: OPTS, multiple: true },
];
const WANT = { nps: 8, scale: 1, stars: 4, faces: 3, role: 'Manager', name: 'Ada', why: 'Line one\nLine two', one: 'Chat', many: ['Reports', 'Tours'] };

/** What the edge stored, per question: the one answer of each (one response). */
async function stored(ws, id) {
  const res = await results(ws, id);
  const q = byQuestion(res);
  const out = {};
  for (const [k, x] of Object.entries(q)) {
    if (x.answered === 0) continue;
    if (x.recent) out[k] = x.recent[0];
    else {
      const hit = Object.entries(x.distribution).filter(([, c]) => c > 0).map(([v]) => v);
      const rating = ['nps', 'numeric_scale', 'star_rating', 'emoji_rating'].includes(x.type);
      out[k] = rating ? Number(hit[0]) : x.type === 'multiple_choice' && hit.length > 1 ? hit : hit[0];
    }
  }
  return { responses: res.responses, answers: out, questions: q };
}

test('every question type answered with the mouse: stored once, as given', async () => {
  const { ws, id, url, page, errors, close, posts } = await visit(ALL, { content: { format: 'large' } }, { head: EVENTS });
  try {
    await page.goto(url);
    const p = (t) => screenIs(page, id, t);
    await p('Recommend us?');
    await rate(page, id, 8); await primary(page, id);
    await p('How easy?'); await rate(page, id, 1); await primary(page, id);
    await p('Rate the docs'); await rate(page, id, 4); await primary(page, id);
    await p('How do you feel?'); await rate(page, id, 3); await primary(page, id);
    await p('Your role');
    await page.locator(`[data-porchlight-item="${id}"] select`).selectOption({ label: 'Manager' });
    await primary(page, id);
    await p('Your name?');
    assert.equal(await page.locator(`[data-porchlight-item="${id}"] input.tx`).getAttribute('placeholder'), 'Ada');
    await page.locator(`[data-porchlight-item="${id}"] input.tx`).fill('Ada'); await primary(page, id);
    await p('Tell us more');
    await page.locator(`[data-porchlight-item="${id}"] textarea`).fill('Line one\nLine two'); await primary(page, id);
    await p('Use most?'); await choose(page, id, 'Chat'); await primary(page, id);
    const last = await p('Use at all?');
    assert.deepEqual(last.buttons, ['Back', 'Submit'], 'the last question submits');
    await choose(page, id, 'Reports'); await choose(page, id, 'Tours'); await primary(page, id);
    await p('Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'the complete response stored');
    const s = await stored(ws, id);
    assert.deepEqual(s.responses, { total: 1, complete: 1, partial: 0 });
    assert.deepEqual(s.answers, WANT);
    const done = await page.evaluate(() => window.__ev.find((e) => e.completed));
    assert.deepEqual(done.answers, WANT, 'surveyCompleted carries the answers');
    await primary(page, id);
    await screenIs(page, id, null);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('every question type answered with the keyboard only: radio groups with arrows, one tab stop', async () => {
  const { ws, id, url, page, errors, close, posts } = await visit(ALL, { content: { format: 'large' } });
  try {
    await page.goto(url);
    const p = (t) => screenIs(page, id, t);
    const keys = async (...k) => { for (const x of k) await page.keyboard.press(x); };
    /** Space picks the focused choice, then `n` arrows on. */
    const scale = async (n) => { await keys('Space'); for (let i = 0; i < n; i++) await keys('ArrowRight'); };
    await p('Recommend us?');
    const f = await focused(page);
    assert.equal(f.item, id, 'the large survey has focus');
    assert.equal(f.tag, 'input');
    await scale(8);
    // One tab stop: Tab leaves the group for Next at once.
    await keys('Tab');
    assert.ok((await focused(page)).cls.includes('pri'), 'one Tab from the scale is Next');
    await keys('Enter');
    await p('How easy?'); await scale(3); await keyNext(page);
    await p('Rate the docs'); await scale(3); await keyNext(page);
    await p('How do you feel?'); await scale(2); await keyNext(page);
    await p('Your role'); await keys('ArrowDown', 'ArrowDown'); await keyNext(page);
    await p('Your name?'); await page.keyboard.type('Ada'); await keys('Enter');
    await p('Tell us more'); await page.keyboard.type('Line one\nLine two'); await keyNext(page);
    await p('Use most?'); await keys('Space', 'ArrowDown'); await keyNext(page);
    await p('Use at all?'); await keys('Space', 'Tab', 'Tab', 'Space'); await keyNext(page);
    await p('Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'the complete response stored');
    assert.deepEqual((await stored(ws, id)).answers, WANT);
    await keys('Enter');
    await screenIs(page, id, null);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a required question blocks Next with a message tied to the field; nothing is sent', async () => {
  const { ws, id, url, page, errors, close, posts } = await visit([ALL[0], { ...ALL[5], required: false }, ALL[6]], {});
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    await primary(page, id);
    const s = await screen(page, id);
    assert.equal(s.title, 'Recommend us?', 'still on the question');
    assert.equal(s.error, 'Please answer this question.');
    assert.ok(s.field.describedby.split(' ').includes('pl-sv-e'), `aria-describedby: ${s.field.describedby}`);
    assert.ok(s.field.describedby.split(' ').includes('pl-sv-l'), 'the end labels still describe the scale');
    const f = await focused(page);
    assert.equal(f.tag, 'input', 'focus goes to the scale');
    await sleep(300);
    assert.equal(posts.length, 0, 'nothing sent');
    // A text field: aria-invalid too. The optional one is skipped (nothing sent for it).
    await rate(page, id, 10); await primary(page, id);
    await screenIs(page, id, 'Your name?');
    await primary(page, id);
    const t = await screenIs(page, id, 'Tell us more');
    assert.equal(t.error, null);
    await primary(page, id);
    const e = await screen(page, id);
    assert.equal(e.error, 'Please answer this question.');
    assert.equal(e.field.invalid, 'true');
    assert.equal(e.field.describedby, 'pl-sv-e');
    // Blanks are no answer.
    await page.locator(`[data-porchlight-item="${id}"] textarea`).fill('   ');
    await primary(page, id);
    assert.equal((await screen(page, id)).title, 'Tell us more');
    await until(() => posts.length === 1 && posts[0].status === 200, 'the first answer stored');
    assert.deepEqual(posts.map((x) => x.answers), [[{ questionId: 'nps', value: 10 }]]);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

const BRANCHED = [
  { id: 'nps', type: 'nps', prompt: 'Recommend us?', required: true, branches: [{ when: { op: 'gt', value: 6 }, to: 'high' }] },
  { id: 'low', type: 'short_text', prompt: 'What went wrong?', branches: [{ when: { op: 'answered' }, to: 'last' }] },
  { id: 'high', type: 'short_text', prompt: 'What went right?' },
  { id: 'last', type: 'star_rating', prompt: 'Rate us', required: true },
];

test('branching: a branch taken and one left behind; the edge keeps the path taken only', async () => {
  const { ws, id, url, page, errors, close, posts } = await visit(BRANCHED, { content: { format: 'large' } }, { head: EVENTS });
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    await rate(page, id, 3); await primary(page, id);
    // 3: the low branch, then on to the last question (past "high").
    await screenIs(page, id, 'What went wrong?');
    await page.locator(`[data-porchlight-item="${id}"] input.tx`).fill('Too slow'); await primary(page, id);
    await screenIs(page, id, 'Rate us');
    await until(() => posts.filter((x) => x.status === 200).length === 2, 'both answers stored');
    // Back twice: the answers so far are there again; 9 now takes the other branch.
    await back(page, id);
    await screenIs(page, id, 'What went wrong?');
    assert.equal(await page.locator(`[data-porchlight-item="${id}"] input.tx`).inputValue(), 'Too slow');
    await back(page, id);
    await screenIs(page, id, 'Recommend us?');
    assert.equal(await page.locator(`[data-porchlight-item="${id}"] input[value="3"]`).isChecked(), true);
    await rate(page, id, 9); await primary(page, id);
    await screenIs(page, id, 'What went right?');
    await page.locator(`[data-porchlight-item="${id}"] input.tx`).fill('The charts'); await primary(page, id);
    await screenIs(page, id, 'Rate us');
    await rate(page, id, 5); await primary(page, id);
    await screenIs(page, id, 'Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'complete');
    const s = await stored(ws, id);
    assert.deepEqual(s.answers, { nps: 9, high: 'The charts', last: 5 }, 'the answer to the branch left behind is dropped');
    assert.equal(s.questions.low.reached, 0, 'nobody reached the branch not taken');
    assert.equal(s.questions.high.reached, 1);
    const done = await page.evaluate(() => window.__ev.find((e) => e.completed));
    assert.deepEqual(done.answers, { nps: 9, high: 'The charts', last: 5 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('offline mid-survey, reload, back online: the response completes with every answer once', async () => {
  const { ws, id, url, context, page, close, posts } = await visit(BRANCHED, { content: { format: 'small' } });
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    // The answers cannot reach the edge (the rest of the page still loads: a reload works).
    await context.route('**/v1/surveys/**', (r) => r.abort('internetdisconnected'));
    await rate(page, id, 2); await primary(page, id);
    await screenIs(page, id, 'What went wrong?');
    await page.locator(`[data-porchlight-item="${id}"] input.tx`).fill('Crashed'); await primary(page, id);
    await screenIs(page, id, 'Rate us');
    await until(() => posts.length > 0 && posts.every((x) => x.status === -1), 'the first try failed');
    await page.reload();
    // The edge knows nothing yet: the page resumes from what this browser queued.
    const s = await screenIs(page, id, 'Rate us');
    assert.deepEqual(s.buttons, ['Back', 'Submit']);
    await rate(page, id, 4); await primary(page, id);
    await screenIs(page, id, 'Thank you!');
    assert.equal(posts.filter((x) => x.status === 200).length, 0, 'nothing reached the edge yet');
    await context.unroute('**/v1/surveys/**');
    await context.setOffline(true);
    await context.setOffline(false);
    await until(() => posts.some((x) => x.complete && x.status === 200), 'sent once back online', 15000);
    const r = await stored(ws, id);
    assert.deepEqual(r.responses, { total: 1, complete: 1, partial: 0 });
    assert.deepEqual(r.answers, { nps: 2, low: 'Crashed', last: 4 });
    for (const q of Object.values(r.questions)) assert.ok(q.answered <= 1, `${q.id} answered once`);
    // A retried complete the edge already stored is no error; a reload shows nothing more.
    await page.reload();
    await page.waitForFunction(() => window.Porchlight?.l, null, { timeout: 15000 });
    await sleep(1500);
    assert.equal(await screen(page, id), null, 'completed: not shown again');
  } finally {
    await close();
  }
});

test('two tabs answering the same survey end with one response', async () => {
  const { ws, id, url, context, page, close, posts } = await visit(BRANCHED, { content: { format: 'small' } });
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    const other = await context.newPage();
    const posts2 = watchAnswers(other);
    await other.goto(url);
    await screenIs(other, id, 'Recommend us?');
    await rate(page, id, 9); await primary(page, id);
    await screenIs(page, id, 'What went right?');
    await until(() => posts.some((x) => x.status === 200), 'the first tab\'s answer stored');
    await rate(other, id, 9); await primary(other, id);
    await screenIs(other, id, 'What went right?');
    await other.locator(`[data-porchlight-item="${id}"] input.tx`).fill('Both tabs'); await primary(other, id);
    await rate(other, id, 5); await primary(other, id);
    await screenIs(other, id, 'Thank you!');
    // The first tab hears it: the survey is answered, it goes there.
    await screenIs(page, id, null);
    await until(() => posts2.some((x) => x.complete && x.status === 200), 'complete');
    const r = await stored(ws, id);
    assert.deepEqual(r.responses, { total: 1, complete: 1, partial: 0 });
    assert.deepEqual(r.answers, { nps: 9, high: 'Both tabs', last: 5 });
  } finally {
    await close();
  }
});

test('small: a corner card that takes no focus, announced politely; large: a modal with progress, focus in it', async () => {
  const ws = await workspace();
  const small = await survey(ws, [ALL[0], ALL[2]], { content: { format: 'small' } });
  const ws2 = await workspace();
  const large = await survey(ws2, [ALL[0], ALL[2]], { content: { format: 'large', intro: { title: 'Two questions', body: 'It takes ten seconds.' } } });
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(ws.id));
    const s = await screenIs(page, small, 'Recommend us?');
    assert.equal(s.modal, false);
    assert.equal(s.progress, null);
    assert.equal(s.live, 'Question 1 of 2: Recommend us?');
    assert.notEqual((await focused(page)).item, small, 'no focus taken');
    // The page behind stays usable; the keyboard reaches the card.
    await page.click('#page-btn');
    assert.equal((await focused(page)).id, 'page-btn');
    const f = await tabTo(page, (x) => x.item === small && x.tag === 'input');
    assert.ok(f, 'Tab reaches the scale');
    await page.keyboard.press('Space');
    await keyNext(page);
    await screenIs(page, small, 'Rate the docs');
    assert.equal((await focused(page)).item, small, 'focus follows into the next question');
    // Escape closes it: a dismissal.
    await page.keyboard.press('Escape');
    await screenIs(page, small, null);

    await page.goto(hostPage(ws2.id));
    const intro = await screenIs(page, large, 'Two questions');
    assert.equal(intro.modal, true);
    assert.deepEqual(intro.buttons, ['Start']);
    assert.equal((await focused(page)).cls, 'btn pri', 'focus on Start');
    await page.keyboard.press('Enter');
    const q = await screenIs(page, large, 'Recommend us?');
    assert.deepEqual(q.progress, { value: 0, max: 2 });
    await page.locator('#page-btn').click({ timeout: 1000 }).then(() => assert.fail('the page behind a large survey is inert'), () => {});
    // Tab stays in the modal: round and round, both ways.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      assert.equal((await focused(page)).item, large, `Tab ${i + 1} stays in the survey`);
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      assert.equal((await focused(page)).item, large, `Shift+Tab ${i + 1} stays in the survey`);
    }
    await rate(page, large, 6); await primary(page, large);
    assert.deepEqual((await screenIs(page, large, 'Rate the docs')).progress, { value: 1, max: 2 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a small survey waits while a blocking post is open, and shows once it closes', async () => {
  const { ws, id, url, page, errors, close } = await visit([ALL[0]], { content: { format: 'small' }, priority: 0 });
  const post = await author(ws, 'outbound', { kind: 'post', name: 'post', content: { title: 'News', body: 'Big news.' }, frequency: 'always' });
  try {
    await page.goto(url);
    await page.locator(`[data-porchlight-item="${post}"]`).waitFor({ state: 'attached', timeout: 15000 });
    await sleep(1000);
    assert.equal(await screen(page, id), null, 'the survey waits behind the post');
    await page.keyboard.press('Escape');
    await screenIs(page, id, 'Recommend us?');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("the workspace's survey pacing holds on the page: once one survey shows, the next waits out the cooldown (without one, it follows)", async () => {
  for (const cooldown of [null, 7]) {
    const { ws, id, url, page, errors, close } = await visit([ALL[0]], { content: { format: 'small' }, priority: 5 });
    const next = await survey(ws, [{ id: 'q', type: 'star_rating', prompt: 'Rate the docs' }], { content: { format: 'small' }, priority: 1, frequency: 'always' });
    if (cooldown) {
      const r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { surveyCooldownDays: cooldown } } });
      assert.equal(r.status, 200, r.text);
    }
    try {
      await page.goto(url);
      // Both are offered with the first answer (no survey seen yet); the higher shows.
      await screenIs(page, id, 'Recommend us?');
      await inSurvey(page, id, '[data-a=close]').click();
      await screenIs(page, id, null);
      if (!cooldown) {
        await screenIs(page, next, 'Rate the docs');
      } else {
        await sleep(2000);
        assert.equal(await screen(page, next), null, 'the next survey waits out the cooldown on this page');
        // After a reload the edge says the same: its answer is in, and still nothing shows.
        const booted = page.waitForResponse((r) => r.url().endsWith('/v1/boot'));
        await page.reload();
        assert.equal((await booted).status(), 200);
        await page.waitForFunction(() => window.Porchlight?.l, null, { timeout: 15000 });
        await sleep(1500);
        assert.equal(await screen(page, next), null);
        assert.equal(await screen(page, id), null);
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  }
});

test("an author's preview of a survey is not held back by the pacing: it shows once the live survey before it closes", async () => {
  const { ws, id, url, page, errors, close } = await visit([ALL[0]], { content: { format: 'small' }, priority: 5 });
  const r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { automation: { surveyCooldownDays: 7 } } });
  assert.equal(r.status, 200, r.text);
  // A draft survey, previewed on the same page.
  const draft = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'draft', content: { format: 'small', questions: [{ id: 'q', type: 'star_rating', prompt: 'Rate the draft' }] } } });
  assert.equal(draft.status, 201, draft.text);
  const p = await call('POST', '/admin/v1/previews', { token: ws.key, body: { itemId: draft.body.id, url } });
  assert.equal(p.status, 201, p.text);
  try {
    await page.goto(p.body.link);
    await screenIs(page, id, 'Recommend us?');
    await inSurvey(page, id, '[data-a=close]').click();
    await screenIs(page, `preview-${draft.body.id}`, 'Rate the draft');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a complete the edge stored but whose answer was lost is retried and stored once, even when the survey may be answered again', async () => {
  // "always": a visitor may answer again — the retry must still land on the same response.
  const { ws, id, url, context, page, errors, close, posts } = await visit([ALL[0]], { content: { format: 'small' }, frequency: 'always' });
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  // The first complete reaches the edge, but its answer never comes back.
  let cut = 0;
  await context.route('**/v1/surveys/**', async (route) => {
    const r = await route.fetch();
    if (JSON.parse(route.request().postData()).complete && cut++ === 0) return route.abort('connectionreset');
    return route.fulfill({ response: r });
  });
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    await rate(page, id, 7); await primary(page, id);
    await screenIs(page, id, 'Thank you!');
    await until(() => posts.filter((x) => x.complete).length === 2 && posts.every((x) => x.status !== 0), 'the retry', 15000);
    assert.deepEqual(posts.map((x) => x.status), [-1, 200], 'stored by the first, answered as the first by the retry');
    assert.ok(posts[0].clientId, 'the response carries the id the widget gave it');
    assert.equal(posts[1].clientId, posts[0].clientId, 'the retry names the same response');
    await sleep(1500);
    assert.equal(posts.length, 2, 'no more tries');
    assert.deepEqual(warnings.filter((w) => /Porchlight/.test(w)), []);
    const r = await stored(ws, id);
    assert.deepEqual(r.responses, { total: 1, complete: 1, partial: 0 });
    assert.deepEqual(r.answers, { nps: 7 });
    // The browser's own line about the cut connection; nothing of the widget's.
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  } finally {
    await close();
  }
});

test('Back and an emptied optional answer: the edge clears it, and the path follows', async () => {
  const { ws, id, url, page, close, posts } = await visit(BRANCHED, { content: { format: 'small' } });
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    await rate(page, id, 2); await primary(page, id);
    await screenIs(page, id, 'What went wrong?');
    const field = page.locator(`[data-porchlight-item="${id}"] input.tx`);
    await field.fill('Crashed'); await primary(page, id);
    await screenIs(page, id, 'Rate us');
    await until(() => posts.some((x) => x.answers.some((a) => a.value === 'Crashed') && x.status === 200), 'the text stored');
    // Back, empty the field, Next: skipped now, so the path goes through the next question.
    await back(page, id);
    await screenIs(page, id, 'What went wrong?');
    assert.equal(await field.inputValue(), 'Crashed');
    await field.fill(''); await primary(page, id);
    await screenIs(page, id, 'What went right?');
    await until(() => posts.some((x) => x.answers.some((a) => a.questionId === 'low' && a.value === null) && x.status === 200), 'the clear stored');
    await primary(page, id);
    await screenIs(page, id, 'Rate us');
    await rate(page, id, 3); await primary(page, id);
    await screenIs(page, id, 'Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'complete');
    const r = await stored(ws, id);
    assert.deepEqual(r.responses, { total: 1, complete: 1, partial: 0 });
    assert.deepEqual(r.answers, { nps: 2, last: 3 }, 'the emptied answer is gone');
    assert.equal(new Set(posts.map((x) => x.clientId)).size, 1, 'one response id throughout');
  } finally {
    await close();
  }
});

test('a survey resumed after a reload is shown once: one "shown" impression, one response id', async () => {
  const { ws, id, url, page, close, posts } = await visit(BRANCHED, { content: { format: 'small' } });
  const shownHere = () => page.evaluate(([w, s]) => JSON.parse(localStorage.getItem(`porchlight:${w}:fx`) || '[]')
    .filter((x) => x.i === s && x.a === 'shown').map((x) => ({ c: x.c, sent: x.s > 0 })), [ws.id, id]);
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    await rate(page, id, 9); await primary(page, id);
    await screenIs(page, id, 'What went right?');
    await until(() => posts.some((x) => x.status === 200), 'the first answer stored');
    await until(async () => (await shownHere()).every((x) => x.sent) && (await shownHere()).length === 1, 'the impression sent');
    const [first] = await shownHere();
    assert.equal(first.c, posts[0].clientId, 'the impression carries the response id');
    await page.reload();
    await screenIs(page, id, 'What went right?');
    await page.locator(`[data-porchlight-item="${id}"] input.tx`).fill('Resumed'); await primary(page, id);
    await screenIs(page, id, 'Rate us');
    await until(() => posts.some((x) => x.answers.some((a) => a.value === 'Resumed') && x.status === 200), 'the resumed answer stored');
    assert.deepEqual(await shownHere(), [{ c: first.c, sent: true }], 'not recorded again in this browser');
    assert.equal(new Set(posts.map((x) => x.clientId)).size, 1, 'the same response after the reload');
    // The edge counted one showing.
    const e = await call('GET', '/v1/eligible?url=%2F', { token: posts.at(-1).token });
    assert.equal(e.status, 200, e.text);
    const item = e.body.surveys.find((s) => s.id === id);
    assert.equal(item.history.shown, 1);
    assert.deepEqual(item.response.answers, { nps: 9, high: 'Resumed' });
    assert.equal(item.response.clientId, first.c);
    const r = await stored(ws, id);
    assert.deepEqual(r.responses, { total: 1, complete: 0, partial: 1 });
  } finally {
    await close();
  }
});

test('a second tab opened after the first answered question 1 resumes at question 2; finishing there completes one response, every answer once', async () => {
  const { ws, id, url, context, page, errors, close, posts } = await visit(BRANCHED, { content: { format: 'small' } });
  try {
    await page.goto(url);
    await screenIs(page, id, 'Recommend us?');
    await rate(page, id, 9); await primary(page, id);
    await screenIs(page, id, 'What went right?');
    await until(() => posts.some((x) => x.status === 200), 'the first answer stored');
    // A tab opened now: the open response resumes where it stopped, not at question 1.
    const other = await context.newPage();
    const otherErrors = watchErrors(other);
    const posts2 = watchAnswers(other);
    await other.goto(url);
    const s = await screenIs(other, id, 'What went right?');
    assert.deepEqual(s.buttons, ['Back', 'Next']);
    await other.locator(`[data-porchlight-item="${id}"] input.tx`).fill('Second tab'); await primary(other, id);
    await screenIs(other, id, 'Rate us');
    await rate(other, id, 5); await primary(other, id);
    await screenIs(other, id, 'Thank you!');
    await until(() => posts2.some((x) => x.complete && x.status === 200), 'complete');
    // One response id across both tabs; the first tab hears it and closes the survey.
    assert.equal(new Set([...posts, ...posts2].map((x) => x.clientId)).size, 1, 'one response');
    await screenIs(page, id, null);
    const r = await stored(ws, id);
    assert.deepEqual(r.responses, { total: 1, complete: 1, partial: 0 });
    assert.deepEqual(r.answers, { nps: 9, high: 'Second tab', last: 5 });
    for (const q of Object.values(r.questions)) assert.ok(q.answered <= 1, `${q.id} answered once`);
    assert.deepEqual(errors, []);
    assert.deepEqual(otherErrors, []);
  } finally {
    await close();
  }
});

test('the five-face emoji rating: five named faces, answered with the mouse and with the keyboard', async () => {
  const FACES = ['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy'];
  const { ws, id, url, page, errors, close, posts } = await visit([
    { id: 'mouse', type: 'emoji_rating', prompt: 'How was setup?', required: true, count: 5 },
    { id: 'keys', type: 'emoji_rating', prompt: 'How are the reports?', required: true },
  ], { content: { format: 'large' } });
  const faces = () => page.evaluate((s) => [...document.querySelector(s).shadowRoot.querySelectorAll('dialog.sv[open] label.c input')]
    .map((i) => ({ value: i.value, type: i.type, name: i.getAttribute('aria-label'), checked: i.checked })), `[data-porchlight-item="${id}"]`);
  try {
    await page.goto(url);
    await screenIs(page, id, 'How was setup?');
    assert.deepEqual((await faces()).map((f) => [f.value, f.type, f.name]), FACES.map((n, i) => [String(i + 1), 'radio', n]));
    // The mouse: the fifth face.
    await rate(page, id, 5);
    assert.deepEqual((await faces()).filter((f) => f.checked).map((f) => f.value), ['5']);
    await primary(page, id);
    // The keyboard: focus is on the first face; Space picks it, three arrows on: the fourth.
    await screenIs(page, id, 'How are the reports?');
    assert.equal((await faces()).length, 5, 'five faces by default');
    const f = await focused(page);
    assert.equal(f.tag, 'input');
    assert.equal(f.label, 'Very unhappy');
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.equal((await focused(page)).label, 'Happy');
    assert.deepEqual((await faces()).filter((x) => x.checked).map((x) => x.value), ['4']);
    // One tab stop: Tab leaves the faces at once (for Back, then Submit).
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).tag, 'button', `one Tab leaves the group: ${JSON.stringify(await focused(page))}`);
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).label, 'Happy', 'back on the picked face');
    await keyNext(page);
    await screenIs(page, id, 'Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'the complete response stored');
    const r = await stored(ws, id);
    assert.deepEqual(r.answers, { mouse: 5, keys: 4 });
    assert.deepEqual(r.questions.keys.distribution, { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 }, 'counted over five faces');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
