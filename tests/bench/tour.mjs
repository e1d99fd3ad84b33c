// Tours in the page, in headless Chromium: time from a trigger to the step visible. A workspace
// with six tours, each started by its own `event` trigger; on each page (a fresh profile) the
// first `Porchlight('track', …)` finds the tour module not loaded (cold: it is fetched, compiled
// and instantiated), the next five find it loaded (warm). Measured in the page, from just before
// the track call to the first frame where the step's dialog is visible (tests/bench/in_page.mjs).
// Figures only.
// Env: PORCHLIGHT_URL, ROOT_KEY, BENCH_TOUR_PAGES (fresh profiles, default 5).
import { measure } from './in_page.mjs';

const PAGES = Math.max(1, Number(process.env.BENCH_TOUR_PAGES ?? 5));
const TOURS = 6;
const result = await measure({
  family: 'tours',
  module: 'tour',
  n: TOURS,
  pages: PAGES,
  content: (i) => ({ steps: [{ title: `Tour ${i}`, body: 'Export any report from here.', selector: 'h1', placement: 'below' }, { kind: 'post', body: 'Two' }] }),
  visible: 'dialog[open]',
  close: 'dialog[open] [data-a="dismiss"]',
});
const fmt = (xs) => xs.join(', ');
console.log(`  Tours (${PAGES} fresh pages × ${TOURS} event-triggered tours):`);
console.log(`    trigger → step visible, cold (tour module fetched and instantiated): median ${result.coldMedianMs} ms (${fmt(result.cold)})`);
console.log(`    trigger → step visible, warm (module loaded): median ${result.warmMedianMs} ms over ${result.warm.length} (${fmt(result.warm)})`);
console.log(`BENCH_TOUR ${JSON.stringify(result)}`);
