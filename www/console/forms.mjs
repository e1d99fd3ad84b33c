// Form pieces shared by the content editors and the settings: labelled fields whose error sits
// beside them (aria-invalid + aria-describedby), JSON editors checked as you type, the API's
// error placed at the field its JSON pointer names, and drafts kept per item in this tab.
import { h, uid, announce } from './dom.mjs';

/** The value at a dotted key (`content.title`) of an object. */
export function get(obj, dotted) {
  return dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}
function set(obj, dotted, value) {
  const parts = dotted.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] ??= {};
  o[parts.at(-1)] = value;
}
export const pointerOf = (dotted) => `/${dotted.split('.').join('/')}`;

/**
 * One labelled control. `spec`: {key, label, type: text|textarea|number|select|color|checkbox,
 * options: [[value, text]], hint, required, rows, min, max}. Returns an entry the form keeps:
 * {key, pointer, input, wrap, showError, clearError}.
 */
export function field(spec, { json = false } = {}) {
  const id = uid('f');
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  let input;
  if (json || spec.type === 'textarea') {
    input = h('textarea', { id, name: spec.key, rows: spec.rows ?? (json ? 8 : 4), spellcheck: json ? 'false' : null, class: json ? 'json' : null });
  } else if (spec.type === 'select') {
    input = h('select', { id, name: spec.key }, (spec.options ?? []).map(([v, t]) => h('option', { value: v }, t)));
  } else if (spec.type === 'checkbox') {
    input = h('input', { id, name: spec.key, type: 'checkbox' });
  } else {
    input = h('input', { id, name: spec.key, type: spec.type === 'number' ? 'number' : spec.type === 'color' ? 'color' : 'text', min: spec.min, max: spec.type === 'number' ? spec.max : null, maxlength: spec.type === 'text' && spec.max ? spec.max : null, step: spec.type === 'number' ? 1 : null });
  }
  if (spec.required) input.setAttribute('aria-required', 'true');
  const hint = spec.hint ? h('p', { id: hintId, class: 'hint' }, spec.hint) : null;
  const error = h('p', { id: errId, class: 'field-error', hidden: true });
  const describe = (withError) => {
    const ids = [hint ? hintId : null, withError ? errId : null].filter(Boolean).join(' ');
    if (ids) input.setAttribute('aria-describedby', ids); else input.removeAttribute('aria-describedby');
  };
  describe(false);
  const label = h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'req' }, ' (required)') : null);
  const wrap = spec.type === 'checkbox'
    ? h('div', { class: 'field check' }, input, label, hint, error)
    : h('div', { class: `field${json ? ' json-field' : ''}` }, label, hint, input, error);
  return {
    key: spec.key, spec, json, pointer: pointerOf(spec.key), input, wrap,
    showError(message) {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      describe(true);
    },
    clearError() {
      error.textContent = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      describe(false);
    },
  };
}

/** A JSON editor as tall as its text (3 to 20 lines). */
export function fitRows(entry) {
  if (entry.json) entry.input.rows = Math.min(20, Math.max(3, entry.input.value.split('\n').length + 1));
}

/** Checks a JSON editor's text; shows the syntax error beside it. Returns the value or `undefined`. */
export function checkJson(entry) {
  try {
    const v = JSON.parse(entry.input.value);
    entry.clearError();
    return { value: v };
  } catch (e) {
    entry.showError(`Not valid JSON: ${e.message}`);
    return undefined;
  }
}

/**
 * Shows an API error at the entry its path points at: the entry whose pointer is the path or
 * its longest prefix (a JSON editor shows the rest of the path with the message); a path no
 * entry owns goes beside the first JSON editor, with the path, or to `fallback` (an element).
 * Focuses the control. Returns the entry used (or null).
 */
