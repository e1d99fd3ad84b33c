// Languages in the console (issue 15, the site owner's side): the workspace's default language
// is picked in Settings and reaches the admin API and a visitor whose browser speaks none of the
// widget's languages; an article and a banner are translated in their editors (a language
// picked, the translated text beside the default one) and served to a visitor in that
// language; a translation the edge refuses gets its error beside the field, nothing saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, boot, createWorkspace } from '../lib/harness.mjs';
import { article } from '../lib/help.mjs';
import { hostPage, open, until } from '../lib/engage.mjs';
import { signIn, screenTitle, checkScreen, errorBeside } from '../lib/console.mjs';

test('the default language picked in Settings reaches the admin API and a visitor whose languages the widget does not speak', async () => {
  const ws = await createWorkspace();
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, '#/settings');
    await screenTitle(page).filter({ hasText: 'Settings' }).waitFor();
    const form = page.getByRole('region', { name: 'Language' });
    const select = form.getByLabel('Default language');
    assert.equal(await select.inputValue(), 'en');
    assert.deepEqual(await select.locator('option').evaluateAll((os) => os.map((o) => o.value)), ['en', 'es', 'fr', 'de', 'pt', 'ja', 'ar']);
    // Keyboard only: the select, then its form's Save button.
    await select.selectOption('fr');
    await select.press('Tab');
    await page.keyboard.press('Enter');
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const after = (await call('GET', '/admin/v1/workspace', { token: ws.key })).body;
    assert.equal(after.messenger.defaultLanguage, 'fr');
    assert.equal(after.messenger.launcherPosition, 'right', 'the rest of the messenger settings kept');
    await checkScreen(page, 'settings-language');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
  // A visitor whose browser speaks Swedish only: the widget speaks the workspace's French.
  const visitor = await open({ locale: 'sv-SE' });
  try {
    await visitor.page.goto(hostPage(ws.id, { name: 'sv' }));
    const launcher = await until(() => visitor.page.evaluate(() => {
      const l = document.querySelector('#porchlight-root:not([data-early])')?.shadowRoot?.querySelector('button.l');
      return l && { label: l.getAttribute('aria-label'), lang: l.getRootNode().host.getAttribute('lang') };
    }), 'the launcher', 20000);
    assert.deepEqual(launcher, { label: 'Ouvrir la messagerie', lang: 'fr' });
    assert.deepEqual(visitor.errors, []);
  } finally {
    await visitor.close();
  }
});

