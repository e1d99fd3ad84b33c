// The small Markdown subset chat messages use, as spans to render with textContent: the same
// rules as `shared::chat::spans` (the widget's), and both are held to the same vectors in
// shared/tests/markdown.json (tests/unit/markdown.test.mjs here, shared/src/chat.rs there).
// Links only for http(s) and mailto.
// Rust's `char::is_whitespace` (Unicode White_Space), which differs from JavaScript's `\s`
// (that has U+FEFF, not U+0085); and `char::is_control` (U+0000–U+001F, U+007F–U+009F).
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_WS = new RegExp(`^[${WS}]+`);
const EDGE_WS = new RegExp(`^[${WS}]|[${WS}]$`);
const URL_END = new RegExp(`[${WS}<>"]`);
const REFUSED_IN_HREF = new RegExp(`[${WS}"<>\\u0000-\\u001f\\u007f-\\u009f]`);
const utf8 = new TextEncoder();

export function safeHref(href) {
  const lower = href.replace(LEADING_WS, '').toLowerCase();
  return /^(https?:\/\/|mailto:)/.test(lower) && utf8.encode(href).length <= 2048 && !REFUSED_IN_HREF.test(href);
}
const flanked = (s) => s.length > 0 && !EDGE_WS.test(s);
export function spans(text) {
  const out = [];
  let plain = '';
  const flush = () => { if (plain) { out.push({ t: 'text', v: plain }); plain = ''; } };
  for (let i = 0; i < text.length;) {
    const rest = text.slice(i);
    let m = null;
    if (rest[0] === '\n') m = [{ t: 'br' }, 1];
    else if (rest.startsWith('**')) { const e = rest.indexOf('**', 2); if (e > 2 && flanked(rest.slice(2, e))) m = [{ t: 'b', v: rest.slice(2, e) }, e + 2]; }
    else if (rest[0] === '*' || rest[0] === '_') { const e = rest.indexOf(rest[0], 1); const v = rest.slice(1, e); if (e > 1 && flanked(v) && !v.includes('\n')) m = [{ t: 'i', v }, e + 1]; }
    else if (rest[0] === '`') { const e = rest.indexOf('`', 1); if (e > 1) m = [{ t: 'code', v: rest.slice(1, e) }, e + 1]; }
    else if (rest[0] === '[') {
      const mid = rest.indexOf('](');
      const close = mid > 0 ? rest.indexOf(')', mid + 2) : -1;
      if (close > 0) { const label = rest.slice(1, mid); const href = rest.slice(mid + 2, close); if (label && !label.includes('\n') && safeHref(href)) m = [{ t: 'a', v: label, href }, close + 1]; }
    } else if (/^https?:\/\//.test(rest)) {
      const url = rest.split(URL_END)[0].replace(/[.,)!?;:]+$/, '');
      if (safeHref(url)) m = [{ t: 'a', v: url, href: url }, url.length];
    }
    if (m) { flush(); out.push(m[0]); i += m[1]; } else { plain += rest[0]; i += 1; }
  }
  flush();
  return out;
}