export function placeError(entries, err, fallback) {
  const path = err.path ?? '';
  let best = null;
  for (const e of entries) {
    if (path === e.pointer || path.startsWith(`${e.pointer}/`)) {
      if (!best || e.pointer.length > best.pointer.length) best = e;
    }
  }
  let message = err.message;
  if (!best) {
    best = entries.find((e) => e.json) ?? null;
    if (path) message = `${err.message} (at ${path})`;
  } else if (best.json && path !== best.pointer) {
    message = `${err.message} (at ${path})`;
  }
  if (!best) {
    fallback.textContent = message;
    fallback.hidden = false;
    return null;
  }
  best.showError(message);
  best.input.focus();
  return best;
}

/** Form values (strings / booleans by key; JSON editors as text) from an item. */
export function valuesFromItem(kind, item) {
  const v = {};
  for (const f of kind.fields) {
    const x = get(item, f.key);
    v[f.key] = x == null ? '' : String(x);
  }
  for (const j of kind.json) {
    let x = item[j.key] ?? null;
    if (j.rest && x) {
      x = { ...x };
      for (const f of kind.fields) if (f.key.startsWith(`${j.key}.`)) delete x[f.key.slice(j.key.length + 1)];
    }
    v[`json:${j.key}`] = JSON.stringify(x, null, 2);
  }
  return v;
}

/** The request body from form values (JSON editors already checked). */
export function bodyFromValues(kind, values, isNew) {
  const body = {};
  for (const j of kind.json) body[j.key] = JSON.parse(values[`json:${j.key}`]);
  for (const f of kind.fields) {
    if (f.createOnly && !isNew) continue;
    let x = values[f.key] ?? '';
    if (f.type === 'number') {
      if (x === '') continue;
      x = Number(x);
    } else if (x === '' && 'empty' in f) {
      x = f.empty;
    }
    const [head] = f.key.split('.');
    if (f.key.includes('.') && (body[head] == null || typeof body[head] !== 'object' || Array.isArray(body[head]))) body[head] = {};
    set(body, f.key, x);
  }
  return body;
}

// Drafts: what an author typed and has not saved, per item, in this tab (sessionStorage), so
// a reload or a trip to another screen loses nothing.
const draftKey = (kindId, id) => `porchlight:console:draft:${kindId}:${id}`;
export const drafts = {
  load(kindId, id) {
    try { return JSON.parse(sessionStorage.getItem(draftKey(kindId, id))); } catch { return null; }
  },
  save(kindId, id, values) {
    try { sessionStorage.setItem(draftKey(kindId, id), JSON.stringify(values)); } catch { /* storage full: the form still holds it */ }
  },
  clear(kindId, id) { sessionStorage.removeItem(draftKey(kindId, id)); },
};

/** A message box for a form or a screen (role=alert: read at once when it appears). */
export const alertBox = () => h('p', { class: 'form-error', role: 'alert', hidden: true });
export function showAlert(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

/**
 * The From / To form of a report over days (analytics, survey results): `load(query)` fetches
 * with `?from=…&to=…` (none: the edge's default, the last 30 days), draws, and returns the
 * edge's answer, whose `from` / `to` fill the fields; the edge's errors sit beside the field.
 */
export function rangeForm(load) {
  const from = field({ key: 'from', label: 'From', hint: 'First day (UTC)' });
  const to = field({ key: 'to', label: 'To', hint: 'Last day (UTC), included' });
  for (const f of [from, to]) f.input.type = 'date';
  const alert = alertBox();
  const form = h('form', { class: 'range-form', novalidate: true }, from.wrap, to.wrap, h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Show')), alert);
  const run = async () => {
    showAlert(alert, '');
    for (const f of [from, to]) f.clearError();
    const q = new URLSearchParams();
    if (from.input.value) q.set('from', from.input.value);
    if (to.input.value) q.set('to', to.input.value);
    try {
      const r = await load(q.toString() ? `?${q}` : '');
      from.input.value = r.from;
      to.input.value = r.to;
      return r;
    } catch (e) {
      if (e.path) placeError([from, to], e, alert); else showAlert(alert, e.message);
      return null;
    }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (await run()) announce('Figures updated.');
  });
  return { form, run };
}
