// Replaces the bodies of Rust's panic and out-of-memory machinery in a module's WASM with one
// `unreachable` (scripts/lib.sh `build_site`, between wasm-bindgen and wasm-opt), so wasm-opt
// drops what only they reach: std's panic handler, its payloads and their message formatting.
//
// Behaviour is unchanged: the widget is built with `panic = "abort"` and sets no panic hook, so
// a panic already ends in a trap (`unreachable`) after std's default hook wrote to a stderr
// that wasm32-unknown-unknown does not have. The stable toolchain's stand-in for nightly's
// `panic_immediate_abort` (which needs `-Zbuild-std`).
//
// usage: node scripts/stub-panics.mjs IN.wasm OUT.wasm   (IN must have its name section)
// Fails if no function matched (the names changed: the build must not silently lose this).
import { readFileSync, writeFileSync } from 'node:fs';

/** Functions that only run once a panic or an allocation failure has begun, and never return. */
const STUB = [
  /(^|[<\s])core(\[[0-9a-f]+\])?::panicking::panic_(nounwind_)?fmt(::h[0-9a-f]{16})?$/,
  /::rust_begin_unwind(::h[0-9a-f]{16})?$/,
  // std's handler, its closures and its payloads' methods (reached from their vtables).
  // `panic_count` stays: `thread::panicking()` reads it outside any panic.
  /(^|[<\s])std(\[[0-9a-f]+\])?::panicking::(?!panic_count)/,
  /(^|[<\s])std(\[[0-9a-f]+\])?::alloc::(rust_oom|default_alloc_error_hook)/,
  /::__rust_alloc_error_handler(::h[0-9a-f]{16})?$/,
  // How the errors of `RefCell::borrow(_mut)` and `LocalKey::with` print: only ever in the
  // panic message those raise (the widget's code uses `try_borrow*` / `try_with` and drops the
  // error). Reached from a vtable, they would keep `Formatter::pad` and its UTF-8 counting.
  /^<core(\[[0-9a-f]+\])?::cell::Borrow(Mut)?Error as core(\[[0-9a-f]+\])?::fmt::(Debug|Display)>::fmt/,
  /^<std(\[[0-9a-f]+\])?::thread::local::AccessError as core(\[[0-9a-f]+\])?::fmt::(Debug|Display)>::fmt/,
];

const [input, output] = process.argv.slice(2);
const buf = readFileSync(input);
let p = 8;
const leb = () => {
  let r = 0, s = 0, b;
  do {
    b = buf[p++];
    r += (b & 0x7f) * 2 ** s;
    s += 7;
  } while (b & 0x80);
  return r;
};
const encLeb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
};
const str = () => {
  const n = leb();
  const s = buf.toString('utf8', p, p + n);
  p += n;
  return s;
};

const sections = [];
while (p < buf.length) {
  const id = buf[p++];
  const size = leb();
  sections.push({ id, start: p, end: p + size });
  p += size;
}

let imported = 0;
const imp = sections.find((s) => s.id === 2);
if (imp) {
  p = imp.start;
  for (let n = leb(); n > 0; n--) {
    str();
    str();
    const kind = buf[p++];
    if (kind === 0) {
      leb();
      imported++;
    } else if (kind === 1 || kind === 2) {
      if (kind === 1) p++; // reference type
      const flags = leb();
      leb();
      if (flags & 1) leb();
    } else if (kind === 3) {
      p += 2; // value type, mutability
    } else if (kind === 4) {
      p++;
      leb();
    } else throw new Error(`stub-panics: import kind ${kind}`);
  }
}

const stub = new Set();
for (const s of sections.filter((s) => s.id === 0)) {
  p = s.start;
  if (str() !== 'name') continue;
  while (p < s.end) {
    const sub = buf[p++];
    const end = leb() + p;
    if (sub === 1) {
      for (let n = leb(); n > 0; n--) {
        const idx = leb();
        const name = str();
        if (STUB.some((re) => re.test(name))) stub.add(idx - imported);
      }
    }
    p = end;
  }
}
if (stub.size === 0) throw new Error(`stub-panics: no panic function named in ${input}`);

const code = sections.find((s) => s.id === 10);
p = code.start;
const bodies = [];
for (let n = leb(), i = 0; i < n; i++) {
  const size = leb();
  // No locals, `unreachable`, `end`: valid whatever the function's type.
  bodies.push(stub.has(i) ? Buffer.from([0x00, 0x00, 0x0b]) : buf.subarray(p, p + size));
  p += size;
}
const payload = Buffer.concat([encLeb(bodies.length), ...bodies.flatMap((b) => [encLeb(b.length), b])]);
const codeHeaderStart = sections.indexOf(code) === 0 ? 8 : sections[sections.indexOf(code) - 1].end;
writeFileSync(
  output,
  Buffer.concat([buf.subarray(0, codeHeaderStart), Buffer.from([10]), encLeb(payload.length), payload, buf.subarray(code.end)]),
);
console.log(`stub-panics: ${stub.size} functions`);
