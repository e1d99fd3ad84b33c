// Authored content, every kind from kinds.mjs: the list (name, status, updated; duplicate and
// status actions) and the editor (fields + JSON editors, errors beside their field, drafts).
import { api } from './api.mjs';
import { h, when, announce } from './dom.mjs';
import { KINDS, nameOf } from './kinds.mjs';
import { attachDelivery } from './reach.mjs';
import { attachTranslations } from './translations.mjs';
import { attachSteps } from './steps.mjs';
import { attachQuestions } from './questions.mjs';
import { attachTasks } from './tasks.mjs';
import { previewBox } from './preview.mjs';
import { field, fitRows, checkJson, placeError, valuesFromItem, bodyFromValues, drafts, alertBox, showAlert } from './forms.mjs';

// JSON editors that hold an audience rule get the visual builder (reach.mjs), under this title;
// triggers and frequency get theirs too, and the editor holding translations its section.
const RULES = { audience: 'Audience', rule: 'Who is in the segment' };
const COPY = (name) => `Copy of ${name}`.slice(0, 100);
const heading = (text) => h('h1', { tabindex: '-1' }, text);

/** The content in its default language as the form holds it (for its translations); null while it does not parse. */
function defaultText(kind, values) {
  if (kind.translations !== 'content') return { title: values.title, body: values.body };
  const only = { fields: kind.fields.filter((f) => f.key.startsWith('content.')), json: kind.json.filter((j) => j.key === 'content') };
  try {
    const { content } = bodyFromValues(only, values, true);
    if (content && typeof content === 'object') delete content.translations;
    return content;
  } catch { return null; }
}

/** Creates a copy of `item` (as a draft) and returns it. */
async function duplicate(kind, item) {
  const body = bodyFromValues(kind, valuesFromItem(kind, item), true);
  body[kind.nameKey ?? 'name'] = COPY(nameOf(kind, item));
  return api('POST', kind.path, body);
}

function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, status);
}

