// The visual audience rule builder: reads and writes the targeting engine's JSON (the shape
// shared/src/targeting/rule.rs parses: and / or / not groups, conditions on system, custom,
// event and page properties, segment references), with the operators each property type takes
// and values typed as the engine compares them (numbers as numbers). It never decides whether a
// rule is valid: reach.mjs asks the edge, which parses with the engine, and shows its error here
// beside the node its JSON pointer names.
import { h, uid } from './dom.mjs';

const SYSTEM = [
  ['email', 'Email', 'text'], ['name', 'Name', 'text'], ['userId', 'User id', 'text'],
  ['firstSeenAt', 'First seen', 'date'], ['lastSeenAt', 'Last seen', 'date'], ['sessionCount', 'Sessions', 'number'],
  ['language', 'Language', 'text'], ['device', 'Device', 'text'], ['browser', 'Browser', 'text'], ['os', 'Operating system', 'text'],
  ['referrer', 'Referrer', 'text'], ['country', 'Country', 'text'], ['countryCode', 'Country code', 'text'],
  ['city', 'City', 'text'], ['region', 'Region', 'text'], ['identityVerified', 'Identity verified', 'boolean'],
];
const PAGE = [['url', 'Page URL'], ['path', 'Page path'], ['title', 'Page title']];

/** Operators by value type, with their words (canonical short names, as the engine prints them). */
export const OPERATORS = {
  text: [['equals', 'is'], ['not_equals', 'is not'], ['contains', 'contains'], ['not_contains', 'does not contain'], ['starts_with', 'starts with'], ['ends_with', 'ends with'], ['in', 'is one of'], ['not_in', 'is none of'], ['matches', 'matches the pattern'], ['is_set', 'is known'], ['is_not_set', 'is unknown']],
  number: [['equals', '='], ['not_equals', '≠'], ['gt', '>'], ['gte', '≥'], ['lt', '<'], ['lte', '≤'], ['in', 'is one of'], ['is_set', 'is known'], ['is_not_set', 'is unknown']],
  date: [['within_last_days', 'in the last … days'], ['more_than_days_ago', 'more than … days ago'], ['before', 'before'], ['after', 'after'], ['is_set', 'is known'], ['is_not_set', 'is unknown']],
  boolean: [['equals', 'is'], ['is_set', 'is known'], ['is_not_set', 'is unknown']],
};
// Opencom's long names, read as the short ones.
const ALIAS = { greater_than: 'gt', greater_than_or_equals: 'gte', less_than: 'lt', less_than_or_equals: 'lte' };
const COUNT_OPS = [['at_least', 'at least'], ['at_most', 'at most'], ['exactly', 'exactly']];
export const NO_VALUE = new Set(['is_set', 'is_not_set']);
export const LISTS = new Set(['in', 'not_in']);
export const DAYS = new Set(['within_last_days', 'more_than_days_ago']);

const isGroup = (n) => n?.type === 'group' && Array.isArray(n.conditions);
const isSegment = (n) => n && (n.type === 'segment' || (n.type == null && 'segmentId' in n));

/** The value type a condition compares (what its operators and value input are). */
export function typeOf(cond) {
  const p = cond.property ?? {};
  if (p.source === 'system') return SYSTEM.find(([k]) => k === p.key)?.[2] ?? 'text';
  if (p.source === 'page') return 'text';
  if (p.source === 'custom') {
    const op = ALIAS[cond.operator] ?? cond.operator;
    const v = Array.isArray(cond.value) ? cond.value[0] : cond.value;
    if (DAYS.has(op) || op === 'before' || op === 'after') return 'date';
    if (typeof v === 'number' || ['gt', 'gte', 'lt', 'lte'].includes(op)) return 'number';
    if (typeof v === 'boolean') return 'boolean';
  }
  return 'text';
}

/** Whether the builder can show `node` faithfully (else the rule is edited as JSON only). */
export function editable(node, depth = 0) {
  if (node === null) return depth === 0;
  if (typeof node !== 'object' || depth > 8) return false;
  if (isSegment(node)) return typeof node.segmentId === 'string';
  if (isGroup(node)) return ['and', 'or', 'not'].includes(node.operator) && node.conditions.every((c) => editable(c, depth + 1) && c !== null);
  if (node.type !== 'condition' || !node.property) return false;
  const { source } = node.property;
  if (source === 'event') return true;
  const op = ALIAS[node.operator] ?? node.operator;
  return ['system', 'custom', 'page'].includes(source) && OPERATORS[typeOf(node)].some(([o]) => o === op);
}

