// Writes the demo page without the widget's <script> tag, for the bench's "page without the
// widget" runs: `node tests/bench/strip.mjs IN.html OUT.html`. Served as a file of its own
// (scripts/bench puts it in the served snapshot), so no run needs request interception, which
// would turn Chromium's HTTP cache off and make a warm visit cold.
import { readFileSync, writeFileSync } from 'node:fs';
import { SCRIPT_TAG } from './browser.mjs';

const [from, to] = process.argv.slice(2);
const html = readFileSync(from, 'utf8');
const out = html.replace(SCRIPT_TAG, '');
if (out === html) throw new Error(`no porchlight.js <script> tag in ${from}`);
writeFileSync(to, out);
