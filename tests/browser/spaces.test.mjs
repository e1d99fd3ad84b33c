// The messenger's spaces (issue 13) in a browser: Home, Messages, Help, Tickets, Tasks. Help
// searches as the visitor types (ranked by the edge) and shows articles as text; feedback is
// taken once; the page opens an article or a checklist; suggested articles come while writing a
// first message and from the help center after it, and a teammate still answers; a ticket filed
// here reaches the team, and the team's status change reaches the open widget; a checklist
// task done by a tracked event, or ticked in another tab, ticks without a reload; every space works by keyboard alone and
// passes axe in light and dark, on a desktop and on a 375 px screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freshContext, watchErrors, axe, outputPath } from '../lib/browser.mjs';
import { BASE, call, createWorkspace } from '../lib/harness.mjs';

const HOSTILE = 'Before <img src=x onerror="window.pwnedA=1"> <b>not bold</b> [click](javascript:window.pwnedB=2) after **really bold**.';
let ws;
let url;
let host;
after(() => host?.close());
let mate;
const ids = {};

before(async () => {
  ws = await createWorkspace({ messenger: { welcomeMessage: 'Welcome to the shop', teamName: 'Shop support', teammates: [{ name: 'Ada Lovelace' }] } });
  const admin = (method, path, body) => call(method, path, { token: ws.key, body });
  const article = async (title, body) => {
    const r = await admin('POST', '/admin/v1/articles', { title, body });
    assert.equal(r.status, 201, r.text);
    await admin('POST', `/admin/v1/articles/${r.body.id}/activate`);
    return r.body.id;
  };
  ids.export = await article('Export a report as CSV', 'Open a report and press Export. One row per data point, ready for a spreadsheet.');
  ids.share = await article('Share a dashboard', 'Press Share and pick people. You can also export it as CSV from the same menu.');
  ids.hostile = await article('Formatting on trial', HOSTILE);
  const base = (await admin('GET', '/admin/v1/workspace')).body.messenger;
  const patched = await admin('PATCH', '/admin/v1/workspace', { messenger: { ...base, commonQuestions: [
    { title: 'How do I export a report?', articleId: ids.export },
    { title: 'Service status', url: 'https://status.example/' },
  ] } });
  assert.equal(patched.status, 200, patched.text);
  const list = await admin('POST', '/admin/v1/checklists', { name: 'Onboarding', content: {
    title: 'Get started', description: 'Three steps to your first report.',
    tasks: [
      { id: 'profile', title: 'Fill in your profile' },
      { id: 'report', title: 'Create your first report', completion: { type: 'event', name: 'report_created' }, action: { type: 'track_event', name: 'report_created' } },
      { id: 'guide', title: 'Read the guide', action: { type: 'open_url', url: 'https://example.com/guide' } },
    ],
  } });
  assert.equal(list.status, 201, list.text);
  ids.checklist = list.body.id;
  assert.equal((await admin('POST', `/admin/v1/checklists/${ids.checklist}/activate`)).status, 200);
  mate = (await admin('POST', '/admin/v1/teammates', { name: 'Ada Lovelace' })).body.key;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title><link rel="icon" href="data:,"></head><body><main><h1>Host</h1></main>
      <script async src="${BASE}/porchlight.js" data-workspace="${ws.id}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  host = server;
  url = `http://127.0.0.1:${server.address().port}/`;
});

const launcher = (page) => page.getByRole('button', { name: /^Open messenger/ });
const tab = (page, name) => page.getByRole('tab', { name });
const space = (page, name) => page.getByRole('tabpanel', { name });
const searchbox = (page) => space(page, 'Help').getByRole('searchbox', { name: 'Search for help' });

/** Runs `fn(page, errors)` in a fresh browser profile. */
async function inPage(fn) {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    await fn(page, watchErrors(page));
  } finally {
    await close();
  }
}

async function open(page) {
  await page.goto(url);
  await launcher(page).click();
  await tab(page, 'Home').waitFor({ timeout: 15000 });
  assert.equal(await tab(page, 'Home').getAttribute('aria-selected'), 'true', 'the launcher opens on Home');
}