/** A new condition of a property type, with an operator and value the engine takes. */
function blankCondition(source, key) {
  if (source === 'event') return { type: 'condition', property: { source: 'event', key, eventFilter: { name: key, countOperator: 'at_least', count: 1 } }, operator: 'gte' };
  const cond = { type: 'condition', property: { source, key }, operator: 'equals', value: '' };
  const t = typeOf(cond);
  if (t === 'date') { cond.operator = 'within_last_days'; cond.value = 7; }
  if (t === 'number') cond.value = 1;
  if (t === 'boolean') cond.value = true;
  return cond;
}

/** The value a control's text stands for, typed as the engine compares it. */
export function typedValue(type, op, text) {
  if (NO_VALUE.has(op)) return undefined;
  const num = (s) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  if (LISTS.has(op)) return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (type === 'number' ? num(s) : s));
  if (DAYS.has(op) || type === 'number') return num(text);
  if (type === 'boolean') return text === 'true';
  return text;
}
export const valueText = (v) => (Array.isArray(v) ? v.join(', ') : v == null ? '' : String(v));

/**
 * The builder. `onChange(rule)` gets the new JSON after each edit; `set(rule)` redraws from
 * JSON (the JSON editor changed); `showError(pointer, message)` puts the engine's error beside
 * the node `pointer` (relative to the rule) names, or on the whole rule.
 */
