// Issue 15, the moments around the language: before the core has arrived (the loader's early
// launcher, which cannot know the visitor's language on a first visit) and after a page changes
// it (`boot({locale})` again, or shutdown + boot, with modules already drawn in another).
// Every name the widget's shadow roots hold is recorded at each change (a MutationObserver per
// shadow root, from the page's first script), so "no English name" covers every moment, not
// only the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, holdCore, outputPath } from '../lib/browser.mjs';
import { focused, hostPage, open, outbound, sel, shown, until } from '../lib/engage.mjs';
import { call, createWorkspace, userHash } from '../lib/harness.mjs';

const ENGLISH = /[A-Za-z]{2,}/;

/** A fresh browser speaking `langs`, recording every accessible name its widget ever shows. */
async function browserIn(langs) {
  const o = await open();
  await o.context.addInitScript((l) => {
    Object.defineProperty(Navigator.prototype, 'languages', { get: () => l });
    Object.defineProperty(Navigator.prototype, 'language', { get: () => l[0] });
    window.__names = new Set();
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      const look = () => {
        for (const e of root.querySelectorAll('[aria-label], [placeholder], [title]')) {
          for (const a of ['aria-label', 'placeholder', 'title']) if (e.hasAttribute(a)) window.__names.add(e.getAttribute(a));
        }
      };
      new MutationObserver(look).observe(root, { subtree: true, childList: true, attributes: true });
      return root;
    };
  }, langs);
  return o;
}

/** The early launcher as the loader drew it (`null` once the core's replaced it). */
const early = (page) => page.evaluate(() => {
  const h = document.querySelector('#porchlight-root[data-early]');
  const b = h?.shadowRoot.querySelector('button.l');
  if (!b) return null;
  const r = b.getBoundingClientRect();
  return { label: b.getAttribute('aria-label'), tabIndex: b.tabIndex, hidden: b.parentElement.getAttribute('aria-hidden'), lang: h.getAttribute('lang'), x: r.x, visible: r.width > 0 };
});

/** The core's launcher: its name and the root's language. */
const core = (page) => until(() => page.evaluate(() => {
  const h = document.querySelector('#porchlight-root:not([data-early])');
  const l = h?.shadowRoot?.querySelector('button.l');
  return l && { label: l.getAttribute('aria-label'), lang: h.getAttribute('lang'), dir: h.getAttribute('dir') };
}), 'the core\'s launcher', 20000);

const recorded = (page) => page.evaluate(() => [...window.__names]);

