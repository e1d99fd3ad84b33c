// The inbox: the live conversations of the workspace (unread state, visitor presence), reading
// and answering them, assigning / transferring, closing, and the visitor's attributes and recent
// events. A teammate key answers; the workspace secret key reads (the edge lets it read, not
// speak). Every piece of visitor text is rendered with textContent; links only for http(s) /
// mailto.

import { spans } from './markdown.mjs';

import { api } from './api.mjs';
import { sendLive } from './live.mjs';

const $ = (id) => document.getElementById(id);
const state = {
  started: false,
  filter: 'open',
  conversations: [],
  teammates: [],
  current: null,
  messages: new Map(), // conversation id → [message] by seq
  typingTimer: 0,
  lastTypingSent: 0,
  rows: new Map(), // conversation id → its <li>, kept across events (updated in place)
  typingRows: new Map(), // conversation id → timer clearing "typing…" on its row
};

function renderText(el, text) {
  for (const s of spans(text)) {
    if (s.t === 'text') el.append(document.createTextNode(s.v));
    else if (s.t === 'br') el.append(document.createElement('br'));
    else if (s.t === 'a') { const a = document.createElement('a'); a.href = s.href; a.textContent = s.v; a.rel = 'noopener noreferrer'; a.target = '_blank'; el.append(a); }
    else { const e = document.createElement({ b: 'strong', i: 'em', code: 'code' }[s.t]); e.textContent = s.v; el.append(e); }
  }
}

// --- Start and stop ------------------------------------------------------------------------
/**
 * Loads the inbox, once per sign-in; it follows the shell's live socket (live.mjs) from then
 * on. `canReply`: a teammate key answers; the workspace key reads only (the composer says so
 * instead).
 */
export async function startInbox({ canReply }) {
  $('composer').hidden = !canReply;
  $('read-only').hidden = canReply;
  if (state.started) return;
  state.started = true;
  await loadInbox();
}

/** Opens conversation `id` (a link from a visitor's profile: `#/inbox/<id>`). */
export function showConversation(id) {
  return openConversation(id);
}

/** Sign-out (or a refused key): live events are ignored until the next start. */
export function stopInbox() {
  state.started = false;
}

// --- Inbox --------------------------------------------------------------------------------------
async function loadInbox() {
  const r = await api('GET', `/admin/v1/conversations?status=${state.filter}`);
  state.conversations = r.conversations;
  state.teammates = r.teammates;
  renderList();
}
$('filter').addEventListener('change', () => { state.filter = $('filter').value; loadInbox(); });

const visitorName = (c) => c.visitor?.name || c.visitor?.email || c.visitor?.readableId || 'Visitor';

// The inbox keeps one row per conversation: a live event (message, presence, typing, read)
// updates only its own row, in place, so a busy inbox does not redraw (and the row a teammate
// is about to click, or has focused, stays where and what it is).

/** Puts the listed conversations' rows in order, reusing every row that exists already. */
function renderList() {
  const ul = $('list');
  const listed = new Set(state.conversations.map((c) => c.id));
  for (const [id, li] of state.rows) {
    if (!listed.has(id)) { li.remove(); state.rows.delete(id); }
  }
  state.conversations.forEach((c, i) => {
    const li = renderRow(c);
    if (ul.children[i] !== li) ul.insertBefore(li, ul.children[i] ?? null);
  });
}

/** Draws one conversation's row: creates it the first time, then updates it in place. */
function renderRow(c) {
  let li = state.rows.get(c.id);
  if (!li) {
    li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.id = c.id;
    b.addEventListener('click', () => openConversation(c.id));
    li.append(b);
    state.rows.set(c.id, li);
  }
  const b = li.firstChild;
  b.setAttribute('aria-current', String(c.id === state.current));
  const top = document.createElement('span');
  top.className = 'top';
  const dot = document.createElement('span');
  dot.className = `dot ${c.visitor?.presence ?? 'gone'}`;
  dot.title = c.visitor?.presence ?? 'gone';
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = visitorName(c);
  top.append(dot, name);
  const presence = document.createElement('span');
  presence.className = 'sr-only';
  presence.textContent = `, ${c.visitor?.presence ?? 'gone'}`;
  top.append(presence);
  if (c.unread > 0) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = String(c.unread);
    badge.setAttribute('aria-label', `${c.unread} unread`);
    top.append(badge);
  }
  const snippet = document.createElement('span');
  snippet.className = 'snippet';
  snippet.textContent = state.typingRows.has(c.id)
    ? 'typing…'
    : [c.topic, c.status === 'closed' ? 'closed' : null, c.assignee ? `→ ${c.assignee.name}` : 'unassigned'].filter(Boolean).join(' · ');
  b.replaceChildren(top, snippet);
  return li;
}