export function ruleBuilder({ segments = [], onChange }) {
  let rule = null;
  const root = h('div', { class: 'rule-builder' });
  const changed = () => onChange(structuredClone(rule));

  function property(cond, path, redraw) {
    const p = cond.property;
    const sel = h('select', { 'aria-label': `Property (${path || 'rule'})` },
      h('optgroup', { label: 'Visitor' }, SYSTEM.map(([k, t]) => h('option', { value: `system:${k}`, selected: p.source === 'system' && p.key === k }, t))),
      h('optgroup', { label: 'Other' },
        h('option', { value: 'custom:', selected: p.source === 'custom' }, 'Custom attribute…'),
        h('option', { value: 'event:', selected: p.source === 'event' }, 'Event count…')),
      h('optgroup', { label: 'Page' },
        PAGE.map(([k, t]) => h('option', { value: `page:${k}`, selected: p.source === 'page' && p.key === k }, t)),
        h('option', { value: 'page:query.', selected: p.source === 'page' && p.key?.startsWith('query.') }, 'Query parameter…')));
    sel.addEventListener('change', () => {
      const [source, key] = sel.value.split(/:(.*)/s);
      for (const k of Object.keys(cond)) delete cond[k];
      Object.assign(cond, blankCondition(source, key));
      redraw();
    });
    const out = [sel];
    const named = (label, value, write) => {
      const input = h('input', { type: 'text', 'aria-label': label, value, maxlength: 200, spellcheck: 'false' });
      input.addEventListener('input', () => { write(input.value.trim()); changed(); });
      return input;
    };
    if (p.source === 'custom') out.push(named(`Attribute key (${path || 'rule'})`, p.key ?? '', (v) => { p.key = v; }));
    if (p.source === 'page' && p.key?.startsWith('query.')) out.push(named(`Query parameter (${path || 'rule'})`, p.key.slice(6), (v) => { p.key = `query.${v}`; }));
    // The filter is changed in place: the count controls beside it hold the same object.
    if (p.source === 'event') out.push(named(`Event (${path || 'rule'})`, p.eventFilter?.name ?? p.key ?? '', (v) => { p.key = v; (p.eventFilter ??= {}).name = v; }));
    return out;
  }

  function eventCount(cond, path) {
    const f = (cond.property.eventFilter ??= { name: cond.property.key, countOperator: 'at_least', count: 1 });
    f.countOperator ??= 'at_least';
    f.count ??= 1;
    const op = h('select', { 'aria-label': `Count comparison (${path || 'rule'})` }, COUNT_OPS.map(([v, t]) => h('option', { value: v, selected: f.countOperator === v }, t)));
    const count = h('input', { type: 'number', min: 0, step: 1, value: String(f.count), 'aria-label': `Times (${path || 'rule'})`, class: 'short' });
    const days = h('input', { type: 'number', min: 1, max: 3650, step: 1, value: f.withinDays ?? '', placeholder: 'ever', 'aria-label': `In the last days, empty for ever (${path || 'rule'})`, class: 'short' });
    op.addEventListener('change', () => { f.countOperator = op.value; changed(); });
    count.addEventListener('input', () => { f.count = typedValue('number', 'equals', count.value); changed(); });
    days.addEventListener('input', () => { if (days.value === '') delete f.withinDays; else f.withinDays = typedValue('number', 'equals', days.value); changed(); });
    delete cond.value;
    cond.operator ??= 'gte';
    return [op, count, h('span', {}, 'times, in the last'), days, h('span', {}, 'days')];
  }

  function comparison(cond, path, redraw) {
    const type = typeOf(cond);
    cond.operator = ALIAS[cond.operator] ?? cond.operator;
    const ops = h('select', { 'aria-label': `Comparison (${path || 'rule'})` }, OPERATORS[type].map(([v, t]) => h('option', { value: v, selected: cond.operator === v }, t)));
    const out = [ops];
    if (cond.property.source === 'custom') {
      const types = h('select', { 'aria-label': `Compare as (${path || 'rule'})` }, [['text', 'text'], ['number', 'number'], ['date', 'date'], ['boolean', 'yes / no']].map(([v, t]) => h('option', { value: v, selected: type === v }, t)));
      types.addEventListener('change', () => {
        const fresh = { text: ['equals', ''], number: ['gte', 1], date: ['within_last_days', 7], boolean: ['equals', true] }[types.value];
        [cond.operator, cond.value] = fresh;
        redraw();
      });
      out.unshift(types);
    }
    ops.addEventListener('change', () => {
      const was = cond.operator;
      cond.operator = ops.value;
      if (NO_VALUE.has(cond.operator)) delete cond.value;
      else if (LISTS.has(cond.operator) !== LISTS.has(was) || DAYS.has(cond.operator) !== DAYS.has(was) || NO_VALUE.has(was)) cond.value = typedValue(type, cond.operator, valueText(cond.value));
      redraw();
    });
    if (NO_VALUE.has(cond.operator)) { delete cond.value; return out; }
    const label = `Value (${path || 'rule'})`;
    let input;
    if (type === 'boolean') {
      input = h('select', { 'aria-label': label }, h('option', { value: 'true', selected: cond.value === true }, 'yes'), h('option', { value: 'false', selected: cond.value === false }, 'no'));
      input.addEventListener('change', () => { cond.value = input.value === 'true'; changed(); });
      return [...out, input];
    }
    const numeric = DAYS.has(cond.operator) || (type === 'number' && !LISTS.has(cond.operator));
    const asDate = type === 'date' && (cond.operator === 'before' || cond.operator === 'after');
    input = h('input', { type: numeric ? 'number' : asDate ? 'date' : 'text', 'aria-label': LISTS.has(cond.operator) ? `${label}, separated by commas` : label, value: asDate ? valueText(cond.value).slice(0, 10) : valueText(cond.value), step: numeric ? 'any' : null, spellcheck: 'false', class: numeric ? 'short' : null });
    input.addEventListener('input', () => { cond.value = typedValue(type, cond.operator, input.value); changed(); });
    return [...out, input, DAYS.has(cond.operator) ? h('span', {}, 'days') : null];
  }

  /** One node: a group (fieldset), a condition or a segment reference (rows). */
  function node(n, path, remove) {
    const box = h('div', { class: 'rule-node', 'data-pointer': path });
    const removeButton = remove ? h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Remove (${path})`, onclick: remove }, 'Remove') : null;
    const redraw = () => {
      changed();
      // The control that had focus keeps it in the redrawn node (same label).
      const label = box.contains(document.activeElement) ? document.activeElement.getAttribute('aria-label') : null;
      const fresh = node(n, path, remove);
      box.replaceWith(fresh);
      if (label) [...fresh.querySelectorAll('[aria-label]')].find((el) => el.getAttribute('aria-label') === label)?.focus();
    };
    if (isGroup(n)) {
      const op = h('select', { 'aria-label': `Match (${path || 'rule'})` }, [['and', 'all of'], ['or', 'any of'], ['not', 'none of']].map(([v, t]) => h('option', { value: v, selected: n.operator === v }, t)));
      op.addEventListener('change', () => {
        // `not` holds exactly one node: more become one `or` inside it.
        if (op.value === 'not' && n.conditions.length > 1) n.conditions = [{ type: 'group', operator: 'or', conditions: n.conditions }];
        n.operator = op.value;
        redraw();
      });
      const kids = n.conditions.map((c, i) => node(c, `${path}/conditions/${i}`, () => { n.conditions.splice(i, 1); redraw(); }));
      const add = (what) => () => { n.conditions.push(what()); redraw(); box.querySelector(':scope > .rule-children > .rule-node:last-child select')?.focus(); };
      const full = n.operator === 'not' && n.conditions.length >= 1;
      const legendId = uid('rule-legend');
      box.append(h('fieldset', { class: 'rule-group', 'aria-labelledby': legendId },
        h('div', { class: 'rule-row', id: legendId }, h('span', {}, 'Visitors matching'), op, h('span', {}, 'these conditions'), removeButton),
        h('div', { class: 'rule-children' }, kids.length ? kids : h('p', { class: 'hint' }, 'No conditions yet.')),
        full ? null : h('div', { class: 'rule-add' },
          h('button', { type: 'button', class: 'small', onclick: add(() => blankCondition('system', 'email')) }, 'Add condition'),
          h('button', { type: 'button', class: 'small quiet-border', onclick: add(() => ({ type: 'group', operator: 'or', conditions: [] })) }, 'Add group'),
          segments.length ? h('button', { type: 'button', class: 'small quiet-border', onclick: add(() => ({ type: 'segment', segmentId: segments[0].id })) }, 'Add segment') : null)));
    } else if (isSegment(n)) {
      const sel = h('select', { 'aria-label': `Segment (${path || 'rule'})` },
        segments.some((s) => s.id === n.segmentId) ? null : h('option', { value: n.segmentId, selected: true }, `${n.segmentId} (not found)`),
        segments.map((s) => h('option', { value: s.id, selected: s.id === n.segmentId }, s.name)));
      sel.addEventListener('change', () => { n.segmentId = sel.value; changed(); });
      box.append(h('div', { class: 'rule-row' }, h('span', {}, 'In segment'), sel, removeButton));
    } else {
      const parts = n.property.source === 'event' ? eventCount(n, path) : comparison(n, path, redraw);
      box.append(h('div', { class: 'rule-row' }, property(n, path, redraw), parts, removeButton));
    }
    box.append(h('p', { class: 'field-error', hidden: true, id: uid('rule-error') }));
    return box;
  }

  function draw() {
    root.replaceChildren();
    if (!editable(rule)) {
      root.append(h('p', { class: 'hint' }, 'This rule uses a shape the builder does not show: edit it as JSON below.'));
      return;
    }
    const who = h('select', { 'aria-label': 'Who' }, h('option', { value: 'all', selected: rule === null }, 'Everyone'), h('option', { value: 'some', selected: rule !== null }, 'Visitors matching rules'));
    who.addEventListener('change', () => {
      rule = who.value === 'all' ? null : { type: 'group', operator: 'and', conditions: [blankCondition('system', 'email')] };
      changed();
      draw();
      root.querySelector('select')?.focus();
    });
    root.append(h('div', { class: 'rule-row' }, h('span', {}, 'Show to'), who));
    if (rule === null) return;
    // A lone condition or segment is shown in an "all of" group, which it becomes once edited.
    if (!isGroup(rule)) rule = { type: 'group', operator: 'and', conditions: [rule] };
    root.append(node(rule, '', null));
  }

  return {
    el: root,
    set(value) { rule = structuredClone(value ?? null); draw(); },
    /** The engine's error at `pointer` (relative to the rule); `null` clears. */
    showError(pointer, message) {
      for (const p of root.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
      for (const el of root.querySelectorAll('[aria-invalid]')) { el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); }
      if (pointer == null) return null;
      let best = null;
      for (const el of root.querySelectorAll('.rule-node')) {
        const p = el.dataset.pointer;
        if ((pointer === p || pointer.startsWith(`${p}/`)) && (!best || p.length > best.dataset.pointer.length)) best = el;
      }
      if (!best) return null;
      const err = best.querySelector(':scope > .field-error');
      err.textContent = message;
      err.hidden = false;
      const control = best.querySelector(':scope > .rule-row input, :scope > .rule-row select, :scope > fieldset > .rule-row select');
      control?.setAttribute('aria-invalid', 'true');
      control?.setAttribute('aria-describedby', err.id);
      return control ?? null;
    },
  };
}
