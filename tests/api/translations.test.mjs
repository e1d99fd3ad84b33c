// Authored content in several languages (issue 15 item 5): translations are authored beside
// the default text (`content.translations.<lang>`, partial, text only), checked with the same
// checks at their own JSON pointer, and served in the visitor's language (the boot's `locale`)
// field by field, the workspace's default language standing in. Survey answers are option
// values, so results count a choice whatever the language it was picked in. Help articles
// too: read and searched in the visitor's language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { article, search } from '../lib/help.mjs';

const tourContent = {
  steps: [
    { kind: 'post', title: 'Welcome', body: 'A quick look around.' },
    { body: 'Export your data here.', selector: '#export' },
  ],
  translations: {
    fr: { steps: [{ title: 'Bienvenue' }, { body: 'Exportez vos données ici.' }] },
    ar: { steps: [{ title: 'مرحبا', body: 'جولة سريعة.' }] },
  },
};

const surveyContent = {
  questions: [
    { id: 'nps', type: 'nps', prompt: 'How likely are you to recommend us?', lowLabel: 'Not likely', highLabel: 'Very likely' },
    { id: 'role', type: 'dropdown', prompt: 'Your role', options: ['Developer', 'Manager'],
      branches: [{ when: { op: 'equals', value: 'Manager' }, to: 'end' }] },
    { id: 'why', type: 'long_text', prompt: 'Why?' },
  ],
  translations: {
    fr: { questions: [{ prompt: 'Quelle est la probabilité que vous nous recommandiez ?', lowLabel: 'Peu probable' },
      { prompt: 'Votre rôle', options: ['Développeur', 'Responsable'] }] },
  },
};