test('Help: search as you type, ranked; an article as text; feedback once; back to the results', async () => {
  await inPage(async (page, errors) => {
    await open(page);
    // Home lists the common questions: the article one opens it, the link is a safe link.
    const home = space(page, 'Home');
    await home.getByText('Welcome to the shop').waitFor();
    assert.equal(await home.getByRole('link', { name: 'Service status' }).getAttribute('rel'), 'noopener noreferrer');
    // Home's search field: the first keystroke carries on in Help's (focused, the text kept),
    // where the results are.
    await home.getByRole('searchbox', { name: 'Search for help' }).focus();
    await page.keyboard.type('spread');
    assert.equal(await tab(page, 'Help').getAttribute('aria-selected'), 'true');
    assert.equal(await searchbox(page).evaluate((e) => e === e.getRootNode().activeElement), true, 'typing goes on in Help');
    // A word of a body only.
    await page.keyboard.type('sheet');
    assert.equal(await searchbox(page).inputValue(), 'spreadsheet');
    const results = space(page, 'Help').getByRole('list').first();
    await results.getByRole('button', { name: /^Export a report as CSV/ }).waitFor({ timeout: 10000 });
    // A title match ranks above a body match.
    await searchbox(page).fill('export');
    await results.getByRole('button', { name: /^Share a dashboard/ }).waitFor({ timeout: 10000 });
    const titles = await results.getByRole('button').evaluateAll((bs) => bs.map((b) => b.firstChild.textContent));
    assert.deepEqual(titles, ['Export a report as CSV', 'Share a dashboard']);
    // Nothing matches: said.
    await searchbox(page).fill('zebra');
    await space(page, 'Help').getByRole('status').filter({ hasText: 'No articles match your search.' }).waitFor({ timeout: 10000 });

    // An article with HTML in it shows the HTML as text; the Markdown subset is drawn; no script ran.
    await searchbox(page).fill('trial');
    await results.getByRole('button', { name: /^Formatting on trial/ }).click();
    const article = space(page, 'Help');
    await article.getByRole('heading', { name: 'Formatting on trial' }).waitFor({ timeout: 10000 });
    const body = page.locator('#porchlight-root .ab');
    assert.equal(await body.locator('img, b, script').count(), 0, 'no markup from the article');
    assert.match(await body.textContent(), /<img src=x onerror="window.pwnedA=1"> <b>not bold<\/b>/);
    assert.equal(await body.locator('strong').textContent(), 'really bold');
    assert.equal(await body.locator('a').count(), 0, 'a javascript: link is no link');
    assert.deepEqual(await page.evaluate(() => [window.pwnedA, window.pwnedB]), [undefined, undefined]);
    await page.screenshot({ path: outputPath('spaces-article.png') });

    // Feedback once; a second vote (after coming back) is refused by the edge, and said.
    await article.getByRole('button', { name: 'Yes', exact: true }).click();
    await article.getByRole('status').filter({ hasText: 'Thanks for letting us know!' }).waitFor();
    assert.equal(await article.getByRole('button', { name: 'Yes', exact: true }).isVisible(), false, 'asked once');
    await article.getByRole('button', { name: 'Back to results' }).click();
    assert.equal(await searchbox(page).evaluate((e) => e === e.getRootNode().activeElement), true, 'back in the search field');
    await results.getByRole('button', { name: /^Formatting on trial/ }).click();
    await article.getByRole('button', { name: 'No', exact: true }).click();
    await article.getByRole('status').filter({ hasText: 'You already told us about this article.' }).waitFor();
    assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), [], 'only the refused second vote');
  });
});

test('Help: a search still on its way when the visitor types on is cancelled (its request aborted), and its answer never shows', async () => {
  await inPage(async (page, errors) => {
    await open(page);
    await tab(page, 'Help').click();
    let release;
    const held = new Promise((r) => { release = r; });
    let arrived;
    const asked = new Promise((r) => { arrived = r; });
    await page.route(/\/v1\/articles\/search\?q=spreadsheet/, async (route) => {
      arrived();
      await held;
      await route.continue().catch(() => {});
    });
    const failed = [];
    page.on('requestfailed', (r) => failed.push([new URL(r.url()).searchParams.get('q'), r.failure()?.errorText]));
    await searchbox(page).fill('spreadsheet');
    await asked;
    await searchbox(page).fill('share');
    const results = space(page, 'Help').getByRole('list').first();
    await results.getByRole('button', { name: /^Share a dashboard/ }).waitFor({ timeout: 10000 });
    for (let i = 0; i < 50 && !failed.length; i++) await page.waitForTimeout(100);
    assert.deepEqual(failed, [['spreadsheet', 'net::ERR_ABORTED']], 'the superseded request was cancelled');
    release();
    const titles = await results.getByRole('button').evaluateAll((bs) => bs.map((b) => b.firstChild.textContent));
    assert.deepEqual(titles, ['Share a dashboard'], 'only the latest query answered');
    assert.deepEqual(errors, []);
  });
});

