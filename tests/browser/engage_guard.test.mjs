// The engagement module's renderers, held to what every experience owes a visitor: axe in light
// / dark / system, the keyboard alone, isolation from a hostile page stylesheet, hostile content
// and selectors, and a very large eligible answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, outputPath } from '../lib/browser.mjs';
import { BASE, call } from '../lib/harness.mjs';
import { MAIN, MESSENGER, NOT_NOW, ORIGIN, author, box, click, focused, gone, hostPage, hosts, isVisible, notOn, onPath, open, openUrl, outbound, sel, shown, styleOf, tabTo, tooltip, until, workspace } from '../lib/engage.mjs';

test('looks: every experience passes axe in light, dark and system (dark), and is screenshotted', async () => {
  const { page, errors, close } = await open();
  try {
    for (const appearance of ['light', 'dark', 'system']) {
      await page.emulateMedia({ colorScheme: appearance === 'system' ? 'dark' : 'light' });
      const ws = await workspace(appearance);
      const [banner, chat, tip, post] = await Promise.all([
        outbound(ws, 'banner', { title: 'Spring sale', body: 'Annual plans: two months free until Friday.', buttons: [openUrl('See plans', `${ORIGIN}/landing`), MESSENGER], position: 'top', style: 'floating' }),
        outbound(ws, 'chat', { title: 'Ana from Acme', body: 'Hi! Need a hand with reports? I am around all afternoon.', imageUrl: `${BASE}/favicon.svg`, imageAlt: 'Acme' }),
        tooltip(ws, { title: 'Export', body: 'Export any report as CSV from here.', selector: '#page-btn', buttons: [openUrl('How', `${ORIGIN}/landing`)] }),
        outbound(ws, 'post', { title: 'New: reports', body: 'Build reports without SQL.\nDrag, drop, share.', imageUrl: `${BASE}/favicon.svg`, imageAlt: 'The Acme logo', buttons: [openUrl('Read more', `${ORIGIN}/landing`), NOT_NOW] }, { audience: onPath('/post') }),
      ]);
      await page.goto(hostPage(ws.id, { body: `<div style="height:60px"></div>${MAIN}` }));
      for (const id of [banner, chat, tip]) await shown(page, id);
      await click(page, tip, '.bc');
      await until(() => isVisible(page, tip, '.tp'), 'the popover');
      await page.mouse.move(700, 500);
      await page.waitForTimeout(300);
      await page.screenshot({ path: outputPath(`engage-banner-chat-tooltip-${appearance}.png`) });
      const v = await axe(page);
      assert.deepEqual(v, [], `${appearance}: ${JSON.stringify(v, null, 2)}`);

      await page.goto(hostPage(ws.id, { name: 'post' }));
      await shown(page, post);
      await until(() => isVisible(page, post, 'dialog'), 'the post');
      await page.waitForTimeout(200);
      await page.screenshot({ path: outputPath(`engage-post-${appearance}.png`) });
      const vp = await axe(page);
      assert.deepEqual(vp, [], `${appearance} post: ${JSON.stringify(vp, null, 2)}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('keyboard only: each experience is reached, operated and dismissed with the keyboard', async () => {
  const ws = await workspace();
  const [banner, chat, tip, post] = await Promise.all([
    outbound(ws, 'banner', { body: 'Annual plans: two months free.', position: 'top', style: 'floating' }, { audience: notOn('/post') }),
    outbound(ws, 'chat', { body: 'Hi! Need a hand?' }, { audience: notOn('/post') }),
    tooltip(ws, { body: 'Export from here.', selector: '#page-btn' }, { audience: notOn('/post') }),
    outbound(ws, 'post', { title: 'New: reports', body: 'Build reports without SQL.', buttons: [NOT_NOW] }, { audience: onPath('/post') }),
  ]);
  const { page, errors, imps, close } = await open();
  const dismissWithKeys = async (id) => {
    const f = await tabTo(page, (f) => f.item === id && f.cls === 'x');
    assert.ok(f, `Tab reaches the × of ${id}`);
    await page.keyboard.press('Enter');
    await gone(page, id);
  };
  try {
    await page.goto(hostPage(ws.id));
    for (const id of [banner, chat, tip]) await shown(page, id);
    await dismissWithKeys(banner);
    await dismissWithKeys(chat);
    // The tooltip: Tab to the beacon opens it, Tab again into it, Enter on × dismisses.
    assert.ok(await tabTo(page, (f) => f.item === tip && f.cls === 'bc'));
    await until(() => isVisible(page, tip, '.tp'), 'focus to open the popover');
    await page.keyboard.press('Tab');
    assert.deepEqual([(await focused(page)).item, (await focused(page)).cls], [tip, 'x'], 'the popover\'s × comes next');
    await page.keyboard.press('Enter');
    await gone(page, tip);

    await page.goto(hostPage(ws.id, { name: 'post' }));
    await shown(page, post);
    await until(async () => (await focused(page)).item === post, 'focus in the post');
    assert.ok(await tabTo(page, (f) => f.item === post && f.label === 'Not now', 5));
    await page.keyboard.press('Enter');
    await gone(page, post);
    for (const id of [banner, chat, tip]) await imps.expect(id, { dismissed: 1, shown: 1 });
    await imps.expect(post, { dismissed: 1, shown: 1 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('isolation: a hostile page stylesheet changes nothing inside the items; their styles do not reach the page', async () => {
  const ws = await workspace();
  const empty = await workspace();
  const [banner, chat, tip] = await Promise.all([
    outbound(ws, 'banner', { title: 'Spring sale', body: 'Annual plans: two months free.', buttons: [openUrl('See plans', `${ORIGIN}/landing`)], position: 'top', style: 'inline' }),
    outbound(ws, 'chat', { body: 'Hi! Need a hand?' }),
    tooltip(ws, { body: 'Export from here.', selector: '#page-btn' }),
  ]);
  const hostile = `<style>
    body * { all: unset !important; color: red !important; font-size: 40px !important; font-family: cursive !important;
      letter-spacing: 6px !important; word-spacing: 20px !important; text-transform: uppercase !important; line-height: 4 !important;
      text-shadow: 2px 2px lime !important; font-style: italic !important; text-align: right !important; white-space: pre !important;
      -webkit-text-fill-color: red !important; cursor: wait !important; text-indent: 50px !important; }
    div > *, p, button, strong, span, dialog, section, svg { display: none !important; background: lime !important; padding: 30px !important; }
    button { border: 5px solid lime !important; width: 500px !important; }
  </style>`;
  const PROPS = ['display', 'position', 'background-color', 'color', 'font-size', 'font-family', 'font-style', 'letter-spacing', 'word-spacing',
    'text-transform', 'line-height', 'text-shadow', 'text-align', 'white-space', '-webkit-text-fill-color', 'cursor', 'text-indent',
    'text-decoration-line', 'padding-top', 'border-top-width', 'width', 'height'];
  const look = async (page) => ({
    banner: await styleOf(page, banner, '.bn', PROPS),
    text: await styleOf(page, banner, '.bd', PROPS),
    button: await styleOf(page, banner, '.btn', PROPS),
    close: await styleOf(page, banner, '.x', PROPS),
    card: await styleOf(page, chat, '.cc', PROPS),
    reply: await styleOf(page, chat, '.btn', PROPS),
    beacon: await styleOf(page, tip, '.bc', PROPS),
    bannerBox: await box(page, banner, '.bn'),
    cardBox: await box(page, chat, '.cc'),
  });
  const BUTTON = ['display', 'color', 'background-color', 'font-size', 'font-family', 'padding-top', 'padding-left', 'border-top-width', 'border-top-style', 'line-height', 'box-sizing', 'width', 'height', 'cursor', 'outline-style'];
  const pageButton = (page) => page.evaluate((props) => { const st = getComputedStyle(document.getElementById('page-btn')); return Object.fromEntries(props.map((p) => [p, st.getPropertyValue(p)])); }, BUTTON);
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(empty.id));
    await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
    const plainButton = await pageButton(page);

    await page.goto(hostPage(ws.id));
    for (const id of [banner, chat, tip]) await shown(page, id);
    const calm = await look(page);
    assert.deepEqual(await pageButton(page), plainButton, 'a page <button> looks the same with the items shown');

    await page.goto(hostPage(ws.id, { head: hostile }));
    for (const id of [banner, chat, tip]) await shown(page, id);
    assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('page-btn')).fontSize), '40px', 'the hostile sheet applies to the page');
    const attacked = await look(page);
    assert.deepEqual(attacked, calm, 'nothing inside the items changed');
    await page.screenshot({ path: outputPath('engage-hostile-css.png') });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('hostile content: markup is text; invalid or hostile selectors never throw and show nothing; javascript: URLs cannot be saved', async () => {
  const XSS = {
    title: '<img src=x onerror="window.__xss=1">Title',
    body: '<script>window.__xss=2</script><b>bold</b><iframe src="javascript:parent.__xss=3"></iframe>',
    label: '<svg onload="window.__xss=4"></svg>Go',
  };
  const ws = await workspace();
  const [banner, chat, tip, post] = await Promise.all([
    outbound(ws, 'banner', { title: XSS.title, body: XSS.body, buttons: [{ label: XSS.label, action: { type: 'dismiss' } }] }),
    outbound(ws, 'chat', { title: XSS.title, body: XSS.body, buttons: [{ label: XSS.label, action: { type: 'open_messenger' } }] }),
    tooltip(ws, { title: XSS.title, body: XSS.body, selector: '#page-btn', buttons: [{ label: XSS.label, action: { type: 'dismiss' } }] }),
    outbound(ws, 'post', { title: XSS.title, body: XSS.body, imageUrl: `${BASE}/favicon.svg`, imageAlt: XSS.title, buttons: [{ label: XSS.label, action: { type: 'dismiss' } }] }, { audience: onPath('/post') }),
  ]);
  for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.test/', 'mailto:a@b.test']) {
    const r = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'js', content: { body: 'x', buttons: [openUrl('Go', url)] } } });
    assert.equal(r.status, 400, `${url}: ${r.text}`);
    assert.equal(r.body.error.path, '/content/buttons/0/action/url');
  }

  const selectors = ['###', 'a[', ':has(', `html ${'div '.repeat(123)}#x`.slice(0, 500), 'a:has(:has(b))'];
  const bad = [];
  for (const selector of selectors) {
    const w = await workspace();
    bad.push({ ws: w, id: await tooltip(w, { body: 'never', selector }) });
  }
  const { page, errors, close } = await open();
  /** Every element and attribute inside item `id`'s shadow root, and its text. */
  const inside = (id) => page.evaluate((s) => {
    const r = document.querySelector(s).shadowRoot;
    return { tags: [...new Set([...r.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()))].sort(), handlers: [...r.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')), text: r.textContent };
  }, sel(id));
  try {
    await page.goto(hostPage(ws.id));
    for (const id of [banner, chat, tip]) await shown(page, id);
    await click(page, tip, '.bc');
    for (const id of [banner, chat, tip]) {
      const x = await inside(id);
      assert.deepEqual(x.handlers, []);
      for (const t of ['img', 'script', 'b', 'iframe']) assert.ok(!x.tags.includes(t), `no <${t}> in ${id}: ${x.tags}`);
      assert.ok(x.text.includes(XSS.body), 'the body shows as written');
      assert.ok(x.text.includes(XSS.label), 'the label shows as written');
    }
    await page.goto(hostPage(ws.id, { name: 'post' }));
    await shown(page, post);
    const p = await inside(post);
    assert.deepEqual(p.handlers, []);
    assert.deepEqual(p.tags.filter((t) => ['script', 'b', 'iframe'].includes(t)), []);
    assert.equal(await page.getByRole('heading', { name: XSS.title }).count(), 1);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    for (const { ws: w, id } of bad) {
      await page.goto(hostPage(w.id));
      await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
      await page.evaluate(() => { document.querySelector('main').append(Object.assign(document.createElement('div'), { textContent: 'mutated' })); });
      await page.waitForTimeout(400);
      assert.deepEqual(await hosts(page), [], `nothing for ${id}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a very large eligible answer (150 banners, 150 tooltips of 480 characters) shows the right two items; its long tasks are reported', async (t) => {
  const ws = await workspace();
  const text = (i) => `Item ${i}: ${'lorem ipsum dolor sit amet '.repeat(20)}`.slice(0, 480);
  const specs = [];
  for (let i = 0; i < 150; i++) {
    specs.push(['outbound', { kind: 'banner', name: `b${i}`, content: { title: `Banner ${i}`, body: text(i), buttons: [openUrl('See', `${ORIGIN}/landing`)] }, frequency: 'always', priority: i }]);
    specs.push(['tooltips', { name: `t${i}`, content: { title: `Tip ${i}`, body: text(i), selector: '#page-btn' }, frequency: 'always', priority: i }]);
  }
  // In parallel batches, each from its own client address (the admin rate limit is per address).
  let top = {};
  for (let k = 0; k < specs.length; k += 50) {
    const headers = { 'cf-connecting-ip': `10.250.${k / 50}.${Math.floor(Math.random() * 250)}` };
    const made = await Promise.all(specs.slice(k, k + 50).map(([family, body]) => author(ws, family, body, { headers })));
    specs.slice(k, k + 50).forEach(([family, body], j) => { if (body.priority === 149) top[family] = made[j]; });
  }
  const head = `<script>window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true });</script>`;
  const { page, errors, close } = await open();
  try {
    const eligible = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/boot', { timeout: 20000 });
    await page.goto(hostPage(ws.id, { head }));
    const boot = await (await eligible).body();
    await shown(page, top.outbound, 20000);
    await shown(page, top.tooltips, 20000);
    await page.waitForTimeout(1000);
    const long = await page.evaluate(() => window.__long);
    // A figure, not a verdict: timed assertions flake on a shared machine (scripts/bench measures
    // long tasks). What must hold is that the page shows the right items and keeps working.
    t.diagnostic(`boot answer ${Math.round(boot.length / 1024)} KB; long tasks (ms): ${JSON.stringify(long)}`);
    assert.deepEqual((await hosts(page)).sort(), [top.outbound, top.tooltips].sort(), 'one banner and one tooltip: the highest priority of each');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
