// The survey editor's Questions form: a site owner writes a large survey (an NPS question that
// branches, a multiple choice, a long text) with an intro screen, controls only; the edge's
// errors (options not distinct, a branch value off the scale) sit beside the control they point
// at and nothing is saved while one stands; a renamed question keeps the branches that go to
// it; a moved question is saved in its new place. What is saved is read back from the admin
// API. Keyboard reachable, axe clean in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, createWorkspace } from '../lib/harness.mjs';
import { signIn, screenTitle, checkScreen, errorBeside } from '../lib/console.mjs';

const focusedLabel = (page) => page.evaluate(() => document.activeElement?.labels?.[0]?.textContent);

test('a survey written with the Questions form: types, options, branches and screens; errors beside their control; renames and moves kept', async () => {
  const ws = await createWorkspace();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, '#/surveys/new');
    await screenTitle(page).filter({ hasText: 'New survey' }).waitFor();
    await page.getByLabel('Name').fill('Feedback');
    const form = page.getByRole('region', { name: 'Questions' });
    const question = (n) => form.getByRole('group', { name: `Question ${n}`, exact: true });

    // A new survey starts with one required NPS question.
    assert.equal(await question(1).getByLabel('Type').inputValue(), 'nps');
    assert.equal(await question(1).getByLabel('Required').isChecked(), true);
    await form.getByLabel('Format').selectOption('large');
    const intro = form.getByRole('group', { name: 'Intro screen (optional)' });
    await intro.getByLabel('Title').fill('Two minutes');
    await intro.getByLabel('Button label').fill('Start');

    // Keyboard: "Add question" with Enter; focus lands on the new question's type.
    await form.getByRole('button', { name: 'Add question' }).focus();
    await page.keyboard.press('Enter');
    await question(2).waitFor();
    assert.equal(await focusedLabel(page), 'Type');
    await question(2).getByLabel('Type').selectOption('multiple_choice');
    assert.equal(await focusedLabel(page), 'Type', 'focus stays on the type after the question is redrawn');
    await question(2).getByLabel('Id').fill('why');
    await question(2).getByLabel('Question', { exact: true }).fill('What should we improve?');
    const options = question(2).getByLabel('Options, one per line');
    await options.fill('Speed\nPrice\nSpeed');
    await question(2).getByLabel('Several answers may be picked').check();
    await form.getByRole('button', { name: 'Add question' }).click();
    await question(3).getByLabel('Type').selectOption('long_text');
    await question(3).getByLabel('Id').fill('more');
    await question(3).getByLabel('Question', { exact: true }).fill('Anything else?');
    await question(3).getByLabel('Placeholder').fill('Tell us');

    // Branches on the NPS answer: promoters (more than 8) end the survey; less than 7 goes to
    // "why". First a value off the scale.
    await question(1).getByRole('button', { name: 'Add branch' }).click();
    const b1 = question(1).getByRole('group', { name: 'Branch 1 of question 1' });
    await b1.getByLabel('If the answer').selectOption('gt');
    await b1.getByLabel('Value').fill('11');
    await b1.getByLabel('Go to').selectOption('end');
    await question(1).getByRole('button', { name: 'Add branch' }).click();
    const b2 = question(1).getByRole('group', { name: 'Branch 2 of question 1' });
    await b2.getByLabel('If the answer').selectOption('lt');
    await b2.getByLabel('Value').fill('7');
    await b2.getByLabel('Go to').selectOption('why');

    // The options' error first (questions are checked before their branches), then the branch's.
    await page.getByRole('button', { name: 'Create survey' }).click();
    assert.match(await errorBeside(options), /distinct/);
    assert.equal(await focusedLabel(page), 'Options, one per line');
    await checkScreen(page, 'survey-questions-error');
    await options.fill('Speed\nPrice\nDocs');
    await page.getByRole('button', { name: 'Create survey' }).click();
    assert.match(await errorBeside(b1.getByLabel('Value')), /0 to 10/);
    assert.equal((await call('GET', '/admin/v1/surveys', { token: ws.key })).body.surveys.length, 0, 'nothing saved');
    await b1.getByLabel('Value').fill('8');
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.waitForURL(/#\/surveys\/[a-z]+_/);
    const id = decodeURIComponent(page.url().split('/').pop());
    const saved = async () => (await call('GET', `/admin/v1/surveys/${id}`, { token: ws.key })).body.content;
    let c = await saved();
    assert.equal(c.format, 'large');
    assert.deepEqual(c.intro, { title: 'Two minutes', buttonLabel: 'Start' });
    assert.deepEqual(c.questions.map((q) => q.id), ['nps', 'why', 'more']);
    assert.deepEqual(c.questions[0].branches, [{ when: { op: 'gt', value: 8 }, to: 'end' }, { when: { op: 'lt', value: 7 }, to: 'why' }]);
    assert.deepEqual([c.questions[1].type, c.questions[1].options, c.questions[1].multiple], ['multiple_choice', ['Speed', 'Price', 'Docs'], true]);
    assert.deepEqual([c.questions[2].type, c.questions[2].placeholder], ['long_text', 'Tell us']);

    // Reopened: rename "why" (the branch to it follows) and move "more" above it.
    await screenTitle(page).filter({ hasText: 'Feedback' }).waitFor();
    await question(2).getByLabel('Id').fill('improve');
    assert.equal(await question(1).getByRole('group', { name: 'Branch 2 of question 1' }).getByLabel('Go to').inputValue(), 'improve');
    await question(3).getByRole('button', { name: 'Move up, question 3' }).click();
    assert.equal(await question(2).getByLabel('Id').inputValue(), 'more');
    assert.equal(await focusedLabel(page), 'Type');
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/admin/v1/surveys/${id}`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.equal((await patched).status(), 200);
    c = await saved();
    assert.deepEqual(c.questions.map((q) => q.id), ['nps', 'more', 'improve']);
    assert.equal(c.questions[0].branches[1].to, 'improve');

    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await question(3).waitFor();
    await checkScreen(page, 'survey-questions');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});