test('the page opens an article (showArticle) and a checklist (startChecklist)', async () => {
  await inPage(async (page, errors) => {
    await page.goto(url);
    await launcher(page).waitFor({ timeout: 15000 });
    await page.evaluate((id) => window.Porchlight('showArticle', id), ids.export);
    const heading = space(page, 'Help').getByRole('heading', { name: 'Export a report as CSV' });
    await heading.waitFor({ timeout: 15000 });
    assert.equal(await heading.evaluate((e) => e === e.getRootNode().activeElement), true, 'focus on the article');
    await page.keyboard.press('Escape');
    await page.evaluate((id) => window.Porchlight('startChecklist', id), ids.checklist);
    const list = space(page, 'Tasks').getByRole('heading', { name: 'Get started' });
    await list.waitFor({ timeout: 15000 });
    assert.equal(await tab(page, 'Tasks').getAttribute('aria-selected'), 'true');
    // A bad id is a warning, never an exception.
    await page.evaluate(() => { window.Porchlight('showArticle', 42); window.Porchlight('showArticle', 'art_nope'); });
    await space(page, 'Help').getByRole('heading', { name: 'This article could not be loaded.' }).waitFor({ timeout: 10000 });
    assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), [], "only the unknown article's 404");
  });
});

test('suggested articles while writing a first message and after it; a teammate reply still arrives', async () => {
  await inPage(async (page, errors) => {
    await open(page);
    await tab(page, 'Messages').click();
    const composer = page.getByRole('textbox', { name: 'Write a message…' });
    await composer.pressSequentially('How do I export my reports', { delay: 10 });
    const offered = page.getByRole('list', { name: 'These articles might help' });
    await offered.getByRole('button', { name: 'Export a report as CSV' }).waitFor({ timeout: 10000 });
    await page.screenshot({ path: outputPath('spaces-suggested.png') });
    const started = page.waitForResponse((r) => r.url().endsWith('/v1/conversations') && r.request().method() === 'POST');
    await composer.press('Enter');
    const conv = (await (await started).json()).conversation.id;
    assert.equal(await offered.isVisible(), false, 'the suggestions go once the message is sent');
    // The help center's message, in the conversation.
    const log = page.getByRole('log', { name: 'Conversation' });
    const bot = log.locator('li').filter({ hasText: 'Help center' });
    await bot.getByRole('button', { name: 'Export a report as CSV' }).waitFor({ timeout: 10000 });
    // A teammate still answers, live.
    const r = await call('POST', `/admin/v1/conversations/${conv}/messages`, { token: mate, body: { clientId: crypto.randomUUID(), body: 'Hi! Ada here.' } });
    assert.equal(r.status, 201, r.text);
    await log.getByText('Hi! Ada here.').waitFor({ timeout: 10000 });
    await page.screenshot({ path: outputPath('spaces-messages.png') });
    // Its article opens in Help.
    await bot.getByRole('button', { name: 'Export a report as CSV' }).click();
    await space(page, 'Help').getByRole('heading', { name: 'Export a report as CSV' }).waitFor({ timeout: 10000 });
    // Home now offers the conversation.
    await tab(page, 'Home').click();
    await space(page, 'Home').getByRole('heading', { name: 'Recent conversation' }).waitFor();
    assert.deepEqual(errors, []);
  });
});

