// Transfer sizes of the built widget: raw, gzip (level 9) and brotli (quality 11), as a CDN
// serving dist/site would compress them.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants as z } from 'node:zlib';
const z2 = z;

/** Compressed sizes of one file, or {missing: true} when it has not been built. */
export function measure(path) {
  if (!existsSync(path)) return { path, missing: true };
  const buf = readFileSync(path);
  const text = !path.endsWith('.wasm');
  const brotli = brotliCompressSync(buf, {
    params: {
      [z.BROTLI_PARAM_QUALITY]: 11,
      [z.BROTLI_PARAM_MODE]: text ? z.BROTLI_MODE_TEXT : z.BROTLI_MODE_GENERIC,
      [z.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  });
  return { path, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotli.length };
}

/**
 * The built file of a module in `siteDir`, named after its content by the build
 * (scripts/lib.sh `build_site`): `porchlight-widget.<hash>.js`, `porchlight-widget_bg.<hash>.wasm`.
 */
export function siteFile(siteDir, module, kind) {
  const re = kind === 'wasm' ? new RegExp(`^porchlight-${module}_bg\\.[0-9a-f]+\\.wasm$`) : new RegExp(`^porchlight-${module}\\.[0-9a-f]+\\.js$`);
  const name = existsSync(siteDir) ? readdirSync(siteDir).find((f) => re.test(f)) : undefined;
  return `${siteDir}/${name ?? `porchlight-${module}${kind === 'wasm' ? '_bg.<hash>.wasm' : '.<hash>.js'}`}`;
}

const sum = (...fs) =>
  fs.some((f) => f.missing)
    ? { missing: true }
    : { raw: fs.reduce((a, f) => a + f.raw, 0), gzip: fs.reduce((a, f) => a + f.gzip, 0), brotli: fs.reduce((a, f) => a + f.brotli, 0) };

/**
 * The loader; the core's WASM, glue and "WASM + glue" (`runtime`: the two files the loader
 * fetches before the launcher shows; the sum of their separately compressed sizes, which is what
 * goes over the wire); the messenger's (live chat, loaded only when needed) and the engagement
 * module's (outbound messages and tooltips, loaded when something is eligible) and the tour
 * module's (loaded when a tour is about to show) and the survey module's (when a survey is
 * about to show) the same way;
 * and `total`, everything a visitor who chats and is shown content downloads.
 */
export function measureSizes(siteDir = 'dist/site') {
  const loader = measure(`${siteDir}/porchlight.js`);
  const wasm = measure(siteFile(siteDir, 'widget', 'wasm'));
  const glue = measure(siteFile(siteDir, 'widget', 'js'));
  const runtime = sum(wasm, glue);
  const messengerWasm = measure(siteFile(siteDir, 'messenger', 'wasm'));
  const messengerGlue = measure(siteFile(siteDir, 'messenger', 'js'));
  const messenger = sum(messengerWasm, messengerGlue);
  const engageWasm = measure(siteFile(siteDir, 'engage', 'wasm'));
  const engageGlue = measure(siteFile(siteDir, 'engage', 'js'));
  const engage = sum(engageWasm, engageGlue);
  const tourWasm = measure(siteFile(siteDir, 'tour', 'wasm'));
  const tourGlue = measure(siteFile(siteDir, 'tour', 'js'));
  const tour = sum(tourWasm, tourGlue);
  const surveyWasm = measure(siteFile(siteDir, 'survey', 'wasm'));
  const surveyGlue = measure(siteFile(siteDir, 'survey', 'js'));
  const survey = sum(surveyWasm, surveyGlue);
  const total = sum(loader, wasm, glue, messengerWasm, messengerGlue, engageWasm, engageGlue, tourWasm, tourGlue);
  return { loader, wasm, glue, runtime, messengerWasm, messengerGlue, messenger, engageWasm, engageGlue, engage, tourWasm, tourGlue, tour, surveyWasm, surveyGlue, survey, total };
}

/**
 * What one locale's strings cost a visitor: the boot answer's `i18n` (`{locale, dir?, strings}`,
 * the widget's whole catalog in that locale; English has none) compressed alone, and the whole
 * boot answer compressed with and without it (what the wire carries more). Asks a live edge
 * (`base`) to boot `workspaceId` in each locale.
 */
export async function measureLocales(base, workspaceId = 'demo') {
  const out = {};
  const sid = () => Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  for (const locale of ['en', 'es', 'fr', 'de', 'pt', 'ja', 'ar']) {
    const res = await fetch(`${base}/v1/boot`, { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: base }, body: JSON.stringify({ workspaceId, sessionId: sid(), locale }) });
    const answer = await res.json();
    if (!answer.i18n) throw new Error(`boot in ${locale}: no i18n: ${JSON.stringify(answer).slice(0, 200)}`);
    const z = (s) => {
      const buf = Buffer.from(s);
      return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf, { params: { [z2.BROTLI_PARAM_QUALITY]: 11, [z2.BROTLI_PARAM_MODE]: z2.BROTLI_MODE_TEXT } }).length };
    };
    const strings = z(JSON.stringify(answer.i18n));
    const whole = z(JSON.stringify(answer));
    const without = z(JSON.stringify({ ...answer, i18n: { locale: answer.i18n.locale } }));
    out[locale] = { strings, bootBrotli: whole.brotli, bootAddedBrotli: whole.brotli - without.brotli };
  }
  return out;
}

/**
 * A built module's memory layout: its stack size (Rust links the stack first, so the stack
 * pointer starts at the stack's size: the first global's initial value) and the pages its memory
 * starts with.
 */
export function wasmLayout(path) {
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  let p = 8;
  const leb = (signed) => {
    let r = 0, s = 0, b;
    do { b = buf[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80);
    return signed && s < 32 && b & 0x40 ? r | (-1 << s) : r >>> 0;
  };
  const out = { stackBytes: null, initialPages: null };
  while (p < buf.length) {
    const id = buf[p++];
    const end = leb() + p;
    if (id === 5) { leb(); p++; out.initialPages = leb(); }
    // global 0: i32, mutable, `i32.const N` (the stack pointer).
    if (id === 6 && leb() > 0 && buf[p] === 0x7f && buf[p + 2] === 0x41) { p += 3; out.stackBytes = leb(true); }
    p = end;
  }
  return out;
}
