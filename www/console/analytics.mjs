// Measures: an item's shown / clicked / dismissed / completed per day and a tour's funnel by
// step (`#/<kind>/<id>/analytics`), and CSAT per teammate (`#/csat`), each over a date range the
// author picks. Every chart is a table whose rows carry an SVG bar (results.mjs), so the data
// table and the chart are one. Figures come from the edge (`/admin/v1/analytics/…`).
import { api } from './api.mjs';
import { h } from './dom.mjs';
import { KINDS } from './kinds.mjs';
import { rangeForm } from './forms.mjs';
import { bar } from './results.mjs';

const ACTIONS = [['shown', 'Shown'], ['clicked', 'Clicked'], ['dismissed', 'Dismissed'], ['completed', 'Completed']];
const pct = (n, of) => (of ? `${Math.round((100 * n) / of)} %` : '—');
const num = (n) => h('td', { class: 'num' }, n.toLocaleString());
const heading = (text) => h('h1', { tabindex: '-1' }, text);

function dailyTable(r) {
  const most = Math.max(1, ...r.days.map((d) => d.shown));
  return h('table', { class: 'chart' },
    h('caption', {}, `Per day, ${r.from} to ${r.to} (bars: shown)`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), ACTIONS.map(([, t]) => h('th', { scope: 'col', class: 'num' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Chart')))),
    h('tbody', {}, r.days.map((d) => h('tr', {}, h('th', { scope: 'row' }, d.date), ACTIONS.map(([k]) => num(d[k])), h('td', { class: 'bar-cell' }, bar(d.shown / most))))));
}

function funnelTable(f) {
  const started = f.steps[0]?.reached ?? 0;
  return h('section', { class: 'card', 'aria-labelledby': 'funnel-title' },
    h('h2', { id: 'funnel-title' }, 'Tour funnel'),
    h('p', { class: 'hint' }, `${started} started in these days; ${f.completed} completed (${pct(f.completed, started)}).`),
    h('table', { class: 'chart' },
      h('caption', {}, 'Visitors who reached each step'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col', class: 'num' }, 'Reached'), h('th', { scope: 'col', class: 'num' }, 'Of started'), h('th', { scope: 'col', class: 'num' }, 'Dismissed here'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Chart')))),
      h('tbody', {}, f.steps.map((s) => h('tr', {},
        h('th', { scope: 'row' }, `${s.index + 1}. ${s.title || '(no title)'}`), num(s.reached), h('td', { class: 'num' }, pct(s.reached, started)), num(s.dismissed),
        h('td', { class: 'bar-cell' }, bar(started ? s.reached / started : 0)))))));
}

export async function analyticsView(view, kindId, id) {
  const kind = KINDS[kindId];
  const h1 = heading('Analytics');
  const out = h('div');
  const { form, run } = rangeForm(async (query) => {
    const r = await api('GET', `/admin/v1/analytics/items/${encodeURIComponent(id)}${query}`);
    h1.textContent = `Analytics: ${r.item.name || '(no name)'}`;
    const t = r.totals;
    out.replaceChildren(
      h('p', { class: 'totals' }, `${t.shown} shown, ${t.clicked} clicked (${pct(t.clicked, t.shown)}), ${t.dismissed} dismissed, ${t.completed} completed.`),
      r.funnel ? funnelTable(r.funnel) : null,
      h('section', { class: 'card', 'aria-labelledby': 'daily-title' }, h('h2', { id: 'daily-title' }, 'Over time'), dailyTable(r)));
    return r;
  });
  view.replaceChildren(h('p', { class: 'crumbs' }, h('a', { href: `#/${kindId}` }, kind.label), ' › ', h('a', { href: `#/${kindId}/${encodeURIComponent(id)}` }, `This ${kind.one}`)), h1, form, out);
  await run();
  return h1;
}

export async function csatView(view) {
  const h1 = heading('CSAT by teammate');
  const out = h('div');
  const { form, run } = rangeForm(async (query) => {
    const r = await api('GET', `/admin/v1/analytics/csat${query}`);
    const rows = r.teammates;
    out.replaceChildren(rows.length
      ? h('table', { class: 'chart' },
        h('caption', {}, `Ratings given ${r.from} to ${r.to} (1 to 5; bars: average)`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Teammate'), h('th', { scope: 'col', class: 'num' }, 'Ratings'), h('th', { scope: 'col', class: 'num' }, 'Average'),
          h('th', { scope: 'col', class: 'num' }, 'Satisfied (4–5)'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Chart')))),
        h('tbody', {}, rows.map((t) => h('tr', {},
          h('th', { scope: 'row' }, t.name ?? (t.teammateId ? 'Removed teammate' : 'Unassigned')), num(t.responses), h('td', { class: 'num' }, t.average.toFixed(2)),
          h('td', { class: 'num' }, pct(t.distribution[3] + t.distribution[4], t.responses)), h('td', { class: 'bar-cell' }, bar(t.average / 5))))))
      : h('p', { class: 'empty' }, `No ratings from ${r.from} to ${r.to}.`));
    return r;
  });
  view.replaceChildren(h1, form, out);
  await run();
  return h1;
}