test('a ticket filed in the widget reaches the team; the team moves it and the open widget shows it live', async () => {
  await inPage(async (page, errors) => {
    await open(page);
    await tab(page, 'Tickets').click();
    const tickets = space(page, 'Tickets');
    await tickets.getByRole('button', { name: 'New ticket' }).click();
    await tickets.getByLabel('Subject').fill('Invoice <b>wrong</b>');
    await tickets.getByLabel('Describe the problem').fill('The VAT line is missing.');
    const filed = page.waitForResponse((r) => r.url().endsWith('/v1/tickets') && r.request().method() === 'POST');
    await tickets.getByRole('button', { name: 'Send ticket' }).click();
    const id = (await (await filed).json()).id;
    await tickets.getByRole('status').filter({ hasText: 'Thanks! Your ticket is filed.' }).waitFor();
    await tickets.getByText(/^Invoice <b>wrong<\/b> · open · /).waitFor();
    // The team sees it, with the page it came from.
    const team = await call('GET', '/admin/v1/tickets', { token: mate });
    const mine = team.body.tickets.find((t) => t.id === id);
    assert.equal(mine.subject, 'Invoice <b>wrong</b>');
    assert.equal(mine.pageUrl, url);
    // Away from Tickets, a move by the team shows as a badge on the tab.
    await tab(page, 'Home').click();
    const moved = await call('POST', `/admin/v1/tickets/${id}/status`, { token: mate, body: { status: 'solved' } });
    assert.equal(moved.status, 200, moved.text);
    await page.getByRole('tab', { name: 'Tickets, 1 updated' }).waitFor({ timeout: 10000 });
    await page.screenshot({ path: outputPath('spaces-ticket-badge.png') });
    await tab(page, 'Tickets, 1 updated').click();
    await tickets.getByText(/^Invoice <b>wrong<\/b> · solved · /).waitFor();
    await page.getByRole('tab', { name: 'Tickets', exact: true }).waitFor();
    // Open it: its description. The team moves it again between the press and the release of
    // the visitor's click: the line changes in place, so the click still opens it.
    const move = async (status) => {
      const r = await call('POST', `/admin/v1/tickets/${id}/status`, { token: mate, body: { status } });
      assert.equal(r.status, 200, r.text);
      await tickets.getByText(new RegExp(`^Invoice <b>wrong</b> · ${status} · `)).waitFor({ timeout: 10000 });
    };
    const box = await tickets.getByText(/· solved ·/).boundingBox();
    assert.ok(box, 'the line stays on screen while the list loads again');
    await page.mouse.move(box.x + 10, box.y + box.height / 2);
    await page.mouse.down();
    await move('closed');
    await page.mouse.up();
    await tickets.getByText('The VAT line is missing.').waitFor({ timeout: 5000 });
    await page.screenshot({ path: outputPath('spaces-tickets.png') });
    // The visitor reads it, focus on it, while the team moves it once more: still open, focus
    // still on it (the list is not drawn anew under the visitor).
    await tickets.getByText(/· closed ·/).focus();
    await move('pending');
    assert.equal(await tickets.getByText('The VAT line is missing.').isVisible(), true, 'the open ticket stays open');
    const focused = await page.evaluate(() => {
      const a = document.getElementById('porchlight-root')?.shadowRoot?.activeElement;
      return a ? `${a.tagName.toLowerCase()}:${a.textContent}` : null;
    });
    assert.match(focused ?? '', /^summary:Invoice <b>wrong<\/b> · pending · /);
    assert.equal(await tickets.getByRole('listitem').count(), 1);
    assert.deepEqual(errors, []);
  });
});

test('checklists: a task done by a tracked event ticks without a reload; a manual task is ticked', async () => {
  await inPage(async (page, errors) => {
    await open(page);
    await space(page, 'Home').getByRole('button', { name: /^Get started · 0 of 3 done/ }).waitFor({ timeout: 10000 });
    await tab(page, 'Tasks').click();
    const tasks = space(page, 'Tasks');
    const report = tasks.getByRole('listitem').filter({ hasText: 'Create your first report' });
    await report.getByText('To do').waitFor({ timeout: 10000 });
    assert.equal(await tasks.getByRole('link', { name: 'Open' }).getAttribute('href'), 'https://example.com/guide');
    await tasks.getByRole('checkbox', { name: 'Fill in your profile' }).check();
    await tasks.getByText('1 of 3 done').waitFor({ timeout: 10000 });
    // The page tracks the event (here the task's own button does): it ticks by itself.
    await report.getByRole('button', { name: 'Do it' }).click();
    await tasks.getByRole('listitem').filter({ hasText: 'Create your first report' }).getByText('Done').waitFor({ timeout: 15000 });
    await tasks.getByText('2 of 3 done').waitFor();
    // And again from the page itself, after a reload: still done.
    await page.reload();
    await launcher(page).click();
    await tab(page, 'Tasks').click();
    await tasks.getByText('2 of 3 done').waitFor({ timeout: 15000 });
    assert.equal(await tasks.getByRole('checkbox', { name: 'Fill in your profile' }).isChecked(), true);
    await page.screenshot({ path: outputPath('spaces-tasks.png') });
    assert.deepEqual(errors, []);
  });
});

