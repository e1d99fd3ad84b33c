// Translations of authored content in the editor: pick a language, fill in the translated text
// beside each default text. It reads and writes the shape shared/src/translations.rs checks:
// `translations: {fr: {...}}` in an item's content (lists by position, a question's options as
// the whole list), `{fr: {title, body}}` for an article. Which texts a translation may replace
// follows that module (TEXT, LISTS, OBJECTS there); the edge checks every translation as it
// checks the default text when the item is saved, and its error is shown here, beside the field
// its path names.
import { h, uid } from './dom.mjs';
import { control, showAt, clearErrors } from './builders.mjs';

/** Languages content may be written in (shared::translations::LANGUAGES). */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'ja', 'ar'];
const names = new Intl.DisplayNames(['en'], { type: 'language' });
/** "French (fr)". */
export const languageName = (l) => `${names.of(l)} (${l})`;

const TEXT = { title: 'Title', body: 'Body', prompt: 'Prompt', lowLabel: 'Low end label', highLabel: 'High end label', placeholder: 'Placeholder', buttonLabel: 'Button label', label: 'Label', imageAlt: 'Image description', description: 'Description' };
const LISTS = { steps: 'Step', questions: 'Question', tasks: 'Task', buttons: 'Button' };
const OBJECTS = { intro: 'Intro', thankYou: 'Thank-you screen' };
const LONG = new Set(['body', 'description']);
const ORDER = [...Object.keys(TEXT), 'options', ...Object.keys(LISTS), ...Object.keys(OBJECTS)];
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const short = (s) => (s.length > 160 ? `${s.slice(0, 160)}…` : s);

/** The translatable texts of content `base`: `{path: ['steps', 0, 'title'], label, text, long}`. */
function texts(base, path = [], prefix = '') {
  const out = [];
  // In reading order whatever the stored key order: texts, options, lists, nested objects.
  for (const k of ORDER) {
    const v = isObject(base) ? base[k] : undefined;
    if (v === undefined) continue;
    if (k === 'options' && Array.isArray(v)) {
      v.forEach((o, i) => { if (typeof o === 'string') out.push({ path: [...path, k, i], label: `${prefix}Option ${i + 1}`, text: o }); });
    } else if (TEXT[k] && typeof v === 'string' && v !== '') {
      out.push({ path: [...path, k], label: `${prefix}${TEXT[k]}`, text: v, long: LONG.has(k) });
    } else if (LISTS[k] && Array.isArray(v)) {
      v.forEach((el, i) => out.push(...texts(el, [...path, k, i], `${prefix}${LISTS[k]} ${i + 1}: `)));
    } else if (OBJECTS[k] && isObject(v)) {
      out.push(...texts(v, [...path, k], `${prefix}${OBJECTS[k]}: `));
    }
  }
  return out;
}

const at = (obj, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** Empty objects and trailing `{}` of lists left out (an untranslated element is `{}`). */
function prune(v) {
  if (Array.isArray(v)) {
    const list = v.map((x) => (isObject(x) || Array.isArray(x) ? prune(x) ?? {} : x));
    while (list.length && isObject(list.at(-1)) && !Object.keys(list.at(-1)).length) list.pop();
    return list.length ? list : undefined;
  }
  if (!isObject(v)) return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    const p = k === 'options' && Array.isArray(x) ? (x.some((s) => s !== '') ? x : undefined) : prune(x);
    if (p !== undefined && p !== '') out[k] = p;
  }
  return Object.keys(out).length ? out : undefined;
}

/** `tr` with the text at `path` set to `value` (`''`: untranslated). */
function write(tr, path, value, optionCount) {
  const root = tr ?? {};
  let o = root;
  path.slice(0, -1).forEach((k, i) => {
    const next = path[i + 1];
    if (k === 'options') return;
    if (o[k] == null) o[k] = typeof next === 'number' ? [] : {};
    if (Array.isArray(o[k]) && typeof next === 'number') while (o[k].length <= next) o[k].push({});
    o = o[k];
  });
  const last = path.at(-1);
  if (path.at(-2) === 'options') {
    const list = (o.options ??= Array(optionCount).fill(''));
    while (list.length < optionCount) list.push('');
    list[last] = value;
  } else {
    o[last] = value;
  }
  return prune(root);
}

/**
 * Adds the Translations section before the JSON editor `entry` that holds them. `base()`: the
 * content in the default language as the form stands (null while it does not parse);
 * `inContent`: the translations are the `translations` key of the editor's object (an item's
 * content), else the editor's whole value (an article's); `saved`: the save's path of them
 * (`/content/translations`). Returns `{sync(), claim(err)}`.
 */
