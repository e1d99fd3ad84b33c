// Tour steps in the page, held to issue 11's "Show" list: a placement grid (targets at the edges,
// corners, centre, in a scrolled container, fixed and sticky; three viewports; LTR and RTL; every
// placement) where each popover stays inside the viewport and off its target; axe-core and the
// keyboard on every step kind, light and dark; and nothing running while nothing moves.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { ARGS, axe, outputPath, watchErrors } from '../lib/browser.mjs';
import { BASE } from '../lib/harness.mjs';
import { MAIN, author, focused, gone, hostPage, onPath, open, sel, shown, until, workspace } from '../lib/engage.mjs';

const tour = (ws, content, extra = {}) => author(ws, 'tours', { name: 'tour', content, ...extra });

/**
 * In the page: waits until item `id`'s open step shows `body`, then until its box has stayed the
 * same for three frames (it is placed, and re-placed once by its observers), and returns what the
 * assertions need. Uses the untouched `getBoundingClientRect` and `requestAnimationFrame` when an
 * init script counts the page's own calls (test 3).
 */
const settle = (page, id, body) => page.evaluate(async ([s, body]) => {
  const raf = window.__orig?.raf ?? window.requestAnimationFrame.bind(window);
  const rectOf = (e) => {
    const r = (window.__orig?.rect ?? Element.prototype.getBoundingClientRect).call(e);
    return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
  };
  const frame = () => new Promise((r) => raf(r));
  const dialog = () => document.querySelector(s)?.shadowRoot?.querySelector('dialog[open]');
  const end = performance.now() + 15000;
  while (dialog()?.querySelector('.bd')?.textContent !== body) {
    if (performance.now() > end) return { error: `no step "${body}"; on screen: "${dialog()?.querySelector('.bd')?.textContent}"` };
    await frame();
  }
  const d = dialog();
  let last = '', same = 0;
  for (let i = 0; i < 120 && same < 3; i++) {
    await frame();
    const now = JSON.stringify(rectOf(d));
    same = now === last ? same + 1 : 0;
    last = now;
  }
  const ar = d.querySelector('.ar');
  const html = document.documentElement;
  // Every button of the step can be pressed: nothing of the page or of the widget lies on it.
  const host = document.querySelector(s);
  const covered = [...d.querySelectorAll('button')].filter((b) => {
    const r = rectOf(b), x = r.x + r.w / 2, y = r.y + r.h / 2;
    const top = document.elementFromPoint(x, y);
    return top !== host || !b.contains(host.shadowRoot.elementFromPoint(x, y));
  }).map((b) => `${b.getAttribute('aria-label') ?? b.textContent} (under ${document.elementFromPoint(...[rectOf(b)].map((r) => [r.x + r.w / 2, r.y + r.h / 2])[0])?.id || '?'})`);
  // The catalog is English: its "9 of 12" reads left to right in an RTL page too.
  const pg = d.querySelector('.pg')?.firstChild;
  let progressLtr = null;
  if (pg?.nodeType === 3 && pg.length > 2) {
    const at = (i) => { const r = document.createRange(); r.setStart(pg, i); r.setEnd(pg, i + 1); return r.getBoundingClientRect().x; };
    progressLtr = at(0) < at(pg.length - 1);
  }
  return {
    covered,
    progressLtr,
    cls: d.getAttribute('class'),
    d: rectOf(d),
    ar: ar && getComputedStyle(ar).display !== 'none' ? rectOf(ar) : null,
    vw: html.clientWidth,
    vh: html.clientHeight,
    scrollY: window.scrollY,
  };
}, [sel(id), body]);

const rectOf = (page, css) => page.evaluate((css) => {
  const r = (window.__orig?.rect ?? Element.prototype.getBoundingClientRect).call(document.querySelector(css));
  return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
}, css);

/** Presses Next (Done on the last step); `covered`: something lies on it (a problem reported by the
 * caller), so it is pressed from script to go on with the grid. */
const next = (page, id, last, covered = false) => {
  const css = `${sel(id)} dialog[open] [data-a="${last ? 'done' : 'next'}"]`;
  if (!covered) return page.locator(css).click({ timeout: 5000 });
  return page.evaluate(([s, b]) => document.querySelector(s).shadowRoot.querySelector(`dialog[open] ${b}`).click(), [sel(id), `[data-a="${last ? 'done' : 'next'}"]`]);
};

