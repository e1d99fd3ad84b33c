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
writeFileSync(gluePath, glue);
