// A site owner authors content in the console: a banner with an audience, activated, shows on
// the demo page in another tab; the API's errors sit beside the field they point at; a draft
// survives a reload; duplicate, pause and archive; hostile names stay text; a survey answered in
// the widget on the demo page changes the console's counts and charts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { BASE, call, boot, createWorkspace } from '../lib/harness.mjs';
import { signIn, nav, screenTitle, checkScreen, markedInvalid } from '../lib/console.mjs';
import { until } from '../lib/engage.mjs';
import { choose, primary, rate, screenIs, watchAnswers } from '../lib/surveys.mjs';

const creds = JSON.parse(readFileSync(join(process.env.PORCHLIGHT_PERSIST, 'demo-credentials.json'), 'utf8'));
const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

/** The error text tied to a control by aria-describedby (its visible error, not its hint). */
async function errorOf(control) {
  // The edge answers asynchronously: wait until the control is marked invalid.
  await markedInvalid(control);
  const ids = (await control.getAttribute('aria-describedby')).split(' ');
  const texts = await control.page().evaluate((list) => list.map((id) => {
    const el = document.getElementById(id);
    return el?.classList.contains('field-error') && !el.hidden ? el.textContent : null;
  }).filter(Boolean), ids);
  assert.equal(texts.length, 1, `one error tied to the control: ${JSON.stringify(texts)}`);
  return texts[0];
}

