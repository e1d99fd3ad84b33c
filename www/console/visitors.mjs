// A visitor's profile (either key): who they are and how sure we are of it, their attributes,
// the segments they are in now, what they did (event totals and the latest events), and their
// conversations and tickets.
import { api } from './api.mjs';
import { h, when } from './dom.mjs';
import { alertBox, showAlert } from './forms.mjs';
import { ticketTable } from './tickets.mjs';

const text = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
function list(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, text(v))]));
}
function table(caption, head, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('table', { class: 'items' }, h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))));
}
const section = (title, ...body) => h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...body);

export async function visitorView(view, id) {
  const alert = alertBox();
  const h1 = h('h1', { tabindex: '-1' }, 'Visitor');
  view.replaceChildren(h1, alert);
  let r;
  let conversations = [];
  let tickets = [];
  try {
    // The visitor's own conversations and tickets, filtered at the edge: however long ago
    // they last wrote, not only those among the workspace's latest.
    const mine = `status=all&visitorId=${encodeURIComponent(id)}`;
    [r, { conversations }, { tickets }] = await Promise.all([
      api('GET', `/admin/v1/visitors/${encodeURIComponent(id)}`),
      api('GET', `/admin/v1/conversations?${mine}`),
      api('GET', `/admin/v1/tickets?${mine}`),
    ]);
  } catch (e) {
    // An id no visitor could have is refused by the lists (400 at /visitorId): not found either.
    showAlert(alert, e.status === 404 || e.path === '/visitorId' ? 'This visitor does not exist in this workspace.' : e.message);
    return h1;
  }
  const v = r.visitor;
  h1.textContent = v.name || v.email || v.readableId;
  const identity = [
    ['Visitor id', v.readableId],
    ['Email', v.email],
    ['User id', v.userId ? `${v.userId}${v.userIdVerified ? ' (proven)' : ' (claimed, not proven)'}` : undefined],
    ['Identity verified', v.identityVerified ? 'yes' : 'no'],
    ['First seen', when(v.firstSeenAt)],
    ['Last seen', when(v.lastSeenAt)],
    ['Sessions', v.sessionCount],
    ['Locale', v.locale],
  ];
  view.append(...[
    v.identityMode === 'off' ? h('p', { class: 'warning', role: 'note' }, 'Identity verification is OFF in this workspace: anyone can claim to be any user. Do not share account details on the strength of a user id or email.') : null,
    section('Identity', list(identity)),
    section('Attributes', Object.keys(v.attributes).length ? list(Object.entries(v.attributes)) : h('p', { class: 'empty' }, 'No attributes.')),
    section('Segments', r.segments.length ? h('ul', {}, r.segments.map((s) => h('li', {}, s.name ?? s.id))) : h('p', { class: 'empty' }, 'In no segment now.')),
    section('Conversations', table('Conversations', ['Conversation', 'Status', 'Last activity'],
      conversations.map((c) => [h('a', { href: `#/inbox/${encodeURIComponent(c.id)}` }, c.topic ? `${c.topic}, started ${when(c.createdAt)}` : `Started ${when(c.createdAt)}`), c.status, when(c.lastMessageAt ?? c.updatedAt)]), 'No conversations.')),
    section('Events', table('Event totals', ['Event', 'Count', 'First', 'Last'],
      r.events.totals.map((e) => [e.name, String(e.count), when(e.firstAt), when(e.lastAt)]), 'No events.'),
    h('h3', {}, 'Latest events'),
    table('Latest events', ['Event', 'When', 'Page'], r.events.recent.map((e) => [e.name, when(e.occurredAt), e.url ?? '—']), 'No events.')),
    section('Tickets', tickets.length ? ticketTable(tickets, async (t, status) => {
      try {
        await api('POST', `/admin/v1/tickets/${encodeURIComponent(t.id)}/status`, { status });
        await visitorView(view, id);
      } catch (e) { showAlert(alert, e.message); }
    }) : h('p', { class: 'empty' }, 'No tickets.')),
  ].filter(Boolean));
  return h1;
}
