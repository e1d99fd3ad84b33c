// Pieces the visual builders share (triggers, frequency, translations): a control with a visible
// label and an error line of its own, tied to the JSON pointer of the value it edits, and the
// engine's error put beside the control whose pointer is the error's path or its longest prefix.
import { h, uid } from './dom.mjs';

/**
 * A labelled control: `input` (an input, select or textarea made by the caller) under `label`,
 * an optional hint, and an error line. `pointer`: the JSON pointer (relative to what the builder
 * edits) of the value it writes.
 */
export function control(label, input, pointer, { hint, wide = false } = {}) {
  input.id ||= uid('b');
  input.dataset.pointer = pointer;
  const hintEl = hint ? h('span', { class: 'hint', id: `${input.id}-hint` }, hint) : null;
  const error = h('span', { class: 'field-error', id: `${input.id}-error`, hidden: true });
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: `bfield${wide ? ' wide' : ''}` }, h('label', { for: input.id }, label), input, hintEl, error);
}

/** Clears every error `showAt` put in `root`. */
export function clearErrors(root) {
  for (const el of root.querySelectorAll('[data-pointer][aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const hint = document.getElementById(`${el.id}-hint`);
    if (hint) el.setAttribute('aria-describedby', hint.id); else el.removeAttribute('aria-describedby');
  }
  for (const p of root.querySelectorAll('.bfield > .field-error')) { p.hidden = true; p.textContent = ''; }
  for (const p of root.querySelectorAll(':scope > .field-error')) { p.hidden = true; p.textContent = ''; }
}

/**
 * Shows `message` beside the control of `root` whose `data-pointer` is `pointer` or its longest
 * prefix; a pointer no control owns goes to `root`'s own error line (its direct `.field-error`
 * child), with the pointer. Returns the control (or null).
 */
export function showAt(root, pointer, message) {
  clearErrors(root);
  let best = null;
  for (const el of root.querySelectorAll('[data-pointer]')) {
    const p = el.dataset.pointer;
    if ((pointer === p || pointer.startsWith(`${p}/`)) && (!best || p.length > best.dataset.pointer.length)) best = el;
  }
  if (!best) {
    const line = root.querySelector(':scope > .field-error');
    if (line) { line.textContent = pointer ? `${message} (at ${pointer})` : message; line.hidden = false; }
    return null;
  }
  const error = document.getElementById(`${best.id}-error`);
  error.textContent = message;
  error.hidden = false;
  best.setAttribute('aria-invalid', 'true');
  best.setAttribute('aria-describedby', [document.getElementById(`${best.id}-hint`)?.id, error.id].filter(Boolean).join(' '));
  return best;
}

/** A select of `[value, text]` options, `value` selected. */
export const select = (options, value) => h('select', {}, options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));