test('the open Tasks space ticks live from another tab: a manual tick, a tracked event; focus stays in the checklist', async () => {
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await open(page);
    await tab(page, 'Tasks').click();
    const tasks = space(page, 'Tasks');
    await tasks.getByText('0 of 3 done').waitFor({ timeout: 10000 });
    // The visitor's other tab: the messenger there ticks the manual task.
    const other = await context.newPage();
    await open(other);
    await tab(other, 'Tasks').click();
    await space(other, 'Tasks').getByRole('checkbox', { name: 'Fill in your profile' }).check();
    await space(other, 'Tasks').getByText('1 of 3 done').waitFor({ timeout: 10000 });
    // The first tab, untouched, shows it.
    await tasks.getByText('1 of 3 done').waitFor({ timeout: 15000 });
    assert.equal(await tasks.getByRole('checkbox', { name: 'Fill in your profile' }).isChecked(), true);
    // Focus on a task's link here; the other tab's page tracks the event that completes a task.
    await tasks.getByRole('link', { name: 'Open' }).focus();
    await other.evaluate(() => window.Porchlight('track', 'report_created'));
    await tasks.getByRole('listitem').filter({ hasText: 'Create your first report' }).getByText('Done').waitFor({ timeout: 15000 });
    await tasks.getByText('2 of 3 done').waitFor();
    // Redrawn under the visitor's focus: it stays in the checklist, on its title.
    const at = await page.evaluate(() => {
      const a = document.getElementById('porchlight-root')?.shadowRoot?.activeElement;
      return a ? `${a.tagName.toLowerCase()}:${a.textContent}` : null;
    });
    assert.equal(at, 'h3:Get started');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("a task's action starts a tour through the page's startTour; the panel gives way", async () => {
  const own = await createWorkspace();
  const admin = (method, path, body) => call(method, path, { token: own.key, body });
  const tour = await admin('POST', '/admin/v1/tours', { name: 'Welcome tour', content: { steps: [{ kind: 'post', title: 'Welcome aboard', body: 'A quick look around.' }] }, triggers: [{ type: 'event', name: 'never_fired' }], frequency: 'always' });
  assert.equal(tour.status, 201, tour.text);
  await admin('POST', `/admin/v1/tours/${tour.body.id}/activate`);
  const list = await admin('POST', '/admin/v1/checklists', { name: 'Tour list', content: { title: 'Look around', tasks: [{ id: 'tour', title: 'Take the tour', action: { type: 'start_tour', tourId: tour.body.id }, completion: { type: 'event', name: 'never_fired' } }] } });
  await admin('POST', `/admin/v1/checklists/${list.body.id}/activate`);
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title><link rel="icon" href="data:,"></head><body><main><h1>Host</h1></main>
      <script async src="${BASE}/porchlight.js" data-workspace="${own.id}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    await inPage(async (page, errors) => {
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await launcher(page).click();
      await tab(page, 'Tasks').click();
      await space(page, 'Tasks').getByRole('button', { name: 'Start the tour' }).click();
      await page.getByRole('dialog', { name: 'Welcome aboard' }).waitFor({ timeout: 15000 });
      assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false', 'the panel closed for the tour');
      assert.deepEqual(errors, []);
    });
  } finally {
    server.close();
  }
});

/** What has focus, by role and name, inside the widget's shadow root. */
const focused = (page) => page.evaluate(() => {
  const a = document.getElementById('porchlight-root')?.shadowRoot?.activeElement;
  return a ? `${a.getAttribute('role') ?? a.tagName.toLowerCase()}:${a.getAttribute('aria-label') ?? a.textContent.trim().slice(0, 40)}` : null;
});