test('an article and a banner translated in the console are served in the visitor\'s language; a refused translation gets its error beside the field', async () => {
  const ws = await createWorkspace();
  const exp = await article(ws, { title: 'Export a report', body: 'Open the report and click Export.' });
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, `#/articles/${exp.id}`);
    await screenTitle(page).filter({ hasText: 'Export a report' }).waitFor();
    const tr = page.getByRole('region', { name: 'Translations' });
    await tr.getByLabel('Language').selectOption('fr');
    const fields = tr.getByRole('group', { name: 'In French' });
    const title = fields.getByLabel('Title');
    // The default text stands beside the field.
    assert.match(await page.locator(`[id="${(await title.getAttribute('aria-describedby')).split(' ')[0]}"]`).textContent(), /English: Export a report/);

    // Too long: the edge refuses it at /translations/fr/title, shown beside the French title; nothing saved.
    await title.fill('x'.repeat(201));
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.match(await errorBeside(title), /1-200 characters|200/);
    assert.deepEqual((await call('GET', `/admin/v1/articles/${exp.id}`, { token: ws.key })).body.translations, {});

    await title.fill('Exporter un rapport');
    assert.equal(await title.getAttribute('aria-invalid'), null, 'typing clears the error');
    await fields.getByLabel('Body').fill('Ouvrez le rapport et cliquez sur <b>Exporter</b>.');
    assert.deepEqual(JSON.parse(await page.getByLabel('Translations (JSON)').inputValue()),
      { fr: { title: 'Exporter un rapport', body: 'Ouvrez le rapport et cliquez sur <b>Exporter</b>.' } });
    await checkScreen(page, 'article-translation');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/admin/v1/articles/${exp.id}`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.equal((await saved).status(), 200);
    // Reopened: French picked (it has a translation), the fields filled.
    await page.getByRole('region', { name: 'Translations' }).getByRole('group', { name: 'In French' }).getByLabel('Title').waitFor();
    assert.equal(await page.getByRole('region', { name: 'Translations' }).getByLabel('Title').inputValue(), 'Exporter un rapport');

    const read = async (locale) => (await call('GET', `/v1/articles/${exp.id}`, { token: (await boot(ws.id, { locale })).body.sessionToken })).body;
    assert.equal((await read('fr-CA')).title, 'Exporter un rapport');
    assert.equal((await read('fr')).body, 'Ouvrez le rapport et cliquez sur <b>Exporter</b>.');
    assert.equal((await read('de')).title, 'Export a report', 'another language: the default text');

    // A banner: its body translated into Arabic beside the English one.
    await page.goto(`${page.url().split('#')[0]}#/outbound/new`);
    await screenTitle(page).filter({ hasText: 'New outbound message' }).waitFor();
    await page.getByLabel('Name').fill('Reports banner');
    await page.getByLabel('Body (required)', { exact: true }).fill('New: reports');
    const btr = page.getByRole('region', { name: 'Translations' });
    await btr.getByLabel('Language').selectOption('ar');
    await btr.getByRole('group', { name: 'In Arabic' }).getByLabel('Body').fill('جديد: التقارير');
    await page.getByRole('button', { name: 'Create outbound message' }).click();
    await page.waitForURL(/#\/outbound\/out_/);
    const id = decodeURIComponent(page.url().split('/').pop());
    const banner = (await call('GET', `/admin/v1/outbound/${id}`, { token: ws.key })).body;
    assert.deepEqual(banner.content.translations, { ar: { body: 'جديد: التقارير' } });
    assert.equal(banner.content.body, 'New: reports');
    assert.equal((await call('POST', `/admin/v1/outbound/${id}/activate`, { token: ws.key })).status, 200);
    const eligible = async (locale) => {
      const token = (await boot(ws.id, { locale })).body.sessionToken;
      const r = await call('GET', '/v1/eligible?url=%2Fapp', { token });
      return r.body.outbound?.find((o) => o.id === id)?.content.body;
    };
    assert.equal(await eligible('ar-EG'), 'جديد: التقارير');
    assert.equal(await eligible('en'), 'New: reports');
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await close();
  }
});

test('a survey\'s question and its options translated in the console: options one by one, written as the whole list; a missing one is refused beside it', async () => {
  const ws = await createWorkspace();
  const questions = [{ id: 'role', type: 'multiple_choice', prompt: 'Your role', required: true, options: ['Developer', 'Manager'] }];
  const s = await call('POST', '/admin/v1/surveys', { token: ws.key, body: { name: 'Roles', content: { questions } } });
  assert.equal(s.status, 201, s.text);
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    await signIn(page, ws.key, `#/surveys/${s.body.id}`);
    await screenTitle(page).filter({ hasText: 'Roles' }).waitFor();
    const tr = page.getByRole('region', { name: 'Translations' });
    await tr.getByLabel('Language').selectOption('de');
    const de = tr.getByRole('group', { name: 'In German' });
    await de.getByLabel('Question 1: Prompt').fill('Ihre Rolle');
    await de.getByLabel('Question 1: Option 1').fill('Entwickler');
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.match(await errorBeside(de.getByLabel('Question 1: Option 2')), /1-200 characters/);
    assert.equal((await call('GET', `/admin/v1/surveys/${s.body.id}`, { token: ws.key })).body.content.translations, undefined, 'nothing saved');
    await de.getByLabel('Question 1: Option 2').fill('Leitung');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/admin/v1/surveys/${s.body.id}`));
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.equal((await saved).status(), 200);
    const content = (await call('GET', `/admin/v1/surveys/${s.body.id}`, { token: ws.key })).body.content;
    assert.deepEqual(content.translations, { de: { questions: [{ prompt: 'Ihre Rolle', options: ['Entwickler', 'Leitung'] }] } });
    assert.deepEqual(content.questions[0].options, ['Developer', 'Manager'], 'the options themselves unchanged');
    await page.getByRole('region', { name: 'Translations' }).getByLabel('Question 1: Option 2').waitFor();
    await checkScreen(page, 'survey-translation');
  } finally {
    await close();
  }
});