async function live(ws, path, body) {
  const r = await call('POST', `/admin/v1/${path}`, { token: ws.key, body });
  assert.equal(r.status, 201, r.text);
  const a = await call('POST', `/admin/v1/${path}/${r.body.id}/activate`, { token: ws.key });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

const eligible = async (token) => {
  const r = await call('GET', '/v1/eligible?url=%2Fapp', { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
};

test('translations are checked like the default text, at their JSON pointer; nothing is stored on a refusal', async () => {
  const ws = await createWorkspace();
  const ok = await call('POST', '/admin/v1/tours', { token: ws.key, body: { name: 'Tour', content: tourContent } });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.body.content.translations, tourContent.translations, 'the admin API reads back what was authored');
  const bad = [
    // The same limits and the same field errors as the default text.
    ['tours', { steps: tourContent.steps, translations: { fr: { steps: [{ title: 'x'.repeat(121) }] } } }, '/content/translations/fr/steps/0/title'],
    ['tours', { steps: tourContent.steps, translations: { fr: { steps: [{}, { body: '   ' }] } } }, '/content/translations/fr/steps/1/body'],
    // Unknown languages, and tags that are not a language key.
    ['tours', { steps: tourContent.steps, translations: { tlh: { steps: [] } } }, '/content/translations/tlh'],
    ['tours', { steps: tourContent.steps, translations: { 'fr-FR': {} } }, '/content/translations/fr-FR'],
    // Only text: a selector, an id or a URL stays the default content's.
    ['tours', { steps: tourContent.steps, translations: { fr: { steps: [{}, { selector: '#evil' }] } } }, '/content/translations/fr/steps/1/selector'],
    ['tours', { steps: tourContent.steps, translations: { fr: { steps: [{}, {}, { body: 'Trois' }] } } }, '/content/translations/fr/steps'],
    ['tours', { steps: tourContent.steps, translations: { fr: { steps: [{ body: 42 }] } } }, '/content/translations/fr/steps/0/body'],
    ['tours', { steps: tourContent.steps, translations: 'fr' }, '/content/translations'],
    ['surveys', { ...surveyContent, translations: { fr: { questions: [{}, { options: ['Un'] }] } } }, '/content/translations/fr/questions/1/options'],
    ['surveys', { ...surveyContent, translations: { fr: { questions: [{}, { options: ['Un', 'Un'] }] } } }, '/content/translations/fr/questions/1/options/1'],
    ['surveys', { ...surveyContent, translations: { fr: { questions: [{ id: 'autre' }] } } }, '/content/translations/fr/questions/0/id'],
    ['outbound', { body: 'Hello', buttons: [{ label: 'Go', action: { type: 'open_url', url: 'https://acme.test' } }],
      translations: { fr: { buttons: [{ action: { type: 'open_url', url: 'javascript:alert(1)' } }] } } }, '/content/translations/fr/buttons/0/action'],
    ['outbound', { body: 'Hello', translations: { es: { body: 'x'.repeat(501) } } }, '/content/translations/es/body'],
    ['checklists', { title: 'Start', tasks: [{ id: 'a', title: 'One' }], translations: { de: { tasks: [{ title: '' }] } } }, '/content/translations/de/tasks/0/title'],
  ];
  for (const [path, content, pointer] of bad) {
    const kind = path === 'outbound' ? { kind: 'banner' } : {};
    const r = await call('POST', `/admin/v1/${path}`, { token: ws.key, body: { name: 'Bad', ...kind, content } });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, pointer, `${JSON.stringify(content.translations)} → ${r.body.error.path}`);
  }
  for (const path of ['tours', 'surveys', 'outbound', 'checklists']) {
    const list = (await call('GET', `/admin/v1/${path}`, { token: ws.key })).body;
    assert.equal(Object.values(list)[0].length, path === 'tours' ? 1 : 0, `nothing refused was stored (${path})`);
  }
  // An edit that changes the default content must keep its translations laying over it.
  const shrink = await call('PATCH', `/admin/v1/tours/${ok.body.id}`, { token: ws.key, body: { content: { ...tourContent, steps: tourContent.steps.slice(0, 1) } } });
  assertError(assert, shrink, 400, 'INVALID_INPUT');
  assert.equal(shrink.body.error.path, '/content/translations/fr/steps');
});

test('the workspace default language is one of the supported languages', async () => {
  const ws = await createWorkspace();
  for (const bad of ['klingon', 'fr-FR', '', 7]) {
    const r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { defaultLanguage: bad } } });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, '/messenger/defaultLanguage', JSON.stringify(bad));
  }
  const v = await boot(ws.id);
  assert.equal(v.body.settings.messenger.defaultLanguage, 'en', 'English when none was chosen');
  const r = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { defaultLanguage: 'fr' } } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await boot(ws.id)).body.settings.messenger.defaultLanguage, 'fr');
});

