// Teammates (workspace secret key): who answers chats. Adding one shows their key once — they
// sign in to this console with it; removing one stops the key and closes their sockets.
import { api } from './api.mjs';
import { h, when, announce } from './dom.mjs';
import { field, placeError, alertBox, showAlert } from './forms.mjs';

export async function teammatesView(view) {
  const h1 = h('h1', { tabindex: '-1' }, 'Teammates');
  const alert = alertBox();
  view.replaceChildren(h1, alert);
  let teammates;
  try {
    teammates = (await api('GET', '/admin/v1/teammates')).teammates;
  } catch (e) {
    showAlert(alert, e.message);
    return h1;
  }
  const redraw = async (focusHeading = true) => {
    await teammatesView(view);
    if (focusHeading) view.querySelector('h1')?.focus();
  };

  const table = teammates.length
    ? h('table', { class: 'items' },
      h('caption', { class: 'sr-only' }, 'Teammates'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Email'), h('th', { scope: 'col' }, 'Added'), h('th', { scope: 'col' }, 'Actions'))),
      h('tbody', {}, teammates.map((t) => h('tr', {},
        h('th', { scope: 'row' }, t.name),
        h('td', {}, t.email ?? '—'),
        h('td', {}, when(t.createdAt)),
        h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${t.name}`, onclick: async () => {
          if (!confirm(`Remove ${t.name}? Their key stops working and their conversations are unassigned.`)) return;
          try {
            await api('DELETE', `/admin/v1/teammates/${encodeURIComponent(t.id)}`);
            announce(`Removed ${t.name}.`);
            await redraw();
          } catch (e) { showAlert(alert, e.message); }
        } }, 'Remove'))))))
    : h('p', { class: 'empty' }, 'No teammates yet.');

  const entries = [
    field({ key: 'name', label: 'Name', type: 'text', required: true, max: 80 }),
    field({ key: 'email', label: 'Email (optional)', type: 'text' }),
  ];
  entries[1].input.type = 'email';
  const formAlert = alertBox();
  const form = h('form', { novalidate: true, class: 'settings-form card' },
    h('h2', {}, 'Add a teammate'), entries.map((e) => e.wrap), formAlert,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Add teammate')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showAlert(formAlert, '');
    for (const e of entries) e.clearError();
    try {
      const r = await api('POST', '/admin/v1/teammates', { name: entries[0].input.value, email: entries[1].input.value.trim() || null });
      await redraw(false);
      const k = field({ key: 'key', label: `${r.teammate.name}’s key`, type: 'text' });
      k.input.readOnly = true;
      k.input.value = r.key;
      k.input.classList.add('secret');
      view.querySelector('.shown-slot').replaceChildren(h('div', { class: 'shown-once', role: 'status' },
        h('p', { class: 'strong' }, `Give ${r.teammate.name} this key now: it is shown once. They sign in to this console with it.`), k.wrap));
      k.input.focus();
    } catch (e) {
      if (e.path) placeError(entries, e, formAlert); else showAlert(formAlert, e.message);
    }
  });
  view.append(h('div', { class: 'shown-slot' }), table, form);
  return h1;
}
