// The tickets queue (either key): what visitors filed, newest change first, filtered by status;
// a teammate moves a ticket (open → pending → solved → closed) and the visitor's messenger
// hears it live (the edge announces it on their socket). The queue follows the shell's live
// socket: a ticket filed or moved elsewhere shows without a reload.
import { api } from './api.mjs';
import { h, when, announce } from './dom.mjs';
import { alertBox, showAlert } from './forms.mjs';

const STATUSES = ['open', 'pending', 'solved', 'closed'];
const listening = new WeakMap(); // a queue's box → the AbortController of its live listeners
const drawing = new WeakMap(); // a queue's box → the number of its latest drawing (an older one's answer is dropped)

/**
 * Redraws the queue in `view` when the shell's live socket (live.mjs) says a ticket was filed or
 * moved, or after it reconnected; the control that had focus keeps it (same label). Listens for
 * the queue drawn last only, and stops once the queue has been left.
 */
function follow(view) {
  listening.get(view)?.abort();
  const ac = new AbortController();
  listening.set(view, ac);
  const redraw = async () => {
    ac.abort();
    if (!view.isConnected) return;
    const a = view.contains(document.activeElement) ? document.activeElement : null;
    const label = a?.getAttribute('aria-label');
    await ticketsView(view);
    if (!a) return;
    const again = a.tagName === 'H1' ? view.querySelector('h1') : a.id ? view.querySelector(`#${CSS.escape(a.id)}`) : [...view.querySelectorAll('[aria-label]')].find((el) => el.getAttribute('aria-label') === label);
    (again ?? view.querySelector('h1'))?.focus();
  };
  for (const name of ['console:new-ticket', 'console:ticket', 'console:live-reconnected']) window.addEventListener(name, redraw, { signal: ac.signal });
}
const FILTER = 'porchlight:console:tickets-filter';

export async function ticketsView(view) {
  const mine = (drawing.get(view) ?? 0) + 1;
  drawing.set(view, mine);
  const h1 = h('h1', { tabindex: '-1' }, 'Tickets');
  const alert = alertBox();
  const filter = h('select', { id: 'tickets-filter' }, ['all', ...STATUSES].map((s) => h('option', { value: s }, s === 'all' ? 'All' : s[0].toUpperCase() + s.slice(1))));
  filter.value = sessionStorage.getItem(FILTER) ?? 'open';
  filter.addEventListener('change', async () => {
    sessionStorage.setItem(FILTER, filter.value);
    await ticketsView(view);
    view.querySelector('#tickets-filter')?.focus();
  });
  view.replaceChildren(h('div', { class: 'view-head' }, h1, h('label', { class: 'filter' }, 'Show tickets ', filter)), alert);
  follow(view);
  let tickets;
  try {
    tickets = (await api('GET', `/admin/v1/tickets?status=${filter.value}`)).tickets;
  } catch (e) {
    if (drawing.get(view) === mine) showAlert(alert, e.message);
    return h1;
  }
  // Drawn again meanwhile (a live event and a move at once): that drawing shows, not this one.
  if (drawing.get(view) !== mine) return h1;
  if (!tickets.length) {
    view.append(h('p', { class: 'empty' }, filter.value === 'all' ? 'No tickets yet.' : `No ${filter.value} tickets.`));
    return h1;
  }
  view.append(ticketTable(tickets, async (t, status) => {
    showAlert(alert, '');
    try {
      await api('POST', `/admin/v1/tickets/${encodeURIComponent(t.id)}/status`, { status });
      await ticketsView(view);
      view.querySelector('h1')?.focus();
      announce(`“${t.subject}” is now ${status}.`);
    } catch (e) { showAlert(alert, e.message); }
  }));
  return h1;
}

/** The tickets as a table; `move(ticket, status)` when a status is picked. Used by the visitor's profile too. */
export function ticketTable(tickets, move) {
  return h('table', { class: 'items' },
    h('caption', { class: 'sr-only' }, 'Tickets'),
    h('thead', {}, h('tr', {}, ['Subject', 'Visitor', 'Status', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, tickets.map((t) => {
      const status = h('select', { 'aria-label': `Status of “${t.subject}”` }, STATUSES.map((s) => h('option', { value: s }, s)));
      status.value = t.status;
      status.addEventListener('change', () => move(t, status.value));
      const who = t.visitor?.name || t.visitor?.email || t.visitor?.readableId || 'Visitor';
      return h('tr', {},
        h('th', { scope: 'row' }, h('details', {}, h('summary', {}, t.subject), h('p', { class: 'ticket-body' }, t.body))),
        h('td', {}, h('a', { href: `#/visitors/${encodeURIComponent(t.visitorId)}` }, who)),
        h('td', {}, status),
        h('td', {}, when(t.updatedAt)));
    })));
}