test("eligible content is served in the visitor's language, field by field, the default text standing in", async () => {
  const ws = await createWorkspace();
  const tour = await live(ws, 'tours', { name: 'Tour', content: tourContent });
  const banner = await live(ws, 'outbound', { kind: 'banner', name: 'Banner', content: { body: 'New: reports', buttons: [{ label: 'See', action: { type: 'dismiss' } }],
    translations: { fr: { body: 'Nouveau : les rapports' } } } });
  const survey = await live(ws, 'surveys', { name: 'NPS', content: surveyContent });

  const fr = await boot(ws.id, { locale: 'fr-FR' });
  let e = await eligible(fr.body.sessionToken);
  const t = e.tours.find((x) => x.id === tour.id).content;
  assert.equal(t.steps[0].title, 'Bienvenue');
  assert.equal(t.steps[0].body, 'A quick look around.', 'an untranslated field falls back to the default text');
  assert.equal(t.steps[1].body, 'Exportez vos données ici.');
  assert.equal(t.steps[1].bodyHtml, 'Exportez vos données ici.', "the markup is made of the visitor's language");
  assert.equal(t.steps[1].selector, '#export');
  assert.equal(t.translations, undefined, 'translations are never sent to visitors');
  const b = e.outbound.find((x) => x.id === banner.id).content;
  assert.equal(b.body, 'Nouveau : les rapports');
  assert.equal(b.buttons[0].label, 'See');
  const s = e.surveys.find((x) => x.id === survey.id).content;
  assert.equal(s.questions[0].prompt, 'Quelle est la probabilité que vous nous recommandiez ?');
  assert.equal(s.questions[0].lowLabel, 'Peu probable');
  assert.equal(s.questions[0].highLabel, 'Very likely');
  assert.deepEqual(s.questions[1].options, ['Developer', 'Manager'], 'options stay the values answers store');
  assert.deepEqual(s.questions[1].optionLabels, ['Développeur', 'Responsable']);
  assert.equal(s.questions[2].prompt, 'Why?');

  // The boot's own eligible is the same answer.
  const embedded = await boot(ws.id, { locale: 'fr', eligible: { url: '/app' } });
  assert.equal(embedded.status, 200, embedded.text);
  assert.equal(embedded.body.eligible.tours[0].content.steps[0].title, 'Bienvenue');

  // Arabic: another translation; an unknown language and none get the default text.
  const ar = await boot(ws.id, { locale: 'ar' });
  e = await eligible(ar.body.sessionToken);
  assert.equal(e.tours[0].content.steps[0].title, 'مرحبا');
  assert.equal(e.tours[0].content.steps[1].body, 'Export your data here.');
  assert.equal(e.outbound[0].content.body, 'New: reports', 'no Arabic banner: the default text');
  for (const extra of [{ locale: 'tlh' }, { locale: 'de' }, {}]) {
    const v = await boot(ws.id, extra);
    const d = await eligible(v.body.sessionToken);
    assert.equal(d.tours[0].content.steps[0].title, 'Welcome', JSON.stringify(extra));
    assert.equal(d.surveys[0].content.questions[1].optionLabels, undefined);
    assert.equal(d.tours[0].content.translations, undefined);
  }
});

test("tooltips and checklists are served in the visitor's language too, the default text standing in", async () => {
  const ws = await createWorkspace();
  const tip = await live(ws, 'tooltips', { name: 'Tip', content: { selector: '#export', body: 'Export as CSV',
    translations: { es: { body: 'Exportar como CSV' }, ja: { body: 'CSV でエクスポート' } } } });
  const list = await live(ws, 'checklists', { name: 'Start', content: {
    title: 'Get started', description: 'Two steps',
    tasks: [{ id: 'profile', title: 'Fill in your profile' }, { id: 'invite', title: 'Invite a teammate', description: 'From Settings' }],
    translations: { es: { title: 'Primeros pasos', tasks: [{ title: 'Completa tu perfil' }, { description: 'Desde Ajustes' }] } },
  } });
  const es = await boot(ws.id, { locale: 'es-MX' });
  let e = await eligible(es.body.sessionToken);
  assert.equal(e.tooltips.find((x) => x.id === tip.id).content.body, 'Exportar como CSV');
  let c = e.checklists.find((x) => x.id === list.id).content;
  assert.equal(c.title, 'Primeros pasos');
  assert.equal(c.description, 'Two steps', 'an untranslated field: the default text');
  assert.deepEqual(c.tasks.map((t) => [t.id, t.title, t.description]), [
    ['profile', 'Completa tu perfil', undefined],
    ['invite', 'Invite a teammate', 'Desde Ajustes'],
  ], 'tasks keep their ids; each text its own fallback');
  assert.equal(c.translations, undefined, 'translations are never sent to visitors');
  const ja = await boot(ws.id, { locale: 'ja' });
  e = await eligible(ja.body.sessionToken);
  assert.equal(e.tooltips[0].content.body, 'CSV でエクスポート');
  assert.equal(e.checklists[0].content.title, 'Get started', 'no Japanese checklist: the default text');
  assert.equal(e.tooltips[0].content.translations, undefined);
});

