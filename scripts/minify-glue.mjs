// Renames a module's WASM imports and exports in its wasm-bindgen glue after
// `wasm-opt --minify-imports-and-exports-and-modules` shortened them in the WASM
// (scripts/lib.sh `build_site`). wasm-bindgen names each import after its JS function plus a
// 16-hex hash (`__wbg_appendChild_dbf7ad2f48413560`), written once in the WASM and once in the
// glue: random digits brotli cannot pack (measured: survey −0.9 KB, engage −2.5 KB brotli).
//
// usage: node scripts/minify-glue.mjs BEFORE.wasm AFTER.wasm GLUE.js   (GLUE.js rewritten)
// The pass keeps the order of imports and exports, so the i-th name before is the i-th after.
// Fails (the build stops) if a name it should rename is not where the glue is expected to hold it.
import { readFileSync, writeFileSync } from 'node:fs';

const [before, after, gluePath] = process.argv.slice(2);
const mod = (p) => new WebAssembly.Module(readFileSync(p));
const [a, b] = [mod(before), mod(after)];
const [ia, ib] = [WebAssembly.Module.imports(a), WebAssembly.Module.imports(b)];
const [ea, eb] = [WebAssembly.Module.exports(a), WebAssembly.Module.exports(b)];
if (ia.length !== ib.length || ea.length !== eb.length) throw new Error('import/export count changed');

let glue = readFileSync(gluePath, 'utf8');
const fail = (what) => {
  throw new Error(`minify-glue: ${what} not found in ${gluePath}`);
};

// Import object: `{ __proto__: null, "./porchlight-x_bg.js": import0 }`, import0's keys the names.
const imports = new Map();
const modules = new Map();
ia.forEach((imp, i) => {
  imports.set(imp.name, ib[i].name);
  modules.set(imp.module, ib[i].module);
});
for (const [from, to] of modules) {
  const key = JSON.stringify(from);
  if (!glue.includes(`${key}:`)) fail(`module ${key}`);
  glue = glue.replaceAll(`${key}:`, `${JSON.stringify(to)}:`);
}
// Keys are written `name: function(...)` (or `name: () => …`): one definition each.
glue = glue.replace(/^(\s*)([A-Za-z_$][\w$]*):/gm, (m, sp, name) => (imports.has(name) ? `${sp}${imports.get(name)}:` : m));
for (const name of imports.keys()) {
  if (new RegExp(`\\b${name}\\b`).test(glue)) fail(`import ${name} left over`);
}

// Exports are read as `wasm.name` only.
const exports = new Map(ea.map((e, i) => [e.name, eb[i].name]));
glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (m, name) => {
  if (!exports.has(name)) fail(`export ${name}`);
  return `wasm.${exports.get(name)}`;
});

// Initialisation: every module is initialised by the loader alone (widget/loader/porchlight.js
// `load`), with `{module_or_path: fetch(url)}` from our own edge, which serves `application/wasm`
// to browsers that all have `instantiateStreaming`. wasm-bindgen's generic code for other callers
// goes: `initSync`, a bare URL, a Module or bytes, the deprecated-argument warnings and the
// MIME-type fallback (measured: ~0.4 KB brotli of each module's glue). A call after
// initialisation still answers the exports (tests/bench/browser.mjs reads the memory so).
const start = glue.indexOf('async function __wbg_load(');
const end = glue.indexOf('export { initSync, __wbg_init as default };');
if (start < 0) fail('__wbg_load');
if (end < start) fail('the initSync/default export');
if (!glue.slice(start, end).includes('async function __wbg_init_once(module_or_path)')) fail('__wbg_init_once');
glue = `${glue.slice(0, start)}let __wbg_init_promise;
async function __wbg_init(o) {
    if (wasm !== undefined) return wasm;
    if (__wbg_init_promise === undefined) {
        __wbg_init_promise = __wbg_init_once(o);
        __wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
    }
    return __wbg_init_promise;
}

async function __wbg_init_once({ module_or_path }) {
    const response = await module_or_path;
    if (!response.ok) throw new Error(\`failed to fetch Wasm: \${response.status} \${response.url}\`);
    const { instance, module } = await WebAssembly.instantiateStreaming(response, __wbg_get_imports());
    return __wbg_finalize_init(instance, module);
}

export { __wbg_init as default };
${glue.slice(end + 'export { initSync, __wbg_init as default };'.length)}`;

// Strings into the WASM: always `TextEncoder.encode` into one allocation (wasm-bindgen's own
// path when no `realloc` is given), not an ASCII loop then `encodeInto` with two reallocations:
// the strings the widget hands over are short (labels, ids, a message), and the loop is glue
// every module ships.
const pass = glue.match(/function passStringToWasm0\(arg, malloc, realloc\) \{\n    if \(realloc === undefined\) \{\n([\s\S]*?)\n    \}\n[\s\S]*?\n\}\n/);
if (!pass) fail('passStringToWasm0');
glue = glue.replace(pass[0], `function passStringToWasm0(arg, malloc) {\n${pass[1]}\n}\n`);
writeFileSync(gluePath, glue);