// ---------------------------------------------------------------------------------------------
// 1. The placement grid.

const W = 110, H = 36;
/** Targets, each a button: where it is on the page. */
const TARGETS = {
  top: `top:0;left:calc(50% - ${W / 2}px)`,
  bottom: `top:calc(100vh - ${H}px);left:calc(50% - ${W / 2}px)`,
  left: `top:calc(50vh - ${H / 2}px);left:0`,
  right: `top:calc(50vh - ${H / 2}px);right:0`,
  tl: 'top:0;left:0',
  tr: 'top:0;right:0',
  bl: `top:calc(100vh - ${H}px);left:0`,
  br: `top:calc(100vh - ${H}px);right:0`,
  centre: `top:calc(50vh - ${H / 2}px);left:calc(50% - ${W / 2}px)`,
  // Inside an overflow:auto box, scrolled so that the button is half in view.
  scroll: null,
  // Fixed, and sticky (40 px from the top once the page scrolls 75vh - 40 px): last, since the
  // grid scrolls the page for them.
  fixed: null,
  sticky: null,
};
const CASES = Object.keys(TARGETS);
const PLACEMENTS = ['auto', 'left', 'right', 'above', 'below'];
const VIEWPORTS = [[1280, 800], [768, 1024], [375, 667]];
const gridBody = `${Object.entries(TARGETS).filter(([, at]) => at).map(([k, at]) => `<button class="t" id="t-${k}" style="${at}">${k}</button>`).join('')}
  <div id="box"><div class="pad"><button class="t" id="t-scroll" style="top:140px;left:20px">scroll</button></div></div>
  <button class="t" id="t-fixed" style="position:fixed;top:68vh;left:22%">fixed</button>
  <div style="height:75vh"></div><button class="t" id="t-sticky" style="position:sticky;top:40px;margin-inline-start:58%">sticky</button>`;
const gridHead = `<style>html,body{margin:0}body{min-height:300vh;position:relative;font:14px sans-serif}
  .t{position:absolute;width:${W}px;height:${H}px;margin:0;padding:0;border:1px solid #555;background:#ffd;font:13px sans-serif;box-sizing:border-box}
  #box{position:absolute;top:18vh;left:20%;width:60%;height:120px;overflow:auto;border:1px dashed #555;box-sizing:border-box}
  #box .pad{position:relative;height:400px}</style>`;
// Half in view: the box shows 118 px (its borders take 2) and the button starts 140 px down.
const gridScript = `document.getElementById('box').scrollTop = 140 + ${H / 2} - 118;`;

const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y));
const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