/** A number from an input's text: a number when it reads as one, else the text (the engine says why). */
export const numberOf = (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

/**
 * A form laid over a content JSON editor (`entry`: a forms.mjs field), kept in step with it both
 * ways: the form's edits write the JSON (`changed`: its listeners — translations, drafts — hear
 * it), and JSON typed in the editor redraws the form. `draw()` draws `state.content` into `root`
 * when the form can show it; else `root` says why (`unreadable`: the JSON does not parse;
 * `unshown`: `editable(content)` is false, a shape the form does not show). `redraw(pointer)`:
 * after a change of shape, the control at `pointer` (or the one that had focus) is focused again.
 */
export function jsonForm(entry, draw, { editable, unreadable, unshown }) {
  const root = h('div', {});
  const state = { content: undefined };
  let fromHere = false;
  const read = () => { try { return JSON.parse(entry.input.value); } catch { return undefined; } };
  const shows = () => state.content !== undefined && editable(state.content);
  const paint = () => {
    clearErrors(root);
    if (shows()) { draw(); return; }
    root.replaceChildren(h('p', { class: 'hint' }, state.content === undefined ? unreadable : unshown), h('p', { class: 'field-error', hidden: true }));
  };
  const changed = () => {
    fromHere = true;
    entry.input.value = JSON.stringify(state.content, null, 2);
    entry.input.dispatchEvent(new Event('input', { bubbles: true }));
    fromHere = false;
  };
  const redraw = (pointer) => {
    const at = pointer ?? (root.contains(document.activeElement) ? document.activeElement.dataset.pointer : null);
    changed();
    paint();
    if (at) root.querySelector(`[data-pointer="${CSS.escape(at)}"]`)?.focus();
  };
  entry.input.addEventListener('input', () => { if (!fromHere) { state.content = read(); paint(); } });
  return { root, state, shows, changed, redraw, sync() { state.content = read(); paint(); } };
}

/**
 * A text control writing `o[key]` (empty → absent) then calling `then()`; `toValue` / `fromValue`
 * convert (numbers, seconds ↔ milliseconds). `attrs` may make it a number or url input.
 */
export function boundText(o, key, label, pointer, then, { long = false, hint, wide = true, attrs = {}, toValue = (s) => s, fromValue = (v) => v } = {}) {
  const el = long ? h('textarea', { rows: 2, ...attrs }) : h('input', { type: 'text', ...attrs });
  el.value = o[key] === undefined ? '' : String(fromValue(o[key]));
  el.addEventListener('input', () => {
    if (el.value === '') delete o[key]; else o[key] = toValue(el.value);
    then();
  });
  return control(label, el, pointer, { hint, wide });
}

/** A checkbox writing `o[key]`: `true` when ticked, absent when not. */
export function boundCheck(o, key, label, pointer, then) {
  const el = h('input', { type: 'checkbox', checked: o[key] === true });
  el.addEventListener('change', () => { if (el.checked) o[key] = true; else delete o[key]; then(); });
  return control(label, el, pointer);
}

/**
 * Move up / Move down / Remove for element `i` of `list` (named `${noun} ${i + 1}`); after each,
 * `redraw` with focus on `focusAt(j)` (the moved element's, or the next one's after a removal).
 */
export function listButtons(list, i, noun, redraw, focusAt) {
  const n = i + 1;
  const move = (to) => { [list[i], list[to]] = [list[to], list[i]]; redraw(focusAt(to)); };
  return h('div', { class: 'rule-row' },
    i > 0 ? h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Move up, ${noun} ${n}`, onclick: () => move(i - 1) }, 'Move up') : null,
    i < list.length - 1 ? h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Move down, ${noun} ${n}`, onclick: () => move(i + 1) }, 'Move down') : null,
    h('button', { type: 'button', class: 'small quiet-border', 'aria-label': `Remove ${noun} ${n}`, onclick: (ev) => {
      const section = ev.currentTarget.closest('section');
      list.splice(i, 1);
      redraw(list.length ? focusAt(Math.min(i, list.length - 1)) : null);
      if (!list.length) section?.querySelector('button')?.focus();
    } }, 'Remove'));
}

/**
 * Shows a `jsonForm` under its heading (`title`, `hint`) before its JSON editor, and answers as
 * the editor's builders do: `sync()`, and `claim(err)` for a save's error whose path `under`
 * matches (a RegExp on the path), shown beside the control its pointer (the path past
 * `/content`) names, while the form shows the content.
 */
export function formSection(entry, form, { title, hint, under }) {
  const id = `${entry.input.id}-${title.toLowerCase()}`;
  entry.wrap.before(h('section', { class: 'rule-section', 'aria-labelledby': id },
    h('h2', { id }, title), h('p', { class: 'hint' }, hint), form.root));
  return {
    sync: form.sync,
    claim(err) {
      const path = err.path ?? '';
      if (!under.test(path) || !form.shows()) return false;
      const el = showAt(form.root, path.slice('/content'.length), err.message);
      (el ?? form.root.querySelector('button'))?.focus();
      return true;
    },
  };
}