/** Redraws the row of conversation `id`, if it is listed. */
function renderRowOf(id) {
  const c = state.conversations.find((x) => x.id === id);
  if (c) renderRow(c);
}

// --- A conversation -----------------------------------------------------------------------------
async function openConversation(id) {
  const before = state.current;
  state.current = id;
  renderRowOf(before);
  renderRowOf(id);
  const r = await api('GET', `/admin/v1/conversations/${id}/messages?after=0&limit=200`);
  state.messages.set(id, r.messages);
  const c = state.conversations.find((x) => x.id === id) ?? r.conversation;
  $('empty').hidden = true;
  $('pane').hidden = false;
  $('who').textContent = visitorName(c);
  $('typing').textContent = '';
  const sel = $('assignee');
  sel.replaceChildren(new Option('Unassigned', ''));
  for (const t of state.teammates) sel.append(new Option(t.name, t.id));
  sel.value = r.conversation.assignee?.id ?? '';
  $('close').disabled = r.conversation.status === 'closed';
  renderMessages();
  loadVisitor(r.conversation.visitorId);
  markRead(id);
}

function renderMessages() {
  const ol = $('messages');
  ol.replaceChildren();
  for (const m of state.messages.get(state.current) ?? []) {
    const li = document.createElement('li');
    li.className = m.author.type;
    li.dataset.seq = m.seq;
    renderText(li, m.body);
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${m.author.type === 'agent' ? m.author.name : m.author.type === 'visitor' ? 'Visitor' : 'System'} · ${new Date(m.createdAt).toLocaleTimeString()}${m.pending ? ' · sending…' : ''}`;
    li.append(meta);
    ol.append(li);
  }
  ol.scrollTop = ol.scrollHeight;
}

function addMessage(m) {
  const list = state.messages.get(m.conversationId);
  if (!list) return;
  const i = list.findIndex((x) => x.clientId === m.clientId);
  if (i >= 0) list[i] = m; else list.push(m);
  list.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  if (m.conversationId === state.current) renderMessages();
}

async function markRead(id) {
  try { await api('POST', `/admin/v1/conversations/${id}/read`, {}); } catch { /* next open retries */ }
  const c = state.conversations.find((x) => x.id === id);
  if (c) { c.unread = 0; renderRow(c); }
}

async function loadVisitor(visitorId) {
  const aside = $('visitor');
  aside.replaceChildren();
  try {
    const r = await api('GET', `/admin/v1/visitors/${visitorId}`);
    const h = document.createElement('h2');
    h.textContent = r.visitor.name || r.visitor.readableId;
    const dl = document.createElement('dl');
    const row = (k, v) => { const dt = document.createElement('dt'); dt.textContent = k; const dd = document.createElement('dd'); dd.textContent = typeof v === 'string' ? v : JSON.stringify(v); dl.append(dt, dd); };
    if (r.visitor.email) row('email', r.visitor.email);
    if (r.visitor.userId) row('user id', r.visitor.userId + (r.visitor.userIdVerified ? '' : ' (claimed, not proven)'));
    row('verified', r.visitor.identityVerified ? 'yes' : 'no');
    if (r.visitor.identityMode === 'off') {
      // Mode off trusts every claim by design: say so where a teammate decides what to share.
      const warn = document.createElement('p');
      warn.className = 'warning';
      warn.setAttribute('role', 'note');
      warn.textContent = 'Identity verification is OFF in this workspace: anyone can claim to be any user. Do not share account details with this visitor on the strength of their user id or email.';
      aside.append(warn);
    }
    row('sessions', r.visitor.sessionCount);
    for (const [k, v] of Object.entries(r.visitor.attributes)) row(k, v);
    const eh = document.createElement('h2');
    eh.textContent = 'Recent events';
    const ol = document.createElement('ol');
    for (const e of r.events.recent.slice(0, 10)) {
      const li = document.createElement('li');
      li.textContent = `${e.name} · ${new Date(e.occurredAt).toLocaleString()}`;
      ol.append(li);
    }
    const profile = document.createElement('a');
    profile.href = `#/visitors/${encodeURIComponent(visitorId)}`;
    profile.textContent = 'Open the full profile';
    aside.append(h, dl, eh, ol, profile);
  } catch (e) {
    aside.textContent = e.message;
  }
}

