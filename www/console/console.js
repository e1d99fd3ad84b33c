// Porchlight console: the shell. Sign-in (the key is kept in this tab's sessionStorage, never in
// a URL), the role the key has (asked of the edge), the nav of what that role may open, and
// hash routing (`#/tours`, `#/tours/<id>`) so a reload keeps the place. Each screen is a module.
import { key, probeRole } from './api.mjs';
import { h, $, announce } from './dom.mjs';
import { startLive, stopLive } from './live.mjs';
import { KINDS, CONTENT_KINDS, HELP_KINDS } from './kinds.mjs';

const state = { role: null };

// What each role may open. The edge enforces the same (a teammate key is refused on every
// content and settings route); the console only leaves out what would be refused.
const OWNER_ONLY = new Set([...CONTENT_KINDS, ...HELP_KINDS, 'segments', 'settings', 'teammates', 'csat']);
const BOTH = new Set(['inbox', 'tickets', 'visitors']);
const mayOpen = (section) => BOTH.has(section) || (state.role === 'owner' && OWNER_ONLY.has(section));

// --- Sign in ---------------------------------------------------------------------------------
function showLogin(message = '') {
  $('shell').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  const input = $('key');
  if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  input.focus();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const k = $('key').value.trim();
  if (!k) { showLogin('Enter your key.'); return; }
  try {
    await signIn(k);
  } catch (e) {
    showLogin(e.status === 401 ? 'That key is not valid.' : e.status === 403 ? 'This key cannot open the console: use the workspace secret key or a teammate key.' : e.message);
  }
});

$('sign-out').addEventListener('click', async () => {
  key.clear();
  // Drafts are this tab's and this key's: they go with it.
  for (const k of Object.keys(sessionStorage)) if (k.startsWith('porchlight:console:')) sessionStorage.removeItem(k);
  stopLive();
  if (inbox) inbox.stopInbox();
  location.hash = '';
  location.reload();
});

// A key that stops working mid-session (rotated elsewhere, teammate removed) signs this tab out.
window.addEventListener('console:key-refused', () => {
  if (!state.role) return;
  state.role = null;
  key.clear();
  stopLive();
  inbox?.stopInbox();
  showLogin('Your key no longer works (rotated or removed). Sign in again.');
});

// New tickets (announced on the shell's live socket, whatever screen is shown): said aloud, a
// count on the nav's Tickets until the queue is opened; an open queue redraws (tickets.mjs).
// A status change made elsewhere redraws an open queue too.
let newTickets = 0;
function markTickets() {
  const a = $('nav').querySelector('a[data-section="tickets"]');
  if (!a) return;
  a.querySelector('.badge')?.remove();
  // Read as "Tickets, 2 new": the visible count is part of the link's name.
  if (newTickets) a.append(h('span', { class: 'badge' }, h('span', { class: 'sr-only' }, ', '), String(newTickets), h('span', { class: 'sr-only' }, ' new')));
}
window.addEventListener('console:live', ({ detail: e }) => {
  if (e.type !== 'ticket' || !e.ticket) return;
  if (e.new) announce(`New ticket: ${e.ticket.subject}`);
  window.dispatchEvent(new CustomEvent(e.new ? 'console:new-ticket' : 'console:ticket', { detail: e.ticket }));
});
window.addEventListener('console:new-ticket', () => {
  if (location.hash.startsWith('#/tickets')) return;
  newTickets += 1;
  markTickets();
});

$('skip').addEventListener('click', () => document.querySelector('#inbox-view:not([hidden]) h1, #view:not([hidden]) h1')?.focus());

async function signIn(k) {
  const { role, workspaceName } = await probeRole(k);
  key.set(k);
  $('key').value = '';
  state.role = role;
  $('who-am-i').textContent = role === 'owner' ? `${workspaceName} · workspace key` : 'Teammate';
  renderNav();
  $('login').hidden = true;
  $('shell').hidden = false;
  startLive();
  await route();
}

