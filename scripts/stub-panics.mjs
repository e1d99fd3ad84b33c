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

/**
 * String formatting that, in a module which formats nothing itself, only a panic's message
 * reaches: `fmt::write` (through `String`'s `fmt::Write` vtable, which the panic payloads use)
 * and `u32`'s `Display` (the bounds-check panics' arguments). They stay in the table, so
 * wasm-opt keeps them. Each is stubbed only when every function that calls it directly is
 * stubbed too (checked on the code below): a module with a `format!`, `write!` or a number's
 * `to_string()` on a live path calls them directly and keeps them whole.
 */
const FMT = [
  /(^|[<\s])core(\[[0-9a-f]+\])?::fmt::write(::h[0-9a-f]{16})?$/,
  /^<u32 as core(\[[0-9a-f]+\])?::fmt::Display>::fmt/,
  /^<alloc(\[[0-9a-f]+\])?::string::String as core(\[[0-9a-f]+\])?::fmt::Write>::write_(char|fmt)/,
];

/**
 * Texts that only a panic's message or its location reads, zeroed in place in the data (same
 * length, same addresses): with the panics stubbed nothing reads them, and zeros pack to
 * nothing. The message pieces of core's bounds, slice, thread-local, `RefCell` and `LazyCell`
 * panics, and the source paths of panic locations (`…/src/….rs`).
 */
const PANIC_TEXT = [
  'slice index starts at ',
  ' but ends at ',
  'index out of bounds: the len is ',
  ' but the index is ',
  'range start index ',
  'range end index ',
  ' out of range for slice of length ',
  'cannot access a Thread Local Storage value during or after destruction: ',
  'copy_from_slice: source slice length (',
  ') does not match destination slice length (',
  'removal index (is ',
  ') should be < len (is ',
  'insertion index (is ',
  ') should be <= len (is ',
  'LazyCell instance has previously been poisoned',
  'RefCell already mutably borrowed',
  'RefCell already borrowed',
];
const SOURCE_PATH = /[\w.@\/-]*\/src\/[\w.\/-]*\.rs/g;

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
const fmt = new Set();
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
        else if (FMT.some((re) => re.test(name))) fmt.add(idx - imported);
      }
    }
    p = end;
  }
}
if (stub.size === 0) throw new Error(`stub-panics: no panic function named in ${input}`);

let blanked = 0;
for (const data of sections.filter((s) => s.id === 11)) {
  const text = buf.toString('latin1', data.start, data.end);
  const zero = (at, n) => {
    buf.fill(0, data.start + at, data.start + at + n);
    blanked += n;
  };
  for (const t of PANIC_TEXT) {
    for (let at = text.indexOf(t); at >= 0; at = text.indexOf(t, at + t.length)) zero(at, t.length);
  }
  for (const m of text.matchAll(SOURCE_PATH)) zero(m.index, m[0].length);
}

const code = sections.find((s) => s.id === 10);
p = code.start;
const ranges = [];
for (let n = leb(), i = 0; i < n; i++) {
  const size = leb();
  ranges.push([p, p + size]);
  p += size;
}

/** The functions `body` calls directly (`call`), by index among the defined ones. */
const skip = () => {
  while (buf[p++] & 0x80);
};
function callees([start, end]) {
  const out = new Set();
  p = start;
  for (let groups = leb(); groups > 0; groups--) {
    leb();
    p++; // count, value type
  }
  while (p < end) {
    const op = buf[p++];
    if (op === 0x10) out.add(leb() - imported);
    else if (op === 0x02 || op === 0x03 || op === 0x04) {
      if (buf[p] === 0x40 || (buf[p] >= 0x6f && buf[p] <= 0x7f)) p++;
      else skip(); // a type index (s33)
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26) || op === 0xd2) skip();
    else if (op === 0x0e) {
      for (let n = leb() + 1; n > 0; n--) skip();
    } else if (op === 0x11) {
      skip();
      skip();
    } else if (op === 0x1c) {
      for (let n = leb(); n > 0; n--) p++;
    } else if (op >= 0x28 && op <= 0x3e) {
      skip();
      skip();
    } else if (op === 0x3f || op === 0x40 || op === 0xd0) p++;
    else if (op === 0x41 || op === 0x42) skip();
    else if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else if (op === 0xfc) {
      const sub = leb();
      if (sub === 8) {
        skip();
        p++;
      } else if (sub === 10) p += 2;
      else if (sub === 11) p++;
      else if (sub === 12 || sub === 14) {
        skip();
        skip();
      } else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) skip();
      else if (sub > 7) throw new Error(`stub-panics: opcode 0xfc ${sub}`);
    } else if (
      !(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b ||
        (op >= 0x45 && op <= 0xc4) || op === 0xd1)
    ) throw new Error(`stub-panics: opcode ${op.toString(16)}`);
  }
  return out;
}
if (fmt.size > 0) {
  // Who calls each formatting function directly; one called from a function that runs is kept
  // (and so is whatever it calls), until nothing changes.
  const callers = new Map([...fmt].map((f) => [f, []]));
  ranges.forEach((r, i) => {
    if (stub.has(i)) return;
    for (const c of callees(r)) if (callers.has(c)) callers.get(c).push(i);
  });
  for (let changed = true; changed; ) {
    changed = false;
    for (const [f, from] of callers) {
      if (fmt.has(f) && from.some((c) => !stub.has(c) && !fmt.has(c))) {
        fmt.delete(f);
        changed = true;
      }
    }
  }
  for (const f of fmt) stub.add(f);
}

const bodies = ranges.map(([s, e], i) =>
  // No locals, `unreachable`, `end`: valid whatever the function's type.
  stub.has(i) ? Buffer.from([0x00, 0x00, 0x0b]) : buf.subarray(s, e),
);
const payload = Buffer.concat([encLeb(bodies.length), ...bodies.flatMap((b) => [encLeb(b.length), b])]);
const codeHeaderStart = sections.indexOf(code) === 0 ? 8 : sections[sections.indexOf(code) - 1].end;
writeFileSync(
  output,
  Buffer.concat([buf.subarray(0, codeHeaderStart), Buffer.from([10]), encLeb(payload.length), payload, buf.subarray(code.end)]),
);
console.log(`stub-panics: ${stub.size} functions (${fmt.size} of them formatting), ${blanked} bytes of panic text`);
