// The checklist editor's Tasks form: a site owner writes three tasks — one whose button starts a
// tour of the workspace (chosen by name), one that opens a page and is done by an event, one done
// by an attribute — with controls only; a javascript: address is refused beside its field and
// nothing is saved; tasks move and go; what is saved is read back from the admin API and is what
// a visitor's checklist is served. Keyboard reachable, axe clean in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, createWorkspace } from '../lib/harness.mjs';
import { signIn, screenTitle, checkScreen, errorBeside } from '../lib/console.mjs';

const focusedLabel = (page) => page.evaluate(() => document.activeElement?.labels?.[0]?.textContent);

test('a checklist written with the Tasks form: a tour to start, a page to open, done by an event or an attribute; a javascript: address refused beside it', async () => {
  const ws = await createWorkspace();
  const tour = await call('POST', '/admin/v1/tours', { token: ws.key, body: { name: 'Welcome tour', content: { steps: [{ kind: 'post', title: 'Hi', body: 'A look around.' }] } } });
  assert.equal(tour.status, 201, tour.text);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, '#/checklists/new');
    await screenTitle(page).filter({ hasText: 'New checklist' }).waitFor();
    await page.getByLabel('Name').first().fill('Getting started');
    await page.getByRole('textbox', { name: 'Title (required)' }).fill('Get set up');
    const form = page.getByRole('region', { name: 'Tasks' });
    const task = (n) => form.getByRole('group', { name: `Task ${n}` });

    // A new checklist starts with one task the visitor ticks; its button starts the tour.
    assert.equal(await task(1).getByLabel('Id').inputValue(), 'profile');
    assert.equal(await task(1).getByLabel('Done').inputValue(), 'manual');
    await task(1).getByLabel('Its button').selectOption('start_tour');
    assert.equal(await focusedLabel(page), 'Its button', 'focus stays after the task is redrawn');
    assert.equal(await task(1).getByLabel('Tour').inputValue(), tour.body.id, 'the workspace\'s tour, by name');
    assert.match(await task(1).getByLabel('Tour').locator('option:checked').textContent(), /Welcome tour/);

    // Keyboard: "Add task" with Enter; focus lands on the new task's id.
    await form.getByRole('button', { name: 'Add task' }).focus();
    await page.keyboard.press('Enter');
    await task(2).waitFor();
    assert.equal(await focusedLabel(page), 'Id');
    await page.keyboard.press('End');
    await page.keyboard.type('-docs');
    await task(2).getByLabel('Title').fill('Read the guide');
    await task(2).getByLabel('Its button').selectOption('open_url');
    const url = task(2).getByLabel('Page address');
    await url.fill('javascript:alert(1)');
    await task(2).getByLabel('Done').selectOption('event');
    await task(2).getByLabel('Event name').fill('guide_read');
    await form.getByRole('button', { name: 'Add task' }).click();
    await task(3).getByLabel('Title').fill('Invite a teammate');
    await task(3).getByLabel('Done').selectOption('attribute');
    await task(3).getByLabel('Attribute').fill('invited');

    await page.getByRole('button', { name: 'Create checklist' }).click();
    assert.match(await errorBeside(url), /http\(s\) URL/);
    assert.equal(await focusedLabel(page), 'Page address');
    assert.equal((await call('GET', '/admin/v1/checklists', { token: ws.key })).body.checklists.length, 0, 'nothing saved');
    await checkScreen(page, 'checklist-tasks-error');
    await url.fill('https://example.com/guide');
    await page.getByRole('button', { name: 'Create checklist' }).click();
    await page.waitForURL(/#\/checklists\/[a-z]+_/);
    const id = decodeURIComponent(page.url().split('/').pop());
    const saved = async () => (await call('GET', `/admin/v1/checklists/${id}`, { token: ws.key })).body.content;
    let c = await saved();
    assert.equal(c.title, 'Get set up');
    assert.deepEqual(c.tasks.map((t) => [t.id, t.title, t.action, t.completion]), [
      ['profile', 'Complete your profile', { type: 'start_tour', tourId: tour.body.id }, { type: 'manual' }],
      ['task2-docs', 'Read the guide', { type: 'open_url', url: 'https://example.com/guide' }, { type: 'event', name: 'guide_read' }],
      ['task3', 'Invite a teammate', undefined, { type: 'attribute', key: 'invited' }],
    ]);

    // Reopened: the last task moves to the top, the guide goes.
    await screenTitle(page).filter({ hasText: 'Getting started' }).waitFor();
    await task(3).getByRole('button', { name: 'Move up, task 3' }).click();
    await task(2).getByRole('button', { name: 'Move up, task 2' }).click();
    assert.equal(await task(1).getByLabel('Id').inputValue(), 'task3');
    await task(3).getByRole('button', { name: 'Remove task 3' }).click();
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/admin/v1/checklists/${id}`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.equal((await patched).status(), 200);
    c = await saved();
    assert.deepEqual(c.tasks.map((t) => t.id), ['task3', 'profile']);

    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await task(2).waitFor();
    await checkScreen(page, 'checklist-tasks');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});