/** What must hold for one step on screen (`m` from `settle`, `t` the target's box): a list of problems. */
function problems(m, t, { placement, rtl }) {
  const out = [];
  const { d, vw, vh } = m;
  const sheet = /\bsh\b/.test(m.cls);
  if (m.progressLtr === false) out.push('the progress "n of N" reads backwards');
  if (m.covered.length) out.push(`buttons that cannot be pressed: ${m.covered.join(', ')}`);
  if (d.x < -0.5 || d.y < -0.5 || d.right > vw + 0.5 || d.bottom > vh + 0.5) out.push(`outside the ${vw}×${vh} viewport: ${JSON.stringify(d)}`);
  if (vw < 480) {
    if (!sheet) out.push(`not a bottom sheet below 480 px (class "${m.cls}")`);
    return out;
  }
  // Every target of the grid leaves room on some side at 768 px and wider.
  if (sheet) return [...out, `a bottom sheet at ${vw} px wide, though a side has room: ${JSON.stringify(d)}, target ${JSON.stringify(t)}`];
  const cover = overlap(d, t);
  if (cover > 1) out.push(`covers ${Math.round(cover)} px² of its target: ${JSON.stringify(d)} over ${JSON.stringify(t)}`);
  const side = (m.cls.match(/\bs[abrl]\b/) ?? [])[0];
  const after = { sb: d.y >= t.bottom - 0.5, sa: d.bottom <= t.y + 0.5, sr: d.x >= t.right - 0.5, sl: d.right <= t.x + 0.5 }[side];
  if (!after) out.push(`class "${m.cls}" does not match where it is: ${JSON.stringify(d)}, target ${JSON.stringify(t)}`);
  // The authored side when it has room, else its opposite, else the other two (left/right
  // meaning start/end: mirrored in RTL); skipped when a side's room is within a pixel of the card.
  const G = 12, M = 8;
  const room = {
    sb: [vh - M - Math.max(t.bottom + G, M) - d.h, vw - 2 * M - d.w],
    sa: [Math.min(t.y - G, vh - M) - M - d.h, vw - 2 * M - d.w],
    sr: [vw - M - Math.max(t.right + G, M) - d.w, vh - 2 * M - d.h],
    sl: [Math.min(t.x - G, vw - M) - M - d.w, vh - 2 * M - d.h],
  };
  const [start, end] = rtl ? ['sr', 'sl'] : ['sl', 'sr'];
  const order = { auto: ['sb', 'sa', end, start], below: ['sb', 'sa', end, start], above: ['sa', 'sb', end, start], left: [start, end, 'sb', 'sa'], right: [end, start, 'sb', 'sa'] }[placement];
  if (!order.some((k) => room[k].some((r) => Math.abs(r) < 1))) {
    const want = order.find((k) => room[k].every((r) => r >= 0));
    if (side !== want) out.push(`placement ${placement}: side ${side}, expected ${want} (room ${JSON.stringify(room)})`);
  }
  // The arrow sits on the edge that faces the target and points at the target's centre (kept
  // 14 px from the card's corners).
  if (!m.ar) out.push('no arrow');
  else if (side) {
    const ax = m.ar.x + m.ar.w / 2, ay = m.ar.y + m.ar.h / 2;
    const vertical = side === 'sa' || side === 'sb';
    const along = vertical ? ax : ay;
    const want = vertical ? clamp(t.x + t.w / 2, d.x + 14, d.right - 14) : clamp(t.y + t.h / 2, d.y + 14, d.bottom - 14);
    const edge = { sb: [ay, d.y], sa: [ay, d.bottom], sr: [ax, d.x], sl: [ax, d.right] }[side];
    if (Math.abs(along - want) > 2 || Math.abs(edge[0] - edge[1]) > 2) out.push(`arrow at (${Math.round(ax)}, ${Math.round(ay)}), should be on the ${side} edge at ${Math.round(want)}`);
  }
  return out;
}

let grid;
before(async () => {
  const ws = await workspace();
  const ids = {};
  await Promise.all(['ltr', 'rtl'].flatMap((dir) => PLACEMENTS.map(async (placement) => {
    const steps = CASES.map((k) => ({ title: `${k} ${placement}`, body: `case ${k} ${placement}`, selector: `#t-${k}`, placement }));
    ids[`${dir}-${placement}`] = await tour(ws, { steps }, { audience: onPath(`/grid-${dir}-${placement}`) });
  })));
  grid = { ws, ids };
});

/**
 * A stranger's page in a fresh context of `browser`, speaking to the edge from its own client
 * address: the grid takes ~15 requests a page (a progress call per step), more than one session
 * token or one address may send in a minute (RL_SESSION, RL_IP), so each page is a new visitor
 * from a new address, like the API tests' CLIENT_IP.
 */
async function stranger(browser, viewport) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const ip = `10.${99}.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  await context.route((u) => u.href.startsWith(BASE), (r) => r.continue({ headers: { ...r.request().headers(), 'cf-connecting-ip': ip } }));
  const page = await context.newPage();
  const errors = watchErrors(page);
  page.on('response', async (r) => {
    if (r.url().startsWith(BASE) && r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname} ${r.request().postData() ?? ''} → ${(await r.text().catch(() => '')).slice(0, 300)}`);
  });
  return { page, errors, close: () => context.close() };
}