// --- Replying -----------------------------------------------------------------------------------
async function send(conversationId, body) {
  const clientId = crypto.randomUUID();
  addMessage({ conversationId, clientId, body, author: { type: 'agent', name: 'You' }, createdAt: Date.now(), pending: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await api('POST', `/admin/v1/conversations/${conversationId}/messages`, { clientId, body });
      addMessage(r.message);
      return;
    } catch (e) {
      // Client errors will not heal; network and server errors are retried (same clientId).
      if (e.status && e.status < 500 && e.status !== 429) { $('typing').textContent = `Not sent: ${e.message}`; return; }
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
    }
  }
}

$('composer').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('reply').value;
  if (!text.trim() || !state.current) return;
  $('reply').value = '';
  send(state.current, text);
});
$('reply').addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); $('composer').requestSubmit(); }
});
$('reply').addEventListener('input', () => {
  const c = state.conversations.find((x) => x.id === state.current);
  if (!c || Date.now() - state.lastTypingSent < 2000) return;
  state.lastTypingSent = Date.now();
  sendLive({ type: 'typing', conversationId: c.id, visitorId: c.visitorId });
});
$('close').addEventListener('click', async () => {
  const r = await api('POST', `/admin/v1/conversations/${state.current}/close`);
  upsertConversation(r.conversation);
  $('close').disabled = true;
});
$('assignee').addEventListener('change', async () => {
  const r = await api('POST', `/admin/v1/conversations/${state.current}/assign`, { teammateId: $('assignee').value || null });
  upsertConversation(r.conversation);
});

function upsertConversation(c) {
  const i = state.conversations.findIndex((x) => x.id === c.id);
  if (i >= 0) state.conversations[i] = { ...state.conversations[i], ...c };
  else if (state.filter === 'all' || state.filter === c.status) state.conversations.unshift(c);
  if (c.id === state.current) {
    $('assignee').value = c.assignee?.id ?? '';
    $('close').disabled = c.status === 'closed';
  }
  // A known conversation: its row only. A new one: its row is added, the others stay.
  if (i >= 0) renderRow(state.conversations[i]); else renderList();
}

// --- Live -----------------------------------------------------------------------------------
// The shell's socket (live.mjs) hands every event over as `console:live`; the inbox follows
// them once started, and catches up after a reconnect.
/** The visitor stopped typing (or sent): the row shows its summary again. */
function typingDone(id) {
  if (!state.typingRows.has(id)) return;
  clearTimeout(state.typingRows.get(id));
  state.typingRows.delete(id);
  renderRowOf(id);
}

window.addEventListener('console:live', ({ detail: e }) => {
  if (!state.started) return;
  if (e.type === 'message') {
    addMessage(e.message);
    const c = state.conversations.find((x) => x.id === e.conversationId);
    if (!c) { loadInbox(); return; }
    if (e.message.author.type === 'visitor') typingDone(c.id);
    if (e.conversationId === state.current) { $('typing').textContent = ''; markRead(c.id); }
    else if (e.message.author.type === 'visitor') { c.unread += 1; renderRow(c); }
  } else if (e.type === 'conversation') {
    upsertConversation(e.conversation);
  } else if (e.type === 'presence') {
    for (const c of state.conversations) {
      if (c.visitorId === e.visitorId && c.visitor && c.visitor.presence !== e.presence) { c.visitor.presence = e.presence; renderRow(c); }
    }
  } else if (e.type === 'read' && e.by === 'agent') {
    // Another teammate (or tab) read it.
    const c = state.conversations.find((x) => x.id === e.conversationId);
    if (c) { c.unread = 0; renderRow(c); }
  } else if (e.type === 'typing' && e.from === 'visitor') {
    // Only for a conversation of the visitor who types.
    const c = state.conversations.find((x) => x.id === e.conversationId);
    if (!c || c.visitorId !== e.visitorId) return;
    clearTimeout(state.typingRows.get(c.id));
    state.typingRows.set(c.id, setTimeout(() => typingDone(c.id), 4000));
    renderRow(c);
    if (c.id === state.current) {
      $('typing').textContent = 'Visitor is typing…';
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 4000);
    }
  }
});

// Catch up on what happened while the socket was down.
window.addEventListener('console:live-reconnected', async () => {
  if (!state.started) return;
  try { await loadInbox(); if (state.current) await openConversation(state.current); } catch { /* offline */ }
});