test('keyboard only, through every space', async () => {
  await inPage(async (page, errors) => {
    await page.goto(url);
    await launcher(page).waitFor({ timeout: 15000 });
    await launcher(page).focus();
    await page.keyboard.press('Enter');
    await tab(page, 'Home').waitFor({ timeout: 15000 });
    assert.equal(await focused(page), 'button:Close messenger');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'tab:Home');
    // Home: its first control.
    await page.keyboard.press('Tab');
    assert.match(await focused(page), /^button:/);
    await page.keyboard.press('Shift+Tab');
    // The arrows move between tabs (and wrap); End and Home jump.
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab:Messages');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'textarea:Write a message…');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab:Help');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'input:Search for help');
    await page.keyboard.type('export');
    await space(page, 'Help').getByRole('button', { name: /^Export a report as CSV/ }).waitFor({ timeout: 10000 });
    await page.keyboard.press('Tab');
    assert.match(await focused(page), /^button:Export a report as CSV/);
    await page.keyboard.press('Enter');
    await space(page, 'Help').getByRole('heading', { name: 'Export a report as CSV' }).waitFor({ timeout: 10000 });
    assert.equal(await focused(page), 'h3:Export a report as CSV');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), 'button:Back to results');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'input:Search for help');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), 'tab:Help');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab:Tickets');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'button:New ticket');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'input:');
    await page.keyboard.type('Keyboard only');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Filed without a mouse.');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'button:Send ticket');
    await page.keyboard.press('Enter');
    await space(page, 'Tickets').getByText(/^Keyboard only · open/).waitFor({ timeout: 10000 });
    await page.keyboard.press('Shift+Tab');
    await tab(page, 'Tickets').focus();
    await page.keyboard.press('End');
    assert.equal(await focused(page), 'tab:Tasks');
    await space(page, 'Tasks').getByRole('checkbox', { name: 'Fill in your profile' }).waitFor({ timeout: 10000 });
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'input:');
    await page.keyboard.press('Space');
    await space(page, 'Tasks').getByText('1 of 3 done').waitFor({ timeout: 10000 });
    await tab(page, 'Tasks').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab:Home', 'wraps');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal(await launcher(page).evaluate((e) => e === e.getRootNode().activeElement), true, 'focus back on the launcher');
    assert.deepEqual(errors, []);
  });
});

for (const [scheme, size] of [['light', { width: 1280, height: 800 }], ['dark', { width: 1280, height: 800 }], ['light', { width: 375, height: 740 }], ['dark', { width: 375, height: 740 }]]) {
  test(`axe: no violations in any space (${scheme}, ${size.width} px)`, async () => {
    const { context, close } = await freshContext({ colorScheme: scheme, viewport: size });
    try {
      const page = await context.newPage();
      await open(page);
      await space(page, 'Home').getByRole('button', { name: /^Get started/ }).waitFor({ timeout: 10000 });
      if (size.width === 375) {
        const box = await page.getByRole('dialog').boundingBox();
        assert.deepEqual([box.x, box.width], [0, 375], 'a full-width sheet');
      }
      for (const name of ['Home', 'Messages', 'Help', 'Tickets', 'Tasks']) {
        await tab(page, name).click();
        if (name === 'Help') {
          await searchbox(page).fill('export');
          await space(page, 'Help').getByRole('button', { name: /^Share a dashboard/ }).waitFor({ timeout: 10000 });
        }
        if (name === 'Tasks') await space(page, 'Tasks').getByRole('heading', { name: 'Get started' }).waitFor({ timeout: 10000 });
        if (name === 'Tickets') await space(page, 'Tickets').getByRole('button', { name: 'New ticket' }).waitFor();
        await page.screenshot({ path: outputPath(`spaces-${name.toLowerCase()}-${scheme}-${size.width}.png`) });
        const violations = await axe(page);
        assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
      }
    } finally {
      await close();
    }
  });
}

