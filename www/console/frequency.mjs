// The visual frequency builder: how often and when an item may show, as the engine parses it
// (shared/src/targeting/frequency.rs): a mode name (`"once"`), or an object with the mode and
// its limits (`maxTimes` for at_most, `recontactAfterDays`, `startAt` / `endAt` in epoch ms,
// `samplingPercent`). It writes the mode name alone when no limit is set, the object otherwise
// (fields it does not show are kept), and never decides validity: the edge checks it as a save
// would (reach.mjs) and its error is shown beside the control its pointer names.
import { h } from './dom.mjs';
import { control, select, showAt, clearErrors, numberOf } from './builders.mjs';

const MODES = [
  ['once', 'Once, ever'],
  ['once_per_session', 'Once per browsing session'],
  ['always', 'Every time it is triggered'],
  ['until_completed', 'Until the visitor completes it'],
  ['until_dismissed', 'Until the visitor dismisses it'],
  ['first_time_only', 'Once; again only after “Remind me later” (a started tour resumes until it ends)'],
  ['at_most', 'At most a number of times'],
];
const LIMITS = ['maxTimes', 'recontactAfterDays', 'startAt', 'endAt', 'samplingPercent'];

/** Epoch ms → the value of a datetime-local input (local time), and back. */
const localText = (ms) => {
  if (typeof ms !== 'number') return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16);
};
const fromLocal = (text) => (text ? new Date(text).getTime() : undefined);

/** Whether the builder can show `v` (else the frequency is edited as JSON only). */
export function editable(v) {
  return typeof v === 'string' || (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.mode === 'string');
}

/**
 * The builder. `onChange(value)` gets the new JSON after each edit; `set(value)` redraws from
 * JSON; `showError(pointer, message)` puts the engine's error beside the control `pointer`
 * (relative to the frequency: `/maxTimes`) names; `null` clears.
 */
export function frequencyBuilder({ onChange }) {
  let obj = { mode: 'once' };
  const root = h('div', { class: 'frequency-builder' });
  /** The JSON: the mode name alone when nothing else is set. */
  const value = () => (Object.keys(obj).every((k) => k === 'mode') ? obj.mode : structuredClone(obj));
  const changed = () => onChange(value());

  function draw() {
    clearErrors(root);
    root.replaceChildren();
    if (obj === null) {
      root.append(h('p', { class: 'hint' }, 'This frequency uses a shape the builder does not show: edit it as JSON below.'), h('p', { class: 'field-error', hidden: true }));
      return;
    }
    const mode = select(MODES.some(([m]) => m === obj.mode) ? MODES : [[obj.mode, `${obj.mode} (unknown)`], ...MODES], obj.mode);
    mode.addEventListener('change', () => {
      obj.mode = mode.value;
      if (obj.mode !== 'at_most') delete obj.maxTimes; else obj.maxTimes ??= 3;
      changed();
      draw();
      root.querySelector('[data-pointer="/mode"]')?.focus();
    });
    const number = (key, label, attrs, hint) => {
      const el = h('input', { type: 'number', class: 'short', value: obj[key] ?? '', ...attrs });
      el.addEventListener('input', () => {
        if (el.value === '') delete obj[key]; else obj[key] = numberOf(el.value);
        changed();
      });
      return control(label, el, `/${key}`, { hint });
    };
    const when = (key, label) => {
      const el = h('input', { type: 'datetime-local', value: localText(obj[key]) });
      el.addEventListener('input', () => {
        const ms = fromLocal(el.value);
        if (ms === undefined || Number.isNaN(ms)) delete obj[key]; else obj[key] = ms;
        changed();
      });
      return control(label, el, `/${key}`, { hint: 'Empty: no limit.' });
    };
    root.append(
      h('div', { class: 'rule-row' },
        control('Show', mode, '/mode'),
        obj.mode === 'at_most' ? number('maxTimes', 'Times', { min: 1, max: 1000, step: 1 }) : null,
        number('recontactAfterDays', 'Days between showings', { min: 0, max: 3650, step: 1 }, 'Empty: no wait.'),
        number('samplingPercent', 'Share of visitors (%)', { min: 0, max: 100, step: 'any' }, 'Empty: everyone in the audience.')),
      h('div', { class: 'rule-row' }, when('startAt', 'Show from'), when('endAt', 'Show until')),
      h('p', { class: 'field-error', hidden: true }));
  }

  return {
    el: root,
    set(v) {
      obj = !editable(v) ? null : typeof v === 'string' ? { mode: v } : structuredClone(v);
      // A limit written as null is no limit (the engine reads it so): left out.
      if (obj) for (const k of LIMITS) if (obj[k] === null) delete obj[k];
      draw();
    },
    showError(pointer, message) {
      if (pointer == null) { clearErrors(root); return null; }
      return showAt(root, pointer, message);
    },
  };
}
