// Authored content in the visitor's language (issue 15 item 5), as a visitor meets it: the
// browser's language reaches the edge at boot (the loader's `locale`), the edge serves each
// text in it where translated, the default text elsewhere; a survey shows translated option
// labels and stores the options themselves, so results count choices across languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { author, hostPage, onPath, open, outbound, sel, shown, until, workspace } from '../lib/engage.mjs';
import { byQuestion, choose, inSurvey, primary, results, screenIs, survey, watchAnswers } from '../lib/surveys.mjs';

const QUESTIONS = [
  { id: 'role', type: 'dropdown', prompt: 'Your role', required: true, options: ['Developer', 'Manager'] },
  { id: 'use', type: 'multiple_choice', prompt: 'What do you use?', required: true, options: ['Reports', 'Chat', 'Tours'], multiple: true },
];
const FR = { questions: [
  { prompt: 'Votre rôle', options: ['Développeur', 'Responsable'] },
  // No French prompt: the English one stands in; the options are translated.
  { options: ['Rapports', 'Discussion', '<b>Visites</b>'] },
] };

/** Answers the two questions in a page whose browser speaks `locale`, picking the second role
 * and the first and third uses by what is shown. Returns the texts the visitor saw. */
async function answer(ws, id, locale, labels) {
  const { page, errors, close } = await open({ locale });
  const posts = watchAnswers(page);
  try {
    await page.goto(hostPage(ws.id));
    const first = await screenIs(page, id, labels.role);
    const options = await inSurvey(page, id, 'option').allTextContents();
    await inSurvey(page, id, 'select').selectOption({ label: labels.roles[1] });
    await primary(page, id);
    await screenIs(page, id, labels.use);
    const choices = await inSurvey(page, id, 'label.o span').allTextContents();
    const markup = await page.evaluate((s) => document.querySelector(s).shadowRoot.querySelectorAll('b').length, sel(id));
    await choose(page, id, choices[0]);
    await choose(page, id, choices[2]);
    await primary(page, id);
    // The thank-you screen is the widget's own (its catalog, in the visitor's locale), not authored here.
    await screenIs(page, id, labels.thanks ?? 'Thank you!');
    await until(() => posts.some((x) => x.complete && x.status === 200), 'the complete response stored');
    assert.deepEqual(errors, []);
    return { title: first.title, options: options.slice(1), choices, markup };
  } finally {
    await close();
  }
}

test('a survey in French shows French labels; answers are stored as the options, counted with the English ones', async () => {
  const ws = await workspace();
  const id = await survey(ws, QUESTIONS, { content: { format: 'large', translations: { fr: FR } } });
  const fr = await answer(ws, id, 'fr-FR', { role: 'Votre rôle', use: 'What do you use?', roles: ['Développeur', 'Responsable'], thanks: 'Merci !' });
  assert.deepEqual(fr.options, ['Développeur', 'Responsable']);
  assert.deepEqual(fr.choices, ['Rapports', 'Discussion', '<b>Visites</b>']);
  assert.equal(fr.markup, 0, 'a translated label is text, never markup');
  const en = await answer(ws, id, 'en-US', { role: 'Your role', use: 'What do you use?', roles: ['Developer', 'Manager'] });
  assert.deepEqual(en.options, ['Developer', 'Manager']);
  assert.deepEqual(en.choices, ['Reports', 'Chat', 'Tours']);
  const q = byQuestion(await results(ws, id));
  assert.deepEqual(q.role.distribution, { Developer: 0, Manager: 2 });
  assert.deepEqual(q.use.distribution, { Reports: 2, Chat: 0, Tours: 2 });
});

test('a banner and a tour step in Arabic where translated, English elsewhere; an unknown language gets English', async () => {
  const ws = await workspace();
  // Each on a page of its own (a tour holds the page: a banner waits behind it).
  const banner = await outbound(ws, 'banner', {
    body: 'New: reports', buttons: [{ label: 'Not now', action: { type: 'dismiss' } }],
    translations: { ar: { body: 'جديد: التقارير' } },
  }, { audience: onPath('/banner') });
  const tour = await author(ws, 'tours', { name: 'tour', audience: onPath('/tour'), content: {
    steps: [{ kind: 'post', title: 'Welcome', body: 'A quick look around.' }],
    translations: { ar: { steps: [{ title: 'مرحبا' }] } },
  } });
  const texts = async (locale) => {
    const { page, errors, close } = await open({ locale });
    try {
      // The text of item `id` once drawn (`untranslated` is in it in every language).
      const text = async (name, id, untranslated) => {
        await page.goto(hostPage(ws.id, { name }));
        await shown(page, id, 30000);
        return until(async () => {
          const t = await page.evaluate((s) => document.querySelector(s)?.shadowRoot?.textContent ?? '', sel(id));
          return t.includes(untranslated) && t;
        }, `the text of ${id}`, 30000);
      };
      const b = await text('banner', banner, 'Not now');
      const t = await text('tour', tour, 'A quick look around.');
      assert.deepEqual(errors, []);
      return { b, t };
    } finally {
      await close();
    }
  };
  const ar = await texts('ar-EG');
  assert.ok(ar.b.includes('جديد: التقارير') && !ar.b.includes('New: reports'), ar.b);
  assert.ok(ar.b.includes('Not now'), 'an untranslated button label falls back to English');
  assert.ok(ar.t.includes('مرحبا') && ar.t.includes('A quick look around.'), ar.t);
  const other = await texts('sv-SE');
  assert.ok(other.b.includes('New: reports'), other.b);
  assert.ok(other.t.includes('Welcome'), other.t);
});
