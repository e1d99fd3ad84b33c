// The tour editor's Steps form: a site owner writes a three-step tour (a post, a pointer on an
// element that moves on with a click, a video) with controls, no JSON typed; moves and removes
// steps; the edge's error sits beside the control its path names and nothing is saved while it
// stands; markup typed in a step stays text; what is saved is the JSON the widget is served,
// read back from the admin API. Keyboard reachable, axe clean in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, createWorkspace } from '../lib/harness.mjs';
import { signIn, screenTitle, checkScreen, errorBeside } from '../lib/console.mjs';

const focusedLabel = (page) => page.evaluate(() => document.activeElement?.labels?.[0]?.textContent);
const hostile = '<img src=x onerror="window.__pwned=1">Export';

test('a tour written with the Steps form: three kinds of step, moved and removed, an error beside its control, saved as the tour\'s JSON', async () => {
  const ws = await createWorkspace();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, '#/tours/new');
    await screenTitle(page).filter({ hasText: 'New tour' }).waitFor();
    await page.getByLabel('Name').fill('Onboarding');
    const steps = page.getByRole('region', { name: 'Steps' });
    const step = (n) => steps.getByRole('group', { name: `Step ${n}` });

    // A new tour starts with one post step, shown in the form.
    assert.equal(await step(1).getByLabel('Kind').inputValue(), 'post');
    assert.equal(await step(1).getByLabel('Title').inputValue(), 'Welcome');
    assert.equal(await step(1).getByLabel('Placement').count(), 0, 'a post is centred: no placement');

    // Keyboard: "Add step" with Enter; focus lands on the new step's kind.
    await steps.getByRole('button', { name: 'Add step' }).focus();
    await page.keyboard.press('Enter');
    await step(2).waitFor();
    assert.equal(await focusedLabel(page), 'Kind');
    await step(2).getByLabel('Title').fill(hostile);
    await step(2).getByLabel('Body').fill('Download **everything** as CSV.');
    await step(2).getByLabel('Element (CSS selector)').fill('#export');
    await step(2).getByLabel('Placement').selectOption('below');
    await step(2).getByLabel('Moves on with').selectOption('click');
    assert.equal(await focusedLabel(page), 'Moves on with', 'focus stays on the control after the step is redrawn');
    await step(2).getByLabel('Wait for the element (seconds)').fill('5');

    // A video step whose link is not on the allowlist: refused, beside the link; nothing saved.
    await steps.getByRole('button', { name: 'Add step' }).click();
    await step(3).getByLabel('Kind').selectOption('video');
    await step(3).getByLabel('Title').fill('Watch');
    await step(3).getByLabel('Body').fill('Two minutes.');
    const link = step(3).getByLabel('Video link');
    await link.fill('https://example.com/video.html');
    await page.getByRole('button', { name: 'Create tour' }).click();
    assert.match(await errorBeside(link), /YouTube, Vimeo or Loom/);
    assert.equal(await focusedLabel(page), 'Video link');
    assert.equal((await call('GET', '/admin/v1/tours', { token: ws.key })).body.tours.length, 0, 'nothing saved');
    await checkScreen(page, 'tour-steps-error');

    await link.fill('https://youtu.be/dQw4w9WgXcQ');
    await page.getByRole('button', { name: 'Create tour' }).click();
    await page.waitForURL(/#\/tours\/tur_/);
    const id = decodeURIComponent(page.url().split('/').pop());
    const saved = async () => (await call('GET', `/admin/v1/tours/${id}`, { token: ws.key })).body.content.steps;
    let s = await saved();
    assert.equal(s.length, 3);
    assert.deepEqual([s[0].kind, s[0].title], ['post', 'Welcome']);
    assert.deepEqual({ kind: s[1].kind, title: s[1].title, body: s[1].body, selector: s[1].selector, placement: s[1].placement, advance: s[1].advance, waitMs: s[1].waitMs },
      { kind: 'pointer', title: hostile, body: 'Download **everything** as CSV.', selector: '#export', placement: 'below', advance: 'click', waitMs: 5000 });
    assert.deepEqual([s[2].kind, s[2].videoUrl], ['video', 'https://youtu.be/dQw4w9WgXcQ']);

    // Reopened: the form reads what was saved; the markup typed is text in a field, never HTML.
    await screenTitle(page).filter({ hasText: 'Onboarding' }).waitFor();
    assert.equal(await step(2).getByLabel('Title').inputValue(), hostile);
    assert.equal(await step(2).getByLabel('Wait for the element (seconds)').inputValue(), '5');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    // Move the pointer step up (focus follows it), remove the video; the tour-wide settings.
    await step(2).getByRole('button', { name: 'Move up, step 2' }).click();
    assert.equal(await step(1).getByLabel('Element (CSS selector)').inputValue(), '#export');
    assert.equal(await focusedLabel(page), 'Kind');
    await step(3).getByRole('button', { name: 'Remove step 3' }).click();
    assert.equal(await step(3).count(), 0);
    const tour = steps.getByRole('group', { name: 'The whole tour' });
    await tour.getByLabel('When a step’s element never appears').selectOption('skip');
    await tour.getByLabel('“Remind me later” hides it for (hours)').fill('48');
    await tour.getByLabel('Show progress (“2 of 5”)').uncheck();
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/admin/v1/tours/${id}`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.equal((await patched).status(), 200);
    const content = (await call('GET', `/admin/v1/tours/${id}`, { token: ws.key })).body.content;
    assert.deepEqual(content.steps.map((x) => x.kind), ['pointer', 'post']);
    assert.deepEqual([content.missingTarget, content.snoozeHours, content.showProgress], ['skip', 48, false]);

    // The JSON below is the same tour: a title typed there shows in the form. (Once the saved
    // tour is drawn again: the console focuses its title.)
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await page.getByText('Unsaved changes from earlier').waitFor({ state: 'detached' });
    const json = page.getByLabel('Steps and settings (JSON)');
    const v = JSON.parse(await json.inputValue());
    v.steps[1].title = 'Hello again';
    await json.fill(JSON.stringify(v, null, 2));
    assert.equal(await step(2).getByLabel('Title').inputValue(), 'Hello again');
    // A shape the form does not show (a key it does not know): the form says so, the JSON stays.
    v.steps[1].colour = 'red';
    await json.fill(JSON.stringify(v, null, 2));
    await steps.getByText('edit it as JSON below').waitFor();
    assert.equal(await step(1).count(), 0);

    await json.fill(JSON.stringify({ ...v, steps: v.steps.map(({ colour, ...x }) => x) }, null, 2));
    await step(2).waitFor();
    await checkScreen(page, 'tour-steps');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});