test('a banner authored in the console, with an audience, activated, shows on the demo page in another tab; archived, it goes', async () => {
  const tag = `c${Date.now().toString(36)}`;
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, creds.secretKey);
    await nav(page).getByRole('link', { name: 'Outbound messages' }).click();
    await screenTitle(page).filter({ hasText: 'Outbound messages' }).waitFor();
    await page.getByRole('link', { name: 'New outbound message' }).click();
    await screenTitle(page).filter({ hasText: 'New outbound message' }).waitFor();
    assert.match(page.url(), /#\/outbound\/new$/);

    await page.getByLabel('Type').selectOption('banner');
    await page.getByLabel('Name').fill(`${HOSTILE} Spring sale ${tag}`);
    await page.getByLabel('Priority').fill('1000');
    await page.getByLabel('Body').fill(`Spring sale: everything half price (${tag}).`);
    await page.getByLabel('Audience rule (JSON)').fill(JSON.stringify({ type: 'condition', property: { source: 'page', key: 'query.consoletest' }, operator: 'equals', value: tag }));
    await page.getByLabel('Frequency (JSON)').fill('"always"');
    await page.getByRole('button', { name: 'Create outbound message' }).click();

    // Saved: the editor of the new item, its name shown as text.
    await page.waitForURL(/#\/outbound\/out_/);
    const id = decodeURIComponent(page.url().split('/').pop());
    await screenTitle(page).filter({ hasText: `Spring sale ${tag}` }).waitFor();
    assert.equal(await screenTitle(page).textContent(), `${HOSTILE} Spring sale ${tag}`, 'the name is text, not markup');
    assert.equal(await page.locator('h1 img, h1 script').count(), 0);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('.item-bar .status-active').waitFor();

    // The demo page, in another tab of the same browser, shows it to a visitor the audience admits.
    const demo = await context.newPage();
    await demo.goto(`${BASE}/?consoletest=${tag}`);
    const banner = demo.locator(`[data-porchlight-item="${id}"]`);
    await banner.getByText(`Spring sale: everything half price (${tag}).`).waitFor({ timeout: 20000 });
    // …and not to one it does not.
    const other = await context.newPage();
    await other.goto(`${BASE}/?consoletest=someone-else`);
    await other.waitForFunction(() => window.Porchlight && document.readyState === 'complete');

    // The list shows it active; archive it there.
    await nav(page).getByRole('link', { name: 'Outbound messages' }).click();
    const row = page.getByRole('row').filter({ hasText: `Spring sale ${tag}` });
    await row.getByText('active', { exact: true }).waitFor();
    await row.getByRole('button', { name: /^Archive / }).click();
    await page.getByRole('row').filter({ hasText: `Spring sale ${tag}` }).getByText('archived', { exact: true }).waitFor();
    const stored = await call('GET', `/admin/v1/outbound/${id}`, { token: creds.secretKey });
    assert.equal(stored.body.status, 'archived');
    assert.equal(stored.body.content.body, `Spring sale: everything half price (${tag}).`);
    assert.equal(await other.locator(`[data-porchlight-item="${id}"]`).count(), 0, 'the audience left this visitor out');

    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no hostile markup ran');
    assert.ok(!page.url().includes(creds.secretKey) && !page.url().includes('psk_'), 'the key is never in the URL');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('errors sit beside their field; bad JSON is caught as you type; a draft survives a reload until discarded', async () => {
  const ws = await createWorkspace();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    await signIn(page, ws.key, '#/surveys/new');
    await screenTitle(page).filter({ hasText: 'New survey' }).waitFor();
    const name = page.getByLabel('Name');
    const audience = page.getByLabel('Audience rule (JSON)');

    // An empty name: the edge refuses it (path /name) and the message sits at the Name field.
    await page.getByRole('button', { name: 'Create survey' }).click();
    assert.match(await errorOf(name), /1-100 characters/);
    assert.ok(await name.evaluate((el) => el === document.activeElement), 'focus goes to the field');

    // A JSON syntax error, caught before anything is sent.
    await name.fill('Onboarding NPS');
    await audience.fill('{"type": "condition",');
    assert.match(await errorOf(audience), /^Not valid JSON/);
    assert.equal(await name.getAttribute('aria-invalid'), null, 'typing in a field clears its error');

    // An error deep inside a JSON editor: beside that editor, with the path.
    await audience.fill(JSON.stringify({ type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'bogus', value: 'pro' }));
    await page.getByRole('button', { name: 'Create survey' }).click();
    assert.match(await errorOf(audience), /unknown operator "bogus" \(at \/audience\/operator\)/);
    assert.equal((await call('GET', '/admin/v1/surveys', { token: ws.key })).body.surveys.length, 0, 'nothing was created');

    // The draft (name and audience as typed) survives a reload; "Discard draft" restores the saved state.
    await page.reload();
    await screenTitle(page).filter({ hasText: 'New survey' }).waitFor();
    assert.equal(await name.inputValue(), 'Onboarding NPS');
    assert.match(await audience.inputValue(), /bogus/);
    await page.getByRole('button', { name: 'Discard draft' }).click();
    assert.equal(await name.inputValue(), '');
    assert.equal(await audience.inputValue(), 'null');
    await page.reload();
    await screenTitle(page).filter({ hasText: 'New survey' }).waitFor();
    assert.equal(await name.inputValue(), '', 'a discarded draft stays discarded');
    assert.equal(await page.getByRole('button', { name: 'Discard draft' }).count(), 0);

    // A valid survey saves; a bad branch typed in the content editor is pointed at in the
    // Questions form above it (questions.mjs), beside the branch's target.
    await name.fill('Onboarding NPS');
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.waitForURL(/#\/surveys\/srv_/);
    await screenTitle(page).filter({ hasText: 'Onboarding NPS' }).waitFor();
    const content = page.getByLabel('Questions, branching and texts (JSON)');
    const survey = JSON.parse(await content.inputValue());
    survey.questions[0].branches = [{ when: { op: 'gt', value: 8 }, to: 'nowhere' }];
    await content.fill(JSON.stringify(survey, null, 2));
    await page.getByRole('button', { name: 'Save changes' }).click();
    const to = page.getByRole('group', { name: 'Branch 1 of question 1' }).getByLabel('Go to');
    assert.match(await errorOf(to), /later question/);
    assert.equal(await to.inputValue(), 'nowhere', 'the target typed is kept, named as not a later question');
  } finally {
    await close();
  }
});

test('duplicate, activate, pause and archive from the editor and the list', async () => {
  const ws = await createWorkspace();
  const made = await call('POST', '/admin/v1/tours', { token: ws.key, body: { name: 'Welcome tour', content: { steps: [{ kind: 'post', title: 'Hi', body: 'A look around.' }] } } });
  assert.equal(made.status, 201, made.text);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, `#/tours/${made.body.id}`);
    await screenTitle(page).filter({ hasText: 'Welcome tour' }).waitFor();
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await screenTitle(page).filter({ hasText: 'Copy of Welcome tour' }).waitFor();
    const copyId = decodeURIComponent(page.url().split('/').pop());
    assert.notEqual(copyId, made.body.id);
    const copy = (await call('GET', `/admin/v1/tours/${copyId}`, { token: ws.key })).body;
    assert.equal(copy.status, 'draft');
    assert.deepEqual(copy.content.steps.map((s) => s.body), ['A look around.'], 'the copy has the same steps');

    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('.item-bar .status-active').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.item-bar .status-paused').waitFor();
    assert.equal((await call('GET', `/admin/v1/tours/${copyId}`, { token: ws.key })).body.status, 'paused');

    // From the list: duplicate and archive by row; an archived item offers no activation.
    await nav(page).getByRole('link', { name: 'Tours' }).click();
    const rows = page.getByRole('row');
    await rows.filter({ hasText: 'Copy of Welcome tour' }).getByText('paused').waitFor();
    await rows.filter({ hasText: /^Welcome tour/ }).getByRole('button', { name: 'Duplicate Welcome tour' }).click();
    await page.getByRole('status').filter({ hasText: 'Duplicated Welcome tour.' }).waitFor();
    await rows.filter({ hasText: 'Copy of Welcome tour' }).nth(1).waitFor();
    assert.equal(await rows.filter({ hasText: 'Copy of Welcome tour' }).count(), 2);
    await rows.filter({ hasText: /^Welcome tour/ }).getByRole('button', { name: 'Archive Welcome tour' }).click();
    await rows.filter({ hasText: /^Welcome tour/ }).getByText('archived').waitFor();
    assert.equal(await rows.filter({ hasText: /^Welcome tour/ }).getByRole('button', { name: /^Activate/ }).count(), 0, 'an archived item offers no activation');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('survey results: a visitor answers, the console’s counts, NPS and charts change; text answers stay text; filtered by date', async () => {
  const ws = await createWorkspace();
  const made = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Product NPS', frequency: 'always', content: { questions: [
    { id: 'nps', type: 'nps', prompt: 'How likely are you to recommend us?', required: true },
    { id: 'features', type: 'multiple_choice', prompt: 'What do you use?', options: ['Reports', 'Chat'], multiple: true },
    { id: 'why', type: 'long_text', prompt: 'Why?' },
  ] } } });
  assert.equal(made.status, 201, made.text);
  assert.equal((await call('POST', `/admin/v1/surveys/${made.body.id}/activate`, { token: ws.key })).status, 200);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, `#/surveys/${made.body.id}`);
    await page.getByRole('link', { name: 'Results' }).click();
    await screenTitle(page).filter({ hasText: 'Results: Product NPS' }).waitFor();
    await page.getByText('0 responses: 0 complete, 0 partial.').waitFor();
    const chart = (prompt) => page.getByRole('table', { name: `Answers to “${prompt}”` });
    const answers = (prompt, value) => chart(prompt).getByRole('row').filter({ has: page.getByRole('rowheader', { name: value, exact: true }) }).getByRole('cell').first();
    assert.equal(await answers('How likely are you to recommend us?', '9').textContent(), '0');

    // A visitor answers (the widget's call).
    const v = await boot(ws.id);
    const r = await call('POST', `/v1/surveys/${made.body.id}/responses`, { token: v.body.sessionToken, body: { complete: true, answers: [
      { questionId: 'nps', value: 9 }, { questionId: 'features', value: ['Reports'] }, { questionId: 'why', value: HOSTILE },
    ] } });
    assert.equal(r.status, 200, r.text);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('1 response: 1 complete, 0 partial.').waitFor();
    assert.equal(await answers('How likely are you to recommend us?', '9').textContent(), '1');
    assert.equal(await answers('What do you use?', 'Reports').textContent(), '1');
    assert.equal(await answers('What do you use?', 'Chat').textContent(), '0');
    assert.equal(await page.locator('.nps-score').textContent(), '100');
    await page.getByRole('region', { name: 'Why?' }).getByText(HOSTILE).waitFor();
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await checkScreen(page, 'survey-results');

    // By date: the From / To form analytics uses (the last 30 days by default, today last).
    const today = new Date().toISOString().slice(0, 10);
    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    assert.equal(await to.inputValue(), today);
    await from.fill('2020-01-01');
    await to.fill('2020-01-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('0 responses: 0 complete, 0 partial.').waitFor();
    assert.equal(await answers('How likely are you to recommend us?', '9').textContent(), '0');
    assert.equal(await answers('What do you use?', 'Reports').textContent(), '0');
    assert.equal(await page.locator('.nps-score').textContent(), '—');
    await page.getByText('Responses last answered from 2020-01-01 to 2020-01-31').waitFor();
    await checkScreen(page, 'survey-results-range');
    // A range that ends before it starts: the edge's error beside "From".
    await from.fill('2020-02-02');
    await to.press('Enter');
    await page.waitForFunction(() => document.querySelector('input[name="from"]').getAttribute('aria-invalid') === 'true');
    assert.match(await page.locator('.field-error:not([hidden])').textContent(), /on or before/);
    await checkScreen(page, 'survey-results-range-error');
    await from.fill(today);
    await to.fill(today);
    await to.press('Enter');
    await page.getByText('1 response: 1 complete, 0 partial.').waitFor();
    assert.equal(await answers('How likely are you to recommend us?', '9').textContent(), '1');
    assert.equal(await from.getAttribute('aria-invalid'), null);
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'no errors but the refused range above');
  } finally {
    await close();
  }
});