// --- The list --------------------------------------------------------------------------------
export async function listView(view, kindId) {
  const kind = KINDS[kindId];
  const alert = alertBox();
  const h1 = heading(kind.label);
  view.replaceChildren(h('div', { class: 'view-head' }, h1, h('a', { class: 'button', href: `#/${kindId}/new` }, `New ${kind.one}`)), alert);
  let items;
  try {
    items = (await api('GET', kind.path))[kind.list];
  } catch (e) {
    showAlert(alert, e.message);
    return h1;
  }
  items.sort((a, b) => b.updatedAt - a.updatedAt);
  if (!items.length) {
    view.append(h('p', { class: 'empty' }, `No ${kind.label.toLowerCase()} yet.`));
    return h1;
  }
  const act = async (what, run) => {
    showAlert(alert, '');
    try {
      await run();
      await listView(view, kindId);
      view.querySelector('h1')?.focus();
      announce(what);
    } catch (e) {
      showAlert(alert, e.message);
    }
  };
  const rows = items.map((item) => {
    const name = nameOf(kind, item) || '(no name)';
    const actions = [h('button', { type: 'button', class: 'small', 'aria-label': `Duplicate ${name}`, onclick: () => act(`Duplicated ${name}.`, () => duplicate(kind, item)) }, 'Duplicate')];
    for (const t of kind.statuses?.[item.status] ?? []) {
      actions.push(h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `${kind.verbs[t]} ${name}`, onclick: () => act(`${kind.done[t]}: ${name}.`, () => api('POST', `${kind.path}/${item.id}/${t}`)) }, kind.verbs[t]));
    }
    return h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/${kindId}/${encodeURIComponent(item.id)}` }, name)),
      kind.typeColumn ? h('td', {}, item[kind.typeColumn]) : null,
      kind.statuses ? h('td', {}, statusBadge(item.status)) : null,
      h('td', {}, when(item.updatedAt)),
      h('td', { class: 'actions' }, actions));
  });
  view.append(h('table', { class: 'items' },
    h('caption', { class: 'sr-only' }, kind.label),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Name'),
      kind.typeColumn ? h('th', { scope: 'col' }, 'Type') : null,
      kind.statuses ? h('th', { scope: 'col' }, 'Status') : null,
      h('th', { scope: 'col' }, 'Updated'),
      h('th', { scope: 'col' }, 'Actions'))),
    h('tbody', {}, rows)));
  return h1;
}

// --- The editor ------------------------------------------------------------------------------
export async function editView(view, kindId, id) {
  const kind = KINDS[kindId];
  const isNew = id === 'new';
  const alert = alertBox();
  let item = null;
  let collections = [];
  let segments = [];
  let defaultLanguage = 'en';
  let tours = [];
  const ruleKeys = kind.json.map((j) => j.key).filter((k) => RULES[k]);
  try {
    if (!isNew) item = await api('GET', `${kind.path}/${encodeURIComponent(id)}`);
    if (kind.fields.some((f) => f.options === 'collections')) collections = (await api('GET', '/admin/v1/collections')).collections;
    if (ruleKeys.length) segments = (await api('GET', '/admin/v1/segments')).segments.filter((s) => !(kindId === 'segments' && s.id === id));
    if (kindId === 'checklists') tours = (await api('GET', '/admin/v1/tours')).tours;
    if (kind.translations) defaultLanguage = (await api('GET', '/admin/v1/workspace')).messenger.defaultLanguage ?? 'en';
  } catch (e) {
    const h1 = heading(kind.label);
    view.replaceChildren(h1, alert, h('p', {}, h('a', { href: `#/${kindId}` }, `Back to ${kind.label.toLowerCase()}`)));
    showAlert(alert, e.status === 404 ? `This ${kind.one} does not exist (any more).` : e.message);
    return h1;
  }
  const title = isNew ? `New ${kind.one}` : nameOf(kind, item) || '(no name)';
  const h1 = heading(title);

  // Fields and JSON editors, in the kind's order.
  const entries = [];
  for (const f of kind.fields) {
    if (f.createOnly && !isNew) continue;
    const spec = f.options === 'collections' ? { ...f, type: 'select', options: [['', 'No collection'], ...collections.map((c) => [c.id, c.name])] } : f;
    entries.push(field(spec));
  }
  for (const j of kind.json) entries.push(field({ ...j, key: j.key }, { json: true }));
  const jsonEntry = (e) => e.json;
  const valueKey = (e) => (e.json ? `json:${e.key}` : e.key);

  const saved = valuesFromItem(kind, item ?? kind.blank());
  const builders = [];
  const fill = (values) => {
    for (const e of entries) { e.input.value = values[valueKey(e)] ?? ''; fitRows(e); }
    for (const b of builders) b?.sync();
  };
  const read = () => Object.fromEntries(entries.map((e) => [valueKey(e), e.input.value]));
  if (!isNew) for (const e of entries) if (e.spec.createOnly) e.input.disabled = true;

  // A draft of this item, from an earlier visit in this tab.
  const draftNote = h('div', { class: 'draft-note', role: 'status' });
  const restored = drafts.load(kindId, id);
  const showDraftNote = (on) => {
    draftNote.replaceChildren();
    if (!on) return;
    draftNote.append(
      h('span', {}, 'Unsaved changes from earlier in this tab were restored. '),
      h('button', { type: 'button', class: 'small quiet-border', onclick: () => {
        drafts.clear(kindId, id);
        fill(saved);
        for (const e of entries) e.clearError();
        showDraftNote(false);
        announce('Draft discarded.');
        entries[0]?.input.focus();
      } }, 'Discard draft'));
  };
  fill(restored ?? saved);
  showDraftNote(!!restored);
  // A restored draft may hold JSON that does not parse yet: say so now, not at the next keystroke.
  if (restored) for (const e of entries) if (e.json) checkJson(e);

  const form = h('form', { class: 'editor', novalidate: true }, entries.map((e) => e.wrap), alert,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, isNew ? `Create ${kind.one}` : 'Save changes')));
  builders.push(attachDelivery(entries, segments, RULES));
  // A tour's steps, a survey's questions and a checklist's tasks as forms (steps.mjs,
  // questions.mjs, tasks.mjs), above their translations and the JSON all of them write.
  if (kindId === 'tours') builders.push(attachSteps(entries.find((e) => e.json && e.key === 'content')));
  if (kindId === 'surveys') builders.push(attachQuestions(entries.find((e) => e.json && e.key === 'content')));
  if (kindId === 'checklists') builders.push(attachTasks(entries.find((e) => e.json && e.key === 'content'), tours));
  const trEntry = kind.translations && entries.find((e) => e.json && e.key === kind.translations);
  if (trEntry) builders.push(attachTranslations(trEntry, { base: () => defaultText(kind, read()), inContent: kind.translations === 'content', saved: kind.translations === 'content' ? '/content/translations' : '/translations', defaultLanguage }));
  for (const b of builders) b?.sync();
  form.addEventListener('input', (ev) => {
    drafts.save(kindId, id, read());
    const e = entries.find((x) => x.input === ev.target);
    if (e?.json) { checkJson(e); fitRows(e); } else e?.clearError();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showAlert(alert, '');
    for (const e of entries) e.clearError();
    const bad = entries.filter(jsonEntry).filter((e) => !checkJson(e));
    if (bad.length) { bad[0].input.focus(); return; }
    const values = read();
    try {
      const body = bodyFromValues(kind, values, isNew);
      const out = isNew ? await api('POST', kind.path, body) : await api('PATCH', `${kind.path}/${encodeURIComponent(id)}`, body);
      drafts.clear(kindId, id);
      announce(isNew ? `Created ${nameOf(kind, out)}.` : 'Saved.');
      if (isNew) location.hash = `#/${kindId}/${encodeURIComponent(out.id)}`;
      else { item = out; await editView(view, kindId, id); view.querySelector('h1')?.focus(); }
    } catch (e) {
      // A builder that shows the value the error's path names takes it; else the field or editor.
      if (builders.some((b) => b?.claim(e))) return;
      if (e.code === 'INVALID_INPUT' || e.path) placeError(entries, e, alert);
      else showAlert(alert, e.message);
    }
  });

  // Status, duplicate and delete act on the saved item.
  const bar = h('div', { class: 'item-bar' });
  if (!isNew) {
    if (kind.statuses) {
      bar.append(h('span', {}, 'Status: '), statusBadge(item.status));
      for (const t of kind.statuses[item.status] ?? []) {
        bar.append(h('button', { type: 'button', class: 'small', onclick: () => run(`${kind.done[t]}.`, () => api('POST', `${kind.path}/${item.id}/${t}`)) }, kind.verbs[t]));
      }
    }
    if (kindId === 'surveys') bar.append(h('a', { class: 'button small', href: `#/surveys/${encodeURIComponent(item.id)}/results` }, 'Results'));
    if (kind.statuses && kind.path.startsWith('/admin/v1/') && kindId !== 'articles') bar.append(h('a', { class: 'button small', href: `#/${kindId}/${encodeURIComponent(item.id)}/analytics` }, 'Analytics'));
    bar.append(
      h('button', { type: 'button', class: 'small quiet-border', onclick: () => run('Duplicated.', async () => {
        const copy = await duplicate(kind, item);
        location.hash = `#/${kindId}/${encodeURIComponent(copy.id)}`;
        return 'moved';
      }) }, 'Duplicate'),
      h('button', { type: 'button', class: 'small danger', onclick: () => {
        if (!confirm(`Delete “${nameOf(kind, item)}”? This cannot be undone.`)) return;
        run('Deleted.', async () => { await api('DELETE', `${kind.path}/${item.id}`); drafts.clear(kindId, id); location.hash = `#/${kindId}`; return 'moved'; });
      } }, 'Delete'));
  }
  async function run(done, what) {
    showAlert(alert, '');
    for (const e of entries) e.clearError();
    try {
      const r = await what();
      announce(done);
      if (r !== 'moved') { await editView(view, kindId, id); view.querySelector('h1')?.focus(); }
    } catch (e) {
      if (e.path) placeError(entries, e, alert); else showAlert(alert, e.message);
    }
  }

  // replaceChildren writes a null as the text "null": leave the absent parts out.
  view.replaceChildren(...[
    h('p', { class: 'crumbs' }, h('a', { href: `#/${kindId}` }, kind.label)),
    h1, bar, !isNew && kind.statuses && kindId !== 'articles' ? previewBox(item.id, nameOf(kind, item) || kind.one) : null, draftNote,
    kind.json.some((j) => RULES[j.key] || j.key === 'triggers') ? h('p', { class: 'hint' }, 'The audience, triggers and frequency are built below (or edited as JSON under each builder). The engine checks them as you go and when you save.') : null,
    form].filter((c) => c != null));
  return h1;
}
