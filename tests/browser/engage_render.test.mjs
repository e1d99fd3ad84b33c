// The engagement module's renderers (widget/engage/src/render), as a visitor meets them: content
// authored through the admin API, a real host page in headless Chromium against the live edge.
// Banners, posts, chat cards and tooltips: where they sit, what their buttons do, focus, and
// impressions recorded once per action. (Looks, keyboard, isolation and hostile input:
// engage_guard.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, outputPath } from '../lib/browser.mjs';
import { BASE, createWorkspace } from '../lib/harness.mjs';
import { MAIN, MESSENGER, NOT_NOW, ORIGIN, box, click, corePanel, edgeHistory, focused, gone, hostPage, hosts, isVisible, notOn, onPath, open, openUrl, outbound, pageBox, sel, shown, styleOf, tabTo, tooltip, until, workspace } from '../lib/engage.mjs';

test('banner: floating over the page or inline in its flow, top or bottom; × dismisses once; undismissible has no ×; a named region', async () => {
  const ws = { top: await createWorkspace({ messenger: { primaryColor: '#b45309' } }), inline: await workspace(), bottom: await workspace(), inlineBottom: await workspace() };
  const ids = {
    top: await outbound(ws.top, 'banner', { title: 'Spring sale', body: 'Annual plans: two months free.', buttons: [openUrl('See plans', `${ORIGIN}/landing`)], position: 'top', style: 'floating' }),
    inline: await outbound(ws.inline, 'banner', { body: 'Scheduled maintenance on Sunday.', position: 'top', style: 'inline', dismissible: false }),
    bottom: await outbound(ws.bottom, 'banner', { title: 'Cookies', body: 'We use none.', position: 'bottom', style: 'floating' }),
    inlineBottom: await outbound(ws.inlineBottom, 'banner', { body: 'Thanks for reading to the end.', position: 'bottom', style: 'inline' }),
  };
  const { page, errors, imps, close } = await open();
  // Where the page's first element is without the banner (the banner's host taken out of the flow).
  const firstTopWithout = (id) => page.evaluate((s) => {
    const h = document.querySelector(s);
    h.style.display = 'none';
    const y = document.getElementById('first').getBoundingClientRect().top;
    h.style.display = '';
    return y;
  }, sel(id));
  try {
    // Floating, top: fixed at the top edge, over the page (the page does not move).
    await page.goto(hostPage(ws.top.id));
    await shown(page, ids.top);
    const top = await box(page, ids.top, '.bn');
    assert.deepEqual(await styleOf(page, ids.top, '.bn', ['position', 'background-color']), { position: 'fixed', 'background-color': 'rgb(180, 83, 9)' }, 'fixed, in the workspace\'s colour');
    assert.equal(top.y, 0);
    assert.equal(top.w, 1280);
    assert.ok(top.h >= 40 && top.h < 120, `a strip, not a wall: ${top.h}px`);
    assert.equal((await pageBox(page, '#first')).y, await firstTopWithout(ids.top), 'a floating banner does not move the page');
    const region = page.getByRole('region', { name: 'Spring sale' });
    assert.equal(await region.count(), 1, 'a region landmark named by its title');
    // Keyboard: the visitor comes from the page's link into the banner, to its ×; Enter
    // dismisses it, and focus goes back to the link (not to the start of the document).
    await page.focus('#page-link');
    await page.getByRole('button', { name: 'Dismiss' }).focus();
    await page.keyboard.press('Enter');
    await gone(page, ids.top);
    const back = await focused(page);
    assert.equal(back.id, 'page-link', `focus back where it came from: ${JSON.stringify(back)}`);
    await imps.expect(ids.top, { dismissed: 1, shown: 1 });
    const h = await edgeHistory(imps, ids.top);
    assert.equal(h.shown, 1);
    assert.equal(h.dismissed, true);

    // Inline, top: first in the page's flow, which moves down by exactly its height.
    await page.goto(hostPage(ws.inline.id));
    await shown(page, ids.inline);
    const inline = await box(page, ids.inline, '.bn');
    assert.notEqual((await styleOf(page, ids.inline, '.bn', ['position'])).position, 'fixed');
    assert.equal(inline.y, 0);
    const without = await firstTopWithout(ids.inline);
    assert.equal((await pageBox(page, '#first')).y, without + inline.h, 'the page moved down by the banner\'s height');
    assert.equal(await page.locator(`${sel(ids.inline)} .x`).count(), 0, 'dismissible: false has no ×');
    assert.equal(await page.getByRole('region', { name: 'Announcement' }).count(), 1, 'an untitled banner is a region named by the catalog');
    await page.mouse.wheel(0, 400);

    // Floating, bottom: fixed at the bottom edge, clear of the launcher.
    await page.goto(hostPage(ws.bottom.id));
    await shown(page, ids.bottom);
    await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
    const bottom = await box(page, ids.bottom, '.bn');
    assert.equal(bottom.bottom, 800);
    const launcherFree = await page.evaluate(() => {
      const l = document.getElementById('porchlight-root').shadowRoot.querySelector('button').getBoundingClientRect();
      return document.elementFromPoint(l.x + l.width / 2, l.y + l.height / 2)?.id === 'porchlight-root';
    });
    assert.ok(launcherFree, 'the launcher is not covered by the bottom banner');
    const x = await box(page, ids.bottom, '.x');
    const l = await page.evaluate(() => document.getElementById('porchlight-root').shadowRoot.querySelector('button').getBoundingClientRect().toJSON());
    assert.ok(x.right <= l.x || x.y >= l.bottom || x.bottom <= l.y, 'the banner\'s × is not under the launcher');

    // Inline, bottom: at the end of the page's flow.
    await page.goto(hostPage(ws.inlineBottom.id));
    await shown(page, ids.inlineBottom);
    const ib = await box(page, ids.inlineBottom, '.bn');
    assert.ok(ib.y >= (await pageBox(page, 'main')).bottom, 'after the page\'s content');
    assert.notEqual((await styleOf(page, ids.inlineBottom, '.bn', ['position'])).position, 'fixed');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('post: a modal dialog; focus moves in, Tab stays in, Escape closes and focus goes back; image with its alt; dismiss, open_url (new tab, noopener) and open_messenger', async () => {
  const ws = await workspace();
  const id = await outbound(ws, 'post', {
    title: 'New: reports', body: 'Build reports without SQL.', imageUrl: `${BASE}/favicon.svg`, imageAlt: 'The Acme logo',
    buttons: [openUrl('Read more', `${ORIGIN}/landing`), MESSENGER, NOT_NOW],
  }, { triggers: [{ type: 'event', name: 'open-post' }], audience: notOn('/locked') });
  const locked = await outbound(ws, 'post', { title: 'Terms', body: 'Our terms changed.', dismissible: false, buttons: [{ label: 'Got it', action: { type: 'dismiss' } }] }, { audience: onPath('/locked') });
  const { context, page, errors, imps, close } = await open();
  const url = hostPage(ws.id);
  /** Loads the page, focuses the page's button, then tracks the event that opens the post. */
  const openPost = async () => {
    await page.goto(url);
    await page.waitForFunction(() => window.Porchlight?.l, null, { timeout: 15000 });
    await page.focus('#page-btn');
    await page.evaluate(() => window.Porchlight('track', 'open-post'));
    await shown(page, id);
    await until(() => isVisible(page, id, 'dialog'), 'the post');
  };
  try {
    await openPost();
    assert.equal(await page.evaluate((s) => document.querySelector(s).shadowRoot.querySelector('dialog').matches(':modal'), sel(id)), true, 'opened with showModal');
    const dialog = page.getByRole('dialog', { name: 'New: reports' });
    assert.equal(await dialog.count(), 1, 'a dialog named by its title');
    assert.equal((await focused(page)).item, id, 'focus moved into the post');
    const img = () => page.evaluate((s) => { const i = document.querySelector(s).shadowRoot.querySelector('img'); return { alt: i.alt, loaded: i.complete && i.naturalWidth > 0 }; }, sel(id));
    await until(async () => (await img()).loaded, 'the image to load');
    assert.deepEqual(await img(), { alt: 'The Acme logo', loaded: true });
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      const f = await focused(page);
      assert.equal(f.item, id, `${key}: focus stays in the post (it went to ${JSON.stringify(f)})`);
      assert.equal(f.tag, 'button');
    }
    await page.keyboard.press('Escape');
    await gone(page, id);
    assert.equal((await focused(page)).id, 'page-btn', 'focus went back to what had it before');
    await imps.expect(id, { dismissed: 1, shown: 1 });

    // A `dismiss` button closes it.
    await openPost();
    await page.getByRole('button', { name: 'Not now' }).click();
    await gone(page, id);
    assert.equal((await focused(page)).id, 'page-btn');
    await imps.expect(id, { dismissed: 2, shown: 2 });

    // `open_url`: a new tab, without a handle on this page.
    await openPost();
    const [tab] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Read more' }).click()]);
    await tab.waitForLoadState();
    assert.equal(tab.url(), `${ORIGIN}/landing`);
    assert.equal(await tab.evaluate(() => window.opener), null, 'opened with noopener');
    await tab.close();
    await gone(page, id);
    await imps.expect(id, { clicked: 1, dismissed: 2, shown: 3 });

    // `open_messenger`: the core's panel opens.
    await openPost();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await gone(page, id);
    await corePanel(page).waitFor({ state: 'visible', timeout: 15000 });
    await imps.expect(id, { clicked: 2, dismissed: 2, shown: 4 });
    const h = await edgeHistory(imps, id);
    assert.equal(h.shown, 4, 'the edge stored each show once');

    // Undismissible: no ×, Escape does nothing, until the browser insists (pressed again and
    // again, Chromium closes it anyway): then it is gone, as a dismissal, recorded once.
    await page.goto(hostPage(ws.id, { name: 'locked' }));
    await shown(page, locked);
    await until(() => isVisible(page, locked, 'dialog'), 'the undismissible post');
    assert.equal(await page.locator(`${sel(locked)} .x`).count(), 0);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
    assert.equal(await isVisible(page, locked, 'dialog'), true, 'Escape does not close it');
    for (let i = 0; i < 4 && (await hosts(page)).length; i++) await page.keyboard.press('Escape');
    await gone(page, locked);
    await imps.expect(locked, { dismissed: 1, shown: 1 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('chat card: above the launcher, announced politely; Reply opens the messenger; × dismisses', async () => {
  const ws = await workspace();
  const id = await outbound(ws, 'chat', { body: 'Hi! Need a hand with reports? I am around all afternoon.' });
  const { page, errors, imps, close } = await open();
  const url = hostPage(ws.id);
  try {
    await page.goto(url);
    await shown(page, id);
    const launcher = page.getByRole('button', { name: /^Open messenger/ });
    await launcher.waitFor({ state: 'visible', timeout: 15000 });
    const card = await box(page, id, '.cc');
    const l = await launcher.boundingBox();
    assert.ok(card.bottom <= l.y, `above the launcher (${card.bottom} ≤ ${l.y})`);
    assert.ok(Math.abs(card.right - (l.x + l.width)) <= 1, 'aligned with the launcher\'s side');
    assert.equal(await page.getByRole('status').filter({ hasText: 'Need a hand' }).count(), 1, 'a polite live region');
    await page.getByRole('button', { name: 'Reply' }).click();
    await gone(page, id);
    await corePanel(page).waitFor({ state: 'visible', timeout: 15000 });
    await imps.expect(id, { clicked: 1, shown: 1 });

    await page.goto(url);
    await shown(page, id);
    // × from the keyboard: focus goes back to the page's button the visitor came from.
    await page.focus('#page-btn');
    await page.locator(`${sel(id)} .x`).focus();
    await page.keyboard.press('Enter');
    await gone(page, id);
    assert.equal((await focused(page)).id, 'page-btn');
    await imps.expect(id, { clicked: 1, dismissed: 1, shown: 2 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('tooltip: a beacon by its element; hover, focus and click open it, Escape hides it, × dismisses it; then the next one, kept in the viewport at the edges, following scroll', async () => {
  const ws = await workspace();
  const long = 'Export any report as CSV, Excel or PDF from here, or schedule it by email every week.';
  const ids = {
    main: await tooltip(ws, { title: 'Export', body: long, selector: '#target' }, { priority: 5 }),
    right: await tooltip(ws, { body: long, selector: '#edge-r' }, { priority: 4 }),
    bottom: await tooltip(ws, { body: long, selector: '#edge-b' }, { priority: 3 }),
  };
  const { page, errors, imps, close } = await open();
  const body = `${MAIN}<div style="height:300px"></div><p><button id="target" type="button">Export</button></p><div style="height:2000px"></div>
    <button id="edge-r" type="button" style="position:fixed;right:0;top:300px">Right</button>
    <button id="edge-b" type="button" style="position:fixed;left:40%;bottom:0">Bottom</button>`;
  const popIn = async (id) => {
    await until(() => isVisible(page, id, '.tp'), 'the popover');
    const p = await box(page, id, '.tp');
    assert.ok(p.x >= 0 && p.y >= 0 && p.right <= 1280 && p.bottom <= 800, `inside the viewport: ${JSON.stringify(p)}`);
    return p;
  };
  try {
    await page.goto(hostPage(ws.id, { body }));
    await shown(page, ids.main);
    // The beacon: beside its element, vertically centred on it, not over its text.
    const t = await pageBox(page, '#target');
    const b = await box(page, ids.main, '.bc');
    assert.ok(b.x >= t.right && b.x <= t.right + 12, `right of the element: ${JSON.stringify({ b, t })}`);
    assert.ok(Math.abs(b.y + b.h / 2 - (t.y + t.h / 2)) <= 1, 'vertically centred on it');
    assert.equal(await isVisible(page, ids.main, '.tp'), false, 'the popover waits to be asked');
    // Hover opens; Escape hides.
    await page.locator(`${sel(ids.main)} .bc`).hover();
    await popIn(ids.main);
    await page.keyboard.press('Escape');
    await until(async () => !(await isVisible(page, ids.main, '.tp')), 'Escape to hide it');
    await page.mouse.move(5, 5);
    // Focus (the keyboard) opens; Escape hides, focus stays on the beacon.
    await page.focus('#page-btn');
    const f = await tabTo(page, (f) => f.item === ids.main);
    assert.equal(f?.cls, 'bc', 'Tab reaches the beacon');
    await popIn(ids.main);
    await page.keyboard.press('Escape');
    await until(async () => !(await isVisible(page, ids.main, '.tp')), 'Escape to hide it');
    assert.equal((await focused(page)).cls, 'bc');
    // Click opens; the popover sits below the element and follows it when the page scrolls.
    await page.mouse.click(5, 5);
    await click(page, ids.main, '.bc');
    const before = await popIn(ids.main);
    assert.ok(before.y >= t.bottom, 'below its element');
    await page.mouse.wheel(0, 150);
    await until(async () => (await pageBox(page, '#target')).y === t.y - 150, 'the scroll');
    await until(async () => (await box(page, ids.main, '.tp')).y === before.y - 150, 'the popover to follow');
    assert.equal((await box(page, ids.main, '.bc')).y, b.y - 150, 'the beacon follows too');
    await click(page, ids.main, '.tp .x');
    await gone(page, ids.main);
    await imps.expect(ids.main, { dismissed: 1, shown: 1 });
    assert.deepEqual(await edgeHistory(imps, ids.main, 'tooltips'), { shown: 1, lastShownAt: (await edgeHistory(imps, ids.main, 'tooltips')).lastShownAt, dismissed: true, completed: false });

    // The next tooltip: an element at the right edge.
    await shown(page, ids.right);
    const rb = await box(page, ids.right, '.bc');
    assert.ok(rb.x >= 0 && rb.right <= 1280, `the beacon stays in the viewport: ${JSON.stringify(rb)}`);
    await click(page, ids.right, '.bc');
    await popIn(ids.right);
    await page.screenshot({ path: outputPath('engage-tooltip-right-edge.png') });
    await click(page, ids.right, '.tp .x');
    await gone(page, ids.right);
    // And one at the bottom: the popover goes above it.
    await shown(page, ids.bottom);
    await click(page, ids.bottom, '.bc');
    const bp = await popIn(ids.bottom);
    assert.ok(bp.bottom <= (await pageBox(page, '#edge-b')).y, 'above an element at the bottom');
    await page.screenshot({ path: outputPath('engage-tooltip-bottom-edge.png') });
    await click(page, ids.bottom, '.tp .x');
    await gone(page, ids.bottom);
    await imps.expect(ids.right, { dismissed: 1, shown: 1 });
    await imps.expect(ids.bottom, { dismissed: 1, shown: 1 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('tooltip: hint "element" opens on the element\'s hover and focus; one whose element arrives later shows when it does', async () => {
  const ws = await workspace();
  const hint = await tooltip(ws, { body: 'Your saved reports live here.', selector: '#page-btn', hint: 'element', buttons: [MESSENGER] }, { audience: onPath('/hint') });
  const late = await tooltip(ws, { body: 'Freshly rendered.', selector: '#late' }, { audience: onPath('/late') });
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(ws.id, { name: 'hint' }));
    await shown(page, hint);
    assert.equal(await page.locator(`${sel(hint)} .bc`).count(), 0, 'no beacon');
    assert.equal(await isVisible(page, hint, '.tp'), false);
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover to open it');
    const v = await axe(page);
    assert.deepEqual(v, [], `an untitled popover with buttons: ${JSON.stringify(v, null, 2)}`);
    const p = await box(page, hint, '.tp');
    assert.ok(p.y >= (await pageBox(page, '#page-btn')).bottom, 'below the element');
    // The pointer can travel from the element onto the popover (across the gap) and press its
    // button; leaving the popover for the page closes it.
    const from = await pageBox(page, '#page-btn');
    const to = await box(page, hint, '.btn');
    await page.mouse.move(from.x + 4, from.y + from.h / 2);
    await page.mouse.move(from.x + 4, to.y + to.h / 2, { steps: 12 });
    assert.equal(await isVisible(page, hint, '.tp'), true, 'still open on the popover');
    await page.mouse.move(900, 600, { steps: 4 });
    await until(async () => !(await isVisible(page, hint, '.tp')), 'leaving the popover to close it');
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover to open it again');
    await page.mouse.move(600, 600);
    await until(async () => !(await isVisible(page, hint, '.tp')), 'leaving to close it');
    await page.focus('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'focus to open it');
    await page.keyboard.press('Escape');
    await until(async () => !(await isVisible(page, hint, '.tp')), 'Escape to hide it');
    await page.focus('#page-link');
    await page.focus('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'focus to open it again');
    // Keyboard only: Tab from the element goes into the open popover (its × first), Tab on to
    // its button; focus leaving the popover for the page closes it.
    await page.keyboard.press('Tab');
    let f = await focused(page);
    assert.equal(f.item, hint, `Tab from the element goes into its popover: ${JSON.stringify(f)}`);
    assert.equal(f.cls, 'x');
    await page.keyboard.press('Tab');
    f = await focused(page);
    assert.equal(f.label, 'Chat with us', 'then its button');
    await page.focus('#page-link');
    await until(async () => !(await isVisible(page, hint, '.tp')), 'focus back on the page closes it');
    await page.focus('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'focus to open it once more');
    await page.focus('#page-link');
    await until(async () => !(await isVisible(page, hint, '.tp')), 'blur to close it');
    // The page draws the element again (as a framework re-render does): the new one is the
    // hint's, for hover, leaving and focus alike.
    await page.evaluate(() => { const b = document.querySelector('#page-btn'); b.replaceWith(b.cloneNode(true)); });
    await page.mouse.move(600, 600);
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover on the element drawn again to open it');
    await page.mouse.move(600, 600);
    await until(async () => !(await isVisible(page, hint, '.tp')), 'leaving the element drawn again to close it');
    await page.focus('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'focus on the element drawn again to open it');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).item, hint, 'Tab from the element drawn again goes into its popover');
    await page.focus('#page-link');
    await until(async () => !(await isVisible(page, hint, '.tp')), 'focus back on the page closes it');
    await page.hover('#page-btn');
    await until(() => isVisible(page, hint, '.tp'), 'hover to open it');
    await page.mouse.move(from.x + from.w / 2, to.y + to.h / 2, { steps: 8 });
    await page.mouse.click(to.x + to.w / 2, to.y + to.h / 2);
    await gone(page, hint);
    await corePanel(page).waitFor({ state: 'visible', timeout: 15000 });

    await page.goto(hostPage(ws.id, {
      name: 'late',
      script: `setTimeout(() => { const b = document.createElement('button'); b.id = 'late'; b.textContent = 'Late'; document.querySelector('main').append(b); window.__lateAt = performance.now(); }, 1000);`,
    }));
    await shown(page, late);
    const at = await page.evaluate(() => ({ late: window.__lateAt, now: performance.now() }));
    assert.ok(at.late > 0, 'shown only once its element is there');
    assert.ok(at.now - at.late < 1500, `soon after it arrived (${Math.round(at.now - at.late)} ms)`);
    const b = await box(page, late, '.bc');
    const e = await pageBox(page, '#late');
    assert.ok(Math.abs(b.y + b.h / 2 - (e.y + e.h / 2)) <= 1 && b.x >= e.right, 'by its element');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('tooltip: its element re-rendered by the page (replaced by a new one) is followed as it changes size', async () => {
  const ws = await workspace();
  const id = await tooltip(ws, { body: 'Export from here.', selector: '#grow' });
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(ws.id, { body: `${MAIN}<p><button id="grow" type="button" style="width:120px">Export</button></p>` }));
    await shown(page, id);
    const beacon = () => box(page, id, '.bc');
    const before = await until(beacon, 'the beacon');
    // The app re-renders: a new element, same id; a scroll makes the tooltip look again.
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'grow'; b.type = 'button'; b.textContent = 'Export'; b.style.width = '120px';
      document.querySelector('#grow').replaceWith(b);
      window.dispatchEvent(new Event('scroll'));
    });
    // The new element grows: the beacon follows its right edge (a size observer on it).
    await page.evaluate(() => { document.querySelector('#grow').style.width = '320px'; });
    await until(async () => (await beacon()).x >= before.x + 150, 'the beacon at the grown element', 3000);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