test('a workspace written in French serves its content to French visitors as written', async () => {
  const ws = await createWorkspace({ messenger: { defaultLanguage: 'fr' } });
  await live(ws, 'tours', { name: 'Visite', content: { steps: [{ kind: 'post', body: 'Bonjour' }], translations: { en: { steps: [{ body: 'Hello' }] } } } });
  const fr = await boot(ws.id, { locale: 'fr-CA' });
  assert.equal((await eligible(fr.body.sessionToken)).tours[0].content.steps[0].body, 'Bonjour');
  const en = await boot(ws.id, { locale: 'en-US' });
  assert.equal((await eligible(en.body.sessionToken)).tours[0].content.steps[0].body, 'Hello');
  const other = await boot(ws.id, { locale: 'ja' });
  assert.equal((await eligible(other.body.sessionToken)).tours[0].content.steps[0].body, 'Bonjour', 'the default language stands in');
});

test('survey answers are option values: results count a choice whatever the language it was picked in', async () => {
  const ws = await createWorkspace();
  const survey = await live(ws, 'surveys', { name: 'NPS', content: surveyContent });
  for (const locale of ['fr', 'en', 'fr']) {
    const v = await boot(ws.id, { locale });
    const token = v.body.sessionToken;
    const q = (await eligible(token)).surveys[0].content.questions[1];
    // What the widget sends for the first choice, whatever it shows.
    const r = await call('POST', `/v1/surveys/${survey.id}/responses`, { token, body: { answers: [{ questionId: 'nps', value: 9 }, { questionId: 'role', value: q.options[0] }] } });
    assert.equal(r.status, 200, r.text);
  }
  // A translated label is not an answer.
  const v = await boot(ws.id, { locale: 'fr' });
  const label = await call('POST', `/v1/surveys/${survey.id}/responses`, { token: v.body.sessionToken, body: { answers: [{ questionId: 'role', value: 'Développeur' }] } });
  assertError(assert, label, 400, 'INVALID_INPUT');
  const results = (await call('GET', `/admin/v1/surveys/${survey.id}/results`, { token: ws.key })).body;
  const role = results.questions.find((q) => q.id === 'role');
  assert.deepEqual(role.distribution, { Developer: 3, Manager: 0 });
});

test('HTML in a translated field stays text', async () => {
  const ws = await createWorkspace();
  const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  await live(ws, 'outbound', { kind: 'post', name: 'Post', content: { title: 'Hi', body: 'Hello', translations: { fr: { title: evil, body: evil } } } });
  const v = await boot(ws.id, { locale: 'fr' });
  const post = (await eligible(v.body.sessionToken)).outbound[0].content;
  assert.equal(post.title, evil, 'stored and served exactly as written: the widget sets it as text');
  assert.equal(post.body, evil);
});