test('Arabic before the core arrives: a first visit draws no control named in English, a returning one names it in Arabic; no English name at any moment', async () => {
  const ws = await createWorkspace({ messenger: { teamName: 'الدعم', welcomeMessage: 'مرحبًا!' } });
  const { context, page, errors, close } = await browserIn(['ar-EG', 'ar']);
  try {
    // First visit, the core held back: the early launcher is a picture until the core's comes.
    let release = await holdCore(context);
    await page.goto(hostPage(ws.id, { name: 'first' }));
    await until(async () => (await early(page))?.visible, 'the early launcher');
    assert.deepEqual(await early(page), { label: null, tabIndex: -1, hidden: 'true', lang: null, x: (await early(page)).x, visible: true });
    assert.equal(await page.locator('#porchlight-root').getByRole('button').count(), 0, 'no control in the accessibility tree');
    // The keyboard passes it by (the page's own controls, then out of the page).
    await page.focus('#page-btn');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      assert.equal((await focused(page)).core, false, 'Tab never lands on the early launcher');
    }
    assert.deepEqual(await axe(page), [], 'axe with the early launcher on screen');
    await page.screenshot({ path: outputPath('i18n-ar-early-first.png') });
    // A press still opens the panel once the core is here.
    await page.locator('#porchlight-root[data-early] button.l').click();
    release();
    const c = await core(page);
    assert.deepEqual(c, { label: 'فتح المراسلة', lang: 'ar', dir: 'rtl' });
    await page.locator('#porchlight-root').getByRole('dialog').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.press('Escape');
    const paint = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), `porchlight:${ws.id}:paint`);
    assert.deepEqual([paint.label, paint.lang], ['فتح المراسلة', 'ar'], 'the look kept for the next page has the launcher\'s name');

    // Returning: the early launcher is the control, named in Arabic, on the mirrored side.
    release = await holdCore(context);
    await page.goto(hostPage(ws.id, { name: 'again' }));
    await page.locator('#porchlight-root[data-early]').getByRole('button', { name: 'فتح المراسلة' }).waitFor({ state: 'visible', timeout: 15000 });
    const e = await early(page);
    assert.deepEqual([e.label, e.tabIndex, e.hidden, e.lang], ['فتح المراسلة', 0, null, 'ar']);
    assert.ok(e.x < 640, `on the left, as the core's in Arabic: ${e.x}`);
    await page.focus('#page-btn');
    let reached = false;
    for (let i = 0; i < 4 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await focused(page)).core;
    }
    assert.ok(reached, 'Tab reaches the returning visitor\'s early launcher');
    assert.deepEqual(await axe(page), [], 'axe with the named early launcher');
    await page.screenshot({ path: outputPath('i18n-ar-early-returning.png') });
    release();
    assert.deepEqual(await core(page), { label: 'فتح المراسلة', lang: 'ar', dir: 'rtl' });
    assert.equal(await page.locator('#porchlight-root[data-early]').count(), 0);

    const names = await recorded(page);
    assert.ok(names.includes('فتح المراسلة'), `the recorder saw the launchers: ${names.join(' | ')}`);
    assert.deepEqual(names.filter((n) => ENGLISH.test(n)), [], `no English name at any moment: ${names.join(' | ')}`);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('boot({locale}) again, then shutdown + boot in a third: the launcher, the open messenger and a shown banner are drawn again in each language, its text translated, one impression', async () => {
  // The team's name is the workspace's own words (authored, in no catalog).
  const ws = await createWorkspace({ messenger: { teamName: 'الدعم' } });
  const banner = await outbound(ws, 'banner', {
    title: 'Hello', body: 'Welcome to the app.', position: 'top', style: 'floating',
    translations: { fr: { title: 'Bonjour', body: 'Bienvenue dans l\'application.' }, ar: { title: 'مرحبًا', body: 'أهلًا بك في التطبيق.' } },
  });
  const { page, errors, imps, close } = await browserIn(['en-US']);
  const look = () => page.evaluate((q) => {
    const h = document.querySelector(q);
    const r = h?.shadowRoot;
    return h && { lang: h.getAttribute('lang'), dir: h.getAttribute('dir'), title: r.querySelector('.bt')?.textContent, close: r.querySelector('.x')?.getAttribute('aria-label') };
  }, sel(banner));
  const tabs = () => page.evaluate(() => [...document.querySelector('#porchlight-root').shadowRoot.querySelectorAll('[role=tab]')].map((t) => t.textContent.trim()));
  try {
    await page.goto(hostPage(ws.id));
    await shown(page, banner);
    assert.deepEqual(await look(), { lang: 'en', dir: null, title: 'Hello', close: 'Dismiss' });
    await page.evaluate(() => window.Porchlight('show'));
    await until(async () => (await tabs()).includes('Home'), 'the messenger\'s tabs in English', 15000);
    await imps.expect(banner, { shown: 1 });

    // The page switches to French: everything already drawn follows, the panel stays open.
    await page.evaluate(() => window.Porchlight('boot', { locale: 'fr' }));
    await until(async () => (await core(page)).label === 'Ouvrir la messagerie', 'the launcher in French', 15000);
    assert.equal((await core(page)).lang, 'fr');
    await until(async () => (await tabs()).includes('Accueil'), 'the messenger\'s tabs in French', 15000);
    assert.equal(await page.locator('#porchlight-root').getByRole('dialog').isVisible(), true, 'the panel stayed open');
    assert.equal(await page.evaluate(() => document.querySelector('#porchlight-root').shadowRoot.querySelector('textarea').placeholder), 'Écrivez un message…');
    await until(async () => (await look())?.title === 'Bonjour', 'the banner in French');
    assert.deepEqual(await look(), { lang: 'fr', dir: null, title: 'Bonjour', close: 'Fermer' });
    await page.screenshot({ path: outputPath('i18n-switch-fr.png') });
    assert.deepEqual(await axe(page), []);

    // Shutdown, then a boot in Arabic: a new visitor, the modules already loaded speak Arabic.
    await page.evaluate(() => { window.Porchlight('shutdown'); window.Porchlight('boot', { locale: 'ar' }); });
    await until(async () => (await core(page)).label === 'فتح المراسلة', 'the launcher in Arabic', 15000);
    assert.deepEqual(await core(page), { label: 'فتح المراسلة', lang: 'ar', dir: 'rtl' });
    await until(async () => (await look())?.title === 'مرحبًا', 'the banner in Arabic');
    assert.deepEqual(await look(), { lang: 'ar', dir: 'rtl', title: 'مرحبًا', close: 'إغلاق' });
    await page.evaluate(() => window.Porchlight('show'));
    await until(async () => (await tabs()).length > 0 && !(await tabs()).some((t) => ENGLISH.test(t)), 'the messenger\'s tabs in Arabic', 15000);
    await page.waitForTimeout(300);
    const now = await page.evaluate(() => {
      const out = [];
      for (const h of document.querySelectorAll('#porchlight-root, [data-porchlight-item]')) {
        for (const e of h.shadowRoot.querySelectorAll('[aria-label], [placeholder]')) out.push(e.getAttribute('aria-label') ?? e.getAttribute('placeholder'));
      }
      return out;
    });
    assert.deepEqual(now.filter((n) => ENGLISH.test(n)), [], `no English name left: ${now.join(' | ')}`);
    await page.screenshot({ path: outputPath('i18n-switch-ar.png') });
    assert.deepEqual(await axe(page), []);
    // Drawn again in French, not shown again; the Arabic visitor is a new one (shutdown).
    await imps.expect(banner, { shown: 2 });
    assert.equal(new Set(imps.sent.filter((x) => x.contentId === banner && x.action === 'shown').map((x) => x.token)).size, 2, 'one showing per visitor');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

// A redraw in another locale changes the language and nothing else the visitor had: the unread
// count on the launcher, whether the launcher shows, where focus is, and the panel's open state
// as the page's `open` / `close` events tell it.
const root = (page) => page.locator('#porchlight-root:not([data-early])');
/** Asks for `locale` and waits until the core's launcher has been drawn in it. */
async function relocale(page, locale, label) {
  await page.evaluate((l) => window.Porchlight('boot', { locale: l }), locale);
  await until(async () => (await core(page)).label === label, `the launcher in ${locale}`, 15000);
}

test('a redraw in another locale keeps the unread count on the launcher', async () => {
  const ws = await createWorkspace();
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  assert.equal(mate.status, 201, mate.text);
  const { page, errors, close } = await browserIn(['en-US']);
  try {
    await page.goto(hostPage(ws.id, { name: 'badge' }));
    await root(page).getByRole('button', { name: 'Open messenger' }).click();
    await root(page).getByRole('tab', { name: 'Messages' }).click();
    await root(page).getByRole('textbox').fill('Is anyone there?');
    await root(page).getByRole('textbox').press('Enter');
    await root(page).getByRole('log').locator('li[data-seq]').waitFor({ timeout: 10000 });
    await page.keyboard.press('Escape');
    const inbox = await call('GET', '/admin/v1/conversations', { token: mate.body.key });
    const sent = await call('POST', `/admin/v1/conversations/${inbox.body.conversations[0].id}/messages`, { token: mate.body.key, body: { clientId: crypto.randomUUID(), body: 'Yes, here.' } });
    assert.equal(sent.status, 201, sent.text);
    await root(page).getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ timeout: 10000 });

    await relocale(page, 'fr', 'Ouvrir la messagerie, 1 non lu');
    const badge = await page.evaluate(() => {
      const b = document.querySelector('#porchlight-root').shadowRoot.querySelector('button.l .n');
      return { text: b.textContent, hidden: b.hidden };
    });
    assert.deepEqual(badge, { text: '1', hidden: false }, 'the badge still counts the reply');
    assert.deepEqual(await axe(page), []);
    await page.screenshot({ path: outputPath('i18n-switch-badge.png') });
    // Opening reads it, as before the redraw.
    await root(page).getByRole('button', { name: 'Ouvrir la messagerie, 1 non lu' }).click();
    await root(page).getByRole('button', { name: 'Ouvrir la messagerie' }).waitFor({ timeout: 10000 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a redraw in another locale keeps the launcher hidden or shown as it was', async () => {
  const launcherShown = (page) => page.evaluate(() => !document.querySelector('#porchlight-root:not([data-early])').shadowRoot.querySelector('button.l').hidden);
  // The workspace hides the launcher: the page opens the messenger itself.
  let ws = await createWorkspace({ messenger: { showLauncher: false } });
  let o = await browserIn(['en-US']);
  try {
    await o.page.goto(hostPage(ws.id, { name: 'hidden' }));
    await core(o.page);
    assert.equal(await launcherShown(o.page), false);
    await relocale(o.page, 'fr', 'Ouvrir la messagerie');
    assert.equal(await launcherShown(o.page), false, 'a hidden launcher stays hidden');
    assert.deepEqual(o.errors, []);
  } finally {
    await o.close();
  }
  // Shown after a delay: once shown it never hides again, and one still waiting waits on.
  ws = await createWorkspace({ messenger: { autoVisibility: true, visibilityDelayMs: 500 } });
  o = await browserIn(['en-US']);
  try {
    // Every state of the core's launcher at each change of its shadow root.
    await o.context.addInitScript(() => {
      window.__launcher = [];
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        const host = this;
        new MutationObserver(() => {
          const l = root.querySelector('button.l');
          if (l && host.isConnected && !host.hasAttribute('data-early')) window.__launcher.push(l.hidden ? 'hidden' : 'shown');
        }).observe(root, { subtree: true, childList: true, attributes: true });
        return root;
      };
    });
    await o.page.goto(hostPage(ws.id, { name: 'delayed' }));
    await root(o.page).getByRole('button', { name: 'Open messenger' }).waitFor({ state: 'visible', timeout: 15000 });
    await relocale(o.page, 'fr', 'Ouvrir la messagerie');
    assert.equal(await launcherShown(o.page), true);
    const states = await o.page.evaluate(() => window.__launcher);
    assert.deepEqual(states.slice(states.indexOf('shown')).filter((s) => s === 'hidden'), [], `never hidden once shown: ${states.join(' ')}`);
    assert.deepEqual(o.errors, []);
  } finally {
    await o.close();
  }
  ws = await createWorkspace({ messenger: { autoVisibility: true, visibilityDelayMs: 600000 } });
  o = await browserIn(['en-US']);
  try {
    // The page's clock is ours: the delay passes when we say.
    await o.page.clock.install({ time: Date.now() });
    await o.page.goto(hostPage(ws.id, { name: 'waiting' }));
    await core(o.page);
    await relocale(o.page, 'fr', 'Ouvrir la messagerie');
    assert.equal(await launcherShown(o.page), false, 'a launcher still waiting for its delay does not show early');
    // Its delay, counted from the page's load, still shows it.
    await o.page.clock.fastForward(600000);
    await root(o.page).getByRole('button', { name: 'Ouvrir la messagerie' }).waitFor({ state: 'visible', timeout: 5000 });
    assert.deepEqual(o.errors, []);
  } finally {
    await o.close();
  }
});

test('a redraw in another locale keeps focus on the same control: the launcher, the close button, the composer', async () => {
  const ws = await createWorkspace();
  const { page, errors, close } = await browserIn(['en-US']);
  try {
    await page.goto(hostPage(ws.id, { name: 'focus' }));
    await root(page).getByRole('button', { name: 'Open messenger' }).focus();
    await relocale(page, 'fr', 'Ouvrir la messagerie');
    let f = await focused(page);
    assert.deepEqual([f.core, f.tag, f.label], [true, 'button', 'Ouvrir la messagerie'], 'on the launcher');

    // Opened from the keyboard: focus is on the close button, the messenger draws its tabs.
    await page.keyboard.press('Enter');
    await root(page).getByRole('tab', { name: 'Messages' }).waitFor({ timeout: 15000 });
    assert.equal((await focused(page)).label, 'Fermer la messagerie');
    await relocale(page, 'es', 'Abrir la mensajería');
    await root(page).getByRole('tab', { name: 'Mensajes' }).waitFor({ timeout: 15000 });
    f = await focused(page);
    assert.deepEqual([f.core, f.tag, f.label], [true, 'button', 'Cerrar la mensajería'], 'on the close button');

    // In the composer (empty): the conversation stays in view and the composer keeps focus.
    await root(page).getByRole('tab', { name: 'Mensajes' }).click();
    await root(page).getByRole('textbox').focus();
    await relocale(page, 'de', 'Messenger öffnen');
    await root(page).getByRole('tab', { name: 'Nachrichten', selected: true }).waitFor({ timeout: 15000 });
    f = await focused(page);
    assert.deepEqual([f.core, f.tag, f.label], [true, 'textarea', 'Nachricht schreiben…'], 'in the composer');
    await page.keyboard.type('Hallo');
    assert.equal(await root(page).getByRole('textbox').inputValue(), 'Hallo', 'typing goes on in the composer');
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a redraw in another locale fires no open or close: the panel never closed', async () => {
  const ws = await createWorkspace();
  const { page, errors, close } = await browserIn(['en-US']);
  try {
    await page.goto(hostPage(ws.id, { name: 'events', script: 'window.__ev=[];window.Porchlight=window.Porchlight||function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};Porchlight("on","open",()=>__ev.push("open"));Porchlight("on","close",()=>__ev.push("close"));' }));
    await core(page);
    await page.evaluate(() => window.Porchlight('show'));
    await root(page).getByRole('tab', { name: 'Home' }).waitFor({ timeout: 15000 });
    await relocale(page, 'fr', 'Ouvrir la messagerie');
    await root(page).getByRole('tab', { name: 'Accueil' }).waitFor({ timeout: 15000 });
    assert.equal(await root(page).getByRole('dialog').isVisible(), true, 'the panel is open');
    assert.deepEqual(await page.evaluate(() => window.__ev), ['open'], 'one open, no close');
    // Closing and opening after the redraw are told once each.
    await page.keyboard.press('Escape');
    await root(page).getByRole('button', { name: 'Ouvrir la messagerie' }).click();
    await root(page).getByRole('dialog').waitFor({ timeout: 5000 });
    assert.deepEqual(await page.evaluate(() => window.__ev), ['open', 'close', 'open']);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

// The messenger's place goes through a redraw too: the space shown (and what it shows), the ticket
// updates not yet seen, focus on the same tab. A boot of another workspace or after shutdown
// starts on Home (the test above: its tabs drawn afresh).
const tabIn = (page, name, selected) => root(page).getByRole('tab', { name, exact: true, ...(selected === undefined ? {} : { selected }) });
const spaceIn = (page, name) => root(page).getByRole('tabpanel', { name, exact: true });
/** The redrawn panel's opening animation, over (axe would measure its colours half-faded). */
const settled = (page) => page.evaluate(() => Promise.all(document.querySelector('#porchlight-root:not([data-early])').shadowRoot.getAnimations().map((a) => a.finished)));
async function article(ws, body) {
  const r = await call('POST', '/admin/v1/articles', { token: ws.key, body });
  assert.equal(r.status, 201, r.text);
  assert.equal((await call('POST', `/admin/v1/articles/${r.body.id}/activate`, { token: ws.key })).status, 200);
  return r.body.id;
}

test('a redraw in another locale keeps Help in view: the search typed and its results, the article open, focus on its title', async () => {
  const ws = await createWorkspace();
  await article(ws, { title: 'Export as CSV', body: 'Press Export to get a CSV file.', translations: {
    fr: { title: 'Exporter en CSV', body: 'Cliquez sur Exporter pour obtenir un fichier CSV.' },
    es: { title: 'Exportar en CSV', body: 'Pulse Exportar para obtener un archivo CSV.' },
  } });
  const { page, errors, close } = await browserIn(['en-US']);
  try {
    await page.goto(hostPage(ws.id, { name: 'help' }));
    await root(page).getByRole('button', { name: 'Open messenger' }).click();
    await tabIn(page, 'Help').click();
    await spaceIn(page, 'Help').getByRole('searchbox').fill('CSV');
    await spaceIn(page, 'Help').getByRole('button', { name: /^Export as CSV/ }).waitFor({ timeout: 10000 });

    await relocale(page, 'fr', 'Ouvrir la messagerie');
    await tabIn(page, 'Aide', true).waitFor({ timeout: 15000 });
    const help = spaceIn(page, 'Aide');
    assert.equal(await help.isVisible(), true, 'Help still in view');
    const box = help.getByRole('searchbox', { name: 'Rechercher de l’aide' });
    assert.equal(await box.inputValue(), 'CSV', 'the search typed is kept');
    assert.equal((await focused(page)).id, 'pl-q', 'focus still in the search field');
    // Asked again: the results in the visitor's new language.
    await help.getByRole('button', { name: /^Exporter en CSV/ }).waitFor({ timeout: 10000 });
    await settled(page);
    assert.deepEqual(await axe(page), [], 'axe after the redraw on Help');

    // Reading the article (its title has focus, as after any opening): read again in Spanish.
    await help.getByRole('button', { name: /^Exporter en CSV/ }).click();
    await help.getByRole('heading', { name: 'Exporter en CSV' }).waitFor({ timeout: 10000 });
    assert.equal((await focused(page)).label, 'Exporter en CSV');
    await relocale(page, 'es', 'Abrir la mensajería');
    await tabIn(page, 'Ayuda', true).waitFor({ timeout: 15000 });
    await spaceIn(page, 'Ayuda').getByRole('heading', { name: 'Exportar en CSV' }).waitFor({ timeout: 10000 });
    assert.equal(await spaceIn(page, 'Ayuda').getByText('Pulse Exportar para obtener un archivo CSV.').isVisible(), true);
    const f = await focused(page);
    assert.deepEqual([f.core, f.tag, f.label], [true, 'h3', 'Exportar en CSV'], 'focus on the article\'s title');
    await settled(page);
    assert.deepEqual(await axe(page), [], 'axe after the redraw on an article');
    await page.screenshot({ path: outputPath('i18n-switch-help.png') });
    // Back to the results: the search is still there.
    await spaceIn(page, 'Ayuda').getByRole('button', { name: 'Volver a los resultados' }).click();
    assert.equal(await spaceIn(page, 'Ayuda').getByRole('searchbox').inputValue(), 'CSV');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a redraw in another locale keeps the ticket updates not yet seen: the Tickets badge and the launcher count', async () => {
  const ws = await createWorkspace();
  const mate = (await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } })).body.key;
  const { page, errors, close } = await browserIn(['en-US']);
  try {
    await page.goto(hostPage(ws.id, { name: 'tickets' }));
    await root(page).getByRole('button', { name: 'Open messenger' }).click();
    await tabIn(page, 'Tickets').click();
    const tickets = spaceIn(page, 'Tickets');
    await tickets.getByRole('button', { name: 'New ticket' }).click();
    await tickets.getByLabel('Subject').fill('Invoice wrong');
    await tickets.getByLabel('Describe the problem').fill('The VAT line is missing.');
    const filed = page.waitForResponse((r) => r.url().endsWith('/v1/tickets') && r.request().method() === 'POST');
    await tickets.getByRole('button', { name: 'Send ticket' }).click();
    const id = (await (await filed).json()).id;
    await tickets.getByText(/^Invoice wrong · open · /).waitFor({ timeout: 10000 });
    await tabIn(page, 'Home').click();
    const move = async (status) => assert.equal((await call('POST', `/admin/v1/tickets/${id}/status`, { token: mate, body: { status } })).status, 200);
    await move('solved');
    await tabIn(page, 'Tickets, 1 updated').waitFor({ timeout: 10000 });
    assert.deepEqual(await axe(page), [], 'axe with the badge before the redraw');
    await page.keyboard.press('Escape');
    await root(page).getByRole('button', { name: 'Open messenger, 1 unread' }).waitFor({ timeout: 10000 });

    await relocale(page, 'fr', 'Ouvrir la messagerie, 1 non lu');
    // The next change counts on from there (the launcher's count is the messenger's sum).
    await move('pending');
    await root(page).getByRole('button', { name: 'Ouvrir la messagerie, 2 non lus' }).waitFor({ timeout: 10000 });
    await root(page).getByRole('button', { name: 'Ouvrir la messagerie, 2 non lus' }).click();
    await tabIn(page, 'Accueil', true).waitFor({ timeout: 15000 });
    const tab = tabIn(page, 'Demandes, 2 mises à jour');
    await tab.waitFor({ timeout: 5000 });
    assert.deepEqual(await tab.locator('.n').evaluate((n) => ({ text: getComputedStyle(n, '::after').content, hidden: n.hidden })), { text: '"2"', hidden: false });
    await settled(page);
    assert.deepEqual(await axe(page), [], 'axe with the badge after the redraw');
    await page.screenshot({ path: outputPath('i18n-switch-tickets.png') });
    // Looked at: the badge goes, the launcher's count with it.
    await tab.click();
    await tabIn(page, 'Demandes', true).waitFor();
    await spaceIn(page, 'Demandes').getByText(/^Invoice wrong · en attente · /).waitFor({ timeout: 10000 });
    await page.keyboard.press('Escape');
    await root(page).getByRole('button', { name: 'Ouvrir la messagerie', exact: true }).waitFor({ timeout: 5000 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a redraw in another locale keeps focus on the same tab, selected, and the tabs work by keyboard after it', async () => {
  const ws = await createWorkspace();
  const { page, errors, close } = await browserIn(['en-US']);
  try {
    await page.goto(hostPage(ws.id, { name: 'tabs' }));
    await root(page).getByRole('button', { name: 'Open messenger' }).click();
    await tabIn(page, 'Home', true).waitFor({ timeout: 15000 });
    // By keyboard: Home → Messages → Help → Tickets.
    await tabIn(page, 'Home').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await tabIn(page, 'Tickets', true).waitFor();
    assert.equal((await focused(page)).label, 'Tickets');

    await relocale(page, 'fr', 'Ouvrir la messagerie');
    await tabIn(page, 'Demandes', true).waitFor({ timeout: 15000 });
    const f = await focused(page);
    assert.deepEqual([f.core, f.id, f.label], [true, 'pl-tab-tickets', 'Demandes'], 'focus on the Tickets tab');
    assert.equal(await spaceIn(page, 'Demandes').getByRole('button', { name: 'Nouvelle demande' }).isVisible(), true);
    await settled(page);
    assert.deepEqual(await axe(page), [], 'axe after the redraw on Tickets');
    // The arrows go on from there.
    await page.keyboard.press('ArrowRight');
    await tabIn(page, 'Tâches', true).waitFor();
    assert.equal((await focused(page)).label, 'Tâches');

    // A boot naming a user, in another locale: this visitor, signed in (the same id), keeps
    // the place; one naming another user is not this visitor's place: the spaces start afresh.
    await page.evaluate(() => { window.__ids = []; window.Porchlight('on', 'ready', (v) => window.__ids.push(v.id)); });
    const signIn = async (user, locale, label, n) => {
      await page.evaluate(([u, h, l]) => window.Porchlight('boot', { locale: l, userId: u, userHash: h }), [user, userHash(ws.secret, user), locale]);
      await until(async () => (await core(page)).label === label, `the launcher in ${locale}`, 15000);
      return until(async () => { const v = await page.evaluate(() => window.__ids); return v.length === n && v; }, `ready for ${user}`, 15000);
    };
    let ids = await signIn('u_first', 'de', 'Messenger öffnen', 2);
    assert.equal(ids[1], ids[0], 'the same visitor, signed in');
    await tabIn(page, 'Aufgaben', true).waitFor({ timeout: 15000 });
    ids = await signIn('u_second', 'es', 'Abrir la mensajería', 3);
    assert.notEqual(ids[2], ids[1], 'another visitor');
    await tabIn(page, 'Inicio', true).waitFor({ timeout: 15000 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