for (const [vw, vh] of VIEWPORTS) {
  test(`placement grid at ${vw}×${vh}, LTR and RTL, every placement: each step inside the viewport and off its target`, async (t) => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS });
    const bad = [];
    let checked = 0;
    try {
      for (const dir of ['ltr', 'rtl']) {
        for (const placement of PLACEMENTS) {
          const { page, errors, close } = await stranger(browser, { width: vw, height: vh });
          try {
          const id = grid.ids[`${dir}-${placement}`];
          // <html dir="rtl">, set while the page parses, before the widget's (async) tag runs.
          const head = gridHead + (dir === 'rtl' ? '<script>document.documentElement.dir = "rtl"</script>' : '');
          await page.goto(hostPage(grid.ws.id, { name: `grid-${dir}-${placement}`, head, body: gridBody, script: gridScript }));
          assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).direction), dir);
          const shot = (kase) => page.screenshot({ path: outputPath(`tour-grid-${vw}x${vh}-${dir}-${kase}.png`) });
          for (const [i, kase] of CASES.entries()) {
            const what = { placement, rtl: dir === 'rtl' };
            const label = `${dir} ${placement} ${kase}`;
            const m = await settle(page, id, `case ${kase} ${placement}`);
            if (m.error) { bad.push(`${label}: ${m.error}`); break; }
            const target = await rectOf(page, `#t-${kase}`);
            bad.push(...problems(m, target, what).map((p) => `${label}: ${p}`));
            checked++;
            if (kase === 'centre' && placement === 'left') await shot('centre-left');
            if (kase === 'fixed' || kase === 'sticky') {
              // The page scrolls under a fixed target (the card stays) or a sticky one (the card
              // follows it until it sticks 40 px from the top).
              const by = kase === 'fixed' ? 300 : vh;
              await page.evaluate((by) => window.scrollTo(0, window.scrollY + by), by);
              const m2 = await settle(page, id, `case ${kase} ${placement}`);
              const t2 = await rectOf(page, `#t-${kase}`);
              bad.push(...problems(m2, t2, what).map((p) => `${label} after scrolling ${by} px: ${p}`));
              if (kase === 'fixed' && (Math.abs(m2.d.x - m.d.x) > 1 || Math.abs(m2.d.y - m.d.y) > 1)) bad.push(`${label}: the card moved while its fixed target did not`);
              if (kase === 'sticky') {
                if (Math.abs(t2.y - 40) > 1) bad.push(`${label}: the sticky target is at ${t2.y}, not stuck at 40 (the page did not scroll far enough)`);
                if (placement === 'auto') await shot('sticky-scrolled');
              }
              checked++;
            }
            await next(page, id, i === CASES.length - 1, m.covered.length > 0);
          }
          await gone(page, id).catch(() => bad.push(`${dir} ${placement}: the tour did not end after its last step`));
          await page.waitForTimeout(300);
          bad.push(...errors.map((e) => `${dir} ${placement}: ${e}`));
          } finally {
            await close();
          }
        }
      }
      t.diagnostic(`${checked} placements checked`);
      assert.deepEqual(bad, [], `${bad.length} problems:\n${bad.join('\n')}`);
    } finally {
      await browser.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 2. axe-core and the keyboard.

const KINDS = [
  { kind: 'pointer', title: 'Your page', body: 'This heading names the page.', selector: '#first' },
  { kind: 'post', title: 'Welcome', body: 'A quick look around: **four** steps.' },
  { kind: 'video', title: 'Watch', body: 'Two minutes on reports.', videoUrl: 'https://videos.acme.test/intro.mp4' },
  { kind: 'pointer', title: 'Not here', body: 'Its element never comes: centred.', selector: '#nowhere', waitMs: 300 },
];

for (const appearance of ['light', 'dark']) {
  test(`axe: 0 violations on a pointer, post, video and centred (missing target) step, ${appearance}`, async () => {
    const ws = await workspace(appearance);
    const id = await tour(ws, { steps: KINDS, missingTarget: 'center' });
    const { page, errors, close } = await open();
    // The video file: an empty answer (no network; the card is what is tested).
    await page.route('https://videos.acme.test/**', (r) => r.fulfill({ status: 200, contentType: 'video/mp4', body: '' }));
    try {
      await page.emulateMedia({ colorScheme: appearance === 'dark' ? 'dark' : 'light' });
      await page.goto(hostPage(ws.id, { body: `<div style="height:120px"></div>${MAIN}` }));
      await shown(page, id);
      for (const [i, step] of KINDS.entries()) {
        const m = await settle(page, id, step.body.replace(/\*\*/g, ''));
        assert.ok(!m.error, m.error);
        const name = ['pointer', 'post', 'video', 'missing-centre'][i];
        assert.ok(m.d.x >= 0 && m.d.y >= 0 && m.d.right <= m.vw && m.d.bottom <= m.vh, `${name} inside the viewport`);
        if (name === 'missing-centre') {
          assert.match(m.cls, /\bdl\b/, 'a missing target gives a centred card');
          assert.ok(Math.abs(m.d.x + m.d.w / 2 - m.vw / 2) <= 1 && Math.abs(m.d.y + m.d.h / 2 - m.vh / 2) <= 1, `centred: ${JSON.stringify(m.d)}`);
        }
        if (name === 'video') assert.equal(await page.locator(`${sel(id)} dialog[open] video[src="${step.videoUrl}"]`).count(), 1, 'the video plays in a <video>');
        await page.screenshot({ path: outputPath(`tour-axe-${appearance}-${name}.png`) });
        const v = await axe(page);
        assert.deepEqual(v, [], `${appearance} ${name}: ${JSON.stringify(v, null, 2)}`);
        await next(page, id, i === KINDS.length - 1);
      }
      await gone(page, id);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
}

/** Whether focus is inside item `id`'s open step (through the shadow root). */
const focusInStep = (page, id) => page.evaluate((s) => {
  const host = document.querySelector(s);
  const d = host?.shadowRoot?.querySelector('dialog[open]');
  const a = host?.shadowRoot?.activeElement;
  return { inside: !!d && document.activeElement === host && !!a && d.contains(a), what: a ? `${a.tagName.toLowerCase()}.${a.getAttribute('class') ?? ''}` : String(document.activeElement?.tagName) };
}, sel(id));

test('keyboard: focus moves into each step; a post step keeps Tab inside; Escape ends the tour and focus goes back', async () => {
  const ws = await workspace();
  const steps = [KINDS[0], KINDS[1], { kind: 'post', title: 'Last', body: 'The end.' }];
  const id = await tour(ws, { steps }, { triggers: [{ type: 'event', name: 'kb' }], frequency: 'always' });
  const { page, errors, close } = await open();
  try {
    await page.goto(hostPage(ws.id));
    await page.getByRole('button', { name: /^Open messenger/ }).waitFor({ state: 'visible', timeout: 15000 });
    await page.waitForTimeout(500);
    await page.focus('#page-link');
    await page.evaluate(() => Porchlight('track', 'kb'));
    assert.ok(!(await settle(page, id, KINDS[0].body)).error);
    await until(async () => (await focusInStep(page, id)).inside, 'focus in the pointer step');
    assert.equal(await page.evaluate(() => document.getElementById('first').getAttribute('aria-describedby')), 'porchlight-tour-step', 'the target is described by the step');
    // Tab to Next and press it: keyboard only.
    let f = null;
    for (let i = 0; i < 8 && f?.label !== 'Next'; i++) {
      await page.keyboard.press('Tab');
      f = await focused(page);
    }
    assert.equal(f?.label, 'Next', 'Tab reaches Next in the pointer step');
    await page.keyboard.press('Enter');
    assert.ok(!(await settle(page, id, 'A quick look around: four steps.')).error);
    await until(async () => (await focusInStep(page, id)).inside, 'focus in the post step');
    for (const [key, n] of [['Tab', 10], ['Shift+Tab', 4]]) {
      for (let i = 0; i < n; i++) {
        await page.keyboard.press(key);
        const at = await focusInStep(page, id);
        assert.ok(at.inside, `${key} #${i + 1} left the modal step (focus on ${at.what})`);
      }
    }
    const hit = await page.evaluate(() => { const b = document.getElementById('page-btn'), r = b.getBoundingClientRect(); return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === b; });
    assert.equal(hit, false, 'the page behind a post step takes no clicks');
    await page.keyboard.press('Escape');
    await gone(page, id);
    f = await focused(page);
    assert.equal(f.id, 'page-link', `focus back where it was before the tour (now on ${JSON.stringify(f)})`);
    assert.equal(await page.evaluate(() => document.getElementById('first').hasAttribute('aria-describedby')), false);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

// ---------------------------------------------------------------------------------------------
// 3. Nothing runs while nothing moves.

/** Counts the page's requestAnimationFrame calls and layout reads (with who made them). */
function counters() {
  const c = (window.__count = { raf: 0, reads: 0, who: [] });
  const note = (what) => { if (c.who.length < 40) c.who.push(`${what}: ${new Error().stack.split('\n').slice(2, 5).join(' | ')}`); };
  const raf = window.requestAnimationFrame;
  const rect = Element.prototype.getBoundingClientRect;
  window.__orig = { raf: raf.bind(window), rect };
  window.requestAnimationFrame = function (cb) { c.raf++; note('rAF'); return raf.call(this, cb); };
  Element.prototype.getBoundingClientRect = function () { c.reads++; note('getBoundingClientRect'); return rect.call(this); };
  for (const [proto, props] of [[HTMLElement.prototype, ['offsetWidth', 'offsetHeight', 'offsetTop', 'offsetLeft']], [Element.prototype, ['clientWidth', 'clientHeight', 'scrollTop', 'getClientRects']]]) {
    for (const p of props) {
      const desc = Object.getOwnPropertyDescriptor(proto, p);
      if (desc.get) Object.defineProperty(proto, p, { ...desc, get() { c.reads++; note(p); return desc.get.call(this); } });
      else Object.defineProperty(proto, p, { ...desc, value: function (...a) { c.reads++; note(p); return desc.value.apply(this, a); } });
    }
  }
}

test('idle: a pointer step on screen and nothing moving schedules no frame and reads no layout for 2 s; one scroll moves it with its target', async () => {
  const ws = await workspace();
  const step = { title: 'Quiet', body: 'Nothing runs while nothing moves.', selector: '#mid', placement: 'below' };
  const id = await tour(ws, { steps: [step, { kind: 'post', body: 'Two' }] });
  const { context, page, errors, close } = await open();
  await context.addInitScript(counters);
  const read = () => page.evaluate(() => ({ ...window.__count }));
  try {
    await page.goto(hostPage(ws.id, { head: '<style>body{min-height:3000px}</style>', body: `${MAIN}<button id="mid" style="margin:260px 0 0 300px">Middle</button>` }));
    assert.ok(!(await settle(page, id, step.body)).error);
    await page.waitForTimeout(500);
    await page.evaluate(() => Object.assign(window.__count, { raf: 0, reads: 0, who: [] }));
    await page.waitForTimeout(2000);
    const idle = await read();
    assert.deepEqual([idle.raf, idle.reads], [0, 0], `while idle: ${idle.raf} rAF, ${idle.reads} layout reads\n${idle.who.join('\n')}`);

    const before = await settle(page, id, step.body);
    const t0 = await rectOf(page, '#mid');
    await page.evaluate(() => window.scrollBy(0, 120));
    const after = await settle(page, id, step.body);
    const t1 = await rectOf(page, '#mid');
    assert.ok(Math.abs(t1.y - t0.y + 120) <= 1, 'the target scrolled 120 px');
    assert.ok(Math.abs(after.d.y - before.d.y - (t1.y - t0.y)) <= 1 && Math.abs(after.d.x - before.d.x) <= 1, `the card moved with its target: ${JSON.stringify(before.d)} → ${JSON.stringify(after.d)}`);
    assert.deepEqual(problems(after, t1, { placement: 'below', rtl: false }), []);
    const moved = await read();
    assert.ok(moved.raf >= 1 && moved.raf < 10, `one scroll: ${moved.raf} rAF (1 to 9 expected)\n${moved.who.join('\n')}`);
    assert.ok(moved.reads >= 1 && moved.reads < 40, `one scroll: ${moved.reads} layout reads`);
    // And quiet again.
    await page.waitForTimeout(300);
    await page.evaluate(() => Object.assign(window.__count, { raf: 0, reads: 0, who: [] }));
    await page.waitForTimeout(1000);
    const calm = await read();
    assert.deepEqual([calm.raf, calm.reads], [0, 0], `after the scroll: ${calm.who.join('\n')}`);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