test("help articles are read and searched in the visitor's language, the default text standing in", async () => {
  const ws = await createWorkspace();
  const exp = await article(ws, { title: 'Export a report', body: 'Open the report and click Export.',
    translations: { fr: { title: 'Exporter un rapport', body: 'Ouvrez le rapport et cliquez sur Exporter.' }, ar: { title: 'تصدير تقرير' } } });
  const bill = await article(ws, { title: 'Billing and invoices', body: 'Invoices are on the billing page.' });
  const fr = (await boot(ws.id, { locale: 'fr' })).body.sessionToken;
  const en = (await boot(ws.id, { locale: 'en' })).body.sessionToken;
  const ar = (await boot(ws.id, { locale: 'ar' })).body.sessionToken;

  const read = async (token, id) => (await call('GET', `/v1/articles/${id}`, { token })).body;
  assert.equal((await read(fr, exp.id)).title, 'Exporter un rapport');
  assert.equal((await read(fr, exp.id)).body, 'Ouvrez le rapport et cliquez sur Exporter.');
  assert.equal((await read(ar, exp.id)).title, 'تصدير تقرير');
  assert.equal((await read(ar, exp.id)).body, 'Open the report and click Export.', 'per field: no Arabic body');
  assert.equal((await read(en, exp.id)).title, 'Export a report');
  assert.equal((await read(fr, bill.id)).title, 'Billing and invoices', 'untranslated: the default text');

  // Search matches the text the visitor is served, and answers with it.
  const hits = await search(fr, 'rapport');
  assert.deepEqual(hits.map((h) => [h.id, h.title]), [[exp.id, 'Exporter un rapport']]);
  assert.ok(hits[0].excerpt.includes('rapport'), hits[0].excerpt);
  assert.deepEqual(await search(fr, 'report'), [], 'French visitors search the French text');
  assert.deepEqual((await search(fr, 'invoices')).map((h) => h.id), [bill.id], 'an untranslated article is found by its default text');
  assert.deepEqual((await search(en, 'rapport')), []);
  assert.deepEqual((await search(en, 'report')).map((h) => h.id), [exp.id]);
  // Arabic: the translated title, the default body.
  assert.deepEqual((await search(ar, 'click')).map((h) => [h.id, h.title]), [[exp.id, 'تصدير تقرير']]);

  // Authoring: checked like the default text; editing keeps or replaces them; search follows.
  const bad = [
    [{ translations: { fr: { title: 'x'.repeat(201) } } }, '/translations/fr/title'],
    [{ translations: { fr: { body: '' } } }, '/translations/fr/body'],
    [{ translations: { xx: { title: 'x' } } }, '/translations/xx'],
    [{ translations: { fr: { collectionId: 'col_x' } } }, '/translations/fr/collectionId'],
  ];
  for (const [body, path] of bad) {
    const r = await call('PATCH', `/admin/v1/articles/${exp.id}`, { token: ws.key, body });
    assertError(assert, r, 400, 'INVALID_INPUT');
    assert.equal(r.body.error.path, path);
  }
  const p = await call('PATCH', `/admin/v1/articles/${bill.id}`, { token: ws.key, body: { translations: { fr: { title: 'Facturation' } } } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.body.translations, { fr: { title: 'Facturation' } });
  assert.deepEqual((await search(fr, 'facturation')).map((h) => h.id), [bill.id]);
  assert.deepEqual((await search(fr, 'invoices')).map((h) => h.id), [bill.id], 'the body still falls back');
  const t = await call('PATCH', `/admin/v1/articles/${bill.id}`, { token: ws.key, body: { title: 'Billing' } });
  assert.deepEqual(t.body.translations, { fr: { title: 'Facturation' } }, 'an edit of the default text keeps the translations');
  const cleared = await call('PATCH', `/admin/v1/articles/${bill.id}`, { token: ws.key, body: { translations: null } });
  assert.deepEqual(cleared.body.translations, {});
  assert.deepEqual(await search(fr, 'facturation'), []);
  assert.equal((await read(fr, bill.id)).title, 'Billing');
});

test("the articles suggested after a first message are searched in the visitor's language", async () => {
  const ws = await createWorkspace();
  const exp = await article(ws, { title: 'Export a report', body: 'Open the report and click Export.',
    translations: { fr: { title: 'Exporter un rapport', body: 'Ouvrez le rapport et cliquez sur Exporter.' } } });
  const suggested = async (locale, text) => {
    const t = (await boot(ws.id, { locale })).body.sessionToken;
    const first = await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: `c-${locale}-0001`, body: text } } });
    assert.equal(first.status, 201, first.text);
    const page = await call('GET', `/v1/conversations/${first.body.conversation.id}/messages`, { token: t });
    return page.body.messages.find((m) => m.author.type === 'system')?.articles ?? [];
  };
  assert.deepEqual(await suggested('fr', 'Comment exporter mon rapport ?'), [{ id: exp.id, title: 'Exporter un rapport' }]);
  assert.deepEqual(await suggested('en', 'How do I export my report?'), [{ id: exp.id, title: 'Export a report' }]);
});