export function attachTranslations(entry, { base, inContent, saved, defaultLanguage }) {
  const others = LANGUAGES.filter((l) => l !== defaultLanguage);
  const headingId = uid('tr-title');
  const lang = h('select', {}, others.map((l) => h('option', { value: l }, languageName(l))));
  const fieldsBox = h('div', { class: 'translation' });
  const status = h('p', { class: 'check', role: 'status' });
  let fromHere = false;
  let signature = '';

  const read = () => {
    try {
      const v = JSON.parse(entry.input.value);
      return inContent ? (isObject(v) ? v.translations ?? {} : null) : v ?? {};
    } catch { return null; }
  };
  function save(tr) {
    let out = tr ?? {};
    if (inContent) {
      const v = JSON.parse(entry.input.value);
      if (tr) v.translations = tr; else delete v.translations;
      out = v;
    }
    fromHere = true;
    entry.input.value = JSON.stringify(out, null, 2);
    entry.input.dispatchEvent(new Event('input', { bubbles: true }));
    fromHere = false;
  }

  function draw() {
    clearErrors(fieldsBox);
    const l = lang.value;
    const b = base();
    const tr = read();
    const list = b ? texts(b) : [];
    signature = `${l}|${list.map((t) => t.path.join('/')).join(',')}`;
    if (!b || !tr) {
      fieldsBox.replaceChildren(h('p', { class: 'hint' }, 'Fix the content’s JSON first: translations are laid over it.'), h('p', { class: 'field-error', hidden: true }));
      return;
    }
    const mine = isObject(tr) ? tr[l] : undefined;
    const controls = list.map((t) => {
      const pointer = `/${t.path.join('/')}`;
      const value = at(mine, t.path);
      const input = t.long ? h('textarea', { rows: 3 }) : h('input', { type: 'text' });
      input.value = typeof value === 'string' ? value : '';
      input.addEventListener('input', () => {
        clearErrors(fieldsBox);
        status.textContent = '';
        const all = read() ?? {};
        const next = write(all[l], t.path, input.value, at(b, t.path.slice(0, -1))?.length ?? 0);
        if (next) all[l] = next; else delete all[l];
        save(Object.keys(all).length ? all : null);
      });
      return control(t.label, input, pointer, { hint: `${names.of(defaultLanguage)}: ${short(t.text)}`, wide: true });
    });
    fieldsBox.replaceChildren(
      h('fieldset', { class: 'translation-fields' }, h('legend', {}, `In ${names.of(l)}`),
        controls.length ? controls : h('p', { class: 'hint' }, 'No text to translate yet.')),
      h('p', { class: 'hint' }, 'Leave a field empty to show the default text in its place. A question\'s options are translated all together or not at all.'),
      h('p', { class: 'field-error', hidden: true }));
  }

  lang.addEventListener('change', () => { status.textContent = ''; draw(); });
  entry.input.addEventListener('input', () => { if (!fromHere) draw(); });
  // The default text changed elsewhere in the form: redraw when its shape did.
  entry.input.form?.addEventListener('input', (ev) => {
    if (fromHere || ev.target === entry.input || fieldsBox.contains(ev.target)) return;
    const b = base();
    if (!b || `${lang.value}|${texts(b).map((t) => t.path.join('/')).join(',')}` !== signature) draw();
  });

  entry.wrap.before(h('section', { class: 'rule-section', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Translations'),
    h('p', { class: 'hint' }, `Written in ${languageName(defaultLanguage)}, the workspace’s default language. Visitors who read another language get its translation where there is one.`),
    h('div', { class: 'rule-row' }, control('Language', lang, '')),
    fieldsBox, status));

  return {
    sync() {
      const tr = read();
      const first = isObject(tr) ? others.find((l) => tr[l]) : null;
      if (first) lang.value = first;
      draw();
    },
    /** A save's error under the translations: shown beside its field, the language picked. */
    claim(err) {
      const path = err.path ?? '';
      if (!(path === saved || path.startsWith(`${saved}/`))) return false;
      const [l, ...rest] = path.slice(saved.length + 1).split('/');
      if (others.includes(l) && lang.value !== l) { lang.value = l; draw(); }
      const control = showAt(fieldsBox, others.includes(l) ? `/${rest.join('/')}` : path, err.message);
      status.textContent = `This translation cannot be saved: ${err.message}`;
      (control ?? lang).focus();
      return true;
    },
  };
}
