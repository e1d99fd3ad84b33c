// The visual trigger builder: *when* on the page an item shows, as the list the engine parses
// (shared/src/targeting/triggers.rs: immediate, page_visit, time_on_page, scroll_depth,
// exit_intent, idle, element_click, event with property filters; each with an optional
// `delayMs`). It reads and writes that exact JSON and never decides validity: the edge checks
// the list as a save would (reach.mjs), and its error is shown here beside the control its
// JSON pointer names.
import { h } from './dom.mjs';
import { control, select, showAt, clearErrors, numberOf } from './builders.mjs';
import { OPERATORS, NO_VALUE, LISTS, DAYS, typeOf, typedValue, valueText } from './rules.mjs';

export const MAX_TRIGGERS = 5; // shared::content::MAX_TRIGGERS

const TYPES = [
  ['immediate', 'At once'],
  ['page_visit', 'On a page'],
  ['time_on_page', 'After some time on the page'],
  ['scroll_depth', 'After scrolling down the page'],
  ['exit_intent', 'When about to leave (exit intent)'],
  ['idle', 'When the visitor is idle'],
  ['element_click', 'When an element is clicked'],
  ['event', 'When an event is tracked'],
];
const MATCHES = [
  ['exact', 'is'], ['not_exact', 'is not'], ['contains', 'contains'], ['not_contains', 'does not contain'],
  ['starts_with', 'starts with'], ['not_starts_with', 'does not start with'], ['ends_with', 'ends with'], ['not_ends_with', 'does not end with'],
  ['wildcard', 'matches the wildcard pattern (*)'], ['not_wildcard', 'does not match the wildcard pattern'],
  ['regex', 'matches the regular expression'], ['not_regex', 'does not match the regular expression'],
];
/** The fields each type takes besides `type` and `delayMs` (what the builder shows). */
const KEYS = { immediate: [], exit_intent: [], page_visit: ['match', 'value', 'js'], time_on_page: ['seconds'], idle: ['seconds'], scroll_depth: ['percent'], element_click: ['selector'], event: ['name', 'properties'] };
const blank = (type) => ({ type, ...{ page_visit: { match: 'exact', value: '/' }, time_on_page: { seconds: 10 }, idle: { seconds: 30 }, scroll_depth: { percent: 50 }, element_click: { selector: '' }, event: { name: '' } }[type] });
const FILTER_TYPES = [['text', 'text'], ['number', 'number'], ['date', 'date'], ['boolean', 'yes / no']];
const filterType = (f) => typeOf({ property: { source: 'custom' }, operator: f.operator, value: f.value });

const isObject = (v) => v && typeof v === 'object' && !Array.isArray(v);
function filterEditable(f) {
  return isObject(f) && Object.keys(f).every((k) => ['key', 'operator', 'value', 'js'].includes(k))
    && OPERATORS[filterType(f)].some(([o]) => o === f.operator);
}
/** Whether the builder can show `list` faithfully (else the triggers are edited as JSON only). */
export function editable(list) {
  if (list === null) return true;
  return Array.isArray(list) && list.every((t) => isObject(t) && KEYS[t.type]
    && Object.keys(t).every((k) => k === 'type' || k === 'delayMs' || KEYS[t.type].includes(k))
    && (t.type !== 'page_visit' || t.match === undefined || MATCHES.some(([m]) => m === t.match))
    && (t.type !== 'event' || t.properties === undefined || (Array.isArray(t.properties) && t.properties.every(filterEditable))));
}

/**
 * The builder. `onChange(list)` gets the new JSON after each edit; `set(list)` redraws from
 * JSON; `showError(pointer, message)` puts the engine's error beside the control `pointer`
 * (relative to the list: `/0/percent`) names; `null` clears.
 */
