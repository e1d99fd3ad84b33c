// The rule builder in an editor: drawn above the rule's JSON editor and kept in step with it
// both ways, and the rule's "Estimated reach" asked of the edge as it changes (debounced; a
// late answer for an older rule is dropped). The edge parses the rule with the engine: its
// error is shown beside the node it points at.
import { api } from './api.mjs';
import { h, uid } from './dom.mjs';
import { ruleBuilder } from './rules.mjs';

const WAIT_MS = 400;
const fmt = (n) => n.toLocaleString();

/** Words for a reach answer. */
export function reachText(r) {
  if (r.total === 0) return 'No visitors yet: nobody to count.';
  if (r.sample) return `About ${fmt(r.estimated)} of ${fmt(r.total)} visitors (estimated from the ${fmt(r.scanned)} most recently seen, ${fmt(r.matched)} of whom match).`;
  return `${fmt(r.matched)} of ${fmt(r.total)} visitors match now.`;
}

/**
 * Adds a builder for the JSON editor `entry` (a forms.mjs field holding a rule) to the form,
 * before the editor. `segments`: this workspace's, for segment references.
 */
export function attachRuleBuilder(entry, segments, title) {
  const headingId = uid('rule-title');
  const status = h('p', { class: 'reach', role: 'status' });
  let fromBuilder = false;
  let timer = 0;
  let seq = 0;
  const builder = ruleBuilder({
    segments,
    onChange(rule) {
      fromBuilder = true;
      entry.input.value = JSON.stringify(rule, null, 2);
      entry.input.dispatchEvent(new Event('input', { bubbles: true }));
      fromBuilder = false;
      schedule(rule);
    },
  });
  function schedule(rule) {
    clearTimeout(timer);
    const mine = ++seq;
    timer = setTimeout(async () => {
      try {
        const r = await api('POST', '/admin/v1/audience/reach', { rule });
        if (mine !== seq) return;
        builder.showError(null);
        status.textContent = `Estimated reach: ${reachText(r)}`;
      } catch (e) {
        if (mine !== seq) return;
        const at = e.path?.startsWith('/rule') ? e.path.slice(5) : null;
        builder.showError(at, e.message);
        status.textContent = e.code === 'INVALID_INPUT' ? `This rule cannot be saved yet: ${e.message}${at ? ` (at ${at || '/'})` : ''}` : `Reach unavailable: ${e.message}`;
      }
    }, WAIT_MS);
  }
  entry.input.addEventListener('input', () => {
    if (fromBuilder) return;
    let v;
    try { v = JSON.parse(entry.input.value); } catch { return; }
    builder.set(v);
    schedule(v);
  });
  const section = h('section', { class: 'rule-section', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, title), builder.el, status);
  entry.wrap.before(section);
  return {
    /** Draws from the editor's text (after the form was filled). */
    sync() {
      let v;
      try { v = JSON.parse(entry.input.value); } catch { builder.set({ unreadable: true }); return; }
      builder.set(v);
      schedule(v);
    },
  };
}
