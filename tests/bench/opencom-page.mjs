// Writes the demo page with Opencom's embed in place of ours, for the side-by-side bench
// (tests/bench/opencom.mjs): `node tests/bench/opencom-page.mjs IN.html OUT.html`.
// Opencom's snippet is its loader with data attributes (their scripts/widget-loader.js reads
// data-opencom-convex-url and data-opencom-workspace-id), served from /opencom/ on the same
// origin. There is no Opencom backend here: the Convex URL is a closed port on 127.0.0.1, so its
// client's WebSocket is refused at once and retried with backoff, never reaching the internet.
// Its launcher is drawn from built-in defaults before any backend answer, so it still shows.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { SCRIPT_TAG } from './browser.mjs';

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The workspace id only has to pass the widget's format check (32 of [a-z0-9]): a malformed one
// makes it render an error panel instead of the launcher.
const OPENCOM_WORKSPACE = 'porchlightbench00000000000000000';

const [from, to] = process.argv.slice(2);
const html = readFileSync(from, 'utf8');
const convexUrl = `http://127.0.0.1:${await closedPort()}`;
const tag = `<script async src="/opencom/widget.js" data-opencom-convex-url="${convexUrl}" data-opencom-workspace-id="${OPENCOM_WORKSPACE}"></script>\n`;
const out = html.replace(SCRIPT_TAG, tag);
if (out === html) throw new Error(`no porchlight.js <script> tag in ${from}`);
writeFileSync(to, out);