export function triggerBuilder({ onChange }) {
  let list = [];
  const root = h('div', { class: 'trigger-builder' });
  const changed = () => onChange(structuredClone(list));
  /** Redraws after a change of shape; the control that had focus keeps it (same pointer). */
  const redraw = (focusPointer) => {
    const at = focusPointer ?? (root.contains(document.activeElement) ? document.activeElement.dataset.pointer : null);
    changed();
    draw();
    if (at) root.querySelector(`[data-pointer="${CSS.escape(at)}"]`)?.focus();
  };

  const input = (type, value, attrs = {}) => h('input', { type, value: value == null ? '' : String(value), spellcheck: 'false', ...attrs });
  /** A text or number control writing `t[key]` (numbers as numbers; empty → absent when `optional`). */
  function bound(t, key, label, pointer, { type = 'text', optional = false, hint, wide, attrs } = {}) {
    const el = input(type, t[key], { class: type === 'number' ? 'short' : null, ...attrs });
    el.addEventListener('input', () => {
      if (optional && el.value === '') delete t[key];
      else t[key] = type === 'number' ? numberOf(el.value) : el.value;
      if (key === 'value' || key === 'match') delete t.js; // the edge's browser translation of an older pattern
      changed();
    });
    return control(label, el, pointer, { hint, wide });
  }

  function filterRow(t, f, i, j) {
    const p = `/${i}/properties/${j}`;
    const type = filterType(f);
    const key = input('text', f.key, { maxlength: 100 });
    key.addEventListener('input', () => { f.key = key.value.trim(); changed(); });
    const asType = select(FILTER_TYPES, type);
    asType.addEventListener('change', () => {
      [f.operator, f.value] = { text: ['equals', ''], number: ['gte', 1], date: ['within_last_days', 7], boolean: ['equals', true] }[asType.value];
      delete f.js;
      redraw(`${p}/type`);
    });
    asType.dataset.pointer = `${p}/type`;
    const op = select(OPERATORS[type], f.operator);
    op.addEventListener('change', () => {
      const was = f.operator;
      f.operator = op.value;
      delete f.js;
      if (NO_VALUE.has(f.operator)) delete f.value;
      else if (LISTS.has(f.operator) !== LISTS.has(was) || DAYS.has(f.operator) !== DAYS.has(was) || NO_VALUE.has(was)) f.value = typedValue(type, f.operator, valueText(f.value));
      redraw(`${p}/operator`);
    });
    let value = null;
    if (!NO_VALUE.has(f.operator)) {
      if (type === 'boolean') {
        const v = select([['true', 'yes'], ['false', 'no']], String(f.value === true));
        v.addEventListener('change', () => { f.value = v.value === 'true'; changed(); });
        value = control('Value', v, `${p}/value`);
      } else {
        const numeric = DAYS.has(f.operator) || (type === 'number' && !LISTS.has(f.operator));
        const v = input(numeric ? 'number' : 'text', valueText(f.value), { step: numeric ? 'any' : null, class: numeric ? 'short' : null });
        v.addEventListener('input', () => { f.value = typedValue(type, f.operator, v.value); delete f.js; changed(); });
        value = control(LISTS.has(f.operator) ? 'Values, separated by commas' : DAYS.has(f.operator) ? 'Days' : 'Value', v, `${p}/value`);
      }
    }
    return h('div', { class: 'rule-row filter-row', role: 'group', 'aria-label': `Property filter ${j + 1}` },
      control('Property', key, `${p}/key`), control('Compare as', asType, `${p}/type`), control('Comparison', op, `${p}/operator`), value,
      h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Remove property filter ${j + 1}`, onclick: () => { t.properties.splice(j, 1); if (!t.properties.length) delete t.properties; redraw(`/${i}/name`); } }, 'Remove'));
  }

  function row(t, i) {
    const p = `/${i}`;
    const type = select(TYPES, t.type);
    type.addEventListener('change', () => {
      const delay = t.delayMs;
      list[i] = { ...blank(type.value), ...(delay === undefined ? {} : { delayMs: delay }) };
      redraw(`${p}/type`);
    });
    const fields = [control('When', type, `${p}/type`)];
    if (t.type === 'page_visit') {
      const match = select(MATCHES, t.match ?? 'exact');
      match.addEventListener('change', () => { t.match = match.value; delete t.js; changed(); });
      fields.push(control('The page', match, `${p}/match`), bound(t, 'value', 'Path or URL', `${p}/value`, { hint: 'A path (/pricing) or a full URL. The query string counts only when the pattern has a ?, the #fragment only when it has a # (a hash-routed app: /#/billing).', wide: true, attrs: { maxlength: 2048 } }));
    } else if (t.type === 'time_on_page' || t.type === 'idle') {
      fields.push(bound(t, 'seconds', t.type === 'idle' ? 'Idle for (seconds)' : 'Seconds on the page', `${p}/seconds`, { type: 'number', attrs: { min: 0, max: 86400, step: 1 } }));
    } else if (t.type === 'scroll_depth') {
      fields.push(bound(t, 'percent', 'Scrolled (% of the page)', `${p}/percent`, { type: 'number', attrs: { min: 0, max: 100, step: 1 } }));
    } else if (t.type === 'element_click') {
      fields.push(bound(t, 'selector', 'Element (CSS selector)', `${p}/selector`, { wide: true, attrs: { maxlength: 500 } }));
    } else if (t.type === 'event') {
      fields.push(bound(t, 'name', 'Event name', `${p}/name`, { attrs: { maxlength: 100 } }));
    }
    // The delay is the engine's milliseconds, shown in seconds.
    const delay = input('number', t.delayMs === undefined ? '' : typeof t.delayMs === 'number' ? t.delayMs / 1000 : t.delayMs, { min: 0, max: 3600, step: 'any', class: 'short' });
    delay.addEventListener('input', () => {
      const v = numberOf(delay.value);
      if (delay.value === '') delete t.delayMs; else t.delayMs = typeof v === 'number' ? Math.round(v * 1000) : v;
      changed();
    });
    fields.push(control('Then wait (seconds)', delay, `${p}/delayMs`, { hint: 'Empty: none.' }));
    const filters = t.type === 'event' ? h('div', { class: 'filters' },
      (t.properties ?? []).map((f, j) => filterRow(t, f, i, j)),
      h('button', { type: 'button', class: 'small quiet-border', onclick: () => {
        (t.properties ??= []).push({ key: '', operator: 'equals', value: '' });
        redraw(`${p}/properties/${t.properties.length - 1}/key`);
      } }, 'Add property filter')) : null;
    const legend = `Trigger ${i + 1}`;
    return h('fieldset', { class: 'trigger', 'data-index': i },
      h('legend', {}, legend),
      h('div', { class: 'rule-row' }, fields,
        h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Remove trigger ${i + 1}`, onclick: () => {
          list.splice(i, 1);
          redraw(list.length ? `/${Math.min(i, list.length - 1)}/type` : null);
          if (!list.length) root.querySelector('button')?.focus();
        } }, 'Remove')),
      filters);
  }

  function draw() {
    clearErrors(root);
    root.replaceChildren();
    if (!editable(list)) {
      root.append(h('p', { class: 'hint' }, 'These triggers use a shape the builder does not show: edit them as JSON below.'), h('p', { class: 'field-error', hidden: true }));
      return;
    }
    const rows = (list ?? []).map(row);
    // append writes a null as the text "null": the absent parts are left out.
    root.append(...[
      rows.length ? h('div', { class: 'triggers' }, rows) : h('p', { class: 'hint' }, 'No triggers: the item shows as soon as the visitor is in its audience.'),
      rows.length > 1 ? h('p', { class: 'hint' }, 'All of these must hold on the same page ("on /pricing, after 10 s"); then the item waits the longest of their delays.') : null,
      (list?.length ?? 0) < MAX_TRIGGERS ? h('button', { type: 'button', class: 'small', onclick: () => {
        list = [...(list ?? []), blank('time_on_page')];
        redraw(`/${list.length - 1}/type`);
      } }, 'Add trigger') : h('p', { class: 'hint' }, `At most ${MAX_TRIGGERS} triggers.`),
      h('p', { class: 'field-error', hidden: true })].filter(Boolean));
  }

  return {
    el: root,
    set(value) { list = structuredClone(value ?? []); draw(); },
    showError(pointer, message) {
      if (pointer == null) { clearErrors(root); return null; }
      return showAt(root, pointer, message);
    },
  };
}
