// Surveys in the page, in headless Chromium: time from a trigger to the first question visible.
// A workspace with six small NPS surveys, each shown by its own `event` trigger; on each page (a
// fresh profile) the first `Porchlight('track', …)` finds the survey module not loaded (cold: it
// is fetched, compiled and instantiated), the next five find it loaded (warm). Measured in the
// page, from just before the track call to the first frame where the question's card is visible
// (tests/bench/in_page.mjs). Figures only.
// Env: PORCHLIGHT_URL, ROOT_KEY, BENCH_SURVEY_PAGES (fresh profiles, default 5).
import { measure } from './in_page.mjs';

const PAGES = Math.max(1, Number(process.env.BENCH_SURVEY_PAGES ?? 5));
const SURVEYS = 6;
const result = await measure({
  family: 'surveys',
  module: 'survey',
  n: SURVEYS,
  pages: PAGES,
  content: (i) => ({ questions: [{ id: 'nps', type: 'nps', prompt: `Survey ${i}: recommend us?`, required: true, lowLabel: 'Not likely', highLabel: 'Very likely' }, { id: 'why', type: 'long_text', prompt: 'Why?' }] }),
  visible: 'dialog.sv[open] #pl-sv-f',
  close: 'dialog[open] [data-a="close"]',
});
const fmt = (xs) => xs.join(', ');
console.log(`  Surveys (${PAGES} fresh pages × ${SURVEYS} event-triggered small surveys):`);
console.log(`    trigger → first question visible, cold (survey module fetched and instantiated): median ${result.coldMedianMs} ms (${fmt(result.cold)})`);
console.log(`    trigger → first question visible, warm (module loaded): median ${result.warmMedianMs} ms over ${result.warm.length} (${fmt(result.warm)})`);
console.log(`BENCH_SURVEY ${JSON.stringify(result)}`);
