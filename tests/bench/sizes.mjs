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

/**
 * Loader, WASM, glue and "WASM + glue" (the two files the loader fetches; the sum of their
 * separately compressed sizes, which is what goes over the wire).
 */
export function measureSizes(siteDir = 'dist/site') {
  const loader = measure(`${siteDir}/porchlight.js`);
  const wasm = measure(`${siteDir}/porchlight-widget_bg.wasm`);
  const glue = measure(`${siteDir}/porchlight-widget.js`);
  const runtime =
    wasm.missing || glue.missing
      ? { missing: true }
      : { raw: wasm.raw + glue.raw, gzip: wasm.gzip + glue.gzip, brotli: wasm.brotli + glue.brotli };
  return { loader, wasm, glue, runtime };
}