/** A host page of workspace `id` on a loopback port of its own (closed after the file). */
async function pageOf(id) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title><link rel="icon" href="data:,"></head><body><main><h1>Host</h1></main>
      <script async src="${BASE}/porchlight.js" data-workspace="${id}"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}/`;
}

/** The panel header's team list: per teammate, the avatar's src (null: initials) and the name. */
const team = (page) => page.evaluate(() => [...document.getElementById('porchlight-root').shadowRoot.querySelectorAll('ul.t li')].map((li) => ({
  img: li.querySelector('img.a')?.getAttribute('src') ?? null,
  initials: li.querySelector('span.a')?.textContent ?? null,
  name: li.querySelector('span:not(.a)')?.textContent ?? null,
})));

test('Home: office hours say when the team replies (in hours) or the away message (out of hours); the team\'s avatars in the header', async () => {
  const avatar = `${BASE}/favicon.svg`;
  const open24 = { timeZone: 'Pacific/Auckland', hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], open: '00:00', close: '24:00' }], replyTime: 'minutes' };
  const inHours = await createWorkspace({ messenger: { welcomeMessage: 'Welcome to the shop', teammates: [{ name: 'Ada Lovelace', avatarUrl: avatar }, { name: 'Grace Hopper' }] } });
  assert.equal((await call('PATCH', '/admin/v1/workspace', { token: inHours.key, body: { officeHours: open24 } })).status, 200);
  // Out of hours: open only on a day three days from today (UTC), whatever the time now.
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const away = { timeZone: 'UTC', hours: [{ days: [days[(new Date().getUTCDay() + 3) % 7]], open: '09:00', close: '17:00' }], offlineMessage: 'Back on <b>Monday</b>.' };
  const outHours = await createWorkspace();
  const patched = await call('PATCH', '/admin/v1/workspace', { token: outHours.key, body: { officeHours: away } });
  assert.equal(patched.status, 200, patched.text);
  for (const [ws, line, teammates] of [
    [inHours, 'The team typically replies in a few minutes.', [{ img: avatar, initials: null, name: 'Ada Lovelace' }, { img: null, initials: 'GH', name: 'Grace Hopper' }]],
    [outHours, 'Back on <b>Monday</b>.', []],
  ]) {
    const where = await pageOf(ws.id);
    await inPage(async (page, errors) => {
      await page.goto(where);
      await launcher(page).click();
      await tab(page, 'Home').waitFor({ timeout: 15000 });
      assert.equal(await tab(page, 'Home').getAttribute('aria-selected'), 'true');
      // Home, as it opens: the office-hours line, as text.
      await space(page, 'Home').getByText(line, { exact: true }).waitFor({ timeout: 10000 });
      assert.equal(await space(page, 'Home').locator('b').count(), 0, 'the away message is text');
      assert.deepEqual(await team(page), teammates);
      if (teammates.length) {
        // The avatar really drawn (loaded), and the list named for what it is.
        await page.waitForFunction(() => document.getElementById('porchlight-root').shadowRoot.querySelector('ul.t img.a')?.naturalWidth > 0);
        assert.equal(await page.locator('#porchlight-root ul.t').getAttribute('aria-label'), 'Team');
        await page.screenshot({ path: outputPath('messenger-home-hours-team.png') });
      }
      assert.deepEqual(errors, []);
    });
  }
});

test('an unsafe avatar URL is not drawn: the edge refuses it, and the widget draws initials for one that slips through', async () => {
  const ws = await createWorkspace({ messenger: { teammates: [{ name: 'Ada Lovelace' }] } });
  const refused = await call('PATCH', '/admin/v1/workspace', { token: ws.key, body: { messenger: { teammates: [{ name: 'Ada Lovelace', avatarUrl: 'javascript:window.pwned=1' }] } } });
  assert.equal(refused.status, 400, refused.text);
  const where = await pageOf(ws.id);
  await inPage(async (page, errors) => {
    // A boot answer carrying unsafe URLs (as if stored before the edge checked, or tampered with).
    await page.route(`${BASE}/v1/boot`, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.settings.messenger.teammates = [
        { name: 'Ada Lovelace', avatarUrl: 'javascript:window.pwned=1' },
        { name: 'Grace Hopper', avatarUrl: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned=2"/>' },
        { name: 'Alan Turing', avatarUrl: `${BASE}/favicon.svg` },
      ];
      await route.fulfill({ response: res, json: body });
    });
    await page.goto(where);
    await launcher(page).click();
    await tab(page, 'Home').waitFor({ timeout: 15000 });
    assert.deepEqual(await team(page), [
      { img: null, initials: 'AL', name: 'Ada Lovelace' },
      { img: null, initials: 'GH', name: 'Grace Hopper' },
      { img: `${BASE}/favicon.svg`, initials: null, name: 'Alan Turing' },
    ]);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.deepEqual(errors, []);
  });
});
