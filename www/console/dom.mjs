// The console's one way to make elements: text is always text (textContent / text nodes), never
// parsed as HTML, so names and bodies an author or a visitor typed cannot become markup.

/**
 * `h('button', { type: 'button', onclick }, 'Save')`. Props: `class`, `text`, `on<event>`,
 * the live properties `value` / `checked` / `hidden` / `disabled` / `selected`, else attributes
 * (`true` → present, `false` / null → absent). Children: nodes or strings (as text).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}
const PROPS = new Set(['value', 'checked', 'hidden', 'disabled', 'selected']);

export const $ = (id) => document.getElementById(id);

let seq = 0;
/** A page-unique id for label / description ties. */
export const uid = (prefix) => `${prefix}-${++seq}`;

/** A date for lists: the local date and time, short. */
export const when = (ms) => (ms ? new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

/** Tells assistive technology something happened (one polite live region in the shell). */
export function announce(text) {
  const el = $('announce');
  if (!el) return;
  el.textContent = '';
  // A new text node in a cleared region is announced even when the words repeat.
  setTimeout(() => { el.textContent = text; }, 30);
}