test('a survey answered in the widget on the demo page (another tab): the console\'s counts and chart change', async () => {
  const tag = `s${Date.now().toString(36)}`;
  const nps = `How likely are you to recommend Acme (${tag})?`;
  const made = await call('POST', '/admin/v1/surveys', { token: creds.secretKey, body: { name: `Demo page NPS ${tag}`, frequency: 'until_completed',
    audience: { type: 'condition', property: { source: 'page', key: 'query.surveytest' }, operator: 'equals', value: tag },
    content: { format: 'small', questions: [
      { id: 'nps', type: 'nps', prompt: nps, required: true },
      { id: 'features', type: 'multiple_choice', prompt: 'What do you use?', options: ['Reports', 'Chat'], multiple: true },
    ] } } });
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, creds.secretKey, `#/surveys/${id}`);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('.item-bar .status-active').waitFor();
    await page.getByRole('link', { name: 'Results' }).click();
    await screenTitle(page).filter({ hasText: `Results: Demo page NPS ${tag}` }).waitFor();
    await page.getByText('0 responses: 0 complete, 0 partial.').waitFor();
    const chart = (prompt) => page.getByRole('table', { name: `Answers to “${prompt}”` });
    const row = (prompt, value) => chart(prompt).getByRole('row').filter({ has: page.getByRole('rowheader', { name: value, exact: true }) });
    const count = (prompt, value) => row(prompt, value).getByRole('cell').first().textContent();
    const barWidth = (prompt, value) => row(prompt, value).locator('.bar-fill').getAttribute('width');
    assert.equal(await count(nps, '9'), '0');
    assert.equal(await barWidth(nps, '9'), '0');
    assert.equal(await count('What do you use?', 'Chat'), '0');

    // The demo page in another tab: the visitor answers in the widget, with the mouse.
    const demo = await context.newPage();
    const demoErrors = watchErrors(demo);
    const posts = watchAnswers(demo);
    await demo.goto(`${BASE}/?surveytest=${tag}`);
    await screenIs(demo, id, nps, 20000);
    await rate(demo, id, 9); await primary(demo, id);
    await screenIs(demo, id, 'What do you use?');
    await choose(demo, id, 'Chat'); await primary(demo, id);
    await screenIs(demo, id, 'Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'the complete response stored', 10000);

    // Back in the console: Refresh shows the response, the counts and the bars.
    await page.bringToFront();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('1 response: 1 complete, 0 partial.').waitFor();
    assert.equal(await count(nps, '9'), '1');
    assert.equal(await count(nps, '8'), '0');
    assert.equal(await barWidth(nps, '9'), '100', 'the bar of 9 is full');
    assert.equal(await barWidth(nps, '8'), '0');
    assert.equal(await count('What do you use?', 'Chat'), '1');
    assert.equal(await count('What do you use?', 'Reports'), '0');
    assert.equal(await barWidth('What do you use?', 'Chat'), '100');
    assert.equal(await page.locator('.nps-score').textContent(), '100');

    // Archived, so the shared demo workspace is left as it was.
    assert.equal((await call('POST', `/admin/v1/surveys/${id}/archive`, { token: creds.secretKey })).status, 200);
    assert.deepEqual(errors, []);
    assert.deepEqual(demoErrors, []);
  } finally {
    await close();
  }
});