// --- Nav ---------------------------------------------------------------------------------------
function renderNav() {
  const link = (section, text) => h('li', {}, h('a', { href: `#/${section}`, 'data-section': section }, text));
  const group = (title, sections) => h('li', {}, h('span', { class: 'group' }, title), h('ul', {}, sections.map((s) => link(s, KINDS[s].label))));
  const items = [link('inbox', 'Inbox'), link('tickets', 'Tickets')];
  if (state.role === 'owner') {
    items.push(group('Content', CONTENT_KINDS), link('segments', 'Segments'), group('Help center', HELP_KINDS), link('csat', 'CSAT'), link('settings', 'Settings'), link('teammates', 'Teammates'));
  }
  $('nav').replaceChildren(h('ul', {}, items));
}

function markNav(section) {
  for (const a of $('nav').querySelectorAll('a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

// --- Routes ------------------------------------------------------------------------------------
let inbox = null; // the inbox module, loaded on first need
let routeSeq = 0;

async function route() {
  if (!state.role) return;
  const seq = ++routeSeq;
  const [section = 'inbox', id, sub] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = $('view');
  markNav(section);
  const focus = (el) => { if (seq === routeSeq && document.activeElement !== $('key')) el?.focus(); };

  if (section === 'inbox' || !section) {
    view.hidden = true;
    $('inbox-view').hidden = false;
    document.title = 'Inbox · Porchlight console';
    inbox ??= await import('./inbox.mjs');
    await inbox.startInbox({ canReply: state.role === 'teammate' });
    if (id) await inbox.showConversation(id);
    return;
  }
  $('inbox-view').hidden = true;
  view.hidden = false;
  // Each visit renders into a box of its own: a slow answer for a screen already left lands in a
  // detached box, never over the screen now shown.
  const box = h('div', { class: 'view-box' });
  view.replaceChildren(box);
  if (!mayOpen(section)) {
    const h1 = h('h1', { tabindex: '-1' }, 'Not available');
    markNav('');
    box.append(h1, h('p', {}, KINDS[section] || section === 'settings' || section === 'teammates' || section === 'csat'
      ? 'Your key opens the inbox, tickets and visitors. Content, segments, the help center, settings and teammates need the workspace secret key.'
      : 'There is no such screen.'), h('p', {}, h('a', { href: '#/inbox' }, 'Go to the inbox')));
    document.title = 'Not available · Porchlight console';
    focus(h1);
    return;
  }
  let h1;
  if (KINDS[section]) {
    const m = await import('./content.mjs');
    if (section === 'surveys' && id && sub === 'results') h1 = await (await import('./results.mjs')).resultsView(box, id);
    else if (id && sub === 'analytics') h1 = await (await import('./analytics.mjs')).analyticsView(box, section, id);
    else h1 = id ? await m.editView(box, section, id) : await m.listView(box, section);
  } else if (section === 'tickets') {
    newTickets = 0;
    markTickets();
    h1 = await (await import('./tickets.mjs')).ticketsView(box);
  } else if (section === 'visitors') {
    if (id) h1 = await (await import('./visitors.mjs')).visitorView(box, id);
    else box.append(h1 = h('h1', { tabindex: '-1' }, 'Visitors'), h('p', {}, 'Open a visitor from a conversation in the ', h('a', { href: '#/inbox' }, 'inbox'), '.'));
  } else if (section === 'csat') {
    h1 = await (await import('./analytics.mjs')).csatView(box);
  } else if (section === 'settings') {
    h1 = await (await import('./settings.mjs')).settingsView(box);
  } else {
    h1 = await (await import('./teammates.mjs')).teammatesView(box);
  }
  document.title = `${h1?.textContent ?? ''} · Porchlight console`;
  focus(h1);
}
window.addEventListener('hashchange', () => { route().catch(() => {}); });

// --- Start -------------------------------------------------------------------------------------
const stored = key.get();
if (stored) {
  signIn(stored).catch((e) => {
    if (e.status === 401 || e.status === 403) key.clear();
    showLogin(e.status === 401 ? 'Your key no longer works. Sign in again.' : e.message);
  });
} else {
  showLogin();
}
