// Issue 15, the widget's side: which language a visitor gets (the page's explicit locale, then
// navigator.languages in order, exact tag then base, then the workspace's default, then
// English), that the edge learns it (the `language` targeting property), right to left in
// Arabic (root `dir`, the launcher's side, a tour step placed `right`, an NPS scale, no English
// accessible name left), and axe-core on every experience × {light, dark} × {en, ar}.
// Screenshots of the Arabic and Japanese runs: tests/output/i18n-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, outputPath } from '../lib/browser.mjs';
import { author, box, hostPage, open, outbound, pageBox, sel, shown, tabTo, tooltip, until } from '../lib/engage.mjs';
import { call, createWorkspace } from '../lib/harness.mjs';
import { screenIs, survey } from '../lib/surveys.mjs';
import { stepIs, tour } from '../lib/tours.mjs';

/** A fresh browser whose `navigator.languages` (and `language`) are `langs`. */
async function browserIn(langs, options = {}) {
  const o = await open(options);
  await o.context.addInitScript((l) => {
    Object.defineProperty(Navigator.prototype, 'languages', { get: () => l });
    Object.defineProperty(Navigator.prototype, 'language', { get: () => l[0] });
  }, langs);
  return o;
}

/** The core's root once mounted: its `lang`, `dir`, the launcher's name and box. */
const core = (page, what = '') => until(() => page.evaluate(() => {
  const h = document.querySelector('#porchlight-root:not([data-early])');
  const l = h?.shadowRoot?.querySelector('button.l');
  if (!l) return null;
  const r = l.getBoundingClientRect();
  return { lang: h.getAttribute('lang'), dir: h.getAttribute('dir'), label: l.getAttribute('aria-label'), x: r.x, right: r.right };
}), `the core's launcher ${what}`, 20000);

/** Every accessible name and text of the widget (all its shadow roots), to look for English. */
const widgetNames = (page) => page.evaluate(() => {
  const out = [];
  for (const h of document.querySelectorAll('#porchlight-root, [data-porchlight-item]')) {
    for (const e of h.shadowRoot?.querySelectorAll('[aria-label], [placeholder], [title]') ?? []) {
      for (const a of ['aria-label', 'placeholder', 'title']) if (e.hasAttribute(a)) out.push(`${a}=${e.getAttribute(a)}`);
    }
  }
  return out;
});

const LANGUAGE = (value) => ({ type: 'condition', property: { source: 'system', key: 'language' }, operator: 'equals', value });

test('negotiation: the explicit locale, then navigator.languages in order (exact, then base), then the workspace default, then English; the edge targets by it', async () => {
  const plain = await createWorkspace();
  const spanish = await createWorkspace({ messenger: { defaultLanguage: 'es' } });
  // Shown only to a visitor the edge knows reads Portuguese.
  const pt = await outbound(plain, 'banner', { body: 'Olá! Bem-vindo.', position: 'top', style: 'inline' }, { audience: LANGUAGE('pt') });
  const cases = [
    // [what, workspace, navigator.languages, page head, want lang, want launcher name]
    ['porchlightSettings.locale beats the browser', plain, ['fr-FR', 'fr'], '<script>window.porchlightSettings={locale:"de"}</script>', 'de', 'Messenger öffnen'],
    ['boot({locale}) beats the browser', plain, ['ja'], '<script>window.Porchlight=function(){(Porchlight.q=Porchlight.q||[]).push(arguments)};Porchlight("boot",{locale:"fr-CA"})</script>', 'fr', 'Ouvrir la messagerie'],
    ['the first language spoken, in the visitor\'s order', plain, ['it-IT', 'ja-JP', 'fr'], '', 'ja', 'メッセンジャーを開く'],
    ['an exact tag', plain, ['es'], '', 'es', 'Abrir la mensajería'],
    ['a region tag falls back to its base language', plain, ['pt-BR', 'en-US'], '', 'pt', 'Abrir o chat'],
    ['nothing spoken: the workspace\'s default language', spanish, ['zh-CN', 'ko'], '', 'es', 'Abrir la mensajería'],
    ['nothing spoken, no default: English', plain, ['zh-CN', 'ko'], '', 'en', 'Open messenger'],
  ];
  for (const [what, ws, langs, head, lang, label] of cases) {
    const { page, errors, close } = await browserIn(langs);
    try {
      await page.goto(hostPage(ws.id, { head, name: lang }));
      const c = await core(page, what);
      assert.equal(c.lang, lang, `${what}: lang`);
      assert.equal(c.label, label, `${what}: the launcher speaks it`);
      assert.equal(c.dir, null, `${what}: left to right (the page's direction)`);
      if (ws === plain) {
        // The edge learnt it: only the Portuguese visitor is in the banner's audience.
        if (lang === 'pt') await shown(page, pt);
        else {
          await page.waitForTimeout(300);
          assert.equal(await page.locator(sel(pt)).count(), 0, `${what}: not a Portuguese visitor`);
        }
      }
      assert.deepEqual(errors, [], what);
    } finally {
      await close();
    }
  }
});

