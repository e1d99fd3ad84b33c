// Transfer sizes of the built widget: raw, gzip (level 9) and brotli (quality 11), as a CDN
// serving dist/site would compress them.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants as z } from 'node:zlib';

/** Compressed sizes of one file, or {missing: true} when it has not been built. */
function measure(path) {
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

const sum = (...fs) =>
  fs.some((f) => f.missing)
    ? { missing: true }
    : { raw: fs.reduce((a, f) => a + f.raw, 0), gzip: fs.reduce((a, f) => a + f.gzip, 0), brotli: fs.reduce((a, f) => a + f.brotli, 0) };

/**
 * The loader; the core's WASM, glue and "WASM + glue" (`runtime`: the two files the loader
 * fetches before the launcher shows; the sum of their separately compressed sizes, which is what
 * goes over the wire); the messenger's (live chat, loaded only when needed) the same way; and
 * `total`, everything a visitor who chats downloads (loader + core + messenger).
 */
export function measureSizes(siteDir = 'dist/site') {
  const loader = measure(`${siteDir}/porchlight.js`);
  const wasm = measure(`${siteDir}/porchlight-widget_bg.wasm`);
  const glue = measure(`${siteDir}/porchlight-widget.js`);
  const runtime = sum(wasm, glue);
  const messengerWasm = measure(`${siteDir}/porchlight-messenger_bg.wasm`);
  const messengerGlue = measure(`${siteDir}/porchlight-messenger.js`);
  const messenger = sum(messengerWasm, messengerGlue);
  const total = sum(loader, wasm, glue, messengerWasm, messengerGlue);
  return { loader, wasm, glue, runtime, messengerWasm, messengerGlue, messenger, total };
}
