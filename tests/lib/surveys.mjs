// The survey tests' kit (on top of tests/lib/engage.mjs): authoring a survey, the answers the
// page sends, what the edge stored (the admin results), and the screen on show.
import assert from 'node:assert/strict';
import { call } from './harness.mjs';
import { author, hostPage, open, sel, tabTo, until, workspace } from './engage.mjs';

/** Authors and activates a survey of `questions`; `content` adds to its content. Shown at once
 * (no trigger) unless `extra` says otherwise. */
const survey = (ws, questions, { content = {}, ...extra } = {}) =>
  author(ws, 'surveys', { name: 'survey', content: { questions, ...content }, frequency: 'until_completed', ...extra });

/** Before the loader: the page events it records in `window.__ev`. */
const EVENTS = `<script>window.Porchlight=function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};window.__ev=[];
  Porchlight('on','surveyCompleted',function(e){__ev.push({completed:e.id,answers:e.answers})});
  Porchlight('on','contentDismissed',function(e){__ev.push({dismissed:e.id,kind:e.kind})});
  Porchlight('on','contentShown',function(e){__ev.push({shown:e.id,kind:e.kind})});</script>`;

const RESPONSES = /^\/v1\/surveys\/([^/]+)\/responses$/;
/** Every `POST /v1/surveys/{id}/responses` of `page`: `{id, answers, complete, token, status}` (-1: no answer). */
function watchAnswers(page) {
  const sent = [];
  const by = new Map();
  page.on('request', (r) => {
    const m = r.method() === 'POST' && new URL(r.url()).pathname.match(RESPONSES);
    if (!m) return;
    const x = { id: decodeURIComponent(m[1]), ...JSON.parse(r.postData()), token: r.headers().authorization?.slice(7), status: 0 };
    sent.push(x);
    by.set(r, x);
  });
  page.on('response', (r) => { const x = by.get(r.request()); if (x) x.status = r.status(); });
  page.on('requestfailed', (r) => { const x = by.get(r); if (x) x.status = -1; });
  return sent;
}

/**
 * A fresh visitor and a new workspace with one survey (`questions`, `options` as `survey`):
 * `{ws, id, url, context, page, errors, imps, posts, close}`, `url` its host page (`head`
 * before the tag), `posts` the answers the page sends. Not there yet: `page.goto(url)`.
 */
async function visit(questions, options = {}, { head = '', appearance, browser } = {}) {
  const ws = await workspace(appearance);
  const id = await survey(ws, questions, options);
  const o = await open(browser);
  return { ...o, ws, id, url: hostPage(ws.id, { head }), posts: watchAnswers(o.page) };
}

/** The edge's results of survey `id` (admin API). */
async function results(ws, id) {
  const r = await call('GET', `/admin/v1/surveys/${id}/results`, { token: ws.key });
  assert.equal(r.status, 200, r.text);
  return r.body;
}
/** Per question id: how many responses answered it (and the distribution / recent answers). */
const byQuestion = (res) => Object.fromEntries(res.questions.map((q) => [q.id, q]));

/** The screen of survey `id` on show (its open dialog), or null. */
const screen = (page, id) => page.evaluate((s) => {
  const root = document.querySelector(s)?.shadowRoot;
  const d = root?.querySelector('dialog.sv[open]');
  if (!d || !d.checkVisibility()) return null;
  const f = d.querySelector('#pl-sv-f');
  const er = d.querySelector('.er');
  return {
    title: d.querySelector('.pt')?.textContent ?? null,
    modal: d.matches(':modal'), large: d.classList.contains('lg'), dir: getComputedStyle(d).direction,
    progress: d.querySelector('progress') ? { value: d.querySelector('progress').value, max: d.querySelector('progress').max } : null,
    field: f ? { tag: f.tagName.toLowerCase(), role: f.getAttribute('role'), describedby: f.getAttribute('aria-describedby') ?? '', invalid: f.getAttribute('aria-invalid') } : null,
    error: er && !er.hidden ? er.textContent : null,
    buttons: [...d.querySelectorAll('.ft button')].map((b) => b.textContent),
    live: root.querySelector('.vh[role=status]')?.textContent ?? null,
  };
}, sel(id));
/** Waits for the screen titled `title` (null: no survey on show). */
const screenIs = (page, id, title, timeout = 15000) => until(async () => {
  const s = await screen(page, id);
  return title === null ? !s : s?.title === title && s;
}, `survey screen ${JSON.stringify(title)} of ${id}`, timeout);

const inSurvey = (page, id, css) => page.locator(`${sel(id)} dialog.sv[open] ${css}`);
/** Next / Submit / Start / Close: the form's button. */
const primary = (page, id) => inSurvey(page, id, '.ft .pri').click();
const back = (page, id) => inSurvey(page, id, '[data-a=back]').click();
/** Picks rating `n` with the mouse. */
const rate = (page, id, n) => inSurvey(page, id, `label.c:has(input[value="${n}"])`).click();
/** Picks (or unpicks) the option `text` with the mouse. */
const choose = (page, id, text) => inSurvey(page, id, `label.o:has(span:text-is("${text}"))`).click();

/** Tabs to the form's primary button and presses Enter: the keyboard's Next. */
async function keyNext(page) {
  const f = await tabTo(page, (x) => x.cls.includes('pri'), 30);
  assert.ok(f, 'Tab reaches Next');
  await page.keyboard.press('Enter');
}

export { EVENTS, back, byQuestion, choose, inSurvey, keyNext, primary, rate, results, screen, screenIs, survey, visit, watchAnswers };