test('Arabic: the root reads right to left, the launcher sits on the left, a step placed "right" shows on the left, the NPS scale runs right to left, no English accessible name', async () => {
  // The team's name and welcome are the workspace's own words (authored, not the catalog's).
  const ws = await createWorkspace({ messenger: { teamName: 'الدعم', welcomeMessage: 'مرحبًا! كيف يمكننا مساعدتك؟' } });
  const target = '<main style="padding:200px 0 0 560px"><button id="target" type="button" style="width:120px;height:40px">الهدف</button></main>';
  const t = await tour(ws, [{ kind: 'pointer', title: 'هنا', body: 'هذا هو الزر.', selector: '#target', placement: 'right' }, { kind: 'post', title: 'النهاية', body: 'انتهت الجولة.' }], { audience: { type: 'condition', property: { source: 'page', key: 'path' }, operator: 'ends_with', value: '/tour' } });
  const s = await survey(ws, [{ id: 'nps', type: 'nps', prompt: 'هل تنصح بنا؟', lowLabel: 'أبدًا', highLabel: 'بالتأكيد' }, { id: 'stars', type: 'star_rating', prompt: 'قيّم المساعدة' }], { content: { format: 'small' }, audience: { type: 'condition', property: { source: 'page', key: 'path' }, operator: 'ends_with', value: '/survey' } });
  const { page, errors, close } = await browserIn(['ar-EG', 'en'], { viewport: { width: 1280, height: 800 } });
  try {
    // The tour.
    await page.goto(hostPage(ws.id, { name: 'tour', body: target }));
    const c = await core(page);
    assert.deepEqual([c.lang, c.dir, c.label], ['ar', 'rtl', 'فتح المراسلة']);
    assert.ok(c.right < 640, `the launcher on the left (mirrored): ${JSON.stringify(c)}`);
    const step = await stepIs(page, t, 'هنا');
    const tb = await pageBox(page, '#target');
    assert.ok(step.x + step.w <= tb.x, `placed "right" = end: left of its element in Arabic: step ${JSON.stringify(step)}, target ${JSON.stringify(tb)}`);
    const host = await page.evaluate((q) => { const h = document.querySelector(q); return { lang: h.getAttribute('lang'), dir: h.getAttribute('dir') }; }, sel(t));
    assert.deepEqual(host, { lang: 'ar', dir: 'rtl' }, 'the tour\'s host');
    assert.equal(step.progress, '1 من 2', 'the progress in Arabic');
    let names = await widgetNames(page);
    assert.deepEqual(names.filter((n) => /[A-Za-z]{2,}/.test(n.split('=')[1])), [], `no English name: ${names.join(' | ')}`);
    await page.screenshot({ path: outputPath('i18n-ar-tour.png') });
    const v = await axe(page);
    assert.deepEqual(v, [], `Arabic tour step: ${JSON.stringify(v, null, 1)}`);

    // The survey: NPS right to left, Back on the right of Next.
    await page.goto(hostPage(ws.id, { name: 'survey' }));
    const nps = await screenIs(page, s, 'هل تنصح بنا؟');
    assert.equal(nps.dir, 'rtl');
    const zero = await box(page, s, 'label.c:has(input[value="0"])');
    const ten = await box(page, s, 'label.c:has(input[value="10"])');
    assert.ok(zero.x > ten.x, `0 on the right, 10 on the left: ${zero.x} vs ${ten.x}`);
    const sv = await box(page, s, 'dialog.sv[open]');
    assert.ok(sv.x < 640, `the small survey sits on the launcher's (mirrored) side: ${JSON.stringify(sv)}`);
    names = await widgetNames(page);
    assert.deepEqual(names.filter((n) => /[A-Za-z]{2,}/.test(n.split('=')[1])), [], `no English name: ${names.join(' | ')}`);
    await page.screenshot({ path: outputPath('i18n-ar-survey-nps.png') });
    await page.locator(`${sel(s)} label.c:has(input[value="9"])`).click();
    await page.locator(`${sel(s)} dialog.sv[open] .pri`).click();
    await screenIs(page, s, 'قيّم المساعدة');
    const b = await box(page, s, '[data-a=back]');
    const n = await box(page, s, '.pri');
    assert.ok(b.x > n.x, 'Back (السابق) on the right, Next on the left');
    const buttons = await page.locator(`${sel(s)} dialog.sv[open] .ft button`).allTextContents();
    assert.deepEqual(buttons, ['السابق', 'إرسال']);

    // The messenger, open: its tabs and composer in Arabic.
    await page.evaluate(() => window.Porchlight('show'));
    await until(() => page.evaluate(() => !!document.querySelector('#porchlight-root').shadowRoot.querySelector('.open')), 'the open panel');
    await page.waitForTimeout(500);
    names = await widgetNames(page);
    assert.deepEqual(names.filter((n) => /[A-Za-z]{2,}/.test(n.split('=')[1])), [], `no English name in the messenger: ${names.join(' | ')}`);
    await page.screenshot({ path: outputPath('i18n-ar-messenger.png') });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('Japanese: the messenger and a post in Japanese (screenshots)', async () => {
  const ws = await createWorkspace();
  const post = await outbound(ws, 'post', { title: '新機能', body: 'レポートが作れるようになりました。', buttons: [{ label: 'あとで', action: { type: 'dismiss' } }] });
  const { page, errors, close } = await browserIn(['ja-JP']);
  try {
    await page.goto(hostPage(ws.id));
    const c = await core(page);
    assert.deepEqual([c.lang, c.dir, c.label], ['ja', null, 'メッセンジャーを開く']);
    await shown(page, post);
    const label = await page.evaluate((q) => document.querySelector(q).shadowRoot.querySelector('[aria-label]')?.getAttribute('aria-label'), sel(post));
    assert.equal(label, '閉じる', 'the post\'s close button');
    await page.screenshot({ path: outputPath('i18n-ja-post.png') });
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.Porchlight('show'));
    await until(() => page.evaluate(() => !!document.querySelector('#porchlight-root').shadowRoot.querySelector('.open')), 'the open panel');
    await page.waitForTimeout(500);
    await page.screenshot({ path: outputPath('i18n-ja-messenger.png') });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

// The matrix: each experience in a workspace of each appearance, for an English and an Arabic
// visitor. Authored text is in the visitor's language (so the page's language is honest too).
/** The catalog's name of a popover without a title (`Msg::TooltipUntitled`). */
const TIP = { en: 'Tip', ar: 'تلميح' };
const TEXT = {
  en: { title: 'Reports are here', body: 'Build reports without SQL.', button: 'Later', q: 'Recommend us?', step: 'Here' },
  ar: { title: 'التقارير متاحة', body: 'أنشئ التقارير دون SQL.', button: 'لاحقًا', q: 'هل تنصح بنا؟', step: 'هنا' },
};
for (const appearance of ['light', 'dark']) {
  for (const lang of ['en', 'ar']) {
    test(`axe-core: every experience, ${appearance}, ${lang}: 0 violations`, async () => {
      const ws = await createWorkspace({ messenger: { appearance } });
      const x = TEXT[lang];
      const on = (p) => ({ audience: { type: 'condition', property: { source: 'page', key: 'path' }, operator: 'ends_with', value: `/${p}` } });
      const ids = {
        banner: await outbound(ws, 'banner', { title: x.title, body: x.body, position: 'top', style: 'floating' }, on('banner')),
        post: await outbound(ws, 'post', { title: x.title, body: x.body, buttons: [{ label: x.button, action: { type: 'dismiss' } }] }, on('post')),
        chat: await outbound(ws, 'chat', { body: x.body }, on('chat')),
        tooltip: await tooltip(ws, { title: x.title, body: x.body, selector: '#page-btn', hint: 'beacon', buttons: [{ label: x.button, action: { type: 'dismiss' } }] }, on('tooltip')),
        // Without buttons or title: still a non-modal dialog (its × takes focus), which axe's
        // "region" rule takes as a landmark (a `role=tooltip` was flagged there).
        tip: await tooltip(ws, { body: x.body, selector: '#page-btn' }, on('tip')),
        tour: await tour(ws, [{ kind: 'pointer', title: x.step, body: x.body, selector: '#page-btn' }, { kind: 'post', title: x.title, body: x.body }], on('tour')),
        survey: await survey(ws, [{ id: 'nps', type: 'nps', prompt: x.q }], { content: { format: 'small' }, ...on('survey') }),
      };
      const { page, errors, close } = await browserIn([lang]);
      try {
        for (const [kind, id] of Object.entries(ids)) {
          await page.goto(hostPage(ws.id, { name: kind }));
          await shown(page, id);
          if (kind === 'tooltip' || kind === 'tip') {
            // By keyboard: Tab reaches the beacon, which opens the popover and is described by
            // its text; Tab again goes into it (its ×).
            await page.focus('#page-btn');
            assert.ok(await tabTo(page, (f) => f.item === id && f.cls === 'bc'), `${kind}: Tab reaches the beacon`);
            const a = await page.evaluate((q) => {
              const r = document.querySelector(q).shadowRoot;
              const b = r.activeElement;
              const d = r.getElementById(b?.getAttribute('aria-describedby') ?? '');
              const pop = r.getElementById(b?.getAttribute('aria-controls') ?? '');
              return { beacon: b?.className, expanded: b?.getAttribute('aria-expanded'), described: d?.textContent, role: pop?.getAttribute('role'), name: pop?.getAttribute('aria-label'), open: pop ? !pop.hidden : false };
            }, sel(id));
            assert.deepEqual(a, { beacon: 'bc', expanded: 'true', described: x.body, role: 'dialog', name: kind === 'tip' ? TIP[lang] : x.title, open: true }, `${kind}: the beacon`);
            await page.keyboard.press('Tab');
            assert.equal(await page.evaluate((q) => document.querySelector(q).shadowRoot.activeElement?.className, sel(id)), 'x', `${kind}: Tab goes into the popover, to its ×`);
          }
          if (kind === 'tour') await stepIs(page, id, x.step);
          if (kind === 'survey') await screenIs(page, id, x.q);
          await page.waitForTimeout(300); // entry animations end
          const c = await core(page);
          assert.equal(c.lang, lang);
          // The item follows the workspace's appearance, and speaks the visitor's language.
          const look = await page.evaluate((q) => {
            const h = document.querySelector(q);
            const w = h.shadowRoot.querySelector('.w');
            return { dark: w.classList.contains('dark'), lang: h.getAttribute('lang'), dir: h.getAttribute('dir') };
          }, sel(id));
          assert.deepEqual(look, { dark: appearance === 'dark', lang, dir: lang === 'ar' ? 'rtl' : null }, `${kind}'s host`);
          const v = await axe(page);
          assert.deepEqual(v, [], `${kind} ${appearance} ${lang}: ${JSON.stringify(v, null, 1)}`);
          if (lang === 'ar' && appearance === 'dark') await page.screenshot({ path: outputPath(`i18n-ar-dark-${kind}.png`) });
        }
        // The messenger, open.
        await page.goto(hostPage(ws.id, { name: 'messenger' }));
        await core(page);
        await page.evaluate(() => window.Porchlight('show'));
        await until(() => page.evaluate(() => !!document.querySelector('#porchlight-root').shadowRoot.querySelector('.open')), 'the open panel');
        await page.waitForTimeout(500);
        const v = await axe(page);
        assert.deepEqual(v, [], `messenger ${appearance} ${lang}: ${JSON.stringify(v, null, 1)}`);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }
}

test('appearance "system": every experience follows the visitor\'s colour scheme; text on any primary colour reads at 4.5:1', async () => {
  // A primary colour where near-black text would fall short of 4.5:1 (luminance ≈ 0.18).
  const ws = await createWorkspace({ messenger: { appearance: 'system', primaryColor: '#d9480f' } });
  const banner = await outbound(ws, 'banner', { title: 'Hello', body: 'Read me.', position: 'top', style: 'floating' });
  const s = await survey(ws, [{ id: 'nps', type: 'nps', prompt: 'Recommend us?' }], { content: { format: 'small' } });
  for (const colorScheme of ['light', 'dark']) {
    const { page, errors, close } = await browserIn(['en'], { colorScheme });
    try {
      await page.goto(hostPage(ws.id, { name: colorScheme }));
      await shown(page, banner);
      await screenIs(page, s, 'Recommend us?');
      const bg = await page.evaluate((q) => getComputedStyle(document.querySelector(q).shadowRoot.querySelector('dialog.sv')).backgroundColor, sel(s));
      assert.equal(bg, colorScheme === 'dark' ? 'rgb(17, 24, 39)' : 'rgb(255, 255, 255)', `the survey in a ${colorScheme} scheme`);
      const panelBg = await page.evaluate(() => getComputedStyle(document.querySelector('#porchlight-root').shadowRoot.querySelector('.p')).backgroundColor);
      assert.equal(panelBg, colorScheme === 'dark' ? 'rgb(17, 24, 39)' : 'rgb(255, 255, 255)', `the panel in a ${colorScheme} scheme`);
      // One rule for the text on the primary colour: the core's, read by every module.
      const on = await page.evaluate((q) => getComputedStyle(document.querySelector(q).shadowRoot.querySelector('.bn')).color, sel(banner));
      assert.equal(on, 'rgb(0, 0, 0)', 'black on this orange (white reads 4.3:1, near-black #111 4.4:1, black 4.9:1)');
      const v = await axe(page);
      assert.deepEqual(v, [], `${colorScheme}: ${JSON.stringify(v, null, 1)}`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  }
});

test('bad input: a boot with wrong-typed or oversized languages is refused with its path; nothing else changes', async () => {
  const ws = await createWorkspace();
  const sid = 'a'.repeat(32);
  for (const [languages, path] of [['fr', '/languages'], [[1, 2], '/languages/0'], [Array(33).fill('fr'), '/languages'], [['x'.repeat(36)], '/languages/0']]) {
    const r = await call('POST', '/v1/boot', { body: { workspaceId: ws.id, sessionId: sid, languages } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.path, path, r.text);
  }
  // An unknown default language is refused by the settings.
  const bad = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { defaultLanguage: 'xx' } } });
  assert.equal(bad.status, 400, bad.text);
  // And a hostile explicit locale is just not a locale we speak.
  const r = await call('POST', '/v1/boot', { body: { workspaceId: ws.id, sessionId: sid, locale: '<script>', languages: ['ar'] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.i18n.locale, r.body.i18n.dir, r.body.i18n.strings.length > 100], ['ar', 'rtl', true]);
});
