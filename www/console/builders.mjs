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
