// Runs the wasm build of the targeting benchmark in Node (the same engine the widget ships).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { bench } = require(process.argv[2]);
console.log(bench(Number(process.argv[3] ?? 2000)));
