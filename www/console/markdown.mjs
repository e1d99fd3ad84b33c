// The small Markdown subset chat messages use, as spans to render with textContent: the same
// rules as `shared::chat::spans` (the widget's), and both are held to the same vectors in
// shared/tests/markdown.json (tests/unit/markdown.test.mjs here, shared/src/chat.rs there).
// Links only for http(s) and mailto.
// Rust's `char::is_whitespace` (Unicode White_Space), which differs from JavaScript's `\s`
// (that has U+FEFF, not U+0085); and `char::is_control` (U+0000–U+001F, U+007F–U+009F).
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const IS_WS = new RegExp(`[${WS}]`);
const SCHEME = /^(https?:\/\/|mailto:)/i; // ASCII letters only, as Rust's eq_ignore_ascii_case
const URL_END = new RegExp(`[${WS}<>"]`, 'g');
const REFUSED_IN_HREF = new RegExp(`[${WS}"<>\\u0000-\\u001f\\u007f-\\u009f]`, 'g');
const utf8 = new TextEncoder();

// A leading space needs no trimming: any whitespace is refused.
export function safeHref(href) {
  REFUSED_IN_HREF.lastIndex = 0;
  return SCHEME.test(href) && utf8.encode(href).length <= 2048 && !REFUSED_IN_HREF.test(href);
}

// Work done by `spans` (characters looked at), for the tests that hold it linear.
export const work = { steps: 0 };

// Searches, one per kind (`seek` below): where at or after `from` the text has `**`, `*`, `_`,
// `` ` ``, `](`, `)`, a line break, a bare link's end, a refused character (bare link, target).
const has = (s) => (text, from) => text.indexOf(s, from);
const matches = (re) => (text, from) => { re.lastIndex = from; const m = re.exec(text); return m ? m.index : -1; };
const SEARCHES = [has('**'), has('*'), has('_'), has('`'), has(']('), has(')'), has('\n'), matches(URL_END), matches(REFUSED_IN_HREF), matches(REFUSED_IN_HREF)];

// Linear time: every search for a closer, a line break, a link's end or a refused character is
// remembered per kind. Each kind is asked with a `from` that never decreases, so an answer at or
// past `from` still holds and no character is looked at twice per kind (without it every
// unclosed `[` searched to the end: quadratic time). No backtracking regex either: trailing
// punctuation is trimmed by hand (`/[.,)!?;:]+$/` is quadratic on a long run of it).
export function spans(text) {
  const n = text.length;
  const memo = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
  const seek = (k, from) => {
    if (memo[k] < from) {
      const at = SEARCHES[k](text, from);
      memo[k] = at < 0 ? n : at;
      work.steps += memo[k] - from + 1;
    }
    return memo[k];
  };
  // Whether `text.slice(from, to)` is at most 2048 bytes in UTF-8 (1 to 3 a UTF-16 unit), as
  // `safeHref` wants. `u8` holds the UTF-8 offset of each index, made the first time it is needed.
  let u8;
  const fits = (from, to) => {
    if (to - from <= 682) return true;
    if (to - from > 2048) return false;
    if (!u8) {
      u8 = new Uint32Array(n + 1);
      for (let k = 0; k < n; k++) {
        const c = text.charCodeAt(k);
        // Each half of a surrogate pair is 2 of its 4 bytes; a lone one is 3 (U+FFFD).
        const half = (c & 0xfc00) === 0xd800 ? (text.charCodeAt(k + 1) & 0xfc00) === 0xdc00
          : (c & 0xfc00) === 0xdc00 && (text.charCodeAt(k - 1) & 0xfc00) === 0xd800;
        u8[k + 1] = u8[k] + (c < 0x80 ? 1 : c < 0x800 || half ? 2 : 3);
      }
      work.steps += n;
    }
    return u8[to] - u8[from] <= 2048;
  };
  // Emphasis hugs its text (`*a*`, not `2 * 3 *`), as in CommonMark.
  const hugs = (from, to) => to > from && !IS_WS.test(text[from]) && !IS_WS.test(text[to - 1]);
  let trim = [0, 0]; // a bare link's end, and that end without trailing punctuation
  const out = [];
  let plain = 0; // start of pending plain text
  for (let i = 0; i < n;) {
    work.steps++;
    const c = text[i];
    let m = null;
    if (c === '\n') m = [{ t: 'br' }, 1];
    else if (text.startsWith('**', i)) {
      const e = seek(0, i + 2);
      if (e < n && hugs(i + 2, e)) m = [{ t: 'b', v: text.slice(i + 2, e) }, e + 2 - i];
    } else if (c === '*' || c === '_') {
      const e = seek(c === '*' ? 1 : 2, i + 1);
      if (e < n && hugs(i + 1, e) && seek(6, i + 1) >= e) m = [{ t: 'i', v: text.slice(i + 1, e) }, e + 1 - i];
    } else if (c === '`') {
      const e = seek(3, i + 1);
      if (e < n && e > i + 1) m = [{ t: 'code', v: text.slice(i + 1, e) }, e + 1 - i];
    } else if (c === '[') {
      const mid = seek(4, i + 1);
      const end = mid < n ? seek(5, mid + 2) : n;
      if (end < n && mid > i + 1 && seek(6, i + 1) >= mid && SCHEME.test(text.slice(mid + 2, Math.min(end, mid + 10))) &&
          seek(9, mid + 2) >= end && fits(mid + 2, end)) {
        m = [{ t: 'a', v: text.slice(i + 1, mid), href: text.slice(mid + 2, end) }, end + 1 - i];
      }
    } else if (text.startsWith('http://', i) || text.startsWith('https://', i)) {
      const end = seek(7, i + 7);
      if (trim[0] !== end) {
        // A trailing full stop or comma ends the sentence, not the URL. The scheme's `/` stops
        // the trimming, so it does not depend on where the link starts.
        let t = end;
        while ('.,)!?;:'.includes(text[t - 1])) t--;
        work.steps += end - t;
        trim = [end, t];
      }
      const t = trim[1];
      // The scheme is known and whitespace, `<`, `>` and `"` end the link: only its length and
      // control characters are left to check.
      if (seek(8, i + 7) >= t && fits(i, t)) {
        const url = text.slice(i, t);
        m = [{ t: 'a', v: url, href: url }, t - i];
      }
    }
    if (m) {
      if (i > plain) out.push({ t: 'text', v: text.slice(plain, i) });
      out.push(m[0]);
      i += m[1];
      plain = i;
    } else i += 1;
  }
  if (n > plain) out.push({ t: 'text', v: text.slice(plain) });
  return out;
}
