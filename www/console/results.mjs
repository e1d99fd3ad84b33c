// A survey's results: responses (complete / partial), and per question how many reached and
// answered it, the NPS score with promoters / passives / detractors, the distribution of
// ratings and choices as a bar chart that is also the data table (each bar is a row: value,
// answers, share), the average, and the latest text answers, for the responses last answered
// in the days the author picks (the From / To form analytics uses). Figures come from the edge
// (`GET /admin/v1/surveys/{id}/results?from=…&to=…`, computed by shared::experiences::surveys).
import { api } from './api.mjs';
import { h, announce } from './dom.mjs';
import { alertBox, showAlert, rangeForm } from './forms.mjs';

const SVG = 'http://www.w3.org/2000/svg';
const pct = (n, of) => (of ? `${Math.round((100 * n) / of)} %` : '—');

/** The values a question's answers can take, in the order the visitor saw them. */
function valuesOf(q, counts) {
  const range = { nps: [0, 10], star_rating: [1, 5], numeric_scale: [q.start ?? 1, q.end ?? 5], emoji_rating: [1, q.count ?? 5] }[q.type];
  if (range) return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => String(range[0] + i));
  const known = (q.options ?? []).map(String);
  return [...known, ...Object.keys(counts).filter((k) => !known.includes(k))];
}

/** A horizontal bar (decorative: the row's cells say the same in words). */
export function bar(share) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 100 10');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'chart-bar');
  const track = document.createElementNS(SVG, 'rect');
  track.setAttribute('width', '100'); track.setAttribute('height', '10'); track.setAttribute('class', 'bar-track');
  const fill = document.createElementNS(SVG, 'rect');
  fill.setAttribute('width', String(Math.max(0, Math.min(100, share * 100)))); fill.setAttribute('height', '10'); fill.setAttribute('class', 'bar-fill');
  svg.append(track, fill);
  return svg;
}

function distribution(q, r) {
  const counts = r.distribution ?? {};
  const values = valuesOf(q, counts);
  const total = values.reduce((s, v) => s + (counts[v] ?? 0), 0);
  const most = Math.max(1, ...values.map((v) => counts[v] ?? 0));
  return h('table', { class: 'chart' },
    h('caption', {}, `Answers to “${q.prompt}”`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Answer'), h('th', { scope: 'col' }, 'Answers'), h('th', { scope: 'col' }, 'Share'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Chart')))),
    h('tbody', {}, values.map((v) => h('tr', {},
      h('th', { scope: 'row' }, v),
      h('td', { class: 'num' }, String(counts[v] ?? 0)),
      h('td', { class: 'num' }, pct(counts[v] ?? 0, total)),
      h('td', { class: 'bar-cell' }, bar((counts[v] ?? 0) / most))))));
}

function questionCard(q, r) {
  const parts = [h('h2', {}, q.prompt), h('p', { class: 'hint' }, `${r.answered} answered of ${r.reached} who reached this question (${pct(r.answered, r.reached)}).`)];
  if (r.nps) {
    const { score, promoters, passives, detractors } = r.nps;
    parts.push(h('p', { class: 'nps' }, h('span', { class: 'nps-score' }, score == null ? '—' : String(Math.round(score))), ' NPS'),
      h('p', {}, `${promoters} promoters (9–10), ${passives} passives (7–8), ${detractors} detractors (0–6).`));
  }
  if (r.average != null) parts.push(h('p', {}, `Average: ${r.average.toFixed(1)}`));
  if (r.distribution || valuesOf(q, {}).length) parts.push(distribution(q, r));
  if (r.recent) parts.push(h('h3', {}, 'Latest answers'), r.recent.length ? h('ul', { class: 'answers' }, r.recent.map((a) => h('li', {}, String(a)))) : h('p', { class: 'empty' }, 'No answers yet.'));
  return h('section', { class: 'card', 'aria-label': q.prompt }, parts);
}

export async function resultsView(view, id) {
  const alert = alertBox();
  const h1 = h('h1', { tabindex: '-1' }, 'Survey results');
  view.replaceChildren(h1, alert);
  let survey;
  try {
    survey = await api('GET', `/admin/v1/surveys/${encodeURIComponent(id)}`);
  } catch (e) {
    showAlert(alert, e.status === 404 ? 'This survey does not exist (any more).' : e.message);
    return h1;
  }
  h1.textContent = `Results: ${survey.name}`;
  const out = h('div');
  // The responses last answered in the days picked (the last 30 by default), as analytics.
  const { form, run } = rangeForm(async (query) => {
    const results = await api('GET', `/admin/v1/surveys/${encodeURIComponent(id)}/results${query}`);
    const byId = new Map(results.questions.map((q) => [q.id, q]));
    const { total, complete, partial } = results.responses;
    out.replaceChildren(
      h('div', { class: 'item-bar' },
        h('p', { class: 'totals' }, `${total} ${total === 1 ? 'response' : 'responses'}: ${complete} complete, ${partial} partial.`),
        h('button', { type: 'button', class: 'small quiet-border', onclick: async () => { if (await run()) { announce('Results updated.'); out.querySelector('.item-bar button')?.focus(); } } }, 'Refresh')),
      h('p', { class: 'hint' }, `Responses last answered from ${results.from} to ${results.to} (UTC days, both included).`),
      ...(survey.content.questions ?? []).map((q) => questionCard(q, byId.get(q.id) ?? { reached: 0, answered: 0 })));
    return results;
  });
  view.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '#/surveys' }, 'Surveys'), ' › ', h('a', { href: `#/surveys/${encodeURIComponent(id)}` }, survey.name)),
    h1, alert, form, out);
  await run();
  return h1;
}
