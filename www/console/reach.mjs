// The delivery builders in an editor: the audience rule builder (rules.mjs), the trigger builder
// (triggers.mjs) and the frequency builder (frequency.mjs), each drawn above its JSON editor and
// kept in step with it both ways. As any of them changes (debounced; a late answer for an older
// state is dropped) the edge is asked for the rule's "Estimated reach" and checks the triggers
// and frequency with the engine as a save would (`POST /admin/v1/audience/reach`): its error is
// shown beside the control it points at, in the builder its path names. The visitors are counted
// only when the rule changed: an edit of the triggers or the frequency alone is checked with
// `count: false` and the figure already shown for that rule stays.
import { api } from './api.mjs';
import { h, uid } from './dom.mjs';
import { ruleBuilder } from './rules.mjs';
import { triggerBuilder } from './triggers.mjs';
import { frequencyBuilder } from './frequency.mjs';

const WAIT_MS = 400;
const fmt = (n) => n.toLocaleString();

/** Words for a reach answer. */
export function reachText(r) {
  if (r.total === 0) return 'No visitors yet: nobody to count.';
  if (r.sample) return `About ${fmt(r.estimated)} of ${fmt(r.total)} visitors (estimated from the ${fmt(r.scanned)} most recently seen, ${fmt(r.matched)} of whom match).`;
  return `${fmt(r.matched)} of ${fmt(r.total)} visitors match now.`;
}

const parse = (text) => { try { return { value: JSON.parse(text) }; } catch { return null; } };

/**
 * Adds the builders for the form's delivery JSON editors (`entries`: forms.mjs fields): the
 * entry keyed by one of `ruleTitles` (`{audience: 'Audience'}`) gets the rule builder, `triggers`
 * and `frequency` theirs. `segments`: this workspace's, for segment references. Returns
 * `{sync(), claim(err)}` or null when the form has none of them.
 */
export function attachDelivery(entries, segments, ruleTitles) {
  const ruleEntry = entries.find((e) => e.json && ruleTitles[e.key]);
  const parts = [];
  let timer = 0;
  let seq = 0;
  /** The rule last counted (its JSON text) and the words its count gave. */
  let counted = { rule: null, text: '' };

  /** One builder above its JSON editor; `api`: its path in the reach request, `saved`: in a save's. */
  function part(entry, make, title, api, saved, statusWords) {
    if (!entry) return;
    const headingId = uid('delivery-title');
    const status = h('p', { class: api === '/rule' ? 'reach' : 'check', role: 'status' });
    let fromBuilder = false;
    const builder = make({
      segments,
      onChange(v) {
        fromBuilder = true;
        entry.input.value = JSON.stringify(v, null, 2);
        entry.input.dispatchEvent(new Event('input', { bubbles: true }));
        fromBuilder = false;
        schedule();
      },
    });
    entry.input.addEventListener('input', () => {
      if (fromBuilder) return;
      const v = parse(entry.input.value);
      if (!v) return;
      builder.set(v.value);
      schedule();
    });
    entry.wrap.before(h('section', { class: 'rule-section', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), builder.el, status));
    parts.push({ entry, builder, api, saved, status, statusWords });
  }
  part(ruleEntry, ruleBuilder, ruleTitles[ruleEntry?.key], '/rule', `/${ruleEntry?.key}`, 'This rule');
  part(entries.find((e) => e.json && e.key === 'triggers'), triggerBuilder, 'Triggers', '/triggers', '/triggers', 'These triggers');
  part(entries.find((e) => e.json && e.key === 'frequency'), frequencyBuilder, 'Frequency', '/frequency', '/frequency', 'This frequency');
  if (!parts.length) return null;
  const byApi = (k) => parts.find((p) => p.api === k);
  const under = (path, prefix) => path === prefix || path.startsWith(`${prefix}/`);

  /** Asks the edge about the whole delivery as it stands now. */
  function schedule() {
    clearTimeout(timer);
    const mine = ++seq;
    timer = setTimeout(async () => {
      const body = {};
      for (const p of parts) {
        const v = parse(p.entry.input.value);
        if (!v) return; // the JSON editor says what is wrong with its text
        body[p.api.slice(1)] = v.value;
      }
      if (!('rule' in body)) body.rule = null;
      const reach = byApi('/rule');
      const rule = JSON.stringify(body.rule);
      // A rule whose count is on its way counts as known: its answer brings the figure, even
      // when a later state's answer (sent with `count: false`) comes back first.
      const counting = !!reach && counted.rule !== rule;
      if (counting) counted = { rule, text: '' }; else body.count = false;
      try {
        const r = await api('POST', '/admin/v1/audience/reach', body);
        if (counting && counted.rule === rule) {
          counted.text = `Estimated reach: ${reachText(r)}`;
          if (mine !== seq && reach.status.textContent === '' && JSON.stringify(parse(reach.entry.input.value)?.value ?? null) === rule) reach.status.textContent = counted.text;
        }
        if (mine !== seq) return;
        for (const p of parts) { p.builder.showError(null); p.status.textContent = ''; }
        if (!reach) return;
        reach.status.textContent = counted.text;
      } catch (e) {
        // Not counted (the edge refused the request): the next request for this rule counts.
        if (counting && counted.rule === rule) counted = { rule: null, text: '' };
        if (mine !== seq) return;
        for (const p of parts) { p.builder.showError(null); p.status.textContent = ''; }
        const p = e.code === 'INVALID_INPUT' && e.path ? parts.find((x) => under(e.path, x.api)) : null;
        if (!p) { if (reach) reach.status.textContent = `Reach unavailable: ${e.message}`; return; }
        const at = e.path.slice(p.api.length);
        p.builder.showError(at, e.message);
        p.status.textContent = `${p.statusWords} cannot be saved yet: ${e.message}${at ? ` (at ${at})` : ''}`;
        if (reach && p !== reach) reach.status.textContent = 'Estimated reach: shown again once the triggers and frequency can be saved.';
      }
    }, WAIT_MS);
  }

  return {
    /** Draws every builder from its editor's text (after the form was filled). */
    sync() {
      for (const p of parts) {
        const v = parse(p.entry.input.value);
        p.builder.set(v ? v.value : { unreadable: true });
      }
      schedule();
    },
    /** A save's error under a builder's path: shown beside its control. False when none shows it. */
    claim(err) {
      const p = err.path ? parts.find((x) => under(err.path, x.saved)) : null;
      const control = p?.builder.showError(err.path.slice(p.saved.length), err.message);
      if (!control) { p?.builder.showError(null); return false; }
      p.status.textContent = `${p.statusWords} cannot be saved: ${err.message}`;
      control.focus();
      return true;
    },
  };
}
